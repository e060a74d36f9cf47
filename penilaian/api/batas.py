"""The PortalRB rate limit: ``settings.PORTALRB_BATAS_PER_MENIT`` requests per token per
clock minute, counted in the Django cache (Redis in production: ``incr`` is atomic there, so
concurrent requests of one token are counted exactly)."""

import time

from django.conf import settings
from django.core.cache import cache

AWALAN_KUNCI = "portalrb:batas"


def kunci(token_id, menit):
    return f"{AWALAN_KUNCI}:{token_id}:{menit}"


def hitung(token_id, menit=None):
    """Count one request of token ``token_id`` in minute ``menit`` (epoch minutes; now by
    default); return ``(count, seconds until the minute ends)``."""
    sekarang = time.time()
    if menit is None:
        menit = int(sekarang // 60)
    k = kunci(token_id, menit)
    cache.add(k, 0, timeout=120)
    try:
        n = cache.incr(k)
    except ValueError:  # expired between add and incr: start the count again
        cache.add(k, 1, timeout=120)
        n = 1
    sisa = max(1, int((menit + 1) * 60 - sekarang + 0.999))
    return n, min(sisa, 60)


def lewat_batas(token_id, menit=None):
    """Seconds to wait (for ``Retry-After``) when this request goes over the limit, else
    None."""
    n, sisa = hitung(token_id, menit)
    return sisa if n > settings.PORTALRB_BATAS_PER_MENIT else None
