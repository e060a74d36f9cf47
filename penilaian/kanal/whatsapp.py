"""WhatsApp through a gateway. ``GatewayWhatsApp`` is the interface; ``GatewayHTTP`` is the
adapter for the HTTP APIs Indonesian offices use (Fonnte, Wablas and alike): a ``POST`` with
the token in the ``Authorization`` header and form fields ``target`` (or ``phone``) and
``message``. A 2xx answer whose JSON says ``"status": false`` is a failure too (Fonnte)."""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from . import GagalKirim


class GatewayWhatsApp:
    """Send ``pesan`` to ``nomor`` (62812…) or raise ``GagalKirim``."""

    def kirim(self, nomor, pesan):  # pragma: no cover - interface
        raise NotImplementedError


class GatewayHTTP(GatewayWhatsApp):
    def __init__(self, url, token, field_tujuan="target", timeout=10.0):
        if not url.startswith(("https://", "http://")):
            raise GagalKirim("WHATSAPP_URL belum diatur (harus http:// atau https://).")
        self.url, self.token, self.field_tujuan, self.timeout = url, token, field_tujuan, timeout

    def kirim(self, nomor, pesan):
        data = urllib.parse.urlencode({self.field_tujuan: nomor, "message": pesan}).encode()
        minta = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=data,
            method="POST",
            headers={
                "Authorization": self.token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(minta, timeout=self.timeout) as r:  # noqa: S310
                isi = r.read(65536)
        except urllib.error.HTTPError as exc:
            raise GagalKirim(f"Gateway menjawab HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise GagalKirim(f"Gateway tidak terjangkau: {getattr(exc, 'reason', exc)}") from exc
        try:
            jawab = json.loads(isi or b"{}")
        except ValueError:
            return
        if isinstance(jawab, dict) and jawab.get("status") is False:
            alasan = jawab.get("reason") or jawab.get("message") or "status false"
            raise GagalKirim(f"Gateway menolak: {alasan}"[:500])


GATEWAY = {"http": "penilaian.kanal.whatsapp.GatewayHTTP"}


def gateway():
    """The configured gateway (``WHATSAPP_GATEWAY``: ``http`` or a dotted class path)."""
    kelas = import_string(GATEWAY.get(settings.WHATSAPP_GATEWAY, settings.WHATSAPP_GATEWAY))
    return kelas(
        url=settings.WHATSAPP_URL,
        token=settings.WHATSAPP_TOKEN,
        field_tujuan=settings.WHATSAPP_FIELD_TUJUAN,
        timeout=settings.WHATSAPP_TIMEOUT,
    )


class KanalWhatsApp:
    nama = "whatsapp"

    def kirim(self, pengiriman):
        if not settings.WHATSAPP_GATEWAY:
            raise GagalKirim("Gateway WhatsApp tidak aktif (WHATSAPP_GATEWAY kosong).")
        p = pengiriman.pengingat
        pesan = p.isi
        if p.tautan:
            pesan += f"\n\n{settings.PORTAL_URL}{p.tautan}"
        gateway().kirim(pengiriman.tujuan, pesan[:4000])
