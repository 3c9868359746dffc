"""Start and stop a real Celery worker for the integration tests, and wait for things."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from svc_support import wait_until  # noqa: F401  (the integration tests import it from here)

HERE = Path(__file__).parent
REPO = HERE.parents[1]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


class Worker:
    """``celery -A server worker -c 1 --pool prefork`` against the test database and a private queue.

    ``queue`` is the grading queue; webhook deliveries go to ``queue + "-webhooks"``. The worker consumes
    ``consume`` (default: the grading queue).
    """

    def __init__(
        self, queue: str, db_url: str, log: Path, extra_env: dict[str, str] | None = None, consume: str | None = None
    ):
        self.queue, self.log = queue, log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "server.settings.base",
            "DATABASE_URL": db_url,
            "REDIS_URL": REDIS_URL,
            "GRADING_QUEUE": queue,
            "WEBHOOK_QUEUE": f"{queue}-webhooks",
            "SECRET_KEY": "integration-test-secret-key-not-for-production-use-0123456789",
            "HANDGRADE_VAR_DIR": str(log.parent),
            "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)]),
            "GRADING_MAX_ATTEMPTS": "3",
            "WEBHOOK_ALLOW_PRIVATE_HOSTS": "true",
            "WEBHOOK_BACKOFF_BASE_SECONDS": "1",
            "WEBHOOK_TIMEOUT_SECONDS": "2",
            **(extra_env or {}),
        }
        command = [
            sys.executable, "-m", "celery", "-A", "server", "worker", "-c", "1", "--pool", "prefork",
            "-Q", consume or queue, "-n", f"{consume or queue}@%h", "--include", "handgrade_test_checkers",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
        ]  # fmt: skip
        self.handle = log.open("ab")
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=self.handle, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log.read_text()[-3000:]}")
            if b" ready." in self.log.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not start in {timeout} s:\n{self.log.read_text()[-3000:]}")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.handle.close()


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
