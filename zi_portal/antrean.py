"""Enqueueing Celery tasks so that a broker outage never reaches the user.

``antre_setelah_commit(task, *args)`` queues the task once the current transaction commits;
if the broker (Redis) cannot be reached the failure is logged and swallowed: callers keep
their work in the database (an outbox row) and a periodic sweep sends it when the broker is
back. Nothing here may raise into a web request.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def antre(task, *args, **kwargs):
    """``task.delay(*args)``; ``False`` (logged) when the broker is unreachable."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # noqa: BLE001 - kombu/redis/socket errors vary by transport
        log.warning("Antrean tidak tersedia; %s ditunda.", task.name, exc_info=True)
        return False
    return True


def antre_setelah_commit(task, *args, **kwargs):
    transaction.on_commit(lambda: antre(task, *args, **kwargs))
