"""Open an uploaded LKE workbook, refuse what is not a plain XLSX of the portal's layout, and
read its answer rows.

The checks run from the cheapest to the most expensive and nothing is decompressed before the
zip structure has been judged (``eviden.kemasan``, the same judge as evidence uploads):

1. size (the evidence upload limit, ``eviden.berkas.batas_bita``);
2. an OLE2 compound file (``D0 CF 11 E0``): a password-protected workbook (Office stores those
   as an ``EncryptedPackage`` stream inside OLE2, not as a zip) or an old binary ``.xls``;
3. not a zip at all (a PDF, a CSV renamed ``.xlsx``, ...): named by libmagic;
4. the zip structure: corrupt, bomb-like, macros (``vbaProject.bin``, macro-enabled content
   types, or a macro file name), or another Office kind than an Excel workbook;
5. links to other workbooks: ``xl/externalLinks/`` parts, ``externalReference`` elements or
   relationships, and external references in defined names or cell formulas;
6. the layout: the answer sheet, its row-1 headers, and at least one soal code.

Every refusal is a ``Ditolak`` carrying one Indonesian sentence for the user; nothing here
touches the database. ``rencana`` compares the rows with the team's worksheet.
"""

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field

import magic
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from eviden import kemasan
from eviden.berkas import KALI_UKURAN_TERBUKA, batas_bita, pesan_kemasan

from ..ekspor.tata_letak import (
    BARIS_JUDUL,
    KOLOM_CATATAN_UNIT,
    KOLOM_JAWABAN_UNIT,
    KOLOM_KODE,
    KOLOM_SOAL_ID,
    KOLOM_TEKS,
    LEMBAR_LKE,
)

# Row-1 headers of the columns the import reads, as the exporter writes them (in the
# language of whoever exported): a sheet with an inserted, deleted or shifted column is
# refused, not misread. Compared without case and spacing, in every language of the portal.
JUDUL_KOLOM = {
    KOLOM_KODE: gettext_noop("Kode"),
    KOLOM_SOAL_ID: gettext_noop("ID soal"),
    KOLOM_JAWABAN_UNIT: gettext_noop("Jawaban unit"),
    KOLOM_CATATAN_UNIT: gettext_noop("Catatan unit"),
}

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML package: the stream name in the OLE2 directory (UTF-16LE).
PAKET_TERENKRIPSI = "EncryptedPackage".encode("utf-16-le")
# Rows read from the answer sheet (the 2026 LKE has about 200) and cells scanned for
# formulas over the whole workbook: far above any real LKE, low enough to stay quick.
MAKS_BARIS = 5_000
MAKS_SEL = 500_000
# Total size of the package's parts once unzipped. An exported LKE is well under 1 MB
# unzipped; the evidence limit (ten times the upload limit) would let a workbook make the
# web process hold hundreds of megabytes of shared strings.
MAKS_TERBUKA = 64 * 1024 * 1024
# workbook.xml and its relationships are read whole to look for links; cap what is read.
MAKS_XML_BUKU = 8 * 1024 * 1024
POTONGAN = 1024 * 1024
AWALAN_SEMENTARA = "unggah-impor-lke-"  # eviden.tasks.bersihkan_sementara sweeps "unggah-*"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EKSTENSI_MAKRO = (".xlsm", ".xltm", ".xlsb", ".xlam")

# Soal and node codes: "A.I.1.i.1", "B.II.1". A lone letter is a top node ("A", "B").
POLA_KODE = re.compile(r"[A-Z](?:\.[A-Za-z0-9]+)+")

# External references in a formula or defined name: "[1]Sheet1!A1" (an index into the
# workbook's external links), "'C:\dir\[Buku.xlsx]Lembar'!A1", URLs and UNC paths, and DDE
# ("app|topic!item"). String literals are removed first.
_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_RUJUKAN_LUAR = (
    re.compile(r"(?:^|[=(,;+\-*/^&<>:\s'!{])\[\d+\]"),
    re.compile(r"\[[^\[\]]+\.(?:xls[xmb]?|xlt[xm]?|xlam|ods|csv)\]", re.IGNORECASE),
    re.compile(r"(?:https?|ftp|file)://", re.IGNORECASE),
    re.compile(r"\\\\"),
    re.compile(r"\|"),
)
_NAMA_TERDEFINISI = re.compile(rb"<(?:\w+:)?definedName\b[^>]*>(.*?)</(?:\w+:)?definedName>", re.S)
_REFERENSI_LUAR = re.compile(rb"<(?:\w+:)?externalReferences?\b")
_REL_LUAR = re.compile(rb"relationships/externalLink(?:Path)?\"", re.IGNORECASE)


class Ditolak(ValueError):
    """The whole workbook is refused; ``str(e)`` is the message for the user and ``alasan``
    a short reason code (for tests and logs)."""

    def __init__(self, pesan, alasan):
        super().__init__(pesan)
        self.alasan = alasan


@dataclass(frozen=True)
class BarisLKE:
    """One row of the answer sheet as written in the file."""

    nomor: int  # row number in the sheet
    kode: str  # column KODE, stripped ("" when empty)
    teks: str  # column TEKS
    soal_id: object  # column SOAL_ID as read (None when empty)
    jawaban: object  # column JAWABAN_UNIT as read (None when empty; text stripped)
    catatan: str  # column CATATAN_UNIT ("" when empty)
    rumus: tuple = ()  # the columns among JAWABAN_UNIT/CATATAN_UNIT that hold a formula

    @property
    def berisi(self):
        """Whether the row carries an answer or a note (an empty row changes nothing)."""
        return self.jawaban is not None or bool(self.catatan) or bool(self.rumus)


@dataclass
class BukuLKE:
    """What the import reads from a workbook: its answer rows."""

    lembar: str
    baris: list = field(default_factory=list)


# --- The file --------------------------------------------------------------------------------


def simpan_sementara(aliran):
    """Stream ``aliran`` (a binary file-like object) into a temporary file under
    ``EVIDEN_TEMP_DIR``; return ``(path, sha256, size)``. Over the upload limit (or empty)
    raises ``Ditolak`` and leaves nothing behind."""
    batas = batas_bita()
    hasher, ukuran = hashlib.sha256(), 0
    os.makedirs(settings.EVIDEN_TEMP_DIR, exist_ok=True)
    fd, path = tempfile.mkstemp(
        prefix=AWALAN_SEMENTARA, suffix=".xlsx", dir=settings.EVIDEN_TEMP_DIR
    )
    try:
        with os.fdopen(fd, "wb") as keluar:
            while potongan := aliran.read(POTONGAN):
                ukuran += len(potongan)
                if ukuran > batas:
                    raise Ditolak(_pesan_besar(), "besar")
                hasher.update(potongan)
                keluar.write(potongan)
        if ukuran == 0:
            raise Ditolak(_("Berkas kosong (0 bita)."), "kosong")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise
    return path, hasher.hexdigest(), ukuran


def buang(path):
    """Delete a temporary file (gone already is fine)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def sha256_berkas(path):
    hasher = hashlib.sha256()
    with open(path, "rb") as f:
        while potongan := f.read(POTONGAN):
            hasher.update(potongan)
    return hasher.hexdigest()


def _pesan_besar():
    return _("Berkas terlalu besar. Batas ukuran adalah %(mb)s MB.") % {
        "mb": settings.EVIDEN_MAKS_MB
    }


def _pesan_bukan_xlsx(apa):
    return _(
        "Berkas ini bukan lembar kerja Excel (XLSX): isinya %(apa)s. Unggah berkas LKE hasil "
        "ekspor portal yang sudah diisi, tersimpan sebagai Buku Kerja Excel (.xlsx)."
    ) % {"apa": apa}


def _apa_isinya(mime):
    """What a refused file really is, in words a user knows."""
    if mime == "application/pdf":
        return _("dokumen PDF")
    if mime in ("text/plain", "text/csv", "application/csv"):
        return _("teks biasa atau CSV")
    if mime == "text/html":
        return _("halaman web (HTML)")
    if mime.startswith("image/"):
        return _("gambar")
    if mime.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
        return _("dokumen Word")
    if mime.startswith("application/vnd.openxmlformats-officedocument.presentationml"):
        return _("presentasi PowerPoint")
    if mime.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        return _("templat Excel, bukan buku kerja")
    if mime.startswith("application/vnd.oasis.opendocument.spreadsheet"):
        return _("lembar kerja OpenDocument (ODS)")
    if mime.startswith("application/vnd.oasis.opendocument"):
        return _("dokumen OpenDocument")
    if mime in kemasan.MIME_ZIP:
        return _("arsip ZIP")
    return _("berkas yang jenisnya tidak dikenali")


def periksa_berkas(path, nama=""):
    """Refuse (``Ditolak``) a file that is not a plain, macro-free, self-contained XLSX."""
    ukuran = os.path.getsize(path)
    if ukuran == 0:
        raise Ditolak(_("Berkas kosong (0 bita)."), "kosong")
    if ukuran > batas_bita():
        raise Ditolak(_pesan_besar(), "besar")
    if nama.lower().endswith(_EKSTENSI_MAKRO):
        raise Ditolak(_pesan_makro(), "makro")
    with open(path, "rb") as f:
        awal = f.read(8)
    if awal == OLE2:
        if _ole2_terenkripsi(path):
            raise Ditolak(
                _(
                    "Berkas ini dilindungi kata sandi (terenkripsi), sehingga isinya tidak dapat "
                    "dibaca. Buka di Excel, hapus kata sandi pembukaannya, simpan sebagai .xlsx, "
                    "lalu unggah lagi."
                ),
                "sandi",
            )
        raise Ditolak(
            _(
                "Berkas ini berformat Office lama (misalnya .xls), bukan XLSX. Buka di Excel, "
                "simpan sebagai Buku Kerja Excel (.xlsx), lalu unggah lagi."
            ),
            "ole2",
        )
    if not kemasan.zip_di_awal(path):
        raise Ditolak(_pesan_bukan_xlsx(_apa_isinya(magic.from_file(path, mime=True))), "jenis")
    try:
        mime = kemasan.jenis(path, maks_total=KALI_UKURAN_TERBUKA * batas_bita())
    except kemasan.Ditolak as e:
        if e.alasan == kemasan.MAKRO:
            raise Ditolak(_pesan_makro(), "makro") from None
        if e.alasan == kemasan.RUSAK:
            raise Ditolak(_pesan_rusak(), "rusak") from None
        raise Ditolak(pesan_kemasan(e), e.alasan) from None
    if mime != XLSX:
        raise Ditolak(_pesan_bukan_xlsx(_apa_isinya(mime)), "jenis")
    _periksa_tautan_luar(path)


def _periksa_isi(z):
    """Refuse a package whose parts unzip to more than ``MAKS_TERBUKA``."""
    if sum(i.file_size for i in z.infolist()) > MAKS_TERBUKA:
        raise Ditolak(
            _(
                "Isi berkas ini setelah dibuka lebih dari %(mb)s MB, jauh di atas ukuran berkas "
                "LKE. Gunakan berkas LKE hasil ekspor portal."
            )
            % {"mb": MAKS_TERBUKA // (1024 * 1024)},
            "besar",
        )


def _ole2_terenkripsi(path):
    """Whether an OLE2 file holds an ``EncryptedPackage`` stream (a password-protected OOXML
    file). The directory sits in the first sectors of such a small container; reading the
    first megabyte is enough and never the whole file."""
    with open(path, "rb") as f:
        return PAKET_TERENKRIPSI in f.read(POTONGAN)


def _pesan_makro():
    return _(
        "Berkas ini memuat makro (program yang dapat berjalan ketika berkas dibuka), jadi tidak "
        "diimpor. Simpan ulang sebagai Buku Kerja Excel biasa (.xlsx) tanpa makro, lalu unggah "
        "lagi."
    )


def _pesan_rusak():
    return _(
        "Berkas ini rusak atau tidak utuh, sehingga isinya tidak dapat dibaca. Buka berkas "
        "aslinya di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi."
    )


def _pesan_tautan():
    return _(
        "Berkas ini memuat tautan ke buku kerja lain (external link), sehingga nilainya bisa "
        "berasal dari luar berkas. Putuskan tautannya (Excel: Data → Edit Links → Break Link), "
        "simpan, lalu unggah lagi."
    )


def rujukan_luar(rumus):
    """Whether a formula or defined name refers to another workbook, a URL, a path or DDE."""
    teks = _LITERAL.sub('""', str(rumus))
    return any(p.search(teks) for p in _RUJUKAN_LUAR)


def _baca_anggota(z, info):
    if info.file_size > MAKS_XML_BUKU:
        raise Ditolak(_pesan_rusak(), "rusak")
    with z.open(info) as m:
        return m.read(MAKS_XML_BUKU + 1)


def _periksa_tautan_luar(path):
    """External links live in ``xl/externalLinks/`` parts, are declared by the workbook's
    ``externalReferences`` and relationships, and are used by defined names and formulas
    (the formulas are checked while the sheets are read)."""
    try:
        with zipfile.ZipFile(path) as z:
            _periksa_isi(z)
            for info in z.infolist():
                nama = info.filename.replace("\\", "/").lower()
                if nama.startswith("xl/externallinks/"):
                    raise Ditolak(_pesan_tautan(), "tautan")
                if nama == "xl/workbook.xml":
                    data = _baca_anggota(z, info)
                    if _REFERENSI_LUAR.search(data):
                        raise Ditolak(_pesan_tautan(), "tautan")
                    for isi in _NAMA_TERDEFINISI.findall(data):
                        if rujukan_luar(isi.decode("utf-8", "replace")):
                            raise Ditolak(_pesan_tautan(), "tautan")
                elif nama == "xl/_rels/workbook.xml.rels" and _REL_LUAR.search(
                    _baca_anggota(z, info)
                ):
                    raise Ditolak(_pesan_tautan(), "tautan")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise Ditolak(_pesan_rusak(), "rusak") from e


# --- The sheet -------------------------------------------------------------------------------


def _bersih(nilai):
    """A cell value as text, spacing normalised (for codes and headers)."""
    if nilai is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(nilai)).split())


def _teks_rumus(sel):
    """The formula of a cell ("" when it holds a value)."""
    nilai = sel.value
    if getattr(sel, "data_type", None) == "f" or (isinstance(nilai, str) and nilai[:1] == "="):
        return str(getattr(nilai, "text", nilai))
    if hasattr(nilai, "text") and not isinstance(nilai, str):  # openpyxl ArrayFormula
        return str(nilai.text)
    return ""


def _nilai(sel, i):
    return sel[i].value if sel[i] is not None else None


def _kolom(huruf):
    return column_index_from_string(huruf) - 1


def baca(path, nama=""):
    """Check the file (``periksa_berkas``) and read the answer sheet; return a ``BukuLKE``
    or raise ``Ditolak``."""
    periksa_berkas(path, nama)
    try:
        buku = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Ditolak:
        raise
    except Exception as e:  # openpyxl raises many kinds on a damaged package
        raise Ditolak(_pesan_rusak(), "rusak") from e
    try:
        return _baca_buku(buku)
    except Ditolak:
        raise
    except Exception as e:
        raise Ditolak(_pesan_rusak(), "rusak") from e
    finally:
        buku.close()


def _cari_lembar(buku):
    if LEMBAR_LKE in buku.sheetnames:
        return LEMBAR_LKE
    cari = _bersih(LEMBAR_LKE).casefold()
    return next((n for n in buku.sheetnames if _bersih(n).casefold() == cari), None)


def _baca_buku(buku):
    nama_lembar = _cari_lembar(buku)
    if nama_lembar is None:
        raise Ditolak(
            _(
                "Berkas ini tidak memuat lembar «%(lembar)s» (lembar yang ada: %(ada)s). Gunakan "
                "berkas LKE hasil ekspor portal."
            )
            % {"lembar": LEMBAR_LKE, "ada": ", ".join(buku.sheetnames) or "—"},
            "tata_letak",
        )
    sel_dibaca = 0
    # Formulas anywhere in the workbook may point outside it.
    for ws in buku.worksheets:
        if ws.title == nama_lembar:
            continue
        for baris in ws.iter_rows():
            sel_dibaca += len(baris)
            if sel_dibaca > MAKS_SEL:
                raise Ditolak(_pesan_besar(), "besar")
            for sel in baris:
                rumus = _teks_rumus(sel)
                if rumus and rujukan_luar(rumus):
                    raise Ditolak(_pesan_tautan(), "tautan")
    ws = buku[nama_lembar]
    i_kode, i_teks = _kolom(KOLOM_KODE), _kolom(KOLOM_TEKS)
    i_id, i_jawab, i_catat = (
        _kolom(KOLOM_SOAL_ID),
        _kolom(KOLOM_JAWABAN_UNIT),
        _kolom(KOLOM_CATATAN_UNIT),
    )
    lebar = max(i_kode, i_teks, i_id, i_jawab, i_catat) + 1
    hasil = BukuLKE(lembar=nama_lembar)
    ada_kode = False
    for nomor, baris in enumerate(ws.iter_rows(), start=1):
        if nomor > MAKS_BARIS:
            raise Ditolak(
                _("Lembar «%(lembar)s» memuat lebih dari %(n)s baris; ini bukan berkas LKE.")
                % {"lembar": nama_lembar, "n": MAKS_BARIS},
                "tata_letak",
            )
        sel_dibaca += len(baris)
        if sel_dibaca > MAKS_SEL:
            raise Ditolak(_pesan_besar(), "besar")
        for c in baris:
            rumus = _teks_rumus(c)
            if rumus and rujukan_luar(rumus):
                raise Ditolak(_pesan_tautan(), "tautan")
        sel = list(baris) + [None] * max(0, lebar - len(baris))
        if nomor < BARIS_JUDUL:
            continue
        if nomor == BARIS_JUDUL:
            _periksa_judul(nama_lembar, sel)
            continue
        kode = _bersih(_nilai(sel, i_kode))
        jawaban = _nilai(sel, i_jawab)
        if isinstance(jawaban, str):
            jawaban = jawaban.strip() or None
        catatan = _nilai(sel, i_catat)
        catatan = "" if catatan is None else str(catatan)
        rumus = tuple(
            k
            for k, i in ((KOLOM_JAWABAN_UNIT, i_jawab), (KOLOM_CATATAN_UNIT, i_catat))
            if sel[i] is not None and _teks_rumus(sel[i])
        )
        if rumus:  # a formula is reported, never read as an answer or a note
            jawaban = None if KOLOM_JAWABAN_UNIT in rumus else jawaban
            catatan = "" if KOLOM_CATATAN_UNIT in rumus else catatan
        id_soal = _nilai(sel, i_id)
        if isinstance(id_soal, str):
            id_soal = id_soal.strip() or None
        if not (kode or jawaban is not None or catatan.strip() or rumus):
            continue
        ada_kode = ada_kode or bool(POLA_KODE.fullmatch(kode))
        hasil.baris.append(
            BarisLKE(
                nomor=nomor,
                kode=kode,
                teks=_bersih(_nilai(sel, i_teks)),
                soal_id=id_soal,
                jawaban=jawaban,
                catatan=catatan,
                rumus=rumus,
            )
        )
    if not ada_kode:
        raise Ditolak(
            _("Lembar «%(lembar)s» tidak memuat kode soal LKE di kolom %(kolom)s.")
            % {"lembar": nama_lembar, "kolom": KOLOM_KODE},
            "tata_letak",
        )
    return hasil


def _judul_sah(kolom):
    """The accepted headers of ``kolom``: its msgid in every language of the portal."""
    sah = {JUDUL_KOLOM[kolom].casefold()}
    for kode, _nama in settings.LANGUAGES:
        with override(kode):
            sah.add(_bersih(_(JUDUL_KOLOM[kolom])).casefold())
    return sah


def _periksa_judul(nama_lembar, sel):
    for kolom in JUDUL_KOLOM:
        i = _kolom(kolom)
        judul = _bersih(_nilai(sel, i))
        if judul.casefold() not in _judul_sah(kolom):
            raise Ditolak(
                _(
                    "Judul kolom pada baris %(baris)s lembar «%(lembar)s» tidak sesuai format "
                    "LKE portal: kolom %(kolom)s berjudul «%(ada)s», seharusnya «%(harap)s». "
                    "Jangan menyisipkan, menghapus atau menggeser kolom; gunakan berkas hasil "
                    "ekspor portal."
                )
                % {
                    "baris": BARIS_JUDUL,
                    "lembar": nama_lembar,
                    "kolom": kolom,
                    "ada": judul or "—",
                    "harap": _(JUDUL_KOLOM[kolom]),
                },
                "tata_letak",
            )
