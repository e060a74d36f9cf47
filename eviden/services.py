"""Writes on the eviden side: keyword-only, atomic, with the acting user recorded.

Callers authorise first (``pokja.akses``); these functions enforce the data rules: the
optimistic lock on answers, duplicate files, review transitions, who may be assigned.
History rows (django-simple-history) record who changed what, before and after.
"""

import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pokja.akses import dapat_ditugaskan, peninjau
from pokja.services import beri_notifikasi, buat_tim
from zi_portal.format import tanggal

from . import rumus
from .aturan import kendala_ajukan, terjawab
from .berkas import BerkasDitolak
from .models import (
    Butir,
    Dokumen,
    Eviden,
    Jawaban,
    LembarKerja,
    StatusButir,
    VersiDokumen,
)
from .sinyal import soal_dikembalikan


@transaction.atomic
def siapkan_tim(*, satker, tahun, target_predikat, instrumen):
    """Create (or complete) a Tim ZI with its six Pokja and its LKE worksheet."""
    tim = buat_tim(satker=satker, tahun=tahun, target_predikat=target_predikat)
    LembarKerja.objects.get_or_create(tim=tim, defaults={"instrumen": instrumen})
    return tim


def _simpan(obj, user, **kwargs):
    obj._history_user = user  # simple-history's documented hook
    obj.save(**kwargs)
    return obj


# --- Answers --------------------------------------------------------------------------------


class Terkunci(ValidationError):
    """A change refused because the soal waits for review or is approved."""


def _pastikan_terbuka(lembar, soal_ids):
    """Refuse a change to answers or evidence of soal that wait for review or are approved:
    what a reviewer sees (or approved) is what stays there. Locks the work items until the
    change commits, creating the missing ones first: a soal submitted for the first time
    gets its work item in the same moment, and the submission (which locks the same row)
    must wait for this change, or this change for it."""
    ada = set(
        Butir.objects.filter(lembar=lembar, soal_id__in=soal_ids).values_list("soal_id", flat=True)
    )
    for soal_id in sorted(set(soal_ids) - ada):
        with transaction.atomic():
            Butir.objects.get_or_create(lembar=lembar, soal_id=soal_id)
    for butir in (
        Butir.objects.select_for_update()
        .filter(lembar=lembar, soal_id__in=soal_ids)
        .select_related("soal")
        .order_by("soal__kode")
    ):
        alasan = butir.alur.alasan_terkunci()
        if alasan:
            raise Terkunci(
                _("Soal %(kode)s: %(alasan)s") % {"kode": butir.soal.kode, "alasan": alasan}
            )


@transaction.atomic
def pastikan_terbuka(*, lembar, soal, dokumen=None):
    """Raise ``Terkunci`` when ``soal`` (or any soal using ``dokumen``) is locked; lets an
    upload be refused before its body is read."""
    _pastikan_terbuka(lembar, _soal_dokumen(dokumen, soal) if dokumen else [soal.pk])


class KonflikJawaban(Exception):
    """Someone saved the answer after the form was opened; ``tersimpan`` is their version."""

    def __init__(self, tersimpan):
        super().__init__("jawaban sudah berubah")
        self.tersimpan = tersimpan


@transaction.atomic
def simpan_jawaban(
    *, lembar, soal, user, versi, pilihan="", angka=None, penjelasan="", masukan=None
):
    """Save the answer to ``soal``; ``versi`` is the version the user started from (0 = new).

    For a % soal, ``masukan`` maps each Jumlah input (``kartu.Masukan``) to its number;
    they are saved with the % soal's answer under its lock, and must satisfy the
    instrument's rules for them (a part not larger than its whole). Raises ``Terkunci``
    while the soal waits for review or is approved, ``ValidationError`` for impossible
    inputs, and ``KonflikJawaban`` when the stored version moved on, so nothing is
    overwritten silently.
    """
    _pastikan_terbuka(lembar, [soal.pk])
    masukan = masukan or {}
    salah = rumus.periksa_syarat(soal.syarat_masukan, {m.nama: v for m, v in masukan.items()})
    if salah:
        raise ValidationError(salah)
    jawaban = Jawaban.objects.select_for_update().filter(lembar=lembar, soal=soal).first()
    if (jawaban.versi if jawaban else 0) != versi:
        raise KonflikJawaban(jawaban)
    if jawaban is None:
        jawaban = Jawaban(lembar=lembar, soal=soal, versi=1)
    else:
        jawaban.versi += 1
    jawaban.pilihan, jawaban.angka, jawaban.penjelasan = pilihan, angka, penjelasan
    jawaban.diubah_oleh = user
    try:
        with transaction.atomic():
            _simpan(jawaban, user)
    except IntegrityError as exc:  # two first saves at once: the other one won
        raise KonflikJawaban(Jawaban.objects.get(lembar=lembar, soal=soal)) from exc
    for m, nilai in masukan.items():
        baris = Jawaban.objects.select_for_update().filter(lembar=lembar, soal=m.soal).first()
        if baris is None:
            baris = Jawaban(lembar=lembar, soal=m.soal)
        elif baris.angka == nilai:
            continue
        else:
            baris.versi += 1
        baris.angka, baris.diubah_oleh = nilai, user
        _simpan(baris, user)
    return jawaban


# --- Evidence -------------------------------------------------------------------------------


def _soal_dokumen(dokumen, soal):
    """The soal on which ``dokumen`` is active evidence (a new version changes them all)."""
    ids = set(
        Eviden.objects.filter(dokumen=dokumen, diarsipkan=False).values_list("soal_id", flat=True)
    )
    return ids | {soal.pk}


def pokja_lain_pemakai(*, dokumen, area):
    """Pokja areas other than ``area`` where ``dokumen`` is active evidence."""
    return set(
        Eviden.objects.filter(dokumen=dokumen, diarsipkan=False)
        .exclude(soal__area_pokja=area)
        .values_list("soal__area_pokja", flat=True)
    )


def _duplikat(lembar, soal_ids, sha256):
    """A version with this content on any of ``soal_ids``. Called under the work-item locks
    of those soal (``_pastikan_terbuka``), so two uploads of one file at the same instant
    queue there and the second one sees the first."""
    return (
        VersiDokumen.objects.filter(
            sha256=sha256, dokumen__lampiran__lembar=lembar, dokumen__lampiran__soal__in=soal_ids
        )
        .select_related("dokumen")
        .first()
    )


def unggah_berkas(*, lembar, soal, user, berkas, dokumen=None, judul=""):
    """Store a checked upload (``eviden.berkas.BerkasMasuk``) as evidence of ``soal``.

    Without ``dokumen`` it becomes a new document attached to the soal; with ``dokumen`` it
    is that document's next version (every earlier version stays). The same file already on
    the soal is refused. The object goes to storage under a generated key; if anything
    fails afterwards the stored object is removed again, so nothing is left behind.
    """
    kunci_tersimpan = None
    try:
        with transaction.atomic():
            # A new version lands on every soal the document is evidence of: all are locked
            # and checked. The lock makes the duplicate check and the write one step.
            soal_ids = _soal_dokumen(dokumen, soal) if dokumen else [soal.pk]
            _pastikan_terbuka(lembar, soal_ids)
            sama = _duplikat(lembar, soal_ids, berkas.sha256)
            if sama is not None:
                raise BerkasDitolak(
                    _("Berkas yang sama persis sudah ada pada soal ini: «%(judul)s» versi %(n)s.")
                    % {"judul": sama.dokumen.judul, "n": sama.nomor}
                )
            if dokumen is None:
                dokumen = _simpan(
                    Dokumen(lembar=lembar, judul=judul or berkas.nama, dibuat_oleh=user), user
                )
                _simpan(
                    Eviden(lembar=lembar, soal=soal, dokumen=dokumen, dilampirkan_oleh=user), user
                )
                nomor = 1
            else:
                dokumen = Dokumen.objects.select_for_update().get(pk=dokumen.pk)
                nomor = (dokumen.versi.aggregate(n=Max("nomor"))["n"] or 0) + 1
            kunci = f"eviden/{lembar.pk}/{uuid.uuid4().hex}{os.path.splitext(berkas.nama)[1]}"
            with open(berkas.path, "rb") as f:
                kunci_tersimpan = default_storage.save(kunci, File(f, name=kunci))
            versi = VersiDokumen(
                dokumen=dokumen,
                nomor=nomor,
                kunci=kunci_tersimpan,
                sha256=berkas.sha256,
                ukuran=berkas.ukuran,
                mime=berkas.mime,
                nama_asli=berkas.nama,
                diunggah_oleh=user,
            )
            _simpan(versi, user)
            return versi
    except BaseException:
        if kunci_tersimpan:
            default_storage.delete(kunci_tersimpan)
        raise
    finally:
        berkas.buang()


@transaction.atomic
def tambah_tautan(*, lembar, soal, user, tautan, judul="", dokumen=None):
    """A link (e.g. a published web page or a shared folder) as evidence, or as a new
    version of a link document."""
    soal_ids = _soal_dokumen(dokumen, soal) if dokumen else [soal.pk]
    _pastikan_terbuka(lembar, soal_ids)  # locks: the duplicate check below and the write are one
    tautan = (tautan or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(tautan)
    except ValidationError as exc:
        raise BerkasDitolak(
            _("Tautan harus alamat web lengkap yang diawali http:// atau https://.")
        ) from exc
    sudah = VersiDokumen.objects.filter(
        tautan=tautan, dokumen__lampiran__lembar=lembar, dokumen__lampiran__soal__in=soal_ids
    ).first()
    if sudah is not None:
        raise BerkasDitolak(_("Tautan ini sudah ada pada soal ini."))
    if dokumen is None:
        dokumen = _simpan(
            Dokumen(lembar=lembar, judul=judul or tautan[:200], dibuat_oleh=user), user
        )
        _simpan(Eviden(lembar=lembar, soal=soal, dokumen=dokumen, dilampirkan_oleh=user), user)
        nomor = 1
    else:
        dokumen = Dokumen.objects.select_for_update().get(pk=dokumen.pk)
        nomor = (dokumen.versi.aggregate(n=Max("nomor"))["n"] or 0) + 1
    return _simpan(
        VersiDokumen(dokumen=dokumen, nomor=nomor, tautan=tautan, diunggah_oleh=user), user
    )


@transaction.atomic
def lampirkan_dokumen(*, lembar, soal, user, dokumen):
    """Attach a document already in this worksheet to another soal, without re-uploading."""
    if dokumen.lembar_id != lembar.pk:
        raise BerkasDitolak(_("Dokumen itu bukan milik tim ini."))
    _pastikan_terbuka(lembar, [soal.pk])
    ada = (
        Eviden.objects.select_for_update().filter(lembar=lembar, soal=soal, dokumen=dokumen).first()
    )
    if ada is not None and not ada.diarsipkan:
        raise BerkasDitolak(_("Dokumen ini sudah terlampir pada soal ini."))
    if ada is not None:
        ada.diarsipkan = False
        hasil = _simpan(ada, user)
    else:
        try:
            with transaction.atomic():
                hasil = _simpan(
                    Eviden(lembar=lembar, soal=soal, dokumen=dokumen, dilampirkan_oleh=user), user
                )
        except IntegrityError as exc:  # attached by someone else a moment ago
            raise BerkasDitolak(_("Dokumen ini sudah terlampir pada soal ini.")) from exc
    return hasil


@transaction.atomic
def arsipkan_eviden(*, eviden, user, arsip=True):
    """Archive (or restore) an attachment. Files and versions are never deleted."""
    _pastikan_terbuka(eviden.lembar, [eviden.soal_id])
    eviden = Eviden.objects.select_for_update().get(pk=eviden.pk)
    if eviden.diarsipkan != arsip:
        eviden.diarsipkan = arsip
        _simpan(eviden, user)
    return eviden


# --- Review loop and assignments ----------------------------------------------------------


def _butir(lembar, soal):
    """The soal's work item, created if missing (race-safe) and locked for this transaction."""
    with transaction.atomic():
        butir, _ = Butir.objects.get_or_create(lembar=lembar, soal=soal)
    return Butir.objects.select_for_update().get(pk=butir.pk)


def tautan_soal(lembar, soal):
    """The soal's own page (detail view), for notifications."""
    return reverse("soal-kartu", args=[lembar.pk, soal.pk])


def _beri_tahu_peninjau(lembar, soal, user, teks):
    penerima = peninjau(lembar.tim_id, soal.area_pokja) - {user.pk}
    beri_notifikasi(user_ids=penerima, teks=teks[:300], tautan=tautan_soal(lembar, soal))
    return penerima


@transaction.atomic
def ajukan_reviu(*, lembar, soal, user):
    """A member submits the soal for review. It needs an answer (every Jumlah input of a %
    soal) and at least one active evidence item. Everyone who may review it is told."""
    butir = _butir(lembar, soal)
    masukan = list(soal.daftar_masukan.select_related("masukan"))
    jawaban = {
        j.soal_id: j
        for j in Jawaban.objects.filter(
            lembar=lembar, soal_id__in=[soal.pk] + [m.masukan_id for m in masukan]
        )
    }
    kosong = [
        m.masukan.teks
        for m in masukan
        if jawaban.get(m.masukan_id) is None or jawaban[m.masukan_id].angka is None
    ]
    alasan = kendala_ajukan(
        status=butir.status,
        sudah_dijawab=terjawab(soal, jawaban.get(soal.pk), kosong),
        kosong=kosong,
        jumlah_eviden=Eviden.objects.filter(lembar=lembar, soal=soal, diarsipkan=False).count(),
    )
    if alasan:
        raise ValidationError(alasan)
    ulang = butir.status == StatusButir.PERLU_PERBAIKAN
    butir.status = StatusButir.DIAJUKAN
    butir.catatan_reviu = ""
    butir.diajukan_oleh, butir.diajukan_pada = user, timezone.now()
    _simpan(butir, user)
    if ulang:
        teks = _("Soal %(kode)s diajukan ulang oleh %(nama)s dan menunggu reviu Anda.")
    else:
        teks = _("Soal %(kode)s diajukan oleh %(nama)s dan menunggu reviu Anda.")
    _beri_tahu_peninjau(lembar, soal, user, teks % {"kode": soal.kode, "nama": user})
    return butir


@transaction.atomic
def tarik_kembali(*, lembar, soal, user):
    """A member withdraws a submission that has not been reviewed yet, to change it."""
    butir = _butir(lembar, soal)
    if not butir.alur.boleh_ditarik():
        raise ValidationError(
            _("Hanya soal yang sedang menunggu reviu yang dapat ditarik kembali.")
        )
    butir.status = StatusButir.DRAF
    return _simpan(butir, user)


@transaction.atomic
def buka_kembali(*, lembar, soal, user):
    """Reopen an approved soal so that it can be changed; it must be reviewed again, and
    its reviewers are told."""
    butir = _butir(lembar, soal)
    if not butir.alur.boleh_dibuka():
        raise ValidationError(_("Hanya soal yang sudah disetujui yang dapat dibuka kembali."))
    butir.status = StatusButir.DRAF
    _simpan(butir, user)
    teks = _(
        "Soal %(kode)s yang sudah disetujui dibuka kembali oleh %(nama)s untuk diubah; "
        "soal ini perlu direviu ulang."
    )
    _beri_tahu_peninjau(lembar, soal, user, teks % {"kode": soal.kode, "nama": user})
    return butir


@transaction.atomic
def reviu(*, lembar, soal, user, setujui, catatan="", pengajuan=None):
    """The coordinator (or the chair) approves, or returns with a note ("perlu perbaikan").

    ``pengajuan`` is the submission the reviewer looked at (``diajukan_pada`` in ISO form, as
    the review form carries it): a decision on a submission that was withdrawn and submitted
    again in the meantime is refused, so nobody approves what they have not seen."""
    butir = _butir(lembar, soal)
    if not butir.alur.boleh_direviu():
        raise ValidationError(_("Hanya soal yang sedang diajukan yang dapat direviu."))
    if pengajuan and butir.diajukan_pada and pengajuan != butir.diajukan_pada.isoformat():
        raise ValidationError(
            _(
                "Soal ini diajukan ulang setelah Anda membukanya. Periksa jawaban dan eviden "
                "terbarunya, lalu putuskan lagi."
            )
        )
    catatan = (catatan or "").strip()
    if not setujui and not catatan:
        raise ValidationError(
            _("Tulis catatan perbaikan agar pengunggah tahu apa yang harus diubah.")
        )
    butir.status = StatusButir.DISETUJUI if setujui else StatusButir.PERLU_PERBAIKAN
    butir.catatan_reviu = "" if setujui else catatan
    butir.direviu_oleh, butir.direviu_pada = user, timezone.now()
    _simpan(butir, user)
    penerima = set(
        VersiDokumen.objects.filter(
            dokumen__lampiran__lembar=lembar,
            dokumen__lampiran__soal=soal,
            dokumen__lampiran__diarsipkan=False,
        ).values_list("diunggah_oleh", flat=True)
    )
    penerima.add(butir.diajukan_oleh_id)
    penerima -= {None, user.pk}
    if setujui:
        teks = _("Soal %(kode)s disetujui oleh %(nama)s.")
    else:
        teks = _("Soal %(kode)s perlu perbaikan: %(catatan)s")
    beri_notifikasi(
        user_ids=penerima,
        teks=(teks % {"kode": soal.kode, "nama": user.get_full_name(), "catatan": catatan})[:300],
        tautan=tautan_soal(lembar, soal),
    )
    if not setujui:
        soal_dikembalikan.send(
            sender=Butir,
            lembar=lembar,
            soal=soal,
            butir=butir,
            user=user,
            penerima=penerima,
            catatan=catatan,
        )
    return butir


@transaction.atomic
def tugaskan(*, lembar, soal, user, ditugaskan_ke, tenggat):
    """Assign the soal to a member of its Pokja (Hasil soal: ketua or sekretaris tim), with a
    due date (or clear the assignment). A due date already past is refused, unless it is
    the one already set (changing only the assignee of an overdue soal)."""
    if ditugaskan_ke is not None and ditugaskan_ke.pk not in {
        u.pk for u in dapat_ditugaskan(lembar.tim, soal.area_pokja)
    }:
        raise ValidationError(_("Hanya anggota Pokja ini yang dapat ditugaskan."))
    butir = _butir(lembar, soal)
    if tenggat and tenggat < timezone.localdate() and tenggat != butir.tenggat:
        raise ValidationError(
            _("Tenggat %(tgl)s sudah lewat. Pilih hari ini atau tanggal sesudahnya.")
            % {"tgl": tanggal(tenggat)}
        )
    butir.ditugaskan_ke, butir.tenggat = ditugaskan_ke, tenggat
    _simpan(butir, user)
    if ditugaskan_ke is not None and ditugaskan_ke.pk != user.pk:
        teks = _("Anda ditugaskan menyiapkan eviden soal %(kode)s") % {"kode": soal.kode}
        if tenggat:
            teks += _(" paling lambat %(tgl)s") % {"tgl": tanggal(tenggat)}
        beri_notifikasi(
            user_ids={ditugaskan_ke.pk}, teks=teks + ".", tautan=tautan_soal(lembar, soal)
        )
    return butir
