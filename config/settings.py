"""Safe Childhood settings: one module, every value from the environment.

Defaults are safe for production (DEBUG off, no secret key, second factor on). Demo mode
(``SC_DEMO=1``, set by ``scripts/run``) is the only way to run without a secret key; it relaxes the
second factor and every page then shows a banner saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEMO_MODE = env_bool("SC_DEMO")
DEBUG = env_bool("DEBUG")
TESTING = env_bool("SC_TESTING")
VAR_DIR = Path(os.environ.get("SC_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO_MODE or TESTING:
        SECRET_KEY = "demo-only-secret-key-never-use-in-production-" + "x" * 20
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (50+ random characters) or SC_DEMO=1 for a demo."
        )

# Keys for narrative fields (case notes, disclosures, trust messages): comma-separated Fernet
# keys, newest first. Rotation: put a new key first, run `manage.py rotate_encryption_keys`,
# then drop the old one.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    if DEMO_MODE or TESTING:
        FIELD_ENCRYPTION_KEYS = ["ZGVtby1vbmx5LWtleS1kZW1vLW9ubHkta2V5LWRlbW8="]
    else:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set (comma-separated Fernet keys)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEMO_MODE or DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "safechildhood.ui",
    "safechildhood.audit",
    "safechildhood.geography",
    "safechildhood.directory",
    "safechildhood.accounts",
    "safechildhood.access",
    "safechildhood.people",
    "safechildhood.screening",
    "safechildhood.cases",
    "safechildhood.disclosures",
    "safechildhood.trustbox",
    "safechildhood.prevention",
    "safechildhood.statistics",
    "safechildhood.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safechildhood.accounts.middleware.ActorMiddleware",
    "safechildhood.ui.middleware.PolicyRefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safechildhood.ui.context.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Default: embedded SQLite in WAL mode with a busy timeout, so the web server and the task
# consumer share one file. Production: DATABASE_URL=postgres://...
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "safechildhood.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SC_TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Task queue and cache -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", default=TESTING)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "safechildhood",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "4")), "worker_type": "thread"},
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "safechildhood",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
    }
    # One host's web workers and task consumer share the cache through files (the progress
    # of an import, the rate limits); the tests run in one process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        } if TESTING else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Second factor (TOTP) for staff who see identified children. Demo mode relaxes it unless
# SC_REQUIRE_OTP=1; every page then carries a banner.
REQUIRE_OTP = env_bool("SC_REQUIRE_OTP", default=not DEMO_MODE)
OTP_TOTP_ISSUER = "Safe Childhood"

# Failed logins: 5 failures per username and address lock the pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "safechildhood.accounts.views.lockout"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# Sessions end after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security (production defaults; `manage.py check --deploy` is clean with them) ----------
SECURE_HTTPS = env_bool("SC_HTTPS", default=not (DEMO_MODE or DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SC_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is an operator's decision

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES", str(20 * 1024 * 1024)))

# Screening
# The centre's own instruments and operator-supplied texts (see screening/instruments/README.md).
SC_INSTRUMENTS_DIR = Path(os.environ["SC_INSTRUMENTS_DIR"]) if os.environ.get(
    "SC_INSTRUMENTS_DIR") else None
# Crisis alerts: an acute result must be acknowledged within this many hours; any other critical
# result by the end of the school day (or within ALERT_MIN_HOURS, whichever is later).
ALERT_ACUTE_HOURS = float(os.environ.get("SC_ALERT_ACUTE_HOURS", "2"))
ALERT_SCHOOL_DAY_END = os.environ.get("SC_ALERT_SCHOOL_DAY_END", "18:00")
ALERT_MIN_HOURS = float(os.environ.get("SC_ALERT_MIN_HOURS", "2"))
# Triage proposals below this level are shown to the school psychologist only.
TRIAGE_MIN_LEVEL = os.environ.get("SC_TRIAGE_MIN_LEVEL", "medium")
# Wrong answer codes allowed per network address in ten minutes before the code page pauses.
ANSWER_CODE_ATTEMPTS = int(os.environ.get("SC_ANSWER_CODE_ATTEMPTS", "30"))
EXPORT_DIR = VAR_DIR / "exports"

# Risk group and case management
# A case plan is reviewed at this interval (days) unless the plan says otherwise.
CASE_REVIEW_DAYS = int(os.environ.get("SC_CASE_REVIEW_DAYS", "30"))
# A referral step (accepted, attended, feedback) not recorded within this many days is overdue.
REFERRAL_STEP_DAYS = int(os.environ.get("SC_REFERRAL_STEP_DAYS", "14"))
# A case without any contact for this many days is listed on the head's overview.
CASE_NO_CONTACT_DAYS = int(os.environ.get("SC_CASE_NO_CONTACT_DAYS", "30"))

# Disclosures and police reports
# A police report must be sent within this many hours of the concern being recorded.
REPORT_DEADLINE_HOURS = float(os.environ.get("SC_REPORT_DEADLINE_HOURS", "24"))
# Police reports whose status has not changed for this many days are shown to the prosecutor.
OVERSIGHT_STALE_DAYS = int(os.environ.get("SC_OVERSIGHT_STALE_DAYS", "30"))

# The trust box: the longest message accepted, and messages accepted per hour from one
# (hashed, never stored) network address before the page asks the writer to wait.
TRUST_MESSAGE_MAX_CHARS = int(os.environ.get("SC_TRUST_MESSAGE_MAX_CHARS", "4000"))
TRUST_MESSAGES_PER_HOUR = int(os.environ.get("SC_TRUST_MESSAGES_PER_HOUR", "5"))
# Wrong reply codes allowed per hashed address in ten minutes before the reply page pauses.
TRUST_CODE_ATTEMPTS = int(os.environ.get("SC_TRUST_CODE_ATTEMPTS", "10"))

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "safechildhood.ui.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safe Childhood API",
    "DESCRIPTION": "Rosters in, indicators out. Every endpoint is scoped by the access policy.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and its docs page are for the programme's integrations: signed-in callers only.
    "SERVE_PERMISSIONS": ["safechildhood.ui.api.ActorPermission"],
    # One name per choice set where several fields share a name ("status").
    "ENUM_NAME_OVERRIDES": {
        "PupilStatusEnum": "safechildhood.people.models.Pupil.Status",
        "PupilListStatusEnum": "safechildhood.people.serializers.PUPIL_LIST_STATUSES",
        "RosterImportStatusEnum": "safechildhood.people.models.RosterImport.Status",
        "ConsentDecisionEnum": "safechildhood.people.models.Consent.Decision",
    },
}

# --- Logging: identifiers only, never names, IINs or narratives -----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs may carry query strings with search terms (names): keep them out.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Programme parameters.
SITE_NAME = _("Safe Childhood")
DEMO_BANNER = DEMO_MODE and not REQUIRE_OTP
