"""Thin Celery tasks taking ids."""

from celery import shared_task

from pokja.models import TimZI

from . import services


@shared_task
def catat_skor_tim(tim_id):
    services.catat_skor(tim_id=tim_id)


@shared_task
def catat_skor_harian():
    """Beat, once a day: one task per team that has a worksheet."""
    for tim_id in TimZI.objects.filter(lembar_kerja__isnull=False).values_list("pk", flat=True):
        catat_skor_tim.delay(tim_id)
