"""Every read, scoped to what the user may see. Not visible means 404, never a hint that it exists."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from server.grading import permissions
from server.grading.errors import NotFound
from server.grading.formats import points_json
from server.grading.models import (
    Assignment,
    Batch,
    BatchKind,
    Membership,
    PartResult,
    PartStatus,
    PointsChange,
    RetrainJob,
    Role,
    RubricVersion,
    ScoreOverride,
    Status,
    Submission,
    Webhook,
    WebhookDelivery,
)
from server.grading.permissions import Access


def assignments_visible(*, user) -> QuerySet[Assignment]:
    member = Q(memberships__user=user)
    if permissions.global_role(user) == Role.STUDENT:
        member |= Q(open_enrollment=True)
    return Assignment.objects.filter(member).distinct().select_related("current_rubric").order_by("slug")


def assignment_access(*, user, slug: str) -> Access:
    """The user's access to the assignment; 404 for anyone without a role there."""
    assignment = Assignment.objects.select_related("current_rubric").filter(slug=slug).first()
    access = permissions.access_for(user, assignment) if assignment else None
    if access is None:
        raise NotFound("no such assignment")
    return access


def _student_scope(user) -> Q:
    """A student's own submissions: their reference in each assignment they belong to."""
    scope = Q(pk__in=[])
    enrolled = []
    for m in Membership.objects.filter(user=user, role=Role.STUDENT):
        scope |= Q(assignment_id=m.assignment_id, student=m.student_ref or user.get_username())
        enrolled.append(m.assignment_id)
    if permissions.global_role(user) == Role.STUDENT:
        scope |= Q(assignment__open_enrollment=True, student=user.get_username()) & ~Q(assignment_id__in=enrolled)
    return scope


def submissions_visible(*, user) -> QuerySet[Submission]:
    teaching = Membership.objects.filter(user=user, role=Role.INSTRUCTOR).values("assignment_id")
    return Submission.objects.filter(Q(assignment_id__in=teaching) | _student_scope(user))


def submissions_of(*, access: Access) -> QuerySet[Submission]:
    """An assignment's submissions the caller may see: all of them for its instructors, else their own."""
    rows = Submission.objects.filter(assignment=access.assignment)
    return rows if access.instructor else rows.filter(student=access.student_ref)


def teaching(*, user) -> set[int]:
    """Ids of the assignments the user teaches."""
    return set(Membership.objects.filter(user=user, role=Role.INSTRUCTOR).values_list("assignment_id", flat=True))


def submission_access(*, user, submission_id: Any) -> tuple[Submission, Access]:
    """A submission the user may see (their own, or one of an assignment they teach) and their access; else 404."""
    submission = (
        Submission.objects.select_related("assignment__current_rubric", "rubric_version")
        .filter(pk=submission_id)
        .first()
    )
    access = permissions.access_for(user, submission.assignment) if submission else None
    if access is None or not access.sees_submission_of(submission.student):
        raise NotFound("no such submission")
    return submission, access


def with_parts(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    return submissions.prefetch_related(Prefetch("parts", queryset=PartResult.objects.order_by("position")))


def latest_only(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    newer = Submission.objects.filter(
        assignment_id=OuterRef("assignment_id"), student=OuterRef("student"), created_at__gt=OuterRef("created_at")
    )
    return submissions.filter(~Exists(newer))


@dataclass(frozen=True)
class ResultFilters:
    status: str | None = None
    student: str | None = None
    needs_review: bool | None = None
    latest: bool = False
    batch: Any = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    part: str | None = None
    part_status: str | None = None
    search: str | None = None
    ordering: str | None = None


def submissions_filtered(*, submissions: QuerySet[Submission], filters: ResultFilters) -> QuerySet[Submission]:
    f = filters
    rows = submissions
    exact = {"status": f.status, "student": f.student, "needs_review": f.needs_review, "total__gte": f.min_total}
    exact |= {"total__lte": f.max_total, "student__icontains": f.search}
    rows = rows.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.batch is not None:
        rows = rows.filter(Q(batch_id=f.batch) | Q(regrade_batch_id=f.batch))
    if f.part is not None or f.part_status is not None:
        part_q = Q(submission=OuterRef("pk"))
        part_q &= Q(part_id=f.part) if f.part is not None else Q()
        part_q &= Q(status=f.part_status) if f.part_status is not None else Q()
        rows = rows.filter(Exists(PartResult.objects.filter(part_q)))
    if f.latest:
        rows = latest_only(rows)
    return ordered(rows, f.ordering)


def ordered(rows: QuerySet[Submission], ordering: str | None) -> QuerySet[Submission]:
    """Sorted by a column of the results table (``-`` for descending), then in upload order."""
    upload_order = ("created_at", "batch_row", "id")
    if not ordering:
        return rows.order_by(*upload_order)
    descending, column = ordering.startswith("-"), ordering.lstrip("-")
    if column.startswith("part:"):
        points = PartResult.objects.filter(submission=OuterRef("pk"), part_id=column.removeprefix("part:"))
        rows, key = rows.annotate(sort_part=Subquery(points.values("points")[:1])), F("sort_part")
    else:
        key = {"student": Lower("student"), "total": F("total"), "status": F("status"), "submitted": F("created_at")}[
            column
        ]
    key = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
    return rows.order_by(key, *upload_order)


def results_table(*, assignment: Assignment, filters: ResultFilters) -> QuerySet[Submission]:
    return with_parts(submissions_filtered(submissions=assignment.submissions.all(), filters=filters))


def review_queue(*, assignment: Assignment, part_id: str | None = None) -> QuerySet[PartResult]:
    """Parts a person should look at: flagged by the grader, or whose override a new rubric version set aside."""
    waiting = Q(status=PartStatus.NEEDS_REVIEW) | Q(override_stale=True)
    parts = PartResult.objects.filter(waiting, submission__assignment=assignment, overridden=False).select_related(
        "submission"
    )
    if part_id:
        parts = parts.filter(part_id=part_id)
    return parts.order_by("submission__created_at", "position")


def overrides_for(*, assignment: Assignment, submission: Submission | None = None) -> QuerySet[ScoreOverride]:
    rows = ScoreOverride.objects.filter(submission__assignment=assignment).select_related("created_by", "submission")
    return rows.filter(submission=submission) if submission is not None else rows


def rubric_versions(*, assignment: Assignment) -> QuerySet[RubricVersion]:
    return assignment.rubric_versions.select_related("uploaded_by").order_by("-number")


def members(*, assignment: Assignment) -> QuerySet[Membership]:
    return assignment.memberships.select_related("user").order_by("role", "user__username")


def _teaches(user, assignment: Assignment) -> bool:
    access = permissions.access_for(user, assignment)
    return access is not None and access.instructor


def batch_for(*, user, batch_id: Any) -> Batch:
    batch = Batch.objects.select_related("assignment", "rubric_version").filter(pk=batch_id).first()
    if batch is None or not _teaches(user, batch.assignment):
        raise NotFound("no such batch")
    return batch


def points_changes(*, batch: Batch) -> QuerySet[PointsChange]:
    """What a regrade changed, part by part, by student."""
    return (
        PointsChange.objects.filter(batch=batch)
        .select_related("submission")
        .order_by("submission__student", "submission_id", "id")
    )


def retrain_for(*, user, job_id: Any) -> RetrainJob:
    job = RetrainJob.objects.select_related("assignment", "rubric_version").filter(pk=job_id).first()
    if job is None or not _teaches(user, job.assignment):
        raise NotFound("no such retrain job")
    return job


def batch_progress(*, batch: Batch) -> dict[str, Any]:
    rows = batch.regraded.all() if batch.kind == BatchKind.REGRADE else batch.submissions.all()
    counts = {s.value: 0 for s in Status}
    for row in rows.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counted = sum(counts.values())
    out = {
        "counts": counts,
        "done": counts[Status.QUEUED] == 0 and counts[Status.GRADING] == 0,
        "needs_review": rows.filter(needs_review=True).count(),
        "missing": max(batch.size - counted, 0),  # regraded again by a later batch, or deleted
    }
    if batch.kind == BatchKind.REGRADE:
        out["changed"] = rows.filter(result_changed_at__gte=batch.created_at).count()
    return out


def webhooks_for(*, assignment: Assignment) -> QuerySet[Webhook]:
    return assignment.webhooks.all()


def webhook_access(*, user, webhook_id: int) -> tuple[Webhook, Access]:
    """A webhook of an assignment the user teaches, and their access; 404 for everyone else."""
    webhook = Webhook.objects.select_related("assignment").filter(pk=webhook_id).first()
    access = permissions.access_for(user, webhook.assignment) if webhook else None
    if access is None or not access.instructor:
        raise NotFound("no such webhook")
    return webhook, access


def deliveries_for(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return webhook.deliveries.order_by("-created_at")


# --- statistics -------------------------------------------------------------------


def _describe(histogram: dict[Decimal, int], maximum: Decimal | None) -> dict[str, Any]:
    values = sorted(histogram)
    n = sum(histogram.values())
    if not n:
        return {"count": 0, "mean": None, "median": None, "stdev": None, "min": None, "max": None, "distribution": []}
    expanded = [float(v) for v in values for _ in range(histogram[v])]
    out = {
        "count": n,
        "mean": round(statistics.fmean(expanded), 4),
        "median": statistics.median(expanded),
        "stdev": round(statistics.pstdev(expanded), 4),
        "min": points_json(values[0]),
        "max": points_json(values[-1]),
        "distribution": [{"points": points_json(v), "count": histogram[v]} for v in values],
    }
    if maximum:
        out["full_marks"] = histogram.get(maximum, 0)
        out["mean_percent"] = round(100 * out["mean"] / float(maximum), 2)
    return out


def part_statistics(*, assignment: Assignment, latest: bool = True) -> dict[str, Any]:
    """Per part and overall: mean, median, stdev, distribution, statuses. Graded submissions only."""
    graded = assignment.submissions.filter(status=Status.GRADED)
    if latest:
        graded = latest_only(graded)
    rubric_parts = assignment.current_rubric.parts if assignment.current_rubric else []
    histograms: dict[str, dict[Decimal, int]] = defaultdict(lambda: defaultdict(int))
    statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    overridden: dict[str, int] = defaultdict(int)
    rows = PartResult.objects.filter(submission__in=graded).values("part_id", "points", "status", "overridden")
    for row in rows.annotate(n=Count("pk")):
        histograms[row["part_id"]][row["points"].normalize()] += row["n"]
        statuses[row["part_id"]][row["status"]] += row["n"]
        overridden[row["part_id"]] += row["n"] if row["overridden"] else 0
    parts = {}
    for p in rubric_parts:
        stats = _describe(histograms.get(p["id"], {}), Decimal(str(p["max"])).normalize())
        parts[p["id"]] = {
            "max": p["max"],
            **stats,
            "statuses": dict(statuses.get(p["id"], {})),
            "overridden": overridden[p["id"]],
        }
    totals: dict[Decimal, int] = defaultdict(int)
    for row in graded.values("total").annotate(n=Count("pk")):
        totals[row["total"].normalize()] += row["n"]
    maximum = assignment.current_rubric.max_points.normalize() if assignment.current_rubric else None
    return {
        "submissions": sum(totals.values()),
        "latest_only": latest,
        "total": _describe(totals, maximum),
        "parts": parts,
    }
