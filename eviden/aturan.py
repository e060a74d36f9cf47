"""The rules of a soal's answer that pages and services both ask: is it answered, what is it
worth as the LKE scores it, and why it cannot be submitted yet. Pure functions, no queries."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .models import JENIS_PILIHAN, JenisJawaban, StatusButir


def angka_jawaban(jawaban):
    return jawaban.angka if jawaban is not None else None


def isian_kosong(masukan, jawaban_per_soal):
    """Texts of the Jumlah inputs of a % soal that have no number yet."""
    return [m.soal.teks for m in masukan if angka_jawaban(jawaban_per_soal.get(m.soal.pk)) is None]


def terjawab(soal, jawaban, kosong):
    """Is the soal answered? (A % soal: every Jumlah input filled.)"""
    if soal.jenis == JenisJawaban.PERSEN:
        return not kosong
    if soal.jenis in JENIS_PILIHAN:
        return bool(jawaban and jawaban.pilihan)
    return angka_jawaban(jawaban) is not None


def nilai_soal(soal, jawaban, hasil_persen=None):
    """The soal's value in [0, 1] as the LKE scores it (None when unanswered): the chosen
    option's multiplier, the % item's ratio, or a 0–4 index divided by 4."""
    if soal.jenis == JenisJawaban.PERSEN:
        return hasil_persen.nilai if hasil_persen else None
    if soal.jenis in JENIS_PILIHAN:
        pilihan = jawaban.pilihan if jawaban else ""
        for o in soal.opsi:
            if o["kode"] == pilihan:
                return Decimal(str(o["nilai"]))
        return None
    angka = angka_jawaban(jawaban)
    if angka is None:
        return None
    if soal.jenis == JenisJawaban.NILAI_0_4:
        return angka / 4
    return None


def jawaban_puncak(soal, nilai):
    """Is ``nilai`` (the soal's value) its top answer: the best option, or a full 100 %?"""
    if nilai is None:
        return False
    if soal.jenis in JENIS_PILIHAN:
        return nilai == max(Decimal(str(o["nilai"])) for o in soal.opsi)
    return soal.jenis == JenisJawaban.PERSEN and nilai >= 1


def kendala_ajukan(*, status, sudah_dijawab, kosong, jumlah_eviden):
    """Why the soal cannot be submitted for review now: a list of Indonesian sentences
    (empty: it can). The one rule, asked by the card (to disable the button with the
    reason) and by the service (to refuse the write)."""
    status = StatusButir(status)
    if status == StatusButir.DIAJUKAN:
        return [_("Soal ini sudah diajukan dan sedang menunggu reviu.")]
    if status == StatusButir.DISETUJUI:
        return [_("Soal ini sudah disetujui.")]
    alasan = []
    if kosong:
        alasan.append(
            _("Isi dulu semua isian jumlah; yang masih kosong: %(daftar)s.")
            % {"daftar": "; ".join(kosong)}
        )
    elif not sudah_dijawab:
        alasan.append(_("Jawab soal ini dulu."))
    if not jumlah_eviden:
        alasan.append(_("Unggah atau lampirkan minimal satu eviden."))
    return alasan
