"""What an export reads: a team's worksheet, live or as frozen in a submission.

Every format (``pdf``, ``xlsx``, ``zip``) takes a ``Permintaan`` and reads through its
``Sumber``, so "live answers", "a frozen submission", "approved evidence only" and "the latest
evidence" mean the same thing in every file. Each read is one query (cached on the instance);
evidence rows are streamed with ``iterator()`` so a team with thousands of files stays flat in
memory.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import OuterRef, Subquery

from eviden.models import (
    Butir,
    Eviden,
    Jawaban,
    LembarKerja,
    Node,
    Soal,
    StatusButir,
    VersiDokumen,
)

from .. import skor
from ..models import EvidenBeku, JawabanBeku, Pengajuan
from ..selectors import instrumen_lke

# Which evidence a bundle holds (a frozen submission always holds exactly what it froze).
DISETUJUI = "disetujui"  # the latest version of each active attachment of an approved soal
TERBARU = "terbaru"  # the latest version of each active attachment, whatever the status
PILIHAN_BERKAS = (DISETUJUI, TERBARU)
# Evidence rows read per query (the bundle streams; this bounds what is held at once).
PER_KUERI = 500


@dataclass(frozen=True)
class JawabanSumber:
    """One soal's answer as the export shows it."""

    pilihan: str = ""
    angka: Decimal | None = None
    penjelasan: str = ""
    status: str = StatusButir.DRAF
    catatan_reviu: str = ""

    @property
    def kosong(self):
        return not self.pilihan and self.angka is None


@dataclass(frozen=True)
class BerkasSumber:
    """One evidence version attached to a soal: a stored file (``versi.kunci``) or a link
    (``versi.tautan``). ``judul`` is the document's title."""

    soal_id: int
    versi: VersiDokumen
    judul: str


class Sumber:
    """The worksheet of ``tim`` as the export reads it: live (``pengajuan`` None) or as frozen
    in ``pengajuan``."""

    def __init__(self, tim, pengajuan=None):
        if pengajuan is not None and pengajuan.tim_id != tim.pk:
            raise ValueError("pengajuan milik tim lain")
        self.tim = tim
        self.pengajuan = pengajuan

    @property
    def beku(self):
        return self.pengajuan is not None

    @cached_property
    def lembar(self):
        """The team's worksheet with its instrument and team (one query)."""
        return LembarKerja.objects.select_related("instrumen", "tim__satker").get(tim=self.tim)

    @property
    def instrumen(self):
        """The instrument version: the submission's own (frozen) or the worksheet's."""
        if self.pengajuan is not None:
            return self.pengajuan.instrumen
        return self.lembar.instrumen

    @cached_property
    def nodes(self):
        """Every node of the instrument, parents before children (one query)."""
        rows = list(Node.objects.filter(instrumen=self.instrumen).select_related("induk"))
        rows.sort(key=lambda n: (n.kode.count("."), n.urutan, n.kode))
        return rows

    @cached_property
    def soal(self):
        """Every soal of the instrument with its node, in sheet order (official Excel row,
        then code) (one query)."""
        rows = list(Soal.objects.filter(instrumen=self.instrumen).select_related("node"))
        rows.sort(key=lambda s: (s.excel_baris or 0, s.kode))
        return rows

    @cached_property
    def jawaban(self):
        """``{soal id: JawabanSumber}`` for every answered or reviewed soal (two queries live,
        one frozen). A soal missing from the dict has no answer and status draf."""
        if self.pengajuan is not None:
            return {
                j.soal_id: JawabanSumber(
                    pilihan=j.pilihan,
                    angka=j.angka,
                    penjelasan=j.penjelasan,
                    status=j.status or StatusButir.DRAF,
                    catatan_reviu=j.catatan_reviu,
                )
                for j in JawabanBeku.objects.filter(pengajuan=self.pengajuan)
            }
        butir, catatan = {}, {}
        for soal_id, status, catatan_reviu in Butir.objects.filter(lembar=self.lembar).values_list(
            "soal_id", "status", "catatan_reviu"
        ):
            butir[soal_id] = status
            catatan[soal_id] = catatan_reviu
        hasil = {}
        for soal_id, pilihan, angka, penjelasan in Jawaban.objects.filter(
            lembar=self.lembar
        ).values_list("soal_id", "pilihan", "angka", "penjelasan"):
            hasil[soal_id] = JawabanSumber(
                pilihan=pilihan,
                angka=angka,
                penjelasan=penjelasan,
                status=butir.get(soal_id, StatusButir.DRAF),
                catatan_reviu=catatan.get(soal_id, ""),
            )
        for soal_id, status in butir.items():
            if soal_id not in hasil:
                hasil[soal_id] = JawabanSumber(
                    status=status, catatan_reviu=catatan.get(soal_id, "")
                )
        return hasil

    @cached_property
    def skor(self):
        """The engine's result on these answers (the numbers the portal shows)."""
        isian = {
            sid: skor.Isian(pilihan=j.pilihan, angka=j.angka) for sid, j in self.jawaban.items()
        }
        return skor.hitung(instrumen_lke(self.instrumen), isian)

    def berkas(self, pilih=TERBARU):
        """The evidence versions, ordered by soal then title, as an iterator of
        ``BerkasSumber`` (one query, streamed). A frozen submission yields exactly the
        versions it froze, whatever ``pilih`` says."""
        if pilih not in PILIHAN_BERKAS:
            raise ValueError(f"pilihan berkas tidak dikenal: {pilih!r}")
        if self.pengajuan is not None:
            rows = (
                EvidenBeku.objects.filter(pengajuan=self.pengajuan)
                .select_related("versi")
                .order_by("soal_id", "judul", "versi_id")
            )
            for e in rows.iterator(chunk_size=PER_KUERI):
                yield BerkasSumber(soal_id=e.soal_id, versi=e.versi, judul=e.judul)
            return
        terbaru = VersiDokumen.objects.filter(dokumen=OuterRef("dokumen")).order_by("-nomor")
        rows = Eviden.objects.filter(lembar=self.lembar, diarsipkan=False).annotate(
            versi_id=Subquery(terbaru.values("pk")[:1])
        )
        if pilih == DISETUJUI:
            disetujui = Butir.objects.filter(
                lembar=self.lembar, status=StatusButir.DISETUJUI
            ).values("soal_id")
            rows = rows.filter(soal_id__in=disetujui)
        rows = rows.exclude(versi_id=None).order_by("soal_id", "dokumen__judul", "dokumen_id")
        potongan = []
        for baris in rows.values_list("soal_id", "dokumen__judul", "versi_id").iterator(
            chunk_size=PER_KUERI
        ):
            potongan.append(baris)
            if len(potongan) == PER_KUERI:
                yield from _dengan_versi(potongan)
                potongan = []
        yield from _dengan_versi(potongan)


def _dengan_versi(potongan):
    """The rows of one chunk with their ``VersiDokumen`` (one query per chunk)."""
    if not potongan:
        return
    versi = VersiDokumen.objects.in_bulk({v for _s, _j, v in potongan})
    for soal_id, judul, versi_id in potongan:
        yield BerkasSumber(soal_id=soal_id, versi=versi[versi_id], judul=judul)


@dataclass(frozen=True)
class Permintaan:
    """One export as a format module receives it."""

    sumber: Sumber
    waktu: datetime  # aware; the moment the export was requested (shown on the document)
    pengguna: object = None  # the user who asked (None from the command line)
    pilih_berkas: str = TERBARU  # the ZIP bundle's choice (ignored for a frozen submission)
    portal_url: str = ""  # absolute base for links back to the portal
    opsi: dict = field(default_factory=dict)

    @property
    def tim(self):
        return self.sumber.tim

    @property
    def pengajuan(self) -> Pengajuan | None:
        return self.sumber.pengajuan
