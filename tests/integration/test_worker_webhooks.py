"""Webhook workers call the LMS: signed, retried with backoff until it answers 2xx, and never in grading's way."""

from __future__ import annotations

import json

import pytest
from celery_harness import wait_until
from svc_support import FULL_ANSWERS, QUIZ_YAML, Receiver, client_with_token

from server.grading import services, webhooks
from server.grading.models import Submission, WebhookDelivery

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]


def test_the_webhook_is_retried_until_the_lms_accepts_it(worker, webhook_worker, db):
    instructor = client_with_token(services.user_token_create(username="instructor", role="instructor"))
    instructor.post("/api/v1/assignments/", {"slug": "quiz", "rubric": QUIZ_YAML}, format="json")
    receiver = Receiver(codes=(503, 200))
    try:
        secret = "lms-shared-secret-0123456789abcdef"
        hook = instructor.post(
            "/api/v1/assignments/quiz/webhooks/", {"url": receiver.url, "secret": secret}, format="json"
        )
        assert hook.status_code == 201
        submission = instructor.post(
            "/api/v1/assignments/quiz/submissions/", {"student": "s1", "answers": FULL_ANSWERS}, format="json"
        ).json()["id"]
        wait_until(lambda: WebhookDelivery.objects.filter(status="delivered").exists(), timeout=30, what="delivery")
        assert len(receiver.requests) == 2
        last = receiver.requests[-1]
        headers = {k.lower(): v for k, v in last["headers"].items()}
        assert webhooks.verify(secret, headers["x-handgrade-timestamp"], last["body"], headers["x-handgrade-signature"])
        body = json.loads(last["body"])
        assert body["submission"]["id"] == submission and body["submission"]["status"] == "graded"
        assert WebhookDelivery.objects.get().attempts == 2
    finally:
        receiver.close()


def test_a_slow_receiver_never_delays_another_assignments_grading(worker, webhook_worker, db):
    """Three webhooks of one assignment at a receiver that drips its answer: the single submission of
    another assignment is graded while those deliveries are still waiting, and each of them ends as an
    attempt that timed out, with the reason recorded."""
    instructor = client_with_token(services.user_token_create(username="instructor", role="instructor"))
    for slug in ("noisy", "quiet"):
        created = instructor.post("/api/v1/assignments/", {"slug": slug, "rubric": QUIZ_YAML}, format="json")
        assert created.status_code == 201
    dripping = Receiver(drip=0.5)  # half a minute for its whole answer, a byte at a time
    try:
        for _ in range(3):
            hook = instructor.post("/api/v1/assignments/noisy/webhooks/", {"url": dripping.url}, format="json")
            assert hook.status_code == 201
        submit = "/api/v1/assignments/{}/submissions/"
        instructor.post(submit.format("noisy"), {"student": "s1", "answers": FULL_ANSWERS}, format="json")
        quiet = instructor.post(submit.format("quiet"), {"student": "s2", "answers": FULL_ANSWERS}, format="json")

        wait_until(lambda: Submission.objects.get(pk=quiet.json()["id"]).status == "graded", what="the quiet grade")
        finished = WebhookDelivery.objects.exclude(last_error__startswith="the attempt did not finish")
        assert finished.filter(attempts__gte=1).count() < 3  # the noisy deliveries were still under way

        def all_timed_out():
            rows = list(WebhookDelivery.objects.all())
            return len(rows) == 3 and all(d.attempts >= 1 and "timed out" in d.last_error for d in rows)

        wait_until(all_timed_out, timeout=60, what="each delivery's timed-out attempt")
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"pending"}
    finally:
        dripping.close()
