"""Celery tasks of the eviden side."""

import time
from pathlib import Path

from celery import shared_task
from django.conf import settings


@shared_task
def bersihkan_sementara(umur_detik=6 * 3600):
    """Delete upload temp files older than ``umur_detik`` (left by interrupted uploads)."""
    batas = time.time() - umur_detik
    dihapus = 0
    for path in Path(settings.EVIDEN_TEMP_DIR).glob("unggah-*"):
        try:
            if path.stat().st_mtime < batas:
                path.unlink()
                dihapus += 1
        except FileNotFoundError:
            pass
    return dihapus
