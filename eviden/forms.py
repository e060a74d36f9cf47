"""Forms of the evidence work. They validate only; views call services to write."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from . import rumus
from .models import JENIS_PILIHAN, JenisJawaban


class JawabanForm(forms.Form):
    """The answer form of one soal, shaped by its answer type."""

    versi = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    penjelasan = forms.CharField(
        label=_("Penjelasan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Jelaskan kondisi nyata dan sebutkan eviden yang mendukung jawaban."),
    )

    def __init__(self, *args, soal, masukan=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.soal = soal
        self.masukan = list(masukan)  # [kartu.Masukan]: the Jumlah inputs of a % soal
        if soal.jenis in JENIS_PILIHAN:
            self.fields["pilihan"] = forms.ChoiceField(
                label=_("Jawaban"),
                required=False,
                choices=[("", _("— belum dijawab —"))]
                + [(o["kode"], _label_opsi(o)) for o in soal.opsi],
                widget=forms.RadioSelect,
            )
        elif soal.jenis == JenisJawaban.NILAI_0_4:
            self.fields["angka"] = forms.DecimalField(
                label=_("Nilai (0–4)"),
                required=False,
                max_digits=5,
                decimal_places=2,
                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(4))],
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": "0", "max": "4", "class": "form-control"}
                ),
                localize=True,
            )
        elif soal.jenis == JenisJawaban.JUMLAH:
            self.fields["angka"] = _bidang_jumlah(_("Jumlah"))
        for m in self.masukan:
            self.fields[nama_bidang(m)] = _bidang_jumlah(m.soal.teks)
        self.order_fields(
            ["pilihan", "angka"] + [f for f in self.fields if f.startswith("masukan_")]
        )

    def clean(self):
        data = super().clean()
        if self.masukan and not any(nama_bidang(m) in self.errors for m in self.masukan):
            # Inputs impossible by their meaning (a part larger than its whole): one message
            # per broken rule, naming the inputs and their numbers.
            for pesan in rumus.periksa_syarat(self.soal.syarat_masukan, self.angka_masukan()):
                self.add_error(None, pesan)
        return data

    def nilai_masukan(self):
        """``{Masukan: number or None}`` from cleaned data (for % soal)."""
        return {m: self.cleaned_data.get(nama_bidang(m)) for m in self.masukan}

    def angka_masukan(self):
        """``{variable name: number}`` for evaluating the formula."""
        return {m.nama: self.cleaned_data.get(nama_bidang(m)) for m in self.masukan}


def nama_bidang(masukan):
    return f"masukan_{masukan.soal.pk}"


def _label_opsi(opsi):
    """ "A. criteria text"; Ya/Tidak options are their own label."""
    if opsi["label"] == opsi["kode"]:
        return opsi["label"]
    return f"{opsi['kode']}. {opsi['label']}"


def _bidang_jumlah(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(
            attrs={"min": "0", "step": "1", "inputmode": "numeric", "class": "form-control"}
        ),
    )


def awal_jawaban(kartu):
    """Initial form data from the stored answer of a ``KartuSoal`` (and its inputs)."""
    j = kartu.jawaban
    awal = {"versi": j.versi if j else 0, "penjelasan": j.penjelasan if j else ""}
    if j:
        awal["pilihan"] = j.pilihan
        awal["angka"] = j.angka
    for m in kartu.masukan:
        awal[nama_bidang(m.masukan)] = int(m.angka) if m.angka is not None else None
    return awal


def form_jawaban(kartu, data=None):
    """The answer form of a card: bound to ``data`` (a POST) or filled from the stored
    answer."""
    kwargs = {"soal": kartu.soal, "masukan": [m.masukan for m in kartu.masukan]}
    prefix = f"s{kartu.soal.pk}"
    if data is not None:
        return JawabanForm(data, prefix=prefix, **kwargs)
    return JawabanForm(initial=awal_jawaban(kartu), prefix=prefix, **kwargs)


class TautanForm(forms.Form):
    tautan = forms.CharField(label=_("Tautan (URL)"), max_length=1000)
    judul = forms.CharField(label=_("Judul"), max_length=200, required=False)


class ReviuForm(forms.Form):
    keputusan = forms.ChoiceField(
        choices=[("setujui", _("Setujui")), ("kembalikan", _("Kembalikan"))]
    )
    catatan = forms.CharField(label=_("Catatan"), required=False, max_length=2000)
    # The submission the reviewer saw (its diajukan_pada), so a newer one is not decided blind.
    pengajuan = forms.CharField(required=False, max_length=40)


class TugasForm(forms.Form):
    ditugaskan_ke = forms.TypedChoiceField(
        label=_("Ditugaskan ke"), required=False, coerce=int, empty_value=None
    )
    tenggat = forms.DateField(
        label=_("Tenggat"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, anggota, **kwargs):
        super().__init__(*args, **kwargs)
        self.anggota = {u.pk: u for u in anggota}
        self.fields["ditugaskan_ke"].choices = [("", _("— belum ditugaskan —"))] + [
            (u.pk, u.get_full_name()) for u in anggota
        ]

    def clean_ditugaskan_ke(self):
        pk = self.cleaned_data["ditugaskan_ke"]
        return self.anggota.get(pk) if pk is not None else None
