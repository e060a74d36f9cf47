"""What a zip-based upload really is, decided from its structure (no Django, no messages).

libmagic names Office Open XML only when the zip members come in an order it expects, so
files written by other programs can come back as ``application/zip`` or
``application/octet-stream``. Here the zip is opened with ``zipfile`` and judged by its
members, reading only the central directory and two small members:

* OOXML (DOCX/XLSX/PPTX): ``[Content_Types].xml`` names the main part's content type.
* ODF (ODT/ODS/...): the ``mimetype`` member names the kind.
* anything else is a plain zip (``application/zip``).

Nothing is extracted to disk and nothing is recursed into (an embedded workbook inside a
document is one opaque member). Refusals raise ``Ditolak`` with a reason code; the caller
turns it into a message for the user.
"""

import re
import struct
import zipfile
import zlib
from urllib.parse import unquote
from xml.parsers import expat

# --- Limits -------------------------------------------------------------------------------
# Members: a long PPTX (500 slides, each with its XML, relations and media) stays well
# under a few thousand; 10 000 leaves room and keeps the member table small in memory.
# The count is taken from the central directory before zipfile builds its table.
MAKS_ANGGOTA = 10_000
# Zip bomb: real Office XML compresses about 10-15:1 (measured on large openpyxl sheets);
# 200:1 on a member over 1 MiB is only reached by deliberately repetitive data.
MAKS_RASIO = 200
RASIO_DARI = 1024 * 1024
# Only these two members are ever decompressed, each with a read cap. A 1000-slide
# deck's [Content_Types].xml is about 150 KB.
MAKS_JENIS_ISI = 1024 * 1024
MAKS_MIMETYPE = 256
# The total declared uncompressed size is a parameter (``maks_total``): the caller derives
# it from the upload limit.

# Reason codes carried by ``Ditolak``.
RUSAK = "rusak"  # not a readable zip (truncated, bad central directory, bad CRC, ...)
BANYAK = "banyak"  # too many members
BESAR = "besar"  # total uncompressed size over the limit
BOM = "bom"  # a member compressed at an absurd ratio
NAMA = "nama"  # a member name with an absolute path, "..", a NUL, or repeated
MAKRO = "makro"  # VBA project or ODF Basic/Scripts

ZIP = "application/zip"
TIDAK_DIKENAL = "application/octet-stream"
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

# Zip-family types libmagic may report.
MIME_ZIP = {"application/zip", "application/x-zip-compressed", "application/x-zip"}
AWALAN_ZIP = (
    _OOXML,
    _ODF,
    "application/vnd.ms-word.",
    "application/vnd.ms-excel.",
    "application/vnd.ms-powerpoint.",
)

# Embedded Office files that carry macros (in word/embeddings/ and the like); they are
# not opened, their names are enough.
_EKSTENSI_MAKRO = (
    ".docm",
    ".dotm",
    ".xlsm",
    ".xltm",
    ".xlsb",
    ".xlam",
    ".pptm",
    ".potm",
    ".ppsm",
    ".ppam",
    ".sldm",
)
_UTAMA = re.compile(r"\.main(\+xml)?$", re.IGNORECASE)


class Ditolak(Exception):
    """The zip is refused. ``alasan`` is a reason code; for MAKRO, ``mime`` is the
    accepted macro-free type to save the file as, when known."""

    def __init__(self, alasan, mime=None):
        super().__init__(alasan)
        self.alasan = alasan
        self.mime = mime


def mirip_zip(mime):
    """Whether libmagic's ``mime`` names a zip or a zip-based type."""
    return mime in MIME_ZIP or mime.startswith(AWALAN_ZIP)


def zip_di_awal(path):
    """Whether the file starts with a zip record (a local file header, or the end record
    of an empty zip). Office files always do; a zip after other data (a self-extracting
    program, say) is never judged as an Office file."""
    with open(path, "rb") as f:
        return f.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def jenis(path, maks_total):
    """The MIME type of the zip at ``path`` (see ``zip_di_awal``) decided from its
    members, or ``Ditolak``.

    Returns an OOXML/ODF type (the main part's, e.g. ``...wordprocessingml.document``),
    ``application/zip`` for a plain zip, or ``application/octet-stream`` for an Office
    package whose main part is missing or ambiguous.
    """
    try:
        with open(path, "rb") as f:
            if _hitung_anggota(f) > MAKS_ANGGOTA:
                raise Ditolak(BANYAK)
        with zipfile.ZipFile(path) as z:
            daftar = z.infolist()
            _periksa_batas(daftar, maks_total)
            return _putuskan(z, daftar)
    except Ditolak:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,  # unsupported compression method
        RuntimeError,  # encrypted member
        OSError,
        ValueError,
        struct.error,
        expat.ExpatError,
    ) as e:
        raise Ditolak(RUSAK) from e


def _hitung_anggota(f):
    """Count central directory entries, stopping past MAKS_ANGGOTA.

    zipfile parses the whole central directory into objects before it can be asked how
    many members there are, however many the end record claims; so the directory is
    walked here first, at the place zipfile reads it (the end record's position minus
    the directory size, minus the zip64 records when present).
    """
    f.seek(0, 2)
    ukuran = f.tell()
    if ukuran < 22:
        raise zipfile.BadZipFile("too short")
    f.seek(ukuran - 22)
    ekor = f.read(22)
    if ekor[:4] == b"PK\x05\x06" and ekor[-2:] == b"\x00\x00":
        akhir = ukuran - 22
    else:  # an archive comment follows the end record
        mulai = max(ukuran - 65536 - 22, 0)
        f.seek(mulai)
        data = f.read()
        letak = data.rfind(b"PK\x05\x06")
        if letak < 0 or len(data) - letak < 22:
            raise zipfile.BadZipFile("no end of central directory")
        akhir = mulai + letak
        ekor = data[letak : letak + 22]
    ukuran_cd = struct.unpack("<4s4H2LH", ekor)[5]
    awal = akhir - ukuran_cd
    if akhir >= 20:
        f.seek(akhir - 20)
        pencari = f.read(20)
        if pencari[:4] == b"PK\x06\x07" and akhir >= 76:
            f.seek(akhir - 76)
            rekaman = f.read(56)
            if rekaman[:4] == b"PK\x06\x06":
                ukuran_cd = struct.unpack("<4sQ2H2L4Q", rekaman)[8]
                awal = akhir - 76 - ukuran_cd
    if awal < 0:
        raise zipfile.BadZipFile("bad central directory offset")
    f.seek(awal)
    sisa, n = ukuran_cd, 0
    while sisa > 0 and n <= MAKS_ANGGOTA:
        kepala = f.read(46)
        if len(kepala) < 46 or kepala[:4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("bad central directory entry")
        panjang = 46 + sum(struct.unpack_from("<3H", kepala, 28))
        f.seek(panjang - 46, 1)
        sisa -= panjang
        n += 1
    return n


def _periksa_batas(daftar, maks_total):
    if len(daftar) > MAKS_ANGGOTA:  # the walk above already stops most of these
        raise Ditolak(BANYAK)
    total = 0
    nama_ada = set()
    for info in daftar:
        nama = info.orig_filename
        bagian = re.split(r"[/\\]", nama)
        if (
            "\x00" in nama
            or nama.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", nama)
            or ".." in bagian
            or nama in nama_ada
        ):
            raise Ditolak(NAMA)
        nama_ada.add(nama)
        total += info.file_size
        if info.file_size > RASIO_DARI and info.file_size > MAKS_RASIO * info.compress_size:
            raise Ditolak(BOM)
    if total > maks_total:
        raise Ditolak(BESAR)


def _baca(z, info, batas):
    if info.file_size > batas:
        raise Ditolak(RUSAK)
    with z.open(info) as m:
        data = m.read(batas + 1)
    if len(data) > batas:
        raise Ditolak(RUSAK)
    return data


def _putuskan(z, daftar):
    per_nama = {i.filename: i for i in daftar}
    kecil = {i.filename.lower(): i for i in daftar}
    ada_vba = any(
        i.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() == "vbaproject.bin"
        or i.filename.lower().endswith(_EKSTENSI_MAKRO)
        for i in daftar
    )
    if "[content_types].xml" in kecil:
        data = _baca(z, kecil["[content_types].xml"], MAKS_JENIS_ISI)
        return _ooxml(_jenis_isi(data), kecil, ada_vba)
    if "mimetype" in per_nama:
        data = _baca(z, per_nama["mimetype"], MAKS_MIMETYPE)
        mime = data.decode("ascii").strip()
        if mime.startswith(_ODF):
            makro = any(n.startswith(("Basic/", "Scripts/")) for n in per_nama)
            if makro or ada_vba:
                raise Ditolak(MAKRO, _odf_tanpa_makro(mime))
        elif ada_vba:
            raise Ditolak(MAKRO)
        return mime if re.fullmatch(r"[\w.+-]+/[\w.+-]+", mime) else TIDAK_DIKENAL
    if ada_vba:
        raise Ditolak(MAKRO)
    return ZIP


def _jenis_isi(data):
    """The (part name or None, content type) pairs of [Content_Types].xml: Override
    elements with their part, Default elements with None. A DTD is refused (OPC forbids
    it), so no entity can expand."""
    pasangan = []

    def mulai(tag, atribut):
        lokal = tag.rsplit(" ", 1)[-1]
        if lokal == "Override":
            pasangan.append((atribut.get("PartName", ""), atribut.get("ContentType", "")))
        elif lokal == "Default":
            pasangan.append((None, atribut.get("ContentType", "")))

    def tolak_dtd(*_args):
        raise ValueError("DTD in [Content_Types].xml")

    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = mulai
    p.StartDoctypeDeclHandler = tolak_dtd
    p.EntityDeclHandler = tolak_dtd
    p.Parse(data, True)
    return pasangan


def _ooxml(pasangan, kecil, ada_vba):
    """Decide an OOXML package's type from its content types."""
    utama = set()
    makro = ada_vba
    for bagian, tipe in pasangan:
        t = tipe.strip().lower()
        if "macroenabled" in t or t == "application/vnd.ms-office.vbaproject":
            makro = True
        if not _UTAMA.search(t):
            continue
        # An Override must point at a member that exists (part names are
        # case-insensitive and may be percent-encoded).
        if bagian is not None and unquote(bagian).lstrip("/").lower() not in kecil:
            continue
        utama.add(_UTAMA.sub("", t))
    if makro:
        raise Ditolak(MAKRO, _ooxml_tanpa_makro(utama))
    if len(utama) != 1:
        return TIDAK_DIKENAL
    # Content types are case-insensitive; the registered names are lower case here
    # except for the macro-enabled ones, which were refused above.
    return utama.pop()


def _ooxml_tanpa_makro(utama):
    """The accepted macro-free type to save a macro-enabled package as, by family."""
    for t in utama:
        for keluarga, polos in (
            (("wordprocessingml", "ms-word."), "wordprocessingml.document"),
            (("spreadsheetml", "ms-excel."), "spreadsheetml.sheet"),
            (("presentationml", "ms-powerpoint."), "presentationml.presentation"),
        ):
            if any(k in t for k in keluarga):
                return _OOXML + polos
    return None


def _odf_tanpa_makro(mime):
    if mime.startswith(_ODF + "spreadsheet"):
        return _ODF + "spreadsheet"
    if mime.startswith(_ODF + "presentation"):
        return _OOXML + "presentationml.presentation"
    return _ODF + "text"
