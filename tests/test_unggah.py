"""Uploading evidence: accepted kinds, the bad-input set, versions, reuse, archive, downloads,
and the S3 path against a real S3 server."""

import hashlib
import os
import urllib.request
from urllib.parse import quote, unquote

import pytest
from django.urls import reverse

from eviden.models import Dokumen, Eviden, Soal, VersiDokumen

from . import contoh_berkas as cb

pytestmark = pytest.mark.django_db


@pytest.fixture
def soal1(dunia):
    return Soal.objects.get(instrumen=dunia.tim.lembar_kerja.instrumen, kode="A.I.1.i.1")


def unggah(client, dunia, soal, nama, isi, area=1, dokumen=None, **extra):
    if dokumen is None:
        url = reverse("soal-unggah", args=[dunia.lembar.pk, soal.pk])
    else:
        url = reverse("soal-versi", args=[dunia.lembar.pk, soal.pk, dokumen.pk])
    header = {} if nama is None else {"HTTP_X_NAMA_BERKAS": quote(nama)}
    # As eviden.js sends it: the raw file as the body (the test client drops the content type
    # of an empty body, so it is set explicitly).
    header["CONTENT_TYPE"] = "application/octet-stream"
    return client.post(url, data=isi, content_type="application/octet-stream", **header, **extra)


def teks(r):
    """What the user reads after an upload: the card, plus the one-sentence answer that
    eviden.js shows beside the file (X-Pesan)."""
    return r.content.decode() + unquote(r.get("X-Pesan", ""))


def isi_penyimpanan(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def test_every_accepted_kind_is_stored_with_its_metadata(client, dunia, soal1, penyimpanan_lokal):
    client.force_login(dunia.user["anggota1"])
    for nama, isi in cb.DITERIMA.items():
        r = unggah(client, dunia, soal1, nama, isi)
        assert r.status_code == 200, (nama, teks(r)[:500])
        assert f"«{nama}» tersimpan." in teks(r)
        v = VersiDokumen.objects.get(nama_asli=nama)
        assert v.sha256 == hashlib.sha256(isi).hexdigest()
        assert v.ukuran == len(isi) and v.nomor == 1
        assert v.diunggah_oleh == dunia.user["anggota1"] and v.diunggah_pada
        # Generated key, not the user's name; the bytes are stored unchanged.
        assert v.kunci.startswith(f"eviden/{dunia.tim.lembar_kerja.pk}/") and nama not in v.kunci
        assert (penyimpanan_lokal / v.kunci).read_bytes() == isi
    mimes = set(VersiDokumen.objects.values_list("mime", flat=True))
    assert "application/pdf" in mimes and "video/mp4" in mimes and len(mimes) == 9
    assert Eviden.objects.filter(soal=soal1).count() == 9


TOLAK = [
    ("html-as-pdf", "laporan.pdf", cb.HTML, "Isinya halaman web (HTML), bukan dokumen PDF"),
    ("png-as-pdf", "laporan.pdf", cb.png(), "Isinya gambar PNG, tidak cocok dengan akhiran .pdf"),
    ("pdf-as-docx", "notulen.docx", cb.pdf(), "Isinya dokumen PDF, tidak cocok dengan akhiran"),
    ("svg", "logo.svg", cb.SVG, "Jenis berkas .svg tidak diterima"),
    ("svg-as-png", "logo.png", cb.SVG, "Isinya gambar SVG, bukan gambar PNG"),
    ("html", "halaman.html", cb.HTML, "Jenis berkas .html tidak diterima"),
    ("script", "pasang.sh", cb.SKRIP, "Jenis berkas .sh tidak diterima"),
    ("script-as-pdf", "pasang.pdf", cb.SKRIP, "Isinya skrip program, bukan dokumen PDF"),
    ("exe", "aplikasi.exe", cb.EXE, "Jenis berkas .exe tidak diterima"),
    ("exe-as-docx", "surat.docx", cb.EXE, "Isinya program Windows, bukan dokumen Word (DOCX)"),
    ("elf-as-pdf", "surat.pdf", cb.ELF, "Isinya berkas yang jenisnya tidak dikenali"),
    ("empty", "kosong.pdf", b"", "Berkas kosong (0 bita)"),
    ("unix-path", "../../etc/sk.pdf", cb.pdf(), "tidak boleh memuat folder atau jalur"),
    ("windows-path", "C:\\Users\\tu\\sk.pdf", cb.pdf(), "tidak boleh memuat folder atau jalur"),
    ("dotdot", "..", cb.pdf(), "tidak boleh memuat folder atau jalur"),
    ("no-name", None, cb.pdf(), "Nama berkas kosong."),
    ("no-extension", "SK Tim", cb.pdf(), "Jenis berkas (tanpa ekstensi) tidak diterima"),
    ("null-byte", "sk\x00.pdf", cb.pdf(), "tidak boleh memuat folder atau jalur"),
]


@pytest.mark.parametrize(("kasus", "nama", "isi", "pesan"), TOLAK, ids=[t[0] for t in TOLAK])
def test_bad_files_are_refused_with_a_message_and_nothing_is_kept(
    client, dunia, soal1, penyimpanan_lokal, settings, kasus, nama, isi, pesan
):
    client.force_login(dunia.user["anggota1"])
    r = unggah(client, dunia, soal1, nama, isi)
    assert r.status_code == 400
    assert pesan in teks(r)
    assert not VersiDokumen.objects.exists() and not Dokumen.objects.exists()
    assert not Eviden.objects.exists()
    assert isi_penyimpanan(penyimpanan_lokal) == []
    assert os.listdir(settings.EVIDEN_TEMP_DIR) == []  # no temporary file left either


def test_oversize_is_refused_while_streaming_and_by_declared_length(
    client, dunia, soal1, penyimpanan_lokal, settings
):
    settings.EVIDEN_MAKS_MB = 1
    client.force_login(dunia.user["anggota1"])
    besar = cb.pdf() + b"%" + b"x" * (1024 * 1024)
    r = unggah(client, dunia, soal1, "besar.pdf", besar)
    assert r.status_code == 400 and "Batas ukuran adalah 1 MB" in teks(r)
    # A declared Content-Length over the limit is refused before the body is read.
    r = unggah(client, dunia, soal1, "besar.pdf", cb.pdf(), CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert r.status_code == 400 and "Batas ukuran adalah 1 MB" in teks(r)
    assert not VersiDokumen.objects.exists()
    assert isi_penyimpanan(penyimpanan_lokal) == []
    assert os.listdir(settings.EVIDEN_TEMP_DIR) == []


def test_the_same_file_on_the_soal_is_reported_not_stored_twice(
    client, dunia, soal1, penyimpanan_lokal
):
    client.force_login(dunia.user["anggota1"])
    assert unggah(client, dunia, soal1, "sk.pdf", cb.pdf()).status_code == 200
    r = unggah(client, dunia, soal1, "sk-salinan.pdf", cb.pdf())
    assert r.status_code == 400
    assert "Berkas yang sama persis sudah ada pada soal ini: «sk.pdf» versi 1." in teks(r)
    assert VersiDokumen.objects.count() == 1
    assert len(isi_penyimpanan(penyimpanan_lokal)) == 1


def test_bad_links_are_refused(client, dunia, soal1):
    client.force_login(dunia.user["anggota1"])
    url = reverse("soal-tautan", args=[dunia.lembar.pk, soal1.pk])
    for tautan in ("javascript:alert(1)", "ftp://contoh.go.id/sk.pdf", "bukan tautan", ""):
        r = client.post(url, {"tautan": tautan}, HTTP_HX_REQUEST="true")
        assert r.status_code == 422, tautan
    r = client.post(url, {"tautan": "https://kotasemarang.kemenag.go.id/zi", "judul": "Laman ZI"})
    assert r.status_code == 302
    r = client.post(
        url, {"tautan": "https://kotasemarang.kemenag.go.id/zi"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 422 and "Tautan ini sudah ada pada soal ini." in teks(r)
    assert VersiDokumen.objects.filter(tautan__startswith="https://").count() == 1


def test_a_new_version_keeps_every_earlier_version_downloadable(client, dunia, soal1):
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, soal1, "sk.pdf", cb.pdf("versi satu"))
    dokumen = Dokumen.objects.get()
    r = unggah(client, dunia, soal1, "sk-revisi.pdf", cb.pdf("versi dua"), dokumen=dokumen)
    assert r.status_code == 200 and "Versi 2 dari «sk.pdf» tersimpan." in teks(r)
    r = unggah(client, dunia, soal1, "sk-revisi.pdf", cb.pdf("versi dua"), dokumen=dokumen)
    assert r.status_code == 400  # same bytes again: reported
    versi = list(dokumen.versi.order_by("nomor"))
    assert [v.nomor for v in versi] == [1, 2]
    assert versi[0].kunci != versi[1].kunci  # never overwritten
    for v, isi in zip(versi, ("versi satu", "versi dua"), strict=True):
        r = client.get(reverse("unduh", args=[v.pk]))
        assert r.status_code == 200
        assert isi.encode() in b"".join(r.streaming_content)


def test_a_document_is_reused_on_another_soal_without_uploading_again(client, dunia, soal1):
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, soal1, "sk.pdf", cb.pdf())
    dokumen = Dokumen.objects.get()
    lain = Soal.objects.get(instrumen=soal1.instrumen, kode="A.I.1.i.2")
    url = reverse("soal-lampirkan", args=[dunia.lembar.pk, lain.pk])
    r = client.get(url)
    assert "sk.pdf (A.I.1.i.1)" in teks(r)
    r = client.post(url, {"dokumen": dokumen.pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "«sk.pdf» dilampirkan." in teks(r)
    assert Eviden.objects.filter(dokumen=dokumen).count() == 2
    assert VersiDokumen.objects.count() == 1  # stored once
    r = client.post(url, {"dokumen": dokumen.pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "sudah terlampir" in teks(r)
    # A document of another team cannot be attached (tampered id).
    lain_tim = Dokumen.objects.create(lembar=dunia.tim_luar.lembar_kerja, judul="rahasia")
    r = client.post(url, {"dokumen": lain_tim.pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert not Eviden.objects.filter(dokumen=lain_tim).exists()


def test_archive_and_restore_never_delete(client, dunia, soal1, penyimpanan_lokal):
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, soal1, "sk.pdf", cb.pdf())
    eviden = Eviden.objects.get()
    url = reverse("soal-arsip", args=[dunia.lembar.pk, soal1.pk, eviden.pk])
    r = client.post(url, {"aksi": "arsip"}, HTTP_HX_REQUEST="true")
    assert "Eviden diarsipkan." in teks(r)
    eviden.refresh_from_db()
    assert eviden.diarsipkan
    assert VersiDokumen.objects.count() == 1 and len(isi_penyimpanan(penyimpanan_lokal)) == 1
    r = client.post(url, {"aksi": "pulihkan"}, HTTP_HX_REQUEST="true")
    assert "Eviden dipulihkan." in teks(r)
    eviden.refresh_from_db()
    assert not eviden.diarsipkan
    # There is no delete route at all.
    assert client.delete(url).status_code == 405


def test_downloads_check_permission_and_disposition(client, dunia, soal1):
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, soal1, "SK Tim ZI 2026.pdf", cb.pdf())
    unggah(client, dunia, soal1, "notulen.docx", cb.ooxml("docx"))
    pdf = VersiDokumen.objects.get(mime="application/pdf")
    docx = VersiDokumen.objects.get(nama_asli="notulen.docx")
    for persona in ("kepala", "ketua", "kasubbag", "koordinator1", "anggota2", "sekpokja2"):
        client.force_login(dunia.user[persona])
        r = client.get(reverse("unduh", args=[pdf.pk]))
        assert r.status_code == 200, persona
        assert r["Content-Disposition"].startswith("inline")
        assert r["Content-Type"] == "application/pdf"
        r = client.get(reverse("unduh", args=[docx.pk]))
        assert r["Content-Disposition"].startswith("attachment")
        assert r["X-Content-Type-Options"] == "nosniff"
    client.force_login(dunia.user["luar"])
    for pk in (pdf.pk, docx.pk, docx.pk + 1000):
        assert client.get(reverse("unduh", args=[pk])).status_code == 404
    client.logout()
    assert client.get(reverse("unduh", args=[pdf.pk])).status_code == 302  # to login


@pytest.mark.layanan
def test_the_s3_path_stores_under_generated_keys_and_serves_signed_urls(
    client, dunia, soal1, s3_storage
):
    client.force_login(dunia.user["anggota1"])
    isi = cb.pdf("bukti di S3")
    r = unggah(client, dunia, soal1, "sk.pdf", isi)
    assert r.status_code == 200, teks(r)[:500]
    v = VersiDokumen.objects.get()
    assert s3_storage.exists(v.kunci)
    with s3_storage.open(v.kunci, "rb") as f:
        assert f.read() == isi
    r = client.get(reverse("unduh", args=[v.pk]))
    assert r.status_code == 302
    assert "X-Amz-Signature=" in r.url and "X-Amz-Expires=300" in r.url
    assert "response-content-disposition=inline" in r.url
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(r.url, timeout=10) as resp:
        assert resp.read() == isi
        assert resp.headers["Content-Disposition"].startswith("inline")
    # Refused input leaves no object in the bucket.
    sebelum = s3_storage.listdir(f"eviden/{dunia.tim.lembar_kerja.pk}")[1]
    assert unggah(client, dunia, soal1, "x.pdf", cb.HTML).status_code == 400
    assert unggah(client, dunia, soal1, "y.pdf", isi).status_code == 400  # duplicate
    assert s3_storage.listdir(f"eviden/{dunia.tim.lembar_kerja.pk}")[1] == sebelum
    s3_storage.delete(v.kunci)


def test_a_refusal_message_appears_once_in_words_not_mime(client, dunia, soal1):
    client.force_login(dunia.user["anggota1"])
    r = unggah(client, dunia, soal1, "laporan.pdf", cb.HTML)
    # One sentence, shown by eviden.js beside the file; the card repeats nothing.
    pesan = unquote(r["X-Pesan"])
    assert pesan.startswith("Isinya halaman web (HTML), bukan dokumen PDF;")
    assert "text/html" not in pesan and "Isinya" not in r.content.decode()
    r = unggah(client, dunia, soal1, "aplikasi.docx", cb.EXE)
    assert "application/" not in unquote(r["X-Pesan"])
