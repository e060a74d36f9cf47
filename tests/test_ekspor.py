"""Exports as jobs on the real services: the request page, a real Celery worker building the
file, the progress page that polls itself, the download, the history, a broker outage,
failures with a message, claim-once, and expiry of old files."""

import hashlib
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from penilaian import ekspor as runner
from penilaian import tasks
from penilaian.models import Ekspor, StatusEkspor
from penilaian.services import ajukan

from .alat import tunggu

pytestmark = pytest.mark.django_db(transaction=True)


def _isi(respons):
    return b"".join(respons.streaming_content) if respons.streaming else respons.content


def _minta(client, dunia, **data):
    client.force_login(dunia.user["kasubbag"])
    r = client.post(reverse("ekspor", args=[dunia.tim.pk]), data)
    assert r.status_code == 302, r.content.decode()[:500]
    e = Ekspor.objects.latest("pk")
    assert r.url == reverse("ekspor-status", args=[dunia.tim.pk, e.pk])
    return e


@pytest.mark.layanan
def test_the_worker_builds_the_workbook_and_the_download_is_that_file(client, dunia, broker):
    e = _minta(client, dunia, jenis="xlsx", sumber="langsung")
    assert e.diminta_oleh == dunia.user["kasubbag"] and e.pengajuan is None

    tunggu(lambda: Ekspor.objects.get(pk=e.pk).status in ("selesai", "gagal"))
    e.refresh_from_db()
    assert e.status == StatusEkspor.SELESAI, e.galat
    assert e.persen == 100 and e.kedaluwarsa_pada > e.selesai_pada

    # The progress block, as htmx polls it: finished, a download link, no more polling.
    r = client.get(reverse("ekspor-status", args=[dunia.tim.pk, e.pk]), HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert 'data-status="selesai"' in html and "hx-trigger" not in html
    assert reverse("ekspor-unduh", args=[dunia.tim.pk, e.pk]) in html

    r = client.get(reverse("ekspor-unduh", args=[dunia.tim.pk, e.pk]))
    isi = _isi(r)
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert e.nama_berkas.startswith("lke-kankemenag-kota-uji-2026-") and e.nama_berkas.endswith(
        ".xlsx"
    )
    assert hashlib.sha256(isi).hexdigest() == e.sha256 and len(isi) == e.ukuran
    buku = openpyxl.load_workbook(io.BytesIO(isi))
    assert "Jawaban" in buku.sheetnames

    # The history names who exported what.
    html = client.get(reverse("ekspor", args=[dunia.tim.pk])).content.decode()
    assert dunia.user["kasubbag"].get_full_name() in html and "LKE Excel" in html


@pytest.mark.layanan
def test_a_job_requested_while_the_broker_is_down_waits_and_the_sweep_runs_it(
    client, dunia, broker
):
    broker.putus()
    try:
        e = _minta(client, dunia, jenis="xlsx", sumber="langsung")
        r = client.get(reverse("ekspor-status", args=[dunia.tim.pk, e.pk]))
        assert 'data-status="menunggu"' in r.content.decode()
        assert 'hx-trigger="every 1s"' in r.content.decode()  # the page keeps polling
    finally:
        broker.buka()
    e.refresh_from_db()
    assert e.status == StatusEkspor.MENUNGGU
    # The beat sweep picks up jobs waiting for more than a minute.
    Ekspor.objects.filter(pk=e.pk).update(diminta_pada=timezone.now() - timedelta(minutes=2))
    assert tasks.ekspor_tertunda() == 1
    e.refresh_from_db()
    assert e.status == StatusEkspor.SELESAI and default_storage.exists(e.kunci)
    assert tasks.ekspor_tertunda() == 0


def test_a_job_runs_once_however_often_it_is_delivered(dunia):
    e = Ekspor.objects.create(
        tim=dunia.tim, jenis="xlsx", diminta_oleh=dunia.user["ketua"], diminta_pada=timezone.now()
    )
    pertama = runner.jalankan(e.pk)
    kedua = runner.jalankan(e.pk)
    assert pertama.status == kedua.status == StatusEkspor.SELESAI
    assert kedua.kunci == pertama.kunci and kedua.selesai_pada == pertama.selesai_pada
    assert default_storage.listdir(f"ekspor/{dunia.tim.pk}")[1] == [pertama.kunci.split("/")[-1]]


def test_a_failing_job_ends_with_a_message_the_progress_page_shows(client, dunia):
    # A submission of another team can never be exported for this one: the reader refuses.
    lain = ajukan(
        tahapan=dunia.tim_luar.tahapan.get(jenis="mandiri"),
        user=dunia.user["luar"],
        alasan_terlambat="uji",
    )
    e = Ekspor.objects.create(
        tim=dunia.tim,
        jenis="xlsx",
        pengajuan=lain,
        diminta_oleh=dunia.user["ketua"],
        diminta_pada=timezone.now(),
    )
    e = runner.jalankan(e.pk)
    assert e.status == StatusEkspor.GAGAL and "Ekspor gagal dibuat" in e.galat
    client.force_login(dunia.user["ketua"])
    html = client.get(reverse("ekspor-status", args=[dunia.tim.pk, e.pk])).content.decode()
    assert 'data-status="gagal"' in html and "Ekspor gagal dibuat" in html
    assert "hx-trigger" not in html
    assert client.get(reverse("ekspor-unduh", args=[dunia.tim.pk, e.pk])).status_code == 404


def test_a_submission_of_another_team_cannot_be_requested(client, dunia):
    lain = ajukan(
        tahapan=dunia.tim_luar.tahapan.get(jenis="mandiri"),
        user=dunia.user["luar"],
        alasan_terlambat="uji",
    )
    client.force_login(dunia.user["ketua"])
    r = client.post(
        reverse("ekspor", args=[dunia.tim.pk]), {"jenis": "xlsx", "sumber": f"p{lain.pk}"}
    )
    assert r.status_code == 422 and not Ekspor.objects.exists()
    for data in (
        {"jenis": "zip", "sumber": "langsung"},
        {"jenis": "pdf", "sumber": "terbaru"},
        {"jenis": "exe", "sumber": "langsung"},
        {},
    ):
        r = client.post(reverse("ekspor", args=[dunia.tim.pk]), data)
        assert r.status_code == 422, data
        assert "alert-danger" in r.content.decode()
    assert not Ekspor.objects.exists()


def test_old_files_expire_and_the_history_stays(client, dunia):
    kunci = default_storage.save("ekspor/uji-lama.pdf", ContentFile(b"%PDF-1.4 lama"))
    e = Ekspor.objects.create(
        tim=dunia.tim,
        jenis="pdf",
        diminta_oleh=dunia.user["kasubbag"],
        diminta_pada=timezone.now() - timedelta(days=8),
        status=StatusEkspor.SELESAI,
        kunci=kunci,
        nama_berkas="laporan.pdf",
        kedaluwarsa_pada=timezone.now() - timedelta(hours=1),
    )
    macet = Ekspor.objects.create(
        tim=dunia.tim,
        jenis="zip",
        pilih_berkas="terbaru",
        diminta_oleh=dunia.user["kasubbag"],
        diminta_pada=timezone.now() - timedelta(hours=3),
        status=StatusEkspor.BERJALAN,
        mulai_pada=timezone.now() - timedelta(hours=3),
    )
    assert runner.bersihkan() == (1, 1)
    e.refresh_from_db()
    macet.refresh_from_db()
    assert e.status == StatusEkspor.KEDALUWARSA and not default_storage.exists(kunci)
    assert macet.status == StatusEkspor.GAGAL and macet.galat
    client.force_login(dunia.user["kasubbag"])
    assert client.get(reverse("ekspor-unduh", args=[dunia.tim.pk, e.pk])).status_code == 404
    html = client.get(reverse("ekspor", args=[dunia.tim.pk])).content.decode()
    assert html.count('data-status="kedaluwarsa"') == 1
    assert runner.bersihkan() == (0, 0)


@pytest.mark.parametrize("n", [1, 30])
def test_the_export_page_costs_the_same_queries_with_a_long_history(
    client, dunia, django_assert_max_num_queries, n
):
    sekarang = timezone.now()
    Ekspor.objects.bulk_create(
        Ekspor(
            tim=dunia.tim,
            jenis="xlsx",
            diminta_oleh=dunia.user["kasubbag"],
            diminta_pada=sekarang - timedelta(minutes=i),
            status=StatusEkspor.GAGAL,
        )
        for i in range(n)
    )
    client.force_login(dunia.user["kasubbag"])
    with django_assert_max_num_queries(11):
        r = client.get(reverse("ekspor", args=[dunia.tim.pk]))
    assert r.status_code == 200


def test_the_letterhead_takes_an_image_and_refuses_anything_else(client, dunia):
    from . import contoh_berkas as cb

    client.force_login(dunia.user["ketua"])
    url = reverse("kop", args=[dunia.tim.pk])
    r = client.post(
        url, {"alamat": "Jl. Uji 1", "kota": "Kota Uji", "logo": _unggah("a.png", cb.pdf())}
    )
    assert r.status_code == 422 and "PNG atau JPEG" in r.content.decode()
    dunia.tim.satker.refresh_from_db()
    assert dunia.tim.satker.alamat == "" and not dunia.tim.satker.logo  # nothing saved
    r = client.post(
        url, {"alamat": "Jl. Uji 1", "kota": "Kota Uji", "logo": _unggah("a.png", cb.png())}
    )
    assert r.status_code == 302
    satker = type(dunia.tim.satker).objects.get(pk=dunia.tim.satker.pk)
    assert (satker.alamat, satker.kota, satker.logo_mime) == ("Jl. Uji 1", "Kota Uji", "image/png")
    assert _isi(client.get(reverse("kop-logo", args=[dunia.tim.pk]))) == cb.png()
    client.force_login(dunia.user["kasubbag"])
    assert client.get(url).status_code == 403


def _unggah(nama, isi):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(nama, isi)


def test_a_tampered_evidence_file_fails_the_bundle_with_a_message_naming_it(dunia):
    from eviden.berkas import terima
    from eviden.models import Soal
    from eviden.services import unggah_berkas

    from . import contoh_berkas as cb

    soal = Soal.objects.get(instrumen=dunia.lembar.instrumen, kode="A.I.1.i.1")
    versi = unggah_berkas(
        lembar=dunia.lembar,
        soal=soal,
        user=dunia.user["anggota1"],
        berkas=terima(io.BytesIO(cb.pdf("SK asli")), "sk.pdf"),
        judul="SK Tim Kerja",
    )
    default_storage.delete(versi.kunci)
    default_storage.save(versi.kunci, ContentFile(cb.pdf("SK palsu")))
    e = Ekspor.objects.create(
        tim=dunia.tim,
        jenis="zip",
        pilih_berkas="terbaru",
        diminta_oleh=dunia.user["kasubbag"],
        diminta_pada=timezone.now(),
    )
    e = runner.jalankan(e.pk)
    assert e.status == StatusEkspor.GAGAL and not e.kunci
    # The user reads what happened and what to do, not an exception class.
    assert "«SK Tim Kerja» versi 1 pada soal A.I.1.i.1" in e.galat
    assert "minta admin memulihkan" in e.galat and "EvidenRusak" not in e.galat
