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
