"""Compile a rubric once, then grade submissions against it.

Compiling validates every checker's parameters, parses teacher expressions,
compiles concept patterns and fits classifiers. The compiled rubric is
immutable and reused for every submission, from any number of threads;
per-part results are cached by normalized answer, which is safe because
grading is deterministic. A result that a checker fault produced is not
cached: the fault may not happen again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, SupportsFloat

from grader.checkers.base import (
    Checker,
    CompileContext,
    Example,
    Match,
    SpecError,
    compile_check,
    learns_from_examples,
    spec_errors,
)
from grader.errors import Issue, RubricError
from grader.normalize import normalize_text
from grader.result import PartResult, SubmissionResult
from grader.review import PartReviewer
from grader.rubric.loader import Loc, dotted, line_of
from grader.rubric.model import MAX_LEARNED_PARTS, Item, Part, Rubric
from grader.scoring import score_part

CACHE_SIZE = 4096

# Exceptions a caller needs back instead of a needs_review part (e.g. its platform's time limit).
Reraise = tuple[type[BaseException], ...]


@dataclass(frozen=True)
class CompiledItem:
    item: Item
    checker: Checker

    def run(self, answer: str, reraise: Reraise = ()) -> Match:
        return self.attempt(answer, reraise)[0]

    def attempt(self, answer: str, reraise: Reraise = ()) -> tuple[Match, bool]:
        """The checker's match, and whether it faulted (then the match sends the part to review)."""
        try:
            return self.checker(answer), False
        except reraise:
            raise
        except Exception as exc:  # a grader fault is a human's job, never a silent zero
            return Match.needs_review(f"checker {self.item.id!r} failed: {type(exc).__name__}"), True


class _AnswerCache:
    """Results by normalized answer, least recently used first out.

    The lock covers only the dictionary, never grading, so threads grading
    through one compiled rubric do not wait for each other.
    """

    def __init__(self, size: int = CACHE_SIZE):
        self._size = size
        self._lock = threading.Lock()
        self._results: OrderedDict[str, PartResult] = OrderedDict()

    def get(self, text: str) -> PartResult | None:
        with self._lock:
            result = self._results.get(text)
            if result is not None:
                self._results.move_to_end(text)
            return result

    def put(self, text: str, result: PartResult) -> None:
        with self._lock:
            self._results[text] = result
            if len(self._results) > self._size:
                self._results.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._results.clear()


class CompiledPart:
    def __init__(self, part: Part, items: list[CompiledItem], reviewer: PartReviewer | None = None):
        self.part = part
        self.items = items
        self.reviewer = reviewer
        self._cache = _AnswerCache()

    def grade(self, answer: str | None, *, reraise: Reraise = ()) -> PartResult:
        text = normalize_text(answer or "")
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        attempts = [(ci.item, *ci.attempt(text, reraise)) for ci in self.items] if text else []
        matches = [(item, match) for item, match, _ in attempts]
        result = score_part(self.part, text, matches)
        if self.reviewer is not None:
            result = self.reviewer.assess(text, matches, result)
        if not any(faulted for _, _, faulted in attempts):
            self._cache.put(text, result)
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


def graded_example(answer: Any, points: SupportsFloat, max_points: SupportsFloat) -> Example:
    """A human's grade of an answer as training data for the checks that learn, read as grading reads it."""
    return Example(normalize_text(answer_text(answer)), float(points), float(max_points), {})


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
            # the first error stopped the compile: look for the others of this check too
            for reason, at in dict.fromkeys([*exc.all(), *spec_errors(item.check)]):
                loc: Loc = ("parts", index, "items", ii, "check", *at)
                issues.append(Issue(filename, line_of(dict(lines), loc), dotted(loc), reason))
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
    if len(learning_parts(rubric)) > MAX_LEARNED_PARTS:  # each fits a model as it compiles
        reason = f"at most {MAX_LEARNED_PARTS} parts may have a check that learns (classifier)"
        raise RubricError([Issue(filename, line_of(dict(lines or {}), ("parts",)), "parts", reason)])
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
    rubric: Rubric | CompiledRubric,
    answers: Mapping[str, Any],
    submission_id: str | None = None,
    *,
    reraise: Reraise = (),
) -> SubmissionResult:
    """Grade one submission: part id -> answer text. Missing parts are blank.

    A checker that raises makes its part ``needs_review``, except for the
    exception types in ``reraise``, which propagate to the caller.
    """
    compiled = rubric if isinstance(rubric, CompiledRubric) else compile_rubric(rubric)
    results: dict[str, PartResult] = {}
    for part_id, cpart in compiled.parts.items():
        results[part_id] = cpart.grade(answer_text(answers.get(part_id)), reraise=reraise)
    unknown = tuple(k for k in answers if k not in compiled.parts)
    return SubmissionResult(id=submission_id, parts=results, unknown_parts=unknown)


def grade_part(rubric: Rubric | CompiledRubric, part_id: str, answer: Any, *, reraise: Reraise = ()) -> PartResult:
    """Grade one part's answer alone (the same result ``grade`` gives that part). KeyError: no such part."""
    compiled = rubric if isinstance(rubric, CompiledRubric) else compile_rubric(rubric)
    return compiled.parts[part_id].grade(answer_text(answer), reraise=reraise)


def learning_parts(rubric: Rubric | CompiledRubric) -> frozenset[str]:
    """Ids of the parts with a check that learns from graded examples, so that overrides can retrain them."""
    model = rubric.rubric if isinstance(rubric, CompiledRubric) else rubric
    return frozenset(p.id for p in model.parts if any(_learns(item.check) for item in p.items))


def _learns(check: Any) -> bool:
    """Whether a check, or a check nested in it (any/all/not/elements), learns from examples."""
    if isinstance(check, dict):
        kind = check.get("type")
        return (isinstance(kind, str) and learns_from_examples(kind)) or any(_learns(v) for v in check.values())
    if isinstance(check, list):
        return any(_learns(v) for v in check)
    return False


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
