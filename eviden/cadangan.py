"""Backup and restore of the database (PostgreSQL) together with every evidence object.

A backup is a folder: ``basisdata.dump`` (pg_dump, custom format), ``objek/<key>`` (each stored
version's bytes, checked against its SHA-256 while copied) and ``manifes.json`` (what the
backup holds and the numbers a restore must reproduce). ``manage.py cadangan`` drives it; the
operator procedure is in docs/cadangan.md.
"""

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from eviden.models import VersiDokumen

FORMAT = 1
MANIFES = "manifes.json"
DUMP = "basisdata.dump"
OBJEK = "objek"
# Every evidence key starts here (eviden.services.unggah_berkas); objects under it that no
# version references are reported as orphans.
FOLDER_EVIDEN = "eviden"
POTONGAN = 1024 * 1024


@dataclass
class Hasil:
    """The outcome of checking stored objects against their versions."""

    versi: int = 0
    cocok: int = 0
    hilang: list = field(default_factory=list)
    rusak: list = field(default_factory=list)
    yatim: list = field(default_factory=list)

    def catat(self, kunci, status):
        if status == "cocok":
            self.cocok += 1
        else:
            getattr(self, status).append(kunci)

    @property
    def masalah(self):
        return [f"{k}: hilang" for k in self.hilang] + [f"{k}: rusak" for k in self.rusak]

    def ringkasan(self):
        return (
            f"versi={self.versi} cocok={self.cocok} hilang={len(self.hilang)} "
            f"rusak={len(self.rusak)} yatim={len(self.yatim)}"
        )


def pesan_objek(kunci, status):
    if status == "hilang":
        return f"Objek {kunci} tidak ada di penyimpanan."
    return f"Objek {kunci} rusak: isinya tidak cocok dengan SHA-256/ukuran yang tercatat."


# --- Database -------------------------------------------------------------------------------


def pastikan_postgresql():
    if connection.vendor != "postgresql":
        raise CommandError(
            "Prosedur cadangan ini untuk produksi dengan PostgreSQL (DATABASE_URL=postgres://…); "
            f"basis data saat ini adalah {connection.vendor}. Untuk instalasi bawaan (SQLite dan "
            "berkas lokal), hentikan portal lalu salin seluruh folder DATA_DIR."
        )


def _program(nama):
    path = shutil.which(nama)
    if path is None:
        raise CommandError(
            f"Program {nama} tidak ditemukan. Pasang klien PostgreSQL (paket postgresql-client) "
            "dengan versi yang sama atau lebih baru dari server."
        )
    return path


def _koneksi():
    """pg_dump/pg_restore arguments and environment for the default database; the password
    travels in PGPASSWORD, never on the command line."""
    db = settings.DATABASES["default"]
    args = ["--no-password", f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return args, env


def _jalankan(perintah, env):
    hasil = subprocess.run(perintah, env=env, capture_output=True, text=True)
    if hasil.returncode != 0:
        nama = os.path.basename(perintah[0])
        raise CommandError(f"{nama} gagal (kode {hasil.returncode}):\n{hasil.stderr.strip()}")


def model_riwayat():
    """django-simple-history's tables: the audit history."""
    return sorted(
        (m for m in apps.get_models() if m.__name__.startswith("Historical")),
        key=lambda m: m._meta.db_table,
    )


def hitung_baris(tabel):
    with connection.cursor() as c:
        c.execute(f"SELECT count(*) FROM {connection.ops.quote_name(tabel)}")  # noqa: S608
        return c.fetchone()[0]


def kepala_migrasi():
    """The last applied migration of each app (several if an app's graph branches)."""
    loader = MigrationLoader(connection)
    terpasang = set(loader.applied_migrations)
    kepala = []
    for kunci in terpasang:
        node = loader.graph.node_map.get(kunci)
        anak = node.children if node else set()
        if not any(a.key in terpasang and a.key[0] == kunci[0] for a in anak):
            kepala.append(".".join(kunci))
    return sorted(kepala)


# --- Objects --------------------------------------------------------------------------------


def potongan(storage, kunci):
    """The object's bytes in chunks, never the whole object in memory."""
    if hasattr(storage, "bucket"):
        # S3Storage.open() downloads the whole object into memory first; stream the body.
        # _normalize_name applies the storage's location prefix, as S3Storage does itself.
        body = storage.bucket.Object(storage._normalize_name(kunci)).get()["Body"]
        try:
            yield from body.iter_chunks(POTONGAN)
        finally:
            body.close()
    else:
        with storage.open(kunci, "rb") as f:
            while bagian := f.read(POTONGAN):
                yield bagian


def periksa_objek(storage, kunci, sha256, ukuran, salin_ke=None):
    """'cocok', 'hilang' or 'rusak'; with ``salin_ke`` the bytes are written there as they
    are read, and kept only when they match."""
    hasher, n = hashlib.sha256(), 0
    sementara = salin_ke.with_name(salin_ke.name + ".sebagian") if salin_ke else None
    keluar = open(sementara, "wb") if sementara else None  # noqa: SIM115 - closed below
    try:
        for bagian in potongan(storage, kunci):
            hasher.update(bagian)
            n += len(bagian)
            if keluar:
                keluar.write(bagian)
    except Exception:
        if storage.exists(kunci):
            if sementara:
                sementara.unlink(missing_ok=True)
            raise
        status = "hilang"
    else:
        status = "cocok" if hasher.hexdigest() == sha256 and n == ukuran else "rusak"
    finally:
        if keluar:
            keluar.close()
    if sementara:
        if status == "cocok":
            os.replace(sementara, salin_ke)
        else:
            sementara.unlink()
    return status


def pastikan_penyimpanan(storage):
    """A missing or unreachable bucket is named as such, not reported as missing objects."""
    if hasattr(storage, "bucket"):
        try:
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        except Exception as exc:
            raise CommandError(
                f"Bucket {storage.bucket_name} tidak ada atau tidak dapat diakses ({exc}). "
                "Periksa AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL dan kuncinya."
            ) from exc


def sha256_berkas(path):
    hasher = hashlib.sha256()
    with open(path, "rb") as f:
        while bagian := f.read(POTONGAN):
            hasher.update(bagian)
    return hasher.hexdigest()


def jalur_objek(folder, kunci):
    """Where a key lives inside a backup folder; a key that could escape it is refused."""
    bagian = kunci.split("/")
    if not kunci or any(b in ("", ".", "..") for b in bagian) or "\\" in kunci:
        raise CommandError(f"Kunci objek tidak sah: {kunci!r}.")
    return Path(folder, OBJEK, *bagian)


def kunci_di_bawah(storage, folder):
    """Every key under ``folder`` in the storage, recursively."""
    try:
        subfolder, berkas = storage.listdir(folder)
    except FileNotFoundError:
        return
    for nama in berkas:
        yield f"{folder}/{nama}"
    for nama in subfolder:
        yield from kunci_di_bawah(storage, f"{folder}/{nama}")


# --- Commands -------------------------------------------------------------------------------


def buat(folder, storage, tulis, keluhkan):
    """Back up the database and every stored object into a new ``folder``."""
    pastikan_postgresql()
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CommandError(
            f"Folder {folder} sudah ada dan tidak kosong; cadangan hanya ditulis ke folder baru."
        )
    pg_dump = _program("pg_dump")
    args, env = _koneksi()
    pastikan_penyimpanan(storage)
    folder.mkdir(parents=True, exist_ok=True)

    # pg_dump and the list of versions read one snapshot, so the objects copied are exactly
    # those the dump references.
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            c.execute("SELECT pg_export_snapshot()")
            snapshot = c.fetchone()[0]
        tulis("Membuat dump basis data (pg_dump)…")
        _jalankan(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges"]
            + [f"--snapshot={snapshot}", f"--file={folder / DUMP}", *args],
            env,
        )
        versi = list(
            VersiDokumen.objects.exclude(kunci="")
            .order_by("pk")
            .values("kunci", "sha256", "ukuran")
        )
        jumlah_versi = VersiDokumen.objects.count()
        riwayat = {m._meta.db_table: hitung_baris(m._meta.db_table) for m in model_riwayat()}
        migrasi = kepala_migrasi()

    tulis(f"Menyalin {len(versi)} objek eviden…")
    hasil = Hasil(versi=len(versi))
    for v in versi:
        tujuan = jalur_objek(folder, v["kunci"])
        tujuan.parent.mkdir(parents=True, exist_ok=True)
        status = periksa_objek(storage, v["kunci"], v["sha256"], v["ukuran"], salin_ke=tujuan)
        hasil.catat(v["kunci"], status)
        if status != "cocok":
            keluhkan(pesan_objek(v["kunci"], status))

    manifes = {
        "format": FORMAT,
        "dibuat": timezone.now().isoformat(),
        "basis_data": {
            "engine": settings.DATABASES["default"]["ENGINE"],
            "versi_server": connection.pg_version,
        },
        "migrasi": migrasi,
        "dump": {"berkas": DUMP, "sha256": sha256_berkas(folder / DUMP)},
        "jumlah_versi": jumlah_versi,
        "jumlah_versi_berkas": len(versi),
        "versi": versi,
        "riwayat": riwayat,
        "masalah": hasil.masalah,
    }
    with open(folder / MANIFES, "w", encoding="utf-8") as f:
        json.dump(manifes, f, ensure_ascii=False, indent=1)
        f.write("\n")
    if hasil.masalah:
        raise CommandError(
            f"Cadangan di {folder} TIDAK LENGKAP: {len(hasil.hilang)} objek hilang, "
            f"{len(hasil.rusak)} rusak:\n  " + "\n  ".join(hasil.masalah)
        )
    tulis(
        f"Cadangan selesai: {folder} ({len(versi)} objek, {jumlah_versi} versi, "
        f"{sum(riwayat.values())} baris riwayat di {len(riwayat)} tabel)."
    )


def baca_manifes(folder):
    try:
        with open(Path(folder, MANIFES), encoding="utf-8") as f:
            manifes = json.load(f)
    except FileNotFoundError:
        raise CommandError(
            f"{Path(folder, MANIFES)} tidak ada; ini bukan folder cadangan."
        ) from None
    if manifes.get("format") != FORMAT:
        raise CommandError(f"Format manifes {manifes.get('format')!r} tidak dikenal.")
    return manifes


def pulihkan(folder, storage, tulis, keluhkan):
    """Restore a backup into the current, empty database and storage."""
    pastikan_postgresql()
    folder = Path(folder)
    manifes = baca_manifes(folder)
    pg_restore = _program("pg_restore")
    args, env = _koneksi()

    # 1. The backup itself is whole: nothing is written unless every byte is there.
    tulis("Memeriksa isi cadangan…")
    masalah = list(manifes["masalah"])
    if sha256_berkas(folder / DUMP) != manifes["dump"]["sha256"]:
        masalah.append(f"{DUMP}: SHA-256 tidak cocok dengan manifes")
    for v in manifes["versi"]:
        path = jalur_objek(folder, v["kunci"])
        if not path.is_file():
            masalah.append(f"{v['kunci']}: tidak ada di {folder / OBJEK}")
        elif path.stat().st_size != v["ukuran"] or sha256_berkas(path) != v["sha256"]:
            masalah.append(f"{v['kunci']}: SHA-256/ukuran tidak cocok dengan manifes")
    if masalah:
        raise CommandError(
            f"Cadangan di {folder} rusak atau tidak lengkap; tidak ada yang dipulihkan:\n  "
            + "\n  ".join(masalah)
        )

    # 2. This version of the portal knows every migration the backup has applied.
    dikenal = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    asing = [m for m in manifes["migrasi"] if tuple(m.split(".", 1)) not in dikenal]
    if asing:
        raise CommandError(
            "Cadangan dibuat oleh versi portal yang lebih baru (migrasi tidak dikenal: "
            + ", ".join(asing)
            + "). Pasang versi portal yang sama atau lebih baru, lalu ulangi."
        )

    # 3. The target database and storage are empty.
    pastikan_penyimpanan(storage)
    tabel = connection.introspection.table_names()
    if tabel:
        rincian = ", ".join(
            f"{t}: {hitung_baris(t)} baris"
            for t in ("django_migrations", "eviden_versidokumen")
            if t in tabel
        )
        raise CommandError(
            f"Basis data tujuan tidak kosong ({len(tabel)} tabel"
            + (f"; {rincian}" if rincian else "")
            + "). Pulihkan hanya ke basis data baru yang kosong. Tidak ada yang diubah."
        )
    ada = [v["kunci"] for v in manifes["versi"] if storage.exists(v["kunci"])]
    if ada:
        raise CommandError(
            f"Penyimpanan tujuan sudah berisi {len(ada)} objek dengan kunci dari cadangan ini "
            f"(mis. {ada[0]}). Pulihkan hanya ke bucket/folder yang kosong. Tidak ada yang diubah."
        )

    # 4. The database, in one transaction: a failure leaves it empty.
    tulis("Memulihkan basis data (pg_restore)…")
    connection.close()
    _jalankan(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + [*args, str(folder / DUMP)],
        env,
    )

    # 5. The objects, each under its original key.
    tulis(f"Mengunggah {len(manifes['versi'])} objek eviden…")
    for v in manifes["versi"]:
        with open(jalur_objek(folder, v["kunci"]), "rb") as f:
            nama = storage.save(v["kunci"], File(f, name=v["kunci"]))
        if nama != v["kunci"]:
            storage.delete(nama)
            masalah.append(f"{v['kunci']}: penyimpanan memberinya kunci lain ({nama})")
            keluhkan(f"Objek {v['kunci']} tidak dapat disimpan dengan kunci aslinya.")

    # 6. Verify: the numbers of the manifest, then every object read back.
    tulis("Memverifikasi hasil pemulihan…")
    if (n := VersiDokumen.objects.count()) != manifes["jumlah_versi"]:
        masalah.append(f"versi dokumen: {n} baris, manifes {manifes['jumlah_versi']}")
    for t, jumlah in manifes["riwayat"].items():
        if (n := hitung_baris(t)) != jumlah:
            masalah.append(f"riwayat {t}: {n} baris, manifes {jumlah}")
    hasil = periksa(storage, keluhkan)
    masalah += hasil.masalah
    tulis(hasil.ringkasan())
    if masalah:
        raise CommandError("Pemulihan TIDAK SAH:\n  " + "\n  ".join(masalah))
    loader = MigrationLoader(connection)
    if set(loader.graph.nodes) - set(loader.applied_migrations):
        tulis("Versi portal ini punya migrasi baru: jalankan `python manage.py migrate`.")
    tulis(
        f"Pemulihan selesai: {hasil.versi} objek cocok, {manifes['jumlah_versi']} versi, "
        f"{sum(manifes['riwayat'].values())} baris riwayat di {len(manifes['riwayat'])} tabel."
    )


def periksa(storage, keluhkan):
    """Check every stored version against its object; list orphan objects."""
    if VersiDokumen._meta.db_table not in connection.introspection.table_names():
        raise CommandError(
            "Basis data belum berisi tabel portal; jalankan `migrate` atau pulihkan cadangan dulu."
        )
    pastikan_penyimpanan(storage)
    hasil = Hasil()
    dirujuk = set()
    baris = VersiDokumen.objects.exclude(kunci="").order_by("pk")
    for v in baris.values("kunci", "sha256", "ukuran").iterator():
        hasil.versi += 1
        dirujuk.add(v["kunci"])
        status = periksa_objek(storage, v["kunci"], v["sha256"], v["ukuran"])
        hasil.catat(v["kunci"], status)
        if status != "cocok":
            keluhkan(pesan_objek(v["kunci"], status))
    hasil.yatim = sorted(k for k in kunci_di_bawah(storage, FOLDER_EVIDEN) if k not in dirujuk)
    return hasil
