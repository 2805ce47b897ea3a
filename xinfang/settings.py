"""Django settings for xinfang.

Every setting that differs between machines comes from a typed environment variable; a bad value stops the
process at start-up with a message naming the variable, rather than surfacing later as odd behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# Lets typed subclasses such as ``forms.ModelForm[Unit]`` work at run time, not only under mypy.
django_stubs_ext.monkeypatch()


class SettingsError(RuntimeError):
    """Raised at start-up when an environment variable cannot be used."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r}: expected an integer") from exc
    if value < minimum:
        raise SettingsError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("XINFANG_DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"  # noqa: S105 - dev default only
SECRET_KEY = os.environ.get("XINFANG_SECRET_KEY", "") or (_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise SettingsError("XINFANG_SECRET_KEY must be set when XINFANG_DEBUG is off")
ALLOWED_HOSTS = env_list("XINFANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served by the app: no CDN (offline intranets)
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.deadlines",
    "xinfang.petitions",
    "xinfang.insight",
    "xinfang.documents",
    "xinfang.notify",
    "xinfang.supervision",
    "xinfang.reception",
    "xinfang.casework",
    "xinfang.joint",
    "xinfang.portal",
    "xinfang.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinfang.urls"
WSGI_APPLICATION = "xinfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL is production and CI. SQLite runs IMMEDIATE transactions so
# that concurrent writers queue on the lock instead of failing when they upgrade a read lock (编号 sequence).
DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("XINFANG_DB_CONN_MAX_AGE", 0))
except Exception as exc:  # dj-database-url raises several types for a malformed URL
    raise SettingsError(f"DATABASE_URL={DATABASE_URL!r}: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# zh-Hans is the default language; English is the second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "xinfang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:inbox"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(os.environ.get("XINFANG_MEDIA_ROOT", "") or BASE_DIR / "var" / "media")
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xinfang.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_submit": os.environ.get("XINFANG_THROTTLE_SUBMIT", "30/hour"),
        "public_track": os.environ.get("XINFANG_THROTTLE_TRACK", "120/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "xinfang API",
    "DESCRIPTION": "信访事项 handling under the 信访工作条例 (2022): intake, routing, clocks, review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClockKindEnum": "xinfang.deadlines.rules.ClockKind",
        "DocumentKindEnum": "xinfang.petitions.models.DocumentKind",
        "DayKindEnum": ["calendar", "working"],
        "AgreementKindEnum": [("mediation", "mediation"), ("settlement", "settlement")],
    },
}

# Cache: local memory in the embedded default; throttling and holiday overrides use it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "WARNING")},
}

# --- Domain configuration (local practice layered over the statutory rules; never replacing them) ---
# 临期: a clock is "due soon" this many days before its due date.
XINFANG_DUE_SOON_DAYS = env_int("XINFANG_DUE_SOON_DAYS", 3)
# 简易办理 limit in working days (2016 rules used 10).
XINFANG_SIMPLE_HANDLING_WORKING_DAYS = env_int("XINFANG_SIMPLE_HANDLING_WORKING_DAYS", 10, minimum=1)
# Rating window (days after the written reply is served); not fixed by the regulation, so configurable.
XINFANG_RATING_WINDOW_DAYS = env_int("XINFANG_RATING_WINDOW_DAYS", 30, minimum=1)
# Default period for a 交办 feedback (办结报告) when the assigning unit sets none.
XINFANG_ASSIGN_FEEDBACK_DAYS = env_int("XINFANG_ASSIGN_FEEDBACK_DAYS", 60, minimum=1)
# Attachments.
XINFANG_ATTACHMENT_MAX_BYTES = env_int("XINFANG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
XINFANG_ATTACHMENT_MAX_COUNT = env_int("XINFANG_ATTACHMENT_MAX_COUNT", 10, minimum=1)
XINFANG_ATTACHMENT_TYPES = env_list(
    "XINFANG_ATTACHMENT_TYPES",
    ["pdf", "jpg", "jpeg", "png", "doc", "docx", "txt", "mp3", "mp4"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = XINFANG_ATTACHMENT_MAX_BYTES + 1024 * 1024

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("XINFANG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("XINFANG_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
