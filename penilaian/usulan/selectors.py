"""Reads for the PortalRB proposals: the open proposal period, a team's proposals, the teams
below a Kanwil. Every function runs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pokja.akses import syarat_di_bawah
from pokja.models import TimZI

from ..models import Pengajuan, PeriodeUsulan, StatusReviuPortalRB, Usulan
from .aturan import kategori


def periode_aktif(sekarang=None):
    """The proposal period whose window contains ``sekarang`` (the latest year when windows
    overlap), or None. One query."""
    sekarang = sekarang or timezone.now()
    return (
        PeriodeUsulan.objects.filter(mulai__lte=sekarang, selesai__gte=sekarang)
        .order_by("-tahun")
        .first()
    )


def periode_tahun(tahun):
    """The proposal period of ``tahun`` (open or not), or None. One query."""
    return PeriodeUsulan.objects.filter(tahun=tahun).first()


def terbuka(periode, sekarang=None):
    sekarang = sekarang or timezone.now()
    return periode is not None and periode.mulai <= sekarang <= periode.selesai


def status_efektif(usulan, terbaru_id):
    """The review state as PortalRB holds it: "disetujui" only while PortalRB's copy is the
    team's latest frozen submission; a newer submission puts the unit back to "Belum
    Review" (spec §1.1.4) until PortalRB fetches it and the proposer confirms again."""
    if (
        usulan.status_reviu == StatusReviuPortalRB.DISETUJUI
        and terbaru_id is not None
        and usulan.pengajuan_terkirim_id == terbaru_id
    ):
        return StatusReviuPortalRB.DISETUJUI
    return StatusReviuPortalRB.BELUM_REVIEW


@dataclass
class BarisUsulan:
    """One proposal as a page shows it."""

    usulan: Usulan
    terbaru_id: int | None  # the team's latest frozen submission
    nama_satker: str  # the satker's name now (the proposal keeps the name it was sent with)

    @property
    def status(self):
        return status_efektif(self.usulan, self.terbaru_id)

    @property
    def disetujui(self):
        return self.status == StatusReviuPortalRB.DISETUJUI

    @property
    def terkirim_terbaru(self):
        """PortalRB already fetched the latest frozen submission."""
        return self.terbaru_id is not None and self.usulan.pengajuan_terkirim_id == self.terbaru_id

    @property
    def nama_berubah(self):
        return self.nama_satker != self.usulan.nama_unit

    @property
    def kategori(self):
        return kategori(self.usulan.predikat, self.usulan.afirmasi)


def usulan_tim(tim):
    """The team's proposals of its year, the active one first, then the withdrawn ones
    (newest first). Two queries."""
    rows = list(
        Usulan.objects.filter(tim=tim, tahun=tim.tahun)
        .select_related("pengajuan_terkirim__tahapan", "diusulkan_oleh")
        .order_by("ditarik_pada", "-diusulkan_pada", "-pk")
    )
    aktif = next((u for u in rows if u.ditarik_pada is None), None)
    terbaru = Pengajuan.objects.filter(tim=tim).order_by("-diajukan_pada", "-pk").only("pk").first()
    terbaru_id = terbaru.pk if terbaru else None
    baris = [BarisUsulan(u, terbaru_id, tim.satker.nama) for u in rows]
    return {
        "aktif": next((b for b in baris if b.usulan is aktif), None),
        "ditarik": [b for b in baris if b.usulan.ditarik_pada is not None],
        "terbaru_id": terbaru_id,
    }


@dataclass
class BarisTim:
    """A team below a Kanwil with its active proposal (if any)."""

    tim: TimZI
    aktif: BarisUsulan | None


def tim_di_bawah(kanwil, tahun):
    """The teams of ``tahun`` whose satker lies below ``kanwil``, by satker name, each with
    its active proposal and latest frozen submission. Two queries."""
    tims = list(
        TimZI.objects.filter(syarat_di_bawah(kanwil, "satker__"), tahun=tahun)
        .select_related("satker")
        .annotate(
            terbaru_id=Subquery(
                Pengajuan.objects.filter(tim=OuterRef("pk"))
                .order_by("-diajukan_pada", "-pk")
                .values("pk")[:1]
            )
        )
        .order_by("satker__nama", "pk")
    )
    aktif = {
        u.tim_id: u
        for u in Usulan.objects.filter(
            tim__in=[t.pk for t in tims], tahun=tahun, ditarik_pada__isnull=True
        ).select_related("pengajuan_terkirim__tahapan", "diusulkan_oleh")
    }
    return [
        BarisTim(
            tim=t,
            aktif=BarisUsulan(aktif[t.pk], t.terbaru_id, t.satker.nama) if t.pk in aktif else None,
        )
        for t in tims
    ]


def usulan_untuk_aksi(pk):
    """A proposal with its team and satker, for an action on it (one query), or None."""
    return Usulan.objects.select_related("tim__satker").filter(pk=pk).first()


def pengajuan_terbaru(tim_id):
    """The latest frozen submission of a team (with its instrument), or None. One query."""
    return (
        Pengajuan.objects.filter(tim_id=tim_id)
        .select_related("instrumen")
        .order_by("-diajukan_pada", "-pk")
        .first()
    )
