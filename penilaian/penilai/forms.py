"""Forms of the assessor workspace. They validate only; views call services to write."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from eviden.models import JENIS_PILIHAN, JenisJawaban

from ..models import Kesimpulan


def nama_masukan(soal_id):
    return f"masukan_{soal_id}"


def _bidang_jumlah(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"}),
    )


class JawabanPenilaiForm(forms.Form):
    """The assessor's answer on one soal, shaped by its answer type: an option, a number,
    or the Jumlah inputs of a % soal (the % itself is computed)."""

    versi = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    catatan = forms.CharField(
        label=_("Catatan penilai"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, soal, masukan=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.soal = soal
        self.masukan = list(masukan)  # [eviden.kartu.Masukan]
        if soal.jenis in JENIS_PILIHAN:
            self.fields["pilihan"] = forms.ChoiceField(
                label=_("Jawaban penilai"),
                required=False,
                choices=[("", _("— belum dinilai (mengikuti jawaban unit) —"))]
                + [(o["kode"], o["kode"]) for o in soal.opsi],
                widget=forms.RadioSelect,
            )
        elif soal.jenis == JenisJawaban.NILAI_0_4:
            self.fields["angka"] = forms.DecimalField(
                label=_("Nilai penilai (0–4)"),
                required=False,
                max_digits=5,
                decimal_places=2,
                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(4))],
                localize=True,
            )
        elif soal.jenis == JenisJawaban.JUMLAH:
            self.fields["angka"] = _bidang_jumlah(_("Jumlah menurut penilai"))
        for m in self.masukan:
            self.fields[nama_masukan(m.soal.pk)] = _bidang_jumlah(m.soal.teks)

    @property
    def bidang_masukan(self):
        return [(m, self[nama_masukan(m.soal.pk)]) for m in self.masukan]

    def nilai_masukan(self):
        """``{input soal id: number or None}`` from the cleaned data."""
        return {m.soal.pk: self.cleaned_data.get(nama_masukan(m.soal.pk)) for m in self.masukan}


def awal_jawaban(b):
    """Initial data from a ``selectors.BarisPenilai`` (the assessor's stored rows)."""
    awal = {"versi": b.milik.versi if b.milik else 0, "catatan": b.catatan}
    if b.milik:
        awal["pilihan"] = b.milik.pilihan
        awal["angka"] = b.milik.angka
    for m in b.masukan:
        r = b.milik_masukan.get(m.soal.pk)
        awal[nama_masukan(m.soal.pk)] = int(r.angka) if r and r.angka is not None else None
    return awal


def form_jawaban(b, data=None):
    kwargs = {"soal": b.soal, "masukan": b.masukan}
    if data is not None:
        return JawabanPenilaiForm(data, **kwargs)
    return JawabanPenilaiForm(initial=awal_jawaban(b), **kwargs)


class PutusanForm(forms.Form):
    kesimpulan = forms.ChoiceField(
        label=_("Kesimpulan"), choices=Kesimpulan.choices, widget=forms.RadioSelect
    )
    alasan = forms.CharField(
        label=_("Alasan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wajib: dasar kesimpulan, terutama soal yang menentukan."),
    )

    def clean_alasan(self):
        alasan = self.cleaned_data["alasan"].strip()
        if not alasan:
            raise forms.ValidationError(_("Tuliskan alasan kesimpulan."))
        return alasan


class PublikasikanForm(forms.Form):
    yakin = forms.BooleanField(
        label=_(
            "Saya paham: setelah dipublikasikan, jawaban, catatan, dan putusan lapisan ini atas "
            "pengajuan ini final dan dapat dibaca tim."
        )
    )
