from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PokjaConfig(AppConfig):
    name = "pokja"
    verbose_name = _("Tim dan Pokja")
