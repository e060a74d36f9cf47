"""The assessor-grant form of a Kanwil admin. The window is entered as WIB calendar days
with an optional time, like the stage dates (penilaian/forms.py): from 00:00 WIB of the
first day to 23:59 WIB of the last unless a time is given."""

from datetime import datetime, time

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pokja.akses import satker_di_bawah
from pokja.models import TAHAPAN_LAPISAN, Lapisan

from ..kalender import WIB
from ..models import JenisTahapan

# The stages some layer assesses, in calendar order.
TAHAPAN_DINILAI = [
    (j.value, j.label) for j in JenisTahapan if any(j.value in t for t in TAHAPAN_LAPISAN.values())
]


class PilihSatker(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nama} ({obj.kode})"


class PenugasanForm(forms.Form):
    pengguna = forms.CharField(
        label=_("Penilai"),
        max_length=150,
        help_text=_("Nama pengguna atau NIP (18 angka) akun penilai."),
    )
    lapisan = forms.ChoiceField(label=_("Lapisan penilai"), choices=Lapisan.choices)
    satker = PilihSatker(
        label=_("Satker yang dinilai"),
        queryset=None,
        error_messages={"invalid_choice": _("Pilih satker di bawah Kanwil ini.")},
    )
    tahun = forms.IntegerField(label=_("Tahun Tim ZI"), min_value=2014, max_value=2100)
    tahapan = forms.ChoiceField(label=_("Tahapan"), choices=TAHAPAN_DINILAI)
    mulai_tanggal = forms.DateField(
        label=_("Berlaku mulai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    mulai_jam = forms.TimeField(
        label=_("Pukul mulai (WIB)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Kosong: pukul 00.00 WIB."),
    )
    selesai_tanggal = forms.DateField(
        label=_("Berlaku sampai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    selesai_jam = forms.TimeField(
        label=_("Pukul berakhir (WIB)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Kosong: pukul 23.59 WIB."),
    )

    field_order = [
        "pengguna",
        "satker",
        "tahun",
        "lapisan",
        "tahapan",
        "mulai_tanggal",
        "mulai_jam",
        "selesai_tanggal",
        "selesai_jam",
    ]
    # Bootstrap grid columns of each field on wide screens (the template reads them).
    LEBAR = {"pengguna": 6, "satker": 6, "tahun": 2, "lapisan": 4, "tahapan": 6}

    # Fields of the model (and of the service's messages) -> fields of this form.
    MEDAN = {
        "user": "pengguna",
        "lapisan": "lapisan",
        "satker": "satker",
        "tahun": "tahun",
        "tahapan": "tahapan",
        "mulai": "mulai_tanggal",
        "selesai": "selesai_tanggal",
    }

    def __init__(self, *args, kanwil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satker"].queryset = satker_di_bawah(kanwil).order_by("nama", "pk")
        if not self.is_bound:
            self.initial.setdefault("tahun", timezone.localdate().year)
        for nama, f in self.fields.items():
            f.widget.attrs["class"] = (
                "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            )
            f.lebar = self.LEBAR.get(nama, 3)

    def tandai_galat(self):
        """Mark the fields with errors for Bootstrap (``is-invalid``)."""
        for nama in self.errors:
            if nama in self.fields:
                self.fields[nama].widget.attrs["class"] += " is-invalid"

    def clean_pengguna(self):
        teks = self.cleaned_data["pengguna"].strip()
        user = (
            get_user_model()
            .objects.filter(Q(username__iexact=teks) | Q(nip=teks), is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise forms.ValidationError(
                _("Tidak ada akun aktif dengan nama pengguna atau NIP itu."), code="tidak_ada"
            )
        return user

    def clean(self):
        d = super().clean()
        lapisan, tahapan = d.get("lapisan"), d.get("tahapan")
        if lapisan and tahapan and tahapan not in TAHAPAN_LAPISAN.get(lapisan, ()):
            self.add_error(
                "tahapan",
                _("Tahapan ini tidak dinilai oleh lapisan %(l)s.") % {"l": Lapisan(lapisan).label},
            )
        mulai, selesai = self.waktu()
        if mulai and selesai and selesai <= mulai:
            self.add_error("selesai_tanggal", _("Akhir masa tugas harus setelah awalnya."))
        return d

    def waktu(self):
        """``(mulai, selesai)`` as instants in WIB, or None for a missing day."""
        d = self.cleaned_data
        mulai = selesai = None
        if d.get("mulai_tanggal"):
            mulai = datetime.combine(d["mulai_tanggal"], d.get("mulai_jam") or time(0, 0), WIB)
        if d.get("selesai_tanggal"):
            selesai = datetime.combine(
                d["selesai_tanggal"], d.get("selesai_jam") or time(23, 59), WIB
            )
        return mulai, selesai

    def data_layanan(self):
        """The keyword arguments of ``pokja.services.beri_penugasan`` (after ``is_valid``)."""
        d = self.cleaned_data
        mulai, selesai = self.waktu()
        return {
            "user": d["pengguna"],
            "lapisan": d["lapisan"],
            "satker": d["satker"],
            "tahun": d["tahun"],
            "tahapan": d["tahapan"],
            "mulai": mulai,
            "selesai": selesai,
        }

    def tambah_galat(self, exc):
        """Put a service's ValidationError / PermissionDenied on the form: messages of a
        model field on the matching form field, the rest above the form."""
        if hasattr(exc, "error_dict"):
            for nama, galat in exc.error_dict.items():
                medan = self.MEDAN.get(nama)
                for g in galat:
                    self.add_error(medan, g)
        elif hasattr(exc, "error_list"):
            self.add_error(None, exc)
        else:
            self.add_error(None, str(exc) or _("Anda tidak berwenang menugaskan penilai ini."))
