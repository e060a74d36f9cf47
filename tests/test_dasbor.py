"""Dashboards: who sees them, what they say, and that their query count does not grow with
the data. The score over time: the beat task through a real worker, and on demand."""

import json
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from eviden.models import Butir
from penilaian import selectors
from penilaian.models import SkorHarian
from penilaian.selectors import dasbor, instrumen_lke
from pokja.models import Peran
from pokja.services import tetapkan_anggota

from .factories import UserFactory
from .lembar_penuh import isi_penuh, jawaban_lembar, tulis_jawaban
from .test_layanan import celery_worker_nyata  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instrumen_segar():
    selectors._INSTRUMEN.clear()
    yield
    selectors._INSTRUMEN.clear()


def _tambah_data(dunia, banyak):
    """Grow the team: more members, and (``banyak``) every soal answered with files."""
    for i in range(5 if banyak else 1):
        tetapkan_anggota(
            tim=dunia.tim,
            user=UserFactory(username=f"tambahan{banyak}{i}"),
            peran=Peran.ANGGOTA_POKJA,
            pokja=dunia.pokja(1 + i % 6),
        )
    if banyak:
        isi_penuh(dunia.lembar, dunia.user["anggota1"], dokumen=3, versi=2)
        Butir.objects.filter(lembar=dunia.lembar).update(tenggat=timezone.localdate())


@pytest.mark.parametrize(
    "nama,url",
    [
        ("dasbor-tim", lambda d: reverse("dasbor-tim", args=[d.tim.pk])),
        ("dasbor-pokja", lambda d: reverse("dasbor-pokja", args=[d.pokja(1).pk])),
        ("pengangkat", lambda d: reverse("pengangkat", args=[d.tim.pk]) + "?area=1"),
    ],
)
def test_dashboard_query_counts_do_not_grow_with_soal_files_or_members(
    client, dunia, django_assert_num_queries, nama, url
):
    client.force_login(dunia.user["ketua"])
    instrumen_lke(dunia.lembar.instrumen)  # read once per process; not part of the page
    _tambah_data(dunia, banyak=False)
    pin = {"dasbor-tim": 18, "dasbor-pokja": 19, "pengangkat": 19}[nama]
    with django_assert_num_queries(pin):
        assert client.get(url(dunia)).status_code == 200
    _tambah_data(dunia, banyak=True)
    with django_assert_num_queries(pin):
        r = client.get(url(dunia))
    assert r.status_code == 200
    assert "data-pengangkat" in r.content.decode() or nama != "pengangkat"


def test_the_chair_sees_the_verdict_rule_by_rule_and_what_lifts_the_score(client, dunia):
    # Every top answer, then Pelayanan Publik (area 6) at its bottom: total stays ≥ 75, but
    # WBK fails on that one area — what the chair must see at a glance.
    atas = jawaban_lembar(dunia.lembar, "puncak")
    bawah = jawaban_lembar(dunia.lembar, "bawah")
    lke = instrumen_lke(dunia.lembar.instrumen)
    area6 = {s.id for s in lke.soal if s.area_pokja == 6}
    tulis_jawaban(
        dunia.lembar,
        dunia.user["ketua"],
        {sid: (bawah[sid] if sid in area6 else i) for sid, i in atas.items()},
    )
    client.force_login(dunia.user["ketua"])
    html = client.get(reverse("dasbor-tim", args=[dunia.tim.pk])).content.decode()
    assert re.search(r"data-total>90,00<", html)
    assert 'data-vonis="tidak"' in html
    wbk = re.search(r'data-putusan="WBK".*?</section>', html, re.S).group(0)
    gagal = re.findall(r'<tr data-aturan="([^"]+)" class="table-danger"', wbk)
    assert gagal == ["area_6"]
    # The area-6 row shows value, threshold and shortfall: 0,00 of minimum 6,00.
    baris = re.search(r'data-aturan="area_6".*?</tr>', wbk, re.S).group(0)
    assert "6,00" in baris and "<strong>6,00</strong>" in baris
    wbbm = re.search(r'data-putusan="WBBM".*?</section>', html, re.S).group(0)
    assert re.findall(r'<tr data-aturan="([^"]+)" class="table-danger"', wbbm) == [
        "area_6",
        "wbk",
    ]
    # What lifts us: only area-6 soal can still gain, each helping close WBK area_6.
    tabel = re.search(r"<table[^>]*data-pengangkat.*?</table>", html, re.S).group(0)
    kode = re.findall(r'<tr data-soal="([^"]+)"', tabel)
    assert kode and all(k.startswith(("A.I.6.", "A.II.6.")) for k in kode)
    assert "WBK area_6" in tabel
    data = json.loads(re.search(r'id="data-grafik"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["area"]["persen"] == [100.0, 100.0, 100.0, 100.0, 100.0, 0.0]
    assert [g["persen"] for g in data["area"]["garis"]] == [60.0, 75.0]


def test_who_may_open_which_dashboard(client, dunia):
    tim, pokja1 = dunia.tim, dunia.pokja(1)
    for persona in ("ketua", "sekretaris", "kasubbag", "kepala"):
        client.force_login(dunia.user[persona])
        assert client.get(reverse("dasbor-tim", args=[tim.pk])).status_code == 200
    for persona in ("anggota1", "koordinator1", "sekpokja2"):
        client.force_login(dunia.user[persona])
        assert client.get(reverse("dasbor-tim", args=[tim.pk])).status_code == 403
        assert client.post(reverse("dasbor-catat", args=[tim.pk])).status_code == 403
        assert client.get(reverse("dasbor-pokja", args=[pokja1.pk])).status_code == 200
    client.force_login(dunia.user["luar"])
    assert client.get(reverse("dasbor-tim", args=[tim.pk])).status_code == 404
    assert client.get(reverse("dasbor-pokja", args=[pokja1.pk])).status_code == 404
    assert client.get(reverse("pengangkat", args=[tim.pk])).status_code == 404
    assert not SkorHarian.objects.exists()


def test_the_pokja_dashboard_shows_its_area_against_both_thresholds(client, dunia):
    tulis_jawaban(dunia.lembar, dunia.user["ketua"], jawaban_lembar(dunia.lembar, "puncak"))
    client.force_login(dunia.user["anggota1"])
    html = client.get(reverse("dasbor-pokja", args=[dunia.pokja(1).pk])).content.decode()
    assert re.search(r"data-nilai-area>8,00<", html)
    assert html.count("✓") == 2 and "minimal 4,80 (60% bobot area)" in html
    assert "minimal 6,00 (75% bobot area)" in html


def test_a_snapshot_on_demand_replaces_the_same_days_row(client, dunia):
    client.force_login(dunia.user["ketua"])
    url = reverse("dasbor-catat", args=[dunia.tim.pk])
    assert client.post(url).status_code == 302
    baris = SkorHarian.objects.get(tim=dunia.tim)
    assert baris.total == 0 and baris.tanggal == timezone.localdate()
    tulis_jawaban(dunia.lembar, dunia.user["ketua"], jawaban_lembar(dunia.lembar, "puncak"))
    assert client.post(url).status_code == 302
    baris = SkorHarian.objects.get(tim=dunia.tim)
    assert baris.total == 100 and baris.memenuhi_wbk and baris.memenuhi_wbbm
    assert client.get(url).status_code == 405
    d = dasbor(dunia.tim)
    assert [float(r.total) for r in d.riwayat_skor] == [100.0]


@pytest.mark.django_db(transaction=True)
def test_the_daily_beat_task_writes_a_row_per_team_through_a_real_worker(
    dunia,
    celery_worker_nyata,  # noqa: F811
):
    from penilaian.tasks import catat_skor_harian

    tulis_jawaban(dunia.lembar, dunia.user["ketua"], jawaban_lembar(dunia.lembar, "puncak"))
    catat_skor_harian.delay().get(timeout=30)
    for _ in range(100):
        if SkorHarian.objects.count() == 2:
            break
        time.sleep(0.1)
    nilai = dict(SkorHarian.objects.values_list("tim_id", "total"))
    assert nilai == {dunia.tim.pk: 100, dunia.tim_luar.pk: 0}


def test_the_hasil_page_shows_points_and_the_hasil_rules(client, dunia):
    from decimal import Decimal

    from penilaian.skor import Isian

    lke = instrumen_lke(dunia.lembar.instrumen)
    kode = {s.kode: s.id for s in lke.soal}
    tulis_jawaban(
        dunia.lembar,
        dunia.user["ketua"],
        {
            kode["B.I.1"]: Isian(angka=Decimal("3.6")),
            kode["B.I.2"]: Isian(pilihan="C"),
            kode["B.II.1"]: Isian(angka=Decimal("3.2")),
        },
    )
    client.force_login(dunia.user["anggota1"])
    html = client.get(reverse("tim-hasil", args=[dunia.tim.pk])).content.decode()
    panel = re.search(r"data-panel-hasil.*?</section>", html, re.S).group(0)
    assert "<strong>15,75</strong> poin" in panel  # 3,6 / 4 × 17,5
    assert "<strong>2,50</strong> poin" in panel  # C = 0,5 × 5
    assert "<strong>14,00</strong> poin" in panel  # 3,2 / 4 × 17,5
    assert re.search(r"data-nilai-hasil>32,25<", panel)
    # Exactly at every WBK threshold; WBBM misses capaian, bersih and IPKP.
    assert re.findall(r'data-aturan-hasil="WBK-(\w+)">✓', panel) == [
        "ipak",
        "capaian",
        "bersih",
        "ipkp",
    ]
    assert re.findall(r'table-danger" data-aturan-hasil="WBBM-(\w+)"', panel) == [
        "capaian",
        "bersih",
        "ipkp",
    ]
