"""When PostgreSQL or S3 cannot be reached: a friendly Indonesian 503, nothing half-written, and
recovery without restarting the web process.

gunicorn (DEBUG=false, persistent database connections as .env.example recommends) talks to the
test PostgreSQL and S3 through small TCP relays in this process; cutting a relay is the service
going away (connections dropped, new ones refused), reopening it is the service coming back.
"""

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from . import contoh_berkas as cb
from .alat import Relai, klien_s3, port_bebas, sql, tunggu_port
from .test_compose import Peramban

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.perintah, pytest.mark.layanan]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    for perlu in ("DATABASE_URL", "S3_UJI_ENDPOINT"):
        if not os.environ.get(perlu):
            if os.environ.get("CI"):
                pytest.fail(f"CI tanpa {perlu}: jalankan lewat `make test`.")
            pytest.skip(f"butuh {perlu} dari `make test`")
    data = tmp_path_factory.mktemp("gangguan")
    db = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    s3 = urllib.parse.urlsplit(os.environ["S3_UJI_ENDPOINT"])
    relai_db, relai_s3 = Relai((db.hostname, db.port)), Relai((s3.hostname, s3.port))
    nama_db, bucket = f"gangguan_{secrets.token_hex(4)}", f"gangguan-{secrets.token_hex(4)}"
    sql(f'CREATE DATABASE "{nama_db}"')
    s3_klien = klien_s3()
    s3_klien.create_bucket(Bucket=bucket)
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="zi.contoh.go.id",
        DATA_DIR=str(data),
        STATIC_ROOT=str(data / "static"),
        DATABASE_URL=f"postgres://{db.username}:{db.password}@127.0.0.1:{relai_db.port}/{nama_db}",
        CONN_MAX_AGE="60",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{relai_s3.port}",
        AWS_ACCESS_KEY_ID=os.environ["S3_UJI_ACCESS_KEY"],
        AWS_SECRET_ACCESS_KEY=os.environ["S3_UJI_SECRET_KEY"],
    )
    for perintah in (["migrate"], ["collectstatic", "--noinput"], ["demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *perintah, "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = port_bebas()
    log = open(data / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    proses = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "zi_portal.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread"]
        + ["--threads", "2", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        tunggu_port(port, proses, data / "gunicorn.log")
        yield {
            "port": port,
            "pid": proses.pid,
            "db": relai_db,
            "s3": relai_s3,
            "bucket": bucket,
            "klien_s3": s3_klien,
            "nama_db": nama_db,
            "log": data / "gunicorn.log",
        }
    finally:
        proses.terminate()
        proses.wait(timeout=30)
        log.close()
        relai_db.putus()
        relai_s3.putus()
        sql(f'DROP DATABASE IF EXISTS "{nama_db}" WITH (FORCE)')
        objek = s3_klien.list_objects_v2(Bucket=bucket).get("Contents", [])
        for o in objek:
            s3_klien.delete_object(Bucket=bucket, Key=o["Key"])
        s3_klien.delete_bucket(Bucket=bucket)


def _503(r, body):
    html = body.decode()
    assert r.status == 503, (r.status, html[:300])
    assert r.getheader("Retry-After") == "30"
    assert '<html lang="id">' in html and "Layanan sedang tidak tersedia" in html
    assert "Tidak ada data Anda yang hilang" in html
    assert "Traceback" not in html


def _versi(portal):
    import psycopg2

    conn = psycopg2.connect(os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + portal["nama_db"])
    try:
        cur = conn.cursor()
        cur.execute("SELECT kunci FROM eviden_versidokumen WHERE kunci <> ''")
        return sorted(k for (k,) in cur.fetchall())
    finally:
        conn.close()


def _objek(portal):
    isi = portal["klien_s3"].list_objects_v2(Bucket=portal["bucket"]).get("Contents", [])
    return sorted(o["Key"] for o in isi)


def test_database_down_gives_503_and_the_same_process_recovers(portal):
    b = Peramban(portal["port"])
    b.masuk("ketua")
    assert b.minta("GET", "/")[0].status == 200  # a persistent connection is now open

    portal["db"].putus()
    for path in ("/", "/tugas-saya/", "/masuk/"):
        _503(*b.minta("GET", path))

    portal["db"].buka()
    for _ in range(50):  # the next request reconnects (health check), no restart
        r, _ = b.minta("GET", "/")
        if r.status == 200:
            break
        time.sleep(0.1)
    assert r.status == 200
    assert os.path.exists(f"/proc/{portal['pid']}")


def test_s3_down_during_an_upload_gives_503_writes_nothing_and_recovers(portal):
    b = Peramban(portal["port"])
    b.masuk("koordinator1")
    _, html = b.minta("GET", "/")
    pokja = re.search(rb'href="(/pokja/\d+/)" class="fw-semibold">Pokja I ', html).group(1)
    _, html = b.minta("GET", pokja.decode())
    unggah = None
    for soal in dict.fromkeys(re.findall(rb'href="(/lke/\d+/soal/\d+/)"', html)):
        _, html = b.minta("GET", soal.decode())
        m = re.search(rb'data-url="(/lke/\d+/soal/\d+/unggah/)"', html)
        if m:
            unggah, rujukan = m.group(1).decode(), soal.decode()
            break
    assert unggah
    token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', html).group(1).decode()

    def kirim(teks):
        return b.minta(
            "POST",
            unggah,
            cb.pdf(teks),
            {
                "Content-Type": "application/octet-stream",
                "X-CSRFToken": token,
                "X-Nama-Berkas": urllib.parse.quote(f"{teks}.pdf"),
                "Referer": f"https://zi.contoh.go.id{rujukan}",
            },
        )

    versi_awal, objek_awal = _versi(portal), _objek(portal)
    portal["s3"].putus()
    _503(*kirim("SK saat S3 mati"))
    # Nothing half-written: no version row, no object.
    assert _versi(portal) == versi_awal
    portal["s3"].buka()
    assert _objek(portal) == objek_awal

    r, _ = kirim("SK setelah S3 kembali")
    assert r.status == 200, portal["log"].read_text()[-2000:]
    assert len(_versi(portal)) == len(versi_awal) + 1
    assert _objek(portal) == _versi(portal)
