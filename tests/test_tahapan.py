"""Stages of a periode and frozen submissions (penilaian.services.ajukan).

A new team gets the proposed Kemenag calendar (dates in WIB); the chair adjusts it within the
rules; a submission freezes answers, review states, values, scores and the exact evidence
versions, and those rows can be changed neither through the models nor in SQL.
"""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from eviden import services as ev
from eviden.berkas import terima
from eviden.models import Eviden, JenisJawaban, Soal, StatusButir, VersiDokumen
from penilaian import services
from penilaian.kalender import WIB
from penilaian.models import (
    PENGINGAT_BAWAAN,
    BekuError,
    EvidenBeku,
    JawabanBeku,
    JenisTahapan,
    Pengajuan,
    Tahapan,
)
from penilaian.selectors import skor_lembar
from pokja.models import TimZI

from . import contoh_berkas as cb
from .factories import SatkerFactory

pytestmark = pytest.mark.django_db


def tahapan(dunia, jenis):
    return Tahapan.objects.get(tim=dunia.tim, jenis=jenis)


def buka_mandiri(dunia, *, tenggat_lewat=False):
    """The self-assessment stage running now (deadline in a week, or yesterday): the tests do
    not depend on today's date."""
    t = tahapan(dunia, JenisTahapan.MANDIRI)
    sekarang = timezone.now()
    if tenggat_lewat:
        mulai, selesai, tenggat = sekarang - timedelta(days=30), sekarang, sekarang - timedelta(1)
    else:
        mulai, selesai = sekarang - timedelta(days=30), sekarang + timedelta(days=30)
        tenggat = sekarang + timedelta(days=7)
    return services.ubah_tahapan(
        tahapan=t,
        user=dunia.user["ketua"],
        mulai=mulai,
        selesai=selesai,
        tenggat_eviden=tenggat,
        pengingat_hari=PENGINGAT_BAWAAN,
    )


def soal_jenis(dunia, jenis, area=1, n=0):
    return Soal.objects.filter(
        instrumen=dunia.lembar.instrumen, area_pokja=area, jenis=jenis
    ).order_by("node__kode", "urutan")[n]


def unggah(dunia, s, isi, nama, user, dokumen=None):
    berkas = terima(io.BytesIO(isi), nama)
    return ev.unggah_berkas(lembar=dunia.lembar, soal=s, user=user, berkas=berkas, dokumen=dokumen)


# --- The calendar ---------------------------------------------------------------------------


def test_a_new_team_gets_the_seven_proposed_stages_in_wib(dunia):
    satker = SatkerFactory(kode="KANKEMENAG-BARU", nama="Kankemenag Baru")
    tim = TimZI.objects.create(satker=satker, tahun=2026, target_predikat="WBK")
    daftar = list(Tahapan.objects.filter(tim=tim).order_by("mulai"))
    assert [t.jenis for t in daftar] == [j.value for j in JenisTahapan]
    assert all(t.pengingat_hari == [30, 14, 7, 3, 1, 0] for t in daftar)
    mandiri = daftar[0]
    # 31 December of the team's year, 23:59 in Jakarta = 16:59 UTC the same day.
    assert mandiri.tenggat == datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
    assert mandiri.tenggat.astimezone(WIB).strftime("%Y-%m-%d %H:%M") == "2026-12-31 23:59"
    # A stage starts at 00:00 WIB (17:00 UTC the day before).
    assert mandiri.mulai == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    for t in daftar:
        assert t.mulai <= t.selesai
        assert t.tenggat <= t.selesai
        assert t.selesai.astimezone(WIB).strftime("%H:%M") == "23:59"
        assert t.mulai.astimezone(WIB).strftime("%H:%M") == "00:00"
    # The periode after the self-assessment is the next year.
    assert {t.mulai.astimezone(WIB).year for t in daftar[1:]} == {2027}
    # The chair's changes survive a second proposal.
    services.ubah_tahapan(
        tahapan=mandiri,
        user=None,
        mulai=mandiri.mulai,
        selesai=mandiri.selesai,
        tenggat_eviden=mandiri.selesai - timedelta(days=10),
        pengingat_hari=[7, 1],
    )
    services.usulkan_kalender(tim=tim)
    assert Tahapan.objects.filter(tim=tim).count() == 7
    mandiri.refresh_from_db()
    assert mandiri.tenggat == datetime(2026, 12, 21, 16, 59, tzinfo=UTC)
    # The fixture's teams got their calendars too.
    assert Tahapan.objects.filter(tim=dunia.tim).count() == 7


def test_ubah_tahapan_refuses_an_end_before_the_start_and_a_deadline_after_the_end(dunia):
    t = tahapan(dunia, JenisTahapan.PENDAHULUAN)
    asli = (t.mulai, t.selesai, t.tenggat_eviden, t.pengingat_hari)
    ketua = dunia.user["ketua"]
    with pytest.raises(ValidationError):
        services.ubah_tahapan(
            tahapan=t,
            user=ketua,
            mulai=t.mulai,
            selesai=t.mulai - timedelta(minutes=1),
            tenggat_eviden=None,
            pengingat_hari=[7],
        )
    with pytest.raises(ValidationError):
        services.ubah_tahapan(
            tahapan=t,
            user=ketua,
            mulai=t.mulai,
            selesai=t.selesai,
            tenggat_eviden=t.selesai + timedelta(minutes=1),
            pengingat_hari=[7],
        )
    t = Tahapan.objects.get(pk=t.pk)
    assert (t.mulai, t.selesai, t.tenggat_eviden, t.pengingat_hari) == asli
    # Within the rules it is saved; reminder days are de-duplicated, largest first.
    services.ubah_tahapan(
        tahapan=t,
        user=ketua,
        mulai=t.mulai,
        selesai=t.selesai,
        tenggat_eviden=t.selesai,
        pengingat_hari=[1, 7, 7, 0],
    )
    t = Tahapan.objects.get(pk=t.pk)
    assert t.tenggat_eviden == t.selesai and t.pengingat_hari == [7, 1, 0]


# --- Freezing -------------------------------------------------------------------------------


@pytest.fixture
def lke(dunia):
    """Pokja I work: a choice answer returned by the coordinator with a note, a number, one
    document in two versions, an archived link; the self-assessment stage open."""
    anggota, koor = dunia.user["anggota1"], dunia.user["koordinator1"]
    lembar = dunia.lembar
    s_pilih = soal_jenis(dunia, JenisJawaban.ABC)
    s_angka = soal_jenis(dunia, JenisJawaban.JUMLAH)
    s_lain = soal_jenis(dunia, JenisJawaban.YA_TIDAK)
    ev.simpan_jawaban(
        lembar=lembar, soal=s_pilih, user=anggota, versi=0, pilihan="B", penjelasan="SK terbit"
    )
    ev.simpan_jawaban(lembar=lembar, soal=s_angka, user=anggota, versi=0, angka=Decimal("42"))
    ev.simpan_jawaban(lembar=lembar, soal=s_lain, user=anggota, versi=0, pilihan="Ya")
    v1 = unggah(dunia, s_pilih, cb.pdf("SK Tim ZI"), "sk-tim-zi.pdf", anggota)
    v2 = unggah(dunia, s_pilih, cb.pdf("SK Tim ZI revisi"), "sk-revisi.pdf", anggota, v1.dokumen)
    tautan = ev.tambah_tautan(
        lembar=lembar, soal=s_pilih, user=anggota, tautan="https://contoh.go.id/lama"
    )
    ev.arsipkan_eviden(
        eviden=Eviden.objects.get(lembar=lembar, dokumen=tautan.dokumen), user=anggota
    )
    lain = ev.tambah_tautan(
        lembar=lembar, soal=s_lain, user=anggota, tautan="https://contoh.go.id/maklumat"
    )
    ev.ajukan_reviu(lembar=lembar, soal=s_pilih, user=anggota)
    ev.reviu(
        lembar=lembar, soal=s_pilih, user=koor, setujui=False, catatan="Lampirkan SK yang diteken"
    )
    ev.ajukan_reviu(lembar=lembar, soal=s_lain, user=anggota)
    ev.reviu(lembar=lembar, soal=s_lain, user=koor, setujui=True)
    buka_mandiri(dunia)
    return {
        "pilih": s_pilih,
        "angka": s_angka,
        "lain": s_lain,
        "v1": v1,
        "v2": v2,
        "tautan": tautan,
        "lain_versi": lain,
    }


def beku(p):
    """Everything frozen in ``p``, read fresh from the database."""
    kolom = ["soal_id", "pilihan", "angka", "penjelasan", "status", "catatan_reviu", "nilai"]
    return (
        Pengajuan.objects.filter(pk=p.pk).values().get(),
        sorted(JawabanBeku.objects.filter(pengajuan=p).values_list(*kolom)),
        sorted(EvidenBeku.objects.filter(pengajuan=p).values_list("soal_id", "versi_id", "judul")),
    )


def test_ajukan_freezes_answers_reviews_values_scores_and_latest_versions(dunia, lke):
    ketua = dunia.user["ketua"]
    harapan_skor = skor_lembar(dunia.lembar)
    p = services.ajukan(tahapan=tahapan(dunia, JenisTahapan.MANDIRI), user=ketua)
    assert p.nomor == 1 and not p.terlambat and p.alasan_terlambat == ""
    assert p.diajukan_oleh == ketua and p.tim == dunia.tim
    assert p.total == round(harapan_skor.total, 4)
    assert p.pengungkit == round(harapan_skor.pengungkit, 4)
    assert set(p.area) == {str(n) for n in harapan_skor.area}

    jawaban = {j.soal_id: j for j in JawabanBeku.objects.filter(pengajuan=p)}
    # Every soal of the instrument has a row; unanswered ones are empty without a value.
    assert len(jawaban) == Soal.objects.filter(instrumen=dunia.lembar.instrumen).count()
    j = jawaban[lke["pilih"].pk]
    assert (j.pilihan, j.penjelasan, j.status) == ("B", "SK terbit", StatusButir.PERLU_PERBAIKAN)
    assert j.catatan_reviu == "Lampirkan SK yang diteken"
    assert j.nilai == Decimal("0.5")
    assert jawaban[lke["angka"].pk].angka == Decimal("42")
    lain = jawaban[lke["lain"].pk]
    assert (lain.pilihan, lain.status, lain.nilai) == ("Ya", StatusButir.DISETUJUI, Decimal(1))
    kosong = [
        x
        for x in jawaban.values()
        if x.soal_id not in {lke[k].pk for k in ("pilih", "angka", "lain")}
    ]
    assert all(x.pilihan == "" and x.angka is None and x.status == "draf" for x in kosong)
    # The latest version of each active attachment; the archived link is not submitted.
    assert sorted(
        EvidenBeku.objects.filter(pengajuan=p).values_list("soal_id", "versi_id")
    ) == sorted([(lke["pilih"].pk, lke["v2"].pk), (lke["lain"].pk, lke["lain_versi"].pk)])

    sebelum = beku(p)
    # Work goes on: the answer changes and the document gets a third version.
    ev.simpan_jawaban(
        lembar=dunia.lembar,
        soal=lke["pilih"],
        user=dunia.user["anggota1"],
        versi=1,
        pilihan="A",
        penjelasan="SK sudah diteken",
    )
    v3 = unggah(
        dunia,
        lke["pilih"],
        cb.pdf("SK diteken"),
        "sk-diteken.pdf",
        dunia.user["anggota1"],
        lke["v1"].dokumen,
    )
    assert v3.nomor == 3
    assert beku(p) == sebelum
    assert JawabanBeku.objects.get(pengajuan=p, soal=lke["pilih"]).pilihan == "B"


def sql_ditolak(perintah, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(perintah, params)


def test_frozen_rows_refuse_every_change_in_the_models_and_in_sql(dunia, lke):
    p = services.ajukan(tahapan=tahapan(dunia, JenisTahapan.MANDIRI), user=dunia.user["ketua"])
    j = JawabanBeku.objects.get(pengajuan=p, soal=lke["pilih"])
    e = EvidenBeku.objects.get(pengajuan=p, soal=lke["pilih"])
    sebelum = beku(p)

    for obj, ubah in ((p, {"total": 0}), (j, {"catatan_reviu": "diubah"}), (e, {"judul": "x"})):
        model = type(obj)
        for k, v in ubah.items():
            setattr(obj, k, v)
        with pytest.raises(BekuError):
            obj.save()
        with pytest.raises(BekuError):
            obj.delete()
        with pytest.raises(BekuError):
            model.objects.filter(pk=obj.pk).update(**ubah)
        with pytest.raises(BekuError):
            model.objects.filter(pk=obj.pk).delete()
        with pytest.raises(BekuError):
            model.objects.all().delete()

    # In SQL, past the models (a shell, another program): the database refuses too.
    assert connection.vendor == "postgresql"
    for perintah, params in [
        ("UPDATE penilaian_pengajuan SET total = 100 WHERE id = %s", [p.pk]),
        (
            "UPDATE penilaian_pengajuan SET terlambat = true, alasan_terlambat = 'x' WHERE id = %s",
            [p.pk],
        ),
        ("DELETE FROM penilaian_pengajuan WHERE id = %s", [p.pk]),
        ("UPDATE penilaian_jawabanbeku SET pilihan = 'A' WHERE id = %s", [j.pk]),
        ("UPDATE penilaian_jawabanbeku SET catatan_reviu = '' WHERE id = %s", [j.pk]),
        ("DELETE FROM penilaian_jawabanbeku WHERE pengajuan_id = %s", [p.pk]),
        ("UPDATE penilaian_evidenbeku SET versi_id = %s WHERE id = %s", [lke["v1"].pk, e.pk]),
        ("DELETE FROM penilaian_evidenbeku WHERE id = %s", [e.pk]),
    ]:
        sql_ditolak(perintah, params)
    assert beku(p) == sebelum

    # The versions a submission points at are written once and cannot be deleted.
    v2 = VersiDokumen.objects.get(pk=lke["v2"].pk)
    v2.nama_asli = "ganti.pdf"
    with pytest.raises(ValueError):
        v2.save()
    with pytest.raises(ProtectedError):
        VersiDokumen.objects.get(pk=lke["v2"].pk).delete()
    with pytest.raises(ProtectedError):
        VersiDokumen.objects.filter(pk=lke["v2"].pk).delete()
    assert VersiDokumen.objects.get(pk=lke["v2"].pk).nama_asli == "sk-revisi.pdf"


def test_a_late_submission_needs_a_reason_and_is_marked_late(dunia, lke):
    t = buka_mandiri(dunia, tenggat_lewat=True)
    for alasan in ("", "   "):
        with pytest.raises(ValidationError):
            services.ajukan(tahapan=t, user=dunia.user["ketua"], alasan_terlambat=alasan)
    assert not Pengajuan.objects.exists()
    p = services.ajukan(
        tahapan=t, user=dunia.user["ketua"], alasan_terlambat="  Server satker mati seminggu "
    )
    p = Pengajuan.objects.get(pk=p.pk)
    assert p.terlambat is True
    assert p.alasan_terlambat == "Server satker mati seminggu"


def test_an_on_time_submission_is_not_late_and_keeps_no_reason(dunia, lke):
    p = services.ajukan(
        tahapan=tahapan(dunia, JenisTahapan.MANDIRI),
        user=dunia.user["ketua"],
        alasan_terlambat="tidak perlu",
    )
    p = Pengajuan.objects.get(pk=p.pk)
    assert (p.terlambat, p.alasan_terlambat) == (False, "")


def test_a_second_submission_only_inside_the_correction_window(dunia, lke):
    t = tahapan(dunia, JenisTahapan.MANDIRI)
    pertama = services.ajukan(tahapan=t, user=dunia.user["ketua"])
    sebelum = beku(pertama)
    sekarang = timezone.now()
    perbaikan = tahapan(dunia, JenisTahapan.PERBAIKAN)
    # The correction window lies ahead (or is over): no replacement.
    for mulai, selesai in (
        (sekarang + timedelta(days=1), sekarang + timedelta(days=8)),
        (sekarang - timedelta(days=8), sekarang - timedelta(minutes=1)),
    ):
        Tahapan.objects.filter(pk=perbaikan.pk).update(
            mulai=mulai, selesai=selesai, tenggat_eviden=selesai
        )
        with pytest.raises(ValidationError):
            services.ajukan(tahapan=t, user=dunia.user["sekretaris"])
        assert Pengajuan.objects.filter(tahapan=t).count() == 1
    # Inside it: a second submission, numbered 2; the first stays as it was.
    Tahapan.objects.filter(pk=perbaikan.pk).update(
        mulai=sekarang - timedelta(days=1),
        selesai=sekarang + timedelta(days=6),
        tenggat_eviden=sekarang + timedelta(days=6),
    )
    ev.simpan_jawaban(
        lembar=dunia.lembar,
        soal=lke["pilih"],
        user=dunia.user["anggota1"],
        versi=1,
        pilihan="A",
    )
    kedua = services.ajukan(tahapan=t, user=dunia.user["sekretaris"])
    assert kedua.nomor == 2 and kedua.pk != pertama.pk
    assert JawabanBeku.objects.get(pengajuan=kedua, soal=lke["pilih"]).pilihan == "A"
    assert beku(pertama) == sebelum
    assert list(Pengajuan.objects.filter(tahapan=t).values_list("nomor", flat=True)) == [1, 2]


def test_the_exit_meeting_takes_no_submission(dunia, lke):
    t = tahapan(dunia, JenisTahapan.EXIT_MEETING)
    with pytest.raises(ValidationError):
        services.ajukan(tahapan=t, user=dunia.user["ketua"])
    with pytest.raises(ValidationError):
        services.ajukan(tahapan=t, user=dunia.user["ketua"], alasan_terlambat="alasan")
    assert not Pengajuan.objects.exists()
