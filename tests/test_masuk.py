"""Login lock-out by django-axes, as the portal configures it: one count per account whatever
identifier was typed, serialised under parallel attempts, the client address from a proxy
header only when proxies are trusted, reset on success, Indonesian message, admin unlock.

Parallel attempts run in real threads, each with its own database connection, through the
whole request stack (PostgreSQL under `make test`)."""

import threading

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse

from .alat import serentak
from .factories import SANDI

pytestmark = pytest.mark.django_db(transaction=True)

BATAS = 5
PESAN = "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal."


class HasherHitung(MD5PasswordHasher):
    """MD5 (the tests' hasher) that counts how many passwords were really checked."""

    kunci = threading.Lock()
    diperiksa = 0

    def verify(self, password, encoded):
        with HasherHitung.kunci:
            HasherHitung.diperiksa += 1
        return super().verify(password, encoded)


@pytest.fixture
def hitung(settings):
    settings.PASSWORD_HASHERS = ["tests.test_masuk.HasherHitung"]
    settings.AXES_FAILURE_LIMIT = BATAS
    HasherHitung.diperiksa = 0
    return HasherHitung


@pytest.fixture
def akun(dunia):
    user = dunia.user["anggota1"]
    user.nip = "198001012005011001"
    user.save(update_fields=["nip"])
    return user


def masuk(client, username, password, **extra):
    return client.post(reverse("masuk"), {"username": username, "password": password}, **extra)


def gagal(client, username, n=1, **extra):
    for _ in range(n):
        r = masuk(client, username, "salah-sekali", **extra)
        assert r.status_code in (200, 429)
    return r


def test_parallel_guesses_check_at_most_the_limit_of_passwords(hitung, akun):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (make test)")
    n = 30

    def tebak(i):
        c = Client()
        # Half by username, half by NIP: one account, one count.
        nama = akun.username if i % 2 else akun.nip
        return masuk(c, nama, f"tebakan-{i}").status_code

    status = serentak(tebak, n)
    # Only the first BATAS guesses reached the password check; the rest were refused before it.
    assert hitung.diperiksa == BATAS
    assert status.count(429) == n - BATAS + 1  # the BATAS-th failure already answers locked
    # Now the right password is refused too, with the Indonesian message.
    r = masuk(Client(), akun.username, SANDI)
    assert r.status_code == 429 and PESAN in r.content.decode()
    assert hitung.diperiksa == BATAS


def test_username_nip_and_case_share_one_count(hitung, akun, client):
    gagal(client, akun.username, 2)
    gagal(client, akun.nip, 1)
    gagal(client, akun.username.upper(), 1)
    r = gagal(client, f"  {akun.nip} ", 1)
    assert r.status_code == 429
    html = r.content.decode()
    assert PESAN in html and "Coba lagi dalam 15 menit" in html
    assert AccessAttempt.objects.filter(username=akun.username).count() == 1
    for nama in (akun.username, akun.nip):
        r = masuk(client, nama, SANDI)
        assert r.status_code == 429 and "_auth_user_id" not in client.session


def test_one_office_behind_a_proxy_is_not_locked_out_by_one_persons_typos(hitung, dunia, akun):
    kantor = {"REMOTE_ADDR": "10.0.0.1"}  # the office's proxy / NAT address
    c = Client()
    # Five different people each mistype once, and one of them five times.
    for nama in ("ketua", "kepala", "sekretaris", "kasubbag", "koordinator1"):
        gagal(c, nama, 1, **kantor)
    gagal(c, "anggota2", BATAS, **kantor)
    r = masuk(Client(), "anggota2", SANDI, **kantor)
    assert r.status_code == 429
    # Everyone else in the office still gets in.
    for nama in ("ketua", "kepala", "anggota1"):
        r = masuk(Client(), nama, SANDI, **kantor)
        assert r.status_code == 302, nama


@pytest.mark.parametrize(
    ("percaya", "xff", "diharapkan"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is ignored (forgeable)
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than configured: not trusted
        (1, "bukan-alamat", "10.0.0.1"),
    ],
)
def test_client_address_comes_from_the_proxy_header_only_when_trusted(
    hitung, akun, settings, percaya, xff, diharapkan
):
    settings.PROXY_TEPERCAYA = percaya
    gagal(Client(), akun.username, 1, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=xff)
    assert AccessAttempt.objects.get(username=akun.username).ip_address == diharapkan


def test_a_successful_login_resets_the_count(hitung, akun, client):
    gagal(client, akun.username, BATAS - 1)
    assert masuk(client, akun.username, SANDI).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username=akun.username).exists()
    gagal(client, akun.nip, BATAS - 1)  # would be 2×(BATAS-1) failures without the reset
    assert masuk(client, akun.nip, SANDI).status_code == 302


def test_an_admin_unlocks_an_account_and_others_may_not(hitung, akun, dunia, client):
    gagal(client, akun.username, BATAS)
    assert masuk(client, akun.username, SANDI).status_code == 429
    admin = dunia.user["ketua"]
    ubah = reverse("admin:pokja_user_changelist")
    aksi = {"action": "buka_kunci_masuk", "_selected_action": [akun.pk]}

    # A team chair without admin rights cannot.
    c = Client()
    c.force_login(admin)
    r = c.post(ubah, aksi)
    assert r.status_code == 302 and "/admin/login/" in r.url
    assert AccessAttempt.objects.filter(username=akun.username).exists()

    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    r = c.post(ubah, aksi, follow=True)
    assert "1 akun dibuka kuncinya." in r.content.decode()
    assert not AccessAttempt.objects.filter(username=akun.username).exists()
    assert masuk(Client(), akun.username, SANDI).status_code == 302


def test_unknown_names_are_counted_without_revealing_anything(hitung, client):
    r = gagal(client, "tidak-ada", 1)
    assert "Nama pengguna/NIP atau kata sandi salah" in r.content.decode()
    assert AccessAttempt.objects.get().username == "tidak-ada"
