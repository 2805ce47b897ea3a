"""Django settings for xinfang.

Every setting that differs between machines comes from a typed environment variable; a bad value stops the
process at start-up with a message naming the variable, rather than surfacing later as odd behaviour.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
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


def _dev_derived(purpose: str) -> bytes:
    """A development-only key derived from SECRET_KEY, so `make run` works with no setup (never used with DEBUG off)."""
    import hashlib

    return hashlib.sha256(f"xinfang-{purpose}:{SECRET_KEY}".encode()).digest()


# Personal data at rest (xinfang.core.crypto): Fernet keys, comma-separated; the first encrypts, all decrypt
# (rotation: put the new key first, run `manage.py rotate_field_keys`, then drop the old key).
FIELD_ENCRYPTION_KEYS = env_list("XINFANG_FIELD_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise SettingsError(
            "XINFANG_FIELD_KEYS must be set when XINFANG_DEBUG is off (comma-separated Fernet keys; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
        )
    import base64

    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_dev_derived("field-key")).decode()]
else:
    from cryptography.fernet import Fernet as _Fernet

    for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
        try:
            _Fernet(_key.encode())
        except ValueError as _exc:
            raise SettingsError(
                f"XINFANG_FIELD_KEYS: key number {_position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from _exc
# Keyed hash (HMAC-SHA256) of phone numbers and 身份证号 for exact search; changing it needs a re-hash of every row.
FIELD_HASH_KEY = os.environ.get("XINFANG_HASH_KEY", "") or (_dev_derived("hash-key").hex() if DEBUG else "")
if not FIELD_HASH_KEY:
    raise SettingsError("XINFANG_HASH_KEY must be set when XINFANG_DEBUG is off (at least 32 random characters)")
if len(FIELD_HASH_KEY) < 32:
    raise SettingsError("XINFANG_HASH_KEY must have at least 32 characters")

ALLOWED_HOSTS = env_list("XINFANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    # django.contrib.admin whose site asks for a verified second factor (xinfang.core.admin_site).
    "xinfang.core.admin_apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens stored as digests, with an expiry (xinfang.core.auth)
    "axes",  # login throttling and lockout (workbench, admin, API token); admin unlock under "Axes"
    # Second factor for staff (xinfang.core.twofactor): TOTP authenticator apps and one-time backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "xinfang.instructions",  # 领导阅批: leaders' mailboxes and instructions (Art. 18)
    "xinfang.stats",
    "xinfang.assessment",  # 考核 (Art. 39) and 专项工作 campaigns
    "xinfang.reports",  # monthly 分析研判 and the Art. 41 annual report
    "xinfang.search",  # full-text search documents (PostgreSQL tsvector + GIN, SQLite FTS5)
    "xinfang.proposals",  # 人民建议征集 (Art. 29 ¶2)
    "xinfang.portal",
    "xinfang.workbench",
    "xinfang.demo",  # manage.py load_demo: on top of every app, calls each one's demo module
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xinfang.core.csp.ContentSecurityPolicyMiddleware",  # XINFANG_CSP on every HTML page
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor was given this session
    "xinfang.core.twofactor.TwoFactorMiddleware",  # XINFANG_2FA_REQUIRED_ROLES: no workbench or API before it
    "xinfang.stats.routers.FiguresReadMiddleware",  # figures read their rollups from DATABASE_REPLICA_URL if set
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the lockout flag the login views leave on the request (django-axes).
    "axes.middleware.AxesMiddleware",
]
# Size of a request body refused from its Content-Length header before the body is read (413).
MIDDLEWARE.insert(0, "xinfang.core.limits.RequestSizeMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out client before the password is checked
    "django.contrib.auth.backends.ModelBackend",
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
    # Persistent connections in production (each gunicorn worker keeps one; checked before reuse), none when
    # debugging (runserver opens a thread per request).
    _db = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("XINFANG_DB_CONN_MAX_AGE", 0 if DEBUG else 600),
        conn_health_checks=True,
    )
except Exception as exc:  # dj-database-url raises several types for a malformed URL
    raise SettingsError(f"DATABASE_URL={DATABASE_URL!r}: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DATABASES = {"default": _db}
# PostgreSQL: public submission prepares its statements on the server (xinfang.core.prepared); off behind a pooler
# that cannot keep them (PgBouncer in transaction mode before 1.21).
XINFANG_DB_PREPARED = env_bool("XINFANG_DB_PREPARED", True)
# A read replica for the dashboards (e.g. a PostgreSQL streaming replica): the figures pages and the statistics API
# read their rollups there (xinfang/stats/routers.py); everything else uses the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=env_int("XINFANG_DB_CONN_MAX_AGE", 0)
        )
    except Exception as exc:  # dj-database-url raises several types for a malformed URL
        raise SettingsError(f"DATABASE_REPLICA_URL={DATABASE_REPLICA_URL!r}: {exc}") from exc
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # under test the replica is the primary
DATABASE_ROUTERS = ["xinfang.stats.routers.ReplicaRouter"]
# StatDaily's index INCLUDEs the summed columns on PostgreSQL (index-only reads of the figures); SQLite, the embedded
# default, builds the same index without them, which is all models.W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
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
STATIC_ROOT = Path(os.environ.get("XINFANG_STATIC_ROOT", "") or BASE_DIR / "var" / "static")
# In production the collected files carry a content hash in their names (app.3f2a….css), so nginx can let browsers
# cache them for a year and a new release is still fetched at once; `collectstatic` must run before start-up.
if env_bool("XINFANG_STATIC_MANIFEST", not DEBUG):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
MEDIA_ROOT = Path(os.environ.get("XINFANG_MEDIA_ROOT", "") or BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
# Behind nginx: the internal location that maps to MEDIA_ROOT (e.g. "/_protected/media/"). When set, a file
# download answers, after the visibility check, with an empty body and ``X-Accel-Redirect`` so that nginx sends
# the file; empty (the default) streams it from Python. See deploy/nginx/xinfang.conf.
XINFANG_ACCEL_REDIRECT_PREFIX = os.environ.get("XINFANG_ACCEL_REDIRECT_PREFIX", "").strip()
if XINFANG_ACCEL_REDIRECT_PREFIX and not (
    XINFANG_ACCEL_REDIRECT_PREFIX.startswith("/") and XINFANG_ACCEL_REDIRECT_PREFIX.endswith("/")
):
    raise SettingsError(
        f"XINFANG_ACCEL_REDIRECT_PREFIX={XINFANG_ACCEL_REDIRECT_PREFIX!r}: expected a path that starts and ends with /"
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xinfang.core.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "xinfang.core.schema.XinfangAutoSchema",  # error answers, hand-made pagination
    "EXCEPTION_HANDLER": "xinfang.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_submit": os.environ.get("XINFANG_THROTTLE_SUBMIT", "30/hour"),
        "public_track": os.environ.get("XINFANG_THROTTLE_TRACK", "120/hour"),
    },
    # JSON bodies: nesting depth and string length limited before any view sees them (400 naming the field).
    "DEFAULT_PARSER_CLASSES": [
        "xinfang.core.limits.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}

# API tokens (django-rest-knox, ``Authorization: Token …``): only a digest is stored; a token expires this many hours
# after it was issued (a new one is requested with the password); ``POST /api/v1/auth/logout/`` revokes one at once.
XINFANG_TOKEN_TTL_HOURS = env_int("XINFANG_TOKEN_TTL_HOURS", 10, minimum=1)
XINFANG_TOKEN_TTL = timedelta(hours=XINFANG_TOKEN_TTL_HOURS)
REST_KNOX = {"TOKEN_TTL": XINFANG_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token"}

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
        "SatisfactionEnum": "xinfang.petitions.models.Satisfaction",
        "AgendaKindEnum": "xinfang.joint.models.AgendaKind",
        "TriageKindEnum": "xinfang.joint.models.TriageKind",
        "VisitOutcomeEnum": "xinfang.joint.models.VisitOutcome",
        "CaseKindEnum": "xinfang.casework.models.CaseKind",
        "AdjustmentKindEnum": "xinfang.assessment.models.AdjustmentKind",
        "ScoringRuleEnum": "xinfang.assessment.models.ScoringRule",
        "PetitionerViewEnum": "xinfang.assessment.models.PetitionerView",
        "SiteKindEnum": "xinfang.reception.models.SiteKind",
        "RecommendationKindEnum": "xinfang.supervision.models.RecommendationKind",
        "CaseEventKindEnum": "xinfang.casework.models.CaseEventKind",
        "ReceptionOutcomeEnum": "xinfang.reception.models.Outcome",
        "PetitionOutcomeEnum": "xinfang.petitions.models.Outcome",
        "ResolutionEnum": "xinfang.casework.models.Resolution",
        "BookingStatusEnum": "xinfang.reception.models.BookingStatus",
        "InvitationStatusEnum": "xinfang.reception.models.InvitationStatus",
        "SessionStatusEnum": "xinfang.reception.models.SessionStatus",
        "FieldVisitStatusEnum": "xinfang.reception.models.FieldVisitStatus",
        "MediationStatusEnum": "xinfang.joint.models.MediationStatus",
        "OrderStatusEnum": "xinfang.supervision.models.OrderStatus",
        "CaseStatusEnum": "xinfang.casework.models.CaseStatus",
        "NotificationStatusEnum": "xinfang.notify.models.Status",
        "UnitLevelEnum": "xinfang.orgs.models.Level",
        "WarningLevelEnum": "xinfang.supervision.models.WarningLevel",
        "ProposalStateEnum": "xinfang.proposals.workflow.State",
        "ProposalOutcomeEnum": "xinfang.proposals.workflow.Outcome",
        "ProposalClockKindEnum": "xinfang.proposals.models.ClockKind",
        "PetitionStateEnum": "xinfang.petitions.workflow.State",
        "InstructionStatusEnum": "xinfang.instructions.models.InstructionStatus",
        "CommendationKindEnum": "xinfang.proposals.workflow.CommendationKind",
        "ReportKindEnum": "xinfang.reports.models.ReportKind",
        "ReportStatusEnum": "xinfang.reports.models.ReportStatus",
        "SchemeStatusEnum": "xinfang.assessment.models.SchemeStatus",
        "ContestStatusEnum": "xinfang.assessment.models.ContestStatus",
        # The petition's nature keeps its name; a converted proposal's two natures get their own enum.
        "NatureEnum": "xinfang.petitions.models.Nature",
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
# The province's own 信访条例, cited next to the national one where it adds a rule (e.g. 责令重新作出). Unset: only
# the national 条例 is cited. XINFANG_LOCAL_REGULATION="山东省信访条例", XINFANG_LOCAL_ARTICLES="order_redo=Art. 45".
XINFANG_LOCAL_REGULATION = os.environ.get("XINFANG_LOCAL_REGULATION", "").strip().strip("《》")


def _local_articles(name: str) -> dict[str, str]:
    articles: dict[str, str] = {}
    for item in env_list(name, []):
        key, sep, code = (part.strip() for part in item.partition("="))
        if not sep or not re.fullmatch(r"[a-z_]+", key) or not re.fullmatch(r"Art\. \d+( ¶\d+)?(\(\d+\))*", code):
            raise SettingsError(f"{name}: {item!r}: expected provision=Art. N (e.g. order_redo=Art. 45)")
        articles[key] = code
    if articles and not XINFANG_LOCAL_REGULATION:
        raise SettingsError(f"{name} is set but XINFANG_LOCAL_REGULATION (the regulation's name) is not")
    return articles


XINFANG_LOCAL_ARTICLES = _local_articles("XINFANG_LOCAL_ARTICLES")
# Attachments.
XINFANG_ATTACHMENT_MAX_BYTES = env_int("XINFANG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
XINFANG_ATTACHMENT_MAX_COUNT = env_int("XINFANG_ATTACHMENT_MAX_COUNT", 10, minimum=1)
XINFANG_ATTACHMENT_TYPES = env_list(
    "XINFANG_ATTACHMENT_TYPES",
    ["pdf", "jpg", "jpeg", "png", "doc", "docx", "txt", "mp3", "mp4"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = XINFANG_ATTACHMENT_MAX_BYTES + 1024 * 1024
# A request whose Content-Length is above this is refused (413) before its body is read. The default admits a few
# full-size attachments in one upload; keep nginx's client_max_body_size at the same value.
XINFANG_REQUEST_MAX_BYTES = env_int("XINFANG_REQUEST_MAX_BYTES", 3 * XINFANG_ATTACHMENT_MAX_BYTES, minimum=1024)
# JSON request bodies: deepest nesting of objects/arrays, and longest single string (characters).
XINFANG_JSON_MAX_DEPTH = env_int("XINFANG_JSON_MAX_DEPTH", 20, minimum=2)
XINFANG_JSON_MAX_STRING = env_int("XINFANG_JSON_MAX_STRING", 20000, minimum=100)

# Content-Security-Policy of every HTML page (xinfang.core.csp): scripts and styles from this site's files only —
# no inline <script>, on…= handler or style attribute runs —, no plug-ins, no framing, forms post here only.
XINFANG_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

# --- Abuse limits ---
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma-separated; none by default,
# so the peer address counts). Set it to the nginx in front, e.g. 127.0.0.1 — see docs/deployment.md.
XINFANG_TRUSTED_PROXIES = env_list("XINFANG_TRUSTED_PROXIES", [])
try:
    import ipaddress as _ipaddress

    for _proxy in XINFANG_TRUSTED_PROXIES:
        _ipaddress.ip_network(_proxy, strict=False)
except ValueError as exc:
    raise SettingsError(f"XINFANG_TRUSTED_PROXIES: {exc}") from exc
# Wrong 查询码 per 编号 (from any address) before the number is held for the rest of the window.
XINFANG_TRACK_FAILURES_PER_NUMBER = env_int("XINFANG_TRACK_FAILURES_PER_NUMBER", 10, minimum=1)
XINFANG_TRACK_FAILURE_WINDOW_SECONDS = env_int("XINFANG_TRACK_FAILURE_WINDOW_SECONDS", 3600, minimum=1)
# Login lockout (django-axes): failed logins per client address and per user name before a lock, and how long it
# lasts. An admin unlocks at once under Admin → Axes → Access attempts (delete the rows) or `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env_int("XINFANG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("XINFANG_LOGIN_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "xinfang.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "xinfang.core.limits.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("XINFANG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("XINFANG_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Second factor for staff (xinfang.core.twofactor; django-otp) ---
# Staff holding any of these roles (orgs.Role values, comma-separated) must set up an authenticator app and give a
# code after the password before any workbench page or API call; the token endpoint wants ``otp`` too. Staff who set
# one up of their own accord are asked for it as well. Default: "admin" in production, none with XINFANG_DEBUG on
# (the demo), so the demo accounts sign in with the password alone. See docs/deployment.md.
XINFANG_2FA_REQUIRED_ROLES = env_list("XINFANG_2FA_REQUIRED_ROLES", [] if DEBUG else ["admin"])
_KNOWN_ROLES = {"registrar", "handler", "head", "supervisor", "leader", "analyst", "admin"}  # orgs.models.Role
if _unknown_roles := sorted(set(XINFANG_2FA_REQUIRED_ROLES) - _KNOWN_ROLES):
    raise SettingsError(
        f"XINFANG_2FA_REQUIRED_ROLES: unknown role(s) {', '.join(_unknown_roles)}; "
        f"known: {', '.join(sorted(_KNOWN_ROLES))}"
    )
# The Django admin (/admin/) lets in only a session verified by a second factor: on in production, off with
# XINFANG_DEBUG on (the demo's admin account signs in with its password; the test suite switches it off too).
XINFANG_2FA_ADMIN = env_bool("XINFANG_2FA_ADMIN", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("XINFANG_2FA_ISSUER", "").strip() or "xinfang"  # the name shown in the app
# The admin shows no TOTP key nor QR code of an enrolled device (django-otp shows them by default).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Background jobs (Celery + Redis) and notifications ---
# With XINFANG_REDIS_URL (e.g. redis://127.0.0.1:6379/0) tasks go to Redis and run on `celery -A xinfang worker`,
# periodic jobs are sent by `celery -A xinfang beat`. Without it (the embedded default) tasks run eagerly,
# in-process, and `manage.py jobs loop` (started by `make run`) runs the periodic jobs. XINFANG_CELERY_EAGER
# overrides the choice (CI sets it to 1 so the suite runs eagerly while the real-worker test uses Redis).
XINFANG_REDIS_URL = os.environ.get("XINFANG_REDIS_URL", "").strip()
CELERY_BROKER_URL = XINFANG_REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = XINFANG_REDIS_URL or None
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ALWAYS_EAGER = env_bool("XINFANG_CELERY_EAGER", not XINFANG_REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE  # crontab schedules are in Asia/Shanghai
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Embedded scheduler (`manage.py jobs loop`): seconds between checks for due jobs.
XINFANG_JOBS_LOOP_SECONDS = env_int("XINFANG_JOBS_LOOP_SECONDS", 30, minimum=1)

# Notification channels that send (in-app rows are always written): any of inapp, email, sms.
XINFANG_NOTIFY_CHANNELS = env_list("XINFANG_NOTIFY_CHANNELS", ["inapp", "email", "sms"])
# SMS gateway: dotted path to a class with send(phone, text) that raises on failure. Default: log only.
XINFANG_SMS_GATEWAY = os.environ.get("XINFANG_SMS_GATEWAY", "") or "xinfang.notify.channels.ConsoleSmsGateway"
# Delivery attempts per e-mail/SMS before it is recorded as failed; the delay doubles from the base each time.
XINFANG_NOTIFY_MAX_ATTEMPTS = env_int("XINFANG_NOTIFY_MAX_ATTEMPTS", 4, minimum=1)
XINFANG_NOTIFY_RETRY_SECONDS = env_int("XINFANG_NOTIFY_RETRY_SECONDS", 60, minimum=0)
# Messages to one petitioner's phone, e-mail or account per day; more are logged as failed ("capped"), not sent.
XINFANG_PETITIONER_DAILY_CAP = env_int("XINFANG_PETITIONER_DAILY_CAP", 10, minimum=1)
# The petitioner is reminded this many days before the rating period closes (once per petition).
XINFANG_RATING_REMINDER_DAYS = env_int("XINFANG_RATING_REMINDER_DAYS", 3, minimum=0)
# Prefix for relative links in e-mail and SMS (e.g. https://xinfang.example.gov.cn).
XINFANG_SITE_URL = os.environ.get("XINFANG_SITE_URL", "").strip()
# E-mail: printed to the console in development; SMTP otherwise (or any backend by dotted path).
EMAIL_BACKEND = os.environ.get("XINFANG_EMAIL_BACKEND", "") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("XINFANG_EMAIL_HOST", "") or "localhost"
EMAIL_PORT = env_int("XINFANG_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("XINFANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("XINFANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("XINFANG_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("XINFANG_EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("XINFANG_EMAIL_FROM", "") or "xinfang@localhost"
