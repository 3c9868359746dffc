"""Webhooks to LMSs: signed JSON POSTs when a submission is graded, retried with backoff.

Deliveries are an outbox: rows written in the transaction that stores the
result, sent once it commits, and sent again by the sweep while they are
due. They run on their own queue (``WEBHOOK_QUEUE``) with their own
workers, so no receiver can delay grading; in the embedded mode they run on
the process's background thread, never inside a web request. An attempt
counts from the moment it is claimed, so a sender stopped mid-attempt (a
timeout, a killed worker) has used it. Payload and signature are documented
in docs/webhooks.md. The signature is ``X-Handgrade-Signature: sha256=HEX``
where HEX is HMAC-SHA256 with the webhook's secret over
``TIMESTAMP + "." + BODY`` and TIMESTAMP is the ``X-Handgrade-Timestamp``
header, so a receiver can refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from server.grading import background
from server.grading.addresses import host_refusal
from server.grading.formats import result_json
from server.grading.models import DeliveryStatus, PartResult, RubricVersion, Submission, Webhook, WebhookDelivery
from server.grading.publish import in_process, publish
from server.grading.webhook_http import Reply, post

log = logging.getLogger(__name__)
EVENT_GRADED = "submission.graded"
USER_AGENT = "handgrade-webhook/1"
STOPPED_MID_ATTEMPT = "the attempt did not finish: its sender stopped (a killed worker or a time limit)"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (used by the tests, shown in the docs)."""
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def event_payload(
    *, delivery_id: uuid.UUID, submission: Submission, parts: list[PartResult], reason: str, version_number: int | None
) -> dict:
    result = result_json(submission, parts)
    result["rubric_version"] = version_number
    return {
        "event": EVENT_GRADED,
        "reason": reason,  # graded | regraded | override
        "delivery": str(delivery_id),
        "created_at": timezone.now().isoformat(),
        "assignment": submission.assignment.slug,
        "submission": result,
    }


def url_error(url: str) -> str | None:
    """Why this URL may not receive webhooks, or None. Every address of its host is checked (SSRF);
    delivery checks again the address it connects to, on every redirect hop."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must be an http or https URL"
    if not parts.hostname:
        return "needs a host"
    if parts.username or parts.password:
        return "credentials in the URL are not accepted; sign with the secret instead"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "the port is not a number from 0 to 65535"
    return host_refusal(parts.hostname, port)


def backoff_seconds(attempts: int) -> float:
    """Exponential with jitter: base, 2*base, 4*base ... capped."""
    cfg = settings.WEBHOOKS
    delay = min(cfg["BACKOFF_BASE_SECONDS"] * 2 ** max(attempts - 1, 0), cfg["BACKOFF_MAX_SECONDS"])
    return delay * random.uniform(0.8, 1.2)


def _claim(delivery_id: Any) -> WebhookDelivery | None:
    """One sender at a time, and the attempt counted now: the row is held past the whole-request deadline."""
    now = timezone.now()
    cfg = settings.WEBHOOKS
    due = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=2)
    )
    if due.filter(attempts__gte=cfg["MAX_ATTEMPTS"]).update(status=DeliveryStatus.FAILED):
        log.warning("webhook delivery %s failed for good: %d attempts", delivery_id, cfg["MAX_ATTEMPTS"])
        return None  # its last attempt never finished
    hold = now + timedelta(seconds=cfg["TIMEOUT_SECONDS"] * 3)
    if not due.update(next_attempt_at=hold, attempts=F("attempts") + 1, last_error=STOPPED_MID_ATTEMPT):
        return None
    return WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: Any) -> float | None:
    """Send once. Returns seconds until the next try, or None when done (delivered, failed or not ours)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Handgrade-Event": delivery.event,
        "X-Handgrade-Delivery": str(delivery.pk),
        "X-Handgrade-Timestamp": str(timestamp),
        "X-Handgrade-Signature": sign(delivery.webhook.secret, timestamp, body),
    }
    return _record(delivery, post(delivery.webhook.url, body, headers))


def _record(delivery: WebhookDelivery, reply: Reply) -> float | None:
    delivery.last_status_code = reply.status
    delivery.last_error = reply.error
    if reply.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        retry_in = None
    elif reply.refused or delivery.attempts >= settings.WEBHOOKS["MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.FAILED
        retry_in = None
        log.warning("webhook delivery %s failed for good: %s", delivery.pk, reply.error)
    else:
        retry_in = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
    delivery.save(update_fields=["last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"])
    if not reply.ok and not reply.refused:
        _hold_others(delivery, timezone.now() + timedelta(seconds=retry_in or backoff_seconds(1)))
    return retry_in


def _hold_others(delivery: WebhookDelivery, until) -> None:
    """A receiver that just failed gets its other due deliveries later too, untried (their attempts do not
    count): a slow or dead LMS costs one attempt per backoff, not one per event, and holds no one else's."""
    WebhookDelivery.objects.filter(
        webhook_id=delivery.webhook_id, status=DeliveryStatus.PENDING, next_attempt_at__lt=until
    ).exclude(pk=delivery.pk).update(next_attempt_at=until)


@shared_task(name="server.grading.tasks.deliver_webhook")
def deliver_webhook(delivery_id: str) -> None:
    retry_in = delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        publish(deliver_webhook, delivery_id, countdown=retry_in)


def deliveries_send(ids: Sequence[Any]) -> None:
    """Hand deliveries to the webhook workers; in the embedded mode, to the background thread."""
    if in_process(deliver_webhook):
        background.wake()
        return
    for delivery_id in ids:
        publish(deliver_webhook, str(delivery_id))


def deliveries_due(*, limit: int) -> int:
    """Send every delivery whose next attempt is due (the sweep calls this). In the embedded mode the
    caller is the background thread or a command, never a request, so they are sent right here."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    ids = list(due.values_list("pk", flat=True)[:limit])
    if in_process(deliver_webhook):
        for delivery_id in ids:
            delivery_attempt(delivery_id=delivery_id)
    else:
        deliveries_send(ids)
    return len(ids)


# --- the outbox: delivery rows written with the results ------------------------------------------


def webhook_events_create(events: Sequence[tuple[Submission, Sequence[PartResult], str]]) -> None:
    """Delivery rows in the caller's transaction, sent once it commits."""
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
    transaction.on_commit(lambda: deliveries_send(ids))
