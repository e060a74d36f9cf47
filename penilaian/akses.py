"""Assessor access: the stage-window check on top of ``pokja.akses`` (DESIGN.md §5).

An assessor is never a team member. Their grant (``pokja.models.PenugasanPenilai``) names a
satker, a year, a stage and a time window; while it is in force they work on the frozen
submission of that stage (``pengajuan_berlaku``) and nothing else. Everything else, including
the same URL outside the window or for another satker, is 404 (they must not learn what
exists). Writing is allowed to the grant's own layer only, and only until that layer
publishes its verdict on the submission.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pokja.models import PenugasanPenilai, TimZI

from .models import URUTAN_TAHAPAN, Pengajuan, PutusanPenilai


def pengajuan_berlaku(tim, tahapan):
    """The submission an assessment of stage ``tahapan`` (a JenisTahapan value) reads: the
    latest frozen submission of the team for that stage or any earlier one (the TPP assesses
    what was submitted in PMPZI, or its replacement from the correction window). One query."""
    sebelum = [j for j, n in URUTAN_TAHAPAN.items() if n <= URUTAN_TAHAPAN[tahapan]]
    return (
        Pengajuan.objects.filter(tim=tim, tahapan__jenis__in=sebelum)
        .select_related("tahapan", "instrumen", "tim__satker", "diajukan_oleh")
        .order_by("-diajukan_pada", "-pk")
        .first()
    )


@dataclass(frozen=True)
class RuangPenilai:
    """An assessor's access to one assignment: the grant, the team, the submission, and
    whether they may still write (their layer has not published its verdict)."""

    penugasan: PenugasanPenilai
    tim: TimZI
    pengajuan: Pengajuan
    putusan: PutusanPenilai | None

    @property
    def lapisan(self):
        return self.penugasan.lapisan

    @property
    def boleh_tulis(self):
        return self.putusan is None or self.putusan.dipublikasikan_pada is None


def get_ruang_penilai(user, penugasan_id, sekarang=None):
    """The ``RuangPenilai`` of grant ``penugasan_id`` for ``user``: 404 unless the grant is
    theirs, in force now, and the satker's team has a frozen submission for the stage.
    Four queries."""
    if not user.is_authenticated or not user.is_active:
        raise Http404(_("Tidak ditemukan."))
    p = (
        PenugasanPenilai.objects.aktif(sekarang or timezone.now())
        .select_related("satker")
        .filter(pk=penugasan_id, user=user)
        .first()
    )
    if p is None:
        raise Http404(_("Tidak ditemukan."))
    tim = TimZI.objects.select_related("satker").filter(satker=p.satker, tahun=p.tahun).first()
    pengajuan = pengajuan_berlaku(tim, p.tahapan) if tim else None
    if pengajuan is None:
        raise Http404(_("Tidak ditemukan."))
    putusan = PutusanPenilai.objects.filter(
        pengajuan=pengajuan, lapisan=p.lapisan, tahapan=p.tahapan
    ).first()
    return RuangPenilai(penugasan=p, tim=tim, pengajuan=pengajuan, putusan=putusan)


def penugasan_aktif(user, sekarang=None):
    """The user's grants in force now, with their satker (a queryset)."""
    if not user.is_authenticated or not user.is_active:
        return PenugasanPenilai.objects.none()
    return (
        PenugasanPenilai.objects.aktif(sekarang or timezone.now())
        .filter(user=user)
        .select_related("satker")
        .order_by("selesai", "satker__nama")
    )
