"""The superuser's side of the PortalRB integration: API tokens (created here or with
``manage.py token_portalrb``, shown once, revoked never deleted), the request log (read-only),
the proposal periods (editable) and the proposals (read-only: the chair and the Kanwil admin
manage them on their pages)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .api.token import buat_token, cabut_token, periksa_nama
from .models import LogPortalRB, PeriodeUsulan, TokenPortalRB, Usulan


class _HanyaSuperuser:
    """Only the superuser sees these models in the admin."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class TokenBaruForm(forms.ModelForm):
    class Meta:
        model = TokenPortalRB
        fields = ["nama"]

    def clean_nama(self):
        return periksa_nama(self.cleaned_data.get("nama"))

    def validate_unique(self):
        pass  # clean_nama checked the name (revoked tokens keep theirs) with its own message


@admin.register(TokenPortalRB)
class TokenPortalRBAdmin(_HanyaSuperuser, admin.ModelAdmin):
    """Add: a name only; the token appears once, in a message after saving. Change: nothing
    (the hash is never shown or edited); revoke with the action."""

    list_display = ("nama", "awalan", "dibuat_pada", "dibuat_oleh", "dicabut_pada", "dipakai_pada")
    list_filter = (("dicabut_pada", admin.EmptyFieldListFilter),)
    search_fields = ("nama", "awalan")
    readonly_fields = (
        "nama",
        "awalan",
        "dibuat_pada",
        "dibuat_oleh",
        "dicabut_pada",
        "dipakai_pada",
    )
    actions = ["cabut"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # The change page is read-only (every field is in readonly_fields); the permission
        # is what lets the superuser run the "cabut" action.
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        return ["nama"] if obj is None else list(self.readonly_fields)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TokenBaruForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing on a token can be edited
        baru, token = buat_token(nama=obj.nama, oleh=request.user)
        obj.__dict__.update({k: v for k, v in baru.__dict__.items() if k != "_state"})
        obj._state.adding, obj._state.db = False, baru._state.db
        messages.warning(
            request,
            _(
                "Token PortalRB «%(nama)s»: %(token)s — salin sekarang dan simpan di konfigurasi "
                "API PortalRB. Token ini tidak akan ditampilkan lagi."
            )
            % {"nama": baru.nama, "token": token},
        )

    def save_related(self, request, form, formsets, change):
        pass

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's "added successfully" line would sit next to the token; keep the token's.
        if getattr(request, "_token_baru_ditampilkan", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        request._token_baru_ditampilkan = True
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Cabut token terpilih"))
    def cabut(self, request, queryset):
        n = 0
        for t in queryset.filter(dicabut_pada__isnull=True):
            cabut_token(token=t)
            n += 1
        self.message_user(
            request,
            ngettext("%(n)d token dicabut.", "%(n)d token dicabut.", n) % {"n": n}
            if n
            else _("Token terpilih sudah dicabut sebelumnya."),
            messages.SUCCESS if n else messages.INFO,
        )


class _HanyaBaca(_HanyaSuperuser):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogPortalRB)
class LogPortalRBAdmin(_HanyaBaca, admin.ModelAdmin):
    list_display = ("waktu", "token", "jalur", "unit", "status", "ip")
    list_filter = ("status", "token")
    search_fields = ("jalur", "unit", "ip")
    list_select_related = ("token",)
    date_hierarchy = "waktu"


@admin.register(PeriodeUsulan)
class PeriodeUsulanAdmin(_HanyaSuperuser, admin.ModelAdmin):
    list_display = ("tahun", "mulai", "selesai")

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Usulan)
class UsulanAdmin(_HanyaBaca, admin.ModelAdmin):
    list_display = (
        "nama_unit",
        "kode_unit",
        "tahun",
        "predikat",
        "afirmasi",
        "status_reviu",
        "pengajuan_terkirim",
        "diusulkan_pada",
        "ditarik_pada",
    )
    list_filter = ("tahun", "predikat", "afirmasi", "status_reviu")
    search_fields = ("nama_unit", "kode_unit")
    list_select_related = ("pengajuan_terkirim__tahapan", "pengajuan_terkirim__tim__satker")
