"""Export pages: request an export, watch its progress, download it, the history; and the
letterhead the reports carry. Thin views: authorise, call a service, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eviden.unduhan import sajikan
from pokja.akses import Tindakan, get_tim_for_user

from .. import services
from ..models import Ekspor, JenisEkspor, Pengajuan, StatusEkspor
from . import MIME
from .forms import JENIS_LOGO, EksporForm, KopForm

T = Tindakan
PER_HALAMAN = 20


def _pengajuan(tim):
    return list(
        Pengajuan.objects.filter(tim=tim)
        .select_related("tahapan", "tim__satker")
        .order_by("-diajukan_pada")
    )


@login_required
def ekspor(request, tim_id):
    """The export page: PDF report, LKE Excel, evidence ZIP; and who exported what, when."""
    tim, akses = get_tim_for_user(request.user, tim_id, T.EKSPOR)
    pengajuan = _pengajuan(tim)
    form = EksporForm(request.POST if request.method == "POST" else None, pengajuan=pengajuan)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                e = services.minta_ekspor(
                    tim=tim,
                    jenis=d["jenis"],
                    user=request.user,
                    pengajuan=d["pengajuan_obj"],
                    pilih_berkas=d["pilih_berkas"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("ekspor-status", tim_id=tim.pk, pk=e.pk)
        status = 422
    riwayat = Paginator(
        Ekspor.objects.filter(tim=tim).select_related("diminta_oleh", "pengajuan__tahapan"),
        PER_HALAMAN,
    ).get_page(request.GET.get("hal"))
    return render(
        request,
        "penilaian/ekspor/ekspor.html",
        {
            "tim": tim,
            "akses": akses,
            "form": form,
            "pengajuan": pengajuan,
            "riwayat": riwayat,
            "jenis": JenisEkspor,
            "boleh_kelola": akses.boleh(T.KELOLA_TIM),
        },
        status=status,
    )


def _ekspor_tim(request, tim_id, pk):
    tim, akses = get_tim_for_user(request.user, tim_id, T.EKSPOR)
    e = get_object_or_404(
        Ekspor.objects.select_related("diminta_oleh", "pengajuan__tahapan"), pk=pk, tim=tim
    )
    return tim, akses, e


@login_required
@require_GET
def status(request, tim_id, pk):
    """The progress page; under htmx only its status block, which polls itself while the
    job runs and stops once it is done or failed."""
    tim, akses, e = _ekspor_tim(request, tim_id, pk)
    konteks = {"tim": tim, "akses": akses, "e": e}
    if request.headers.get("HX-Request"):
        return render(request, "penilaian/ekspor/_status.html", konteks)
    return render(request, "penilaian/ekspor/status.html", konteks)


@login_required
@require_GET
def unduh(request, tim_id, pk):
    """The export file, to the roles that may export (checked like evidence downloads)."""
    _tim, _akses, e = _ekspor_tim(request, tim_id, pk)
    if e.status != StatusEkspor.SELESAI or not e.kunci:
        raise Http404(_("Berkas ekspor ini tidak tersedia (belum selesai atau sudah kedaluwarsa)."))
    return sajikan(e.kunci, nama=e.nama_berkas, mime=MIME[e.jenis], inline=False)


@login_required
def kop(request, tim_id):
    """The chair edits the letterhead of the satker's reports (address, city, logo)."""
    tim, akses = get_tim_for_user(request.user, tim_id, T.KELOLA_TIM)
    satker = tim.satker
    dikirim = request.method == "POST"
    form = KopForm(
        request.POST if dikirim else None,
        request.FILES if dikirim else None,
        initial={"alamat": satker.alamat, "kota": satker.kota},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            satker.alamat, satker.kota = d["alamat"].strip(), d["kota"].strip()
            ubah = ["alamat", "kota"]
            if d["logo"]:
                kunci = f"logo/{satker.pk}/{uuid.uuid4().hex}.{JENIS_LOGO[d['logo'].mime]}"
                satker.logo = default_storage.save(kunci, d["logo"])
                satker.logo_mime = d["logo"].mime
                ubah += ["logo", "logo_mime"]
            elif d["hapus_logo"]:
                # The old image stays in storage (nothing uploaded is deleted); it is only
                # no longer used.
                satker.logo, satker.logo_mime = "", ""
                ubah += ["logo", "logo_mime"]
            satker.save(update_fields=ubah)
            messages.success(request, _("Kop laporan disimpan."))
            return redirect("kop", tim_id=tim.pk)
        status = 422
    return render(
        request,
        "penilaian/ekspor/kop.html",
        {"tim": tim, "akses": akses, "form": form, "satker": satker},
        status=status,
    )


@login_required
@require_GET
def logo(request, tim_id):
    """The satker's logo, to the team's members."""
    tim, _akses = get_tim_for_user(request.user, tim_id, T.LIHAT)
    if not tim.satker.logo:
        raise Http404(_("Satker ini belum punya logo."))
    return sajikan(tim.satker.logo, nama="logo", mime=tim.satker.logo_mime, inline=True)
