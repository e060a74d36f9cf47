"""Writes on the penilaian side: keyword-only and atomic."""

from django.db import transaction
from django.utils import timezone

from eviden.models import LembarKerja

from .models import SkorHarian
from .selectors import skor_lembar


@transaction.atomic
def catat_skor(*, tim_id, tanggal=None):
    """Write (or replace) the team's score row for ``tanggal`` (today in Asia/Jakarta)."""
    lembar = LembarKerja.objects.select_related("instrumen").filter(tim_id=tim_id).first()
    if lembar is None:
        return None
    hasil = skor_lembar(lembar)
    putusan = hasil.putusan
    baris, _ = SkorHarian.objects.update_or_create(
        tim_id=tim_id,
        tanggal=tanggal or timezone.localdate(),
        defaults={
            "total": round(hasil.total, 4),
            "pengungkit": round(hasil.pengungkit, 4),
            "hasil": round(hasil.hasil, 4),
            "area": {str(n): str(round(a.nilai, 4)) for n, a in hasil.area.items()},
            "memenuhi_wbk": bool(putusan.get("WBK") and putusan["WBK"].memenuhi),
            "memenuhi_wbbm": bool(putusan.get("WBBM") and putusan["WBBM"].memenuhi),
        },
    )
    return baris
