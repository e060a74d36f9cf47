"""The "Riwayat" of a soal: every recorded change to its answer, work item, attachments and
document versions (django-simple-history), newest first, with before → after values."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Butir, Eviden, Jawaban, StatusButir, VersiDokumen

JENIS = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}


@dataclass
class Entri:
    waktu: object
    oleh: object
    objek: str
    jenis: str
    perubahan: list = field(default_factory=list)  # [(label, before, after)]


def _entri(records, objek, kolom, tampil):
    """Turn history records (oldest first per object) into entries with field diffs."""
    hasil, sebelum = [], {}
    for rec in records:
        lama = sebelum.get(rec.id)
        perubahan = []
        for nama, label in kolom:
            baru_v = tampil(nama, getattr(rec, nama))
            lama_v = tampil(nama, getattr(lama, nama)) if lama is not None else ""
            if lama is None and baru_v in ("", None):
                continue
            if lama is None or baru_v != lama_v:
                perubahan.append((label, lama_v, baru_v))
        if perubahan or rec.history_type != "~":
            hasil.append(
                Entri(
                    rec.history_date,
                    rec.history_user,
                    objek(rec),
                    JENIS[rec.history_type],
                    perubahan,
                )
            )
        sebelum[rec.id] = rec
    return hasil


def riwayat_soal(lembar, soal):
    soal_ids = [soal.pk] + [m.pk for m in getattr(soal, "daftar_input", [])]
    kode = {soal.pk: soal.kode, **{m.pk: m.teks for m in getattr(soal, "daftar_input", [])}}
    status = dict(StatusButir.choices)

    jawaban = Jawaban.history.filter(lembar_id=lembar.pk, soal_id__in=soal_ids).select_related(
        "history_user"
    )
    butir = list(
        Butir.history.filter(lembar_id=lembar.pk, soal_id=soal.pk).select_related("history_user")
    )
    eviden = list(
        Eviden.history.filter(lembar_id=lembar.pk, soal_id=soal.pk).select_related(
            "history_user", "dokumen"
        )
    )
    dokumen_ids = {e.dokumen_id for e in eviden}
    versi = VersiDokumen.history.filter(dokumen_id__in=dokumen_ids).select_related(
        "history_user", "dokumen"
    )
    pengguna = {
        u.pk: u.get_full_name()
        for u in get_user_model().objects.filter(
            pk__in={b.ditugaskan_ke_id for b in butir if b.ditugaskan_ke_id}
        )
    }

    def tampil(nama, nilai):
        if nilai is None:
            return ""
        if nama == "status":
            return status.get(nilai, nilai)
        if nama == "ditugaskan_ke_id":
            return pengguna.get(nilai, nilai)
        if nama == "diarsipkan":
            return _("diarsipkan") if nilai else _("aktif")
        return nilai

    entri = []
    entri += _entri(
        sorted(jawaban, key=lambda r: r.history_date),
        lambda r: _("Jawaban %(objek)s") % {"objek": kode.get(r.soal_id, "")},
        [("pilihan", _("pilihan")), ("angka", _("angka")), ("penjelasan", _("penjelasan"))],
        tampil,
    )
    entri += _entri(
        sorted(butir, key=lambda r: r.history_date),
        lambda r: _("Status dan penugasan"),
        [
            ("status", _("status")),
            ("catatan_reviu", _("catatan reviu")),
            ("ditugaskan_ke_id", _("ditugaskan ke")),
            ("tenggat", _("tenggat")),
        ],
        tampil,
    )
    entri += _entri(
        sorted(eviden, key=lambda r: r.history_date),
        lambda r: _("Eviden «%(judul)s»") % {"judul": r.dokumen.judul},
        [("diarsipkan", _("keadaan"))],
        tampil,
    )
    entri += _entri(
        sorted(versi, key=lambda r: r.history_date),
        lambda r: _("«%(judul)s» versi %(n)s") % {"judul": r.dokumen.judul, "n": r.nomor},
        [
            ("nama_asli", _("berkas")),
            ("tautan", _("tautan")),
            ("ukuran", _("ukuran (bita)")),
        ],
        tampil,
    )
    entri.sort(key=lambda e: e.waktu, reverse=True)
    return entri


@dataclass
class Aktivitas:
    waktu: object
    oleh: str  # the person's name ("" when the system made the change)
    soal_kode: str
    teks: str


def aktivitas_terbaru(lembar, *, area=None, n=8):
    """The latest ``n`` changes on the worksheet (answers, review states, attachments), of one
    Pokja ``area`` or all; three queries of plain rows whatever the history's length."""
    status = dict(StatusButir.choices)
    saring = {"lembar_id": lembar.pk}
    if area is not None:
        saring["soal__area_pokja"] = area
    kolom = ("history_date", "history_user__nama_lengkap", "history_user__username", "soal__kode")

    def baris(qs, *lain):
        return qs.filter(**saring).order_by("-history_date").values_list(*kolom, *lain)[:n]

    hasil = []
    for waktu, nama, username, kode in baris(Jawaban.history.all()):
        hasil.append(Aktivitas(waktu, nama or username, kode, _("mengisi jawaban")))
    for waktu, nama, username, kode, st in baris(
        Butir.history.exclude(status=StatusButir.DRAF), "status"
    ):
        teks = _("status: %(s)s") % {"s": status.get(st, st)}
        hasil.append(Aktivitas(waktu, nama or username, kode, teks))
    for waktu, nama, username, kode, judul in baris(
        Eviden.history.filter(history_type="+"), "dokumen__judul"
    ):
        teks = _("melampirkan «%(j)s»") % {"j": judul}
        hasil.append(Aktivitas(waktu, nama or username, kode, teks))
    hasil.sort(key=lambda a: a.waktu, reverse=True)
    return hasil[:n]
