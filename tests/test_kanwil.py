"""The Kanwil oversight page and the assessor-grant pages: who may open them, what the table
says (score from the stored snapshot, verdict, completeness and overdue tasks as the chair's
dashboard counts them), sorting, filtering, the radar's biggest gap, the grant form and the
revocation with their history, and a query count that does not grow with the satker."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from eviden.models import Butir, Dokumen, Eviden, JenisJawaban, Soal, StatusButir
from penilaian import selectors
from penilaian.kanwil import selectors as sel
from penilaian.models import PutusanPenilai, SkorHarian, Tahapan
from penilaian.selectors import dasbor
from pokja.models import Lapisan, Notifikasi, PenugasanPenilai, Satker

from .banyak_satker import BOBOT, buat_banyak, nama_satker
from .factories import SatkerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instrumen_segar():
    selectors._INSTRUMEN.clear()
    yield
    selectors._INSTRUMEN.clear()


def _url(kanwil, **q):
    url = reverse("kanwil-pengawasan", args=[kanwil.pk])
    if q:
        from urllib.parse import urlencode

        url += "?" + urlencode(q, doseq=True)
    return url


def _baris(html):
    """Satker ids of the table rows, in order."""
    return [int(x) for x in re.findall(r'<tr data-satker="(\d+)"', html)]


# --- Who -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,pengawasan,penilai,drill",
    [
        ("admin_kanwil", 200, 200, True),
        ("root", 200, 200, True),
        ("tpp", 200, 404, False),
        ("tpp_lain", 200, 404, False),
        ("tpi", 404, 404, False),
        ("tpp_lewat", 404, 404, False),
        ("admin_lain", 404, 404, False),
    ],
)
def test_who_opens_the_oversight_and_the_grants(client, atas, persona, pengawasan, penilai, drill):
    client.force_login(atas.user[persona])
    r = client.get(_url(atas.kanwil))
    assert r.status_code == pengawasan
    p = atas.penugasan["tpp"]
    for url in (
        reverse("kanwil-penilai", args=[atas.kanwil.pk]),
        reverse("kanwil-penilai-cabut", args=[atas.kanwil.pk, p.pk]),
    ):
        assert client.get(url).status_code == penilai, url
    assert client.post(
        reverse("kanwil-penilai-cabut", args=[atas.kanwil.pk, p.pk])
    ).status_code in ((302,) if penilai == 200 else (404,))
    if penilai != 200:
        p.refresh_from_db()
        assert p.dicabut_pada is None
    if pengawasan == 200:
        html = r.content.decode()
        assert ("data-drill" in html) is drill
        assert (reverse("dasbor-tim", args=[atas.tim.pk]) in html) is drill
        assert (reverse("kanwil-penilai", args=[atas.kanwil.pk]) in html) is drill


@pytest.mark.parametrize("persona", ["ketua", "kepala", "anggota1", "luar"])
def test_team_members_get_404(client, atas, persona):
    client.force_login(atas.dunia.user[persona])
    for url in (_url(atas.kanwil), reverse("kanwil-penilai", args=[atas.kanwil.pk])):
        assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, atas):
    for url in (
        _url(atas.kanwil),
        reverse("kanwil-penilai", args=[atas.kanwil.pk]),
        reverse("kanwil-penilai-cabut", args=[atas.kanwil.pk, atas.penugasan["tpp"].pk]),
    ):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("masuk")), url


def test_a_satker_that_is_not_a_kanwil_is_404_even_for_the_admin(client, atas):
    client.force_login(atas.user["admin_kanwil"])
    assert client.get(_url(atas.tim.satker)).status_code == 404
    assert client.get(reverse("kanwil-pengawasan", args=[999999])).status_code == 404


def test_the_drill_down_is_the_team_dashboard_read_only(client, atas):
    client.force_login(atas.user["admin_kanwil"])
    tim = atas.tim
    assert client.get(reverse("dasbor-tim", args=[tim.pk])).status_code == 200
    assert client.get(reverse("kalender", args=[tim.pk])).status_code == 200
    # Nothing that changes the team: stages, submissions, exports.
    mandiri = Tahapan.objects.get(tim=tim, jenis="mandiri")
    assert client.post(reverse("tahapan-ubah", args=[tim.pk, mandiri.pk]), {}).status_code == 403
    assert client.post(reverse("ajukan", args=[tim.pk, mandiri.pk]), {}).status_code == 403
    assert client.get(reverse("ekspor", args=[tim.pk])).status_code == 403


# --- What the table says --------------------------------------------------------------------------


def _lengkapi(dunia):
    """Work items of the team: 3 soal approved with an active attachment (one of them past its
    due date), 1 approved with an archived one, 1 approved without any; 3 past their due date
    and not approved, of which 2 assigned (the dashboard counts assigned tasks)."""
    lembar = dunia.lembar
    soal = list(
        Soal.objects.filter(instrumen=lembar.instrumen, area_pokja__isnull=False)
        .exclude(jenis=JenisJawaban.JUMLAH)
        .order_by("pk")[:8]
    )
    ketua = dunia.user["ketua"]
    dok = Dokumen.objects.create(lembar=lembar, judul="SK Tim", dibuat_oleh=ketua)
    lewat = timezone.localdate() - timedelta(days=3)
    rencana = [
        (StatusButir.DISETUJUI, None, None, True),
        (StatusButir.DISETUJUI, None, None, True),
        (StatusButir.DISETUJUI, None, None, False),
        (StatusButir.DISETUJUI, None, None, None),
        (StatusButir.DRAF, lewat, dunia.user["anggota1"], None),
        (StatusButir.DIAJUKAN, lewat, dunia.user["koordinator1"], None),
        (StatusButir.DRAF, lewat, None, None),
        (StatusButir.DISETUJUI, lewat, dunia.user["anggota1"], True),
    ]
    for s, (status, tenggat, orang, aktif) in zip(soal, rencana, strict=True):
        Butir.objects.create(
            lembar=lembar, soal=s, status=status, tenggat=tenggat, ditugaskan_ke=orang
        )
        if aktif is not None:
            Eviden.objects.create(lembar=lembar, soal=s, dokumen=dok, diarsipkan=not aktif)


def _skor(tim, hari, total, *, wbk=False, wbbm=False, area=None):
    return SkorHarian.objects.create(
        tim=tim,
        tanggal=timezone.localdate() - timedelta(days=hari),
        total=Decimal(total),
        pengungkit=Decimal(total) / 2,
        hasil=Decimal(total) / 2,
        area=area or {str(a): "1" for a in range(1, 7)},
        memenuhi_wbk=wbk,
        memenuhi_wbbm=wbbm,
    )


def test_the_table_shows_snapshot_verdict_completeness_and_overdue(client, atas):
    dunia = atas.dunia
    _lengkapi(dunia)
    _skor(dunia.tim, 3, "70.5")
    _skor(dunia.tim, 0, "81.4700", wbk=True)  # the latest one is shown
    PutusanPenilai.objects.create(
        pengajuan=atas.pengajuan,
        lapisan=Lapisan.TPP,
        tahapan="pendahuluan",
        kesimpulan="TMS",
        alasan="Area VI kurang.",
        diubah_oleh=atas.user["tpp"],
        dipublikasikan_pada=timezone.now(),
        dipublikasikan_oleh=atas.user["tpp"],
    )
    luar = atas.dunia.tim_luar
    tanpa_tim = SatkerFactory(kode="KUA-TANPA", nama="KUA Tanpa Tim", induk=dunia.tim.satker)
    client.force_login(atas.user["admin_kanwil"])
    r = client.get(_url(atas.kanwil, tahun=2026))
    assert r.status_code == 200
    html = r.content.decode()

    b = {x.satker_id: x for x in sel.baris_satker(atas.kanwil, 2026)}
    kita = b[dunia.tim.satker_id]
    assert kita.skor == Decimal("81.47") and kita.sumber_skor == "harian" and kita.memenuhi
    assert kita.putusan[0] == "TMS"
    # The chair's dashboard's own counts: approved with active evidence, overdue assigned.
    d = dasbor(dunia.tim)
    assert kita.lengkap == sum(p.lengkap for p in d.pokja) == 3
    assert kita.jumlah_soal == sum(p.jumlah_soal for p in d.pokja)
    assert kita.terlambat == sum(n for _nama, n in d.terlambat) == 2
    baris = re.search(rf'<tr data-satker="{dunia.tim.satker_id}".*?</tr>', html, re.S).group(0)
    assert 'data-skor="81.4700"' in baris and "81,47" in baris
    assert 'data-vonis="memenuhi"' in baris and "Memenuhi" in baris
    assert 'data-putusan="TMS"' in baris and "TPP (Kanwil)" in baris
    assert f'data-lengkap="3/{kita.jumlah_soal}"' in baris
    persen = sel.BarisSatker(0, "", "", tim_id=1, lengkap=3, jumlah_soal=kita.jumlah_soal)
    assert f"{round(persen.persen_lengkap)}%" in baris
    assert 'data-terlambat="2"' in baris

    # No snapshot: the latest frozen submission's total; its unpublished verdict is not shown.
    PutusanPenilai.objects.create(
        pengajuan=luar.pengajuan.get(),
        lapisan=Lapisan.TPP,
        tahapan="pendahuluan",
        kesimpulan="MS",
        diubah_oleh=atas.user["tpp_lain"],
    )
    b = {x.satker_id: x for x in sel.baris_satker(atas.kanwil, 2026)}
    lain = b[luar.satker_id]
    assert lain.sumber_skor == "pengajuan" and lain.skor == luar.pengajuan.get().total
    assert lain.putusan is None
    baris = re.search(rf'<tr data-satker="{tanpa_tim.pk}".*?</tr>', html, re.S).group(0)
    assert "belum ada tim" in baris and "data-tim" not in baris


def test_a_team_without_any_score_shows_a_dash(client, atas):
    SkorHarian.objects.all().delete()
    kosong = SatkerFactory(kode="KANKEMENAG-KOSONG", nama="Kankemenag Kosong", induk=atas.kanwil)
    from eviden.services import siapkan_tim

    tim = siapkan_tim(
        satker=kosong, tahun=2026, target_predikat="WBBM", instrumen=atas.tim.lembar_kerja.instrumen
    )
    client.force_login(atas.user["admin_kanwil"])
    html = client.get(_url(atas.kanwil, tahun=2026)).content.decode()
    baris = re.search(rf'<tr data-satker="{kosong.pk}".*?</tr>', html, re.S).group(0)
    assert f'data-tim="{tim.pk}"' in baris and 'data-skor=""' in baris and "—" in baris
    assert 'data-vonis="tanpa_nilai"' in baris and "belum ada nilai" in baris


def test_the_stage_is_the_running_one_else_the_next(atas):
    tahapan = {t.jenis: t for t in Tahapan.objects.filter(tim=atas.tim)}
    mandiri, pendahuluan = tahapan["mandiri"], tahapan["pendahuluan"]

    def baris(sekarang):
        return {b.satker_id: b for b in sel.baris_satker(atas.kanwil, 2026, sekarang)}[
            atas.tim.satker_id
        ]

    b = baris(mandiri.mulai + timedelta(hours=1))
    assert (b.tahapan, b.tahapan_berlangsung) == ("mandiri", True)
    b = baris(mandiri.selesai + timedelta(minutes=5))
    assert (b.tahapan, b.tahapan_berlangsung, b.tahapan_mulai) == (
        "pendahuluan",
        False,
        pendahuluan.mulai,
    )
    akhir = max(t.selesai for t in tahapan.values())
    assert baris(akhir + timedelta(days=1)).tahapan == ""


def test_the_year_defaults_to_the_current_one_or_the_latest_with_teams():
    assert sel.tahun_bawaan([2027, 2026], timezone.localdate().replace(year=2026)) == 2026
    assert sel.tahun_bawaan([2025, 2024], timezone.localdate().replace(year=2026)) == 2025
    assert sel.tahun_bawaan([], timezone.localdate().replace(year=2026)) == 2026


def test_another_year_lists_the_satker_without_teams(client, atas):
    client.force_login(atas.user["admin_kanwil"])
    html = client.get(_url(atas.kanwil, tahun=2031)).content.decode()
    assert html.count("data-tanpa-tim") == len(_baris(html)) >= 2


# --- Sorting, filtering, the radar ---------------------------------------------------------------


@pytest.fixture
def banyak(atas):
    return buat_banyak(
        30, kanwil=atas.kanwil, instrumen=atas.tim.lembar_kerja.instrumen, tahun=2026
    )


def test_the_generator_gives_what_the_page_reads(banyak):
    per = {b.satker_id: b for b in sel.baris_satker(banyak.kanwil, 2026)}
    for s in banyak.satker:
        h, b = banyak.harapan[s.pk], per[s.pk]
        assert (b.tim_id is not None) is h.tim, s.nama
        if not h.tim:
            continue
        assert (b.skor, b.memenuhi, b.lengkap, b.terlambat) == (
            h.total,
            h.memenuhi,
            h.lengkap,
            h.terlambat,
        ), s.nama
        assert b.jumlah_soal == banyak.jumlah_soal
    # The KUA one level further down are there too.
    assert any(s.jenis == Satker.Jenis.KUA for s in banyak.satker)


def test_sorting_by_each_column_with_empty_values_last(client, atas, banyak):
    client.force_login(atas.user["admin_kanwil"])
    gen = {s.pk for s in banyak.satker}
    h = banyak.harapan
    html = client.get(_url(atas.kanwil, tahun=2026, q="GEN", urut="-skor")).content.decode()
    ids = _baris(html)
    assert set(ids) == gen
    nilai = [h[i].total for i in ids]
    ada = [v for v in nilai if v is not None]
    assert ada == sorted(ada, reverse=True) and nilai[: len(ada)] == ada
    assert 'aria-sort="descending"' in html
    # The header link turns the order round; the filters stay in it.
    m = re.search(r'<a href="([^"]+)" data-urut="skor"', html)
    assert "urut=skor" in m.group(1) and "q=GEN" in m.group(1)
    ids = _baris(client.get(_url(atas.kanwil, tahun=2026, q="GEN", urut="skor")).content.decode())
    nilai = [h[i].total for i in ids]
    ada = [v for v in nilai if v is not None]
    assert ada == sorted(ada) and nilai[: len(ada)] == ada

    ids = _baris(
        client.get(_url(atas.kanwil, tahun=2026, q="GEN", urut="-terlambat")).content.decode()
    )
    telat = [h[i].terlambat for i in ids if h[i].tim]
    assert telat == sorted(telat, reverse=True) and all(not h[i].tim for i in ids[len(telat) :])
    ids = _baris(
        client.get(_url(atas.kanwil, tahun=2026, q="GEN", urut="-lengkap")).content.decode()
    )
    lengkap = [h[i].lengkap for i in ids if h[i].tim]
    assert lengkap == sorted(lengkap, reverse=True)
    ids = _baris(client.get(_url(atas.kanwil, tahun=2026, q="GEN", urut="-nama")).content.decode())
    nama = {s.pk: s.nama for s in banyak.satker}
    assert [nama[i] for i in ids] == sorted(nama.values(), reverse=True)


def test_filters_by_target_stage_verdict_and_name(client, atas, banyak):
    client.force_login(atas.user["admin_kanwil"])
    h = banyak.harapan

    def ids(**q):
        return set(_baris(client.get(_url(atas.kanwil, tahun=2026, **q)).content.decode()))

    gen = {s.pk for s in banyak.satker}
    assert ids(q="GEN", target="WBBM") == {i for i in gen if h[i].target == "WBBM"}
    assert ids(q="GEN", target="tanpa") == {i for i in gen if not h[i].tim}
    assert ids(q="GEN", vonis="memenuhi") == {i for i in gen if h[i].memenuhi}
    assert ids(q="GEN", vonis="belum") == {i for i in gen if h[i].memenuhi is False}
    assert ids(q="GEN", vonis="tanpa_nilai") == {i for i in gen if h[i].tim and h[i].total is None}
    # Every generated team has the same calendar: one stage for all of them.
    tahap = {
        b.tahapan for b in sel.baris_satker(atas.kanwil, 2026) if b.satker_id in gen and b.tim_id
    }
    assert len(tahap) == 1
    (t,) = tahap
    assert ids(q="GEN", tahapan=t or "tanpa") == {i for i in gen if h[i].tim}
    lain = "tpn" if t != "tpn" else "mandiri"
    assert ids(q="GEN", tahapan=lain) == set()
    assert ids(q=nama_satker("GEN", 7)) == {banyak.satker[7].pk}
    assert ids(q="gen-00007") == {banyak.satker[7].pk}  # the code too, any case
    # Published verdicts: MS / TMS.
    assert ids(vonis="MS") == set()


def test_the_radar_names_the_area_with_the_biggest_gap(client, atas, banyak):
    client.force_login(atas.user["admin_kanwil"])
    a, b = banyak.satker[1], banyak.satker[2]
    ha, hb = banyak.harapan[a.pk], banyak.harapan[b.pk]
    persen = {n: (ha.area[n] / BOBOT[n] * 100, hb.area[n] / BOBOT[n] * 100) for n in BOBOT}
    gap = {n: abs(x - y) for n, (x, y) in persen.items()}
    terbesar = max(gap, key=gap.get)
    r = client.get(_url(atas.kanwil, tahun=2026, banding=[a.pk, b.pk]))
    html = r.content.decode()
    assert f'data-selisih-area="{terbesar}"' in html
    label = r.context["radar"].label[terbesar - 1]
    teks = re.search(r"data-selisih-area[^>]*>(.*?)</p>", html, re.S).group(1)
    assert label in teks and a.nama in teks and b.nama in teks
    assert f"{gap[terbesar]:.2f}".replace(".", ",") in teks
    # The table version: one row per area, the gap row marked, each cell a percentage.
    tabel = re.search(r"<table[^>]*data-tabel-radar.*?</table>", html, re.S).group(0)
    assert tabel.count("<tr data-area=") == 6
    assert f'<tr data-area="{terbesar}" class="table-warning">' in tabel
    assert f"{persen[1][0]:.2f}%".replace(".", ",") in tabel
    assert 'id="data-radar"' in html and "js/kanwil.js" in html
    # The chosen satker stay checked and stay chosen across sorting links.
    assert html.count("checked") >= 2
    m = re.search(r'<a href="([^"]+)" data-urut="skor"', html)
    assert f"banding={a.pk}" in m.group(1).replace("&amp;", "&")


def test_the_radar_reads_the_frozen_submission_of_a_team_without_snapshots(client, atas):
    dunia = atas.dunia
    tanpa_tim = SatkerFactory(kode="KUA-TANPA", nama="KUA Tanpa Tim", induk=dunia.tim.satker)
    client.force_login(atas.user["admin_kanwil"])
    pilih = [dunia.tim.satker_id, dunia.tim_luar.satker_id, tanpa_tim.pk]
    r = client.get(_url(atas.kanwil, tahun=2026, banding=pilih))
    radar = r.context["radar"]
    assert [b.satker_id for b, _p in radar.baris] == pilih[:2]
    assert [b.satker_id for b in radar.tanpa_nilai] == [tanpa_tim.pk]
    bobot = dunia.lembar.instrumen.bobot_area
    harap = Decimal(atas.pengajuan.area["6"]) / Decimal(bobot["6"]) * 100
    assert radar.baris[0][1][5] == harap
    tabel = re.search(r"<table[^>]*data-tabel-radar.*?</table>", r.content.decode(), re.S)
    assert f"{harap:.2f}%".replace(".", ",") in tabel.group(0)


def test_the_radar_takes_at_most_six_and_ignores_unknown_ids(client, atas, banyak):
    client.force_login(atas.user["admin_kanwil"])
    ids = [s.pk for s in banyak.satker[:8]]
    lain = SatkerFactory(kode="DI-LUAR", nama="Satker luar Kanwil")
    r = client.get(_url(atas.kanwil, tahun=2026, banding=[lain.pk, "x", *ids]))
    assert r.context["pilihan"] == ids[:6]
    assert "Paling banyak 6 satker" in r.content.decode()


def test_one_satker_on_the_radar_has_no_gap(client, atas, banyak):
    client.force_login(atas.user["admin_kanwil"])
    html = client.get(_url(atas.kanwil, tahun=2026, banding=[banyak.satker[1].pk])).content
    html = html.decode()
    assert "data-selisih-area" not in html and "sedikitnya dua satker" in html


# --- Fast for many satker ------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 1000])
def test_the_query_count_does_not_grow_with_the_satker(
    client, atas, django_assert_max_num_queries, n
):
    data = buat_banyak(n, kanwil=atas.kanwil, instrumen=atas.tim.lembar_kerja.instrumen, tahun=2026)
    client.force_login(atas.user["admin_kanwil"])
    # On the radar: three satker with snapshots and one with only a frozen submission.
    banding = [s.pk for s in data.satker[:3]] + [atas.dunia.tim_luar.satker_id]
    url = _url(atas.kanwil, tahun=2026, urut="-skor", banding=banding)
    # Session, user, the access check (2), the list's eight reads, the radar's three (the
    # snapshots' areas, the submissions' areas, the weights), the menu (3).
    with django_assert_max_num_queries(18):
        r = client.get(url)
    assert r.status_code == 200
    assert r.context["ringkas"]["satker"] == n + 2
    assert len(_baris(r.content.decode())) == min(n + 2, 50)
    assert len(r.context["radar"].baris) == 4


# --- Grants -------------------------------------------------------------------------------------


def _data(atas, **ganti):
    hari = timezone.localdate()
    data = {
        "pengguna": "penilai_baru",
        "lapisan": "tpp",
        "satker": atas.tim.satker_id,
        "tahun": 2026,
        "tahapan": "lanjutan",
        "mulai_tanggal": hari.isoformat(),
        "mulai_jam": "",
        "selesai_tanggal": (hari + timedelta(days=14)).isoformat(),
        "selesai_jam": "",
    }
    data.update(ganti)
    return data


def test_a_valid_grant_is_recorded_with_its_history_and_the_assessor_is_told(
    client, atas, django_capture_on_commit_callbacks
):
    baru = UserFactory(username="penilai_baru", nip="198001012006041001")
    admin = atas.user["admin_kanwil"]
    client.force_login(admin)
    url = reverse("kanwil-penilai", args=[atas.kanwil.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the assessor is told on commit
        r = client.post(url, _data(atas, pengguna="198001012006041001"))
    assert r.status_code == 302 and r["Location"] == url
    p = PenugasanPenilai.objects.get(user=baru)
    assert (p.lapisan, p.tahapan, p.satker, p.tahun, p.diberikan_oleh) == (
        "tpp",
        "lanjutan",
        atas.tim.satker,
        2026,
        admin,
    )
    lokal = timezone.localtime(p.mulai)
    assert (lokal.date(), lokal.hour, lokal.minute) == (timezone.localdate(), 0, 0)
    assert timezone.localtime(p.selesai).strftime("%H:%M") == "23:59"
    (h,) = p.history.all()
    assert h.history_user == admin and h.history_type == "+"
    assert Notifikasi.objects.filter(user=baru, teks__contains="penilai").exists()
    html = client.get(url).content.decode()
    baris = re.search(rf'<tr data-penugasan="{p.pk}".*?</tr>', html, re.S).group(0)
    assert 'data-status="aktif"' in baris and admin.get_full_name() in baris
    assert "1 catatan riwayat" in baris


@pytest.mark.parametrize(
    "ganti,medan,pesan",
    [
        ({"lapisan": "tpi", "tahapan": "pendahuluan"}, "tahapan", "tidak dinilai oleh lapisan"),
        ({"pengguna": "tidak-ada"}, "pengguna", "Tidak ada akun aktif"),
        ({"tahapan": "mandiri"}, "tahapan", None),
        ({"selesai_tanggal": "2020-01-01"}, "selesai_tanggal", "setelah awalnya"),
    ],
)
def test_an_invalid_grant_is_refused_with_nothing_lost(client, atas, ganti, medan, pesan):
    UserFactory(username="penilai_baru")
    client.force_login(atas.user["admin_kanwil"])
    sebelum = PenugasanPenilai.objects.count()
    r = client.post(reverse("kanwil-penilai", args=[atas.kanwil.pk]), _data(atas, **ganti))
    assert r.status_code == 422
    form = r.context["form"]
    assert medan in form.errors
    if pesan:
        assert pesan in " ".join(form.errors[medan])
    html = r.content.decode()
    assert 'value="2026"' in html and "is-invalid" in html
    assert f'value="{atas.tim.satker_id}" selected' in html
    assert PenugasanPenilai.objects.count() == sebelum


def test_a_satker_of_another_kanwil_is_refused(client, atas):
    UserFactory(username="penilai_baru")
    kanwil_lain = Satker.objects.get(kode="KANWIL-LAIN")
    di_sana = SatkerFactory(kode="KANKEMENAG-SANA", nama="Kankemenag Sana", induk=kanwil_lain)
    client.force_login(atas.user["admin_kanwil"])
    sebelum = PenugasanPenilai.objects.count()
    r = client.post(
        reverse("kanwil-penilai", args=[atas.kanwil.pk]), _data(atas, satker=di_sana.pk)
    )
    assert r.status_code == 422
    assert "Pilih satker di bawah Kanwil ini." in r.context["form"].errors["satker"]
    assert PenugasanPenilai.objects.count() == sebelum
    # Nor does the other Kanwil's admin get anywhere with this Kanwil's form.
    client.force_login(atas.user["admin_lain"])
    r = client.post(reverse("kanwil-penilai", args=[atas.kanwil.pk]), _data(atas))
    assert r.status_code == 404 and PenugasanPenilai.objects.count() == sebelum


def test_the_service_refusals_become_form_errors(client, atas):
    client.force_login(atas.user["admin_kanwil"])
    url = reverse("kanwil-penilai", args=[atas.kanwil.pk])
    # A member of the team cannot assess it.
    r = client.post(url, _data(atas, pengguna="ketua"))
    assert r.status_code == 422 and "anggota Tim ZI" in r.content.decode()
    # The same assessor, satker, year and stage twice.
    r = client.post(url, _data(atas, pengguna="tpp", tahapan="pendahuluan"))
    assert r.status_code == 422 and "sudah ditugaskan" in r.content.decode()
    assert 'value="tpp"' in r.content.decode()


def test_revoking_asks_first_then_records_who(client, atas):
    admin = atas.user["admin_kanwil"]
    p = atas.penugasan["tpp"]
    client.force_login(admin)
    url = reverse("kanwil-penilai-cabut", args=[atas.kanwil.pk, p.pk])
    r = client.get(url)
    assert r.status_code == 200 and "Cabut penugasan" in r.content.decode()
    p.refresh_from_db()
    assert p.dicabut_pada is None
    r = client.post(url)
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.dicabut_pada is not None and p.dicabut_oleh == admin
    terakhir = p.history.order_by("-history_date", "-history_id").first()
    assert terakhir.history_user == admin and terakhir.history_type == "~"
    html = client.get(reverse("kanwil-penilai", args=[atas.kanwil.pk])).content.decode()
    baris = re.search(rf'<tr data-penugasan="{p.pk}".*?</tr>', html, re.S).group(0)
    assert (
        'data-status="dicabut"' in baris
        and "data-dicabut" in baris
        and "2 catatan riwayat" in baris
    )
    assert "kanwil-penilai-cabut" not in baris and "/cabut/" not in baris
    # The assessor's oversight is gone with the grant.
    client.force_login(atas.user["tpp"])
    assert client.get(_url(atas.kanwil)).status_code == 404
    # A second POST changes nothing.
    client.force_login(admin)
    client.post(url)
    assert p.history.count() == 2


def test_a_grant_of_another_kanwil_cannot_be_revoked_here(client, atas):
    kanwil_lain = Satker.objects.get(kode="KANWIL-LAIN")
    di_sana = SatkerFactory(kode="KANKEMENAG-SANA", nama="Kankemenag Sana", induk=kanwil_lain)
    from pokja.services import beri_penugasan

    q = beri_penugasan(
        oleh=atas.user["root"],
        user=UserFactory(username="penilai_sana"),
        lapisan=Lapisan.TPP,
        satker=di_sana,
        tahun=2026,
        tahapan="pendahuluan",
        mulai=timezone.now(),
        selesai=timezone.now() + timedelta(days=3),
    )
    client.force_login(atas.user["admin_kanwil"])
    url = reverse("kanwil-penilai-cabut", args=[atas.kanwil.pk, q.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    q.refresh_from_db()
    assert q.dicabut_pada is None
    html = client.get(reverse("kanwil-penilai", args=[atas.kanwil.pk])).content.decode()
    assert f'data-penugasan="{q.pk}"' not in html
    assert f'data-penugasan="{atas.penugasan["tpp_lewat"].pk}" data-status="berakhir"' in html
