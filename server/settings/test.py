"""Test settings: fast hashing, grading in process with errors raised, PostgreSQL when reachable.

The database is ``TEST_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/test;
pytest-django creates a ``test_handgrade_<pid>`` database beside it, so two test
runs on one machine do not collide). Without a reachable PostgreSQL the API
tests run on SQLite and the integration tests skip (``TEST_POSTGRES`` says which).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789")

import dj_database_url

from server.settings.base import *  # noqa: F403
from server.settings.base import GRADING, WEBHOOKS

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        params = dj_database_url.parse(url)
        psycopg.connect(
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            dbname=params["NAME"],
            connect_timeout=2,
        ).close()
        return True
    except Exception:
        return False


if os.environ.get("TEST_SQLITE") == "1":
    TEST_POSTGRES, TEST_POSTGRES_WHY_NOT = False, "TEST_SQLITE=1 is set"
else:
    TEST_POSTGRES = _postgres_reachable(TEST_DATABASE_URL)
    TEST_POSTGRES_WHY_NOT = (
        "" if TEST_POSTGRES else f"PostgreSQL at {TEST_DATABASE_URL} is unreachable (set TEST_DATABASE_URL)"
    )
if TEST_POSTGRES:
    DATABASES = {"default": dj_database_url.parse(TEST_DATABASE_URL)}
    DATABASES["default"]["TEST"] = {"NAME": f"test_handgrade_{os.getpid()}"}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
WEBHOOKS["ALLOW_PRIVATE_HOSTS"] = True  # test receivers listen on 127.0.0.1
WEBHOOKS["TIMEOUT_SECONDS"] = 2
GRADING["CHUNK_SIZE"] = 10
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
