"""Reads shaped for the WHO pages."""

from collections import OrderedDict

from django.db.models import Prefetch

from .models import PERAN_POKJA, Anggota, Pokja, TimZI


def tim_beranda(user):
    """The user's teams for the home page: each with its Pokja and the user's roles.

    Returns a list of dicts ``{"tim", "peran_tim", "pokja": [{"pokja", "peran"}]}``,
    newest year first. Three queries whatever the number of teams.
    """
    rows = (
        Anggota.objects.filter(user=user)
        .select_related("tim__satker", "pokja")
        .order_by("-tim__tahun", "tim__satker__nama", "pokja__area")
    )
    per_tim = OrderedDict()
    for a in rows:
        item = per_tim.setdefault(a.tim_id, {"tim": a.tim, "peran_tim": [], "peran_pokja": {}})
        if a.peran in PERAN_POKJA:
            item["peran_pokja"].setdefault(a.pokja_id, []).append(a.get_peran_display())
        else:
            item["peran_tim"].append(a.get_peran_display())
    if user.is_superuser:
        for tim in TimZI.objects.select_related("satker").exclude(pk__in=per_tim.keys()):
            per_tim[tim.pk] = {"tim": tim, "peran_tim": [], "peran_pokja": {}}
    semua_pokja = Pokja.objects.filter(tim_id__in=per_tim.keys()).order_by("area")
    for p in semua_pokja:
        item = per_tim[p.tim_id]
        item.setdefault("pokja", []).append(
            {"pokja": p, "peran": item["peran_pokja"].get(p.pk, [])}
        )
    return list(per_tim.values())


def pokja_navigasi(user):
    """Pokja shown in the navigation menu: the user's own Pokja first, per team."""
    if not user.is_authenticated:
        return []
    return list(
        Pokja.objects.for_user(user)
        .select_related("tim__satker")
        .prefetch_related(Prefetch("anggota", queryset=Anggota.objects.filter(user=user)))
        .order_by("-tim__tahun", "tim__satker__nama", "area")
    )
