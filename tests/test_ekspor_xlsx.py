"""The LKE Excel export (penilaian/ekspor/xlsx.py): live formulas that LibreOffice recomputes
to exactly the portal's numbers, the official layout, the PortalRB sheet, frozen submissions
and the ``ekspor_lke`` command.

Every workbook goes through LibreOffice Calc (tests/kalkulasi.py) once: openpyxl writes no
cached values, so every number read back was computed by Calc from the formulas.
"""

import os
import zipfile
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from eviden.models import (
    Dokumen,
    Eviden,
    Jawaban,
    LembarKerja,
    Soal,
    VersiDokumen,
)
from penilaian import services, skor
from penilaian.ekspor import tata_letak as tl
from penilaian.ekspor import xlsx
from penilaian.ekspor.sumber import Permintaan, Sumber
from penilaian.models import PENGINGAT_BAWAAN, JawabanBeku, JenisTahapan, Tahapan
from penilaian.selectors import instrumen_lke, skor_lembar

from . import kalkulasi
from .lembar_penuh import isi_penuh, tulis_jawaban

pytestmark = pytest.mark.django_db

PORTAL = "https://zi.contoh.go.id"
DEMO = ["--satker", "KANKEMENAG-KOTA-SEMARANG", "--tahun", "2026"]
EMPAT_DESIMAL = 5e-5


@pytest.fixture(scope="session")
def kalkulator(tmp_path_factory):
    if kalkulasi.soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("CI tanpa LibreOffice: pasang libreoffice-calc-nogui (.ci/layanan deps)")
        pytest.skip("butuh LibreOffice (soffice)")
    return kalkulasi.Kalkulator(tmp_path_factory.mktemp("libreoffice"))


def ekspor(tim, berkas, pengajuan=None, maju=None):
    """Write the workbook of ``tim`` (live or ``pengajuan``) to ``berkas``."""
    sumber = Sumber(tim, pengajuan)
    permintaan = Permintaan(sumber, timezone.now(), portal_url=PORTAL)
    with open(berkas, "wb") as keluar:
        xlsx.render(permintaan, keluar, maju or (lambda _i, _n: None))
    return Path(berkas)


def nilai_nama(wb, nama):
    """The value of the cell a workbook-level defined name points at."""
    [(judul, sel)] = list(wb.defined_names[nama].destinations)
    return wb[judul][sel.replace("$", "")].value


def periksa_nilai(wb, hasil, tata):
    """Every number Calc computed equals the engine's (``skor.HasilSkor``) to 4 decimals."""
    ws = wb[tl.LEMBAR_LKE]
    harapan = {tl.TOTAL: hasil.total, tl.PENGUNGKIT: hasil.pengungkit, tl.HASIL: hasil.hasil}
    harapan |= {tl.nama_area(n): a.nilai for n, a in hasil.area.items()}
    assert set(harapan) == set(tata.rekap)
    for nama, v in harapan.items():
        assert nilai_nama(wb, nama) == pytest.approx(float(v), abs=EMPAT_DESIMAL), nama
        baris = tata.rekap[nama]
        assert ws[f"{tl.KOLOM_NILAI}{baris}"].value == pytest.approx(float(v), abs=EMPAT_DESIMAL)
    for n in hasil.soal.values():
        baris = tata.baris[n.soal.kode]
        v = float(n.nilai or 0)
        assert ws[f"{tl.KOLOM_NILAI}{baris}"].value == pytest.approx(v, abs=EMPAT_DESIMAL), (
            n.soal.kode
        )
        assert ws[f"{tl.KOLOM_PERSEN}{baris}"].value == pytest.approx(v, abs=EMPAT_DESIMAL)
    for kode, n in hasil.node.items():
        baris = tata.baris[kode]
        assert ws[f"{tl.KOLOM_NILAI}{baris}"].value == pytest.approx(
            float(n.nilai), abs=EMPAT_DESIMAL
        ), kode
        assert ws[f"{tl.KOLOM_PERSEN}{baris}"].value == pytest.approx(
            float(n.persen) / 100, abs=EMPAT_DESIMAL
        ), kode
    # Jumlah rows carry a number in K and no value of their own.
    for s in hasil.instrumen.soal:
        if not s.dinilai:
            assert ws[f"{tl.KOLOM_NILAI}{tata.baris[s.kode]}"].value is None


def jawaban_campur(lembar):
    """Partial, varied answers on a full worksheet: every option of the scale somewhere,
    unanswered soal, an unknown code, an index inside and above the scale, % ratios inside
    (0, 1), above 1 (kept at 1), through ``bagi``'s zero case, both branches of ``jika``, and
    a % soal left unanswered by one unused blank input."""
    lke = instrumen_lke(lembar.instrumen)
    kode = {s.kode: s for s in lke.soal}
    isi, kosong = {}, set()
    pilihan = [s for s in lke.soal if s.opsi]
    for i, s in enumerate(pilihan):
        if i % 9 == 4:
            kosong.add(s.id)
        else:
            isi[s.id] = skor.Isian(pilihan=s.opsi[i % len(s.opsi)].kode)
    isi[pilihan[1].id] = skor.Isian(pilihan="X")  # not an option: unanswered, 0
    isi[kode["B.I.1"].id] = skor.Isian(angka=Decimal("3.2"))
    isi[kode["B.II.1"].id] = skor.Isian(angka=Decimal("4.5"))  # above the scale: kept at 1
    angka = {
        "A.II.1.i.1": 4,  # agen
        "A.II.1.i.2": 3,  # perubahan: 0.75
        "A.II.1.i.4": 3,
        "A.II.1.i.5": 5,  # terintegrasi > perubahan: 5/3 kept at 1
        "A.II.3.iii.1": 4,  # tahun_lalu
        "A.II.3.iii.2": 1,  # tahun_ini: (4 - 1) / 4
        "A.II.3.iii.3": 0,
        "A.II.4.i.1": 0,  # sasaran 0: bagi gives 0
        "A.II.4.i.2": 0,
        "A.II.5.ii.1": 3,  # harus; diproses (unused by the formula) blank: unanswered
        "A.II.5.ii.3": 2,
        "A.II.5.iii.a.1": 1,
        "A.II.5.iii.a.2": 2,
        "A.II.5.iii.a.3": 3,
        "A.II.5.iii.a.4": 5,  # 5 / 6
        "A.II.6.i.2": 3,
        "A.II.6.i.3": 2,  # 2 / 3
    }
    for k, n in angka.items():
        isi[kode[k].id] = skor.Isian(angka=Decimal(n))
    kosong |= {
        kode[k].id for k in ("A.II.5.ii.2",) + tuple(f"A.II.5.iii.b.{i}" for i in (1, 2, 3, 4))
    }
    return isi, kosong


def tulis_campur(lembar, user):
    isi, kosong = jawaban_campur(lembar)
    Jawaban.objects.filter(lembar=lembar, soal_id__in=kosong).delete()
    tulis_jawaban(lembar, user, isi)
    return isi, kosong


# --- Layout -----------------------------------------------------------------------------------


def test_layout_constants_and_official_rows(instrumen):
    assert (tl.LEMBAR_LKE, tl.LEMBAR_PORTALRB, tl.BARIS_JUDUL) == ("Jawaban", "jawaban_unit", 1)
    kolom = (
        tl.KOLOM_KODE,
        tl.KOLOM_TEKS,
        tl.KOLOM_PILIHAN,
        tl.KOLOM_KRITERIA,
        tl.KOLOM_BOBOT,
        tl.KOLOM_NILAI,
        tl.KOLOM_PERSEN,
        tl.KOLOM_STATUS,
        tl.KOLOM_CATATAN_REVIU,
        tl.KOLOM_SOAL_ID,
        tl.KOLOM_JAWABAN_UNIT,
        tl.KOLOM_CATATAN_UNIT,
        tl.KOLOM_BUKTI_DUKUNG_UNIT,
        tl.KOLOM_JAWABAN_TPI,
        tl.KOLOM_CATATAN_TPI,
    )
    assert "".join(kolom) == "ABCDEFGHIJKLMNQ"
    tata = tl.tata_instrumen(instrumen)
    b = tata.baris
    assert (b["A"], b["A.I"], b["A.I.1"], b["A.I.1.i"], b["A.I.1.i.1"]) == (2, 3, 4, 5, 6)
    # A % soal sits right above its first Jumlah input; its sub-area right above it.
    assert (b["A.II.1.i"], b["A.II.1.i.3"], b["A.II.1.i.1"], b["A.II.1.i.6"]) == (
        124,
        125,
        126,
        128,
    )
    assert (b["A.II.6.i.4"], b["A.II.6.ii"], b["B"], b["B.II"]) == (190, 193, 197, 201)
    assert tata.baris_akhir == b["B.II.1"] == 202
    # Every bank soal on its official row (the master soal of PortalRB).
    for kode, baris, bank in Soal.objects.filter(
        instrumen=instrumen, nomor_bank__isnull=False
    ).values_list("kode", "excel_baris", "nomor_bank"):
        assert b[kode] == baris, (kode, bank)
    assert len(set(b.values())) == len(b)
    assert tata.baris_judul_rekap == 204
    assert list(tata.rekap) == ["PENGUNGKIT", "HASIL", "TOTAL"] + [f"AREA_{n}" for n in range(1, 7)]
    assert list(tata.rekap.values()) == list(range(205, 214))
    assert tata.nama_tertentu()["TOTAL"] == "'Jawaban'!$F$207"


def test_placement_refuses_collisions_and_soal_without_a_row():
    nodes = [("A", None), ("A.1", "A"), ("A.2", "A")]
    baik = tl.susun(nodes, [("A.1.1", "A.1", 4, ()), ("A.2.1", "A.2", 6, ())], area=[1])
    assert dict(baik.baris) == {"A": 2, "A.1": 3, "A.1.1": 4, "A.2": 5, "A.2.1": 6}
    assert dict(baik.rekap) == {"PENGUNGKIT": 9, "HASIL": 10, "TOTAL": 11, "AREA_1": 12}
    assert baik.kode_di[5] == "A.2"
    with pytest.raises(tl.TataLetakError, match="A.1.1 dan A.2 sama-sama di baris 4"):
        tl.susun(nodes, [("A.1.1", "A.1", 4, ()), ("A.2.1", "A.2", 5, ())])
    with pytest.raises(tl.TataLetakError, match="tidak punya baris"):
        tl.susun(nodes, [("A.1.1", "A.1", None, ()), ("A.2.1", "A.2", 6, ())])
    with pytest.raises(tl.TataLetakError, match="di atas baris pertama"):
        tl.susun(nodes, [("A.1.1", "A.1", 3, ()), ("A.2.1", "A.2", 6, ())])
    # A % soal goes right above its first input, here onto A.2.1's row.
    with pytest.raises(tl.TataLetakError, match="sama-sama di baris 7"):
        tl.susun(
            nodes,
            [
                ("A.1.1", "A.1", 4, ()),
                ("A.2.1", "A.2", 7, ()),
                ("A.2.2", "A.2", 8, ()),
                ("A.2.3", "A.2", 20, ("A.2.2",)),
            ],
        )


# --- Recalculated values ----------------------------------------------------------------------


def test_demo_workbook_recalculates_to_the_portals_scores(kalkulator, tmp_path):
    call_command("demo", stdout=StringIO())
    lembar = LembarKerja.objects.select_related("tim", "instrumen").get(
        tim__satker__kode="KANKEMENAG-KOTA-SEMARANG", tim__tahun=2026
    )
    berkas = ekspor(lembar.tim, tmp_path / "demo.xlsx")
    # openpyxl stores formulas only: nothing to read before Calc computes them.
    assert nilai_nama(kalkulasi.baca(berkas), tl.TOTAL) is None
    [hasil] = kalkulator.hitung_ulang(berkas)
    portal = skor_lembar(lembar)
    wb = kalkulasi.baca(hasil)
    periksa_nilai(wb, portal, tl.tata_instrumen(lembar.instrumen))
    assert 0 < nilai_nama(wb, tl.TOTAL) < 100
    assert {float(n.nilai) for n in portal.soal.values() if n.nilai is not None} - {0.0, 1.0}


def test_full_and_mixed_teams_recalculate_to_the_engines_scores(dunia, kalkulator, tmp_path):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    isi_penuh(lembar, ketua, dokumen=2, versi=2)
    penuh = ekspor(dunia.tim, tmp_path / "penuh.xlsx")
    skor_penuh = skor_lembar(lembar)
    assert skor_penuh.total == 100 and not skor_penuh.belum_dijawab

    isi, kosong = tulis_campur(lembar, ketua)
    # A note that looks like a formula stays text.
    soal_catatan = next(sid for sid, i in isi.items() if i.pilihan and i.pilihan != "X")
    Jawaban.objects.filter(lembar=lembar, soal_id=soal_catatan).update(penjelasan="=1+1")
    campur = ekspor(dunia.tim, tmp_path / "campur.xlsx")
    skor_campur = skor_lembar(lembar)
    nilai = [n.nilai for n in skor_campur.soal.values()]
    assert None in nilai and {Decimal("0.75"), Decimal("0.5")} <= set(nilai)
    assert any(n.mentah is not None and n.mentah > 1 for n in skor_campur.soal.values())
    assert 0 < skor_campur.total < 100

    hasil_penuh, hasil_campur = kalkulator.hitung_ulang(penuh, campur)
    tata = tl.tata_instrumen(lembar.instrumen)
    periksa_nilai(kalkulasi.baca(hasil_penuh), skor_penuh, tata)
    wb = kalkulasi.baca(hasil_campur)
    periksa_nilai(wb, skor_campur, tata)
    ws = wb[tl.LEMBAR_LKE]
    s = Soal.objects.get(pk=soal_catatan)
    assert ws[f"{tl.KOLOM_CATATAN_UNIT}{s.excel_baris}"].value == "=1+1"
    kode = {x.kode: x for x in skor_campur.instrumen.soal}
    assert ws[f"{tl.KOLOM_NILAI}{tata.baris['A.II.1.i.6']}"].value == 1  # 5/3 kept at 1
    assert ws[f"{tl.KOLOM_NILAI}{tata.baris['A.II.5.ii.4']}"].value == 0  # blank input
    assert ws[f"{tl.KOLOM_NILAI}{tata.baris['A.II.5.iii.a.5']}"].value == pytest.approx(5 / 6)
    assert ws[f"{tl.KOLOM_JAWABAN_UNIT}{tata.baris['B.I.1']}"].value == 3.2
    assert skor_campur.soal[kode["A.II.3.iii.4"].id].nilai == Decimal("0.75")


def test_libreoffice_recalculates_on_load_and_does_not_trust_cached_values(
    dunia, kalkulator, tmp_path
):
    """Prove the helper: a workbook saved by Calc (cached values) with one answer changed
    behind Calc's back shows the new score through the helper, the stale one without it."""
    lembar = dunia.lembar
    lke = instrumen_lke(lembar.instrumen)
    ipak = next(s for s in lke.soal if s.kode == "B.I.1")
    tulis_jawaban(lembar, dunia.user["ketua"], {ipak.id: skor.Isian(angka=Decimal(4))})
    tata = tl.tata_instrumen(lembar.instrumen)
    baris = tata.baris["B.I.1"]
    [dihitung] = kalkulator.hitung_ulang(ekspor(dunia.tim, tmp_path / "ipak.xlsx"))
    wb = kalkulasi.baca(dihitung)
    assert wb[tl.LEMBAR_LKE][f"F{baris}"].value == 1
    assert nilai_nama(wb, tl.TOTAL) == pytest.approx(17.5)

    basi = kalkulasi.ubah_angka(dihitung, tmp_path / "basi.xlsx", tl.LEMBAR_LKE, f"K{baris}", 2)
    wb = kalkulasi.baca(basi)  # the file still caches the old results
    assert (wb[tl.LEMBAR_LKE][f"K{baris}"].value, nilai_nama(wb, tl.TOTAL)) == (2, 17.5)

    [baru] = kalkulator.hitung_ulang(basi)
    wb = kalkulasi.baca(baru)
    assert wb[tl.LEMBAR_LKE][f"F{baris}"].value == 0.5
    assert nilai_nama(wb, tl.TOTAL) == pytest.approx(8.75)

    tanpa = kalkulasi.Kalkulator(tmp_path / "lo-bawaan", hitung_saat_buka=False)
    [lama] = tanpa.hitung_ulang(basi)
    assert nilai_nama(kalkulasi.baca(lama), tl.TOTAL) == pytest.approx(17.5)


# --- Workbook structure -----------------------------------------------------------------------


def _tautan(dokumen_judul, lembar, soal, user, url):
    dok = Dokumen.objects.create(lembar=lembar, judul=dokumen_judul, dibuat_oleh=user)
    v = VersiDokumen.objects.create(dokumen=dok, nomor=1, tautan=url, diunggah_oleh=user)
    Eviden.objects.create(lembar=lembar, soal=soal, dokumen=dok, dilampirkan_oleh=user)
    return v


def test_defined_names_portalrb_sheet_evidence_links_and_hygiene(dunia, tmp_path):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    isi_penuh(lembar, ketua, dokumen=2, versi=2)
    tulis_campur(lembar, ketua)
    lke = instrumen_lke(lembar.instrumen)
    kode = {s.kode: s for s in lke.soal}
    satu = Soal.objects.get(pk=kode["A.I.1.i.2"].id)
    tautan = _tautan("Laman ZI", lembar, satu, ketua, "https://contoh.go.id/zi")
    persen = kode["A.II.1.i.3"]
    Jawaban.objects.filter(lembar=lembar, soal_id=persen.id).delete()
    Jawaban.objects.create(lembar=lembar, soal_id=persen.id, penjelasan="Dari SK agen perubahan")
    langkah = []
    berkas = ekspor(dunia.tim, tmp_path / "lke.xlsx", maju=lambda i, n: langkah.append((i, n)))
    assert langkah and langkah[-1][0] == langkah[-1][1] == len(langkah)

    with zipfile.ZipFile(berkas) as z:
        nama = z.namelist()
    assert not [n for n in nama if "externalLink" in n or "vbaProject" in n]

    wb = openpyxl.load_workbook(berkas)
    assert wb.sheetnames == [tl.LEMBAR_LKE, tl.LEMBAR_PORTALRB]
    ws = wb[tl.LEMBAR_LKE]
    tata = tl.tata_instrumen(lembar.instrumen)
    assert ws.freeze_panes == "A2"
    assert ws["A1"].value == "Kode" and ws["K1"].value == "Jawaban unit"

    # Defined names on the summary cells, and what those cells compute.
    nama_buku = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert nama_buku == {n: f"'Jawaban'!$F${b}" for n, b in tata.rekap.items()}
    f = {n: ws[f"F{b}"].value for n, b in tata.rekap.items()}
    assert f["PENGUNGKIT"] == f"=F{tata.baris['A']}"
    assert f["HASIL"] == f"=F{tata.baris['B']}"
    assert f["TOTAL"] == f"=F{tata.rekap['PENGUNGKIT']}+F{tata.rekap['HASIL']}"
    for n in range(1, 7):
        assert f[f"AREA_{n}"] == f"=SUM(F{tata.baris[f'A.I.{n}']},F{tata.baris[f'A.II.{n}']})"
        assert ws[f"E{tata.rekap[f'AREA_{n}']}"].value == float(lke.bobot_area[n])
    assert ws[f"A{tata.baris_judul_rekap}"].value == "REKAPITULASI"

    # Rows: codes, bank ids, answers; the % soal carries the note, its inputs only numbers.
    for s in lke.soal:
        b = tata.baris[s.kode]
        assert ws[f"A{b}"].value == s.kode
        assert ws[f"J{b}"].value == s.nomor_bank
    b_persen = tata.baris[persen.kode]
    assert ws[f"L{b_persen}"].value == "Dari SK agen perubahan"
    assert ws[f"C{b_persen}"].value == "%" and ws[f"K{b_persen}"].value is None
    agen = kode["A.II.1.i.1"]
    assert ws[f"C{tata.baris[agen.kode]}"].value == "Jumlah"
    assert (
        ws[f"K{tata.baris[agen.kode]}"].value == 4 and ws[f"L{tata.baris[agen.kode]}"].value is None
    )
    assert ws[f"F{tata.baris['A.I.1.i.1']}"].number_format == "0.0000"
    assert ws[f"G{tata.baris['A.I.1.i']}"].number_format == "0.00%"
    assert ws[f"A{tata.baris['A.I.1.i']}"].font.b

    # Evidence: a link back to the soal card with the titles.
    m = ws[f"M{tata.baris[satu.kode]}"]
    kartu = PORTAL + reverse("soal-kartu", args=[lembar.pk, satu.pk])
    assert m.hyperlink.target == kartu
    assert m.value.startswith("3 berkas: ") and "Laman ZI" in m.value

    # The PortalRB sheet: every bank soal once, in order, values valid for their type.
    rb = wb[tl.LEMBAR_PORTALRB]
    baris = list(rb.iter_rows(values_only=True))
    assert baris[0] == tl.KOLOM_PORTALRB
    bank = {s.nomor_bank: s for s in lke.soal if s.nomor_bank is not None}
    assert [r[0] for r in baris[1:]] == sorted(bank) == list(range(1, 128))
    skala = lke.skala_indeks
    for soal_id, jawab, catatan, bukti in baris[1:]:
        s = bank[soal_id]
        assert catatan is None or isinstance(catatan, str)
        assert bukti is None or all(u.startswith("https://") for u in bukti.split("\n"))
        if jawab is None:
            continue
        if s.opsi:
            assert jawab in {o.kode for o in s.opsi} | {"X"}
        elif s.jenis == skor.JUMLAH:
            assert isinstance(jawab, int) and jawab >= 0
        else:
            assert jawab >= 0 and (jawab <= skala or s.kode == "B.II.1")
    per_id = {r[0]: r for r in baris[1:]}
    assert per_id[agen.nomor_bank][2] == "Dari SK agen perubahan"  # its % soal's note
    assert per_id[kode["A.II.1.i.2"].nomor_bank][1] == 3
    # Evidence URLs: the latest version of each attachment; a link is the link itself.
    terbaru = sorted(
        VersiDokumen.objects.filter(dokumen__lampiran__soal_id=satu.pk, kunci__gt="")
        .order_by("dokumen_id", "-nomor")
        .distinct("dokumen_id")
        .values_list("pk", flat=True)
    )
    url = per_id[satu.nomor_bank][3].split("\n")
    assert sorted(url) == sorted(
        [PORTAL + reverse("unduh", args=[pk]) for pk in terbaru] + [tautan.tautan]
    )
    # A Jumlah input carries the evidence of its % soal.
    assert per_id[agen.nomor_bank][3].count(PORTAL + "/") == 2

    # Properties: who, which year, which source, when (WIB).
    p = wb.properties
    assert "Kankemenag Kota Uji" in p.title and "2026" in p.title
    assert "jawaban terkini" in p.description and "WIB" in p.description
    props = {c.name: c.value for c in wb.custom_doc_props.props}
    assert props["satker"] == "KANKEMENAG-UJI" and props["tahun"] == 2026
    assert props["sumber"] == "jawaban terkini" and props["dibuat"].endswith("+07:00")


def test_every_formula_translates_the_instruments_rumus():
    sel = {"a": "K1", "b": "K2", "c": "K3"}
    assert xlsx.rumus_excel("bagi(a, b, 0)", sel) == "IF(K2=0,0,K1/K2)"
    assert xlsx.rumus_excel("jika(a == 0, 1, -b / a)", sel) == "IF(IF(K1=0,1,0)<>0,1,((-K2)/K1))"
    assert xlsx.rumus_excel("a < b <= c", sel) == "IF(AND(K1<K2,K2<=K3),1,0)"
    assert xlsx.rumus_excel("a * 0.5 + 100", sel) == "((K1*0.5)+100)"
    with pytest.raises(ValueError, match="variabel"):
        xlsx.rumus_excel("bagi(a, d, 0)", sel)


# --- Frozen submissions -----------------------------------------------------------------------


def ajukan_mandiri(tim, user):
    """Open the self-assessment stage now and submit (the tests do not depend on today)."""
    t = Tahapan.objects.get(tim=tim, jenis=JenisTahapan.MANDIRI)
    sekarang = timezone.now()
    services.ubah_tahapan(
        tahapan=t,
        user=user,
        mulai=sekarang - timedelta(days=30),
        selesai=sekarang + timedelta(days=30),
        tenggat_eviden=sekarang + timedelta(days=7),
        pengingat_hari=PENGINGAT_BAWAAN,
    )
    return services.ajukan(tahapan=t, user=user)


def test_frozen_submission_exports_what_it_froze(dunia, kalkulator, tmp_path):
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    isi_penuh(lembar, ketua, dokumen=1, versi=1)
    tulis_campur(lembar, ketua)
    p = ajukan_mandiri(dunia.tim, ketua)
    beku = {j.soal_id: j for j in JawabanBeku.objects.filter(pengajuan=p)}

    # Work goes on: every answer changes to the bottom one, new documents are attached.
    lke = instrumen_lke(lembar.instrumen)
    isi_penuh(lembar, ketua, dasar="bawah", dokumen=1, versi=1)
    assert skor_lembar(lembar).total != p.total

    berkas = ekspor(dunia.tim, tmp_path / "pengajuan.xlsx", pengajuan=p)
    wb = openpyxl.load_workbook(berkas)
    ws = wb[tl.LEMBAR_LKE]
    tata = tl.tata_instrumen(p.instrumen)
    for s in lke.soal:
        j = beku[s.id]
        k = ws[f"K{tata.baris[s.kode]}"].value
        if s.jenis == skor.PERSEN:
            assert k is None
        elif s.opsi:
            assert k == (j.pilihan or None), s.kode
        else:
            assert k == (None if j.angka is None else float(j.angka)), s.kode
    halaman = PORTAL + reverse("pengajuan", args=[dunia.tim.pk, p.pk])
    m = ws[f"M{tata.baris['A.I.1.i.1']}"]
    assert m.hyperlink.target == halaman and m.value == "1 berkas: Dokumen A.I.1.i.1 1"
    props = {c.name: c.value for c in wb.custom_doc_props.props}
    assert props["sumber"] == "pengajuan #1 tahap Penilaian mandiri (PMPZI)"
    assert props["pengajuan"] == p.pk

    [hasil] = kalkulator.hitung_ulang(berkas)
    wb = kalkulasi.baca(hasil)
    assert nilai_nama(wb, tl.TOTAL) == pytest.approx(float(p.total), abs=EMPAT_DESIMAL)
    assert nilai_nama(wb, tl.PENGUNGKIT) == pytest.approx(float(p.pengungkit), abs=EMPAT_DESIMAL)
    assert nilai_nama(wb, tl.HASIL) == pytest.approx(float(p.hasil), abs=EMPAT_DESIMAL)
    for n, v in p.area.items():
        assert nilai_nama(wb, f"AREA_{n}") == pytest.approx(float(v), abs=EMPAT_DESIMAL)
    ws = wb[tl.LEMBAR_LKE]
    for s in lke.soal:
        if s.dinilai:
            v = float(beku[s.id].nilai or 0)
            assert ws[f"F{tata.baris[s.kode]}"].value == pytest.approx(v, abs=EMPAT_DESIMAL)
    periksa_nilai(wb, Sumber(dunia.tim, p).skor, tata)


# --- The command ------------------------------------------------------------------------------


def test_command_writes_the_workbook_and_prints_its_total(dunia, tmp_path, settings):
    settings.PORTAL_URL = PORTAL
    isi_penuh(dunia.lembar, dunia.user["ketua"], dokumen=1, versi=1)
    tulis_campur(dunia.lembar, dunia.user["ketua"])
    berkas = tmp_path / "lke-uji.xlsx"
    out = StringIO()
    satker = ["--satker", "KANKEMENAG-UJI", "--tahun", "2026"]
    call_command("ekspor_lke", *satker, str(berkas), stdout=out)
    total = skor_lembar(dunia.lembar).total
    akhir = out.getvalue().strip().splitlines()[-1]
    assert akhir == f"{berkas} TOTAL {total:.4f}"
    wb = openpyxl.load_workbook(berkas)
    assert wb.sheetnames == [tl.LEMBAR_LKE, tl.LEMBAR_PORTALRB]
    m = wb[tl.LEMBAR_LKE][f"M{tl.tata_instrumen(dunia.lembar.instrumen).baris['A.I.1.i.1']}"]
    assert m.hyperlink.target.startswith(settings.PORTAL_URL + "/lke/")
    assert not list(tmp_path.glob(".*sementara"))

    p = ajukan_mandiri(dunia.tim, dunia.user["ketua"])
    beku = tmp_path / "pengajuan.xlsx"
    out = StringIO()
    call_command("ekspor_lke", *satker, "--pengajuan", str(p.pk), str(beku), stdout=out)
    assert out.getvalue().strip().endswith(f"TOTAL {p.total:.4f}")

    with pytest.raises(CommandError, match="Satker dengan kode TIDAK-ADA tidak ditemukan"):
        call_command("ekspor_lke", "--satker", "TIDAK-ADA", "--tahun", "2026", str(berkas))
    with pytest.raises(CommandError, match="tidak punya Tim ZI tahun 2031"):
        call_command("ekspor_lke", "--satker", "KANKEMENAG-UJI", "--tahun", "2031", str(berkas))
    luar = ajukan_mandiri(dunia.tim_luar, dunia.user["luar"])  # another team's submission
    with pytest.raises(CommandError, match=f"Pengajuan {luar.pk} tidak ada pada Tim ZI"):
        call_command("ekspor_lke", *satker, "--pengajuan", str(luar.pk), str(berkas))
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("ekspor_lke", *satker, str(tmp_path / "lke.csv"))
    assert settings.PORTAL_URL == PORTAL
