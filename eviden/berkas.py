"""Receiving an uploaded evidence file safely.

The request body is streamed in 1 MiB chunks into a temporary file while its SHA-256 and
size are computed, so the web process never holds a whole file in memory. The content is
then identified by its magic bytes (libmagic) and must be on the allow-list AND match the
file's extension; names are checked for path parts and cleaned. Any refusal raises
``BerkasDitolak`` with an Indonesian message, and the temporary file is removed.

Zip-based files are judged by their structure (``eviden.kemasan``) rather than by libmagic
alone, which names Office files only when their members come in the order it expects: the
main part's content type (OOXML) or the ``mimetype`` member (ODF) decides, macros are
refused, and oversized, bomb-like or oddly named archives are refused before anything is
decompressed.
"""

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass

import magic
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import kemasan

POTONGAN = 1024 * 1024

# Content type (as libmagic names it) -> extensions it may carry.
IZIN = {
    "application/pdf": {".pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "video/mp4": {".mp4"},
}
EKSTENSI_IZIN = sorted({e for ext in IZIN.values() for e in ext})


# What a refused file really is, in words a user knows, and what to do with it.
_SAYA_UNGGAH = gettext_lazy(
    "unggah PDF, dokumen Office/OpenDocument, gambar JPG/PNG, atau video MP4"
)
_APA = {
    "application/x-dosexec": (gettext_lazy("program Windows"), _SAYA_UNGGAH),
    "application/x-msdownload": (gettext_lazy("program Windows"), _SAYA_UNGGAH),
    "application/x-executable": (gettext_lazy("program komputer"), _SAYA_UNGGAH),
    "application/x-sharedlib": (gettext_lazy("program komputer"), _SAYA_UNGGAH),
    "application/x-pie-executable": (gettext_lazy("program komputer"), _SAYA_UNGGAH),
    "text/html": (
        gettext_lazy("halaman web (HTML)"),
        gettext_lazy("simpan halaman itu sebagai PDF lalu unggah PDF-nya"),
    ),
    "image/svg+xml": (
        gettext_lazy("gambar SVG"),
        gettext_lazy("simpan gambar itu sebagai PNG atau JPG"),
    ),
    "text/plain": (
        gettext_lazy("teks biasa"),
        gettext_lazy("simpan teks itu sebagai PDF atau DOCX"),
    ),
    "text/x-shellscript": (gettext_lazy("skrip program"), _SAYA_UNGGAH),
    "text/x-python": (gettext_lazy("skrip program"), _SAYA_UNGGAH),
    "application/javascript": (gettext_lazy("skrip program"), _SAYA_UNGGAH),
    "text/x-php": (gettext_lazy("skrip program"), _SAYA_UNGGAH),
    "application/zip": (
        gettext_lazy("arsip ZIP"),
        gettext_lazy("ekstrak dulu, lalu unggah dokumennya satu per satu"),
    ),
    "application/x-rar": (
        gettext_lazy("arsip RAR"),
        gettext_lazy("ekstrak dulu, lalu unggah dokumennya satu per satu"),
    ),
    "application/x-7z-compressed": (
        gettext_lazy("arsip 7z"),
        gettext_lazy("ekstrak dulu, lalu unggah dokumennya satu per satu"),
    ),
    "application/gzip": (
        gettext_lazy("arsip terkompresi"),
        gettext_lazy("ekstrak dulu, lalu unggah dokumennya"),
    ),
    "application/msword": (
        gettext_lazy("dokumen Word lama (.doc)"),
        gettext_lazy("simpan ulang sebagai DOCX atau PDF"),
    ),
    "application/vnd.ms-excel": (
        gettext_lazy("lembar kerja Excel lama (.xls)"),
        gettext_lazy("simpan ulang sebagai XLSX atau PDF"),
    ),
    "application/vnd.ms-powerpoint": (
        gettext_lazy("presentasi PowerPoint lama (.ppt)"),
        gettext_lazy("simpan ulang sebagai PPTX atau PDF"),
    ),
    "image/gif": (
        gettext_lazy("gambar GIF"),
        gettext_lazy("simpan gambar itu sebagai PNG atau JPG"),
    ),
    "image/webp": (
        gettext_lazy("gambar WebP"),
        gettext_lazy("simpan gambar itu sebagai PNG atau JPG"),
    ),
    "image/heic": (
        gettext_lazy("foto HEIC dari iPhone"),
        gettext_lazy("simpan foto itu sebagai JPG"),
    ),
    "image/bmp": (
        gettext_lazy("gambar BMP"),
        gettext_lazy("simpan gambar itu sebagai PNG atau JPG"),
    ),
    "image/tiff": (
        gettext_lazy("gambar TIFF"),
        gettext_lazy("simpan gambar itu sebagai PNG, JPG atau PDF"),
    ),
    # Kinds told apart by the zip structure (eviden.kemasan) that are not on the list.
    "application/vnd.oasis.opendocument.presentation": (
        gettext_lazy("presentasi OpenDocument (ODP)"),
        gettext_lazy("simpan ulang sebagai PPTX atau PDF"),
    ),
    "application/vnd.oasis.opendocument.graphics": (
        gettext_lazy("gambar OpenDocument (ODG)"),
        gettext_lazy("simpan gambar itu sebagai PNG, JPG atau PDF"),
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template": (
        gettext_lazy("templat Word (.dotx)"),
        gettext_lazy("simpan ulang sebagai DOCX atau PDF"),
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template": (
        gettext_lazy("templat Excel (.xltx)"),
        gettext_lazy("simpan ulang sebagai XLSX atau PDF"),
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.template": (
        gettext_lazy("templat PowerPoint (.potx)"),
        gettext_lazy("simpan ulang sebagai PPTX atau PDF"),
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow": (
        gettext_lazy("tayangan PowerPoint (.ppsx)"),
        gettext_lazy("simpan ulang sebagai PPTX atau PDF"),
    ),
}
# Any other OpenDocument kind (templates, drawings, formulas, databases).
_APA_ODF_LAIN = (
    gettext_lazy("dokumen OpenDocument jenis lain"),
    gettext_lazy("simpan ulang sebagai ODT, ODS atau PDF"),
)
_APA_LAIN = (gettext_lazy("berkas yang jenisnya tidak dikenali"), _SAYA_UNGGAH)
_NAMA_IZIN = {
    "application/pdf": gettext_lazy("dokumen PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy(
        "dokumen Word (DOCX)"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy(
        "lembar kerja Excel (XLSX)"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": gettext_lazy(
        "presentasi PowerPoint (PPTX)"
    ),
    "application/vnd.oasis.opendocument.text": gettext_lazy("dokumen OpenDocument (ODT)"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy(
        "lembar kerja OpenDocument (ODS)"
    ),
    "image/jpeg": gettext_lazy("gambar JPG"),
    "image/png": gettext_lazy("gambar PNG"),
    "video/mp4": gettext_lazy("video MP4"),
}


def pesan_isi_salah(mime, ext):
    """One sentence: what the file really is, and what to do (never a MIME type)."""
    diharapkan = next((_NAMA_IZIN[m] for m, exts in IZIN.items() if ext in exts), ext)
    if mime in IZIN:  # an accepted kind under the wrong extension
        return _(
            "Isinya %(apa)s, tidak cocok dengan akhiran %(ext)s; ganti akhiran nama berkasnya "
            "menjadi %(benar)s, atau unggah %(harap)s yang sebenarnya."
        ) % {
            "apa": _NAMA_IZIN[mime],
            "ext": ext,
            "benar": sorted(IZIN[mime])[0],
            "harap": diharapkan,
        }
    lain = _APA_ODF_LAIN if mime.startswith("application/vnd.oasis.opendocument.") else _APA_LAIN
    apa, saran = _APA.get(mime, lain)
    return _("Isinya %(apa)s, bukan %(harap)s; %(saran)s.") % {
        "apa": apa,
        "harap": diharapkan,
        "saran": saran,
    }


class BerkasDitolak(ValueError):
    """An upload refused with a message for the user."""


@dataclass
class BerkasMasuk:
    """A received, checked file waiting in a temporary file."""

    path: str
    nama: str
    ukuran: int
    sha256: str
    mime: str

    def buang(self):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def batas_bita():
    return settings.EVIDEN_MAKS_MB * 1024 * 1024


# Total declared uncompressed size of a zip-based upload, as a multiple of the upload
# limit (500 MB at the default 50 MB). Photo- and media-heavy documents hardly compress
# (about 1:1) and large spreadsheets' XML compresses about 10:1 overall, so a real file
# at the upload limit stays under it; a smaller file may still expand further (up to the
# same absolute ceiling). More than that is a decompression bomb for whoever opens the
# file later (a reviewer's Office, a preview or virus scanner), not evidence.
KALI_UKURAN_TERBUKA = 10

# The kind a user should save a macro-enabled file as (format names, not translated).
_TANPA_MAKRO = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}


def pesan_kemasan(ditolak):
    """The message for a zip refused by its structure (``kemasan.Ditolak``)."""
    if ditolak.alasan == kemasan.RUSAK:
        return _(
            "Berkas ini rusak atau tidak utuh, sehingga isinya tidak dapat diperiksa; buka "
            "berkas aslinya, simpan ulang, lalu unggah lagi."
        )
    if ditolak.alasan == kemasan.MAKRO:
        return _(
            "Berkas ini memuat makro (program yang dapat berjalan ketika berkas dibuka); "
            "simpan ulang sebagai %(jenis)s biasa tanpa makro, atau sebagai PDF, lalu "
            "unggah lagi."
        ) % {"jenis": _TANPA_MAKRO.get(ditolak.mime) or _("DOCX, XLSX atau PPTX")}
    if ditolak.alasan == kemasan.BANYAK:
        alasan = _("isinya terdiri atas lebih dari %(n)s bagian") % {
            "n": number_format(kemasan.MAKS_ANGGOTA, force_grouping=True)
        }
    elif ditolak.alasan == kemasan.BESAR:
        alasan = _("ukuran isinya setelah dibuka melebihi %(mb)s MB") % {
            "mb": KALI_UKURAN_TERBUKA * settings.EVIDEN_MAKS_MB
        }
    elif ditolak.alasan == kemasan.BOM:
        alasan = _("ada bagian yang dipadatkan secara tidak wajar, ciri khas bom ZIP")
    else:  # kemasan.NAMA
        alasan = _("ada nama bagian yang tidak wajar, misalnya menunjuk ke luar foldernya")
    return _(
        "Berkas ini ditolak karena berpotensi berbahaya: %(alasan)s. Buka berkas aslinya, "
        "simpan ulang sebagai dokumen biasa (DOCX, XLSX, PPTX, ODT, ODS atau PDF), lalu "
        "unggah lagi."
    ) % {"alasan": alasan}


def _jenis_zip(path, mime, batas):
    """Zip-based files are judged by their structure (libmagic only knows some member
    orders); anything else keeps libmagic's ``mime``."""
    if kemasan.zip_di_awal(path):
        try:
            return kemasan.jenis(path, maks_total=KALI_UKURAN_TERBUKA * batas)
        except kemasan.Ditolak as e:
            raise BerkasDitolak(pesan_kemasan(e)) from None
    if kemasan.mirip_zip(mime):
        # A zip behind other data (libmagic: "extra data prepended"), such as a program
        # with a document appended. Never accepted; named by its first bytes when they are
        # something the user knows (a program), else an archive.
        with open(path, "rb") as f:
            depan = magic.from_buffer(f.read(8192), mime=True)
        return kemasan.ZIP if depan in IZIN else depan
    return mime


def bersihkan_nama(nama):
    """Check and clean an original file name; refuse path parts and odd names."""
    if nama is None or not nama.strip():
        raise BerkasDitolak(_("Nama berkas kosong."))
    if "/" in nama or "\\" in nama or "\x00" in nama or nama.strip() in (".", ".."):
        raise BerkasDitolak(
            _("Nama berkas tidak boleh memuat folder atau jalur (tanda / atau \\).")
        )
    nama = unicodedata.normalize("NFC", nama)
    nama = "".join(c for c in nama if unicodedata.category(c)[0] != "C")  # control characters
    nama = re.sub(r"\s+", " ", nama).strip().lstrip(".")
    dasar, ext = os.path.splitext(nama)
    if not dasar:
        raise BerkasDitolak(_("Nama berkas tidak sah."))
    return dasar[: 150 - len(ext)] + ext.lower()


def ekstensi(nama):
    ext = os.path.splitext(nama)[1].lower()
    if ext not in EKSTENSI_IZIN:
        raise BerkasDitolak(
            _("Jenis berkas %(ext)s tidak diterima. Yang diterima: %(daftar)s.")
            % {"ext": ext or _("(tanpa ekstensi)"), "daftar": ", ".join(EKSTENSI_IZIN)}
        )
    return ext


def terima(aliran, nama, panjang=None):
    """Stream ``aliran`` (a file-like object) into a checked temporary file.

    ``panjang`` is the declared size (Content-Length), refused early when over the limit.
    """
    nama = bersihkan_nama(nama)
    ext = ekstensi(nama)
    batas = batas_bita()
    pesan_besar = _("Berkas terlalu besar. Batas ukuran adalah %(mb)s MB.") % {
        "mb": settings.EVIDEN_MAKS_MB
    }
    if panjang is not None and panjang > batas:
        raise BerkasDitolak(pesan_besar)
    hasher = hashlib.sha256()
    ukuran = 0
    fd, path = tempfile.mkstemp(prefix="unggah-", dir=settings.EVIDEN_TEMP_DIR)
    try:
        with os.fdopen(fd, "wb") as keluar:
            while True:
                potongan = aliran.read(POTONGAN)
                if not potongan:
                    break
                ukuran += len(potongan)
                if ukuran > batas:
                    raise BerkasDitolak(pesan_besar)
                hasher.update(potongan)
                keluar.write(potongan)
        if ukuran == 0:
            raise BerkasDitolak(_("Berkas kosong (0 bita) tidak dapat dijadikan eviden."))
        mime = magic.from_file(path, mime=True)
        mime = _jenis_zip(path, mime, batas)
        if mime not in IZIN or ext not in IZIN[mime]:
            raise BerkasDitolak(pesan_isi_salah(mime, ext))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise
    return BerkasMasuk(path=path, nama=nama, ukuran=ukuran, sha256=hasher.hexdigest(), mime=mime)
