"""Rubric text in, validated rubric or per-line errors out; compiled rubrics cached per version
and per watermark of the version's score overrides (the training data of learned checkers).

The engine's loader does all validation, including the size, depth, alias
and tag guards against hostile YAML.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Count, Max

from grader import (
    CompiledRubric,
    Example,
    Issue,
    PartResult,
    Rubric,
    RubricError,
    SubmissionResult,
    answer_form,
    compile_rubric,
    grade,
    grade_part,
    graded_example,
    learning_parts,
    load_rubric_text,
    points_json,
)
from server.grading.errors import RubricInvalid
from server.grading.models import RubricVersion, ScoreOverride
from server.grading.points import to_decimal

log = logging.getLogger(__name__)


def issue_error(issue: Issue) -> dict[str, Any]:
    return {"field": "rubric", "path": issue.field, "line": issue.line, "file": issue.file, "reason": issue.reason}


def _invalid(filename: str, reason: str, line: int | None = None) -> RubricInvalid:
    return RubricInvalid("rubric is invalid", [issue_error(Issue(filename, line, "", reason))])


def rubric_parse(*, text: str, filename: str = "rubric.yaml") -> Rubric:
    """Validate and compile; raise RubricInvalid with one entry per issue (line and field)."""
    try:
        return load_rubric_text(text, filename)
    except RubricError as exc:
        raise RubricInvalid("rubric is invalid", [issue_error(i) for i in exc.issues]) from None
    except RecursionError:
        raise _invalid(filename, "rubric is nested too deeply") from None


def rubric_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rubric_summary(rubric: Rubric) -> dict[str, Any]:
    """The fields a RubricVersion row stores beside the source."""
    return {
        "compiled": rubric.model_dump(mode="json"),
        "exam_id": rubric.exam.id,
        "title": rubric.exam.title,
        "max_points": to_decimal(rubric.max),
        "parts": [
            {
                "id": p.id,
                "title": p.title,
                "prompt": p.prompt,
                "max": points_json(p.max),
                "form": answer_form(rubric, p),
            }
            for p in rubric.parts
        ],
    }


# (count, latest id) of a rubric version's score overrides; (0, 0): none, the plain compiled rubric.
Watermark = tuple[int, int]
NO_OVERRIDES: Watermark = (0, 0)
# Checks see Celery's soft time limit as the exception it is, so a task can hand the rest of its work on.
PLATFORM_EXCEPTIONS = (SoftTimeLimitExceeded,)


@dataclass(frozen=True)
class CompiledEntry:
    """A compiled rubric (shared by every thread of the process) and what it learned from."""

    compiled: CompiledRubric
    watermark: Watermark = NO_OVERRIDES
    examples: dict[str, int] = field(default_factory=dict)  # part id -> override examples used


class _CompiledCache:
    """Compiled rubrics per (version id, hash, override watermark): compiling fits classifiers, so a
    worker does it once per version and once again only after new overrides.

    The watermark is read from the database (one index-only query per task or
    chunk, see ``override_watermarks``), so every worker on every machine
    moves to the retrained rubric on its next chunk after an override.
    The lock guards the dictionary only: grading through a compiled rubric
    needs none.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, str, Watermark], CompiledEntry] = OrderedDict()
        self.compiles = 0  # how many times this process compiled (tests and diagnostics)

    def get(self, version_id: int, sha256: str, watermark: Watermark = NO_OVERRIDES) -> CompiledEntry | None:
        key = (version_id, sha256, watermark)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, version_id: int, sha256: str, entry: CompiledEntry) -> CompiledEntry:
        key = (version_id, sha256, entry.watermark)
        with self._lock:
            self.compiles += 1
            entry = self._entries.setdefault(key, entry)
            older = [k for k in self._entries if k[:2] == key[:2] and (k[2][1], k[2][0]) < (key[2][1], key[2][0])]
            for old in older:
                del self._entries[old]  # superseded by newer overrides: never looked up again
            while len(self._entries) > settings.GRADING["COMPILED_CACHE_SIZE"]:
                self._entries.popitem(last=False)
            return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


compiled_cache = _CompiledCache()


# --- learning from overrides ----------------------------------------------------------------


def override_watermarks(version_ids: Iterable[int]) -> dict[int, Watermark]:
    """One query (an index-only scan of ``override_watermark``): (count, latest id) per version."""
    ids = set(version_ids)
    marks = dict.fromkeys(ids, NO_OVERRIDES)
    if ids:
        rows = (
            ScoreOverride.objects.filter(rubric_version_id__in=ids)
            .order_by()
            .values("rubric_version_id")
            .annotate(n=Count("id"), last=Max("id"))
            .values_list("rubric_version_id", "n", "last")
        )
        marks.update({vid: (n, last) for vid, n, last in rows})
    return marks


def watermark_text(watermark: Watermark) -> str:
    return f"{watermark[0]}:{watermark[1]}"


def override_examples(version_id: int, parts: list[dict[str, Any]], upto: int) -> dict[str, list[Example]]:
    """The version's overrides as graded examples: the latest per (part, normalized answer) wins.

    An override back to the machine's score (``cleared``) withdraws the
    human's label for that answer. Blank answers teach nothing and are left out.
    """
    maxima = {p["id"]: p["max"] for p in parts}
    rows = (
        ScoreOverride.objects.filter(rubric_version_id=version_id, id__lte=upto)
        .order_by("id")
        .values_list("part_id", "new_points", "cleared", "submission__answers")
    )
    latest: dict[tuple[str, str], Example | None] = {}
    for part_id, points, cleared, answers in rows:
        if part_id not in maxima:
            continue
        example = graded_example((answers or {}).get(part_id), points, maxima[part_id])
        if example.answer:
            latest[(part_id, example.answer)] = None if cleared else example
    out: dict[str, list[Example]] = {}
    for (part_id, _), example in latest.items():
        if example is not None:
            out.setdefault(part_id, []).append(example)
    return out


@lru_cache(maxsize=64)
def version_learning_parts(version_id: int, sha256: str) -> frozenset[str]:
    """The parts of a stored rubric version whose checks learn from overrides (a rubric version never changes)."""
    source = RubricVersion.objects.values_list("source", flat=True).get(pk=version_id)
    return learning_parts(load_rubric_text(source, f"rubric-version-{version_id}.yaml", compile=False))


def compiled_for(version_id: int, sha256: str, watermark: Watermark = NO_OVERRIDES) -> CompiledEntry:
    """The cached compiled rubric of a version with the overrides up to ``watermark``; compiled on a miss."""
    entry = compiled_cache.get(version_id, sha256, watermark)
    if entry is not None:
        return entry
    source, parts = RubricVersion.objects.values_list("source", "parts").get(pk=version_id)
    rubric = load_rubric_text(source, f"rubric-version-{version_id}.yaml", compile=False)
    extra = override_examples(version_id, parts, watermark[1]) if watermark[0] else {}
    try:
        compiled = compile_rubric(rubric, extra_examples=extra or None)
    except RubricError as exc:  # an override the engine cannot learn from must not stop grading
        log.error("rubric version %s does not compile with its overrides (%s); grading without them", version_id, exc)
        compiled, extra = compile_rubric(rubric), {}
    counts = {part_id: len(examples) for part_id, examples in extra.items()}
    return compiled_cache.put(version_id, sha256, CompiledEntry(compiled, watermark, counts))


def grade_with_version(
    version_id: int,
    sha256: str,
    answers: dict[str, Any],
    submission_id: str,
    watermark: Watermark = NO_OVERRIDES,
) -> SubmissionResult:
    entry = compiled_for(version_id, sha256, watermark)
    return grade(entry.compiled, answers, submission_id=submission_id, reraise=PLATFORM_EXCEPTIONS)


def grade_part_with(entry: CompiledEntry, part_id: str, answer: Any) -> PartResult:
    return grade_part(entry.compiled, part_id, answer, reraise=PLATFORM_EXCEPTIONS)
