"""Pure builders of the PortalRB response bodies (Panduan Teknis API Integrasi ZI v1.0.0 §3):
plain values in (rows the views already fetched), plain dicts out. No ORM, no request.

Answer format (``jawaban_unit`` / ``jawaban_tpi``): a choice soal gives the option key of
the bank's ``skema_penilaian`` ("Ya"/"Tidak", "A".."E"; the instrument's option codes are
those keys), or null when blank or not one of its options; a number soal (Jumlah, the 0–4
index) gives the number as a plain decimal string ("12", "3.25"), or null when blank.

``jawaban_tpi`` exists only once the TPI layer published its verdict on the submission;
from then on it is the answer the TPI's published score counted: the assessor's value where
the assessor gave one, the unit's frozen answer elsewhere ("agree until said otherwise", as in
the assessor workspace, ``penilaian/penilai/selectors.py``). ``catatan_tpi`` is the assessor's
own note only.

A Jumlah soal that feeds a % soal has a bank id of its own but is answered on the % soal's
card: its note and evidence live there, so its ``catatan_unit`` falls back to the % soal's
note and its evidence link lists the % soal's evidence too (as the LKE workbook's PortalRB
sheet does, ``penilaian/ekspor/xlsx.py``).
"""

from dataclasses import dataclass
from decimal import Decimal

from ..usulan.aturan import kategori


@dataclass(frozen=True)
class SoalBank:
    """A soal of the instrument with a bank id. ``opsi``: its option keys (empty for a
    number soal)."""

    id: int
    nomor_bank: int
    opsi: tuple = ()


@dataclass(frozen=True)
class Isian:
    """An answer as frozen (unit) or as an assessor layer left it (TPI)."""

    pilihan: str = ""
    angka: Decimal | None = None
    catatan: str = ""


def unit(kode_unit, nama_unit, predikat, afirmasi):
    return {
        "id": kode_unit,
        "nama": nama_unit,
        "kategori": kategori(predikat, afirmasi),
        "afirmasi": bool(afirmasi),
    }


def daftar_unit(*, tahun, usulan):
    """``GET /pengusulan/unit-wbk`` and ``/unit-wbbm``: ``usulan`` is an iterable of
    ``(kode_unit, nama_unit, predikat, afirmasi)``."""
    return {"tahun": tahun, "units": [unit(*u) for u in usulan]}


def teks_angka(angka):
    """A number as a plain decimal string without trailing zeros ("12", "3.25"), or None."""
    if angka is None:
        return None
    teks = format(Decimal(angka).normalize(), "f")
    return "0" if teks in ("-0", "") else teks


def teks_jawaban(soal, isian):
    """The answer of ``soal`` in the bank's format, or None."""
    if isian is None:
        return None
    if soal.opsi:
        return isian.pilihan if isian.pilihan in soal.opsi else None
    return teks_angka(isian.angka)


def _punya_nilai(isian):
    return isian is not None and (bool(isian.pilihan) or isian.angka is not None)


def _teks(nilai):
    nilai = (nilai or "").strip()
    return nilai or None


def jawaban_unit(
    *,
    kode_unit,
    nama_unit,
    tahun,
    bank,
    unit_isian,
    pemakai,
    berbukti,
    tpi_terbit,
    tpi,
    tautan,
    tpi_dasar=None,
):
    """``GET /lke/jawaban-unit/{unit_id}``.

    ``bank``: every ``SoalBank`` of the submission's instrument, in bank id order;
    ``unit_isian``: ``{soal id: Isian}`` of the frozen submission (``catatan`` = the unit's
    explanation); ``pemakai``: ``{Jumlah soal id: % soal id}``; ``berbukti``: ids of soal
    with frozen evidence; ``tpi_terbit``: has the TPI layer published its verdict on the
    submission; ``tpi``: ``{soal id: Isian}`` of the TPI layer (ignored unless published);
    ``tautan(nomor_bank)``: the signed evidence link of a soal; ``tpi_dasar``: the unit's
    answers on the submission the TPI assessed, when that is an earlier one (a soal the TPI
    left unanswered counts as the unit answered *there*)."""
    if not tpi_terbit:
        tpi = {}
    if tpi_dasar is None:
        tpi_dasar = unit_isian
    answers = []
    for s in bank:
        sendiri = unit_isian.get(s.id)
        induk = pemakai.get(s.id)
        catatan = _teks(sendiri.catatan if sendiri else "")
        if catatan is None and induk is not None and induk in unit_isian:
            catatan = _teks(unit_isian[induk].catatan)
        dinilai = tpi.get(s.id)
        berlaku_tpi = dinilai if _punya_nilai(dinilai) else tpi_dasar.get(s.id)
        catatan_tpi = _teks(dinilai.catatan if dinilai else "")
        if catatan_tpi is None and induk is not None and induk in tpi:
            catatan_tpi = _teks(tpi[induk].catatan)
        ada_bukti = s.id in berbukti or (induk is not None and induk in berbukti)
        answers.append(
            {
                "soal_id": s.nomor_bank,
                "jawaban_unit": teks_jawaban(s, sendiri),
                "jawaban_tpi": teks_jawaban(s, berlaku_tpi) if tpi_terbit else None,
                "catatan_unit": catatan,
                "bukti_dukung_unit": tautan(s.nomor_bank) if ada_bukti else None,
                "catatan_tpi": catatan_tpi,
            }
        )
    return {"unit_id": kode_unit, "nama_unit": nama_unit, "tahun": tahun, "answers": answers}


def galat(kode, pesan):
    """The spec's error body (§6)."""
    return {"error": True, "code": kode, "message": str(pesan)}
