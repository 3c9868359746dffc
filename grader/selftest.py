"""A rubric's own tests: every example answer must earn its stated points."""

from __future__ import annotations

from dataclasses import dataclass

from grader.engine import compile_rubric
from grader.points import points_json
from grader.rubric.model import Rubric


@dataclass(frozen=True)
class ExampleOutcome:
    part_id: str
    index: int
    answer: str
    expected: float
    got: float
    expected_status: str | None
    status: str
    feedback: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.expected == self.got and (self.expected_status is None or self.expected_status == self.status)

    def describe(self) -> str:
        short = self.answer.replace("\n", " ")
        short = short if len(short) <= 70 else short[:67] + "..."
        want = f"{self.expected:g}" + (f" ({self.expected_status})" if self.expected_status else "")
        return f"part {self.part_id} example {self.index + 1}: expected {want}, got {self.got:g} ({self.status}) for {short!r}"


def run_examples(rubric: Rubric) -> list[ExampleOutcome]:
    compiled = compile_rubric(rubric)
    outcomes = []
    for part in rubric.parts:
        cpart = compiled.parts[part.id]
        for i, ex in enumerate(part.examples):
            res = cpart.grade(ex.answer)
            outcomes.append(
                ExampleOutcome(
                    part.id,
                    i,
                    ex.answer,
                    float(points_json(ex.points)),
                    float(points_json(res.points)),
                    ex.status,
                    res.status,
                    res.feedback,
                )
            )
    return outcomes
