"""Grading results: what the CLI prints and the service stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from grader.points import points_json

Status = Literal["graded", "needs_review", "blank"]


@dataclass(frozen=True)
class ItemResult:
    id: str
    points: Fraction
    evidence: tuple[str, ...] = ()
    effect: str = "add"
    feedback: str = ""
    confidence: float = 1.0
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "points": points_json(self.points),
            "effect": self.effect,
            "evidence": list(self.evidence),
            "feedback": self.feedback,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class PartResult:
    part_id: str
    points: Fraction
    max: Fraction
    status: Status
    feedback: tuple[str, ...] = ()
    matched: tuple[ItemResult, ...] = ()
    confidence: float = 1.0
    review_reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "points": points_json(self.points),
            "max": points_json(self.max),
            "status": self.status,
            "feedback": list(self.feedback),
            "matched": [m.to_dict() for m in self.matched],
            "confidence": round(self.confidence, 3),
            "review_reasons": list(self.review_reasons),
        }


@dataclass(frozen=True)
class SubmissionResult:
    id: str | None
    parts: dict[str, PartResult] = field(default_factory=dict)
    unknown_parts: tuple[str, ...] = ()

    @property
    def total(self) -> Fraction:
        return sum((p.points for p in self.parts.values()), Fraction(0))

    @property
    def max(self) -> Fraction:
        return sum((p.max for p in self.parts.values()), Fraction(0))

    @property
    def needs_review(self) -> bool:
        return any(p.status == "needs_review" for p in self.parts.values())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "total": points_json(self.total),
            "max": points_json(self.max),
            "parts": {pid: p.to_dict() for pid, p in self.parts.items()},
        }
        if self.unknown_parts:
            out["unknown_parts"] = list(self.unknown_parts)
        return out
