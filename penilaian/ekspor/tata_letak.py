"""Where everything sits in the LKE workbook: the official worksheet of PermenPANRB 90/2021
Lampiran III (sheet "Jawaban", the columns of the PortalRB master soal) and the PortalRB
"jawaban unit" sheet.

The export (``xlsx.py``) writes this layout and the importer reads it, so the constants and
the row placement live here, in one place, without any formatting.

Rows:

- every bank soal sits on its official row (``Soal.excel_baris``);
- a % soal (no bank id; its inputs are Jumlah soal) sits on the row directly above its first
  Jumlah input, as in the official sheet (its stored ``excel_baris`` is not used);
- every node (komponen, sub-komponen, area, sub-area) gets a header row directly above its
  first child item (node or soal, after the % rule);
- one empty row below the last item, then the "REKAPITULASI" block: PENGUNGKIT, HASIL, TOTAL,
  AREA_1 … AREA_n, each with a workbook-level defined name on its value cell.

``susun`` computes the placement from plain tuples and raises ``TataLetakError`` when two
items would share a row; ``tata_instrumen`` does the same for an ``eviden.Instrumen``.
"""

from dataclasses import dataclass
from types import MappingProxyType

LEMBAR_LKE = "Jawaban"
LEMBAR_PORTALRB = "jawaban_unit"

BARIS_JUDUL = 1  # column headers; panes are frozen below it

KOLOM_KODE = "A"  # numbering: node or soal code, e.g. "A.I.1.i.1"
KOLOM_TEKS = "B"  # node name / question text
KOLOM_PILIHAN = "C"  # answer kind: "Ya/Tidak", "A/B/C/D", "%", "Jumlah", "Nilai 0–4"
KOLOM_KRITERIA = "D"  # criteria (a % soal: how its ratio is computed)
KOLOM_BOBOT = "E"
KOLOM_NILAI = "F"  # formula
KOLOM_PERSEN = "G"  # formula, % format
KOLOM_STATUS = "H"  # review status label
KOLOM_CATATAN_REVIU = "I"
KOLOM_SOAL_ID = "J"  # bank soal id (Soal.nomor_bank); empty for % soal and nodes
# The official master-soal columns.
KOLOM_JAWABAN_UNIT = "K"
KOLOM_CATATAN_UNIT = "L"
KOLOM_BUKTI_DUKUNG_UNIT = "M"
KOLOM_JAWABAN_TPI = "N"
KOLOM_CATATAN_TPI = "Q"
KOLOM_TERAKHIR = KOLOM_CATATAN_TPI

# Header row of the PortalRB sheet, in column order (A, B, C, D).
KOLOM_PORTALRB = ("soal_id", "jawaban_unit", "catatan_unit", "bukti_dukung_unit")

# The summary block below the items: its title (in KOLOM_KODE) and the defined names.
JUDUL_REKAP = "REKAPITULASI"
PENGUNGKIT = "PENGUNGKIT"
HASIL = "HASIL"
TOTAL = "TOTAL"


def nama_area(nomor):
    """The defined name of Pokja area ``nomor``: ``AREA_1`` … ``AREA_6``."""
    return f"AREA_{nomor}"


def rujukan(baris, kolom=KOLOM_NILAI, lembar=LEMBAR_LKE):
    """An absolute reference such as ``'Jawaban'!$F$205`` (the target of a defined name)."""
    nama = lembar.replace("'", "''")
    return f"'{nama}'!${kolom}${baris}"


class TataLetakError(ValueError):
    """The instrument cannot be laid out on the official sheet (a collision, a soal without
    an official row, a node without items)."""


@dataclass(frozen=True)
class Tata:
    """The placement of one instrument version.

    ``baris``: node or soal code → row; ``rekap``: PENGUNGKIT/HASIL/TOTAL/AREA_n → row (in
    that order); ``baris_judul_rekap``: the row of the "REKAPITULASI" title.
    """

    baris: MappingProxyType
    rekap: MappingProxyType
    baris_judul_rekap: int

    @property
    def baris_akhir(self):
        """The last row of an item (node or soal)."""
        return max(self.baris.values())

    @property
    def kode_di(self):
        """Row → node or soal code (the importer's way round)."""
        return {b: k for k, b in self.baris.items()}

    def nama_tertentu(self):
        """``{defined name: reference}`` of the summary cells (column F)."""
        return {nama: rujukan(b) for nama, b in self.rekap.items()}


def susun(nodes, soal, area=()):
    """Place an instrument version on the sheet.

    ``nodes``: ``(kode, induk kode or None)`` pairs; ``soal``: ``(kode, node kode, excel_baris,
    input codes)`` tuples, where the input codes are the Jumlah soal of a % soal (empty for
    every other soal); ``area``: the Pokja area numbers of the summary block. Returns a
    ``Tata``; raises ``TataLetakError`` when the placement is impossible or two items share a
    row.
    """
    nodes = list(nodes)
    soal = list(soal)
    induk = dict(nodes)
    resmi = {kode: excel_baris for kode, _n, excel_baris, _m in soal}
    baris = {}
    anak = {kode: [] for kode, _i in nodes}
    for kode, ind in nodes:
        if ind is not None:
            if ind not in anak:
                raise TataLetakError(f"node {kode}: induk {ind} tidak ada")
            anak[ind].append(kode)
    for kode, node, excel_baris, masukan in soal:
        if node not in anak:
            raise TataLetakError(f"soal {kode}: node {node} tidak ada")
        anak[node].append(kode)
        if masukan:
            hilang = [m for m in masukan if resmi.get(m) is None]
            if hilang:
                raise TataLetakError(f"soal {kode}: isian {', '.join(hilang)} tanpa baris resmi")
            baris[kode] = min(resmi[m] for m in masukan) - 1
        elif excel_baris is None:
            raise TataLetakError(f"soal {kode} tidak punya baris Excel resmi")
        else:
            baris[kode] = excel_baris

    def tempatkan(kode, jalur=()):
        if kode in baris:
            return baris[kode]
        if kode in jalur:
            raise TataLetakError(f"node {kode} berada di bawah dirinya sendiri")
        if not anak[kode]:
            raise TataLetakError(f"node {kode} tidak punya soal atau node anak")
        baris[kode] = min(tempatkan(a, jalur + (kode,)) for a in anak[kode]) - 1
        return baris[kode]

    for kode in induk:
        tempatkan(kode)

    pemilik = {}
    for kode, b in sorted(baris.items(), key=lambda kv: (kv[1], kv[0])):
        if b <= BARIS_JUDUL:
            raise TataLetakError(f"{kode} jatuh pada baris {b}, di atas baris pertama isi")
        if b in pemilik:
            raise TataLetakError(f"{pemilik[b]} dan {kode} sama-sama di baris {b}")
        pemilik[b] = kode

    akhir = max(baris.values())
    judul_rekap = akhir + 2
    nama = [PENGUNGKIT, HASIL, TOTAL] + [nama_area(n) for n in sorted(area)]
    rekap = {n: judul_rekap + i for i, n in enumerate(nama, start=1)}
    return Tata(
        baris=MappingProxyType(baris),
        rekap=MappingProxyType(rekap),
        baris_judul_rekap=judul_rekap,
    )


def tata_instrumen(instrumen):
    """The ``Tata`` of an ``eviden.Instrumen`` (three queries)."""
    from eviden.models import Node, Soal, SoalMasukan

    nodes = Node.objects.filter(instrumen=instrumen).values_list("kode", "induk__kode")
    masukan = {}
    for soal_kode, masukan_kode in (
        SoalMasukan.objects.filter(soal__instrumen=instrumen)
        .order_by("soal", "urutan")
        .values_list("soal__kode", "masukan__kode")
    ):
        masukan.setdefault(soal_kode, []).append(masukan_kode)
    soal = [
        (kode, node, excel_baris, tuple(masukan.get(kode, ())))
        for kode, node, excel_baris in Soal.objects.filter(instrumen=instrumen).values_list(
            "kode", "node__kode", "excel_baris"
        )
    ]
    return susun(nodes, soal, area=[int(n) for n in instrumen.bobot_area])
