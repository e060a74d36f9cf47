"""Proposals to PortalRB: the chair's page of the team (``Tindakan.KELOLA_TIM``) and the
Kanwil admin's page of every team below the Kanwil. Thin views: authorise → validate →
service → redirect with a message (writes only inside the open proposal period)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pokja.akses import Tindakan, get_kanwil_for_user, get_tim_for_user, syarat_di_bawah
from pokja.models import TimZI

from ..models import StatusReviuPortalRB, Usulan
from . import services
from .forms import ReviuForm, UbahUsulanForm, UsulkanForm, UsulkanTimForm
from .selectors import periode_aktif, periode_tahun, terbuka, tim_di_bawah, usulan_tim


def _pesan_galat(request, exc):
    for pesan in exc.messages:
        messages.error(request, pesan)


def _aksi(awalan, args, pk):
    """The URLs of the actions on proposal ``pk`` (``awalan``: "usulan-tim" or
    "usulan-kanwil"; ``args``: the page's own id)."""
    return {
        "ubah": reverse(f"{awalan}-ubah", args=[*args, pk]),
        "reviu": reverse(f"{awalan}-reviu", args=[*args, pk]),
        "tarik": reverse(f"{awalan}-tarik", args=[*args, pk]),
    }


def _info_periode(periode):
    sekarang = timezone.now()
    if periode is None:
        keadaan = "tidak_ada"
    elif sekarang < periode.mulai:
        keadaan = "belum"
    elif sekarang > periode.selesai:
        keadaan = "tutup"
    else:
        keadaan = "buka"
    return {"periode": periode, "keadaan": keadaan, "buka": terbuka(periode, sekarang)}


# --- The chair's page -----------------------------------------------------------------------


def _usulan_tim(request, tim_id, pk):
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.KELOLA_TIM)
    usulan = Usulan.objects.select_related("tim__satker").filter(pk=pk, tim=tim).first()
    if usulan is None:
        raise Http404(_("Tidak ditemukan."))
    return tim, usulan


@login_required
def tim(request, tim_id):
    """The team's proposal for its year: propose (POST), its PortalRB state, the actions."""
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.KELOLA_TIM)
    if request.method == "POST":
        form = UsulkanForm(request.POST)
        if form.is_valid():
            try:
                services.usulkan(tim=tim, oleh=request.user, afirmasi=form.cleaned_data["afirmasi"])
            except ValidationError as exc:
                _pesan_galat(request, exc)
            else:
                messages.success(
                    request,
                    _("%(nama)s diusulkan ke PortalRB untuk tahun %(tahun)s.")
                    % {"nama": tim.satker.nama, "tahun": tim.tahun},
                )
        return redirect("usulan-tim", tim_id=tim.pk)
    data = usulan_tim(tim)
    if data["aktif"] is not None:
        data["aktif"].aksi = _aksi("usulan-tim", [tim.pk], data["aktif"].usulan.pk)
    return render(
        request,
        "penilaian/usulan/tim.html",
        {
            "tim": tim,
            "data": data,
            "form": UsulkanForm(),
            **_info_periode(periode_tahun(tim.tahun)),
        },
    )


def _ubah(request, usulan, kembali):
    form = UbahUsulanForm(request.POST)
    if form.is_valid():
        try:
            services.ubah_usulan(
                usulan=usulan, oleh=request.user, afirmasi=form.cleaned_data["afirmasi"]
            )
        except ValidationError as exc:
            _pesan_galat(request, exc)
        else:
            messages.success(request, _("Usulan %(nama)s disimpan.") % {"nama": usulan.nama_unit})
    return redirect(kembali)


def _reviu(request, usulan, kembali):
    form = ReviuForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Status reviu tidak dikenal."))
        return redirect(kembali)
    try:
        services.catat_reviu(usulan=usulan, oleh=request.user, status=form.cleaned_data["status"])
    except ValidationError as exc:
        _pesan_galat(request, exc)
    else:
        if form.cleaned_data["status"] == StatusReviuPortalRB.DISETUJUI:
            teks = _("Status %(nama)s dicatat: disetujui di PortalRB.")
        else:
            teks = _("Status %(nama)s dikembalikan ke «Belum Review».")
        messages.success(request, teks % {"nama": usulan.nama_unit})
    return redirect(kembali)


def _tarik(request, usulan, kembali):
    """GET: the confirmation step; POST with ``konfirmasi=ya``: withdraw."""
    if request.method == "POST" and request.POST.get("konfirmasi") == "ya":
        try:
            services.tarik_usulan(usulan=usulan, oleh=request.user)
        except ValidationError as exc:
            _pesan_galat(request, exc)
        else:
            messages.success(
                request,
                _("Usulan %(nama)s ditarik. PortalRB tidak lagi melihat unit ini.")
                % {"nama": usulan.nama_unit},
            )
        return redirect(kembali)
    if usulan.ditarik_pada is not None:
        messages.info(request, _("Usulan ini sudah ditarik."))
        return redirect(kembali)
    return render(
        request,
        "penilaian/usulan/tarik.html",
        {"usulan": usulan, "kembali": kembali, **_info_periode(periode_tahun(usulan.tahun))},
    )


@login_required
@require_POST
def tim_ubah(request, tim_id, pk):
    tim, usulan = _usulan_tim(request, tim_id, pk)
    return _ubah(request, usulan, reverse("usulan-tim", args=[tim.pk]))


@login_required
@require_POST
def tim_reviu(request, tim_id, pk):
    tim, usulan = _usulan_tim(request, tim_id, pk)
    return _reviu(request, usulan, reverse("usulan-tim", args=[tim.pk]))


@login_required
def tim_tarik(request, tim_id, pk):
    tim, usulan = _usulan_tim(request, tim_id, pk)
    return _tarik(request, usulan, reverse("usulan-tim", args=[tim.pk]))


# --- The Kanwil admin's page ------------------------------------------------------------------


def _tahun(request):
    """``?tahun=`` (2014..2100), else the open period's year, else this year."""
    teks = request.GET.get("tahun", "")
    if teks.isdigit() and 2014 <= int(teks) <= 2100:
        return int(teks)
    periode = periode_aktif()
    return periode.tahun if periode else timezone.localdate().year


def _halaman_kanwil(kanwil_id, tahun):
    return f"{reverse('usulan-kanwil', args=[kanwil_id])}?tahun={tahun}"


def _usulan_kanwil(request, kanwil_id, pk):
    ak = get_kanwil_for_user(request.user, kanwil_id, admin=True)
    usulan = (
        Usulan.objects.select_related("tim__satker")
        .filter(syarat_di_bawah(ak.kanwil, "tim__satker__"), pk=pk)
        .first()
    )
    if usulan is None:
        raise Http404(_("Tidak ditemukan."))
    return ak, usulan


@login_required
def kanwil(request, kanwil_id):
    """Every team below the Kanwil for a year, with its proposal: propose (POST ``tim``)."""
    ak = get_kanwil_for_user(request.user, kanwil_id, admin=True)
    if request.method == "POST":
        form = UsulkanTimForm(request.POST)
        if not form.is_valid():
            raise Http404(_("Tidak ditemukan."))
        sasaran = (
            TimZI.objects.select_related("satker")
            .filter(syarat_di_bawah(ak.kanwil, "satker__"), pk=form.cleaned_data["tim"])
            .first()
        )
        if sasaran is None:
            raise Http404(_("Tidak ditemukan."))
        try:
            services.usulkan(tim=sasaran, oleh=request.user, afirmasi=form.cleaned_data["afirmasi"])
        except ValidationError as exc:
            _pesan_galat(request, exc)
        else:
            messages.success(
                request,
                _("%(nama)s diusulkan ke PortalRB untuk tahun %(tahun)s.")
                % {"nama": sasaran.satker.nama, "tahun": sasaran.tahun},
            )
        return redirect(_halaman_kanwil(ak.kanwil.pk, sasaran.tahun))
    tahun = _tahun(request)
    baris = tim_di_bawah(ak.kanwil, tahun)
    for b in baris:
        if b.aktif is not None:
            b.aktif.aksi = _aksi("usulan-kanwil", [ak.kanwil.pk], b.aktif.usulan.pk)
    return render(
        request,
        "penilaian/usulan/kanwil.html",
        {
            "kanwil": ak.kanwil,
            "tahun": tahun,
            "tahun_pilihan": [tahun - 1, tahun, tahun + 1],
            "baris": baris,
            "jumlah": sum(1 for b in baris if b.aktif is not None),
            **_info_periode(periode_tahun(tahun)),
        },
    )


@login_required
@require_POST
def kanwil_ubah(request, kanwil_id, pk):
    ak, usulan = _usulan_kanwil(request, kanwil_id, pk)
    return _ubah(request, usulan, _halaman_kanwil(ak.kanwil.pk, usulan.tahun))


@login_required
@require_POST
def kanwil_reviu(request, kanwil_id, pk):
    ak, usulan = _usulan_kanwil(request, kanwil_id, pk)
    return _reviu(request, usulan, _halaman_kanwil(ak.kanwil.pk, usulan.tahun))


@login_required
def kanwil_tarik(request, kanwil_id, pk):
    ak, usulan = _usulan_kanwil(request, kanwil_id, pk)
    return _tarik(request, usulan, _halaman_kanwil(ak.kanwil.pk, usulan.tahun))
