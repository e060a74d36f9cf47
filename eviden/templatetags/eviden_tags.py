from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from .. import rumus
from ..models import JenisJawaban

register = template.Library()


@register.filter
def persen(nilai):
    """A 0–1 value as a percentage with two decimals and the locale's decimal mark."""
    if nilai is None:
        return ""
    return f"{floatformat(Decimal(nilai) * 100, 2)} %"


@register.filter
def nilai_tampil(baris):
    """A row's or card's value as the LKE shows it: "75,00 %" for % soal, "3,60" of 4 for a
    0–4 index, the multiplier ("1", "0,5", "0,67") for options; "" when unanswered."""
    nilai = baris.nilai
    if nilai is None:
        return ""
    if baris.soal.jenis == JenisJawaban.PERSEN:
        return persen(nilai)
    if baris.soal.jenis == JenisJawaban.NILAI_0_4:
        return floatformat(baris.jawaban.angka, "-2")
    return floatformat(nilai, "-2")


@register.simple_tag
def uraian(teks, angka):
    """An instrument text with ``{variable}`` filled with the numbers (Indonesian style)."""
    return rumus.uraikan(teks or "", angka or {})


@register.filter
def get_item(kamus, kunci):
    return (kamus or {}).get(kunci, "")
