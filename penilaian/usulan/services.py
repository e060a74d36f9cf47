"""Writes on the PortalRB proposals: keyword-only and atomic, history through
django-simple-history (``_history_user``).

Rules (spec §1.1, §8):

- a unit is proposed, changed, reviewed or withdrawn only while the proposal period of its
  year is open;
- one active proposal per unit id and year; a withdrawn proposal is kept (``ditarik_pada``);
- the review state "disetujui" records that the proposer clicked "Sesuai" on PortalRB for the
  submission PortalRB fetched: it may be recorded only when PortalRB's copy is the team's
  latest frozen submission, and it falls back to "Belum Review" when the name or the afirmasi
  flag changes, or when the API serves PortalRB a different submission than the one recorded.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pokja.models import TimZI
from zi_portal.format import waktu

from ..models import StatusReviuPortalRB, Usulan
from .aturan import id_unit_sah
from .selectors import pengajuan_terbaru, periode_tahun, terbuka


def _simpan(usulan, oleh, **kwargs):
    usulan._history_user = oleh
    usulan.save(**kwargs)
    return usulan


def pastikan_periode(tahun, sekarang=None):
    """Refuse a change outside the open proposal period of ``tahun``."""
    periode = periode_tahun(tahun)
    if periode is None:
        raise ValidationError(
            _("Belum ada periode pengusulan ZI untuk tahun %(tahun)s.") % {"tahun": tahun}
        )
    if not terbuka(periode, sekarang):
        raise ValidationError(
            _(
                "Periode pengusulan ZI tahun %(tahun)s tidak sedang berjalan "
                "(%(mulai)s – %(selesai)s). Usulan tidak dapat diubah di luar periode."
            )
            % {"tahun": tahun, "mulai": waktu(periode.mulai), "selesai": waktu(periode.selesai)}
        )
    return periode


def _kunci(usulan):
    """The proposal row again, locked, refused if withdrawn meanwhile."""
    u = Usulan.objects.select_for_update().select_related("tim__satker").get(pk=usulan.pk)
    if u.ditarik_pada is not None:
        raise ValidationError(_("Usulan ini sudah ditarik."))
    return u


@transaction.atomic
def usulkan(*, tim, oleh, afirmasi=False, sekarang=None):
    """Propose the team's satker to PortalRB for the team's year: predikat from the team's
    target, ``kode_unit``/``nama_unit`` from the satker. Afirmasi applies to WBK only."""
    tim = TimZI.objects.select_for_update().select_related("satker").get(pk=tim.pk)
    pastikan_periode(tim.tahun, sekarang)
    satker = tim.satker
    if not id_unit_sah(satker.kode):
        raise ValidationError(
            _(
                "Kode satker «%(kode)s» tidak dapat dipakai sebagai ID unit PortalRB: gunakan "
                "huruf, angka, titik, garis bawah atau tanda hubung (maksimal 40 karakter). "
                "Minta admin portal memperbaiki kode satker."
            )
            % {"kode": satker.kode}
        )
    if afirmasi and tim.target_predikat != "WBK":
        raise ValidationError(_("Afirmasi hanya berlaku untuk usulan WBK."))
    aktif = Usulan.objects.filter(
        tahun=tim.tahun, kode_unit=satker.kode, ditarik_pada__isnull=True
    ).first()
    if aktif is not None:
        raise ValidationError(
            _("%(nama)s sudah diusulkan untuk tahun %(tahun)s (%(predikat)s).")
            % {"nama": aktif.nama_unit, "tahun": tim.tahun, "predikat": aktif.predikat}
        )
    usulan = Usulan(
        tim=tim,
        tahun=tim.tahun,
        kode_unit=satker.kode,
        nama_unit=satker.nama,
        predikat=tim.target_predikat,
        afirmasi=bool(afirmasi),
        diusulkan_oleh=oleh,
    )
    try:
        with transaction.atomic():
            _simpan(usulan, oleh)
    except IntegrityError as exc:  # proposed at the same moment from another page
        raise ValidationError(
            _("%(nama)s baru saja diusulkan dari halaman lain.") % {"nama": satker.nama}
        ) from exc
    return usulan


@transaction.atomic
def ubah_usulan(*, usulan, oleh, afirmasi, sekarang=None):
    """Change the afirmasi flag and bring the name up to date with the satker. A change of
    either puts the review state back to "Belum Review" (PortalRB does the same on its next
    sync). Returns the proposal; ``None`` changes nothing."""
    u = _kunci(usulan)
    pastikan_periode(u.tahun, sekarang)
    afirmasi = bool(afirmasi)
    if afirmasi and u.predikat != "WBK":
        raise ValidationError(_("Afirmasi hanya berlaku untuk usulan WBK."))
    nama = u.tim.satker.nama
    if afirmasi == u.afirmasi and nama == u.nama_unit:
        return u
    u.afirmasi, u.nama_unit = afirmasi, nama
    u.status_reviu = StatusReviuPortalRB.BELUM_REVIEW
    return _simpan(u, oleh, update_fields=["afirmasi", "nama_unit", "status_reviu"])


@transaction.atomic
def catat_reviu(*, usulan, oleh, status, sekarang=None):
    """Record the review state on PortalRB. "disetujui" only when PortalRB holds the team's
    latest frozen submission (the proposer confirmed exactly that)."""
    if status not in StatusReviuPortalRB.values:
        raise ValidationError(_("Status reviu tidak dikenal."))
    u = _kunci(usulan)
    pastikan_periode(u.tahun, sekarang)
    if status == StatusReviuPortalRB.DISETUJUI:
        terbaru = pengajuan_terbaru(u.tim_id)
        if terbaru is None or u.pengajuan_terkirim_id != terbaru.pk:
            raise ValidationError(
                _(
                    "PortalRB belum mengambil LKE terbaru unit ini. Tunggu sinkronisasi atau "
                    "klik «Refetch» di PortalRB, periksa datanya, lalu catat lagi."
                )
            )
    if u.status_reviu != status:
        u.status_reviu = status
        _simpan(u, oleh, update_fields=["status_reviu"])
    return u


@transaction.atomic
def tarik_usulan(*, usulan, oleh, sekarang=None):
    """Withdraw the proposal: the row stays, marked with the moment it was withdrawn."""
    u = _kunci(usulan)
    pastikan_periode(u.tahun, sekarang)
    u.ditarik_pada = sekarang or timezone.now()
    return _simpan(u, oleh, update_fields=["ditarik_pada"])


def catat_terkirim(*, usulan, pengajuan):
    """The API served PortalRB ``pengajuan`` for this unit. A different submission than the
    one recorded is new data on PortalRB: the review state goes back to "Belum Review".
    Serving the same submission again changes nothing (and costs no query)."""
    if usulan.pengajuan_terkirim_id == pengajuan.pk:
        return usulan
    return _catat_terkirim(usulan=usulan, pengajuan=pengajuan)


@transaction.atomic
def _catat_terkirim(*, usulan, pengajuan):
    u = Usulan.objects.select_for_update().get(pk=usulan.pk)
    if u.pengajuan_terkirim_id == pengajuan.pk:
        return u
    u.pengajuan_terkirim = pengajuan
    u.status_reviu = StatusReviuPortalRB.BELUM_REVIEW
    return _simpan(u, None, update_fields=["pengajuan_terkirim", "status_reviu"])
