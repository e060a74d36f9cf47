"""Stages and reminders in headless Chromium on the demo data (1366 px and 360 px),
screenshots in test-artifacts/: the chair moves the PMPZI evidence deadline, sends today's
reminders from the button, anggota1 sees the bell count and the reminder with their own soal,
then the chair freezes a submission and compares "now" with "as submitted"."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from eviden.models import Jawaban
from penilaian.models import JenisTahapan, Pengajuan, Pengingat, Tahapan
from pokja.models import Notifikasi, TimZI

from .test_e2e import _foto
from .test_e2e_dasbor import LEBAR, _masuk_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _muat_penuh(page, ukuran):
    assert page.evaluate("document.documentElement.scrollWidth") <= ukuran["width"]


@pytest.mark.parametrize("layar", ["desktop", "hp"])
def test_deadline_reminder_bell_and_frozen_submission(page, live_server, layar):
    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    mandiri = Tahapan.objects.get(tim=tim, jenis=JenisTahapan.MANDIRI)
    # The demo put the deadline a week away and sent today's H-7 reminders.
    assert Pengingat.objects.filter(tim=tim, sasaran=f"tahapan:{mandiri.pk}:h7").exists()
    belum = Notifikasi.objects.filter(user__username="anggota1", dibaca_pada__isnull=True)
    awal = belum.count()
    assert awal >= 1
    ukuran = LEBAR[layar]
    page.set_viewport_size(ukuran)
    hari = timezone.localdate()
    baru = hari + timedelta(days=3)

    # The chair moves the evidence deadline to three days from today.
    _masuk_demo(page, live_server, "ketua")
    expect(page.locator("[data-tenggat-berikut]")).to_have_count(0)  # home is no team page
    page.locator("[data-kalender]").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalender penilaian")
    expect(page.locator("[data-tenggat-berikut]")).to_contain_text("Penilaian mandiri")
    kartu = page.locator('[data-tahapan="mandiri"]')
    kartu.get_by_role("link", name="Ubah jadwal").click()
    page.get_by_label("Tenggat eviden").fill(baru.isoformat())
    page.get_by_label("Pengingat (hari sebelum tenggat)").fill("14, 7, 3, 1, 0")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("Jadwal Penilaian mandiri")
    expect(kartu).to_contain_text("3 hari lagi")
    expect(kartu).to_contain_text("23.59 WIB")
    _muat_penuh(page, ukuran)
    _foto(page, f"40-{layar}-kalender-ketua")

    # …and sends today's reminders now: H-3 is due today.
    page.get_by_role("link", name="Log pengingat").click()
    page.get_by_role("button", name="Kirim pengingat hari ini sekarang").click()
    expect(page.locator(".alert-success")).to_contain_text("pengingat dibuat")
    expect(page.locator('tr[data-kanal="inapp"][data-status="terkirim"]').first).to_be_visible()
    _muat_penuh(page, ukuran)
    _foto(page, f"41-{layar}-log-pengingat")
    assert belum.count() == awal + 1
    # A second click sends nothing twice.
    page.get_by_role("button", name="Kirim pengingat hari ini sekarang").click()
    expect(page.locator(".alert-info")).to_contain_text("Tidak ada pengingat baru")
    assert belum.count() == awal + 1

    # anggota1: the bell shows the unread count on every page; the reminder lists Pokja I soal.
    _masuk_demo(page, live_server, "anggota1")
    lonceng = page.locator("a.lonceng:visible")
    expect(lonceng.locator("[data-jumlah-belum-dibaca]")).to_contain_text(str(awal + 1))
    lonceng.click()
    judul = "Tenggat Penilaian mandiri (PMPZI) 3 hari lagi"
    pesan = page.locator("[data-notif]").filter(has_text=judul)
    expect(pesan).to_have_count(1)
    _muat_penuh(page, ukuran)
    _foto(page, f"42-{layar}-notifikasi-anggota1")
    isi = Pengingat.objects.get(
        penerima__username="anggota1", sasaran=f"tahapan:{mandiri.pk}:h3"
    ).isi
    assert "A.I." in isi and "A.III." not in isi
    pesan.get_by_role("button", name="Tandai dibaca").click()
    expect(lonceng.locator("[data-jumlah-belum-dibaca]")).to_contain_text(str(awal))

    # The demo froze the PMPZI submission already (#1, what the assessors read); inside the
    # correction window the chair freezes a replacement, then the team works on.
    perbaikan = Tahapan.objects.get(tim=tim, jenis=JenisTahapan.PERBAIKAN)
    perbaikan.mulai = timezone.now() - timedelta(hours=1)
    perbaikan.selesai = timezone.now() + timedelta(days=2)
    perbaikan.save()
    _masuk_demo(page, live_server, "ketua")
    page.goto(live_server.url + reverse("kalender", args=[tim.pk]))
    kartu.get_by_role("link", name="Ajukan LKE").click()
    page.get_by_role("button", name="Ajukan dan bekukan").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Centang pernyataan")
    page.get_by_label("Saya mengerti").check()
    page.get_by_role("button", name="Ajukan dan bekukan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("pengajuan #2")
    expect(page.locator("[data-nilai-beku]")).to_have_text("81,47")
    p = Pengajuan.objects.filter(tim=tim).latest("nomor")
    expect(page.locator("tr[data-berubah]")).to_have_count(0)
    jawaban = Jawaban.objects.filter(lembar__tim=tim).exclude(pilihan="").order_by("pk").first()
    lama = jawaban.pilihan
    jawaban.pilihan = "B" if lama != "B" else "A"
    jawaban.save()
    page.goto(live_server.url + reverse("pengajuan", args=[tim.pk, p.pk]) + "?berubah=1")
    baris = page.locator("tr[data-berubah]")
    expect(baris).to_have_count(1)
    expect(baris.locator("[data-jawaban-beku]")).to_contain_text(lama)
    expect(baris.locator("[data-jawaban-kini]")).to_contain_text(jawaban.pilihan)
    _muat_penuh(page, ukuran)
    _foto(page, f"43-{layar}-kini-vs-diajukan")
    # The frozen copy did not move.
    assert p.jawaban.get(soal_id=jawaban.soal_id).pilihan == lama
