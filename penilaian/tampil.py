"""How scores read in words: names of the predicate rules, rows of the verdict table."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi_portal.format import angka

LABEL_ATURAN = {
    "total": gettext_lazy("Nilai total"),
    "pengungkit": gettext_lazy("Nilai pengungkit"),
    "ipak": gettext_lazy("Survei persepsi antikorupsi (IPAK)"),
    "capaian": gettext_lazy("Capaian kinerja lebih baik"),
    "bersih": gettext_lazy("Birokrasi bersih dan akuntabel"),
    "ipkp": gettext_lazy("Pelayanan publik prima (IPKP)"),
}


def label_aturan(aturan, hasil):
    """A rule's name in words: "Area 6 Peningkatan Kualitas Pelayanan Publik", …"""
    if aturan.kode.startswith("area_"):
        a = hasil.area[int(aturan.kode[5:])]
        return _("Area %(n)s %(nama)s") % {"n": a.nomor, "nama": a.nama}
    if aturan.syarat_predikat:
        return _("Sudah memenuhi %(p)s") % {"p": aturan.syarat_predikat}
    return str(LABEL_ATURAN.get(aturan.kode, aturan.kode))


@dataclass(frozen=True)
class BarisAturan:
    """A verdict table row with its cells as ready strings (the template only prints)."""

    aturan: object
    label: str
    nilai: str
    persen: str
    ambang: str
    persen_ambang: str
    kurang: str

    @property
    def kode(self):
        return self.aturan.kode

    @property
    def memenuhi(self):
        return self.aturan.memenuhi


def baris_aturan(a, hasil):
    if a.syarat_predikat:
        ya = _("ya") if a.memenuhi else _("belum")
        return BarisAturan(a, label_aturan(a, hasil), ya, "", "—", "", "—")
    return BarisAturan(
        aturan=a,
        label=label_aturan(a, hasil),
        nilai=angka(a.nilai),
        persen=f"({angka(a.persen)}%)" if a.bobot else "",
        ambang=angka(a.ambang),
        persen_ambang=f"({angka(a.persen_ambang, 0)}%)" if a.persen_ambang else "",
        kurang="—" if a.memenuhi else angka(a.kurang),
    )


def putusan_baris(hasil):
    """Every predicate's rules as rows for the verdict table."""
    return [(p, [baris_aturan(a, hasil) for a in p.aturan]) for p in hasil.putusan.values()]
