"""Storing grading results: only what changed is rewritten, human overrides stay, the outbox is written alongside.

Results are stored in one transaction guarded by the claims: a row is
written only while this task still holds it, and only if the rubric it
was graded against is still the assignment's current one (otherwise it is
handed back to be graded again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from grader import PartResult as EnginePart
from grader import SubmissionResult
from server.grading import overrides
from server.grading.models import PartResult, PartStatus, PointsChange, ScoreOverride, Status, Submission
from server.grading.points import to_decimal
from server.grading.webhooks import webhook_events_create

PART_FIELDS = (
    "position", "machine_points", "max_points", "status", "feedback", "matched", "confidence", "review_reasons",
)  # fmt: skip
RESULT_FIELDS = (
    "status", "rubric_version", "unknown_parts", "claim_token", "failure_reason", "graded_at",
    "result_changed_at", "total", "max_points", "needs_review", "updated_at",
)  # fmt: skip

Graded = tuple[Submission, int, SubmissionResult]  # a claimed row, the rubric version id it was graded with, the result


def part_values(position: int, part: EnginePart) -> dict[str, Any]:
    """The engine's result for one part as PartResult column values."""
    data = part.to_dict()
    return {
        "position": position,
        "machine_points": to_decimal(part.points),
        "max_points": to_decimal(part.max),
        "status": part.status,
        "feedback": data["feedback"],
        "matched": data["matched"],
        "confidence": data["confidence"],
        "review_reasons": data["review_reasons"],
    }


def unchanged(row: PartResult, values: dict[str, Any]) -> bool:
    return all(getattr(row, k) == v for k, v in values.items())


@dataclass
class PartsPlan:
    """What one submission's new result changes: rows to create, update and delete."""

    created: list[PartResult] = field(default_factory=list)
    updated: list[PartResult] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    parts: list[PartResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def plan_parts(
    submission: Submission, existing: dict[str, PartResult], version_id: int, result: SubmissionResult
) -> PartsPlan:
    """Only parts whose result changed are rewritten; a human override stays and is flagged."""
    plan, existing, now = PartsPlan(), dict(existing), timezone.now()
    for position, (part_id, part) in enumerate(result.parts.items()):
        values = part_values(position, part)
        old = existing.pop(part_id, None)
        if old is None:
            plan.created.append(
                PartResult(
                    submission=submission,
                    part_id=part_id,
                    points=values["machine_points"],
                    rubric_version_id=version_id,
                    **values,
                )
            )
        elif unchanged(old, values):
            plan.parts.append(old)
        else:
            for k, v in values.items():
                setattr(old, k, v)
            old.rubric_version_id, old.updated_at = version_id, now
            old.override_stale = old.overridden
            old.points = old.points if old.overridden else old.machine_points
            plan.updated.append(old)
    plan.removed = [p.pk for p in existing.values()]  # parts the new rubric no longer has
    plan.parts = sorted(plan.parts + plan.created + plan.updated, key=lambda p: p.position)
    return plan


def apply_plans(plans: Sequence[PartsPlan]) -> None:
    PartResult.objects.bulk_create([p for plan in plans for p in plan.created])
    upsert(
        PartResult,
        [p for plan in plans for p in plan.updated],
        [*PART_FIELDS, "points", "overridden", "override_reason", "override_stale", "rubric_version", "updated_at"],
    )
    removed = [pk for plan in plans for pk in plan.removed]
    if removed:
        PartResult.objects.filter(pk__in=removed).delete()


def upsert(model, rows: Sequence[Any], fields: Sequence[str]) -> None:
    """UPDATE many existing rows with one INSERT ... ON CONFLICT (id) DO UPDATE.

    Django's bulk_update builds a CASE per field and row (milliseconds a row);
    this is one VALUES list. The rows exist and are locked, so nothing is inserted.
    """
    if rows:
        model.objects.bulk_create(rows, update_conflicts=True, unique_fields=["id"], update_fields=list(fields))


def set_totals(submission: Submission, parts: Sequence[PartResult]) -> None:
    submission.total = sum((p.points for p in parts), Decimal(0))
    submission.max_points = sum((p.max_points for p in parts), Decimal(0))
    submission.needs_review = any(
        (p.status == PartStatus.NEEDS_REVIEW or p.override_stale) and not p.overridden for p in parts
    )  # an override set aside by a new rubric version waits for the instructor


def _mark_graded(submission: Submission, plan: PartsPlan, version_id: int, result: SubmissionResult, now) -> None:
    set_totals(submission, plan.parts)
    submission.status = Status.GRADED
    submission.rubric_version_id = version_id
    submission.unknown_parts = list(result.unknown_parts)
    submission.claim_token = submission.failure_reason = ""
    submission.graded_at = submission.updated_at = now
    if plan.changed:
        submission.result_changed_at = now


def regrade_changes(
    todo: Sequence[Graded], plans: Sequence[PartsPlan], before: dict[Any, dict[str, Decimal]]
) -> list[PointsChange]:
    """The parts of regraded submissions whose points changed (``before``: points per submission and part
    before planning; overrides set aside count), for the instructor who asked for the regrade."""
    out = []
    for (submission, _, _), plan in zip(todo, plans, strict=True):
        if submission.regrade_batch_id is None or submission.graded_at is None:
            continue  # a first grading changes nothing
        old = before.get(submission.pk, {})
        new = {p.part_id: p.points for p in plan.parts}
        for part_id in [*new, *(k for k in old if k not in new)]:
            if old.get(part_id) != new.get(part_id):
                out.append(
                    PointsChange(
                        batch_id=submission.regrade_batch_id,
                        submission=submission,
                        part_id=part_id,
                        old_points=old.get(part_id),
                        new_points=new.get(part_id),
                    )
                )
    return out


def store_graded(graded: Sequence[Graded], token: str) -> tuple[int, list[str]]:
    """One transaction for the chunk, guarded by the claims. Returns (stored, ids graded against a stale version)."""
    if not graded:
        return 0, []
    ids = [s.pk for s, _, _ in graded]
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).select_related("assignment").order_by("pk")
        mine = {s.pk: s for s in locked.filter(pk__in=ids, status=Status.GRADING, claim_token=token)}
        stale = [str(s.pk) for s, vid, _ in graded if s.pk in mine and mine[s.pk].assignment.current_rubric_id != vid]
        todo = [(mine[s.pk], vid, r) for s, vid, r in graded if s.pk in mine and str(s.pk) not in stale]
        existing: dict[Any, dict[str, PartResult]] = defaultdict(dict)
        for part in PartResult.objects.filter(submission_id__in=[s.pk for s, _, _ in todo]):
            existing[part.submission_id][part.part_id] = part
        before = {sid: {pid: p.points for pid, p in parts.items()} for sid, parts in existing.items()}
        plans = [plan_parts(s, existing[s.pk], vid, r) for s, vid, r in todo]
        set_aside = overrides.refit([(*row, plan) for row, plan in zip(todo, plans, strict=True)], existing)
        apply_plans(plans)
        ScoreOverride.objects.bulk_create(set_aside)
        PointsChange.objects.bulk_create(regrade_changes(todo, plans, before))
        now = timezone.now()
        events = []
        for (submission, vid, result), plan in zip(todo, plans, strict=True):
            first = submission.graded_at is None
            _mark_graded(submission, plan, vid, result, now)
            if plan.changed or first:
                events.append((submission, plan.parts, "graded" if first else "regraded"))
        upsert(Submission, [s for s, _, _ in todo], RESULT_FIELDS)
        webhook_events_create(events)
    return len(todo), stale
