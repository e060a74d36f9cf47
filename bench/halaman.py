"""Server time of the portal's pages, next to a bare authenticated page in the same run.

The Pokja workspaces are measured at full data: every listed soal of every Pokja carries
5 documents × 3 versions (rows only; page time does not depend on file bytes), plus an
answer and an assignment.

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
from django.utils import timezone  # noqa: E402

from eviden.models import (  # noqa: E402
    Butir,
    Dokumen,
    Eviden,
    Jawaban,
    Soal,
    StatusButir,
    VersiDokumen,
)
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
        html = client.get(url).content
    waktu.sort()
    return {
        "url": url,
        "html_bytes": len(html),
        "n": ULANG,
        "median_ms": round(statistics.median(waktu), 2),
        "p95_ms": round(waktu[int(0.95 * (len(waktu) - 1))], 2),
        "mean_ms": round(statistics.fmean(waktu), 2),
        "queries": len(q.captured_queries),
    }


def isi_penuh(tim, user, dokumen=5, versi=3):
    """Every listed soal of the team: an answer, an assignment, N documents × M versions."""
    lembar = tim.lembar_kerja
    nomor = 0
    daftar = Soal.objects.filter(instrumen=lembar.instrumen, area_pokja__isnull=False).exclude(
        jenis="jumlah"
    )
    for i, s in enumerate(daftar):
        Jawaban.objects.get_or_create(lembar=lembar, soal=s, defaults={"pilihan": "A"})
        # Every third soal waits for review, so the review queue has work at full data too.
        status = StatusButir.DIAJUKAN if i % 3 == 0 else StatusButir.DRAF
        Butir.objects.get_or_create(
            lembar=lembar,
            soal=s,
            defaults={
                "ditugaskan_ke": user,
                "status": status,
                "diajukan_oleh": user,
                "diajukan_pada": timezone.now(),
            },
        )
        for _ in range(dokumen):
            d = Dokumen.objects.create(lembar=lembar, judul=f"Dokumen {nomor}", dibuat_oleh=user)
            Eviden.objects.create(lembar=lembar, soal=s, dokumen=d, dilampirkan_oleh=user)
            for v in range(1, versi + 1):
                nomor += 1
                VersiDokumen.objects.create(
                    dokumen=d,
                    nomor=v,
                    kunci=f"bench/{nomor}.pdf",
                    sha256=f"{nomor:064x}",
                    ukuran=123_456,
                    mime="application/pdf",
                    nama_asli=f"Dokumen {nomor}.pdf",
                    diunggah_oleh=user,
                )
    return daftar.count(), nomor


def main():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    pokja = {
        p.area: p.pk
        for p in Pokja.objects.filter(tim__satker__kode="KANKEMENAG-KOTA-SEMARANG", tim__tahun=2026)
    }
    tim = Pokja.objects.get(pk=pokja[1]).tim
    from django.contrib.auth import get_user_model

    ketua = get_user_model().objects.get(username="ketua")
    jumlah_soal, jumlah_versi = isi_penuh(tim, ketua)
    client = Client()
    assert client.login(username="koordinator1", password="demo-zi-2026")
    soal1 = Soal.objects.get(instrumen=tim.lembar_kerja.instrumen, kode="A.I.1.i.2")
    lembar = tim.lembar_kerja.pk
    halaman = {
        "bare_authenticated_page (ganti-sandi)": "/ganti-sandi/",
        "beranda": "/",
        "workspace_pokja_I (16 soal x 5 files x 3 versions)": f"/pokja/{pokja[1]}/",
        "workspace_pokja_V (22 soal x 5 files x 3 versions)": f"/pokja/{pokja[5]}/",
        "soal_page A.I.1.i.2 (5 files x 3 versions, editable)": f"/lke/{lembar}/soal/{soal1.pk}/",
        "review_queue (koordinator1: Pokja I soal waiting)": "/antrean-reviu/",
        "tugas_saya": "/tugas-saya/",
    }
    hasil = {nama: ukur(client, url) for nama, url in halaman.items()}
    kosong = hasil["bare_authenticated_page (ganti-sandi)"]["median_ms"]
    for h in hasil.values():
        h["median_vs_bare_page"] = round(h["median_ms"] / kosong, 2)
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
        "data": {"listed_soal_with_evidence": jumlah_soal, "document_versions": jumlah_versi},
        "pages": hasil,
    }
    keluar = ROOT / "bench" / "results" / "halaman.json"
    keluar.parent.mkdir(parents=True, exist_ok=True)
    keluar.write_text(json.dumps(laporan, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(laporan, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
