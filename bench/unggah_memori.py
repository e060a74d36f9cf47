"""Memory of the web process while a 200 MB evidence file is uploaded.

Starts gunicorn as the Dockerfile's CMD runs it (gthread worker class with its threads,
production settings), but with the one worker whose memory is measured, on a loopback port;
signs in as anggota1, streams a 200 MB MP4 to the upload endpoint in 1 MiB chunks (generated,
never held whole in this process either), and samples the worker's resident memory
(/proc/PID/status) every 20 ms. Writes $BENCH_DIR/unggah_memori.json (default var/bench/).
"""

import http.client
import http.cookies
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _tumpukan import argv_gunicorn  # noqa: E402  (the Dockerfile's CMD)

UKURAN = int(os.environ.get("BENCH_UKURAN_MB", "200")) * 1024 * 1024
POTONGAN = 1024 * 1024
MP4_KEPALA = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            teks = f.read()
    except FileNotFoundError:
        return 0, 0
    rss = int(re.search(r"VmRSS:\s+(\d+)", teks).group(1))
    hwm = int(re.search(r"VmHWM:\s+(\d+)", teks).group(1))
    return rss, hwm


def anak(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(x) for x in f.read().split()]


class Klien:
    def __init__(self, port):
        self.port = port
        self.cookie = http.cookies.SimpleCookie()

    def minta(self, metode, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookie.items())
        conn.request(metode, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for c in r.headers.get_all("Set-Cookie") or []:
            self.cookie.load(c)
        conn.close()
        return r.status, r.headers, data.decode("utf-8", "replace")


def main():
    data_dir = tempfile.mkdtemp(prefix="bench-unggah-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-tidak-rahasia",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATA_DIR": data_dir,
        "EVIDEN_MAKS_MB": "250",
    }
    py = sys.executable
    for perintah in (["migrate"], ["collectstatic", "--noinput"], ["demo"]):
        subprocess.run(
            [py, "manage.py", *perintah, "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = port_bebas()
    argv = argv_gunicorn(port, {"--workers": "1"})
    gunicorn = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        k = Klien(port)
        for _ in range(100):
            try:
                k.minta("GET", "/masuk/")
                break
            except OSError:
                time.sleep(0.2)
        _, _, html = k.minta("GET", "/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode(
            {"username": "anggota1", "password": "demo-zi-2026", "csrfmiddlewaretoken": token}
        )
        status, _, _ = k.minta(
            "POST", "/masuk/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, status
        _, _, html = k.minta("GET", "/")
        pokja = re.search(r'href="(/pokja/\d+/)" class="fw-semibold">Pokja I ', html).group(1)
        _, _, html = k.minta("GET", pokja)
        # The first soal whose page offers an upload (a soal waiting for review is locked).
        url = None
        for halaman_soal in dict.fromkeys(re.findall(r'href="(/lke/\d+/soal/\d+/)"', html)):
            _, _, html_soal = k.minta("GET", halaman_soal)
            cocok = re.search(r'data-url="(/lke/\d+/soal/\d+/unggah/)"', html_soal)
            if cocok:
                url = cocok.group(1)
                break
        assert url, "tidak ada soal yang bisa diunggahi"
        worker = anak(gunicorn.pid)[0]
        sebelum, _ = rss_kb(worker)

        sampel, berhenti = [], threading.Event()

        def pantau():
            while not berhenti.is_set():
                sampel.append(rss_kb(worker)[0])
                time.sleep(0.02)

        t = threading.Thread(target=pantau)
        t.start()

        def isi():
            yield MP4_KEPALA + b"\x00" * (POTONGAN - len(MP4_KEPALA))
            terkirim = POTONGAN
            nol = b"\x00" * POTONGAN
            while terkirim < UKURAN:
                yield nol
                terkirim += POTONGAN

        mulai = time.perf_counter()
        status, _, html = k.minta(
            "POST",
            url,
            isi(),
            {
                "Content-Type": "application/octet-stream",
                "Content-Length": str(UKURAN),
                "X-Nama-Berkas": "rekaman-apel-pagi.mp4",
                "X-CSRFToken": k.cookie["csrftoken"].value,
            },
        )
        durasi = time.perf_counter() - mulai
        berhenti.set()
        t.join()
        _, puncak_hwm = rss_kb(worker)
        assert status == 200 and "tersimpan" in html, (status, html[:500])
        stored = sum(p.stat().st_size for p in Path(data_dir, "media").rglob("*") if p.is_file())
        hasil = {
            "benchmark": "web worker memory while uploading one file (one gunicorn gthread worker)",
            "gunicorn_argv": ["gunicorn", *argv[1:]],
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "upload_mb": UKURAN // (1024 * 1024),
            "stored_bytes": stored,
            "seconds": round(durasi, 2),
            "throughput_mb_s": round(UKURAN / 1024 / 1024 / durasi, 1),
            "worker_rss_before_mb": round(sebelum / 1024, 1),
            "worker_rss_peak_during_mb": round(max(sampel) / 1024, 1),
            "worker_rss_growth_mb": round((max(sampel) - sebelum) / 1024, 1),
            "worker_vmhwm_after_mb": round(puncak_hwm / 1024, 1),
            "samples": len(sampel),
        }
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    keluar = ROOT / os.environ.get("BENCH_DIR", "var/bench") / "unggah_memori.json"
    keluar.write_text(json.dumps(hasil, indent=2) + "\n")
    print(json.dumps(hasil, indent=2))


if __name__ == "__main__":
    main()
