"""Reads shaped for the eviden pages, with a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from pokja.models import PERAN_POKJA, Anggota, Pokja

from . import rumus
from .models import (
    Butir,
    Eviden,
    Jawaban,
    JenisJawaban,
    LembarKerja,
    Node,
    Soal,
    SoalMasukan,
    StatusButir,
    VersiDokumen,
)


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
    area_nodes = [n for n in nodes if n.level == Node.Level.AREA and n.area_pokja == area]
    bagian, blok_by_node = [], {}
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

    semua_soal = list(
        Soal.objects.filter(instrumen=instrumen, area_pokja=area).order_by("node_id", "urutan")
    )
    for s in _gabung_masukan(semua_soal):
        if s.node_id in blok_by_node:
            blok_by_node[s.node_id].soal.append(s)
    return bagian


def _gabung_masukan(semua_soal):
    """Attach Jumlah inputs to their % soal; return the soal to list (inputs left out)."""
    by_id = {s.pk: s for s in semua_soal}
    for s in semua_soal:
        s.daftar_input = []
    dipakai = set()
    persen = [s.pk for s in semua_soal if s.jenis == JenisJawaban.PERSEN]
    for m in SoalMasukan.objects.filter(soal_id__in=persen).order_by("soal_id", "urutan"):
        if m.masukan_id in by_id:
            masukan = by_id[m.masukan_id]
            masukan.nama_variabel = m.nama
            by_id[m.soal_id].daftar_input.append(masukan)
            dipakai.add(m.masukan_id)
    return sorted(
        (s for s in semua_soal if s.pk not in dipakai), key=lambda s: (s.node_id, s.urutan)
    )


def satu_soal(instrumen, soal_id, area):
    """One listed soal of a Pokja area with its Jumlah inputs (404-able: returns None)."""
    semua = list(Soal.objects.filter(instrumen=instrumen, area_pokja=area))
    tampil = _gabung_masukan(semua)
    return next((s for s in tampil if s.pk == soal_id), None)


def lengkapi(lembar, daftar_soal):
    """Attach the team's work to each soal (and its inputs): answer, work item, evidence
    with all versions, computed % value. Four queries for any number of soal."""
    semua = list(daftar_soal)
    for s in daftar_soal:
        semua.extend(s.daftar_input)
    ids = [s.pk for s in semua]
    jawaban = {j.soal_id: j for j in Jawaban.objects.filter(lembar=lembar, soal_id__in=ids)}
    butir = {
        b.soal_id: b
        for b in Butir.objects.filter(lembar=lembar, soal_id__in=ids).select_related(
            "ditugaskan_ke", "direviu_oleh"
        )
    }
    lampiran = (
        Eviden.objects.filter(lembar=lembar, soal_id__in=ids)
        .select_related("dokumen")
        .prefetch_related(
            Prefetch(
                "dokumen__versi",
                queryset=VersiDokumen.objects.select_related("diunggah_oleh").order_by("-nomor"),
                to_attr="daftar_versi",
            )
        )
    )
    per_soal = {}
    for e in lampiran:
        per_soal.setdefault(e.soal_id, []).append(e)
    for s in semua:
        s.jawaban = jawaban.get(s.pk)
        s.butir = butir.get(s.pk) or Butir(lembar=lembar, soal=s)
        semua_eviden = per_soal.get(s.pk, [])
        s.eviden_aktif = [e for e in semua_eviden if not e.diarsipkan]
        s.eviden_arsip = [e for e in semua_eviden if e.diarsipkan]
        for e in semua_eviden:
            e.terbaru = e.dokumen.daftar_versi[0] if e.dokumen.daftar_versi else None
    for s in daftar_soal:
        if s.jenis == JenisJawaban.PERSEN:
            s.nilai_persen = nilai_persen(s)
    return daftar_soal


def nilai_persen(soal, angka=None):
    """The % value (0–1) of a % soal from its inputs' answers (or from ``angka``)."""
    if angka is None:
        angka = {
            m.nama_variabel: (m.jawaban.angka if getattr(m, "jawaban", None) else None)
            for m in soal.daftar_input
        }
    try:
        return rumus.hitung(soal.rumus, angka)
    except rumus.RumusError:
        return None


@dataclass
class Saringan:
    status: str = ""
    penugasan: str = ""  # "" | "saya" | "kosong" | user id
    tanpa_eviden: bool = False
    perlu_perbaikan: bool = False

    @property
    def aktif(self):
        return bool(self.status or self.penugasan or self.tanpa_eviden or self.perlu_perbaikan)

    def cocok(self, soal, user):
        butir = soal.butir
        if self.status and butir.status != self.status:
            return False
        if self.perlu_perbaikan and butir.status != StatusButir.PERLU_PERBAIKAN:
            return False
        if self.tanpa_eviden and soal.eviden_aktif:
            return False
        if self.penugasan == "saya":
            return butir.ditugaskan_ke_id == user.pk
        if self.penugasan == "kosong":
            return butir.ditugaskan_ke_id is None
        if self.penugasan:
            return str(butir.ditugaskan_ke_id) == self.penugasan
        return True


def ruang_kerja(lembar, area, saringan, user):
    """The Pokja workspace: sections of soal with the team's work, filtered in memory
    (so the number of queries does not depend on the filter or the data)."""
    bagian = soal_pokja(lembar.instrumen, area)
    semua = [s for b in bagian for blok in b.sub_area for s in blok.soal]
    lengkapi(lembar, semua)
    ringkasan = {"total": len(semua), "tampil": 0}
    for st in StatusButir:
        ringkasan[st.value] = sum(1 for s in semua if s.butir.status == st)
    ringkasan["tanpa_eviden"] = sum(1 for s in semua if not s.eviden_aktif)
    for b in bagian:
        for blok in b.sub_area:
            blok.soal = [s for s in blok.soal if saringan.cocok(s, user)]
            ringkasan["tampil"] += len(blok.soal)
    return bagian, ringkasan


def anggota_pokja(tim, area):
    """Users who may be assigned soal of Pokja ``area`` (its pokja-bound members)."""
    rows = (
        Anggota.objects.filter(tim=tim, pokja__area=area, peran__in=PERAN_POKJA)
        .select_related("user")
        .order_by("user__nama_lengkap")
    )
    seen, hasil = set(), []
    for a in rows:
        if a.user_id not in seen:
            seen.add(a.user_id)
            hasil.append(a.user)
    return hasil


def tugas_saya(user):
    """The user's assigned soal across teams and Pokja, overdue first, then by due date."""
    rows = list(
        Butir.objects.filter(ditugaskan_ke=user, lembar__tim__anggota__user=user)
        .distinct()
        .select_related("soal", "lembar__tim__satker")
        .order_by("tenggat", "soal__kode")
    )
    hari_ini = timezone.localdate()
    pokja = {
        (p.tim_id, p.area): p
        for p in Pokja.objects.filter(tim_id__in={b.lembar.tim_id for b in rows})
    }
    for b in rows:
        b.pokja = pokja.get((b.lembar.tim_id, b.soal.area_pokja))
        b.terlambat = bool(b.tenggat and b.tenggat < hari_ini and b.status != StatusButir.DISETUJUI)
    # Overdue first; then those with a due date, soonest first; then those without one.
    rows.sort(
        key=lambda b: (not b.terlambat, b.tenggat is None, b.tenggat or hari_ini, b.soal.kode)
    )
    return rows


_ROMAWI = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}


def _urut(bagian_kode):
    """Sort key for a code part: roman numerals and letters in their natural order."""
    if bagian_kode in _ROMAWI:
        return (0, _ROMAWI[bagian_kode], "")
    if bagian_kode.isdigit():
        return (0, int(bagian_kode), "")
    return (1, 0, bagian_kode)
