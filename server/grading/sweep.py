"""The sweep: the database is the truth and messages can be lost, so what is due is sent again.

It frees rows whose claim expired (their worker died), resends submissions
whose message was lost (stuck in ``queued``), resends retrain jobs that
stopped, and retries due webhook deliveries. Safe to run twice, or from
several places at once. Celery beat runs it in the scale-out mode; the
embedded mode (no broker, no beat) runs it on each web process's
background thread.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from server.grading import background, claims
from server.grading.grading import grade_batch, send_for_grading
from server.grading.models import Batch, RetrainJob, RetrainStatus, Status, Submission
from server.grading.publish import in_process, publish
from server.grading.retraining import send_retrain
from server.grading.webhooks import deliveries_due


def grading_sweep(*, limit: int = 5000) -> dict[str, int]:
    now = timezone.now()
    stale_cut = now - timedelta(seconds=settings.GRADING["QUEUED_STALE_SECONDS"])
    released, quarantined = claims.release_expired(limit=limit)
    send_for_grading(released)
    lost = Submission.objects.filter(status=Status.QUEUED, queued_at__lt=stale_cut)
    ids = list(lost.filter(batch__isnull=True, regrade_batch__isnull=True).values_list("pk", flat=True)[:limit])
    Submission.objects.filter(pk__in=ids, status=Status.QUEUED).update(queued_at=now)
    send_for_grading(ids)
    batches = _batches_resent(lost, released, stale_cut, limit)
    retrains = list(
        RetrainJob.objects.filter(
            Q(status=RetrainStatus.QUEUED, updated_at__lt=stale_cut)
            | Q(status=RetrainStatus.RUNNING, updated_at__lt=now - claims.lease())
        ).values_list("pk", flat=True)[:limit]
    )
    RetrainJob.objects.filter(pk__in=retrains).update(updated_at=now)
    for job_id in retrains:
        send_retrain(job_id)
    webhooks = deliveries_due(limit=limit)
    return {
        "resent": len(released) + len(ids),
        "released": len(released),
        "quarantined": quarantined,
        "batches": batches,
        "webhooks": webhooks,
        "retrains": len(retrains),
    }


def _batches_resent(lost: QuerySet[Submission], released: list, stale_cut, limit: int) -> int:
    """A batch's rows wait in ``queued`` while its messages take turns, so they are lost only when no
    message has taken a chunk for a while (``drained_at``), or when a dead worker held one of them."""
    owner = Coalesce("regrade_batch_id", "batch_id")
    waiting = lost.exclude(batch__isnull=True, regrade_batch__isnull=True)
    stalled = set(waiting.annotate(owner=owner).order_by().values_list("owner", flat=True).distinct()[:limit])
    orphaned = set(
        Submission.objects.filter(pk__in=released)
        .exclude(batch__isnull=True, regrade_batch__isnull=True)
        .annotate(owner=owner)
        .order_by()
        .values_list("owner", flat=True)
        .distinct()
    )  # their message died with its worker
    resend = orphaned | set(
        Batch.objects.filter(pk__in=stalled)
        .filter(Q(drained_at__isnull=True) | Q(drained_at__lt=stale_cut))
        .values_list("pk", flat=True)
    )
    Batch.objects.filter(pk__in=resend).update(drained_at=timezone.now())
    for batch_id in resend:
        publish(grade_batch, str(batch_id))
    return len(resend)


@shared_task(name="server.grading.tasks.sweep")
def sweep() -> dict[str, int]:
    return grading_sweep()


def embedded_sweeper_start() -> background.Runner | None:
    """In the embedded mode, the web process runs the sweep itself (see background.py); else None."""
    if not in_process(sweep) or not settings.GRADING["EMBEDDED_SWEEP"]:
        return None
    return background.start(grading_sweep, settings.GRADING["SWEEP_EVERY_SECONDS"])
