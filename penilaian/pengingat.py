"""Reminders: the daily sweep, event reminders and delivery, exactly once.

The ledger (``Pengingat``) has one row per (subject, recipient, kind, day) under a unique
constraint; a sweep of a team runs with the team row locked, reads the day's ledger and
writes only what is missing, so a re-run, a retry or a second beat process adds nothing.
Each reminder gets one ``Pengiriman`` per channel the recipient accepts: the in-app one is
written in the same transaction (the notification centre is the database), e-mail and
WhatsApp wait in the outbox until a worker sends them (queued on commit; the outbox sweep
picks up what could not be queued). A delivery is sent with its row locked and marked sent
in the same transaction, so two workers never send it twice.

A team's sweep costs a fixed number of queries, whatever the number of soal or members.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from eviden.kartu import dokumen_aktif
from eviden.kualitas import nama_samar
from eviden.models import (
    Butir,
    Jawaban,
    JenisJawaban,
    LembarKerja,
    Soal,
    SoalMasukan,
    StatusButir,
)
from pokja.akses import PERAN_PIMPINAN_TIM
from pokja.models import PERAN_POKJA, ROMAWI, Anggota, Peran, TimZI
from zi_portal.format import angka, waktu

from .kalender import awal_hari, sisa_hari, tanggal_wib
from .kanal import GagalKirim, kanal_untuk, tujuan
from .models import (
    JenisPengingat,
    Kanal,
    Pengajuan,
    Pengingat,
    Pengiriman,
    StatusKirim,
    Tahapan,
)

log = logging.getLogger(__name__)

MAKS_BARIS = 15  # soal listed in one message; the rest are counted
KANAL_ANTRE = (Kanal.EMAIL, Kanal.WHATSAPP)


# --- What is unfinished -------------------------------------------------------------------


@dataclass
class Butiran:
    """One soal of the worksheet as the reminders see it."""

    soal_id: int
    kode: str
    area: int | None
    status: str = StatusButir.DRAF
    ditugaskan_ke: int | None = None
    tenggat: object = None
    butir_id: int | None = None
    masalah: list = field(default_factory=list)

    @property
    def selesai(self):
        return self.status in (StatusButir.DIAJUKAN, StatusButir.DISETUJUI)

    @property
    def baris(self):
        area = ROMAWI.get(self.area, _("Hasil")) if self.area else _("Hasil")
        return f"- {self.kode} ({area}): {', '.join(self.masalah)}"


_SOAL = {}


def _soal_instrumen(instrumen_id):
    """``([(id, kode, area, jenis)], {persen id: [input ids]})`` of the listed soal (Jumlah
    inputs of a % soal are part of it), cached per instrument (two queries the first time)."""
    simpanan = _SOAL.get(instrumen_id)
    if simpanan is None:
        masukan = defaultdict(list)
        for soal_id, masukan_id in SoalMasukan.objects.filter(
            soal__instrumen_id=instrumen_id
        ).values_list("soal_id", "masukan_id"):
            masukan[soal_id].append(masukan_id)
        dipakai = {m for ms in masukan.values() for m in ms}
        soal = [
            s
            for s in Soal.objects.filter(instrumen_id=instrumen_id)
            .order_by("node__kode", "urutan")
            .values_list("pk", "kode", "area_pokja", "jenis")
            if s[0] not in dipakai
        ]
        hasil = (soal, dict(masukan))
        _SOAL.clear()  # only the version of the moment is worth keeping
        _SOAL[instrumen_id] = hasil
        return hasil
    return simpanan


def butiran_lembar(lembar):
    """Every listed soal of the worksheet with what is missing. Four queries."""
    soal, masukan = _soal_instrumen(lembar.instrumen_id)
    dijawab = set(
        Jawaban.objects.filter(lembar=lembar)
        .filter(~Q(pilihan="") | Q(angka__isnull=False))
        .values_list("soal_id", flat=True)
    )
    butir = {
        b[0]: b
        for b in Butir.objects.filter(lembar=lembar).values_list(
            "soal_id", "status", "ditugaskan_ke_id", "tenggat", "pk"
        )
    }
    # The active attachments with their titles and latest file names (one query).
    dok = dokumen_aktif(lembar)
    hasil = []
    for soal_id, kode, area, jenis in soal:
        b = butir.get(soal_id)
        item = Butiran(soal_id, kode, area)
        if b:
            item.status, item.ditugaskan_ke, item.tenggat, item.butir_id = b[1:]
        if item.selesai:
            hasil.append(item)
            continue
        if item.status == StatusButir.PERLU_PERBAIKAN:
            item.masalah.append(_("dikembalikan untuk perbaikan"))
        if jenis == JenisJawaban.PERSEN:
            terjawab = all(m in dijawab for m in masukan.get(soal_id, [])) and bool(
                masukan.get(soal_id)
            )
        else:
            terjawab = soal_id in dijawab
        if not terjawab:
            item.masalah.append(_("belum dijawab"))
        if not dok.get(soal_id):
            item.masalah.append(_("belum ada eviden"))
        elif any(
            (d.nama_berkas and nama_samar(d.nama_berkas)) or nama_samar(d.judul)
            for d in dok[soal_id]
        ):
            item.masalah.append(_("nama berkas eviden tidak jelas"))
        item.masalah.append(_("belum diajukan untuk reviu"))
        hasil.append(item)
    return hasil


# --- Message texts ------------------------------------------------------------------------


def _daftar(items):
    baris = [i.baris for i in items[:MAKS_BARIS]]
    if len(items) > MAKS_BARIS:
        baris.append(_("- dan %(n)s soal lainnya") % {"n": len(items) - MAKS_BARIS})
    return "\n".join(baris)


def _ringkas_pokja(pokja_area, items):
    semua = [i for i in items if i.area == pokja_area]
    belum = [i for i in semua if not i.selesai]
    c = Counter(m for i in belum for m in i.masalah)
    menunggu = sum(1 for i in semua if i.status == StatusButir.DIAJUKAN)
    teks = _(
        "Ringkasan Pokja %(romawi)s: %(selesai)s dari %(semua)s soal sudah diajukan atau "
        "disetujui; %(menunggu)s menunggu reviu Anda."
    ) % {
        "romawi": ROMAWI[pokja_area],
        "selesai": len(semua) - len(belum),
        "semua": len(semua),
        "menunggu": menunggu,
    }
    rincian = [f"- {m}: {n}" for m, n in c.most_common() if n]
    return "\n".join([teks, *rincian])


def _ringkas_tim(tim, items, skor, tahapan, sudah_diajukan, hari):
    belum = [i for i in items if not i.selesai]
    terlambat = sum(1 for i in belum if i.ditugaskan_ke and i.tenggat and i.tenggat < hari)
    baris = [
        _(
            "Ringkasan tim: %(selesai)s dari %(semua)s soal sudah diajukan atau disetujui; "
            "%(terlambat)s tugas melewati tenggat."
        )
        % {"selesai": len(items) - len(belum), "semua": len(items), "terlambat": terlambat}
    ]
    per_area = Counter(i.area for i in belum)
    for area in sorted(a for a in per_area if a):
        baris.append(
            _("- Pokja %(romawi)s: %(n)s soal belum selesai")
            % {"romawi": ROMAWI[area], "n": per_area[area]}
        )
    if skor is not None:
        putusan = skor.putusan.get(tim.target_predikat)
        status = _("memenuhi") if putusan and putusan.memenuhi else _("belum memenuhi")
        baris.append(
            _("Nilai proyeksi: %(total)s (target %(target)s: %(status)s syarat).")
            % {"total": angka(skor.total), "target": tim.target_predikat, "status": status}
        )
    if tahapan is not None and tahapan.menerima_pengajuan and not sudah_diajukan:
        baris.append(_("LKE belum diajukan untuk tahapan ini."))
    return "\n".join(baris)


# --- The sweep ----------------------------------------------------------------------------


@dataclass
class Rencana:
    """A reminder to write: recipient, kind, subject key, title, body, link."""

    penerima: object
    jenis: str
    sasaran: str
    judul: str
    isi: str
    tautan: str


def _penerima_tim(tim):
    """``{user: {"pokja": {area}, "koordinator": {area}, "pimpinan": bool}}``. One query."""
    orang = {}
    for a in Anggota.objects.filter(tim=tim, user__is_active=True).select_related("user", "pokja"):
        o = orang.setdefault(
            a.user_id, {"user": a.user, "pokja": set(), "koordinator": set(), "pimpinan": False}
        )
        if a.peran in PERAN_POKJA:
            o["pokja"].add(a.pokja.area)
            if a.peran == Peran.KOORDINATOR_POKJA:
                o["koordinator"].add(a.pokja.area)
        elif a.peran in PERAN_PIMPINAN_TIM:
            o["pimpinan"] = True
    return orang


def _milik(o, items):
    """The unfinished soal that are this person's: assigned to them, or unassigned in their
    Pokja (the chair: the unassigned Hasil soal)."""
    uid = o["user"].pk
    hasil = []
    for i in items:
        if i.selesai:
            continue
        if (
            i.ditugaskan_ke == uid
            or i.ditugaskan_ke is None
            and ((i.area in o["pokja"]) or (i.area is None and o["pimpinan"]))
        ):
            hasil.append(i)
    return hasil


def _pesan_tahapan(tim, tahapan, jenis, sisa, orang, items, skor, diajukan, hari):
    """The messages of one stage reminder: each member their list, each coordinator a
    summary of their Pokja, the chair a digest of the team."""
    nama = tahapan.get_jenis_display()
    if jenis == JenisPengingat.DIBUKA:
        judul = _("%(tahapan)s dimulai hari ini") % {"tahapan": nama}
        pembuka = _("%(tahapan)s %(tim)s dimulai hari ini; tenggat %(tenggat)s.")
        sasaran = f"tahapan:{tahapan.pk}:dibuka"
    else:
        if sisa == 0:
            judul = _("Hari ini tenggat %(tahapan)s") % {"tahapan": nama}
        else:
            judul = ngettext(
                "Tenggat %(tahapan)s %(n)s hari lagi",
                "Tenggat %(tahapan)s %(n)s hari lagi",
                sisa,
            ) % {"tahapan": nama, "n": sisa}
        pembuka = _("Tenggat %(tahapan)s %(tim)s: %(tenggat)s.")
        sasaran = f"tahapan:{tahapan.pk}:h{sisa}"
    pembuka = pembuka % {"tahapan": nama, "tim": tim, "tenggat": waktu(tahapan.tenggat)}
    rencana = []
    for o in orang.values():
        user = o["user"]
        bagian, tautan = [], ""
        milik = _milik(o, items)
        if milik:
            bagian.append(
                ngettext(
                    "%(n)s soal Anda belum selesai:",
                    "%(n)s soal Anda belum selesai:",
                    len(milik),
                )
                % {"n": len(milik)}
                + "\n"
                + _daftar(milik)
            )
            tautan = reverse("tugas-saya")
        if user.terima_ringkasan:
            for area in sorted(o["koordinator"]):
                bagian.append(_ringkas_pokja(area, items))
            if o["pimpinan"]:
                bagian.append(_ringkas_tim(tim, items, skor, tahapan, diajukan, hari))
                tautan = tautan or reverse("kalender", args=[tim.pk])
        if not bagian and jenis != JenisPengingat.DIBUKA:
            continue  # nothing left for this person: no reminder
        sapa = _("Yth. %(nama)s,") % {"nama": user.get_full_name()}
        isi = "\n\n".join([sapa, pembuka, *bagian])
        rencana.append(
            Rencana(user, jenis, sasaran, judul, isi, tautan or reverse("kalender", args=[tim.pk]))
        )
    return rencana


def _pesan_terlambat(tim, items, orang, hari):
    """Overdue assignments, on the due date + 7, + 14, …: one reminder per assignment."""
    rencana = []
    for i in items:
        if i.selesai or not (i.ditugaskan_ke and i.tenggat and i.tenggat < hari):
            continue
        lewat = (hari - i.tenggat).days
        o = orang.get(i.ditugaskan_ke)
        if lewat % 7 or o is None:
            continue
        judul = _("Tugas soal %(kode)s lewat tenggat %(n)s hari") % {"kode": i.kode, "n": lewat}
        isi = "\n\n".join(
            [
                _("Yth. %(nama)s,") % {"nama": o["user"].get_full_name()},
                _("Tugas soal %(kode)s di %(tim)s melewati tenggat %(tgl)s.")
                % {"kode": i.kode, "tim": tim, "tgl": i.tenggat.strftime("%d-%m-%Y")},
                _daftar([i]),
            ]
        )
        rencana.append(
            Rencana(
                o["user"],
                JenisPengingat.TERLAMBAT,
                f"butir:{i.butir_id}:terlambat",
                judul,
                isi,
                reverse("tugas-saya"),
            )
        )
    return rencana


def rencana_tim(tim, hari):
    """Every reminder due for ``tim`` on ``hari`` (a date in WIB), not yet checked against
    the ledger. A fixed number of queries."""
    tahapan = list(Tahapan.objects.filter(tim=tim))
    hari_ini = []
    for t in tahapan:
        if tanggal_wib(t.mulai) == hari:
            hari_ini.append((t, JenisPengingat.DIBUKA, None))
        sisa = sisa_hari(t.tenggat, hari)
        if sisa in set(t.pengingat_hari or []):
            hari_ini.append((t, JenisPengingat.TENGGAT, sisa))
    lembar = LembarKerja.objects.filter(tim=tim).select_related("instrumen").first()
    if lembar is None:
        return []
    items = butiran_lembar(lembar)
    orang = _penerima_tim(tim)
    rencana = _pesan_terlambat(tim, items, orang, hari)
    if hari_ini:
        from .selectors import skor_lembar

        skor = skor_lembar(lembar)
        diajukan = set(
            Pengajuan.objects.filter(tahapan__in=[t for t, _j, _s in hari_ini]).values_list(
                "tahapan_id", flat=True
            )
        )
        for t, jenis, sisa in hari_ini:
            rencana += _pesan_tahapan(
                tim, t, jenis, sisa, orang, items, skor, t.pk in diajukan, hari
            )
    return rencana


@dataclass
class HasilSapu:
    pengingat: list = field(default_factory=list)  # new Pengingat rows
    pengiriman: list = field(default_factory=list)  # new Pengiriman rows (all channels)

    def tambah(self, lain):
        self.pengingat += lain.pengingat
        self.pengiriman += lain.pengiriman

    def hitung(self):
        """``{kanal: n}`` of deliveries that went through."""
        c = Counter(p.kanal for p in self.pengiriman if p.status == StatusKirim.TERKIRIM)
        return {k.value: c.get(k.value, 0) for k in Kanal}


def catat(tim, rencana, hari, *, kanal=tuple(Kanal), antre=True):
    """Write the reminders of ``rencana`` not yet in the ledger for ``hari``, deliver the
    in-app ones now and queue the others after commit. Call inside a transaction that holds
    the team row lock (``sapu_tim`` does)."""
    if not rencana:
        return HasilSapu()
    ada = set(
        Pengingat.objects.filter(tim=tim, tanggal=hari).values_list(
            "sasaran", "penerima_id", "jenis"
        )
    )
    baru, kunci = [], set()
    for r in rencana:
        k = (r.sasaran, r.penerima.pk, r.jenis)
        if k in ada or k in kunci:
            continue
        kunci.add(k)
        baru.append(
            Pengingat(
                tim=tim,
                penerima=r.penerima,
                jenis=r.jenis,
                sasaran=r.sasaran,
                tanggal=hari,
                judul=r.judul[:200],
                isi=r.isi,
                tautan=r.tautan,
            )
        )
    if not baru:
        return HasilSapu()
    Pengingat.objects.bulk_create(baru)
    kirim = []
    for p in baru:
        for k in kanal:
            alamat = tujuan(k, p.penerima)
            if alamat:
                kirim.append(Pengiriman(pengingat=p, kanal=k, tujuan=alamat))
    # In-app deliveries are the notification rows themselves: written already delivered.
    sekarang = timezone.now()
    for k in kirim:
        if k.kanal == Kanal.INAPP:
            k.status, k.percobaan = StatusKirim.TERKIRIM, 1
            k.dicoba_pada = k.terkirim_pada = sekarang
    Pengiriman.objects.bulk_create(kirim)
    inapp = [k for k in kirim if k.kanal == Kanal.INAPP]
    if inapp:
        from pokja.models import Notifikasi

        Notifikasi.objects.bulk_create(
            Notifikasi(
                user_id=k.pengingat.penerima_id,
                teks=k.pengingat.judul[:300],
                tautan=k.pengingat.tautan,
            )
            for k in inapp
        )
    if antre:
        from zi_portal.antrean import antre_setelah_commit

        from .tasks import kirim_pengiriman

        for k in kirim:
            if k.kanal in KANAL_ANTRE:
                antre_setelah_commit(kirim_pengiriman, k.pk)
    return HasilSapu(baru, kirim)


def sapu_tim(tim_id, hari, *, antre=True):
    """The day's reminders of one team, exactly once (team row locked while writing)."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        # Only the team row: a satker's other years and edits of the satker do not wait.
        tim = (
            TimZI.objects.select_for_update(of=("self",))
            .select_related("satker")
            .filter(pk=tim_id)
            .first()
        )
        if tim is None:
            return HasilSapu()
        return catat(tim, rencana_tim(tim, hari), hari, antre=antre)


def tim_aktif(hari):
    """Teams worth sweeping on ``hari``: those with a worksheet and a stage not yet over
    more than a year ago (overdue assignments only matter while the periode runs)."""
    batas = awal_hari(hari) - timedelta(days=400)
    return list(
        TimZI.objects.filter(lembar_kerja__isnull=False, tahapan__selesai__gte=batas)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Events -------------------------------------------------------------------------------


def peristiwa(*, tim, penerima, jenis, sasaran, judul, isi, tautan, kanal=tuple(Kanal)):
    """An event reminder (returned soal, frozen submission) to ``penerima`` today, once."""
    hari = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        rencana = [
            Rencana(
                u,
                jenis,
                sasaran,
                judul,
                _("Yth. %(nama)s,") % {"nama": u.get_full_name()} + "\n\n" + isi,
                tautan,
            )
            for u in penerima
        ]
        return catat(tim, rencana, hari, kanal=kanal)


# --- Delivery -----------------------------------------------------------------------------


def kirim(pengiriman_id):
    """Deliver one waiting delivery, with its row locked; returns it (``None`` if it is not
    waiting or another worker holds it). A failure is counted and logged on the row; after
    ``PENGINGAT_MAKS_PERCOBAAN`` attempts it ends as failed."""
    with transaction.atomic():
        p = (
            Pengiriman.objects.select_for_update(skip_locked=True)
            .select_related("pengingat__penerima")
            .filter(pk=pengiriman_id, status=StatusKirim.MENUNGGU)
            .first()
        )
        if p is None:
            return None
        p.percobaan += 1
        p.dicoba_pada = timezone.now()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                kanal_untuk(p.kanal).kirim(p)
        except Exception as exc:  # noqa: BLE001 - any failure is counted and logged on the row
            p.galat = (str(exc) if isinstance(exc, GagalKirim) else f"{type(exc).__name__}: {exc}")[
                :1000
            ]
            if p.percobaan >= settings.PENGINGAT_MAKS_PERCOBAAN:
                p.status = StatusKirim.GAGAL
            log.warning("Pengiriman %s (%s) gagal: %s", p.pk, p.kanal, exc)
        else:
            p.status, p.terkirim_pada, p.galat = StatusKirim.TERKIRIM, timezone.now(), ""
        p.save(update_fields=["status", "percobaan", "dicoba_pada", "terkirim_pada", "galat"])
    return p


def jeda(percobaan):
    """Back-off before attempt ``percobaan + 1``: 30 s, 60 s, 2 min, 4 min, … (max 1 h)."""
    return min(30 * 2 ** max(percobaan - 1, 0), 3600)


def tertunda(sekarang=None):
    """Ids of waiting deliveries whose back-off has passed (or that were never tried and are
    older than a minute: their queueing failed or their task was lost)."""
    sekarang = sekarang or timezone.now()
    ids = []
    for pk, percobaan, dicoba, dibuat in Pengiriman.objects.filter(
        status=StatusKirim.MENUNGGU
    ).values_list("pk", "percobaan", "dicoba_pada", "pengingat__dibuat_pada"):
        acuan = dicoba or dibuat
        tunggu = jeda(percobaan) if dicoba else 60
        if acuan + timedelta(seconds=tunggu) <= sekarang:
            ids.append(pk)
    return ids
