"""Reminders without outside services: the daily sweep (penilaian.pengingat.sapu_tim, run with
``antre=False``), delivery (``pengingat.kirim``) through the locmem mail backend and a small
WhatsApp gateway served from this process, event reminders, the command and the bell.
"""

import io
import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eviden import services as ev
from eviden.berkas import terima
from eviden.models import Butir, Soal, StatusButir
from penilaian import pengingat, services
from penilaian.kalender import WIB, akhir_hari, awal_hari
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

from . import contoh_berkas as cb
from .alat import TOKEN_GATEWAY
from .lembar_penuh import isi_penuh

pytestmark = pytest.mark.django_db

HARI = date(2026, 12, 1)  # the sweep's day in most tests (a Tuesday, inside the mandiri stage)


# --- A WhatsApp gateway in this process -----------------------------------------------------


@pytest.fixture(autouse=True)
def _surat_lokal(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PENGINGAT_MAKS_PERCOBAAN = 5


# --- Helpers ------------------------------------------------------------------------------


def satu_tahapan(dunia, tenggat, *, mulai=None, hari=None):
    """Only the mandiri stage left (so other stages' reminders do not interfere), with its
    deadline at ``tenggat`` (a date: 23:59 WIB; or an instant)."""
    Tahapan.objects.filter(tim=dunia.tim).exclude(jenis=JenisTahapan.MANDIRI).delete()
    t = Tahapan.objects.get(tim=dunia.tim, jenis=JenisTahapan.MANDIRI)
    if isinstance(tenggat, date) and not isinstance(tenggat, datetime):
        tenggat = akhir_hari(tenggat)
    t.mulai = mulai or awal_hari(date(2026, 11, 1))
    t.tenggat_eviden = tenggat
    t.selesai = max(tenggat, akhir_hari(date(2026, 12, 31)))
    if hari is not None:
        t.pengingat_hari = hari
    t.save()
    return t


def sapu(dunia, hari):
    return pengingat.sapu_tim(dunia.tim.pk, hari, antre=False)


def kode_area(dunia, area):
    return set(
        Soal.objects.filter(instrumen=dunia.lembar.instrumen, area_pokja=area).values_list(
            "kode", flat=True
        )
    )


def daftar_kode(isi):
    """The soal codes listed in a reminder ("- KODE (Pokja): …")."""
    return re.findall(r"^- (\S+) \(", isi, flags=re.M)


def pengingat_untuk(dunia, nama, **filter):
    return Pengingat.objects.filter(tim=dunia.tim, penerima=dunia.user[nama], **filter)


# --- Offsets and the time zone ----------------------------------------------------------------


@pytest.mark.parametrize("n", [30, 14, 7, 3, 1, 0])
def test_a_sweep_on_a_reminder_day_writes_that_days_reminder(dunia, n):
    t = satu_tahapan(dunia, HARI + timedelta(days=n))
    sapu(dunia, HARI)
    baru = Pengingat.objects.filter(tim=dunia.tim, jenis=JenisPengingat.TENGGAT)
    assert baru.exists()
    assert set(baru.values_list("sasaran", flat=True)) == {f"tahapan:{t.pk}:h{n}"}
    assert set(baru.values_list("tanggal", flat=True)) == {HARI}
    # Every member with unfinished soal is reminded, and nobody twice.
    penerima = list(baru.values_list("penerima__username", flat=True))
    assert {"anggota1", "anggota2", "koordinator1", "ketua"} <= set(penerima)
    assert len(penerima) == len(set(penerima))
    assert "luar" not in penerima
    judul = baru.first().judul
    assert ("Hari ini tenggat" in judul) if n == 0 else (f"{n} hari lagi" in judul)


@pytest.mark.parametrize("n", [29, 8, 2, 4, -1])
def test_a_sweep_on_another_day_writes_no_deadline_reminder(dunia, n):
    satu_tahapan(dunia, HARI + timedelta(days=n))
    sapu(dunia, HARI)
    assert not Pengingat.objects.filter(tim=dunia.tim, jenis=JenisPengingat.TENGGAT).exists()


def test_the_reminder_days_are_the_stages_own(dunia):
    t = satu_tahapan(dunia, HARI + timedelta(days=5), hari=[5])
    sapu(dunia, HARI)
    assert set(
        Pengingat.objects.filter(tim=dunia.tim, jenis=JenisPengingat.TENGGAT).values_list(
            "sasaran", flat=True
        )
    ) == {f"tahapan:{t.pk}:h5"}


def test_days_are_counted_in_jakarta_time(dunia):
    # 31 December 23:59 WIB is 16:59 UTC the same day: on 24 December it is H-7.
    t = satu_tahapan(dunia, datetime(2026, 12, 31, 23, 59, tzinfo=WIB))
    sapu(dunia, date(2026, 12, 24))
    assert set(Pengingat.objects.values_list("sasaran", flat=True)) == {f"tahapan:{t.pk}:h7"}
    Pengingat.objects.all().delete()
    # 1 January 00:30 WIB is 31 December 17:30 UTC, yet the deadline day is 1 January.
    tenggat = datetime(2027, 1, 1, 0, 30, tzinfo=WIB)
    assert tenggat.astimezone(UTC).date() == date(2026, 12, 31)
    t = satu_tahapan(dunia, tenggat)
    sapu(dunia, date(2026, 12, 31))
    assert set(Pengingat.objects.values_list("sasaran", flat=True)) == {f"tahapan:{t.pk}:h1"}
    sapu(dunia, date(2027, 1, 1))
    assert set(
        Pengingat.objects.filter(tanggal=date(2027, 1, 1)).values_list("sasaran", flat=True)
    ) == {f"tahapan:{t.pk}:h0"}
    # The first day of a stage sends "dibuka" to everyone in the team.
    sapu(dunia, date(2026, 11, 1))
    dibuka = Pengingat.objects.filter(jenis=JenisPengingat.DIBUKA, tanggal=date(2026, 11, 1))
    assert set(dibuka.values_list("sasaran", flat=True)) == {f"tahapan:{t.pk}:dibuka"}


def test_a_vague_file_name_is_flagged_only_while_it_is_the_latest_version(dunia):
    """As in the workspace's quality flags (eviden.kualitas: the latest version's name), a
    document renamed by a new version is no longer "tidak jelas"."""
    satu_tahapan(dunia, HARI + timedelta(days=7))
    lembar, anggota = dunia.lembar, dunia.user["anggota1"]
    s1, s2 = Soal.objects.filter(instrumen=lembar.instrumen, area_pokja=1).order_by(
        "node__kode", "urutan"
    )[:2]

    def unggah(s, teks, nama, dokumen=None, judul=""):
        berkas = terima(io.BytesIO(cb.pdf(teks)), nama)
        return ev.unggah_berkas(
            lembar=lembar, soal=s, user=anggota, berkas=berkas, dokumen=dokumen, judul=judul
        )

    # A clear title, a vague first file name, then a clearly named second version.
    v1 = unggah(s1, "SK", "scan001.pdf", judul="SK Tim ZI 2026")
    unggah(s1, "SK Tim ZI", "sk-tim-zi-2026.pdf", dokumen=v1.dokumen)
    unggah(s2, "Foto", "scan002.pdf")
    sapu(dunia, HARI)
    baris = {
        b.split(" ")[1]: b
        for b in pengingat_untuk(dunia, "anggota1").get().isi.splitlines()
        if b.startswith("- ")
    }
    assert "tidak jelas" in baris[s2.kode]
    assert "tidak jelas" not in baris[s1.kode], baris[s1.kode]


# --- Overdue assignments ----------------------------------------------------------------------


def test_an_overdue_assignment_is_repeated_weekly_until_it_is_submitted(dunia):
    satu_tahapan(dunia, date(2026, 12, 31), hari=[])
    lembar, anggota = dunia.lembar, dunia.user["anggota1"]
    s = Soal.objects.get(instrumen=lembar.instrumen, kode="A.I.1.i.1")
    tenggat = timezone.localdate() + timedelta(days=2)
    ev.tugaskan(
        lembar=lembar,
        soal=s,
        user=dunia.user["koordinator1"],
        ditugaskan_ke=anggota,
        tenggat=tenggat,
    )
    butir = Butir.objects.get(lembar=lembar, soal=s)
    for n in range(0, 16):
        sapu(dunia, tenggat + timedelta(days=n))
    terlambat = Pengingat.objects.filter(tim=dunia.tim, jenis=JenisPengingat.TERLAMBAT)
    assert sorted(terlambat.values_list("tanggal", flat=True)) == [
        tenggat + timedelta(days=7),
        tenggat + timedelta(days=14),
    ]
    assert set(terlambat.values_list("penerima__username", "sasaran")) == {
        ("anggota1", f"butir:{butir.pk}:terlambat")
    }
    p = terlambat.get(tanggal=tenggat + timedelta(days=7))
    assert "A.I.1.i.1" in p.judul and "7 hari" in p.judul
    assert daftar_kode(p.isi) == ["A.I.1.i.1"]
    # Submitted for review: no more reminders.
    ev.simpan_jawaban(lembar=lembar, soal=s, user=anggota, versi=0, pilihan="Ya")
    ev.tambah_tautan(lembar=lembar, soal=s, user=anggota, tautan="https://contoh.go.id/sk")
    ev.ajukan_reviu(lembar=lembar, soal=s, user=anggota)
    assert Butir.objects.get(pk=butir.pk).status == StatusButir.DIAJUKAN
    sapu(dunia, tenggat + timedelta(days=21))
    assert terlambat.count() == 2


# --- Exactly once -------------------------------------------------------------------------------


def test_a_second_sweep_of_the_same_day_adds_nothing(dunia):
    satu_tahapan(dunia, HARI + timedelta(days=7))
    pertama = sapu(dunia, HARI)
    assert pertama.pengingat and pertama.pengiriman
    jumlah = (Pengingat.objects.count(), Pengiriman.objects.count(), Notifikasi.objects.count())
    kedua = sapu(dunia, HARI)
    assert kedua.pengingat == [] and kedua.pengiriman == []
    assert (
        Pengingat.objects.count(),
        Pengiriman.objects.count(),
        Notifikasi.objects.count(),
    ) == jumlah


def test_the_command_reports_what_it_delivered_and_nothing_the_second_time(dunia, gateway):
    # Today's date: the command sweeps the active teams (a stage not over for long).
    hari = timezone.localdate()
    satu_tahapan(dunia, hari + timedelta(days=7), mulai=awal_hari(hari - timedelta(days=10)))
    anggota1 = dunia.user["anggota1"]
    anggota1.telepon = "081234567890"
    anggota1.save()

    def jalankan():
        keluar = StringIO()
        call_command("kirim_pengingat", tanggal=hari.isoformat(), stdout=keluar)
        baris = keluar.getvalue().strip().splitlines()[-1]
        m = re.fullmatch(r"email=(\d+) inapp=(\d+) whatsapp=(\d+)", baris)
        assert m, keluar.getvalue()
        return tuple(int(x) for x in m.groups())

    email, inapp, wa = jalankan()
    assert email > 0 and inapp > 0 and wa == 1
    assert email == len(mail.outbox) == Pengiriman.objects.filter(kanal=Kanal.EMAIL).count()
    assert inapp == Pengiriman.objects.filter(kanal=Kanal.INAPP).count()
    assert len(gateway.permintaan) == 1
    assert not Pengiriman.objects.exclude(status=StatusKirim.TERKIRIM).exists()
    assert jalankan() == (0, 0, 0)
    assert len(mail.outbox) == email and len(gateway.permintaan) == 1


# --- Who gets what --------------------------------------------------------------------------------


def test_each_person_gets_their_own_list_coordinators_and_the_chair_a_summary(dunia, gateway):
    satu_tahapan(dunia, HARI + timedelta(days=7))
    u = dunia.user
    u["anggota1"].telepon = "+6281234567890"
    u["anggota1"].save()
    u["anggota2"].terima_email = False
    u["anggota2"].save()
    sapu(dunia, HARI)

    area1, area2 = kode_area(dunia, 1), kode_area(dunia, 2)
    p1 = pengingat_untuk(dunia, "anggota1").get()
    kode1 = daftar_kode(p1.isi)
    assert kode1 and set(kode1) <= area1 and not set(kode1) & area2
    assert "Ringkasan" not in p1.isi and "Nilai proyeksi" not in p1.isi
    p2 = pengingat_untuk(dunia, "anggota2").get()
    kode2 = daftar_kode(p2.isi)
    assert kode2 and set(kode2) <= area2 and not set(kode2) & area1

    koor = pengingat_untuk(dunia, "koordinator1").get()
    assert "Ringkasan Pokja I:" in koor.isi and "Ringkasan Pokja II" not in koor.isi
    assert "Nilai proyeksi" not in koor.isi
    ketua = pengingat_untuk(dunia, "ketua").get()
    assert "Ringkasan tim" in ketua.isi and "Nilai proyeksi" in ketua.isi
    assert "LKE belum diajukan" in ketua.isi

    def kanal(nama):
        return set(
            Pengiriman.objects.filter(pengingat__penerima=u[nama]).values_list("kanal", flat=True)
        )

    assert kanal("anggota1") == {Kanal.EMAIL, Kanal.INAPP, Kanal.WHATSAPP}
    assert kanal("anggota2") == {Kanal.INAPP}  # no e-mail, no phone
    assert kanal("koordinator1") == {Kanal.EMAIL, Kanal.INAPP}
    wa = Pengiriman.objects.get(kanal=Kanal.WHATSAPP)
    assert wa.tujuan == "6281234567890" and wa.status == StatusKirim.MENUNGGU
    # In-app is delivered in the sweep itself; e-mail waits for the worker.
    assert Notifikasi.objects.filter(user=u["anggota1"], teks=p1.judul).count() == 1
    assert not Notifikasi.objects.filter(user=u["luar"]).exists()
    surat = Pengiriman.objects.get(kanal=Kanal.EMAIL, pengingat=p1)
    assert pengingat.kirim(surat.pk).status == StatusKirim.TERKIRIM
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [u["anggota1"].email]
    assert kode1[0] in mail.outbox[0].body


def test_without_the_summary_preference_a_coordinator_gets_only_their_own_soal(dunia):
    satu_tahapan(dunia, HARI + timedelta(days=7))
    koor = dunia.user["koordinator1"]
    koor.terima_ringkasan = False
    koor.save()
    sapu(dunia, HARI)
    isi = pengingat_untuk(dunia, "koordinator1").get().isi
    assert "Ringkasan" not in isi and daftar_kode(isi)


# --- WhatsApp gateway -------------------------------------------------------------------------


@pytest.fixture
def wa(dunia, gateway):
    """A waiting WhatsApp delivery to anggota1."""
    satu_tahapan(dunia, HARI + timedelta(days=7))
    anggota1 = dunia.user["anggota1"]
    anggota1.telepon = "081234567890"
    anggota1.save()
    sapu(dunia, HARI)
    return Pengiriman.objects.get(kanal=Kanal.WHATSAPP)


def test_a_gateway_error_is_counted_and_the_next_attempt_delivers_once(wa, gateway):
    gateway.jawaban = [(500, {"status": False, "reason": "server error"})]
    p = pengingat.kirim(wa.pk)
    assert (p.status, p.percobaan) == (StatusKirim.MENUNGGU, 1)
    assert "500" in p.galat
    p = pengingat.kirim(wa.pk)
    assert (p.status, p.percobaan, p.galat) == (StatusKirim.TERKIRIM, 2, "")
    assert pengingat.kirim(wa.pk) is None  # already sent: nothing more
    p = Pengiriman.objects.get(pk=wa.pk)
    assert p.status == StatusKirim.TERKIRIM and p.terkirim_pada is not None
    assert len(gateway.permintaan) == 2
    permintaan = gateway.permintaan[-1]
    assert permintaan["headers"]["Authorization"] == TOKEN_GATEWAY
    assert permintaan["form"]["target"] == "6281234567890"
    assert permintaan["form"]["message"].startswith(p.pengingat.isi)
    assert reverse("tugas-saya") in permintaan["form"]["message"]


def test_a_gateway_answering_status_false_is_a_failure(wa, gateway):
    gateway.jawaban = [(200, {"status": False, "reason": "nomor tidak terdaftar"})]
    p = pengingat.kirim(wa.pk)
    assert (p.status, p.percobaan) == (StatusKirim.MENUNGGU, 1)
    assert "nomor tidak terdaftar" in p.galat
    p = Pengiriman.objects.get(pk=wa.pk)
    assert "nomor tidak terdaftar" in p.galat and p.terkirim_pada is None


def test_after_the_maximum_attempts_the_delivery_fails(wa, gateway, settings):
    settings.PENGINGAT_MAKS_PERCOBAAN = 3
    gateway.jawaban = [(500, {})] * 10
    for n in (1, 2):
        p = pengingat.kirim(wa.pk)
        assert (p.status, p.percobaan) == (StatusKirim.MENUNGGU, n)
    p = pengingat.kirim(wa.pk)
    assert (p.status, p.percobaan) == (StatusKirim.GAGAL, 3)
    assert "500" in p.galat
    assert pengingat.kirim(wa.pk) is None
    assert len(gateway.permintaan) == 3
    assert wa.pk not in pengingat.tertunda(timezone.now() + timedelta(days=1))


def test_an_unreachable_gateway_is_a_failure_too(wa, settings):
    settings.WHATSAPP_URL = "http://127.0.0.1:9/send"
    p = pengingat.kirim(wa.pk)
    assert (p.status, p.percobaan) == (StatusKirim.MENUNGGU, 1)
    assert "tidak terjangkau" in p.galat


# --- Cost -------------------------------------------------------------------------------------


def test_the_sweep_costs_the_same_number_of_queries_for_a_small_and_a_full_worksheet(dunia):
    satu_tahapan(dunia, date(2026, 12, 31))
    sapu(dunia, date(2026, 12, 17))  # the instrument's soal list is cached once per process
    s = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode="A.I.1.i.1")
    ev.simpan_jawaban(
        lembar=dunia.lembar, soal=s, user=dunia.user["anggota1"], versi=0, pilihan="Ya"
    )

    def hitung(hari):
        with CaptureQueriesContext(connection) as q:
            hasil = sapu(dunia, hari)
        assert hasil.pengingat  # both sweeps write reminders
        return len(q.captured_queries), len(hasil.pengingat)

    kecil, n_kecil = hitung(date(2026, 12, 24))  # H-7
    # Every soal of three Pokja answered, 4 documents × 3 versions each, some submitted,
    # assigned and overdue.
    for area in (1, 2, 5):
        isi_penuh(
            dunia.lembar,
            dunia.user["anggota1" if area == 1 else "anggota2"],
            area=area,
            dokumen=4,
            versi=3,
            tiap_diajukan=4,
            tenggat=date(2026, 12, 21),
        )
    besar, n_besar = hitung(date(2026, 12, 28))  # H-3, and the assignments 7 days late
    assert Pengingat.objects.filter(
        jenis=JenisPengingat.TERLAMBAT, tanggal=date(2026, 12, 28)
    ).exists()
    assert besar == kecil, (kecil, besar)
    assert besar <= 25


# --- Events -----------------------------------------------------------------------------------


def test_a_returned_soal_is_sent_by_email_and_whatsapp_but_not_again_in_app(dunia, gateway):
    lembar, anggota = dunia.lembar, dunia.user["anggota1"]
    anggota.telepon = "081234567890"
    anggota.save()
    s = Soal.objects.get(instrumen=lembar.instrumen, kode="A.I.1.i.1")
    ev.simpan_jawaban(lembar=lembar, soal=s, user=anggota, versi=0, pilihan="Ya")
    ev.tambah_tautan(lembar=lembar, soal=s, user=anggota, tautan="https://contoh.go.id/sk")
    ev.ajukan_reviu(lembar=lembar, soal=s, user=anggota)
    notif = Notifikasi.objects.filter(user=anggota).count()
    ev.reviu(
        lembar=lembar,
        soal=s,
        user=dunia.user["koordinator1"],
        setujui=False,
        catatan="SK belum ditandatangani",
    )
    p = Pengingat.objects.get(jenis=JenisPengingat.DIKEMBALIKAN)
    assert p.penerima == anggota and p.tim == dunia.tim
    assert "A.I.1.i.1" in p.judul and "SK belum ditandatangani" in p.isi
    assert set(p.pengiriman.values_list("kanal", flat=True)) == {Kanal.EMAIL, Kanal.WHATSAPP}
    # The portal notification comes from eviden itself, once.
    assert Notifikasi.objects.filter(user=anggota).count() == notif + 1
    for k in p.pengiriman.all():
        assert pengingat.kirim(k.pk).status == StatusKirim.TERKIRIM
    assert len(mail.outbox) == 1 and "SK belum ditandatangani" in mail.outbox[0].body
    assert len(gateway.permintaan) == 1


def test_a_submission_tells_the_team_except_the_submitter(dunia):
    t = Tahapan.objects.get(tim=dunia.tim, jenis=JenisTahapan.MANDIRI)
    sekarang = timezone.now()
    Tahapan.objects.filter(pk=t.pk).update(
        mulai=sekarang - timedelta(days=10),
        selesai=sekarang + timedelta(days=10),
        tenggat_eviden=sekarang + timedelta(days=5),
    )
    t.refresh_from_db()
    p = services.ajukan(tahapan=t, user=dunia.user["ketua"])
    beku = Pengingat.objects.filter(jenis=JenisPengingat.DIBEKUKAN)
    harapan = {n for n in dunia.user if n not in ("ketua", "luar")}
    assert set(beku.values_list("penerima__username", flat=True)) == harapan
    assert beku.count() == len(harapan)
    assert set(beku.values_list("sasaran", flat=True)) == {f"pengajuan:{p.pk}"}
    assert Notifikasi.objects.filter(user=dunia.user["anggota1"], teks=beku.first().judul).exists()
    assert not Notifikasi.objects.filter(user=dunia.user["ketua"]).exists()


# --- The bell and the profile -----------------------------------------------------------------


def test_the_bell_counts_unread_and_opening_marks_only_one_read(client, dunia):
    satu_tahapan(dunia, HARI + timedelta(days=7))
    anggota1, anggota2 = dunia.user["anggota1"], dunia.user["anggota2"]
    Notifikasi.objects.create(user=anggota1, teks="Pengingat lain", tautan="/tugas-saya/")
    sapu(dunia, HARI)
    belum = Notifikasi.objects.filter(user=anggota1, dibaca_pada__isnull=True)
    assert belum.count() == 2
    client.force_login(anggota1)
    html = client.get(reverse("notifikasi")).content.decode()
    assert 'data-notifikasi="2"' in html
    n = belum.first()
    r = client.post(reverse("notifikasi-buka", args=[n.pk]), {"tandai": "1"})
    assert r.status_code == 302
    assert Notifikasi.objects.get(pk=n.pk).dibaca_pada is not None
    assert belum.count() == 1
    assert 'data-notifikasi="1"' in client.get(reverse("notifikasi")).content.decode()
    # Someone else's notification: 404, and it stays unread.
    lain = Notifikasi.objects.filter(user=anggota2).first()
    assert lain is not None
    r = client.post(reverse("notifikasi-buka", args=[lain.pk]), {"tandai": "1"})
    assert r.status_code == 404
    assert Notifikasi.objects.get(pk=lain.pk).dibaca_pada is None


def test_the_profile_saves_a_phone_and_refuses_a_malformed_one(client, dunia):
    user = dunia.user["anggota1"]
    client.force_login(user)
    assert client.get(reverse("profil")).status_code == 200
    r = client.post(
        reverse("profil"),
        {
            "email": "anggota1@kemenag.go.id",
            "telepon": "081234567890",
            "terima_email": "on",
            "terima_ringkasan": "on",
        },
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.telepon, user.nomor_wa) == (
        "anggota1@kemenag.go.id",
        "081234567890",
        "6281234567890",
    )
    assert user.terima_email and not user.terima_whatsapp and user.terima_ringkasan
    r = client.post(
        reverse("profil"),
        {"email": "baru@kemenag.go.id", "telepon": "12-34", "terima_whatsapp": "on"},
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "is-invalid" in html and 'value="baru@kemenag.go.id"' in html
    user.refresh_from_db()
    assert (user.email, user.telepon) == ("anggota1@kemenag.go.id", "081234567890")
    assert user.terima_email and not user.terima_whatsapp and user.terima_ringkasan
