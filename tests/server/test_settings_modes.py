"""Settings: embedded defaults, production refusing to start without its secrets, check --deploy clean."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLEAN = {
    k: v
    for k, v in os.environ.items()
    if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
}


def python(code: str, env: dict, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**CLEAN, "HANDGRADE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_no_environment_it_is_sqlite_wal_and_in_process_grading(tmp_path):
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'server.settings.base'); django.setup()\n"
        "from django.conf import settings; from django.db import connection\n"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "c.execute('PRAGMA busy_timeout'); busy = c.fetchone()[0]\n"
        "print(settings.DATABASES['default']['ENGINE'], mode, busy, settings.CELERY_TASK_ALWAYS_EAGER, settings.DEBUG)"
    )
    result = python(code, {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "wal", "20000", "True", "False"]


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'server.settings.production'; import django; django.setup()"
    )
    result = python(code, {"DATABASE_URL": "postgres://x@127.0.0.1/db"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "REDIS_URL" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_production_passes_check_deploy(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "server.settings.production",
        "SECRET_KEY": "x" * 20 + "a-long-random-looking-secret-for-this-test-only-9876",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "grader.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**CLEAN, "HANDGRADE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def background_threads(env: dict, tmp_path) -> list[str]:
    code = (
        "import json, threading, server.wsgi\n"
        "print(json.dumps(sorted(t.name for t in threading.enumerate() if t.name.startswith('handgrade'))))"
    )
    result = python(code, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_embedded_web_process_runs_the_sweep_on_a_background_thread(tmp_path):
    assert background_threads({}, tmp_path) == ["handgrade-background"]


def test_with_a_broker_beat_runs_the_sweep_and_the_web_process_does_not(tmp_path):
    assert background_threads({"REDIS_URL": "redis://127.0.0.1:6379/0"}, tmp_path) == []
    assert background_threads({"GRADING_EMBEDDED_SWEEP": "false"}, tmp_path) == []
