"""Webhooks: a signed POST when a submission is graded, retried with backoff, never to private hosts unless allowed.

Deliveries never run inside the request that graded: the sweep sends what is due (a webhook worker, or
the embedded mode's background thread; see test_webhook_delivery.py), so these tests call it.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from svc_support import FULL_ANSWERS, Receiver

from server.grading import webhooks
from server.grading.models import WebhookDelivery
from server.grading.sweep import grading_sweep


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def add_hook(client, url, secret="s" * 32):
    response = client.post("/api/v1/assignments/quiz/webhooks/", {"url": url, "secret": secret}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def submit(client):
    return client.post(
        "/api/v1/assignments/quiz/submissions/", {"student": "s1", "answers": FULL_ANSWERS}, format="json"
    ).json()["id"]


def test_a_graded_submission_is_posted_signed(quiz, instructor, receiver):
    add_hook(instructor, receiver.url)
    sid = submit(instructor)
    assert grading_sweep()["webhooks"] == 1
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["x-handgrade-event"] == "submission.graded"
    assert webhooks.verify(
        "s" * 32, headers["x-handgrade-timestamp"], request["body"], headers["x-handgrade-signature"]
    )
    assert not webhooks.verify(
        "wrong" * 8, headers["x-handgrade-timestamp"], request["body"], headers["x-handgrade-signature"]
    )
    payload = json.loads(request["body"])
    assert payload["assignment"] == "quiz" and payload["reason"] == "graded"
    assert payload["submission"]["id"] == sid and payload["submission"]["total"] == 6
    assert payload["submission"]["rubric_version"] == 1
    assert payload["delivery"] == headers["x-handgrade-delivery"]
    assert WebhookDelivery.objects.get().status == "delivered"


def test_the_secret_is_shown_once(quiz, instructor, receiver):
    created = instructor.post("/api/v1/assignments/quiz/webhooks/", {"url": receiver.url}, format="json").json()
    assert len(created["secret"]) >= 32
    listed = instructor.get("/api/v1/assignments/quiz/webhooks/").json()["results"]
    assert "secret" not in listed[0]


def test_a_failed_delivery_is_retried_later_with_backoff(quiz, instructor, settings):
    failing = Receiver(codes=(500, 200))
    try:
        add_hook(instructor, failing.url)
        submit(instructor)
        grading_sweep()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
        assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # time passes
        grading_sweep()
        delivery.refresh_from_db()
        assert delivery.status == "delivered" and delivery.attempts == 2
        assert len(failing.requests) == 2
    finally:
        failing.close()


def test_deliveries_give_up_after_the_last_attempt(quiz, instructor, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "MAX_ATTEMPTS": 2}
    add_hook(instructor, "http://127.0.0.1:9/unreachable")
    submit(instructor)
    grading_sweep()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    grading_sweep()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 2 and delivery.last_error
    deliveries = instructor.get(f"/api/v1/webhooks/{delivery.webhook_id}/deliveries/").json()["results"]
    assert deliveries[0]["status"] == "failed"


def test_overrides_notify_the_lms_too(quiz, instructor, receiver):
    add_hook(instructor, receiver.url)
    sid = submit(instructor)
    instructor.post(f"/api/v1/submissions/{sid}/parts/q5/override", {"points": 2, "reason": "ok"}, format="json")
    grading_sweep()
    payloads = [json.loads(r["body"]) for r in receiver.requests]
    assert [p["reason"] for p in payloads] == ["graded", "override"]
    assert payloads[1]["submission"]["total"] == 8


@pytest.mark.parametrize(
    "url, reason",
    [
        ("ftp://example.org/hook", "http"),
        ("http://user:pw@example.org/hook", "credentials"),
        ("http://127.0.0.1/hook", "private"),
        ("http://10.1.2.3/hook", "private"),
        ("http://[::1]/hook", "private"),
        ("http://169.254.169.254/latest", "private"),
    ],
)
def test_unsafe_urls_are_refused(quiz, instructor, settings, url, reason):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOW_PRIVATE_HOSTS": False}
    response = instructor.post("/api/v1/assignments/quiz/webhooks/", {"url": url}, format="json")
    assert response.status_code == 400
    assert reason in " ".join(e["reason"] for e in response.json()["errors"])


def test_redirects_are_not_followed(quiz, instructor):
    redirecting = Receiver(codes=(302,))
    try:
        add_hook(instructor, redirecting.url)
        submit(instructor)
        grading_sweep()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending" and delivery.last_status_code == 302
        assert "GET" in delivery.last_error
    finally:
        redirecting.close()


def test_the_backoff_grows_and_is_capped(settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "BACKOFF_BASE_SECONDS": 10, "BACKOFF_MAX_SECONDS": 100}
    delays = [webhooks.backoff_seconds(n) for n in (1, 2, 3, 10)]
    assert 8 <= delays[0] <= 12 and 16 <= delays[1] <= 24 and 32 <= delays[2] <= 48 and delays[3] <= 120
