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
from grader.review import PartReviewer
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
    def __init__(self, part: Part, items: list[CompiledItem], reviewer: PartReviewer | None = None):
        self.part = part
        self.items = items
        self.reviewer = reviewer
        self._cache: OrderedDict[str, PartResult] = OrderedDict()

    def grade(self, answer: str | None) -> PartResult:
        text = normalize_text(answer or "")
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        matches = [(ci.item, ci.run(text)) for ci in self.items] if text else []
        result = score_part(self.part, text, matches)
        if self.reviewer is not None:
            result = self.reviewer.assess(text, matches, result)
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


def training_examples(part: Part, extra: Sequence[Example] = ()) -> tuple[Example, ...]:
    """The part's own examples plus ``extra`` (e.g. instructor overrides).

    The latest word on an answer wins: an override of an answer that a rubric
    example already grades replaces that example instead of averaging with it.
    """
    latest: dict[str, Example] = {}
    for ex in (*_examples(part), *extra):
        latest[ex.answer] = ex
    return tuple(latest.values())


def compile_part(
    rubric: Rubric,
    part: Part,
    examples: tuple[Example, ...],
    *,
    index: int = 0,
    filename: str = "<rubric>",
    lines: Mapping[Loc, int] | None = None,
) -> tuple[CompiledPart, list[Issue]]:
    """Compile one part's checkers; errors come back as issues with their lines."""
    lines = lines or {}
    issues: list[Issue] = []
    items = []
    shared: dict[str, Any] = {}
    model_answer, prompt = normalize_text(part.model_answer), normalize_text(part.prompt)  # once per part
    for ii, item in enumerate(part.items):
        ctx = CompileContext(
            part_id=part.id,
            item_id=item.id,
            item_points=float(item.points),
            model_answer=model_answer,
            definitions=rubric.definitions,
            examples=examples,
            prompt=prompt,
            shared=shared,
        )
        try:
            items.append(CompiledItem(item, compile_check(item.check, ctx)))
        except SpecError as exc:
            loc: Loc = ("parts", index, "items", ii, "check", *exc.loc)
            issues.append(Issue(filename, line_of(dict(lines), loc), _dotted(loc), exc.reason))
    reviewer = PartReviewer(part, examples, model_answer, prompt) if not issues else None
    return CompiledPart(part, items, reviewer), issues


def compile_rubric(
    rubric: Rubric,
    *,
    filename: str = "<rubric>",
    lines: Mapping[Loc, int] | None = None,
    extra_examples: Mapping[str, Sequence[Example]] | None = None,
) -> CompiledRubric:
    """Compile every item's checker; collect every error with its line.

    ``extra_examples`` (part id -> graded answers, e.g. instructors' score
    overrides) join the rubric's own examples as training data for learned
    checkers. Without them the compiled form is cached on the rubric.
    """
    cached = rubric._compiled
    if cached is not None and not extra_examples:
        return cached
    issues: list[Issue] = []
    parts: dict[str, CompiledPart] = {}
    for pi, part in enumerate(rubric.parts):
        examples = training_examples(part, (extra_examples or {}).get(part.id, ()))
        parts[part.id], part_issues = compile_part(rubric, part, examples, index=pi, filename=filename, lines=lines)
        issues.extend(part_issues)
    if issues:
        raise RubricError(issues)
    compiled = CompiledRubric(rubric, parts)
    if not extra_examples:
        rubric._compiled = compiled
    return compiled


def recompile_part(compiled: CompiledRubric, part_id: str, extra: Sequence[Example]) -> CompiledRubric:
    """A new compiled rubric whose ``part_id`` learned from ``extra``; other parts are shared.

    The old compiled rubric is left as it was, so results already handed out
    stay reproducible. Costs one part's compile time.
    """
    rubric = compiled.rubric
    index = next((i for i, p in enumerate(rubric.parts) if p.id == part_id), None)
    if index is None:
        raise KeyError(f"no part {part_id!r} in rubric {rubric.exam.id!r}")
    part = rubric.parts[index]
    cpart, issues = compile_part(rubric, part, training_examples(part, extra), index=index)
    if issues:
        raise RubricError(issues)
    return CompiledRubric(rubric, {**compiled.parts, part_id: cpart})


def grade(
    rubric: Rubric | CompiledRubric, answers: Mapping[str, Any], submission_id: str | None = None
) -> SubmissionResult:
    """Grade one submission: part id -> answer text. Missing parts are blank."""
    compiled = rubric if isinstance(rubric, CompiledRubric) else compile_rubric(rubric)
    results: dict[str, PartResult] = {}
    for part_id, cpart in compiled.parts.items():
        results[part_id] = cpart.grade(answer_text(answers.get(part_id)))
    unknown = tuple(k for k in answers if k not in compiled.parts)
    return SubmissionResult(id=submission_id, parts=results, unknown_parts=unknown)


def grade_part(rubric: Rubric | CompiledRubric, part_id: str, answer: Any) -> PartResult:
    """Grade one part's answer alone (the same result ``grade`` gives that part). KeyError: no such part."""
    compiled = rubric if isinstance(rubric, CompiledRubric) else compile_rubric(rubric)
    return compiled.parts[part_id].grade(answer_text(answer))


def answer_text(value: Any) -> str:
    """An answer as the engine reads it: numbers as written, lists of options joined by commas.

    TypeError for anything else (objects), so callers can reject the input.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return ", ".join(answer_text(v) for v in value)
    raise TypeError(f"an answer must be text, got {type(value).__name__}")
