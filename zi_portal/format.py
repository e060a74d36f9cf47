"""One way to write dates and times across the portal: "24 Nov 2026", "24 Nov 2026 14.05 WIB".

Month names follow the active language (Indonesian by default); times are Asia/Jakarta.
Templates use the ``tanggal`` and ``waktu`` filters (built in, see settings), Python code
(notification texts) these functions.
"""

import datetime

from django.utils import dateformat, timezone


def tanggal(nilai):
    """A date (or the local date of a datetime) as "24 Nov 2026"; "" for None."""
    if nilai is None or nilai == "":
        return ""
    if isinstance(nilai, datetime.datetime):
        nilai = timezone.localtime(nilai) if timezone.is_aware(nilai) else nilai
    return dateformat.format(nilai, "j M Y")


def waktu(nilai):
    """A datetime as "24 Nov 2026 14.05 WIB" (Asia/Jakarta); "" for None."""
    if nilai is None or nilai == "":
        return ""
    if timezone.is_aware(nilai):
        nilai = timezone.localtime(nilai)
    return dateformat.format(nilai, "j M Y H.i") + " WIB"


def angka(nilai, desimal=2):
    """A number the Indonesian way, to ``desimal`` places: 1234.5 → "1.234,50"; "" for None."""
    if nilai is None or nilai == "":
        return ""
    teks = f"{float(nilai):,.{desimal}f}"
    return teks.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
