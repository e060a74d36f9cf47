"""Reminders end to end on the real services `make test` starts: a Celery worker on the Redis
broker runs the sweep and the deliveries, e-mail goes to a real SMTP server (aiosmtpd) and
WhatsApp to an HTTP gateway served from this process.

The broker is reached through a TCP relay in this process, so a test can cut it (Redis going
away: connections dropped, new ones refused) and reopen it (Redis coming back).

Outside `make test` (no REDIS_URL) these tests are skipped, except under CI=true, where a
missing service is an error.
"""

import email
import email.policy
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from penilaian import pengingat, tasks
from penilaian.kalender import akhir_hari, awal_hari
from penilaian.models import (
    JenisPengingat,
    JenisTahapan,
    Kanal,
    Pengingat,
    Pengiriman,
    StatusKirim,
    Tahapan,
)
from pokja.models import Notifikasi

from .alat import TOKEN_GATEWAY, tunggu, wajib_layanan

pytestmark = [pytest.mark.layanan, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def layanan_nyata():
    wajib_layanan()


# --- Services in this process ---------------------------------------------------------------


def teks_surat(envelope):
    pesan = email.message_from_bytes(envelope.content, policy=email.policy.default)
    return pesan.get_body(("plain",)).get_content()


# --- The world ----------------------------------------------------------------------------------


@pytest.fixture
def tujuh_hari(dunia):
    """The team's mandiri deadline 7 days from today (WIB), its other stages removed, every
    persona with a phone; the other team has no stage (not swept)."""
    hari = timezone.localdate()
    Tahapan.objects.filter(tim=dunia.tim_luar).delete()
    Tahapan.objects.filter(tim=dunia.tim).exclude(jenis=JenisTahapan.MANDIRI).delete()
    Tahapan.objects.filter(tim=dunia.tim, jenis=JenisTahapan.MANDIRI).update(
        mulai=awal_hari(hari - timedelta(days=10)),
        selesai=akhir_hari(hari + timedelta(days=7)),
        tenggat_eviden=akhir_hari(hari + timedelta(days=7)),
    )
    for i, u in enumerate(dunia.user.values()):
        u.telepon = f"0812000000{i:02d}"
        u.save()
    return hari


def kode_area(dunia, area):
    from eviden.models import Soal

    return set(
        Soal.objects.filter(instrumen=dunia.lembar.instrumen, area_pokja=area).values_list(
            "kode", flat=True
        )
    )


def periksa_sekali_per_orang(dunia, smtp, gateway):
    """Every reminder delivered exactly once on every channel, each with its own list."""
    daftar = list(Pengingat.objects.filter(tim=dunia.tim).select_related("penerima"))
    orang = {p.penerima for p in daftar}
    assert len(daftar) == len(orang) > 0
    assert {"anggota1", "anggota2", "koordinator1", "ketua"} <= {u.username for u in orang}
    assert sorted(r for s in smtp.surat for r in s.rcpt_tos) == sorted(u.email for u in orang)
    berhasil = [p["form"]["target"] for p in gateway.permintaan if p["status"] == 200]
    assert sorted(berhasil) == sorted(u.nomor_wa for u in orang)
    for u in orang:
        assert Notifikasi.objects.filter(user=u).count() == 1
    assert not Pengiriman.objects.exclude(status=StatusKirim.TERKIRIM).exists()
    assert Pengiriman.objects.filter(kanal=Kanal.EMAIL).count() == len(orang)
    # Each gets their own list: anggota1 Pokja I soal, anggota2 Pokja II soal.
    area1, area2 = kode_area(dunia, 1), kode_area(dunia, 2)
    surat = {s.rcpt_tos[0]: teks_surat(s) for s in smtp.surat}
    wa = {p["form"]["target"]: p["form"]["message"] for p in gateway.permintaan}
    for nama, milik, lain in (("anggota1", area1, area2), ("anggota2", area2, area1)):
        u = dunia.user[nama]
        for teks in (surat[u.email], wa[u.nomor_wa]):
            kode = {b.split(" ")[1] for b in teks.splitlines() if b.startswith("- ") and " (" in b}
            assert kode and kode <= milik and not kode & lain, teks
    assert "Nilai proyeksi" in surat[dunia.user["ketua"].email]
    assert "Ringkasan Pokja I" in surat[dunia.user["koordinator1"].email]


# --- Tests -----------------------------------------------------------------------------------


def test_the_worker_sweeps_and_delivers_each_reminder_once(
    broker, dunia, tujuh_hari, smtp, gateway
):
    hari = tujuh_hari.isoformat()
    tasks.sapu_pengingat.delay(hari).get(timeout=60)
    tunggu(
        lambda: (
            Pengingat.objects.exists()
            and not Pengiriman.objects.filter(status=StatusKirim.MENUNGGU).exists()
            and len(smtp.surat) == Pengingat.objects.count()
        )
    )
    time.sleep(1)  # nothing more arrives
    assert set(Pengingat.objects.values_list("jenis", flat=True)) == {JenisPengingat.TENGGAT}
    periksa_sekali_per_orang(dunia, smtp, gateway)
    assert len(gateway.permintaan) == Pengingat.objects.count()
    assert all(p["headers"]["Authorization"] == TOKEN_GATEWAY for p in gateway.permintaan)

    # The same day again, by beat and by a direct team task: nothing new is sent.
    jumlah = (len(smtp.surat), len(gateway.permintaan), Notifikasi.objects.count())
    tasks.sapu_pengingat.delay(hari).get(timeout=60)
    assert tasks.sapu_tim.delay(dunia.tim.pk, hari).get(timeout=60) == 0
    assert tasks.kirim_tertunda.delay().get(timeout=60) == 0
    time.sleep(1)
    assert (len(smtp.surat), len(gateway.permintaan), Notifikasi.objects.count()) == jumlah


def test_a_gateway_error_is_retried_by_the_task_with_back_off_and_delivered_once(
    broker, dunia, tujuh_hari, smtp, gateway, monkeypatch
):
    dipanggil = []

    def jeda(percobaan):
        dipanggil.append(percobaan)
        return 1

    monkeypatch.setattr(pengingat, "jeda", jeda)
    gateway.jawaban = [(500, {"status": False, "reason": "sibuk"})]
    assert tasks.sapu_tim.delay(dunia.tim.pk, tujuh_hari.isoformat()).get(timeout=60) > 0
    tunggu(
        lambda: (
            not Pengiriman.objects.filter(status=StatusKirim.MENUNGGU).exists()
            and len(smtp.surat) == Pengingat.objects.count()
        )
    )
    time.sleep(2)  # a second retry would arrive by now
    periksa_sekali_per_orang(dunia, smtp, gateway)
    assert [p["status"] for p in gateway.permintaan].count(500) == 1
    assert len(gateway.permintaan) == Pengingat.objects.count() + 1
    assert dipanggil == [1]  # the task asked for the back-off after the first failure
    diulang = Pengiriman.objects.get(kanal=Kanal.WHATSAPP, percobaan=2)
    assert diulang.status == StatusKirim.TERKIRIM and diulang.galat == ""
    assert not Pengiriman.objects.filter(kanal=Kanal.WHATSAPP).exclude(percobaan__lte=2).exists()


def test_a_broker_outage_during_the_sweep_loses_nothing_and_sends_nothing_twice(
    broker, dunia, tujuh_hari, smtp, gateway
):
    broker.putus()
    try:
        mulai = time.monotonic()
        with transaction.atomic():  # the queueing happens on commit, with the broker gone
            hasil = pengingat.sapu_tim(dunia.tim.pk, tujuh_hari, antre=True)
        lama = time.monotonic() - mulai
        assert hasil.pengingat
        antre = Pengiriman.objects.filter(kanal__in=[Kanal.EMAIL, Kanal.WHATSAPP])
        assert antre.count() == 2 * len(hasil.pengingat)
        assert set(antre.values_list("status", "percobaan")) == {(StatusKirim.MENUNGGU, 0)}
        assert (
            not Pengiriman.objects.filter(kanal=Kanal.INAPP)
            .exclude(status=StatusKirim.TERKIRIM)
            .exists()
        )
        assert smtp.surat == [] and gateway.permintaan == []
        assert lama < 5 * antre.count(), lama  # each failed enqueue gives up quickly
    finally:
        broker.buka()

    # A minute later (the outbox leaves fresh rows to their own tasks), the beat's outbox run.
    Pengingat.objects.update(dibuat_pada=F("dibuat_pada") - timedelta(minutes=2))
    terkirim = tasks.kirim_tertunda.delay().get(timeout=90)
    assert terkirim == antre.count()
    assert len(smtp.surat) == Pengiriman.objects.filter(kanal=Kanal.EMAIL).count()
    periksa_sekali_per_orang(dunia, smtp, gateway)
    assert len(gateway.permintaan) == len(hasil.pengingat)
    assert set(antre.values_list("percobaan", flat=True)) == {1}

    # The same day's sweep and the outbox again: nothing.
    jumlah = (len(smtp.surat), len(gateway.permintaan), Pengiriman.objects.count())
    assert tasks.sapu_tim.delay(dunia.tim.pk, tujuh_hari.isoformat()).get(timeout=60) == 0
    assert tasks.kirim_tertunda.delay().get(timeout=60) == 0
    time.sleep(1)
    assert (len(smtp.surat), len(gateway.permintaan), Pengiriman.objects.count()) == jumlah
