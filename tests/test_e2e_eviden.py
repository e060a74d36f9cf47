"""The review journey in headless Chromium, with screenshots in test-artifacts/:
anggota1 answers a soal and uploads a PDF → koordinator1 returns it with a note →
anggota1 uploads a new version and resubmits → koordinator1 approves → ketua sees it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from eviden.models import Butir, StatusButir, VersiDokumen

from . import contoh_berkas as cb
from .test_e2e import _foto, _masuk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KODE = "A.I.1.i.1"


def _kartu(page):
    return page.locator(f'[data-soal="{KODE}"]')


def _ke_pokja_i(page, live_server, dunia):
    page.goto(live_server.url + reverse("pokja-soal", args=[dunia.pokja(1).pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pokja I Manajemen Perubahan")


def test_review_journey(page, live_server, dunia, tmp_path):
    versi1 = tmp_path / "SK Tim ZI.pdf"
    versi1.write_bytes(cb.pdf("SK Tim ZI belum ditandatangani"))
    versi2 = tmp_path / "SK Tim ZI ttd.pdf"
    versi2.write_bytes(cb.pdf("SK Tim ZI sudah ditandatangani"))

    # 1. anggota1 answers and uploads a PDF.
    _masuk(page, live_server, "anggota1")
    _ke_pokja_i(page, live_server, dunia)
    kartu = _kartu(page)
    kartu.get_by_label("Ya", exact=True).check()
    kartu.get_by_label("Penjelasan").fill("Tim ZI dibentuk dengan SK Kepala Kantor.")
    kartu.get_by_role("button", name="Simpan jawaban").click()
    expect(kartu.get_by_role("status")).to_contain_text("Jawaban tersimpan.")
    kartu.locator("input[data-unggah-baru]").set_input_files(str(versi1))
    expect(_kartu(page).locator("[data-eviden]")).to_have_count(1)
    expect(_kartu(page)).to_contain_text("SK Tim ZI.pdf")
    _foto(page, "10-anggota1-unggah")
    _kartu(page).get_by_role("button", name="Ajukan untuk reviu").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Menunggu reviu")

    # 2. koordinator1 returns it with a note.
    _masuk(page, live_server, "koordinator1")
    _ke_pokja_i(page, live_server, dunia)
    kartu = _kartu(page)
    kartu.get_by_label("Catatan reviu (wajib bila dikembalikan)").fill("SK belum ditandatangani.")
    kartu.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Perlu perbaikan")
    _foto(page, "11-koordinator1-kembalikan")

    # 3. anggota1 sees the note, uploads a new version, resubmits.
    _masuk(page, live_server, "anggota1")
    expect(page.get_by_role("link", name="Notifikasi 1")).to_be_visible()
    _ke_pokja_i(page, live_server, dunia)
    expect(_kartu(page).locator("[data-catatan-reviu]")).to_contain_text("SK belum ditandatangani.")
    _kartu(page).locator("input[data-versi-untuk]").set_input_files(str(versi2))
    expect(_kartu(page).get_by_role("status").first).to_contain_text("Versi 2")
    expect(_kartu(page)).to_contain_text("v2")
    _foto(page, "12-anggota1-versi-baru")
    _kartu(page).get_by_role("button", name="Ajukan ulang untuk reviu").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Menunggu reviu")
    expect(_kartu(page).locator("[data-catatan-reviu]")).to_have_count(0)

    # 4. koordinator1 approves.
    _masuk(page, live_server, "koordinator1")
    _ke_pokja_i(page, live_server, dunia)
    _kartu(page).get_by_role("button", name="Setujui").click()
    expect(_kartu(page).locator("[data-status-label]")).to_have_text("Disetujui")

    # 5. ketua sees it approved, with both versions and the history.
    _masuk(page, live_server, "ketua")
    _ke_pokja_i(page, live_server, dunia)
    kartu = _kartu(page)
    expect(kartu.locator("[data-status-label]")).to_have_text("Disetujui")
    kartu.get_by_text("2 versi").click()
    kartu.get_by_role("button", name="Riwayat").click()
    expect(kartu.locator("[data-riwayat]")).to_contain_text("Perlu perbaikan")
    _foto(page, "13-ketua-disetujui")

    butir = Butir.objects.get(soal__kode=KODE, lembar=dunia.tim.lembar_kerja)
    assert butir.status == StatusButir.DISETUJUI
    assert VersiDokumen.objects.filter(dokumen__lampiran__soal=butir.soal).count() == 2


def test_refused_upload_shows_the_message_in_the_browser(page, live_server, dunia, tmp_path):
    palsu = tmp_path / "laporan.pdf"
    palsu.write_bytes(cb.HTML)
    page.set_viewport_size({"width": 360, "height": 740})
    _masuk(page, live_server, "anggota1")
    _ke_pokja_i(page, live_server, dunia)
    _kartu(page).locator("input[data-unggah-baru]").set_input_files(str(palsu))
    expect(_kartu(page).get_by_role("alert").first).to_contain_text("dikenali sebagai text/html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _foto(page, "14-tolak-360px")


def test_percent_soal_computes_live_and_drag_and_drop_uploads(page, live_server, dunia):
    _masuk(page, live_server, "anggota1")
    _ke_pokja_i(page, live_server, dunia)
    kartu = page.locator('[data-soal="A.II.1.i.3"]')  # perubahan ÷ agen perubahan
    kartu.get_by_label("Jumlah Agen Perubahan").fill("8")
    kartu.get_by_label("Jumlah Perubahan yang dibuat").fill("6")
    expect(kartu.locator("[data-nilai-persen]").first).to_have_text("75,00 %")
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
    kartu = page.locator('[data-soal="A.II.1.i.3"]')
    expect(kartu.locator("[data-eviden]")).to_have_count(1)
    expect(kartu.get_by_role("status").last).to_contain_text("notulen rapat.pdf")
    expect(kartu.get_by_role("alert").last).to_contain_text("palsu.pdf")
    _foto(page, "15-persen-dan-tarik-lepas")


def test_assignment_my_tasks_and_notifications_pages(page, live_server, dunia):
    _masuk(page, live_server, "koordinator1")
    _ke_pokja_i(page, live_server, dunia)
    kartu = _kartu(page)
    kartu.get_by_text("Penugasan", exact=True).click()
    kartu.get_by_label("Ditugaskan ke").select_option(label=dunia.user["anggota1"].get_full_name())
    kartu.get_by_label("Tenggat").fill("2026-12-20")
    kartu.get_by_role("button", name="Simpan", exact=True).click()
    expect(_kartu(page).locator("[data-penugasan]")).to_contain_text(
        dunia.user["anggota1"].get_full_name()
    )

    _masuk(page, live_server, "anggota1")
    page.get_by_role("link", name="Tugas saya").click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    expect(page.locator(f'[data-tugas="{KODE}"]')).to_contain_text("20 Des 2026")
    _foto(page, "16-tugas-saya")
    page.get_by_role("link", name="Notifikasi 1").click()
    expect(page.locator("[data-notif]")).to_contain_text(
        f"Anda ditugaskan menyiapkan eviden soal {KODE}"
    )
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    expect(page.get_by_role("link", name="Notifikasi", exact=True)).to_be_visible()
    _foto(page, "17-notifikasi")
    # The link in the notification leads to the soal.
    page.locator("[data-notif] a").click()
    expect(_kartu(page)).to_be_visible()
