"""Compare a workbook's answers with the team's worksheet, soal by soal, and apply them.

``rencanakan`` reads the workbook (``baca``) and builds a ``Rencana``: one line per soal in the
file with its current and new answer and note and what the import does with it, every
row-level problem with its row number and code, what would be saved, and the score before
and after (``skor.hitung`` on the merged answers). It writes nothing. ``terapkan`` saves a
clean plan in one transaction, every change through ``eviden.services.simpan_jawaban`` (the
web form's service: review locks, optimistic version, input rules, audit history), and
records an ``ImporLKE``. ``impor_lke`` does both, for code and tests.

Rows are identified by their code (column KODE), checked against the bank id (SOAL_ID) when
there is one and against the soal's text (TEKS); a row that disagrees, or a code written
twice, is reported and never guessed. Jumlah inputs are saved with the % soal they feed, as
the web form saves them; the % soal's note is on its own row.

Merging, field by field (answer, note, each Jumlah input): an empty cell keeps what is stored;
a stored empty value is filled; a different stored value is kept unless ``timpa`` (overwrite)
is on. Rows that change nothing are never errors.
"""

import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from eviden import rumus, services
from eviden.kartu import Masukan
from eviden.models import (
    JENIS_PILIHAN,
    Butir,
    Jawaban,
    JenisJawaban,
    Node,
    Soal,
    SoalMasukan,
    StatusButir,
)

from .. import skor
from ..models import ImporLKE
from ..selectors import instrumen_lke, isian_lembar, skor_lembar
from . import baca as baca_mod
from .baca import (
    KOLOM_JAWABAN_UNIT,
    KOLOM_SOAL_ID,
    KOLOM_TEKS,
    POLA_KODE,
    Ditolak,
)

# What the import does with a soal.
DIISI = "diisi"  # empty → filled
DITIMPA = "ditimpa"  # a different stored value replaced (overwrite mode only)
DILEWATI = "dilewati"  # fill-empty mode and a different stored value: kept
SAMA = "sama"  # the file says what is stored
KOSONG = "kosong"  # the file's row has no answer and no note
GALAT = "galat"  # a problem to fix in the file (nothing can be imported)
BERUBAH = (DIISI, DITIMPA)

# Limits of the web form (eviden.forms): a note's length, a Jumlah's size, decimals kept.
MAKS_CATATAN = 5000
MAKS_JUMLAH = 10_000_000
DESIMAL_NILAI = 4  # Jawaban.angka keeps 4 decimals
EMPAT_DESIMAL = Decimal("0.0001")  # ImporLKE.total_* keep 4 decimals


class AdaGalat(ValueError):
    """The plan has row-level problems; nothing was written."""

    def __init__(self, rencana):
        super().__init__(f"{len(rencana.masalah)} galat")
        self.rencana = rencana


class RencanaBasi(Exception):
    """The worksheet changed after the plan was made (an answer saved or a soal locked by
    someone else); nothing was written. Plan again."""


@dataclass(frozen=True)
class Masalah:
    """A row-level problem: the sheet row, the code written there, and why."""

    baris: int
    kode: str
    pesan: str


@dataclass
class MasukanPratinjau:
    """One Jumlah input of a % soal in the preview."""

    soal: Soal
    baris: int | None
    lama: str
    baru: str
    berubah: bool
    berkas: str = ""  # what the file says (shown when it was not used)
    dilewati: bool = False


@dataclass
class BarisPratinjau:
    """One soal of the file in the preview."""

    soal: Soal
    baris: list  # sheet rows: the soal's own and, for a % soal, its inputs'
    aksi: str = KOSONG
    lama_jawaban: str = ""
    baru_jawaban: str = ""
    lama_catatan: str = ""
    baru_catatan: str = ""
    berkas_jawaban: str = ""  # what the file says, shown when a field was skipped
    berkas_catatan: str = ""
    dilewatkan: bool = False  # a field of the file was not used (fill-empty mode)
    masukan: list = field(default_factory=list)  # [MasukanPratinjau] for a % soal
    alasan: list = field(default_factory=list)  # why GALAT
    info: list = field(default_factory=list)  # cells that were ignored, and why
    nilai_lama: Decimal | None = None  # the soal's value in [0, 1] before and after
    nilai_baru: Decimal | None = None

    @property
    def berubah(self):
        return self.aksi in BERUBAH


@dataclass(frozen=True)
class Simpan:
    """One call of ``services.simpan_jawaban``."""

    soal: Soal
    versi: int
    pilihan: str = ""
    angka: Decimal | None = None
    penjelasan: str = ""
    masukan: tuple = ()  # ((Masukan, number), ...) for a % soal


@dataclass
class Rencana:
    lembar: object
    timpa: bool
    nama_berkas: str
    sha256: str
    daftar: list = field(default_factory=list)  # [BarisPratinjau] in sheet order
    masalah: list = field(default_factory=list)  # [Masalah] by row
    info: list = field(default_factory=list)  # [Masalah] rows skipped with a value in them
    simpan: list = field(default_factory=list)  # [Simpan]
    rincian: list = field(default_factory=list)  # [{"soal", "lama", "baru"}] per changed code
    sebelum: skor.HasilSkor | None = None
    sesudah: skor.HasilSkor | None = None
    tidak_ada: int = 0  # scored soal of the instrument with no row in the file

    @property
    def berubah(self):
        """Answers that change (each Jumlah input and each soal's answer or note)."""
        return len(self.rincian)

    @property
    def boleh_diterapkan(self):
        return not self.masalah

    def hitung(self, aksi):
        return sum(1 for b in self.daftar if b.aksi == aksi)

    @property
    def ringkasan(self):
        return {a: self.hitung(a) for a in (DIISI, DITIMPA, DILEWATI, SAMA, KOSONG, GALAT)}

    @property
    def sidik(self):
        """A fingerprint of what the plan would do (not of its wording): the confirmation
        must find the same plan, or the preview is shown again."""
        isi = {
            "sha256": self.sha256,
            "timpa": self.timpa,
            "rincian": self.rincian,
            "aksi": [(b.soal.kode, b.aksi) for b in self.daftar],
            "masalah": [(m.baris, m.kode) for m in self.masalah],
        }
        data = json.dumps(isi, sort_keys=True, default=str, ensure_ascii=True)
        return hashlib.sha256(data.encode()).hexdigest()


# --- Reading values --------------------------------------------------------------------------


def _angka(nilai):
    """A cell value as a finite Decimal, or None (text may use a decimal comma)."""
    if isinstance(nilai, bool) or nilai is None:
        return None
    if isinstance(nilai, int | float | Decimal):
        teks = str(nilai)
    elif isinstance(nilai, str):
        teks = nilai.strip().replace(" ", "").replace(",", ".")
    else:
        return None
    try:
        d = Decimal(teks)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _teks_nilai(nilai):
    """A cell value as the user wrote it, for messages (numbers the Indonesian way)."""
    if isinstance(nilai, int | float | Decimal) and not isinstance(nilai, bool):
        d = _angka(nilai)
        if d is not None:
            return rumus.angka_id(d)
    return str(nilai)


def _tampil_angka(d):
    return "" if d is None else rumus.angka_id(d)


def _json_angka(d):
    if d is None:
        return None
    teks = format(d, "f")
    return teks.rstrip("0").rstrip(".") if "." in teks else teks


def _catatan(teks):
    """A note compared and saved without the noise a spreadsheet adds or removes: line
    endings, edge spaces, and the control characters a cell cannot hold."""
    teks = ILLEGAL_CHARACTERS_RE.sub("", teks or "")
    return teks.replace("\r\n", "\n").replace("\r", "\n").strip()


def _teks_banding(teks):
    teks = unicodedata.normalize("NFC", ILLEGAL_CHARACTERS_RE.sub("", teks or ""))
    return " ".join(teks.split()).casefold()


def _sama_teks(a, b):
    """Whether a row's text is the soal's (spacing, case and control characters aside)."""
    return _teks_banding(a) == _teks_banding(b)


def _gabung(lama, berkas, timpa):
    """``(result, state)`` of one field. ``berkas`` None = the file leaves it empty."""
    kosong_lama = lama is None or lama == ""
    if berkas is None or berkas == "":
        return lama, "tetap"
    if kosong_lama:
        return berkas, "isi"
    if lama == berkas:
        return lama, "sama"
    if timpa:
        return berkas, "timpa"
    return lama, "lewati"


def _aksi(keadaan):
    if "timpa" in keadaan:
        return DITIMPA
    if "isi" in keadaan:
        return DIISI
    if "lewati" in keadaan:
        return DILEWATI
    if "sama" in keadaan:
        return SAMA
    return KOSONG


@dataclass
class _Nilai:
    """What one row asks for: an option code or a number, and a note (None = empty)."""

    jawaban: object = None
    catatan: str | None = None
    galat: list = field(default_factory=list)
    info: list = field(default_factory=list)


class _Perencana:
    def __init__(self, lembar, buku, *, timpa, nama_berkas, sha256):
        self.lembar = lembar
        self.buku = buku
        self.instrumen = lembar.instrumen
        self.rencana = Rencana(lembar=lembar, timpa=timpa, nama_berkas=nama_berkas, sha256=sha256)
        self.timpa = timpa
        self.skala = Decimal(str(self.instrumen.acuan_skor.get("skala_indeks", "4")))

    # -- data of the worksheet (six queries)

    def muat(self):
        self.soal = {s.kode: s for s in Soal.objects.filter(instrumen=self.instrumen)}
        self.soal_id = {s.pk: s for s in self.soal.values()}
        self.node = set(
            Node.objects.filter(instrumen=self.instrumen).values_list("kode", flat=True)
        )
        self.pemakai = {}  # Jumlah soal id → (% soal, variable name)
        self.masukan = {}  # % soal id → [(variable name, Jumlah soal)]
        for m in SoalMasukan.objects.filter(soal__instrumen=self.instrumen).order_by(
            "soal", "urutan"
        ):
            persen, jumlah = self.soal_id[m.soal_id], self.soal_id[m.masukan_id]
            self.pemakai[jumlah.pk] = (persen, m.nama)
            self.masukan.setdefault(persen.pk, []).append((m.nama, jumlah))
        self.tersimpan = {j.soal_id: j for j in Jawaban.objects.filter(lembar=self.lembar)}
        self.status = dict(
            Butir.objects.filter(lembar=self.lembar).values_list("soal_id", "status")
        )

    def _lama(self, soal):
        """``(answer, note)`` stored for ``soal``: option code, number or None; note text."""
        j = self.tersimpan.get(soal.pk)
        if j is None:
            return None, ""
        if soal.jenis in JENIS_PILIHAN:
            return (j.pilihan or None), j.penjelasan
        return j.angka, j.penjelasan

    def _versi(self, soal):
        j = self.tersimpan.get(soal.pk)
        return j.versi if j else 0

    def _terkunci(self, soal):
        return StatusButir(self.status.get(soal.pk, StatusButir.DRAF)).alasan_terkunci()

    # -- one row

    def _identitas(self, soal, baris):
        """Problems of a row's identity: a bank id or a text that is not this soal's."""
        galat = []
        if baris.soal_id is not None:
            nomor = _angka(baris.soal_id)
            sah = nomor is not None and nomor == nomor.to_integral_value()
            if not sah or soal.nomor_bank is None or int(nomor) != soal.nomor_bank:
                benar = soal.nomor_bank if soal.nomor_bank is not None else _("kosong")
                galat.append(
                    _(
                        "ID soal «%(id)s» di kolom %(kolom)s tidak cocok dengan kode %(kode)s "
                        "(seharusnya %(benar)s); baris ini ambigu."
                    )
                    % {
                        "id": _teks_nilai(baris.soal_id),
                        "kolom": KOLOM_SOAL_ID,
                        "kode": soal.kode,
                        "benar": benar,
                    }
                )
        if not _sama_teks(baris.teks, soal.teks):
            galat.append(
                _(
                    "Teks soal di kolom %(kolom)s tidak cocok dengan soal %(kode)s; baris ini "
                    "ambigu (bergeser atau kodenya salah)."
                )
                % {"kolom": KOLOM_TEKS, "kode": soal.kode}
            )
        return galat

    def _nilai(self, soal, baris):
        """Read the answer and the note of ``baris`` for ``soal`` (checked by its kind)."""
        n = _Nilai()
        for kolom in baris.rumus:
            n.galat.append(
                _("Kolom %(kolom)s berisi rumus; tulis nilainya langsung, bukan rumus.")
                % {"kolom": kolom}
            )
        catatan = _catatan(baris.catatan)
        if soal.jenis == JenisJawaban.JUMLAH:
            if catatan:
                induk = self.pemakai.get(soal.pk, (soal, ""))[0]
                n.info.append(
                    _(
                        "Catatan pada baris isian jumlah %(kode)s diabaikan; tulis catatan pada "
                        "baris soal %(induk)s."
                    )
                    % {"kode": soal.kode, "induk": induk.kode}
                )
        elif len(catatan) > MAKS_CATATAN:
            n.galat.append(
                _("Catatan soal %(kode)s terlalu panjang (%(n)s karakter; paling banyak %(maks)s).")
                % {"kode": soal.kode, "n": len(catatan), "maks": MAKS_CATATAN}
            )
        else:
            n.catatan = catatan or None
        nilai = baris.jawaban
        if nilai is None:
            return n
        if soal.jenis == JenisJawaban.PERSEN:
            n.info.append(
                _(
                    "Kolom %(kolom)s pada soal %(kode)s diabaikan: nilainya dihitung dari isian "
                    "jumlahnya."
                )
                % {"kolom": KOLOM_JAWABAN_UNIT, "kode": soal.kode}
            )
            return n
        if soal.jenis in JENIS_PILIHAN:
            kode = {o["kode"].casefold(): o["kode"] for o in soal.opsi}
            pilihan = kode.get(nilai.casefold()) if isinstance(nilai, str) else None
            if pilihan is None:
                n.galat.append(
                    _("Jawaban «%(nilai)s» tidak sah untuk soal %(kode)s (%(jenis)s: %(opsi)s).")
                    % {
                        "nilai": _teks_nilai(nilai),
                        "kode": soal.kode,
                        "jenis": soal.get_jenis_display(),
                        "opsi": ", ".join(o["kode"] for o in soal.opsi),
                    }
                )
            n.jawaban = pilihan
            return n
        angka = _angka(nilai)
        if angka is None or angka < 0:
            n.galat.append(
                _("Jawaban «%(nilai)s» untuk soal %(kode)s harus angka 0 atau lebih.")
                % {"nilai": _teks_nilai(nilai), "kode": soal.kode}
            )
        elif soal.jenis == JenisJawaban.JUMLAH and angka != angka.to_integral_value():
            n.galat.append(
                _("Jumlah «%(nilai)s» untuk soal %(kode)s harus bilangan bulat.")
                % {"nilai": _teks_nilai(nilai), "kode": soal.kode}
            )
        elif soal.jenis == JenisJawaban.JUMLAH and angka > MAKS_JUMLAH:
            n.galat.append(
                _("Jumlah «%(nilai)s» untuk soal %(kode)s terlalu besar (paling banyak %(maks)s).")
                % {
                    "nilai": _teks_nilai(nilai),
                    "kode": soal.kode,
                    "maks": rumus.angka_id(MAKS_JUMLAH),
                }
            )
        elif soal.jenis == JenisJawaban.NILAI_0_4 and angka > self.skala:
            n.galat.append(
                _("Nilai «%(nilai)s» untuk soal %(kode)s harus antara 0 dan %(skala)s.")
                % {
                    "nilai": _teks_nilai(nilai),
                    "kode": soal.kode,
                    "skala": rumus.angka_id(self.skala),
                }
            )
        elif angka != angka.quantize(Decimal(1).scaleb(-DESIMAL_NILAI)):
            n.galat.append(
                _(
                    "Nilai «%(nilai)s» untuk soal %(kode)s paling banyak %(n)s angka di belakang "
                    "koma."
                )
                % {"nilai": _teks_nilai(nilai), "kode": soal.kode, "n": DESIMAL_NILAI}
            )
        else:
            n.jawaban = angka
        return n

    # -- the whole file

    def susun(self):
        per_soal = {}  # soal id → [BarisLKE]
        for b in self.buku.baris:
            if not b.kode or b.kode in self.node:
                continue
            soal = self.soal.get(b.kode)
            if soal is not None:
                per_soal.setdefault(soal.pk, []).append(b)
            elif POLA_KODE.fullmatch(b.kode) and b.berisi:
                self._masalah(
                    b.nomor,
                    b.kode,
                    _("Kode %(kode)s tidak dikenal pada instrumen %(instrumen)s.")
                    % {"kode": b.kode, "instrumen": self.instrumen.kode},
                )
            elif b.berisi and not POLA_KODE.fullmatch(b.kode):
                self.rencana.info.append(
                    Masalah(
                        b.nomor,
                        b.kode,
                        _("Baris ini tidak berkode soal LKE; isinya dilewati."),
                    )
                )
        if not per_soal:
            raise Ditolak(
                _(
                    "Tidak ada kode soal di berkas ini yang cocok dengan instrumen %(instrumen)s "
                    "yang dipakai tim. Gunakan berkas LKE hasil ekspor portal untuk tim ini."
                )
                % {"instrumen": self.instrumen.kode},
                "tata_letak",
            )
        self.per_soal = per_soal
        for b in self.buku.baris:
            if not b.kode or b.kode in self.node:
                continue
            soal = self.soal.get(b.kode)
            if soal is None:
                continue
            if soal.jenis == JenisJawaban.JUMLAH and soal.pk not in self.pemakai and b.berisi:
                self._masalah(
                    b.nomor,
                    soal.kode,
                    _("Isian jumlah %(kode)s tidak dipakai soal mana pun.") % {"kode": soal.kode},
                )
        for s in sorted(self.soal.values(), key=lambda s: (s.excel_baris or 0, s.kode)):
            if s.jenis == JenisJawaban.JUMLAH:
                continue
            if s.jenis == JenisJawaban.PERSEN:
                ikut = [s.pk] + [j.pk for _n, j in self.masukan.get(s.pk, [])]
                if any(i in per_soal for i in ikut):
                    self._persen(s)
                else:
                    self.rencana.tidak_ada += 1
            elif s.pk in per_soal:
                self._tunggal(s)
            else:
                self.rencana.tidak_ada += 1
        self.rencana.masalah.sort(key=lambda m: m.baris)
        self._skor()
        return self.rencana

    def _masalah(self, baris, kode, pesan):
        self.rencana.masalah.append(Masalah(baris, kode, pesan))

    def _baris_soal(self, soal, galat_baris):
        """The soal's single row, or None; a code written on several rows is a problem
        (``galat_baris`` gets one message per row) unless none of them carries a value."""
        daftar = self.per_soal.get(soal.pk, [])
        if len(daftar) > 1 and any(b.berisi for b in daftar):
            nomor = ", ".join(str(b.nomor) for b in daftar)
            for b in daftar:
                galat_baris.append(
                    (
                        b,
                        _(
                            "Kode %(kode)s tertulis lebih dari sekali (baris %(baris)s); hapus "
                            "baris yang berlebih."
                        )
                        % {"kode": soal.kode, "baris": nomor},
                    )
                )
            return None
        return daftar[0] if daftar else None

    def _tunggal(self, soal):
        """A soal with an answer of its own (options, a 0–4 index)."""
        galat = []  # [(BarisLKE, message)]
        b = self._baris_soal(soal, galat)
        lama_j, lama_c = self._lama(soal)
        baris = BarisPratinjau(soal=soal, baris=[r.nomor for r in self.per_soal[soal.pk]])
        baris.lama_jawaban = self._tampil(soal, lama_j)
        baris.lama_catatan = lama_c
        if b is None:
            baris.baru_jawaban, baris.baru_catatan = baris.lama_jawaban, lama_c
            return self._tutup(baris, galat, ["tetap"])
        n = self._nilai(soal, b)
        baris.info.extend(n.info)
        baru_j, st_j = _gabung(lama_j, n.jawaban, self.timpa)
        baru_c, st_c = _gabung(_catatan(lama_c), n.catatan, self.timpa)
        if st_c in ("tetap", "sama", "lewati"):
            baru_c = lama_c
        baris.baru_jawaban = self._tampil(soal, baru_j)
        baris.baru_catatan = baru_c
        baris.berkas_jawaban = self._tampil(soal, n.jawaban)
        baris.berkas_catatan = n.catatan or ""
        baris.dilewatkan = "lewati" in (st_j, st_c)
        berubah = st_j in ("isi", "timpa") or st_c in ("isi", "timpa")
        galat.extend((b, p) for p in n.galat)
        if berubah or n.galat:
            galat.extend((b, p) for p in self._identitas(soal, b))
        if berubah and not galat and (alasan := self._terkunci(soal)):
            galat.append(
                (b, _("Soal %(kode)s terkunci. %(alasan)s") % {"kode": soal.kode, "alasan": alasan})
            )
        if berubah and not galat:
            pilihan = baru_j if soal.jenis in JENIS_PILIHAN else ""
            angka = None if soal.jenis in JENIS_PILIHAN else baru_j
            self.rencana.simpan.append(
                Simpan(
                    soal=soal,
                    versi=self._versi(soal),
                    pilihan=pilihan or "",
                    angka=angka,
                    penjelasan=baru_c,
                )
            )
            self.rencana.rincian.append(
                {
                    "soal": soal.kode,
                    "lama": {"jawaban": self._json(soal, lama_j), "catatan": lama_c},
                    "baru": {"jawaban": self._json(soal, baru_j), "catatan": baru_c},
                }
            )
        return self._tutup(baris, galat, [st_j, st_c])

    def _persen(self, soal):
        """A % soal: its note on its own row, its Jumlah inputs on theirs."""
        galat = []
        ikut = self.masukan.get(soal.pk, [])
        semua_baris = [
            r.nomor for i in [soal] + [j for _n, j in ikut] for r in self.per_soal.get(i.pk, [])
        ]
        baris = BarisPratinjau(soal=soal, baris=sorted(semua_baris))
        _lama_j, lama_c = self._lama(soal)
        baris.lama_catatan = lama_c
        keadaan = []
        b = self._baris_soal(soal, galat)
        baru_c = lama_c
        catatan_berubah = False
        if b is not None:
            n = self._nilai(soal, b)
            baris.info.extend(n.info)
            hasil, st_c = _gabung(_catatan(lama_c), n.catatan, self.timpa)
            keadaan.append(st_c)
            baris.berkas_catatan = n.catatan or ""
            baris.dilewatkan = st_c == "lewati"
            if st_c in ("isi", "timpa"):
                baru_c, catatan_berubah = hasil, True
            galat.extend((b, p) for p in n.galat)
            if catatan_berubah or n.galat:
                galat.extend((b, p) for p in self._identitas(soal, b))
        baris.baru_catatan = baru_c
        gabungan, berubah_masukan = {}, []
        for nama, jumlah in ikut:
            lama = self._lama(jumlah)[0]
            bj = self._baris_soal(jumlah, galat)
            baru, st, berkas = lama, "tetap", None
            if bj is not None:
                n = self._nilai(jumlah, bj)
                baris.info.extend(n.info)
                berkas = n.jawaban
                baru, st = _gabung(lama, n.jawaban, self.timpa)
                galat.extend((bj, p) for p in n.galat)
                if st in ("isi", "timpa") or n.galat:
                    galat.extend((bj, p) for p in self._identitas(jumlah, bj))
            keadaan.append(st)
            gabungan[nama] = baru
            ubah = st in ("isi", "timpa")
            if ubah:
                berubah_masukan.append((jumlah, lama, baru))
            baris.masukan.append(
                MasukanPratinjau(
                    soal=jumlah,
                    baris=bj.nomor if bj else None,
                    lama=_tampil_angka(lama),
                    baru=_tampil_angka(baru),
                    berubah=ubah,
                    berkas=_tampil_angka(berkas),
                    dilewati=st == "lewati",
                )
            )
            baris.dilewatkan = baris.dilewatkan or st == "lewati"
        berubah = catatan_berubah or bool(berubah_masukan)
        if berubah and not galat:
            baris_pertama = next(
                (self.per_soal[j.pk][0] for j, *_x in berubah_masukan if j.pk in self.per_soal),
                b,
            )
            for pesan in rumus.periksa_syarat(soal.syarat_masukan, gabungan):
                galat.append((baris_pertama, pesan))
        if berubah and not galat and (alasan := self._terkunci(soal)):
            galat.append(
                (
                    b or self.per_soal[berubah_masukan[0][0].pk][0],
                    _("Soal %(kode)s terkunci. %(alasan)s") % {"kode": soal.kode, "alasan": alasan},
                )
            )
        if berubah and not galat:
            masukan = tuple(
                (Masukan(soal=j, nama=nama), gabungan[nama])
                for nama, j in ikut
                if gabungan[nama] is not None
            )
            self.rencana.simpan.append(
                Simpan(soal=soal, versi=self._versi(soal), penjelasan=baru_c, masukan=masukan)
            )
            for j, lama, baru in berubah_masukan:
                self.rencana.rincian.append(
                    {
                        "soal": j.kode,
                        "lama": {"jawaban": _json_angka(lama)},
                        "baru": {"jawaban": _json_angka(baru)},
                    }
                )
            if catatan_berubah:
                self.rencana.rincian.append(
                    {"soal": soal.kode, "lama": {"catatan": lama_c}, "baru": {"catatan": baru_c}}
                )
        return self._tutup(baris, galat, keadaan)

    def _tutup(self, baris, galat, keadaan):
        if galat:
            baris.aksi = GALAT
            for b, pesan in galat:
                baris.alasan.append(pesan)
                self._masalah(b.nomor, b.kode, pesan)
        else:
            baris.aksi = _aksi(keadaan)
        self.rencana.daftar.append(baris)
        return baris

    def _tampil(self, soal, nilai):
        if nilai is None or nilai == "":
            return ""
        return nilai if soal.jenis in JENIS_PILIHAN else _tampil_angka(nilai)

    def _json(self, soal, nilai):
        if nilai is None or nilai == "":
            return None
        return nilai if soal.jenis in JENIS_PILIHAN else _json_angka(nilai)

    def _skor(self):
        """The score now and with the plan's changes (the engine on the merged answers)."""
        lke = instrumen_lke(self.instrumen)
        isian = isian_lembar(self.lembar)
        self.rencana.sebelum = skor.hitung(lke, isian)
        gabungan = dict(isian)
        for s in self.rencana.simpan:
            if s.masukan:
                for m, angka in s.masukan:
                    gabungan[m.soal.pk] = skor.Isian(angka=angka)
            elif s.soal.jenis != JenisJawaban.PERSEN:
                gabungan[s.soal.pk] = skor.Isian(pilihan=s.pilihan, angka=s.angka)
        self.rencana.sesudah = skor.hitung(lke, gabungan)
        for b in self.rencana.daftar:
            lama = self.rencana.sebelum.soal.get(b.soal.pk)
            baru = self.rencana.sesudah.soal.get(b.soal.pk)
            b.nilai_lama = lama.nilai if lama else None
            b.nilai_baru = baru.nilai if baru else None


def rencanakan(path, *, lembar, timpa=False, nama_berkas="", sha256=None):
    """Read the workbook at ``path`` and plan its import into ``lembar`` (nothing is
    written). Raises ``baca.Ditolak`` when the whole file is refused."""
    buku = baca_mod.baca(path, nama_berkas)
    sha256 = sha256 or baca_mod.sha256_berkas(path)
    perencana = _Perencana(lembar, buku, timpa=timpa, nama_berkas=nama_berkas, sha256=sha256)
    perencana.muat()
    return perencana.susun()


def terapkan(rencana, *, user):
    """Save a clean plan in one transaction and record it; return the ``ImporLKE``.

    Raises ``AdaGalat`` when the plan has problems and ``RencanaBasi`` when the worksheet
    moved on since the plan was made (nothing is written in either case)."""
    if rencana.masalah:
        raise AdaGalat(rencana)
    lembar = rencana.lembar
    with transaction.atomic():
        sebelum = skor_lembar(lembar)
        for s in rencana.simpan:
            try:
                services.simpan_jawaban(
                    lembar=lembar,
                    soal=s.soal,
                    user=user,
                    versi=s.versi,
                    pilihan=s.pilihan,
                    angka=s.angka,
                    penjelasan=s.penjelasan,
                    masukan=dict(s.masukan),
                )
            except (services.KonflikJawaban, ValidationError) as exc:  # Terkunci included
                raise RencanaBasi(str(exc)) from exc
        sesudah = skor_lembar(lembar)
        return ImporLKE.objects.create(
            tim=lembar.tim,
            oleh=user,
            pada=timezone.now(),
            nama_berkas=(rencana.nama_berkas or "")[:200],
            sha256=rencana.sha256,
            timpa=rencana.timpa,
            berubah=rencana.berubah,
            total_sebelum=sebelum.total.quantize(EMPAT_DESIMAL),
            total_sesudah=sesudah.total.quantize(EMPAT_DESIMAL),
            rincian=rencana.rincian,
        )


def impor_lke(berkas, *, lembar, user, timpa=False, nama_berkas="", terapkan_juga=True):
    """Read, plan and (with ``terapkan_juga``) apply a workbook from code.

    ``berkas`` is a path or a binary file object (copied to a temporary file first, under the
    upload limit). Returns ``(rencana, impor)``; ``impor`` is the ``ImporLKE`` or None when
    not applied. Raises ``baca.Ditolak`` (the whole file), ``AdaGalat`` (row problems) or
    ``RencanaBasi``; nothing is written then."""
    sementara = None
    if isinstance(berkas, str | bytes) or hasattr(berkas, "__fspath__"):
        path, sha256 = os.fsdecode(berkas), None
        nama_berkas = nama_berkas or os.path.basename(path)
    else:
        path, sha256, _ukuran = baca_mod.simpan_sementara(berkas)
        sementara = path
        nama_berkas = nama_berkas or getattr(berkas, "name", "") or ""
    try:
        rencana = rencanakan(
            path, lembar=lembar, timpa=timpa, nama_berkas=nama_berkas, sha256=sha256
        )
        if not terapkan_juga:
            return rencana, None
        return rencana, terapkan(rencana, user=user)
    finally:
        if sementara:
            baca_mod.buang(sementara)
