"""Evidence work in headless Chromium, at a desktop width (1366 px) and a phone (360 px), with
screenshots in test-artifacts/:

anggota1 fills a soal from the table and its page and submits → koordinator1 sees the count,
opens the queue, previews the PDF, returns it → anggota1 finds it in "Tugas saya", fixes it
and resubmits → koordinator1 approves → a later upload asks anggota1 to reopen the soal."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from eviden.models import Butir, Soal, StatusButir, VersiDokumen
from pokja.models import Notifikasi

from . import contoh_berkas as cb
from .test_e2e import _foto, _masuk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KODE = "A.I.1.i.1"
LEBAR = {"desktop": {"width": 1366, "height": 900}, "hp": {"width": 360, "height": 740}}


def _kartu(page):
    return page.locator(f'article[data-soal="{KODE}"]')


def _tabel_pokja_i(page, live_server, dunia):
    page.goto(live_server.url + reverse("pokja-soal", args=[dunia.pokja(1).pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pokja I Manajemen Perubahan")


def _tidak_melebar(page, lebar):
    assert page.evaluate("document.documentElement.scrollWidth") <= lebar


@pytest.mark.parametrize("layar", ["desktop", "hp"])
def test_review_journey(page, live_server, dunia, tmp_path, layar):
    ukuran = LEBAR[layar]
    page.set_viewport_size(ukuran)
    versi1 = tmp_path / "SK Tim ZI.pdf"
    versi1.write_bytes(cb.pdf("SK Tim ZI belum ditandatangani"))
    versi2 = tmp_path / "SK Tim ZI ttd.pdf"
    versi2.write_bytes(cb.pdf("SK Tim ZI sudah ditandatangani"))

    # 1. anggota1 opens the soal from the table, answers, uploads a PDF, submits.
    _masuk(page, live_server, "anggota1")
    _tabel_pokja_i(page, live_server, dunia)
    _tidak_melebar(page, ukuran["width"])
    _foto(page, f"20-{layar}-tabel-pokja-i")
    page.locator(f'tr[data-soal="{KODE}"] a').first.click()
    kartu = _kartu(page)
    expect(kartu).to_be_visible()
    expect(kartu.get_by_role("button", name="Ajukan untuk reviu")).to_be_disabled()
    expect(kartu.locator("[data-kendala]")).to_contain_text("Jawab soal ini dulu.")
    kartu.get_by_label("Ya", exact=True).check()
    kartu.get_by_label("Penjelasan").fill("Tim ZI dibentuk dengan SK Kepala Kantor.")
    kartu.get_by_role("button", name="Simpan jawaban").click()
    expect(_kartu(page).get_by_role("status")).to_contain_text("Jawaban tersimpan.")
    _kartu(page).locator("input[data-unggah-baru]").set_input_files(str(versi1))
    expect(_kartu(page).locator("[data-eviden]")).to_have_count(1)
    expect(_kartu(page).locator('[data-hasil-unggah="ok"]')).to_contain_text("SK Tim ZI.pdf")
    _tidak_melebar(page, ukuran["width"])
    _foto(page, f"21-{layar}-anggota1-siap-ajukan")
    _kartu(page).get_by_role("button", name="Ajukan untuk reviu").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Menunggu reviu")
    expect(_kartu(page).locator("[data-unggah-terkunci]")).to_be_visible()  # locked now

    # 2. koordinator1 sees the count, opens the queue, previews the PDF and returns it.
    _masuk(page, live_server, "koordinator1")
    if layar == "hp":
        page.get_by_role("button", name="Buka menu").click()
    antrean = page.get_by_role("link", name="Antrean reviu 1")
    expect(antrean).to_be_visible()
    antrean.click()
    item = page.locator(f'[data-antrean="{KODE}"]')
    expect(item).to_contain_text("Tim ZI dibentuk dengan SK Kepala Kantor.")
    item.get_by_text("Pratinjau PDF").click()
    pratinjau = item.locator("iframe.pratinjau-pdf")
    expect(pratinjau).to_be_visible()
    r = page.request.get(live_server.url + pratinjau.get_attribute("src"))
    assert r.status == 200 and r.headers["content-type"] == "application/pdf"
    _tidak_melebar(page, ukuran["width"])
    _foto(page, f"22-{layar}-koordinator1-antrean")
    item.get_by_label("Catatan reviu (wajib bila dikembalikan)").fill("SK belum ditandatangani.")
    item.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    expect(page.locator(f'[data-antrean-selesai="{KODE}"]')).to_contain_text(
        "Dikembalikan untuk perbaikan."
    )

    # 3. anggota1 finds it in "Tugas saya", uploads a new version and resubmits.
    _masuk(page, live_server, "anggota1")
    page.goto(live_server.url + reverse("tugas-saya"))
    baris = page.locator(f'[data-tugas="{KODE}"][data-jenis="perbaikan"]')
    expect(baris).to_contain_text("SK belum ditandatangani.")
    _tidak_melebar(page, ukuran["width"])
    _foto(page, f"23-{layar}-anggota1-tugas-saya")
    baris.get_by_role("link", name=KODE).click()
    expect(_kartu(page).locator("[data-catatan-reviu]")).to_contain_text("SK belum ditandatangani.")
    _kartu(page).locator("input[data-versi-untuk]").set_input_files(str(versi2))
    expect(_kartu(page).locator('[data-hasil-unggah="ok"]')).to_contain_text("Versi 2")
    _kartu(page).get_by_role("button", name="Ajukan ulang untuk reviu").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Menunggu reviu")

    # 4. koordinator1 approves from the queue.
    _masuk(page, live_server, "koordinator1")
    page.goto(live_server.url + reverse("antrean-reviu"))
    page.locator(f'[data-antrean="{KODE}"]').get_by_role("button", name="Setujui").click()
    expect(page.locator(f'[data-antrean-selesai="{KODE}"]')).to_contain_text("Disetujui.")

    # 5. A later upload: the soal is locked and asks to be reopened, which tells the reviewer.
    _masuk(page, live_server, "anggota1")
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode=KODE)
    page.goto(live_server.url + reverse("soal-kartu", args=[dunia.lembar.pk, s.pk]))
    terkunci = _kartu(page).locator("[data-unggah-terkunci]")
    expect(terkunci).to_contain_text("Buka kembali")
    expect(terkunci.get_by_role("button", name="Pilih berkas")).to_be_disabled()
    _foto(page, f"24-{layar}-anggota1-disetujui-terkunci")
    _kartu(page).get_by_label("Saya paham", exact=False).check()
    _kartu(page).get_by_role("button", name="Buka kembali untuk diubah").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Draf")
    expect(_kartu(page).locator("input[data-unggah-baru]")).to_be_attached()
    _tidak_melebar(page, ukuran["width"])

    butir = Butir.objects.get(soal=s, lembar=dunia.lembar)
    assert butir.status == StatusButir.DRAF
    assert VersiDokumen.objects.filter(dokumen__lampiran__soal=s).count() == 2
    assert Notifikasi.objects.filter(
        user=dunia.user["koordinator1"], teks__contains="dibuka kembali"
    ).exists()


def test_refused_upload_says_what_the_file_is_once_beside_it(page, live_server, dunia, tmp_path):
    palsu = tmp_path / "laporan.pdf"
    palsu.write_bytes(cb.HTML)
    page.set_viewport_size(LEBAR["hp"])
    _masuk(page, live_server, "anggota1")
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode=KODE)
    page.goto(live_server.url + reverse("soal-kartu", args=[dunia.lembar.pk, s.pk]))
    expect(page.locator(".teks-seret")).to_be_visible()  # a mouse-less viewport still shows it
    _kartu(page).locator("input[data-unggah-baru]").set_input_files(str(palsu))
    tolak = _kartu(page).locator('[data-hasil-unggah="tolak"]')
    expect(tolak).to_contain_text("laporan.pdf: Isinya halaman web (HTML), bukan dokumen PDF")
    expect(_kartu(page).get_by_text("Isinya halaman web")).to_have_count(1)  # once
    _tidak_melebar(page, 360)
    _foto(page, "25-hp-unggah-ditolak")


def test_touch_phone_is_not_told_to_drag_and_drop(browser, live_server, dunia):
    konteks = browser.new_context(viewport=LEBAR["hp"], has_touch=True, is_mobile=True)
    page = konteks.new_page()
    _masuk(page, live_server, "anggota1")
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode=KODE)
    page.goto(live_server.url + reverse("soal-kartu", args=[dunia.lembar.pk, s.pk]))
    expect(_kartu(page).get_by_text("Pilih berkas")).to_be_visible()
    expect(page.locator(".teks-seret")).to_be_hidden()
    konteks.close()


def test_percent_soal_in_words_live_and_drag_and_drop(page, live_server, dunia):
    _masuk(page, live_server, "anggota1")
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode="A.II.1.i.3")
    page.goto(live_server.url + reverse("soal-kartu", args=[dunia.lembar.pk, s.pk]))
    kartu = page.locator('article[data-soal="A.II.1.i.3"]')
    kartu.get_by_label("Jumlah Agen Perubahan").fill("8")
    kartu.get_by_label("Jumlah Perubahan yang dibuat").fill("6")
    expect(kartu.locator("[data-nilai-persen]").first).to_contain_text("= 75,00 %")
    expect(kartu.locator("[data-nilai-persen]").first).to_contain_text("6")
    kartu.get_by_role("button", name="Simpan jawaban").click()
    expect(kartu.get_by_role("status")).to_contain_text("Jawaban tersimpan.")

    # A real drop event carrying two files onto the drop zone.
    zona = kartu.locator(".zona-unggah:not(.zona-kecil)")
    data = page.evaluate_handle(
        """(isi) => {
            const dt = new DataTransfer();
            dt.items.add(new File([isi], "notulen rapat.pdf", {type: "application/pdf"}));
            dt.items.add(new File(["<html></html>"], "palsu.pdf", {type: "application/pdf"}));
            return dt;
        }""",
        cb.pdf("notulen").decode("latin-1"),
    )
    zona.dispatch_event("drop", {"dataTransfer": data})
    kartu = page.locator('article[data-soal="A.II.1.i.3"]')
    expect(kartu.locator("[data-eviden]")).to_have_count(1)
    expect(kartu.locator('[data-hasil-unggah="ok"]')).to_contain_text("notulen rapat.pdf")
    expect(kartu.locator('[data-hasil-unggah="tolak"]')).to_contain_text("palsu.pdf")
    _foto(page, "26-persen-dan-tarik-lepas")


def test_assignment_from_the_soal_page_reaches_my_tasks(page, live_server, dunia):
    _masuk(page, live_server, "koordinator1")
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode=KODE)
    page.goto(live_server.url + reverse("soal-kartu", args=[dunia.lembar.pk, s.pk]))
    kartu = _kartu(page)
    kartu.get_by_text("Penugasan", exact=True).click()
    kartu.get_by_label("Ditugaskan ke").select_option(label=dunia.user["anggota1"].get_full_name())
    kartu.get_by_label("Tenggat").fill("2099-12-20")
    kartu.get_by_role("button", name="Simpan", exact=True).click()
    expect(_kartu(page).locator("[data-penugasan]")).to_contain_text("20 Des 2099")

    _masuk(page, live_server, "anggota1")
    page.get_by_role("link", name="Tugas saya").click()
    expect(page.locator(f'[data-tugas="{KODE}"]')).to_contain_text("20 Des 2099")
    _foto(page, "27-tugas-saya")
    page.get_by_role("link", name="Notifikasi 1").click()
    expect(page.locator("[data-notif]")).to_contain_text("paling lambat 20 Des 2099")
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    expect(page.get_by_role("link", name="Notifikasi", exact=True)).to_be_visible()
    page.locator("[data-notif] a").click()
    expect(_kartu(page)).to_be_visible()


@pytest.mark.parametrize("persona", ["anggota1", "koordinator1", "ketua"])
def test_no_page_is_wider_than_a_360px_phone(page, live_server, dunia, persona):
    page.set_viewport_size(LEBAR["hp"])
    _masuk(page, live_server, persona)
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode="A.II.1.i.3")
    halaman = [
        reverse("beranda"),
        reverse("pokja-soal", args=[dunia.pokja(1).pk]),
        reverse("pokja-soal", args=[dunia.pokja(5).pk]) + "?urut=status",
        reverse("soal-kartu", args=[dunia.lembar.pk, s.pk]),
        reverse("tim-hasil", args=[dunia.tim.pk]),
        reverse("antrean-reviu"),
        reverse("tugas-saya"),
        reverse("notifikasi"),
    ]
    lebar = {}
    for url in halaman:
        page.goto(live_server.url + url)
        lebar[url] = page.evaluate("document.documentElement.scrollWidth")
    assert {u: w for u, w in lebar.items() if w > 360} == {}
    _foto(page, f"28-hp-{persona}-notifikasi")
