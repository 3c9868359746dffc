"""Recovery after a whole Celery worker is killed mid-chunk: how long its claimed rows wait.

    python bench/recovery.py                 # 25 submissions, default lease and sweep interval
    python bench/recovery.py --lease 30 --sweep-every 15

On a fresh database of its own (dropped afterwards) and a private Redis queue:
worker A takes a 25-row upload (a rubric whose check sleeps half a second per
answer, the tests' ``slow`` checker, so the chunk is still being graded), then
A and its pool are SIGKILLed. Worker B and beat start right away with the
deployment's settings. Printed: seconds from the kill until every row is
graded, and the attempts they took. Redis's own redelivery (its visibility
timeout, an hour) plays no part: the lease and the sweep bring the rows back.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
CHECKERS = REPO / "tests" / "integration"  # handgrade_test_checkers: the ``slow`` check
RUBRIC = """
format: 1
exam: {id: recovery, title: Recovery}
parts:
  - id: p1
    max: 1
    items:
      - {id: think, points: 1, check: {type: slow, seconds: 0.5}}
"""


def with_db(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=25, help="submissions in the killed worker's chunk")
    parser.add_argument("--lease", type=int, help="GRADING_LEASE_SECONDS (default: the settings' own)")
    parser.add_argument("--sweep-every", type=int, help="GRADING_SWEEP_EVERY_SECONDS (default: the settings' own)")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()

    db, queue = f"handgrade_recovery_{os.getpid()}", f"handgrade-recovery-{uuid.uuid4().hex[:8]}"
    tmp = Path(tempfile.mkdtemp(prefix="handgrade-recovery-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "server.settings.base",
        "DATABASE_URL": with_db(args.database_url, db),
        "REDIS_URL": args.redis_url,
        "GRADING_QUEUE": queue,
        "GRADING_CHUNK_SIZE": str(args.n),
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "HANDGRADE_VAR_DIR": str(tmp),
        "PYTHONPATH": os.pathsep.join([str(CHECKERS), str(REPO)]),
        **({"GRADING_LEASE_SECONDS": str(args.lease)} if args.lease else {}),
        **({"GRADING_SWEEP_EVERY_SECONDS": str(args.sweep_every)} if args.sweep_every else {}),
    }
    os.environ.update(env)
    sys.path[:0] = [str(CHECKERS), str(REPO)]
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    processes: list[subprocess.Popen] = []

    def start(name: str, argv: list[str]) -> subprocess.Popen:
        log = (tmp / f"{name}.log").open("wb")
        process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    def worker(name: str) -> subprocess.Popen:
        process = start(name, [sys.executable, "-m", "celery", "-A", "server", "worker", "-c", "1", "-Q", queue,
                               "-n", f"{name}-{queue}@%h", "--include", "handgrade_test_checkers", "-l", "INFO",
                               "--without-gossip", "--without-mingle"])  # fmt: skip
        while b" ready." not in (tmp / f"{name}.log").read_bytes():
            time.sleep(0.2)
        return process

    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        import django

        django.setup()
        import handgrade_test_checkers  # noqa: F401  (the rubric's check)
        from django.conf import settings

        from server.grading import services
        from server.grading.models import Submission

        services.user_token_create(username="bench", role="instructor")
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="bench")
        assignment = services.assignment_create(user=user, slug="recovery", title="", rubric_text=RUBRIC)
        a = worker("a")
        batch, _ = services.batch_create(
            user=user, assignment=assignment, role="instructor", kind="json",
            payload=[{"student": f"s{i:03}", "answers": {"p1": f"answer {i}"}} for i in range(args.n)],
        )  # fmt: skip
        rows = Submission.objects.filter(batch=batch)
        while rows.filter(status="grading").count() < args.n:
            time.sleep(0.05)
        time.sleep(1.0)  # well into the chunk
        child = Path(f"/proc/{a.pid}/task/{a.pid}/children").read_text().split()
        for pid in [*map(int, child), a.pid]:
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker("b")
        start("beat", [sys.executable, "-m", "celery", "-A", "server", "beat", "-l", "INFO",
                       "--schedule", str(tmp / "beat-schedule")])  # fmt: skip
        freed = None
        while rows.exclude(status="graded").exists():
            if freed is None and rows.filter(status="grading").count() < args.n:
                freed = time.monotonic() - killed_at  # the sweep released them (they leave the dead claim together)
            time.sleep(0.2)
        waited = time.monotonic() - killed_at
        attempts = sorted(set(rows.values_list("attempts", flat=True)))
        print(f"lease {settings.GRADING['LEASE_SECONDS']} s, sweep every {settings.GRADING['SWEEP_EVERY_SECONDS']} s: "
              f"the killed worker's {args.n} rows were free again {freed or waited:.1f} s after the kill and all "
              f"graded after {waited:.1f} s (attempts {attempts})")  # fmt: skip
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        import redis

        redis.Redis.from_url(args.redis_url).delete(queue)


if __name__ == "__main__":
    main()
