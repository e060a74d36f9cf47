"""Every write to the WHO side goes through these keyword-only, atomic functions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PERAN_POKJA, Anggota, Area, Notifikasi, Pokja, TimZI


@transaction.atomic
def buat_tim(*, satker, tahun, target_predikat):
    """Create the Tim ZI of ``satker`` for ``tahun`` with its six Pokja (one per LKE area).

    Idempotent: an existing Tim is returned (and completed with any missing Pokja).
    """
    tim, _ = TimZI.objects.get_or_create(
        satker=satker, tahun=tahun, defaults={"target_predikat": target_predikat}
    )
    lengkapi_pokja(tim=tim)
    return tim


def lengkapi_pokja(*, tim):
    ada = set(tim.pokja.values_list("area", flat=True))
    Pokja.objects.bulk_create(
        [Pokja(tim=tim, area=a) for a in Area.values if a not in ada], ignore_conflicts=True
    )


@transaction.atomic
def tetapkan_anggota(*, tim, user, peran, pokja=None):
    """Give ``user`` the role ``peran`` in ``tim`` (in ``pokja`` for pokja-bound roles).

    Validates like the admin form does, so a wrong combination raises ValidationError
    with an Indonesian message instead of an IntegrityError.
    """
    anggota = Anggota(
        tim=tim, user=user, peran=peran, pokja=pokja if peran in PERAN_POKJA else None
    )
    anggota.full_clean(validate_constraints=False)
    lookup = {"tim": tim, "user": user, "peran": peran, "pokja": anggota.pokja}
    existing = Anggota.objects.filter(**lookup).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            anggota.save()
    except IntegrityError as exc:
        # Someone gave the same role at the same instant (the constraints decided).
        existing = Anggota.objects.filter(**lookup).first()
        if existing:
            return existing
        raise ValidationError(
            _("Peran ini baru saja diisi orang lain. Muat ulang halaman lalu periksa lagi.")
        ) from exc
    return anggota


def beri_notifikasi(*, user_ids, teks, tautan=""):
    """Leave an in-app message for each of ``user_ids``."""
    Notifikasi.objects.bulk_create(
        Notifikasi(user_id=uid, teks=teks, tautan=tautan) for uid in sorted(set(user_ids) - {None})
    )


def tandai_dibaca(*, user, pk=None):
    """Mark the user's unread notifications read (only ``pk`` when given)."""
    belum = Notifikasi.objects.filter(user=user, dibaca_pada__isnull=True)
    if pk is not None:
        belum = belum.filter(pk=pk)
    return belum.update(dibaca_pada=timezone.now())
