"""Server time of the portal's pages, next to a bare authenticated page in the same run.

The Pokja workspaces and the dashboards are measured at full data: every soal of the
worksheet carries 5 documents × 3 versions (rows only; page time does not depend on file
bytes), plus an answer and an assignment, built by tests/lembar_penuh.py (the same "full
worksheet" the tests use). Pokja I's soal are assigned to koordinator1, the measured member,
so their Tugas saya lists them (checked: the page must have rows).

Run through `make bench` (fresh PostgreSQL + Redis on loopback) or directly with any
settings. Requests go through Django's full handler stack in-process (middleware, session,
auth, templates), so the figures are server time without network or browser. Writes
$BENCH_DIR/halaman.json (default var/bench/).
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings")

import _basis  # noqa: E402
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from eviden.models import Butir, Soal  # noqa: E402
from pokja.models import Pokja  # noqa: E402
from tests.lembar_penuh import isi_penuh  # noqa: E402  (the same full worksheet as the tests)

ULANG = int(os.environ.get("BENCH_ULANG", "60"))
PEMANASAN = 5


def ukur(client, url, baris=None):
    return _basis.ukur_halaman(client, url, ulang=ULANG, pemanasan=PEMANASAN, baris=baris)


def main():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    pokja = {
        p.area: p.pk
        for p in Pokja.objects.filter(tim__satker__kode="KANKEMENAG-KOTA-SEMARANG", tim__tahun=2026)
    }
    tim = Pokja.objects.get(pk=pokja[1]).tim
    ketua = get_user_model().objects.get(username="ketua")
    jumlah_soal, jumlah_versi = isi_penuh(tim.lembar_kerja, ketua, dokumen=5, versi=3)
    # isi_penuh assigns every soal to the chair: Pokja I's go to koordinator1 instead (every
    # fourth overdue), so the Tugas saya measured below has rows.
    koordinator1 = get_user_model().objects.get(username="koordinator1")
    hari_ini = timezone.localdate()
    butir = list(Butir.objects.filter(lembar=tim.lembar_kerja, soal__area_pokja=1))
    for i, b in enumerate(sorted(butir, key=lambda b: b.soal_id)):
        b.ditugaskan_ke = koordinator1
        b.tenggat = hari_ini + timedelta(days=-3 if i % 4 == 0 else 14)
    Butir.objects.bulk_update(butir, ["ditugaskan_ke", "tenggat"])
    # Signed in without a password check: django-axes's backend needs a request, and the
    # sign-in is not what is measured.
    client = Client()
    client.force_login(koordinator1)
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
    # Rows of Tugas saya: soal assigned to koordinator1 (data-jenis="tugas").
    baris = {"/tugas-saya/": 'data-jenis="tugas"'}
    hasil = {nama: ukur(client, url, baris.get(url)) for nama, url in halaman.items()}
    kosong = hasil["bare_authenticated_page (ganti-sandi)"]["median_ms"]
    for h in hasil.values():
        h["median_vs_bare_page"] = round(h["median_ms"] / kosong, 2)
    # The dashboards, as the chair (who may open both), next to the chair's own bare page.
    chair = Client()
    chair.force_login(ketua)
    halaman_ketua = {
        "bare_authenticated_page (ganti-sandi), as ketua": "/ganti-sandi/",
        "chair_dashboard (all soal x 5 files x 3 versions)": f"/tim/{tim.pk}/dasbor/",
        "pokja_dashboard_V (22 soal x 5 files x 3 versions)": f"/pokja/{pokja[5]}/dasbor/",
        "komponen_hasil_page (with points panel)": f"/tim/{tim.pk}/hasil/",
    }
    hasil_ketua = {nama: ukur(chair, url) for nama, url in halaman_ketua.items()}
    kosong = hasil_ketua["bare_authenticated_page (ganti-sandi), as ketua"]["median_ms"]
    for h in hasil_ketua.values():
        h["median_vs_bare_page"] = round(h["median_ms"] / kosong, 2)
    hasil.update(hasil_ketua)
    laporan = {
        **_basis.tentang(ROOT, "page server time (Django test client, in-process)"),
        "data": {"listed_soal_with_evidence": jumlah_soal, "document_versions": jumlah_versi},
        "pages": hasil,
    }
    _basis.tulis_hasil(ROOT, "halaman", laporan)


if __name__ == "__main__":
    main()
