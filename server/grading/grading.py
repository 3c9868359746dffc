"""Grading submissions: the tasks, and the run of one task over its rows.

Two kinds of message share the grading queue. ``grade_submissions`` carries
a chunk of submission ids: a single submission, a chunk sent on, a sweep
resend. ``grade_batch`` carries a batch id (a bulk upload or a regrade): it
grades the batch's next chunk and, if rows are left, sends itself again to
the back of the queue. A batch keeps at most ``BATCH_PARALLEL`` messages in
the queue at once, so its thousands of rows take turns with everyone else's
work instead of standing in front of it: another assignment's single
submission waits for a few chunks, never for a whole upload.

In either kind, rows never claimed are claimed together with one
conditional UPDATE, graded, and stored in one transaction: a few queries
per chunk instead of per submission. Rows that were claimed before (a
redelivery after a worker died, a sweep resend) go one at a time, each
claimed just before it is graded, so a poison submission counts attempts
against itself only (see claims.py).

A task stops taking rows past ``CHUNK_BUDGET_SECONDS`` or at Celery's soft
time limit and sends the rest on as a new message. An engine fault (an
exception out of ``grade``) fails the submission at once with the exception
as the reason: it would fail the same way again.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from server.grading import claims
from server.grading.models import Assignment, Batch, BatchKind, Status, Submission
from server.grading.publish import publish, publish_on_commit
from server.grading.results import Graded, store_graded
from server.grading.rubrics import Watermark, grade_with_version, override_watermarks

log = logging.getLogger(__name__)
Version = tuple[int, str, Watermark]  # (rubric version id, sha256, override watermark)
STALE_ROUNDS = 3  # rubric uploads in a row while one chunk grades, before it is left for later


# --- sending work -----------------------------------------------------------------------


def chunks(ids: Sequence[Any], size: int) -> list[list[str]]:
    return [[str(i) for i in ids[n : n + size]] for n in range(0, len(ids), size)]


def send_for_grading(ids: Sequence[Any]) -> None:
    """Publish now, one message per chunk. A broker failure leaves the rows queued for the sweep."""
    for chunk in chunks(ids, settings.GRADING["CHUNK_SIZE"]):
        if not publish(grade_submissions, chunk):
            return


def enqueue_on_commit(ids: Sequence[Any]) -> None:
    for chunk in chunks(ids, settings.GRADING["CHUNK_SIZE"]):
        publish_on_commit(grade_submissions, chunk)


def batch_enqueue_on_commit(batch: Batch) -> None:
    """A few messages for a whole batch; each one grades a chunk and sends itself again while rows are left."""
    wanted = -(-batch.size // settings.GRADING["CHUNK_SIZE"])  # chunks, rounded up
    for _ in range(min(settings.GRADING["BATCH_PARALLEL"], wanted)):
        publish_on_commit(grade_batch, str(batch.pk))


# --- one task's run ----------------------------------------------------------------------


class _OutOfTime(Exception):
    """The task's budget is spent: what it holds is handed on to a new message."""


class ChunkRun:
    """One task grading its rows: its claim token, its time budget, what it counted.

    Whenever the task stops early (its budget spent, Celery's soft time limit
    wherever it struck, rubric uploads that keep outdating its results), it
    stores what it graded, releases the rows it holds, and sends them on with
    the ids it had not reached. Only the row being graded when the soft time
    limit struck keeps its attempt.
    """

    def __init__(self, token: str, ids: Sequence[Any]):
        self.token = token
        self.deadline = time.monotonic() + settings.GRADING["CHUNK_BUDGET_SECONDS"]
        self.order = {str(i): n for n, i in enumerate(ids)}  # deferred ids keep the message's order
        self.counts: dict[str, int] = defaultdict(int)
        self.marks: dict[int, Watermark] = {}  # override watermarks: read once per task, not per submission
        self.graded: list[Graded] = []  # graded, not yet stored
        self.current: Any = None  # the row being graded right now
        self.progressed = False

    def run(self, fresh: list[Submission], later: Sequence[Any]) -> dict[str, int]:
        """Grade the freshly claimed rows together, then claim and grade ``later`` one by one."""
        queue = [str(i) for i in later]  # not started yet
        try:
            self._grade(fresh)
            while queue:
                if self._out_of_time():
                    raise _OutOfTime
                row = claims.claim_one(queue.pop(0), self.token)
                if row is None:
                    self.counts["skipped"] += 1
                else:
                    self._grade([row])
        except (_OutOfTime, SoftTimeLimitExceeded):
            left = self._hand_back() + queue
            send_for_grading(left)
            self.counts["deferred"] += len(left)
        return dict(self.counts)

    def _out_of_time(self) -> bool:
        return self.progressed and time.monotonic() > self.deadline  # one row at least, so a resend progresses

    def _grade(self, rows: list[Submission]) -> None:
        """Grade claimed rows and store them together. The store compares each row's rubric version with
        the current one: after an upload meanwhile, the rows are graded again against the new version."""
        for _ in range(STALE_ROUNDS):
            versions = self._versions({row.assignment_id for row in rows})
            for row in rows:
                if self._out_of_time():
                    raise _OutOfTime
                self._grade_one(row, versions[row.assignment_id])
            stale = self._store()
            rows = [row for row in rows if str(row.pk) in stale]
            if not rows:
                return
        raise _OutOfTime  # the rubric keeps changing: try these again later

    def _grade_one(self, row: Submission, version: Version) -> None:
        self.current, self.progressed = row.pk, True
        try:
            result = grade_with_version(version[0], version[1], row.answers, str(row.pk), watermark=version[2])
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # an engine fault is not retried: it would fail the same way
            log.exception("engine fault on submission %s", row.pk)
            claims.fail(row.pk, self.token, f"{type(exc).__name__}: {exc}")
            self.counts["failed"] += 1
        else:
            self.graded.append((row, version[0], result))
        self.current = None

    def _store(self) -> list[str]:
        stored, stale = store_graded(self.graded, self.token)
        self.graded = []
        if stored:
            self.counts["graded"] += stored
        return stale

    def _hand_back(self) -> list[str]:
        """Keep what is graded; release the rest of what this task holds, in the message's order."""
        self._store()
        held = sorted(map(str, claims.held(self.token)), key=lambda i: self.order.get(i, len(self.order)))
        hung = [i for i in held if i == str(self.current)]
        claims.release(hung, self.token, uncount=False)  # it ran out of time: the attempt counts
        claims.release([i for i in held if i not in hung], self.token, uncount=True)  # claimed, never graded
        return held

    def _versions(self, assignment_ids: set[int]) -> dict[int, Version]:
        """Current rubric versions, with the override watermarks this task read (once per version)."""
        rows = list(
            Assignment.objects.filter(pk__in=assignment_ids).values_list(
                "pk", "current_rubric_id", "current_rubric__sha256"
            )
        )
        missing = {vid for _, vid, _ in rows if vid not in self.marks}
        if missing:
            self.marks.update(override_watermarks(missing))
        return {pk: (version_id, sha, self.marks[version_id]) for pk, version_id, sha in rows}


def submissions_grade(*, ids: Sequence[Any], token: str) -> dict[str, int]:
    """Grade a chunk: fresh rows together, the others one by one. Past the budget, the rest is sent on."""
    with claims.heartbeat(lambda: claims.extend(token)):
        fresh = claims.claim_fresh(ids, token)
        taken = {str(row.pk) for row in fresh}
        return ChunkRun(token, ids).run(fresh, [i for i in ids if str(i) not in taken])


@shared_task(name="server.grading.tasks.grade_submissions", bind=True)
def grade_submissions(self, submission_ids: list[str]) -> dict[str, int]:
    # The task id is the claim token: a redelivery of this same message may take the rows back.
    return submissions_grade(ids=submission_ids, token=self.request.id or "")


# --- batches: one chunk per message, then to the back of the queue ----------------------------


def batch_rows(batch: Batch) -> QuerySet[Submission]:
    """The rows a batch queued: an upload's own rows, or the rows a regrade sent back."""
    if batch.kind == BatchKind.REGRADE:
        return Submission.objects.filter(regrade_batch=batch)
    return Submission.objects.filter(batch=batch)


def batch_grade(*, batch_id: Any, token: str) -> dict[str, int]:
    """Grade the batch's next chunk: rows this message had taken before (a redelivery), else the next rows
    never claimed, in upload order, else rows that were claimed before, one at a time."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {}
    rows, size = batch_rows(batch), settings.GRADING["CHUNK_SIZE"]
    Batch.objects.filter(pk=batch.pk).update(drained_at=timezone.now())  # the sweep leaves a drained batch alone
    with claims.heartbeat(lambda: claims.extend(token)):
        mine = list(rows.filter(status=Status.GRADING, claim_token=token).values_list("pk", flat=True)[:size])
        if mine:
            return ChunkRun(token, mine).run([], mine)
        fresh = claims.claim_next(rows, token, size)
        if fresh:
            return ChunkRun(token, [row.pk for row in fresh]).run(fresh, [])
        again = list(rows.filter(status=Status.QUEUED).order_by("batch_row", "pk").values_list("pk", flat=True)[:size])
        return ChunkRun(token, again).run([], again)


def batch_waiting(batch_id: Any) -> bool:
    batch = Batch.objects.filter(pk=batch_id).first()
    return batch is not None and batch_rows(batch).filter(status=Status.QUEUED).exists()


@shared_task(name="server.grading.tasks.grade_batch", bind=True)
def grade_batch(self, batch_id: str) -> dict[str, int]:
    token = self.request.id or ""
    counts = batch_grade(batch_id=batch_id, token=token)
    if self.request.is_eager:  # the embedded mode: nothing else waits on this process's queue
        while counts and batch_waiting(batch_id):
            counts = batch_grade(batch_id=batch_id, token=token)
    elif batch_waiting(batch_id):
        publish(grade_batch, batch_id)  # to the back of the queue: whatever came in meanwhile goes first
    return counts
