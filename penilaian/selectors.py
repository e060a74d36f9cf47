"""Reads for scoring and the dashboards, each in a fixed number of queries.

``instrumen_lke`` turns an instrument version into the frozen input of ``skor.hitung``.
A version in use never changes (eviden.instrumen refuses it), so the frozen input is kept
per process under the version's id *and* content fingerprint: a reloaded file that is not
in use yet has a new fingerprint and is read again.
"""

from decimal import Decimal
from types import MappingProxyType

from eviden.models import AmbangPredikat, Jawaban, Node, Soal, SoalMasukan

from . import skor

_INSTRUMEN = {}


def instrumen_lke(instrumen):
    """The ``skor.InstrumenLKE`` of an ``eviden.Instrumen`` (4 queries the first time)."""
    kunci = (instrumen.pk, instrumen.sidik)
    if kunci not in _INSTRUMEN:
        _INSTRUMEN.clear()  # only the versions of the moment are worth keeping
        _INSTRUMEN[kunci] = _bangun(instrumen)
    return _INSTRUMEN[kunci]


def _bangun(instrumen):
    nodes = list(Node.objects.filter(instrumen=instrumen).select_related("induk"))
    nodes.sort(key=lambda n: (n.kode.count("."), n.urutan, n.kode))
    masukan = {}
    for m in SoalMasukan.objects.filter(soal__instrumen=instrumen).order_by("soal", "urutan"):
        masukan.setdefault(m.soal_id, []).append((m.nama, m.masukan_id))
    soal = [
        skor.SoalLKE(
            id=s.pk,
            kode=s.kode,
            node=s.node.kode,
            jenis=s.jenis,
            teks=s.teks,
            nomor_bank=s.nomor_bank,
            area_pokja=s.area_pokja,
            opsi=tuple(skor.Opsi(o["kode"], Decimal(str(o["nilai"]))) for o in s.opsi),
            bobot=s.bobot,
            rumus=s.rumus,
            masukan=tuple(masukan.get(s.pk, ())),
        )
        for s in Soal.objects.filter(instrumen=instrumen)
        .select_related("node")
        .order_by("node__kode", "urutan")
    ]
    ambang = sorted(
        AmbangPredikat.objects.filter(instrumen=instrumen),
        key=lambda a: (bool(a.syarat_predikat), a.total),
    )
    nama_area = {}
    for n in nodes:
        if n.level == Node.Level.AREA:
            nama_area.setdefault(n.area_pokja, n.nama)
    return skor.InstrumenLKE(
        kode=instrumen.kode,
        nodes=tuple(
            skor.NodeLKE(
                kode=n.kode,
                induk=n.induk.kode if n.induk else None,
                level=n.level,
                bobot=n.bobot,
                nama=n.nama,
                area_pokja=n.area_pokja,
            )
            for n in nodes
        ),
        soal=tuple(soal),
        ambang=tuple(
            skor.Ambang(
                predikat=a.predikat,
                total=a.total,
                pengungkit=a.pengungkit,
                persen_area=a.persen_area,
                ipak=a.ipak,
                capaian_kinerja=a.capaian_kinerja,
                birokrasi_bersih=a.birokrasi_bersih,
                pelayanan_prima=a.pelayanan_prima,
                syarat_predikat=a.syarat_predikat,
            )
            for a in ambang
        ),
        acuan=MappingProxyType(dict(instrumen.acuan_skor)),
        bobot_area=MappingProxyType(
            {int(k): Decimal(str(v)) for k, v in sorted(instrumen.bobot_area.items())}
        ),
        nama_area=MappingProxyType(nama_area),
    )


def isian_lembar(lembar):
    """The worksheet's answers as ``{soal id: skor.Isian}``. One query."""
    return {
        soal_id: skor.Isian(pilihan=pilihan, angka=angka)
        for soal_id, pilihan, angka in Jawaban.objects.filter(lembar=lembar).values_list(
            "soal_id", "pilihan", "angka"
        )
    }


def skor_lembar(lembar):
    """The score of a worksheet now (``lembar.instrumen`` should be loaded with it)."""
    return skor.hitung(instrumen_lke(lembar.instrumen), isian_lembar(lembar))
