"""Reads for scoring and the dashboards, each in a fixed number of queries.

``instrumen_lke`` turns an instrument version into the frozen input of ``skor.hitung``.
A version in use never changes (eviden.instrumen refuses it), so the frozen input is kept
per process under the version's id *and* content fingerprint: a reloaded file that is not
in use yet has a new fingerprint and is read again.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from eviden.kartu import dokumen_aktif
from eviden.kualitas import JENIS_MASALAH
from eviden.kualitas import periksa as periksa_kualitas
from eviden.models import (
    AmbangPredikat,
    Butir,
    Jawaban,
    LembarKerja,
    Node,
    Soal,
    SoalMasukan,
    StatusButir,
)
from eviden.riwayat import aktivitas_terbaru
from pokja.models import Pokja

from . import skor
from .models import SkorHarian

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
            panduan=tuple(s.panduan_eviden),
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


def isian_lembar(lembar, catatan=None):
    """The worksheet's answers as ``{soal id: skor.Isian}``; with a dict ``catatan``, the
    answers' notes are put in it by soal id. One query."""
    rows = Jawaban.objects.filter(lembar=lembar).values_list(
        "soal_id", "pilihan", "angka", "penjelasan"
    )
    hasil = {}
    for soal_id, pilihan, angka, penjelasan in rows:
        hasil[soal_id] = skor.Isian(pilihan=pilihan, angka=angka)
        if catatan is not None:
            catatan[soal_id] = penjelasan
    return hasil


def skor_lembar(lembar):
    """The score of a worksheet now (``lembar.instrumen`` should be loaded with it)."""
    return skor.hitung(instrumen_lke(lembar.instrumen), isian_lembar(lembar))


# --- Dashboards -------------------------------------------------------------------------------


@dataclass
class BarisPokja:
    """A Pokja on the chair's dashboard: its area's score and its evidence progress."""

    pokja: object
    area: skor.NilaiArea
    jumlah_soal: int = 0
    status: dict = field(default_factory=dict)  # StatusButir value -> count
    lengkap: int = 0  # soal approved with at least one active evidence
    kualitas: int = 0  # soal with a quality problem

    @property
    def persen_lengkap(self):
        return self.lengkap * 100 / self.jumlah_soal if self.jumlah_soal else 0

    def persen_status(self, status):
        return self.status.get(status, 0) * 100 / self.jumlah_soal if self.jumlah_soal else 0

    @property
    def batang_status(self):
        """``[(status value, label, count, percent)]`` for the stacked progress bar."""
        return [
            (st.value, st.label, self.status.get(st.value, 0), self.persen_status(st.value))
            for st in StatusButir
        ]


@dataclass
class Dasbor:
    """What a dashboard shows: the score and verdict, per-Pokja progress, the people's
    backlog and the latest activity. ``area`` set: one Pokja's dashboard."""

    tim: object
    lembar: object
    hasil: skor.HasilSkor
    target: str
    pokja: list  # [BarisPokja]
    kualitas: dict  # kind -> number of soal
    terlambat: list  # [(name, count)] overdue assignments per person, most first
    antrean: int  # soal waiting for review (in scope)
    aktivitas: list  # [riwayat.Aktivitas]
    riwayat_skor: list  # [SkorHarian], oldest first
    pengangkat: list  # [skor.Pengangkat], the first few
    area: int | None = None
    masalah: list = field(default_factory=list)  # [(SoalLKE, KualitasSoal)], first few

    @property
    def putusan(self):
        return self.hasil.putusan.get(self.target)

    @property
    def grafik(self):
        """The charts' data, as JSON-ready lists (points rounded to 2 decimals)."""
        bulat = lambda d: round(float(d), 2)  # noqa: E731
        return {
            "area": {
                "label": [f"{a.nomor}. {a.nama}" for a in self.hasil.area.values()],
                "persen": [bulat(a.persen) for a in self.hasil.area.values()],
                "nilai": [bulat(a.nilai) for a in self.hasil.area.values()],
                "garis": [
                    {"predikat": p.predikat, "persen": bulat(_persen_area(p))}
                    for p in self.hasil.putusan.values()
                ],
            },
            "riwayat": {
                "label": [str(r.tanggal) for r in self.riwayat_skor],
                "total": [bulat(r.total) for r in self.riwayat_skor],
            },
        }


def _persen_area(putusan):
    return next((a.persen_ambang for a in putusan.aturan if a.persen_ambang is not None), 0)


def dasbor(tim, *, area=None, n_pengangkat=10):
    """The chair's dashboard (``area`` None) or one Pokja's. A fixed number of queries
    (eleven, plus four the first time a process reads the instrument version), whatever
    the number of soal, files or members."""
    lembar = LembarKerja.objects.select_related("instrumen").filter(tim=tim).first()
    if lembar is None:
        return None
    lke = instrumen_lke(lembar.instrumen)
    catatan = {}
    hasil = skor.hitung(lke, isian_lembar(lembar, catatan))
    dalam = [s for s in lke.soal if s.dinilai and (area is None or (s.area_pokja or 0) == area)]
    # soal id -> (status, due date, assignee's name, username): plain rows, no model instances.
    butir = {
        r[0]: r[1:]
        for r in Butir.objects.filter(lembar=lembar).values_list(
            "soal_id", "status", "tenggat", "ditugaskan_ke__nama_lengkap", "ditugaskan_ke__username"
        )
    }
    dokumen = dokumen_aktif(lembar, None if area is None else [s.id for s in dalam])
    pokja = {p.area: p for p in Pokja.objects.filter(tim=tim)}
    baris = {
        n: BarisPokja(pokja=pokja.get(n), area=a)
        for n, a in hasil.area.items()
        if area is None or n == area
    }
    kualitas = dict.fromkeys(JENIS_MASALAH, 0)
    masalah = []
    hari_ini = timezone.localdate()
    terlambat = {}
    antrean = 0
    for s in dalam:
        status, tenggat, nama, username = butir.get(s.id, (StatusButir.DRAF, None, None, None))
        nilai = hasil.soal[s.id]
        dok = dokumen.get(s.id, [])
        k = periksa_kualitas(
            panduan=s.panduan,
            terjawab=nilai.dijawab,
            puncak=nilai.dijawab and nilai.nilai >= s.nilai_puncak,
            catatan=catatan.get(s.id, ""),
            dokumen=dok,
        )
        for jenis in JENIS_MASALAH:
            kualitas[jenis] += bool(getattr(k, jenis))
        if k.jumlah and len(masalah) < 10:
            masalah.append((s, k))
        if status == StatusButir.DIAJUKAN:
            antrean += 1
        if username and tenggat and tenggat < hari_ini and status != StatusButir.DISETUJUI:
            terlambat[nama or username] = terlambat.get(nama or username, 0) + 1
        r = baris.get(s.area_pokja)
        if r is None:
            continue
        r.jumlah_soal += 1
        r.status[status] = r.status.get(status, 0) + 1
        r.lengkap += status == StatusButir.DISETUJUI and bool(dok)
        r.kualitas += bool(k.jumlah)
    return Dasbor(
        tim=tim,
        lembar=lembar,
        hasil=hasil,
        target=tim.target_predikat,
        pokja=list(baris.values()),
        kualitas=kualitas,
        terlambat=sorted(terlambat.items(), key=lambda t: (-t[1], t[0])),
        antrean=antrean,
        aktivitas=aktivitas_terbaru(lembar, area=area),
        riwayat_skor=list(SkorHarian.objects.filter(tim=tim).order_by("-tanggal")[:90])[::-1],
        pengangkat=hasil.pengangkat(area)[:n_pengangkat],
        area=area,
        masalah=masalah,
    )


# --- Stages and submissions -----------------------------------------------------------------


@dataclass
class BarisTahapan:
    tahapan: object
    status: str
    sisa_hari: int | None  # days to the deadline (WIB), negative once past
    pengajuan: list  # [Pengajuan], oldest first; the last one is in force


def kalender_tim(tim, sekarang=None):
    """The team's stages in order with status, countdown and submissions. Two queries."""
    from .kalender import sisa_hari, tanggal_wib
    from .models import Pengajuan, Tahapan

    sekarang = sekarang or timezone.now()
    hari = tanggal_wib(sekarang)
    per_tahapan = {}
    for p in Pengajuan.objects.filter(tim=tim).select_related("diajukan_oleh").order_by("nomor"):
        per_tahapan.setdefault(p.tahapan_id, []).append(p)
    return [
        BarisTahapan(
            t,
            t.status_pada(sekarang),
            sisa_hari(t.tenggat, hari),
            per_tahapan.get(t.pk, []),
        )
        for t in Tahapan.objects.filter(tim=tim).order_by("mulai", "pk")
    ]


def tenggat_berikut(tahapan, sekarang=None):
    """The next deadline not yet past among ``tahapan`` (a Tahapan queryset): ``(Tahapan,
    days left in WIB)`` or ``None``. One query."""
    from .kalender import sisa_hari, tanggal_wib

    sekarang = sekarang or timezone.now()
    t = (
        tahapan.annotate(batas=Coalesce("tenggat_eviden", "selesai"))
        .filter(batas__gte=sekarang)
        .order_by("batas")
        .first()
    )
    return (t, sisa_hari(t.tenggat, tanggal_wib(sekarang))) if t else None


@dataclass
class BarisBanding:
    """One soal: as submitted and now."""

    soal: object
    beku: object  # JawabanBeku
    kini: object  # Jawaban or None
    status_kini: str
    eviden_beku: list  # [(judul, VersiDokumen)]
    eviden_kini: list  # [(judul, VersiDokumen)]

    @property
    def jawaban_berubah(self):
        k = self.kini
        return (self.beku.pilihan, self.beku.angka, self.beku.penjelasan) != (
            (k.pilihan, k.angka, k.penjelasan) if k else ("", None, "")
        )

    @property
    def eviden_berubah(self):
        return {v.pk for _j, v in self.eviden_beku} != {v.pk for _j, v in self.eviden_kini}

    @property
    def status_berubah(self):
        return (self.beku.status or "draf") != self.status_kini

    @property
    def berubah(self):
        return self.jawaban_berubah or self.eviden_berubah or self.status_berubah


def banding_pengajuan(pengajuan, *, hanya_berubah=False):
    """Every soal of a frozen submission next to the live worksheet. Six queries."""
    from eviden.models import Butir, Eviden, Jawaban, LembarKerja, VersiDokumen

    from .models import EvidenBeku, JawabanBeku

    lembar = LembarKerja.objects.get(tim_id=pengajuan.tim_id)
    beku = list(
        JawabanBeku.objects.filter(pengajuan=pengajuan)
        .select_related("soal")
        .order_by("soal__node__kode", "soal__urutan")
    )
    kini = {j.soal_id: j for j in Jawaban.objects.filter(lembar=lembar)}
    status = dict(Butir.objects.filter(lembar=lembar).values_list("soal_id", "status"))
    ev_beku = {}
    for e in EvidenBeku.objects.filter(pengajuan=pengajuan).select_related("versi"):
        ev_beku.setdefault(e.soal_id, []).append((e.judul, e.versi))
    terbaru = VersiDokumen.objects.filter(dokumen=OuterRef("dokumen")).order_by("-nomor")
    pasangan = list(
        Eviden.objects.filter(lembar=lembar, diarsipkan=False)
        .annotate(versi_id=Subquery(terbaru.values("pk")[:1]))
        .values_list("soal_id", "dokumen__judul", "versi_id")
    )
    versi = VersiDokumen.objects.in_bulk({v for _s, _j, v in pasangan if v})
    ev_kini = {}
    for soal_id, judul, versi_id in pasangan:
        if versi_id in versi:
            ev_kini.setdefault(soal_id, []).append((judul, versi[versi_id]))
    baris = [
        BarisBanding(
            b.soal,
            b,
            kini.get(b.soal_id),
            status.get(b.soal_id, "draf"),
            sorted(ev_beku.get(b.soal_id, []), key=lambda x: x[0]),
            sorted(ev_kini.get(b.soal_id, []), key=lambda x: x[0]),
        )
        for b in beku
    ]
    return [b for b in baris if b.berubah] if hanya_berubah else baris


def log_pengiriman(tim):
    """The team's delivery log, newest first (a queryset for the paginator)."""
    from .models import Pengiriman

    return (
        Pengiriman.objects.filter(pengingat__tim=tim)
        .select_related("pengingat__penerima")
        .order_by("-pengingat__dibuat_pada", "-pengingat_id", "kanal")
    )
