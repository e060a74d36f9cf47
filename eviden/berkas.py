"""Receiving an uploaded evidence file safely.

The request body is streamed in 1 MiB chunks into a temporary file while its SHA-256 and
size are computed, so the web process never holds a whole file in memory. The content is
then identified by its magic bytes (libmagic) and must be on the allow-list AND match the
file's extension; names are checked for path parts and cleaned. Any refusal raises
``BerkasDitolak`` with an Indonesian message, and the temporary file is removed.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
}
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
    apa, saran = _APA.get(mime, (gettext_lazy("berkas yang jenisnya tidak dikenali"), _SAYA_UNGGAH))
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
        if mime not in IZIN or ext not in IZIN[mime]:
            raise BerkasDitolak(pesan_isi_salah(mime, ext))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise
    return BerkasMasuk(path=path, nama=nama, ukuran=ukuran, sha256=hasher.hexdigest(), mime=mime)
