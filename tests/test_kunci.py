"""The lock between a change and a submission holds even for a soal submitted for the first
time (no work item yet): real PostgreSQL row locks, two connections, two threads."""

import threading

import pytest
from django.db import connection, transaction

from eviden import services
from eviden.models import Butir, Soal, StatusButir

from .test_ruang_kerja import siap_diajukan

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_first_submission_waits_for_a_change_in_progress(client, dunia):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (make test)")
    lembar = dunia.lembar
    s = Soal.objects.get(instrumen=lembar.instrumen, kode="A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    siap_diajukan(client, dunia, s)
    Butir.objects.filter(soal=s).delete()  # a soal that never had a work item

    perubahan_dimulai, lepaskan, selesai = threading.Event(), threading.Event(), threading.Event()
    hasil = {}

    def ubah():
        try:
            with transaction.atomic():
                services.pastikan_terbuka(lembar=lembar, soal=s)
                perubahan_dimulai.set()
                lepaskan.wait(10)
        finally:
            connection.close()

    def ajukan():
        try:
            perubahan_dimulai.wait(10)
            services.ajukan_reviu(lembar=lembar, soal=s, user=dunia.user["anggota1"])
            hasil["ajukan"] = "ok"
        finally:
            selesai.set()
            connection.close()

    t1, t2 = threading.Thread(target=ubah), threading.Thread(target=ajukan)
    t1.start()
    t2.start()
    assert perubahan_dimulai.wait(10)
    # The submission blocks on the work item the change locked (created by the change).
    assert not selesai.wait(1.0)
    lepaskan.set()
    t1.join(10)
    t2.join(10)
    assert hasil == {"ajukan": "ok"}
    assert Butir.objects.get(lembar=lembar, soal=s).status == StatusButir.DIAJUKAN
