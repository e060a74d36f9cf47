from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from zi_portal.antrean import antre_setelah_commit

from .masuk import akun


class MasukForm(AuthenticationForm):
    """Login with username or NIP. Lock-out is django-axes's (settings ``AXES_*``)."""

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
    }

    def clean(self):
        """One attempt per account at a time: the account row is locked while axes reads the
        failure count, the password is checked and a failure is recorded, so parallel guesses
        queue behind each other and each sees the count the one before wrote. The failure is
        committed even though the login fails."""
        galat = None
        with transaction.atomic():
            user = akun(self.data.get("username"))
            if user is not None:
                list(type(user).objects.select_for_update().filter(pk=user.pk).values("pk"))
            try:
                hasil = super().clean()
            except forms.ValidationError as exc:
                galat = exc
        if galat is not None:
            raise galat
        return hasil


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
        antre_setelah_commit(kirim_email, subjek, isi, [to_email])


class ProfilForm(forms.ModelForm):
    """What a user sets about themselves: contact details and how reminders reach them."""

    class Meta:
        from .models import User

        model = User
        fields = ["email", "telepon", "terima_email", "terima_whatsapp", "terima_ringkasan"]
        widgets = {
            "telepon": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
