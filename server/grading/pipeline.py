"""The worker side: claim, grade, store, and the sweep that makes lost messages harmless.

A task carries a chunk of submission ids. Fresh rows (never claimed) are
claimed together with one conditional UPDATE, graded, and stored in one
transaction: a few queries per chunk instead of per submission. Rows that
were claimed before (a redelivery after a worker died, a sweep resend) go
one at a time, each claimed just before it is graded, so a poison
submission counts attempts against itself only and is quarantined after
``MAX_ATTEMPTS``. The task id is the claim token: Celery redelivers a
message with the same id, and only that message may take back rows it had
claimed; any other delivery finds them taken and skips them.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from grader.result import SubmissionResult
from server.grading.models import (
    Assignment,
    PartResult,
    PartStatus,
    RetrainJob,
    RetrainStatus,
    RubricVersion,
    Status,
    Submission,
    Webhook,
    WebhookDelivery,
)
from server.grading.rubrics import (
    Watermark,
    answer_text,
    compiled_for,
    grade_with_version,
    override_watermarks,
    watermark_text,
)

log = logging.getLogger(__name__)
QUANTUM = Decimal("0.0001")
PART_FIELDS = (
    "position",
    "machine_points",
    "max_points",
    "status",
    "feedback",
    "matched",
    "confidence",
    "review_reasons",
)
RESULT_FIELDS = (
    "status", "rubric_version", "unknown_parts", "claim_token", "failure_reason", "graded_at",
    "result_changed_at", "total", "max_points", "needs_review", "updated_at",
)  # fmt: skip


def to_decimal(value: Fraction | Decimal | int | float) -> Decimal:
    if isinstance(value, Fraction):
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(QUANTUM)
    return Decimal(str(value)).quantize(QUANTUM)


# --- sending work -----------------------------------------------------------------------


def _chunks(ids: Sequence[Any], size: int) -> list[list[str]]:
    return [[str(i) for i in ids[n : n + size]] for n in range(0, len(ids), size)]


def _broker_down(exc: Exception) -> bool:
    """A publish failed because the broker is unreachable (not a bug to raise)."""
    return isinstance(exc, (OSError, ConnectionError)) or type(exc).__module__.startswith(("kombu", "redis", "amqp"))


def send_for_grading(ids: Sequence[Any]) -> None:
    """Publish now. A broker failure is logged, not raised: the rows stay queued and the sweep resends them."""
    from server.grading.tasks import grade_submissions

    for chunk in _chunks(ids, settings.GRADING["CHUNK_SIZE"]):
        try:
            grade_submissions.delay(chunk)
        except Exception as exc:
            if not _broker_down(exc):
                raise
            log.warning("could not publish %d submissions (%s); the sweep will resend them", len(chunk), exc)
            return


def enqueue_on_commit(ids: Sequence[Any]) -> None:
    ids = list(ids)
    transaction.on_commit(lambda: send_for_grading(ids))


# --- claiming ----------------------------------------------------------------------------


def _claimable(token: str, now) -> Q:
    lease = timedelta(seconds=settings.GRADING["LEASE_SECONDS"])
    return (
        Q(status=Status.QUEUED)
        # The same message again: Celery redelivered it after its worker died mid-task.
        | Q(status=Status.GRADING, claim_token=token)
        | Q(status=Status.GRADING, claimed_at__lt=now - lease)
    )


def _claim_update(token: str, now) -> dict[str, Any]:
    return {"status": Status.GRADING, "claim_token": token, "claimed_at": now, "attempts": F("attempts") + 1}


def submission_claim(*, submission_id: str, token: str) -> Submission | None:
    """Conditional UPDATE: only one delivery gets the row. Past MAX_ATTEMPTS the row is quarantined."""
    now = timezone.now()
    rows = Submission.objects.filter(_claimable(token, now), pk=submission_id)
    max_attempts = settings.GRADING["MAX_ATTEMPTS"]
    if rows.filter(attempts__lt=max_attempts).update(**_claim_update(token, now)):
        return Submission.objects.only("id", "answers", "assignment_id").get(pk=submission_id)
    reason = f"quarantined: grading did not finish in {max_attempts} attempts (worker lost or timed out)"
    if rows.filter(attempts__gte=max_attempts).update(status=Status.FAILED, failure_reason=reason, claim_token=""):
        log.error("submission %s %s", submission_id, reason)
    return None


def _claim_fresh(ids: Sequence[str], token: str) -> list[Submission]:
    """One UPDATE for every row of the chunk that was never claimed."""
    now = timezone.now()
    Submission.objects.filter(_claimable(token, now), pk__in=ids, attempts=0).update(**_claim_update(token, now))
    # claimed_at == now tells the rows this UPDATE took from rows an earlier delivery of this task took.
    claimed = Submission.objects.filter(pk__in=ids, status=Status.GRADING, claim_token=token, claimed_at=now)
    return list(claimed.only("id", "answers", "assignment_id"))


def _release(ids: Sequence[Any], token: str, *, uncount: bool) -> None:
    """Back to queued. ``uncount``: the rows were claimed but never graded, so the attempt does not count."""
    change: dict[str, Any] = {"status": Status.QUEUED, "claim_token": "", "queued_at": timezone.now()}
    if uncount:
        change["attempts"] = F("attempts") - 1
    Submission.objects.filter(pk__in=ids, status=Status.GRADING, claim_token=token).update(**change)


def submission_release(*, submission_id: str, token: str) -> None:
    _release([submission_id], token, uncount=False)


def _fail(submission_id: Any, token: str, reason: str) -> None:
    log.error("grading submission %s failed: %s", submission_id, reason)
    Submission.objects.filter(pk=submission_id, status=Status.GRADING, claim_token=token).update(
        status=Status.FAILED, failure_reason=f"grading failed: {reason}"[:2000], claim_token=""
    )


# --- grading --------------------------------------------------------------------------------


Version = tuple[int, str, Watermark]  # (rubric version id, sha256, override watermark)


def _versions(assignment_ids: set[int], marks: dict[int, Watermark]) -> dict[int, Version]:
    """Current versions; ``marks`` holds the task's override watermarks, read once per version per task."""
    rows = Assignment.objects.filter(pk__in=assignment_ids).values_list(
        "pk", "current_rubric_id", "current_rubric__sha256"
    )
    rows = list(rows)
    missing = {vid for _, vid, _ in rows if vid not in marks}
    if missing:
        marks.update(override_watermarks(missing))
    return {pk: (version_id, sha, marks[version_id]) for pk, version_id, sha in rows}


def _grade(submission: Submission, version: Version) -> SubmissionResult:
    return grade_with_version(version[0], version[1], submission.answers, str(submission.pk), watermark=version[2])


def submissions_grade(*, ids: Sequence[str], token: str) -> dict[str, int]:
    """Grade a chunk: fresh rows together, the others one by one. Past the budget, the rest is sent on."""
    deadline = time.monotonic() + settings.GRADING["CHUNK_BUDGET_SECONDS"]
    counts: dict[str, int] = defaultdict(int)
    marks: dict[int, Watermark] = {}  # override watermarks: read once per task, not per submission
    fresh = _claim_fresh(ids, token)
    rest = _grade_together(fresh, token, deadline, counts, marks)
    done = {str(s.pk) for s in fresh}
    remaining = [i for i in ids if str(i) not in done] + rest
    for n, submission_id in enumerate(remaining):
        if (n or fresh) and time.monotonic() > deadline:  # one at least per task, so a resend progresses
            _defer(remaining[n:], counts)
            break
        try:
            counts[submission_grade(submission_id=submission_id, token=token, marks=marks)] += 1
        except SoftTimeLimitExceeded:
            submission_release(submission_id=submission_id, token=token)
            _defer(remaining[n:], counts)
            break
    return dict(counts)


def _defer(ids: Sequence[Any], counts: dict[str, int]) -> None:
    send_for_grading(ids)
    counts["deferred"] += len(ids)


def _grade_together(
    fresh: list[Submission], token: str, deadline: float, counts: dict[str, int], marks: dict[int, Watermark]
) -> list[str]:
    """Grade the fresh rows in memory and store them in one transaction; returns ids left for the slow path."""
    if not fresh:
        return []
    versions = _versions({s.assignment_id for s in fresh}, marks)
    graded: list[tuple[Submission, int, SubmissionResult]] = []
    for n, submission in enumerate(fresh):
        if n and time.monotonic() > deadline:
            _release([s.pk for s in fresh[n:]], token, uncount=True)
            _defer([str(s.pk) for s in fresh[n:]], counts)
            break
        version = versions[submission.assignment_id]
        try:
            graded.append((submission, version[0], _grade(submission, version)))
        except SoftTimeLimitExceeded:
            _release([submission.pk], token, uncount=False)  # this one hung: it keeps the attempt
            _release([s.pk for s in fresh[n + 1 :]], token, uncount=True)
            _defer([str(s.pk) for s in fresh[n:]], counts)
            break
        except Exception as exc:  # an engine fault is not retried: it would fail the same way
            log.exception("engine fault on submission %s", submission.pk)
            _fail(submission.pk, token, f"{type(exc).__name__}: {exc}")
            counts["failed"] += 1
    stored, stale = _store_many(graded, token) if graded else (0, [])
    if stored:
        counts["graded"] += stored
    return stale


def submission_grade(*, submission_id: str, token: str, marks: dict[int, Watermark] | None = None) -> str:
    """The careful path: claim one row, grade, store. Returns graded, skipped, failed or lost."""
    submission = submission_claim(submission_id=submission_id, token=token)
    if submission is None:
        return "skipped"
    marks = {} if marks is None else marks
    for _ in range(3):  # a rubric upload while grading: grade again against the new version
        version = _versions({submission.assignment_id}, marks)[submission.assignment_id]
        try:
            result = _grade(submission, version)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            log.exception("engine fault on submission %s", submission_id)
            _fail(submission_id, token, f"{type(exc).__name__}: {exc}")
            return "failed"
        stored, stale = _store_many([(submission, version[0], result)], token)
        if not stale:
            return "graded" if stored else "lost"
    return "lost"


# --- storing ---------------------------------------------------------------------------------


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


def _part_values(position: int, part) -> dict[str, Any]:
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


def plan_parts(submission: Submission, existing: dict[str, PartResult], version_id: int, result) -> PartsPlan:
    """Only parts whose result changed are rewritten; a human override stays and is flagged."""
    plan, existing, now = PartsPlan(), dict(existing), timezone.now()
    for position, (part_id, part) in enumerate(result.parts.items()):
        values = _part_values(position, part)
        old = existing.pop(part_id, None)
        if old is None:
            new = PartResult(
                submission=submission,
                part_id=part_id,
                points=values["machine_points"],
                rubric_version_id=version_id,
                **values,
            )
            plan.created.append(new)
        elif all(getattr(old, k) == v for k, v in values.items()):
            plan.parts.append(old)
            continue
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
    updated = [p for plan in plans for p in plan.updated]
    if updated:
        upsert(PartResult, updated, [*PART_FIELDS, "points", "override_stale", "rubric_version", "updated_at"])
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
    submission.needs_review = any(p.status == PartStatus.NEEDS_REVIEW and not p.overridden for p in parts)


def _mark_graded(submission: Submission, plan: PartsPlan, version_id: int, result: SubmissionResult, now) -> None:
    set_totals(submission, plan.parts)
    submission.status = Status.GRADED
    submission.rubric_version_id = version_id
    submission.unknown_parts = list(result.unknown_parts)
    submission.claim_token = submission.failure_reason = ""
    submission.graded_at = submission.updated_at = now
    if plan.changed:
        submission.result_changed_at = now


def _store_many(graded: Sequence[tuple[Submission, int, SubmissionResult]], token: str) -> tuple[int, list[str]]:
    """One transaction for the chunk, guarded by the claims. Returns (stored, ids graded against a stale version)."""
    ids = [s.pk for s, _, _ in graded]
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).select_related("assignment").order_by("pk")
        mine = {s.pk: s for s in locked.filter(pk__in=ids, status=Status.GRADING, claim_token=token)}
        stale = [str(s.pk) for s, vid, _ in graded if s.pk in mine and mine[s.pk].assignment.current_rubric_id != vid]
        todo = [(mine[s.pk], vid, r) for s, vid, r in graded if s.pk in mine and str(s.pk) not in stale]
        existing: dict[Any, dict[str, PartResult]] = defaultdict(dict)
        for part in PartResult.objects.filter(submission_id__in=[s.pk for s, _, _ in todo]):
            existing[part.submission_id][part.part_id] = part
        plans = [plan_parts(s, existing[s.pk], vid, r) for s, vid, r in todo]
        apply_plans(plans)
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


# --- webhooks (an outbox written with the results) ------------------------------------------------


def webhook_events_create(events: Sequence[tuple[Submission, Sequence[PartResult], str]]) -> None:
    """Delivery rows in the caller's transaction, sent once it commits."""
    from server.grading.webhooks import event_payload, send_delivery

    if not events:
        return
    hooks: dict[int, list[Webhook]] = defaultdict(list)
    for hook in Webhook.objects.filter(assignment_id__in={s.assignment_id for s, _, _ in events}, active=True):
        hooks[hook.assignment_id].append(hook)
    if not hooks:
        return
    numbers = dict(
        RubricVersion.objects.filter(pk__in={s.rubric_version_id for s, _, _ in events}).values_list("pk", "number")
    )
    deliveries = []
    for submission, parts, reason in events:
        for hook in hooks.get(submission.assignment_id, []):
            delivery_id = uuid.uuid4()
            payload = event_payload(
                delivery_id=delivery_id, submission=submission, parts=list(parts), reason=reason,
                version_number=numbers.get(submission.rubric_version_id),
            )  # fmt: skip
            deliveries.append(
                WebhookDelivery(
                    id=delivery_id, webhook=hook, submission=submission, event=payload["event"], payload=payload
                )
            )
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [send_delivery(i) for i in ids])


# --- retraining a part from the overrides ---------------------------------------------------


def send_retrain(job_id: Any) -> None:
    """Publish now; like grading, a broker failure is left to the sweep."""
    from server.grading.tasks import retrain_part

    try:
        retrain_part.delay(str(job_id))
    except Exception as exc:
        if not _broker_down(exc):
            raise
        log.warning("could not publish retrain job %s (%s); the sweep will resend it", job_id, exc)


def _retrain_candidates(job: RetrainJob, cursor: Any, limit: int) -> list[tuple[Any, Any]]:
    """The next graded submissions of the job's version (after ``cursor``) whose part is not overridden."""
    open_part = PartResult.objects.filter(submission=OuterRef("pk"), part_id=job.part_id, overridden=False)
    rows = Submission.objects.filter(
        assignment_id=job.assignment_id, rubric_version_id=job.rubric_version_id, status=Status.GRADED
    ).filter(Exists(open_part))
    if cursor is not None:
        rows = rows.filter(pk__gt=cursor)
    return list(rows.order_by("pk").values_list("pk", "answers")[:limit])


def _retrain_chunk(job: RetrainJob, entry, limit: int) -> bool | None:
    """Regrade the job's part for the next chunk and store what changed with the job's progress, in one
    transaction. Returns True when no submission is left, None when another delivery of the job moved first."""
    cursor = RetrainJob.objects.values_list("cursor", flat=True).get(pk=job.pk)
    batch = _retrain_candidates(job, cursor, limit)
    if not batch:
        return True
    cpart = entry.compiled.parts[job.part_id]
    with entry.lock:  # graded outside the transaction: the answer and the compiled rubric fix the result
        results = {pk: cpart.grade(answer_text((answers or {}).get(job.part_id))) for pk, answers in batch}
    with transaction.atomic():
        locked_job = RetrainJob.objects.select_for_update().get(pk=job.pk)
        if locked_job.status != RetrainStatus.RUNNING:
            return True  # finished or failed by another delivery
        if locked_job.cursor != cursor:
            return None
        locked = Submission.objects.select_for_update(of=("self",)).order_by("pk")
        mine = {
            s.pk: s
            for s in locked.filter(pk__in=list(results), status=Status.GRADED, rubric_version_id=job.rubric_version_id)
        }  # a row being graded again or moved to another version meanwhile is left to that grading
        parts: dict[Any, list[PartResult]] = defaultdict(list)
        for part in PartResult.objects.filter(submission_id__in=list(mine)).order_by("position"):
            parts[part.submission_id].append(part)
        now, updated, changed, events, rescored = timezone.now(), [], [], [], 0
        for pk, submission in mine.items():
            old = next((p for p in parts[pk] if p.part_id == job.part_id), None)
            if old is None or old.overridden:  # overridden since it was read: the human's score stands
                continue
            values = _part_values(old.position, results[pk])
            if all(getattr(old, k) == v for k, v in values.items()):
                continue
            rescored += old.points != values["machine_points"]
            for k, v in values.items():
                setattr(old, k, v)
            old.points, old.rubric_version_id, old.updated_at = old.machine_points, job.rubric_version_id, now
            updated.append(old)
            set_totals(submission, parts[pk])
            submission.result_changed_at = submission.updated_at = now
            changed.append(submission)
            events.append((submission, parts[pk], "regraded"))
        upsert(PartResult, updated, [*PART_FIELDS, "points", "rubric_version", "updated_at"])
        upsert(Submission, changed, ["total", "max_points", "needs_review", "result_changed_at", "updated_at"])
        webhook_events_create(events)
        locked_job.cursor = batch[-1][0]
        locked_job.examined += len(batch)
        locked_job.changed += len(changed)
        locked_job.rescored += rescored
        locked_job.save(update_fields=["cursor", "examined", "changed", "rescored", "updated_at"])
    return len(batch) < limit


def _finish(job_id: Any, status: str, reason: str = "") -> None:
    RetrainJob.objects.filter(pk=job_id, status=RetrainStatus.RUNNING).update(
        status=status, finished_at=timezone.now(), updated_at=timezone.now(), failure_reason=reason[:2000]
    )


def retrain_run(*, job_id: Any) -> dict[str, Any]:
    """Relearn the job's part from the overrides, then regrade it where it is not overridden.

    Idempotent: a finished job does nothing; a redelivered or resent one
    resumes at the committed cursor. Past the chunk budget (or at the soft
    time limit) the rest is sent on as a new message of the same job.
    """
    deadline = time.monotonic() + settings.GRADING["CHUNK_BUDGET_SECONDS"]
    now = timezone.now()
    RetrainJob.objects.filter(pk=job_id, status=RetrainStatus.QUEUED).update(
        status=RetrainStatus.RUNNING, started_at=now, updated_at=now
    )
    job = RetrainJob.objects.select_related("rubric_version").filter(pk=job_id).first()
    if job is None or job.status != RetrainStatus.RUNNING:
        return {"skipped": 1}
    version = job.rubric_version
    try:
        watermark = override_watermarks([version.pk])[version.pk]  # once per task
        entry = compiled_for(version.pk, version.sha256, watermark)
        RetrainJob.objects.filter(pk=job.pk).update(
            watermark=watermark_text(watermark), examples=entry.examples.get(job.part_id, 0), updated_at=now
        )
        if job.part_id not in entry.compiled.parts:
            _finish(job.pk, RetrainStatus.DONE)
            return {"done": 1, "changed": 0}
        size = settings.GRADING["RETRAIN_CHUNK_SIZE"]
        while True:
            done = _retrain_chunk(job, entry, size)
            if done:
                _finish(job.pk, RetrainStatus.DONE)
                break
            if time.monotonic() > deadline:
                send_retrain(job.pk)
                return {"deferred": 1}
    except SoftTimeLimitExceeded:
        send_retrain(job.pk)  # the committed chunks stay; the next message resumes after them
        return {"deferred": 1}
    except Exception as exc:  # an engine fault is not retried: it would fail the same way
        log.exception("retrain job %s failed", job.pk)
        _finish(job.pk, RetrainStatus.FAILED, f"{type(exc).__name__}: {exc}")
        return {"failed": 1}
    job.refresh_from_db(fields=["changed", "examined", "rescored"])
    return {"done": 1, "examined": job.examined, "changed": job.changed, "rescored": job.rescored}


# --- the sweep: the database is the truth, messages can be lost ----------------------------------


def grading_sweep(*, limit: int = 5000) -> dict[str, int]:
    """Resend submissions whose message was lost, free rows of dead workers, retry due webhooks."""
    from server.grading.webhooks import send_delivery

    now = timezone.now()
    max_attempts = settings.GRADING["MAX_ATTEMPTS"]
    lease_cut = now - timedelta(seconds=settings.GRADING["LEASE_SECONDS"])
    expired = Submission.objects.filter(status=Status.GRADING, claimed_at__lt=lease_cut)
    quarantined = expired.filter(attempts__gte=max_attempts).update(
        status=Status.FAILED,
        claim_token="",
        failure_reason=f"quarantined: grading did not finish in {max_attempts} attempts (worker lost)",
    )
    released = expired.update(status=Status.QUEUED, claim_token="", queued_at=now - timedelta(days=1))
    stale_cut = now - timedelta(seconds=settings.GRADING["QUEUED_STALE_SECONDS"])
    ids = list(
        Submission.objects.filter(status=Status.QUEUED, queued_at__lt=stale_cut).values_list("pk", flat=True)[:limit]
    )
    Submission.objects.filter(pk__in=ids, status=Status.QUEUED).update(queued_at=now)
    send_for_grading(ids)
    retrains = list(
        RetrainJob.objects.filter(
            Q(status=RetrainStatus.QUEUED, updated_at__lt=stale_cut)
            | Q(status=RetrainStatus.RUNNING, updated_at__lt=lease_cut)
        ).values_list("pk", flat=True)[:limit]
    )
    RetrainJob.objects.filter(pk__in=retrains).update(updated_at=now)
    for job_id in retrains:
        send_retrain(job_id)
    due = WebhookDelivery.objects.filter(status="pending", next_attempt_at__lte=now).values_list("pk", flat=True)
    due = list(due[:limit])
    for delivery_id in due:
        send_delivery(delivery_id)
    return {
        "resent": len(ids),
        "released": released,
        "quarantined": quarantined,
        "webhooks": len(due),
        "retrains": len(retrains),
    }
