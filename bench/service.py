"""End-to-end figures of the service: PostgreSQL, Redis, gunicorn and Celery workers.

    python bench/service.py                 # 10,000 submissions, 2 worker processes
    python bench/service.py --n 2000 --latency-n 200 --rate 20 --json out.json

What it measures, on a fresh database of its own (dropped afterwards):
1. the engine alone: ``grader.grade`` on the same submissions, in one process
   and in as many processes as there are workers;
2. bulk throughput: one JSON upload of N submissions through REST, from the
   POST to the last ``graded_at`` (submissions/s);
3. latency under bounded load: single-submission POSTs sent open-loop at a
   fixed rate; POST -> graded latency p50/p99 (from the client's send time
   to the row's ``graded_at``) and the POST round trip itself;
4. neighbours: while one assignment's bulk upload is being graded, single
   submissions of another assignment, one a second; their POST -> graded
   latency, and how much of the upload was still ungraded when each was
   graded (fair scheduling: a single waits for a few chunks, not the upload).
The ratio of (1) to (2) is the service's overhead.

Needs PostgreSQL (``--database-url``, an account that may CREATE DATABASE)
and Redis (``--redis-url``). The rubric is ``rubrics/dl-quiz.yaml`` when
present, else the tests' own; answers are drawn from the rubric's examples.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RUBRICS = [REPO / "rubrics" / "dl-quiz.yaml", REPO / "tests" / "server" / "fixtures" / "quiz.yaml"]


def pick_rubric(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    from grader import RubricError, load_rubric

    for path in RUBRICS:
        try:
            load_rubric(path)
            return path
        except (RubricError, OSError):
            continue
    raise SystemExit("no usable rubric")


def make_submissions(path: Path, n: int, prefix: str = "s", seed: int = 1) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    pool = {p["id"]: [e["answer"] for e in p.get("examples", [])] + [""] for p in data["parts"]}
    return [
        {"student": f"{prefix}{i:06}", "answers": {pid: rng.choice(a) for pid, a in pool.items()}} for i in range(n)
    ]


# --- the engine alone ---------------------------------------------------------------


_compiled: Any = None


def _init_engine(path: str) -> None:
    global _compiled
    from grader import compile_rubric, load_rubric

    _compiled = compile_rubric(load_rubric(path))


def _grade_slice(subs: list[dict[str, Any]]) -> int:
    from grader import grade

    for sub in subs:
        grade(_compiled, sub["answers"])
    return len(subs)


def _forget_answers(compiled: Any) -> None:
    """Empty the engine's per-part answer cache (the bench's answers repeat; students' mostly do not)."""
    for part in compiled.parts.values():
        part._cache.clear()


def engine_alone(path: str, subs: list[dict[str, Any]], processes: int) -> dict[str, float]:
    """Submissions/s of grade() itself, compiled once as a worker does: with and without its answer cache."""
    from grader import grade

    _init_engine(path)
    started = time.perf_counter()
    for sub in subs:
        grade(_compiled, sub["answers"])
    cached = len(subs) / (time.perf_counter() - started)
    sample = subs[: min(len(subs), 2000)]
    started = time.perf_counter()
    for sub in sample:
        _forget_answers(_compiled)
        grade(_compiled, sub["answers"])
    uncached = len(sample) / (time.perf_counter() - started)
    with multiprocessing.get_context("fork").Pool(processes, initializer=_init_engine, initargs=(path,)) as pool:
        pool.map(_grade_slice, [subs[:10]] * processes)
        started = time.perf_counter()
        pool.map(_grade_slice, [subs[i::processes] for i in range(processes)])
        many = len(subs) / (time.perf_counter() - started)
    return {"one_process_per_s": cached, "one_process_uncached_per_s": uncached, f"{processes}_processes_per_s": many}


# --- the service ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


class Service:
    """A fresh database, gunicorn and a Celery worker with N processes, all torn down on exit."""

    def __init__(self, args: argparse.Namespace, log_dir: Path):
        self.admin_url, self.db = args.database_url, f"handgrade_bench_{os.getpid()}"
        self.queue = f"handgrade-bench-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "server.settings.base",
            "DATABASE_URL": with_db(self.admin_url, self.db),
            "REDIS_URL": args.redis_url,
            "GRADING_QUEUE": self.queue,
            "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
            "HANDGRADE_VAR_DIR": str(log_dir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GRADING_BULK_MAX_ROWS": str(max(args.n, 20_000)),
            # One token posts the latency run's single submissions faster than a person would.
            "THROTTLE_TOKEN": "off",
            "THROTTLE_SUBMISSIONS": "off",
        }
        self.processes: list[subprocess.Popen] = []
        self.log_dir, self.args = log_dir, args

    def __enter__(self) -> Service:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db}"')
        self.manage("migrate", "--noinput", "-v", "0")
        self.token = self.manage("createtoken", "bench", "--role", "instructor").strip()
        self.start("web", ["gunicorn", "server.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                           "--workers", str(self.args.web_workers), "--timeout", "600"])  # fmt: skip
        self.start("worker", [sys.executable, "-m", "celery", "-A", "server", "worker", "-c", str(self.args.workers),
                              "--pool", "prefork", "-Q", self.queue, "-n", f"{self.queue}@%h", "-l", "WARNING",
                              "--without-gossip", "--without-mingle"])  # fmt: skip
        self.wait_ready()
        return self

    def manage(self, *argv: str) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", *argv], cwd=REPO, env=self.env, capture_output=True, text=True
        )
        if out.returncode:
            raise SystemExit(out.stderr)
        return out.stdout

    def start(self, name: str, argv: list[str]) -> None:
        log = (self.log_dir / f"{name}.log").open("wb")
        self.processes.append(subprocess.Popen(argv, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/api/v1/health/", timeout=2)
                out = subprocess.run(
                    [sys.executable, "-m", "celery", "-A", "server", "inspect", "ping", "-d", f"{self.queue}@{socket.gethostname()}"],
                    cwd=REPO, env=self.env, capture_output=True, text=True, timeout=20,
                )  # fmt: skip
                if "pong" in out.stdout:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit(f"service did not start; logs in {self.log_dir}")

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Token {self.token}")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=600) as response:
            return response.status, json.loads(response.read())

    def sql(self, query: str, *params: Any) -> list[tuple]:
        with psycopg.connect(with_db(self.admin_url, self.db)) as conn:
            return conn.execute(query, params).fetchall()

    def __exit__(self, *exc: Any) -> None:
        for p in self.processes:
            p.send_signal(signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        if not self.args.keep:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            import redis

            redis.Redis.from_url(self.args.redis_url).delete(self.queue)


def bulk(service: Service, subs: list[dict[str, Any]]) -> dict[str, float]:
    started = time.time()
    status, body = service.request("POST", "/api/v1/assignments/bench/submissions/", subs)
    accepted = time.time() - started
    assert status == 202, body
    batch = body["batch"]
    while not service.request("GET", f"/api/v1/batches/{batch}/")[1]["done"]:
        time.sleep(0.5)
    (last,) = service.sql(
        "SELECT extract(epoch FROM max(graded_at)) FROM grading_submission WHERE batch_id = %s", batch
    )[0]
    failed = service.sql("SELECT count(*) FROM grading_submission WHERE batch_id = %s AND status <> 'graded'", batch)[
        0
    ][0]
    elapsed = float(last) - started
    return {"n": len(subs), "upload_accepted_s": accepted, "upload_to_last_graded_s": elapsed,
            "submissions_per_s": len(subs) / elapsed, "not_graded": failed}  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latency(service: Service, subs: list[dict[str, Any]], rate: float) -> dict[str, float]:
    """Open loop: one POST every 1/rate s from a small thread pool, whatever the responses take."""
    sent: dict[str, float] = {}
    round_trips: list[float] = []
    lock = threading.Lock()

    def post(sub: dict[str, Any]) -> None:
        t0 = time.time()
        _status, body = service.request("POST", "/api/v1/assignments/bench/submissions/", sub)
        with lock:
            sent[body["id"]] = t0
            round_trips.append(time.time() - t0)

    threads = []
    start = time.monotonic()
    for i, sub in enumerate(subs):
        time.sleep(max(0.0, start + i / rate - time.monotonic()))
        t = threading.Thread(target=post, args=(sub,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    ids = list(sent)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        rows = service.sql(
            "SELECT id::text, extract(epoch FROM graded_at) FROM grading_submission WHERE id::text = ANY(%s) AND status = 'graded'",
            ids,
        )
        if len(rows) == len(ids):
            break
        time.sleep(0.5)
    lat = [float(graded) - sent[sid] for sid, graded in rows]
    return {
        "n": len(subs), "rate_per_s": rate,
        "post_to_graded_p50_ms": 1000 * percentile(lat, 50), "post_to_graded_p99_ms": 1000 * percentile(lat, 99),
        "post_round_trip_p50_ms": 1000 * percentile(round_trips, 50), "post_round_trip_p99_ms": 1000 * percentile(round_trips, 99),
        "mean_ms": 1000 * statistics.fmean(lat),
    }  # fmt: skip


def neighbours(service: Service, upload: list[dict[str, Any]], singles: list[dict[str, Any]]) -> dict[str, float]:
    """Single submissions of assignment "other", one a second, while assignment "bench" grades ``upload``."""
    status, body = service.request("POST", "/api/v1/assignments/bench/submissions/", upload)
    assert status == 202, body
    batch, sent, unfinished = body["batch"], {}, []
    for sub in singles:
        t0 = time.time()
        sent[service.request("POST", "/api/v1/assignments/other/submissions/", sub)[1]["id"]] = t0
        time.sleep(1.0)
    graded: dict[str, float] = {}
    deadline = time.monotonic() + 600
    while len(graded) < len(sent) and time.monotonic() < deadline:
        rows = service.sql(
            "SELECT id::text, extract(epoch FROM graded_at) FROM grading_submission WHERE id::text = ANY(%s) AND status = 'graded'",
            list(sent),
        )
        graded = {sid: float(at) for sid, at in rows}
        time.sleep(0.2)
    for at in graded.values():
        (left,) = service.sql(
            "SELECT count(*) FROM grading_submission WHERE batch_id = %s AND (graded_at IS NULL OR graded_at > to_timestamp(%s))",
            batch, at,
        )[0]  # fmt: skip
        unfinished.append(left)
    lat = [graded[sid] - sent[sid] for sid in graded]
    while not service.request("GET", f"/api/v1/batches/{batch}/")[1]["done"]:
        time.sleep(0.5)
    return {
        "upload_n": len(upload), "singles": len(singles), "graded": len(graded),
        "post_to_graded_p50_ms": 1000 * percentile(lat, 50), "post_to_graded_max_ms": 1000 * max(lat),
        "upload_ungraded_when_last_single_graded": unfinished[-1] if unfinished else 0,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="submissions in the bulk upload")
    parser.add_argument("--latency-n", type=int, default=300, help="single submissions for the latency run")
    parser.add_argument("--rate", type=float, default=20.0, help="single-submission POSTs per second (bounded load)")
    parser.add_argument("--neighbour-upload", type=int, default=2000, help="upload graded while another's singles come")
    parser.add_argument("--neighbour-singles", type=int, default=10, help="single submissions, one a second, meanwhile")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--rubric", help="rubric YAML (default: rubrics/dl-quiz.yaml if valid, else the test rubric)")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    path = pick_rubric(args.rubric)
    subs = make_submissions(path, args.n)
    figures: dict[str, Any] = {"rubric": str(path.relative_to(REPO)), "cpus": os.cpu_count()}
    print(f"rubric {figures['rubric']}, {args.n} submissions, {args.workers} worker processes, {os.cpu_count()} CPUs")
    figures["engine"] = engine = engine_alone(str(path), subs, args.workers)
    print(f"engine alone: {engine['one_process_per_s']:,.0f}/s in 1 process "
          f"({engine['one_process_uncached_per_s']:,.0f}/s without its answer cache), "
          f"{engine[f'{args.workers}_processes_per_s']:,.0f}/s in {args.workers}")  # fmt: skip

    import tempfile

    with tempfile.TemporaryDirectory(prefix="handgrade-bench-") as tmp, Service(args, Path(tmp)) as service:
        status, body = service.request("POST", "/api/v1/assignments/", {"slug": "bench", "rubric": path.read_text()})
        assert status == 201, body
        figures["bulk"] = bulk(service, subs)
        b = figures["bulk"]
        print(f"bulk: {b['n']} accepted in {b['upload_accepted_s']:.1f} s, last graded after "
              f"{b['upload_to_last_graded_s']:.1f} s -> {b['submissions_per_s']:,.0f} submissions/s")  # fmt: skip
        figures["latency"] = latency(service, make_submissions(path, args.latency_n, prefix="l"), args.rate)
        lat = figures["latency"]
        print(f"single POST -> graded at {args.rate:g}/s: p50 {lat['post_to_graded_p50_ms']:.0f} ms, "
              f"p99 {lat['post_to_graded_p99_ms']:.0f} ms (POST itself p50 {lat['post_round_trip_p50_ms']:.0f} ms, "
              f"p99 {lat['post_round_trip_p99_ms']:.0f} ms)")  # fmt: skip
        status, body = service.request("POST", "/api/v1/assignments/", {"slug": "other", "rubric": path.read_text()})
        assert status == 201, body
        figures["neighbours"] = nb = neighbours(
            service, make_submissions(path, args.neighbour_upload, prefix="u", seed=3),
            make_submissions(path, args.neighbour_singles, prefix="n", seed=4),
        )  # fmt: skip
        print(f"neighbours: {nb['singles']} single submissions of another assignment during a {nb['upload_n']}-row "
              f"upload: POST -> graded p50 {nb['post_to_graded_p50_ms']:.0f} ms, max {nb['post_to_graded_max_ms']:.0f} ms; "
              f"{nb['upload_ungraded_when_last_single_graded']} upload rows still ungraded when the last was graded")  # fmt: skip
    service_rate = figures["bulk"]["submissions_per_s"]
    figures["overhead_ratio"] = engine[f"{args.workers}_processes_per_s"] / service_rate
    figures["overhead_ratio_uncached"] = engine["one_process_uncached_per_s"] * args.workers / service_rate
    print(f"overhead: the engine alone in {args.workers} processes is {figures['overhead_ratio']:.1f}x the service's "
          f"bulk throughput ({figures['overhead_ratio_uncached']:.1f}x against the uncached engine)")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
