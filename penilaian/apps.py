from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenilaianConfig(AppConfig):
    name = "penilaian"
    verbose_name = _("Penilaian")

    def ready(self):
        from django.db.models.signals import post_save

        from eviden.sinyal import demo_siap, soal_dikembalikan
        from pokja.models import TimZI
        from pokja.sinyal import penugasan_diberikan

        from . import penerima

        post_save.connect(penerima.tim_dibuat, sender=TimZI, dispatch_uid="penilaian-kalender")
        soal_dikembalikan.connect(penerima.soal_dikembalikan, dispatch_uid="penilaian-kembali")
        demo_siap.connect(penerima.demo_siap, dispatch_uid="penilaian-demo")
        demo_siap.connect(penerima.demo_penilai, dispatch_uid="penilaian-demo-penilai")
        penugasan_diberikan.connect(penerima.penugasan_diberikan, dispatch_uid="penilaian-tugas")
