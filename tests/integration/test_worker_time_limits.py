"""Celery's real soft time limit, struck inside a checker, reaches the task through the engine."""

from __future__ import annotations

import pytest
from celery_harness import Worker, database_url, wait_until
from svc_support import client_with_token

from server.grading import services
from server.grading.grading import grade_submissions
from server.grading.models import Assignment, PartResult, Submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]

SLOW_RUBRIC = """
format: 1
exam: {id: slow, title: Slow}
parts:
  - id: p1
    max: 1
    items:
      - {id: think, points: 1, check: {type: slow, seconds: 4}}
"""


def test_a_checker_past_the_soft_time_limit_is_retried_then_quarantined_never_graded(broker, tmp_path):
    instructor = client_with_token(services.user_token_create(username="instructor", role="instructor"))
    created = instructor.post("/api/v1/assignments/", {"slug": "slow", "rubric": SLOW_RUBRIC}, format="json")
    assert created.status_code == 201, created.json()
    assignment = Assignment.objects.get(slug="slow")
    submission = Submission.objects.create(
        assignment=assignment, student="s1", answers={"p1": "an answer"}, submitted_by=assignment.created_by
    )  # stored without a message: sent below to this test's own worker
    queue = broker + "-limits"
    short = {"CELERY_TASK_SOFT_TIME_LIMIT": "1", "CELERY_TASK_TIME_LIMIT": "10", "GRADING_QUEUE": queue}
    worker = Worker(queue, database_url(), tmp_path / "worker.log", short)
    try:
        # A message carries its sender's time limits; this process has the test settings' long ones.
        grade_submissions.apply_async(([str(submission.pk)],), queue=queue, soft_time_limit=1, time_limit=10)
        wait_until(
            lambda: Submission.objects.get(pk=submission.pk).status == "failed",
            timeout=90,
            what="quarantine after the soft time limit struck in every attempt",
        )
    finally:
        worker.stop()
    submission.refresh_from_db()
    assert submission.attempts == 3 and "quarantined" in submission.failure_reason
    assert not PartResult.objects.filter(submission=submission).exists()  # never stored as needs_review
