"""Shared fixtures: the LKE instrument, a team with one persona per role, an outsider.

Personas (all with password ``factories.SANDI``): ``kepala``, ``ketua``, ``sekretaris``,
``kasubbag``, ``koordinator1``/``anggota1`` (Pokja I), ``sekpokja2`` (sekretaris Pokja II),
``anggota2`` (Pokja II) and ``luar`` (coordinator in another satker's team).
"""

import os
import urllib.parse
from dataclasses import dataclass

import pytest
from django.conf import settings

from eviden.instrumen import baca_berkas, muat_instrumen
from eviden.services import siapkan_tim
from pokja.models import Peran, Satker
from pokja.services import tetapkan_anggota
from zi_portal.penyimpanan import penyimpanan_s3

from .alat import Relai, pool_baru, wajib_layanan
from .factories import SatkerFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium; Playwright's own browser download is not available here.
    return {
        **browser_type_launch_args,
        "headless": True,
        "args": CHROMIUM_ARGS,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
    }


@pytest.fixture(autouse=True)
def _hasher_cepat(settings):
    # Hashing with the production hasher costs ~0.3 s per user; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _bahasa_bawaan():
    # Every test starts in the portal's language (Indonesian), whatever an earlier test in
    # the same thread activated.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _cache_bersih():
    # Login throttling counts live in the cache (Redis under `make test`); start clean.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def penyimpanan_lokal(settings, tmp_path):
    """Each test stores evidence (and streams uploads) in its own folders, so a test can
    check that nothing was left behind."""
    media, sementara = tmp_path / "media", tmp_path / "tmp"
    media.mkdir()
    sementara.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    settings.EVIDEN_TEMP_DIR = str(sementara)
    return media


def penyimpanan_s3_uji(**ganti):
    """STORAGES["default"] for the test server, made by the function settings.py uses for the
    production S3 branch (zi_portal.penyimpanan)."""
    opsi = {
        "bucket": os.environ["S3_UJI_BUCKET"],
        "endpoint_url": os.environ["S3_UJI_ENDPOINT"],
        "access_key": os.environ["S3_UJI_ACCESS_KEY"],
        "secret_key": os.environ["S3_UJI_SECRET_KEY"],
    }
    return penyimpanan_s3(**{**opsi, **ganti})


def opsi_s3(**ganti):
    return penyimpanan_s3_uji(**ganti)["OPTIONS"]


@pytest.fixture
def s3_storage(settings, penyimpanan_lokal):
    """`default_storage` switched to S3Storage on the real test server (SeaweedFS, started by
    `.ci/layanan up`). Skips without S3_UJI_ENDPOINT, fails under CI. Django resets
    `default_storage` itself when STORAGES changes (and again when it is restored)."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    if not os.environ.get("S3_UJI_ENDPOINT"):
        if os.environ.get("CI"):
            pytest.fail("CI tanpa S3: S3_UJI_ENDPOINT kosong; jalankan lewat `make test`.")
        pytest.skip("butuh server S3 dari `.ci/layanan up` (S3_UJI_ENDPOINT)")
    settings.STORAGES = {**settings.STORAGES, "default": penyimpanan_s3_uji()}
    assert isinstance(default_storage, S3Storage)
    return default_storage


@pytest.fixture
def instrumen(db):
    return muat_instrumen(data=baca_berkas(settings.INSTRUMEN_DEFAULT)).instrumen


PERSONA = {
    "kepala": (Peran.KEPALA_KANTOR, None),
    "ketua": (Peran.KETUA_TIM, None),
    "sekretaris": (Peran.SEKRETARIS_TIM, None),
    "kasubbag": (Peran.KASUBBAG_TU, None),
    "koordinator1": (Peran.KOORDINATOR_POKJA, 1),
    "anggota1": (Peran.ANGGOTA_POKJA, 1),
    "sekpokja2": (Peran.SEKRETARIS_POKJA, 2),
    "anggota2": (Peran.ANGGOTA_POKJA, 2),
}


@dataclass
class Dunia:
    tim: object
    tim_luar: object
    user: dict

    def pokja(self, area):
        return self.tim.pokja.get(area=area)

    @property
    def lembar(self):
        """The team's worksheet: soal URLs are ``lke/<lembar>/soal/<soal>/…``."""
        return self.tim.lembar_kerja


@pytest.fixture
def dunia(instrumen):
    """A Kankemenag team with one persona per role, and an outsider in another team."""
    kanwil = SatkerFactory(kode="KANWIL-UJI", nama="Kanwil Uji", jenis=Satker.Jenis.KANWIL)
    satker = SatkerFactory(kode="KANKEMENAG-UJI", nama="Kankemenag Kota Uji", induk=kanwil)
    lain = SatkerFactory(kode="KANKEMENAG-LAIN", nama="Kankemenag Kabupaten Lain", induk=kanwil)
    tim = siapkan_tim(satker=satker, tahun=2026, target_predikat="WBK", instrumen=instrumen)
    tim_luar = siapkan_tim(satker=lain, tahun=2026, target_predikat="WBK", instrumen=instrumen)
    users = {}
    for username, (peran, area) in PERSONA.items():
        users[username] = UserFactory(username=username)
        pokja = tim.pokja.get(area=area) if area else None
        tetapkan_anggota(tim=tim, user=users[username], peran=peran, pokja=pokja)
    users["luar"] = UserFactory(username="luar")
    tetapkan_anggota(
        tim=tim_luar,
        user=users["luar"],
        peran=Peran.KOORDINATOR_POKJA,
        pokja=tim_luar.pokja.get(area=1),
    )
    return Dunia(tim=tim, tim_luar=tim_luar, user=users)


@dataclass
class Atas:
    """The level above ``dunia`` (issue 11): its Kanwil, a Kanwil admin, assessors with grants
    and the team's frozen PMPZI submission. ``user`` keys: "admin_kanwil" (admin of
    KANWIL-UJI), "tpp" (TPP, pendahuluan, grant in force), "tpi" (TPI, grant in force),
    "tpp_lewat" (TPP grant whose window has ended), "tpp_lain" (TPP grant in force for the
    other satker, ``dunia.tim_luar``), "admin_lain" (admin of another Kanwil)."""

    dunia: object
    kanwil: object
    pengajuan: object
    user: dict
    penugasan: dict

    @property
    def tim(self):
        return self.dunia.tim


@pytest.fixture
def atas(dunia):
    from datetime import timedelta

    from django.utils import timezone

    from penilaian.models import Tahapan
    from penilaian.services import ajukan
    from pokja.models import Lapisan
    from pokja.services import beri_penugasan, tetapkan_admin_kanwil

    kanwil = dunia.tim.satker.induk
    kanwil_lain = SatkerFactory(kode="KANWIL-LAIN", nama="Kanwil Lain", jenis=Satker.Jenis.KANWIL)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    users = {
        n: UserFactory(username=n)
        for n in ("admin_kanwil", "tpp", "tpi", "tpp_lewat", "tpp_lain", "admin_lain")
    }
    tetapkan_admin_kanwil(user=users["admin_kanwil"], kanwil=kanwil, oleh=root)
    tetapkan_admin_kanwil(user=users["admin_lain"], kanwil=kanwil_lain, oleh=root)
    sekarang = timezone.now()
    jendela = {"mulai": sekarang - timedelta(days=1), "selesai": sekarang + timedelta(days=30)}
    lewat = {"mulai": sekarang - timedelta(days=30), "selesai": sekarang - timedelta(days=1)}
    penugasan = {}
    for nama, lapisan, tahapan, satker, waktu in (
        ("tpp", Lapisan.TPP, "pendahuluan", dunia.tim.satker, jendela),
        ("tpi", Lapisan.TPI, "tpi", dunia.tim.satker, jendela),
        ("tpp_lewat", Lapisan.TPP, "pendahuluan", dunia.tim.satker, lewat),
        ("tpp_lain", Lapisan.TPP, "pendahuluan", dunia.tim_luar.satker, jendela),
    ):
        penugasan[nama] = beri_penugasan(
            oleh=users["admin_kanwil"],
            user=users[nama],
            lapisan=lapisan,
            satker=satker,
            tahun=dunia.tim.tahun,
            tahapan=tahapan,
            **waktu,
        )
    mandiri = Tahapan.objects.get(tim=dunia.tim, jenis="mandiri")
    pengajuan = ajukan(tahapan=mandiri, user=dunia.user["ketua"], alasan_terlambat="uji")
    ajukan(
        tahapan=Tahapan.objects.get(tim=dunia.tim_luar, jenis="mandiri"),
        user=root,
        alasan_terlambat="uji",
    )
    users["root"] = root
    return Atas(dunia=dunia, kanwil=kanwil, pengajuan=pengajuan, user=users, penugasan=penugasan)


class _KotakSurat:
    """What a local aiosmtpd server received."""

    def __init__(self):
        self.surat = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.surat.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on loopback, and Django's mail pointed at it."""
    from aiosmtpd.controller import Controller

    from .alat import port_bebas

    port = port_bebas()
    kotak = _KotakSurat()
    ctl = Controller(kotak, hostname="127.0.0.1", port=port)
    ctl.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield kotak
    ctl.stop()


@pytest.fixture
def gateway(settings):
    """A WhatsApp gateway on loopback (tests/alat.Gateway), with the portal pointed at it."""
    from .alat import TOKEN_GATEWAY, Gateway

    gw = Gateway()
    settings.WHATSAPP_GATEWAY = "http"
    settings.WHATSAPP_URL = gw.url
    settings.WHATSAPP_TOKEN = TOKEN_GATEWAY
    settings.WHATSAPP_FIELD_TUJUAN = "target"
    settings.WHATSAPP_TIMEOUT = 5.0
    yield gw
    gw.tutup()


@pytest.fixture(scope="module")
def broker():
    """The Celery broker (the test Redis) behind a relay, and a real worker on it."""
    wajib_layanan()
    from celery.contrib.testing.worker import start_worker

    from zi_portal.celery import app

    asli, asli_env = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    url = urllib.parse.urlsplit(asli)
    relai = Relai((url.hostname, url.port or 6379))
    lewat_relai = url._replace(netloc=f"127.0.0.1:{relai.port}").geturl()
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    os.environ["CELERY_BROKER_URL"] = app.conf.broker_url = lewat_relai
    pool_baru(app)
    assert app.connection_for_write().as_uri().endswith(f":{relai.port}/{url.path.strip('/')}")
    app.control.purge()  # nothing left over from an earlier run
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield relai
    finally:
        relai.putus()
        app.conf.broker_url = asli
        if asli_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = asli_env
        pool_baru(app)
