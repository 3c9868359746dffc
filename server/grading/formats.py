"""The JSON shapes the service hands out: the CLI contract's result, and what builds on it.

One place so that the REST API, webhooks and exports agree on every number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import grader
from server.grading.models import PartResult, Submission


def points_json(value: Decimal | None) -> int | float | None:
    """A stored number of points in JSON (None while there is none), as the engine writes points."""
    return None if value is None else grader.points_json(value)


def part_json(part: PartResult, *, detail: bool) -> dict[str, Any]:
    """A part's result. Everyone who may read it sees points, max, status (``needs_review``: a person will
    check it), the feedback lines and whether a person set the score; instructors (``detail``) also see the
    grader's workings: matched items with their evidence, confidence, review reasons, the machine's points.
    """
    out: dict[str, Any] = {
        "points": points_json(part.points),
        "max": points_json(part.max_points),
        "status": part.status,
        "feedback": list(part.feedback),
    }
    if part.overridden:
        out["overridden"] = True
        out["override_reason"] = part.override_reason
    if detail:
        out.update(
            matched=part.matched,
            review_reasons=part.review_reasons,
            machine_points=points_json(part.machine_points),
            confidence=part.confidence,
            overridden=part.overridden,
            override_stale=part.override_stale,
        )
    return out


def result_json(submission: Submission, parts: list[PartResult], *, detail: bool = False) -> dict[str, Any]:
    """``{"id", "status", "total", "max", "parts": {...}}`` as the CLI prints it, plus service fields."""
    out: dict[str, Any] = {
        "id": str(submission.pk),
        "status": submission.status,
        "total": points_json(submission.total),
        "max": points_json(submission.max_points),
        "parts": {p.part_id: part_json(p, detail=detail) for p in sorted(parts, key=lambda p: p.position)},
        "student": submission.student,
        "external_id": submission.external_id,
        "needs_review": submission.needs_review,
        "submitted_at": submission.created_at.isoformat(),
        "graded_at": submission.graded_at.isoformat() if submission.graded_at else None,
    }
    if submission.unknown_parts:
        out["unknown_parts"] = list(submission.unknown_parts)
    if submission.status == "failed":
        out["failure_reason"] = submission.failure_reason
    return out
