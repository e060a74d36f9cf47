"""Backup and restore (`manage.py cadangan`, docs/cadangan.md) against real PostgreSQL and a real
S3 server (SeaweedFS), run as an operator runs it: `manage.py` in a subprocess, configured by
environment variables only.

The source is a fresh database and bucket filled by `migrate`, `muat_instrumen`, `demo` and a few
uploads (a second version of a document, a link, a file large enough for a multipart upload).
Each restore goes into a database and a bucket created empty for it. Everything created here is
dropped at the end. Without the services of `.ci/layanan up` the tests are skipped, except under
CI, where that is an error.
"""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from eviden.management.commands.demo import EVIDEN_DEMO

ROOT = Path(__file__).resolve().parent.parent

# Stored file versions the demo itself uploads (its evidence documents).
DEMO = sum(versi for _kode, _judul, versi, _setujui in EVIDEN_DEMO)

pytestmark = pytest.mark.layanan

# Run inside `manage.py shell`: versions beyond what the demo creates, through the services the
# upload views use.
UNGGAHAN = """
import io, os
from django.contrib.auth import get_user_model
from eviden.berkas import terima
from eviden.models import LembarKerja, Soal
from eviden.services import tambah_tautan, unggah_berkas
from tests.contoh_berkas import pdf, png

lembar = LembarKerja.objects.get(tim__satker__kode="KANKEMENAG-KOTA-SEMARANG")
soal = Soal.objects.get(instrumen=lembar.instrumen, kode="A.I.1.i.1")
user = get_user_model().objects.get(username="anggota1")

def kirim(isi, nama, dokumen=None):
    berkas = terima(io.BytesIO(isi), nama)
    return unggah_berkas(lembar=lembar, soal=soal, user=user, berkas=berkas, dokumen=dokumen)

sk = kirim(pdf("SK Tim ZI"), "sk-tim-zi.pdf")
kirim(pdf("SK Tim ZI (revisi)"), "sk-tim-zi-revisi.pdf", dokumen=sk.dokumen)
kirim(png(), "foto-apel.png")
# Past boto3's multipart threshold (8 MiB).
kirim(pdf("Laporan") + b"%" + os.urandom(9 * 1024 * 1024), "laporan-besar.pdf")
tambah_tautan(lembar=lembar, soal=soal, user=user, tautan="https://contoh.go.id/maklumat")
"""


@dataclass
class Pasangan:
    """A database and a bucket: what the portal runs on."""

    db: str
    bucket: str


@pytest.fixture(scope="module")
def layanan():
    """Creates databases and buckets on the test servers; drops them all afterwards."""
    hilang = [n for n in ("DATABASE_URL", "S3_UJI_ENDPOINT") if not os.environ.get(n)]
    if hilang:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI tanpa layanan: {', '.join(hilang)} kosong; jalankan lewat `make test`."
            )
        pytest.skip("butuh PostgreSQL dan S3 dari `.ci/layanan up`")
    lay = Layanan()
    try:
        yield lay
    finally:
        lay.bersihkan()


class Layanan:
    def __init__(self):
        import boto3
        from botocore.config import Config

        self.s3 = boto3.client(
            "s3",
            endpoint_url=os.environ["S3_UJI_ENDPOINT"],
            aws_access_key_id=os.environ["S3_UJI_ACCESS_KEY"],
            aws_secret_access_key=os.environ["S3_UJI_SECRET_KEY"],
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )
        self.awalan = f"cadangan-{uuid.uuid4().hex[:8]}"
        self.db, self.bucket = [], []

    def pg(self, db="portal"):
        import psycopg2

        url = urlsplit(os.environ["DATABASE_URL"])
        conn = psycopg2.connect(urlunsplit(url._replace(path=f"/{db}")))
        conn.autocommit = True
        return conn

    def baru(self, nama):
        """An empty database and an empty bucket."""
        db, bucket = f"{self.awalan}_{nama}".replace("-", "_"), f"{self.awalan}-{nama}"
        self.sql("portal", f'CREATE DATABASE "{db}"', hasil=False)
        self.db.append(db)
        self.s3.create_bucket(Bucket=bucket)
        self.bucket.append(bucket)
        return Pasangan(db=db, bucket=bucket)

    def salin_bucket(self, dari, ke):
        for kunci in self.isi_bucket(dari):
            self.s3.copy_object(Bucket=ke, Key=kunci, CopySource={"Bucket": dari, "Key": kunci})

    def isi_bucket(self, bucket):
        """{key: SHA-256 of its bytes}, read back from the server."""
        isi = {}
        for halaman in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for o in halaman.get("Contents", []):
                body = self.s3.get_object(Bucket=bucket, Key=o["Key"])["Body"]
                isi[o["Key"]] = hashlib.sha256(body.read()).hexdigest()
        return isi

    def sql(self, db, query, hasil=True):
        # Autocommit, no `with conn`: CREATE/DROP DATABASE refuse a transaction block.
        conn = self.pg(db)
        try:
            with conn.cursor() as c:
                c.execute(query)
                return c.fetchall() if hasil else None
        finally:
            conn.close()

    def bersihkan(self):
        for bucket in self.bucket:
            for kunci in self.isi_bucket(bucket):
                self.s3.delete_object(Bucket=bucket, Key=kunci)
            self.s3.delete_bucket(Bucket=bucket)
        for db in self.db:
            self.sql("portal", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', hasil=False)


def env_untuk(pasangan, data_dir):
    """The environment an operator gives the portal (docker-compose.yml's variables)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "AWS_", "DEBUG"))
    }
    url = urlsplit(os.environ["DATABASE_URL"])
    env.update(
        DEBUG="false",
        SECRET_KEY="uji-cadangan-tidak-rahasia",
        ALLOWED_HOSTS="127.0.0.1",
        DATA_DIR=str(data_dir),
        DATABASE_URL=urlunsplit(url._replace(path=f"/{pasangan.db}")),
        AWS_STORAGE_BUCKET_NAME=pasangan.bucket,
        AWS_S3_ENDPOINT_URL=os.environ["S3_UJI_ENDPOINT"],
        AWS_ACCESS_KEY_ID=os.environ["S3_UJI_ACCESS_KEY"],
        AWS_SECRET_ACCESS_KEY=os.environ["S3_UJI_SECRET_KEY"],
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    return env


def manage(env, *args, berhasil=True):
    hasil = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if berhasil is not None:
        assert (hasil.returncode == 0) is berhasil, (args, hasil.stdout, hasil.stderr)
    return hasil


def baris_akhir(hasil):
    return hasil.stdout.strip().splitlines()[-1]


def tabel_riwayat(lay, db):
    rows = lay.sql(
        db,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_name LIKE '%historical%' ORDER BY 1",
    )
    return [r[0] for r in rows]


def sidik_riwayat(lay, db):
    """Per historical table: its row count and a digest of every row, in history order."""
    return {
        t: lay.sql(
            db,
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY history_id), '')) "  # noqa: S608
            f'FROM "{t}" t',
        )[0]
        for t in tabel_riwayat(lay, db)
    }


def versi_berkas(lay, db):
    return dict(lay.sql(db, "SELECT kunci, sha256 FROM eviden_versidokumen WHERE kunci <> ''"))


@pytest.fixture(scope="module")
def sumber(layanan, tmp_path_factory):
    """The source pair, filled as a running portal would be."""
    pasangan = layanan.baru("sumber")
    env = env_untuk(pasangan, tmp_path_factory.mktemp("sumber"))
    for perintah in (["migrate", "-v0"], ["muat_instrumen"], ["demo"], ["shell", "-c", UNGGAHAN]):
        manage(env, *perintah)
    return pasangan, env


@pytest.fixture(scope="module")
def cadangan(sumber, tmp_path_factory):
    _, env = sumber
    folder = tmp_path_factory.mktemp("cadangan") / "cadangan-20260101"
    hasil = manage(env, "cadangan", "buat", str(folder))
    assert "Cadangan selesai" in hasil.stdout
    return folder


def test_backup_is_refused_on_sqlite(tmp_path):
    # The embedded default (no DATABASE_URL): the procedure is for PostgreSQL production.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "AWS_"))}
    env.update(SECRET_KEY="x", DATA_DIR=str(tmp_path))
    hasil = manage(env, "cadangan", "buat", str(tmp_path / "c"), berhasil=False)
    assert "untuk produksi dengan PostgreSQL" in hasil.stderr
    assert not (tmp_path / "c").exists()


def test_backup_holds_every_object_and_the_history_counts(layanan, sumber, cadangan):
    pasangan, env = sumber
    manifes = json.loads((cadangan / "manifes.json").read_text(encoding="utf-8"))
    versi = versi_berkas(layanan, pasangan.db)
    # The uploads above: 4 files (one of them a second version) plus a link.
    assert len(versi) == 4 + DEMO
    assert manifes["jumlah_versi"] == 5 + DEMO and manifes["jumlah_versi_berkas"] == 4 + DEMO
    assert {v["kunci"]: v["sha256"] for v in manifes["versi"]} == versi
    for kunci, sha in versi.items():
        assert hashlib.sha256((cadangan / "objek" / kunci).read_bytes()).hexdigest() == sha
    riwayat = {t: n for t, (n, _) in sidik_riwayat(layanan, pasangan.db).items()}
    assert manifes["riwayat"] == riwayat
    assert riwayat["eviden_historicalversidokumen"] == 5 + DEMO
    assert riwayat["eviden_historicaljawaban"]
    assert "eviden.0001_initial" not in manifes["migrasi"]
    assert any(m.startswith("eviden.") for m in manifes["migrasi"])
    assert manifes["masalah"] == [] and manifes["basis_data"]["engine"].endswith("postgresql")
    assert (cadangan / "basisdata.dump").read_bytes()[:5] == b"PGDMP"
    # A folder that is not empty is never written into.
    hasil = manage(env, "cadangan", "buat", str(cadangan), berhasil=False)
    assert "sudah ada dan tidak kosong" in hasil.stderr


def test_restore_into_an_empty_database_and_bucket(layanan, sumber, cadangan, tmp_path):
    asal, _ = sumber
    tujuan = layanan.baru("pulih")
    env = env_untuk(tujuan, tmp_path)

    hasil = manage(env, "cadangan", "pulihkan", str(cadangan))
    assert "Pemulihan selesai" in hasil.stdout, hasil.stdout

    # Every version's object is in the new bucket, under its key, with its SHA-256.
    versi = versi_berkas(layanan, tujuan.db)
    assert versi == versi_berkas(layanan, asal.db)
    assert layanan.isi_bucket(tujuan.bucket) == versi
    # The audit history is complete: same tables, same rows.
    assert sidik_riwayat(layanan, tujuan.db) == sidik_riwayat(layanan, asal.db)
    assert layanan.sql(tujuan.db, "SELECT count(*) FROM eviden_versidokumen") == [(5 + DEMO,)]

    hasil = manage(env, "cadangan", "periksa")
    n = 4 + DEMO
    assert baris_akhir(hasil) == f"versi={n} cocok={n} hilang=0 rusak=0 yatim=0"
    # The restored portal is usable as it is: no migration left to apply.
    hasil = manage(env, "migrate", "--check", "--plan")
    assert "No planned migration operations" in hasil.stdout


def test_restore_refuses_a_database_or_bucket_that_is_not_empty(
    layanan, sumber, cadangan, tmp_path
):
    asal, env = sumber
    sebelum = (versi_berkas(layanan, asal.db), layanan.isi_bucket(asal.bucket))
    hasil = manage(env, "cadangan", "pulihkan", str(cadangan), berhasil=False)
    assert "Basis data tujuan tidak kosong" in hasil.stderr
    assert f"eviden_versidokumen: {5 + DEMO} baris" in hasil.stderr
    assert (versi_berkas(layanan, asal.db), layanan.isi_bucket(asal.bucket)) == sebelum

    # An empty database, but a bucket that already holds the backup's keys.
    kosong = layanan.baru("kosong")
    env = env_untuk(Pasangan(db=kosong.db, bucket=asal.bucket), tmp_path)
    hasil = manage(env, "cadangan", "pulihkan", str(cadangan), berhasil=False)
    assert f"Penyimpanan tujuan sudah berisi {4 + DEMO} objek" in hasil.stderr
    assert tabel_riwayat(layanan, kosong.db) == []
    assert layanan.sql(kosong.db, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == [
        (0,)
    ]
    assert layanan.isi_bucket(asal.bucket) == sebelum[1]

    # A bucket that does not exist is named before anything is restored.
    env = env_untuk(Pasangan(db=kosong.db, bucket=f"{layanan.awalan}-tidak-ada"), tmp_path)
    hasil = manage(env, "cadangan", "pulihkan", str(cadangan), berhasil=False)
    assert f"Bucket {layanan.awalan}-tidak-ada tidak ada atau tidak dapat diakses" in hasil.stderr
    assert layanan.sql(kosong.db, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == [
        (0,)
    ]


def test_backup_with_a_missing_object_fails_naming_it(layanan, sumber, tmp_path):
    asal, _ = sumber
    salinan = layanan.baru("hilang")
    layanan.salin_bucket(asal.bucket, salinan.bucket)
    kunci = sorted(versi_berkas(layanan, asal.db))[0]
    layanan.s3.delete_object(Bucket=salinan.bucket, Key=kunci)

    folder = tmp_path / "cadangan"
    env = env_untuk(Pasangan(db=asal.db, bucket=salinan.bucket), tmp_path)
    hasil = manage(env, "cadangan", "buat", str(folder), berhasil=False)
    assert f"Objek {kunci} tidak ada di penyimpanan." in hasil.stderr
    assert "TIDAK LENGKAP: 1 objek hilang, 0 rusak" in hasil.stderr
    # The other objects were still copied, and the manifest says what is missing.
    assert len(list((folder / "objek").rglob("*.*"))) == 3 + DEMO
    manifes = json.loads((folder / "manifes.json").read_text(encoding="utf-8"))
    assert manifes["masalah"] == [f"{kunci}: hilang"]
    # Such a backup is never restored.
    kosong = layanan.baru("tolak")
    env = env_untuk(kosong, tmp_path)
    hasil = manage(env, "cadangan", "pulihkan", str(folder), berhasil=False)
    assert "rusak atau tidak lengkap; tidak ada yang dipulihkan" in hasil.stderr
    assert layanan.isi_bucket(kosong.bucket) == {}


def test_check_reports_a_tampered_object_and_an_orphan(layanan, sumber, tmp_path):
    asal, _ = sumber
    salinan = layanan.baru("rusak")
    layanan.salin_bucket(asal.bucket, salinan.bucket)
    kunci = sorted(versi_berkas(layanan, asal.db))[-1]
    layanan.s3.put_object(Bucket=salinan.bucket, Key=kunci, Body=b"bukan isi aslinya")
    layanan.s3.put_object(Bucket=salinan.bucket, Key="eviden/999/yatim.pdf", Body=b"%PDF-")

    env = env_untuk(Pasangan(db=asal.db, bucket=salinan.bucket), tmp_path)
    hasil = manage(env, "cadangan", "periksa", berhasil=False)
    n = 4 + DEMO
    assert baris_akhir(hasil) == f"versi={n} cocok={n - 1} hilang=0 rusak=1 yatim=1"
    assert f"Objek {kunci} rusak" in hasil.stderr
    assert "Objek yatim (tidak dirujuk versi mana pun): eviden/999/yatim.pdf" in hasil.stdout
