"""Writes on the eviden side."""

from django.db import transaction

from pokja.services import buat_tim

from .models import LembarKerja


@transaction.atomic
def siapkan_tim(*, satker, tahun, target_predikat, instrumen):
    """Create (or complete) a Tim ZI with its six Pokja and its LKE worksheet."""
    tim = buat_tim(satker=satker, tahun=tahun, target_predikat=target_predikat)
    LembarKerja.objects.get_or_create(tim=tim, defaults={"instrumen": instrumen})
    return tim
