"""Relearning a part from instructors' overrides, then regrading it where no human decided.

A ``RetrainJob`` walks its rubric version's graded submissions whose part is
not overridden, in id order, ``RETRAIN_CHUNK_SIZE`` at a time. Each chunk is
graded outside the transaction (the answer and the compiled rubric fix the
result), then stored in one transaction with the job's cursor and counts, so
a redelivered or resent message resumes at the cursor and a finished job
does nothing. Past the chunk budget or at the soft time limit the rest is
sent on as a new message of the same job.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from server.grading.claims import heartbeat
from server.grading.models import PartResult, RetrainJob, RetrainStatus, Status, Submission
from server.grading.publish import publish, publish_on_commit
from server.grading.results import PART_FIELDS, part_values, set_totals, unchanged, upsert
from server.grading.rubrics import CompiledEntry, compiled_for, grade_part_with, override_watermarks, watermark_text
from server.grading.webhooks import webhook_events_create

log = logging.getLogger(__name__)


def send_retrain(job_id: Any) -> None:
    """Publish now; like grading, a broker failure is left to the sweep."""
    publish(retrain_part, str(job_id))


def retrain_on_commit(job_id: Any) -> None:
    publish_on_commit(retrain_part, str(job_id))


def _candidates(job: RetrainJob, cursor: Any, limit: int) -> list[tuple[Any, Any]]:
    """The next graded submissions of the job's version (after ``cursor``) whose part is not overridden."""
    open_part = PartResult.objects.filter(submission=OuterRef("pk"), part_id=job.part_id, overridden=False)
    rows = Submission.objects.filter(
        assignment_id=job.assignment_id, rubric_version_id=job.rubric_version_id, status=Status.GRADED
    ).filter(Exists(open_part))
    if cursor is not None:
        rows = rows.filter(pk__gt=cursor)
    return list(rows.order_by("pk").values_list("pk", "answers")[:limit])


def _retrain_chunk(job: RetrainJob, entry: CompiledEntry, limit: int) -> bool | None:
    """Regrade the job's part for the next chunk and store what changed with the job's progress, in one
    transaction. Returns True when no submission is left, None when another delivery of the job moved first."""
    cursor = RetrainJob.objects.values_list("cursor", flat=True).get(pk=job.pk)
    batch = _candidates(job, cursor, limit)
    if not batch:
        return True
    results = {pk: grade_part_with(entry, job.part_id, (answers or {}).get(job.part_id)) for pk, answers in batch}
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
            values = part_values(old.position, results[pk])
            if unchanged(old, values):
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


def _renew(job_id: Any) -> None:
    """A running job's lease: the sweep resends a job whose ``updated_at`` is older than the lease."""
    RetrainJob.objects.filter(pk=job_id, status=RetrainStatus.RUNNING).update(updated_at=timezone.now())


def _finish(job_id: Any, status: str, reason: str = "") -> None:
    RetrainJob.objects.filter(pk=job_id, status=RetrainStatus.RUNNING).update(
        status=status, finished_at=timezone.now(), updated_at=timezone.now(), failure_reason=reason[:2000]
    )


def retrain_run(*, job_id: Any) -> dict[str, Any]:
    """Relearn the job's part from the overrides, then regrade it where it is not overridden."""
    deadline = time.monotonic() + settings.GRADING["CHUNK_BUDGET_SECONDS"]
    now = timezone.now()
    RetrainJob.objects.filter(pk=job_id, status=RetrainStatus.QUEUED).update(
        status=RetrainStatus.RUNNING, started_at=now, updated_at=now
    )
    job = RetrainJob.objects.select_related("rubric_version").filter(pk=job_id).first()
    if job is None or job.status != RetrainStatus.RUNNING:
        return {"skipped": 1}
    try:
        with heartbeat(lambda: _renew(job.pk)):
            return _retrain(job, deadline)
    except SoftTimeLimitExceeded:
        send_retrain(job.pk)  # the committed chunks stay; the next message resumes after them
        return {"deferred": 1}
    except Exception as exc:  # an engine fault is not retried: it would fail the same way
        log.exception("retrain job %s failed", job.pk)
        _finish(job.pk, RetrainStatus.FAILED, f"{type(exc).__name__}: {exc}")
        return {"failed": 1}


def _retrain(job: RetrainJob, deadline: float) -> dict[str, Any]:
    version = job.rubric_version
    watermark = override_watermarks([version.pk])[version.pk]  # once per task
    entry = compiled_for(version.pk, version.sha256, watermark)
    RetrainJob.objects.filter(pk=job.pk).update(
        watermark=watermark_text(watermark), examples=entry.examples.get(job.part_id, 0), updated_at=timezone.now()
    )
    if job.part_id not in entry.compiled.parts:
        _finish(job.pk, RetrainStatus.DONE)
        return {"done": 1, "changed": 0}
    size = settings.GRADING["RETRAIN_CHUNK_SIZE"]
    while not _retrain_chunk(job, entry, size):
        if time.monotonic() > deadline:
            send_retrain(job.pk)
            return {"deferred": 1}
    _finish(job.pk, RetrainStatus.DONE)
    job.refresh_from_db(fields=["changed", "examined", "rescored"])
    return {"done": 1, "examined": job.examined, "changed": job.changed, "rescored": job.rescored}


@shared_task(name="server.grading.tasks.retrain_part")
def retrain_part(job_id: str) -> dict:
    # A RetrainJob id: the part of a rubric version to relearn from the overrides and regrade; resumable.
    return retrain_run(job_id=job_id)
