"""The LKE workbook: the official worksheet layout (PermenPANRB 90/2021 Lampiran III) with
live formulas, and the PortalRB "jawaban unit" sheet.

Sheet ``Jawaban`` (``tata_letak``): one row per node and soal, the answer in K, and in F a
formula that recomputes exactly what ``penilaian/skor.py`` computes, so the workbook keeps
scoring when an answer is changed in Excel or LibreOffice:

- a choice soal: the multiplier of the chosen option (exact code match), 0 when blank or
  unknown; an index soal: ``K / skala_indeks`` kept within 0 and 1, 0 when blank; a % soal:
  its instrument formula (``eviden/rumus.py``) over the K cells of its Jumlah inputs, kept
  within 0 and 1, 0 while any input is blank;
- a node: its child nodes + the average of its own soal × its weight + each self-weighted
  (Hasil) soal × that weight; G = F / E;
- below the items, the summary block with the defined names TOTAL, PENGUNGKIT, HASIL and
  AREA_1 … AREA_6.

Sheet ``jawaban_unit``: one row per bank soal in bank id order, the inverse of
``eviden/impor.py`` (a Jumlah input carries its % soal's note and evidence).

openpyxl stores formulas without cached values; spreadsheet programs compute them on open.
"""

import ast
from datetime import UTC
from decimal import Decimal

from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from eviden import rumus as rumus_mod
from eviden.models import StatusButir

from .. import skor
from ..kalender import WIB
from ..selectors import instrumen_lke
from . import tata_letak as tl

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EKSTENSI = "xlsx"

# Format tag in the custom document properties (for the importer's sanity check).
FORMAT = "zi-portal-lke-xlsx/1"
# Longest text written in the evidence cell of the LKE sheet (Excel allows 32,767).
PANJANG_BUKTI = 1000
PANJANG_SEL = 32_767

LEBAR_KOLOM = {
    tl.KOLOM_KODE: 16,
    tl.KOLOM_TEKS: 60,
    tl.KOLOM_PILIHAN: 12,
    tl.KOLOM_KRITERIA: 50,
    tl.KOLOM_BOBOT: 8,
    tl.KOLOM_NILAI: 10,
    tl.KOLOM_PERSEN: 9,
    tl.KOLOM_STATUS: 16,
    tl.KOLOM_CATATAN_REVIU: 30,
    tl.KOLOM_SOAL_ID: 8,
    tl.KOLOM_JAWABAN_UNIT: 12,
    tl.KOLOM_CATATAN_UNIT: 40,
    tl.KOLOM_BUKTI_DUKUNG_UNIT: 40,
    tl.KOLOM_JAWABAN_TPI: 12,
    "O": 10,
    "P": 10,
    tl.KOLOM_CATATAN_TPI: 30,
}
KOLOM_BUNGKUS = (
    tl.KOLOM_TEKS,
    tl.KOLOM_KRITERIA,
    tl.KOLOM_CATATAN_REVIU,
    tl.KOLOM_CATATAN_UNIT,
    tl.KOLOM_BUKTI_DUKUNG_UNIT,
    tl.KOLOM_CATATAN_TPI,
)
FORMAT_NILAI_SOAL = "0.0000"
FORMAT_NILAI_NODE = "0.00"
FORMAT_PERSEN = "0.00%"

_HURUF = "Calibri"
_TEBAL = Font(name=_HURUF, size=11, bold=True)
_TAUTAN = Font(name=_HURUF, size=11, color="0563C1", underline="single")
# Row height per wrapped line (points) and the tallest row Excel allows.
TINGGI_GARIS = 15
TINGGI_MAKS = 409
_GARIS = Side(style="thin", color="BFBFBF")
_KOTAK = Border(left=_GARIS, right=_GARIS, top=_GARIS, bottom=_GARIS)
_ISI_JUDUL = PatternFill("solid", fgColor="D9E1F2")
_ISI_NODE = {
    "komponen": PatternFill("solid", fgColor="BDD7EE"),
    "sub_komponen": PatternFill("solid", fgColor="DDEBF7"),
    "area": PatternFill("solid", fgColor="EDEDED"),
    "sub_area": PatternFill("solid", fgColor="F7F7F7"),
}
_ISI_REKAP = PatternFill("solid", fgColor="FFF2CC")
_ATAS = Alignment(vertical="top")
_BUNGKUS = Alignment(vertical="top", wrap_text=True)
_TENGAH = Alignment(horizontal="center", vertical="center", wrap_text=True)


# --- Formulas ---------------------------------------------------------------------------------


def _angka_excel(nilai):
    """A number as a formula literal, never in exponent notation: 0.67, 17.5, 100."""
    d = Decimal(str(nilai))
    teks = format(d.normalize(), "f")
    return teks


def _teks_excel(teks):
    """A string literal for a formula."""
    return '"' + str(teks).replace('"', '""') + '"'


_OP_HITUNG = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_OP_BANDING = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def rumus_excel(rumus, sel):
    """Translate a % soal formula (``eviden/rumus.py``) into an Excel expression over the
    cells ``sel`` (variable name → cell, e.g. ``{"agen": "K126"}``).

    Same semantics as the Python evaluator: comparisons give 1 or 0, ``jika`` takes its first
    branch when the condition is not 0, ``bagi(a, b, d)`` gives ``d`` when ``b`` is 0. The
    result is not clamped (``rumus_soal`` does that)."""
    tree, names = rumus_mod.parse(rumus)
    hilang = names - set(sel)
    if hilang:
        raise ValueError(f"rumus {rumus!r}: variabel tanpa isian {', '.join(sorted(hilang))}")

    def tulis(node):
        if isinstance(node, ast.Expression):
            return tulis(node.body)
        if isinstance(node, ast.Constant):
            return _angka_excel(node.value)
        if isinstance(node, ast.Name):
            return sel[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return f"(-{tulis(node.operand)})"
        if isinstance(node, ast.BinOp) and type(node.op) in _OP_HITUNG:
            return f"({tulis(node.left)}{_OP_HITUNG[type(node.op)]}{tulis(node.right)})"
        if isinstance(node, ast.Compare):
            bagian, kiri = [], tulis(node.left)
            for op, pembanding in zip(node.ops, node.comparators, strict=True):
                kanan = tulis(pembanding)
                bagian.append(f"{kiri}{_OP_BANDING[type(op)]}{kanan}")
                kiri = kanan
            syarat = bagian[0] if len(bagian) == 1 else f"AND({','.join(bagian)})"
            return f"IF({syarat},1,0)"
        if isinstance(node, ast.Call):
            a, b, c = (tulis(x) for x in node.args)
            if node.func.id == "jika":
                return f"IF({a}<>0,{b},{c})"
            return f"IF({b}=0,{c},{a}/{b})"
        raise ValueError(f"bagian rumus tidak didukung: {type(node).__name__}")

    return tulis(tree)


def rumus_soal(soal, baris, skala, baris_masukan):
    """The F formula of a scored soal (``skor.SoalLKE``) on row ``baris``: its value in
    [0, 1], 0 when unanswered. ``baris_masukan``: input soal id → row."""
    k = f"{tl.KOLOM_JAWABAN_UNIT}{baris}"
    if soal.jenis == skor.PERSEN:
        sel = {nama: f"{tl.KOLOM_JAWABAN_UNIT}{baris_masukan[sid]}" for nama, sid in soal.masukan}
        ada = ",".join(f"ISNUMBER({c})" for c in sel.values())
        hitung = rumus_excel(soal.rumus, sel)
        return f"=IF(AND({ada}),MIN(MAX({hitung},0),1),0)"
    if soal.opsi:
        ekspresi = "0"
        for o in reversed(soal.opsi):
            ekspresi = f"IF(EXACT({k},{_teks_excel(o.kode)}),{_angka_excel(o.nilai)},{ekspresi})"
        return "=" + ekspresi
    if soal.jenis == skor.INDEKS:
        return f"=IF(ISNUMBER({k}),MIN(MAX({k}/{_angka_excel(skala)},0),1),0)"
    raise ValueError(f"soal {soal.kode}: jenis {soal.jenis!r} tidak punya nilai sendiri")


def _rentang(kolom, baris):
    """``F6:F7,F9`` for the rows ``baris`` (consecutive rows joined into ranges)."""
    bagian, mulai, akhir = [], None, None
    for b in sorted(baris):
        if mulai is not None and b == akhir + 1:
            akhir = b
            continue
        if mulai is not None:
            bagian.append(_satu_rentang(kolom, mulai, akhir))
        mulai = akhir = b
    if mulai is not None:
        bagian.append(_satu_rentang(kolom, mulai, akhir))
    return ",".join(bagian)


def _satu_rentang(kolom, mulai, akhir):
    if mulai == akhir:
        return f"{kolom}{mulai}"
    return f"{kolom}{mulai}:{kolom}{akhir}"


# --- Cell values ------------------------------------------------------------------------------


def _teks(nilai):
    """User text for a cell: without the control characters XML refuses, within the cell
    limit."""
    teks = ILLEGAL_CHARACTERS_RE.sub("", str(nilai or ""))
    return teks[:PANJANG_SEL]


def _isi_teks(cell, nilai):
    """Write text that must stay text, even when it starts with "=" (never a formula)."""
    cell.value = _teks(nilai) or None
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _angka_sel(nilai):
    if nilai is None:
        return None
    d = Decimal(nilai)
    return int(d) if d == d.to_integral_value() else float(d)


def _potong(teks, batas):
    return teks if len(teks) <= batas else teks[: batas - 1] + "…"


def _jumlah_garis(teks, lebar):
    """Lines ``teks`` takes in a wrapped column ``lebar`` characters wide (an estimate:
    spreadsheet programs do not fit row heights when they open a file)."""
    per_garis = max(int(lebar * 1.2), 1)
    return sum(max(1, -(-len(p) // per_garis)) for p in str(teks).split("\n"))


def _label_pilihan(soal, skala):
    if soal.jenis == skor.JUMLAH:
        return _("Jumlah")
    if soal.jenis == skor.PERSEN:
        return "%"
    if soal.jenis == skor.INDEKS:
        return _("Nilai 0–%(skala)s") % {"skala": rumus_mod.angka_id(skala)}
    return "/".join(o["kode"] for o in soal.opsi)


def keterangan_sumber(sumber):
    """ "jawaban terkini" or "pengajuan #n tahap X" (the workbook's source, for people)."""
    if sumber.pengajuan is None:
        return _("jawaban terkini")
    p = sumber.pengajuan
    return _("pengajuan #%(nomor)s tahap %(tahap)s") % {
        "nomor": p.nomor,
        "tahap": p.tahapan.get_jenis_display(),
    }


# --- The workbook -----------------------------------------------------------------------------


class _Buku:
    def __init__(self, permintaan, maju):
        self.p = permintaan
        self.sumber = permintaan.sumber
        self.maju = maju or (lambda _i, _n: None)
        self.lke = instrumen_lke(self.sumber.instrumen)
        self.skala = self.lke.skala_indeks
        self.lke_soal = {s.id: s for s in self.lke.soal}
        self.node_model = {n.kode: n for n in self.sumber.nodes}
        self.soal_model = {s.pk: s for s in self.sumber.soal}
        # Jumlah input id -> the % soal that uses it.
        self.pemakai = {sid: s.id for s in self.lke.soal for _nama, sid in s.masukan}
        kode_masukan = {s.id: s.kode for s in self.lke.soal}
        self.tata = tl.susun(
            [(n.kode, n.induk) for n in self.lke.nodes],
            [
                (
                    s.kode,
                    s.node,
                    self.soal_model[s.id].excel_baris,
                    tuple(kode_masukan[sid] for _n, sid in s.masukan),
                )
                for s in self.lke.soal
            ],
            area=self.lke.bobot_area.keys(),
        )
        self.baris_soal = {s.id: self.tata.baris[s.kode] for s in self.lke.soal}
        self.berkas = self._kumpulkan_berkas()

    # -- evidence

    def _url(self, nama, *args):
        return self.p.portal_url + reverse(nama, args=args)

    def _kumpulkan_berkas(self):
        """soal id -> [(title, absolute URL)] of its evidence versions."""
        hasil = {}
        for b in self.sumber.berkas(self.p.pilih_berkas):
            url = b.versi.tautan or self._url("unduh", b.versi.pk)
            hasil.setdefault(b.soal_id, []).append((b.judul, url))
        return hasil

    def _tautan_soal(self, soal_id):
        if self.sumber.pengajuan is not None:
            return self._url("pengajuan", self.sumber.tim.pk, self.sumber.pengajuan.pk)
        return self._url("soal-kartu", self.sumber.lembar.pk, soal_id)

    def _bukti_portalrb(self, soal_id):
        daftar = list(self.berkas.get(soal_id, ()))
        if soal_id in self.pemakai:
            daftar += self.berkas.get(self.pemakai[soal_id], ())
        teks = "\n".join(url for _j, url in daftar)
        if len(teks) > PANJANG_SEL:
            teks = teks[:PANJANG_SEL].rsplit("\n", 1)[0]
        return teks

    # -- the LKE sheet

    def tulis(self):
        wb = Workbook()
        ws = wb.active
        ws.title = tl.LEMBAR_LKE
        bank = sorted(
            (s for s in self.lke.soal if s.nomor_bank is not None), key=lambda s: s.nomor_bank
        )
        self.total_langkah = len(self.tata.baris) + len(self.tata.rekap) + len(bank)
        self.langkah = 0
        self._judul(ws)
        node_lke = {n.kode: n for n in self.lke.nodes}
        urutan = sorted(self.tata.baris.items(), key=lambda kv: kv[1])
        soal_per_kode = {s.kode: s for s in self.lke.soal}
        validasi = {}
        for kode, baris in urutan:
            if kode in node_lke:
                self._baris_node(ws, node_lke[kode], baris)
            else:
                self._baris_soal(ws, soal_per_kode[kode], baris, validasi)
            self._tinggi(ws, baris)
            self._langkah()
        self._rekap(ws, wb)
        for dv in validasi.values():
            ws.add_data_validation(dv)
        self._lembar_portalrb(wb, bank)
        self._properti(wb)
        return wb

    def _langkah(self):
        self.langkah += 1
        self.maju(self.langkah, self.total_langkah)

    def _judul(self, ws):
        judul = {
            tl.KOLOM_KODE: _("Kode"),
            tl.KOLOM_TEKS: _("Penilaian"),
            tl.KOLOM_PILIHAN: _("Pilihan jawaban"),
            tl.KOLOM_KRITERIA: _("Kriteria / penjelasan"),
            tl.KOLOM_BOBOT: _("Bobot"),
            tl.KOLOM_NILAI: _("Nilai"),
            tl.KOLOM_PERSEN: "%",
            tl.KOLOM_STATUS: _("Status reviu"),
            tl.KOLOM_CATATAN_REVIU: _("Catatan reviu"),
            tl.KOLOM_SOAL_ID: _("ID soal"),
            tl.KOLOM_JAWABAN_UNIT: _("Jawaban unit"),
            tl.KOLOM_CATATAN_UNIT: _("Catatan unit"),
            tl.KOLOM_BUKTI_DUKUNG_UNIT: _("Bukti dukung unit"),
            tl.KOLOM_JAWABAN_TPI: _("Jawaban TPI"),
            tl.KOLOM_CATATAN_TPI: _("Catatan TPI"),
        }
        for kolom, lebar in LEBAR_KOLOM.items():
            ws.column_dimensions[kolom].width = lebar
            cell = ws[f"{kolom}{tl.BARIS_JUDUL}"]
            cell.value = judul.get(kolom)
            cell.font = _TEBAL
            cell.fill = _ISI_JUDUL
            cell.alignment = _TENGAH
            cell.border = _KOTAK
        ws.row_dimensions[tl.BARIS_JUDUL].height = 30
        ws.freeze_panes = f"A{tl.BARIS_JUDUL + 1}"
        ws.print_title_rows = f"{tl.BARIS_JUDUL}:{tl.BARIS_JUDUL}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def _tinggi(self, ws, baris):
        """Fit the row to its wrapped text."""
        garis = 1
        for kolom in KOLOM_BUNGKUS:
            nilai = ws[f"{kolom}{baris}"].value
            if nilai:
                garis = max(garis, _jumlah_garis(nilai, LEBAR_KOLOM[kolom]))
        if garis > 1:
            ws.row_dimensions[baris].height = min(garis * TINGGI_GARIS, TINGGI_MAKS)

    def _gaya_baris(self, ws, baris, *, tebal=False, isi=None):
        for kolom in LEBAR_KOLOM:
            cell = ws[f"{kolom}{baris}"]
            cell.alignment = _BUNGKUS if kolom in KOLOM_BUNGKUS else _ATAS
            cell.border = _KOTAK
            if tebal:
                cell.font = _TEBAL
            if isi is not None:
                cell.fill = isi

    def _baris_node(self, ws, node, baris):
        model = self.node_model[node.kode]
        self._gaya_baris(ws, baris, tebal=True, isi=_ISI_NODE.get(node.level))
        ws[f"{tl.KOLOM_KODE}{baris}"] = node.kode
        _isi_teks(ws[f"{tl.KOLOM_TEKS}{baris}"], model.nama)
        e = f"{tl.KOLOM_BOBOT}{baris}"
        ws[e] = _angka_sel(node.bobot)
        ws[e].number_format = FORMAT_NILAI_NODE
        bagian = []
        anak = [n for n in self.lke.nodes if n.induk == node.kode]
        if anak:
            bagian.append(
                f"SUM({','.join(f'{tl.KOLOM_NILAI}{self.tata.baris[n.kode]}' for n in anak)})"
            )
        soal = [s for s in self.lke.soal if s.node == node.kode and s.dinilai]
        rata = [self.baris_soal[s.id] for s in soal if s.bobot is None]
        if rata:
            bagian.append(f"AVERAGE({_rentang(tl.KOLOM_NILAI, rata)})*{e}")
        for s in soal:
            if s.bobot is not None:
                b = self.baris_soal[s.id]
                bagian.append(f"{tl.KOLOM_NILAI}{b}*{tl.KOLOM_BOBOT}{b}")
        f = ws[f"{tl.KOLOM_NILAI}{baris}"]
        f.value = "=" + ("+".join(bagian) or "0")
        f.number_format = FORMAT_NILAI_NODE
        g = ws[f"{tl.KOLOM_PERSEN}{baris}"]
        g.value = f"=IF({e}=0,0,{tl.KOLOM_NILAI}{baris}/{e})"
        g.number_format = FORMAT_PERSEN

    def _baris_soal(self, ws, soal, baris, validasi):
        model = self.soal_model[soal.id]
        jawab = self.sumber.jawaban.get(soal.id)
        self._gaya_baris(ws, baris)
        ws[f"{tl.KOLOM_KODE}{baris}"] = soal.kode
        _isi_teks(ws[f"{tl.KOLOM_TEKS}{baris}"], model.teks)
        ws[f"{tl.KOLOM_PILIHAN}{baris}"] = _label_pilihan(model, self.skala)
        kriteria = model.penjelasan_rumus if soal.jenis == skor.PERSEN else ""
        _isi_teks(ws[f"{tl.KOLOM_KRITERIA}{baris}"], kriteria or model.kriteria)
        if soal.nomor_bank is not None:
            ws[f"{tl.KOLOM_SOAL_ID}{baris}"] = soal.nomor_bank
        k = ws[f"{tl.KOLOM_JAWABAN_UNIT}{baris}"]
        if soal.jenis != skor.PERSEN and jawab is not None:
            if soal.opsi:
                _isi_teks(k, jawab.pilihan)
            else:
                k.value = _angka_sel(jawab.angka)
        self._validasi(soal, k.coordinate, validasi)
        if soal.bobot is not None:
            ws[f"{tl.KOLOM_BOBOT}{baris}"] = _angka_sel(soal.bobot)
            ws[f"{tl.KOLOM_BOBOT}{baris}"].number_format = FORMAT_NILAI_NODE
        if soal.dinilai:
            f = ws[f"{tl.KOLOM_NILAI}{baris}"]
            f.value = rumus_soal(soal, baris, self.skala, self.baris_soal)
            f.number_format = FORMAT_NILAI_SOAL
            g = ws[f"{tl.KOLOM_PERSEN}{baris}"]
            g.value = f"={tl.KOLOM_NILAI}{baris}"
            g.number_format = FORMAT_PERSEN
            if jawab is not None:
                ws[f"{tl.KOLOM_STATUS}{baris}"] = str(StatusButir(jawab.status).label)
                _isi_teks(ws[f"{tl.KOLOM_CATATAN_REVIU}{baris}"], jawab.catatan_reviu)
                _isi_teks(ws[f"{tl.KOLOM_CATATAN_UNIT}{baris}"], jawab.penjelasan)
            else:
                ws[f"{tl.KOLOM_STATUS}{baris}"] = str(StatusButir.DRAF.label)
        berkas = self.berkas.get(soal.id, ())
        if soal.dinilai or berkas:
            self._tautan_bukti(ws[f"{tl.KOLOM_BUKTI_DUKUNG_UNIT}{baris}"], soal.id, berkas)

    def _tautan_bukti(self, cell, soal_id, berkas):
        if berkas:
            judul = "; ".join(j for j, _u in berkas)
            teks = ngettext("%(n)s berkas: %(judul)s", "%(n)s berkas: %(judul)s", len(berkas)) % {
                "n": len(berkas),
                "judul": judul,
            }
        else:
            teks = _("Belum ada berkas")
        _isi_teks(cell, _potong(_teks(teks), PANJANG_BUKTI))
        cell.hyperlink = self._tautan_soal(soal_id)
        cell.font = _TAUTAN

    def _validasi(self, soal, koordinat, validasi):
        if soal.jenis == skor.PERSEN:
            return
        if soal.opsi:
            kunci = ("pilihan", tuple(o.kode for o in soal.opsi))
            if kunci not in validasi:
                validasi[kunci] = DataValidation(
                    type="list",
                    formula1=_teks_excel(",".join(kunci[1])),
                    allow_blank=True,
                    showErrorMessage=True,
                    error=_("Pilih salah satu jawaban: %(pilihan)s.")
                    % {"pilihan": ", ".join(kunci[1])},
                )
        elif soal.jenis == skor.JUMLAH:
            kunci = ("jumlah",)
            if kunci not in validasi:
                validasi[kunci] = DataValidation(
                    type="whole",
                    operator="greaterThanOrEqual",
                    formula1="0",
                    allow_blank=True,
                    showErrorMessage=True,
                    error=_("Isi dengan bilangan bulat 0 atau lebih."),
                )
        else:
            kunci = ("indeks",)
            if kunci not in validasi:
                validasi[kunci] = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=_angka_excel(self.skala),
                    allow_blank=True,
                    showErrorMessage=True,
                    error=_("Isi dengan angka antara 0 dan %(skala)s.")
                    % {"skala": rumus_mod.angka_id(self.skala)},
                )
        validasi[kunci].add(koordinat)

    def _rekap(self, ws, wb):
        rekap = self.tata.rekap
        judul = self.tata.baris_judul_rekap
        ws[f"{tl.KOLOM_KODE}{judul}"] = tl.JUDUL_REKAP
        ws[f"{tl.KOLOM_KODE}{judul}"].font = _TEBAL
        acuan = self.lke.acuan
        node_lke = {n.kode: n for n in self.lke.nodes}
        f, e = tl.KOLOM_NILAI, tl.KOLOM_BOBOT
        isi = {
            tl.PENGUNGKIT: (
                self.node_model[acuan["pengungkit"]].nama,
                f"={f}{self.tata.baris[acuan['pengungkit']]}",
                _angka_sel(node_lke[acuan["pengungkit"]].bobot),
            ),
            tl.HASIL: (
                self.node_model[acuan["hasil"]].nama,
                f"={f}{self.tata.baris[acuan['hasil']]}",
                _angka_sel(node_lke[acuan["hasil"]].bobot),
            ),
            tl.TOTAL: (
                _("Nilai total"),
                f"={f}{rekap[tl.PENGUNGKIT]}+{f}{rekap[tl.HASIL]}",
                f"={e}{rekap[tl.PENGUNGKIT]}+{e}{rekap[tl.HASIL]}",
            ),
        }
        for nomor, bobot in self.lke.bobot_area.items():
            bagian = [
                f"{f}{self.tata.baris[n.kode]}"
                for n in self.lke.nodes
                if n.level == "area" and n.area_pokja == nomor
            ]
            isi[tl.nama_area(nomor)] = (
                _("Area %(nomor)s %(nama)s")
                % {"nomor": nomor, "nama": self.lke.nama_area.get(nomor, "")},
                f"=SUM({','.join(bagian)})" if bagian else "=0",
                _angka_sel(bobot),
            )
        for nama, baris in rekap.items():
            label, rumus_f, bobot = isi[nama]
            self._gaya_baris(ws, baris, tebal=nama == tl.TOTAL, isi=_ISI_REKAP)
            ws[f"{tl.KOLOM_KODE}{baris}"] = nama
            _isi_teks(ws[f"{tl.KOLOM_TEKS}{baris}"], label)
            ws[f"{e}{baris}"] = bobot
            ws[f"{e}{baris}"].number_format = FORMAT_NILAI_NODE
            ws[f"{f}{baris}"] = rumus_f
            ws[f"{f}{baris}"].number_format = FORMAT_NILAI_SOAL
            g = ws[f"{tl.KOLOM_PERSEN}{baris}"]
            g.value = f"=IF({e}{baris}=0,0,{f}{baris}/{e}{baris})"
            g.number_format = FORMAT_PERSEN
            wb.defined_names[nama] = DefinedName(nama, attr_text=tl.rujukan(baris))
            self._langkah()

    # -- the PortalRB sheet

    def _lembar_portalrb(self, wb, bank):
        ws = wb.create_sheet(tl.LEMBAR_PORTALRB)
        for i, (judul, lebar) in enumerate(zip(tl.KOLOM_PORTALRB, (10, 14, 50, 60), strict=True)):
            cell = ws.cell(row=1, column=i + 1, value=judul)
            cell.font = _TEBAL
            cell.fill = _ISI_JUDUL
            ws.column_dimensions[cell.column_letter].width = lebar
        ws.freeze_panes = "A2"
        for i, s in enumerate(bank, start=2):
            jawab = self.sumber.jawaban.get(s.id)
            ws.cell(row=i, column=1, value=s.nomor_bank)
            if jawab is not None:
                if s.opsi:
                    _isi_teks(ws.cell(row=i, column=2), jawab.pilihan)
                else:
                    ws.cell(row=i, column=2, value=_angka_sel(jawab.angka))
            pemilik = self.pemakai.get(s.id, s.id) if s.jenis == skor.JUMLAH else s.id
            catatan = self.sumber.jawaban.get(pemilik)
            if catatan is not None:
                _isi_teks(ws.cell(row=i, column=3), catatan.penjelasan).alignment = _BUNGKUS
            _isi_teks(ws.cell(row=i, column=4), self._bukti_portalrb(s.id)).alignment = _BUNGKUS
            self._langkah()

    # -- properties

    def _properti(self, wb):
        tim = self.sumber.tim
        satker = self.sumber.lembar.tim.satker
        sumber = keterangan_sumber(self.sumber)
        lokal = self.p.waktu.astimezone(WIB)
        dibuat = dateformat.format(lokal, "j M Y H.i") + " WIB"
        pr = wb.properties
        pr.title = _("LKE Zona Integritas %(satker)s %(tahun)s") % {
            "satker": satker.nama,
            "tahun": tim.tahun,
        }
        pr.subject = self.sumber.instrumen.nama
        pr.creator = "ZI Portal"
        pr.lastModifiedBy = getattr(self.p.pengguna, "username", "") or None
        pr.keywords = f"LKE; Zona Integritas; {satker.kode}; {tim.tahun}"
        pr.description = _("Sumber: %(sumber)s. Dibuat %(waktu)s.") % {
            "sumber": sumber,
            "waktu": dibuat,
        }
        pr.created = pr.modified = self.p.waktu.astimezone(UTC).replace(tzinfo=None)
        props = [
            StringProperty(name="format", value=FORMAT),
            StringProperty(name="satker", value=satker.kode),
            StringProperty(name="satker_nama", value=satker.nama),
            IntProperty(name="tahun", value=tim.tahun),
            StringProperty(name="instrumen", value=self.sumber.instrumen.kode),
            StringProperty(name="sumber", value=sumber),
            StringProperty(name="dibuat", value=lokal.isoformat(timespec="seconds")),
        ]
        if self.sumber.pengajuan is not None:
            props.append(IntProperty(name="pengajuan", value=self.sumber.pengajuan.pk))
        if self.p.portal_url:
            props.append(StringProperty(name="portal_url", value=self.p.portal_url))
        for prop in props:
            wb.custom_doc_props.append(prop)


def buku(permintaan, maju=None):
    """The workbook of ``permintaan`` as an openpyxl ``Workbook`` (not saved)."""
    return _Buku(permintaan, maju).tulis()


def render(permintaan, keluar, maju):
    """Write the LKE workbook of ``permintaan`` to ``keluar`` (binary, seekable)."""
    buku(permintaan, maju).save(keluar)
