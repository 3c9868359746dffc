"""Every rubric in rubrics/ carries its own tests: each example must earn its stated points."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from grader import load_rubric
from grader.selftest import run_examples

RUBRICS = sorted((Path(__file__).resolve().parents[2] / "rubrics").glob("*.yaml"))


@pytest.mark.parametrize("path", RUBRICS, ids=[p.stem for p in RUBRICS])
def test_rubric_examples_pass(path: Path) -> None:
    rubric = load_rubric(path)
    outcomes = run_examples(rubric)
    assert outcomes, f"{path.name} has no examples: a rubric must carry its own tests"
    failed = [o.describe() for o in outcomes if not o.passed]
    assert not failed, f"{path.name}: {len(failed)} of {len(outcomes)} examples fail:\n" + "\n".join(failed)


def _machine_max(part) -> Fraction:
    """The most the machine can give a part: manual items are a human's share."""
    manual = sum((i.points for i in part.items if i.check.get("type") == "manual"), Fraction(0))
    return part.max - manual


@pytest.mark.parametrize("path", RUBRICS, ids=[p.stem for p in RUBRICS])
def test_every_part_has_full_and_zero_examples(path: Path) -> None:
    rubric = load_rubric(path, compile=False)
    for part in rubric.parts:
        points = {ex.points for ex in part.examples}
        assert max(points, default=-1) >= _machine_max(part), f"{path.name} part {part.id}: no full-credit example"
        assert 0 in points, f"{path.name} part {part.id}: no zero example"
