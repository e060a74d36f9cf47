"""The % formulas of the instrument, evaluated as in zi-domain.md §1.4 step 5."""

from decimal import Decimal

import pytest

from eviden.models import JenisJawaban, Soal
from eviden.rumus import (
    Hasil,
    RumusError,
    hitung,
    hitung_rinci,
    parse,
    periksa_syarat,
    uraikan,
)

DISIPLIN = (
    "jika(tahun_lalu == 0, jika(tahun_ini == 0, 1, 0), (tahun_lalu - tahun_ini) / tahun_lalu)"
)


@pytest.mark.parametrize(
    ("rumus", "nilai", "hasil"),
    [
        ("bagi(perubahan, agen, 0)", {"perubahan": 3, "agen": 4}, Decimal("0.75")),
        ("bagi(perubahan, agen, 0)", {"perubahan": 6, "agen": 4}, Decimal(1)),  # clamped
        ("bagi(perubahan, agen, 0)", {"perubahan": 2, "agen": 0}, Decimal(0)),
        ("jika(a == 0, jika(b == 0, 1, 0), (a - b) / a)", {"a": 10, "b": 4}, Decimal("0.6")),
        ("jika(a == 0, jika(b == 0, 1, 0), (a - b) / a)", {"a": 0, "b": 0}, Decimal(1)),
        ("jika(a == 0, jika(b == 0, 1, 0), (a - b) / a)", {"a": 0, "b": 3}, Decimal(0)),
        ("jika(a == 0, jika(b == 0, 1, 0), (a - b) / a)", {"a": 4, "b": 9}, Decimal(0)),
        ("bagi(s, k + p + l, 0)", {"s": 3, "k": 1, "p": 2, "l": 1}, Decimal("0.75")),
        ("bagi(x, y, 0)", {"x": None, "y": 3}, None),  # not answered yet
    ],
)
def test_formulas(rumus, nilai, hasil):
    assert hitung(rumus, nilai) == hasil


@pytest.mark.parametrize(
    "rumus",
    [
        "__import__('os').system('id')",
        "a.b",
        "a[0]",
        "open('x')",
        "lambda: 1",
        "'teks'",
        "a if b else c",
    ],
)
def test_anything_but_arithmetic_is_refused(rumus):
    with pytest.raises(RumusError):
        parse(rumus)


def test_plain_division_by_zero_is_an_error_not_a_crash():
    with pytest.raises(RumusError):
        hitung("a / b", {"a": 1, "b": 0})


@pytest.mark.django_db
def test_every_percent_item_of_the_instrument_evaluates(instrumen):
    for soal in Soal.objects.filter(instrumen=instrumen, jenis=JenisJawaban.PERSEN):
        nama = list(soal.daftar_masukan.values_list("nama", flat=True))
        penuh = hitung(soal.rumus, dict.fromkeys(nama, 5))
        assert penuh is not None and Decimal(0) <= penuh <= Decimal(1), soal.kode


@pytest.mark.django_db
def test_lhkpn_is_reported_over_all_who_must_report(instrumen):
    soal = Soal.objects.get(instrumen=instrumen, kode="A.II.5.iii.a.5")
    nama = set(soal.daftar_masukan.values_list("nama", flat=True))
    assert nama == {"kepala", "pejabat", "lainnya", "sudah_lapor"}
    nilai = {"kepala": 1, "pejabat": 3, "lainnya": 4, "sudah_lapor": 6}
    assert hitung(soal.rumus, nilai) == Decimal("0.75")


@pytest.mark.parametrize(
    ("rumus", "nilai", "hasil"),
    [
        # More changes than agents: capped at 1 and flagged, the raw value kept.
        ("bagi(perubahan, agen, 0)", {"perubahan": 6, "agen": 4}, Hasil(1, Decimal("1.5"), "atas")),
        ("bagi(perubahan, agen, 0)", {"perubahan": 4, "agen": 4}, Hasil(1, 1, "")),
        (
            "bagi(perubahan, agen, 0)",
            {"perubahan": 3, "agen": 4},
            Hasil(Decimal("0.75"), Decimal("0.75"), ""),
        ),
        # Violations rising from 4 to 9: (4 - 9) / 4 = -1.25, scored 0 and flagged.
        (DISIPLIN, {"tahun_lalu": 4, "tahun_ini": 9}, Hasil(0, Decimal("-1.25"), "bawah")),
        (DISIPLIN, {"tahun_lalu": 4, "tahun_ini": 4}, Hasil(0, 0, "")),
        (DISIPLIN, {"tahun_lalu": 0, "tahun_ini": 3}, Hasil(0, 0, "")),
        (DISIPLIN, {"tahun_lalu": 0, "tahun_ini": 0}, Hasil(1, 1, "")),
        ("bagi(perubahan, agen, 0)", {"perubahan": None, "agen": 4}, Hasil(None, None, "")),
        ("bagi(perubahan, agen, 0)", {"agen": 4}, Hasil(None, None, "")),
    ],
)
def test_hitung_rinci_keeps_the_raw_value_and_says_which_bound_was_hit(rumus, nilai, hasil):
    rinci = hitung_rinci(rumus, nilai)
    assert rinci == hasil
    assert hitung(rumus, nilai) == hasil.nilai


def test_hasil_is_frozen():
    hasil = hitung_rinci("a", {"a": 2})
    with pytest.raises(AttributeError):
        hasil.nilai = Decimal(0)


@pytest.mark.parametrize(
    ("teks", "nilai", "hasil"),
    [
        (
            "{perubahan} perubahan dari {agen} agen",
            {"perubahan": 6, "agen": 8},
            "6 perubahan dari 8 agen",
        ),
        ("{a} orang", {"a": 1250}, "1.250 orang"),
        ("{a} orang", {"a": 1234567}, "1.234.567 orang"),
        ("{a} orang", {"a": Decimal("1250.0")}, "1.250 orang"),
        ("{a}", {"a": Decimal("2.5")}, "2,5"),
        ("{a}", {"a": Decimal("-1234.75")}, "-1.234,75"),
        ("{a}", {"a": 0}, "0"),
        ("{a} dari {b}", {"a": None, "b": 3}, "… dari 3"),
        ("{a} dari {b}", {"b": 3}, "… dari 3"),
        # Only plain {name} placeholders are filled; format fields are left as they are.
        (
            "{a.__class__} {a!r} {a:>9} {0} {a[0]} {a}",
            {"a": 7},
            "{a.__class__} {a!r} {a:>9} {0} {a[0]} 7",
        ),
        ("tanpa tempat isi", {"a": 1}, "tanpa tempat isi"),
    ],
)
def test_uraikan_fills_placeholders_with_indonesian_numbers(teks, nilai, hasil):
    assert uraikan(teks, nilai) == hasil


SYARAT_PENGADUAN = [
    {"rumus": "selesai <= harus", "pesan": "Selesai ({selesai}) melebihi harus ({harus})."},
    {"rumus": "diproses <= harus", "pesan": "Diproses ({diproses}) melebihi harus ({harus})."},
]


@pytest.mark.parametrize(
    ("nilai", "pesan"),
    [
        ({"harus": 10, "diproses": 3, "selesai": 7}, []),
        ({"harus": 10, "diproses": 0, "selesai": 10}, []),
        ({"harus": 10, "diproses": 3, "selesai": 11}, ["Selesai (11) melebihi harus (10)."]),
        (
            {"harus": 1, "diproses": 1500, "selesai": 2},
            ["Selesai (2) melebihi harus (1).", "Diproses (1.500) melebihi harus (1)."],
        ),
        # A rule is checked only once all its inputs are filled.
        ({"harus": None, "diproses": 3, "selesai": 11}, []),
        ({"harus": 10, "diproses": 30, "selesai": None}, ["Diproses (30) melebihi harus (10)."]),
    ],
)
def test_periksa_syarat_returns_the_filled_message_of_each_broken_rule(nilai, pesan):
    assert periksa_syarat(SYARAT_PENGADUAN, nilai) == pesan


def test_periksa_syarat_refuses_a_rule_outside_the_language():
    with pytest.raises(RumusError):
        periksa_syarat([{"rumus": "__import__('os')", "pesan": "x"}], {})


@pytest.mark.django_db
def test_nine_integrated_changes_out_of_five_are_refused_naming_both_inputs(instrumen):
    soal = Soal.objects.get(instrumen=instrumen, kode="A.II.1.i.6")
    assert set(soal.daftar_masukan.values_list("nama", flat=True)) == {"perubahan", "terintegrasi"}
    pesan = periksa_syarat(soal.syarat_masukan, {"perubahan": 5, "terintegrasi": 9})
    assert pesan == [
        "Jumlah perubahan yang terintegrasi (9) tidak boleh lebih dari jumlah perubahan "
        "yang dibuat (5)."
    ]
    assert periksa_syarat(soal.syarat_masukan, {"perubahan": 5, "terintegrasi": 5}) == []


@pytest.mark.django_db
def test_more_changes_than_agents_is_allowed_capped_and_explained(instrumen):
    soal = Soal.objects.get(instrumen=instrumen, kode="A.II.1.i.3")
    nilai = {"agen": 4, "perubahan": 6}
    assert periksa_syarat(soal.syarat_masukan, nilai) == []
    hasil = hitung_rinci(soal.rumus, nilai)
    assert (hasil.nilai, hasil.batas) == (Decimal(1), "atas")
    assert uraikan(soal.catatan_batas[hasil.batas], nilai) == (
        "Perubahan (6) lebih banyak daripada agen perubahan (4); nilai dibatasi 100 %."
    )
    assert uraikan(soal.uraian, {"agen": 8, "perubahan": 6}) == "6 perubahan dari 8 agen perubahan"


@pytest.mark.django_db
def test_rising_violations_score_zero_and_say_why(instrumen):
    soal = Soal.objects.get(instrumen=instrumen, kode="A.II.3.iii.4")
    nilai = {"tahun_lalu": 4, "tahun_ini": 9, "disanksi": 9}
    assert periksa_syarat(soal.syarat_masukan, nilai) == []
    hasil = hitung_rinci(soal.rumus, nilai)
    assert (hasil.nilai, hasil.batas) == (Decimal(0), "bawah")
    assert uraikan(soal.catatan_batas["bawah"], nilai) == (
        "Pelanggaran disiplin bertambah (4 → 9); nilai 0."
    )
    assert "atas" not in soal.catatan_batas
    # More sanctioned violations than violations this year is impossible.
    pesan = periksa_syarat(soal.syarat_masukan, {**nilai, "disanksi": 10})
    assert len(pesan) == 1 and "(10)" in pesan[0] and "(9)" in pesan[0]


def _sisi_kiri(aturan):
    """The single input on the left of a syarat such as ``a <= b + c``."""
    tree, _names = parse(aturan["rumus"])
    return tree.body.left.id


@pytest.mark.django_db
def test_every_rule_of_the_instrument_refuses_a_part_larger_than_its_whole(instrumen):
    persen = Soal.objects.filter(instrumen=instrumen, jenis=JenisJawaban.PERSEN)
    diperiksa = 0
    for soal in persen:
        nama = list(soal.daftar_masukan.values_list("nama", flat=True))
        wajar = dict.fromkeys(nama, 5)
        assert periksa_syarat(soal.syarat_masukan, wajar) == [], soal.kode
        for aturan in soal.syarat_masukan:
            bagian = _sisi_kiri(aturan)
            rusak = {**wajar, bagian: 1000}
            pesan = periksa_syarat(soal.syarat_masukan, rusak)
            assert pesan == [uraikan(aturan["pesan"], rusak)], (soal.kode, aturan)
            # The message is filled: it names the offending number and holds no placeholder.
            assert "(1.000)" in pesan[0] and "{" not in pesan[0], pesan
            assert periksa_syarat(soal.syarat_masukan, {**rusak, bagian: None}) == []
            diperiksa += 1
    assert diperiksa == 8  # one rule per item, two for complaints, none for agen/perubahan
