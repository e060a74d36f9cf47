from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PokjaConfig(AppConfig):
    name = "pokja"
    verbose_name = _("Tim dan Pokja")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from zi_portal.middleware import tandai_sesi_segar

        user_logged_in.connect(tandai_sesi_segar, dispatch_uid="sesi-segar")
