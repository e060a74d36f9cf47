"""Navigation that depends on the user's roles, computed lazily (only if a page shows it)."""

from django.utils.functional import SimpleLazyObject

from .akses import PERAN_PIMPINAN_TIM
from .models import PERAN_POKJA, Anggota, Notifikasi, Peran, Pokja


def _menu(user):
    """``{"pokja_saya": [...], "pokja_tim": [...], "pimpinan": bool}`` for the navbar.

    Members of a Pokja see their own Pokja; team-wide roles (ketua, sekretaris, kasubbag,
    kepala) see every Pokja of their current team. Three queries at most.
    """
    menu = {
        "pokja_saya": [],
        "pokja_tim": [],
        "peran_tim": False,
        "peninjau": False,
        "notifikasi": 0,
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
    menu["notifikasi"] = Notifikasi.objects.filter(user=user, dibaca_pada__isnull=True).count()
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
