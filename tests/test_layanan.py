"""Behaviour that depends on the real services `make test` starts: PostgreSQL, Redis, Celery.

Outside `make test` (no REDIS_URL) these tests are skipped, except under CI=true, where a
missing service is an error: CI must never pass by skipping them.
"""

import os
import re
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse

from .alat import wajib_layanan

pytestmark = pytest.mark.layanan


@pytest.fixture(autouse=True)
def layanan_nyata():
    wajib_layanan()


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert type(caches["default"]).__name__ == "RedisCache"


@pytest.fixture(scope="module")
def celery_worker_nyata():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("butuh Redis")
    from celery.contrib.testing.worker import start_worker

    from zi_portal.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


@pytest.mark.django_db
def test_password_reset_mail_is_sent_by_the_worker_over_smtp(
    client, dunia, smtp, celery_worker_nyata, django_capture_on_commit_callbacks
):
    user = dunia.user["anggota1"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = client.post(reverse("password_reset"), {"email": user.email})
    assert r.status_code == 302 and r.url == reverse("password_reset_done")
    assert len(callbacks) == 1  # the mail is queued only after the request's transaction
    # Wait for the real worker to deliver through the real SMTP server.
    for _ in range(100):
        if smtp.surat:
            break

        time.sleep(0.1)
    assert len(smtp.surat) == 1
    surat = smtp.surat[0]
    assert surat.rcpt_tos == [user.email]
    isi = surat.content.decode()
    assert "Atur ulang kata sandi ZI Portal" in isi
    tautan = re.search(r"http://testserver(/atur-sandi/[^/\s]+/[^/\s]+/)", isi)
    assert tautan, isi
    # The link works: set a new password and sign in with it.
    r = client.get(tautan.group(1), follow=True)
    assert "Atur kata sandi baru" in r.content.decode()
    r = client.post(
        r.redirect_chain[-1][0],
        {"new_password1": "Zona-Integritas-77", "new_password2": "Zona-Integritas-77"},
    )
    assert r.status_code == 302
    client.logout()
    # django-axes needs the request an authentication comes with.
    assert client.login(request=HttpRequest(), username="anggota1", password="Zona-Integritas-77")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client, dunia, smtp):
    r = client.post(reverse("password_reset"), {"email": "tidak-ada@contoh.test"})
    assert r.status_code == 302 and r.url == reverse("password_reset_done")
    assert smtp.surat == []
