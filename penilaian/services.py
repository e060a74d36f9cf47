"""Writes on the penilaian side: keyword-only and atomic."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eviden.models import Butir, Eviden, Jawaban, LembarKerja, Soal, VersiDokumen
from pokja.models import Anggota, TimZI
from zi_portal.format import angka, waktu

from .ekspor.sumber import PILIHAN_BERKAS
from .kalender import kalender_usulan
from .models import (
    Ekspor,
    EvidenBeku,
    JawabanBeku,
    JenisEkspor,
    JenisPengingat,
    JenisTahapan,
    Pengajuan,
    SkorHarian,
    Tahapan,
)
from .selectors import skor_lembar


@transaction.atomic
def catat_skor(*, tim_id, tanggal=None):
    """Write (or replace) the team's score row for ``tanggal`` (today in Asia/Jakarta)."""
    lembar = LembarKerja.objects.select_related("instrumen").filter(tim_id=tim_id).first()
    if lembar is None:
        return None
    baris, _ = SkorHarian.objects.update_or_create(
        tim_id=tim_id,
        tanggal=tanggal or timezone.localdate(),
        defaults=nilai_tercatat(skor_lembar(lembar)),
    )
    return baris


def nilai_tercatat(hasil):
    """The score fields a recorded score keeps (daily row, frozen submission)."""
    putusan = hasil.putusan
    return {
        "total": round(hasil.total, 4),
        "pengungkit": round(hasil.pengungkit, 4),
        "hasil": round(hasil.hasil, 4),
        "area": {str(n): str(round(a.nilai, 4)) for n, a in hasil.area.items()},
        "memenuhi_wbk": bool(putusan.get("WBK") and putusan["WBK"].memenuhi),
        "memenuhi_wbbm": bool(putusan.get("WBBM") and putusan["WBBM"].memenuhi),
    }


# --- Stages ---------------------------------------------------------------------------------


def usulkan_kalender(*, tim):
    """The usual Kemenag calendar for ``tim``'s periode (kalender.kalender_usulan): only the
    stages the team does not have yet, so the chair's changes are never overwritten."""
    ada = set(Tahapan.objects.filter(tim=tim).values_list("jenis", flat=True))
    Tahapan.objects.bulk_create(
        Tahapan(tim=tim, jenis=jenis, mulai=mulai, selesai=selesai, tenggat_eviden=tenggat)
        for jenis, mulai, selesai, tenggat in kalender_usulan(tim.tahun)
        if jenis not in ada
    )


def ubah_tahapan(*, tahapan, user, mulai, selesai, tenggat_eviden, pengingat_hari):
    """The chair adjusts a stage's dates and reminder days. A deadline before the stage
    starts, or an end before the start, is refused."""
    if selesai < mulai:
        raise ValidationError(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    if tenggat_eviden and tenggat_eviden > selesai:
        raise ValidationError(_("Tenggat eviden tidak boleh sesudah tahapan selesai."))
    tahapan.mulai, tahapan.selesai, tahapan.tenggat_eviden = mulai, selesai, tenggat_eviden
    tahapan.pengingat_hari = sorted(set(pengingat_hari), reverse=True)
    tahapan.save()
    return tahapan


# --- Frozen submissions -----------------------------------------------------------------------


def jendela_perbaikan(tim, sekarang):
    """The team's correction window (the perbaikan stage) if it is open now."""
    return (
        Tahapan.objects.filter(
            tim=tim, jenis=JenisTahapan.PERBAIKAN, mulai__lte=sekarang, selesai__gte=sekarang
        )
        .order_by("mulai")
        .first()
    )


@transaction.atomic
def ajukan(*, tahapan, user, alasan_terlambat=""):
    """Freeze the team's LKE for ``tahapan``: every soal's answer, note, review state and
    value, the latest version of every active evidence document, and the scores. The first
    submission of a stage may come any time (after the deadline only with a written reason,
    and it is marked late); a later one supersedes it only inside the correction window."""
    tim = TimZI.objects.select_for_update().get(pk=tahapan.tim_id)
    if not tahapan.menerima_pengajuan:
        raise ValidationError(_("Tahapan ini tidak menerima pengajuan LKE."))
    lembar = LembarKerja.objects.select_related("instrumen").filter(tim=tim).first()
    if lembar is None:
        raise ValidationError(_("Tim ini belum punya lembar kerja."))
    sekarang = timezone.now()
    sebelumnya = Pengajuan.objects.filter(tahapan=tahapan).order_by("-nomor").first()
    if sebelumnya is not None and jendela_perbaikan(tim, sekarang) is None:
        raise ValidationError(
            _(
                "Tahapan ini sudah punya pengajuan (#%(n)s). Pengajuan pengganti hanya dapat "
                "dibuat selama masa perbaikan."
            )
            % {"n": sebelumnya.nomor}
        )
    terlambat = sekarang > tahapan.tenggat
    alasan_terlambat = (alasan_terlambat or "").strip()
    if terlambat and not alasan_terlambat:
        raise ValidationError(
            _("Tenggat tahapan ini sudah lewat (%(tgl)s). Tuliskan alasan keterlambatan.")
            % {"tgl": waktu(tahapan.tenggat)}
        )
    hasil = skor_lembar(lembar)
    p = Pengajuan.objects.create(
        tim=tim,
        tahapan=tahapan,
        nomor=(sebelumnya.nomor + 1) if sebelumnya else 1,
        instrumen=lembar.instrumen,
        diajukan_oleh=user,
        diajukan_pada=sekarang,
        terlambat=terlambat,
        alasan_terlambat=alasan_terlambat if terlambat else "",
        **nilai_tercatat(hasil),
    )
    jawaban = {j.soal_id: j for j in Jawaban.objects.filter(lembar=lembar)}
    butir = {b.soal_id: b for b in Butir.objects.filter(lembar=lembar)}
    JawabanBeku.objects.bulk_create(
        JawabanBeku(
            pengajuan=p,
            soal_id=soal_id,
            pilihan=j.pilihan if j else "",
            angka=j.angka if j else None,
            penjelasan=j.penjelasan if j else "",
            status=b.status if b else "draf",
            catatan_reviu=b.catatan_reviu if b else "",
            nilai=(
                round(hasil.soal[soal_id].nilai, 6)
                if soal_id in hasil.soal and hasil.soal[soal_id].nilai is not None
                else None
            ),
        )
        for soal_id in Soal.objects.filter(instrumen=lembar.instrumen).values_list("pk", flat=True)
        for j, b in [(jawaban.get(soal_id), butir.get(soal_id))]
    )
    terbaru = VersiDokumen.objects.filter(dokumen=OuterRef("dokumen")).order_by("-nomor")
    EvidenBeku.objects.bulk_create(
        EvidenBeku(pengajuan=p, soal_id=soal_id, versi_id=versi_id, judul=judul)
        for soal_id, versi_id, judul in Eviden.objects.filter(lembar=lembar, diarsipkan=False)
        .annotate(versi_id=Subquery(terbaru.values("pk")[:1]))
        .values_list("soal_id", "versi_id", "dokumen__judul")
        .distinct()
        if versi_id
    )
    _beri_tahu_pengajuan(p, user)
    return p


def _beri_tahu_pengajuan(p, user):
    from .pengingat import peristiwa

    penerima = [
        a.user
        for a in Anggota.objects.filter(tim=p.tim, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
        .distinct()
    ]
    penerima = list({u.pk: u for u in penerima if u.pk != user.pk}.values())
    nama = p.tahapan.get_jenis_display()
    isi = _(
        "LKE %(tim)s telah diajukan untuk %(tahapan)s oleh %(oleh)s pada %(waktu)s dengan "
        "nilai %(total)s. Jawaban dan eviden yang diajukan dibekukan; pekerjaan tetap dapat "
        "dilanjutkan."
    ) % {
        "tim": p.tim,
        "tahapan": nama,
        "oleh": user.get_full_name(),
        "waktu": waktu(p.diajukan_pada),
        "total": angka(p.total),
    }
    peristiwa(
        tim=p.tim,
        penerima=penerima,
        jenis=JenisPengingat.DIBEKUKAN,
        sasaran=f"pengajuan:{p.pk}",
        judul=_("LKE diajukan untuk %(tahapan)s (#%(n)s)") % {"tahapan": nama, "n": p.nomor},
        isi=isi,
        tautan=reverse("pengajuan", args=[p.tim_id, p.pk]),
    )


@transaction.atomic
def minta_ekspor(*, tim, jenis, user, pengajuan=None, pilih_berkas=""):
    """Record an export job and queue it once the transaction commits. With the broker down
    the row waits and the beat sweep (``tasks.ekspor_tertunda``) runs it later."""
    from zi_portal.antrean import antre_setelah_commit

    from .tasks import jalankan_ekspor

    if pengajuan is not None and pengajuan.tim_id != tim.pk:
        raise ValidationError(_("Pengajuan itu bukan milik tim ini."))
    if jenis == JenisEkspor.ZIP and pengajuan is None and pilih_berkas not in PILIHAN_BERKAS:
        raise ValidationError(_("Pilih eviden yang disetujui saja atau versi terbaru."))
    ekspor = Ekspor.objects.create(
        tim=tim,
        jenis=jenis,
        pengajuan=pengajuan,
        pilih_berkas=pilih_berkas if jenis == JenisEkspor.ZIP and pengajuan is None else "",
        diminta_oleh=user,
        diminta_pada=timezone.now(),
    )
    antre_setelah_commit(jalankan_ekspor, ekspor.pk)
    return ekspor
