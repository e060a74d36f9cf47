"""Forms of the proposal pages (PortalRB)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import StatusReviuPortalRB


class UsulkanForm(forms.Form):
    afirmasi = forms.BooleanField(
        label=_("Unit afirmasi"),
        required=False,
        help_text=_("Hanya untuk usulan WBK: centang bila unit diusulkan melalui jalur afirmasi."),
    )


class UsulkanTimForm(UsulkanForm):
    """The Kanwil admin proposes one of the teams below the Kanwil."""

    tim = forms.IntegerField(widget=forms.HiddenInput)


class UbahUsulanForm(forms.Form):
    afirmasi = forms.BooleanField(label=_("Unit afirmasi"), required=False)


class ReviuForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status reviu PortalRB"), choices=StatusReviuPortalRB.choices
    )
