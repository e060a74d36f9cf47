"""Dates of the PMPZI calendar in Asia/Jakarta: the proposed stages of a periode and the
"H-n" arithmetic of reminders. Pure functions (no ORM).

A periode ``N`` is the year the team builds and self-assesses in: the PMPZI submission closes
on 31 December N, the Kanwil's penilaian pendahuluan (TPP) follows in January–February N+1
with an exit meeting and a week of corrections, then penilaian lanjutan, Itjen's TPI
(March–June) and KemenPANRB's TPN (August–November) — zi-domain.md §3.3.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def awal_hari(hari):
    """00:00 WIB of ``hari``."""
    return datetime.combine(hari, time(0, 0), tzinfo=WIB)


def akhir_hari(hari):
    """23:59 WIB of ``hari``: a deadline "31 Desember" means this instant."""
    return datetime.combine(hari, time(23, 59), tzinfo=WIB)


def tanggal_wib(waktu):
    """The calendar day of an instant in Asia/Jakarta."""
    return waktu.astimezone(WIB).date()


def sisa_hari(tenggat, hari):
    """Whole days from ``hari`` to the day of ``tenggat`` (WIB): 0 on the day itself,
    negative once it has passed."""
    return (tanggal_wib(tenggat) - hari).days


def kalender_usulan(tahun):
    """``[(jenis, mulai, selesai, tenggat_eviden or None)]`` of periode ``tahun``, the usual
    Kemenag calendar the chair adjusts."""
    n1 = tahun + 1
    akhir_feb = date(n1, 3, 1) - timedelta(days=1)
    return [
        (
            "mandiri",
            awal_hari(date(tahun, 11, 1)),
            akhir_hari(date(tahun, 12, 31)),
            akhir_hari(date(tahun, 12, 31)),
        ),
        ("pendahuluan", awal_hari(date(n1, 1, 15)), akhir_hari(date(n1, 2, 14)), None),
        ("exit_meeting", awal_hari(date(n1, 2, 17)), akhir_hari(date(n1, 2, 17)), None),
        ("perbaikan", awal_hari(date(n1, 2, 18)), akhir_hari(akhir_feb), akhir_hari(akhir_feb)),
        ("lanjutan", awal_hari(date(n1, 3, 9)), akhir_hari(date(n1, 3, 31)), None),
        (
            "tpi",
            awal_hari(date(n1, 4, 13)),
            akhir_hari(date(n1, 6, 30)),
            akhir_hari(date(n1, 4, 10)),
        ),
        (
            "tpn",
            awal_hari(date(n1, 8, 3)),
            akhir_hari(date(n1, 11, 30)),
            akhir_hari(date(n1, 7, 31)),
        ),
    ]
