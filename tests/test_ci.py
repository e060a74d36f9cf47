"""The test set-up on a shared machine (.ci/layanan): apt waits for the dpkg lock another
process holds, instead of failing at once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KUNCI = "/var/lib/dpkg/lock-frontend"

pytestmark = pytest.mark.perintah

# Holds the dpkg front-end lock the way apt does (an fcntl lock) for argv[1] seconds.
PEGANG = """
import fcntl, os, sys, time
fd = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT, 0o640)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("dipegang", flush=True)
time.sleep(float(sys.argv[1]))
"""


@pytest.fixture
def pegang_kunci():
    if os.geteuid() != 0 or not os.path.exists("/var/lib/dpkg"):
        pytest.skip("needs root on Debian (the dpkg lock)")
    proses = []

    def pegang(detik):
        p = subprocess.Popen(
            [sys.executable, "-c", PEGANG, str(detik), KUNCI], stdout=subprocess.PIPE, text=True
        )
        assert p.stdout.readline().strip() == "dipegang"
        proses.append(p)
        return p

    yield pegang
    for p in proses:
        p.kill()
        p.wait()


def _tunggu(batas):
    t = time.monotonic()
    r = subprocess.run(
        ["bash", ".ci/layanan", "tunggu-apt"],
        cwd=ROOT,
        env={**os.environ, "APT_TUNGGU": str(batas)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return r, time.monotonic() - t


def test_apt_waits_while_another_process_holds_the_dpkg_lock(pegang_kunci):
    pegang_kunci(4)
    r, lama = _tunggu(60)
    assert r.returncode == 0, r.stderr
    assert lama >= 3, lama  # it waited for the holder, rather than failing at once
    assert "menunggu kunci dpkg/apt" in r.stderr


def test_apt_gives_up_with_a_message_after_its_limit(pegang_kunci):
    pegang_kunci(30)
    r, lama = _tunggu(2)
    assert r.returncode != 0
    assert "masih dipegang proses lain setelah 2 s" in r.stderr
    assert lama < 15
