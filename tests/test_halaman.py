"""Pages: login, Beranda, the Pokja page, languages, errors."""

import re

import pytest
from django.urls import reverse

from .factories import SANDI

pytestmark = pytest.mark.django_db


def masuk(client, user):
    client.force_login(user)
    return client


def test_login_page_is_in_indonesian(client):
    r = client.get(reverse("masuk"))
    html = r.content.decode()
    assert r.status_code == 200
    assert '<html lang="id">' in html
    for teks in ("Masuk ke ZI Portal", "Nama pengguna atau NIP", "Kata sandi", "Lupa kata sandi?"):
        assert teks in html


def test_login_with_username_or_nip_and_a_clear_error_otherwise(client, dunia):
    user = dunia.user["anggota1"]
    user.nip = "198001012005011001"
    user.save()
    r = client.post(reverse("masuk"), {"username": "anggota1", "password": "salah"})
    assert r.status_code == 200
    assert "Nama pengguna/NIP atau kata sandi salah." in r.content.decode()
    assert "_auth_user_id" not in client.session
    r = client.post(reverse("masuk"), {"username": user.nip, "password": SANDI})
    assert r.status_code == 302 and r.url == reverse("beranda")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_pages_need_login(client, dunia):
    for url in (reverse("beranda"), reverse("pokja-soal", args=[dunia.pokja(1).pk])):
        r = client.get(url)
        assert r.status_code == 302 and r.url.startswith(reverse("masuk") + "?next=")


def test_beranda_shows_the_teams_and_pokja_with_roles(client, dunia):
    html = masuk(client, dunia.user["anggota1"]).get(reverse("beranda")).content.decode()
    assert "Kankemenag Kota Uji" in html
    assert "Tim ZI tahun 2026" in html
    assert html.count('class="fw-semibold">Pokja ') == 6
    # The user's own Pokja is marked with their role.
    assert re.search(
        r"Pokja I Manajemen Perubahan</a>\s*<span[^>]*><span[^>]*>Anggota Pokja</span>", html
    )
    assert "Kankemenag Kabupaten Lain" not in html

    html = masuk(client, dunia.user["ketua"]).get(reverse("beranda")).content.decode()
    assert "peran Anda: <strong>Ketua Tim</strong>" in html


def test_navigation_depends_on_the_role(client, dunia):
    html = masuk(client, dunia.user["anggota1"]).get(reverse("beranda")).content.decode()
    assert 'data-menu="pokja-saya"' in html and 'data-menu="semua-pokja"' not in html
    html = masuk(client, dunia.user["kasubbag"]).get(reverse("beranda")).content.decode()
    assert 'data-menu="semua-pokja"' in html and 'data-menu="pokja-saya"' not in html
    assert ">Admin<" not in html


def test_a_user_without_a_team_is_told_what_to_do(client, django_user_model):
    user = django_user_model.objects.create_user("baru", nama_lengkap="Pegawai Baru")
    html = masuk(client, user).get(reverse("beranda")).content.decode()
    assert "Anda belum terdaftar sebagai anggota Tim ZI mana pun." in html


def test_pokja_page_is_a_compact_table_of_its_soal(client, dunia):
    html = (
        masuk(client, dunia.user["anggota1"])
        .get(reverse("pokja-soal", args=[dunia.pokja(1).pk]))
        .content.decode()
    )
    assert '<h1 class="h3">Pokja I Manajemen Perubahan</h1>' in html
    # Pemenuhan (12 soal) and reform (2 % items from 4 Jumlah inputs + 2) of area I.
    assert html.count("data-soal=") == 16
    assert "Unit kerja telah membentuk tim untuk melakukan pembangunan Zona Integritas" in html
    assert "Agen perubahan telah membuat perubahan yang konkret" in html
    # Sub-area headings with their weight (decimal comma), and the sticky sub-area menu.
    assert "bobot 0,5" in html and 'href="#sa-' in html
    # No forms, no criteria, no version lists on the table: those live on each soal's page.
    assert "Simpan jawaban" not in html and 'method="post" action="/lke/' not in html
    assert "Jika dengan prosedur/mekanisme yang jelas" not in html
    # Nothing of other areas.
    assert "Sistem Pemerintahan Berbasis Elektronik" not in html
    assert "Nilai Survey Persepsi Korupsi" not in html


def test_soal_page_holds_criteria_guidance_and_the_formula_in_words(client, dunia):
    from eviden.models import Soal

    instrumen = dunia.lembar.instrumen
    masuk(client, dunia.user["kepala"])
    s = Soal.objects.get(instrumen=instrumen, kode="A.I.1.i.2")
    html = client.get(reverse("soal-kartu", args=[dunia.lembar.pk, s.pk])).content.decode()
    assert "Jika dengan prosedur/mekanisme yang jelas dan mewakili seluruh unsur" in html
    assert "B · 0,50" in html  # each option once, with its multiplier
    assert html.count("Jika dengan prosedur/mekanisme yang jelas dan mewakili") == 1
    persen = Soal.objects.get(instrumen=instrumen, kode="A.II.1.i.3")
    html = client.get(reverse("soal-kartu", args=[dunia.lembar.pk, persen.pk])).content.decode()
    assert persen.uraian_rumus and persen.uraian_rumus in html
    assert "bagi(" not in html  # never the formula as code
    s1 = Soal.objects.get(instrumen=instrumen, kode="A.I.1.i.1")
    html = client.get(reverse("soal-kartu", args=[dunia.lembar.pk, s1.pk])).content.decode()
    assert "SK Tim Kerja Pembangunan ZI menuju WBK/WBBM" in html  # evidence guidance
    assert 'rel="next"' in html and 'rel="prev"' not in html  # the first soal of Pokja I
    # A Jumlah input has no page of its own: it is answered through its % soal.
    masukan = persen.daftar_masukan.first().masukan
    assert client.get(reverse("soal-kartu", args=[dunia.lembar.pk, masukan.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["kepala", "ketua", "kasubbag", "koordinator1", "anggota2"])
def test_every_team_member_may_read_every_pokja_page(client, dunia, persona):
    r = masuk(client, dunia.user[persona]).get(reverse("pokja-soal", args=[dunia.pokja(5).pk]))
    assert r.status_code == 200
    assert "Penguatan Pengawasan" in r.content.decode()


def test_outsider_gets_404_on_every_pokja_page_of_the_team(client, dunia):
    masuk(client, dunia.user["luar"])
    for pokja in dunia.tim.pokja.all():
        r = client.get(reverse("pokja-soal", args=[pokja.pk]))
        assert r.status_code == 404
        assert "Halaman tidak ditemukan" in r.content.decode()
    own = dunia.tim_luar.pokja.get(area=1)
    assert client.get(reverse("pokja-soal", args=[own.pk])).status_code == 200


def test_beranda_query_count_is_bounded(client, dunia, django_assert_num_queries):
    masuk(client, dunia.user["anggota1"])
    # session, user, memberships, the teams' Pokja, the menu's memberships, unread count
    with django_assert_num_queries(6):
        client.get(reverse("beranda"))


def test_english_is_available(client, dunia):
    masuk(client, dunia.user["anggota1"])
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert r.status_code == 302
    html = client.get(reverse("beranda")).content.decode()
    assert '<html lang="en">' in html
    assert "Welcome, " in html and "My Pokja" in html
    html = client.get(reverse("pokja-soal", args=[dunia.pokja(1).pk])).content.decode()
    assert "Awaiting review" in html and "16 questions" in html and "16 question<" not in html
    from eviden.models import Soal

    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode="A.I.1.i.1")
    html = client.get(reverse("soal-kartu", args=[dunia.lembar.pk, s.pk])).content.decode()
    assert "Evidence guidance" in html


def test_team_without_worksheet_is_explained(client, dunia):
    dunia.tim.lembar_kerja.delete()
    html = (
        masuk(client, dunia.user["anggota1"])
        .get(reverse("pokja-soal", args=[dunia.pokja(1).pk]))
        .content.decode()
    )
    assert "Tim ini belum memilih instrumen LKE." in html


def test_indonesian_is_shown_even_to_english_language_browsers(client):
    r = client.get(reverse("masuk"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Masuk ke ZI Portal" in r.content.decode()
    client.cookies["django_language"] = "en"
    r = client.get(reverse("masuk"), HTTP_ACCEPT_LANGUAGE="id")
    assert "Sign in to ZI Portal" in r.content.decode()


def test_the_committed_english_catalogue_is_compiled_from_the_po_file(tmp_path):
    import gettext
    import subprocess
    from pathlib import Path

    lokal = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
    baru = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(baru), str(lokal / "django.po")], check=True)
    with open(lokal / "django.mo", "rb") as a, open(baru, "rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, (
            "run `make messages` and commit locale/en/LC_MESSAGES/django.mo"
        )


def test_every_message_of_the_english_catalogue_is_translated():
    from pathlib import Path

    po = (Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po").read_text()
    blocks = po.split("\n\n")[1:]
    kosong = [b for b in blocks if b.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in b]
    assert kosong == [], "run `make messages` and translate the new strings"
    assert "#, fuzzy" not in po
