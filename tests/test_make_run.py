"""The README's first command, `make run`, on a clean data folder: it must serve the portal
with demo data (SQLite, local files, no server to install), and the demo accounts work.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.perintah


def _port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peramban:
    """A tiny cookie-keeping HTTP client for the served portal."""

    def __init__(self, dasar):
        self.dasar = dasar
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        try:
            with self.opener.open(self.dasar + path, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def masuk(self, username, password):
        _, html = self.get("/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        req = urllib.request.Request(
            self.dasar + "/masuk/", data=data, headers={"Referer": self.dasar + "/masuk/"}
        )
        with self.opener.open(req, timeout=30) as r:
            return r.status, r.read().decode()


@pytest.fixture
def portal(tmp_path):
    port = _port_bebas()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "AWS_", "EMAIL_", "SECRET_", "DEBUG")
        )
    }
    env.update({"DATA_DIR": str(tmp_path / "data"), "PORT": str(port), "MAKEFLAGS": ""})
    log = open(tmp_path / "make-run.log", "w")  # noqa: SIM115 - closed below
    proses = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    dasar = f"http://127.0.0.1:{port}"
    try:
        batas = time.monotonic() + 300
        while time.monotonic() < batas:
            if proses.poll() is not None:
                break
            try:
                urllib.request.urlopen(dasar + "/masuk/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("make run tidak melayani dalam 300 s")
        if proses.poll() is not None:
            pytest.fail("make run berhenti:\n" + (tmp_path / "make-run.log").read_text()[-3000:])
        yield dasar, tmp_path
    finally:
        os.killpg(proses.pid, signal.SIGTERM)
        try:
            proses.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proses.pid, signal.SIGKILL)
        log.close()


def test_make_run_serves_the_portal_with_demo_data(portal):
    dasar, tmp_path = portal
    assert (tmp_path / "data" / "db.sqlite3").exists()  # embedded default: SQLite
    log = (tmp_path / "make-run.log").read_text()
    assert "Instrumen LKE-ZI-2026: dimuat; 62 node, 135 soal." in log
    assert "Semua akun memakai kata sandi: demo-zi-2026" in log

    anggota = Peramban(dasar)
    status, html = anggota.masuk("anggota1", "demo-zi-2026")
    assert status == 200 and "Selamat datang, Ahmad Zainuddin" in html
    pokja_i = re.search(r'href="(/pokja/\d+/)" class="fw-semibold">Pokja I Manajemen', html).group(
        1
    )
    status, html = anggota.get(pokja_i)
    assert status == 200
    assert html.count("data-soal=") == 16
    assert "Unit kerja telah membentuk tim untuk melakukan pembangunan Zona Integritas" in html

    # Reminders without any server: the demo's PMPZI deadline is a week away, so the bell
    # holds today's H-7 reminder (next to the approval of the soal anggota1 submitted and the
    # news that the chair froze the PMPZI submission) and the worker (folder broker) prints
    # the e-mails.
    assert 'data-notifikasi="3"' in html
    status, html = anggota.get("/notifikasi/")
    assert status == 200 and "Tenggat Penilaian mandiri (PMPZI) 7 hari lagi" in html
    batas = time.monotonic() + 60
    while "Subject: [ZI Portal] Tenggat Penilaian mandiri" not in log:
        assert time.monotonic() < batas, log[-3000:]
        time.sleep(1)
        log = (tmp_path / "make-run.log").read_text()
    assert "To: " in log

    luar = Peramban(dasar)
    status, html = luar.masuk("luar", "demo-zi-2026")
    assert status == 200 and "Kota Semarang" not in html
    assert luar.get(pokja_i)[0] == 404
