"""Dashboards: thin views (authorise, read, render)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pokja.akses import Tindakan, get_pokja_for_user, get_tim_for_user

from . import services
from .selectors import dasbor
from .tampil import putusan_baris


def _konteks(d, akses, **lain):
    return {
        "d": d,
        "akses": akses,
        "grafik": d.grafik if d else None,
        "putusan": putusan_baris(d.hasil) if d else [],
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
    tim, _akses = get_tim_for_user(request.user, tim_id, Tindakan.DASBOR_TIM)
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
