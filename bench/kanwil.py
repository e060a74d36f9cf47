"""Server time of the Kanwil oversight page with 1,000 satker below the Kanwil, next to a bare
authenticated page (the user's ``profil``) in the same run, as the Kanwil's admin.

The data is tests/banyak_satker.py's (the same generator the tests use): 1,000 satker (every
25th a KUA one level further down), 900 teams of this year with six Pokja, the usual
calendar, three daily score snapshots each (every 10th team none), eight work items each
(approved with and without active evidence, overdue, due later). Measured: the page as it
opens (sorted by name, page 1 of 20), sorted by score with three satker on the radar, and a
filtered view (WBBM targets, verdict "not yet").

Goal: the oversight page within 10x the bare page's median. Requests go through Django's
full handler stack in-process (middleware, session, auth, templates): server time without
network or browser. Run through `make bench` (fresh PostgreSQL + Redis on loopback) or only
this one: `BENCH="bench/kanwil.py" make bench`. Writes $BENCH_DIR/kanwil.json (default
var/bench/). The run's own database is dropped at the end. BENCH_KANWIL_SATKER (default
1000) and BENCH_ULANG (default 30) change the size and the repetitions.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _basis  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings")
DB_SENDIRI = _basis.basis_data_sendiri("bench_kanwil")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from eviden.instrumen import baca_berkas, muat_instrumen  # noqa: E402
from pokja.models import Satker  # noqa: E402
from pokja.services import tetapkan_admin_kanwil  # noqa: E402
from tests.banyak_satker import buat_banyak  # noqa: E402

ULANG = int(os.environ.get("BENCH_ULANG", "30"))
SATKER = int(os.environ.get("BENCH_KANWIL_SATKER", "1000"))
PEMANASAN = 3
TUJUAN = 10


def ukur(client, url, baris=None):
    return _basis.ukur_halaman(client, url, ulang=ULANG, pemanasan=PEMANASAN, baris=baris)


def main():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    instrumen = muat_instrumen(data=baca_berkas(settings.INSTRUMEN_DEFAULT)).instrumen
    kanwil = Satker.objects.create(
        kode="KANWIL-BENCH", nama="Kanwil Bench", jenis=Satker.Jenis.KANWIL
    )
    admin = get_user_model().objects.create_user(
        username="admin-kanwil-bench", nama_lengkap="Admin Kanwil Bench", password="x"
    )
    tetapkan_admin_kanwil(user=admin, kanwil=kanwil)
    tahun = timezone.localdate().year
    t0 = time.perf_counter()
    data = buat_banyak(SATKER, kanwil=kanwil, instrumen=instrumen, tahun=tahun, awalan="BENCH")
    buat_detik = round(time.perf_counter() - t0, 2)
    client = Client()
    client.force_login(admin)
    awal = reverse("kanwil-pengawasan", args=[kanwil.pk])
    radar = "&".join(f"banding={s.pk}" for s in data.satker[1:4])
    halaman = {
        "bare_authenticated_page (profil)": (reverse("profil"), None),
        f"kanwil_oversight ({SATKER} satker, by name, page 1)": (awal, "<tr data-satker="),
        f"kanwil_oversight ({SATKER} satker, by score, radar of 3)": (
            f"{awal}?urut=-skor&{radar}",
            "<tr data-satker=",
        ),
        f"kanwil_oversight ({SATKER} satker, WBBM not yet meeting)": (
            f"{awal}?target=WBBM&vonis=belum",
            "<tr data-satker=",
        ),
    }
    hasil = {nama: ukur(client, url, baris) for nama, (url, baris) in halaman.items()}
    kosong = hasil["bare_authenticated_page (profil)"]["median_ms"]
    for h in hasil.values():
        h["median_vs_bare_page"] = round(h["median_ms"] / kosong, 2)
        h["goal_met"] = h["median_vs_bare_page"] <= TUJUAN
    laporan = {
        **_basis.tentang(
            ROOT, "Kanwil oversight page server time (Django test client, in-process)"
        ),
        "goal": f"oversight page median <= {TUJUAN}x the bare page's",
        "data": {
            "satker": SATKER,
            "teams": len(data.tim),
            "generated_in_s": buat_detik,
            "generator": "tests/banyak_satker.py",
        },
        "pages": hasil,
    }
    _basis.tulis_hasil(ROOT, "kanwil", laporan)


if __name__ == "__main__":
    try:
        main()
    finally:
        if DB_SENDIRI:
            connection.close()
            _basis.hapus(DB_SENDIRI)
