"""Integration tests: the real PostgreSQL and Redis, and a Celery worker started as a subprocess.

They skip with the reason when PostgreSQL (TEST_DATABASE_URL) or Redis
(REDIS_URL, default redis://127.0.0.1:6379/0) cannot be reached. Each test
session uses its own queue name, so a worker of another session (or a
developer's own) never takes these messages.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings.test")

import django

django.setup()

import pytest  # noqa: E402

HERE = Path(__file__).parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests" / "server"))

import handgrade_test_checkers  # noqa: E402,F401  (the worker loads it too)
from celery_harness import REDIS_URL, Worker, database_url  # noqa: E402


def _redis_error() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:
        return f"Redis at {REDIS_URL} is unreachable: {exc}"


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine without the services; CI (REQUIRE_SERVICES=1) must run these."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_services():
    from django.conf import settings

    if not settings.TEST_POSTGRES:
        skip_or_fail(f"the integration tests need PostgreSQL: {settings.TEST_POSTGRES_WHY_NOT}")
    reason = _redis_error()
    if reason:
        skip_or_fail(reason)


@pytest.fixture(scope="session")
def queue_name() -> str:
    return f"handgrade-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def broker(real_services, queue_name):
    """Point this process's Celery producer at Redis and the private queue (eager mode in the other tests)."""
    from server.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue", "task_routes")}

    def reset_producer():
        if app._pool is not None:
            app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)  # built from the routes on first use

    routes = {"server.grading.tasks.deliver_webhook": {"queue": f"{queue_name}-webhooks"}}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue_name, task_routes=routes)
    reset_producer()
    yield queue_name
    app.conf.update(saved)
    reset_producer()
    import redis

    redis.Redis.from_url(REDIS_URL).delete(queue_name, f"{queue_name}-webhooks")


@pytest.fixture(scope="session")
def worker(broker, django_db_setup, django_db_blocker, tmp_path_factory):
    handle = Worker(broker, database_url(), tmp_path_factory.mktemp("worker") / "worker.log")
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def webhook_worker(broker, django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker of the webhook queue only, as docker-compose runs one beside the grading workers."""
    log = tmp_path_factory.mktemp("webhooks") / "worker.log"
    handle = Worker(broker, database_url(), log, consume=f"{broker}-webhooks")
    yield handle
    handle.stop()
