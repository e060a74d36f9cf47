"""The evidence bundle (penilaian.ekspor.zip): folders by LKE numbering, safe names, the
exact stored bytes, the HTML and XLSX index, live (approved / latest) and frozen evidence, on
local storage and on a real S3 server, and a tampered or missing file refused by name.

The team's evidence is made through the real services (eviden.berkas.terima and
eviden.services): two soal in different Pokja areas, a document with two versions, two
documents with the same title, a link, a title with slashes, "..", markup and non-Latin
letters, one soal approved and one not.
"""

import hashlib
import io
import re
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from eviden import services as ev
from eviden.berkas import terima
from eviden.models import Eviden, Node, Soal, VersiDokumen
from penilaian import services
from penilaian.ekspor import zip as bundel_zip
from penilaian.ekspor.sumber import DISETUJUI, TERBARU, Permintaan, Sumber
from penilaian.models import PENGINGAT_BAWAAN, JenisTahapan, Tahapan

from . import contoh_berkas as cb

pytestmark = pytest.mark.django_db

F1 = (
    "A Pengungkit/A.I Pemenuhan/A.I.1 Manajemen Perubahan/A.I.1.i Penyusunan Tim Kerja/"
    "A.I.1.i.1 Unit kerja telah membentuk tim untuk melakukan"
)
F2 = (
    "A Pengungkit/A.I Pemenuhan/A.I.2 Penataan Tatalaksana/"
    "A.I.2.i Prosedur Operasional Tetap (SOP)/A.I.2.i.1 SOP mengacu pada peta proses"
)
JUDUL_ANEH = "=1+1 Laporan ../../etc/passwd \\ Évaluasi “Survei” 2026: ✓ 漢字 <b>&amp;</b>"
NAMA_ANEH = "1+1 Laporan .-.-etc-passwd - Evaluasi 'Survei' 2026"  # cut to fit 200 characters
TAUTAN = "https://contoh.go.id/maklumat?a=1&b=2"
SEGMEN_AMAN = re.compile(r"[A-Za-z0-9 ._,()&+'-]+")
WAKTU = datetime(2026, 11, 24, 7, 5, tzinfo=UTC)  # 14.05 WIB


def unggah(lembar, soal, user, isi, nama, judul="", dokumen=None):
    return ev.unggah_berkas(
        lembar=lembar,
        soal=soal,
        user=user,
        berkas=terima(io.BytesIO(isi), nama),
        dokumen=dokumen,
        judul=judul,
    )


def soal(dunia, kode):
    return Soal.objects.get(instrumen=dunia.lembar.instrumen, kode=kode)


def setujui(dunia, s, user, koordinator):
    ev.simpan_jawaban(lembar=dunia.lembar, soal=s, user=user, versi=0, pilihan=s.opsi[0]["kode"])
    ev.ajukan_reviu(lembar=dunia.lembar, soal=s, user=user)
    ev.reviu(lembar=dunia.lembar, soal=s, user=koordinator, setujui=True)


@pytest.fixture(params=["lokal", "s3"])
def penyimpanan(request, penyimpanan_lokal):
    """The storage the evidence goes to: the test's local folder, or the real S3 server."""
    if request.param == "s3":
        s3 = request.getfixturevalue("s3_storage")
        yield s3
        for kunci in VersiDokumen.objects.exclude(kunci="").values_list("kunci", flat=True):
            s3.delete(kunci)
    else:
        yield penyimpanan_lokal


@pytest.fixture
def tim(dunia, penyimpanan):
    """Pokja I: A.I.1.i.1 approved with "SK Tim Kerja ZI" (v1, v2), two "Notulen Rapat" and a
    link; Pokja II: A.I.2.i.1 in draft with the odd title and the SK attached again."""
    lembar = dunia.lembar
    a1, a2 = dunia.user["anggota1"], dunia.user["anggota2"]
    s1, s2 = soal(dunia, "A.I.1.i.1"), soal(dunia, "A.I.2.i.1")
    assert (s1.area_pokja, s2.area_pokja) == (1, 2)
    sk1 = unggah(lembar, s1, a1, cb.pdf("SK Tim ZI"), "sk-tim-zi.pdf", "SK Tim Kerja ZI")
    sk2 = unggah(lembar, s1, a1, cb.pdf("SK Tim ZI teken"), "sk-teken.pdf", dokumen=sk1.dokumen)
    notulen_a = unggah(lembar, s1, a1, cb.ooxml("docx"), "notulen.docx", "Notulen Rapat")
    notulen_b = unggah(lembar, s1, a1, cb.png(), "notulen rapat.png", "Notulen Rapat")
    tautan = ev.tambah_tautan(lembar=lembar, soal=s1, user=a1, tautan=TAUTAN, judul="Maklumat")
    setujui(dunia, s1, a1, dunia.user["koordinator1"])
    aneh = unggah(lembar, s2, a2, cb.JPG, "foto.jpg", JUDUL_ANEH)
    ev.lampirkan_dokumen(lembar=lembar, soal=s2, user=a2, dokumen=sk1.dokumen)
    return {
        "s1": s1,
        "s2": s2,
        "sk1": sk1,
        "sk2": sk2,
        "notulen_a": notulen_a,
        "notulen_b": notulen_b,
        "tautan": tautan,
        "aneh": aneh,
    }


def buat(tim_zi, pilih=TERBARU, pengajuan=None, maju=None):
    """Render the bundle into memory; returns (bytes, progress calls)."""
    keluar, langkah = io.BytesIO(), []
    permintaan = Permintaan(
        sumber=Sumber(tim_zi, pengajuan), waktu=WAKTU, pilih_berkas=pilih, pengguna=None
    )
    bundel_zip.render(permintaan, keluar, maju or (lambda s, t: langkah.append((s, t))))
    return keluar.getvalue(), langkah


class _Tautan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.href = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.href.append(dict(attrs)["href"])


def periksa(data, harapan, tautan):
    """The bundle holds exactly ``harapan`` ({path: VersiDokumen}) plus the two index files,
    byte-exact, under safe names; both indexes link every file (and the links) and nothing
    else. Returns (zip, index html)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    nama = z.namelist()
    assert sorted(nama) == sorted(["indeks.html", "indeks.xlsx", *harapan])
    assert len({n.casefold() for n in nama}) == len(nama)
    for n in nama:
        assert ".." not in n and not n.startswith("/") and len(n) <= bundel_zip.BATAS_JALUR, n
        for bagian in n.split("/"):
            assert SEGMEN_AMAN.fullmatch(bagian), n
            assert bagian == bagian.strip(" .") and bagian, n
    for jalur, v in harapan.items():
        isi = z.read(jalur)
        assert hashlib.sha256(isi).hexdigest() == v.sha256 and len(isi) == v.ukuran, jalur
        assert z.getinfo(jalur).compress_type == zipfile.ZIP_STORED
    # HTML: every relative link is a member; together they are exactly the files.
    teks = z.read("indeks.html").decode("utf-8")
    p = _Tautan()
    p.feed(teks)
    relatif = [unquote(h) for h in p.href if not urlsplit(h).scheme]
    assert sorted(relatif) == sorted(harapan)
    assert set(relatif) <= set(nama)
    assert sorted(h for h in p.href if urlsplit(h).scheme) == sorted(tautan)
    # XLSX: the same, through the cells' hyperlinks.
    wb = openpyxl.load_workbook(io.BytesIO(z.read("indeks.xlsx")))
    ws = wb.active
    link = [c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink]
    relatif = [unquote(t) for t in link if not urlsplit(t).scheme]
    assert sorted(relatif) == sorted(harapan)
    assert set(relatif) <= set(nama)
    assert sorted(t for t in link if urlsplit(t).scheme) == sorted(tautan)
    baris = [[c.value for c in row] for row in ws.iter_rows() if isinstance(row[0].value, int)]
    assert len(baris) == len(harapan) + len(tautan)
    for r in baris:
        if r[5] in harapan:
            v = harapan[r[5]]
            assert (r[4], r[6], r[7]) == (v.nomor, v.ukuran, v.sha256)
    return z, teks, ws


def test_latest_evidence_in_lke_folders_with_index(dunia, tim):
    data, langkah = buat(dunia.tim, TERBARU)
    harapan = {
        f"{F1}/01 Notulen Rapat (v1).docx": tim["notulen_a"],
        f"{F1}/02 Notulen Rapat (v1).png": tim["notulen_b"],
        f"{F1}/03 SK Tim Kerja ZI (v2).pdf": tim["sk2"],
        f"{F2}/01 {NAMA_ANEH} (v1).jpg": tim["aneh"],
        f"{F2}/02 SK Tim Kerja ZI (v2).pdf": tim["sk2"],
    }
    z, teks, ws = periksa(data, harapan, [TAUTAN])
    # The header: satker, year, where the evidence comes from, when (Asia/Jakarta).
    assert "Kankemenag Kota Uji" in teks and "2026" in teks
    assert "Data terkini: versi terakhir semua eviden aktif" in teks
    assert "24 Nov 2026 14.05 WIB" in teks
    # Everything from users is escaped; the odd title is shown as typed.
    assert "<b>&amp;</b>" not in teks
    assert "=1+1 Laporan ../../etc/passwd \\ Évaluasi “Survei” 2026: ✓ 漢字 &lt;b&gt;" in teks
    assert "Unit kerja telah membentuk tim untuk melakukan pembangunan Zona Integritas" in teks
    # In the workbook the title starting with "=" stays text, never a formula.
    sel = next(c for row in ws.iter_rows() for c in row if c.value == JUDUL_ANEH)
    assert sel.data_type == "s"
    keterangan = {r[0].value: r[2].value for r in ws.iter_rows(max_row=7) if len(r) > 2}
    assert keterangan["Sumber"] == "Data terkini: versi terakhir semua eviden aktif"
    assert keterangan["Satker"] == "Kankemenag Kota Uji"
    assert keterangan["Dibuat pada"] == "24 Nov 2026 14.05 WIB"
    # Member dates are the upload times in WIB.
    v = tim["sk2"]
    lokal = timezone.localtime(v.diunggah_pada, bundel_zip.WIB)
    assert z.getinfo(f"{F1}/03 SK Tim Kerja ZI (v2).pdf").date_time[:5] == (
        lokal.year,
        lokal.month,
        lokal.day,
        lokal.hour,
        lokal.minute,
    )
    # Progress: the sum of the stored sizes, up front, rising to the end.
    total = sum(v.ukuran for v in harapan.values())
    assert langkah[0] == (0, total) and langkah[-1] == (total, total)
    assert all(t == total for _s, t in langkah)
    assert [s for s, _t in langkah] == sorted(s for s, _t in langkah)


def test_approved_only_holds_the_approved_soal(dunia, tim):
    data, _langkah = buat(dunia.tim, DISETUJUI)
    harapan = {
        f"{F1}/01 Notulen Rapat (v1).docx": tim["notulen_a"],
        f"{F1}/02 Notulen Rapat (v1).png": tim["notulen_b"],
        f"{F1}/03 SK Tim Kerja ZI (v2).pdf": tim["sk2"],
    }
    _z, teks, _ws = periksa(data, harapan, [TAUTAN])
    assert "versi terakhir eviden pada soal yang sudah disetujui" in teks
    assert "A.I.2.i.1" not in teks


def test_a_submission_keeps_its_frozen_versions_while_work_goes_on(dunia, tim):
    t = Tahapan.objects.get(tim=dunia.tim, jenis=JenisTahapan.MANDIRI)
    sekarang = timezone.now()
    services.ubah_tahapan(
        tahapan=t,
        user=dunia.user["ketua"],
        mulai=sekarang - timedelta(days=30),
        selesai=sekarang + timedelta(days=30),
        tenggat_eviden=sekarang + timedelta(days=7),
        pengingat_hari=PENGINGAT_BAWAAN,
    )
    p = services.ajukan(tahapan=t, user=dunia.user["ketua"])
    lembar, a1, a2 = dunia.lembar, dunia.user["anggota1"], dunia.user["anggota2"]
    # Work goes on: the SK gets a third version, the odd document a second, the SK is taken
    # off A.I.2.i.1 and a new document arrives there.
    ev.buka_kembali(lembar=lembar, soal=tim["s1"], user=dunia.user["koordinator1"])
    sk3 = unggah(lembar, tim["s1"], a1, cb.pdf("SK v3"), "sk3.pdf", dokumen=tim["sk1"].dokumen)
    aneh2 = unggah(
        lembar, tim["s2"], a2, cb.pdf("foto jadi pdf"), "f.pdf", dokumen=tim["aneh"].dokumen
    )
    ev.arsipkan_eviden(
        eviden=Eviden.objects.get(soal=tim["s2"], dokumen=tim["sk1"].dokumen), user=a2
    )
    baru = unggah(lembar, tim["s2"], a2, cb.ooxml("xlsx"), "rekap.xlsx", "Rekap SOP")

    beku = {
        f"{F1}/01 Notulen Rapat (v1).docx": tim["notulen_a"],
        f"{F1}/02 Notulen Rapat (v1).png": tim["notulen_b"],
        f"{F1}/03 SK Tim Kerja ZI (v2).pdf": tim["sk2"],
        f"{F2}/01 {NAMA_ANEH} (v1).jpg": tim["aneh"],
        f"{F2}/02 SK Tim Kerja ZI (v2).pdf": tim["sk2"],
    }
    for pilih in (TERBARU, DISETUJUI):  # a submission holds what it froze, whatever asked
        data, _langkah = buat(dunia.tim, pilih, pengajuan=p)
        _z, teks, _ws = periksa(data, beku, [TAUTAN])
        assert "Pengajuan #1 tahapan Penilaian mandiri (PMPZI)" in teks
    # The live bundle has moved on.
    data, _langkah = buat(dunia.tim, TERBARU)
    periksa(
        data,
        {
            f"{F1}/01 Notulen Rapat (v1).docx": tim["notulen_a"],
            f"{F1}/02 Notulen Rapat (v1).png": tim["notulen_b"],
            f"{F1}/03 SK Tim Kerja ZI (v3).pdf": sk3,
            f"{F2}/01 {NAMA_ANEH} (v2).pdf": aneh2,
            f"{F2}/02 Rekap SOP (v1).xlsx": baru,
        },
        [TAUTAN],
    )


def test_a_tampered_or_missing_file_fails_the_bundle_naming_the_document(dunia, tim):
    v = tim["sk2"]
    with default_storage.open(v.kunci, "rb") as f:
        isi = bytearray(f.read())
    isi[-10] ^= 0xFF  # same size, different bytes
    default_storage.delete(v.kunci)
    assert default_storage.save(v.kunci, ContentFile(bytes(isi))) == v.kunci
    with pytest.raises(bundel_zip.EvidenRusak) as e:
        buat(dunia.tim, TERBARU)
    pesan = str(e.value)
    assert "«SK Tim Kerja ZI» versi 2 pada soal A.I.1.i.1" in pesan
    assert "tidak sama dengan yang diunggah" in pesan
    default_storage.delete(v.kunci)
    with pytest.raises(bundel_zip.EvidenRusak, match="SK Tim Kerja ZI.*tidak ada di penyimpanan"):
        buat(dunia.tim, TERBARU)
    # The reader thread stopped with the bundle.
    assert not [t for t in threading.enumerate() if t.name == "zip-pembaca"]


def test_an_empty_worksheet_gives_just_the_index(dunia):
    data, langkah = buat(dunia.tim, TERBARU)
    _z, teks, _ws = periksa(data, {}, [])
    assert "Tidak ada eviden." in teks
    assert langkah[-1] == (0, 0)


# --- Names ----------------------------------------------------------------------------------


def test_every_soal_folder_of_the_instrument_is_short_safe_and_stable(instrumen):
    nodes = list(Node.objects.filter(instrumen=instrumen))
    semua = list(Soal.objects.filter(instrumen=instrumen))
    tata = bundel_zip.TataNama(nodes, semua)
    assert len(tata.folder) == len(semua)
    batas = bundel_zip.BATAS_JALUR - bundel_zip.RUANG_BERKAS - 1
    nama_node = {}
    for s in semua:
        folder = tata.folder[s.pk]
        assert len(folder) <= batas, folder
        bagian = folder.split("/")
        assert all(SEGMEN_AMAN.fullmatch(b) and b == b.strip(" .") for b in bagian), folder
        assert ".." not in folder
        assert bagian[-1].startswith(f"{s.kode} ")
        # A node has one name wherever it appears.
        for b in bagian[:-1]:
            kode = b.split(" ")[0]
            assert nama_node.setdefault(kode, b) == b
    # Folder names are unique among siblings (one name per code, whatever the case).
    anak = {}
    for s in semua:
        bagian = tata.folder[s.pk].split("/")
        for i in range(len(bagian)):
            anak.setdefault("/".join(bagian[:i]), {})[bagian[i].casefold()] = bagian[i]
    for saudara in anak.values():
        assert len({b.split(" ")[0] for b in saudara.values()}) == len(saudara)
    assert len(set(tata.folder.values())) == len(semua)
    # The deepest chain keeps every code whole.
    assert tata.folder[next(s.pk for s in semua if s.kode == "A.II.5.iii.a.1")].split("/")[3:] == [
        "A.II.5.iii Penyampaian",
        "A.II.5.iii.a Penyampaian",
        "A.II.5.iii.a.1 Jumlah Kepala",
    ]
    # The same instrument gives the same names (every bundle looks the same).
    assert bundel_zip.TataNama(list(reversed(nodes)), semua).folder == tata.folder


def test_file_names_come_from_title_and_content_type_never_the_upload():
    f = "A/" + "x" * 130
    nama = bundel_zip.nama_berkas(f, 1, 2, "Laporan.pdf", 3, "image/jpeg")
    assert nama == "01 Laporan (v3).jpg"
    panjang = bundel_zip.nama_berkas(f, 7, 2, "Kata " * 40, 1, "application/pdf")
    assert len(f) + 1 + len(panjang) <= bundel_zip.BATAS_JALUR
    assert panjang.startswith("07 Kata Kata") and panjang.endswith(" (v1).pdf")
    assert bundel_zip.nama_berkas(f, 1, 3, "漢字", 1, "text/x-unknown") == "001 Dokumen (v1).bin"
    assert bundel_zip.nama_berkas(f, 1, 2, "...", 1, "application/pdf") == "01 Dokumen (v1).pdf"
    assert bundel_zip.bersihkan(' ..\\..//CON:  a<b>?*|"c\t\nd.. ') == "CON- a_b_-'c d"
    terpakai = set()
    assert bundel_zip.unik("01 A (v1).pdf", terpakai) == "01 A (v1).pdf"
    assert bundel_zip.unik("01 a (V1).PDF", terpakai) == "01 a (V1) (2).PDF"
    assert bundel_zip.unik("01 A (v1).pdf", terpakai) == "01 A (v1) (3).pdf"
