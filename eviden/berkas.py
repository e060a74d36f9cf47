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
from django.utils.translation import gettext_lazy as _l

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
_SAYA_UNGGAH = _l("unggah PDF, dokumen Office/OpenDocument, gambar JPG/PNG, atau video MP4")
_APA = {
    "application/x-dosexec": (_l("program Windows"), _SAYA_UNGGAH),
    "application/x-msdownload": (_l("program Windows"), _SAYA_UNGGAH),
    "application/x-executable": (_l("program komputer"), _SAYA_UNGGAH),
    "application/x-sharedlib": (_l("program komputer"), _SAYA_UNGGAH),
    "application/x-pie-executable": (_l("program komputer"), _SAYA_UNGGAH),
    "text/html": (
        _l("halaman web (HTML)"),
        _l("simpan halaman itu sebagai PDF lalu unggah PDF-nya"),
    ),
    "image/svg+xml": (_l("gambar SVG"), _l("simpan gambar itu sebagai PNG atau JPG")),
    "text/plain": (_l("teks biasa"), _l("simpan teks itu sebagai PDF atau DOCX")),
    "text/x-shellscript": (_l("skrip program"), _SAYA_UNGGAH),
    "text/x-python": (_l("skrip program"), _SAYA_UNGGAH),
    "application/javascript": (_l("skrip program"), _SAYA_UNGGAH),
    "text/x-php": (_l("skrip program"), _SAYA_UNGGAH),
    "application/zip": (_l("arsip ZIP"), _l("ekstrak dulu, lalu unggah dokumennya satu per satu")),
    "application/x-rar": (
        _l("arsip RAR"),
        _l("ekstrak dulu, lalu unggah dokumennya satu per satu"),
    ),
    "application/x-7z-compressed": (
        _l("arsip 7z"),
        _l("ekstrak dulu, lalu unggah dokumennya satu per satu"),
    ),
    "application/gzip": (_l("arsip terkompresi"), _l("ekstrak dulu, lalu unggah dokumennya")),
    "application/msword": (
        _l("dokumen Word lama (.doc)"),
        _l("simpan ulang sebagai DOCX atau PDF"),
    ),
    "application/vnd.ms-excel": (
        _l("lembar kerja Excel lama (.xls)"),
        _l("simpan ulang sebagai XLSX atau PDF"),
    ),
    "application/vnd.ms-powerpoint": (
        _l("presentasi PowerPoint lama (.ppt)"),
        _l("simpan ulang sebagai PPTX atau PDF"),
    ),
    "image/gif": (_l("gambar GIF"), _l("simpan gambar itu sebagai PNG atau JPG")),
    "image/webp": (_l("gambar WebP"), _l("simpan gambar itu sebagai PNG atau JPG")),
    "image/heic": (_l("foto HEIC dari iPhone"), _l("simpan foto itu sebagai JPG")),
    "image/bmp": (_l("gambar BMP"), _l("simpan gambar itu sebagai PNG atau JPG")),
    "image/tiff": (_l("gambar TIFF"), _l("simpan gambar itu sebagai PNG, JPG atau PDF")),
}
_NAMA_IZIN = {
    "application/pdf": _l("dokumen PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _l(
        "dokumen Word (DOCX)"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _l(
        "lembar kerja Excel (XLSX)"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _l(
        "presentasi PowerPoint (PPTX)"
    ),
    "application/vnd.oasis.opendocument.text": _l("dokumen OpenDocument (ODT)"),
    "application/vnd.oasis.opendocument.spreadsheet": _l("lembar kerja OpenDocument (ODS)"),
    "image/jpeg": _l("gambar JPG"),
    "image/png": _l("gambar PNG"),
    "video/mp4": _l("video MP4"),
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
    apa, saran = _APA.get(mime, (_l("berkas yang jenisnya tidak dikenali"), _SAYA_UNGGAH))
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
