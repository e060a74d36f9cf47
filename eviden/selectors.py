"""Reads shaped for the eviden pages."""

from dataclasses import dataclass, field

from .models import JenisJawaban, LembarKerja, Node, Soal, SoalMasukan


@dataclass
class BlokSubArea:
    node: Node
    kedalaman: int
    soal: list = field(default_factory=list)


@dataclass
class BagianArea:
    """The pemenuhan or reform half of a Pokja's area, with its sub-areas in order."""

    node: Node
    judul: str = ""
    sub_area: list = field(default_factory=list)

    @property
    def jumlah_soal(self):
        return sum(len(b.soal) for b in self.sub_area)


def lembar_kerja_tim(tim):
    return LembarKerja.objects.select_related("instrumen").filter(tim=tim).first()


def soal_pokja(instrumen, area):
    """The LKE soal of Pokja area ``area`` in ``instrumen``, grouped for the Pokja page.

    Returns a list of ``BagianArea`` (pemenuhan, then reform). Jumlah inputs are attached
    to the % soal that use them (``soal.daftar_input``) instead of being listed alone.
    Three queries, whatever the size of the instrument.
    """
    nodes = list(Node.objects.filter(instrumen=instrumen).order_by("kode"))
    area_nodes = sorted(
        (n for n in nodes if n.level == Node.Level.AREA and n.area_pokja == area),
        key=lambda n: n.kode,
    )
    bagian = []
    blok_by_node = {}
    for area_node in area_nodes:
        induk = next((n for n in nodes if n.pk == area_node.induk_id), None)
        b = BagianArea(node=area_node, judul=induk.nama if induk else area_node.nama)
        awalan = area_node.kode + "."
        turunan = sorted(
            (n for n in nodes if n.kode.startswith(awalan)),
            key=lambda n: [_urut(p) for p in n.kode[len(awalan) :].split(".")],
        )
        for n in turunan:
            blok = BlokSubArea(node=n, kedalaman=n.kode[len(awalan) :].count("."))
            b.sub_area.append(blok)
            blok_by_node[n.pk] = blok
        bagian.append(b)

    semua_soal = list(Soal.objects.filter(node_id__in=blok_by_node).order_by("node_id", "urutan"))
    by_id = {s.pk: s for s in semua_soal}
    for s in semua_soal:
        s.daftar_input = []
    dipakai = set()
    persen = [s.pk for s in semua_soal if s.jenis == JenisJawaban.PERSEN]
    for m in SoalMasukan.objects.filter(soal_id__in=persen).order_by("soal_id", "urutan"):
        if m.masukan_id in by_id:
            by_id[m.soal_id].daftar_input.append(by_id[m.masukan_id])
            dipakai.add(m.masukan_id)
    for s in semua_soal:
        if s.pk not in dipakai:
            blok_by_node[s.node_id].soal.append(s)
    for b in bagian:
        for blok in b.sub_area:
            blok.soal.sort(key=lambda s: s.urutan)
    return bagian


_ROMAWI = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}


def _urut(bagian_kode):
    """Sort key for a code part: roman numerals and letters in their natural order."""
    if bagian_kode in _ROMAWI:
        return (0, _ROMAWI[bagian_kode], "")
    if bagian_kode.isdigit():
        return (0, int(bagian_kode), "")
    return (1, 0, bagian_kode)
