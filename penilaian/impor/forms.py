"""Forms of the LKE workbook import: the upload, and the confirmation of a preview."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UnggahForm(forms.Form):
    berkas = forms.FileField(
        label=_("Berkas LKE (.xlsx)"),
        help_text=_("Berkas LKE hasil ekspor portal yang sudah diisi jawabannya."),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )
    timpa = forms.BooleanField(
        label=_("Timpa jawaban yang sudah ada"),
        required=False,
        initial=False,
        help_text=_(
            "Tanpa centang, hanya soal yang belum berjawaban (dan catatan yang masih kosong) "
            "yang diisi; jawaban yang sudah ada dibiarkan."
        ),
    )


class KonfirmasiForm(forms.Form):
    """The fingerprint of the plan the user saw (``Rencana.sidik``)."""

    sidik = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
