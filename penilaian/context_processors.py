"""The next deadline of the team a page belongs to, shown on every page of that team.

The team comes from the URL (``tim_id``, ``pokja_id`` or ``lembar_id``) and is shown only to
its members: error pages rendered for outsiders must not reveal a team's calendar. Lazy and
one query, only on pages of a team.
"""

from django.utils.functional import SimpleLazyObject

from pokja.models import TimZI

from .models import Tahapan
from .selectors import tenggat_berikut


def _tenggat(request):
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return None
    kw = match.kwargs
    if "tim_id" in kw:
        saring = {"tim_id": kw["tim_id"]}
    elif "pokja_id" in kw:
        saring = {"tim__pokja": kw["pokja_id"]}
    elif "lembar_id" in kw:
        saring = {"tim__lembar_kerja": kw["lembar_id"]}
    else:
        return None
    hasil = tenggat_berikut(
        Tahapan.objects.filter(tim__in=TimZI.objects.for_user(user).values("pk"), **saring)
    )
    return {"tahapan": hasil[0], "sisa": hasil[1]} if hasil else None


def tenggat(request):
    return {"tenggat_tim": SimpleLazyObject(lambda: _tenggat(request) or {})}
