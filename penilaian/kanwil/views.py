"""The level of a Kanwil: the oversight of every satker below it, and the assessor grants.

Who: ``pokja.akses.get_kanwil_for_user``. The oversight page is for the Kanwil's admins and
the superuser, and for the Kanwil's own TPP assessors while a grant is in force (they see
the list, without links into the teams); the grants pages for admins and the superuser
only. Anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pokja.akses import get_kanwil_for_user, syarat_di_bawah
from pokja.models import TAHAPAN_LAPISAN, Lapisan, PenugasanPenilai, Predikat
from pokja.services import beri_penugasan, cabut_penugasan

from ..models import JenisTahapan
from . import selectors as sel
from .forms import PenugasanForm

PER_HALAMAN = 50
PARAM = ("tahun", "target", "tahapan", "vonis", "q", "urut")


def _angka_param(nilai):
    return int(nilai) if nilai and nilai.isdigit() and len(nilai) < 10 else None


def _tautan(params, **ganti):
    """``?…`` of the page with ``params`` (a QueryDict) changed by ``ganti`` (None drops)."""
    q = params.copy()
    for k, v in ganti.items():
        if v is None:
            q.pop(k, None)
        elif isinstance(v, list):
            q.setlist(k, [str(x) for x in v])
        else:
            q[k] = str(v)
    teks = q.urlencode()
    return f"?{teks}" if teks else "?"


@login_required
def pengawasan(request, kanwil_id):
    """Every satker below the Kanwil for one year: target, stage, projected score, verdict,
    evidence completeness and overdue tasks, sortable and filterable, 50 rows a page; a
    radar of up to six chosen satker. The list is built whole (scores come from stored
    snapshots, in a fixed number of queries), then filtered and sorted in Python."""
    akses = get_kanwil_for_user(request.user, kanwil_id)
    kanwil = akses.kanwil
    g = request.GET
    tersedia = sel.tahun_tersedia(kanwil)
    tahun = _angka_param(g.get("tahun")) or sel.tahun_bawaan(tersedia)
    semua = sel.baris_satker(kanwil, tahun)
    saring = {
        "target": g.get("target", "") if g.get("target") in {*Predikat.values, sel.TANPA} else "",
        "tahapan": g.get("tahapan", "")
        if g.get("tahapan") in {*JenisTahapan.values, sel.TANPA}
        else "",
        "vonis": g.get("vonis", "") if g.get("vonis") in sel.VONIS else "",
        "cari": g.get("q", "")[:100],
    }
    urut = g.get("urut", "nama")
    if urut.lstrip("-") not in sel.KUNCI_URUT:
        urut = "nama"
    daftar = sel.urutkan(sel.saring(semua, **saring), urut)
    halaman = Paginator(daftar, PER_HALAMAN).get_page(g.get("hal"))

    pilihan = []
    for v in g.getlist("banding"):
        n = _angka_param(v)
        if n is not None and n not in pilihan:
            pilihan.append(n)
    ada = {b.satker_id for b in semua}
    pilihan = [p for p in pilihan if p in ada]
    kelebihan = len(pilihan) > sel.MAKS_BANDING
    pilihan = pilihan[: sel.MAKS_BANDING]
    radar = sel.radar(semua, pilihan)

    # Links keep the year, the filters, the sort and the choice; they drop the page number
    # (a new sort or filter starts at page 1).
    dasar = QueryDict(mutable=True)
    for k in PARAM:
        if g.get(k):
            dasar[k] = g[k]
    dasar["tahun"] = str(tahun)
    if pilihan:
        dasar.setlist("banding", [str(p) for p in pilihan])
    kolom = []
    for kunci, label in (
        ("nama", _("Satker")),
        ("skor", _("Proyeksi nilai")),
        ("lengkap", _("Kelengkapan eviden")),
        ("terlambat", _("Lewat tenggat")),
    ):
        aktif = urut.lstrip("-") == kunci
        turun = urut.startswith("-")
        if aktif:  # the active column turns round
            baru = kunci if turun else f"-{kunci}"
        else:  # names A→Z first; figures highest first
            baru = kunci if kunci == "nama" else f"-{kunci}"
        kolom.append(
            {
                "kunci": kunci,
                "label": label,
                "tautan": _tautan(dasar, urut=baru, hal=None),
                "aria": ("descending" if turun else "ascending") if aktif else "",
            }
        )
    di_halaman = {b.satker_id for b in halaman}
    dengan_tim = [b for b in semua if b.tim_id]
    return render(
        request,
        "penilaian/kanwil/pengawasan.html",
        {
            "kanwil": kanwil,
            "akses": akses,
            "tahun": tahun,
            "tersedia": tersedia if tahun in tersedia else sorted({*tersedia, tahun}, reverse=True),
            "halaman": halaman,
            "jumlah_tersaring": len(daftar),
            "ringkas": {
                "satker": len(semua),
                "tim": len(dengan_tim),
                "memenuhi": sum(1 for b in dengan_tim if b.memenuhi),
                "terlambat": sum(b.terlambat for b in dengan_tim),
            },
            "saring": saring,
            "urut": urut,
            "kolom": kolom,
            "pilihan_target": Predikat.choices,
            "pilihan_tahapan": JenisTahapan.choices,
            "tanpa": sel.TANPA,
            "pilihan": pilihan,
            "pilihan_lain": [p for p in pilihan if p not in di_halaman],
            "kelebihan": kelebihan,
            "maks_banding": sel.MAKS_BANDING,
            "radar": radar,
            "grafik": radar.grafik() if len(radar.baris) else None,
            "tautan_sebelum": _tautan(dasar, hal=halaman.previous_page_number())
            if halaman.has_previous()
            else "",
            "tautan_sesudah": _tautan(dasar, hal=halaman.next_page_number())
            if halaman.has_next()
            else "",
            "tautan_kosongkan": _tautan(dasar, banding=None),
        },
    )


# --- Assessor grants ---------------------------------------------------------------------------


def _penugasan(kanwil):
    return (
        PenugasanPenilai.objects.filter(syarat_di_bawah(kanwil, "satker__"))
        .select_related("user", "satker", "diberikan_oleh", "dicabut_oleh")
        .order_by("-diberikan_pada", "-pk")
    )


def _label_tahapan(nilai):
    return JenisTahapan(nilai).label if nilai in JenisTahapan.values else nilai


def _status(p, sekarang):
    if p.dicabut_pada:
        return "dicabut"
    if p.selesai < sekarang:
        return "berakhir"
    if p.mulai > sekarang:
        return "akan_datang"
    return "aktif"


def _riwayat(ids):
    """``{grant id: [(history record, what happened, changed field names)]}``, oldest first:
    the django-simple-history entries of the grants, with who and when. One query."""
    hasil, sebelumnya = {}, {}
    for h in (
        PenugasanPenilai.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        lama = sebelumnya.get(h.id)
        medan = []
        if h.history_type == "~" and lama is not None:
            medan = [
                str(PenugasanPenilai._meta.get_field(c).verbose_name)
                for c in h.diff_against(lama).changed_fields
            ]
        apa = {"+": _("diberikan"), "~": _("diubah"), "-": _("dihapus")}.get(h.history_type, "")
        hasil.setdefault(h.id, []).append((h, apa, medan))
        sebelumnya[h.id] = h
    return hasil


@login_required
def penilai(request, kanwil_id):
    """The grants for satker below the Kanwil (in force, ended, revoked) with who granted
    and revoked them and their history, and the form that grants one (admins only)."""
    akses = get_kanwil_for_user(request.user, kanwil_id, admin=True)
    kanwil = akses.kanwil
    form = PenugasanForm(request.POST if request.method == "POST" else None, kanwil=kanwil)
    if request.method == "POST" and form.is_valid():
        try:
            p = beri_penugasan(oleh=request.user, **form.data_layanan())
        except (ValidationError, PermissionDenied) as exc:
            form.tambah_galat(exc)
        else:
            messages.success(
                request,
                _("%(u)s ditugaskan sebagai penilai %(l)s untuk %(s)s.")
                % {"u": p.user.get_full_name(), "l": p.get_lapisan_display(), "s": p.satker.nama},
            )
            return redirect("kanwil-penilai", kanwil_id=kanwil.pk)
    sekarang = timezone.now()
    halaman = Paginator(_penugasan(kanwil), PER_HALAMAN).get_page(request.GET.get("hal"))
    riwayat = _riwayat([p.pk for p in halaman])
    baris = [
        (p, _status(p, sekarang), riwayat.get(p.pk, []), _label_tahapan(p.tahapan)) for p in halaman
    ]
    if form.errors:
        form.tandai_galat()
    return render(
        request,
        "penilaian/kanwil/penilai.html",
        {
            "kanwil": kanwil,
            "akses": akses,
            "form": form,
            "halaman": halaman,
            "baris": baris,
            "tahapan_lapisan": [
                (Lapisan(k).label, ", ".join(str(JenisTahapan(t).label) for t in v))
                for k, v in TAHAPAN_LAPISAN.items()
            ],
        },
        status=422 if form.errors else 200,
    )


@login_required
def cabut(request, kanwil_id, pk):
    """Revoke a grant: a confirmation page (GET), then the revocation (POST)."""
    akses = get_kanwil_for_user(request.user, kanwil_id, admin=True)
    kanwil = akses.kanwil
    p = get_object_or_404(_penugasan(kanwil), pk=pk)
    if request.method == "POST":
        if p.dicabut_pada:
            messages.info(request, _("Penugasan ini sudah dicabut sebelumnya."))
        else:
            try:
                cabut_penugasan(oleh=request.user, penugasan=p)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Penugasan %(u)s untuk %(s)s dicabut.")
                    % {"u": p.user.get_full_name(), "s": p.satker.nama},
                )
        return redirect("kanwil-penilai", kanwil_id=kanwil.pk)
    return render(
        request,
        "penilaian/kanwil/cabut.html",
        {
            "kanwil": kanwil,
            "p": p,
            "status": _status(p, timezone.now()),
            "tahapan": _label_tahapan(p.tahapan),
        },
    )
