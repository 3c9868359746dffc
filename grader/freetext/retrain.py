"""Learning from instructors' overrides, one part at a time.

When an instructor overrides a part's score, that graded answer becomes a
training example. ``retrain_part`` recompiles only that part's checkers with
the rubric's examples plus every override so far (the latest word on an
answer wins) and returns a new :class:`CompiledRubric`; the old one is left
as it was, so results already handed out stay reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from grader.checkers.base import Example
from grader.engine import CompiledRubric, recompile_part
from grader.normalize import normalize_text

retrain_part = recompile_part


def override_example(
    answer: str, points: float | Fraction, max_points: float | Fraction, items: Mapping[str, bool] | None = None
) -> Example:
    """An instructor's decision as a training example (normalized like the engine does)."""
    return Example(normalize_text(answer), float(points), float(max_points), dict(items or {}))


def retrain_all(compiled: CompiledRubric, overrides: Mapping[str, Sequence[Example]]) -> CompiledRubric:
    for part_id, exs in overrides.items():
        if exs:
            compiled = retrain_part(compiled, part_id, exs)
    return compiled
