"""The % formulas of the instrument, evaluated as in zi-domain.md §1.4 step 5."""

from decimal import Decimal

import pytest

from eviden.models import JenisJawaban, Soal
from eviden.rumus import RumusError, hitung, parse


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
