from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import AdminKanwil, Anggota, PenugasanPenilai, Pokja, Satker, TimZI, User
from .services import beri_penugasan, cabut_penugasan, lengkapi_pokja, periksa_penugasan


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "nama_lengkap", "nip", "email", "is_active", "is_staff")
    search_fields = ("username", "nama_lengkap", "nip", "email")
    ordering = ("username",)
    actions = ["buka_kunci_masuk"]

    @admin.action(description=_("Buka kunci masuk akun terpilih"))
    def buka_kunci_masuk(self, request, queryset):
        """Unlock accounts locked after failed logins (django-axes keeps the attempts)."""
        n = sum(bool(axes_reset(username=u.get_username())) for u in queryset)
        self.message_user(
            request,
            ngettext("%(n)d akun dibuka kuncinya.", "%(n)d akun dibuka kuncinya.", n) % {"n": n}
            if n
            else _("Tidak ada akun terpilih yang sedang terkunci."),
            messages.SUCCESS,
        )

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pribadi"), {"fields": ("nama_lengkap", "nip", "email")}),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "nama_lengkap", "nip", "email", "password1", "password2"),
            },
        ),
    )


@admin.register(Satker)
class SatkerAdmin(admin.ModelAdmin):
    list_display = ("nama", "kode", "jenis", "induk")
    list_filter = ("jenis",)
    search_fields = ("nama", "kode")
    autocomplete_fields = ("induk",)


class PokjaInline(admin.TabularInline):
    model = Pokja
    extra = 0
    can_delete = False
    readonly_fields = ("area",)

    def has_add_permission(self, request, obj=None):
        return False  # the six Pokja are created with the Tim


class AnggotaInline(admin.TabularInline):
    model = Anggota
    extra = 0
    autocomplete_fields = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pokja":
            tim_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Pokja.objects.filter(tim_id=tim_id) if tim_id else Pokja.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TimZI)
class TimZIAdmin(admin.ModelAdmin):
    list_display = ("satker", "tahun", "target_predikat")
    list_filter = ("tahun", "target_predikat")
    search_fields = ("satker__nama",)
    autocomplete_fields = ("satker",)
    inlines = [PokjaInline, AnggotaInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        lengkapi_pokja(tim=obj)


@admin.register(Pokja)
class PokjaAdmin(admin.ModelAdmin):
    list_display = ("__str__", "tim")
    list_filter = ("area", "tim__tahun")
    search_fields = ("tim__satker__nama",)

    def has_add_permission(self, request):
        return False


@admin.register(Anggota)
class AnggotaAdmin(admin.ModelAdmin):
    list_display = ("user", "peran", "pokja", "tim")
    list_filter = ("peran", "tim__tahun")
    search_fields = ("user__username", "user__nama_lengkap", "tim__satker__nama")
    autocomplete_fields = ("user", "tim")
    list_select_related = ("user", "pokja__tim", "tim__satker")


class HanyaSuperuser:
    """Only the superuser sees and changes these models in the admin, whatever model
    permissions a staff account holds: they decide who sees across teams."""

    def _superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request, obj=None):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)


@admin.register(AdminKanwil)
class AdminKanwilAdmin(HanyaSuperuser, SimpleHistoryAdmin):
    """Who administers which Kanwil (the superuser decides); changes are in the history."""

    list_display = ("user", "kanwil", "diberikan_oleh", "diberikan_pada")
    search_fields = ("user__username", "user__nama_lengkap", "kanwil__nama")
    autocomplete_fields = ("user", "kanwil")
    readonly_fields = ("diberikan_oleh", "diberikan_pada")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "kanwil":
            kwargs["queryset"] = Satker.objects.filter(jenis=Satker.Jenis.KANWIL)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.diberikan_oleh = request.user
        super().save_model(request, obj, form, change)


PENUGASAN_FIELDS = ("user", "lapisan", "satker", "tahun", "tahapan", "mulai", "selesai")


class PenugasanAdminForm(forms.ModelForm):
    """A new grant is checked by the service's rules before the admin saves it."""

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None and not self.errors:
            try:
                periksa_penugasan(self.instance)
            except ValidationError as exc:
                self.add_error(None, exc)


@admin.register(PenugasanPenilai)
class PenugasanPenilaiAdmin(HanyaSuperuser, SimpleHistoryAdmin):
    """Assessor grants. Kanwil admins grant from their Kanwil page; the superuser may also
    grant here, through the same service (its checks; the assessor is told). A grant is
    revoked (an action), never edited or deleted."""

    form = PenugasanAdminForm

    list_display = (
        "user",
        "lapisan",
        "satker",
        "tahun",
        "tahapan",
        "mulai",
        "selesai",
        "diberikan_oleh",
        "dicabut_pada",
    )
    list_filter = ("lapisan", "tahun", "tahapan")
    search_fields = ("user__username", "user__nama_lengkap", "satker__nama")
    autocomplete_fields = ("user", "satker")
    readonly_fields = ("diberikan_oleh", "diberikan_pada", "dicabut_oleh", "dicabut_pada")
    list_select_related = ("user", "satker", "diberikan_oleh")
    actions = ["cabut"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [f.name for f in self.model._meta.fields]

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only on an existing grant
        baru = beri_penugasan(
            oleh=request.user,
            **{f: form.cleaned_data[f] for f in PENUGASAN_FIELDS},
        )
        obj.pk = baru.pk
        obj._state.adding = False

    @admin.action(description=_("Cabut penugasan terpilih"))
    def cabut(self, request, queryset):
        for p in queryset.filter(dicabut_pada__isnull=True):
            cabut_penugasan(oleh=request.user, penugasan=p)
        self.message_user(request, _("Penugasan terpilih sudah dicabut."), messages.SUCCESS)
