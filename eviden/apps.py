from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenConfig(AppConfig):
    name = "eviden"
    verbose_name = _("Instrumen LKE dan Eviden")
