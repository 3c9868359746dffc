"""Settings shared by every mode; with no environment set this is the embedded mode.

Embedded: a SQLite file under var/ (WAL, busy timeout) and grading run in
process (Celery's eager mode, no broker). Setting ``DATABASE_URL`` switches
to PostgreSQL, setting ``REDIS_URL`` sends grading to Celery workers. The
overlays ``test`` and ``production`` change only what they must.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("HANDGRADE_VAR_DIR", BASE_DIR / "var"))


# --- typed environment helpers -------------------------------------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [v.strip() for v in value.split(",") if v.strip()]


def env_rate(name: str, default: str) -> str | None:
    """A DRF rate such as ``120/min``; ``off`` switches the throttle off."""
    value = os.environ.get(name) or default
    if value.lower() == "off":
        return None
    number, _, period = value.partition("/")
    if not number.isdigit() or period not in ("s", "sec", "m", "min", "h", "hour", "d", "day"):
        raise ImproperlyConfigured(f"{name} must look like 120/min (or off), got {value!r}")
    return value


def _embedded_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts of the embedded server."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


# --- core ---------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or _embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "server.grading",
    "frontend",
]

MIDDLEWARE = [
    "server.grading.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "server.urls"
WSGI_APPLICATION = "server.wsgi.application"

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
            ]
        },
    }
]

# --- database -----------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(VAR_DIR / "handgrade.sqlite3"),
            "OPTIONS": {
                # A writer waits up to 20 s for the lock instead of failing at once;
                # WAL lets readers go on while one request writes.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # Swagger UI works before collectstatic has run

# Throttle counts: in each process's memory, or in Redis (shared by every web worker) in scale-out.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "handgrade"}}

# --- request limits (RELIABILITY.md: explicit caps, 413 past them) -------------

MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 32 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES  # uploads stay in memory: never written to disk
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# --- REST framework -----------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "server.grading.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "server.grading.throttling.TokenRateThrottle",
        "server.grading.throttling.AddressRateThrottle",
    ],
    # The client's address is REMOTE_ADDR unless NUM_PROXIES trusted proxies add X-Forwarded-For
    # (trusting the header by default would let a client name any address it likes).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["server.grading.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "server.grading.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "server.grading.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Requests per period (DRF throttles, server/grading/throttling.py): 429 with Retry-After past them.
THROTTLE_RATES = {
    "token": env_rate("THROTTLE_TOKEN", "1200/min"),  # every request with a token, per token
    "submissions": env_rate("THROTTLE_SUBMISSIONS", "120/min"),  # submission POSTs, per token
    "address": env_rate("THROTTLE_ADDRESS", "300/min"),  # requests without a token, per IP address
    "auth_failures": env_rate("THROTTLE_AUTH_FAILURES", "20/min"),  # failed tokens, per IP address
}

SPECTACULAR_SETTINGS = {
    "TITLE": "handgrade API",
    "DESCRIPTION": (
        "Auto-grading of transcribed handwritten exam answers. Authenticate with "
        "`Authorization: Token <key>` (`manage.py createtoken USERNAME --role instructor`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # the token only (server/grading/openapi.py explains its prefix); no session cookie scheme
    "AUTHENTICATION_WHITELIST": ["server.grading.throttling.ThrottledTokenAuthentication"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "server.grading.openapi.document_401"],
}

# --- grading ------------------------------------------------------------------

GRADING = {
    # Submissions per task message: fewer messages for bulk uploads, one claim per row still.
    "CHUNK_SIZE": env_int("GRADING_CHUNK_SIZE", 25),
    # Messages a bulk upload (or regrade) keeps in the queue at once: its chunks take turns with other work.
    "BATCH_PARALLEL": env_int("GRADING_BATCH_PARALLEL", 2),
    # A task stops taking rows after this many seconds and sends the rest on, well inside the soft limit.
    "CHUNK_BUDGET_SECONDS": env_int("GRADING_CHUNK_BUDGET_SECONDS", 20),
    # Claims, worker losses and timeouts counted per submission; past this it is quarantined as failed.
    "MAX_ATTEMPTS": env_int("GRADING_MAX_ATTEMPTS", 3),
    # A queued row older than this has lost its message: the sweep sends it again.
    "QUEUED_STALE_SECONDS": env_int("GRADING_QUEUED_STALE_SECONDS", 300),
    "COMPILED_CACHE_SIZE": env_int("GRADING_COMPILED_CACHE_SIZE", 16),
    # After an override of a part with a learned check (classifier), relearn it and regrade that part.
    "RETRAIN_ON_OVERRIDE": env_bool("GRADING_RETRAIN_ON_OVERRIDE", True),
    # Submissions a retrain task examines per transaction (it stops at CHUNK_BUDGET_SECONDS and sends the rest on).
    "RETRAIN_CHUNK_SIZE": env_int("GRADING_RETRAIN_CHUNK_SIZE", 200),
    "BULK_MAX_ROWS": env_int("GRADING_BULK_MAX_ROWS", 20_000),
    # What a bulk JSON body may expand to, counted before it is parsed (a 31 MB body of empty objects is
    # 1.6 GB of dicts): objects and arrays, and values of any kind.
    "BULK_MAX_JSON_CONTAINERS": env_int("GRADING_BULK_MAX_JSON_CONTAINERS", 100_000),
    "BULK_MAX_JSON_VALUES": env_int("GRADING_BULK_MAX_JSON_VALUES", 1_500_000),
    # A single submission from a student (instructors may send up to MAX_REQUEST_BYTES).
    "SUBMISSION_MAX_BYTES": env_int("GRADING_SUBMISSION_MAX_BYTES", 2 * 1024 * 1024),
    "MAX_ANSWER_CHARS": env_int("GRADING_MAX_ANSWER_CHARS", 20_000),
    "ZIP_MAX_ENTRIES": env_int("GRADING_ZIP_MAX_ENTRIES", 20_000),
    "ZIP_MAX_ENTRY_BYTES": env_int("GRADING_ZIP_MAX_ENTRY_BYTES", 1024 * 1024),
    "ZIP_MAX_TOTAL_BYTES": env_int("GRADING_ZIP_MAX_TOTAL_BYTES", 128 * 1024 * 1024),
    "ZIP_MAX_RATIO": env_int("GRADING_ZIP_MAX_RATIO", 100),
}

WEBHOOKS = {
    # One deadline for a whole delivery: connecting, TLS, sending and the answer, over every redirect hop.
    "TIMEOUT_SECONDS": env_int("WEBHOOK_TIMEOUT_SECONDS", 10),
    "CONNECT_TIMEOUT_SECONDS": env_int("WEBHOOK_CONNECT_TIMEOUT_SECONDS", 3),
    "MAX_ATTEMPTS": env_int("WEBHOOK_MAX_ATTEMPTS", 8),
    "BACKOFF_BASE_SECONDS": env_int("WEBHOOK_BACKOFF_BASE_SECONDS", 30),
    "BACKOFF_MAX_SECONDS": env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 3600),
    "MAX_PER_ASSIGNMENT": env_int("WEBHOOK_MAX_PER_ASSIGNMENT", 5),
    # Instructors choose webhook URLs: refuse loopback/private addresses unless this deployment allows them,
    # all of them (ALLOW_PRIVATE_HOSTS) or some networks (ALLOWED_NETWORKS, e.g. an LMS on the campus network).
    "ALLOW_PRIVATE_HOSTS": env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", False),
    "ALLOWED_NETWORKS": env_list("WEBHOOK_ALLOWED_NETWORKS", []),
    # Deliveries have their own queue and workers: a slow receiver never holds a grading worker.
    "QUEUE": env_str("WEBHOOK_QUEUE", "webhooks"),
}
for _network in WEBHOOKS["ALLOWED_NETWORKS"]:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBHOOK_ALLOWED_NETWORKS: {_network!r} is not a network (e.g. 10.0.0.0/8)"
        ) from None

# --- Celery (RELIABILITY.md "Settings to require") -----------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CACHES["default"]["KEY_PREFIX"] = "handgrade"
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# No broker configured: grade in process, right after the submission's transaction commits.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # grades are read from the database, never a result backend
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed pool child's message goes back to the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("GRADING_QUEUE", "grading")
CELERY_TASK_ROUTES = {"server.grading.tasks.deliver_webhook": {"queue": WEBHOOKS["QUEUE"]}}
# Each task is defined beside the logic it runs; a worker imports these modules to know them.
CELERY_IMPORTS = (
    "server.grading.grading",
    "server.grading.retraining",
    "server.grading.webhooks",
    "server.grading.sweep",
)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 1000)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Must exceed the hard time limit, or Redis hands a running task to a second worker.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
if env_str("CELERY_UNACKED_RESTORE_INTERVAL"):  # tests shorten how often kombu restores unacked messages
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10)
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
# How often beat (scale-out) or the background thread (embedded) runs the sweep.
GRADING["SWEEP_EVERY_SECONDS"] = env_int("GRADING_SWEEP_EVERY_SECONDS", 15)
# Embedded mode: each web process runs the sweep and the webhook deliveries on a background thread.
GRADING["EMBEDDED_SWEEP"] = env_bool("GRADING_EMBEDDED_SWEEP", True)
CELERY_BEAT_SCHEDULE = {
    "grading-sweep": {"task": "server.grading.tasks.sweep", "schedule": GRADING["SWEEP_EVERY_SECONDS"]},
}

if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must exceed CELERY_TASK_SOFT_TIME_LIMIT")
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT")

# A claim's lease: a running task renews it every third of this (its heartbeat), so a row whose lease ran
# out belongs to a dead worker and the next sweep sends it on. Short, so recovery is quick.
GRADING["LEASE_SECONDS"] = env_int("GRADING_LEASE_SECONDS", 30)
if GRADING["LEASE_SECONDS"] < 3:
    raise ImproperlyConfigured("GRADING_LEASE_SECONDS must be at least 3 (the heartbeat renews it every third)")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
