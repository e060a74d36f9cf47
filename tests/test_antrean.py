"""The review queue, "Tugas saya" sections, the Komponen Hasil page, and the checks of
Jumlah inputs in plain Indonesian."""

from decimal import Decimal

import pytest
from django.urls import reverse

from eviden.models import Butir, Jawaban, Soal, StatusButir
from pokja.models import Notifikasi

from . import contoh_berkas as cb
from .test_ruang_kerja import aksi, jawab, kartu_url, siap_diajukan, soal
from .test_unggah import unggah

pytestmark = pytest.mark.django_db


def _soal_area(dunia, area, n):
    return list(
        Soal.objects.filter(instrumen=dunia.lembar.instrumen, area_pokja=area, jenis="abc")[:n]
    )


def _ajukan(client, dunia, s, area, siapa):
    client.force_login(dunia.user[siapa])
    siap_diajukan(client, dunia, s, area=area)
    assert aksi(client, dunia, s, "ajukan").status_code == 200


def test_queue_lists_exactly_what_the_user_may_review_oldest_first(client, dunia):
    s1a, s1b = _soal_area(dunia, 1, 2)
    (s2,) = _soal_area(dunia, 2, 1)
    _ajukan(client, dunia, s1b, 1, "anggota1")  # submitted first
    _ajukan(client, dunia, s1a, 1, "anggota1")
    _ajukan(client, dunia, s2, 2, "anggota2")
    client.force_login(dunia.user["anggota1"])
    s1c = _soal_area(dunia, 1, 3)[2]
    siap_diajukan(client, dunia, s1c)  # draft: not waiting, never listed

    client.force_login(dunia.user["koordinator1"])
    html = client.get(reverse("antrean-reviu")).content.decode()
    kode = [s.kode for s in (s1a, s1b, s2, s1c) if f'data-antrean="{s.kode}"' in html]
    assert sorted(kode) == sorted([s1a.kode, s1b.kode])  # nothing of Pokja II
    assert html.index(f'data-antrean="{s1b.kode}"') < html.index(f'data-antrean="{s1a.kode}"')
    assert "data-pratinjau-pdf" in html  # the PDF preview is on the page
    assert 'data-antrean-reviu="2"' in html  # the count in the navigation

    client.force_login(dunia.user["ketua"])
    html = client.get(reverse("antrean-reviu")).content.decode()
    assert html.count("data-antrean=") == 3 and 'data-antrean-reviu="3"' in html

    for siapa in ("anggota1", "kepala", "kasubbag", "luar"):
        client.force_login(dunia.user[siapa])
        html = client.get(reverse("antrean-reviu")).content.decode()
        assert "data-antrean=" not in html and "data-antrean-kosong" in html, siapa
        # Only reviewers have the queue in the navigation (luar reviews in its own team).
        menu = "data-antrean-reviu" in client.get(reverse("beranda")).content.decode()
        assert menu == (siapa == "luar"), siapa


def test_approve_and_return_on_the_queue_page(client, dunia):
    s1a, s1b = _soal_area(dunia, 1, 2)
    _ajukan(client, dunia, s1a, 1, "anggota1")
    _ajukan(client, dunia, s1b, 1, "anggota1")
    client.force_login(dunia.user["koordinator1"])
    data = {"keputusan": "kembalikan", "catatan": "", "tampilan": "antrean"}
    r = aksi(client, dunia, s1a, "reviu", data)
    assert r.status_code == 422 and "Tulis catatan perbaikan" in r.content.decode()
    assert f'data-antrean="{s1a.kode}"' in r.content.decode()  # still there to fix
    data["catatan"] = "Lampirkan notulen"
    r = aksi(client, dunia, s1a, "reviu", data)
    assert r.status_code == 200 and "data-antrean-selesai" in r.content.decode()
    r = aksi(client, dunia, s1b, "reviu", {"keputusan": "setujui", "tampilan": "antrean"})
    assert "Disetujui." in r.content.decode()
    assert Butir.objects.get(soal=s1a).status == StatusButir.PERLU_PERBAIKAN
    assert Butir.objects.get(soal=s1b).status == StatusButir.DISETUJUI
    assert "data-antrean=" not in client.get(reverse("antrean-reviu")).content.decode()


def test_queue_query_count_does_not_grow(client, dunia, django_assert_num_queries):
    client.force_login(dunia.user["ketua"])
    # session, user, waiting soal, menu memberships, the team's Pokja, unread notifications,
    # queue count
    with django_assert_num_queries(7):
        client.get(reverse("antrean-reviu"))
    for s in _soal_area(dunia, 1, 3):
        _ajukan(client, dunia, s, 1, "anggota1")
        client.force_login(dunia.user["anggota1"])
        unggah(client, dunia, s, "lain.pdf", cb.pdf("lain " + s.kode))
    client.force_login(dunia.user["ketua"])
    # + answers, attachments, versions, Pokja (formula inputs: one more when a % soal waits)
    with django_assert_num_queries(11):
        html = client.get(reverse("antrean-reviu")).content.decode()
    assert html.count("data-antrean=") == 3


def test_my_tasks_lists_returned_soal_and_soal_waiting_for_my_review(client, dunia):
    s1a, s1b = _soal_area(dunia, 1, 2)
    _ajukan(client, dunia, s1a, 1, "anggota1")
    _ajukan(client, dunia, s1b, 1, "anggota1")
    client.force_login(dunia.user["koordinator1"])
    html = client.get(reverse("tugas-saya")).content.decode()
    assert html.count('data-jenis="reviu"') == 2
    aksi(client, dunia, s1a, "reviu", {"keputusan": "kembalikan", "catatan": "Kurang ttd"})
    client.force_login(dunia.user["anggota1"])
    html = client.get(reverse("tugas-saya")).content.decode()
    assert f'data-tugas="{s1a.kode}" data-jenis="perbaikan"' in html and "Kurang ttd" in html
    assert 'data-jenis="reviu"' not in html  # a member reviews nothing
    client.force_login(dunia.user["anggota2"])
    assert "data-tugas=" not in client.get(reverse("tugas-saya")).content.decode()


def test_hasil_soal_are_answered_by_the_chair_on_their_own_page(client, dunia):
    hasil = Soal.objects.filter(instrumen=dunia.lembar.instrumen, area_pokja__isnull=True)
    hasil = hasil.exclude(jenis="jumlah").order_by("kode")
    assert hasil.count() == 3
    url = reverse("tim-hasil", args=[dunia.tim.pk])
    client.force_login(dunia.user["ketua"])
    html = client.get(url).content.decode()
    assert html.count("data-soal=") == 3 and "Komponen Hasil" in html
    ipak = next(s for s in hasil if s.jenis == "nilai_0_4")
    r = jawab(client, dunia, ipak, versi=0, angka="3,6", penjelasan="Survei IPAK 2026")
    assert r.status_code == 200 and Jawaban.objects.get(soal=ipak).angka == Decimal("3.6")
    unggah(client, dunia, ipak, "laporan survei.pdf", cb.pdf("survei"))
    Notifikasi.objects.all().delete()
    assert aksi(client, dunia, ipak, "ajukan").status_code == 200
    # The team secretary reviews it (koordinator of a Pokja does not).
    assert set(Notifikasi.objects.values_list("user__username", flat=True)) == {"sekretaris"}
    client.force_login(dunia.user["koordinator1"])
    assert "data-antrean=" not in client.get(reverse("antrean-reviu")).content.decode()
    assert aksi(client, dunia, ipak, "reviu", {"keputusan": "setujui"}).status_code == 403
    client.force_login(dunia.user["sekretaris"])
    assert aksi(client, dunia, ipak, "reviu", {"keputusan": "setujui"}).status_code == 200
    # Pokja members read the page but cannot answer.
    client.force_login(dunia.user["anggota1"])
    assert client.get(url).status_code == 200
    assert jawab(client, dunia, hasil[0], versi=0, angka="1").status_code == 403
    client.force_login(dunia.user["luar"])
    assert client.get(url).status_code == 404


def _persen(dunia):
    persen = soal(dunia, "A.II.1.i.6")  # terintegrasi / perubahan
    masukan = {m.nama: m.masukan for m in persen.daftar_masukan.select_related("masukan")}
    return persen, masukan


def test_impossible_jumlah_inputs_are_refused_naming_them(client, dunia):
    persen, m = _persen(dunia)
    client.force_login(dunia.user["anggota1"])
    data = {
        "versi": 0,
        f"masukan_{m['perubahan'].pk}": "5",
        f"masukan_{m['terintegrasi'].pk}": "9",
    }
    r = jawab(client, dunia, persen, **data)
    html = r.content.decode()
    assert r.status_code == 422
    assert "(9)" in html and "(5)" in html and "terintegrasi" in html
    assert not Jawaban.objects.filter(soal__in=m.values()).exists()  # nothing saved
    assert 'value="9"' in html  # nothing lost: the typed numbers stay in the form
    # The live value says the same while typing.
    url = reverse("soal-hitung", args=[dunia.lembar.pk, persen.pk])
    r = client.post(url, {f"s{persen.pk}-{k}": v for k, v in data.items()})
    assert "data-syarat" in r.content.decode() and "(9)" in r.content.decode()


def test_the_value_in_words_capped_and_below_zero_notes(client, dunia):
    client.force_login(dunia.user["anggota1"])
    agen = soal(dunia, "A.II.1.i.3")
    m = {x.nama: x.masukan for x in agen.daftar_masukan.select_related("masukan")}
    url = reverse("soal-hitung", args=[dunia.lembar.pk, agen.pk])
    r = client.post(
        url,
        {f"s{agen.pk}-masukan_{m['agen'].pk}": "8", f"s{agen.pk}-masukan_{m['perubahan'].pk}": "6"},
    )
    html = r.content.decode()
    assert "6" in html and "8" in html and "75,00 %" in html and "bagi(" not in html
    r = client.post(
        url,
        {f"s{agen.pk}-masukan_{m['agen'].pk}": "4", f"s{agen.pk}-masukan_{m['perubahan'].pk}": "6"},
    )
    assert "100,00 %" in r.content.decode() and "data-catatan-batas" in r.content.decode()
    disiplin = soal(dunia, "A.II.3.iii.4")
    d = {x.nama: x.masukan for x in disiplin.daftar_masukan.select_related("masukan")}
    client.force_login(dunia.user["sekpokja2"])
    url = reverse("soal-hitung", args=[dunia.lembar.pk, disiplin.pk])
    r = client.post(
        url,
        {
            f"s{disiplin.pk}-masukan_{d['tahun_lalu'].pk}": "3",
            f"s{disiplin.pk}-masukan_{d['tahun_ini'].pk}": "5",
            f"s{disiplin.pk}-masukan_{d['disanksi'].pk}": "1",
        },
    )
    html = r.content.decode()
    assert "0,00 %" in html and "data-catatan-batas" in html and "3 → 5" in html


def test_a_soal_page_links_to_the_next_and_previous_soal(client, dunia):
    client.force_login(dunia.user["anggota1"])
    s = soal(dunia, "A.I.1.i.2")
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert 'rel="prev"' in html and "A.I.1.i.1" in html and "Soal 2 dari 16" in html
