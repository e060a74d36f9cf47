"""Every write to the WHO side goes through these keyword-only, atomic functions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    PERAN_POKJA,
    AdminKanwil,
    Anggota,
    Area,
    Notifikasi,
    PenugasanPenilai,
    Pokja,
    TimZI,
)
from .sinyal import penugasan_diberikan


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


# --- The level above the team (issue 11) -------------------------------------------------------


@transaction.atomic
def tetapkan_admin_kanwil(*, user, kanwil, oleh=None):
    """Make ``user`` an admin of ``kanwil`` (idempotent; recorded in the history)."""
    a = AdminKanwil(user=user, kanwil=kanwil, diberikan_oleh=oleh)
    a.full_clean(validate_constraints=False)
    ada = AdminKanwil.objects.filter(user=user, kanwil=kanwil).first()
    if ada:
        return ada
    a.save()
    return a


def _boleh_menugaskan(oleh, satker):
    from .akses import admin_kanwil_atas

    if not admin_kanwil_atas(oleh, satker):
        raise PermissionDenied(
            _("Hanya admin Kanwil satker ini atau superuser yang dapat menugaskan penilai.")
        )


def periksa_penugasan(p):
    """The rules of a new grant beyond the model's own (also asked by the admin form): an
    active account, not a member of the satker's team that year, one grant in force per
    user, satker and stage."""
    if not p.user.is_active:
        raise ValidationError(_("Akun penilai ini tidak aktif."))
    if Anggota.objects.filter(user=p.user, tim__satker=p.satker, tim__tahun=p.tahun).exists():
        raise ValidationError(
            _("Pengguna ini anggota Tim ZI satker tersebut; penilai harus pihak lain.")
        )
    if PenugasanPenilai.objects.filter(
        user=p.user,
        satker=p.satker,
        tahun=p.tahun,
        tahapan=p.tahapan,
        dicabut_pada__isnull=True,
    ).exists():
        raise ValidationError(
            _(
                "Penilai ini sudah ditugaskan untuk satker dan tahapan itu. Cabut dulu bila "
                "ingin mengubah masa tugasnya."
            )
        )


@transaction.atomic
def beri_penugasan(*, oleh, user, lapisan, satker, tahun, tahapan, mulai, selesai):
    """Grant ``user`` the assessment of ``satker``'s ``tahapan`` (year ``tahun``) as layer
    ``lapisan`` from ``mulai`` to ``selesai``. Only an admin of a Kanwil above the satker or
    the superuser may grant; the grant is in the history (django-simple-history, with who).
    Once committed, ``sinyal.penugasan_diberikan`` lets penilaian tell the assessor."""
    _boleh_menugaskan(oleh, satker)
    p = PenugasanPenilai(
        user=user,
        lapisan=lapisan,
        satker=satker,
        tahun=tahun,
        tahapan=tahapan,
        mulai=mulai,
        selesai=selesai,
        diberikan_oleh=oleh,
    )
    p.full_clean(validate_constraints=False)
    periksa_penugasan(p)
    p._history_user = oleh
    p.save()
    transaction.on_commit(lambda: penugasan_diberikan.send(sender=PenugasanPenilai, penugasan=p))
    return p


@transaction.atomic
def cabut_penugasan(*, oleh, penugasan):
    """Revoke a grant (kept, marked revoked; the history records who and when)."""
    p = PenugasanPenilai.objects.select_for_update().select_related("satker").get(pk=penugasan.pk)
    _boleh_menugaskan(oleh, p.satker)
    if p.dicabut_pada is None:
        p.dicabut_pada = timezone.now()
        p.dicabut_oleh = oleh
        p._history_user = oleh
        p.save(update_fields=["dicabut_pada", "dicabut_oleh"])
    return p
