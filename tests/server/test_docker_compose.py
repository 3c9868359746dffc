"""docker-compose.yml describes web, the grading and webhook workers, redis and postgres, and runs the commands
the README documents."""

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
OURS = {name: s for name, s in SERVICES.items() if "build" in s}


def documentation() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_the_services_are_there():
    assert {"web", "worker", "webhooks", "redis", "postgres"} <= set(SERVICES)


@pytest.mark.parametrize("name", ["web", "worker", "webhooks", "redis", "postgres"])
def test_each_service_has_a_healthcheck(name):
    check = SERVICES[name]["healthcheck"]
    assert check["test"] and check["interval"] and check["retries"]


@pytest.mark.parametrize("name", sorted(OURS))
def test_our_services_get_the_database_and_the_broker(name):
    env = OURS[name]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["DJANGO_SETTINGS_MODULE"] == "server.settings.production"
    assert "SECRET_KEY" in env


@pytest.mark.parametrize("name", ["web", "worker", "webhooks"])
def test_web_and_workers_wait_for_healthy_dependencies(name):
    depends = SERVICES[name]["depends_on"]
    assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_command_is_the_documented_one(name):
    command = " ".join(OURS[name]["command"])
    assert command in documentation(), f"{name}: `{command}` is not in the README's Running section"


def test_the_worker_is_celery_with_the_server_app():
    assert OURS["worker"]["command"][:4] == ["celery", "-A", "server", "worker"]
    assert "docker compose up" in documentation()


def consumed_queues(service: dict) -> set[str]:
    command = service["command"]
    assert command[:4] == ["celery", "-A", "server", "worker"]
    return set(command[command.index("--queues") + 1].split(","))


def test_webhook_deliveries_have_their_own_queue_and_workers():
    """A delivery waits on someone else's server: it must never take a grading worker's slot."""
    from django.conf import settings

    grading, webhooks = settings.CELERY_TASK_DEFAULT_QUEUE, settings.WEBHOOKS["QUEUE"]
    assert grading != webhooks
    assert settings.CELERY_TASK_ROUTES["server.grading.tasks.deliver_webhook"]["queue"] == webhooks
    assert consumed_queues(OURS["worker"]) == {grading}
    assert consumed_queues(OURS["webhooks"]) == {webhooks}
    assert f"--queues {webhooks}" in documentation() and f"--queues {grading}" in documentation()
