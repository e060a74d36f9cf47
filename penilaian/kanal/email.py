"""The e-mail channel: Indonesian, HTML with a plain-text alternative, links into the portal."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import GagalKirim


class KanalEmail:
    nama = "email"

    def kirim(self, pengiriman):
        p = pengiriman.pengingat
        konteks = {"p": p, "tautan": settings.PORTAL_URL + p.tautan if p.tautan else ""}
        teks = render_to_string("penilaian/email/pengingat.txt", konteks)
        html = render_to_string("penilaian/email/pengingat.html", konteks)
        surat = EmailMultiAlternatives(f"[ZI Portal] {p.judul}", teks, to=[pengiriman.tujuan])
        surat.attach_alternative(html, "text/html")
        try:
            surat.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise GagalKirim(f"SMTP: {exc}") from exc
