"""The LKE score as a pure function: an instrument version and a team's answers in, an
immutable result out. No ORM, no settings, no translation: the selectors build the frozen
inputs, the pages and commands present the result.

The rules follow the official LKE workbook (PermenPANRB 90/2021, zi-domain.md §1.4):

- a soal's value ``v`` in [0, 1]: the multiplier of the chosen option (Ya/Tidak, A–C, A–D,
  A–E, as stored in the instrument), the ratio of a % soal from its Jumlah inputs (the
  formula of the instrument, kept within 0 and 1), or a survey index divided by the top of
  the index scale (``acuan_skor.skala_indeks``). Jumlah inputs are inputs, not soal to
  average. An unanswered soal counts as 0 and is listed;
- a sub-area = average of its soal values × its weight; a soal that carries its own weight
  (the Hasil soal) adds ``v`` × that weight instead; every node sums its children;
- an area (a Pokja) = its pemenuhan part + its reform part; pengungkit, hasil, total, the
  "bersih" and "prima" parts are the nodes ``acuan_skor`` names;
- the predicate rules (§1.3) compare those values with the thresholds of the version.

Every weight, multiplier and threshold is data of the instrument version. Decimal
arithmetic throughout (the sub-area sum is multiplied before it is divided, so 3 answers
worth 2/3 of 1.5 give exactly 1); comparisons with a threshold round to 10 decimals.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType

from eviden import rumus as rumus_mod

NOL = Decimal(0)
SATU = Decimal(1)
SERATUS = Decimal(100)
PRESISI = Decimal("1e-10")

# Answer kinds, as the instrument file names them.
JUMLAH = "jumlah"
PERSEN = "persen"
INDEKS = "nilai_0_4"

# Rule codes of the verdict, in display order; ``area_<n>`` come after ``pengungkit``.
ATURAN_HASIL = ("ipak", "capaian", "bersih", "ipkp")


def _bulat(d):
    return d.quantize(PRESISI, rounding=ROUND_HALF_EVEN)


def _beku(d):
    return MappingProxyType(dict(d))


# --- Inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opsi:
    kode: str
    nilai: Decimal


@dataclass(frozen=True)
class SoalLKE:
    id: int
    kode: str
    node: str  # kode of its node
    jenis: str
    teks: str = ""
    nomor_bank: int | None = None
    area_pokja: int | None = None
    opsi: tuple = ()  # (Opsi, ...) for the choice kinds
    bobot: Decimal | None = None  # a soal weighted on its own (Hasil), else None
    rumus: str = ""
    masukan: tuple = ()  # ((variable name, soal id of the Jumlah input), ...)
    panduan: tuple = ()  # evidence guidance items (for the quality checks, not the score)

    @property
    def dinilai(self):
        """A soal with a value of its own (Jumlah inputs only feed % soal)."""
        return self.jenis != JUMLAH

    @property
    def nilai_puncak(self):
        """The value of the top answer (the best option; 1 for % and index soal)."""
        if self.opsi:
            return max(o.nilai for o in self.opsi)
        return SATU


@dataclass(frozen=True)
class NodeLKE:
    kode: str
    induk: str | None
    level: str
    bobot: Decimal
    nama: str = ""
    area_pokja: int | None = None


@dataclass(frozen=True)
class Ambang:
    predikat: str
    total: Decimal
    pengungkit: Decimal
    persen_area: Decimal
    ipak: Decimal
    capaian_kinerja: Decimal
    birokrasi_bersih: Decimal
    pelayanan_prima: Decimal
    syarat_predikat: str = ""


@dataclass(frozen=True)
class InstrumenLKE:
    """One instrument version as the score needs it. ``acuan`` maps the parts the score
    reads to node or soal codes; ``bobot_area`` maps Pokja area 1–6 to its weight."""

    kode: str
    nodes: tuple  # (NodeLKE, ...) parents before children
    soal: tuple  # (SoalLKE, ...)
    ambang: tuple  # (Ambang, ...) in the order predicates are checked (WBK before WBBM)
    acuan: MappingProxyType
    bobot_area: MappingProxyType  # {1: Decimal("8"), ...}
    nama_area: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def skala_indeks(self):
        return Decimal(str(self.acuan["skala_indeks"]))


@dataclass(frozen=True)
class Isian:
    """A stored answer: the chosen option, or a number (Jumlah input, survey index)."""

    pilihan: str = ""
    angka: Decimal | None = None


# --- Result -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NilaiSoal:
    soal: SoalLKE
    nilai: Decimal | None  # in [0, 1]; None = not answered
    poin: Decimal  # points towards the total (0 when unanswered)
    poin_puncak: Decimal  # points at the top answer
    mentah: Decimal | None = None  # a % soal's ratio before it is kept within 0 and 1

    @property
    def dijawab(self):
        return self.nilai is not None

    @property
    def naik(self):
        """Points the total gains when this soal gets its top answer."""
        return self.poin_puncak - self.poin


@dataclass(frozen=True)
class NilaiNode:
    node: NodeLKE
    nilai: Decimal

    @property
    def persen(self):
        return self.nilai / self.node.bobot * SERATUS if self.node.bobot else NOL


@dataclass(frozen=True)
class NilaiArea:
    nomor: int
    nama: str
    bobot: Decimal
    pemenuhan: Decimal
    reform: Decimal

    @property
    def nilai(self):
        return self.pemenuhan + self.reform

    @property
    def persen(self):
        return self.nilai / self.bobot * SERATUS if self.bobot else NOL


@dataclass(frozen=True)
class Aturan:
    """One predicate rule: ``nilai`` against ``ambang`` (points). Area rules also carry the
    area weight and the minimum percentage; the ``wbk`` rule compares 1/0 with 1."""

    kode: str
    nilai: Decimal
    ambang: Decimal
    bobot: Decimal | None = None
    persen_ambang: Decimal | None = None
    syarat_predikat: str = ""  # the rule "already meets <predikat>"

    @property
    def memenuhi(self):
        return _bulat(self.nilai) >= _bulat(self.ambang)

    @property
    def kurang(self):
        return NOL if self.memenuhi else self.ambang - self.nilai

    @property
    def persen(self):
        return self.nilai / self.bobot * SERATUS if self.bobot else None


@dataclass(frozen=True)
class Putusan:
    predikat: str
    aturan: tuple  # (Aturan, ...)

    @property
    def memenuhi(self):
        return all(a.memenuhi for a in self.aturan)

    @property
    def gagal(self):
        return tuple(a.kode for a in self.aturan if not a.memenuhi)


@dataclass(frozen=True)
class Pengangkat:
    """A soal that would lift the score: ``naik`` points at its top answer, and the failed
    rules (``(predikat, kode)``) that its points count towards."""

    nilai: NilaiSoal
    naik: Decimal
    aturan: tuple

    @property
    def soal(self):
        return self.nilai.soal


@dataclass(frozen=True)
class HasilSkor:
    instrumen: InstrumenLKE
    soal: MappingProxyType  # soal id → NilaiSoal (every soal with a value of its own)
    node: MappingProxyType  # node kode → NilaiNode
    area: MappingProxyType  # Pokja area 1–6 → NilaiArea
    putusan: MappingProxyType  # predikat → Putusan
    belum_dijawab: tuple  # (SoalLKE, ...) scored soal without a value, in instrument order
    isian_kosong: tuple  # (SoalLKE, ...) Jumlah inputs without a number
    _cakupan: MappingProxyType = field(repr=False, compare=False)

    def bagian(self, nama):
        """Value of the node ``acuan_skor[nama]`` (pengungkit, hasil, pemenuhan, …)."""
        return self.node[self.instrumen.acuan[nama]].nilai

    def poin_soal(self, nama):
        """Points of the soal ``acuan_skor[nama]`` (ipak, capaian, ipkp)."""
        kode = self.instrumen.acuan[nama]
        return next(n.poin for n in self.soal.values() if n.soal.kode == kode)

    @property
    def pengungkit(self):
        return self.bagian("pengungkit")

    @property
    def hasil(self):
        return self.bagian("hasil")

    @property
    def total(self):
        return self.pengungkit + self.hasil

    @property
    def pemenuhan(self):
        return self.bagian("pemenuhan")

    @property
    def reform(self):
        return self.bagian("reform")

    @property
    def bersih(self):
        return self.bagian("bersih")

    @property
    def prima(self):
        return self.bagian("prima")

    def _dibantu(self, cakupan):
        """The failed rules ``(predikat, kode)`` that points in ``cakupan`` count towards; a
        "meets <predikat>" rule counts when they help a failed rule of that predicate."""
        hasil = []
        for p in self.putusan.values():
            for a in p.aturan:
                if a.memenuhi:
                    continue
                if a.syarat_predikat:
                    syarat = self.putusan.get(a.syarat_predikat)
                    if syarat and any(k in cakupan for k in syarat.gagal):
                        hasil.append((p.predikat, a.kode))
                elif a.kode in cakupan:
                    hasil.append((p.predikat, a.kode))
        return tuple(hasil)

    def pengangkat(self, area=None):
        """Soal ranked by the points the total gains at their top answer (``area``: only
        that Pokja's soal; ``0``: only the Hasil soal)."""
        daftar = []
        for n in self.soal.values():
            if n.naik <= 0:
                continue
            if area is not None and (n.soal.area_pokja or 0) != area:
                continue
            daftar.append(Pengangkat(n, n.naik, self._dibantu(self._cakupan[n.soal.id])))
        daftar.sort(key=lambda p: (-p.naik, p.soal.kode))
        return daftar


# --- The computation --------------------------------------------------------------------------


def nilai_jawaban(soal, isian, angka_masukan, skala):
    """(value in [0, 1] or None, raw % ratio or None) of one soal's answer."""
    if soal.jenis == PERSEN:
        if any(v is None for v in angka_masukan.values()):
            return None, None
        hasil = rumus_mod.hitung_rinci(soal.rumus, angka_masukan)
        return hasil.nilai, hasil.mentah
    if soal.opsi:
        pilihan = isian.pilihan if isian else ""
        return next((o.nilai for o in soal.opsi if o.kode == pilihan), None), None
    angka = isian.angka if isian else None
    if angka is None:
        return None, None
    return min(max(Decimal(angka) / skala, NOL), SATU), None


def hitung(instrumen, jawaban):
    """Score ``jawaban`` (soal id → ``Isian``) on ``instrumen``; return a ``HasilSkor``."""
    skala = instrumen.skala_indeks
    node_by_kode = {n.kode: n for n in instrumen.nodes}
    anak = {}
    for n in instrumen.nodes:
        anak.setdefault(n.induk, []).append(n)
    soal_per_node = {}
    for s in instrumen.soal:
        if s.dinilai:
            soal_per_node.setdefault(s.node, []).append(s)

    nilai = {}
    for s in instrumen.soal:
        if not s.dinilai:
            continue
        angka = {nama: _angka(jawaban.get(sid)) for nama, sid in s.masukan}
        v, mentah = nilai_jawaban(s, jawaban.get(s.id), angka, skala)
        nilai[s.id] = (v, mentah)

    hasil_node, hasil_soal = {}, {}

    def nilai_node(node):
        jumlah = sum((nilai_node(a) for a in anak.get(node.kode, ())), NOL)
        daftar = soal_per_node.get(node.kode, ())
        rata = [s for s in daftar if s.bobot is None]
        for s in daftar:
            v, mentah = nilai[s.id]
            per_soal = s.bobot if s.bobot is not None else node.bobot / len(rata)
            hasil_soal[s.id] = NilaiSoal(
                soal=s,
                nilai=v,
                poin=(v or NOL) * per_soal,
                poin_puncak=s.nilai_puncak * per_soal,
                mentah=mentah,
            )
        if rata:
            jumlah += sum((nilai[s.id][0] or NOL for s in rata), NOL) * node.bobot / len(rata)
        jumlah += sum(((nilai[s.id][0] or NOL) * s.bobot for s in daftar if s.bobot), NOL)
        hasil_node[node.kode] = NilaiNode(node, jumlah)
        return jumlah

    for akar in anak.get(None, ()):
        nilai_node(akar)

    pemenuhan = _turunan(instrumen.acuan["pemenuhan"], node_by_kode)
    area = {}
    for nomor, bobot in instrumen.bobot_area.items():
        bagian = [n for n in instrumen.nodes if n.level == "area" and n.area_pokja == nomor]
        area[nomor] = NilaiArea(
            nomor=nomor,
            nama=instrumen.nama_area.get(nomor, ""),
            bobot=bobot,
            pemenuhan=sum((hasil_node[n.kode].nilai for n in bagian if n.kode in pemenuhan), NOL),
            reform=sum((hasil_node[n.kode].nilai for n in bagian if n.kode not in pemenuhan), NOL),
        )

    urut_soal = [s for s in instrumen.soal if s.id in hasil_soal]
    hasil = HasilSkor(
        instrumen=instrumen,
        soal=_beku((s.id, hasil_soal[s.id]) for s in urut_soal),
        node=_beku(hasil_node),
        area=_beku(sorted(area.items())),
        putusan=MappingProxyType({}),
        belum_dijawab=tuple(s for s in urut_soal if not hasil_soal[s.id].dijawab),
        isian_kosong=tuple(
            s for s in instrumen.soal if not s.dinilai and _angka(jawaban.get(s.id)) is None
        ),
        _cakupan=_beku(_cakupan(instrumen, urut_soal, node_by_kode)),
    )
    putusan = {}
    for ambang in instrumen.ambang:
        putusan[ambang.predikat] = Putusan(ambang.predikat, _aturan(hasil, ambang, putusan))
    object.__setattr__(hasil, "putusan", _beku(putusan))
    return hasil


def _angka(isian):
    return isian.angka if isian is not None else None


def _turunan(kode, node_by_kode):
    """Codes of ``kode`` and every node below it."""
    hasil = set()
    for n in node_by_kode.values():
        k = n.kode
        while k is not None:
            if k == kode:
                hasil.add(n.kode)
                break
            k = node_by_kode[k].induk
    return hasil


def _cakupan(instrumen, soal, node_by_kode):
    """For each soal, the codes of the rules whose value its points count towards."""
    acuan = instrumen.acuan
    bagian = {
        "pengungkit": _turunan(acuan["pengungkit"], node_by_kode),
        "bersih": _turunan(acuan["bersih"], node_by_kode),
        "ipkp": _turunan(acuan["prima"], node_by_kode),
    }
    hasil = {}
    for s in soal:
        kode = {"total"}
        for nama, nodes in bagian.items():
            if s.node in nodes:
                kode.add(nama)
        if s.area_pokja:
            kode.add(f"area_{s.area_pokja}")
        for nama in ("ipak", "capaian", "ipkp"):
            if s.kode == acuan[nama]:
                kode.add(nama)
        hasil[s.id] = frozenset(kode)
    return hasil


def _aturan(hasil, ambang, putusan_sebelumnya):
    """The rules of one predicate, in display order (zi-domain.md §1.3)."""
    daftar = [
        Aturan("total", hasil.total, ambang.total),
        Aturan("pengungkit", hasil.pengungkit, ambang.pengungkit),
    ]
    for a in hasil.area.values():
        daftar.append(
            Aturan(
                f"area_{a.nomor}",
                a.nilai,
                a.bobot * ambang.persen_area / SERATUS,
                bobot=a.bobot,
                persen_ambang=ambang.persen_area,
            )
        )
    daftar += [
        Aturan("ipak", hasil.poin_soal("ipak"), ambang.ipak),
        Aturan("capaian", hasil.poin_soal("capaian"), ambang.capaian_kinerja),
        Aturan("bersih", hasil.bersih, ambang.birokrasi_bersih),
        Aturan("ipkp", hasil.prima, ambang.pelayanan_prima),
    ]
    if ambang.syarat_predikat:
        syarat = putusan_sebelumnya.get(ambang.syarat_predikat)
        daftar.append(
            Aturan(
                ambang.syarat_predikat.lower(),
                SATU if syarat and syarat.memenuhi else NOL,
                SATU,
                syarat_predikat=ambang.syarat_predikat,
            )
        )
    return tuple(daftar)


def ringkas(hasil):
    """The result as plain data (floats at full precision), the shape of ``manage.py skor
    --json``. ``belum_dijawab`` holds bank soal ids: unanswered soal and empty Jumlah inputs
    (a % soal has no bank id of its own; its inputs do)."""
    belum = {s.nomor_bank for s in hasil.belum_dijawab if s.nomor_bank is not None}
    belum |= {s.nomor_bank for s in hasil.isian_kosong if s.nomor_bank is not None}
    return {
        "total": float(hasil.total),
        "pengungkit": float(hasil.pengungkit),
        "hasil": float(hasil.hasil),
        "pemenuhan": float(hasil.pemenuhan),
        "reform": float(hasil.reform),
        "bersih": float(hasil.bersih),
        "prima": float(hasil.prima),
        "area": {str(n): float(a.nilai) for n, a in hasil.area.items()},
        "predikat": {
            p: {"memenuhi": v.memenuhi, "gagal": list(v.gagal)} for p, v in hasil.putusan.items()
        },
        "belum_dijawab": sorted(belum),
    }
