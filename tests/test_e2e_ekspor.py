"""Exports in headless Chromium on the demo data, with a real Celery worker: the Kasubbag TU
opens "Ekspor & laporan" from the menu, asks for the PDF report and the evidence ZIP, watches
the progress page update itself, downloads both; anggota1 is refused. Screenshots in
test-artifacts/ (1366 px and 360 px)."""

import hashlib
import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from penilaian.models import Ekspor
from pokja.models import TimZI

from .test_e2e import _foto
from .test_e2e_dasbor import LEBAR, _masuk_demo

pytestmark = [pytest.mark.e2e, pytest.mark.layanan, pytest.mark.django_db(transaction=True)]


def _ekspor(page, jenis, tombol):
    """Press the export button of ``jenis``; watch the progress page until it offers the
    download; download it; return (the export row, the downloaded bytes)."""
    kartu = page.locator(f'form[data-ekspor="{jenis}"]')
    kartu.get_by_role("button", name=tombol).click()
    expect(page.locator("#status-ekspor")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    # The block polls itself (htmx) and turns into a download link; no reload by the test.
    unduh = page.locator("[data-unduh-ekspor]")
    expect(unduh).to_be_visible(timeout=60_000)
    expect(page.locator("#status-ekspor")).to_have_attribute("data-status", "selesai")
    with page.expect_download() as d:
        unduh.click()
    isi = Path(d.value.path()).read_bytes()
    return Ekspor.objects.filter(jenis=jenis).latest("pk"), isi, d.value.suggested_filename


@pytest.mark.parametrize("layar", ["desktop", "hp"])
def test_kasubbag_exports_the_report_and_the_bundle(page, live_server, broker, layar):
    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    ukuran = LEBAR[layar]
    page.set_viewport_size(ukuran)

    _masuk_demo(page, live_server, "kasubbag")
    page.goto(live_server.url + reverse("dasbor-tim", args=[tim.pk]))
    page.get_by_role("link", name="Ekspor & laporan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ekspor & laporan")
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]
    _foto(page, f"50-{layar}-ekspor")

    e, isi, nama = _ekspor(page, "pdf", "Buat laporan PDF")
    assert isi.startswith(b"%PDF-") and hashlib.sha256(isi).hexdigest() == e.sha256
    assert nama == e.nama_berkas and nama.startswith("laporan-kesiapan-")
    assert e.diminta_oleh.username == "kasubbag"
    _foto(page, f"51-{layar}-ekspor-pdf-selesai")

    page.get_by_role("link", name="Kembali ke ekspor & riwayat").click()
    page.get_by_label("Versi eviden terbaru").check()
    e, isi, nama = _ekspor(page, "zip", "Buat ZIP eviden")
    assert hashlib.sha256(isi).hexdigest() == e.sha256 and nama.endswith(".zip")
    arsip = zipfile.ZipFile(io.BytesIO(isi))
    nama_anggota = arsip.namelist()
    assert "indeks.html" in nama_anggota and "indeks.xlsx" in nama_anggota
    assert sum(n.endswith(".pdf") for n in nama_anggota) == 8  # the demo's 8 stored versions
    _foto(page, f"52-{layar}-ekspor-zip-selesai")

    # The history lists both, newest first, with who asked.
    page.get_by_role("link", name="Kembali ke ekspor & riwayat").click()
    baris = page.locator("[data-riwayat-ekspor] tbody tr")
    expect(baris).to_have_count(2)
    expect(baris.first).to_contain_text("Berkas eviden (ZIP)")
    expect(baris.nth(1)).to_contain_text("Laporan kesiapan (PDF)")
    expect(baris.first).to_contain_text("Endang")
    _foto(page, f"53-{layar}-riwayat-ekspor")

    # anggota1 has no export right: 403, and the menu has no link to it.
    _masuk_demo(page, live_server, "anggota1")
    expect(page.get_by_role("link", name="Ekspor & laporan")).to_have_count(0)
    r = page.goto(live_server.url + reverse("ekspor", args=[tim.pk]))
    assert r.status == 403
    r = page.goto(live_server.url + reverse("ekspor-unduh", args=[tim.pk, e.pk]))
    assert r.status == 403
    _foto(page, f"54-{layar}-ekspor-anggota1-403")
