"""Dashboards in headless Chromium on the demo data (1366 px and 360 px), screenshots in
test-artifacts/: ketua sees the verdict and the charts; anggota1 is refused the chair's
dashboard but sees Pokja I's; luar gets 404."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from pokja.models import TimZI

from .test_e2e import _foto

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEBAR = {"desktop": {"width": 1366, "height": 900}, "hp": {"width": 360, "height": 740}}


def _masuk_demo(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("masuk"))
    page.get_by_label("Nama pengguna atau NIP").fill(username)
    page.get_by_label("Kata sandi").fill("demo-zi-2026")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


@pytest.mark.parametrize("layar", ["desktop", "hp"])
def test_dashboards_on_the_demo_data(page, live_server, layar):
    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    ukuran = LEBAR[layar]
    page.set_viewport_size(ukuran)

    _masuk_demo(page, live_server, "ketua")
    page.locator("[data-dasbor-tim]").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor kesiapan")
    expect(page.locator("[data-total]")).to_have_text("81,47")
    expect(page.locator("[data-vonis]")).to_have_text("Belum memenuhi")
    wbk = page.locator('[data-putusan="WBK"]')
    expect(wbk.locator("tr.table-danger")).to_have_count(1)
    expect(wbk.locator('tr[data-aturan="area_6"]')).to_contain_text("1,85")
    # The charts drew: Chart.js (vendored, no network) rendered into each canvas.
    page.wait_for_selector("html[data-grafik-siap]")
    for kanvas in ("grafik-area", "grafik-radar"):
        lebar_kanvas = page.evaluate(f"document.getElementById('{kanvas}').width")
        assert lebar_kanvas > 0, kanvas
        assert page.evaluate(f"!!Chart.getChart('{kanvas}')"), kanvas
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    page.get_by_role("button", name="Catat nilai hari ini").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "Nilai hari ini dicatat"
    )
    page.wait_for_selector("html[data-grafik-siap]")
    assert page.evaluate("!!Chart.getChart('grafik-riwayat')")
    _foto(page, f"30-{layar}-dasbor-ketua")
    # What lifts us, filtered to Pokja VI, and the Komponen Hasil page in points.
    page.get_by_role("link", name="semua soal").first.click()
    page.get_by_label("Pokja").select_option("6")
    page.get_by_role("button", name="Saring").click()
    baris = page.locator("[data-pengangkat] tr[data-soal]")
    expect(baris.first).to_contain_text("A.")
    assert all(
        k.startswith(("A.I.6.", "A.II.6."))
        for k in baris.evaluate_all("rs => rs.map(r => r.dataset.soal)")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    _foto(page, f"33-{layar}-pengangkat-pokja-vi")
    page.goto(live_server.url + reverse("tim-hasil", args=[tim.pk]))
    expect(page.locator('[data-konversi="B.I.1"]')).to_contain_text("15,84")
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    _foto(page, f"34-{layar}-komponen-hasil-poin")

    _masuk_demo(page, live_server, "anggota1")
    r = page.goto(live_server.url + reverse("dasbor-tim", args=[tim.pk]))
    assert r.status == 403
    r = page.goto(live_server.url + reverse("dasbor-pokja", args=[tim.pokja.get(area=1).pk]))
    assert r.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pokja I")
    expect(page.locator("[data-nilai-area]")).to_have_text("6,98")
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    _foto(page, f"31-{layar}-dasbor-pokja-i")

    _masuk_demo(page, live_server, "luar")
    r = page.goto(live_server.url + reverse("dasbor-tim", args=[tim.pk]))
    assert r.status == 404
    _foto(page, f"32-{layar}-dasbor-luar-404")
