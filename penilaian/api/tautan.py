"""Signed, expiring links to the frozen evidence of one soal (``bukti_dukung_unit``).

A link carries ``{"p": submission id, "s": bank soal id, "t": issued at (epoch seconds)}``
signed with ``django.core.signing`` (the project's SECRET_KEY, a salt of its own). It opens
without login until ``settings.PORTALRB_TAUTAN_JAM`` hours after it was issued; the file
links on its page carry the same signature, so no file outlives the page that lists it.
A link that was tampered with is refused; one that is too old is "gone".
"""

import time

from django.conf import settings
from django.core import signing

GARAM = "penilaian.api.bukti"


class TautanTidakSah(Exception):
    """The signature does not match (tampered, truncated, another key)."""


class TautanKedaluwarsa(Exception):
    """The link is older than ``PORTALRB_TAUTAN_JAM`` hours."""


def umur_detik():
    return settings.PORTALRB_TAUTAN_JAM * 3600


def tanda_bukti(pengajuan_id, nomor_bank, sekarang=None):
    """The signature (a URL path segment) of the evidence of bank soal ``nomor_bank`` in
    submission ``pengajuan_id``."""
    t = time.time() if sekarang is None else sekarang
    return signing.dumps({"p": pengajuan_id, "s": nomor_bank, "t": t}, salt=GARAM)


def buka(tanda, sekarang=None):
    """``(pengajuan_id, nomor_bank, issued_at)`` of a signature; raises ``TautanTidakSah``
    or ``TautanKedaluwarsa``."""
    try:
        isi = signing.loads(tanda, salt=GARAM)
        p, s, t = int(isi["p"]), int(isi["s"]), float(isi["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TautanTidakSah from exc
    sekarang = time.time() if sekarang is None else sekarang
    if sekarang - t >= umur_detik():
        raise TautanKedaluwarsa
    return p, s, t


def berlaku_sampai(t):
    """The epoch second a link issued at ``t`` stops working."""
    return t + umur_detik()
