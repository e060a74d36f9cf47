"""Dashboards: thin views (authorise, read, render)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pokja.akses import Tindakan, get_pokja_for_user, get_tim_for_user

from . import pengingat, services
from .forms import AjukanForm, TahapanForm
from .models import Pengajuan, Tahapan
from .penilai.selectors import terbit_untuk_tim
from .selectors import banding_pengajuan, dasbor, kalender_tim, log_pengiriman
from .tampil import putusan_baris

T = Tindakan


def _konteks(d, akses, **lain):
    return {
        "d": d,
        "akses": akses,
        "grafik": d.grafik if d else None,
        "putusan": putusan_baris(d.hasil) if d else [],
        "boleh_catat": akses.boleh(T.CATAT_SKOR),
        "boleh_ekspor": akses.boleh(T.EKSPOR),
        "boleh_kelola": akses.boleh(T.KELOLA_TIM),
        **lain,
    }


@login_required
def dasbor_tim(request, tim_id):
    """The chair's readiness dashboard: Ketua, Sekretaris, Kasubbag TU, Kepala Kantor."""
    tim, akses = get_tim_for_user(request.user, tim_id, Tindakan.DASBOR_TIM)
    return render(request, "penilaian/dasbor_tim.html", _konteks(dasbor(tim), akses, tim=tim))


@login_required
@require_POST
def catat_skor(request, tim_id):
    """Write today's score row now (the beat task writes one every night)."""
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.CATAT_SKOR)
    baris = services.catat_skor(tim_id=tim.pk)
    if baris is None:
        messages.warning(request, _("Tim ini belum punya lembar kerja; tidak ada nilai dicatat."))
    else:
        messages.success(request, _("Nilai hari ini dicatat untuk grafik perkembangan."))
    return redirect("dasbor-tim", tim_id=tim.pk)


@login_required
def dasbor_pokja(request, pokja_id):
    """One Pokja's dashboard, for its coordinator and members (every team member may read)."""
    pokja, akses = get_pokja_for_user(request.user, pokja_id)
    d = dasbor(pokja.tim, area=pokja.area)
    return render(
        request,
        "penilaian/dasbor_pokja.html",
        _konteks(d, akses, tim=pokja.tim, pokja=pokja, aturan_area=f"area_{pokja.area}"),
    )


@login_required
def pengangkat(request, tim_id):
    """Every soal ranked by the points it would add at its top answer; ``?area=1..6`` for one
    Pokja, ``?area=0`` for the Komponen Hasil."""
    tim, akses = get_tim_for_user(request.user, tim_id)
    area = request.GET.get("area", "")
    area = int(area) if area in {"0", "1", "2", "3", "4", "5", "6"} else None
    d = dasbor(tim, n_pengangkat=0)
    daftar = d.hasil.pengangkat(area) if d else []
    return render(
        request,
        "penilaian/pengangkat.html",
        _konteks(d, akses, tim=tim, daftar=daftar, area=area, pokja=list(tim.pokja.all())),
    )


# --- Stages, submissions, reminders -------------------------------------------------------------


@login_required
def kalender(request, tim_id):
    """The team's PMPZI calendar: stages with countdowns and submissions (every member)."""
    tim, akses = get_tim_for_user(request.user, tim_id)
    return render(
        request,
        "penilaian/kalender.html",
        {
            "tim": tim,
            "akses": akses,
            "baris": kalender_tim(tim),
            "boleh": akses.boleh(T.KELOLA_TIM),
        },
    )


def _tahapan(request, tim_id, pk, tindakan):
    tim, akses = get_tim_for_user(request.user, tim_id, tindakan)
    tahapan = get_object_or_404(Tahapan, pk=pk, tim=tim)
    return tim, akses, tahapan


@login_required
def tahapan_ubah(request, tim_id, pk):
    """The chair changes a stage's dates and reminder days. A form opened before someone
    else saved the stage is refused, with their values shown."""
    tim, _akses, tahapan = _tahapan(request, tim_id, pk, T.KELOLA_TIM)
    form = TahapanForm.untuk(tahapan, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["versi"] != tahapan.diubah_pada.isoformat():
            form = TahapanForm.untuk(tahapan)
            form.add_error(
                None,
                _(
                    "Tahapan ini baru saja diubah orang lain. Periksa nilai terbarunya, "
                    "lalu simpan lagi."
                ),
            )
        else:
            mulai, selesai, tenggat = form.waktu()
            try:
                services.ubah_tahapan(
                    tahapan=tahapan,
                    user=request.user,
                    mulai=mulai,
                    selesai=selesai,
                    tenggat_eviden=tenggat,
                    pengingat_hari=form.cleaned_data["pengingat_hari"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Jadwal %(t)s disimpan.") % {"t": tahapan.get_jenis_display()}
                )
                return redirect("kalender", tim_id=tim.pk)
    return render(
        request,
        "penilaian/tahapan_ubah.html",
        {"tim": tim, "tahapan": tahapan, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def ajukan(request, tim_id, pk):
    """Freeze the team's LKE for a stage (the chair), after a confirmation page that shows
    the score and, past the deadline, asks for the reason."""
    tim, _akses, tahapan = _tahapan(request, tim_id, pk, T.KELOLA_TIM)
    form = AjukanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.ajukan(
                tahapan=tahapan,
                user=request.user,
                alasan_terlambat=form.cleaned_data["alasan_terlambat"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("LKE diajukan untuk %(t)s dan dibekukan (pengajuan #%(n)s).")
                % {"t": tahapan.get_jenis_display(), "n": p.nomor},
            )
            return redirect("pengajuan", tim_id=tim.pk, pk=p.pk)
    sekarang = timezone.now()
    return render(
        request,
        "penilaian/ajukan.html",
        {
            "tim": tim,
            "tahapan": tahapan,
            "form": form,
            "d": dasbor(tim, n_pengangkat=0),
            "terlambat": sekarang > tahapan.tenggat,
            "sebelumnya": tahapan.pengajuan.order_by("-nomor").first(),
            "perbaikan": services.jendela_perbaikan(tim, sekarang),
        },
        status=422 if form.errors else 200,
    )


@login_required
def pengajuan(request, tim_id, pk):
    """A frozen submission next to the live worksheet, soal by soal (every member)."""
    tim, akses = get_tim_for_user(request.user, tim_id)
    p = get_object_or_404(
        Pengajuan.objects.select_related("tahapan", "diajukan_oleh"), pk=pk, tim=tim
    )
    hanya = request.GET.get("berubah") == "1"
    baris = banding_pengajuan(p, hanya_berubah=hanya)
    # The assessors' published work (verdicts, answers, notes); nothing of an unpublished layer.
    terbit = terbit_untuk_tim(p)
    perbaikan = services.jendela_perbaikan(tim, timezone.now()) if terbit else None
    return render(
        request,
        "penilaian/pengajuan.html",
        {
            "tim": tim,
            "p": p,
            "baris": [(b, terbit.per_soal.get(b.soal.pk, [])) for b in baris],
            "hanya_berubah": hanya,
            "akses": akses,
            "terbit": terbit,
            "perbaikan": perbaikan,
            "boleh_ajukan": akses.boleh(T.KELOLA_TIM),
        },
    )


@login_required
def log_pengingat(request, tim_id):
    """Who got which reminder, when, by which channel, delivered or failed (the chair)."""
    tim, akses = get_tim_for_user(request.user, tim_id, T.KELOLA_TIM)
    halaman = Paginator(log_pengiriman(tim), 50).get_page(request.GET.get("hal"))
    return render(
        request, "penilaian/log_pengingat.html", {"tim": tim, "akses": akses, "halaman": halaman}
    )


@login_required
@require_POST
def kirim_pengingat_sekarang(request, tim_id):
    """Run today's sweep for this team now (the daily one runs at 07.00 WIB): what is due
    today and not yet sent goes out; a second click sends nothing twice."""
    tim, _akses = get_tim_for_user(request.user, tim_id, T.KELOLA_TIM)
    hasil = pengingat.sapu_tim(tim.pk, timezone.localdate())
    if hasil.pengingat:
        messages.success(
            request,
            _("%(n)s pengingat dibuat; notifikasi portal sudah masuk, email dan WhatsApp menyusul.")
            % {"n": len(hasil.pengingat)},
        )
    else:
        messages.info(request, _("Tidak ada pengingat baru untuk hari ini."))
    return redirect("log-pengingat", tim_id=tim.pk)
