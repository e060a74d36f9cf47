from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def persen(nilai):
    """A 0–1 value as a percentage with two decimals and the locale's decimal mark."""
    if nilai is None:
        return ""
    return f"{floatformat(Decimal(nilai) * 100, 2)} %"
