"""Reads of the PortalRB API, each a fixed number of queries, returning the plain rows the
builders (``bangun``) take. Answers always come from a frozen submission, never live data."""

from dataclasses import dataclass, field

from eviden.models import Soal, SoalMasukan
from pokja.models import Lapisan

from ..models import (
    EvidenBeku,
    JawabanBeku,
    JawabanPenilai,
    Pengajuan,
    PutusanPenilai,
    Usulan,
)
from .bangun import Isian, SoalBank


def unit_diusulkan(tahun, predikat):
    """``(kode_unit, nama_unit, predikat, afirmasi)`` of the units proposed for ``tahun``
    with ``predikat`` and not withdrawn, by name. One query."""
    return list(
        Usulan.objects.filter(tahun=tahun, predikat=predikat, ditarik_pada__isnull=True)
        .order_by("nama_unit", "kode_unit")
        .values_list("kode_unit", "nama_unit", "predikat", "afirmasi")
    )


def usulan_unit(tahun, kode_unit):
    """The active proposal of unit ``kode_unit`` for ``tahun``, or None. One query."""
    return (
        Usulan.objects.filter(tahun=tahun, kode_unit=kode_unit, ditarik_pada__isnull=True)
        .only("pk", "tim_id", "kode_unit", "nama_unit", "tahun", "pengajuan_terkirim_id")
        .first()
    )


def soal_bank(instrumen_id):
    """Every soal of the instrument with a bank id, in bank id order. One query."""
    return [
        SoalBank(id=pk, nomor_bank=nomor, opsi=tuple(o.get("kode") for o in opsi or ()))
        for pk, nomor, opsi in Soal.objects.filter(
            instrumen_id=instrumen_id, nomor_bank__isnull=False
        )
        .order_by("nomor_bank")
        .values_list("pk", "nomor_bank", "opsi")
    ]


def pemakai_masukan(instrumen_id):
    """``{Jumlah soal id: % soal id}``: which % soal a Jumlah input feeds. One query."""
    return dict(
        SoalMasukan.objects.filter(soal__instrumen_id=instrumen_id).values_list(
            "masukan_id", "soal_id"
        )
    )


@dataclass
class DataJawaban:
    bank: list
    unit_isian: dict
    pemakai: dict
    berbukti: set
    tpi: dict = field(default_factory=dict)
    tpi_terbit: bool = False
    tpi_dasar: dict | None = None


def _isian(rows):
    return {sid: Isian(pilihan=p, angka=a, catatan=c) for sid, p, a, c in rows}


def data_jawaban(pengajuan):
    """What ``bangun.jawaban_unit`` needs of ``pengajuan``: six queries (five when the TPI
    layer has published nothing; seven when the TPI's latest published verdict is on an
    earlier submission of the team, e.g. once the team froze a later stage: PortalRB then
    gets the unit's latest answers and the TPI's published ones)."""
    bank = soal_bank(pengajuan.instrumen_id)
    pemakai = pemakai_masukan(pengajuan.instrumen_id)
    kolom = ("soal_id", "pilihan", "angka", "penjelasan")
    unit_isian = _isian(JawabanBeku.objects.filter(pengajuan=pengajuan).values_list(*kolom))
    berbukti = set(
        EvidenBeku.objects.filter(pengajuan=pengajuan)
        .order_by()
        .values_list("soal_id", flat=True)
        .distinct()
    )
    dinilai = (
        PutusanPenilai.objects.filter(
            pengajuan__tim=pengajuan.tim_id,
            pengajuan__diajukan_pada__lte=pengajuan.diajukan_pada,
            lapisan=Lapisan.TPI,
            dipublikasikan_pada__isnull=False,
        )
        .order_by("-pengajuan__diajukan_pada", "-dipublikasikan_pada")
        .values_list("pengajuan_id", flat=True)
        .first()
    )
    tpi, dasar = {}, None
    if dinilai is not None:
        tpi = _isian(
            JawabanPenilai.objects.filter(pengajuan=dinilai, lapisan=Lapisan.TPI).values_list(
                "soal_id", "pilihan", "angka", "catatan"
            )
        )
        if dinilai != pengajuan.pk:
            dasar = _isian(JawabanBeku.objects.filter(pengajuan=dinilai).values_list(*kolom))
    return DataJawaban(bank, unit_isian, pemakai, berbukti, tpi, dinilai is not None, dasar)


@dataclass
class BuktiSoal:
    """The frozen evidence behind one signed link: the submission, the soal and its files
    and external links (of the soal itself and, for a Jumlah input, of its % soal)."""

    pengajuan: object
    soal: object
    eviden: list


def bukti_soal(pengajuan_id, nomor_bank):
    """The ``BuktiSoal`` of a signed link, or None when the submission or the soal is gone.
    Four queries."""
    p = Pengajuan.objects.select_related("tim__satker", "tahapan").filter(pk=pengajuan_id).first()
    if p is None:
        return None
    soal = Soal.objects.filter(instrumen_id=p.instrumen_id, nomor_bank=nomor_bank).first()
    if soal is None:
        return None
    ids = [soal.pk, *SoalMasukan.objects.filter(masukan=soal).values_list("soal_id", flat=True)]
    eviden = list(
        EvidenBeku.objects.filter(pengajuan=p, soal_id__in=ids)
        .select_related("versi")
        .order_by("judul", "pk")
    )
    return BuktiSoal(pengajuan=p, soal=soal, eviden=eviden)
