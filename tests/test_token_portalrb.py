"""PortalRB tokens: ``manage.py token_portalrb`` and the admin (created once, shown once, only
the SHA-256 kept, revoked never deleted), and the admin pages of the log, the periods and
the proposals."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from penilaian.models import LogPortalRB, PeriodeUsulan, TokenPortalRB, Usulan

from .factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/portalrb/v1/pengusulan/unit-wbk"


def _perintah(*args):
    out = StringIO()
    call_command("token_portalrb", *args, stdout=out)
    return out.getvalue().rstrip("\n").split("\n")


def _periode():
    sekarang = timezone.now()
    PeriodeUsulan.objects.create(
        tahun=2026, mulai=sekarang - timedelta(days=1), selesai=sekarang + timedelta(days=9)
    )


def _api(client, token):
    return client.get(API, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_command_creates_a_token_printed_once_on_the_last_line(client):
    baris = _perintah("buat", "portalrb-2026")
    token = baris[-1]
    assert len(token) >= 40 and " " not in token
    t = TokenPortalRB.objects.get(nama="portalrb-2026")
    assert t.sidik == hashlib.sha256(token.encode()).hexdigest()
    assert t.awalan == token[:8] and t.dicabut_pada is None
    assert token not in "\n".join(baris[:-1]) and t.awalan in baris[0]
    # Nothing stores the token itself.
    assert not TokenPortalRB.objects.filter(sidik=token).exists()
    assert token not in _perintah("daftar")[0] and "portalrb-2026" in _perintah("daftar")[0]
    _periode()
    assert _api(client, token).status_code == 200


def test_command_refuses_duplicate_and_unknown_names_and_revokes(client):
    token = _perintah("buat", "portalrb")[-1]
    with pytest.raises(CommandError, match="sudah dipakai"):
        _perintah("buat", "portalrb")
    with pytest.raises(CommandError, match="wajib"):
        _perintah("buat", "   ")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        _perintah("cabut", "tidak-ada")
    _periode()
    assert _api(client, token).status_code == 200
    assert "dicabut" in _perintah("cabut", "portalrb")[-1]
    assert TokenPortalRB.objects.get(nama="portalrb").dicabut_pada is not None
    r = _api(client, token)
    assert r.status_code == 401 and r.json()["code"] == "TOKEN_DICABUT"
    with pytest.raises(CommandError, match="sudah dicabut"):
        _perintah("cabut", "portalrb")
    # A revoked token keeps its name.
    with pytest.raises(CommandError, match="sudah dipakai"):
        _perintah("buat", "portalrb")
    assert "dicabut" in _perintah("daftar")[0]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_admin_adds_a_token_shown_once_in_a_message(client, root):
    client.force_login(root)
    tambah = reverse("admin:penilaian_tokenportalrb_add")
    halaman = client.get(tambah)
    assert halaman.status_code == 200 and 'name="nama"' in halaman.content.decode()
    assert 'name="sidik"' not in halaman.content.decode()
    r = client.post(tambah, {"nama": "portalrb-admin"})
    assert r.status_code == 302, r.content.decode()[:2000]
    t = TokenPortalRB.objects.get(nama="portalrb-admin")
    assert t.dibuat_oleh == root
    # The page after saving shows the token in its one message (Django's "added" line is
    # left out so that nothing distracts from it).
    daftar = reverse("admin:penilaian_tokenportalrb_changelist")
    halaman = client.get(r.url)
    pesan = [str(m) for m in halaman.context["messages"]]
    assert len(pesan) == 1
    token = next(
        kata
        for kata in pesan[0].split()
        if len(kata) >= 40 and hashlib.sha256(kata.encode()).hexdigest() == t.sidik
    )
    assert token in halaman.content.decode()
    # Shown once: not on the next page, not on the token's own page, never the hash.
    lagi = client.get(daftar).content.decode()
    assert token not in lagi and t.awalan in lagi and t.sidik not in lagi
    ubah = client.get(reverse("admin:penilaian_tokenportalrb_change", args=[t.pk]))
    assert ubah.status_code == 200
    assert token not in ubah.content.decode() and t.sidik not in ubah.content.decode()
    # The change page cannot change anything.
    client.post(reverse("admin:penilaian_tokenportalrb_change", args=[t.pk]), {"nama": "lain"})
    t.refresh_from_db()
    assert t.nama == "portalrb-admin"
    # A duplicate name is a form error.
    r = client.post(tambah, {"nama": "portalrb-admin"})
    assert r.status_code == 200 and "sudah dipakai" in r.content.decode()
    assert TokenPortalRB.objects.count() == 1
    _periode()
    assert _api(client, token).status_code == 200


def test_admin_action_revokes_and_tokens_are_never_deleted(client, root):
    from penilaian.api.token import buat_token

    a, token_a = buat_token(nama="a")
    b, _token_b = buat_token(nama="b")
    client.force_login(root)
    daftar = reverse("admin:penilaian_tokenportalrb_changelist")
    r = client.post(daftar, {"action": "cabut", "_selected_action": [a.pk]})
    assert r.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.dicabut_pada is not None and b.dicabut_pada is None
    _periode()
    client.logout()
    assert _api(client, token_a).status_code == 401
    client.force_login(root)
    assert client.get(reverse("admin:penilaian_tokenportalrb_delete", args=[b.pk])).status_code in (
        302,
        403,
    )
    r = client.post(daftar, {"action": "delete_selected", "_selected_action": [b.pk]})
    assert TokenPortalRB.objects.filter(pk=b.pk).exists()


def test_only_the_superuser_reaches_these_admin_pages(client, root):
    staf = UserFactory(username="staf", is_staff=True)
    for nama in ("tokenportalrb", "logportalrb", "periodeusulan", "usulan"):
        url = reverse(f"admin:penilaian_{nama}_changelist")
        client.force_login(staf)
        assert client.get(url).status_code == 403, nama
        client.force_login(root)
        assert client.get(url).status_code == 200, nama


def test_log_and_proposals_are_read_only_periods_editable(client, root, dunia):
    from penilaian.api.token import buat_token

    t, _token = buat_token(nama="a")
    log = LogPortalRB.objects.create(token=t, jalur=API, status=200, ip="127.0.0.1")
    u = Usulan.objects.create(
        tim=dunia.tim,
        tahun=2026,
        kode_unit="KANKEMENAG-UJI",
        nama_unit="Kankemenag Kota Uji",
        predikat="WBK",
        diusulkan_oleh=dunia.user["ketua"],
    )
    client.force_login(root)
    assert client.get(reverse("admin:penilaian_logportalrb_changelist")).status_code == 200
    assert client.get(reverse("admin:penilaian_logportalrb_add")).status_code == 403
    r = client.post(reverse("admin:penilaian_logportalrb_change", args=[log.pk]), {"status": 500})
    log.refresh_from_db()
    assert log.status == 200 and r.status_code in (200, 403)
    assert client.get(reverse("admin:penilaian_usulan_changelist")).status_code == 200
    assert client.get(reverse("admin:penilaian_usulan_add")).status_code == 403
    client.post(reverse("admin:penilaian_usulan_change", args=[u.pk]), {"afirmasi": "on"})
    u.refresh_from_db()
    assert u.afirmasi is False
    mulai = timezone.localtime() - timedelta(days=1)
    selesai = mulai + timedelta(days=30)
    r = client.post(
        reverse("admin:penilaian_periodeusulan_add"),
        {
            "tahun": 2026,
            "mulai_0": mulai.strftime("%Y-%m-%d"),
            "mulai_1": mulai.strftime("%H:%M:%S"),
            "selesai_0": selesai.strftime("%Y-%m-%d"),
            "selesai_1": selesai.strftime("%H:%M:%S"),
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert PeriodeUsulan.objects.filter(tahun=2026).exists()
