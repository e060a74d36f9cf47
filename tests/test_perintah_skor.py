"""`impor_jawaban` and `skor`: the operators' commands, end to end on the demo team."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from eviden.models import Jawaban, LembarKerja, StatusButir
from penilaian import skor
from penilaian.selectors import instrumen_lke, isian_lembar

pytestmark = pytest.mark.django_db

SATKER = ["--satker", "KANKEMENAG-KOTA-SEMARANG", "--tahun", "2026"]


@pytest.fixture
def demo():
    call_command("demo", stdout=StringIO())
    return LembarKerja.objects.select_related("instrumen").get(
        tim__satker__kode="KANKEMENAG-KOTA-SEMARANG"
    )


def _skor_json():
    out = StringIO()
    call_command("skor", *SATKER, "--json", stdout=out)
    return json.loads(out.getvalue())


def _tulis(tmp_path, baris):
    berkas = tmp_path / "jawaban.json"
    berkas.write_text(json.dumps(baris), encoding="utf-8")
    return str(berkas)


def test_import_then_skor_json_gives_the_engines_numbers(demo, tmp_path):
    lke = instrumen_lke(demo.instrumen)
    bank = {s.nomor_bank: s for s in lke.soal if s.nomor_bank}
    baris = [
        {"soal_id": 1, "jawaban_unit": "Tidak", "catatan_unit": "SK belum terbit"},
        {"soal_id": 88, "jawaban_unit": 4},  # agen perubahan
        {"soal_id": 89, "jawaban_unit": 3},  # perubahan → 0.75
        {"soal_id": 125, "jawaban_unit": "3,2"},  # IPAK as a PortalRB string with a comma
        {"soal_id": 126, "jawaban_unit": "C"},
    ]
    out = StringIO()
    call_command("impor_jawaban", *SATKER, _tulis(tmp_path, baris), "--oleh", "ketua", stdout=out)
    assert "5 jawaban berubah" in out.getvalue()
    hasil = skor.hitung(lke, isian_lembar(demo))
    data = _skor_json()
    assert data == skor.ringkas(hasil)
    assert data["total"] == float(hasil.total)
    assert data["area"]["1"] == float(hasil.area[1].nilai)
    assert data["bersih"] == pytest.approx(3.2 / 4 * 17.5 + 0.5 * 5)
    assert data["predikat"]["WBK"]["gagal"] == ["area_6", "ipak", "bersih"]  # 14 + 2,5 < 18,25
    assert "wbk" in data["predikat"]["WBBM"]["gagal"]
    assert set(data) == {
        "total", "pengungkit", "hasil", "pemenuhan", "reform", "bersih", "prima",
        "area", "predikat", "belum_dijawab",
    }  # fmt: skip
    # Written through the form's service: history rows name the importer.
    j = Jawaban.objects.get(lembar=demo, soal_id=bank[1].id)
    assert j.pilihan == "Tidak" and j.penjelasan == "SK belum terbit" and j.versi == 2
    assert j.history.first().history_user.username == "ketua"
    # The same file again changes nothing.
    out = StringIO()
    call_command("impor_jawaban", *SATKER, _tulis(tmp_path, baris), stdout=out)
    assert "0 jawaban berubah" in out.getvalue()


def test_a_file_with_one_bad_row_writes_nothing_and_names_every_bad_row(demo, tmp_path):
    sebelum = list(Jawaban.objects.filter(lembar=demo).order_by("pk").values())
    baris = [
        {"soal_id": 1, "jawaban_unit": "Tidak"},  # good
        {"soal_id": 2, "jawaban_unit": "Ya"},  # A/B/C soal
        {"soal_id": 9999, "jawaban_unit": "A"},  # unknown
        {"soal_id": 1, "jawaban_unit": "Ya"},  # duplicate
        {"soal_id": 125, "jawaban_unit": 4.5},  # index above 4
        {"soal_id": 90, "jawaban_unit": 2},  # perubahan 2 …
        {"soal_id": 91, "jawaban_unit": 3},  # … but 3 integrated: breaks the input rule
        {"soal_id": 88, "jawaban_unit": -1},
        "not a row",
    ]
    err = StringIO()
    with pytest.raises(CommandError, match="7 baris salah; tidak ada jawaban yang ditulis"):
        call_command("impor_jawaban", *SATKER, _tulis(tmp_path, baris), stderr=err)
    pesan = err.getvalue()
    assert "baris 2 (soal_id 2): jawaban 'Ya' tidak sah" in pesan
    assert "baris 3 (soal_id 9999): soal tidak ada" in pesan
    assert "baris 4 (soal_id 1): soal ganda, sudah ada di baris 1" in pesan
    assert "baris 5 (soal_id 125): nilai 4.5 untuk soal B.I.1 harus antara 0 dan 4" in pesan
    assert "tidak boleh lebih dari jumlah perubahan yang dibuat (2)" in pesan
    assert "baris 8 (soal_id 88)" in pesan
    assert "baris 9: harus berisi soal_id dan jawaban_unit" in pesan
    assert list(Jawaban.objects.filter(lembar=demo).order_by("pk").values()) == sebelum


def test_a_locked_soal_is_a_bad_row(demo, tmp_path):
    from eviden.models import Butir

    lke = instrumen_lke(demo.instrumen)
    soal1 = next(s for s in lke.soal if s.nomor_bank == 1)
    Butir.objects.update_or_create(
        lembar=demo, soal_id=soal1.id, defaults={"status": StatusButir.DISETUJUI}
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "impor_jawaban",
            *SATKER,
            _tulis(tmp_path, [{"soal_id": 1, "jawaban_unit": "Tidak"}]),
            stderr=err,
        )
    assert "soal A.I.1.i.1 terkunci" in err.getvalue()
    assert Jawaban.objects.get(lembar=demo, soal_id=soal1.id).pilihan == "Ya"


def test_skor_prints_a_readable_indonesian_table(demo):
    out = StringIO()
    call_command("skor", *SATKER, stdout=out)
    teks = out.getvalue()
    hasil = skor.hitung(instrumen_lke(demo.instrumen), isian_lembar(demo))
    total = f"{hasil.total:.2f}".replace(".", ",")
    assert "Nilai total" in teks and total in teks
    assert "WBK: BELUM MEMENUHI" in teks and "area_6" in teks
    assert Decimal(str(_skor_json()["total"])) == pytest.approx(hasil.total)


def test_unknown_team_is_a_clear_error():
    with pytest.raises(CommandError, match="Tidak ada lembar kerja untuk satker X tahun 2026"):
        call_command("skor", "--satker", "X", "--tahun", "2026")
