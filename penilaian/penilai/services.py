"""Writes of the assessor workspace: keyword-only and atomic.

The submission and the layer always come from the assessor's ``RuangPenilai`` (their grant),
never from the request, so an assessor can only ever write rows of their own layer on the
submission their grant covers. Every write locks the submission row first: writes on one
submission (answers of any tab, the verdict, its publication) are serialised, so a
publication can never interleave with a late answer.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eviden import rumus
from eviden.models import JENIS_PILIHAN, JenisJawaban, SoalMasukan
from pokja.models import Anggota, Peran
from pokja.services import beri_notifikasi
from zi_portal.format import angka as fmt_angka
from zi_portal.format import waktu

from .. import skor
from ..models import JawabanBeku, JawabanPenilai, Kesimpulan, Pengajuan, PutusanPenilai
from ..selectors import instrumen_lke
from .selectors import isian_dari, isian_penilai

BATAS_JUMLAH = Decimal(10_000_000)


class Terkunci(PermissionDenied):
    """A write after the layer published its verdict on the submission."""


class Bentrok(Exception):
    """The answer changed since the form was opened (``JawabanPenilai.versi``)."""

    def __init__(self, tersimpan):
        super().__init__(_("Jawaban ini baru saja diubah di tempat lain."))
        self.tersimpan = tersimpan


def _kunci(ruang, *, putusan=False):
    """Lock the submission; refuse when the layer's work on it is final. ``putusan``: check
    the grant's own verdict (stage); otherwise any published verdict of the layer on the
    submission (the answers are the layer's, whatever the stage)."""
    list(Pengajuan.objects.select_for_update().filter(pk=ruang.pengajuan.pk).values_list("pk"))
    terbit = PutusanPenilai.objects.filter(
        pengajuan=ruang.pengajuan, lapisan=ruang.lapisan, dipublikasikan_pada__isnull=False
    )
    if putusan:
        terbit = terbit.filter(tahapan=ruang.penugasan.tahapan)
    x = terbit.order_by("dipublikasikan_pada").first()
    if x is not None:
        raise Terkunci(pesan_terkunci(x))


def pesan_terkunci(putusan):
    return _(
        "Putusan %(lapisan)s atas pengajuan ini sudah dipublikasikan pada %(waktu)s. Jawaban, "
        "catatan, dan putusan penilai sudah final dan tidak dapat diubah lagi."
    ) % {"lapisan": putusan.get_lapisan_display(), "waktu": waktu(putusan.dipublikasikan_pada)}


def _periksa_angka(soal, angka):
    if angka is None:
        return None
    angka = Decimal(angka)
    if soal.jenis == JenisJawaban.NILAI_0_4:
        if not Decimal(0) <= angka <= Decimal(4):
            raise ValidationError(_("Nilai harus antara 0 dan 4."))
    elif soal.jenis == JenisJawaban.JUMLAH:
        if angka != angka.to_integral_value() or not Decimal(0) <= angka <= BATAS_JUMLAH:
            raise ValidationError(
                _("Jumlah harus bilangan bulat 0 sampai 10.000.000 (%(soal)s).")
                % {"soal": soal.kode}
            )
    else:
        raise ValidationError(_("Soal ini tidak dijawab dengan angka."))
    return angka


@transaction.atomic
def simpan_jawaban(*, ruang, soal, user, versi, catatan="", pilihan="", angka=None, masukan=None):
    """Write the assessor's answer and note on ``soal`` for the grant's layer: an option
    (choice soal), a number (Jumlah, 0–4 index) or, for a % soal, its Jumlah inputs
    (``masukan``: input soal id -> number or None; None leaves the unit's number in force).
    ``versi`` is the version the form was opened at (0: no answer yet); any other version now
    raises ``Bentrok`` with the stored row and writes nothing. Returns ``(row, changed)``."""
    p = ruang.pengajuan
    if soal.instrumen_id != p.instrumen_id:
        raise ValidationError(_("Soal ini bukan bagian dari instrumen pengajuan."))
    _kunci(ruang)
    catatan = (catatan or "").strip()
    if len(catatan) > 5000:
        raise ValidationError(_("Catatan paling panjang 5000 karakter."))
    pilihan = pilihan or ""
    isian_masukan = {}
    if soal.jenis == JenisJawaban.PERSEN:
        pilihan, angka = "", None
        variabel = {
            m.masukan_id: (m.masukan, m.nama)
            for m in SoalMasukan.objects.filter(soal=soal).select_related("masukan")
        }
        for sid, nilai in (masukan or {}).items():
            if sid not in variabel:
                raise ValidationError(_("Isian itu bukan masukan soal ini."))
            isian_masukan[sid] = _periksa_angka(variabel[sid][0], nilai)
        _periksa_syarat(soal, p, variabel, isian_masukan)
    elif soal.jenis in JENIS_PILIHAN:
        angka = None
        if pilihan and pilihan not in {o["kode"] for o in soal.opsi}:
            raise ValidationError(_("Pilihan jawaban tidak dikenal."))
    else:
        pilihan, angka = "", _periksa_angka(soal, angka)

    ids = [soal.pk, *isian_masukan]
    rows = {
        r.soal_id: r
        for r in JawabanPenilai.objects.select_for_update().filter(
            pengajuan=p, lapisan=ruang.lapisan, soal_id__in=ids
        )
    }
    milik = rows.get(soal.pk)
    if versi != (milik.versi if milik else 0):
        raise Bentrok(milik)

    berubah = False
    for sid, nilai in isian_masukan.items():
        r = rows.get(sid)
        if r is None and nilai is None:
            continue
        if r is not None and r.angka == nilai:
            continue
        _tulis(rows, p, ruang.lapisan, sid, user, angka=nilai)
        berubah = True
    if milik is None and not berubah and not (pilihan or angka is not None or catatan):
        return None, False  # nothing typed yet: no empty row
    if (
        milik is None
        or berubah
        or (milik.pilihan, milik.angka, milik.catatan)
        != (
            pilihan,
            angka,
            catatan,
        )
    ):
        milik = _tulis(
            rows, p, ruang.lapisan, soal.pk, user, pilihan=pilihan, angka=angka, catatan=catatan
        )
        berubah = True
    return milik, berubah


def _tulis(rows, pengajuan, lapisan, soal_id, user, **nilai):
    r = rows.get(soal_id)
    if r is None:
        r = JawabanPenilai(pengajuan=pengajuan, lapisan=lapisan, soal_id=soal_id, versi=0)
    for k, v in nilai.items():
        setattr(r, k, v)
    r.versi += 1
    r.diubah_oleh = user
    r.save()
    rows[soal_id] = r
    return r


def _periksa_syarat(soal, pengajuan, variabel, isian_masukan):
    """The % soal's input rules on the numbers in force (the assessor's, or the unit's where
    the assessor left an input empty)."""
    if not soal.syarat_masukan:
        return
    beku = dict(
        JawabanBeku.objects.filter(pengajuan=pengajuan, soal_id__in=variabel).values_list(
            "soal_id", "angka"
        )
    )
    berlaku = {
        nama: isian_masukan[sid] if isian_masukan.get(sid) is not None else beku.get(sid)
        for sid, (_s, nama) in variabel.items()
    }
    pesan = rumus.periksa_syarat(soal.syarat_masukan, berlaku)
    if pesan:
        raise ValidationError(pesan)


# --- The verdict ---------------------------------------------------------------------------------


@transaction.atomic
def simpan_putusan(*, ruang, user, kesimpulan, alasan):
    """Save the layer's verdict on the submission as a draft (nothing visible to the team)."""
    _kunci(ruang, putusan=True)
    alasan = (alasan or "").strip()
    if kesimpulan not in Kesimpulan.values:
        raise ValidationError(_("Pilih kesimpulan MS atau TMS."))
    if not alasan:
        raise ValidationError(_("Tuliskan alasan kesimpulan."))
    x, _dibuat = PutusanPenilai.objects.update_or_create(
        pengajuan=ruang.pengajuan,
        lapisan=ruang.lapisan,
        tahapan=ruang.penugasan.tahapan,
        defaults={"kesimpulan": kesimpulan, "alasan": alasan, "diubah_oleh": user},
    )
    return x


def skor_penilai(pengajuan, lapisan):
    """The layer's score on ``pengajuan`` (the unit's answer where the layer gave none).
    Two queries (and the instrument the first time)."""
    beku = {j.soal_id: j for j in JawabanBeku.objects.filter(pengajuan=pengajuan)}
    milik = {
        j.soal_id: j for j in JawabanPenilai.objects.filter(pengajuan=pengajuan, lapisan=lapisan)
    }
    return skor.hitung(instrumen_lke(pengajuan.instrumen), isian_penilai(beku, milik))


def skor_unit(pengajuan):
    beku = {j.soal_id: isian_dari(j) for j in JawabanBeku.objects.filter(pengajuan=pengajuan)}
    return skor.hitung(instrumen_lke(pengajuan.instrumen), beku)


@transaction.atomic
def publikasikan(*, ruang, user):
    """Publish the layer's saved verdict: store the assessor's score on it, make the layer's
    answers on the submission final, and tell the team's chair, secretary and Pokja
    coordinators where to read it."""
    _kunci(ruang, putusan=True)
    p = ruang.pengajuan
    x = (
        PutusanPenilai.objects.select_for_update()
        .filter(pengajuan=p, lapisan=ruang.lapisan, tahapan=ruang.penugasan.tahapan)
        .first()
    )
    if x is None or not x.kesimpulan or not x.alasan.strip():
        raise ValidationError(_("Simpan dulu kesimpulan dan alasannya sebelum mempublikasikan."))
    hasil = skor_penilai(p, ruang.lapisan)
    x.total = round(hasil.total, 4)
    x.pengungkit = round(hasil.pengungkit, 4)
    x.hasil = round(hasil.hasil, 4)
    x.area = {str(n): str(round(a.nilai, 4)) for n, a in hasil.area.items()}
    x.dipublikasikan_pada = timezone.now()
    x.dipublikasikan_oleh = user
    x.diubah_oleh = user
    x.save()
    _beri_tahu_tim(x, p)
    return x


def _beri_tahu_tim(x, p):
    penerima = Anggota.objects.filter(
        tim_id=p.tim_id,
        peran__in=[Peran.KETUA_TIM, Peran.SEKRETARIS_TIM, Peran.KOORDINATOR_POKJA],
        user__is_active=True,
    ).values_list("user_id", flat=True)
    teks = _(
        "Penilai %(lapisan)s mempublikasikan hasil penilaian atas pengajuan #%(n)s "
        "(%(tahapan)s): %(kesimpulan)s, nilai penilai %(total)s. Baca catatan per soal."
    ) % {
        "lapisan": x.get_lapisan_display(),
        "n": p.nomor,
        "tahapan": p.tahapan.get_jenis_display(),
        "kesimpulan": x.kesimpulan,
        "total": fmt_angka(x.total),
    }
    beri_notifikasi(
        user_ids=list(penerima),
        teks=teks[:300],
        tautan=reverse("pengajuan", args=[p.tim_id, p.pk]),
    )
