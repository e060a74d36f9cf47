"""What django-axes asks of the portal: whose account an attempt is for, the client's address,
and the lock-out page. The counting and locking are axes's."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _


def akun(identitas):
    """The account a typed username or NIP names, or None."""
    identitas = (identitas or "").strip()
    if not identitas:
        return None
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=identitas) | Q(nip=identitas))
        .order_by("pk")
        .first()
    )


def nama_akun(request, credentials):
    """The lock-out key: the account's username whatever was typed (username in any case, or
    NIP), so every identifier of one account shares one counter. Unknown names count under
    their own lower-cased text."""
    data = credentials or getattr(request, "POST", {}) or {}
    ketik = (data.get("username") or "").strip()
    user = akun(ketik)
    return user.get_username() if user is not None else ketik.lower()


def _sah(alamat):
    try:
        return str(ipaddress.ip_address(alamat.strip()))
    except (ValueError, AttributeError):
        return None


def ip_klien(request):
    """The client's address. X-Forwarded-For is read only when PROXY_TEPERCAYA says how many
    proxies in front of us append to it: the address the outermost trusted proxy saw is the
    N-th from the right. Anything left of it was written by the client and is ignored."""
    langsung = request.META.get("REMOTE_ADDR", "")
    n = settings.PROXY_TEPERCAYA
    if n <= 0:
        return langsung
    rantai = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(rantai) < n:
        return langsung  # fewer hops than configured: do not trust the header
    return _sah(rantai[-n]) or langsung


def respons_terkunci(request, response=None, credentials=None, *args, **kwargs):
    """The login page again, with the lock-out explained in Indonesian (HTTP 429)."""
    from .forms import MasukForm

    menit = max(1, settings.LOGIN_JEDA_DETIK // 60)
    # Unbound: validating again would be one more attempt.
    form = MasukForm(request, initial={"username": (request.POST.get("username") or "")[:150]})
    pesan = _(
        "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
        "Coba lagi dalam %(menit)s menit, atau minta admin satker membuka kuncinya."
    ) % {"menit": menit}
    return render(
        request, "registration/login.html", {"form": form, "pesan_kunci": pesan}, status=429
    )
