"""Check-then-write under real concurrency: parallel requests, each in its own thread with its
own PostgreSQL connection, through the whole request stack. The same content can be stored
only once on a soal, whatever the timing; the losers get the duplicate message and leave no
object in storage."""

import os
from urllib.parse import quote, unquote

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from eviden.models import Dokumen, Eviden, Soal, VersiDokumen
from pokja.models import Anggota, Peran
from pokja.services import tetapkan_anggota

from . import alat
from . import contoh_berkas as cb
from .factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

N = 6


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (make test)")


@pytest.fixture
def soal1(dunia):
    return Soal.objects.get(instrumen=dunia.lembar.instrumen, kode="A.I.1.i.1")


def serentak(fungsi, n=N):
    return alat.serentak(fungsi, n)


def _unggah(user, url, nama, isi):
    c = Client()
    c.force_login(user)
    r = c.post(
        url,
        data=isi,
        content_type="application/octet-stream",
        HTTP_X_NAMA_BERKAS=quote(nama),
    )
    return r.status_code, unquote(r.get("X-Pesan", ""))


def _objek(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_the_same_file_uploaded_at_the_same_instant_is_stored_once(dunia, soal1, penyimpanan_lokal):
    isi = cb.pdf("SK Tim ZI serentak")
    url = reverse("soal-unggah", args=[dunia.lembar.pk, soal1.pk])
    user = dunia.user["anggota1"]
    hasil = serentak(lambda i: _unggah(user, url, f"sk-{i}.pdf", isi))

    status = sorted(s for s, _ in hasil)
    assert status == [200] + [400] * (N - 1), hasil
    ditolak = [p for s, p in hasil if s == 400]
    assert all(p.startswith("Berkas yang sama persis sudah ada pada soal ini") for p in ditolak)
    assert VersiDokumen.objects.count() == 1
    assert Dokumen.objects.count() == 1 and Eviden.objects.count() == 1
    # Only the stored version's object is in storage: the refused ones wrote nothing.
    assert _objek(penyimpanan_lokal) == [VersiDokumen.objects.get().kunci]


def test_the_same_new_version_at_the_same_instant_is_stored_once(dunia, soal1, penyimpanan_lokal):
    user = dunia.user["anggota1"]
    pertama = reverse("soal-unggah", args=[dunia.lembar.pk, soal1.pk])
    assert _unggah(user, pertama, "sk.pdf", cb.pdf("v1"))[0] == 200
    dokumen = Dokumen.objects.get()
    url = reverse("soal-versi", args=[dunia.lembar.pk, soal1.pk, dokumen.pk])
    isi = cb.pdf("v2 serentak")
    hasil = serentak(lambda i: _unggah(user, url, "sk-v2.pdf", isi))

    assert sorted(s for s, _ in hasil) == [200] + [400] * (N - 1), hasil
    assert list(dokumen.versi.order_by("nomor").values_list("nomor", flat=True)) == [1, 2]
    assert len(_objek(penyimpanan_lokal)) == 2


def test_different_files_at_the_same_instant_are_all_stored(dunia, soal1, penyimpanan_lokal):
    url = reverse("soal-unggah", args=[dunia.lembar.pk, soal1.pk])
    user = dunia.user["anggota1"]
    hasil = serentak(lambda i: _unggah(user, url, f"sk-{i}.pdf", cb.pdf(f"SK nomor {i}")))

    assert [s for s, _ in hasil] == [200] * N, hasil
    assert VersiDokumen.objects.count() == N
    assert len(_objek(penyimpanan_lokal)) == N


def test_the_same_link_added_at_the_same_instant_is_stored_once(dunia, soal1):
    url = reverse("soal-tautan", args=[dunia.lembar.pk, soal1.pk])
    user = dunia.user["anggota1"]

    def tambah(i):
        c = Client()
        c.force_login(user)
        return c.post(url, {"tautan": "https://kemenag.go.id/zi/sk-tim"}).status_code

    serentak(tambah)
    assert VersiDokumen.objects.filter(tautan="https://kemenag.go.id/zi/sk-tim").count() == 1


def test_the_same_role_given_at_the_same_instant_is_given_once(dunia):
    user = UserFactory(username=f"baru-{os.getpid()}")
    pokja = dunia.pokja(3)

    def tetapkan(i):
        return tetapkan_anggota(tim=dunia.tim, user=user, peran=Peran.ANGGOTA_POKJA, pokja=pokja).pk

    hasil = serentak(tetapkan)
    assert len(set(hasil)) == 1
    assert Anggota.objects.filter(user=user, pokja=pokja).count() == 1
