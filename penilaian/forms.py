"""Forms of the stages and submissions pages. Dates are entered as WIB calendar days."""

from datetime import datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from .kalender import WIB, akhir_hari, awal_hari, tanggal_wib


def _pilihan_hari(teks):
    hari = set()
    for bagian in (teks or "").replace(";", ",").split(","):
        bagian = bagian.strip().upper().removeprefix("H-").removeprefix("H")
        if not bagian:
            continue
        if not bagian.isdigit() or int(bagian) > 365:
            raise forms.ValidationError(
                _("Tulis hari pengingat sebagai angka 0–365 dipisah koma, mis. 30, 14, 7, 3, 1, 0.")
            )
        hari.add(int(bagian))
    return sorted(hari, reverse=True)


class TahapanForm(forms.Form):
    mulai = forms.DateField(label=_("Mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    selesai = forms.DateField(label=_("Selesai"), widget=forms.DateInput(attrs={"type": "date"}))
    tenggat_tanggal = forms.DateField(
        label=_("Tenggat eviden"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Kosongkan bila tahapan ini tidak punya tenggat eviden sendiri."),
    )
    tenggat_jam = forms.TimeField(
        label=_("Pukul (WIB)"),
        initial=time(23, 59),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    pengingat_hari = forms.CharField(
        label=_("Pengingat (hari sebelum tenggat)"),
        required=False,
        help_text=_("Mis. 30, 14, 7, 3, 1, 0 — 0 berarti pada hari tenggat."),
    )
    versi = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def untuk(cls, tahapan, data=None):
        awal = {
            "mulai": tanggal_wib(tahapan.mulai),
            "selesai": tanggal_wib(tahapan.selesai),
            "tenggat_tanggal": tanggal_wib(tahapan.tenggat_eviden)
            if tahapan.tenggat_eviden
            else None,
            "tenggat_jam": tahapan.tenggat_eviden.astimezone(WIB).time()
            if tahapan.tenggat_eviden
            else time(23, 59),
            "pengingat_hari": ", ".join(str(h) for h in tahapan.pengingat_hari or []),
            "versi": tahapan.diubah_pada.isoformat(),
        }
        return cls(data=data, initial=awal)

    def clean_pengingat_hari(self):
        return _pilihan_hari(self.cleaned_data.get("pengingat_hari"))

    def waktu(self):
        """``(mulai, selesai, tenggat_eviden)`` as instants: the days from 00:00 to 23:59 WIB,
        the deadline at the chosen time (23:59 WIB when none)."""
        d = self.cleaned_data
        tenggat = None
        if d.get("tenggat_tanggal"):
            tenggat = datetime.combine(
                d["tenggat_tanggal"], d.get("tenggat_jam") or time(23, 59), tzinfo=WIB
            )
        return awal_hari(d["mulai"]), akhir_hari(d["selesai"]), tenggat


class AjukanForm(forms.Form):
    alasan_terlambat = forms.CharField(
        label=_("Alasan keterlambatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    setuju = forms.BooleanField(
        label=_(
            "Saya mengerti bahwa jawaban dan eviden yang diajukan dibekukan dan tidak dapat diubah."
        ),
        error_messages={"required": _("Centang pernyataan ini untuk mengajukan.")},
    )
