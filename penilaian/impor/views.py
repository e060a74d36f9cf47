"""The LKE workbook import pages: upload → preview soal by soal → confirm (or cancel).

Only the chair and the team secretary import (``Tindakan.KELOLA_TIM``). The uploaded file
waits between preview and confirmation in ``EVIDEN_TEMP_DIR`` under a random name; the
session holds that name with the file's SHA-256, so the confirmation re-reads exactly the
previewed file and plans again. A plan that differs from the one previewed (someone changed
answers meanwhile) is shown again instead of being written. The temporary file is deleted
after confirmation or cancellation (and by ``eviden.tasks.bersihkan_sementara`` when a
preview is abandoned).
"""

import contextlib
import os
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eviden.berkas import BerkasDitolak, batas_bita, bersihkan_nama
from eviden.models import LembarKerja
from pokja.akses import Tindakan, get_tim_for_user
from zi_portal.format import angka

from ..models import ImporLKE
from . import baca, rencana
from .forms import KonfirmasiForm, UnggahForm

SESI = "impor_lke"  # session key: {tim id: {"berkas", "sha256", "nama", "timpa", "pada"}}
_NAMA_SEMENTARA = re.compile(re.escape(baca.AWALAN_SEMENTARA) + r"[A-Za-z0-9_]+\.xlsx")
RIWAYAT = 10  # past imports listed on the upload page
TAMPIL_SEMUA = (
    rencana.DIISI,
    rencana.DITIMPA,
    rencana.DILEWATI,
    rencana.SAMA,
    rencana.KOSONG,
    rencana.GALAT,
)
TAMPIL_PENTING = (rencana.DIISI, rencana.DITIMPA, rencana.DILEWATI, rencana.GALAT)


class _Hilang(Exception):
    """The previewed file is gone (expired and swept) or is not the one previewed."""


def _lembar(tim):
    return LembarKerja.objects.select_related("instrumen", "tim").filter(tim=tim).first()


def _sesi(request, tim):
    data = request.session.get(SESI, {}).get(str(tim.pk))
    if not data or not _NAMA_SEMENTARA.fullmatch(str(data.get("berkas", ""))):
        return None
    return data


def _path(data):
    return os.path.join(settings.EVIDEN_TEMP_DIR, data["berkas"])


def _buang(request, tim):
    """Forget the team's pending preview and delete its temporary file."""
    semua = request.session.get(SESI, {})
    data = semua.pop(str(tim.pk), None)
    if data is not None:
        request.session[SESI] = semua
        if _NAMA_SEMENTARA.fullmatch(str(data.get("berkas", ""))):
            baca.buang(_path(data))


def _rencanakan(data, lembar):
    path = _path(data)
    try:
        sha256 = baca.sha256_berkas(path)
    except FileNotFoundError:
        raise _Hilang from None
    if sha256 != data["sha256"]:
        raise _Hilang
    return rencana.rencanakan(
        path, lembar=lembar, timpa=data["timpa"], nama_berkas=data["nama"], sha256=sha256
    )


def _nama_aman(nama):
    with contextlib.suppress(BerkasDitolak):
        return bersihkan_nama(nama)[:200]
    return "lke.xlsx"


@login_required
def unggah(request, tim_id):
    """The upload form, the team's pending preview (if any) and its last imports."""
    tim, akses = get_tim_for_user(request.user, tim_id, Tindakan.KELOLA_TIM)
    lembar = _lembar(tim)
    form = UnggahForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and lembar is not None:
        berkas = form.cleaned_data["berkas"]
        nama = _nama_aman(berkas.name)
        path = None
        try:
            if berkas.size > batas_bita():
                raise baca.Ditolak(
                    _("Berkas terlalu besar. Batas ukuran adalah %(mb)s MB.")
                    % {"mb": settings.EVIDEN_MAKS_MB},
                    "besar",
                )
            path, sha256, _ukuran = baca.simpan_sementara(berkas)
            hasil = rencana.rencanakan(
                path,
                lembar=lembar,
                timpa=form.cleaned_data["timpa"],
                nama_berkas=nama,
                sha256=sha256,
            )
        except baca.Ditolak as e:
            if path:
                baca.buang(path)
            form.add_error("berkas", str(e))
        else:
            _buang(request, tim)
            semua = request.session.get(SESI, {})
            semua[str(tim.pk)] = {
                "berkas": os.path.basename(path),
                "sha256": hasil.sha256,
                "nama": nama,
                "timpa": hasil.timpa,
                "pada": timezone.now().isoformat(),
            }
            request.session[SESI] = semua
            return redirect("impor-lke-pratinjau", tim_id=tim.pk)
    riwayat = ImporLKE.objects.filter(tim=tim).select_related("oleh")[:RIWAYAT]
    return render(
        request,
        "penilaian/impor/unggah.html",
        {
            "tim": tim,
            "akses": akses,
            "lembar": lembar,
            "form": form,
            "riwayat": riwayat,
            "menunggu": _sesi(request, tim),
            "maks_mb": settings.EVIDEN_MAKS_MB,
        },
        status=422 if form.errors else 200,
    )


def _tampil(request, tim, hasil, data, *, basi=False, status=200):
    semua = request.GET.get("semua") == "1"
    saring = TAMPIL_SEMUA if semua else TAMPIL_PENTING
    return render(
        request,
        "penilaian/impor/pratinjau.html",
        {
            "tim": tim,
            "r": hasil,
            "data": data,
            "daftar": [b for b in hasil.daftar if b.aksi in saring],
            "semua": semua,
            "basi": basi,
            "ringkasan": hasil.ringkasan,
            "form": KonfirmasiForm(initial={"sidik": hasil.sidik}),
        },
        status=status,
    )


def _tanpa_berkas(request, tim):
    _buang(request, tim)
    messages.warning(
        request,
        _(
            "Berkas yang diunggah untuk pratinjau sudah tidak tersedia (kedaluwarsa atau sudah "
            "dipakai). Unggah lagi."
        ),
    )
    return redirect("impor-lke", tim_id=tim.pk)


@login_required
def pratinjau(request, tim_id):
    """The plan of the pending upload, soal by soal (read again on every visit)."""
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.KELOLA_TIM)
    lembar = _lembar(tim)
    data = _sesi(request, tim)
    if data is None or lembar is None:
        messages.info(request, _("Belum ada berkas LKE yang menunggu pratinjau. Unggah dulu."))
        return redirect("impor-lke", tim_id=tim.pk)
    try:
        hasil = _rencanakan(data, lembar)
    except _Hilang:
        return _tanpa_berkas(request, tim)
    except baca.Ditolak as e:
        _buang(request, tim)
        messages.error(request, str(e))
        return redirect("impor-lke", tim_id=tim.pk)
    return _tampil(request, tim, hasil, data)


@login_required
@require_POST
def terapkan(request, tim_id):
    """Write the previewed plan, if it is still the plan; otherwise show the new one."""
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.KELOLA_TIM)
    lembar = _lembar(tim)
    data = _sesi(request, tim)
    if data is None or lembar is None:
        return _tanpa_berkas(request, tim)
    try:
        hasil = _rencanakan(data, lembar)
    except _Hilang:
        return _tanpa_berkas(request, tim)
    except baca.Ditolak as e:
        _buang(request, tim)
        messages.error(request, str(e))
        return redirect("impor-lke", tim_id=tim.pk)
    form = KonfirmasiForm(request.POST)
    if not form.is_valid() or form.cleaned_data["sidik"] != hasil.sidik:
        return _tampil(request, tim, hasil, data, basi=True, status=409)
    if hasil.masalah:
        return _tampil(request, tim, hasil, data, status=422)
    if not hasil.berubah:
        _buang(request, tim)
        messages.info(request, _("Tidak ada jawaban yang berubah; tidak ada yang diimpor."))
        return redirect("impor-lke", tim_id=tim.pk)
    try:
        impor = rencana.terapkan(hasil, user=request.user)
    except rencana.RencanaBasi:
        try:
            hasil = _rencanakan(data, lembar)
        except (_Hilang, baca.Ditolak):
            return _tanpa_berkas(request, tim)
        return _tampil(request, tim, hasil, data, basi=True, status=409)
    _buang(request, tim)
    messages.success(
        request,
        _("Impor LKE selesai: %(n)s jawaban berubah; nilai total %(a)s → %(b)s.")
        % {"n": impor.berubah, "a": angka(impor.total_sebelum), "b": angka(impor.total_sesudah)},
    )
    return redirect("dasbor-tim", tim_id=tim.pk)


@login_required
@require_POST
def batal(request, tim_id):
    """Drop the pending preview and its temporary file."""
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.KELOLA_TIM)
    _buang(request, tim)
    messages.info(request, _("Impor dibatalkan; berkas yang diunggah sudah dihapus."))
    return redirect("impor-lke", tim_id=tim.pk)
