"""WHO: users, satuan kerja, Tim ZI per year, the six Pokja and memberships with roles.

Invariants live in the database as named constraints so that no code path (admin, shell,
a later API) can break them. Permission questions are answered in ``pokja.akses``.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A portal account. Signs in with its username or its NIP (18 digits)."""

    first_name = None
    last_name = None
    nama_lengkap = models.CharField(_("nama lengkap"), max_length=150)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("NIP terdiri atas 18 angka."))],
        help_text=_("Nomor Induk Pegawai, 18 angka. Boleh dipakai untuk masuk."),
    )
    email = models.EmailField(_("alamat email"), blank=True)
    telepon = models.CharField(
        _("nomor WhatsApp"),
        max_length=16,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\+?62|0)8\d{7,12}$",
                _("Tulis nomor ponsel Indonesia, mis. 081234567890 atau +6281234567890."),
            )
        ],
        help_text=_("Untuk pengingat lewat WhatsApp. Kosongkan bila tidak ingin."),
    )
    # Channel and digest preferences (the in-app notification centre is always on).
    terima_email = models.BooleanField(_("terima pengingat lewat email"), default=True)
    terima_whatsapp = models.BooleanField(_("terima pengingat lewat WhatsApp"), default=True)
    terima_ringkasan = models.BooleanField(
        _("terima ringkasan Pokja/tim"),
        default=True,
        help_text=_("Koordinator menerima ringkasan Pokja-nya, ketua tim ringkasan seluruh tim."),
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "nama_lengkap"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self):
        return self.nama_lengkap or self.username

    def get_full_name(self):
        return self.nama_lengkap or self.username

    def get_short_name(self):
        return (self.nama_lengkap or self.username).split(" ")[0]

    @property
    def nomor_wa(self):
        """The phone number in the international form gateways expect (62812...), or ""."""
        t = self.telepon.lstrip("+")
        if t.startswith("0"):
            t = "62" + t[1:]
        return t


class Satker(models.Model):
    """A satuan kerja. Satker form a hierarchy: Kanwil → Kankemenag → KUA/madrasah."""

    class Jenis(models.TextChoices):
        KANWIL = "kanwil", _("Kantor Wilayah")
        KANKEMENAG = "kankemenag", _("Kantor Kementerian Agama Kabupaten/Kota")
        KUA = "kua", _("Kantor Urusan Agama")
        MADRASAH = "madrasah", _("Madrasah")
        LAINNYA = "lainnya", _("Lainnya")

    nama = models.CharField(_("nama"), max_length=200)
    kode = models.CharField(_("kode"), max_length=40, unique=True)
    jenis = models.CharField(_("jenis"), max_length=20, choices=Jenis.choices)
    induk = models.ForeignKey(
        "self",
        verbose_name=_("satker induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bawahan",
    )
    # The letterhead of its reports (set by the chair of its team).
    alamat = models.TextField(_("alamat"), blank=True)
    kota = models.CharField(
        _("kota tempat tanda tangan"), max_length=100, blank=True, help_text=_("Mis. Semarang.")
    )
    logo = models.CharField(_("kunci penyimpanan logo"), max_length=300, blank=True)
    logo_mime = models.CharField(_("jenis isi logo"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("satuan kerja")
        verbose_name_plural = _("satuan kerja")
        ordering = ["nama"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(induk=models.F("pk")), name="pokja_satker_induk_bukan_diri_sendiri"
            ),
            models.CheckConstraint(
                condition=Q(jenis__in=["kanwil", "kankemenag", "kua", "madrasah", "lainnya"]),
                name="pokja_satker_jenis_valid",
            ),
        ]

    def __str__(self):
        return self.nama

    def clean(self):
        # A cycle longer than one step cannot be a CHECK constraint; refuse it here.
        node, seen = self.induk, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"induk": _("Hierarki satker tidak boleh melingkar.")})
            seen.add(node.pk)
            node = node.induk


class Predikat(models.TextChoices):
    WBK = "WBK", _("Wilayah Bebas dari Korupsi (WBK)")
    WBBM = "WBBM", _("Wilayah Birokrasi Bersih dan Melayani (WBBM)")


class TimZIQuerySet(models.QuerySet):
    def for_user(self, user):
        """Teams the user may see: those they belong to (superusers see all)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(anggota__user=user).distinct()


class TimZI(models.Model):
    """The ZI team of a satker for one year (periode), with its target predicate."""

    satker = models.ForeignKey(
        Satker, verbose_name=_("satker"), on_delete=models.PROTECT, related_name="tim_zi"
    )
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    target_predikat = models.CharField(
        _("target predikat"), max_length=4, choices=Predikat.choices, default=Predikat.WBK
    )
    dibuat_pada = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    objects = TimZIQuerySet.as_manager()

    class Meta:
        verbose_name = _("Tim ZI")
        verbose_name_plural = _("Tim ZI")
        ordering = ["-tahun", "satker__nama"]
        constraints = [
            models.UniqueConstraint(
                fields=["satker", "tahun"], name="pokja_timzi_satu_tim_per_satker_per_tahun"
            ),
            models.CheckConstraint(
                condition=Q(tahun__gte=2014, tahun__lte=2100), name="pokja_timzi_tahun_wajar"
            ),
            models.CheckConstraint(
                condition=Q(target_predikat__in=["WBK", "WBBM"]),
                name="pokja_timzi_predikat_valid",
            ),
        ]

    def __str__(self):
        return f"Tim ZI {self.satker} {self.tahun}"


class Area(models.IntegerChoices):
    """The six LKE pengungkit areas; one Pokja per area."""

    MANAJEMEN_PERUBAHAN = 1, _("Manajemen Perubahan")
    PENATAAN_TATALAKSANA = 2, _("Penataan Tatalaksana")
    PENATAAN_SDM = 3, _("Penataan Sistem Manajemen SDM Aparatur")
    PENGUATAN_AKUNTABILITAS = 4, _("Penguatan Akuntabilitas")
    PENGUATAN_PENGAWASAN = 5, _("Penguatan Pengawasan")
    PELAYANAN_PUBLIK = 6, _("Peningkatan Kualitas Pelayanan Publik")


ROMAWI = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}


class PokjaQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(tim__in=TimZI.objects.for_user(user))


class Pokja(models.Model):
    """A working group of a Tim ZI, bound to one LKE area. Created with its Tim."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.CASCADE, related_name="pokja"
    )
    area = models.PositiveSmallIntegerField(_("area"), choices=Area.choices)

    objects = PokjaQuerySet.as_manager()

    class Meta:
        verbose_name = _("Pokja")
        verbose_name_plural = _("Pokja")
        ordering = ["tim", "area"]
        constraints = [
            models.UniqueConstraint(fields=["tim", "area"], name="pokja_pokja_satu_per_area"),
            models.CheckConstraint(
                condition=Q(area__gte=1, area__lte=6), name="pokja_pokja_area_1_sampai_6"
            ),
        ]

    def __str__(self):
        return f"Pokja {self.romawi} {self.get_area_display()}"

    @property
    def romawi(self):
        return ROMAWI.get(self.area, str(self.area))


class Peran(models.TextChoices):
    KETUA_TIM = "ketua_tim", _("Ketua Tim")
    SEKRETARIS_TIM = "sekretaris_tim", _("Sekretaris Tim")
    KOORDINATOR_POKJA = "koordinator_pokja", _("Koordinator Pokja")
    SEKRETARIS_POKJA = "sekretaris_pokja", _("Sekretaris Pokja")
    ANGGOTA_POKJA = "anggota_pokja", _("Anggota Pokja")
    KASUBBAG_TU = "kasubbag_tu", _("Kasubbag TU")
    KEPALA_KANTOR = "kepala_kantor", _("Kepala Kantor")


PERAN_POKJA = (Peran.KOORDINATOR_POKJA, Peran.SEKRETARIS_POKJA, Peran.ANGGOTA_POKJA)
PERAN_TIM = (Peran.KETUA_TIM, Peran.SEKRETARIS_TIM, Peran.KASUBBAG_TU, Peran.KEPALA_KANTOR)


class Anggota(models.Model):
    """Membership of a user in a Tim ZI with a role. Pokja-bound roles carry their Pokja."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.CASCADE, related_name="anggota"
    )
    user = models.ForeignKey(
        User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="keanggotaan"
    )
    peran = models.CharField(_("peran"), max_length=20, choices=Peran.choices)
    pokja = models.ForeignKey(
        Pokja,
        verbose_name=_("Pokja"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="anggota",
    )

    class Meta:
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")
        ordering = ["tim", "pokja__area", "peran"]
        constraints = [
            models.UniqueConstraint(
                fields=["tim"],
                condition=Q(peran="ketua_tim"),
                name="pokja_anggota_satu_ketua_per_tim",
            ),
            models.UniqueConstraint(
                fields=["tim"],
                condition=Q(peran="kepala_kantor"),
                name="pokja_anggota_satu_kepala_kantor_per_tim",
            ),
            models.UniqueConstraint(
                fields=["pokja"],
                condition=Q(peran="koordinator_pokja"),
                name="pokja_anggota_satu_koordinator_per_pokja",
            ),
            models.CheckConstraint(
                condition=(
                    Q(peran__in=[p.value for p in PERAN_POKJA], pokja__isnull=False)
                    | Q(peran__in=[p.value for p in PERAN_TIM], pokja__isnull=True)
                ),
                name="pokja_anggota_peran_pokja_wajib_pokja",
            ),
            models.UniqueConstraint(
                fields=["tim", "user", "peran"],
                condition=Q(pokja__isnull=True),
                name="pokja_anggota_unik_peran_tim",
            ),
            models.UniqueConstraint(
                fields=["user", "pokja"],
                condition=Q(pokja__isnull=False),
                name="pokja_anggota_unik_per_pokja",
            ),
        ]

    def __str__(self):
        if self.pokja_id:
            return f"{self.user} — {self.get_peran_display()} {self.pokja}"
        return f"{self.user} — {self.get_peran_display()}"

    def clean(self):
        if self.pokja_id and self.tim_id and self.pokja.tim_id != self.tim_id:
            raise ValidationError({"pokja": _("Pokja harus milik Tim ZI yang sama.")})
        if self.peran in PERAN_POKJA and not self.pokja_id:
            raise ValidationError({"pokja": _("Peran ini wajib memilih Pokja.")})
        if self.peran in PERAN_TIM and self.pokja_id:
            raise ValidationError({"pokja": _("Peran tingkat tim tidak terikat pada Pokja.")})


class Notifikasi(models.Model):
    """An in-app message to a user (review results now; e-mail joins with reminders)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifikasi")
    teks = models.CharField(_("teks"), max_length=300)
    tautan = models.CharField(_("tautan"), max_length=300, blank=True)
    dibuat_pada = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    dibaca_pada = models.DateTimeField(_("dibaca pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-dibuat_pada", "-pk"]
        indexes = [
            models.Index(
                fields=["user"],
                condition=Q(dibaca_pada__isnull=True),
                name="pokja_notif_belum_dibaca",
            )
        ]

    def __str__(self):
        return self.teks


# --- The level above the team: Kanwil administrators and assessors (issue 11) -----------------


class Lapisan(models.TextChoices):
    """The assessor layers of the ZI process (zi-domain.md §3.2): the Kanwil's preliminary
    assessors, Itjen's internal assessors, KemenPANRB's national team."""

    TPP = "tpp", _("TPP (Kanwil)")
    TPI = "tpi", _("TPI (Itjen)")
    TPN = "tpn", _("TPN (KemenPANRB)")


# The stages each layer assesses (values of ``penilaian.models.JenisTahapan``: pokja may not
# import penilaian, so the names are written out; tests/test_penilai.py checks they exist).
TAHAPAN_LAPISAN = {
    Lapisan.TPP: ("pendahuluan", "lanjutan"),
    Lapisan.TPI: ("tpi",),
    Lapisan.TPN: ("tpn",),
}


class AdminKanwil(models.Model):
    """A user who oversees the satker below a Kanwil: sees their dashboards (read-only),
    proposes units to PortalRB and grants assessor assignments for them."""

    user = models.ForeignKey(
        User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="admin_kanwil"
    )
    kanwil = models.ForeignKey(
        Satker, verbose_name=_("Kanwil"), on_delete=models.PROTECT, related_name="admin"
    )
    diberikan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diberikan_pada = models.DateTimeField(_("diberikan pada"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admin Kanwil")
        verbose_name_plural = _("admin Kanwil")
        ordering = ["kanwil__nama", "user__nama_lengkap"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kanwil"], name="pokja_admin_kanwil_unik")
        ]

    def __str__(self):
        return f"{self.user} — {self.kanwil}"

    def clean(self):
        if self.kanwil_id and self.kanwil.jenis != Satker.Jenis.KANWIL:
            raise ValidationError({"kanwil": _("Pilih satker berjenis Kantor Wilayah.")})


class PenugasanPenilaiQuerySet(models.QuerySet):
    def aktif(self, waktu):
        """Grants in force at ``waktu``: inside their window and not revoked."""
        return self.filter(mulai__lte=waktu, selesai__gte=waktu, dicabut_pada__isnull=True)


class PenugasanPenilai(models.Model):
    """An assessor's grant: ``user`` assesses ``satker``'s submission for the stage
    ``tahapan`` of year ``tahun`` as layer ``lapisan``, between ``mulai`` and ``selesai``.
    Outside the window, or for any other satker, the assessor sees nothing (404). Granted by
    a Kanwil admin of the satker's Kanwil or the superuser; revoked, never deleted."""

    user = models.ForeignKey(
        User, verbose_name=_("penilai"), on_delete=models.PROTECT, related_name="penugasan_penilai"
    )
    lapisan = models.CharField(_("lapisan penilai"), max_length=3, choices=Lapisan.choices)
    satker = models.ForeignKey(
        Satker, verbose_name=_("satker"), on_delete=models.PROTECT, related_name="penilai"
    )
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    tahapan = models.CharField(_("tahapan"), max_length=20)
    mulai = models.DateTimeField(_("berlaku mulai"))
    selesai = models.DateTimeField(_("berlaku sampai"))
    diberikan_oleh = models.ForeignKey(
        User, verbose_name=_("diberikan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    diberikan_pada = models.DateTimeField(_("diberikan pada"), auto_now_add=True)
    dicabut_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dicabut_pada = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    objects = PenugasanPenilaiQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan penilai")
        verbose_name_plural = _("penugasan penilai")
        ordering = ["-mulai", "satker__nama"]
        constraints = [
            models.CheckConstraint(
                condition=Q(selesai__gt=models.F("mulai")),
                name="pokja_penugasan_selesai_setelah_mulai",
            ),
            models.CheckConstraint(
                condition=(
                    Q(lapisan="tpp", tahapan__in=["pendahuluan", "lanjutan"])
                    | Q(lapisan="tpi", tahapan="tpi")
                    | Q(lapisan="tpn", tahapan="tpn")
                ),
                name="pokja_penugasan_tahapan_sesuai_lapisan",
            ),
            models.UniqueConstraint(
                fields=["user", "satker", "tahun", "tahapan"],
                condition=Q(dicabut_pada__isnull=True),
                name="pokja_penugasan_satu_aktif",
            ),
        ]
        indexes = [models.Index(fields=["user", "selesai"], name="pokja_penugasan_user")]

    def __str__(self):
        return f"{self.user} — {self.get_lapisan_display()} {self.satker} {self.tahun}"

    def clean(self):
        if self.mulai and self.selesai and self.selesai <= self.mulai:
            raise ValidationError({"selesai": _("Akhir masa tugas harus setelah awalnya.")})
        if self.lapisan and self.tahapan not in TAHAPAN_LAPISAN.get(self.lapisan, ()):
            raise ValidationError({"tahapan": _("Tahapan ini tidak dinilai oleh lapisan itu.")})
