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
