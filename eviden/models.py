"""WHAT: the LKE instrument as versioned data, and each Tim's worksheet of it.

The instrument (komponen → sub-komponen → area → sub-area → soal, weights, answer types,
multipliers, thresholds) is loaded from a file by ``manage.py muat_instrumen``; nothing
about it is hard-coded in Python. Answers, evidence, reviews and assignments will hang off
``LembarKerja`` (a Tim's worksheet) and ``Soal``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pokja.models import Predikat, TimZI


class Instrumen(models.Model):
    """One version of the LKE (e.g. LKE-ZI-2026 under PermenPANRB 90/2021)."""

    kode = models.CharField(_("kode"), max_length=40, unique=True)
    nama = models.CharField(_("nama"), max_length=200)
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    regulasi = models.CharField(_("regulasi"), max_length=200)
    sumber = models.TextField(_("sumber"), blank=True)
    # Weight of each pengungkit area (the Pokja's area) as data: {"1": "8", "2": "7", ...}.
    bobot_area = models.JSONField(_("bobot area"), default=dict)
    # What the score reads, by kode: {"pengungkit": "A", ..., "ipak": "B.I.1", "skala_indeks": "4"}
    acuan_skor = models.JSONField(_("acuan penilaian"), default=dict)
    sidik = models.CharField(
        _("sidik isi"), max_length=64, help_text=_("SHA-256 isi berkas yang dimuat.")
    )
    dimuat_pada = models.DateTimeField(_("dimuat pada"), auto_now=True)

    class Meta:
        verbose_name = _("instrumen LKE")
        verbose_name_plural = _("instrumen LKE")
        ordering = ["-tahun", "kode"]

    def __str__(self):
        return f"{self.kode} — {self.nama}"


class AmbangPredikat(models.Model):
    """The pass thresholds of one predicate (WBK or WBBM) in an instrument version."""

    instrumen = models.ForeignKey(Instrumen, on_delete=models.CASCADE, related_name="ambang")
    predikat = models.CharField(_("predikat"), max_length=4, choices=Predikat.choices)
    total = models.DecimalField(_("nilai total minimal"), max_digits=7, decimal_places=4)
    pengungkit = models.DecimalField(_("pengungkit minimal"), max_digits=7, decimal_places=4)
    persen_area = models.DecimalField(_("persen minimal tiap area"), max_digits=7, decimal_places=4)
    ipak = models.DecimalField(_("IPAK minimal"), max_digits=7, decimal_places=4)
    capaian_kinerja = models.DecimalField(
        _("capaian kinerja minimal"), max_digits=7, decimal_places=4
    )
    birokrasi_bersih = models.DecimalField(
        _("birokrasi bersih minimal"), max_digits=7, decimal_places=4
    )
    pelayanan_prima = models.DecimalField(
        _("pelayanan prima minimal"), max_digits=7, decimal_places=4
    )
    syarat_predikat = models.CharField(
        _("predikat yang harus sudah diraih"), max_length=4, blank=True
    )

    class Meta:
        verbose_name = _("ambang predikat")
        verbose_name_plural = _("ambang predikat")
        constraints = [
            models.UniqueConstraint(
                fields=["instrumen", "predikat"], name="eviden_ambang_satu_per_predikat"
            )
        ]

    def __str__(self):
        return f"{self.instrumen.kode} {self.predikat}"


class Node(models.Model):
    """A node of the LKE tree: komponen, sub-komponen, area or sub-area, with its weight."""

    class Level(models.TextChoices):
        KOMPONEN = "komponen", _("Komponen")
        SUB_KOMPONEN = "sub_komponen", _("Sub-komponen")
        AREA = "area", _("Area")
        SUB_AREA = "sub_area", _("Sub-area")

    instrumen = models.ForeignKey(Instrumen, on_delete=models.CASCADE, related_name="nodes")
    induk = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="anak"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kode = models.CharField(_("kode"), max_length=40)
    nama = models.CharField(_("nama"), max_length=300)
    urutan = models.PositiveSmallIntegerField(_("urutan"))
    bobot = models.DecimalField(_("bobot"), max_digits=7, decimal_places=4)
    # The Pokja area (1..6) this area node belongs to; null above and for Hasil.
    area_pokja = models.PositiveSmallIntegerField(_("area Pokja"), null=True, blank=True)

    class Meta:
        verbose_name = _("node LKE")
        verbose_name_plural = _("node LKE")
        ordering = ["instrumen", "kode"]
        constraints = [
            models.UniqueConstraint(fields=["instrumen", "kode"], name="eviden_node_kode_unik"),
            models.CheckConstraint(
                condition=Q(area_pokja__isnull=True) | Q(area_pokja__gte=1, area_pokja__lte=6),
                name="eviden_node_area_pokja_1_sampai_6",
            ),
            models.CheckConstraint(
                condition=~Q(level="area") | Q(area_pokja__isnull=False),
                name="eviden_node_area_wajib_area_pokja",
            ),
            models.CheckConstraint(condition=Q(bobot__gte=0), name="eviden_node_bobot_positif"),
        ]

    def __str__(self):
        return f"{self.kode} {self.nama}"


class JenisJawaban(models.TextChoices):
    YA_TIDAK = "ya_tidak", _("Ya/Tidak")
    ABC = "abc", _("A/B/C")
    ABCD = "abcd", _("A/B/C/D")
    ABCDE = "abcde", _("A/B/C/D/E")
    JUMLAH = "jumlah", _("Jumlah")
    PERSEN = "persen", _("Persentase")
    NILAI_0_4 = "nilai_0_4", _("Nilai (0–4)")


JENIS_PILIHAN = (JenisJawaban.YA_TIDAK, JenisJawaban.ABC, JenisJawaban.ABCD, JenisJawaban.ABCDE)


class Soal(models.Model):
    """A question of the LKE. % soal are computed from Jumlah soal by a formula (``rumus``)."""

    instrumen = models.ForeignKey(Instrumen, on_delete=models.CASCADE, related_name="soal")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="soal")
    kode = models.CharField(_("kode"), max_length=40)
    nomor_bank = models.PositiveSmallIntegerField(
        _("nomor bank soal"),
        null=True,
        blank=True,
        help_text=_("Nomor soal pada bank soal resmi; kosong untuk soal % turunan."),
    )
    urutan = models.PositiveSmallIntegerField(_("urutan"))
    jenis = models.CharField(_("jenis jawaban"), max_length=12, choices=JenisJawaban.choices)
    teks = models.TextField(_("pertanyaan"))
    kriteria = models.TextField(_("kriteria"), blank=True)
    # Answer options with their scoring multiplier: [{"kode": "A", "label": "...", "nilai": "1"}]
    opsi = models.JSONField(_("opsi jawaban"), default=list, blank=True)
    bobot = models.DecimalField(
        _("bobot"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Hanya untuk soal komponen hasil (mis. 17,5 untuk survei)."),
    )
    panduan_eviden = models.JSONField(_("panduan eviden"), default=list, blank=True)
    rumus = models.CharField(_("rumus"), max_length=300, blank=True)
    penjelasan_rumus = models.TextField(_("penjelasan rumus"), blank=True)
    # Rules the Jumlah inputs must satisfy: [{"rumus": "terintegrasi <= perubahan",
    # "pesan": "... ({terintegrasi}) ... ({perubahan})."}], checked by rumus.periksa_syarat.
    syarat_masukan = models.JSONField(_("syarat isian"), default=list, blank=True)
    # The computation in words, with {variable} placeholders filled by rumus.uraikan.
    uraian = models.CharField(_("uraian dengan angka"), max_length=300, blank=True)
    uraian_rumus = models.CharField(_("rumus dalam kata"), max_length=300, blank=True)
    # Sentences for a raw value above 1 or below 0: {"atas": "...", "bawah": "..."}.
    catatan_batas = models.JSONField(_("catatan batas nilai"), default=dict, blank=True)
    excel_baris = models.PositiveIntegerField(_("baris Excel LKE"), null=True, blank=True)
    # The Pokja area (1..6) of the soal's area ancestor, copied by the loader so that a Pokja's
    # soal are one indexed filter away; null for Hasil soal, which belong to no Pokja.
    area_pokja = models.PositiveSmallIntegerField(_("area Pokja"), null=True, blank=True)
    masukan = models.ManyToManyField(
        "self",
        through="SoalMasukan",
        through_fields=("soal", "masukan"),
        symmetrical=False,
        related_name="dipakai_oleh",
        blank=True,
    )

    class Meta:
        verbose_name = _("soal")
        verbose_name_plural = _("soal")
        ordering = ["instrumen", "node__kode", "urutan"]
        constraints = [
            models.UniqueConstraint(fields=["instrumen", "kode"], name="eviden_soal_kode_unik"),
            models.UniqueConstraint(
                fields=["instrumen", "nomor_bank"],
                condition=Q(nomor_bank__isnull=False),
                name="eviden_soal_nomor_bank_unik",
            ),
            models.CheckConstraint(
                condition=(Q(jenis="persen") & ~Q(rumus="")) | (~Q(jenis="persen") & Q(rumus="")),
                name="eviden_soal_rumus_hanya_untuk_persen",
            ),
            models.CheckConstraint(
                condition=Q(jenis__in=[c.value for c in JenisJawaban]),
                name="eviden_soal_jenis_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kode} {self.teks[:60]}"

    @property
    def adalah_pilihan(self):
        return self.jenis in JENIS_PILIHAN


class SoalMasukan(models.Model):
    """A Jumlah soal used, under a variable name, by the formula of a % soal."""

    soal = models.ForeignKey(Soal, on_delete=models.CASCADE, related_name="daftar_masukan")
    masukan = models.ForeignKey(Soal, on_delete=models.CASCADE, related_name="+")
    nama = models.CharField(_("nama variabel"), max_length=40)
    urutan = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("masukan rumus")
        verbose_name_plural = _("masukan rumus")
        ordering = ["soal", "urutan"]
        constraints = [
            models.UniqueConstraint(fields=["soal", "nama"], name="eviden_masukan_nama_unik"),
            models.UniqueConstraint(fields=["soal", "masukan"], name="eviden_masukan_soal_unik"),
        ]

    def __str__(self):
        return f"{self.soal.kode}: {self.nama} = {self.masukan.kode}"


class LembarKerja(models.Model):
    """A Tim ZI's worksheet: which instrument version the team fills in.

    Kept on the eviden side (not as a field of ``TimZI``) so that dependencies point one
    way, eviden → pokja; answers and evidence will attach here.
    """

    tim = models.OneToOneField(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.CASCADE, related_name="lembar_kerja"
    )
    instrumen = models.ForeignKey(
        Instrumen,
        verbose_name=_("instrumen"),
        on_delete=models.PROTECT,
        related_name="lembar_kerja",
    )

    class Meta:
        verbose_name = _("lembar kerja evaluasi")
        verbose_name_plural = _("lembar kerja evaluasi")

    def __str__(self):
        return f"LKE {self.tim} ({self.instrumen.kode})"


# --- Work on a worksheet: answers, work items, evidence ---------------------------------------


class Jawaban(models.Model):
    """A team's self-assessment answer to one soal (or one Jumlah input of a % soal).

    ``versi`` is an optimistic lock: a save must name the version it started from, so two
    people editing the same answer cannot silently overwrite each other.
    """

    lembar = models.ForeignKey(LembarKerja, on_delete=models.CASCADE, related_name="jawaban")
    soal = models.ForeignKey(Soal, on_delete=models.PROTECT, related_name="+")
    pilihan = models.CharField(_("pilihan"), max_length=8, blank=True)
    angka = models.DecimalField(_("angka"), max_digits=14, decimal_places=4, null=True, blank=True)
    penjelasan = models.TextField(_("penjelasan"), blank=True)
    versi = models.PositiveIntegerField(_("versi"), default=1)
    diubah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    diubah_pada = models.DateTimeField(_("diubah pada"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["diubah_pada"])

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        constraints = [
            models.UniqueConstraint(fields=["lembar", "soal"], name="eviden_jawaban_satu_per_soal"),
            models.CheckConstraint(
                condition=Q(angka__isnull=True) | Q(angka__gte=0),
                name="eviden_jawaban_angka_positif",
            ),
        ]

    def __str__(self):
        return f"{self.soal.kode}: {self.pilihan or self.angka or ''}"


class StatusButir(models.TextChoices):
    """The review state of a soal, with the transitions it allows.

    Draf / Perlu perbaikan: members change answer and evidence, and may submit. Menunggu
    reviu: locked for members (they may withdraw it); the reviewer approves or returns it.
    Disetujui: locked; changing it needs an explicit reopen, which tells the reviewers.
    Templates and services both ask these methods, so a button is shown only when the
    service would accept the click.
    """

    DRAF = "draf", _("Draf")
    DIAJUKAN = "diajukan", _("Menunggu reviu")
    PERLU_PERBAIKAN = "perbaikan", _("Perlu perbaikan")
    DISETUJUI = "disetujui", _("Disetujui")

    def boleh_diubah(self):
        return self in (StatusButir.DRAF, StatusButir.PERLU_PERBAIKAN)

    def boleh_diajukan(self):
        return self.boleh_diubah()

    def boleh_direviu(self):
        return self == StatusButir.DIAJUKAN

    def boleh_ditarik(self):
        return self == StatusButir.DIAJUKAN

    def boleh_dibuka(self):
        return self == StatusButir.DISETUJUI

    def alasan_terkunci(self):
        """Why answer and evidence cannot change now ("" when they can)."""
        if self == StatusButir.DIAJUKAN:
            return _(
                "Soal ini sedang menunggu reviu, jadi jawaban dan eviden terkunci. "
                "Tarik kembali pengajuan bila ingin mengubahnya."
            )
        if self == StatusButir.DISETUJUI:
            return _(
                "Soal ini sudah disetujui, jadi jawaban dan eviden terkunci. "
                "Buka kembali bila ingin mengubahnya; soal harus direviu ulang."
            )
        return ""


class Butir(models.Model):
    """The work item of one soal in a team's worksheet: review status and assignment."""

    lembar = models.ForeignKey(LembarKerja, on_delete=models.CASCADE, related_name="butir")
    soal = models.ForeignKey(Soal, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=StatusButir.choices, default=StatusButir.DRAF
    )
    catatan_reviu = models.TextField(_("catatan reviu"), blank=True)
    ditugaskan_ke = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditugaskan ke"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tugas",
    )
    tenggat = models.DateField(_("tenggat"), null=True, blank=True)
    diajukan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    diajukan_pada = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    direviu_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    direviu_pada = models.DateTimeField(_("direviu pada"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("butir LKE")
        verbose_name_plural = _("butir LKE")
        constraints = [
            models.UniqueConstraint(fields=["lembar", "soal"], name="eviden_butir_satu_per_soal"),
            models.CheckConstraint(
                condition=Q(status__in=["draf", "diajukan", "perbaikan", "disetujui"]),
                name="eviden_butir_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="perbaikan") | ~Q(catatan_reviu=""),
                name="eviden_butir_perbaikan_wajib_catatan",
            ),
        ]
        indexes = [models.Index(fields=["ditugaskan_ke", "tenggat"], name="eviden_butir_tugas_idx")]

    def __str__(self):
        return f"{self.soal.kode} ({self.get_status_display()})"

    @property
    def alur(self):
        """The status as a ``StatusButir`` member, with its transitions."""
        return StatusButir(self.status)


class Dokumen(models.Model):
    """An evidence document of a team (a file with versions, or a link). It may be attached
    to several soal of the same worksheet without being uploaded again."""

    lembar = models.ForeignKey(LembarKerja, on_delete=models.CASCADE, related_name="dokumen")
    judul = models.CharField(_("judul"), max_length=200)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dibuat_pada = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dokumen eviden")
        verbose_name_plural = _("dokumen eviden")
        ordering = ["judul"]

    def __str__(self):
        return self.judul


class VersiDokumen(models.Model):
    """One immutable version of a document: a stored file (generated key) or a link."""

    dokumen = models.ForeignKey(Dokumen, on_delete=models.PROTECT, related_name="versi")
    nomor = models.PositiveIntegerField(_("nomor versi"))
    kunci = models.CharField(_("kunci penyimpanan"), max_length=300, blank=True)
    tautan = models.URLField(_("tautan"), max_length=1000, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    ukuran = models.BigIntegerField(_("ukuran (bita)"), default=0)
    mime = models.CharField(_("jenis isi"), max_length=120, blank=True)
    nama_asli = models.CharField(_("nama berkas asli"), max_length=200, blank=True)
    diunggah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    diunggah_pada = models.DateTimeField(_("diunggah pada"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("versi dokumen")
        verbose_name_plural = _("versi dokumen")
        ordering = ["dokumen", "-nomor"]
        constraints = [
            models.UniqueConstraint(fields=["dokumen", "nomor"], name="eviden_versi_nomor_unik"),
            models.UniqueConstraint(
                fields=["kunci"], condition=~Q(kunci=""), name="eviden_versi_kunci_unik"
            ),
            models.CheckConstraint(
                condition=(~Q(kunci="") & Q(tautan="") & ~Q(sha256="") & Q(ukuran__gt=0))
                | (Q(kunci="") & ~Q(tautan="")),
                name="eviden_versi_berkas_atau_tautan",
            ),
        ]
        indexes = [models.Index(fields=["sha256"], name="eviden_versi_sha256_idx")]

    def __str__(self):
        return f"{self.dokumen} v{self.nomor}"

    def save(self, *args, **kwargs):
        # A version is what a frozen submission and the audit trail point at: written once.
        if not self._state.adding:
            raise ValueError("VersiDokumen tidak dapat diubah; unggah versi baru.")
        super().save(*args, **kwargs)

    @property
    def adalah_tautan(self):
        return bool(self.tautan)

    @property
    def pratinjau(self):
        """PDF and images may open in the browser; anything else is downloaded."""
        return self.mime == "application/pdf" or self.mime in ("image/jpeg", "image/png")


class Eviden(models.Model):
    """A document attached to a soal of a worksheet. Users archive it, never delete it."""

    lembar = models.ForeignKey(LembarKerja, on_delete=models.CASCADE, related_name="eviden")
    soal = models.ForeignKey(Soal, on_delete=models.PROTECT, related_name="+")
    dokumen = models.ForeignKey(Dokumen, on_delete=models.PROTECT, related_name="lampiran")
    dilampirkan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dilampirkan_pada = models.DateTimeField(_("dilampirkan pada"), auto_now_add=True)
    diarsipkan = models.BooleanField(_("diarsipkan"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eviden")
        verbose_name_plural = _("eviden")
        ordering = ["dilampirkan_pada", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lembar", "soal", "dokumen"], name="eviden_eviden_sekali_per_soal"
            )
        ]

    def __str__(self):
        return f"{self.soal.kode}: {self.dokumen}"
