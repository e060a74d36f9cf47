"""The evidence bundle: a team's evidence files in one ZIP, in folders that follow the LKE.

Layout: ``<komponen>/<sub-komponen>/<area>/<sub-area>/<soal>/NN <title> (vN).<ext>``, each
folder named by the instrument's code and name ("A.I.1 Manajemen Perubahan"), with
``indeks.html`` and ``indeks.xlsx`` at the root listing every version (files and links).

Names are built for every unzip tool in use in a government office: ASCII letters, digits,
spaces and ``._,()&+'-`` only (accents folded, anything else replaced), no ``..``, no leading
or trailing dot or space, whole paths of at most ``BATAS_JALUR`` characters (Windows still
limits full paths to 260 characters), unique in their folder whatever the letter case. A
folder's name depends on the instrument only, so it is the same in every bundle. The
extension comes from the version's checked content type, never from the uploaded name.

Files are copied in 1 MiB chunks from local or S3 storage (``eviden.cadangan.potongan``:
S3Storage.open() would download a whole object into memory first): a reader thread reads and
hashes while the calling thread writes, with at most ``ANTREAN`` chunks between them, so
memory stays flat whatever the bundle's size; only one small row per file is held. Evidence
kinds are already compressed (PDF scans, JPEG, PNG, MP4, Office/OpenDocument zips), so they
are stored: deflate at level 1 gains nothing on them and runs at about 45 MB/s against about
1 GB/s stored (bench/ekspor.py measures both). Each file's SHA-256 is computed while it is
copied and checked against the upload's; a mismatch (or a missing object) raises
``EvidenRusak`` naming the document, and the export job fails with that message instead of
shipping a wrong file.
"""

import hashlib
import queue
import re
import tempfile
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from eviden.berkas import IZIN
from eviden.cadangan import potongan

from ..kalender import WIB
from . import GagalEkspor, indeks
from .sumber import DISETUJUI

MIME = "application/zip"
EKSTENSI = "zip"

INDEKS_HTML = "indeks.html"
INDEKS_XLSX = "indeks.xlsx"
BATAS_JALUR = 200  # characters of a member's whole path
RUANG_BERKAS = 60  # kept for the file name under the deepest folder
MAKS_FOLDER = 64  # characters of one folder name
MAKS_BERKAS = 90  # characters of one file name
MIN_JUDUL = 12  # a title is never cut shorter than this (unless it is shorter)
SALIN = 1024 * 1024  # bytes per copy step (eviden.cadangan.potongan's chunk)
ANTREAN = 8  # chunks between the reader thread and the writer

# Content type -> extension: the allowed kinds, by their shortest extension (".jpg").
EKSTENSI_MIME = {m: min(ext, key=lambda e: (len(e), e)) for m, ext in IZIN.items()}
# Kinds whose bytes are already compressed: stored as they are. Anything else (none is
# accepted at upload today) is deflated at level 1.
TERPADAT = frozenset(IZIN)

# Punctuation people type, as its ASCII look-alike; path and reserved characters as a dash.
_GANTI = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": "'",
        "\u201d": "'",
        "\u201e": "'",
        '"': "'",
        "`": "'",
        "\u00b4": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": ".",
        "/": "-",
        "\\": "-",
        ":": "-",
        "|": "-",
        "\u00d7": "x",
        "\u00f7": "-",
    }
)
_TIDAK_AMAN = re.compile(r"[^A-Za-z0-9 ._,()&+'-]+")
AMAN = re.compile(r"[A-Za-z0-9 ._,()&+'-]+")  # what a path segment may hold


class EvidenRusak(GagalEkspor):  # noqa: N818 - named for what the reader sees
    """A stored evidence file is missing or is not the file that was uploaded."""


def bersihkan(teks):
    """``teks`` as a readable, Windows-safe ASCII name part (may be "")."""
    teks = unicodedata.normalize("NFKD", str(teks or "")).translate(_GANTI)
    teks = "".join(c for c in teks if not unicodedata.combining(c))
    teks = re.sub(r"\s+", " ", teks)
    teks = _TIDAK_AMAN.sub("_", teks)
    teks = re.sub(r"\.{2,}", ".", teks)
    teks = re.sub(r"_+", "_", teks)
    teks = re.sub(r" +", " ", teks)
    return teks.strip(" ._-")


def pendekkan(teks, batas, minimum=0):
    """``teks`` cut to ``batas`` characters, at a word boundary when one lies after
    ``minimum``; never ends with a space, dot or dash."""
    if len(teks) <= batas:
        return teks
    potong = teks[:batas]
    if teks[batas] != " ":
        spasi = potong.rfind(" ")
        if spasi >= max(minimum, batas // 2):
            potong = potong[:spasi]
    potong = potong.rstrip(" ._,-(&+'")
    return potong if len(potong) >= minimum else teks[: max(minimum, 1)]


def _panjang_muat(panjang, minimum, batas):
    """The largest cap L (at most MAKS_FOLDER) such that the folders of one chain, each cut
    to max(L, its minimum), fit in ``batas`` characters with their slashes."""
    pemisah = len(panjang) - 1

    def total(cap):
        return sum(max(min(p, cap), m) for p, m in zip(panjang, minimum, strict=True)) + pemisah

    for cap in range(MAKS_FOLDER, 0, -1):
        if total(cap) <= batas:
            return cap
    return 0


class TataNama:
    """The folder of every soal of an instrument version.

    The folders of one soal's chain (komponen ... sub-area, soal) share ``BATAS_JALUR -
    RUANG_BERKAS`` characters: the longest names are cut first (water-filling), keeping each
    code whole. A node's cap is the smallest its chains need, so a node has one name in
    every path (and every bundle of the same instrument)."""

    def __init__(self, nodes, soal):
        per_id = {n.pk: n for n in nodes}
        rantai, penuh = {}, {}
        for n in nodes:
            penuh[("n", n.pk)] = (n.kode, self._segmen(n.kode, n.nama))
        for s in soal:
            penuh[("s", s.pk)] = (s.kode, self._segmen(s.kode, s.teks))
            jalur, n = [], per_id.get(s.node_id)
            while n is not None:
                jalur.append(("n", n.pk))
                n = per_id.get(n.induk_id)
            rantai[s.pk] = [*reversed(jalur), ("s", s.pk)]
        batas = BATAS_JALUR - RUANG_BERKAS - 1
        cap = {}
        for kunci in rantai.values():
            panjang = [len(penuh[k][1]) for k in kunci]
            minimum = [len(penuh[k][0]) for k in kunci]
            muat = _panjang_muat(panjang, minimum, batas)
            for k, m in zip(kunci, minimum, strict=True):
                cap[k] = min(cap.get(k, MAKS_FOLDER), max(muat, m))
        nama = {k: pendekkan(penuh[k][1], cap.get(k, MAKS_FOLDER), len(penuh[k][0])) for k in penuh}
        self.folder = {sid: "/".join(nama[k] for k in kunci) for sid, kunci in rantai.items()}

    @staticmethod
    def _segmen(kode, teks):
        kode = bersihkan(kode)
        teks = bersihkan(teks)
        return f"{kode} {teks}" if teks else kode


def ekstensi_mime(mime):
    return EKSTENSI_MIME.get(mime, ".bin")


def _tanpa_ekstensi(judul):
    """A title that is an upload's file name ("SK Tim.pdf") loses its extension."""
    for ext in sorted({e for exts in IZIN.values() for e in exts}, key=len, reverse=True):
        if judul.lower().endswith(ext):
            return judul[: -len(ext)]
    return judul


def nama_berkas(folder, nomor, lebar, judul, versi, mime):
    """``NN <title> (vN).<ext>``, cut so that the whole path stays within BATAS_JALUR."""
    awal = f"{nomor:0{lebar}d} "
    akhir = f" (v{versi}){ekstensi_mime(mime)}"
    ruang = min(MAKS_BERKAS, BATAS_JALUR - len(folder) - 1) - len(awal) - len(akhir)
    teks = bersihkan(_tanpa_ekstensi(judul)) or _("Dokumen")
    teks = pendekkan(teks, max(ruang, MIN_JUDUL), MIN_JUDUL)
    return f"{awal}{teks}{akhir}"


def unik(nama, terpakai):
    """``nama``, or ``nama (2)``, ``(3)``... before the extension when the folder already
    holds it (compared case-insensitively, as Windows does)."""
    dasar, titik, ext = nama.rpartition(".")
    if not titik:
        dasar, ext = nama, ""
    calon, i = nama, 1
    while calon.casefold() in terpakai:
        i += 1
        calon = f"{dasar} ({i}){titik}{ext}"
    terpakai.add(calon.casefold())
    return calon


def keterangan_sumber(permintaan):
    """Where the bundle's evidence comes from, in words."""
    p = permintaan.pengajuan
    if p is not None:
        return _(
            "Pengajuan #%(n)s tahapan %(tahapan)s, %(waktu)s (eviden yang dibekukan saat pengajuan)"
        ) % {
            "n": p.nomor,
            "tahapan": p.tahapan.get_jenis_display(),
            "waktu": indeks.waktu_wib(p.diajukan_pada),
        }
    if permintaan.pilih_berkas == DISETUJUI:
        return _("Data terkini: versi terakhir eviden pada soal yang sudah disetujui")
    return _("Data terkini: versi terakhir semua eviden aktif")


@dataclass(frozen=True)
class _Berkas:
    """One row of the bundle: what the index shows and where the bytes are."""

    baris: indeks.BarisIndeks
    kunci: str
    mime: str


def _baris(permintaan, tata, soal):
    """Every version in the bundle, as light rows in sheet order (one query for the evidence,
    one for the uploaders' names)."""
    urutan = {s.pk: i for i, s in enumerate(permintaan.sumber.soal)}
    mentah = []
    for b in permintaan.sumber.berkas(permintaan.pilih_berkas):
        v = b.versi
        mentah.append(
            (
                urutan.get(b.soal_id, len(urutan)),
                len(mentah),
                b.soal_id,
                b.judul,
                v.nomor,
                v.kunci,
                v.tautan,
                v.ukuran,
                v.sha256,
                v.mime,
                v.diunggah_oleh_id,
                v.diunggah_pada,
            )
        )
    mentah.sort()
    User = get_user_model()  # noqa: N806
    orang = {
        u.pk: u.get_full_name()
        for u in User.objects.filter(pk__in={m[10] for m in mentah if m[10]})
    }
    per_soal = {}
    for m in mentah:
        if m[5]:
            per_soal[m[2]] = per_soal.get(m[2], 0) + 1
    nomor, terpakai, hasil = {}, {}, []
    for _u, _i, soal_id, judul, versi, kunci, tautan, ukuran, sha, mime, uid, pada in mentah:
        s = soal[soal_id]
        jalur = ""
        if kunci:
            folder = tata.folder[soal_id]
            nomor[soal_id] = nomor.get(soal_id, 0) + 1
            lebar = max(2, len(str(per_soal[soal_id])))
            nama = nama_berkas(folder, nomor[soal_id], lebar, judul, versi, mime)
            jalur = f"{folder}/{unik(nama, terpakai.setdefault(soal_id, set()))}"
        hasil.append(
            _Berkas(
                baris=indeks.BarisIndeks(
                    soal_kode=s.kode,
                    soal_teks=s.teks,
                    judul=judul,
                    versi=versi,
                    jalur=jalur,
                    tautan=tautan,
                    ukuran=ukuran if kunci else 0,
                    sha256=sha if kunci else "",
                    pengunggah=orang.get(uid, ""),
                    diunggah_pada=pada,
                ),
                kunci=kunci,
                mime=mime,
            )
        )
    return hasil


def _info(nama, pada, compress_type=zipfile.ZIP_STORED):
    """A member header dated ``pada`` (Asia/Jakarta, as people there read it)."""
    lokal = timezone.localtime(pada, WIB) if pada else timezone.localtime(timezone.now(), WIB)
    zi = zipfile.ZipInfo(nama, date_time=_waktu_dos(lokal))
    zi.compress_type = compress_type
    if compress_type == zipfile.ZIP_DEFLATED:
        zi._compresslevel = 1  # what ZipFile.open() reads on Python 3.11 (3.13: compress_level)
    zi.external_attr = 0o644 << 16
    return zi


def _waktu_dos(w: datetime):
    return (max(w.year, 1980), w.month, w.day, w.hour, w.minute, w.second)


def _hilang(exc):
    """True when ``exc`` says the stored object does not exist (local or S3)."""
    if isinstance(exc, FileNotFoundError):
        return True
    respons = getattr(exc, "response", None)
    if not isinstance(respons, dict):
        return False
    return respons.get("Error", {}).get("Code", "") in ("NoSuchKey", "404", "NotFound")


def _nama_dokumen(b):
    return _("«%(judul)s» versi %(n)s pada soal %(kode)s") % {
        "judul": b.baris.judul,
        "n": b.baris.versi,
        "kode": b.baris.soal_kode,
    }


@dataclass(frozen=True)
class _Selesai:
    """End of one file from the reader: the SHA-256 and size of the bytes it read."""

    sidik: str
    ukuran: int


@dataclass(frozen=True)
class _Gagal:
    """The reader could not read a file."""

    galat: BaseException


def _taruh(antre, isi, berhenti):
    """Put ``isi`` on the queue unless the writer has stopped; False once it has."""
    while not berhenti.is_set():
        try:
            antre.put(isi, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


def _baca(berkas, antre, berhenti):
    """The reader thread: every file's chunks in order, each file followed by ``_Selesai``
    (or one ``_Gagal``, then nothing more). Hashing here, while the writer computes the CRC
    and writes, uses the second core: hashlib, zlib and file I/O release the GIL."""
    for b in berkas:
        hasher, n = hashlib.sha256(), 0
        try:
            for bagian in potongan(default_storage, b.kunci):
                hasher.update(bagian)
                n += len(bagian)
                if not _taruh(antre, bagian, berhenti):
                    return
        except BaseException as exc:  # handed to the writer, which raises it
            _taruh(antre, _Gagal(exc), berhenti)
            return
        if not _taruh(antre, _Selesai(hasher.hexdigest(), n), berhenti):
            return


def _galat_baca(b, exc):
    """The exception the bundle raises for a file the reader could not read."""
    if _hilang(exc):
        return EvidenRusak(
            _(
                "Berkas eviden %(dokumen)s tidak ada di penyimpanan. Paket ZIP tidak dibuat; "
                "minta admin memulihkan berkas itu dari cadangan."
            )
            % {"dokumen": _nama_dokumen(b)}
        )
    return exc


def _periksa(b, selesai):
    """Raise when the bytes read are not the version that was uploaded."""
    if selesai.sidik != b.baris.sha256 or selesai.ukuran != b.baris.ukuran:
        raise EvidenRusak(
            _(
                "Berkas eviden %(dokumen)s di penyimpanan tidak sama dengan yang diunggah "
                "(SHA-256 tercatat %(catat)s…, isi sekarang %(isi)s…; %(n)s dari %(ukuran)s "
                "bita). Paket ZIP tidak dibuat; minta admin memulihkan berkas itu dari cadangan."
            )
            % {
                "dokumen": _nama_dokumen(b),
                "catat": b.baris.sha256[:12],
                "isi": selesai.sidik[:12],
                "n": selesai.ukuran,
                "ukuran": b.baris.ukuran,
            }
        )


def _salin_semua(z, berkas, total, maju):
    """Copy every stored version into the ZIP: a reader thread reads and hashes, this thread
    writes (CRC, ZIP headers). At most ANTREAN chunks are in flight, so memory stays flat."""
    antre, berhenti = queue.Queue(maxsize=ANTREAN), threading.Event()
    pembaca = threading.Thread(
        target=_baca, args=(berkas, antre, berhenti), name="zip-pembaca", daemon=True
    )
    pembaca.start()
    selesai = 0
    try:
        for b in berkas:
            jenis = zipfile.ZIP_STORED if b.mime in TERPADAT else zipfile.ZIP_DEFLATED
            zi = _info(b.baris.jalur, b.baris.diunggah_pada, jenis)
            with z.open(zi, "w", force_zip64=True) as f:
                while True:
                    isi = antre.get()
                    if isinstance(isi, _Selesai):
                        break
                    if isinstance(isi, _Gagal):
                        raise _galat_baca(b, isi.galat) from isi.galat
                    f.write(isi)
                    selesai += len(isi)
                    maju(selesai, total)
            _periksa(b, isi)
    finally:
        berhenti.set()
        pembaca.join()


def render(permintaan, keluar, maju):
    """Write the bundle of ``permintaan`` to ``keluar`` (seekable binary)."""
    sumber = permintaan.sumber
    tata = TataNama(sumber.nodes, sumber.soal)
    soal = {s.pk: s for s in sumber.soal}
    daftar = _baris(permintaan, tata, soal)
    berkas = [b for b in daftar if b.kunci]
    total = sum(b.baris.ukuran for b in berkas)
    lembar = sumber.lembar
    kepala = indeks.KepalaIndeks(
        satker=lembar.tim.satker.nama,
        tahun=lembar.tim.tahun,
        sumber=keterangan_sumber(permintaan),
        dibuat=permintaan.waktu,
        jumlah_berkas=len(berkas),
        jumlah_tautan=len(daftar) - len(berkas),
        total_ukuran=total,
    )
    baris = [b.baris for b in daftar]
    maju(0, total)
    with zipfile.ZipFile(keluar, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        z.comment = f"ZI Portal: {lembar.tim.satker.kode} {lembar.tim.tahun}".encode()[:200]
        with z.open(_info(INDEKS_HTML, permintaan.waktu, zipfile.ZIP_DEFLATED), "w") as f:
            indeks.tulis_html(f, kepala, baris)
        with tempfile.TemporaryFile() as xlsx:
            indeks.tulis_xlsx(xlsx, kepala, baris)
            xlsx.seek(0)
            with z.open(_info(INDEKS_XLSX, permintaan.waktu), "w", force_zip64=True) as f:
                while bagian := xlsx.read(SALIN):
                    f.write(bagian)
        _salin_semua(z, berkas, total, maju)
    maju(total, total)
