"""Hostile inputs against a web worker: worst time and peak memory per case, each case in its own process.

    python bench/hostile.py                 # every case, 3 runs each
    python bench/hostile.py --repeat 1 --case body- --case rubric-

A case is one request to the service as a web worker serves it (the embedded
settings, grading in process, on a copy of a prepared SQLite database): hostile
numbers in a rubric, rubrics as large as the caps allow, bodies built to expand
(objects, arrays, rows, cells), and the hostile inputs the service already
refused (deep JSON and YAML, alias bombs, zip bombs, huge numbers, code in a
math answer). Each case runs in a fresh Python process that starts as
``server/wsgi.py`` starts a web worker (Django set up, every checker kind
imported), serves one cheap request, then calls the WSGI application with the
case's request ``--repeat`` times; the body is streamed from memory that exists
before the runs, as a socket would deliver it.

Printed per case: the status (and the expected one), the worst time of a run,
the process's resident size before the runs, its peak during them (Linux:
VmHWM, reset before the runs) and how much the case grew it. A case passes with
the expected status, under 2 s, and growing the worker by less than 200 MB (a
student's 31 MB of empty objects once grew one from 95 MB to 1.6 GB). The SymPy
helper process that math answers run in is a separate process and is not
counted here (it is killed at its own limits). Nothing is asserted: this
prints figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
QUIZ = (REPO / "tests" / "server" / "fixtures" / "quiz.yaml").read_text(encoding="utf-8")
DL_QUIZ = (REPO / "rubrics" / "dl-quiz.yaml").read_text(encoding="utf-8")
LIMIT_SECONDS, LIMIT_MB = 2.0, 200
MB31 = 31 * 1024 * 1024


# --- what the cases send ------------------------------------------------------------------


def rubric_with_max(value: str) -> str:
    return QUIZ.replace("    max: 2\n", f"    max: {value}\n", 1).replace("  total: 8\n", "")


def big_rubric(kind: str, parts: int, items: int, examples: int) -> str:
    checks = {
        "choice": "{type: choice, options: [a, b, c, d], correct: [b]}",
        "expression": '{type: expression, expr: "2*sigma(2*x) - 1", variables: [x], '
        'functions: {sigma: {args: [x], expr: "1/(1+exp(-x))"}}}',
        "classifier": "{type: classifier}",
        "concept": "{type: concept, synonyms: [momentum, velocity term]}",
    }
    words = ["the", "gradient", "momentum", "weight", "decay", "regularization", "overfitting", "layer", "norm"]
    lines = ["exam: {id: big, title: Big}", "parts:"]
    for p in range(parts):
        lines += [f"  - id: p{p}", f"    max: {items}", "    model_answer: momentum keeps a velocity of the gradients"]
        lines += ["    items:"] + [f"      - {{id: i{i}, points: 1, check: {checks[kind]}}}" for i in range(items)]
        if examples:
            lines.append("    examples:")
            for e in range(examples):
                answer = " ".join(words[(p * 7 + e * 3 + k) % len(words)] for k in range(12))
                lines.append(f'      - {{answer: "{answer}", points: {(e * 5 + p) % (items + 1)}}}')
    return "\n".join(lines) + "\n"


def two_megabytes_of_text() -> str:
    answer = ("momentum keeps a moving average of the gradients " * 40_000)[:1_900_000]
    return f'exam: {{id: t, title: T}}\nparts:\n  - id: p\n    max: 1\n    model_answer: "{answer}"\n' + (
        "    items:\n      - {id: k, points: 1, check: {type: concept, synonyms: [momentum]}}\n"
    )


def many_parts(n: int) -> str:
    part = "  - id: p{n}\n    max: 1\n    items:\n      - {{id: k, points: 1, check: {{type: truefalse, correct: true}}}}\n"
    return "exam: {id: t, title: T}\nparts:\n" + "".join(part.format(n=n) for n in range(n))


def alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines)


def zip_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("s1.txt", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def json_body(value: Any) -> bytes:
    return json.dumps(value).encode()


def repeated(piece: bytes, size: int, open_: bytes = b"[", close: bytes = b"]") -> bytes:
    return open_ + piece * ((size - 2) // len(piece)) + close


Case = dict[str, Any]
CASES: dict[str, Case] = {}


def case(
    name: str, *, who: str, method: str, path: str, body: Callable[[], bytes], expect: int, ctype="application/json"
):
    CASES[name] = {"who": who, "method": method, "path": path, "body": body, "expect": expect, "ctype": ctype}


def create(rubric: Callable[[], str], slug: str = "x") -> Callable[[], bytes]:
    return lambda: json_body({"slug": slug, "title": "", "rubric": rubric()})


# Rubric numbers: each once held a worker (minutes of CPU) or answered 500.
for label, value in [
    ("quoted-1e3000000", '"1e3000000"'),
    ("quoted-1e1000000", '"1e1000000"'),
    ("int-tag-abc", "!!int abc"),
    ("float-tag-inf", "!!float .inf"),
    ("4301-digit-int", "1" * 4301),
    ("past-numeric-column", "1000000"),
    ("1e400", "1e400"),
]:
    case(f"rubric-{label}", who="instructor", method="post", path="/api/v1/assignments/",
         body=create(lambda v=value: rubric_with_max(v)), expect=400)  # fmt: skip

# Rubric size: refused past the caps, compiled within bounded time at them.
case("rubric-10000-parts", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: many_parts(10_000)), expect=400)  # fmt: skip
case("rubric-at-caps-choice", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: big_rubric("choice", 150, 2, 13)), expect=201)  # fmt: skip
case("rubric-at-caps-expression", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: big_rubric("expression", 150, 2, 0)), expect=201)  # fmt: skip
case("rubric-at-caps-concept", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: big_rubric("concept", 30, 10, 50)), expect=201)  # fmt: skip
case("rubric-one-classifier", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: big_rubric("classifier", 1, 1, 50)), expect=201)  # fmt: skip
case("rubric-at-caps-classifier", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: big_rubric("classifier", 10, 1, 50)), expect=201)  # fmt: skip
case("rubric-2mb-of-text", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(two_megabytes_of_text), expect=201)  # fmt: skip
case("rubric-alias-bomb", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(alias_bomb), expect=400)  # fmt: skip
case("rubric-10000-deep", who="instructor", method="post", path="/api/v1/assignments/",
     body=create(lambda: "[" * 10_000 + "]" * 10_000), expect=400)  # fmt: skip

# Bodies built to expand: a student's to instructor routes is refused unread; an instructor's unbuilt.
case("body-student-31mb-objects-to-members", who="student", method="post", path="/api/v1/assignments/quiz/members/",
     body=lambda: repeated(b"{},", MB31), expect=403)  # fmt: skip
case("body-student-31mb-objects-to-override", who="student", method="post",
     path="/api/v1/submissions/{own}/parts/q1/override", body=lambda: repeated(b"{},", MB31), expect=403)  # fmt: skip
case("body-student-31mb-objects-to-submissions", who="student", method="post",
     path="/api/v1/assignments/quiz/submissions/", body=lambda: repeated(b"{},", MB31), expect=413)  # fmt: skip
case("body-student-list-to-submissions", who="student", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=lambda: repeated(b"{},", 2_000_000), expect=403)  # fmt: skip
case("body-instructor-31mb-objects-bulk", who="instructor", method="post",
     path="/api/v1/assignments/quiz/submissions/", body=lambda: repeated(b"{},", MB31), expect=400)  # fmt: skip
case("body-instructor-31mb-arrays-bulk", who="instructor", method="post",
     path="/api/v1/assignments/quiz/submissions/", body=lambda: repeated(b"[],", MB31), expect=400)  # fmt: skip
case("body-instructor-31mb-numbers-bulk", who="instructor", method="post",
     path="/api/v1/assignments/quiz/submissions/", body=lambda: repeated(b"0.5,", MB31), expect=400)  # fmt: skip
case("body-instructor-31mb-objects-to-members", who="instructor", method="post",
     path="/api/v1/assignments/quiz/members/", body=lambda: repeated(b"{},", MB31), expect=400)  # fmt: skip
case("body-csv-31mb-of-rows", who="instructor", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=lambda: b"student,q1\n" + b"s,b\n" * (MB31 // 4), expect=400, ctype="text/csv")  # fmt: skip
case("body-csv-31mb-one-line-of-cells", who="instructor", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=lambda: b"student,q1\n" + b"ab," * (MB31 // 3), expect=400, ctype="text/csv")  # fmt: skip
case("body-zip-bomb", who="instructor", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=zip_bomb, expect=400, ctype="application/zip")  # fmt: skip
case("body-10000-deep-json", who="instructor", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=lambda: b'{"student": "s1", "answers": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", expect=400)  # fmt: skip
case("answer-310-digit-integer", who="instructor", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=lambda: b'{"student": "s1", "answers": {"q3": ' + b"9" * 310 + b"}}", expect=400)  # fmt: skip
case("answer-310-digit-integer-bulk", who="instructor", method="post", path="/api/v1/assignments/quiz/submissions/",
     body=lambda: b'[{"student": "s1", "answers": {"q3": [' + b"9" * 310 + b"]}}]", expect=400)  # fmt: skip

# Hostile math answers, graded inside the request (embedded mode) against dl-quiz part 5.
for label, answer in [
    ("power-tower", "9**9**9"),
    ("factorial", "(10^{6})!"),
    ("huge-exponent", "1e999999999"),
    ("code", "__import__('os').system('true')"),
    ("200-deep-parens", "(" * 200 + "x" + ")" * 200),
    ("50000-terms", "+".join(["x"] * 50_000)[:19_999]),
]:
    case(f"math-{label}", who="instructor", method="post", path="/api/v1/assignments/dl-quiz/submissions/",
         body=lambda a=answer: json_body({"student": "s1", "answers": {"5": a}}), expect=202)  # fmt: skip


# --- the child process: one case ---------------------------------------------------------------


def _env(db: Path, var: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "server.settings.base",
        "SQLITE_PATH": str(db),
        "HANDGRADE_VAR_DIR": str(var),
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "CRITICAL",
        # The runs repeat one request from one token: rates would stop them, which is not what is measured.
        **{f"THROTTLE_{scope}": "off" for scope in ("TOKEN", "SUBMISSIONS", "ADDRESS", "AUTH_FAILURES")},
    }


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM starts again from the current size


def _call(method: str, path: str, token: str, body: bytes, content_type: str) -> int:
    """One request through the WSGI application, as gunicorn hands it over: the body is a stream."""
    from server.wsgi import application

    status: list[str] = []
    environ = {
        "REQUEST_METHOD": method.upper(),
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),  # shares the bytes: no copy
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    response = application(environ, lambda s, headers, exc_info=None: status.append(s))
    for _ in response:
        pass
    response.close()
    return int(status[0].split()[0])


def child_prepare(out: Path) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from server.grading import permissions, services

    call_command("migrate", verbosity=0)
    tokens = {
        "instructor": services.user_token_create(username="prof", role="instructor"),
        "student": services.user_token_create(username="kim", role="student"),
    }
    prof = get_user_model().objects.get(username="prof")
    quiz = services.assignment_create(user=prof, slug="quiz", title="", rubric_text=QUIZ)
    services.assignment_create(user=prof, slug="dl-quiz", title="", rubric_text=DL_QUIZ)
    kim = get_user_model().objects.get(username="kim")
    own, _ = services.submission_create(access=permissions.access_for(kim, quiz), student="", answers={"q1": "b"})
    out.write_text(json.dumps({"tokens": tokens, "own": str(own.pk)}))


def child_run(name: str, facts: dict[str, Any], repeat: int) -> dict[str, Any]:
    import server.wsgi  # noqa: F401  (as a web worker starts: Django set up, every checker kind imported)

    spec = CASES[name]
    token = facts["tokens"][spec["who"]]
    _call("get", "/api/v1/me/", token, b"", "")  # Django's first-request set-up is not the case's cost
    body = spec["body"]()
    path = spec["path"].format(own=facts["own"])
    before = _rss_mb("VmRSS")
    _reset_peak()
    times, statuses = [], []
    for n in range(repeat):
        payload = body
        if spec["path"] == "/api/v1/assignments/" and n:  # a new slug per run, so each run creates
            payload = body.replace(b'"slug": "x"', f'"slug": "x{n}"'.encode(), 1)
        started = time.perf_counter()
        statuses.append(_call(spec["method"], path, token, payload, spec["ctype"]))
        times.append(time.perf_counter() - started)
    return {
        "statuses": statuses,
        "worst_s": max(times),
        "start_mb": before,
        "peak_mb": _rss_mb("VmHWM"),
        "grew_mb": _rss_mb("VmHWM") - before,
        "body_mb": len(body) / 1024 / 1024,
    }


# --- the parent: prepare once, run each case in its own process ---------------------------------


def run(args: argparse.Namespace) -> int:
    names = [n for n in CASES if not args.case or any(n.startswith(c) for c in args.case)]
    work = Path(tempfile.mkdtemp(prefix="handgrade-hostile-"))
    try:
        template, facts_file = work / "template.sqlite3", work / "facts.json"
        prepared = subprocess.run(
            [sys.executable, __file__, "--child-prepare", str(facts_file)],
            cwd=REPO, env=_env(template, work), capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if prepared.returncode:
            print(prepared.stderr[-3000:], file=sys.stderr)
            return 2
        print(
            f"{'case':45} {'status':>12} {'worst s':>8} {'start MB':>8} {'peak MB':>8} {'grew MB':>8} {'body MB':>8}"
            "  verdict"
        )
        failures = 0
        for name in names:
            db = work / f"{name}.sqlite3"
            shutil.copy(template, db)
            started = time.monotonic()
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--child-case", name, str(facts_file), str(args.repeat)],
                    cwd=REPO, env=_env(db, work), capture_output=True, text=True, timeout=args.timeout,
                    preexec_fn=_limit_memory,
                )  # fmt: skip
                out = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
            except subprocess.TimeoutExpired:
                done, out = None, None
            if out is None:
                why = "killed after %.0f s" % (time.monotonic() - started) if done is None else done.stderr[-300:]
                print(f"{name:45} {'-':>12} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {'-':>8}  FAIL ({why.strip()})")
                failures += 1
                continue
            expected = CASES[name]["expect"]
            status = ",".join(sorted({str(s) for s in out["statuses"]}))
            ok = set(out["statuses"]) == {expected} and out["worst_s"] < LIMIT_SECONDS and out["grew_mb"] < LIMIT_MB
            failures += not ok
            print(
                f"{name:45} {status + ' (' + str(expected) + ')':>12} {out['worst_s']:8.3f} {out['start_mb']:8.1f}"
                f" {out['peak_mb']:8.1f} {out['grew_mb']:8.1f} {out['body_mb']:8.1f}  {'ok' if ok else 'FAIL'}"
            )
            db.unlink(missing_ok=True)
        print(
            f"\n{len(names) - failures} of {len(names)} cases with the expected status, under {LIMIT_SECONDS:g} s"
            f" and growing the worker by less than {LIMIT_MB} MB ({args.repeat} runs each; start: resident size"
            " before the runs, Django and every checker kind loaded; peak: high-water mark during them)"
        )
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _limit_memory() -> None:
    """A runaway case fails instead of taking the machine's memory."""
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (the worst is printed)")
    parser.add_argument("--case", action="append", default=[], help="run the cases whose name starts with this")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a case's process is killed")
    parser.add_argument("--list", action="store_true", help="list the cases")
    parser.add_argument("--child-prepare", help=argparse.SUPPRESS)
    parser.add_argument("--child-case", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.list:
        print("\n".join(CASES))
        return 0
    if args.child_prepare:
        child_prepare(Path(args.child_prepare))
        return 0
    if args.child_case:
        name, facts, repeat = args.child_case
        print(json.dumps(child_run(name, json.loads(Path(facts).read_text()), int(repeat))))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
