"""The review-queue count in the navigation (reviewers only; computed when shown)."""

from django.utils.functional import SimpleLazyObject

from .selectors import jumlah_antrean


def antrean(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"antrean_reviu": SimpleLazyObject(lambda: jumlah_antrean(user))}
