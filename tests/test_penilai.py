"""The assessor workspace (penilaian/penilai): frozen submissions only, the grant's own layer.

Who gets in: only the assessor whose grant is in force (everyone else 404 on every workspace
URL, anonymous visitors to the login page). What they write: their own layer's rows on the
submission the grant covers, never the unit's answers nor another layer's rows, and nothing
once their layer published. What they compute: the same engine as the team, on the assessor's
answers (the unit's answer where the assessor gave none); the gap view adds up. What the team
sees: a layer's answers, notes and verdict once it published, nothing before.
"""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone

from eviden import services as ev
from eviden.berkas import terima
from eviden.models import Soal
from penilaian import skor
from penilaian.akses import get_ruang_penilai, pengajuan_berlaku
from penilaian.models import (
    EvidenBeku,
    JawabanBeku,
    JawabanPenilai,
    JenisTahapan,
    PutusanPenilai,
    Tahapan,
)
from penilaian.penilai import selectors, services
from penilaian.penilai import urls as penilai_urls
from penilaian.selectors import instrumen_lke
from penilaian.services import ajukan
from pokja.models import TAHAPAN_LAPISAN, Notifikasi

from . import contoh_berkas as cb
from .conftest import PERSONA
from .lembar_penuh import isi_penuh

pytestmark = pytest.mark.django_db

TAUTAN = "https://contoh.go.id/maklumat-pelayanan"


# --- Helpers ---------------------------------------------------------------------------------


def ruang(atas, nama="tpp"):
    return get_ruang_penilai(atas.user[nama], atas.penugasan[nama].pk)


def soal(atas, kode):
    return Soal.objects.get(instrumen=atas.pengajuan.instrumen, kode=kode)


def ajukan_ulang(atas):
    """The team fills its worksheet (top answers, one stored PDF and one link among the
    evidence) and submits again inside the correction window: submission #2."""
    d = atas.dunia
    a1 = d.user["anggota1"]
    s_file, s_link = soal(atas, "A.I.1.i.1"), soal(atas, "A.I.1.i.2")
    ev.unggah_berkas(
        lembar=d.lembar,
        soal=s_file,
        user=a1,
        berkas=terima(io.BytesIO(cb.pdf("SK Tim ZI")), "sk-tim-zi.pdf"),
    )
    ev.tambah_tautan(lembar=d.lembar, soal=s_link, user=a1, tautan=TAUTAN)
    isi_penuh(d.lembar, a1, dasar="puncak", dokumen=1, versi=1)
    sekarang = timezone.now()
    Tahapan.objects.filter(tim=d.tim, jenis=JenisTahapan.PERBAIKAN).update(
        mulai=sekarang - timedelta(days=1),
        selesai=sekarang + timedelta(days=6),
        tenggat_eviden=sekarang + timedelta(days=6),
    )
    mandiri = Tahapan.objects.get(tim=d.tim, jenis=JenisTahapan.MANDIRI)
    return ajukan(tahapan=mandiri, user=d.user["ketua"], alasan_terlambat="uji")


@pytest.fixture
def terisi(atas):
    """``atas`` with the team's second, filled submission (the one the assessors read)."""
    p = ajukan_ulang(atas)
    assert pengajuan_berlaku(atas.tim, "pendahuluan") == p
    return p


def simpan(atas, kode, nama="tpp", **isian):
    r = ruang(atas, nama)
    s = soal(atas, kode)
    ada = JawabanPenilai.objects.filter(pengajuan=r.pengajuan, lapisan=r.lapisan, soal=s).first()
    row, _berubah = services.simpan_jawaban(
        ruang=r, soal=s, user=atas.user[nama], versi=ada.versi if ada else 0, **isian
    )
    return row


def isi_contoh(atas):
    """A few assessor answers of every kind (choice down, index, % inputs)."""
    simpan(atas, "A.I.1.i.1", pilihan="Tidak", catatan="SK belum diteken kepala.")
    simpan(atas, "A.I.1.i.2", pilihan="C", catatan="Tidak ada seleksi.")
    simpan(atas, "A.I.2.i.2", pilihan="A", catatan="Sesuai.")  # same as the unit
    simpan(atas, "B.I.1", angka=Decimal("2.5"), catatan="IPAK eksternal 2,5.")
    persen = soal(atas, "A.II.1.i.3")
    agen, perubahan = soal(atas, "A.II.1.i.1"), soal(atas, "A.II.1.i.2")
    simpan(atas, "A.II.1.i.3", masukan={agen.pk: 4, perubahan.pk: 1}, catatan="1 dari 4.")
    return persen


def alamat(g, soal_id, eb_id):
    """Every workspace URL of grant ``g`` (but the home): (name, method, args, data)."""
    return [
        ("penilai-ringkasan", "get", [g], {}),
        ("penilai-soal", "get", [g, soal_id], {}),
        ("penilai-simpan", "post", [g, soal_id], {"versi": 0, "catatan": "x", "pilihan": ""}),
        ("penilai-eviden", "get", [g, eb_id], {}),
        ("penilai-selisih", "get", [g], {}),
        ("penilai-putusan", "get", [g], {}),
        ("penilai-putusan", "post", [g], {"kesimpulan": "MS", "alasan": "x"}),
        ("penilai-publikasikan", "get", [g], {}),
        ("penilai-publikasikan", "post", [g], {"yakin": "on"}),
    ]


def minta(client, metode, nama, args, data):
    url = reverse(nama, args=args)
    return client.post(url, data) if metode == "post" else client.get(url)


def sasaran(atas, p=None):
    """A listed soal id and an evidence id of the assessors' submission."""
    p = p or atas.pengajuan
    eb = EvidenBeku.objects.filter(pengajuan=p).order_by("pk").first()
    return soal(atas, "A.I.1.i.1").pk, eb.pk if eb else 999_999


# --- Access ------------------------------------------------------------------------------------


def test_every_workspace_url_is_checked_by_the_loops():
    nama = {p.name for p in penilai_urls.urlpatterns if isinstance(p, URLPattern)}
    assert nama - {"penilai-beranda"} == {n for n, *_x in alamat(1, 1, 1)}


def test_the_layer_stages_named_in_pokja_are_stages():
    assert {t for daftar in TAHAPAN_LAPISAN.values() for t in daftar} <= set(JenisTahapan.values)


def test_the_assessor_in_force_opens_every_workspace_page(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    s_id, eb_id = sasaran(atas, terisi)
    g = atas.penugasan["tpp"].pk
    for nama, metode, args, data in alamat(g, s_id, eb_id):
        if metode == "get":
            r = minta(client, metode, nama, args, data)
            assert r.status_code in (200, 302), (nama, r.status_code)


@pytest.mark.parametrize("nama", ["tpp_lewat", "tpp_lain"])
def test_an_assessor_outside_the_window_or_for_another_satker_gets_404_everywhere(
    client, terisi, atas, nama
):
    client.force_login(atas.user[nama])
    s_id, eb_id = sasaran(atas, terisi)
    for g in (atas.penugasan["tpp"].pk, atas.penugasan[nama].pk):
        for url_nama, metode, args, data in alamat(g, s_id, eb_id):
            if nama == "tpp_lain" and g == atas.penugasan[nama].pk:
                continue  # their own grant for the other satker: see the next test
            r = minta(client, metode, url_nama, args, data)
            assert r.status_code == 404, (nama, g, url_nama, metode, r.status_code)
    assert not JawabanPenilai.objects.exists()
    assert not PutusanPenilai.objects.exists()


def test_an_assessor_of_another_satker_cannot_reach_this_teams_evidence(client, terisi, atas):
    client.force_login(atas.user["tpp_lain"])
    g = atas.penugasan["tpp_lain"].pk
    # Their own grant works (the other team's submission)...
    assert client.get(reverse("penilai-ringkasan", args=[g])).status_code == 200
    # ...but this team's evidence through it does not.
    for eb in EvidenBeku.objects.filter(pengajuan=terisi)[:3]:
        assert client.get(reverse("penilai-eviden", args=[g, eb.pk])).status_code == 404


@pytest.mark.parametrize("nama", [*PERSONA, "luar", "admin_kanwil", "admin_lain", "root", "tpi"])
def test_team_members_kanwil_admins_outsiders_and_other_assessors_get_404(
    client, terisi, atas, nama
):
    user = atas.dunia.user.get(nama) or atas.user[nama]
    client.force_login(user)
    s_id, eb_id = sasaran(atas, terisi)
    for url_nama, metode, args, data in alamat(atas.penugasan["tpp"].pk, s_id, eb_id):
        r = minta(client, metode, url_nama, args, data)
        assert r.status_code == 404, (nama, url_nama, metode, r.status_code)
    assert not JawabanPenilai.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, terisi, atas):
    s_id, eb_id = sasaran(atas, terisi)
    masuk = reverse("masuk")
    daftar = alamat(atas.penugasan["tpp"].pk, s_id, eb_id)
    for url_nama, metode, args, data in [("penilai-beranda", "get", [], {}), *daftar]:
        r = minta(client, metode, url_nama, args, data)
        assert r.status_code == 302 and r.url.startswith(masuk), (url_nama, metode)


def test_home_lists_only_the_users_grants_in_force(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    r = client.get(reverse("penilai-beranda"))
    html = r.content.decode()
    assert r.status_code == 200
    assert f'data-penugasan="{atas.penugasan["tpp"].pk}"' in html
    assert f'data-penugasan="{atas.penugasan["tpi"].pk}"' not in html
    assert f"#{terisi.nomor}" in html
    assert "data-progres>0/127<" in html
    simpan(atas, "A.I.1.i.1", pilihan="Tidak")
    assert "data-progres>1/127<" in client.get(reverse("penilai-beranda")).content.decode()
    # The window ended: the grant is gone from the list; users without grants: empty state.
    for nama in ("tpp_lewat", "admin_kanwil"):
        client.force_login(atas.user[nama])
        html = client.get(reverse("penilai-beranda")).content.decode()
        assert "data-tanpa-penugasan" in html and "data-penugasan=" not in html
    client.force_login(atas.dunia.user["ketua"])
    assert "data-tanpa-penugasan" in client.get(reverse("penilai-beranda")).content.decode()


def test_the_home_picks_the_same_submission_as_the_access_rule(terisi, atas):
    from penilaian.akses import penugasan_aktif

    for nama in ("tpp", "tpi", "tpp_lain"):
        (b,) = selectors.beranda(penugasan_aktif(atas.user[nama]))
        assert b.pengajuan == ruang(atas, nama).pengajuan


# --- Writes: own layer only, never the unit's ---------------------------------------------------


def test_an_assessor_cannot_write_the_units_answers(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    d = atas.dunia
    s = soal(atas, "A.I.1.i.2")
    a = [d.lembar.pk, s.pk]
    for nama, data in (
        ("soal-jawaban", {"versi": 1, "pilihan": "C", "penjelasan": "x"}),
        ("soal-ajukan", {}),
        ("soal-reviu", {"keputusan": "kembalikan", "catatan": "x"}),
        ("soal-tautan", {"tautan": TAUTAN + "/baru"}),
    ):
        assert client.post(reverse(nama, args=a), data).status_code == 404, nama
    for url in (
        reverse("soal-kartu", args=a),
        reverse("pokja-soal", args=[d.pokja(1).pk]),
        reverse("pengajuan", args=[d.tim.pk, terisi.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert d.lembar.jawaban.get(soal=s).pilihan == "A"


def test_posting_anything_writes_only_the_grants_layer_on_the_grants_submission(
    client, terisi, atas
):
    client.force_login(atas.user["tpp"])
    s = soal(atas, "A.I.1.i.2")
    url = reverse("penilai-simpan", args=[atas.penugasan["tpp"].pk, s.pk])
    r = client.post(
        url,
        {
            "versi": 0,
            "pilihan": "B",
            "catatan": "catatan tpp",
            "lapisan": "tpi",
            "pengajuan": atas.pengajuan.pk,
            "soal": soal(atas, "A.I.1.i.1").pk,
        },
    )
    assert r.status_code == 302
    (row,) = JawabanPenilai.objects.all()
    assert (row.lapisan, row.pengajuan_id, row.soal_id) == ("tpp", terisi.pk, s.pk)
    # The TPI assessor writes TPI rows, whatever they post; TPP's row is untouched.
    client.force_login(atas.user["tpi"])
    url = reverse("penilai-simpan", args=[atas.penugasan["tpi"].pk, s.pk])
    r = client.post(url, {"versi": 0, "pilihan": "C", "catatan": "catatan tpi", "lapisan": "tpp"})
    assert r.status_code == 302
    assert sorted(JawabanPenilai.objects.values_list("lapisan", "pilihan", "catatan")) == [
        ("tpi", "C", "catatan tpi"),
        ("tpp", "B", "catatan tpp"),
    ]
    # Nor does the TPI assessor reach the TPP grant's URL.
    url = reverse("penilai-simpan", args=[atas.penugasan["tpp"].pk, s.pk])
    assert client.post(url, {"versi": 1, "pilihan": "A"}).status_code == 404
    assert JawabanPenilai.objects.get(lapisan="tpp").pilihan == "B"


def test_a_jumlah_input_is_answered_on_its_percent_soal_not_alone(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    agen = soal(atas, "A.II.1.i.1")
    assert client.get(reverse("penilai-soal", args=[g, agen.pk])).status_code == 404
    assert (
        client.post(reverse("penilai-simpan", args=[g, agen.pk]), {"versi": 0}).status_code == 404
    )
    assert client.get(reverse("penilai-soal", args=[g, 999_999])).status_code == 404


def test_invalid_answers_are_refused_with_the_text_kept(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    s = soal(atas, "A.I.1.i.2")
    r = client.post(
        reverse("penilai-simpan", args=[g, s.pk]),
        {"versi": 0, "pilihan": "Z", "catatan": "teks yang tidak boleh hilang"},
    )
    assert r.status_code == 422
    assert "teks yang tidak boleh hilang" in r.content.decode()
    # A % soal's inputs must obey its rules (part not larger than the whole).
    persen = soal(atas, "A.II.1.i.6")
    masukan = {m.nama: m.masukan_id for m in persen.daftar_masukan.all()}
    r = client.post(
        reverse("penilai-simpan", args=[g, persen.pk]),
        {
            "versi": 0,
            f"masukan_{masukan['perubahan']}": 2,
            f"masukan_{masukan['terintegrasi']}": 5,
            "catatan": "angka tidak masuk akal",
        },
        HTTP_ACCEPT="application/json",
    )
    assert r.status_code == 422 and not r.json()["ok"]
    assert not JawabanPenilai.objects.exists()


def test_a_stale_version_is_refused_and_nothing_is_lost(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    s = soal(atas, "A.I.1.i.2")
    url = reverse("penilai-simpan", args=[atas.penugasan["tpp"].pk, s.pk])
    # Two tabs open at version 0; the first saves.
    assert client.post(url, {"versi": 0, "pilihan": "B", "catatan": "tab satu"}).status_code == 302
    # The second (no JS): 409, its typed text back in the form, the stored text shown.
    r = client.post(url, {"versi": 0, "pilihan": "C", "catatan": "tab dua, jangan hilang"})
    html = r.content.decode()
    assert r.status_code == 409
    assert "tab dua, jangan hilang</textarea>" in html
    assert "data-bentrok" in html and "tab satu" in html
    assert 'name="versi" value="1"' in html  # saving again overwrites, knowingly
    row = JawabanPenilai.objects.get()
    assert (row.versi, row.pilihan, row.catatan) == (1, "B", "tab satu")
    # The autosave (JSON) gets the same refusal with the current version.
    r = client.post(url, {"versi": 0, "catatan": "lagi"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 409
    j = r.json()
    assert j["bentrok"] and j["versi"] == 1 and j["tersimpan"]["catatan"] == "tab satu"
    assert "diubah di tab atau perangkat lain" in j["pesan"]
    # With the current version, the save goes through.
    r = client.post(
        url, {"versi": 1, "pilihan": "C", "catatan": "tab dua"}, HTTP_ACCEPT="application/json"
    )
    assert r.status_code == 200 and r.json()["versi"] == 2
    row.refresh_from_db()
    assert (row.versi, row.pilihan, row.catatan) == (2, "C", "tab dua")
    assert row.history.count() == 2


def test_autosave_answers_json_and_the_plain_form_moves_on(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    daftar = selectors.daftar_soal(terisi.instrumen)
    pertama, kedua = daftar[0].soal, daftar[1].soal
    url = reverse("penilai-simpan", args=[g, pertama.pk])
    r = client.post(url, {"versi": 0, "catatan": "ketik"}, HTTP_ACCEPT="application/json")
    j = r.json()
    assert (
        r.status_code == 200 and j["ok"] and j["versi"] == 1 and j["pesan"].startswith("Tersimpan")
    )
    r = client.post(url, {"versi": 1, "pilihan": "Tidak", "catatan": "ketik", "lanjut": "1"})
    assert r.status_code == 302 and r.url == reverse("penilai-soal", args=[g, kedua.pk])


def test_writes_after_publishing_are_refused_with_403(client, terisi, atas):
    isi_contoh(atas)
    r = ruang(atas)
    services.simpan_putusan(ruang=r, user=atas.user["tpp"], kesimpulan="TMS", alasan="Kurang.")
    services.publikasikan(ruang=ruang(atas), user=atas.user["tpp"])
    sebelum = sorted(JawabanPenilai.objects.values_list("soal_id", "versi", "pilihan", "catatan"))
    putusan = PutusanPenilai.objects.values().get()
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    s = soal(atas, "A.I.1.i.1")
    versi = JawabanPenilai.objects.get(soal=s).versi
    r = client.post(reverse("penilai-simpan", args=[g, s.pk]), {"versi": versi, "pilihan": "Ya"})
    assert r.status_code == 403 and "sudah dipublikasikan" in r.content.decode()
    r = client.post(
        reverse("penilai-simpan", args=[g, s.pk]),
        {"versi": versi, "catatan": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert r.status_code == 403 and not r.json()["ok"]
    assert (
        client.post(
            reverse("penilai-putusan", args=[g]), {"kesimpulan": "MS", "alasan": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("penilai-publikasikan", args=[g]), {"yakin": "on"}).status_code == 403
    )
    with pytest.raises(services.Terkunci):
        simpan(atas, "A.I.1.i.2", pilihan="A")
    assert (
        sorted(JawabanPenilai.objects.values_list("soal_id", "versi", "pilihan", "catatan"))
        == sebelum
    )
    assert PutusanPenilai.objects.values().get() == putusan
    # The pages still read (read-only): the fast review shows no form.
    html = client.get(reverse("penilai-soal", args=[g, s.pk])).content.decode()
    assert "data-penilai-form" not in html and "data-jawaban-final" in html
    # Another layer is not locked by TPP's publication.
    simpan(atas, "A.I.1.i.2", nama="tpi", pilihan="B")


# --- Scores ------------------------------------------------------------------------------------


def isian_mandiri(p, jawaban):
    """The assessor's answers computed here, independently: the frozen rows overlaid with
    ``jawaban`` ({soal id: Isian})."""
    isian = {
        sid: skor.Isian(pilihan=pil, angka=ang)
        for sid, pil, ang in JawabanBeku.objects.filter(pengajuan=p).values_list(
            "soal_id", "pilihan", "angka"
        )
    }
    isian.update(jawaban)
    return isian


def test_without_assessor_answers_the_assessor_score_is_the_units(terisi, atas):
    k = selectors.muat_kerja(ruang(atas))
    assert k.hasil_penilai.total == k.hasil_unit.total
    assert round(k.hasil_unit.total, 4) == terisi.total
    assert k.isian_dinilai == 0 and k.belum_dinilai == len(k.baris)


def test_the_assessor_score_is_the_engine_on_the_assessors_answers(client, terisi, atas):
    isi_contoh(atas)
    agen, perubahan = soal(atas, "A.II.1.i.1"), soal(atas, "A.II.1.i.2")
    jawaban = {
        soal(atas, "A.I.1.i.1").pk: skor.Isian(pilihan="Tidak"),
        soal(atas, "A.I.1.i.2").pk: skor.Isian(pilihan="C"),
        soal(atas, "A.I.2.i.2").pk: skor.Isian(pilihan="A"),
        soal(atas, "B.I.1").pk: skor.Isian(angka=Decimal("2.5")),
        agen.pk: skor.Isian(angka=Decimal(4)),
        perubahan.pk: skor.Isian(angka=Decimal(1)),
    }
    harapan = skor.hitung(instrumen_lke(terisi.instrumen), isian_mandiri(terisi, jawaban))
    k = selectors.muat_kerja(ruang(atas))
    assert k.hasil_penilai.total == harapan.total
    assert k.hasil_penilai.pengungkit == harapan.pengungkit
    assert k.hasil_penilai.hasil == harapan.hasil
    assert {n: a.nilai for n, a in k.hasil_penilai.area.items()} == {
        n: a.nilai for n, a in harapan.area.items()
    }
    assert harapan.total < k.hasil_unit.total
    b = k.cari(soal(atas, "A.II.1.i.3").pk)
    assert b.dinilai and b.berbeda and b.teks_penilai == "25 %"
    assert k.cari(soal(atas, "A.I.2.i.2").pk).status == "sama"
    assert k.cari(soal(atas, "A.I.1.i.2").pk).status == "berbeda"
    assert k.isian_dinilai == 6
    # Published: the verdict keeps the engine's score.
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    r = client.post(
        reverse("penilai-putusan", args=[g]),
        {"kesimpulan": "TMS", "alasan": "Pembentukan tim belum sah.", "aksi": "publikasikan"},
    )
    assert r.status_code == 302 and r.url == reverse("penilai-publikasikan", args=[g])
    assert "Pembentukan tim belum sah." in client.get(r.url).content.decode()
    assert client.post(r.url, {}).status_code == 422  # the box must be ticked
    assert PutusanPenilai.objects.get().dipublikasikan_pada is None
    assert client.post(r.url, {"yakin": "on"}).status_code == 302
    x = PutusanPenilai.objects.get()
    assert (x.lapisan, x.tahapan, x.pengajuan_id) == ("tpp", "pendahuluan", terisi.pk)
    assert x.dipublikasikan_oleh == atas.user["tpp"] and x.dipublikasikan_pada
    assert x.total == round(harapan.total, 4)
    assert x.pengungkit == round(harapan.pengungkit, 4)
    assert x.hasil == round(harapan.hasil, 4)
    assert x.area == {str(n): str(round(a.nilai, 4)) for n, a in harapan.area.items()}


def test_the_gap_view_adds_up(client, terisi, atas):
    isi_contoh(atas)
    simpan(atas, "A.I.5.i.1", pilihan="C")
    k = selectors.muat_kerja(ruang(atas))
    s = selectors.selisih(k)
    hu, hp = k.hasil_unit, k.hasil_penilai
    tepat = Decimal("1e-20")
    for a in s.area:
        n = int(a.kode.removeprefix("area_"))
        assert abs(a.selisih - (hp.area[n].nilai - hu.area[n].nilai)) < tepat, a.kode
        assert a.selisih == sum((b.poin_penilai - b.poin_unit for b in a.baris), Decimal(0))
    assert abs(s.selisih_pengungkit - (hp.pengungkit - hu.pengungkit)) < tepat
    assert abs(s.selisih_hasil - (hp.hasil - hu.hasil)) < tepat
    assert abs(s.selisih_total - (hp.total - hu.total)) < tepat
    assert s.selisih_total == sum((a.selisih for a in s.bagian), Decimal(0))
    assert s.selisih_total < 0 and s.selisih_hasil < 0
    # Every scored soal is in exactly one part.
    dihitung = [b.soal.pk for a in s.bagian for b in a.baris]
    assert sorted(dihitung) == sorted(hu.soal)
    client.force_login(atas.user["tpp"])
    html = client.get(reverse("penilai-selisih", args=[atas.penugasan["tpp"].pk])).content.decode()
    assert 'data-bagian="total"' in html and 'data-rincian="area_5"' in html


# --- Fast review -------------------------------------------------------------------------------


def test_fast_review_shows_the_frozen_answer_evidence_and_walks_in_instrument_order(
    client, terisi, atas
):
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    daftar = selectors.daftar_soal(terisi.instrumen)
    # Instrument order: the LKE workbook's rows; Jumlah inputs folded into their % soal.
    baris = [x.soal.excel_baris for x in daftar]
    assert baris == sorted(baris)
    assert "A.II.1.i.1" not in [x.soal.kode for x in daftar]
    s = soal(atas, "A.I.1.i.1")
    r = client.get(reverse("penilai-soal", args=[g, s.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "data-penjelasan-unit" in html and "Lihat eviden terlampir." in html
    assert "Pintasan keyboard" in html and "js/penilai.js" in html
    assert (
        f'href="{reverse("penilai-soal", args=[g, daftar[1].soal.pk])}" data-soal-sesudah' in html
    )
    eviden = list(EvidenBeku.objects.filter(pengajuan=terisi, soal=s))
    assert len(eviden) == 2
    for e in eviden:
        assert reverse("penilai-eviden", args=[g, e.pk]) in html
    # The stored PDF is served as submitted, the link redirects out.
    berkas = next(e for e in eviden if e.versi.nama_asli == "sk-tim-zi.pdf")
    r = client.get(reverse("penilai-eviden", args=[g, berkas.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    tautan = EvidenBeku.objects.get(
        pengajuan=terisi, soal=soal(atas, "A.I.1.i.2"), versi__tautan=TAUTAN
    )
    r = client.get(reverse("penilai-eviden", args=[g, tautan.pk]))
    assert r.status_code == 302 and r.url == TAUTAN
    # Evidence of the earlier submission is not this grant's.
    lama = EvidenBeku.objects.filter(pengajuan=atas.pengajuan).first()
    if lama:
        assert client.get(reverse("penilai-eviden", args=[g, lama.pk])).status_code == 404
    # A % soal: the unit's inputs and computed value, the assessor's inputs.
    persen = soal(atas, "A.II.1.i.3")
    html = client.get(reverse("penilai-soal", args=[g, persen.pk])).content.decode()
    assert "Jumlah Agen Perubahan" in html and "data-masukan" in html
    assert "100 %" in html


def test_other_layers_are_visible_read_only_once_published(client, terisi, atas):
    simpan(atas, "A.I.1.i.2", pilihan="C", catatan="CATATAN-TPP-SOAL")
    services.simpan_putusan(ruang=ruang(atas), user=atas.user["tpp"], kesimpulan="MS", alasan="a")
    client.force_login(atas.user["tpi"])
    url = reverse("penilai-soal", args=[atas.penugasan["tpi"].pk, soal(atas, "A.I.1.i.2").pk])
    assert "CATATAN-TPP-SOAL" not in client.get(url).content.decode()
    services.publikasikan(ruang=ruang(atas), user=atas.user["tpp"])
    html = client.get(url).content.decode()
    assert "data-lapisan-lain" in html and "CATATAN-TPP-SOAL" in html
    # The TPI assessor's own score still starts from the unit's answers.
    k = selectors.muat_kerja(ruang(atas, "tpi"))
    assert k.hasil_penilai.total == k.hasil_unit.total


def test_a_new_submission_gets_a_fresh_workspace_with_the_earlier_notes_for_reference(client, atas):
    simpan(atas, "A.I.1.i.2", pilihan="C", catatan="CATATAN-PENGAJUAN-1")
    assert ruang(atas).pengajuan == atas.pengajuan
    baru = ajukan_ulang(atas)
    r = ruang(atas)
    assert r.pengajuan == baru and baru.nomor == 2
    k = selectors.muat_kerja(r)
    assert k.isian_dinilai == 0
    client.force_login(atas.user["tpp"])
    url = reverse("penilai-soal", args=[atas.penugasan["tpp"].pk, soal(atas, "A.I.1.i.2").pk])
    html = client.get(url).content.decode()
    assert "data-catatan-lalu" in html and "CATATAN-PENGAJUAN-1" in html
    assert "CATATAN-PENGAJUAN-1</textarea>" not in html


# --- The team's side ---------------------------------------------------------------------------


def test_published_notes_are_visible_to_the_team_unpublished_ones_are_not(client, terisi, atas):
    d = atas.dunia
    simpan(atas, "A.I.1.i.2", pilihan="C", catatan="CATATAN-TPP")
    simpan(atas, "A.I.1.i.2", nama="tpi", pilihan="B", catatan="CATATAN-TPI")
    services.simpan_putusan(
        ruang=ruang(atas), user=atas.user["tpp"], kesimpulan="TMS", alasan="ALASAN-TPP"
    )
    services.simpan_putusan(
        ruang=ruang(atas, "tpi"), user=atas.user["tpi"], kesimpulan="MS", alasan="ALASAN-TPI"
    )
    url = reverse("pengajuan", args=[d.tim.pk, terisi.pk])
    rahasia = ("CATATAN-TPP", "CATATAN-TPI", "ALASAN-TPP", "ALASAN-TPI", "data-putusan-penilai")
    for nama in ("ketua", "anggota1", "kepala"):
        client.force_login(d.user[nama])
        html = client.get(url).content.decode()
        assert not any(x in html for x in rahasia), nama
    assert not Notifikasi.objects.filter(tautan=url, teks__startswith="Penilai").exists()

    services.publikasikan(ruang=ruang(atas), user=atas.user["tpp"])
    for nama in ("ketua", "anggota1", "kepala"):
        client.force_login(d.user[nama])
        html = client.get(url).content.decode()
        assert "CATATAN-TPP" in html and "ALASAN-TPP" in html, nama
        assert "CATATAN-TPI" not in html and "ALASAN-TPI" not in html, nama
        assert 'data-putusan-lapisan="tpp"' in html and 'data-putusan-lapisan="tpi"' not in html
    # The chair is told, with the way to answer: fix and submit again in the correction window.
    client.force_login(d.user["ketua"])
    html = client.get(url).content.decode()
    assert "data-masa-perbaikan" in html
    assert reverse("ajukan", args=[d.tim.pk, terisi.tahapan_id]) in html
    client.force_login(d.user["anggota1"])
    assert (
        reverse("ajukan", args=[d.tim.pk, terisi.tahapan_id])
        not in client.get(url).content.decode()
    )
    # Notifications: chair, secretary and the Pokja coordinators, linking to the page.
    dari_penilai = Notifikasi.objects.filter(tautan=url, teks__startswith="Penilai")
    diberi = set(dari_penilai.values_list("user__username", flat=True))
    assert diberi == {"ketua", "sekretaris", "koordinator1"}
    teks = dari_penilai.first().teks
    assert "TPP" in teks and "TMS" in teks


def test_the_team_page_reads_a_fixed_number_of_queries(
    client, terisi, atas, django_assert_max_num_queries
):
    d = atas.dunia
    client.force_login(d.user["ketua"])
    url = reverse("pengajuan", args=[d.tim.pk, terisi.pk])
    client.get(url)
    isi_contoh(atas)
    services.simpan_putusan(ruang=ruang(atas), user=atas.user["tpp"], kesimpulan="MS", alasan="a")
    services.publikasikan(ruang=ruang(atas), user=atas.user["tpp"])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


# --- Verdict -----------------------------------------------------------------------------------


def test_the_verdict_needs_a_conclusion_and_a_reason_and_a_draft_stays_private(
    client, terisi, atas
):
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    url = reverse("penilai-putusan", args=[g])
    for data in (
        {"kesimpulan": "MS", "alasan": "  "},
        {"alasan": "Baik"},
        {"kesimpulan": "X", "alasan": "a"},
    ):
        assert client.post(url, data).status_code == 422
    assert not PutusanPenilai.objects.exists()
    # Publishing without a saved verdict sends back to the form.
    r = client.get(reverse("penilai-publikasikan", args=[g]))
    assert r.status_code == 302 and r.url == url
    assert client.post(url, {"kesimpulan": "MS", "alasan": "Baik"}).status_code == 302
    x = PutusanPenilai.objects.get()
    assert (x.kesimpulan, x.alasan, x.dipublikasikan_pada, x.total) == ("MS", "Baik", None, None)
    html = client.get(url).content.decode()
    assert "Baik</textarea>" in html


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("halaman", ["ringkasan", "soal", "selisih", "putusan"])
def test_pages_read_a_fixed_number_of_queries(
    client, terisi, atas, halaman, django_assert_max_num_queries
):
    client.force_login(atas.user["tpp"])
    g = atas.penugasan["tpp"].pk
    args = [g, soal(atas, "A.I.1.i.1").pk] if halaman == "soal" else [g]
    url = reverse(f"penilai-{halaman}", args=args)
    client.get(url)  # the instrument is read once per process

    def hitung():
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q)

    kosong = hitung()
    isi_contoh(atas)
    for kode in ("A.I.2.i.1", "A.I.3.i.1", "A.I.4.i.1", "A.I.5.i.1", "A.I.6.i.1"):
        simpan(atas, kode, pilihan=soal(atas, kode).opsi[-1]["kode"], catatan=f"catatan {kode}")
    # Session, user, the grant's four, soal, inputs, frozen answers, verdicts, assessor rows,
    # the submitter, the menu's three; the card adds its evidence and the earlier notes.
    with django_assert_max_num_queries(17 if halaman == "soal" else 15):
        banyak = hitung()
    assert banyak == kosong


def test_the_autosave_json_is_valid_json_for_the_script(client, terisi, atas):
    client.force_login(atas.user["tpp"])
    url = reverse("penilai-simpan", args=[atas.penugasan["tpp"].pk, soal(atas, "B.I.1").pk])
    r = client.post(
        url, {"versi": 0, "angka": "3,25", "catatan": "ok"}, HTTP_ACCEPT="application/json"
    )
    j = json.loads(r.content)
    assert r.status_code == 200 and j["jawaban"] == "3,25"
    assert JawabanPenilai.objects.get().angka == Decimal("3.25")
    r = client.post(url, {"versi": 1, "angka": "4,5"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 422 and JawabanPenilai.objects.get().angka == Decimal("3.25")
