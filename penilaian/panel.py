"""The Komponen Hasil in points, for the Hasil page of eviden (wired in settings.PANEL_HALAMAN)."""

from django.template.loader import render_to_string

from .selectors import skor_lembar
from .tampil import label_aturan

ATURAN_HASIL = ("ipak", "capaian", "bersih", "ipkp")


def panel_hasil(*, request, lembar, akses):
    """Each Hasil input with its conversion to points, and the Hasil rules of each
    predicate next to them. One query (the answers) once the instrument is read."""
    hasil = skor_lembar(lembar)
    lke = hasil.instrumen
    soal = [n for n in hasil.soal.values() if n.soal.area_pokja is None]
    putusan = [
        (p, [(label_aturan(a, hasil), a) for a in p.aturan if a.kode in ATURAN_HASIL])
        for p in hasil.putusan.values()
    ]
    return render_to_string(
        "penilaian/_panel_hasil.html",
        {
            "soal": soal,
            "skala": lke.skala_indeks,
            "putusan": putusan,
            "hasil": hasil,
            "target": lembar.tim.target_predikat,
        },
        request=request,
    )
