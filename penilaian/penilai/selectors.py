"""Reads of the assessor workspace (DESIGN.md §5), each in a fixed number of queries.

Everything an assessor reads comes from the frozen submission (``JawabanBeku``,
``EvidenBeku``), never from the team's live worksheet. The workspace lists the soal the way
the team's cards do: a % soal carries its Jumlah inputs (which are not listed alone), in
instrument order (the row order of the official LKE workbook).

**A soal without an assessor answer counts as the unit's answer** ("agree until said
otherwise"): the assessor's score is ``skor.hitung`` on the assessor's answers where given
and the unit's frozen answers elsewhere. A soal is *reviewed* once the assessor gave it a
value (an option, a number, or every Jumlah input of a % soal); the overview and the gap view
say which soal are still unreviewed, so an unchanged score never hides unread soal.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, F, Q

from eviden.kartu import Masukan
from eviden.models import JENIS_PILIHAN, JenisJawaban, Node, Soal, SoalMasukan, StatusButir
from pokja.models import TimZI
from zi_portal.format import angka

from .. import skor
from ..models import (
    URUTAN_TAHAPAN,
    EvidenBeku,
    JawabanBeku,
    JawabanPenilai,
    JenisTahapan,
    Pengajuan,
    PutusanPenilai,
)
from ..selectors import instrumen_lke

NOL = Decimal(0)


def _punya_nilai(row):
    """Does an answer row (frozen or assessor's) carry a value (an option or a number)?"""
    return row is not None and (bool(row.pilihan) or row.angka is not None)


def isian_dari(row):
    return skor.Isian(pilihan=row.pilihan, angka=row.angka)


# --- The soal of a workspace -------------------------------------------------------------------


@dataclass
class SoalPenilai:
    """A listed soal with its Jumlah inputs (``[eviden.kartu.Masukan]``) and its heading."""

    soal: Soal
    masukan: list
    grup: str
    urutan: int = 0


def _grup(node):
    """The heading a soal is listed under: its area (with Pemenuhan/Reform) or, for the
    Komponen Hasil, its sub-komponen."""
    n = node
    for _i in range(5):
        if n is None:
            break
        if n.level == Node.Level.AREA:
            induk = n.induk if "induk" in n._state.fields_cache else None
            bagian = f" — {induk.nama}" if induk else ""
            return f"{n.kode} {n.nama}{bagian}"
        if n.level == Node.Level.SUB_KOMPONEN:
            return f"{n.kode} {n.nama}"
        n = n.induk if "induk" in n._state.fields_cache else None
    return node.kode


def daftar_soal(instrumen):
    """The listed soal of ``instrumen`` in instrument order (``[SoalPenilai]``), Jumlah
    inputs folded into their % soal. Two queries."""
    semua = list(
        Soal.objects.filter(instrumen=instrumen)
        .select_related("node__induk__induk__induk")
        .order_by(F("excel_baris").asc(nulls_last=True), "node__kode", "urutan")
    )
    by_id = {s.pk: s for s in semua}
    masukan, dipakai = {}, set()
    for m in SoalMasukan.objects.filter(soal__instrumen=instrumen).order_by("soal_id", "urutan"):
        if m.masukan_id in by_id:
            masukan.setdefault(m.soal_id, []).append(Masukan(by_id[m.masukan_id], m.nama))
            dipakai.add(m.masukan_id)
    daftar = [
        SoalPenilai(s, masukan.get(s.pk, []), _grup(s.node)) for s in semua if s.pk not in dipakai
    ]
    for i, x in enumerate(daftar):
        x.urutan = i
    return daftar


# --- One soal: unit vs assessor -----------------------------------------------------------------


def teks_jawaban(soal, row, nilai=None):
    """An answer as a short text: the option, the number, or a % soal's computed value."""
    if soal.jenis == JenisJawaban.PERSEN:
        if nilai is None or nilai.nilai is None:
            return "—"
        return f"{_angka(nilai.nilai * 100)} %"
    if row is None:
        return "—"
    if row.pilihan:
        return row.pilihan
    if row.angka is not None:
        return _angka(row.angka, bulat=soal.jenis == JenisJawaban.JUMLAH)
    return "—"


def _angka(d, bulat=False):
    d = Decimal(d)
    if bulat or d == d.to_integral_value():
        return angka(d, 0)
    return angka(d)


@dataclass
class BarisPenilai:
    """One listed soal of the workspace: the unit's frozen answer and the assessor's (own
    layer), both with their value from the engine."""

    item: SoalPenilai
    beku: JawabanBeku | None
    milik: JawabanPenilai | None
    beku_masukan: dict  # input soal id -> JawabanBeku
    milik_masukan: dict  # input soal id -> JawabanPenilai
    nilai_unit: skor.NilaiSoal | None
    nilai_penilai: skor.NilaiSoal | None
    lain: list = field(default_factory=list)  # [(soal kode, row)] of other published layers

    @property
    def soal(self):
        return self.item.soal

    @property
    def masukan(self):
        return self.item.masukan

    @property
    def persen(self):
        return self.soal.jenis == JenisJawaban.PERSEN

    @property
    def dinilai(self):
        """Has the assessor given this soal a value (every input of a % soal)?"""
        if self.persen:
            return bool(self.masukan) and all(
                _punya_nilai(self.milik_masukan.get(m.soal.pk)) for m in self.masukan
            )
        return _punya_nilai(self.milik)

    @property
    def berbeda(self):
        """Does the assessor's given answer differ from the unit's?"""
        if self.persen:
            return any(
                _punya_nilai(r) and _nilai_row(r) != _nilai_row(self.beku_masukan.get(sid))
                for sid, r in self.milik_masukan.items()
            )
        return _punya_nilai(self.milik) and _nilai_row(self.milik) != _nilai_row(self.beku)

    @property
    def teks_unit(self):
        return teks_jawaban(self.soal, self.beku, self.nilai_unit)

    @property
    def teks_penilai(self):
        """The assessor's answer as text; "—" when not reviewed (the unit's answer counts)."""
        if not self.dinilai and not (self.persen and self.milik_masukan):
            return "—"
        return teks_jawaban(self.soal, self.milik, self.nilai_penilai)

    @property
    def poin_unit(self):
        return self.nilai_unit.poin if self.nilai_unit else NOL

    @property
    def poin_penilai(self):
        return self.nilai_penilai.poin if self.nilai_penilai else NOL

    @property
    def selisih(self):
        """Points: the assessor's minus the unit's."""
        return self.poin_penilai - self.poin_unit

    @property
    def catatan(self):
        return self.milik.catatan if self.milik else ""

    @property
    def status_unit(self):
        """The unit's internal review state at submission, in words."""
        status = (self.beku.status if self.beku else "") or StatusButir.DRAF
        return dict(StatusButir.choices).get(status, status)

    @property
    def masukan_baris(self):
        """``[(Masukan, unit row, assessor row)]`` of a % soal's inputs."""
        return [
            (m, self.beku_masukan.get(m.soal.pk), self.milik_masukan.get(m.soal.pk))
            for m in self.masukan
        ]

    @property
    def status(self):
        """ "belum" (not reviewed), "berbeda" or "sama"."""
        if self.berbeda:
            return "berbeda"
        return "sama" if self.dinilai else "belum"


def _nilai_row(row):
    if row is None:
        return ("", None)
    return (row.pilihan or "", None if row.angka is None else Decimal(row.angka))


@dataclass
class Kerja:
    """What every workspace page reads: the listed soal with both answers, the two scores
    and the verdicts on the submission."""

    ruang: object
    baris: list  # [BarisPenilai], instrument order
    hasil_unit: skor.HasilSkor
    hasil_penilai: skor.HasilSkor
    putusan_semua: list  # [PutusanPenilai] of the submission, every layer and stage
    jumlah_isian: int  # soal that take an answer (every soal but the computed % soal)
    isian_dinilai: int  # of those, how many carry an assessor value

    @property
    def pengajuan(self):
        return self.ruang.pengajuan

    @property
    def lapisan_terbit(self):
        """Layers that published a verdict on this submission (their rows are public)."""
        return {p.lapisan for p in self.putusan_semua if p.dipublikasikan_pada}

    @property
    def boleh_tulis_jawaban(self):
        """May the assessor still change answers and notes? Not once their layer published a
        verdict on this submission (for any stage: the answers are the layer's, once)."""
        return self.ruang.boleh_tulis and self.ruang.lapisan not in self.lapisan_terbit

    @property
    def belum_dinilai(self):
        return sum(not b.dinilai for b in self.baris)

    @property
    def jumlah_berbeda(self):
        return sum(b.berbeda for b in self.baris)

    def cari(self, soal_id):
        return next((b for b in self.baris if b.soal.pk == soal_id), None)


def isian_penilai(beku, milik):
    """``{soal id: Isian}`` the assessor's score reads: the assessor's value where given, the
    unit's frozen answer elsewhere (``beku``/``milik``: soal id -> row)."""
    isian = {sid: isian_dari(r) for sid, r in beku.items()}
    for sid, r in milik.items():
        if _punya_nilai(r):
            isian[sid] = isian_dari(r)
    return isian


def muat_kerja(ruang, *, lapisan_lain=True):
    """The ``Kerja`` of an assessor's ``RuangPenilai``. Five queries (four more the first time
    a process reads the instrument version), whatever the number of answers."""
    p = ruang.pengajuan
    daftar = daftar_soal(p.instrumen)
    beku = {j.soal_id: j for j in JawabanBeku.objects.filter(pengajuan=p)}
    putusan = list(PutusanPenilai.objects.filter(pengajuan=p).order_by("lapisan", "tahapan"))
    terbit = {x.lapisan for x in putusan if x.dipublikasikan_pada}
    lapisan = {ruang.lapisan} | ((terbit - {ruang.lapisan}) if lapisan_lain else set())
    milik, lain = {}, {}
    for r in (
        JawabanPenilai.objects.filter(pengajuan=p, lapisan__in=lapisan)
        .select_related("diubah_oleh")
        .order_by("lapisan", "soal_id")
    ):
        if r.lapisan == ruang.lapisan:
            milik[r.soal_id] = r
        else:
            lain.setdefault(r.soal_id, []).append(r)
    lke = instrumen_lke(p.instrumen)
    hasil_unit = skor.hitung(lke, {sid: isian_dari(r) for sid, r in beku.items()})
    hasil_penilai = skor.hitung(lke, isian_penilai(beku, milik))
    baris = []
    for x in daftar:
        ids = [m.soal.pk for m in x.masukan]
        kode = {x.soal.pk: x.soal.kode, **{m.soal.pk: m.soal.kode for m in x.masukan}}
        baris.append(
            BarisPenilai(
                item=x,
                beku=beku.get(x.soal.pk),
                milik=milik.get(x.soal.pk),
                beku_masukan={i: beku[i] for i in ids if i in beku},
                milik_masukan={i: milik[i] for i in ids if i in milik},
                nilai_unit=hasil_unit.soal.get(x.soal.pk),
                nilai_penilai=hasil_penilai.soal.get(x.soal.pk),
                lain=[(kode[i], r) for i in [x.soal.pk, *ids] for r in lain.get(i, [])],
            )
        )
    dijawab = [s for s in lke.soal if s.jenis != skor.PERSEN]
    return Kerja(
        ruang=ruang,
        baris=baris,
        hasil_unit=hasil_unit,
        hasil_penilai=hasil_penilai,
        putusan_semua=putusan,
        jumlah_isian=len(dijawab),
        isian_dinilai=sum(_punya_nilai(milik.get(s.id)) for s in dijawab),
    )


# --- Overview filter ---------------------------------------------------------------------------

SARINGAN = ("semua", "belum", "berbeda")


def saring(baris, saringan):
    if saringan == "belum":
        return [b for b in baris if not b.dinilai]
    if saringan == "berbeda":
        return [b for b in baris if b.berbeda]
    return list(baris)


@dataclass
class Grup:
    judul: str
    baris: list


def per_grup(baris):
    """Rows under their headings, in order (consecutive soal share a heading)."""
    return [Grup(judul, list(rs)) for judul, rs in groupby(baris, key=lambda b: b.item.grup)]


# --- The fast-review card ----------------------------------------------------------------------


@dataclass
class CatatanLalu:
    """The layer's answer on the same soal of the team's earlier submission."""

    pengajuan: Pengajuan
    baris: list  # [(Soal, JawabanPenilai)]


@dataclass
class KartuPenilai:
    """One soal in fast review: the soal, the unit's frozen answer, note, review state and
    evidence versions, the assessor's answer, other layers' published ones, neighbours."""

    kerja: Kerja
    b: BarisPenilai
    eviden: list  # [EvidenBeku] with versi
    sebelum: Soal | None
    sesudah: Soal | None
    lalu: CatatanLalu | None = None

    @property
    def soal(self):
        return self.b.soal

    @property
    def posisi(self):
        return self.b.item.urutan + 1

    @property
    def jumlah(self):
        return len(self.kerja.baris)

    @property
    def pilihan(self):
        return self.soal.jenis in JENIS_PILIHAN

    @property
    def versi(self):
        return self.b.milik.versi if self.b.milik else 0


def kartu(kerja, soal_id):
    """The fast-review card of ``soal_id`` (None when it is not a listed soal of the
    submission's instrument). Two queries on top of ``muat_kerja``."""
    b = kerja.cari(soal_id)
    if b is None:
        return None
    i = b.item.urutan
    p = kerja.pengajuan
    ids = [b.soal.pk] + [m.soal.pk for m in b.masukan]
    eviden = list(
        EvidenBeku.objects.filter(pengajuan=p, soal_id=b.soal.pk)
        .select_related("versi")
        .order_by("judul", "pk")
    )
    lalu_rows = list(
        JawabanPenilai.objects.filter(
            pengajuan__tim_id=p.tim_id,
            lapisan=kerja.ruang.lapisan,
            soal_id__in=ids,
            pengajuan__diajukan_pada__lt=p.diajukan_pada,
        )
        .select_related("pengajuan__tahapan", "soal")
        .order_by("-pengajuan__diajukan_pada", "-pengajuan_id", "soal_id")
    )
    lalu = None
    if lalu_rows:
        terakhir = lalu_rows[0].pengajuan
        lalu = CatatanLalu(
            terakhir, [(r.soal, r) for r in lalu_rows if r.pengajuan_id == terakhir.pk]
        )
    return KartuPenilai(
        kerja=kerja,
        b=b,
        eviden=eviden,
        sebelum=kerja.baris[i - 1].soal if i > 0 else None,
        sesudah=kerja.baris[i + 1].soal if i + 1 < len(kerja.baris) else None,
        lalu=lalu,
    )


def eviden_beku(ruang, pk):
    """An evidence version of the grant's submission (None for any other). One query."""
    return (
        EvidenBeku.objects.select_related("versi").filter(pk=pk, pengajuan=ruang.pengajuan).first()
    )


# --- The gap view ------------------------------------------------------------------------------


@dataclass
class SelisihBagian:
    """A part of the score (a Pokja area, the Komponen Hasil): unit, assessor, difference
    (the sum of its soal's point differences) and its soal."""

    kode: str
    judul: str
    unit: Decimal
    penilai: Decimal
    baris: list

    @property
    def selisih(self):
        return sum((b.selisih for b in self.baris), NOL)


@dataclass
class Selisih:
    bagian: list  # [SelisihBagian]: areas 1–6, then Hasil
    hasil_unit: skor.HasilSkor
    hasil_penilai: skor.HasilSkor

    @property
    def area(self):
        return [b for b in self.bagian if b.kode != "hasil"]

    @property
    def selisih_pengungkit(self):
        return sum((b.selisih for b in self.area), NOL)

    @property
    def selisih_hasil(self):
        return sum((b.selisih for b in self.bagian if b.kode == "hasil"), NOL)

    @property
    def selisih_total(self):
        return self.selisih_pengungkit + self.selisih_hasil


def selisih(kerja):
    """Unit vs assessor per soal, per Pokja area and the Komponen Hasil. The differences add
    up: a part's difference is the sum of its soal's point differences, the pengungkit's the
    sum of the areas', the total's the pengungkit's plus the Hasil's (tests check these equal
    the engine's own differences)."""
    hu, hp = kerja.hasil_unit, kerja.hasil_penilai
    per_area = {}
    for b in kerja.baris:
        if b.nilai_unit is None and b.nilai_penilai is None:
            continue  # a Jumlah input listed alone (none in the LKE): no points of its own
        per_area.setdefault(b.soal.area_pokja or 0, []).append(b)
    bagian = []
    for n, a in hu.area.items():
        bagian.append(
            SelisihBagian(
                f"area_{n}", f"{n}. {a.nama}", a.nilai, hp.area[n].nilai, per_area.get(n, [])
            )
        )
    bagian.append(SelisihBagian("hasil", "", hu.hasil, hp.hasil, per_area.get(0, [])))
    return Selisih(bagian=bagian, hasil_unit=hu, hasil_penilai=hp)


# --- The assessor's home -------------------------------------------------------------------------


@dataclass
class BarisBeranda:
    penugasan: object
    pengajuan: Pengajuan | None
    jumlah: int = 0
    dinilai: int = 0
    putusan: PutusanPenilai | None = None

    @property
    def tahapan_label(self):
        return label_tahapan(self.penugasan.tahapan)

    @property
    def persen(self):
        return self.dinilai * 100 / self.jumlah if self.jumlah else 0


def label_tahapan(tahapan):
    """A grant's stage (a ``JenisTahapan`` value) in words."""
    return JenisTahapan(tahapan).label


def _berlaku(daftar, tahapan):
    """``akses.pengajuan_berlaku`` over loaded rows: the latest submission of the stage or an
    earlier one."""
    batas = URUTAN_TAHAPAN[tahapan]
    calon = [p for p in daftar if URUTAN_TAHAPAN[p.tahapan.jenis] <= batas]
    return max(calon, key=lambda p: (p.diajukan_pada, p.pk), default=None)


def beranda(penugasan):
    """Rows of the assessor's home for ``penugasan`` (grants in force, from
    ``akses.penugasan_aktif``). Five queries, whatever the number of grants."""
    penugasan = list(penugasan)
    if not penugasan:
        return []
    tim = {
        (t.satker_id, t.tahun): t
        for t in TimZI.objects.filter(
            satker_id__in={g.satker_id for g in penugasan}, tahun__in={g.tahun for g in penugasan}
        )
    }
    per_tim = {}
    for p in Pengajuan.objects.filter(tim__in=tim.values()).select_related("tahapan"):
        per_tim.setdefault(p.tim_id, []).append(p)
    baris = []
    for g in penugasan:
        t = tim.get((g.satker_id, g.tahun))
        baris.append(BarisBeranda(g, _berlaku(per_tim.get(t.pk, []), g.tahapan) if t else None))
    ids = {b.pengajuan.pk for b in baris if b.pengajuan}
    jumlah = dict(
        JawabanBeku.objects.filter(pengajuan_id__in=ids)
        .exclude(soal__jenis=JenisJawaban.PERSEN)
        .values("pengajuan_id")
        .annotate(n=Count("pk"))
        .values_list("pengajuan_id", "n")
    )
    dinilai = {
        (r["pengajuan_id"], r["lapisan"]): r["n"]
        for r in JawabanPenilai.objects.filter(pengajuan_id__in=ids)
        .filter(~Q(pilihan="") | Q(angka__isnull=False))
        .values("pengajuan_id", "lapisan")
        .annotate(n=Count("pk"))
    }
    putusan = {
        (x.pengajuan_id, x.lapisan, x.tahapan): x
        for x in PutusanPenilai.objects.filter(pengajuan_id__in=ids)
    }
    for b in baris:
        if b.pengajuan:
            g = b.penugasan
            b.jumlah = jumlah.get(b.pengajuan.pk, 0)
            b.dinilai = dinilai.get((b.pengajuan.pk, g.lapisan), 0)
            b.putusan = putusan.get((b.pengajuan.pk, g.lapisan, g.tahapan))
    return baris


# --- The team's side ---------------------------------------------------------------------------


@dataclass
class Terbit:
    """What the team sees of the assessors on one submission: the published verdicts and
    the published layers' answers per soal (nothing of an unpublished layer)."""

    putusan: list  # [PutusanPenilai], published only
    per_soal: dict  # soal id -> [JawabanPenilai]

    def __bool__(self):
        return bool(self.putusan)


def terbit_untuk_tim(pengajuan):
    """The published assessor work on ``pengajuan``. Two queries (one when nothing is
    published)."""
    putusan = list(
        PutusanPenilai.objects.filter(pengajuan=pengajuan, dipublikasikan_pada__isnull=False)
        .select_related("dipublikasikan_oleh")
        .order_by("dipublikasikan_pada", "pk")
    )
    per_soal = {}
    if putusan:
        for r in JawabanPenilai.objects.filter(
            pengajuan=pengajuan, lapisan__in={x.lapisan for x in putusan}
        ).order_by("lapisan", "soal_id"):
            per_soal.setdefault(r.soal_id, []).append(r)
    return Terbit(putusan=putusan, per_soal=per_soal)
