"""Filters every template has (registered as builtins in settings): one date format."""

from django import template

from zi_portal import format as fmt

register = template.Library()


@register.filter
def tanggal(nilai):
    """``{{ d|tanggal }}`` → "24 Nov 2026"."""
    return fmt.tanggal(nilai)


@register.filter
def waktu(nilai):
    """``{{ dt|waktu }}`` → "24 Nov 2026 14.05 WIB"."""
    return fmt.waktu(nilai)


@register.filter
def angka(nilai, desimal=2):
    """A score the Indonesian way: 74.5 → "74,50" (decimal comma, 2 places)."""
    return fmt.angka(nilai, int(desimal))
