"""How scores read in words: names of the predicate rules, rows of the verdict table."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def putusan_baris(hasil):
    """Every predicate's rules as rows for the verdict table."""
    return [(p, [(label_aturan(a, hasil), a) for a in p.aturan]) for p in hasil.putusan.values()]
