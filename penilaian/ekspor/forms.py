"""The export request and the letterhead forms."""

import magic
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import JenisEkspor
from .sumber import DISETUJUI, TERBARU

LANGSUNG = "langsung"
MAKS_LOGO = 1024 * 1024
JENIS_LOGO = {"image/png": "png", "image/jpeg": "jpg"}


class EksporForm(forms.Form):
    """What to export. ``sumber``: live answers, a frozen submission (``p<id>``), and for the
    ZIP bundle approved or latest evidence."""

    jenis = forms.ChoiceField(choices=JenisEkspor.choices)
    sumber = forms.ChoiceField(label=_("Sumber"))

    def __init__(self, *args, pengajuan=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pengajuan = {f"p{p.pk}": p for p in pengajuan}
        pilihan = [
            (LANGSUNG, _("Jawaban terkini")),
            (DISETUJUI, _("Eviden yang disetujui saja")),
            (TERBARU, _("Versi eviden terbaru")),
        ]
        pilihan += [(k, str(p)) for k, p in self.pengajuan.items()]
        self.fields["sumber"].choices = pilihan

    def clean(self):
        data = super().clean()
        jenis, sumber = data.get("jenis"), data.get("sumber")
        if not jenis or not sumber:
            return data
        if jenis == JenisEkspor.ZIP and sumber == LANGSUNG:
            raise forms.ValidationError(
                _("Untuk berkas eviden, pilih disetujui, terbaru, atau pengajuan.")
            )
        if jenis != JenisEkspor.ZIP and sumber in (DISETUJUI, TERBARU):
            raise forms.ValidationError(
                _("Pilihan eviden hanya berlaku untuk berkas eviden (ZIP).")
            )
        if jenis == JenisEkspor.PDF and sumber != LANGSUNG:
            raise forms.ValidationError(_("Laporan kesiapan selalu dibuat dari keadaan terkini."))
        data["pengajuan_obj"] = self.pengajuan.get(sumber)
        data["pilih_berkas"] = sumber if sumber in (DISETUJUI, TERBARU) else ""
        return data


class KopForm(forms.Form):
    """The satker's letterhead on its reports: address, city of signature, logo."""

    alamat = forms.CharField(
        label=_("Alamat kantor"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    kota = forms.CharField(
        label=_("Kota tempat tanda tangan"),
        required=False,
        max_length=100,
        help_text=_("Mis. Semarang. Dipakai di blok tanda tangan laporan."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    logo = forms.FileField(
        label=_("Logo (PNG atau JPEG, paling besar 1 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    hapus_logo = forms.BooleanField(label=_("Hapus logo"), required=False)

    def clean_logo(self):
        berkas = self.cleaned_data.get("logo")
        if not berkas:
            return None
        if berkas.size > MAKS_LOGO:
            raise forms.ValidationError(_("Logo terlalu besar (paling besar 1 MB)."))
        if berkas.size == 0:
            raise forms.ValidationError(_("Berkas logo kosong."))
        kepala = berkas.read(8192)
        berkas.seek(0)
        mime = magic.from_buffer(kepala, mime=True)
        if mime not in JENIS_LOGO:
            raise forms.ValidationError(
                _("Logo harus gambar PNG atau JPEG; berkas ini terbaca sebagai %(mime)s.")
                % {"mime": mime}
            )
        try:
            from PIL import Image

            with Image.open(berkas) as gambar:
                gambar.verify()
        except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for broken images
            raise forms.ValidationError(
                _("Berkas logo rusak dan tidak dapat dibaca sebagai gambar.")
            ) from exc
        berkas.seek(0)
        berkas.mime = mime
        return berkas
