"""Reads of the Kanwil oversight page: one row per satker below a Kanwil for a year, in a
fixed number of queries whatever the number of satker (nine; the page adds the session, the
user, the access check and the menu).

Nothing is recomputed per row: the projected score is the team's latest stored snapshot
(``SkorHarian``, written every night and on demand from the chair's dashboard), or, for a
team that has none, its latest frozen submission (``Pengajuan``). Evidence completeness is
the chair's dashboard's own definition (``penilaian.selectors.dasbor``, "disetujui
berevidens"): of the scored soal of the six Pokja areas, the share whose work item is
approved and that has at least one active (not archived) evidence attachment. Overdue
tasks are the dashboard's too: assigned scored soal whose due date is before today (WIB)
and that are not approved.

Sorting and filtering happen in Python over the built list (at most a few thousand rows,
a few milliseconds); the page shows one slice of it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from eviden.models import Butir, Eviden, Instrumen, JenisJawaban, Soal, StatusButir
from pokja.akses import satker_di_bawah, syarat_di_bawah
from pokja.models import ROMAWI, Area, Lapisan, TimZI

from ..models import JenisTahapan, Pengajuan, PutusanPenilai, SkorHarian, Tahapan

SERATUS = Decimal(100)
# Sort keys of the table (GET ``urut``, "-" in front for descending).
KUNCI_URUT = ("nama", "skor", "lengkap", "terlambat")
# Verdict filter values (GET ``vonis``).
VONIS = ("memenuhi", "belum", "tanpa_nilai", "MS", "TMS")
TANPA = "tanpa"  # "no team" for the target filter, "no stage" for the stage filter
MAKS_BANDING = 6


@dataclass
class BarisSatker:
    """One satker on the oversight page. ``tim_id`` None: no team for the year."""

    satker_id: int
    nama: str
    kode: str
    tim_id: int | None = None
    target: str = ""
    tahapan: str = ""  # JenisTahapan value, "" when none is current or ahead
    tahapan_berlangsung: bool = False
    tahapan_mulai: object = None  # when the next stage begins (not running yet)
    skor: Decimal | None = None
    sumber_skor: str = ""  # "harian" | "pengajuan" | ""
    tanggal_skor: object = None
    memenuhi: bool | None = None  # does the snapshot meet the target predicate
    # Where the score comes from (the radar reads the areas of these rows only).
    skor_id: int | None = None
    pengajuan_id: int | None = None
    putusan: tuple | None = None  # (kesimpulan, lapisan label, tahapan label, when)
    lengkap: int = 0
    jumlah_soal: int = 0
    terlambat: int = 0

    @property
    def persen_lengkap(self):
        return self.lengkap * 100 / self.jumlah_soal if self.tim_id and self.jumlah_soal else None

    @property
    def label_tahapan(self):
        return JenisTahapan(self.tahapan).label if self.tahapan else ""

    @property
    def vonis(self):
        """The verdict filter's value of the row: "memenuhi", "belum" or "tanpa_nilai"."""
        if self.memenuhi is None:
            return "tanpa_nilai"
        return "memenuhi" if self.memenuhi else "belum"


@dataclass(frozen=True)
class Radar:
    """The chosen satker per area as % of the area's maximum, and the area where they are
    furthest apart (``selisih`` percentage points, between ``tertinggi`` and ``terendah``)."""

    label: list  # ["I. Manajemen Perubahan", ...]
    baris: list  # [(BarisSatker, [percent or None per area])]
    tanpa_nilai: list  # [BarisSatker] chosen, without any score
    selisih_area: int | None = None  # area number 1..6
    selisih: Decimal | None = None
    tertinggi: object = None  # BarisSatker
    terendah: object = None
    persen_tinggi: Decimal | None = None
    persen_rendah: Decimal | None = None

    @property
    def nama_selisih(self):
        return self.label[self.selisih_area - 1] if self.selisih_area else ""

    def tabel(self):
        """Rows of the table version: ``[(area label, [percent per satker], gap)]``."""
        hasil = []
        for i, label in enumerate(self.label):
            nilai = [p[i] for _b, p in self.baris]
            ada = [v for v in nilai if v is not None]
            gap = max(ada) - min(ada) if len(ada) > 1 else None
            hasil.append((i + 1, label, nilai, gap))
        return hasil

    def grafik(self):
        """The chart's data, JSON-ready (percentages rounded to 2 decimals)."""
        return {
            "label": self.label,
            "set": [
                {
                    "nama": b.nama,
                    "persen": [None if v is None else round(float(v), 2) for v in p],
                }
                for b, p in self.baris
            ],
        }


def tahun_tersedia(kanwil):
    """The years that have teams below ``kanwil``, newest first. One query."""
    return sorted(
        set(
            TimZI.objects.filter(syarat_di_bawah(kanwil, "satker__"))
            .order_by()
            .values_list("tahun", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def tahun_bawaan(tersedia, hari_ini=None):
    """The current year (WIB) when it has teams, or when no year has; else the latest."""
    kini = (hari_ini or timezone.localdate()).year
    return kini if kini in tersedia or not tersedia else tersedia[0]


def baris_satker(kanwil, tahun, sekarang=None):
    """Every satker below ``kanwil`` with its team's figures for ``tahun``, by name."""
    sekarang = sekarang or timezone.now()
    hari_ini = timezone.localdate(sekarang)
    satker = list(satker_di_bawah(kanwil).order_by("nama", "pk").values_list("pk", "nama", "kode"))
    baris = {pk: BarisSatker(satker_id=pk, nama=nama, kode=kode) for pk, nama, kode in satker}

    # The first stage (by start) that has not ended: a running one starts before any that
    # is still ahead, so it comes first when there is one.
    belum_usai = Tahapan.objects.filter(tim=OuterRef("pk"), selesai__gte=sekarang).order_by(
        "mulai", "pk"
    )
    tim = list(
        TimZI.objects.filter(syarat_di_bawah(kanwil, "satker__"), tahun=tahun)
        .annotate(
            skor_id=Subquery(
                SkorHarian.objects.filter(tim=OuterRef("pk")).order_by("-tanggal").values("pk")[:1]
            ),
            pengajuan_id=Subquery(
                Pengajuan.objects.filter(tim=OuterRef("pk"))
                .order_by("-diajukan_pada", "-pk")
                .values("pk")[:1]
            ),
            tahapan_jenis=Subquery(belum_usai.values("jenis")[:1]),
            tahapan_mulai=Subquery(belum_usai.values("mulai")[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "satker_id",
            "target_predikat",
            "skor_id",
            "pengajuan_id",
            "tahapan_jenis",
            "tahapan_mulai",
            "lembar_kerja__instrumen",
        )
    )
    per_tim = {}
    instrumen_tim = {}
    for pk, satker_id, target, _s, _p, jenis, mulai, instrumen_id in tim:
        b = baris.get(satker_id)
        if b is None:
            continue
        b.tim_id, b.target = pk, target
        if jenis:
            b.tahapan, b.tahapan_berlangsung = jenis, mulai <= sekarang
            b.tahapan_mulai = None if b.tahapan_berlangsung else mulai
        per_tim[pk] = b
        instrumen_tim[pk] = instrumen_id

    def catat(b, pk, total, wbk, wbbm, tanggal, sumber):
        b.skor, b.tanggal_skor, b.sumber_skor = total, tanggal, sumber
        b.memenuhi = wbbm if b.target == "WBBM" else wbk
        if sumber == "harian":
            b.skor_id = pk
        else:
            b.pengajuan_id = pk

    skor_ids = [r[3] for r in tim if r[3]]
    for r in SkorHarian.objects.filter(pk__in=skor_ids).values_list(
        "tim_id", "pk", "total", "memenuhi_wbk", "memenuhi_wbbm", "tanggal"
    ):
        catat(per_tim[r[0]], *r[1:], "harian")
    fallback = [r[4] for r in tim if r[4] and not r[3]]
    for r in Pengajuan.objects.filter(pk__in=fallback).values_list(
        "tim_id", "pk", "total", "memenuhi_wbk", "memenuhi_wbbm", "diajukan_pada"
    ):
        catat(per_tim[r[0]], *r[1:], "pengajuan")
    # The teams again as a subquery: no list of ids to send.
    tim_tahun = TimZI.objects.filter(syarat_di_bawah(kanwil, "satker__"), tahun=tahun).values("pk")

    # The latest published assessor verdict of each team (any layer, any submission).
    for tim_id, kesimpulan, lapisan, tahapan_p, pada in (
        PutusanPenilai.objects.filter(
            pengajuan__tim__in=tim_tahun, dipublikasikan_pada__isnull=False
        )
        .order_by("dipublikasikan_pada", "pk")
        .values_list("pengajuan__tim_id", "kesimpulan", "lapisan", "tahapan", "dipublikasikan_pada")
    ):
        b = per_tim[tim_id]
        b.putusan = (kesimpulan, _label(lapisan), _jenis(tahapan_p), pada)

    # Completeness and overdue tasks: one aggregate over the work items of every team.
    dinilai = Q(soal__area_pokja__isnull=False) & ~Q(soal__jenis=JenisJawaban.JUMLAH)
    ada_eviden = Exists(
        Eviden.objects.filter(lembar=OuterRef("lembar"), soal=OuterRef("soal"), diarsipkan=False)
    )
    for tim_id, lengkap, terlambat in (
        Butir.objects.filter(dinilai, lembar__tim__in=tim_tahun)
        .order_by()
        .values("lembar__tim")
        .annotate(
            lengkap=Count("pk", filter=Q(ada_eviden, status=StatusButir.DISETUJUI)),
            terlambat=Count(
                "pk",
                filter=Q(tenggat__lt=hari_ini, ditugaskan_ke__isnull=False)
                & ~Q(status=StatusButir.DISETUJUI),
            ),
        )
        .values_list("lembar__tim", "lengkap", "terlambat")
    ):
        per_tim[tim_id].lengkap, per_tim[tim_id].terlambat = lengkap, terlambat
    jumlah = dict(
        Soal.objects.filter(
            instrumen__in={i for i in instrumen_tim.values() if i},
            area_pokja__isnull=False,
        )
        .exclude(jenis=JenisJawaban.JUMLAH)
        .order_by()
        .values("instrumen")
        .annotate(n=Count("pk"))
        .values_list("instrumen", "n")
    )
    for tim_id, b in per_tim.items():
        b.jumlah_soal = jumlah.get(instrumen_tim[tim_id], 0)
    return list(baris.values())


def _area(nilai):
    hasil = {}
    for k, v in (nilai or {}).items():
        if str(k).isdigit():
            hasil[int(k)] = Decimal(str(v))
    return hasil


def _label(lapisan):
    return Lapisan(lapisan).label if lapisan in Lapisan.values else lapisan


def _jenis(nilai):
    return JenisTahapan(nilai).label if nilai in JenisTahapan.values else nilai


# --- Filter, sort ---------------------------------------------------------------------------


def saring(baris, *, target="", tahapan="", vonis="", cari=""):
    """The rows that pass every given filter (empty = any)."""
    cari = cari.strip().casefold()
    hasil = []
    for b in baris:
        if target == TANPA and b.tim_id is not None:
            continue
        if target and target != TANPA and b.target != target:
            continue
        if tahapan == TANPA and (b.tim_id is None or b.tahapan):
            continue
        if tahapan and tahapan != TANPA and b.tahapan != tahapan:
            continue
        if vonis in ("MS", "TMS") and (b.putusan is None or b.putusan[0] != vonis):
            continue
        if vonis in ("memenuhi", "belum", "tanpa_nilai") and (b.tim_id is None or b.vonis != vonis):
            continue
        if cari and cari not in b.nama.casefold() and cari not in b.kode.casefold():
            continue
        hasil.append(b)
    return hasil


def urutkan(baris, urut):
    """Sort by ``urut`` ("nama", "-skor", …); rows without the value go last either way,
    ties by name."""
    turun = urut.startswith("-")
    kunci = urut.lstrip("-")
    if kunci not in KUNCI_URUT:
        kunci, turun = "nama", False
    if kunci == "nama":
        return sorted(baris, key=lambda b: (b.nama.casefold(), b.satker_id), reverse=turun)
    nilai = {
        "skor": lambda b: b.skor,
        "lengkap": lambda b: b.persen_lengkap,
        "terlambat": lambda b: b.terlambat if b.tim_id else None,
    }[kunci]
    ada = sorted(
        (b for b in baris if nilai(b) is not None), key=lambda b: (b.nama.casefold(), b.satker_id)
    )
    ada.sort(key=nilai, reverse=turun)  # stable: ties stay by name
    return ada + [b for b in baris if nilai(b) is None]


# --- Radar ----------------------------------------------------------------------------------


def radar(baris, pilihan):
    """Compare the chosen satker (ids in ``pilihan``, in that order) area by area, as % of
    each area's maximum (the instrument's ``bobot_area``). Three queries at most: the areas
    of the chosen rows' snapshots and submissions, the weights."""
    per_id = {b.satker_id: b for b in baris}
    dipilih = [per_id[i] for i in pilihan if i in per_id]
    label = [f"{ROMAWI[a.value]}. {a.label}" for a in Area]
    if not dipilih:
        return Radar(label=label, baris=[], tanpa_nilai=[])
    area = _area_dipilih(dipilih)
    bobot = _bobot_area([b.tim_id for b in dipilih if b.tim_id])
    dengan, tanpa = [], []
    for b in dipilih:
        if b.tim_id not in area:
            tanpa.append(b)
            continue
        nilai, w = area[b.tim_id], bobot.get(b.tim_id, {})
        persen = [
            nilai.get(a.value, Decimal(0)) / w[a.value] * SERATUS if w.get(a.value) else None
            for a in Area
        ]
        dengan.append((b, persen))
    terbesar = (None, None, None, None, None, None)
    if len(dengan) > 1:
        for i in range(len(Area)):
            ada = [(p[i], b) for b, p in dengan if p[i] is not None]
            if len(ada) < 2:
                continue
            tinggi = max(ada, key=lambda x: x[0])
            rendah = min(ada, key=lambda x: x[0])
            gap = tinggi[0] - rendah[0]
            if terbesar[1] is None or gap > terbesar[1]:
                terbesar = (i + 1, gap, tinggi[1], rendah[1], tinggi[0], rendah[0])
    return Radar(
        label=label,
        baris=dengan,
        tanpa_nilai=tanpa,
        selisih_area=terbesar[0],
        selisih=terbesar[1],
        tertinggi=terbesar[2],
        terendah=terbesar[3],
        persen_tinggi=terbesar[4],
        persen_rendah=terbesar[5],
    )


def _area_dipilih(dipilih):
    """``{tim id: {area: points}}`` of the snapshot (or submission) each chosen row shows."""
    hasil = {}
    skor = [b.skor_id for b in dipilih if b.skor_id]
    for tim_id, area in SkorHarian.objects.filter(pk__in=skor).values_list("tim_id", "area"):
        hasil[tim_id] = _area(area)
    pengajuan = [b.pengajuan_id for b in dipilih if b.pengajuan_id]
    for tim_id, area in Pengajuan.objects.filter(pk__in=pengajuan).values_list("tim_id", "area"):
        hasil[tim_id] = _area(area)
    return hasil


def _bobot_area(tim_ids):
    """``{tim id: {area: weight}}`` from the instrument of each team's worksheet."""
    hasil = {}
    for tim_id, bobot in Instrumen.objects.filter(lembar_kerja__tim__in=tim_ids).values_list(
        "lembar_kerja__tim", "bobot_area"
    ):
        hasil[tim_id] = {
            int(k): Decimal(str(v)) for k, v in (bobot or {}).items() if str(k).isdigit()
        }
    return hasil
