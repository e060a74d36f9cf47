"""Import of a team's answers from an LKE workbook: whole-file refusals, row-level problems,
fill-empty and overwrite modes, the preview that writes nothing, the confirmation that writes
through the web form's service and records an ``ImporLKE``, the stale preview, permissions,
and the round trip export → import.

Workbooks are made here with openpyxl in the exporter's layout (``penilaian.ekspor.tata_letak``:
sheet "Jawaban", code in A, text in B, bank id in J, answer in K, note in L); the round trip
uses the exporter itself.
"""

import io
import os
import struct
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from eviden import services
from eviden.models import Butir, Jawaban, Soal, StatusButir
from penilaian.ekspor import tata_letak as tl
from penilaian.impor import baca, rencana
from penilaian.impor.rencana import impor_lke, terapkan
from penilaian.models import ImporLKE
from penilaian.selectors import skor_lembar

from . import contoh_berkas as cb
from .lembar_penuh import jawaban_lembar, tulis_jawaban

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_impor_lke")]

# The project's URLs with the import's (penilaian/urls.py may include them already; the same
# view then answers either way).
urlpatterns = [path("", include("zi_portal.urls")), path("", include("penilaian.impor.urls"))]

JUDUL = {
    tl.KOLOM_KODE: "Kode",
    tl.KOLOM_TEKS: "Penilaian",
    tl.KOLOM_PILIHAN: "Pilihan jawaban",
    tl.KOLOM_SOAL_ID: "ID soal",
    tl.KOLOM_JAWABAN_UNIT: "Jawaban unit",
    tl.KOLOM_CATATAN_UNIT: "Catatan unit",
    tl.KOLOM_BUKTI_DUKUNG_UNIT: "Bukti dukung unit",
}
NODE_DI_ATAS = {2: "A", 3: "A.I", 4: "A.I.1", 5: "A.I.1.i"}  # rows above the first soal
A, K, L, J, B = (
    tl.KOLOM_KODE,
    tl.KOLOM_JAWABAN_UNIT,
    tl.KOLOM_CATATAN_UNIT,
    tl.KOLOM_SOAL_ID,
    tl.KOLOM_TEKS,
)
YA_TIDAK, ABC, ABCDE, INDEKS = "A.I.1.i.1", "A.I.1.i.2", "A.I.2.i.2", "B.I.1"
PERSEN, PERUBAHAN, TERINTEGRASI = "A.II.1.i.6", "A.II.1.i.4", "A.II.1.i.5"


# --- Workbooks --------------------------------------------------------------------------------


def buku(lembar, isi=None, *, geser=0):
    """Every soal of the instrument on its official row (+ ``geser``), with the answers and
    notes of ``isi`` ({kode: (jawaban, catatan)}); a few node rows above them."""
    isi = isi or {}
    wb = Workbook()
    ws = wb.active
    ws.title = tl.LEMBAR_LKE
    for kolom, judul in JUDUL.items():
        ws[f"{kolom}{tl.BARIS_JUDUL}"] = judul
    for baris, kode in NODE_DI_ATAS.items():
        ws[f"{A}{baris + geser}"] = kode
        ws[f"{B}{baris + geser}"] = f"Node {kode}"
    for s in Soal.objects.filter(instrumen=lembar.instrumen):
        r = s.excel_baris + geser
        ws[f"{A}{r}"] = s.kode
        ws[f"{B}{r}"] = s.teks
        if s.nomor_bank is not None:
            ws[f"{J}{r}"] = s.nomor_bank
        jawab, catat = isi.get(s.kode, (None, None))
        ws[f"{K}{r}"] = jawab
        ws[f"{L}{r}"] = catat
    return wb


def byte(wb):
    keluar = io.BytesIO()
    wb.save(keluar)
    return keluar.getvalue()


def empat(d):
    """A total as ImporLKE keeps it (4 decimals)."""
    return d.quantize(Decimal("0.0001"))


def baris_soal(ws, kode):
    return next(r for r in range(1, ws.max_row + 1) if ws[f"{A}{r}"].value == kode)


def soal(lembar, kode):
    return Soal.objects.get(instrumen=lembar.instrumen, kode=kode)


def jawaban(lembar, kode):
    return Jawaban.objects.filter(lembar=lembar, soal__kode=kode).first()


def simpan(lembar, user, kode, pilihan="", angka=None, catatan="", masukan=None):
    s = soal(lembar, kode)
    j = jawaban(lembar, kode)
    return services.simpan_jawaban(
        lembar=lembar,
        soal=s,
        user=user,
        versi=j.versi if j else 0,
        pilihan=pilihan,
        angka=angka,
        penjelasan=catatan,
        masukan=masukan,
    )


def keadaan(lembar):
    """What a refused or previewed import must leave untouched."""
    return (
        list(
            Jawaban.objects.filter(lembar=lembar)
            .order_by("soal_id")
            .values_list("soal_id", "pilihan", "angka", "penjelasan", "versi")
        ),
        Jawaban.history.count(),
        ImporLKE.objects.count(),
    )


def sementara():
    return sorted(os.listdir(settings.EVIDEN_TEMP_DIR))


def url(nama, tim):
    return reverse(nama, args=[tim.pk])


def unggah(client, tim, data, nama="lke.xlsx", timpa=False):
    isi = {"berkas": SimpleUploadedFile(nama, data, content_type="application/octet-stream")}
    if timpa:
        isi["timpa"] = "on"
    return client.post(url("impor-lke", tim), isi)


def sidik_pratinjau(client, tim):
    r = client.get(url("impor-lke-pratinjau", tim))
    assert r.status_code == 200
    return r.context["r"].sidik, r


# --- Refused files ----------------------------------------------------------------------------


def _zip_tambah(data, tambahan=(), ganti=None):
    """A copy of the zip ``data`` with members added (name, bytes) and some replaced."""
    ganti = ganti or {}
    keluar = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as asal,
        zipfile.ZipFile(keluar, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in asal.infolist():
            z.writestr(info.filename, ganti.get(info.filename, asal.read(info.filename)))
        for nama, isi in tambahan:
            z.writestr(nama, isi)
    return keluar.getvalue()


def ole2(aliran):
    """A real OLE2 compound file (CFB v3, 512-byte sectors) holding ``aliran``: two
    (name, 4096 bytes) streams in regular sectors. With "EncryptionInfo" and
    "EncryptedPackage" it is what Office writes for a password-protected workbook."""
    bebas, akhir, sektor_fat, tanpa = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    (nama1, isi1), (nama2, isi2) = aliran
    assert len(isi1) == len(isi2) == 4096
    # sector 0: FAT, 1: directory, 2..9: first stream, 10..17: second stream
    fat = [sektor_fat, akhir, *range(3, 10), akhir, *range(11, 18), akhir]
    fat += [bebas] * (128 - len(fat))

    def entri(nama, jenis, kiri, kanan, anak, mulai, ukuran):
        n = nama.encode("utf-16-le") + b"\0\0" if nama else b""
        return (
            n.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(n), jenis, 1, kiri, kanan, anak)
            + b"\0" * 16
            + struct.pack("<I", 0)
            + b"\0" * 16
            + struct.pack("<IQ", mulai, ukuran)
        )

    direktori = (
        entri("Root Entry", 5, tanpa, tanpa, 1, akhir, 0)
        + entri(nama1, 2, tanpa, 2, tanpa, 2, 4096)
        + entri(nama2, 2, tanpa, tanpa, tanpa, 10, 4096)
        + entri("", 0, tanpa, tanpa, tanpa, 0, 0)
    )
    kepala = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        baca.OLE2,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,
        1,
        0,
        4096,
        akhir,
        0,
        akhir,
        0,
    ) + struct.pack("<109I", 0, *([bebas] * 108))
    return kepala + struct.pack("<128I", *fat) + direktori + isi1 + isi2


def _terenkripsi():
    info = (struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>').ljust(
        4096, b"\0"
    )
    paket = struct.pack("<Q", 5000) + os.urandom(4088)
    return ole2([("EncryptionInfo", info), ("EncryptedPackage", paket)])


def _xls_lama():
    return ole2([("Workbook", b"\x09\x08" + b"\0" * 4094), ("SummaryInformation", b"\0" * 4096)])


def _makro(lembar):
    return _zip_tambah(byte(buku(lembar, {YA_TIDAK: ("Ya", "")})), [("xl/vbaProject.bin", b"VBA")])


def _rusak(lembar):
    data = byte(buku(lembar, {YA_TIDAK: ("Ya", "")}))
    return data[: len(data) // 2]


def _tautan_bagian(lembar):
    return _zip_tambah(
        byte(buku(lembar, {YA_TIDAK: ("Ya", "")})),
        [("xl/externalLinks/externalLink1.xml", b"<externalLink/>")],
    )


def _tautan_rumus(lembar):
    wb = buku(lembar, {YA_TIDAK: ("Ya", "")})
    wb.active["F6"] = "=[1]Jawaban!K6*2"
    return byte(wb)


def _tautan_rumus_jalur(lembar):
    wb = buku(lembar, {YA_TIDAK: ("Ya", "")})
    lain = wb.create_sheet("Ringkasan")
    lain["A1"] = "='C:\\data\\[LKE lama.xlsx]Jawaban'!K6"
    return byte(wb)


def _tautan_nama(lembar):
    wb = buku(lembar, {YA_TIDAK: ("Ya", "")})
    wb.defined_names["LAMA"] = DefinedName("LAMA", attr_text="'[Buku lain.xlsx]Jawaban'!$F$6")
    return byte(wb)


def _tanpa_lembar(lembar):
    wb = buku(lembar, {YA_TIDAK: ("Ya", "")})
    wb.active.title = "Lembar1"
    return byte(wb)


def _kolom_bergeser(lembar):
    wb = buku(lembar, {YA_TIDAK: ("Ya", "")})
    wb.active.insert_cols(3)
    return byte(wb)


def _tanpa_kode(lembar):
    wb = Workbook()
    ws = wb.active
    ws.title = tl.LEMBAR_LKE
    for kolom, judul in JUDUL.items():
        ws[f"{kolom}1"] = judul
    ws["A2"], ws["K2"] = "Soal pertama", "Ya"
    return byte(wb)


def _instrumen_lain(lembar):
    wb = Workbook()
    ws = wb.active
    ws.title = tl.LEMBAR_LKE
    for kolom, judul in JUDUL.items():
        ws[f"{kolom}1"] = judul
    ws["A2"], ws["B2"], ws["K2"] = "C.IX.9.z.1", "Soal dari LKE lain", "Ya"
    return byte(wb)


# (name, builder(lembar) → bytes, file name, reason code, words of the message)
DITOLAK = [
    ("pdf", lambda lembar: cb.pdf(), "lke.xlsx", "jenis", "dokumen PDF"),
    ("csv", lambda lembar: b"kode,jawaban\nA.I.1.i.1,Ya\n", "lke.xlsx", "jenis", "CSV"),
    ("kosong", lambda lembar: b"", "lke.xlsx", "kosong", "kosong"),
    ("makro", _makro, "lke.xlsm", "makro", "memuat makro"),
    ("makro-nama-xlsx", _makro, "lke.xlsx", "makro", "memuat makro"),
    ("sandi", lambda lembar: _terenkripsi(), "lke.xlsx", "sandi", "dilindungi kata sandi"),
    ("xls-lama", lambda lembar: _xls_lama(), "lke.xlsx", "ole2", "format Office lama"),
    ("rusak", _rusak, "lke.xlsx", "rusak", "rusak atau tidak utuh"),
    ("tautan-bagian", _tautan_bagian, "lke.xlsx", "tautan", "tautan ke buku kerja lain"),
    ("tautan-rumus", _tautan_rumus, "lke.xlsx", "tautan", "tautan ke buku kerja lain"),
    ("tautan-jalur", _tautan_rumus_jalur, "lke.xlsx", "tautan", "tautan ke buku kerja lain"),
    ("tautan-nama", _tautan_nama, "lke.xlsx", "tautan", "tautan ke buku kerja lain"),
    ("tanpa-lembar", _tanpa_lembar, "lke.xlsx", "tata_letak", "tidak memuat lembar"),
    ("kolom-bergeser", _kolom_bergeser, "lke.xlsx", "tata_letak", "Judul kolom"),
    ("tanpa-kode", _tanpa_kode, "lke.xlsx", "tata_letak", "tidak memuat kode soal"),
    ("instrumen-lain", _instrumen_lain, "lke.xlsx", "tata_letak", "tidak ada kode soal"),
]


@pytest.mark.parametrize(
    ("nama", "buat", "berkas", "alasan", "pesan"), DITOLAK, ids=[d[0] for d in DITOLAK]
)
def test_whole_file_refusals_write_nothing_and_say_why(
    client, dunia, nama, buat, berkas, alasan, pesan
):
    lembar = dunia.lembar
    ketua = dunia.user["ketua"]
    simpan(lembar, ketua, ABC, pilihan="B", catatan="awal")
    data = buat(lembar)
    sebelum = keadaan(lembar)

    with pytest.raises(baca.Ditolak) as e:
        impor_lke(io.BytesIO(data), lembar=lembar, user=ketua, timpa=True, nama_berkas=berkas)
    assert e.value.alasan == alasan
    assert pesan.lower() in str(e.value).lower()

    client.force_login(ketua)
    r = unggah(client, dunia.tim, data, nama=berkas, timpa=True)
    assert r.status_code == 422
    teks = r.content.decode()
    assert "data-galat-berkas" in teks
    assert pesan.lower() in str(r.context["form"].errors["berkas"]).lower()
    assert keadaan(lembar) == sebelum
    assert sementara() == []


def test_oversize_file_is_refused_before_it_is_read(client, dunia, settings):
    settings.EVIDEN_MAKS_MB = 1
    lembar = dunia.lembar
    data = os.urandom(1024 * 1024 + 1)
    with pytest.raises(baca.Ditolak) as e:
        impor_lke(io.BytesIO(data), lembar=lembar, user=dunia.user["ketua"])
    assert e.value.alasan == "besar"
    sebelum = keadaan(lembar)
    client.force_login(dunia.user["ketua"])
    r = unggah(client, dunia.tim, data)
    assert r.status_code == 422
    assert "Batas ukuran adalah 1 MB" in r.content.decode()
    assert keadaan(lembar) == sebelum
    assert sementara() == []


def test_a_package_that_unzips_too_large_is_refused(dunia, monkeypatch):
    monkeypatch.setattr(baca, "MAKS_TERBUKA", 4096)
    with pytest.raises(baca.Ditolak) as e:
        impor_lke(
            io.BytesIO(byte(buku(dunia.lembar, {YA_TIDAK: ("Ya", "")}))),
            lembar=dunia.lembar,
            user=dunia.user["ketua"],
        )
    assert e.value.alasan == "besar"
    assert Jawaban.objects.count() == 0


def test_the_crafted_encrypted_file_is_a_compound_file_libmagic_knows():
    import magic

    assert magic.from_buffer(_terenkripsi()).startswith("CDFV2")


# --- Row-level problems -----------------------------------------------------------------------


def test_row_problems_are_listed_by_row_and_code_and_nothing_is_written(client, dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    simpan(lembar, ketua, "A.I.1.ii.1", pilihan="Ya")
    Butir.objects.update_or_create(
        lembar=lembar, soal=soal(lembar, "A.I.1.ii.1"), defaults={"status": StatusButir.DISETUJUI}
    )
    simpan(lembar, ketua, "A.I.1.ii.2", pilihan="A")
    Butir.objects.update_or_create(
        lembar=lembar, soal=soal(lembar, "A.I.1.ii.2"), defaults={"status": StatusButir.DIAJUKAN}
    )
    wb = buku(
        lembar,
        {
            YA_TIDAK: ("Mungkin", ""),  # not an option
            ABC: ("b", "huruf kecil diterima"),  # fine: case is ignored
            "A.I.1.iii.1": (2, ""),  # a number for an option soal
            "A.I.1.ii.1": ("Tidak", ""),  # approved: locked
            "A.I.1.ii.2": ("A", ""),  # waiting for review but unchanged: no error
            INDEKS: (4.5, ""),  # above the 0–4 scale
            "B.II.1": (-1, ""),  # negative
            "A.II.1.i.1": ("banyak", None),  # not a number
            "A.II.1.i.2": (2.5, None),  # Jumlah must be whole
            PERUBAHAN: (3, None),
            TERINTEGRASI: (5, None),  # more integrated changes than changes
            "A.I.1.iv.1": ('=IF(1,"Ya","Tidak")', ""),  # a formula
        },
    )
    ws = wb.active
    r_kembar = ws.max_row + 2
    ws[f"{A}{r_kembar}"], ws[f"{B}{r_kembar}"] = ABCDE, soal(lembar, ABCDE).teks
    ws[f"{K}{r_kembar}"] = "C"
    ws[f"{K}{baris_soal(ws, ABCDE)}"] = "B"  # the same code twice, with answers
    r_asing = r_kembar + 1
    ws[f"{A}{r_asing}"], ws[f"{K}{r_asing}"] = "A.I.1.i.99", "Ya"  # unknown code
    r_teks = baris_soal(ws, "A.I.2.i.1")
    ws[f"{B}{r_teks}"] = "Pertanyaan lain sama sekali"  # text of another soal
    ws[f"{K}{r_teks}"] = "A"
    r_id = baris_soal(ws, "A.I.2.i.3")
    ws[f"{J}{r_id}"] = 13  # bank id of A.I.2.i.1
    ws[f"{K}{r_id}"] = "A"
    sebelum = keadaan(lembar)

    r = rencanakan_bytes(lembar, byte(wb), timpa=True)
    galat = {(m.baris, m.kode): m.pesan for m in r.masalah}
    b = {kode: baris_soal(ws, kode) for kode in ws_kode(ws)}
    harap = {
        (b[YA_TIDAK], YA_TIDAK): "tidak sah",
        (b["A.I.1.iii.1"], "A.I.1.iii.1"): "tidak sah",
        (b["A.I.1.ii.1"], "A.I.1.ii.1"): "terkunci",
        (b[INDEKS], INDEKS): "antara 0 dan 4",
        (b["B.II.1"], "B.II.1"): "angka 0 atau lebih",
        (b["A.II.1.i.1"], "A.II.1.i.1"): "angka 0 atau lebih",
        (b["A.II.1.i.2"], "A.II.1.i.2"): "bilangan bulat",
        (b[PERUBAHAN], PERUBAHAN): "tidak boleh lebih",
        (b["A.I.1.iv.1"], "A.I.1.iv.1"): "rumus",
        (r_kembar, ABCDE): "lebih dari sekali",
        (r_asing, "A.I.1.i.99"): "tidak dikenal",
        (r_teks, "A.I.2.i.1"): "ambigu",
        (r_id, "A.I.2.i.3"): "ambigu",
    }
    for kunci, kata in harap.items():
        assert kunci in galat, (kunci, galat)
        assert kata in galat[kunci], (kunci, galat[kunci])
    assert (b[ABCDE], ABCDE) in galat  # both rows of the duplicate are named
    assert not any(k == "A.I.1.ii.2" for _b, k in galat)  # locked but unchanged: fine
    assert not any(k == ABC for _b, k in galat)
    per_soal = {x.soal.kode: x for x in r.daftar}
    assert per_soal[ABC].aksi == rencana.DIISI
    assert per_soal[PERSEN].aksi == rencana.GALAT
    assert per_soal["A.I.1.ii.2"].aksi == rencana.SAMA
    with pytest.raises(rencana.AdaGalat):
        terapkan(r, user=ketua)
    assert keadaan(lembar) == sebelum

    client.force_login(ketua)
    assert unggah(client, dunia.tim, byte(wb), timpa=True).status_code == 302
    sidik, halaman = sidik_pratinjau(client, dunia.tim)
    teks = halaman.content.decode()
    assert "data-galat-impor" in teks
    assert "data-konfirmasi-impor" not in teks  # no confirm button
    assert f'data-galat-baris="{r_asing}"' in teks
    r2 = client.post(url("impor-lke-terapkan", dunia.tim), {"sidik": sidik})
    assert r2.status_code == 422
    assert keadaan(lembar) == sebelum


def ws_kode(ws):
    return [ws[f"{A}{r}"].value for r in range(2, ws.max_row + 1) if ws[f"{A}{r}"].value]


def rencanakan_bytes(lembar, data, timpa=False):
    hasil, _impor = impor_lke(
        io.BytesIO(data), lembar=lembar, user=None, timpa=timpa, terapkan_juga=False
    )
    return hasil


def test_locked_soal_with_the_same_answer_and_unchanged_rows_are_no_errors(dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    simpan(lembar, ketua, YA_TIDAK, pilihan="Ya", catatan="SK tim")
    Butir.objects.update_or_create(
        lembar=lembar, soal=soal(lembar, YA_TIDAK), defaults={"status": StatusButir.DISETUJUI}
    )
    wb = buku(lembar, {YA_TIDAK: ("Ya", "  SK tim\r\n")})
    ws = wb.active
    ws[f"{B}{baris_soal(ws, ABC)}"] = "teks lain, tapi baris ini kosong"
    r = rencanakan_bytes(lembar, byte(wb), timpa=True)
    assert r.masalah == []
    assert {x.soal.kode: x.aksi for x in r.daftar}[YA_TIDAK] == rencana.SAMA
    assert r.berubah == 0


# --- Modes ------------------------------------------------------------------------------------


def _siapkan_jawaban(lembar, user):
    simpan(lembar, user, YA_TIDAK, pilihan="Tidak", catatan="belum ada SK")
    simpan(lembar, user, ABC, pilihan="C")
    simpan(lembar, user, INDEKS, angka=Decimal("3.2"), catatan="survei 2025")


def _isi_berkas():
    return {
        YA_TIDAK: ("Ya", "SK nomor 12"),
        ABC: ("A", "prosedur terbuka"),
        ABCDE: ("B", "SOP diterapkan"),
        INDEKS: (3.6, ""),
        PERUBAHAN: (4, None),
        TERINTEGRASI: (3, None),
        PERSEN: (None, "tiga dari empat perubahan masuk SOP"),
    }


def test_fill_empty_mode_is_the_default_and_never_overwrites(dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    _siapkan_jawaban(lembar, ketua)
    r, impor = impor_lke(io.BytesIO(byte(buku(lembar, _isi_berkas()))), lembar=lembar, user=ketua)
    aksi = {x.soal.kode: x.aksi for x in r.daftar}
    assert aksi[YA_TIDAK] == rencana.DILEWATI
    assert aksi[ABC] == rencana.DIISI  # the note was empty: filled, the answer kept
    assert aksi[ABCDE] == rencana.DIISI
    assert aksi[INDEKS] == rencana.DILEWATI
    assert aksi[PERSEN] == rencana.DIISI
    assert jawaban(lembar, YA_TIDAK).pilihan == "Tidak"
    assert jawaban(lembar, YA_TIDAK).penjelasan == "belum ada SK"
    assert jawaban(lembar, ABC).pilihan == "C"
    assert jawaban(lembar, ABC).penjelasan == "prosedur terbuka"
    assert jawaban(lembar, ABCDE).pilihan == "B"
    assert jawaban(lembar, INDEKS).angka == Decimal("3.2")
    assert jawaban(lembar, PERUBAHAN).angka == 4
    assert jawaban(lembar, TERINTEGRASI).angka == 3
    assert jawaban(lembar, PERSEN).penjelasan == "tiga dari empat perubahan masuk SOP"
    assert impor.timpa is False
    assert {d["soal"] for d in impor.rincian} == {ABC, ABCDE, PERUBAHAN, TERINTEGRASI, PERSEN}
    assert impor.berubah == 5


def test_overwrite_mode_replaces_existing_answers(dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    _siapkan_jawaban(lembar, ketua)
    simpan(
        lembar,
        ketua,
        PERSEN,
        catatan="lama",
        masukan=masukan_persen(lembar, perubahan=2, terintegrasi=1),
    )
    r, impor = impor_lke(
        io.BytesIO(byte(buku(lembar, _isi_berkas()))), lembar=lembar, user=ketua, timpa=True
    )
    aksi = {x.soal.kode: x.aksi for x in r.daftar}
    assert aksi[YA_TIDAK] == rencana.DITIMPA
    assert aksi[INDEKS] == rencana.DITIMPA
    assert aksi[PERSEN] == rencana.DITIMPA
    assert (jawaban(lembar, YA_TIDAK).pilihan, jawaban(lembar, YA_TIDAK).penjelasan) == (
        "Ya",
        "SK nomor 12",
    )
    # an empty cell in the file never erases: the index note stays
    assert (jawaban(lembar, INDEKS).angka, jawaban(lembar, INDEKS).penjelasan) == (
        Decimal("3.6"),
        "survei 2025",
    )
    assert jawaban(lembar, PERUBAHAN).angka == 4
    assert jawaban(lembar, TERINTEGRASI).angka == 3
    assert jawaban(lembar, PERSEN).penjelasan == "tiga dari empat perubahan masuk SOP"
    assert impor.timpa is True
    lama_ya = next(d for d in impor.rincian if d["soal"] == YA_TIDAK)
    assert lama_ya == {
        "soal": YA_TIDAK,
        "lama": {"jawaban": "Tidak", "catatan": "belum ada SK"},
        "baru": {"jawaban": "Ya", "catatan": "SK nomor 12"},
    }


def masukan_persen(lembar, **angka):
    from eviden.kartu import Masukan
    from eviden.models import SoalMasukan

    return {
        Masukan(soal=m.masukan, nama=m.nama): Decimal(angka[m.nama])
        for m in SoalMasukan.objects.filter(soal=soal(lembar, PERSEN)).select_related("masukan")
    }


def test_rows_may_be_shifted_they_are_found_by_code(dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    _r, impor = impor_lke(
        io.BytesIO(
            byte(buku(lembar, {YA_TIDAK: ("ya", ""), ABC: ("B", ""), INDEKS: ("3,6", "")}, geser=7))
        ),
        lembar=lembar,
        user=ketua,
    )
    assert jawaban(lembar, YA_TIDAK).pilihan == "Ya"
    assert jawaban(lembar, ABC).pilihan == "B"
    assert jawaban(lembar, INDEKS).angka == Decimal("3.6")  # a decimal comma in text
    assert impor.berubah == 3


# --- Preview, confirmation, stale preview ------------------------------------------------------


def test_preview_writes_nothing_and_confirm_writes_through_the_service(client, dunia):
    lembar, ketua, sekretaris = dunia.lembar, dunia.user["ketua"], dunia.user["sekretaris"]
    _siapkan_jawaban(lembar, ketua)
    sebelum = keadaan(lembar)
    total_sebelum = skor_lembar(lembar).total
    client.force_login(sekretaris)

    r = unggah(client, dunia.tim, byte(buku(lembar, _isi_berkas())), nama="LKE tim.xlsx")
    assert r.status_code == 302 and r.url == url("impor-lke-pratinjau", dunia.tim)
    assert len(sementara()) == 1
    sidik, halaman = sidik_pratinjau(client, dunia.tim)
    teks = halaman.content.decode()
    assert 'data-soal="A.I.1.i.2" data-aksi="diisi"' in teks
    assert 'data-soal="A.I.1.i.1" data-aksi="dilewati"' in teks
    assert "data-berkas-dilewati" in teks  # what the file said, and that it was not used
    assert "data-konfirmasi-impor" in teks
    rencana_dilihat = halaman.context["r"]
    assert rencana_dilihat.sebelum.total == total_sebelum
    assert keadaan(lembar) == sebelum  # the preview wrote nothing
    client.get(url("impor-lke-pratinjau", dunia.tim) + "?semua=1")
    assert keadaan(lembar) == sebelum

    r = client.post(url("impor-lke-terapkan", dunia.tim), {"sidik": sidik}, follow=True)
    assert r.redirect_chain[-1][0] == url("dasbor-tim", dunia.tim)
    impor = ImporLKE.objects.get()
    assert (impor.tim, impor.oleh, impor.nama_berkas, impor.timpa) == (
        dunia.tim,
        sekretaris,
        "LKE tim.xlsx",
        False,
    )
    impor.refresh_from_db()
    assert impor.total_sebelum == empat(total_sebelum)
    assert impor.total_sesudah == empat(skor_lembar(lembar).total)
    assert impor.total_sesudah == empat(rencana_dilihat.sesudah.total)
    assert impor.total_sesudah > impor.total_sebelum
    assert impor.berubah == 5 == len(impor.rincian)
    assert impor.sha256 == rencana_dilihat.sha256
    pesan = [str(m) for m in r.context["messages"]]
    assert any("5 jawaban berubah" in m for m in pesan), pesan
    # through the service: versions move on and the history names the importer
    j = jawaban(lembar, ABCDE)
    assert (j.pilihan, j.versi, j.diubah_oleh) == ("B", 1, sekretaris)
    assert j.history.first().history_user == sekretaris
    assert jawaban(lembar, ABC).versi == 2
    assert sementara() == []  # the temporary file is gone
    assert client.get(url("impor-lke-pratinjau", dunia.tim)).status_code == 302
    # the upload page lists the import
    halaman = client.get(url("impor-lke", dunia.tim))
    assert f'data-impor="{impor.pk}"' in halaman.content.decode()


def test_the_overwrite_box_of_the_upload_form(client, dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    _siapkan_jawaban(lembar, ketua)
    client.force_login(ketua)
    halaman = client.get(url("impor-lke", dunia.tim)).content.decode()
    assert 'name="timpa"' in halaman and "checked" not in halaman  # off by default
    unggah(client, dunia.tim, byte(buku(lembar, {YA_TIDAK: ("Ya", "SK baru")})), timpa=True)
    sidik, halaman = sidik_pratinjau(client, dunia.tim)
    assert 'data-soal="A.I.1.i.1" data-aksi="ditimpa"' in halaman.content.decode()
    client.post(url("impor-lke-terapkan", dunia.tim), {"sidik": sidik})
    assert (jawaban(lembar, YA_TIDAK).pilihan, jawaban(lembar, YA_TIDAK).penjelasan) == (
        "Ya",
        "SK baru",
    )
    impor = ImporLKE.objects.get()
    assert impor.timpa is True and impor.berubah == 1


def test_a_stale_preview_is_shown_again_instead_of_being_written(client, dunia):
    lembar, ketua, sekretaris = dunia.lembar, dunia.user["ketua"], dunia.user["sekretaris"]
    client.force_login(ketua)
    unggah(client, dunia.tim, byte(buku(lembar, {YA_TIDAK: ("Ya", ""), ABC: ("B", "")})))
    sidik, _h = sidik_pratinjau(client, dunia.tim)
    # meanwhile the secretary answers one of the soal in the web form
    simpan(lembar, sekretaris, YA_TIDAK, pilihan="Tidak")
    sebelum = keadaan(lembar)

    r = client.post(url("impor-lke-terapkan", dunia.tim), {"sidik": sidik})
    assert r.status_code == 409
    teks = r.content.decode()
    assert "data-pratinjau-basi" in teks
    assert 'data-soal="A.I.1.i.1" data-aksi="dilewati"' in teks
    assert keadaan(lembar) == sebelum
    assert ImporLKE.objects.count() == 0
    assert len(sementara()) == 1  # still waiting for a confirmation

    baru = r.context["r"].sidik
    assert baru != sidik
    r = client.post(url("impor-lke-terapkan", dunia.tim), {"sidik": baru})
    assert r.status_code == 302
    assert jawaban(lembar, YA_TIDAK).pilihan == "Tidak"
    assert jawaban(lembar, ABC).pilihan == "B"
    assert ImporLKE.objects.get().berubah == 1


def test_an_answer_saved_between_plan_and_apply_stops_the_whole_import(dunia):
    lembar, ketua, sekretaris = dunia.lembar, dunia.user["ketua"], dunia.user["sekretaris"]
    r = rencanakan_bytes(lembar, byte(buku(lembar, {YA_TIDAK: ("Ya", ""), ABC: ("B", "")})))
    simpan(lembar, sekretaris, ABC, pilihan="C")
    sebelum = keadaan(lembar)
    with pytest.raises(rencana.RencanaBasi):
        terapkan(r, user=ketua)
    assert keadaan(lembar) == sebelum


def test_cancel_deletes_the_temporary_file(client, dunia):
    client.force_login(dunia.user["ketua"])
    unggah(client, dunia.tim, byte(buku(dunia.lembar, {YA_TIDAK: ("Ya", "")})))
    assert len(sementara()) == 1
    halaman = client.get(url("impor-lke", dunia.tim))
    assert "data-impor-menunggu" in halaman.content.decode()
    r = client.post(url("impor-lke-batal", dunia.tim))
    assert r.status_code == 302
    assert sementara() == []
    assert client.get(url("impor-lke-pratinjau", dunia.tim)).status_code == 302


def test_a_swept_temporary_file_asks_for_a_new_upload(client, dunia):
    client.force_login(dunia.user["ketua"])
    unggah(client, dunia.tim, byte(buku(dunia.lembar, {YA_TIDAK: ("Ya", "")})))
    sidik, _h = sidik_pratinjau(client, dunia.tim)
    for nama in sementara():
        os.unlink(os.path.join(settings.EVIDEN_TEMP_DIR, nama))
    r = client.post(url("impor-lke-terapkan", dunia.tim), {"sidik": sidik}, follow=True)
    assert r.redirect_chain[-1][0] == url("impor-lke", dunia.tim)
    assert "sudah tidak tersedia" in r.content.decode()
    assert Jawaban.objects.filter(lembar=dunia.lembar).count() == 0


# --- Permissions ------------------------------------------------------------------------------

PERMINTAAN = [
    ("impor-lke", "get"),
    ("impor-lke", "post"),
    ("impor-lke-pratinjau", "get"),
    ("impor-lke-terapkan", "post"),
    ("impor-lke-batal", "post"),
]


@pytest.mark.parametrize(
    ("persona", "harap"),
    [
        ("ketua", None),
        ("sekretaris", None),
        ("kasubbag", 403),
        ("kepala", 403),
        ("koordinator1", 403),
        ("anggota1", 403),
        ("luar", 404),
    ],
)
def test_only_the_chair_and_the_secretary_import(client, dunia, persona, harap):
    client.force_login(dunia.user[persona])
    data = byte(buku(dunia.lembar, {YA_TIDAK: ("Ya", "")}))
    for nama, cara in PERMINTAAN:
        if cara == "get":
            r = client.get(url(nama, dunia.tim))
        elif nama == "impor-lke":
            r = unggah(client, dunia.tim, data)
        else:
            r = client.post(url(nama, dunia.tim), {"sidik": "0" * 64})
        if harap is None:  # allowed: the page, a redirect, or a stale-plan answer
            assert r.status_code not in (403, 404), (nama, cara, r.status_code)
        else:
            assert r.status_code == harap, (nama, cara, r.status_code)
    if harap is not None:
        assert Jawaban.objects.filter(lembar=dunia.lembar).count() == 0
        assert sementara() == []


def test_anonymous_visitors_are_sent_to_login(client, dunia):
    for nama, cara in PERMINTAAN:
        r = getattr(client, cara)(url(nama, dunia.tim))
        assert r.status_code == 302 and r.url.startswith(reverse("masuk") + "?next="), nama


# --- Round trip -------------------------------------------------------------------------------


def _ekspor(tim):
    from penilaian.ekspor.sumber import Permintaan, Sumber
    from penilaian.ekspor.xlsx import render

    keluar = io.BytesIO()
    render(Permintaan(Sumber(tim), timezone.now()), keluar, lambda _i, _n: None)
    return keluar.getvalue()


@pytest.mark.parametrize("timpa", [False, True])
def test_round_trip_export_then_import_changes_nothing(dunia, timpa):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    tulis_jawaban(lembar, ketua, jawaban_lembar(lembar), penjelasan="Lihat eviden\r\nterlampir. ")
    simpan(
        lembar,
        ketua,
        PERSEN,
        catatan="Catatan soal persen",
        masukan=masukan_persen(lembar, perubahan=7, terintegrasi=5),
    )
    simpan(lembar, ketua, INDEKS, angka=Decimal("3.61"), catatan="IPAK = 3,61")
    sebelum = keadaan(lembar)
    data = _ekspor(dunia.tim)

    r, impor = impor_lke(io.BytesIO(data), lembar=lembar, user=ketua, timpa=timpa)
    assert r.masalah == []
    assert r.rincian == [] and impor.berubah == 0
    assert {x.aksi for x in r.daftar} <= {rencana.SAMA, rencana.KOSONG}
    assert r.hitung(rencana.SAMA) > 100
    impor.refresh_from_db()
    assert impor.total_sebelum == impor.total_sesudah == empat(skor_lembar(lembar).total)
    assert keadaan(lembar)[:2] == sebelum[:2]


def test_round_trip_after_editing_the_exported_workbook(dunia):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    simpan(lembar, ketua, ABC, pilihan="C", catatan="awal")
    wb = load_workbook(io.BytesIO(_ekspor(dunia.tim)))
    ws = wb[tl.LEMBAR_LKE]
    ws[f"{K}{baris_soal(ws, ABC)}"] = "A"
    ws[f"{K}{baris_soal(ws, YA_TIDAK)}"] = "Ya"
    ws[f"{K}{baris_soal(ws, PERUBAHAN)}"] = 2
    ws[f"{K}{baris_soal(ws, TERINTEGRASI)}"] = 2
    ws[f"{L}{baris_soal(ws, PERSEN)}"] = "semua perubahan masuk SOP"
    r, impor = impor_lke(io.BytesIO(byte(wb)), lembar=lembar, user=ketua, timpa=True)
    assert r.masalah == []
    assert {d["soal"] for d in impor.rincian} == {ABC, YA_TIDAK, PERUBAHAN, TERINTEGRASI, PERSEN}
    assert jawaban(lembar, ABC).pilihan == "A"
    assert jawaban(lembar, PERSEN).penjelasan == "semua perubahan masuk SOP"
    assert skor_lembar(lembar).soal[soal(lembar, PERSEN).pk].nilai == 1
    impor.refresh_from_db()
    assert impor.total_sesudah == empat(skor_lembar(lembar).total)


def test_round_trip_through_a_spreadsheet_program_changes_nothing(dunia, tmp_path):
    """The team opens the export in a spreadsheet program and saves it unchanged: the saved
    file is accepted (no false external link, same layout) and changes nothing."""
    from .kalkulasi import Kalkulator, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) tidak terpasang")
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    tulis_jawaban(lembar, ketua, jawaban_lembar(lembar), penjelasan="Lihat eviden terlampir.")
    simpan(
        lembar,
        ketua,
        PERSEN,
        catatan="Catatan soal persen",
        masukan=masukan_persen(lembar, perubahan=7, terintegrasi=5),
    )
    simpan(lembar, ketua, INDEKS, angka=Decimal("3.61"), catatan="IPAK = 3,61")
    asal = tmp_path / "lke.xlsx"
    asal.write_bytes(_ekspor(dunia.tim))
    [disimpan] = Kalkulator(tmp_path / "lo").hitung_ulang(asal)
    sebelum = keadaan(lembar)

    r, _impor = impor_lke(str(disimpan), lembar=lembar, user=ketua, timpa=True)
    assert r.masalah == []
    assert r.rincian == []
    assert keadaan(lembar)[:2] == sebelum[:2]


# --- In a browser -----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_import_journey_on_a_phone(page, live_server, tmp_path):
    """The demo chair on a 360 px screen: upload an edited export with the overwrite box,
    read the preview, confirm, land on the dashboard with the message; no CSP violation."""
    from io import StringIO

    from django.core.management import call_command
    from playwright.sync_api import expect

    from pokja.models import TimZI

    from .test_e2e import _foto
    from .test_e2e_dasbor import _masuk_demo

    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    lembar = tim.lembar_kerja
    terbuka = set(
        Butir.objects.filter(lembar=lembar)
        .exclude(status__in=[StatusButir.DRAF, StatusButir.PERLU_PERBAIKAN])
        .values_list("soal_id", flat=True)
    )
    target = next(
        s
        for s in Soal.objects.filter(instrumen=lembar.instrumen, jenis="abc").order_by("kode")
        if s.pk not in terbuka
        and (jawaban(lembar, s.kode) is None or jawaban(lembar, s.kode).pilihan != "A")
    )
    wb = load_workbook(io.BytesIO(_ekspor(tim)))
    ws = wb[tl.LEMBAR_LKE]
    ws[f"{K}{baris_soal(ws, target.kode)}"] = "A"
    berkas = tmp_path / "LKE Semarang.xlsx"
    wb.save(berkas)

    pelanggaran = []
    page.on(
        "console",
        lambda m: pelanggaran.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.set_viewport_size({"width": 360, "height": 740})
    _masuk_demo(page, live_server, "ketua")
    page.goto(live_server.url + url("impor-lke", tim))
    expect(page.get_by_role("heading", level=1)).to_have_text("Impor jawaban dari LKE Excel")
    page.get_by_label("Berkas LKE (.xlsx)").set_input_files(str(berkas))
    page.get_by_label("Timpa jawaban yang sudah ada").check()
    _foto(page, "impor-lke-1-unggah-hp")
    page.get_by_role("button", name="Unggah dan lihat pratinjau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pratinjau impor LKE")
    expect(page.locator(f'[data-soal="{target.kode}"]')).to_have_attribute("data-aksi", "ditimpa")
    _foto(page, "impor-lke-2-pratinjau-hp")
    page.locator("[data-konfirmasi-impor] button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor kesiapan")
    expect(page.get_by_text("Impor LKE selesai: 1 jawaban berubah")).to_be_visible()
    _foto(page, "impor-lke-3-selesai-hp")
    assert jawaban(lembar, target.kode).pilihan == "A"
    assert pelanggaran == []
