"""Webhooks to LMSs: signed JSON POSTs when a submission is graded, retried with backoff.

Deliveries are an outbox: rows written in the transaction that stores the
result, sent by ``deliver_webhook`` once it commits, and sent again by the
sweep while they are due. Payload and signature are documented in
docs/webhooks.md. The signature is
``X-Handgrade-Signature: sha256=HEX`` where HEX is HMAC-SHA256 with the
webhook's secret over ``TIMESTAMP + "." + BODY`` and TIMESTAMP is the
``X-Handgrade-Timestamp`` header, so a receiver can refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from server.grading.formats import result_json
from server.grading.models import DeliveryStatus, PartResult, RubricVersion, Submission, Webhook, WebhookDelivery
from server.grading.publish import in_process, publish

log = logging.getLogger(__name__)
EVENT_GRADED = "submission.graded"
USER_AGENT = "handgrade-webhook/1"


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


def _addresses(host: str) -> list[ipaddress._BaseAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def url_error(url: str) -> str | None:
    """Why this URL may not receive webhooks, or None. Private addresses only when allowed (SSRF)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must be an http or https URL"
    if not parts.hostname:
        return "needs a host"
    if parts.username or parts.password:
        return "credentials in the URL are not accepted; sign with the secret instead"
    if settings.WEBHOOKS["ALLOW_PRIVATE_HOSTS"]:
        return None
    try:
        addresses = _addresses(parts.hostname)
    except (OSError, UnicodeError):
        return "the host does not resolve"
    if not addresses or any(not a.is_global for a in addresses):
        return "the host resolves to a private, loopback or reserved address"
    return None


def backoff_seconds(attempts: int) -> float:
    """Exponential with jitter: base, 2*base, 4*base ... capped."""
    cfg = settings.WEBHOOKS
    delay = min(cfg["BACKOFF_BASE_SECONDS"] * 2 ** max(attempts - 1, 0), cfg["BACKOFF_MAX_SECONDS"])
    return delay * random.uniform(0.8, 1.2)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect could point inside the network: it counts as a failure


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOKS["TIMEOUT_SECONDS"]) as response:
            response.read(4096)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]


def _claim(delivery_id: str) -> WebhookDelivery | None:
    """One sender at a time: push next_attempt_at past the request timeout while sending."""
    now = timezone.now()
    hold = now + timedelta(seconds=settings.WEBHOOKS["TIMEOUT_SECONDS"] * 3)
    rows = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=2)
    )
    if not rows.update(next_attempt_at=hold):
        return None
    return WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: str) -> float | None:
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
    reason = url_error(delivery.webhook.url)
    code, error = (None, f"URL refused: {reason}") if reason else _post(delivery.webhook.url, body, headers)
    return _record(delivery, code, error, permanent=bool(reason))


def _record(delivery: WebhookDelivery, code: int | None, error: str, permanent: bool) -> float | None:
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = error
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        retry_in = None
    elif permanent or delivery.attempts >= settings.WEBHOOKS["MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.FAILED
        retry_in = None
        log.warning("webhook delivery %s failed for good: %s", delivery.pk, error)
    else:
        retry_in = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
    delivery.save(
        update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    return retry_in


def send_delivery(delivery_id: Any, countdown: float | None = None) -> None:
    """Hand a delivery to a worker. In process (no broker) a retry waits for the sweep instead."""
    if in_process(deliver_webhook):
        if not countdown:
            deliver_webhook.apply_async((str(delivery_id),))
        return
    publish(deliver_webhook, str(delivery_id), countdown=countdown)


@shared_task(name="server.grading.tasks.deliver_webhook")
def deliver_webhook(delivery_id: str) -> None:
    retry_in = delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        send_delivery(delivery_id, countdown=retry_in)


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
    transaction.on_commit(lambda: [send_delivery(i) for i in ids])
