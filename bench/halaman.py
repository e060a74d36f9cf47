"""Server time of the portal's pages, next to a bare authenticated page in the same run.

Run through `make bench` (fresh PostgreSQL + Redis on loopback) or directly with any
settings. Requests go through Django's full handler stack in-process (middleware, session,
auth, templates), so the figures are server time without network or browser. Writes
bench/results/halaman.json.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pokja.models import Pokja  # noqa: E402

ULANG = int(os.environ.get("BENCH_ULANG", "60"))
PEMANASAN = 5


def ukur(client, url):
    for _ in range(PEMANASAN):
        assert client.get(url).status_code == 200
    waktu = []
    for _ in range(ULANG):
        t = time.perf_counter()
        r = client.get(url)
        waktu.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    waktu.sort()
    return {
        "url": url,
        "n": ULANG,
        "median_ms": round(statistics.median(waktu), 2),
        "p95_ms": round(waktu[int(0.95 * (len(waktu) - 1))], 2),
        "mean_ms": round(statistics.fmean(waktu), 2),
        "queries": len(q.captured_queries),
    }


def main():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    pokja = {
        p.area: p.pk
        for p in Pokja.objects.filter(tim__satker__kode="KANKEMENAG-KOTA-SEMARANG", tim__tahun=2026)
    }
    client = Client()
    assert client.login(username="ketua", password="demo-zi-2026")
    halaman = {
        "bare_authenticated_page (ganti-sandi)": "/ganti-sandi/",
        "beranda": "/",
        "pokja_I (16 soal)": f"/pokja/{pokja[1]}/",
        "pokja_V (25 soal)": f"/pokja/{pokja[5]}/",
    }
    hasil = {nama: ukur(client, url) for nama, url in halaman.items()}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    laporan = {
        "benchmark": "page server time (Django test client, in-process)",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": commit,
        "database": connection.vendor,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "pages": hasil,
    }
    keluar = ROOT / "bench" / "results" / "halaman.json"
    keluar.parent.mkdir(parents=True, exist_ok=True)
    keluar.write_text(json.dumps(laporan, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(laporan, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
