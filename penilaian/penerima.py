"""Signal receivers: penilaian reacts to what happens in pokja and eviden without those
layers knowing about it."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from .models import JenisPengingat, Kanal


def tim_dibuat(sender, instance, created, raw=False, **kwargs):
    """A new Tim ZI gets the usual Kemenag calendar, for the chair to adjust."""
    if created and not raw:
        from .services import usulkan_kalender

        usulkan_kalender(tim=instance)


def soal_dikembalikan(sender, lembar, soal, butir, user, penerima, catatan, **kwargs):
    """A returned soal: the people told in the portal (by eviden) also get it by e-mail and
    WhatsApp, once per return."""
    from eviden.services import tautan_soal

    from .pengingat import peristiwa

    orang = list(get_user_model().objects.filter(pk__in=penerima, is_active=True))
    if not orang:
        return
    peristiwa(
        tim=lembar.tim,
        penerima=orang,
        jenis=JenisPengingat.DIKEMBALIKAN,
        sasaran=f"butir:{butir.pk}:kembali:{butir.direviu_pada:%Y%m%d%H%M%S%f}",
        judul=_("Soal %(kode)s perlu perbaikan") % {"kode": soal.kode},
        isi=_("%(reviewer)s mengembalikan soal %(kode)s dengan catatan:\n%(catatan)s")
        % {"reviewer": user.get_full_name(), "kode": soal.kode, "catatan": catatan},
        tautan=tautan_soal(lembar, soal),
        kanal=(Kanal.EMAIL, Kanal.WHATSAPP),
    )


def demo_siap(sender, tim, tim_luar, **kwargs):
    """The demo's calendar: the PMPZI evidence deadline a week from today (so the demo shows
    H-7 reminders), and today's sweep: in-app at once, e-mail through the worker (the console
    e-mail log under `make run`). Only the first time: a re-run leaves the chair's dates."""
    from django.utils import timezone

    from .kalender import akhir_hari
    from .models import JenisTahapan, Pengingat, Tahapan
    from .pengingat import sapu_tim

    if Pengingat.objects.filter(tim=tim).exists():
        return
    hari = timezone.localdate()
    mandiri = Tahapan.objects.get(tim=tim, jenis=JenisTahapan.MANDIRI)
    mandiri.tenggat_eviden = akhir_hari(hari + timezone.timedelta(days=7))
    mandiri.mulai = min(mandiri.mulai, mandiri.tenggat_eviden - timezone.timedelta(days=60))
    mandiri.selesai = max(mandiri.selesai, mandiri.tenggat_eviden)
    mandiri.save()
    sapu_tim(tim.pk, hari)


def penugasan_diberikan(sender, penugasan, **kwargs):
    """A new assessor grant: tell the assessor where to work (in the portal)."""
    from django.urls import reverse

    from pokja.services import beri_notifikasi
    from zi_portal.format import waktu

    p = penugasan
    beri_notifikasi(
        user_ids=[p.user_id],
        teks=_(
            "Anda ditugaskan sebagai penilai %(lapisan)s untuk %(satker)s (%(tahun)s), "
            "%(mulai)s sampai %(selesai)s."
        )
        % {
            "lapisan": p.get_lapisan_display(),
            "satker": p.satker.nama,
            "tahun": p.tahun,
            "mulai": waktu(p.mulai),
            "selesai": waktu(p.selesai),
        },
        tautan=reverse("penilai-beranda"),
    )


# The demo's level above the team (issue 11): username, full name, what they are.
AKUN_DEMO_ATAS = [
    ("kanwil", "Drs. H. Mustain Ahmad, M.H.", "admin"),
    ("tpp", "Dra. Sri Rejeki, M.Si.", "tpp"),
    ("tpi", "Ir. Bagus Pranoto, M.M.", "tpi"),
]


def demo_penilai(sender, tim, tim_luar, **kwargs):
    """The demo above the team: a Kanwil admin, a TPP assessor (penilaian pendahuluan) and a
    TPI assessor for Kota Semarang with grants in force for 60 days, Kota Semarang's PMPZI
    submission frozen, the 2026 proposal period open and Kota Semarang proposed for WBK.
    Returns rows (username, what, satker) for the demo's account list. Idempotent."""
    from datetime import timedelta

    from django.utils import timezone

    from eviden.management.commands.demo import PASSWORD
    from pokja.models import AdminKanwil, Lapisan, PenugasanPenilai
    from pokja.services import beri_penugasan, tetapkan_admin_kanwil

    from .models import JenisTahapan, Pengajuan, PeriodeUsulan, Tahapan, Usulan
    from .services import ajukan

    User = get_user_model()
    satker = tim.satker
    kanwil = satker.induk
    sekarang = timezone.now()
    ketua = User.objects.get(username="ketua")
    akun = {}
    for username, nama, _jenis in AKUN_DEMO_ATAS:
        user, dibuat = User.objects.get_or_create(
            username=username,
            defaults={"nama_lengkap": nama, "email": f"{username}@demo.zi-portal.test"},
        )
        if dibuat or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        akun[username] = user
    root = User.objects.filter(is_superuser=True).first() or ketua
    if not AdminKanwil.objects.filter(user=akun["kanwil"], kanwil=kanwil).exists():
        tetapkan_admin_kanwil(user=akun["kanwil"], kanwil=kanwil, oleh=root)
    for username, lapisan, tahapan in (
        ("tpp", Lapisan.TPP, JenisTahapan.PENDAHULUAN),
        ("tpi", Lapisan.TPI, JenisTahapan.TPI),
    ):
        ada = PenugasanPenilai.objects.filter(
            user=akun[username], satker=satker, tahun=tim.tahun, dicabut_pada__isnull=True
        ).exists()
        if not ada:
            beri_penugasan(
                oleh=akun["kanwil"],
                user=akun[username],
                lapisan=lapisan,
                satker=satker,
                tahun=tim.tahun,
                tahapan=tahapan,
                mulai=sekarang - timedelta(days=1),
                selesai=sekarang + timedelta(days=60),
            )
    if not Pengajuan.objects.filter(tim=tim).exists():
        ajukan(tahapan=Tahapan.objects.get(tim=tim, jenis=JenisTahapan.MANDIRI), user=ketua)
    PeriodeUsulan.objects.get_or_create(
        tahun=tim.tahun,
        defaults={"mulai": sekarang - timedelta(days=7), "selesai": sekarang + timedelta(days=90)},
    )
    if not Usulan.objects.filter(tim=tim, ditarik_pada__isnull=True).exists():
        Usulan.objects.create(
            tim=tim,
            tahun=tim.tahun,
            kode_unit=satker.kode,
            nama_unit=satker.nama,
            predikat=tim.target_predikat,
            diusulkan_oleh=ketua,
        )
    keterangan = {
        "kanwil": _("Admin Kanwil"),
        "tpp": _("Penilai TPP (penilaian pendahuluan)"),
        "tpi": _("Penilai TPI (Itjen)"),
    }
    return [
        (u, keterangan[u], kanwil.nama if u == "kanwil" else satker.nama)
        for u, _n, _j in AKUN_DEMO_ATAS
    ]
