"""Learning from instructors' overrides, one part at a time.

When an instructor overrides a part's score, that graded answer becomes a
training example. ``retrain_part`` recompiles only that part's checkers with
the rubric's examples plus every override so far and returns a new
:class:`CompiledRubric` (the old one is left as it was: results already
handed out stay reproducible). Other parts are shared, not recompiled, so a
retrain costs one part's compile time (milliseconds for ~20 examples).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from grader.checkers.base import CompileContext, Example, compile_check
from grader.engine import CompiledItem, CompiledPart, CompiledRubric, _examples
from grader.normalize import normalize_text


def override_example(
    answer: str, points: float | Fraction, max_points: float | Fraction, items: Mapping[str, bool] | None = None
) -> Example:
    """An instructor's decision as a training example (normalized like the engine does)."""
    return Example(normalize_text(answer), float(points), float(max_points), dict(items or {}))


def retrain_part(compiled: CompiledRubric, part_id: str, overrides: Iterable[Example]) -> CompiledRubric:
    """A new compiled rubric whose ``part_id`` learned from ``overrides``.

    Overrides of an answer that a rubric example already grades replace that
    example (the latest decision wins), so re-overriding never double counts.
    """
    rubric = compiled.rubric
    part = next((p for p in rubric.parts if p.id == part_id), None)
    if part is None:
        raise KeyError(f"no part {part_id!r} in rubric {rubric.exam.id!r}")
    latest: dict[str, Example] = {}
    for ex in (*_examples(part), *overrides):
        latest[ex.answer] = ex
    examples = tuple(latest.values())
    items = []
    for item in part.items:
        ctx = CompileContext(
            part_id=part.id,
            item_id=item.id,
            item_points=float(item.points),
            model_answer=normalize_text(part.model_answer),
            definitions=rubric.definitions,
            examples=examples,
        )
        items.append(CompiledItem(item, compile_check(item.check, ctx)))
    parts = dict(compiled.parts)
    parts[part_id] = CompiledPart(part, items)
    return CompiledRubric(rubric, parts)


def retrain_all(compiled: CompiledRubric, overrides: Mapping[str, Sequence[Example]]) -> CompiledRubric:
    for part_id, exs in overrides.items():
        if exs:
            compiled = retrain_part(compiled, part_id, exs)
    return compiled
