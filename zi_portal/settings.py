"""Settings for ZI Portal, read from the environment (django-environ).

With nothing set, the portal runs on an embedded default: SQLite and local files under
``DATA_DIR`` (``var/`` beside this repository), console e-mail, a file-based cache and
Celery's filesystem broker. Each variable below is documented in ``.env.example``;
``tests/test_deploy.py`` checks that docker-compose.yml and .env.example only name
variables this module reads.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zi_portal.penyimpanan import penyimpanan_s3

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (never committed) may hold developer overrides.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

_DEV_SECRET = "dev-only-insecure-key-change-me"  # noqa: S105 - refused below when DEBUG is off
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY wajib diisi bila DEBUG=false.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "pokja",
    "eviden",
    "penilaian",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML and JSON compressed (never files: downloads keep their length and ranges).
    "zi_portal.middleware.KompresHalamanMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zi_portal.middleware.SesiMenganggurMiddleware",
    "zi_portal.middleware.BahasaMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves the collected static files itself (compressed, cache-busted names).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "zi_portal.urls"
WSGI_APPLICATION = "zi_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pokja.context_processors.navigasi",
                "eviden.context_processors.antrean",
                "penilaian.context_processors.tenggat",
            ],
            # One date format everywhere: {{ d|tanggal }}, {{ dt|waktu }}.
            "builtins": ["pokja.templatetags.portal"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection is checked before reuse, so after a database restart the next request
# reconnects instead of failing (no web process restart needed).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: take the write lock at BEGIN so concurrent writers wait instead
    # of failing with "database is locked" halfway through a transaction.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and login ------------------------------------------------------------------------
AUTH_USER_MODEL = "pokja.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "pokja.auth.UsernameAtauNipBackend",
]
LOGIN_URL = "masuk"
LOGIN_REDIRECT_URL = "beranda"
LOGOUT_REDIRECT_URL = "masuk"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lock-out (django-axes): failures per account, whatever identifier was typed (username or
# NIP resolve to one account), before the account is locked for LOGIN_JEDA_DETIK seconds. Not per
# address: an office behind one NAT or proxy shares it, and one person's typos must not lock out
# everyone. Attempts of one account are serialised (pokja.forms.MasukForm), so parallel guesses
# cannot all be checked before the count is written.
LOGIN_MAX_GAGAL = env.int("LOGIN_MAX_GAGAL", default=5)
LOGIN_JEDA_DETIK = env.int("LOGIN_JEDA_DETIK", default=900)
AXES_FAILURE_LIMIT = LOGIN_MAX_GAGAL
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_JEDA_DETIK)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "pokja.masuk.nama_akun"
AXES_CLIENT_IP_CALLABLE = "pokja.masuk.ip_klien"
AXES_LOCKOUT_CALLABLE = "pokja.masuk.respons_terkunci"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
# axes.W006 warns that without 'ip_address' a rotating User-Agent could dodge a limit keyed on
# (username, user agent). Ours is keyed on the account alone: every agent and address of one
# account shares one count (tests/test_masuk.py), so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# How many reverse proxies in front of the portal append to X-Forwarded-For. 0 (default): the
# header is ignored and the client address is REMOTE_ADDR; it can be forged by anyone.
PROXY_TEPERCAYA = env.int("PROXY_TEPERCAYA", default=0)

# Sessions end after SESI_MENGANGGUR_JAM hours without a request, and when the browser closes.
SESI_MENGANGGUR_JAM = env.int("SESI_MENGANGGUR_JAM", default=8)
SESSION_COOKIE_AGE = SESI_MENGANGGUR_JAM * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Not under DATA_DIR: the image collects static files at build time, and DATA_DIR (a volume) is
# another folder at run time.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded evidence is private: there is no MEDIA_URL route; files are served by views that
# check permissions (local storage) or by short-lived signed URLs (S3).

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = penyimpanan_s3(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
        region_name=env.str("AWS_S3_REGION_NAME", default="us-east-1"),
        addressing_style=env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
        querystring_expire=env.int("AWS_QUERYSTRING_EXPIRE", default=300),
    )
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Cache ---------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is down; redis-py reconnects by itself when it is back.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # File-based so that several local processes (web, worker) share it without a server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ZI Portal <noreply@zi-portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address as users reach it: links in e-mail and WhatsApp reminders start here.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Reminders over WhatsApp (penilaian/kanal/whatsapp.py) ------------------------------------
# Off unless WHATSAPP_GATEWAY=http: a token-authenticated POST of the recipient and the message,
# as the gateways Indonesian offices use (Fonnte: field "target"; Wablas: field "phone").
WHATSAPP_GATEWAY = env.str("WHATSAPP_GATEWAY", default="")
WHATSAPP_URL = env.str("WHATSAPP_URL", default="")
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")
WHATSAPP_FIELD_TUJUAN = env.str("WHATSAPP_FIELD_TUJUAN", default="target")
WHATSAPP_TIMEOUT = env.float("WHATSAPP_TIMEOUT", default=10.0)
# Attempts per delivery (e-mail and WhatsApp) before it is logged as failed.
PENGINGAT_MAKS_PERCOBAAN = env.int("PENGINGAT_MAKS_PERCOBAAN", default=5)
# Days an export file (PDF, LKE Excel, evidence ZIP) is kept before it expires; the history
# row stays.
EKSPOR_SIMPAN_HARI = env.int("EKSPOR_SIMPAN_HARI", default=7)

# PortalRB integration API (issue 11): requests per token per minute before 429, and how long
# the signed evidence links in ``bukti_dukung_unit`` stay valid.
PORTALRB_BATAS_PER_MENIT = env.int("PORTALRB_BATAS_PER_MENIT", default=60)
PORTALRB_TAUTAN_JAM = env.int("PORTALRB_TAUTAN_JAM", default=72)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request that enqueues while the broker is down gives up within about two seconds
# (zi_portal/antrean.py logs it; the outbox sweep sends later) instead of hanging.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Embedded broker for `make run`: a folder, no server (see README).
    _queue = DATA_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_queue / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "control_folder": str(_queue / "control"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
    }
    CELERY_BEAT_SCHEDULE_FILENAME = str(_queue / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Uploads interrupted by a killed worker leave their temporary file behind.
    "bersihkan-unggahan-sementara": {
        "task": "eviden.tasks.bersihkan_sementara",
        "schedule": 3600.0,
    },
    # Reminders (penilaian/pengingat.py): the daily sweep at 07.00 WIB, and the outbox every
    # five minutes (deliveries that could not be queued or failed and wait for a retry).
    "sapu-pengingat": {
        "task": "penilaian.tasks.sapu_pengingat",
        "schedule": crontab(hour=env.int("PENGINGAT_JAM", default=7), minute=0),
    },
    "kirim-tertunda": {
        "task": "penilaian.tasks.kirim_tertunda",
        "schedule": 300.0,
    },
    # Exports whose task was never queued, and expiry of old export files (penilaian/ekspor).
    "ekspor-tertunda": {
        "task": "penilaian.tasks.ekspor_tertunda",
        "schedule": 300.0,
    },
    # Each team's score once a day (00.30 WIB), for the dashboard's "score over time".
    "skor-harian": {
        "task": "penilaian.tasks.catat_skor_harian",
        "schedule": crontab(hour=0, minute=30),
    },
}

# Panels a later layer adds to an eviden page (eviden/panel.py): the Komponen Hasil page shows
# its values in points and the Hasil rules of the predicate verdict, computed by penilaian.
PANEL_HALAMAN = {"tim-hasil": ["penilaian.panel.panel_hasil"]}

# --- Security (production: DEBUG=false) -----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Scripts read the token from the page (<meta name="csrf-token">), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
# Only the portal's own files: no inline script, no eval, no third-party origin. Inline style
# attributes are not allowed either (widths are set by static/js/portal.js from data attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Each login attempt is in axes's own tables (admin); its log lines would only be noise.
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; only its warnings are worth a log line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- ZI Portal ------------------------------------------------------------------------------
# Largest evidence file accepted, in MB.
EVIDEN_MAKS_MB = env.int("EVIDEN_MAKS_MB", default=50)
# Where uploads are streamed before they are checked and moved to storage.
EVIDEN_TEMP_DIR = DATA_DIR / "tmp"
EVIDEN_TEMP_DIR.mkdir(parents=True, exist_ok=True)
# The LKE instrument file loaded by `manage.py muat_instrumen` when no path is given.
INSTRUMEN_DEFAULT = BASE_DIR / "eviden" / "instrumen" / "lke-zi-2026.json"
