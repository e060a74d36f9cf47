"""Office files recognised by their zip structure (eviden.kemasan), whatever program wrote
them: LibreOffice, python-docx, openpyxl; and the zip tricks that stay refused (macros,
bombs, too many members, path names, corrupt archives, a kind under the wrong extension)."""

import hashlib
import io
import os
import shutil
import struct
import subprocess
import zipfile

import docx
import magic
import openpyxl
import pytest

from eviden import berkas as berkas_mod
from eviden import kemasan
from eviden.berkas import IZIN, BerkasDitolak, terima
from eviden.models import Soal, VersiDokumen

from . import contoh_berkas as cb
from .test_unggah import isi_penyimpanan, teks, unggah

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"


# --- Files made by programs --------------------------------------------------------------

# A one-slide presentation as flat ODF XML, which Impress opens and converts.
FODP = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:body><office:presentation><draw:page draw:name="s1">
  <draw:frame svg:x="2cm" svg:y="2cm" svg:width="16cm" svg:height="3cm"><draw:text-box>
   <text:p>Paparan Zona Integritas 2026</text:p>
  </draw:text-box></draw:frame>
 </draw:page></office:presentation></office:body>
</office:document>
"""

# Output format -> source file. LibreOffice converts to one format per run, so each
# format is one run, all in one session-wide fixture with one profile.
LO_SUMBER = {
    "docx": "notulen.txt",
    "odt": "notulen.txt",
    "xlsx": "rekap.csv",
    "ods": "rekap.csv",
    "pptx": "paparan.fodp",
}
LO_MIME = {"docx": DOCX, "odt": ODT, "xlsx": XLSX, "ods": ODS, "pptx": PPTX}


@pytest.fixture(scope="session")
def berkas_libreoffice(tmp_path_factory):
    """{format: bytes} of files written by LibreOffice headless (soffice)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI tanpa LibreOffice: soffice tidak ditemukan di PATH.")
        pytest.skip("butuh LibreOffice headless (soffice)")
    akar = tmp_path_factory.mktemp("libreoffice")
    sumber, hasil = akar / "sumber", akar / "hasil"
    sumber.mkdir()
    (sumber / "notulen.txt").write_text(
        "Notulen rapat Tim Zona Integritas\nAgenda: pembangunan WBK\n", encoding="utf-8"
    )
    (sumber / "rekap.csv").write_text("Pokja,Nilai\nI,80\nII,75\n", encoding="utf-8")
    (sumber / "paparan.fodp").write_text(FODP, encoding="utf-8")
    for fmt, nama in LO_SUMBER.items():
        r = subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={(akar / 'lo-profil').as_uri()}",
                "--convert-to",
                fmt,
                "--outdir",
                str(hasil),
                str(sumber / nama),
            ],
            capture_output=True,
            text=True,
            timeout=240,
        )
        keluar = hasil / (os.path.splitext(nama)[0] + "." + fmt)
        assert keluar.exists(), (fmt, r.returncode, r.stdout, r.stderr)
    return {
        fmt: (hasil / (os.path.splitext(nama)[0] + "." + fmt)).read_bytes()
        for fmt, nama in LO_SUMBER.items()
    }


def docx_python_docx():
    d = docx.Document()
    d.add_heading("Notulen Rapat Tim ZI", level=1)
    d.add_paragraph("Pembahasan rencana kerja pembangunan Zona Integritas.")
    b = io.BytesIO()
    d.save(b)
    return b.getvalue()


def xlsx_openpyxl():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rekap"
    ws.append(["Pokja", "Nilai"])
    ws.append(["I", 80])
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def urut_abjad(isi):
    """The same package re-zipped with its members in name order, as archive tools that
    sort entries write it (libmagic then misses the Office layout)."""
    asal = zipfile.ZipFile(io.BytesIO(isi))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for info in sorted(asal.infolist(), key=lambda i: i.filename):
            z.writestr(info.filename, asal.read(info))
    return b.getvalue()


def terima_isi(isi, nama):
    return terima(io.BytesIO(isi), nama, len(isi))


def sementara_kosong(settings):
    return os.listdir(settings.EVIDEN_TEMP_DIR) == []


# --- Accepted ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(LO_SUMBER))
def test_files_written_by_libreoffice_are_accepted(berkas_libreoffice, fmt, settings):
    isi = berkas_libreoffice[fmt]
    masuk = terima_isi(isi, f"dari-libreoffice.{fmt}")
    try:
        assert masuk.mime == LO_MIME[fmt]
        assert masuk.sha256 == hashlib.sha256(isi).hexdigest()
    finally:
        masuk.buang()
    assert sementara_kosong(settings)


def test_libreoffice_pptx_is_recognised_by_its_main_part(berkas_libreoffice, tmp_path):
    # LibreOffice writes _rels/.rels first and [Content_Types].xml last; the main part's
    # content type decides, not the member order.
    isi = berkas_libreoffice["pptx"]
    nama = zipfile.ZipFile(io.BytesIO(isi)).namelist()
    assert nama[0] != "[Content_Types].xml" and "[Content_Types].xml" in nama
    (tmp_path / "p.pptx").write_bytes(isi)
    assert kemasan.jenis(tmp_path / "p.pptx", maks_total=10**9) == PPTX


def test_python_docx_and_openpyxl_files_are_accepted_where_libmagic_falls_short(settings, tmp_path):
    contoh = {
        "notulen.docx": (docx_python_docx(), DOCX),
        "rekap.xlsx": (xlsx_openpyxl(), XLSX),
        "notulen-urut.docx": (urut_abjad(docx_python_docx()), DOCX),
        "rekap-urut.xlsx": (urut_abjad(xlsx_openpyxl()), XLSX),
    }
    kata_libmagic = {}
    for nama, (isi, _m) in contoh.items():
        (tmp_path / nama).write_bytes(isi)  # as terima asks libmagic: of a file
        kata_libmagic[nama] = magic.from_file(str(tmp_path / nama), mime=True)
    # libmagic alone would refuse at least one of them (how many depends on its version;
    # file 5.44 still names the untouched ones, but not python-docx's in name order).
    salah = {n for n, m in kata_libmagic.items() if m not in IZIN}
    assert salah, kata_libmagic
    assert {kata_libmagic[n] for n in salah} <= {"application/zip", "application/octet-stream"}
    for nama, (isi, mime) in contoh.items():
        masuk = terima_isi(isi, nama)
        assert masuk.mime == mime, nama
        masuk.buang()
    assert sementara_kosong(settings)


@pytest.mark.parametrize("kata_libmagic", ["application/zip", "application/octet-stream"])
def test_an_openpyxl_workbook_libmagic_calls_a_zip_is_accepted(
    monkeypatch, settings, kata_libmagic
):
    # What libmagic says of openpyxl's member order when it does not know it: the
    # structure decides, so the workbook is still an XLSX.
    monkeypatch.setattr(berkas_mod.magic, "from_file", lambda *a, **k: kata_libmagic)
    masuk = terima_isi(xlsx_openpyxl(), "rekap.xlsx")
    assert masuk.mime == XLSX
    masuk.buang()
    # ...and a real zip stays a zip.
    with pytest.raises(BerkasDitolak, match="Isinya arsip ZIP"):
        terima_isi(zip_biasa(), "rekap.xlsx")
    assert sementara_kosong(settings)


def test_a_zip64_end_record_is_read_like_zipfile_reads_it(tmp_path):
    # The member count is taken from the central directory before zipfile parses it; with
    # ZIP64 end records the directory sits before them.
    p = tmp_path / "z64.docx"
    p.write_bytes(dengan_ekor_zip64(cb.ooxml("docx")))
    assert zipfile.ZipFile(p).namelist()  # zipfile reads it
    assert kemasan.jenis(p, maks_total=10**9) == DOCX


def test_the_member_limit_is_inclusive(tmp_path):
    p = tmp_path / "pas.xlsx"
    p.write_bytes(banyak_anggota(kemasan.MAKS_ANGGOTA))
    assert kemasan.jenis(p, maks_total=10**9) == XLSX


@pytest.mark.django_db
def test_an_openpyxl_workbook_uploaded_through_the_page_is_stored(
    client, dunia, soal1, penyimpanan_lokal, settings
):
    isi = xlsx_openpyxl()
    client.force_login(dunia.user["anggota1"])
    r = unggah(client, dunia, soal1, "Rekap Pokja.xlsx", isi)
    assert r.status_code == 200, teks(r)[:500]
    assert "«Rekap Pokja.xlsx» tersimpan." in teks(r)
    v = VersiDokumen.objects.get(nama_asli="Rekap Pokja.xlsx")
    assert v.mime == XLSX and v.ukuran == len(isi)
    assert (penyimpanan_lokal / v.kunci).read_bytes() == isi
    assert isi_penyimpanan(penyimpanan_lokal) == [v.kunci]
    assert sementara_kosong(settings)


@pytest.fixture
def soal1(dunia):
    return Soal.objects.get(instrumen=dunia.tim.lembar_kerja.instrumen, kode="A.I.1.i.1")


# --- Refused -----------------------------------------------------------------------------


def zip_dari(anggota):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for nama, isi in anggota:
            z.writestr(nama, isi)
    return b.getvalue()


def zip_biasa():
    return zip_dari([("laporan.pdf", cb.pdf()), ("foto/kegiatan.png", cb.png())])


VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE header, as vbaProject.bin


def docm():
    return cb.ooxml(
        "docx",
        tipe_utama="application/vnd.ms-word.document.macroEnabled.main+xml",
        tambahan=[("word/vbaProject.bin", VBA)],
    )


def xlsm():
    return cb.ooxml(
        "xlsx",
        tipe_utama="application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        tambahan=[("xl/vbaProject.bin", VBA)],
    )


def odt_bermakro():
    return cb.odf(
        ODT,
        tambahan=[
            ("Basic/script-lc.xml", "<library:libraries/>"),
            ("Basic/Standard/Module1.xml", "<script:module>Sub Main\nEnd Sub</script:module>"),
        ],
    )


def bom_zip():
    """An XLSX-shaped zip whose sheet is 300 MB of zeros (about 300 KB compressed)."""
    b = io.BytesIO()
    kosong = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(io.BytesIO(cb.ooxml("xlsx"))) as asal,
        zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in asal.infolist():
            z.writestr(info.filename, asal.read(info))
        with z.open("xl/worksheets/sheet1.xml", "w") as m:
            for _i in range(300):
                m.write(kosong)
    return b.getvalue()


def terlalu_besar_terbuka():
    """12 MB that expands at about 120:1 (no single absurd ratio), over the total of
    10 x EVIDEN_MAKS_MB when that is 1 MB."""
    b = io.BytesIO()
    blok = os.urandom(16 * 1024)
    with (
        zipfile.ZipFile(io.BytesIO(cb.ooxml("docx"))) as asal,
        zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in asal.infolist():
            z.writestr(info.filename, asal.read(info))
        with z.open("word/media/gambar.bmp", "w") as m:
            for _i in range(12 * 64):
                m.write(blok)
    return b.getvalue()


def banyak_anggota(n):
    """An XLSX-shaped zip with ``n`` members in all."""
    b = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(cb.ooxml("xlsx"))) as asal,
        zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z,
    ):
        dasar = asal.infolist()
        for info in dasar:
            z.writestr(info.filename, asal.read(info))
        for i in range(n - len(dasar)):
            z.writestr(f"xl/media/g{i}.xml", b"")
    return b.getvalue()


def dengan_ekor_zip64(isi):
    """``isi`` with ZIP64 end records before its end record (whose fields then say 'see
    ZIP64'), as writers that always use ZIP64 do."""
    akhir = isi.rindex(b"PK\x05\x06")
    _sig, _d, _dcd, n_disk, n, ukuran_cd, awal_cd, _k = struct.unpack(
        "<4s4H2LH", isi[akhir : akhir + 22]
    )
    rekaman = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n_disk, n, ukuran_cd, awal_cd
    )
    pencari = struct.pack("<4sLQL", b"PK\x06\x07", 0, akhir, 1)
    ekor = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return isi[:akhir] + rekaman + pencari + ekor


def terpotong():
    """A DOCX cut short: the central directory is missing (an interrupted copy)."""
    isi = cb.ooxml("docx")
    return isi[: isi.index(b"PK\x01\x02")]


def direktori_rusak():
    """A DOCX whose central directory entries are overwritten."""
    isi = bytearray(cb.ooxml("docx"))
    awal = isi.index(b"PK\x01\x02")
    isi[awal : awal + 60] = b"\x00" * 60
    return bytes(isi)


BAHAYA = "Berkas ini ditolak karena berpotensi berbahaya"
TOLAK = [
    ("exe-as-docx", "surat.docx", lambda: cb.EXE, "Isinya program Windows, bukan dokumen Word"),
    (
        "self-extracting-exe-as-docx",  # a program with a zip appended: still a program
        "surat.docx",
        lambda: cb.EXE + b"\x00" * 512 + cb.ooxml("docx"),
        "Isinya program Windows, bukan dokumen Word",
    ),
    (
        "data-before-a-docx",  # libmagic: a zip with data prepended; never an Office file
        "surat.docx",
        lambda: bytes(300) + cb.ooxml("docx"),
        "Isinya berkas yang jenisnya tidak dikenali, bukan dokumen Word (DOCX)",
    ),
    (
        "docm-as-docx",
        "surat.docx",
        docm,
        "Berkas ini memuat makro (program yang dapat berjalan ketika berkas dibuka); "
        "simpan ulang sebagai DOCX biasa tanpa makro, atau sebagai PDF",
    ),
    (
        "vbaproject-in-a-docx",
        "surat.docx",
        lambda: cb.ooxml("docx", tambahan=[("word/vbaProject.bin", VBA)]),
        "simpan ulang sebagai DOCX biasa tanpa makro",
    ),
    ("xlsm-as-xlsx", "rekap.xlsx", xlsm, "simpan ulang sebagai XLSX biasa tanpa makro"),
    ("odt-with-basic", "laporan.odt", odt_bermakro, "simpan ulang sebagai ODT biasa tanpa makro"),
    ("plain-zip-as-docx", "surat.docx", zip_biasa, "Isinya arsip ZIP, bukan dokumen Word (DOCX)"),
    (
        "zip-bomb-as-xlsx",
        "rekap.xlsx",
        bom_zip,
        f"{BAHAYA}: ada bagian yang dipadatkan secara tidak wajar, ciri khas bom ZIP",
    ),
    (
        "too-many-members",
        "rekap.xlsx",
        lambda: banyak_anggota(kemasan.MAKS_ANGGOTA + 1),
        f"{BAHAYA}: isinya terdiri atas lebih dari 10.000 bagian",
    ),
    (
        "dotdot-member",
        "surat.docx",
        lambda: cb.ooxml("docx", tambahan=[("../evil", b"x")]),
        f"{BAHAYA}: ada nama bagian yang tidak wajar",
    ),
    (
        "absolute-member",
        "surat.docx",
        lambda: cb.ooxml("docx", tambahan=[("/etc/cron.d/evil", b"x")]),
        f"{BAHAYA}: ada nama bagian yang tidak wajar",
    ),
    ("truncated-docx", "surat.docx", terpotong, "Berkas ini rusak atau tidak utuh"),
    ("bad-central-directory", "surat.docx", direktori_rusak, "Berkas ini rusak atau tidak utuh"),
    (
        "xlsx-as-docx",
        "surat.docx",
        xlsx_openpyxl,
        "Isinya lembar kerja Excel (XLSX), tidak cocok dengan akhiran .docx; ganti akhiran "
        "nama berkasnya menjadi .xlsx",
    ),
    (
        "odp-as-odt",
        "paparan.odt",
        lambda: cb.odf(ODP),
        "Isinya presentasi OpenDocument (ODP), bukan dokumen OpenDocument (ODT); simpan "
        "ulang sebagai PPTX atau PDF",
    ),
]


@pytest.mark.parametrize(("kasus", "nama", "buat", "pesan"), TOLAK, ids=[t[0] for t in TOLAK])
def test_refused_with_a_message_and_no_temporary_file(settings, kasus, nama, buat, pesan):
    isi = buat()
    assert len(isi) < 2 * 1024 * 1024  # small on disk, whatever it claims
    with pytest.raises(BerkasDitolak) as e:
        terima_isi(isi, nama)
    assert pesan in str(e.value)
    assert "application/" not in str(e.value)  # words, never a MIME type
    assert sementara_kosong(settings)


def test_a_zip_expanding_past_ten_times_the_upload_limit_is_refused(settings):
    settings.EVIDEN_MAKS_MB = 1
    isi = terlalu_besar_terbuka()
    assert len(isi) < 1024 * 1024
    info = zipfile.ZipFile(io.BytesIO(isi)).getinfo("word/media/gambar.bmp")
    assert info.file_size < kemasan.MAKS_RASIO * info.compress_size  # not a ratio refusal
    with pytest.raises(BerkasDitolak) as e:
        terima_isi(isi, "surat.docx")
    assert f"{BAHAYA}: ukuran isinya setelah dibuka melebihi 10 MB" in str(e.value)
    assert sementara_kosong(settings)


@pytest.mark.django_db
def test_a_refused_zip_through_the_page_leaves_nothing(
    client, dunia, soal1, penyimpanan_lokal, settings
):
    client.force_login(dunia.user["anggota1"])
    r = unggah(client, dunia, soal1, "rekap.xlsx", xlsm())
    assert r.status_code == 400
    assert "Berkas ini memuat makro" in teks(r)
    assert not VersiDokumen.objects.exists()
    assert isi_penyimpanan(penyimpanan_lokal) == []
    assert sementara_kosong(settings)
