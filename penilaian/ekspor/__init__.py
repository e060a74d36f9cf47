"""Exports as background jobs: one module per format behind ``render(permintaan, keluar,
maju)``, and the runner that turns an ``Ekspor`` row into a stored file.

A job is claimed once (``menunggu`` → ``berjalan`` by a conditional UPDATE, so a duplicate
task or a sweep racing the worker does nothing), rendered into a temporary file on disk (the
ZIP bundle never holds a whole file in memory), then saved to the default storage (local
folder or S3) under a generated key. Progress is written to the row at most every
``JEDA_PROGRES`` seconds, so the progress page polls a cheap row. Any error ends the job as
``gagal`` with a message for the user; the traceback goes to the log.
"""

import hashlib
import importlib
import logging
import os
import tempfile
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import Ekspor, JenisEkspor, StatusEkspor
from .sumber import Permintaan, Sumber

log = logging.getLogger(__name__)

FORMAT = {
    JenisEkspor.PDF: "penilaian.ekspor.pdf",
    JenisEkspor.XLSX: "penilaian.ekspor.xlsx",
    JenisEkspor.ZIP: "penilaian.ekspor.zip",
}
# Content type per kind (each format module declares the same ``MIME``; kept here so that a
# download does not import the renderer).
MIME = {
    JenisEkspor.PDF: "application/pdf",
    JenisEkspor.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JenisEkspor.ZIP: "application/zip",
}
JEDA_PROGRES = 0.5  # seconds between progress writes
FOLDER = "ekspor"
POTONGAN = 1024 * 1024
# A job still "berjalan" this long after it started lost its worker (killed, redeployed).
BATAS_BERJALAN = timedelta(hours=2)


class GagalEkspor(Exception):  # noqa: N818 - named for what the user sees
    """A failure whose message is meant for the user (e.g. ``zip.EvidenRusak``: a stored
    evidence file that no longer matches its SHA-256)."""


def modul(jenis):
    # Importing ``penilaian.ekspor.zip`` binds ``zip`` in this package's namespace: this
    # module never uses the builtin ``zip``.
    return importlib.import_module(FORMAT[jenis])


def nama_berkas(ekspor, waktu):
    """``lke-kankemenag-kota-semarang-2026-20261124-1530.xlsx``: readable, ASCII, unique
    enough for a person's download folder."""
    awalan = {"pdf": "laporan-kesiapan", "xlsx": "lke", "zip": "eviden"}[ekspor.jenis]
    satker = slugify(ekspor.tim.satker.nama)[:60] or "satker"
    stempel = timezone.localtime(waktu).strftime("%Y%m%d-%H%M")
    sumber = f"-pengajuan{ekspor.pengajuan.nomor}" if ekspor.pengajuan_id else ""
    return f"{awalan}-{satker}-{ekspor.tim.tahun}{sumber}-{stempel}.{ekspor.jenis}"


class _Progres:
    """``maju(selesai, total)`` for a format: writes the row at most every JEDA_PROGRES s."""

    def __init__(self, ekspor_id):
        self.ekspor_id = ekspor_id
        self.terakhir = 0.0

    def __call__(self, selesai, total):
        sekarang = time.monotonic()
        if sekarang - self.terakhir < JEDA_PROGRES:
            return
        self.terakhir = sekarang
        Ekspor.objects.filter(pk=self.ekspor_id, status=StatusEkspor.BERJALAN).update(
            selesai=max(0, int(selesai)), total=max(0, int(total))
        )


def _klaim(ekspor_id):
    n = Ekspor.objects.filter(pk=ekspor_id, status=StatusEkspor.MENUNGGU).update(
        status=StatusEkspor.BERJALAN, mulai_pada=timezone.now()
    )
    return n == 1


def jalankan(ekspor_id):
    """Run the job ``ekspor_id`` if it is still waiting; return its row (or None)."""
    if not _klaim(ekspor_id):
        return Ekspor.objects.filter(pk=ekspor_id).first()
    ekspor = Ekspor.objects.select_related(
        "tim__satker", "pengajuan__tahapan", "pengajuan__instrumen", "diminta_oleh"
    ).get(pk=ekspor_id)
    try:
        format_ = modul(ekspor.jenis)
        permintaan = Permintaan(
            sumber=Sumber(ekspor.tim, ekspor.pengajuan),
            waktu=ekspor.diminta_pada,
            pengguna=ekspor.diminta_oleh,
            pilih_berkas=ekspor.pilih_berkas or "terbaru",
            portal_url=settings.PORTAL_URL,
        )
        os.makedirs(settings.EVIDEN_TEMP_DIR, exist_ok=True)
        with tempfile.TemporaryFile(dir=settings.EVIDEN_TEMP_DIR) as keluar:
            format_.render(permintaan, keluar, _Progres(ekspor.pk))
            ukuran, sha = _sidik(keluar)
            kunci = f"{FOLDER}/{ekspor.tim_id}/{uuid.uuid4().hex}.{format_.EKSTENSI}"
            keluar.seek(0)
            kunci = default_storage.save(kunci, File(keluar, name=kunci))
    except Exception as exc:  # noqa: BLE001 - every failure ends the job with a message
        log.exception("Ekspor %s gagal", ekspor_id)
        pesan = str(exc) if isinstance(exc, GagalEkspor) else _pesan_galat(exc)
        Ekspor.objects.filter(pk=ekspor_id).update(
            status=StatusEkspor.GAGAL, galat=pesan, selesai_pada=timezone.now()
        )
        return Ekspor.objects.get(pk=ekspor_id)
    selesai = timezone.now()
    Ekspor.objects.filter(pk=ekspor_id).update(
        status=StatusEkspor.SELESAI,
        kunci=kunci,
        nama_berkas=nama_berkas(ekspor, selesai),
        ukuran=ukuran,
        sha256=sha,
        selesai=1,
        total=1,
        selesai_pada=selesai,
        kedaluwarsa_pada=selesai + timedelta(days=settings.EKSPOR_SIMPAN_HARI),
    )
    return Ekspor.objects.get(pk=ekspor_id)


def _pesan_galat(exc):
    return _(
        "Ekspor gagal dibuat (%(jenis)s: %(pesan)s). Coba lagi; bila terulang, hubungi admin."
    ) % {
        "jenis": type(exc).__name__,
        "pesan": str(exc)[:300],
    }


def _sidik(berkas):
    berkas.seek(0)
    h, n = hashlib.sha256(), 0
    while potongan := berkas.read(POTONGAN):
        h.update(potongan)
        n += len(potongan)
    return n, h.hexdigest()


def tertunda(sekarang=None):
    """Ids of jobs that wait longer than a minute (their task was never queued: broker down)."""
    sekarang = sekarang or timezone.now()
    return list(
        Ekspor.objects.filter(
            status=StatusEkspor.MENUNGGU, diminta_pada__lt=sekarang - timedelta(minutes=1)
        ).values_list("pk", flat=True)
    )


def bersihkan(sekarang=None):
    """Delete the files of expired exports (the rows stay as history) and fail jobs whose
    worker vanished. Returns (expired, abandoned)."""
    sekarang = sekarang or timezone.now()
    kedaluwarsa = 0
    for pk, kunci in Ekspor.objects.filter(
        status=StatusEkspor.SELESAI, kedaluwarsa_pada__lte=sekarang
    ).values_list("pk", "kunci"):
        try:
            default_storage.delete(kunci)
        except Exception:  # noqa: BLE001 - storage errors vary; retry at the next sweep
            log.warning("Berkas ekspor %s tidak dapat dihapus", kunci, exc_info=True)
            continue
        kedaluwarsa += Ekspor.objects.filter(pk=pk, status=StatusEkspor.SELESAI).update(
            status=StatusEkspor.KEDALUWARSA, kunci=""
        )
    ditinggal = Ekspor.objects.filter(
        Q(status=StatusEkspor.BERJALAN) & Q(mulai_pada__lt=sekarang - BATAS_BERJALAN)
    ).update(
        status=StatusEkspor.GAGAL,
        galat=_("Pekerja berhenti sebelum ekspor selesai. Silakan buat ulang."),
        selesai_pada=sekarang,
    )
    return kedaluwarsa, ditinggal
