"""Pure rules of a PortalRB unit (no ORM): the shape of its id and its ``kategori``."""

import re

# The ``id`` of a unit as PortalRB uses it in a path (``/lke/jawaban-unit/{unit_id}``): the
# satker code, letters, digits, dot, underscore and hyphen, at most 40 characters.
POLA_ID_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def id_unit_sah(teks):
    return bool(POLA_ID_UNIT.fullmatch(teks or ""))


def kategori(predikat, afirmasi):
    """PortalRB's ``kategori``: "WBK", "WBK-AFIRMASI" or "WBBM" (afirmasi is for WBK)."""
    if predikat == "WBK" and afirmasi:
        return "WBK-AFIRMASI"
    return predikat
