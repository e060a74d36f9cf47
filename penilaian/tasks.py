"""Thin Celery tasks taking ids (and ISO dates); the work is in services and pengingat."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from pokja.models import TimZI

from . import ekspor, pengingat, services
from .models import StatusKirim


@shared_task
def catat_skor_tim(tim_id):
    services.catat_skor(tim_id=tim_id)


@shared_task
def catat_skor_harian():
    """Beat, once a day: one task per team that has a worksheet."""
    for tim_id in TimZI.objects.filter(lembar_kerja__isnull=False).values_list("pk", flat=True):
        catat_skor_tim.delay(tim_id)


@shared_task
def sapu_pengingat(tanggal=None):
    """Beat, once a day: one sweep task per active team, for today (WIB) or ``tanggal``."""
    hari = tanggal or timezone.localdate().isoformat()
    for tim_id in pengingat.tim_aktif(date.fromisoformat(hari)):
        sapu_tim.delay(tim_id, hari)


@shared_task
def sapu_tim(tim_id, tanggal):
    hasil = pengingat.sapu_tim(tim_id, date.fromisoformat(tanggal))
    return len(hasil.pengingat)


@shared_task(bind=True, max_retries=None)
def kirim_pengiriman(self, pengiriman_id):
    """Send one delivery; retried with back-off while it fails (the row counts attempts and
    gives up after PENGINGAT_MAKS_PERCOBAAN)."""
    p = pengingat.kirim(pengiriman_id)
    if p is not None and p.status == StatusKirim.MENUNGGU:
        raise self.retry(countdown=pengingat.jeda(p.percobaan))
    return p.status if p else None


@shared_task
def kirim_tertunda():
    """Beat, every five minutes: the outbox. Deliveries that could not be queued (broker
    down) or whose retry was lost are sent here; the row lock keeps it exactly once."""
    n = 0
    for pk in pengingat.tertunda():
        p = pengingat.kirim(pk)
        n += bool(p and p.status == StatusKirim.TERKIRIM)
    return n


@shared_task
def jalankan_ekspor(ekspor_id):
    """Build one export file (penilaian/ekspor); a second delivery of the task does nothing."""
    e = ekspor.jalankan(ekspor_id)
    return e.status if e else None


@shared_task
def ekspor_tertunda():
    """Beat, every five minutes: exports whose task was never queued (broker down) run here;
    expired export files are deleted (their rows stay as history)."""
    n = 0
    for pk in ekspor.tertunda():
        ekspor.jalankan(pk)
        n += 1
    ekspor.bersihkan()
    return n
