"""The soal as pages show it: declared view models and the reads that build them.

A page never attaches attributes to ``Soal`` objects. The selectors here return plain
dataclasses: ``BarisSoal`` (one row of a workspace table: no forms, no version lists) and
``KartuSoal`` (the open soal with everything needed to work on it). Both answer the same
questions the services ask before a write: is it answered, may it be submitted and why
not, is it locked. Query counts are fixed, whatever the amount of data.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pokja.akses import HASIL, Tindakan
from pokja.models import Pokja
from zi_portal.format import tanggal

from . import rumus
from .aturan import (
    angka_jawaban,
    isian_kosong,
    jawaban_puncak,
    kendala_ajukan,
    nilai_soal,
    terjawab,
)
from .kualitas import Dok
from .kualitas import periksa as periksa_kualitas
from .models import (
    Butir,
    Eviden,
    Jawaban,
    JenisJawaban,
    Node,
    Soal,
    SoalMasukan,
    StatusButir,
    VersiDokumen,
)

# --- Where a soal is worked on --------------------------------------------------------------


@dataclass(frozen=True)
class Ruang:
    """A Pokja's area of a team's worksheet, or the team's Komponen Hasil (``pokja`` None)."""

    lembar: object
    pokja: Pokja | None = None

    @property
    def tim(self):
        return self.lembar.tim

    @property
    def area(self):
        return self.pokja.area if self.pokja else None

    @property
    def sasaran(self):
        """What ``Akses.boleh`` is asked about: the Pokja, or ``HASIL``."""
        return self.pokja if self.pokja else HASIL

    @property
    def judul(self):
        return str(self.pokja) if self.pokja else _("Komponen Hasil")

    @property
    def url(self):
        if self.pokja:
            return reverse("pokja-soal", args=[self.pokja.pk])
        return reverse("tim-hasil", args=[self.lembar.tim_id])


@dataclass(frozen=True)
class Hak:
    """What the user may do on the soal of a ``Ruang`` (before the status is considered)."""

    ubah: bool = False
    reviu: bool = False
    tugaskan: bool = False

    @classmethod
    def dari(cls, akses, ruang):
        return cls(
            ubah=akses.boleh(Tindakan.UBAH_JAWABAN, ruang.sasaran),
            reviu=akses.boleh(Tindakan.REVIU, ruang.sasaran),
            tugaskan=akses.boleh(Tindakan.TUGASKAN, ruang.sasaran),
        )


# --- The instrument side: which soal a Ruang lists, in which order ----------------------------


@dataclass(frozen=True)
class Masukan:
    """A Jumlah input of a % soal, under its formula variable name."""

    soal: Soal
    nama: str


@dataclass
class SoalDaftar:
    """A listed soal (Jumlah inputs are not listed alone) with its inputs."""

    soal: Soal
    masukan: list = field(default_factory=list)


@dataclass
class Kelompok:
    """A sub-area heading of a workspace with its listed soal."""

    node: Node
    kedalaman: int = 0
    judul_bagian: str = ""  # "Pemenuhan"/"Reform" on the first sub-area of each half
    soal: list = field(default_factory=list)


def daftar_soal(instrumen, area):
    """The listed soal of Pokja ``area`` (None: Komponen Hasil) in LKE order, grouped by
    sub-area. Two queries, whatever the size of the instrument: the soal come with their
    sub-area and its ancestors up to the sub-komponen (a sub-area sits at most two levels
    below its sub-komponen, or three when it is a sub-area of a sub-area)."""
    semua = list(
        Soal.objects.filter(instrumen=instrumen)
        .filter(Q(area_pokja=area) if area is not None else Q(area_pokja__isnull=True))
        .select_related("node__induk__induk__induk")
        .order_by("node_id", "urutan")
    )
    by_id = {s.pk: s for s in semua}
    masukan, dipakai = {}, set()
    persen = [s.pk for s in semua if s.jenis == JenisJawaban.PERSEN]
    for m in SoalMasukan.objects.filter(soal_id__in=persen).order_by("soal_id", "urutan"):
        if m.masukan_id in by_id:
            masukan.setdefault(m.soal_id, []).append(Masukan(by_id[m.masukan_id], m.nama))
            dipakai.add(m.masukan_id)
    kelompok = {}
    for s in semua:
        if s.pk in dipakai:
            continue
        k = kelompok.get(s.node_id)
        if k is None:
            k = kelompok[s.node_id] = Kelompok(node=s.node, kedalaman=_kedalaman(s.node))
        k.soal.append(SoalDaftar(s, masukan.get(s.pk, [])))
    hasil = sorted(kelompok.values(), key=lambda k: _kunci_kode(k.node.kode))
    bagian_sebelum = None
    for k in hasil:
        bagian = _leluhur(k.node, Node.Level.SUB_KOMPONEN)
        if bagian is not None and bagian.pk != bagian_sebelum:
            k.judul_bagian = bagian.nama
            bagian_sebelum = bagian.pk
    return hasil


def _leluhur(node, level):
    """The ancestor of ``node`` at ``level`` among those loaded with it (or None)."""
    for _i in range(4):
        if node is None or node.level == level:
            return node
        node = node.induk if "induk" in node._state.fields_cache else None
    return None


def _kedalaman(node):
    """0 for a sub-area directly under its area, 1 for a sub-area of a sub-area."""
    n, induk = 0, node.induk
    while induk is not None and induk.level == Node.Level.SUB_AREA:
        n += 1
        induk = induk.induk if "induk" in induk._state.fields_cache else None
    return n


_ROMAWI = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}


def _kunci_kode(kode):
    """Sort key of an LKE code: roman numerals and numbers in their natural order."""
    hasil = []
    for bagian in kode.split("."):
        b = bagian.lower()
        if b in _ROMAWI:
            hasil.append((0, _ROMAWI[b], ""))
        elif b.isdigit():
            hasil.append((0, int(b), ""))
        else:
            hasil.append((1, 0, bagian))
    return hasil


# --- Answers: what the rules say (eviden.aturan), fed from the loaded rows ----------------


def hitung_persen(soal, masukan, jawaban_per_soal, angka=None):
    """``rumus.Hasil`` of a % soal from its inputs' answers (or from ``angka``)."""
    if angka is None:
        angka = {m.nama: angka_jawaban(jawaban_per_soal.get(m.soal.pk)) for m in masukan}
    try:
        return rumus.hitung_rinci(soal.rumus, angka)
    except rumus.RumusError:
        return rumus.Hasil(None, None, "")


# --- A row of the workspace table -----------------------------------------------------------


@dataclass
class BarisSoal:
    """One soal in a workspace table: what the table shows and sorts by, nothing more."""

    soal: Soal
    kelompok: Kelompok
    urutan: int
    jawaban: Jawaban | None
    butir: Butir
    jumlah_eviden: int
    kosong: list
    masukan: list = field(default_factory=list)  # [Masukan]
    hasil_persen: object = None
    url: str = ""
    dokumen: list = field(default_factory=list)  # [kualitas.Dok]

    @property
    def status(self):
        return self.butir.alur

    @cached_property
    def sel(self):
        """The table cells as ready strings: a table of many rows renders fast when the
        template only prints (no filters, translations or URL lookups per row)."""
        nilai = self.nilai
        if nilai is None:
            nilai_teks = "—"
        elif self.soal.jenis == JenisJawaban.PERSEN:
            nilai_teks = f"{_desimal(nilai * 100, paksa=True)} %"
        elif self.soal.jenis == JenisJawaban.NILAI_0_4:
            nilai_teks = _desimal(self.jawaban.angka)
        else:
            nilai_teks = _desimal(nilai)
        j = self.jawaban
        if self.soal.jenis == JenisJawaban.PERSEN or j is None:
            jawaban = ""
        elif j.pilihan:
            jawaban = j.pilihan
        else:
            jawaban = _desimal(j.angka) if j.angka is not None else ""
        pj = self.butir.ditugaskan_ke
        teks = self.soal.teks
        return {
            "teks": teks if len(teks) <= 110 else teks[:109].rstrip() + "…",
            "status": self.butir.get_status_display(),
            "jawaban": jawaban or "—",
            "nilai": nilai_teks,
            "eviden": ngettext("%(n)s eviden", "%(n)s eviden", self.jumlah_eviden)
            % {"n": self.jumlah_eviden},
            "ringkas": (
                _("Jawaban: %(j)s %(n)s · ")
                % {"j": jawaban, "n": "" if nilai is None else nilai_teks}
                if self.terjawab
                else ""
            ),
            "pj": pj.get_full_name() if pj else "—",
            "tenggat": tanggal(self.butir.tenggat) or "—",
        }

    @property
    def terjawab(self):
        return terjawab(self.soal, self.jawaban, self.kosong)

    @property
    def nilai(self):
        if not self.terjawab:
            return None
        return nilai_soal(self.soal, self.jawaban, self.hasil_persen)

    @property
    def terlambat(self):
        return bool(
            self.butir.tenggat
            and self.butir.tenggat < timezone.localdate()
            and self.butir.status != StatusButir.DISETUJUI
        )

    @cached_property
    def tanda(self):
        """Quality flags: ``[(kode, label)]``, the most pressing first."""
        tanda = []
        if self.status == StatusButir.PERLU_PERBAIKAN:
            tanda.append(("perbaikan", _("ada catatan perbaikan")))
        if self.terlambat:
            tanda.append(("terlambat", _("lewat tenggat")))
        if not self.terjawab:
            tanda.append(("belum-dijawab", _("belum dijawab")))
        if not self.jumlah_eviden and not self.terjawab:
            tanda.append(("tanpa-eviden", _("belum ada eviden")))
        return tanda + self.kualitas.tanda

    @cached_property
    def kualitas(self):
        return periksa_kualitas(
            panduan=self.soal.panduan_eviden,
            terjawab=self.terjawab,
            puncak=jawaban_puncak(self.soal, self.nilai),
            catatan=self.jawaban.penjelasan if self.jawaban else "",
            dokumen=self.dokumen,
        )

    def cocok_teks(self, q):
        q = q.casefold()
        teks = [self.soal.kode, self.soal.teks, self.soal.kriteria]
        teks += [o.get("label", "") for o in self.soal.opsi]
        teks += list(self.soal.panduan_eviden)
        teks += [m.soal.teks for m in self.masukan]
        return any(q in (t or "").casefold() for t in teks)


def _desimal(nilai, paksa=False):
    """A number with two decimals (only when it has a fraction, unless ``paksa``) and the
    active language's decimal mark: what ``floatformat`` does, at a table's row rate."""
    d = Decimal(nilai)
    teks = str(int(d)) if not paksa and d == d.to_integral_value() else f"{d:.2f}"
    return teks.replace(".", get_format("DECIMAL_SEPARATOR"))


def _jawaban_butir(lembar, soal_ids, *related):
    jawaban = {j.soal_id: j for j in Jawaban.objects.filter(lembar=lembar, soal_id__in=soal_ids)}
    butir = {
        b.soal_id: b
        for b in Butir.objects.filter(lembar=lembar, soal_id__in=soal_ids).select_related(
            "ditugaskan_ke", *related
        )
    }
    return jawaban, butir


def dokumen_aktif(lembar, soal_ids=None):
    """``{soal id: [kualitas.Dok]}``: the active attachments of the worksheet's soal with
    their titles and latest file names. One query."""
    terbaru = VersiDokumen.objects.filter(dokumen=OuterRef("dokumen")).order_by("-nomor")
    rows = Eviden.objects.filter(lembar=lembar, diarsipkan=False)
    if soal_ids is not None:
        rows = rows.filter(soal_id__in=soal_ids)
    hasil = {}
    for soal_id, judul, nama in rows.annotate(
        nama=Subquery(terbaru.values("nama_asli")[:1])
    ).values_list("soal_id", "dokumen__judul", "nama"):
        hasil.setdefault(soal_id, []).append(Dok(judul=judul, nama_berkas=nama or ""))
    return hasil


def baris_tabel(lembar, kelompok):
    """Rows of the workspace table for ``kelompok`` (from ``daftar_soal``): three queries
    (answers, work items, evidence counts), no versions and no forms."""
    awal = reverse("soal-kartu", args=[lembar.pk, 0])[: -len("0/")]
    daftar = [(k, x) for k in kelompok for x in k.soal]
    ids = [x.soal.pk for _k, x in daftar] + [m.soal.pk for _k, x in daftar for m in x.masukan]
    jawaban, butir = _jawaban_butir(lembar, ids)
    dokumen = dokumen_aktif(lembar, ids)
    hasil = []
    for urutan, (k, x) in enumerate(daftar):
        s = x.soal
        baris = BarisSoal(
            soal=s,
            kelompok=k,
            urutan=urutan,
            jawaban=jawaban.get(s.pk),
            butir=butir.get(s.pk) or Butir(lembar=lembar, soal=s),
            jumlah_eviden=len(dokumen.get(s.pk, ())),
            dokumen=dokumen.get(s.pk, []),
            kosong=isian_kosong(x.masukan, jawaban),
            masukan=x.masukan,
            url=f"{awal}{s.pk}/",
        )
        if s.jenis == JenisJawaban.PERSEN:
            baris.hasil_persen = hitung_persen(s, x.masukan, jawaban)
        hasil.append(baris)
    return hasil


# --- The open soal --------------------------------------------------------------------------


@dataclass
class BarisEviden:
    """An attachment with its document's versions, newest first."""

    eviden: Eviden
    versi: list

    @property
    def dokumen(self):
        return self.eviden.dokumen

    @property
    def terbaru(self):
        return self.versi[0] if self.versi else None


@dataclass
class NilaiMasukan:
    masukan: Masukan
    jawaban: Jawaban | None

    @property
    def soal(self):
        return self.masukan.soal

    @property
    def nama(self):
        return self.masukan.nama

    @property
    def angka(self):
        return angka_jawaban(self.jawaban)


class JawabanSoal:
    """What follows from a soal's stored answer, for view models that carry ``soal``,
    ``jawaban``, ``masukan`` ([NilaiMasukan]) and ``hasil_persen``."""

    @property
    def kosong(self):
        return [m.soal.teks for m in self.masukan if m.angka is None]

    @property
    def terjawab(self):
        return terjawab(self.soal, self.jawaban, self.kosong)

    @property
    def nilai(self):
        return nilai_soal(self.soal, self.jawaban, self.hasil_persen) if self.terjawab else None

    @property
    def pilihan_terpilih(self):
        pilihan = self.jawaban.pilihan if self.jawaban else ""
        return next((o for o in self.soal.opsi if o["kode"] == pilihan), None)

    @property
    def angka_masukan(self):
        return {m.nama: m.angka for m in self.masukan}


@dataclass
class KartuSoal(JawabanSoal):
    """Everything the card of one soal shows, and what the user may do with it now."""

    soal: Soal
    ruang: Ruang
    hak: Hak
    jawaban: Jawaban | None
    butir: Butir
    masukan: list  # [NilaiMasukan]
    eviden_aktif: list  # [BarisEviden]
    eviden_arsip: list
    hasil_persen: object = None
    sebelum: Soal | None = None
    sesudah: Soal | None = None
    posisi: int = 0
    jumlah: int = 0
    form: object = None
    form_tugas: object = None

    @property
    def status(self):
        return self.butir.alur

    @property
    def boleh_ubah(self):
        """May the user change answer and evidence now (role and status)?"""
        return self.hak.ubah and self.status.boleh_diubah()

    @property
    def alasan_terkunci(self):
        return self.status.alasan_terkunci() if self.hak.ubah else ""

    @property
    def kendala_ajukan(self):
        return kendala_ajukan(
            status=self.status,
            sudah_dijawab=self.terjawab,
            kosong=self.kosong,
            jumlah_eviden=len(self.eviden_aktif),
        )

    @property
    def boleh_tarik(self):
        return self.hak.ubah and self.status.boleh_ditarik()

    @property
    def boleh_buka(self):
        return self.hak.ubah and self.status.boleh_dibuka()

    @property
    def boleh_reviu(self):
        return self.hak.reviu and self.status.boleh_direviu()


def kartu_soal(ruang, soal, hak, *, urutan=None):
    """The card of ``soal`` in ``ruang``: answers (with Jumlah inputs), work item, evidence
    with every version, neighbours for next/previous. Seven queries."""
    lembar = ruang.lembar
    if urutan is None:
        urutan = [x for k in daftar_soal(lembar.instrumen, ruang.area) for x in k.soal]
    posisi = next((i for i, x in enumerate(urutan) if x.soal.pk == soal.pk), None)
    if posisi is None:
        return None
    masukan = urutan[posisi].masukan
    ids = [soal.pk] + [m.soal.pk for m in masukan]
    jawaban, butir = _jawaban_butir(lembar, ids, "direviu_oleh")
    lampiran = (
        Eviden.objects.filter(lembar=lembar, soal=soal)
        .select_related("dokumen")
        .prefetch_related(
            Prefetch(
                "dokumen__versi",
                queryset=VersiDokumen.objects.select_related("diunggah_oleh").order_by("-nomor"),
                to_attr="daftar_versi",
            )
        )
    )
    baris = [BarisEviden(e, e.dokumen.daftar_versi) for e in lampiran]
    kartu = KartuSoal(
        soal=urutan[posisi].soal,
        ruang=ruang,
        hak=hak,
        jawaban=jawaban.get(soal.pk),
        butir=butir.get(soal.pk) or Butir(lembar=lembar, soal=soal),
        masukan=[NilaiMasukan(m, jawaban.get(m.soal.pk)) for m in masukan],
        eviden_aktif=[b for b in baris if not b.eviden.diarsipkan],
        eviden_arsip=[b for b in baris if b.eviden.diarsipkan],
        sebelum=urutan[posisi - 1].soal if posisi > 0 else None,
        sesudah=urutan[posisi + 1].soal if posisi + 1 < len(urutan) else None,
        posisi=posisi + 1,
        jumlah=len(urutan),
    )
    if soal.jenis == JenisJawaban.PERSEN:
        kartu.hasil_persen = hitung_persen(soal, masukan, jawaban)
    return kartu
