"""PortalRB Bearer tokens: the one place that creates, revokes and recognises them.

A token is 32 random bytes (URL-safe base64, 43 characters), shown once when created. Only
its SHA-256 (``sidik``) is stored, with its first 8 characters (``awalan``) to tell tokens
apart in lists. Revoked tokens are kept (the request log points at them) and refused.
The admin (``penilaian/admin.py``) and ``manage.py token_portalrb`` call ``buat_token`` and
``cabut_token``; the API views call ``kenali``.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import TokenPortalRB

PANJANG_AWALAN = 8
PANJANG_NAMA = 80


def sidik(token):
    """The SHA-256 of a token, in hex (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def periksa_nama(nama):
    """The cleaned name of a new token; refused when empty, too long or already used (also
    by a revoked token)."""
    nama = (nama or "").strip()
    if not nama:
        raise ValidationError(_("Nama token wajib diisi."))
    if len(nama) > PANJANG_NAMA:
        raise ValidationError(_("Nama token paling panjang %(n)s karakter.") % {"n": PANJANG_NAMA})
    if TokenPortalRB.objects.filter(nama=nama).exists():
        raise ValidationError(
            _("Nama token «%(nama)s» sudah dipakai. Pilih nama lain.") % {"nama": nama}
        )
    return nama


@transaction.atomic
def buat_token(*, nama, oleh=None):
    """Create a token named ``nama``; returns ``(TokenPortalRB, token)``. The token itself
    exists only in this return value: show it once. A name already used (also by a revoked
    token) is refused."""
    nama = periksa_nama(nama)
    token = secrets.token_urlsafe(32)
    baris = TokenPortalRB(nama=nama, awalan=token[:PANJANG_AWALAN], sidik=sidik(token))
    baris.dibuat_oleh = oleh if getattr(oleh, "pk", None) else None
    try:
        with transaction.atomic():
            baris.save()
    except IntegrityError as exc:  # the same name at the same moment
        raise ValidationError(
            _("Nama token «%(nama)s» sudah dipakai. Pilih nama lain.") % {"nama": nama}
        ) from exc
    return baris, token


@transaction.atomic
def cabut_token(*, nama=None, token=None, sekarang=None):
    """Revoke the token named ``nama`` (or the row ``token``). Refused for an unknown name
    and for a token already revoked. Takes effect on the next request."""
    qs = TokenPortalRB.objects.select_for_update()
    if token is not None:
        baris = qs.filter(pk=token.pk).first()
    else:
        baris = qs.filter(nama=(nama or "").strip()).first()
    if baris is None:
        raise ValidationError(_("Token «%(nama)s» tidak ditemukan.") % {"nama": nama or ""})
    if baris.dicabut_pada is not None:
        raise ValidationError(_("Token «%(nama)s» sudah dicabut.") % {"nama": baris.nama})
    baris.dicabut_pada = sekarang or timezone.now()
    baris.save(update_fields=["dicabut_pada"])
    return baris


# Why a request's token was refused (the API's error codes).
TIDAK_ADA = "TOKEN_TIDAK_ADA"
TIDAK_SAH = "TOKEN_TIDAK_SAH"
DICABUT = "TOKEN_DICABUT"


def baca_header(nilai):
    """The token of an ``Authorization: Bearer <token>`` header value, or None."""
    skema, _spasi, isi = (nilai or "").strip().partition(" ")
    isi = isi.strip()
    if skema.lower() != "bearer" or not isi or " " in isi:
        return None
    return isi


def kenali(header):
    """``(TokenPortalRB, None)`` for a token in force, else ``(row or None, reason)``. One
    query (none without a header)."""
    token = baca_header(header)
    if token is None:
        return None, TIDAK_ADA if not (header or "").strip() else TIDAK_SAH
    baris = TokenPortalRB.objects.filter(sidik=sidik(token)).first()
    if baris is None:
        return None, TIDAK_SAH
    if baris.dicabut_pada is not None:
        return baris, DICABUT
    return baris, None


def tandai_dipakai(token, sekarang=None):
    """Record the moment a token was last used (one UPDATE)."""
    sekarang = sekarang or timezone.now()
    TokenPortalRB.objects.filter(pk=token.pk).update(dipakai_pada=sekarang)
    token.dipakai_pada = sekarang
