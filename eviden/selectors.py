"""Reads shaped for the eviden pages, with a fixed number of queries whatever the data size.
The soal card and table rows themselves are built in ``eviden.kartu``."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property

from pokja.akses import syarat_anggota, syarat_peninjau
from pokja.models import Pokja

from .kartu import BarisEviden, JawabanSoal, Masukan, NilaiMasukan, hitung_persen
from .models import (
    Butir,
    Eviden,
    Jawaban,
    JenisJawaban,
    LembarKerja,
    SoalMasukan,
    StatusButir,
    VersiDokumen,
)


def lembar_satker(kode, tahun):
    """The worksheet of satker ``kode`` for ``tahun`` (with its instrument), or None."""
    return (
        LembarKerja.objects.select_related("instrumen", "tim__satker")
        .filter(tim__satker__kode=kode, tim__tahun=tahun)
        .first()
    )


def lembar_kerja_tim(tim):
    return LembarKerja.objects.select_related("instrumen", "tim").filter(tim=tim).first()


# --- The workspace table: filter, search, sort ------------------------------------------------


_URUTAN_STATUS = {
    StatusButir.PERLU_PERBAIKAN: 0,
    StatusButir.DIAJUKAN: 1,
    StatusButir.DRAF: 2,
    StatusButir.DISETUJUI: 3,
}


@dataclass
class Saringan:
    """Filters, search and sort order of a workspace table, read from the query string."""

    status: str = ""
    penugasan: str = ""  # "" | "saya" | "kosong" | user id
    tanpa_eviden: bool = False
    perlu_perbaikan: bool = False
    q: str = ""
    urut: str = "kode"  # one of URUT, optionally prefixed with "-" (descending)

    URUT = ("kode", "status", "nilai", "eviden", "pj", "tenggat")

    @classmethod
    def dari(cls, get):
        urut = get.get("urut", "kode")
        if urut.lstrip("-") not in cls.URUT:
            urut = "kode"
        return cls(
            status=get.get("status", "") if get.get("status") in StatusButir.values else "",
            penugasan=get.get("penugasan", "")[:20],
            tanpa_eviden=get.get("tanpa_eviden") == "1",
            perlu_perbaikan=get.get("perbaikan") == "1",
            q=get.get("q", "").strip()[:100],
            urut=urut,
        )

    @property
    def aktif(self):
        return bool(
            self.status or self.penugasan or self.tanpa_eviden or self.perlu_perbaikan or self.q
        )

    @property
    def dikelompokkan(self):
        """Rows stay under their sub-area headings only in LKE order."""
        return self.urut == "kode"

    def querystring(self, **ganti):
        """The current filters as a query string, with ``ganti`` applied (for sort links)."""
        nilai = {
            "status": self.status,
            "penugasan": self.penugasan,
            "tanpa_eviden": "1" if self.tanpa_eviden else "",
            "perbaikan": "1" if self.perlu_perbaikan else "",
            "q": self.q,
            "urut": "" if self.urut == "kode" else self.urut,
            **ganti,
        }
        return urlencode({k: v for k, v in nilai.items() if v})

    @cached_property
    def tautan(self):
        """Query string per column that sorts by it (ascending, or descending when the
        table is already sorted ascending by it); filters are kept."""
        return {
            k: self.querystring(urut="" if k == "kode" else (f"-{k}" if self.urut == k else k))
            for k in self.URUT
        }

    def cocok(self, baris, user):
        butir = baris.butir
        if self.status and butir.status != self.status:
            return False
        if self.perlu_perbaikan and butir.status != StatusButir.PERLU_PERBAIKAN:
            return False
        if self.tanpa_eviden and baris.jumlah_eviden:
            return False
        if self.q and not baris.cocok_teks(self.q):
            return False
        if self.penugasan == "saya":
            return butir.ditugaskan_ke_id == user.pk
        if self.penugasan == "kosong":
            return butir.ditugaskan_ke_id is None
        if self.penugasan:
            return str(butir.ditugaskan_ke_id) == self.penugasan
        return True

    def kunci(self, baris):
        kolom = self.urut.lstrip("-")
        if kolom == "status":
            return (_URUTAN_STATUS.get(baris.butir.status, 9), baris.urutan)
        if kolom == "nilai":
            return (baris.nilai is not None, baris.nilai or 0, baris.urutan)
        if kolom == "eviden":
            return (baris.jumlah_eviden, baris.urutan)
        if kolom == "pj":
            pj = baris.butir.ditugaskan_ke
            return (pj is None, pj.get_full_name() if pj else "", baris.urutan)
        if kolom == "tenggat":
            t = baris.butir.tenggat
            return (t is None, t or timezone.localdate(), baris.urutan)
        return (baris.urutan,)


@dataclass
class Tabel:
    """What the workspace table page shows: summary counts over all rows, and the rows that
    pass the filters, grouped by sub-area (LKE order) or flat (other orders)."""

    ringkasan: dict
    kelompok: list = field(default_factory=list)  # [(Kelompok, [BarisSoal])]

    @property
    def menu(self):
        """Sub-areas of the sticky menu: every sub-area with at least one shown row."""
        return [k for k, _b in self.kelompok]


def susun_tabel(semua, saringan, user):
    ringkasan = {"total": len(semua)}
    for st in StatusButir:
        ringkasan[st.value] = sum(1 for b in semua if b.butir.status == st)
    ringkasan["tanpa_eviden"] = sum(1 for b in semua if not b.jumlah_eviden)
    ringkasan["belum_dijawab"] = sum(1 for b in semua if not b.terjawab)
    ringkasan["kualitas"] = sum(1 for b in semua if b.kualitas.jumlah)
    tampil = [b for b in semua if saringan.cocok(b, user)]
    if not saringan.dikelompokkan:
        tampil.sort(key=saringan.kunci, reverse=saringan.urut.startswith("-"))
    ringkasan["tampil"] = len(tampil)
    kelompok = []
    for b in tampil:
        if not kelompok or kelompok[-1][0] is not b.kelompok:
            kelompok.append((b.kelompok, []))
        kelompok[-1][1].append(b)
    return Tabel(ringkasan=ringkasan, kelompok=kelompok)


# --- The review queue -----------------------------------------------------------------------


@dataclass
class ItemAntrean(JawabanSoal):
    """A soal waiting for review, with what the reviewer needs to decide on it."""

    butir: Butir
    pokja: Pokja | None
    jawaban: Jawaban | None
    masukan: list  # [NilaiMasukan]
    eviden: list  # [BarisEviden]
    hasil_persen: object = None

    @property
    def soal(self):
        return self.butir.soal

    @property
    def lembar(self):
        return self.butir.lembar


def _butir_menunggu(user):
    return (
        Butir.objects.filter(status=StatusButir.DIAJUKAN)
        .filter(syarat_peninjau(user, tim="lembar__tim", area="soal__area_pokja"))
        .select_related("soal", "lembar__tim__satker", "diajukan_oleh")
        .order_by("diajukan_pada", "pk")
    )


def jumlah_antrean(user):
    """How many soal wait for ``user``'s review (one query)."""
    return _butir_menunggu(user).count()


def antrean_reviu(user, *, lembar=None, soal=None):
    """Soal waiting for ``user``'s review, oldest submission first, across their teams:
    a koordinator sees their own Pokja, ketua/sekretaris tim every Pokja and the Hasil
    soal (``lembar`` + ``soal``: that one item only). Six queries whatever the number of
    items, files or versions."""
    menunggu = _butir_menunggu(user)
    if lembar is not None:
        menunggu = menunggu.filter(lembar=lembar, soal=soal)
    daftar = list(menunggu)
    if not daftar:
        return []
    lembar_ids = {b.lembar_id for b in daftar}
    soal_ids = {b.soal_id for b in daftar}
    masukan = {}
    for m in (
        SoalMasukan.objects.filter(
            soal_id__in=[b.soal_id for b in daftar if b.soal.jenis == JenisJawaban.PERSEN]
        )
        .select_related("masukan")
        .order_by("soal_id", "urutan")
    ):
        masukan.setdefault(m.soal_id, []).append(Masukan(m.masukan, m.nama))
    semua_soal = soal_ids | {x.soal.pk for ms in masukan.values() for x in ms}
    jawaban = {
        (j.lembar_id, j.soal_id): j
        for j in Jawaban.objects.filter(lembar_id__in=lembar_ids, soal_id__in=semua_soal)
    }
    lampiran = {}
    for e in (
        Eviden.objects.filter(lembar_id__in=lembar_ids, soal_id__in=soal_ids, diarsipkan=False)
        .select_related("dokumen")
        .prefetch_related(
            Prefetch(
                "dokumen__versi",
                queryset=VersiDokumen.objects.select_related("diunggah_oleh").order_by("-nomor"),
                to_attr="daftar_versi",
            )
        )
    ):
        lampiran.setdefault((e.lembar_id, e.soal_id), []).append(
            BarisEviden(e, e.dokumen.daftar_versi)
        )
    pokja = {
        (p.tim_id, p.area): p
        for p in Pokja.objects.filter(tim_id__in={b.lembar.tim_id for b in daftar})
    }
    hasil = []
    for b in daftar:
        kunci = (b.lembar_id, b.soal_id)
        ms = masukan.get(b.soal_id, [])
        per_soal = {m.soal.pk: jawaban.get((b.lembar_id, m.soal.pk)) for m in ms}
        item = ItemAntrean(
            butir=b,
            pokja=pokja.get((b.lembar.tim_id, b.soal.area_pokja)),
            jawaban=jawaban.get(kunci),
            masukan=[NilaiMasukan(m, per_soal[m.soal.pk]) for m in ms],
            eviden=lampiran.get(kunci, []),
        )
        if b.soal.jenis == JenisJawaban.PERSEN:
            item.hasil_persen = hitung_persen(b.soal, ms, per_soal)
        hasil.append(item)
    return hasil


# --- "Tugas saya" ---------------------------------------------------------------------------


@dataclass
class BarisTugas:
    butir: Butir
    pokja: Pokja | None = None
    terlambat: bool = False

    @property
    def soal(self):
        return self.butir.soal


@dataclass
class TugasSaya:
    menunggu_reviu: list  # [BarisTugas] waiting for my review
    dikembalikan: list  # [BarisTugas] returned to me (I submitted it or it is assigned to me)
    ditugaskan: list  # [BarisTugas] assigned to me (not already listed as returned)

    @property
    def kosong(self):
        return not (self.menunggu_reviu or self.dikembalikan or self.ditugaskan)


def tugas_saya(user):
    """What waits for the user across teams: soal to review (reviewers), soal returned to
    them, and soal assigned to them (overdue first). Three queries."""
    hari_ini = timezone.localdate()
    menunggu = list(_butir_menunggu(user))
    milik = (
        Butir.objects.filter(syarat_anggota(user, tim="lembar__tim"))
        .filter(Q(ditugaskan_ke=user) | Q(status=StatusButir.PERLU_PERBAIKAN, diajukan_oleh=user))
        .select_related("soal", "lembar__tim__satker", "direviu_oleh")
        .order_by("tenggat", "soal__kode")
    )
    pokja = {}
    semua = menunggu + list(milik)
    for p in Pokja.objects.filter(tim_id__in={b.lembar.tim_id for b in semua}):
        pokja[(p.tim_id, p.area)] = p

    def baris(b):
        terlambat = bool(b.tenggat and b.tenggat < hari_ini and b.status != StatusButir.DISETUJUI)
        return BarisTugas(b, pokja.get((b.lembar.tim_id, b.soal.area_pokja)), terlambat)

    dikembalikan = [baris(b) for b in milik if b.status == StatusButir.PERLU_PERBAIKAN]
    ditugaskan = [baris(b) for b in milik if b.status != StatusButir.PERLU_PERBAIKAN]
    # Overdue first; then those with a due date, soonest first; then those without one.
    ditugaskan.sort(
        key=lambda t: (
            not t.terlambat,
            t.butir.tenggat is None,
            t.butir.tenggat or hari_ini,
            t.soal.kode,
        )
    )
    dikembalikan.sort(key=lambda t: (t.butir.direviu_pada or timezone.now(), t.soal.kode))
    return TugasSaya(
        menunggu_reviu=[baris(b) for b in menunggu],
        dikembalikan=dikembalikan,
        ditugaskan=ditugaskan,
    )
