"""The score engine against worked examples computed by hand (zi-domain.md §1.1–1.4).

Each file in ``tests/skor_contoh/`` is one example: a base answer for every soal
(``"puncak"``, ``"bawah"`` or ``"kosong"`` = none), overrides by soal kode, the hand
arithmetic in ``"uraian"`` and the expected values in ``"harap"``. The expectations were
worked out by hand (fractions on paper / a calculator), never by running the engine, so a
failure means either the hand arithmetic or the engine is wrong: look at ``"uraian"``.

Numbers are compared to 4 decimals (absolute tolerance 5e-5); verdicts and failed-rule
lists exactly, in the rule order of ``skor.Putusan.gagal``.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from eviden import rumus
from penilaian import skor
from penilaian.selectors import instrumen_lke

from .lembar_penuh import jawaban_dasar, syarat_instrumen

CONTOH = Path(__file__).parent / "skor_contoh"
BERKAS = sorted(CONTOH.glob("*.json"))

DASAR = ("puncak", "bawah", "kosong")
BAGIAN = ("total", "pengungkit", "hasil", "pemenuhan", "reform", "bersih", "prima")
KUNCI_HARAP = {*BAGIAN, "area", "node", "soal", "poin", "predikat", "belum_dijawab"}
TOLERANSI = 5e-5


def _baca(berkas):
    return json.loads(berkas.read_text(encoding="utf-8"))


def _angka_sama(didapat, harap):
    return didapat is not None and abs(float(didapat) - float(harap)) <= TOLERANSI


def _jawaban(lke, syarat, contoh):
    """Base answers plus the file's overrides as ``{soal id: skor.Isian}``. A data file
    that names an unknown soal, an option the soal does not have, or Jumlah inputs that
    break the instrument's input rules is an error of the file, not a result."""
    dasar = contoh["dasar"]
    assert dasar in DASAR, f"dasar {dasar!r} not one of {DASAR}"
    jawaban = {} if dasar == "kosong" else jawaban_dasar(lke, dasar, syarat)
    per_kode = {s.kode: s for s in lke.soal}
    ganti = contoh.get("jawaban", {})
    for kode, isi in ganti.items():
        assert kode in per_kode, f"unknown soal kode {kode!r}"
        soal = per_kode[kode]
        if isi is None:
            jawaban.pop(soal.id, None)
        elif isinstance(isi, str):
            assert isi in {o.kode for o in soal.opsi}, f"{kode}: no option {isi!r}"
            jawaban[soal.id] = skor.Isian(pilihan=isi)
        else:
            assert isinstance(isi, int | float) and not isinstance(isi, bool), (kode, isi)
            assert soal.jenis in (skor.JUMLAH, skor.INDEKS), f"{kode}: not a numeric input"
            jawaban[soal.id] = skor.Isian(angka=Decimal(str(isi)))
    kode_id = {s.id: s.kode for s in lke.soal}
    for s in lke.soal:
        if s.jenis != skor.PERSEN:
            continue
        masukan = [kode_id[sid] for _nama, sid in s.masukan]
        diisi = [k for k in masukan if isinstance(ganti.get(k), int | float)]
        if diisi and dasar != "kosong":
            # The base fills every input with small numbers: a partial override would
            # mix them with the file's numbers.
            assert set(masukan) <= set(ganti), f"{s.kode}: override all of {masukan}"
        nilai = {nama: _angka(jawaban.get(sid)) for nama, sid in s.masukan}
        salah = rumus.periksa_syarat(syarat.get(s.id) or [], nilai)
        assert not salah, f"{s.kode}: inputs break the instrument's rules: {salah}"
    return jawaban


def _angka(isian):
    return isian.angka if isian is not None else None


@pytest.mark.django_db
@pytest.mark.parametrize("berkas", BERKAS, ids=[b.stem for b in BERKAS])
def test_contoh_hitungan_tangan(instrumen, berkas):
    contoh = _baca(berkas)
    lke = instrumen_lke(instrumen)
    jawaban = _jawaban(lke, syarat_instrumen(instrumen), contoh)
    hasil = skor.hitung(lke, jawaban)
    harap = contoh["harap"]
    salah = []

    def cek(nama, didapat, nilai_harap):
        if nilai_harap is None:
            if didapat is not None:
                salah.append(f"{nama}: expected no value (unanswered), got {didapat}")
        elif not _angka_sama(didapat, nilai_harap):
            salah.append(f"{nama}: expected {nilai_harap}, got {didapat}")

    for nama in BAGIAN:
        if nama in harap:
            cek(nama, getattr(hasil, nama), harap[nama])
    for nomor, nilai in harap.get("area", {}).items():
        cek(f"area {nomor}", hasil.area[int(nomor)].nilai, nilai)
    for kode, nilai in harap.get("node", {}).items():
        assert kode in hasil.node, f"unknown node kode {kode!r}"
        cek(f"node {kode}", hasil.node[kode].nilai, nilai)
    per_kode = {n.soal.kode: n for n in hasil.soal.values()}
    for kode, nilai in harap.get("soal", {}).items():
        assert kode in per_kode, f"{kode!r} is not a scored soal"
        cek(f"soal {kode}", per_kode[kode].nilai, nilai)
    for kode, nilai in harap.get("poin", {}).items():
        assert kode in per_kode, f"{kode!r} is not a scored soal"
        cek(f"poin {kode}", per_kode[kode].poin, nilai)
    for predikat, putusan in harap.get("predikat", {}).items():
        p = hasil.putusan[predikat]
        if p.memenuhi != putusan["memenuhi"] or list(p.gagal) != putusan["gagal"]:
            salah.append(
                f"{predikat}: expected memenuhi={putusan['memenuhi']} gagal={putusan['gagal']},"
                f" got memenuhi={p.memenuhi} gagal={list(p.gagal)}"
            )
    if "belum_dijawab" in harap:
        salah += _cek_belum_dijawab(hasil, harap["belum_dijawab"])
    assert not salah, f"{berkas.name}:\n" + "\n".join(salah)


def _cek_belum_dijawab(hasil, harap):
    """``harap`` is the exact list of unanswered soal (compared as a set: the order is the
    selectors' soal order), or ``{"jumlah": n, "termasuk": [...], "tidak_termasuk": [...]}``."""
    kode = [s.kode for s in hasil.belum_dijawab]
    salah = []
    if len(kode) != len(set(kode)):
        salah.append(f"belum_dijawab lists a soal twice: {kode}")
    if isinstance(harap, list):
        if set(kode) != set(harap) or len(kode) != len(harap):
            salah.append(f"belum_dijawab: expected {sorted(harap)}, got {sorted(kode)}")
        return salah
    if "jumlah" in harap and len(kode) != harap["jumlah"]:
        salah.append(f"belum_dijawab: expected {harap['jumlah']} soal, got {len(kode)}")
    salah += [f"belum_dijawab lacks {k}" for k in harap.get("termasuk", []) if k not in kode]
    salah += [f"belum_dijawab has {k}" for k in harap.get("tidak_termasuk", []) if k in kode]
    return salah


def test_ada_contoh():
    assert len(BERKAS) >= 8, f"worked examples missing in {CONTOH}"


@pytest.mark.parametrize("berkas", BERKAS, ids=[b.stem for b in BERKAS])
def test_contoh_lengkap(berkas):
    """An example without arithmetic or without expectations would pass vacuously."""
    contoh = _baca(berkas)
    assert isinstance(contoh.get("judul"), str) and contoh["judul"].strip()
    uraian = contoh.get("uraian")
    assert isinstance(uraian, list) and uraian, "uraian must list the hand arithmetic"
    assert all(isinstance(b, str) and b.strip() for b in uraian)
    assert contoh.get("dasar") in DASAR
    harap = contoh.get("harap")
    assert isinstance(harap, dict) and harap, "harap must hold at least one expectation"
    assert set(harap) <= KUNCI_HARAP, f"unknown keys in harap: {set(harap) - KUNCI_HARAP}"
    jumlah = sum(1 for k in BAGIAN if k in harap)
    for k in ("area", "node", "soal", "poin", "predikat"):
        jumlah += len(harap.get(k, {}))
    jumlah += "belum_dijawab" in harap
    assert jumlah, "harap must hold at least one expectation"
    for predikat, putusan in harap.get("predikat", {}).items():
        assert set(putusan) == {"memenuhi", "gagal"}, predikat
        assert putusan["memenuhi"] == (not putusan["gagal"]), predikat


@pytest.mark.django_db
@pytest.mark.parametrize("berkas", BERKAS, ids=[b.stem for b in BERKAS])
def test_wbk_gagal_tepat_saat_wbk_tidak_terpenuhi(instrumen, berkas):
    """The WBBM rule ``wbk`` fails exactly when the WBK verdict fails (every example)."""
    lke = instrumen_lke(instrumen)
    hasil = skor.hitung(lke, _jawaban(lke, syarat_instrumen(instrumen), _baca(berkas)))
    assert ("wbk" in hasil.putusan["WBBM"].gagal) == (not hasil.putusan["WBK"].memenuhi)
