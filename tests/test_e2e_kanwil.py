"""The Kanwil oversight in headless Chromium on the demo data (1366 px and 360 px),
screenshots in test-artifacts/: the demo's Kanwil admin "kanwil" signs in, opens the
oversight of Kanwil Jawa Tengah from the menu, sorts by score, compares two satker on the
radar (chart and table), drills down into a team's dashboard and opens the assessor grants."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from penilaian.services import catat_skor
from pokja.models import Satker, TimZI

from .test_e2e import _foto
from .test_e2e_dasbor import LEBAR, _masuk_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("layar", ["desktop", "hp"])
def test_the_kanwil_admin_oversees_sorts_and_compares(page, live_server, layar):
    call_command("demo", stdout=StringIO())
    kanwil = Satker.objects.get(kode="KANWIL-JATENG")
    semarang = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    demak = TimZI.objects.get(satker__kode="KANKEMENAG-KAB-DEMAK", tahun=2026)
    # Today's snapshots, as the nightly task writes them.
    catat_skor(tim_id=semarang.pk)
    catat_skor(tim_id=demak.pk)
    ukuran = LEBAR[layar]
    page.set_viewport_size(ukuran)

    _masuk_demo(page, live_server, "kanwil")
    # From the menu (the navbar collapses behind its toggler on a phone).
    if layar == "hp":
        page.get_by_role("button", name="Buka menu").click()
    menu = page.locator('[data-menu="kanwil"]')
    menu.locator(".dropdown-toggle").click()
    menu.get_by_role("link", name=kanwil.nama).click()
    expect(page).to_have_url(live_server.url + reverse("kanwil-pengawasan", args=[kanwil.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pantauan Kanwil")
    baris = page.locator("[data-tabel-satker] tbody tr[data-satker]")
    expect(baris).to_have_count(2)
    b_semarang = page.locator(f'tr[data-satker="{semarang.satker_id}"]')
    expect(b_semarang.locator("[data-skor]")).to_contain_text("81,47")
    expect(b_semarang).to_have_attribute("data-vonis", "belum")

    # Sort by the projected score: highest first, then the other way round.
    page.locator('a[data-urut="skor"]').click()
    expect(page).to_have_url(re.compile(r"[?&]urut=-skor"))
    expect(baris.first).to_have_attribute("data-satker", str(semarang.satker_id))
    page.locator('a[data-urut="skor"]').click()
    expect(page).to_have_url(re.compile(r"[?&]urut=skor"))
    expect(baris.first).to_have_attribute("data-satker", str(demak.satker_id))

    # Two satker on the radar.
    for tim in (semarang, demak):
        page.locator(f'input[type="checkbox"][name="banding"][value="{tim.satker_id}"]').check()
    page.get_by_role("button", name="Bandingkan yang dicentang").click()
    radar = page.locator("[data-radar]")
    expect(radar.locator("[data-selisih-area]")).to_contain_text("Selisih terbesar di area")
    expect(radar.locator("[data-tabel-radar] tbody tr")).to_have_count(6)
    expect(radar.locator("[data-tabel-radar] tr.table-warning")).to_have_count(1)
    page.wait_for_selector("html[data-radar-siap]")
    assert page.evaluate("!!Chart.getChart('grafik-radar-kanwil')")
    assert page.evaluate("document.getElementById('grafik-radar-kanwil').width") > 0
    # The choice stays checked, and the sort is kept.
    for tim in (semarang, demak):
        expect(
            page.locator(f'input[type="checkbox"][name="banding"][value="{tim.satker_id}"]')
        ).to_be_checked()
    expect(baris.first).to_have_attribute("data-satker", str(demak.satker_id))
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    _foto(page, f"80-{layar}-kanwil-pengawasan-radar")

    # Drill down: the team's readiness dashboard, read-only for the Kanwil admin.
    b_semarang.locator("a[data-drill]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor kesiapan")
    expect(page.locator("[data-total]")).to_have_text("81,47")
    page.go_back()

    # The assessor grants of the Kanwil: the demo's TPP and TPI assessors, who granted them.
    page.get_by_role("link", name="Penugasan penilai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penugasan penilai")
    expect(page.locator('[data-tabel-penugasan] tr[data-status="aktif"]')).to_have_count(2)
    expect(page.locator("[data-diberikan]").first).to_contain_text("Drs. H. Mustain Ahmad")
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    _foto(page, f"81-{layar}-kanwil-penugasan-penilai")
