"""Claims on submission rows: who may grade a row now, and what happens to rows nobody finished.

A claim is a conditional UPDATE (compare and set): only one delivery of a
message gets a row. A claim is a lease: the task's heartbeat renews it every
third of ``LEASE_SECONDS`` while the task lives, so a row whose worker died
is free again within the lease, and the next sweep sends it on. The task id is the claim token: Celery redelivers a
message with the same id after its worker died, and only that message may
take back rows it had claimed; any other delivery finds them taken and
skips them. Every claim counts an attempt; a row past ``MAX_ATTEMPTS`` is
quarantined as ``failed`` instead of being claimed again (a poison
submission that kills its worker stops here).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from server.grading.models import Status, Submission

log = logging.getLogger(__name__)
FIELDS = ("id", "answers", "assignment_id")  # what grading reads of a claimed row


def lease() -> timedelta:
    return timedelta(seconds=settings.GRADING["LEASE_SECONDS"])


def _claimable(token: str, now: datetime) -> Q:
    return (
        Q(status=Status.QUEUED)
        # The same message again: Celery redelivered it after its worker died mid-task.
        | Q(status=Status.GRADING, claim_token=token)
        # A claim whose heartbeat stopped: its worker is gone.
        | Q(status=Status.GRADING, claimed_at__lt=now - lease())
    )


def _claim(rows: QuerySet[Submission], token: str, now: datetime) -> int:
    """The compare and set: take the rows that are still claimable, counting an attempt on each."""
    return rows.filter(_claimable(token, now), attempts__lt=settings.GRADING["MAX_ATTEMPTS"]).update(
        status=Status.GRADING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )


def quarantine(rows: QuerySet[Submission]) -> int:
    """Rows that used up their attempts become ``failed`` with the reason, instead of being graded again."""
    max_attempts = settings.GRADING["MAX_ATTEMPTS"]
    reason = f"quarantined: grading did not finish in {max_attempts} attempts (worker lost or timed out)"
    done = rows.filter(attempts__gte=max_attempts).exclude(status=Status.FAILED)
    count = done.update(status=Status.FAILED, failure_reason=reason, claim_token="")
    if count:
        log.error("%d submission(s) %s", count, reason)
    return count


def claim_fresh(ids: Sequence[Any], token: str) -> list[Submission]:
    """One UPDATE for every row among ``ids`` that was never claimed; returns the rows it took."""
    now = timezone.now()
    _claim(Submission.objects.filter(pk__in=ids, attempts=0), token, now)
    # claimed_at == now tells the rows this UPDATE took from rows an earlier delivery of this task took.
    claimed = Submission.objects.filter(pk__in=ids, status=Status.GRADING, claim_token=token, claimed_at=now)
    return list(claimed.only(*FIELDS))


def claim_next(rows: QuerySet[Submission], token: str, limit: int) -> list[Submission]:
    """Claim the next ``limit`` never-claimed queued rows of ``rows``, in upload order.

    Rows another task is choosing at the same moment are skipped (SKIP
    LOCKED on PostgreSQL), so tasks working through one batch do not
    collide on the same chunk.
    """
    with transaction.atomic():
        waiting = rows.filter(status=Status.QUEUED, attempts=0).order_by("batch_row", "pk")
        ids = list(waiting.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        return claim_fresh(ids, token) if ids else []


def claim_one(submission_id: Any, token: str) -> Submission | None:
    """Claim one row just before grading it, so a row that kills its worker counts attempts against itself only."""
    rows = Submission.objects.filter(pk=submission_id)
    if _claim(rows, token, timezone.now()):
        return rows.only(*FIELDS).get()
    quarantine(rows.filter(_claimable(token, timezone.now())))
    return None


def release(ids: Sequence[Any], token: str, *, uncount: bool) -> None:
    """Back to queued. ``uncount``: the rows were claimed but never graded, so the attempt does not count."""
    change: dict[str, Any] = {"status": Status.QUEUED, "claim_token": "", "queued_at": timezone.now()}
    if uncount:
        change["attempts"] = F("attempts") - 1
    Submission.objects.filter(pk__in=ids, status=Status.GRADING, claim_token=token).update(**change)


def fail(submission_id: Any, token: str, reason: str) -> None:
    log.error("grading submission %s failed: %s", submission_id, reason)
    Submission.objects.filter(pk=submission_id, status=Status.GRADING, claim_token=token).update(
        status=Status.FAILED, failure_reason=f"grading failed: {reason}"[:2000], claim_token=""
    )


def held(token: str) -> list[Any]:
    """Ids of the rows a task holds."""
    return list(Submission.objects.filter(status=Status.GRADING, claim_token=token).values_list("pk", flat=True))


def extend(token: str) -> int:
    """Renew the lease of every row a task holds."""
    return Submission.objects.filter(status=Status.GRADING, claim_token=token).update(claimed_at=timezone.now())


@contextmanager
def heartbeat(renew: Callable[[], object]) -> Iterator[None]:
    """Call ``renew`` every third of the lease while the block runs, on a thread of its own.

    The thread dies with its process, so the lease of a killed worker runs
    out; a hung task is killed by Celery's hard time limit, which ends its
    heartbeat too.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(lease().total_seconds() / 3):
                try:
                    renew()
                except DatabaseError:  # the next beat tries again; the lease has two more beats of slack
                    log.warning("heartbeat: renewing a lease failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name="handgrade-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def release_expired(*, limit: int) -> tuple[list[Any], int]:
    """Rows whose claim expired (their worker died): quarantined past the attempt limit, else queued again.

    Returns (the ids put back in the queue, how many were quarantined).
    """
    now = timezone.now()
    expired = Submission.objects.filter(status=Status.GRADING, claimed_at__lt=now - lease())
    quarantined = quarantine(expired)
    ids = list(expired.values_list("pk", flat=True)[:limit])
    expired.filter(pk__in=ids).update(status=Status.QUEUED, claim_token="", queued_at=now)
    return ids, quarantined
