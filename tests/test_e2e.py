"""Browser journeys in headless Chromium (Debian's /usr/bin/chromium via Playwright).

Screenshots are saved under test-artifacts/ so a person can look at what users see.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .factories import SANDI

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTEFAK = Path(__file__).resolve().parent.parent / "test-artifacts"


def _masuk(page, live_server, username):
    page.context.clear_cookies()  # sign out whoever was signed in
    page.goto(live_server.url + reverse("masuk"))
    page.get_by_label("Nama pengguna atau NIP").fill(username)
    page.get_by_label("Kata sandi").fill(SANDI)
    page.get_by_role("button", name="Masuk").click()


def _foto(page, nama):
    ARTEFAK.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFAK / f"{nama}.png"), full_page=True)


def test_anggota1_signs_in_and_reads_the_soal_of_pokja_i(page, live_server, dunia):
    page.goto(live_server.url + reverse("beranda"))
    expect(page).to_have_url(live_server.url + reverse("masuk") + "?next=/")
    expect(page.get_by_role("heading", name="Masuk ke ZI Portal")).to_be_visible()
    _foto(page, "01-masuk")

    page.get_by_label("Nama pengguna atau NIP").fill("anggota1")
    page.get_by_label("Kata sandi").fill("salah-sandi")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_contain_text("kata sandi salah")

    _masuk(page, live_server, "anggota1")
    expect(page.get_by_role("heading", name="Selamat datang")).to_be_visible()
    expect(page.locator("[data-tim]")).to_contain_text("Kankemenag Kota Uji")
    _foto(page, "02-beranda-anggota1")

    page.get_by_role("link", name="Pokja I Manajemen Perubahan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pokja I Manajemen Perubahan")
    expect(page.locator("[data-soal]")).to_have_count(16)
    soal = page.locator('[data-soal="A.I.1.i.1"]')
    expect(soal).to_contain_text(
        "Unit kerja telah membentuk tim untuk melakukan pembangunan Zona Integritas"
    )
    soal.locator("a").first.click()
    kartu = page.locator('article[data-soal="A.I.1.i.1"]')
    kartu.get_by_text("Panduan eviden").click()
    expect(kartu).to_contain_text("SK Tim Kerja Pembangunan ZI menuju WBK/WBBM")
    _foto(page, "03-pokja-i-anggota1")


def test_pokja_page_fits_a_360px_phone(page, live_server, dunia):
    page.set_viewport_size({"width": 360, "height": 740})
    _masuk(page, live_server, "anggota1")
    page.goto(live_server.url + reverse("pokja-soal", args=[dunia.pokja(1).pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # No horizontal scrolling at phone width.
    lebar = page.evaluate("document.documentElement.scrollWidth")
    assert lebar <= 360
    # The menu collapses behind the toggler and opens on tap.
    menu = page.get_by_role("button", name="Buka menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("button", name="Pokja saya")).to_be_visible()
    _foto(page, "04-pokja-i-360px")


def test_outsider_sees_nothing_of_another_team(page, live_server, dunia):
    _masuk(page, live_server, "luar")
    expect(page.locator("[data-tim]")).to_contain_text("Kankemenag Kabupaten Lain")
    expect(page.locator("body")).not_to_contain_text("Kankemenag Kota Uji")
    r = page.goto(live_server.url + reverse("pokja-soal", args=[dunia.pokja(1).pk]))
    assert r.status == 404
    expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()
    _foto(page, "05-luar-404")


def test_language_switch_to_english(page, live_server, dunia):
    _masuk(page, live_server, "ketua")
    page.get_by_label("Bahasa").select_option("en")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.get_by_role("button", name="All Pokja")).to_be_visible()
    _foto(page, "06-beranda-en")


def test_forgotten_password_pages_are_in_indonesian(page, live_server, dunia):
    page.goto(live_server.url + reverse("masuk"))
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_role("heading", name="Lupa kata sandi")).to_be_visible()
    page.get_by_label("Email").fill(dunia.user["anggota1"].email)
    _foto(page, "07-lupa-sandi")
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("heading", name="Periksa email Anda")).to_be_visible()
    # A forged or expired link explains itself instead of failing.
    page.goto(live_server.url + "/atur-sandi/MQ/tautan-palsu/")
    expect(page.get_by_role("alert")).to_contain_text("Tautan ini tidak berlaku lagi")
    _foto(page, "08-tautan-kedaluwarsa")
