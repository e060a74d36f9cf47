"""The production deployment without Docker: the Dockerfile's build steps and the compose file's
web command, with the compose environment, against the test services.

What the image does is read from the Dockerfile (ENV, WORKDIR, the `manage.py` steps of RUN,
CMD) and what the stack runs from docker-compose.yml (the web service's environment with the
operator's .env — here .env.example with a secret filled in — and the `docker compose exec web
python manage.py …` set-up commands in its header). Service host names are mapped to the test
services: `db` to the test PostgreSQL (a database of its own), `redis` to the test Redis,
`minio` to the test S3 server (SeaweedFS). The build happens in a copy of the repository (the
image's /app) and the data folder is another folder (the /data volume), as in the container.

Then every page a signed-in chair reaches is fetched through gunicorn with DEBUG=false, with
its static files, and a real upload and download go through S3.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve

from . import contoh_berkas as cb
from .alat import klien_s3, port_bebas, sql, tunggu_port

ROOT = Path(__file__).resolve().parent.parent
HOST = "zi.contoh.go.id"  # ALLOWED_HOSTS of .env.example
PER_NAMA = 3  # pages fetched per URL name (the rest of a kind add time, not coverage)

pytestmark = [pytest.mark.perintah, pytest.mark.layanan]


# --- What the Dockerfile and the compose file say ---------------------------------------------


def dockerfile():
    """ENV, WORKDIR, RUN commands and CMD of the Dockerfile (continuation lines joined)."""
    teks = (ROOT / "Dockerfile").read_text()
    teks = re.sub(r"\\\n", " ", teks)
    env, run, cmd, workdir = {}, [], None, "/"
    for baris in teks.splitlines():
        baris = baris.strip()
        if not baris or baris.startswith("#"):
            continue
        perintah, _, sisa = baris.partition(" ")
        if perintah == "ENV":
            env.update(dict(p.split("=", 1) for p in shlex.split(sisa)))
        elif perintah == "WORKDIR":
            workdir = sisa.strip()
        elif perintah == "RUN":
            run.append(sisa)
        elif perintah == "CMD":
            cmd = json.loads(sisa)
    return env, workdir, run, cmd


def langkah_manage(run):
    """The `manage.py` steps of the RUN commands, as (environment, argv)."""
    for perintah in run:
        for bagian in perintah.split("&&"):
            kata = shlex.split(bagian)
            if "manage.py" not in kata:
                continue
            env = {}
            while kata and re.match(r"^[A-Z_][A-Z0-9_]*=", kata[0]):
                k, v = kata.pop(0).split("=", 1)
                env[k] = v
            assert kata[0] == "python", kata
            yield env, kata[1:]


def baca_env_file(path):
    env = {}
    for baris in path.read_text().splitlines():
        m = re.match(r"^([A-Z0-9_]+)=(.*)$", baris)
        if m:
            env[m.group(1)] = m.group(2)
    return env


def interpolasi(nilai, dotenv):
    """Compose's ${VAR:?message} / ${VAR} from the .env file."""
    return re.sub(r"\$\{([A-Z0-9_]+)(?::\?[^}]*)?\}", lambda m: dotenv[m.group(1)], nilai)


# --- The stack ----------------------------------------------------------------------------------


def _salin_konteks(tujuan):
    """`COPY . .`: the repository's files (tracked and new, as they are now) minus
    .dockerignore's entries."""
    abaikan = [
        p.strip().strip("/").removeprefix("**/")
        for p in (ROOT / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]
    daftar = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for nama in filter(None, (n.decode() for n in daftar)):
        bagian = Path(nama).parts
        if any(nama == a or nama.startswith(a + "/") or a in bagian for a in abaikan):
            continue
        if not (ROOT / nama).is_file():
            continue  # deleted in the working tree
        (tujuan / nama).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / nama, tujuan / nama)


@pytest.fixture(scope="module")
def tumpukan(tmp_path_factory):
    for perlu in ("DATABASE_URL", "REDIS_URL", "S3_UJI_ENDPOINT"):
        if not os.environ.get(perlu):
            if os.environ.get("CI"):
                pytest.fail(f"CI tanpa {perlu}: jalankan lewat `make test`.")
            pytest.skip(f"butuh {perlu} dari `make test`")
    akar = tmp_path_factory.mktemp("kontainer")
    app, data = akar / "app", akar / "data"
    app.mkdir()
    data.mkdir()

    def peta(nilai):
        """Container paths to the folders standing in for them."""
        nilai = re.sub(r"(?<![\w/])/app(?=/|$)", str(app), nilai)
        return re.sub(r"(?<![\w/])/data(?=/|$)", str(data), nilai)

    env_image, workdir, run, cmd = dockerfile()
    assert workdir == "/app"
    _salin_konteks(app)
    dasar = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    dasar.update({k: peta(v) for k, v in env_image.items()})

    # Build: the RUN steps that run manage.py, with their own environment.
    langkah = list(langkah_manage(run))
    assert any(argv[1] == "collectstatic" for _, argv in langkah)
    for env_langkah, argv in langkah:
        r = subprocess.run(
            [sys.executable, *argv],
            cwd=app,
            env={**dasar, **{k: peta(v) for k, v in env_langkah.items()}},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stdout + r.stderr

    # Run time: the compose web service's environment over the operator's .env.
    db_url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    redis_url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    nama_db = f"compose_{secrets.token_hex(4)}"
    dotenv = baca_env_file(ROOT / ".env.example")
    dotenv.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        POSTGRES_PASSWORD=db_url.password,
        MINIO_ROOT_USER=os.environ["S3_UJI_ACCESS_KEY"],
        MINIO_ROOT_PASSWORD=os.environ["S3_UJI_SECRET_KEY"],
    )
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert web["env_file"] == ".env"
    lingkungan = {**dasar, **{k: peta(v) for k, v in dotenv.items()}}
    for k, v in web["environment"].items():
        v = interpolasi(str(v), dotenv)
        v = v.replace("@db:5432/portal", f"@{db_url.hostname}:{db_url.port}/{nama_db}")
        # Redis databases 10+: the test process clears its own cache database between tests.
        v = re.sub(
            r"redis://redis:6379/(\d+)",
            lambda m: f"redis://{redis_url.hostname}:{redis_url.port}/{10 + int(m.group(1))}",
            v,
        )
        v = v.replace("http://minio:9000", os.environ["S3_UJI_ENDPOINT"])
        lingkungan[k] = peta(v)
    assert lingkungan["DEBUG"] == "false"
    assert str(data) == lingkungan["DATA_DIR"]

    # What the compose file's one-shot services provide: the database and the bucket.
    sql(f'CREATE DATABASE "{nama_db}"')
    s3 = klien_s3()
    bucket = lingkungan["AWS_STORAGE_BUCKET_NAME"]
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)

    # The operator's set-up commands from the compose file's header.
    kepala = (ROOT / "docker-compose.yml").read_text()
    setup = re.findall(r"docker compose exec web python manage\.py (\S+)", kepala)
    assert setup[:2] == ["migrate", "muat_instrumen"] and "demo" in setup
    for perintah in setup:
        r = subprocess.run(
            [sys.executable, "manage.py", perintah],
            cwd=app,
            env=lingkungan,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, (perintah, r.stdout[-2000:] + r.stderr[-2000:])

    # The web command: the image's CMD (compose's web service does not override it).
    assert "command" not in web
    port = port_bebas()
    argv = [a.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for a in cmd]
    assert argv[0] == "gunicorn"
    argv[0] = str(Path(sys.executable).parent / "gunicorn")
    log = open(akar / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    proses = subprocess.Popen(argv, cwd=app, env=lingkungan, stdout=log, stderr=subprocess.STDOUT)
    # The compose worker service (exports and reminders run there), same image and environment.
    kerja = compose["services"]["worker"]["command"]
    assert kerja[:2] == ["celery", "-A"]
    log_kerja = open(akar / "worker.log", "w")  # noqa: SIM115 - closed below
    pekerja = subprocess.Popen(
        [sys.executable, "-m", *kerja],
        cwd=app,
        env=lingkungan,
        stdout=log_kerja,
        stderr=subprocess.STDOUT,
    )
    try:
        tunggu_port(port, proses, akar / "gunicorn.log")
        yield {
            "port": port,
            "log": akar / "gunicorn.log",
            "log_kerja": akar / "worker.log",
            "s3": s3,
            "bucket": bucket,
        }
    finally:
        for p in (proses, pekerja):
            p.terminate()
        for p in (proses, pekerja):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()
        log_kerja.close()
        sql(f'DROP DATABASE IF EXISTS "{nama_db}" WITH (FORCE)')


class Peramban:
    """HTTP over loopback as a browser behind the office's TLS proxy: Host, X-Forwarded-Proto
    and -For, cookies kept (they are Secure), Referer/Origin on POST."""

    def __init__(self, port):
        self.port, self.cookie = port, SimpleCookie()

    def minta(self, metode, path, body=None, header=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "10.20.30.40",
            **(header or {}),
        }
        if metode == "POST":
            h.setdefault("Referer", f"https://{HOST}{path}")
            h.setdefault("Origin", f"https://{HOST}")
        if self.cookie:
            h["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookie.items())
        conn.request(metode, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for c in r.headers.get_all("Set-Cookie") or []:
            self.cookie.load(c)
        conn.close()
        return r, data

    def masuk(self, username):
        _, html = self.minta("GET", "/masuk/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        body = urllib.parse.urlencode(
            {"username": username, "password": "demo-zi-2026", "csrfmiddlewaretoken": token}
        )
        r, _ = self.minta(
            "POST", "/masuk/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert r.status == 302, r.status


def _ambil_s3(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as r:
        return r.status, r.read()


def _jelajahi(peramban, mulai):
    """Follow every link of the pages ``peramban`` reaches from ``mulai`` (at most PER_NAMA
    pages per URL name): each answers 200 (downloads: a signed S3 redirect) with the CSP.
    Returns (pages per URL name, static files seen, pages fetched)."""
    antre, dilihat, per_nama, aset = list(mulai), set(), {}, set()
    halaman = 0
    while antre:
        path = antre.pop(0)
        if path in dilihat:
            continue
        dilihat.add(path)
        try:
            nama = resolve(urllib.parse.urlsplit(path).path).view_name
        except Resolver404:
            pytest.fail(f"tautan ke halaman yang tidak ada: {path}")
        if per_nama.get(nama, 0) >= PER_NAMA:
            continue
        per_nama[nama] = per_nama.get(nama, 0) + 1
        r, body = peramban.minta("GET", path)
        # Evidence (live or frozen) and exports: a signed, short-lived S3 URL.
        if nama in ("unduh", "ekspor-unduh", "penilai-eviden"):
            assert r.status == 302, (path, r.status)
            assert "X-Amz-Signature=" in r.getheader("Location")
            assert _ambil_s3(r.getheader("Location"))[0] == 200
            continue
        assert r.status == 200, (path, r.status, body[:300])
        halaman += 1
        if not r.getheader("Content-Type", "").startswith("text/html"):
            continue
        assert "script-src 'self'" in r.getheader("Content-Security-Policy", "")
        teks = body.decode()
        for href in re.findall(r'(?:href|src|hx-get)="(/[^"#]*)', teks):
            href = href.replace("&amp;", "&")
            if href.startswith("/static/"):
                aset.add(href)
            elif not href.startswith(("/admin/", "/keluar/", "/i18n/")):
                antre.append(href)
    return per_nama, aset, halaman


def test_every_page_static_file_upload_and_download_in_the_compose_deployment(tumpukan):
    ketua = Peramban(tumpukan["port"])
    r, html = ketua.minta("GET", "/masuk/")
    assert r.status == 200, (akhir_log := tumpukan["log"].read_text()[-3000:]) or akhir_log
    ketua.masuk("ketua")

    # A real upload, stored in the bucket, and downloaded back through a signed URL.
    # A Pokja I coordinator uploads (the chair reviews; members change evidence).
    koordinator = Peramban(tumpukan["port"])
    koordinator.masuk("koordinator1")
    _, html = koordinator.minta("GET", "/")
    pokja = re.search(rb'href="(/pokja/\d+/)" class="fw-semibold">Pokja I ', html).group(1)
    _, html = koordinator.minta("GET", pokja.decode())
    for soal in dict.fromkeys(re.findall(rb'href="(/lke/\d+/soal/\d+/)"', html)):
        soal = soal.decode()
        _, html = koordinator.minta("GET", soal)
        unggah = re.search(rb'data-url="(/lke/\d+/soal/\d+/unggah/)"', html)
        if unggah:  # a soal still open for changes (not waiting for review or approved)
            unggah = unggah.group(1).decode()
            break
    assert unggah
    token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', html).group(1).decode()
    isi = cb.pdf(f"SK Tim ZI produksi {secrets.token_hex(4)}")
    r, body = koordinator.minta(
        "POST",
        unggah,
        isi,
        {
            "Content-Type": "application/octet-stream",
            "X-CSRFToken": token,
            "X-Nama-Berkas": urllib.parse.quote("SK Tim ZI produksi.pdf"),
            "Referer": f"https://{HOST}{soal}",
        },
    )
    assert r.status == 200, (r.status, body[:500])
    assert "tersimpan" in urllib.parse.unquote(r.getheader("X-Pesan", ""))
    versi = re.findall(rb'href="(/berkas/\d+/)"[^>]*>SK Tim ZI produksi\.pdf<', body)
    assert versi, body[:2000]
    r, _ = ketua.minta("GET", versi[0].decode())
    assert r.status == 302
    status, unduhan = _ambil_s3(r.getheader("Location"))
    assert status == 200 and unduhan == isi
    # The object is in the compose bucket under a generated key.
    kunci = urllib.parse.urlsplit(r.getheader("Location")).path.split(f"/{tumpukan['bucket']}/")[1]
    assert kunci.startswith("eviden/") and kunci.endswith(".pdf")
    assert tumpukan["s3"].head_object(Bucket=tumpukan["bucket"], Key=kunci)["ContentLength"] == len(
        isi
    )

    # The chair freezes the LKE for the penilaian pendahuluan stage (form post through the
    # proxy headers); the demo froze the PMPZI stage already.
    r, html = ketua.minta("GET", "/")
    kalender = re.search(rb'href="(/tim/\d+/kalender/)"', html).group(1).decode()
    r, html = ketua.minta("GET", kalender)
    ajukan = re.findall(rb'href="(/tim/\d+/tahapan/\d+/ajukan/)"', html)[1].decode()
    r, html = ketua.minta("GET", ajukan)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    r, body = ketua.minta(
        "POST",
        ajukan,
        urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "setuju": "on", "alasan_terlambat": "uji produksi"}
        ).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}{ajukan}",
        },
    )
    assert r.status == 302 and "/pengajuan/" in r.getheader("Location"), (r.status, body[:500])

    # The chair exports the readiness report: the compose worker builds it with DEBUG=false,
    # the progress block reports it, the download is a signed S3 URL to a PDF.
    ekspor = kalender.replace("/kalender/", "/ekspor/")
    r, html = ketua.minta("GET", ekspor)
    assert r.status == 200, (r.status, html[:300])
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    r, body = ketua.minta(
        "POST",
        ekspor,
        urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "jenis": "pdf", "sumber": "langsung"}
        ).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 302, (r.status, body[:500])
    status_url = urllib.parse.urlsplit(r.getheader("Location")).path
    batas = time.monotonic() + 120
    while True:
        r, html = ketua.minta("GET", status_url, header={"HX-Request": "true"})
        if b'data-status="selesai"' in html or b'data-status="gagal"' in html:
            break
        assert time.monotonic() < batas, tumpukan["log_kerja"].read_text()[-3000:]
        time.sleep(0.5)
    assert b'data-status="selesai"' in html, html.decode()
    unduh = re.search(rb'href="(/tim/\d+/ekspor/\d+/unduh/)"', html).group(1).decode()
    r, _ = ketua.minta("GET", unduh)
    assert r.status == 302 and "X-Amz-Signature=" in r.getheader("Location")
    status, pdf = _ambil_s3(r.getheader("Location"))
    assert status == 200 and pdf.startswith(b"%PDF-")

    # Then every kind of page the chair's links lead to, the uploaded soal's first.
    per_nama, aset, halaman = _jelajahi(ketua, [soal, "/"])

    # Every kind of page the chair's links lead to was served.
    for nama in (
        *("beranda", "pokja-soal", "soal-kartu", "tim-hasil", "dasbor-tim", "unduh"),
        *("kalender", "tahapan-ubah", "ajukan", "pengajuan", "log-pengingat", "profil"),
        *("notifikasi", "ekspor", "ekspor-status", "ekspor-unduh", "kop"),
    ):
        assert nama in per_nama, sorted(per_nama)
    assert halaman >= 15, per_nama
    assert "usulan-tim" in per_nama, sorted(per_nama)

    # The level above the team, in the same deployment: the demo's TPP assessor (workspace,
    # fast review, the frozen evidence from S3, gap, verdict) and the Kanwil admin
    # (oversight, read-only drill-down, grants, proposals).
    for username, harus in (
        ("tpp", ("penilai-beranda", "penilai-ringkasan", "penilai-soal", "penilai-eviden")),
        ("tpp", ("penilai-selisih", "penilai-putusan", "kanwil-pengawasan")),
        ("kanwil", ("kanwil-pengawasan", "kanwil-penilai", "usulan-kanwil", "dasbor-tim")),
    ):
        orang = Peramban(tumpukan["port"])
        orang.masuk(username)
        lihat, aset_lain, _n = _jelajahi(orang, ["/"])
        aset |= aset_lain
        for nama in harus:
            assert nama in lihat, (username, nama, sorted(lihat))
    r, body = Peramban(tumpukan["port"]).minta("GET", "/api/portalrb/v1/openapi.json")
    assert r.status == 200 and json.loads(body)["openapi"].startswith("3.")
    r, body = Peramban(tumpukan["port"]).minta("GET", "/api/portalrb/v1/pengusulan/unit-wbk")
    assert r.status == 401 and json.loads(body)["code"] == "TOKEN_TIDAK_ADA"
    # Static files under their hashed names, from the image's STATIC_ROOT.
    assert any("bootstrap.min" in a for a in aset) and any("portal" in a for a in aset)
    for a in sorted(aset):
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", a), a
        r, body = ketua.minta("GET", a)
        assert r.status == 200 and body, a

    # Pages go out compressed to a browser that accepts it.
    r, _ = ketua.minta("GET", "/", header={"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.getheader("Content-Encoding") == "gzip"
