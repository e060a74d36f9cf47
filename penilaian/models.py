"""WHEN / HOW GOOD: the score over time (stages, snapshots and reminders arrive with their
issues). Dependencies point one way: penilaian → eviden → pokja → zi_portal."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pokja.models import Lapisan, Predikat, TimZI


class SkorHarian(models.Model):
    """A team's score on one day (Asia/Jakarta): written by the daily Celery beat task and on
    demand from the dashboard (the same day's row is replaced), for the "score over time"
    chart. Values are points; ``area`` maps Pokja area "1".."6" to points."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.CASCADE, related_name="skor_harian"
    )
    tanggal = models.DateField(_("tanggal"))
    total = models.DecimalField(_("nilai total"), max_digits=9, decimal_places=4)
    pengungkit = models.DecimalField(_("pengungkit"), max_digits=9, decimal_places=4)
    hasil = models.DecimalField(_("hasil"), max_digits=9, decimal_places=4)
    area = models.JSONField(_("nilai per area"), default=dict)
    memenuhi_wbk = models.BooleanField(_("memenuhi WBK"), default=False)
    memenuhi_wbbm = models.BooleanField(_("memenuhi WBBM"), default=False)
    dicatat_pada = models.DateTimeField(_("dicatat pada"), auto_now=True)

    class Meta:
        verbose_name = _("nilai harian")
        verbose_name_plural = _("nilai harian")
        ordering = ["tim", "tanggal"]
        constraints = [
            models.UniqueConstraint(
                fields=["tim", "tanggal"], name="penilaian_skor_harian_satu_per_hari"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100),
                name="penilaian_skor_harian_total_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.tim} {self.tanggal}: {self.total}"


# --- Stages, frozen submissions, reminders ---------------------------------------------------


class JenisTahapan(models.TextChoices):
    """The PMPZI stages of a periode, in calendar order (zi-domain.md §3.2–3.3)."""

    MANDIRI = "mandiri", _("Penilaian mandiri (PMPZI)")
    PENDAHULUAN = "pendahuluan", _("Penilaian pendahuluan (TPP)")
    EXIT_MEETING = "exit_meeting", _("Exit meeting")
    PERBAIKAN = "perbaikan", _("Perbaikan eviden")
    LANJUTAN = "lanjutan", _("Penilaian lanjutan")
    TPI = "tpi", _("Evaluasi TPI (Itjen)")
    TPN = "tpn", _("Evaluasi TPN (KemenPANRB)")


URUTAN_TAHAPAN = {j.value: i for i, j in enumerate(JenisTahapan, start=1)}
# Days before an evidence deadline on which reminders go out (0 = the day itself).
PENGINGAT_BAWAAN = [30, 14, 7, 3, 1, 0]


def pengingat_bawaan():
    return list(PENGINGAT_BAWAAN)


class Tahapan(models.Model):
    """One stage of a team's periode. Times are instants (stored in UTC, shown in WIB); a
    date entered as a deadline means 23:59 WIB of that day. Status follows from the dates."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.CASCADE, related_name="tahapan"
    )
    jenis = models.CharField(_("tahapan"), max_length=20, choices=JenisTahapan.choices)
    mulai = models.DateTimeField(_("mulai"))
    selesai = models.DateTimeField(_("selesai"))
    tenggat_eviden = models.DateTimeField(_("tenggat eviden"), null=True, blank=True)
    pengingat_hari = models.JSONField(
        _("pengingat (hari sebelum tenggat)"), default=pengingat_bawaan, blank=True
    )
    diubah_pada = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        verbose_name = _("tahapan penilaian")
        verbose_name_plural = _("tahapan penilaian")
        ordering = ["tim", "mulai"]
        constraints = [
            models.UniqueConstraint(fields=["tim", "jenis"], name="penilaian_tahapan_satu_jenis"),
            models.CheckConstraint(
                condition=Q(selesai__gte=models.F("mulai")),
                name="penilaian_tahapan_selesai_setelah_mulai",
            ),
            models.CheckConstraint(
                condition=Q(jenis__in=[j.value for j in JenisTahapan]),
                name="penilaian_tahapan_jenis_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_jenis_display()} — {self.tim}"

    @property
    def tenggat(self):
        """The instant that counts as this stage's deadline: the evidence deadline, or the
        end of the stage when it has none."""
        return self.tenggat_eviden or self.selesai

    @property
    def menerima_pengajuan(self):
        return self.jenis != JenisTahapan.EXIT_MEETING

    def status_pada(self, waktu):
        if waktu < self.mulai:
            return "akan_datang"
        if waktu <= self.selesai:
            return "berlangsung"
        return "selesai"


class BekuQuerySet(models.QuerySet):
    """Rows of a frozen submission are written once: bulk updates and deletes are refused
    (the database refuses them too, by trigger)."""

    def update(self, **kwargs):
        raise BekuError(_("Pengajuan yang sudah dibekukan tidak dapat diubah."))

    def delete(self):
        raise BekuError(_("Pengajuan yang sudah dibekukan tidak dapat dihapus."))


class BekuError(Exception):
    """A write to a frozen submission."""


class Beku(models.Model):
    """Insert-only rows: ``save`` on an existing row and ``delete`` raise ``BekuError``."""

    objects = BekuQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise BekuError(_("Pengajuan yang sudah dibekukan tidak dapat diubah."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise BekuError(_("Pengajuan yang sudah dibekukan tidak dapat dihapus."))


class Pengajuan(Beku):
    """The team's LKE as submitted for a stage: answers, notes, review states, scores and
    the exact evidence versions at that moment. Never changed; a new submission inside the
    correction window supersedes it (the highest ``nomor`` of a stage is the one in force)."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.PROTECT, related_name="pengajuan"
    )
    tahapan = models.ForeignKey(
        Tahapan, verbose_name=_("tahapan"), on_delete=models.PROTECT, related_name="pengajuan"
    )
    nomor = models.PositiveSmallIntegerField(_("nomor pengajuan"))
    instrumen = models.ForeignKey(
        "eviden.Instrumen", verbose_name=_("instrumen"), on_delete=models.PROTECT, related_name="+"
    )
    diajukan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    diajukan_pada = models.DateTimeField(_("diajukan pada"))
    terlambat = models.BooleanField(_("terlambat"), default=False)
    alasan_terlambat = models.TextField(_("alasan terlambat"), blank=True)
    total = models.DecimalField(_("nilai total"), max_digits=9, decimal_places=4)
    pengungkit = models.DecimalField(_("pengungkit"), max_digits=9, decimal_places=4)
    hasil = models.DecimalField(_("hasil"), max_digits=9, decimal_places=4)
    area = models.JSONField(_("nilai per area"), default=dict)
    memenuhi_wbk = models.BooleanField(_("memenuhi WBK"), default=False)
    memenuhi_wbbm = models.BooleanField(_("memenuhi WBBM"), default=False)

    class Meta:
        verbose_name = _("pengajuan")
        verbose_name_plural = _("pengajuan")
        ordering = ["tim", "tahapan__mulai", "nomor"]
        constraints = [
            models.UniqueConstraint(
                fields=["tahapan", "nomor"], name="penilaian_pengajuan_nomor_unik"
            ),
            models.CheckConstraint(
                condition=Q(terlambat=False) | ~Q(alasan_terlambat=""),
                name="penilaian_pengajuan_terlambat_wajib_alasan",
            ),
        ]

    def __str__(self):
        return f"{self.tahapan.get_jenis_display()} #{self.nomor} — {self.tim}"


class JawabanBeku(Beku):
    """One soal as submitted (every soal of the instrument has a row; unanswered ones are
    empty with ``nilai`` null)."""

    pengajuan = models.ForeignKey(Pengajuan, on_delete=models.PROTECT, related_name="jawaban")
    soal = models.ForeignKey("eviden.Soal", on_delete=models.PROTECT, related_name="+")
    pilihan = models.CharField(_("pilihan"), max_length=8, blank=True)
    angka = models.DecimalField(_("angka"), max_digits=14, decimal_places=4, null=True)
    penjelasan = models.TextField(_("penjelasan"), blank=True)
    status = models.CharField(_("status reviu"), max_length=10, blank=True)
    catatan_reviu = models.TextField(_("catatan reviu"), blank=True)
    nilai = models.DecimalField(_("nilai"), max_digits=9, decimal_places=6, null=True)

    class Meta:
        verbose_name = _("jawaban yang diajukan")
        verbose_name_plural = _("jawaban yang diajukan")
        constraints = [
            models.UniqueConstraint(
                fields=["pengajuan", "soal"], name="penilaian_jawaban_beku_satu_per_soal"
            )
        ]

    def __str__(self):
        return f"{self.pengajuan_id}/{self.soal_id}: {self.pilihan or self.angka or ''}"


class EvidenBeku(Beku):
    """An evidence version as submitted for a soal: the exact ``VersiDokumen`` (protected)."""

    pengajuan = models.ForeignKey(Pengajuan, on_delete=models.PROTECT, related_name="eviden")
    soal = models.ForeignKey("eviden.Soal", on_delete=models.PROTECT, related_name="+")
    versi = models.ForeignKey("eviden.VersiDokumen", on_delete=models.PROTECT, related_name="+")
    judul = models.CharField(_("judul"), max_length=200)

    class Meta:
        verbose_name = _("eviden yang diajukan")
        verbose_name_plural = _("eviden yang diajukan")
        ordering = ["pengajuan", "soal", "judul"]
        constraints = [
            models.UniqueConstraint(
                fields=["pengajuan", "soal", "versi"], name="penilaian_eviden_beku_unik"
            )
        ]

    def __str__(self):
        return self.judul


class JenisPengingat(models.TextChoices):
    TENGGAT = "tenggat", _("Tenggat tahapan")
    DIBUKA = "dibuka", _("Tahapan dibuka")
    TERLAMBAT = "terlambat", _("Tugas melewati tenggat")
    DIKEMBALIKAN = "dikembalikan", _("Soal dikembalikan")
    DIBEKUKAN = "dibekukan", _("Pengajuan dibekukan")


class Pengingat(models.Model):
    """The ledger of reminders: one row per (subject, recipient, kind, day). ``sasaran`` names
    the subject ("tahapan:12:h7", "butir:345", "pengajuan:6"); the unique constraint is what
    makes a re-run, a retry or a second beat process send nothing twice."""

    tim = models.ForeignKey(TimZI, on_delete=models.CASCADE, related_name="pengingat")
    penerima = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pengingat"
    )
    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisPengingat.choices)
    sasaran = models.CharField(_("sasaran"), max_length=80)
    tanggal = models.DateField(_("tanggal"))
    judul = models.CharField(_("judul"), max_length=200)
    isi = models.TextField(_("isi"))
    tautan = models.CharField(_("tautan"), max_length=300, blank=True)
    dibuat_pada = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        ordering = ["-dibuat_pada", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sasaran", "penerima", "jenis", "tanggal"],
                name="penilaian_pengingat_sekali",
            )
        ]
        indexes = [models.Index(fields=["tim", "-dibuat_pada"], name="penilaian_pengingat_tim")]

    def __str__(self):
        return f"{self.judul} → {self.penerima}"


class Kanal(models.TextChoices):
    EMAIL = "email", _("Email")
    INAPP = "inapp", _("Notifikasi portal")
    WHATSAPP = "whatsapp", _("WhatsApp")


class StatusKirim(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu")
    TERKIRIM = "terkirim", _("Terkirim")
    GAGAL = "gagal", _("Gagal")


class Pengiriman(models.Model):
    """The delivery of a reminder over one channel: the outbox and the delivery log. A row
    waits (``menunggu``) until a worker delivers it; failures are retried with back-off and
    end as ``gagal`` with the last error."""

    pengingat = models.ForeignKey(Pengingat, on_delete=models.CASCADE, related_name="pengiriman")
    kanal = models.CharField(_("kanal"), max_length=10, choices=Kanal.choices)
    tujuan = models.CharField(_("tujuan"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StatusKirim.choices, default=StatusKirim.MENUNGGU
    )
    percobaan = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    galat = models.TextField(_("galat terakhir"), blank=True)
    dicoba_pada = models.DateTimeField(_("dicoba pada"), null=True, blank=True)
    terkirim_pada = models.DateTimeField(_("terkirim pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman pengingat")
        verbose_name_plural = _("pengiriman pengingat")
        ordering = ["pengingat", "kanal"]
        constraints = [
            models.UniqueConstraint(
                fields=["pengingat", "kanal"], name="penilaian_pengiriman_sekali_per_kanal"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["menunggu", "terkirim", "gagal"]),
                name="penilaian_pengiriman_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["dicoba_pada"],
                condition=Q(status="menunggu"),
                name="penilaian_pengiriman_antre",
            )
        ]

    def __str__(self):
        return f"{self.pengingat} [{self.kanal}: {self.status}]"


# --- Exports and imports ----------------------------------------------------------------------


class JenisEkspor(models.TextChoices):
    PDF = "pdf", _("Laporan kesiapan (PDF)")
    XLSX = "xlsx", _("LKE Excel")
    ZIP = "zip", _("Berkas eviden (ZIP)")


class StatusEkspor(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu")
    BERJALAN = "berjalan", _("Sedang dibuat")
    SELESAI = "selesai", _("Selesai")
    GAGAL = "gagal", _("Gagal")
    KEDALUWARSA = "kedaluwarsa", _("Kedaluwarsa")


class Ekspor(models.Model):
    """One export job and its file: who asked for what and when, its progress, and where the
    file is. The row stays as history after the file expires (``kedaluwarsa``)."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.PROTECT, related_name="ekspor"
    )
    jenis = models.CharField(_("jenis"), max_length=4, choices=JenisEkspor.choices)
    pengajuan = models.ForeignKey(
        Pengajuan,
        verbose_name=_("pengajuan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Kosong: jawaban terkini."),
    )
    pilih_berkas = models.CharField(_("berkas eviden"), max_length=10, blank=True)
    diminta_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    diminta_pada = models.DateTimeField(_("diminta pada"))
    status = models.CharField(
        _("status"), max_length=12, choices=StatusEkspor.choices, default=StatusEkspor.MENUNGGU
    )
    selesai = models.PositiveIntegerField(_("langkah selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah langkah"), default=0)
    mulai_pada = models.DateTimeField(_("mulai pada"), null=True, blank=True)
    selesai_pada = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    kunci = models.CharField(_("kunci penyimpanan"), max_length=300, blank=True)
    nama_berkas = models.CharField(_("nama berkas"), max_length=200, blank=True)
    ukuran = models.BigIntegerField(_("ukuran (bita)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    galat = models.TextField(_("galat"), blank=True)
    kedaluwarsa_pada = models.DateTimeField(_("kedaluwarsa pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("ekspor")
        verbose_name_plural = _("ekspor")
        ordering = ["-diminta_pada", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jenis__in=["pdf", "xlsx", "zip"]), name="penilaian_ekspor_jenis_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["menunggu", "berjalan", "selesai", "gagal", "kedaluwarsa"]),
                name="penilaian_ekspor_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="selesai") | ~Q(kunci=""),
                name="penilaian_ekspor_selesai_punya_berkas",
            ),
        ]
        indexes = [
            models.Index(fields=["tim", "-diminta_pada"], name="penilaian_ekspor_tim"),
            models.Index(
                fields=["diminta_pada"],
                condition=Q(status__in=["menunggu", "berjalan"]),
                name="penilaian_ekspor_antre",
            ),
        ]

    def __str__(self):
        return f"{self.get_jenis_display()} {self.tim} ({self.get_status_display()})"

    @property
    def persen(self):
        if self.status == StatusEkspor.SELESAI:
            return 100
        return min(99, self.selesai * 100 // self.total) if self.total else 0

    @property
    def berjalan(self):
        return self.status in (StatusEkspor.MENUNGGU, StatusEkspor.BERJALAN)


class ImporLKE(models.Model):
    """An import of answers from an LKE workbook: who, when, which file, the mode, what
    changed, and the score before and after (the per-answer history is in eviden)."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.PROTECT, related_name="impor_lke"
    )
    oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    pada = models.DateTimeField(_("pada"))
    nama_berkas = models.CharField(_("nama berkas"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    timpa = models.BooleanField(_("menimpa jawaban yang sudah ada"), default=False)
    berubah = models.PositiveIntegerField(_("jawaban berubah"), default=0)
    total_sebelum = models.DecimalField(_("nilai total sebelum"), max_digits=9, decimal_places=4)
    total_sesudah = models.DecimalField(_("nilai total sesudah"), max_digits=9, decimal_places=4)
    rincian = models.JSONField(_("rincian perubahan"), default=list, blank=True)

    class Meta:
        verbose_name = _("impor LKE")
        verbose_name_plural = _("impor LKE")
        ordering = ["-pada", "-pk"]

    def __str__(self):
        return f"{self.nama_berkas} → {self.tim}"


# --- Assessors (issue 11) ----------------------------------------------------------------------


class JawabanPenilai(models.Model):
    """An assessor layer's answer and note on one soal of a frozen submission: the
    ``jawaban_tpi`` / ``catatan_tpi`` of PortalRB for the TPI layer, the same for TPP and TPN.
    Written only by an assessor of that layer with a grant in force (``penilaian.akses``),
    never after the layer published its verdict on the submission. ``versi`` guards against
    two tabs overwriting each other."""

    pengajuan = models.ForeignKey(
        Pengajuan, on_delete=models.PROTECT, related_name="jawaban_penilai"
    )
    soal = models.ForeignKey("eviden.Soal", on_delete=models.PROTECT, related_name="+")
    lapisan = models.CharField(_("lapisan penilai"), max_length=3, choices=Lapisan.choices)
    pilihan = models.CharField(_("jawaban penilai"), max_length=8, blank=True)
    angka = models.DecimalField(_("angka"), max_digits=14, decimal_places=4, null=True, blank=True)
    catatan = models.TextField(_("catatan penilai"), blank=True)
    versi = models.PositiveIntegerField(_("versi"), default=1)
    diubah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    diubah_pada = models.DateTimeField(_("diubah pada"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["diubah_pada"])

    class Meta:
        verbose_name = _("jawaban penilai")
        verbose_name_plural = _("jawaban penilai")
        ordering = ["pengajuan", "lapisan", "soal"]
        constraints = [
            models.UniqueConstraint(
                fields=["pengajuan", "lapisan", "soal"], name="penilaian_jawaban_penilai_unik"
            ),
            models.CheckConstraint(
                condition=Q(lapisan__in=["tpp", "tpi", "tpn"]),
                name="penilaian_jawaban_penilai_lapisan_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_lapisan_display()} {self.pengajuan_id}/{self.soal_id}"


class Kesimpulan(models.TextChoices):
    MS = "MS", _("Memenuhi syarat (MS)")
    TMS = "TMS", _("Tidak memenuhi syarat (TMS)")


class PutusanPenilai(models.Model):
    """A layer's verdict on a frozen submission for a stage: MS / TMS with a reason, the
    assessor's score (same engine, stored when published) and the moment it was published.
    Until published the team sees nothing of the layer's work; afterwards the layer's
    answers on that submission are final."""

    pengajuan = models.ForeignKey(Pengajuan, on_delete=models.PROTECT, related_name="putusan")
    lapisan = models.CharField(_("lapisan penilai"), max_length=3, choices=Lapisan.choices)
    tahapan = models.CharField(_("tahapan"), max_length=20)
    kesimpulan = models.CharField(
        _("kesimpulan"), max_length=3, choices=Kesimpulan.choices, blank=True
    )
    alasan = models.TextField(_("alasan"), blank=True)
    total = models.DecimalField(_("nilai penilai"), max_digits=9, decimal_places=4, null=True)
    pengungkit = models.DecimalField(_("pengungkit"), max_digits=9, decimal_places=4, null=True)
    hasil = models.DecimalField(_("hasil"), max_digits=9, decimal_places=4, null=True)
    area = models.JSONField(_("nilai per area"), default=dict, blank=True)
    diubah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    diubah_pada = models.DateTimeField(_("diubah pada"), auto_now=True)
    dipublikasikan_pada = models.DateTimeField(_("dipublikasikan pada"), null=True, blank=True)
    dipublikasikan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["diubah_pada"])

    class Meta:
        verbose_name = _("putusan penilai")
        verbose_name_plural = _("putusan penilai")
        ordering = ["pengajuan", "lapisan"]
        constraints = [
            models.UniqueConstraint(
                fields=["pengajuan", "lapisan", "tahapan"], name="penilaian_putusan_unik"
            ),
            models.CheckConstraint(
                condition=Q(dipublikasikan_pada__isnull=True)
                | (Q(kesimpulan__in=["MS", "TMS"]) & ~Q(alasan="")),
                name="penilaian_putusan_terbit_wajib_kesimpulan_alasan",
            ),
        ]

    def __str__(self):
        return f"{self.get_lapisan_display()} {self.pengajuan}: {self.kesimpulan or '-'}"


# --- PortalRB (issue 11) -----------------------------------------------------------------------


class PeriodeUsulan(models.Model):
    """The proposal period of a year (set by the superuser): PortalRB fetches only inside
    it (spec §8), and units can be proposed or withdrawn only until it closes."""

    tahun = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    mulai = models.DateTimeField(_("mulai"))
    selesai = models.DateTimeField(_("selesai"))

    class Meta:
        verbose_name = _("periode pengusulan")
        verbose_name_plural = _("periode pengusulan")
        ordering = ["-tahun"]
        constraints = [
            models.CheckConstraint(
                condition=Q(selesai__gt=models.F("mulai")),
                name="penilaian_periode_usulan_selesai_setelah_mulai",
            )
        ]

    def __str__(self):
        return f"{self.tahun}"


class StatusReviuPortalRB(models.TextChoices):
    """The proposer's review state of a unit on PortalRB, as the spec (§1.1) names them."""

    BELUM_REVIEW = "Belum Review", "Belum Review"
    DISETUJUI = "disetujui", "disetujui"


class Usulan(models.Model):
    """A unit proposed to PortalRB for a year: the team of a satker, for WBK or WBBM,
    perhaps afirmasi. ``kode_unit`` is the ``id`` PortalRB sees (the satker code).
    ``status_reviu`` mirrors the state on PortalRB: it falls back to "Belum Review" whenever
    the name, the afirmasi flag or the submission PortalRB would fetch changes (spec §1.1.4).
    Withdrawn, never deleted."""

    tim = models.ForeignKey(TimZI, on_delete=models.PROTECT, related_name="usulan")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    kode_unit = models.CharField(_("ID unit"), max_length=40)
    nama_unit = models.CharField(_("nama unit"), max_length=200)
    predikat = models.CharField(_("predikat"), max_length=4, choices=Predikat.choices)
    afirmasi = models.BooleanField(_("afirmasi"), default=False)
    status_reviu = models.CharField(
        _("status reviu PortalRB"),
        max_length=12,
        choices=StatusReviuPortalRB.choices,
        default=StatusReviuPortalRB.BELUM_REVIEW,
    )
    pengajuan_terkirim = models.ForeignKey(
        Pengajuan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diusulkan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    diusulkan_pada = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    ditarik_pada = models.DateTimeField(_("ditarik pada"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usulan unit ke PortalRB")
        verbose_name_plural = _("usulan unit ke PortalRB")
        ordering = ["tahun", "predikat", "nama_unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["tahun", "kode_unit"],
                condition=Q(ditarik_pada__isnull=True),
                name="penilaian_usulan_unit_unik_per_tahun",
            ),
            models.CheckConstraint(
                condition=Q(predikat__in=["WBK", "WBBM"]), name="penilaian_usulan_predikat_valid"
            ),
        ]

    def __str__(self):
        return f"{self.nama_unit} ({self.predikat} {self.tahun})"


class TokenPortalRB(models.Model):
    """A Bearer token PortalRB presents. Only its SHA-256 is stored; the token itself is
    shown once, when created. Revoked, never deleted (the request log points at it)."""

    nama = models.CharField(_("nama"), max_length=80, unique=True)
    awalan = models.CharField(_("awalan"), max_length=12)
    sidik = models.CharField(_("SHA-256 token"), max_length=64, unique=True)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dibuat_pada = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    dicabut_pada = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    dipakai_pada = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("token PortalRB")
        verbose_name_plural = _("token PortalRB")
        ordering = ["nama"]

    def __str__(self):
        return f"{self.nama} ({self.awalan}…)"


class LogPortalRB(models.Model):
    """One request to the PortalRB API: who (token), when, what, which unit, the answer."""

    token = models.ForeignKey(
        TokenPortalRB, on_delete=models.PROTECT, null=True, blank=True, related_name="log"
    )
    waktu = models.DateTimeField(_("waktu"), auto_now_add=True)
    jalur = models.CharField(_("jalur"), max_length=300)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    status = models.PositiveSmallIntegerField(_("status HTTP"))
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("log API PortalRB")
        verbose_name_plural = _("log API PortalRB")
        ordering = ["-waktu", "-pk"]
        indexes = [models.Index(fields=["-waktu"], name="penilaian_log_portalrb_waktu")]

    def __str__(self):
        return f"{self.waktu:%Y-%m-%d %H:%M} {self.jalur} {self.status}"
