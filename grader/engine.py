"""Compile a rubric once, then grade submissions against it.

Compiling validates every checker's parameters, parses teacher expressions,
compiles concept patterns and fits classifiers. The compiled rubric is
immutable and reused for every submission; per-part results are cached by
normalized answer, which is safe because grading is deterministic.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from grader.checkers.base import Checker, CompileContext, Example, Match, SpecError, compile_check
from grader.errors import Issue, RubricError
from grader.normalize import normalize_text
from grader.result import PartResult, SubmissionResult
from grader.rubric.loader import Loc, _dotted, line_of
from grader.rubric.model import Item, Part, Rubric
from grader.scoring import score_part

CACHE_SIZE = 4096


@dataclass(frozen=True)
class CompiledItem:
    item: Item
    checker: Checker

    def run(self, answer: str) -> Match:
        try:
            return self.checker(answer)
        except Exception as exc:  # a grader fault is a human's job, never a silent zero
            return Match.needs_review(f"checker {self.item.id!r} failed: {type(exc).__name__}")


class CompiledPart:
    def __init__(self, part: Part, items: list[CompiledItem]):
        self.part = part
        self.items = items
        self._cache: OrderedDict[str, PartResult] = OrderedDict()

    def grade(self, answer: str | None) -> PartResult:
        text = normalize_text(answer or "")
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        matches = [(ci.item, ci.run(text)) for ci in self.items] if text else []
        result = score_part(self.part, text, matches)
        self._cache[text] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result


class CompiledRubric:
    def __init__(self, rubric: Rubric, parts: dict[str, CompiledPart]):
        self.rubric = rubric
        self.parts = parts

    @property
    def max(self) -> Fraction:
        return self.rubric.max


def _examples(part: Part) -> tuple[Example, ...]:
    return tuple(
        Example(answer=normalize_text(ex.answer), points=float(ex.points), max=float(part.max), items=dict(ex.items))
        for ex in part.examples
    )


def compile_rubric(
    rubric: Rubric,
    *,
    filename: str = "<rubric>",
    lines: Mapping[Loc, int] | None = None,
    extra_examples: Mapping[str, Sequence[Example]] | None = None,
) -> CompiledRubric:
    """Compile every item's checker; collect every error with its line.

    ``extra_examples`` (part id -> graded answers, e.g. instructors' score
    overrides) are added to the rubric's own examples as training data for
    learned checkers. Without them the compiled form is cached on the rubric.
    """
    cached = rubric._compiled
    if cached is not None and not extra_examples:
        return cached
    lines = dict(lines or {})
    issues: list[Issue] = []
    parts: dict[str, CompiledPart] = {}
    for pi, part in enumerate(rubric.parts):
        examples = _examples(part) + tuple((extra_examples or {}).get(part.id, ()))
        items = []
        for ii, item in enumerate(part.items):
            ctx = CompileContext(
                part_id=part.id,
                item_id=item.id,
                item_points=float(item.points),
                model_answer=normalize_text(part.model_answer),
                definitions=rubric.definitions,
                examples=examples,
            )
            base: Loc = ("parts", pi, "items", ii, "check")
            try:
                items.append(CompiledItem(item, compile_check(item.check, ctx)))
            except SpecError as exc:
                loc = (*base, *exc.loc)
                issues.append(Issue(filename, line_of(lines, loc), _dotted(loc), exc.reason))
        parts[part.id] = CompiledPart(part, items)
    if issues:
        raise RubricError(issues)
    compiled = CompiledRubric(rubric, parts)
    if not extra_examples:
        rubric._compiled = compiled
    return compiled


def grade(
    rubric: Rubric | CompiledRubric, answers: Mapping[str, Any], submission_id: str | None = None
) -> SubmissionResult:
    """Grade one submission: part id -> answer text. Missing parts are blank."""
    compiled = rubric if isinstance(rubric, CompiledRubric) else compile_rubric(rubric)
    results: dict[str, PartResult] = {}
    for part_id, cpart in compiled.parts.items():
        value = answers.get(part_id)
        results[part_id] = cpart.grade(value if isinstance(value, str) else _as_text(value))
    unknown = tuple(k for k in answers if k not in compiled.parts)
    return SubmissionResult(id=submission_id, parts=results, unknown_parts=unknown)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    raise TypeError(f"an answer must be text, got {type(value).__name__}")
