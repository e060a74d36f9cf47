"""The evidence bundle's index, as a standalone HTML page and as an XLSX workbook.

Both list the same rows: one per evidence version in the bundle (a stored file with its path
inside the ZIP, or a link), with the soal, the document's title and version, size, SHA-256
and who uploaded it when. The path is a relative link, so the index opened from the unpacked
folder (or from inside the ZIP in most archive tools) opens the file. Everything that comes
from users is escaped in the HTML; in the workbook a title never becomes a formula.
"""

import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from zi_portal.format import angka

from ..kalender import WIB

# Characters XML 1.0 cannot carry (openpyxl refuses them; HTML shows them as garbage).
_KENDALI = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class KepalaIndeks:
    """What the index says about the bundle as a whole."""

    satker: str
    tahun: int
    sumber: str  # live approved / live latest / submission #n of stage X
    dibuat: datetime  # aware; shown in Asia/Jakarta
    jumlah_berkas: int
    jumlah_tautan: int
    total_ukuran: int


@dataclass(frozen=True)
class BarisIndeks:
    """One evidence version in the bundle: a stored file (``jalur`` inside the ZIP) or a link
    (``tautan``, no file)."""

    soal_kode: str
    soal_teks: str
    judul: str
    versi: int
    jalur: str
    tautan: str
    ukuran: int
    sha256: str
    pengunggah: str
    diunggah_pada: datetime | None


def bersih(teks):
    """Text without the control characters XML cannot hold."""
    return _KENDALI.sub("", str(teks or ""))


def href(jalur):
    """A member path as a relative URL (spaces and the like percent-encoded)."""
    return quote(jalur, safe="/")


def tautan_aman(tautan):
    """The link if it is an http(s) address (only those are accepted at upload), else ""."""
    return tautan if urlsplit(tautan).scheme in ("http", "https") else ""


def waktu_wib(nilai):
    """ "24 Nov 2026 14.05 WIB", always in Asia/Jakarta whatever the active time zone."""
    if nilai is None:
        return ""
    return dateformat.format(timezone.localtime(nilai, WIB), "j M Y H.i") + " WIB"


def ukuran_teks(n):
    """A size for people: "812 B", "35,2 KB", "4,8 MB", "1,02 GB"."""
    if n < 1024:
        return f"{n} B"
    if n < 1024**2:
        return f"{angka(n / 1024, 1)} KB"
    if n < 1024**3:
        return f"{angka(n / 1024**2, 1)} MB"
    return f"{angka(n / 1024**3, 2)} GB"


def _judul_kolom(bita=False):
    return [
        _("No."),
        _("Kode soal"),
        _("Soal"),
        _("Dokumen"),
        _("Versi"),
        _("Berkas dalam ZIP / tautan"),
        _("Ukuran (bita)") if bita else _("Ukuran"),
        _("SHA-256"),
        _("Diunggah oleh"),
        _("Diunggah pada"),
    ]


def _keterangan(kepala):
    return [
        (_("Satker"), kepala.satker),
        (_("Tahun"), str(kepala.tahun)),
        (_("Sumber"), kepala.sumber),
        (_("Dibuat pada"), waktu_wib(kepala.dibuat)),
        (
            _("Isi"),
            _("%(berkas)s berkas (%(ukuran)s), %(tautan)s tautan")
            % {
                "berkas": kepala.jumlah_berkas,
                "ukuran": ukuran_teks(kepala.total_ukuran),
                "tautan": kepala.jumlah_tautan,
            },
        ),
    ]


def _cek_sidik():
    return _(
        "Sidik SHA-256 setiap berkas dapat dicocokkan dengan perintah "
        "«certutil -hashfile <berkas> SHA256» (Windows) atau «sha256sum <berkas>» (Linux)."
    )


_GAYA = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:13px;color:#212529;margin:24px}
h1{font-size:20px;margin:0 0 12px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:0 0 16px}
dt{font-weight:bold}dd{margin:0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ced4da;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#e9ecef;position:sticky;top:0}
td.angka{text-align:right;white-space:nowrap}
td.sidik{font-family:monospace;font-size:11px;word-break:break-all;min-width:12em}
td.kode{white-space:nowrap}
tr.awal td{border-top:2px solid #6c757d}
p.catatan{color:#6c757d;margin-top:12px}
""".strip()


def tulis_html(keluar, kepala, baris):
    """Write the index page (UTF-8) to the binary stream ``keluar``, row by row."""

    def tulis(teks):
        keluar.write(teks.encode("utf-8"))

    e = html.escape
    judul = _("Indeks eviden LKE Zona Integritas")
    tulis(
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(judul)} — {e(bersih(kepala.satker))} {kepala.tahun}</title>\n"
        f"<style>\n{_GAYA}\n</style>\n</head>\n<body>\n<h1>{e(judul)}</h1>\n<dl>\n"
    )
    for label, nilai in _keterangan(kepala):
        tulis(f"<dt>{e(label)}</dt><dd>{e(bersih(nilai))}</dd>\n")
    tulis("</dl>\n<table>\n<thead><tr>")
    tulis("".join(f'<th scope="col">{e(k)}</th>' for k in _judul_kolom()))
    tulis("</tr></thead>\n<tbody>\n")
    sebelumnya = None
    for i, b in enumerate(baris, start=1):
        awal = b.soal_kode != sebelumnya
        sebelumnya = b.soal_kode
        if b.jalur:
            nama = b.jalur.rsplit("/", 1)[-1]
            berkas = f'<a href="{e(href(b.jalur))}" title="{e(b.jalur)}">{e(nama)}</a>'
        elif tautan_aman(b.tautan):
            t = tautan_aman(b.tautan)
            berkas = f'{e(_("Tautan:"))} <a href="{e(t)}" rel="noopener noreferrer">{e(t)}</a>'
        else:
            berkas = e(bersih(b.tautan))
        ukuran = ukuran_teks(b.ukuran) if b.jalur else ""
        kelas = ' class="awal"' if awal else ""
        tulis(
            f"<tr{kelas}>"
            f'<td class="angka">{i}</td>'
            f'<td class="kode">{e(b.soal_kode)}</td>'
            f"<td>{e(bersih(b.soal_teks)) if awal else ''}</td>"
            f"<td>{e(bersih(b.judul))}</td>"
            f'<td class="angka">{b.versi}</td>'
            f"<td>{berkas}</td>"
            f'<td class="angka" title="{b.ukuran if b.jalur else ""}">{e(ukuran)}</td>'
            f'<td class="sidik">{e(b.sha256)}</td>'
            f"<td>{e(bersih(b.pengunggah))}</td>"
            f"<td>{e(waktu_wib(b.diunggah_pada))}</td>"
            "</tr>\n"
        )
    if not baris:
        tulis(f'<tr><td colspan="10">{e(_("Tidak ada eviden."))}</td></tr>\n')
    tulis(f'</tbody>\n</table>\n<p class="catatan">{e(_cek_sidik())}</p>\n</body>\n</html>\n')


# --- XLSX -----------------------------------------------------------------------------------

_LEBAR = [6, 14, 50, 40, 7, 60, 12, 66, 24, 20]


def _sel(ws, nilai, **gaya):
    """A write-only cell; text is always text (a title starting with "=" is no formula)."""
    if isinstance(nilai, str):
        nilai = bersih(nilai)
    c = WriteOnlyCell(ws, value=nilai)
    if isinstance(nilai, str):
        c.data_type = "s"
    for k, v in gaya.items():
        setattr(c, k, v)
    return c


def tulis_xlsx(keluar, kepala, baris):
    """Write the index workbook to ``keluar`` (a seekable binary file). Written in openpyxl's
    write-only mode, so rows go to disk as they come."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Indeks eviden"))
    for i, lebar in enumerate(_LEBAR):
        ws.column_dimensions[chr(ord("A") + i)].width = lebar
    # Printed: landscape, every column on one page width.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = f"A{len(_keterangan(kepala)) + 4}"
    tebal = Font(bold=True)
    ws.append([_sel(ws, _("Indeks eviden LKE Zona Integritas"), font=Font(bold=True, size=14))])
    for label, nilai in _keterangan(kepala):
        # The label spills over the empty cell beside it; the value has the wide column.
        ws.append([_sel(ws, label, font=tebal), None, _sel(ws, nilai)])
    ws.append([])
    ws.append([_sel(ws, k, font=tebal) for k in _judul_kolom(bita=True)])
    atas = Alignment(vertical="top")  # one line per row: clean to filter and sort
    tautan_gaya = Font(color="0563C1", underline="single")
    for i, b in enumerate(baris, start=1):
        if b.jalur:
            berkas = _sel(ws, b.jalur, font=tautan_gaya, alignment=atas)
            berkas.hyperlink = href(b.jalur)
        elif tautan_aman(b.tautan):
            berkas = _sel(ws, b.tautan, font=tautan_gaya, alignment=atas)
            berkas.hyperlink = tautan_aman(b.tautan)
        else:
            berkas = _sel(ws, b.tautan, alignment=atas)
        pada = None
        if b.diunggah_pada is not None:
            pada = timezone.localtime(b.diunggah_pada, WIB).replace(tzinfo=None)
        ws.append(
            [
                _sel(ws, i, alignment=atas),
                _sel(ws, b.soal_kode, alignment=atas),
                _sel(ws, b.soal_teks, alignment=atas),
                _sel(ws, b.judul, alignment=atas),
                _sel(ws, b.versi, alignment=atas),
                berkas,
                _sel(ws, b.ukuran if b.jalur else None, alignment=atas, number_format="#,##0"),
                _sel(ws, b.sha256, alignment=atas),
                _sel(ws, b.pengunggah, alignment=atas),
                _sel(ws, pada, alignment=atas, number_format="dd/mm/yyyy hh:mm"),
            ]
        )
    ws.append([])
    ws.append([_sel(ws, _cek_sidik())])
    wb.save(keluar)
