"""The worker calls the LMS: signed, and retried with backoff until it answers 2xx."""

from __future__ import annotations

import json

import pytest
from celery_harness import wait_until
from svc_support import FULL_ANSWERS, QUIZ_YAML, Receiver, client_with_token

from server.grading import services, webhooks
from server.grading.models import WebhookDelivery

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]


def test_the_webhook_is_retried_until_the_lms_accepts_it(worker, db):
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
