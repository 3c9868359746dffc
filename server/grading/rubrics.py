"""Rubric text in, validated rubric or per-line errors out; compiled rubrics cached per version.

The engine's loader does all validation, including the size, depth, alias
and tag guards against hostile YAML.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.conf import settings

from grader import CompiledRubric, Issue, Rubric, RubricError, compile_rubric, grade, load_rubric_text
from grader.result import SubmissionResult
from server.grading.errors import RubricInvalid


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
        "max_points": Decimal(rubric.max.numerator) / Decimal(rubric.max.denominator),
        "parts": [
            {
                "id": p.id,
                "title": p.title,
                "prompt": p.prompt,
                "max": _number(Decimal(p.max.numerator) / Decimal(p.max.denominator)),
            }
            for p in rubric.parts
        ],
    }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _CompiledCache:
    """Compiled rubrics per (version id, hash): compiling fits classifiers, so a worker does it once.

    The engine keeps a per-part answer cache that is not thread-safe, so
    grading through one compiled rubric is serialized by its own lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, str], tuple[CompiledRubric, threading.Lock]] = OrderedDict()

    def get(self, version_id: int, sha256: str) -> tuple[CompiledRubric, threading.Lock] | None:
        with self._lock:
            entry = self._entries.get((version_id, sha256))
            if entry is not None:
                self._entries.move_to_end((version_id, sha256))
            return entry

    def put(self, version_id: int, sha256: str, compiled: CompiledRubric) -> tuple[CompiledRubric, threading.Lock]:
        with self._lock:
            entry = self._entries.setdefault((version_id, sha256), (compiled, threading.Lock()))
            while len(self._entries) > settings.GRADING["COMPILED_CACHE_SIZE"]:
                self._entries.popitem(last=False)
            return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


compiled_cache = _CompiledCache()


def answer_text(value: Any) -> str:
    """Answers as the engine reads them: numbers as written, lists of options joined by commas."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return ", ".join(answer_text(v) for v in value)


def grade_with_version(version_id: int, sha256: str, answers: dict[str, Any], submission_id: str) -> SubmissionResult:
    entry = compiled_cache.get(version_id, sha256)
    if entry is None:
        from server.grading.models import RubricVersion

        source = RubricVersion.objects.values_list("source", flat=True).get(pk=version_id)
        rubric = load_rubric_text(source, f"rubric-version-{version_id}.yaml", compile=False)
        entry = compiled_cache.put(version_id, sha256, compile_rubric(rubric))
    compiled, lock = entry
    texts = {part_id: answer_text(value) for part_id, value in answers.items()}
    with lock:
        return grade(compiled, texts, submission_id=submission_id)
