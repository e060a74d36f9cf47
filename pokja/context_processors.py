"""Navigation that depends on the user's roles, computed lazily (only if a page shows it)."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .akses import PERAN_PIMPINAN_TIM, kanwil_untuk
from .models import (
    PERAN_POKJA,
    AdminKanwil,
    Anggota,
    Notifikasi,
    PenugasanPenilai,
    Peran,
    Pokja,
    User,
)


def _hitung(qs):
    """A correlated COUNT of ``qs`` (rows of the outer user) as a subquery expression."""
    return Coalesce(
        Subquery(
            qs.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _menu(user):
    """``{"pokja_saya": [...], "pokja_tim": [...], "pimpinan": bool, ...}`` for the navbar.

    Members of a Pokja see their own Pokja; team-wide roles (ketua, sekretaris, kasubbag,
    kepala) see every Pokja of their current team; assessors with a grant in force get their
    workspace, Kanwil admins (and the Kanwil's TPP assessors) the Kanwil oversight. Three
    queries at most, four for assessors and Kanwil admins.
    """
    menu = {
        "pokja_saya": [],
        "pokja_tim": [],
        "peran_tim": False,
        "peninjau": False,
        "notifikasi": 0,
        "penilai": 0,
        "kanwil": [],
    }
    if not user.is_authenticated:
        return menu
    rows = list(
        Anggota.objects.filter(user=user)
        .select_related("pokja", "tim__satker")
        .order_by("-tim__tahun", "pokja__area")
    )
    menu["pokja_saya"] = [a.pokja for a in rows if a.peran in PERAN_POKJA]
    # Reviewers get the review queue in the navigation (its count comes from the eviden side).
    menu["peninjau"] = any(
        a.peran in PERAN_PIMPINAN_TIM or a.peran == Peran.KOORDINATOR_POKJA for a in rows
    )
    # One query for the bell, the assessor's grants in force and "is a Kanwil admin".
    angka = (
        User.objects.filter(pk=user.pk)
        .annotate(
            n_notif=_hitung(Notifikasi.objects.filter(dibaca_pada__isnull=True)),
            n_penilai=_hitung(PenugasanPenilai.objects.aktif(timezone.now())),
            admin=Exists(AdminKanwil.objects.filter(user=OuterRef("pk"))),
        )
        .values("n_notif", "n_penilai", "admin")
        .first()
    ) or {"n_notif": 0, "n_penilai": 0, "admin": False}
    menu["notifikasi"] = angka["n_notif"]
    menu["penilai"] = angka["n_penilai"]
    if angka["admin"] or angka["n_penilai"] or user.is_superuser:
        menu["kanwil"] = kanwil_untuk(user)
    tim_ids = sorted({a.tim_id for a in rows if a.peran not in PERAN_POKJA})
    if tim_ids:
        menu["peran_tim"] = True
        menu["pokja_tim"] = list(
            Pokja.objects.filter(tim_id__in=tim_ids)
            .select_related("tim__satker")
            .order_by("-tim__tahun", "tim__satker__nama", "area")
        )
    return menu


def navigasi(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"menu": SimpleLazyObject(lambda: _menu(user))}
