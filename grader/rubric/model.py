"""The rubric file's model, validated with pydantic.

See docs/rubric-format.md for the format with examples. Points are exact
Fractions in steps of 0.5, read with the bounded grammar of
:mod:`grader.rubric.numbers`; a checker's parameters (``check:``) are validated
by that checker's own ``Spec`` when the rubric compiles. The shape is capped
(parts, items, examples) so that a rubric compiles in a bounded time.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from grader.points import is_half_step
from grader.rubric.numbers import MAX_PARTS, Factor, PartMax, PartPoints, Points, TotalPoints

PART_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
MAX_ITEMS_PER_PART = 30
MAX_EXAMPLES_PER_PART = 50
MAX_ITEMS = 300
MAX_EXAMPLES = 2000
MAX_LEARNED_PARTS = 10  # parts with a check that learns (one model fit each when the rubric compiles)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Item(_Model):
    """One rubric line: a matcher, what it is worth, and what to tell the student.

    ``effect`` says what a match does: ``add`` its ``points`` (negative for a
    deduction), ``zero`` the whole part (a forbidden answer), ``multiply`` the
    part's points by ``factor`` (a wrong answer beside a right one), or
    ``review`` send the part to a human. ``title`` names the item to students
    (the id is for the rubric's author); without one, its ``feedback`` does.
    """

    id: str
    title: str = ""
    points: Points = Fraction(0)
    check: dict[str, Any]
    feedback: str = ""
    miss_feedback: str = ""
    effect: Literal["add", "zero", "multiply", "review"] = "add"
    factor: Factor | None = None
    group: str | None = None
    per_occurrence: bool = False
    max_deduction: Points | None = None
    each: Points | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not PART_ID.match(v):
            raise ValueError("ids use letters, digits, '.', '_' or '-' (at most 32)")
        return v

    @field_validator("points", "each", "max_deduction")
    @classmethod
    def _half_steps(cls, v: Fraction | None) -> Fraction | None:
        if v is not None and not is_half_step(v):
            raise ValueError("points come in steps of 0.5")
        return v

    @field_validator("check")
    @classmethod
    def _check_has_type(cls, v: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(v.get("type"), str):
            raise ValueError("a check needs a 'type' (choice, number, expression, concept, ...)")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> Item:
        if self.effect == "multiply":
            if self.factor is None or not (0 <= self.factor <= 1):
                raise ValueError("effect 'multiply' needs a factor between 0 and 1")
        elif self.factor is not None:
            raise ValueError("'factor' is only for effect 'multiply'")
        if self.effect == "add" and self.points == 0 and self.check.get("type") != "manual":
            raise ValueError("an 'add' item needs non-zero points")
        if self.effect in ("zero", "review") and self.points != 0:
            raise ValueError(f"effect '{self.effect}' takes no points")
        if self.each is not None and self.points <= 0:
            raise ValueError("'each' needs positive 'points' as the item's cap")
        if self.per_occurrence and self.points >= 0:
            raise ValueError("'per_occurrence' is for deductions (negative points)")
        return self


class PartExample(_Model):
    """An answer with the points a human gave it: a self-test and training data."""

    answer: str
    points: PartPoints
    status: Literal["graded", "needs_review", "blank"] | None = None
    items: dict[str, bool] = Field(default_factory=dict)
    note: str = ""


class Part(_Model):
    id: str
    title: str = ""
    prompt: str = ""
    model_answer: str = ""
    max: PartMax
    policy: Literal["sum", "all_or_nothing"] = "sum"
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS_PER_PART)
    examples: list[PartExample] = Field(default_factory=list, max_length=MAX_EXAMPLES_PER_PART)
    feedback_full: str = ""
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not PART_ID.match(v):
            raise ValueError("ids use letters, digits, '.', '_' or '-' (at most 32)")
        return v

    @field_validator("max")
    @classmethod
    def _max(cls, v: Fraction) -> Fraction:
        if v <= 0 or not is_half_step(v):
            raise ValueError("max must be positive, in steps of 0.5")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> Part:
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"item id {item.id!r} appears twice")
            seen.add(item.id)
        for ex in self.examples:
            if not (0 <= ex.points <= self.max):
                raise ValueError(f"an example's points {ex.points} are outside [0, {self.max}]")
            unknown = set(ex.items) - seen
            if unknown:
                raise ValueError(f"an example names unknown items {sorted(unknown)}")
        return self


class ExamInfo(_Model):
    id: str
    title: str
    source: str = ""
    language: list[str] = Field(default_factory=lambda: ["en"])
    total: TotalPoints | None = None
    notes: str = ""


class Rubric(_Model):
    format: Literal[1] = 1
    exam: ExamInfo
    definitions: dict[str, Any] = Field(default_factory=dict)
    parts: list[Part] = Field(min_length=1, max_length=MAX_PARTS)
    _compiled: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _coherent(self) -> Rubric:
        seen: set[str] = set()
        for part in self.parts:
            if part.id in seen:
                raise ValueError(f"part id {part.id!r} appears twice")
            seen.add(part.id)
        if sum(len(p.items) for p in self.parts) > MAX_ITEMS:
            raise ValueError(f"a rubric has at most {MAX_ITEMS} items in all")
        if sum(len(p.examples) for p in self.parts) > MAX_EXAMPLES:
            raise ValueError(f"a rubric has at most {MAX_EXAMPLES} examples in all")
        if self.exam.total is not None:
            total = sum((p.max for p in self.parts), Fraction(0))
            if total != self.exam.total:
                raise ValueError(f"exam.total is {self.exam.total} but the parts add up to {total}")
        return self

    @property
    def max(self) -> Fraction:
        return sum((p.max for p in self.parts), Fraction(0))

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)
