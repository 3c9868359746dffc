"""Command line: ``python -m grader grade|test|equiv|schema``.

The ``grade`` and ``test`` forms are a contract (docs/architecture.md):
JSON on stdout, exit 0, or 2 with the reason on stderr when the input is
invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.engine import answer_text, compile_rubric, grade
from grader.errors import AnswersError, RubricError
from grader.rubric import load_rubric

EXIT_INVALID = 2
MAX_ANSWERS_BYTES = 200_000_000


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_INVALID


def read_submissions(path: str) -> list[dict[str, Any]]:
    """One submission object or a list of them; every one checked before grading."""
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise AnswersError(f"{path}: not valid JSON: {exc}") from None
    subs = data if isinstance(data, list) else [data]
    for n, sub in enumerate(subs):
        where = f"{path}: submission {n + 1}"
        if not isinstance(sub, dict):
            raise AnswersError(f"{where}: expected an object with 'id' and 'answers'")
        if "answers" not in sub or not isinstance(sub["answers"], dict):
            raise AnswersError(f"{where}: 'answers' must be an object of part id -> text")
        for part_id, text in sub["answers"].items():
            try:
                answer_text(text)
            except TypeError:
                raise AnswersError(f"{where}: answer to part {part_id!r} must be text") from None
    return subs


def cmd_grade(args: argparse.Namespace) -> int:
    try:
        rubric = load_rubric(args.rubric)
        subs = read_submissions(args.answers)
    except (RubricError, AnswersError) as exc:
        return _fail(str(exc))
    compiled = compile_rubric(rubric)
    out = []
    for sub in _progress(subs, args):
        sid = sub.get("id")
        result = grade(compiled, sub["answers"], submission_id=None if sid is None else str(sid))
        out.append(result.to_dict())
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _progress(items: list[dict[str, Any]], args: argparse.Namespace) -> Any:
    if args.no_progress or len(items) < 20:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="grading", unit="sub", file=sys.stderr, disable=None)


def cmd_test(args: argparse.Namespace) -> int:
    from grader.selftest import run_examples

    try:
        rubric = load_rubric(args.rubric)
    except RubricError as exc:
        return _fail(str(exc))
    outcomes = run_examples(rubric)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        print("FAIL " + o.describe(), file=sys.stderr)
        if args.verbose:
            for line in o.feedback:
                print(f"     | {line}", file=sys.stderr)
    passed = len(outcomes) - len(failed)
    print(f"{rubric.exam.id}: {len(rubric.parts)} parts, {rubric.max} points, {len(outcomes)} examples")
    print(f"{passed} passed, {len(failed)} failed")
    if not outcomes:
        print("no examples: a rubric must carry its own tests", file=sys.stderr)
        return 1
    return 0 if not failed else 1


def cmd_equiv(args: argparse.Namespace) -> int:
    from grader.equiv import run_jsonl

    try:
        stream = sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        return _fail(f"{args.jsonl}: cannot read: {exc.strerror}")
    with stream:
        return run_jsonl(stream, sys.stdout)


def cmd_schema(args: argparse.Namespace) -> int:
    from grader.schema import rubric_json_schema

    json.dump(rubric_json_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade answers against a rubric.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("grade", help="grade submissions (JSON) against a rubric (YAML); JSON on stdout")
    p.add_argument("rubric")
    p.add_argument("answers", help="JSON file: one submission or a list; '-' reads stdin")
    p.add_argument("--pretty", action="store_true", help="indent the JSON output")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("test", help="run the rubric's own examples; exit 0 only if all pass")
    p.add_argument("rubric")
    p.add_argument("-v", "--verbose", action="store_true", help="show feedback of failing examples")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("equiv", help="check math answers against keys, JSON lines in and out")
    p.add_argument("--jsonl", required=True, help='file of {"id","student","teacher","test"?,"options"?,"syntax"?}')
    p.set_defaults(func=cmd_equiv)

    p = sub.add_parser("schema", help="print the rubric format's JSON Schema")
    p.set_defaults(func=cmd_schema)

    args = parser.parse_args(argv)
    return int(args.func(args))
