"""Error pages of the whole portal."""

import logging
import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)


def _layanan_mati(exc):
    """True when ``exc`` says a backing service (PostgreSQL, Redis, S3) cannot be reached,
    rather than a fault in the portal."""
    from django.db.utils import InterfaceError, OperationalError

    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        if isinstance(exc, RedisConnectionError | RedisTimeoutError):
            return True
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    try:
        from kombu.exceptions import OperationalError as KombuOperationalError

        if isinstance(exc, KombuOperationalError):
            return True
    except ImportError:  # pragma: no cover
        pass
    try:
        from botocore.exceptions import ConnectionError as BotoConnectionError
        from botocore.exceptions import HTTPClientError

        if isinstance(exc, BotoConnectionError | HTTPClientError):
            return True
    except ImportError:  # pragma: no cover
        pass
    return False


def _rantai(exc):
    """The exception and its causes (a failed query may surface wrapped)."""
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


@requires_csrf_token
def galat_server(request):
    """handler500: a friendly Indonesian 503 (with Retry-After) when a backing service is
    unreachable, the ordinary 500 page otherwise. Neither page touches the database, so it
    renders while PostgreSQL is down; the next request reconnects by itself."""
    exc = sys.exc_info()[1]
    if any(_layanan_mati(e) for e in _rantai(exc)):
        log.warning("layanan tidak terjangkau: %r", exc)
        html = loader.get_template("503.html").render({}, None)
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({}, None))
