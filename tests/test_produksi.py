"""The evidence pages as production serves them: gunicorn, DEBUG=false, collected and hashed
static files (manifest), each page for the roles that may see it."""

import http.client
import os
import re
import socket
import subprocess
import sys
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from .alat import tunggu_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.perintah


class Klien:
    """HTTP over loopback, keeping cookies even though production marks them Secure."""

    def __init__(self, port):
        self.port, self.cookie = port, SimpleCookie()

    def minta(self, metode, path, body=None, header=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(header or {})
        if self.cookie:
            h["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookie.items())
        conn.request(metode, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for c in r.headers.get_all("Set-Cookie") or []:
            self.cookie.load(c)
        conn.close()
        return r.status, data.decode("utf-8", "replace")

    def masuk(self, username):
        _, html = self.minta("GET", "/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode(
            {"username": username, "password": "demo-zi-2026", "csrfmiddlewaretoken": token}
        )
        status, _ = self.minta(
            "POST", "/masuk/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, status


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("produksi")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "AWS_", "DEBUG"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="uji-produksi-tidak-rahasia",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATA_DIR=str(data_dir),
        # Its own static folder: parallel test runs must not collect into one shared folder.
        STATIC_ROOT=str(data_dir / "static"),
    )
    py = sys.executable
    for perintah in (["migrate"], ["collectstatic", "--noinput"], ["demo"]):
        subprocess.run(
            [py, "manage.py", *perintah, "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(data_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    proses = subprocess.Popen(
        [str(Path(py).parent / "gunicorn"), "zi_portal.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        tunggu_port(port, proses, data_dir / "gunicorn.log")
        yield port
    finally:
        proses.terminate()
        proses.wait(timeout=30)
        log.close()


def test_new_pages_render_in_production_with_hashed_static_files(gunicorn):
    ketua = Klien(gunicorn)
    ketua.masuk("ketua")
    _, beranda = ketua.minta("GET", "/")
    pokja_i = re.search(r'href="(/pokja/\d+/)" class="fw-semibold">Pokja I ', beranda).group(1)
    hasil = re.search(r'href="(/tim/\d+/hasil/)"', beranda).group(1)
    status, tabel = ketua.minta("GET", pokja_i)
    assert status == 200 and tabel.count("data-soal=") == 16
    soal = re.search(r'href="(/lke/\d+/soal/\d+/)"', tabel).group(1)
    halaman = [soal, hasil, "/antrean-reviu/", "/tugas-saya/", "/notifikasi/"]
    for path in halaman:
        status, html = ketua.minta("GET", path)
        assert status == 200, (path, html[:300])
        assert '<html lang="id">' in html
    # The stylesheet is served under its hashed name (the manifest has every new asset).
    status, html = ketua.minta("GET", soal)
    for aset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", aset), aset
        assert ketua.minta("GET", aset)[0] == 200, aset

    # An outsider gets 404 for each of the team's pages; the queue lists nothing of it.
    luar = Klien(gunicorn)
    luar.masuk("luar")
    for path in (pokja_i, soal, hasil):
        assert luar.minta("GET", path)[0] == 404, path
    status, html = luar.minta("GET", "/antrean-reviu/")
    assert status == 200 and "data-antrean=" not in html


def test_dashboards_render_in_production_with_the_vendored_chart_library(gunicorn):
    ketua = Klien(gunicorn)
    ketua.masuk("ketua")
    _, beranda = ketua.minta("GET", "/")
    dasbor = re.search(r'href="(/tim/\d+/dasbor/)"', beranda).group(1)
    dasbor_pokja = re.search(r'href="(/pokja/\d+/dasbor/)"', beranda).group(1)
    hasil = re.search(r'href="(/tim/\d+/hasil/)"', beranda).group(1)
    pengangkat = dasbor.replace("/dasbor/", "/pengangkat/") + "?area=6"
    for path in (dasbor, dasbor_pokja, pengangkat, hasil):
        status, html = ketua.minta("GET", path)
        assert status == 200, (path, html[:300])
        assert '<html lang="id">' in html
    status, html = ketua.minta("GET", dasbor)
    assert "data-total>81,47<" in html
    aset = re.findall(r'src="(/static/[^"]+)"', html)
    assert any("chart.umd.min" in a for a in aset)
    for a in aset:
        assert re.search(r"\.[0-9a-f]{12}\.js$", a), a
        assert ketua.minta("GET", a)[0] == 200, a
    status, html = ketua.minta("GET", hasil)
    assert "data-panel-hasil" in html

    anggota = Klien(gunicorn)
    anggota.masuk("anggota1")
    assert anggota.minta("GET", dasbor)[0] == 403
    assert anggota.minta("GET", dasbor_pokja)[0] == 200
    luar = Klien(gunicorn)
    luar.masuk("luar")
    for path in (dasbor, dasbor_pokja, pengangkat):
        assert luar.minta("GET", path)[0] == 404, path
