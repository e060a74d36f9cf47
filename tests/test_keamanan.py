"""Browser-side hardening on every page: Content-Security-Policy without inline scripts (checked
over every request of the permission matrix, for several roles and for anonymous visitors, error
pages included), session and CSRF cookies, compression of pages but not of files."""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from eviden.models import VersiDokumen

from . import contoh_berkas as cb
from .test_matriks import MATRIKS, Kasus, _raw, _siapkan

pytestmark = pytest.mark.django_db


class Pemeriksa(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block or that smuggles script in."""

    def __init__(self):
        super().__init__()
        self.salah, self._dalam_skrip = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for nama, nilai in attrs:
            if nama.startswith("on"):
                self.salah.append(f"<{tag} {nama}=…>")
            if nama == "style":
                self.salah.append(f"<{tag} style=…>")
            if nama in ("href", "src", "action") and (nilai or "").strip().lower().startswith(
                "javascript:"
            ):
                self.salah.append(f"<{tag} {nama}=javascript:…>")
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self._dalam_skrip = True
            self.salah.append("<script> inline")
        if tag == "style":
            self.salah.append("<style> inline")

    def handle_endtag(self, tag):
        self._dalam_skrip = False


def periksa_halaman(r):
    """Returns the problems of one response (empty when it is fine)."""
    if not r.get("Content-Type", "").startswith("text/html"):
        return []
    masalah = []
    csp = r.get("Content-Security-Policy", "")
    arahan = dict(
        (bagian.split(" ", 1) + [""])[:2]
        for bagian in (b.strip() for b in csp.split(";"))
        if bagian
    )
    if arahan.get("script-src") != "'self'":
        masalah.append(f"script-src: {arahan.get('script-src')!r}")
    if "unsafe" in csp:
        masalah.append("unsafe-* in CSP")
    for nama in ("default-src", "object-src", "frame-ancestors", "base-uri"):
        if nama not in arahan:
            masalah.append(f"no {nama}")
    p = Pemeriksa()
    p.feed(r.content.decode())
    return masalah + p.salah


@pytest.mark.parametrize(
    "persona", ["ketua", "anggota1", "anggota2", "luar", "tpp", "admin_kanwil", None]
)
def test_every_page_of_the_matrix_has_a_csp_and_no_inline_script(client, atas, persona):
    dunia = atas.dunia
    orang = {**dunia.user, **atas.user}
    s, eviden = _siapkan(dunia, 1)
    client.force_login(dunia.user["anggota1"])
    assert _raw(client, reverse("soal-unggah", args=[dunia.lembar.pk, s.pk]), cb.pdf()).status_code
    versi = VersiDokumen.objects.exclude(kunci="").get().pk
    kasus = Kasus(dunia, s, eviden, versi, atas=atas, persona=persona or "anonim")
    client.logout()
    if persona:
        client.force_login(orang[persona])
    dilihat, salah = 0, {}
    for nama, (_, *pembuat) in MATRIKS.items():
        for minta in pembuat:
            r = minta(client, kasus)
            if r.status_code in (301, 302):
                r = client.get(r.url)
            if r.get("Content-Type", "").startswith("text/html"):
                dilihat += 1
            if m := periksa_halaman(r):
                salah[f"{nama} ({r.status_code})"] = m
            if persona is None:
                continue
            if nama == "keluar":
                client.force_login(orang[persona])
    assert salah == {}
    assert dilihat >= 15


def test_the_checker_can_fail(client, dunia):
    # The parser and the header check catch what they are for.
    class R(dict):
        content = (
            b'<p onclick="x()" style="color:red"><a href="javascript:alert(1)">a</a>'
            b"<script>alert(1)</script><style>p{}</style>"
            b'<script type="application/json">{"a": 1}</script><script src="/s.js"></script>'
        )

    r = R({"Content-Type": "text/html", "Content-Security-Policy": "script-src 'unsafe-inline'"})
    masalah = periksa_halaman(r)
    for m in (
        "<p onclick=…>",
        "<p style=…>",
        "<a href=javascript:…>",
        "<script> inline",
        "<style> inline",
        "unsafe-* in CSP",
        "no default-src",
    ):
        assert m in masalah
    assert sum("<script>" in m for m in masalah) == 1  # JSON data and src= scripts are fine


def test_session_and_csrf_cookies(client, dunia, settings):
    r = client.get(reverse("masuk"))
    csrf = r.cookies["csrftoken"]
    assert csrf["httponly"] is True
    client.post(reverse("masuk"), {"username": "ketua", "password": "sandi-uji-2026"})
    sesi = client.cookies["sessionid"]
    assert sesi["httponly"] is True
    # Ends when the browser closes: no Max-Age/Expires on the cookie.
    assert not sesi["max-age"] and not sesi["expires"]
    # On the server it ends after the idle time (8 hours by default).
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert 8 * 3600 - 60 <= client.session.get_expiry_age() <= 8 * 3600
    # The page reads the token from a meta tag, not the cookie.
    html = client.get(reverse("beranda")).content.decode()
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)


def test_an_idle_session_ends(client, dunia, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(dunia.user["ketua"])
    assert client.get(reverse("beranda")).status_code == 200
    # Idle for longer than the limit: the stored session has expired.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    r = client.get(reverse("beranda"))
    assert r.status_code == 302 and r.url.startswith(reverse("masuk"))


def test_activity_pushes_the_idle_limit_forward_without_a_write_per_request(
    client, dunia, django_assert_max_num_queries
):
    from django.contrib.sessions.models import Session

    client.force_login(dunia.user["ketua"])
    client.get(reverse("notifikasi"))
    sebelum = Session.objects.get().expire_date
    # A request within minutes of the last refresh does not write the session.
    with django_assert_max_num_queries(8) as q:
        client.get(reverse("notifikasi"))
    tulis = [x["sql"] for x in q.captured_queries if x["sql"].startswith("UPDATE")]
    assert not any("django_session" in x for x in tulis)
    # Five minutes later it does, and the expiry moves.
    s = client.session
    s["_segar"] -= 301
    s.save()
    client.get(reverse("notifikasi"))
    assert Session.objects.get().expire_date > sebelum


def test_pages_are_compressed_and_files_are_not(client, dunia):
    s, _ = _siapkan(dunia, 1)
    client.force_login(dunia.user["anggota1"])
    _raw(client, reverse("soal-unggah", args=[dunia.lembar.pk, s.pk]), cb.pdf("x" * 2000))
    r = client.get(reverse("pokja-soal", args=[dunia.pokja(1).pk]), HTTP_ACCEPT_ENCODING="gzip")
    assert r["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(r.content)
    versi = VersiDokumen.objects.exclude(kunci="").get()
    r = client.get(reverse("unduh", args=[versi.pk]), HTTP_ACCEPT_ENCODING="gzip")
    assert r.status_code == 200 and not r.has_header("Content-Encoding")
    assert b"".join(r.streaming_content).startswith(b"%PDF")
