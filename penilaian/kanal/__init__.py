"""Notification channels behind one interface: ``kanal_untuk(nama).kirim(pengiriman)``
delivers one ``Pengiriman`` or raises ``GagalKirim`` with a message for the delivery log.

- ``inapp``: the portal's notification centre (a row in the database, never fails on its own);
- ``email``: Indonesian HTML + plain text through Django's mail backend (SMTP in production);
- ``whatsapp``: a gateway (``GatewayWhatsApp``) chosen by settings; off by default.
"""

from django.conf import settings


class GagalKirim(Exception):
    """A delivery that did not go through; the message goes to the delivery log."""


def tujuan(kanal, user):
    """Where ``kanal`` would deliver to ``user`` under their preferences, or ``None``."""
    if kanal == "inapp":
        return str(user.pk)
    if kanal == "email":
        return user.email if user.email and user.terima_email else None
    if kanal == "whatsapp":
        aktif = bool(settings.WHATSAPP_GATEWAY)
        return user.nomor_wa if aktif and user.telepon and user.terima_whatsapp else None
    raise ValueError(kanal)


def kanal_untuk(nama):
    if nama == "email":
        from .email import KanalEmail

        return KanalEmail()
    if nama == "whatsapp":
        from .whatsapp import KanalWhatsApp

        return KanalWhatsApp()
    if nama == "inapp":
        from .inapp import KanalInApp

        return KanalInApp()
    raise ValueError(nama)
