from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _


def _kunci(jenis, nilai):
    return f"login-gagal:{jenis}:{nilai}"


class MasukForm(AuthenticationForm):
    """Login with username or NIP, throttled per account and per client address."""

    username = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna/NIP atau kata sandi salah. Perhatikan huruf besar dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin satker Anda."),
        "terkunci": _(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(menit)s menit."
        ),
    }

    def _kunci_kunci(self):
        username = (self.data.get("username") or "").strip().lower()
        ip = self.request.META.get("REMOTE_ADDR", "-") if self.request else "-"
        return [_kunci("user", username), _kunci("ip", ip)]

    def clean(self):
        batas = settings.LOGIN_MAX_GAGAL
        if any((cache.get(k) or 0) >= batas for k in self._kunci_kunci()):
            raise forms.ValidationError(
                self.error_messages["terkunci"],
                code="terkunci",
                params={"menit": max(1, settings.LOGIN_JEDA_DETIK // 60)},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            self._catat_gagal()
            raise

    def _catat_gagal(self):
        for k in self._kunci_kunci():
            if not cache.add(k, 1, timeout=settings.LOGIN_JEDA_DETIK):
                try:
                    cache.incr(k)
                except ValueError:  # expired between add and incr
                    cache.set(k, 1, timeout=settings.LOGIN_JEDA_DETIK)


class LupaSandiForm(PasswordResetForm):
    """Password reset whose e-mail is sent by a Celery worker, not in the web request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .tasks import kirim_email

        subjek = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        isi = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: kirim_email.delay(subjek, isi, [to_email]))
