"""Settings, read from the environment (django-environ). Defaults are safe for development only."""

from __future__ import annotations

import os
from pathlib import Path

import environ

from apps.stock.beat import STOCK_BEAT_SCHEDULE  # plain data: Celery schedules, no Django models
from kugelpos.installation_secrets import installation_secret

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# Issue #20 (secrets): SECRET_KEY and PUBSUB_NOTIFY_API_KEY come from the environment, else are generated on first
# start and kept under SECRETS_DIR (mode 0600; a restart keeps tokens valid). A published development value is
# refused at start-up, whatever PRODUCTION says (kugelpos.installation_secrets).
SECRETS_DIR = Path(env.str("SECRETS_DIR", default=str(BASE_DIR / "var" / "secrets")))
SECRET_KEY = installation_secret("SECRET_KEY", environ=os.environ, directory=SECRETS_DIR)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])

# --- applications -----------------------------------------------------------------------------------------
# Public schema: the tenant registry and what must be found before a tenant is known.
SHARED_APPS = [
    "django_tenants",
    "kugelpos.apps.ProjectConfig",  # loads the Celery app (no models)
    "apps.core",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from our static files (API docs work offline)
    "import_export",
    "channels",
]
# Every tenant schema: everything a tenant owns.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "apps.account",
    "apps.masterdata",
    "apps.journal",
    "apps.terminal",
    "apps.stock",
    "apps.cart",
    "apps.report",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "core.Tenant"
TENANT_DOMAIN_MODEL = "core.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New tenants are cloned from a migrated template schema instead of replaying every migration.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Issue `SET search_path` once per tenant switch, not before every query. Safe: django-tenants forgets the cached
# path on rollback and savepoint rollback (a rolled-back SET is undone by PostgreSQL too).
TENANT_LIMIT_SET_CALLS = True

AUTH_USER_MODEL = "account.User"

MIDDLEWARE = [
    "apps.core.observability.RequestObservabilityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "apps.core.middleware.TenantContextMiddleware",
    "apps.core.idempotency.IdempotencyMiddleware",  # Idempotency-Key: one transaction per keyed API request
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.SessionMiddleware",  # these four: Django's, for the back office only (not the API)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "apps.core.middleware.AuthenticationMiddleware",
    "apps.core.middleware.LocaleMiddleware",  # back office only: the user's language, else the browser's (issue #21)
    "apps.core.middleware.MessageMiddleware",
    "apps.core.middleware.XFrameOptionsMiddleware",
]
# The Kugelpos service prefixes of kugelpos/urls.py (JSON API, token or API-key auth, no session), health, metrics.
API_PATH_PREFIXES = ("/account", "/terminal", "/master-data", "/cart", "/report", "/journal", "/stock", "/health",
                     "/metrics")

ROOT_URLCONF = "kugelpos.urls"
WSGI_APPLICATION = "kugelpos.wsgi.application"
ASGI_APPLICATION = "kugelpos.asgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.tenant",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgresql://postgres@127.0.0.1:5432/kugelpos")}
# django-tenants' backend, remembering the search path a connection is in and checking an idle connection without
# a round trip (apps/core/db_backend).
DATABASES["default"]["ENGINE"] = "apps.core.db_backend"
# Request bodies (issue 20): over this many bytes a 413 envelope, under ASGI refused before the body is read.
# Django's default, 2.5 MB; the largest request of the API (a tranlog pushed over HTTP) is a few tens of KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Threads per web process serving requests (kugelpos.asgi); more requests at once wait in the event loop for one.
WEB_THREADS = max(1, env.int("WEB_THREADS", default=8))
# The terminal's bounded sale-path requests (kugelpos/inline.py: cart commands on one cart, one master-data item by
# code) are served on the event loop's own thread instead, when their body is at most WEB_INLINE_MAX_BODY bytes.
# WEB_INLINE=0 serves every request on a thread.
WEB_INLINE = env.bool("WEB_INLINE", default=True)
WEB_INLINE_MAX_BODY = env.int("WEB_INLINE_MAX_BODY", default=4096)
# Each web request thread and each Celery process keeps one persistent connection (CONN_MAX_AGE seconds, then a new
# one): a web process holds at most WEB_THREADS + 1 connections (its event loop's thread serves the inline requests).
# DB_POOL_MAX_SIZE > 0 uses a psycopg pool per process
# instead (Django's "pool" option: every request takes a connection and gives it back, and the pool checks it
# with a round trip); it was needed while Django started a thread per request, and is kept for a deployment that
# runs more threads than it may hold connections.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=0)
DATABASES["default"]["CONN_MAX_AGE"] = 0 if DB_POOL_MAX_SIZE > 0 else env.int("CONN_MAX_AGE", default=600)
if DB_POOL_MAX_SIZE > 0:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env.int("DB_POOL_MIN_SIZE", default=2), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DB_POOL_TIMEOUT", default=20.0),  # seconds a request waits for a free connection
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parameters travel beside the SQL instead of being quoted into it on the client: a cart document is a few KB of
# JSON, and escaping it into the statement text was ~5 % of an add item's CPU in bench/.
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
# A statement a connection has run 5 times is prepared on the server (psycopg's automatic preparation) and no
# longer parsed and planned each time. PostgreSQL plans it again by itself when the search path (the tenant)
# changes. Needs a direct connection (no transaction-pooling proxy between us and PostgreSQL): DB_PREPARE=0.
if env.bool("DB_PREPARE", default=True):
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_kugelpos")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis, celery, channels ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _broker_url(redis_url: str) -> str:
    # kombu spells a unix-socket Redis "redis+socket://"; redis-py spells it "unix://".
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://") :]
    return redis_url


# Celery workers run one task at a time per process, so a persistent connection suits them better than a pool
# (and Celery's Django fixup closes a prefork child's whole pool after every task): the launchers (kugelpos/run.py,
# bench/, docker-compose.yml) start them with WORKER_DATABASE_ENV. This stops the fixup from closing the connection
# after each task; apps.core.celery_signals drops it when broken or older than CONN_MAX_AGE, as a request would.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_broker_url(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish to a dead broker fails at once ("max_retries": 0: kombu would otherwise retry the connection for ~6 s
# inside the request); the circuit breaker and the outbox take it from there (spec/00 §9).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}  # filled below, once the Kugelpos settings are read

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py 8 defaults to a 5 s socket timeout, the same 5 s channels_redis blocks on while a socket waits
        # for a message: an idle WebSocket consumer would crash. Give the channel layer more.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
    }
}

# --- i18n / time ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"  # when neither the user, the language cookie nor the browser names one of LANGUAGES
LANGUAGES = [("ja", "日本語"), ("en", "English")]  # the back office's (issue #21); the API never translates
FORMAT_MODULE_PATH = ["apps.core.locale_formats"]  # one date/time format per language (apps.core.formats)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
APP_TIMEZONE = env.str("APP_TIMEZONE", default=env.str("TIMEZONE", default="Asia/Tokyo"))

STATIC_URL = "/static/"  # absolute: tenant pages live under /t/<tenant_id>/
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- auth -------------------------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    # spec/10 §4: bcrypt, cost 12 (Django's bcrypt hasher pre-hashes with SHA-256 so long passwords count).
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Issue #20: Django's password validators apply in the back office; in the API (account registration) only with
# API_PASSWORD_VALIDATION (default off: Kugelpos clients register admin/admin). Empty or blank is always refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
API_PASSWORD_VALIDATION = env.bool("API_PASSWORD_VALIDATION", default=False)
# The demo tenant's store manager (`make run`'s seed): from the environment, else generated per installation like
# the secrets above (16 characters, to be typed); the public "admin" of earlier versions is refused and replaced.
DEMO_ADMIN_PASSWORD = installation_secret("DEMO_ADMIN_PASSWORD", environ=os.environ, directory=SECRETS_DIR, nbytes=12)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "admin:login"
# Behind TLS in production: HSTS (seconds; 0 = off), cookies only over HTTPS, and the proxy's scheme header.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=env.bool("PRODUCTION", default=False))
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies (issue #20): the web server (kugelpos.serve) believes X-Forwarded-For / X-Forwarded-Proto only from these
# addresses or networks ("10.0.0.5,10.1.0.0/16": the load balancer's). Empty by default: nothing is trusted, not
# even loopback. Behind a load balancer or a reverse proxy on the host, set it, or every client has the proxy's
# address (one login limit for all, and /metrics open to whoever the proxy lets through).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Password guessing on POST /account/api/v1/accounts/token (apps.core.throttle): after this many failed logins
# for one account (tenant + username), or from one client address (REMOTE_ADDR: the forwarded client address
# when the request came through TRUSTED_PROXIES), within the window, further attempts answer 429 until the window
# ends. 0 disables a limit.
LOGIN_RATE_LIMIT_FAILURES = env.int("LOGIN_RATE_LIMIT_FAILURES", default=5)
LOGIN_RATE_LIMIT_IP_FAILURES = env.int("LOGIN_RATE_LIMIT_IP_FAILURES", default=50)
LOGIN_RATE_LIMIT_WINDOW_SECONDS = env.int("LOGIN_RATE_LIMIT_WINDOW_SECONDS", default=300)

# --- Kugelpos settings (spec/00 §12) ----------------------------------------------------------------------
TOKEN_EXPIRE_MINUTES = env.int("TOKEN_EXPIRE_MINUTES", default=30)
TERMINAL_TOKEN_EXPIRE_HOURS = env.int("TERMINAL_TOKEN_EXPIRE_HOURS", default=24)
PUBSUB_NOTIFY_API_KEY = installation_secret("PUBSUB_NOTIFY_API_KEY", environ=os.environ, directory=SECRETS_DIR)
ERROR_MESSAGE_LANGUAGE = env.str("ERROR_MESSAGE_LANGUAGE", default="ja")
ROUND_METHOD_FOR_DISCOUNT = env.str("ROUND_METHOD_FOR_DISCOUNT", default="Round")
RECEIPT_NO_START_VALUE = env.int("RECEIPT_NO_START_VALUE", default=111111)
RECEIPT_NO_END_VALUE = env.int("RECEIPT_NO_END_VALUE", default=999999)
UNDELIVERED_CHECK_INTERVAL_IN_MINUTES = env.int("UNDELIVERED_CHECK_INTERVAL_IN_MINUTES", default=5)
UNDELIVERED_CHECK_PERIOD_IN_HOURS = env.int("UNDELIVERED_CHECK_PERIOD_IN_HOURS", default=24)
UNDELIVERED_CHECK_FAILED_PERIOD_IN_MINUTES = env.int("UNDELIVERED_CHECK_FAILED_PERIOD_IN_MINUTES", default=15)
SLACK_WEBHOOK_URL = env.str("SLACK_WEBHOOK_URL", default="")

CELERY_BEAT_SCHEDULE["redeliver-undelivered-events"] = {
    "task": "core.redeliver_undelivered",
    "schedule": UNDELIVERED_CHECK_INTERVAL_IN_MINUTES * 60,
}

CELERY_BEAT_SCHEDULE.update(STOCK_BEAT_SCHEDULE)
CELERY_BEAT_SCHEDULE["beat-heartbeat"] = {"task": "core.beat_heartbeat", "schedule": 30}
# Beat records its heartbeat for /health on every tick, the first as it starts (apps.core.heartbeat).
CELERY_BEAT_SCHEDULER = "apps.core.heartbeat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE["purge-expired-carts"] = {"task": "cart.purge_expired_carts", "schedule": 15 * 60}
# Idempotency-Key (issue #23): a key's stored answer is replayed this long, then purged by beat every hour.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
CELERY_BEAT_SCHEDULE["purge-idempotency-records"] = {"task": "core.purge_idempotency_records", "schedule": 60 * 60}
# Retention (issue #26): delivered event records, their deliveries and processed markers are purged after this many
# days (0 keeps them); undelivered and failed ones are kept. Must stay well beyond UNDELIVERED_CHECK_PERIOD_IN_HOURS.
EVENT_RETENTION_DAYS = env.int("EVENT_RETENTION_DAYS", default=30)
CELERY_BEAT_SCHEDULE["purge-delivered-events"] = {"task": "core.purge_delivered_events", "schedule": 60 * 60}

# CSV exports of the back office: a cell that starts a spreadsheet formula is escaped (issue #20; the admins'
# SafeCSV format escapes "=", "+", "-", "@" itself; this covers any other export format of django-import-export).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- REST framework ---------------------------------------------------------------------------------------
# CORS (issue #20): the Kugelpos service prefixes only, and never with credentials: the API authenticates by
# header, never by cookie. The back office (/t/..., /admin), /health, /metrics and the API docs send no CORS
# headers, so a page on another origin cannot read them with a manager's session cookie.
# CORS_ALLOWED_ORIGINS: the origins of browser-based terminals ("https://pos.example.com,..."); "*" (the default,
# as Kugelpos) allows every origin.
CORS_URLS_REGEX = r"^/(account|terminal|master-data|cart|report|journal|stock)(/|$)"
CORS_ALLOWED_ORIGINS = [origin for origin in env.list("CORS_ALLOWED_ORIGINS", default=["*"]) if origin != "*"]
CORS_ALLOW_ALL_ORIGINS = "*" in env.list("CORS_ALLOWED_ORIGINS", default=["*"])
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["X-New-Token"]

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.KugelposJSONRenderer"],
    # DRF's, bounded in nesting (issue 20); the token endpoint adds form parsing
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.core.api.renderers.SingleRendererNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.kugelpos_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.KugelposAutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kugelpos-compatible POS API",
    "DESCRIPTION": "Account, terminal, master data, cart, report, journal and stock APIs under one server.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # our PATCH bodies are whole (Kugelpos' models): the same required fields
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.strip_trailing_slashes",
        "apps.core.idempotency_schema.add_idempotency_key_header",
    ],
    # Same-named security components (every bearer class documents the same scheme) are intended.
    "DISABLE_ERRORS_AND_WARNINGS": True,
    # API docs (/api/docs/, /api/redoc/) from our own static files, no CDN; "Authorize" kept across reloads.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "deepLinking": True},
}

# One JSON line per log record, carrying the request id of its request or task (apps.core.observability).
from apps.core.logconfig import logging_config  # noqa: E402  (imports only structlog)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_LEVEL, json_logs=env.bool("LOG_JSON", default=True))

# /metrics: reachable with `Authorization: Bearer $METRICS_TOKEN`, or from these networks (the scraper's).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
