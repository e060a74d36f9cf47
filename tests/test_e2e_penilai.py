"""The assessor workspace in headless Chromium on the demo data (1366 px and 360 px),
screenshots in test-artifacts/: the TPP assessor "tpp" reviews three soal with the keyboard
(next soal, choose an option, a note that saves itself), sets the verdict and publishes it;
then "ketua" reads the notes and the verdict on the team's submission page. No CSP
violation, nothing wider than the screen."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from penilaian.models import JawabanPenilai, Pengajuan, PutusanPenilai
from penilaian.penilai.selectors import daftar_soal
from pokja.models import PenugasanPenilai

from .test_e2e import _foto
from .test_e2e_dasbor import LEBAR, _masuk_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (key that chooses the option, the option it chooses, the note typed) for the first three soal.
LANGKAH = [
    ("t", "Tidak", "SK tim belum ditandatangani kepala kantor."),
    ("c", "C", "Anggota tim ditunjuk langsung, tanpa seleksi."),
    ("2", None, "Sebagian saja; lihat notulen rapat."),
]


def _pas_layar(page, ukuran):
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]


@pytest.mark.parametrize("layar", ["desktop", "hp"])
def test_tpp_reviews_with_the_keyboard_publishes_and_the_chair_reads_it(page, live_server, layar):
    call_command("demo", stdout=StringIO())
    g = PenugasanPenilai.objects.get(user__username="tpp")
    p = Pengajuan.objects.get(tim__satker=g.satker)
    urutan = [x.soal for x in daftar_soal(p.instrumen)][:3]
    ukuran = LEBAR[layar]
    page.set_viewport_size(ukuran)
    pelanggaran = []
    page.on(
        "console",
        lambda m: pelanggaran.append(m.text) if "Content Security Policy" in m.text else None,
    )

    _masuk_demo(page, live_server, "tpp")
    page.goto(live_server.url + reverse("penilai-beranda"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Penugasan penilai")
    baris = page.locator(f'[data-penugasan="{g.pk}"]')
    expect(baris).to_contain_text("TPP (Kanwil)")
    expect(baris.locator("[data-progres]")).to_have_text("0/127")
    _pas_layar(page, ukuran)
    _foto(page, f"penilai-1-{layar}-beranda")
    baris.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ringkasan pengajuan")
    expect(page.locator("[data-nilai-unit]")).to_have_text("81,47")
    _pas_layar(page, ukuran)
    _foto(page, f"penilai-2-{layar}-ringkasan")
    page.locator("[data-mulai-reviu]").click()

    status = page.locator("[data-status-simpan]")
    for i, (tombol, pilihan, catatan) in enumerate(LANGKAH):
        s = urutan[i]
        expect(page.locator("article[data-soal]")).to_have_attribute("data-soal", s.kode)
        page.wait_for_selector("html[data-penilai-siap]", state="attached")
        page.locator("body").press(tombol)
        terpilih = page.locator("input[name=pilihan]:checked")
        if pilihan:
            expect(terpilih).to_have_value(pilihan)
        else:
            expect(terpilih).to_have_attribute("data-nomor", "2")
        expect(status).to_have_attribute("data-keadaan", "ok")
        page.locator("body").press("n")
        expect(page.locator("[data-catatan]")).to_be_focused()
        page.keyboard.type(catatan)
        # Autosave: "tersimpan" once the pause after typing has passed and the server said so.
        expect(status).to_have_attribute("data-keadaan", "ok")
        expect(status).to_contain_text("Tersimpan")
        page.keyboard.press("Escape")
        if i == 1:
            _pas_layar(page, ukuran)
            _foto(page, f"penilai-3-{layar}-reviu-cepat")
        page.keyboard.press("j")
        if i + 1 < len(LANGKAH):
            expect(page.locator("article[data-soal]")).to_have_attribute(
                "data-soal", urutan[i + 1].kode
            )
    simpanan = {r.soal_id: r for r in JawabanPenilai.objects.filter(pengajuan=p)}
    for s, (_t, pilihan, catatan) in zip(urutan, LANGKAH, strict=True):
        r = simpanan[s.pk]
        assert (r.lapisan, r.catatan) == ("tpp", catatan)
        assert r.pilihan == (pilihan or s.opsi[1]["kode"])

    page.goto(live_server.url + reverse("penilai-selisih", args=[g.pk]))
    expect(page.locator('[data-bagian="total"]')).to_be_visible()
    _pas_layar(page, ukuran)
    _foto(page, f"penilai-4-{layar}-selisih")

    page.goto(live_server.url + reverse("penilai-putusan", args=[g.pk]))
    page.get_by_label("Tidak memenuhi syarat (TMS)").check()
    page.get_by_label("Alasan").fill("Pembentukan tim belum sah; lengkapi SK yang ditandatangani.")
    page.get_by_role("button", name="Publikasikan…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publikasikan putusan")
    _pas_layar(page, ukuran)
    _foto(page, f"penilai-5-{layar}-konfirmasi")
    page.locator("[data-publikasikan-form] input[name=yakin]").check()
    page.get_by_role("button", name="Publikasikan sekarang").click()
    expect(page.locator("[data-putusan-terbit]")).to_contain_text("TMS")
    expect(page.locator("[data-final]")).to_be_visible()
    _foto(page, f"penilai-6-{layar}-terbit")
    x = PutusanPenilai.objects.get(pengajuan=p)
    assert x.dipublikasikan_pada and x.kesimpulan == "TMS" and x.total is not None

    _masuk_demo(page, live_server, "ketua")
    page.goto(live_server.url + reverse("pengajuan", args=[p.tim_id, p.pk]))
    kartu = page.locator("[data-putusan-penilai]")
    expect(kartu).to_contain_text("Tidak memenuhi syarat (TMS)")
    expect(kartu).to_contain_text("Pembentukan tim belum sah")
    catatan = page.locator(f'tr[data-soal="{urutan[0].kode}"] [data-catatan-penilai]:visible')
    expect(catatan).to_have_text(LANGKAH[0][2])
    _pas_layar(page, ukuran)
    _foto(page, f"penilai-7-{layar}-ketua-membaca")
    assert pelanggaran == []
