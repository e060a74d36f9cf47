"""The readiness report PDF (penilaian/ekspor/pdf.py) read back with poppler's tools.

Each report is rendered to a file and checked as a reader gets it: ``pdftotext`` for the
verdict, the failing rules, the six areas, the signature and "Halaman X dari Y" on every
page (``pdfinfo`` gives Y), ``pdffonts`` for embedded DejaVu fonts, ``pdfimages`` for the
letterhead logo (local storage and real S3), ``pdftoppm`` for page images kept in
test-artifacts/. The SVG chart is read back with an XML parser, and WeasyPrint's fetcher
is shown to open nothing but ``data:`` URIs against a real HTTP server on loopback.
"""

import io
import re
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image, ImageDraw
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from eviden.models import Jawaban
from penilaian.ekspor import grafik, jalankan, pdf
from penilaian.ekspor.sumber import Permintaan, Sumber
from penilaian.models import Ekspor, JenisEkspor, JenisTahapan, StatusEkspor, Tahapan
from penilaian.selectors import dasbor
from penilaian.services import ajukan
from penilaian.tampil import baris_aturan, label_aturan
from pokja.models import Anggota, Peran, TimZI
from pokja.services import tetapkan_anggota
from zi_portal.format import angka

from .factories import UserFactory
from .lembar_penuh import isi_penuh, jawaban_lembar, tulis_jawaban

pytestmark = pytest.mark.django_db

ARTEFAK = Path(__file__).resolve().parent.parent / "test-artifacts"
WIB = ZoneInfo("Asia/Jakarta")
BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
# 03.00 WIB on 1 January 2027 (still 31 December in UTC): the report's date is the WIB day.
MALAM_TAHUN_BARU = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
NIP_KASUBBAG = "198003152005012003"


def _tanggal_wib(waktu):
    hari = waktu.astimezone(WIB).date()
    return f"{hari.day} {BULAN[hari.month - 1]} {hari.year}"


def _jalan(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def _datar(teks):
    """Text with every run of whitespace (line breaks of wrapped cells) as one space."""
    return " ".join(teks.split())


class Laporan:
    """A rendered report: its path, progress calls, time, pages and text."""

    def __init__(self, permintaan, tujuan):
        self.maju = []
        mulai = time.perf_counter()
        with open(tujuan, "wb") as f:
            assert pdf.render(permintaan, f, lambda s, n: self.maju.append((s, n))) is None
        self.detik = time.perf_counter() - mulai
        self.path = tujuan
        info = _jalan("pdfinfo", str(tujuan))
        self.info = info
        self.halaman = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
        self.teks = _datar(_jalan("pdftotext", "-enc", "UTF-8", str(tujuan), "-"))
        # Table rows kept on one line (the plain text reads a table column by column).
        self.tata = _datar(_jalan("pdftotext", "-layout", "-enc", "UTF-8", str(tujuan), "-"))

    def teks_halaman(self, i):
        return _datar(_jalan("pdftotext", "-f", str(i), "-l", str(i), str(self.path), "-"))

    def gambar(self):
        """Rows of ``pdfimages -list`` (raster images only: the SVG chart is vectors)."""
        baris = _jalan("pdfimages", "-list", str(self.path)).splitlines()
        return [b for b in baris[2:] if b.strip()]

    def simpan_png(self, nama, halaman=2):
        """Pages 1..``halaman`` at 60 dpi into test-artifacts/; returns the PNG paths."""
        ARTEFAK.mkdir(exist_ok=True)
        for lama in ARTEFAK.glob(f"{nama}-*.png"):
            lama.unlink()
        akhir = min(halaman, self.halaman)
        _jalan("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(akhir), str(self.path),
               str(ARTEFAK / nama))  # fmt: skip
        return sorted(ARTEFAK.glob(f"{nama}-*.png"))


def _baris_gagal(aturan, hasil):
    """A failing rule's row as the layout text reads it: name, value, minimum, shortfall."""
    b = baris_aturan(aturan, hasil)
    return " ".join(
        x for x in (b.label, b.nilai, b.persen, b.ambang, b.persen_ambang, b.kurang) if x
    )


def _permintaan(tim, waktu=None, pengguna=None, pengajuan=None):
    return Permintaan(Sumber(tim, pengajuan), waktu or timezone.now(), pengguna=pengguna)


def _logo_png():
    gambar = Image.new("RGB", (96, 96), "white")
    cat = ImageDraw.Draw(gambar)
    cat.ellipse((8, 8, 88, 88), fill="#1e8449")
    cat.rectangle((40, 24, 56, 72), fill="white")
    keluar = io.BytesIO()
    gambar.save(keluar, "PNG")
    return keluar.getvalue()


def _kop(satker, *, kota="Kota Uji", logo=None, mime="image/png"):
    satker.alamat = "Jl. Pemuda No. 1\nKota Uji 50111"
    satker.kota = kota
    if logo is not None:
        satker.logo = default_storage.save(f"kop/{satker.kode}/logo.png", ContentFile(logo))
        satker.logo_mime = mime
    satker.save()
    return satker


def _dunia_kasubbag(dunia):
    k = dunia.user["kasubbag"]
    k.nama_lengkap = "Sri Wahyuni, S.H."
    k.nip = NIP_KASUBBAG
    k.save()
    return k


# --- The demo team -------------------------------------------------------------------------


def test_demo_report_verdict_areas_signature_pages_fonts_and_artifacts(tmp_path):
    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    permintaan = _permintaan(tim)
    hasil = permintaan.sumber.skor
    putusan = hasil.putusan["WBK"]
    assert not putusan.memenuhi  # the demo misses WBK on Pelayanan Publik

    r = Laporan(permintaan, tmp_path / "laporan-demo.pdf")
    print(f"laporan demo: {r.halaman} halaman, {r.detik:.2f} s")  # timing: make bench
    assert r.maju == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert "Page size: 595.276 x 841.89 pts (A4)" in _datar(r.info)

    t = r.teks
    assert "Laporan Kesiapan Zona Integritas" in t
    assert "Kantor Kementerian Agama Kota Semarang" in t
    assert "Tim ZI 2026" in t and "Predikat target WBK" in t
    assert f"Tanggal laporan: {_tanggal_wib(permintaan.waktu)}" in t
    assert "Tahapan berjalan: Penilaian mandiri (PMPZI)" in t
    assert "Belum memenuhi syarat WBK" in t
    assert "Memenuhi syarat WBK" not in t.replace("Belum memenuhi syarat WBK", "")
    assert angka(hasil.total) in t
    # The failing rules in words, with the value, the minimum and the shortfall.
    assert "Syarat yang belum terpenuhi" in t
    for a in putusan.aturan:
        if not a.memenuhi:
            assert _baris_gagal(a, hasil) in r.tata
    assert "Area 6 Peningkatan Kualitas Pelayanan Publik" in t
    # All six areas, in the table and the chart, against the 60% and 75% lines.
    assert len(hasil.area) == 6
    for a in hasil.area.values():
        assert t.count(f"{a.nomor}. {a.nama}") >= 2, a.nama
        assert f"{angka(a.persen)}%" in t  # the chart's value label
    assert "WBK 60%" in t and "WBBM 75%" in t
    # Evidence, quality, overdue work and the calendar from the dashboard.
    assert "Kelengkapan eviden per Pokja" in t
    for b in dasbor(tim).pokja:
        assert f"{b.pokja} " in t
        p = angka(b.persen_lengkap, 0)
        assert f"{b.lengkap}/{b.jumlah_soal} disetujui berevidens ({p}%)" in t
    assert "Dijawab tanpa eviden" in t and "Mulai dari:" in t
    assert "Tidak ada tugas yang lewat tenggat." in t
    assert "Kalender penilaian" in t and "Evaluasi TPN (KemenPANRB)" in t
    # Signature: the satker's city (its name when none is set), the demo's Kasubbag TU.
    kasubbag = Anggota.objects.get(tim=tim, peran=Peran.KASUBBAG_TU).user
    assert kasubbag.nama_lengkap == "Hj. Endang Sulistyowati, S.H., M.H."
    assert kasubbag.nip
    kota = tim.satker.kota or tim.satker.nama
    ttd = (
        f"{kota}, {_tanggal_wib(permintaan.waktu)} "
        f"Kepala Subbagian Tata Usaha, {kasubbag.nama_lengkap} NIP. {kasubbag.nip}"
    )
    assert ttd in t
    # "Halaman X dari N" on every page, N from pdfinfo; the satker in the header from page 2.
    assert r.halaman >= 2
    for i in range(1, r.halaman + 1):
        assert f"Halaman {i} dari {r.halaman}" in r.teks_halaman(i)
    assert r.teks_halaman(2).startswith("Kantor Kementerian Agama Kota Semarang")
    assert not r.teks_halaman(1).startswith("Halaman")
    # Fonts: DejaVu Sans, embedded (subset), nothing else.
    fonts = _jalan("pdffonts", str(r.path)).splitlines()[2:]
    assert fonts and all("DejaVu-Sans" in f for f in fonts), fonts
    assert all(f.split()[-5] == "yes" for f in fonts), fonts  # the "emb" column
    # The chart is vectors: the only raster image is the logo, when the demo has one.
    assert len(r.gambar()) == (1 if tim.satker.logo else 0)
    # Page images for a person to look at.
    png = r.simpan_png("70-laporan-kesiapan-demo")
    assert len(png) == 2
    for p in png:
        with Image.open(p) as g:
            assert g.format == "PNG"
            assert abs(g.width - 496) <= 2 and abs(g.height - 702) <= 2  # A4 at 60 dpi
            terang = g.convert("L").getextrema()
            assert terang[0] < 100 and terang[1] == 255  # ink on white paper


# --- The `dunia` team ----------------------------------------------------------------------


def test_dunia_empty_worksheet_lists_every_failing_rule_logo_city_and_next_stage(dunia, tmp_path):
    kasubbag = _dunia_kasubbag(dunia)
    _kop(dunia.tim.satker, logo=_logo_png())
    permintaan = _permintaan(dunia.tim, MALAM_TAHUN_BARU, pengguna=dunia.user["ketua"])
    hasil = permintaan.sumber.skor
    gagal = [a for a in hasil.putusan["WBK"].aturan if not a.memenuhi]
    assert len(gagal) >= 12  # nothing answered: total, pengungkit, six areas, the Hasil rules

    r = Laporan(permintaan, tmp_path / "laporan-dunia.pdf")
    t = r.teks
    assert "Belum memenuhi syarat WBK" in t
    for a in gagal:
        assert label_aturan(a, hasil) in t
        assert _baris_gagal(a, hasil) in r.tata
    assert "Nilai total" in t and "Survei persepsi antikorupsi (IPAK)" in t
    for a in hasil.area.values():
        assert f"{a.nomor}. {a.nama}" in t
    # Letterhead: address lines, the logo as an image; the date is the WIB day.
    assert "Jl. Pemuda No. 1 Kota Uji 50111" in t
    assert "Tanggal laporan: 1 Januari 2027" in t
    # The PMPZI stage ended at 23:59 WIB on 31 December: the next one is named.
    assert "Tahapan berikutnya: Penilaian pendahuluan (TPP)" in t
    assert f"Kota Uji, 1 Januari 2027 Kepala Subbagian Tata Usaha, {kasubbag.nama_lengkap}" in t
    assert f"NIP. {NIP_KASUBBAG}" in t
    assert f"Halaman 1 dari {r.halaman}" in r.teks_halaman(1)
    assert f"Halaman {r.halaman} dari {r.halaman}" in r.teks_halaman(r.halaman)
    gambar = r.gambar()
    assert len(gambar) == 1, gambar
    assert gambar[0].split()[3:5] == ["96", "96"]  # width and height of the stored logo
    r.simpan_png("71-laporan-kesiapan-dunia", halaman=1)


def test_no_logo_no_image_no_city_and_unknown_logo_type_is_left_out(dunia, tmp_path):
    _dunia_kasubbag(dunia)
    _kop(dunia.tim.satker, kota="")
    permintaan = _permintaan(dunia.tim, MALAM_TAHUN_BARU)
    r = Laporan(permintaan, tmp_path / "tanpa-logo.pdf")
    assert r.gambar() == []
    # Without a city the signature is dated at the satker's name.
    assert "Kankemenag Kota Uji, 1 Januari 2027 Kepala Subbagian Tata Usaha, Sri Wahyuni" in r.teks
    _kop(dunia.tim.satker, logo=b"%PDF-1.4 bukan gambar", mime="application/pdf")
    r = Laporan(_permintaan(dunia.tim), tmp_path / "logo-aneh.pdf")
    assert r.gambar() == []
    assert "Laporan Kesiapan Zona Integritas" in r.teks


def test_logo_read_from_s3(dunia, s3_storage, tmp_path):
    satker = _kop(dunia.tim.satker, logo=_logo_png())
    try:
        assert s3_storage.exists(satker.logo)
        r = Laporan(_permintaan(dunia.tim), tmp_path / "logo-s3.pdf")
        assert len(r.gambar()) == 1
    finally:
        s3_storage.delete(satker.logo)


def test_full_worksheet_qualifies_and_has_no_failing_rules(dunia, tmp_path):
    _dunia_kasubbag(dunia)
    tulis_jawaban(dunia.lembar, dunia.user["ketua"], jawaban_lembar(dunia.lembar, "puncak"))
    permintaan = _permintaan(dunia.tim)
    assert permintaan.sumber.skor.putusan["WBK"].memenuhi
    r = Laporan(permintaan, tmp_path / "penuh.pdf")
    assert "Memenuhi syarat WBK" in r.teks
    assert "Belum memenuhi syarat" not in r.teks
    assert "Syarat yang belum terpenuhi" not in r.teks
    assert "100,00" in r.teks
    assert "Memenuhi WBBM" in r.teks  # every area's status


def test_frozen_submission_scores_with_a_note(dunia, tmp_path):
    tulis_jawaban(dunia.lembar, dunia.user["ketua"], jawaban_lembar(dunia.lembar, "puncak"))
    mandiri = Tahapan.objects.get(tim=dunia.tim, jenis=JenisTahapan.MANDIRI)
    pengajuan = ajukan(tahapan=mandiri, user=dunia.user["ketua"], alasan_terlambat="uji")
    Jawaban.objects.filter(lembar=dunia.lembar).delete()  # the live sheet is empty again

    beku = Laporan(_permintaan(dunia.tim, pengajuan=pengajuan), tmp_path / "beku.pdf")
    assert "Memenuhi syarat WBK" in beku.teks and "Belum memenuhi" not in beku.teks
    assert angka(pengajuan.total) in beku.teks
    assert "Nilai dan putusan diambil dari pengajuan #1 (Penilaian mandiri (PMPZI)," in beku.teks
    assert "Pengajuan #1 ·" in beku.teks  # the calendar lists it under its stage
    kini = Laporan(_permintaan(dunia.tim), tmp_path / "kini.pdf")
    assert "Belum memenuhi syarat WBK" in kini.teks
    assert "diambil dari pengajuan" not in kini.teks


def test_signature_block_who_signs(dunia, tmp_path):
    pertama = _dunia_kasubbag(dunia)
    kedua = UserFactory(
        username="kasubbag2", nama_lengkap="Rina Kurnia, S.E.", nip="19850101" * 2 + "01"
    )
    tetapkan_anggota(tim=dunia.tim, user=kedua, peran=Peran.KASUBBAG_TU)
    # The requesting user signs when they are a Kasubbag TU of the team; else the first one.
    assert pdf.penanda_tangan(dunia.tim, kedua) == kedua
    assert pdf.penanda_tangan(dunia.tim, dunia.user["ketua"]) == pertama
    assert pdf.penanda_tangan(dunia.tim, None) == pertama
    r = Laporan(_permintaan(dunia.tim, pengguna=kedua), tmp_path / "kedua.pdf")
    assert "Kepala Subbagian Tata Usaha, Rina Kurnia, S.E. NIP. 198501011985010101" in r.teks
    assert pertama.nama_lengkap not in r.teks
    # No Kasubbag TU at all: a blank name line, "NIP." with nothing after it.
    Anggota.objects.filter(tim=dunia.tim, peran=Peran.KASUBBAG_TU).delete()
    assert pdf.penanda_tangan(dunia.tim, kedua) is None
    r = Laporan(_permintaan(dunia.tim, pengguna=kedua), tmp_path / "tanpa.pdf")
    assert "Kepala Subbagian Tata Usaha, NIP." in r.teks
    assert "Rina Kurnia" not in r.teks


def test_overdue_work_listed_and_queries_do_not_grow_with_the_worksheet(dunia, tmp_path):
    def hitung():
        tim = TimZI.objects.get(pk=dunia.tim.pk)
        with CaptureQueriesContext(connection) as kueri:
            render_to_string(
                pdf.TEMPLATE, pdf.susun(_permintaan(tim, pengguna=dunia.user["ketua"]))
            )
        return len(kueri)

    hitung()  # the instrument version is read once per process
    kosong = hitung()
    kemarin = timezone.localdate() - timedelta(days=2)
    isi_penuh(dunia.lembar, dunia.user["anggota1"], dokumen=3, versi=2, tenggat=kemarin)
    assert hitung() == kosong <= 20

    r = Laporan(_permintaan(dunia.tim), tmp_path / "terlambat.pdf")
    terlambat = dasbor(dunia.tim).terlambat
    assert terlambat and terlambat[0][0] == dunia.user["anggota1"].nama_lengkap
    for nama, n in terlambat:
        assert f"{nama} {n} soal" in r.tata
    assert "Tidak ada tugas yang lewat tenggat." not in r.teks


def test_the_export_runner_stores_the_report(dunia):
    ekspor = Ekspor.objects.create(
        tim=dunia.tim,
        jenis=JenisEkspor.PDF,
        diminta_oleh=dunia.user["kasubbag"],
        diminta_pada=timezone.now(),
    )
    hasil = jalankan(ekspor.pk)
    assert hasil.status == StatusEkspor.SELESAI, hasil.galat
    assert hasil.nama_berkas.endswith(".pdf")
    with default_storage.open(hasil.kunci, "rb") as f:
        isi = f.read()
    assert isi.startswith(b"%PDF-") and len(isi) == hasil.ukuran
    assert pdf.MIME == "application/pdf" and pdf.EKSTENSI == "pdf"


# --- No URL is ever fetched -----------------------------------------------------------------


class _Penghitung(BaseHTTPRequestHandler):
    permintaan = []

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).permintaan.append(self.path)
        isi = _logo_png()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(isi)))
        self.end_headers()
        self.wfile.write(isi)

    def log_message(self, *args):
        pass


@pytest.fixture
def server_jebakan():
    """An HTTP server on loopback that records every request (and serves a PNG)."""
    _Penghitung.permintaan = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Penghitung)
    benang = threading.Thread(target=server.serve_forever, daemon=True)
    benang.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Penghitung.permintaan
    server.shutdown()
    server.server_close()


HTML_JEBAKAN = """<html><head><link rel="stylesheet" href="{u}/gaya.css">
<style>@import url("{u}/impor.css"); body {{ background: url("{u}/latar.png") }}</style></head>
<body><img src="{u}/gambar.png"><img src="file:///etc/hostname"><img src="relatif.png">
<svg width="10" height="10"><image href="{u}/svg.png" width="10" height="10"/></svg>
<img src="data:image/png;base64,{b64}"></body></html>"""


def _html_jebakan(url):
    import base64

    return HTML_JEBAKAN.format(u=url, b64=base64.b64encode(_logo_png()).decode())


def test_fetcher_refuses_everything_but_data_uris(server_jebakan):
    url, diminta = server_jebakan
    html = _html_jebakan(url)
    # The trap works: WeasyPrint's own fetcher does go to the server.
    HTML(string=html, url_fetcher=URLFetcher()).write_pdf()
    assert diminta, "kontrol: pengambil bawaan tidak mengambil apa pun"
    diminta.clear()

    pengambil = pdf.PengambilTertutup()
    isi = HTML(string=html, url_fetcher=pengambil).write_pdf()
    assert isi.startswith(b"%PDF")
    assert diminta == []
    assert {f"{url}/gaya.css", f"{url}/impor.css", f"{url}/gambar.png", f"{url}/svg.png"} <= set(
        pengambil.ditolak
    )
    assert "file:///etc/hostname" in pengambil.ditolak
    assert not any(u.startswith("data:") for u in pengambil.ditolak)
    # Directly: refused before anything opens; a data: URI is read.
    for alamat in (f"{url}/x", "https://example.org/", "file:///etc/passwd", "ftp://h/x"):
        with pytest.raises(pdf.AlamatDitolak):
            pengambil.fetch(alamat)
    assert diminta == []
    jawab = pengambil.fetch("data:text/plain;base64,aGFsbw==")
    assert jawab.read() == b"halo"
    jawab.close()


def test_svg_logo_with_a_remote_image_renders_without_fetching(dunia, tmp_path, server_jebakan):
    url, diminta = server_jebakan
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        f'<image href="{url}/dari-logo.png" width="64" height="64"/>'
        '<circle cx="32" cy="32" r="20" fill="green"/></svg>'
    ).encode()
    _kop(dunia.tim.satker, logo=svg, mime="image/svg+xml")
    r = Laporan(_permintaan(dunia.tim), tmp_path / "logo-svg.pdf")
    assert diminta == []
    assert "Laporan Kesiapan Zona Integritas" in r.teks


# --- Pieces ---------------------------------------------------------------------------------


def _svg(teks):
    return ElementTree.fromstring(teks)  # noqa: S314 - our own chart, not outside input


def _semua(akar, kelas):
    ns = "{http://www.w3.org/2000/svg}"
    return [e for e in akar.iter() if e.get("class") == kelas and e.tag.startswith(ns)]


def test_bar_chart_bars_proportional_lines_at_60_and_75():
    baris = [("1. Satu", 87.5), ('2. Dua <&> "kutip"', 41.46), ("3. Tiga", 60), ("4. Nol", 0)]
    akar = _svg(grafik.batang_persen(baris, [("WBK", 60), ("WBBM", 75)], judul="Uji"))
    batang = _semua(akar, "batang")
    assert [float(b.get("data-persen")) for b in batang] == [87.5, 41.46, 60, 0]
    x0 = float(batang[0].get("x"))
    assert all(float(b.get("x")) == x0 for b in batang)
    lebar = [float(b.get("width")) for b in batang]
    skala = lebar[0] / 87.5
    for w, (_label, persen) in zip(lebar, baris, strict=True):
        assert w == pytest.approx(persen * skala, abs=0.02)
    garis = {g.get("data-label"): g for g in _semua(akar, "garis")}
    assert set(garis) == {"WBK", "WBBM"}
    x60, x75 = float(garis["WBK"].get("x1")), float(garis["WBBM"].get("x1"))
    assert x60 == pytest.approx(x0 + 60 * skala, abs=0.02)
    assert x75 == pytest.approx(x0 + 75 * skala, abs=0.02)
    assert garis["WBK"].get("x2") == garis["WBK"].get("x1")  # vertical
    # The 60% bar ends exactly on the WBK line; colours follow the lines reached.
    assert x0 + lebar[2] == pytest.approx(x60, abs=0.02)
    assert batang[0].get("fill") == grafik.WARNA_BATANG[2]
    assert batang[2].get("fill") == grafik.WARNA_BATANG[1]
    assert batang[1].get("fill") == grafik.WARNA_BATANG[0]
    # Labels, values with a decimal comma, grid lines every 10% with 0..100 on the axis.
    label = [e.text for e in _semua(akar, "label")]
    assert label[1] == '2. Dua <&> "kutip"'
    assert [e.text for e in _semua(akar, "nilai")] == ["87,50%", "41,46%", "60,00%", "0,00%"]
    kisi = [float(e.get("data-persen")) for e in _semua(akar, "kisi")]
    assert kisi == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert [e.text for e in _semua(akar, "sumbu")] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert [e.text for e in _semua(akar, "label-garis")] == ["WBK 60%", "WBBM 75%"]
    assert akar.find("{http://www.w3.org/2000/svg}title").text == "Uji"


def test_bar_chart_clips_outside_values_but_labels_the_real_one():
    akar = _svg(grafik.batang_persen([("a", 130), ("b", -5)], [("X", 50)]))
    batang = _semua(akar, "batang")
    kisi = {float(e.get("data-persen")): float(e.get("x1")) for e in _semua(akar, "kisi")}
    assert float(batang[0].get("x")) + float(batang[0].get("width")) == pytest.approx(kisi[100])
    assert float(batang[1].get("width")) == 0
    assert [e.text for e in _semua(akar, "nilai")] == ["130,00%", "-5,00%"]


def test_page_footer_css_and_css_strings():
    assert pdf.css_halaman() == '"Halaman " counter(page) " dari " counter(pages)'
    assert pdf.css_teks('a"b\\c</style>\n') == '"a\\22 b\\5c c\\3c /style\\3e \\a "'
    assert pdf.tanggal_panjang(MALAM_TAHUN_BARU) == "1 Januari 2027"


def test_soal_without_approved_evidence_listed_per_pokja(tmp_path):
    """The demo approved three soal with evidence (Pokja I, II, IV): each Pokja's list holds
    every other scored soal of its area, and the count matches the table's column."""
    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    r = Laporan(_permintaan(tim), tmp_path / "laporan.pdf")
    lembar = tim.lembar_kerja
    disetujui = set(lembar.butir.filter(status="disetujui").values_list("soal__kode", flat=True))
    assert disetujui == {"A.I.1.ii.1", "A.I.2.i.1", "A.I.4.i.1"}
    assert "Soal tanpa eviden disetujui, per Pokja" in r.teks
    for area in range(1, 7):
        kode = sorted(
            lembar.instrumen.soal.filter(area_pokja=area)
            .exclude(jenis="jumlah")
            .exclude(kode__in=disetujui)
            .values_list("kode", flat=True)
        )
        assert ", ".join(kode) in r.teks, area
    assert "A.I.1.ii.1," not in r.teks and "A.I.1.ii.1 " not in r.teks.split("per Pokja")[1]
