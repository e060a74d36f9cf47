"""Celery tasks of the WHO side. Thin: they take plain data and call Django."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def kirim_email(subjek, isi, penerima, isi_html=None):
    """Send one e-mail. Retried with back-off when the SMTP server cannot be reached."""
    pesan = EmailMultiAlternatives(subjek, isi, to=penerima)
    if isi_html:
        pesan.attach_alternative(isi_html, "text/html")
    return pesan.send()
