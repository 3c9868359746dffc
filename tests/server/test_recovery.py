"""Recovery without waiting: short claim leases that a live task's heartbeat renews, and an embedded mode that
runs the sweep itself."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import svc_checkers
from django.db import connections
from django.utils import timezone
from svc_support import FULL_ANSWERS, QUIZ_YAML, client_with_token, wait_until

from server.grading import background, grading, services
from server.grading.models import Assignment, Submission
from server.grading.sweep import embedded_sweeper_start, grading_sweep

pytestmark = pytest.mark.django_db(transaction=True)  # the work below runs on threads with their own connections

GATED = """
format: 1
exam: {id: gated, title: Gated}
parts:
  - id: p
    max: 1
    items:
      - {id: gate, points: 1, check: {type: gate}}
"""


@pytest.fixture
def instructor():
    return client_with_token(services.user_token_create(username="instructor", role="instructor"))


def stored(instructor, slug: str, rubric: str, answers: dict, **fields) -> Submission:
    assert instructor.post("/api/v1/assignments/", {"slug": slug, "rubric": rubric}, format="json").status_code == 201
    assignment = Assignment.objects.get(slug=slug)
    return Submission.objects.create(
        assignment=assignment, student="s1", answers=answers, submitted_by=assignment.created_by, **fields
    )


def test_a_live_task_renews_its_lease_so_the_sweep_leaves_its_row_alone(instructor, settings):
    settings.GRADING = {**settings.GRADING, "LEASE_SECONDS": 3}
    row = stored(instructor, "gated", GATED, {"p": "wait"})
    svc_checkers.GATE.clear()
    counts = []

    def grade():
        try:
            counts.append(grading.submissions_grade(ids=[str(row.pk)], token="live-task"))
        finally:
            connections.close_all()

    worker = threading.Thread(target=grade)
    worker.start()
    try:
        claimed = wait_until(lambda: Submission.objects.filter(pk=row.pk, status="grading").first(), what="the claim")
        lease = timedelta(seconds=3)
        wait_until(
            lambda: Submission.objects.get(pk=row.pk).claimed_at >= claimed.claimed_at + lease,
            timeout=20,
            what="a heartbeat to renew the claim past its first lease",
        )
        assert grading_sweep()["released"] == 0
    finally:
        svc_checkers.GATE.set()
        worker.join()
    row.refresh_from_db()
    assert counts == [{"graded": 1}] and (row.status, row.attempts) == ("graded", 1)


def test_a_claim_whose_heartbeat_stopped_half_a_minute_ago_is_free(instructor):
    row = stored(instructor, "quiz", QUIZ_YAML, FULL_ANSWERS)
    lapsed = timezone.now() - timedelta(seconds=31)  # the lease is 30 s (GRADING_LEASE_SECONDS)
    Submission.objects.filter(pk=row.pk).update(status="grading", claim_token="dead", claimed_at=lapsed, attempts=1)
    assert grading_sweep()["released"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("graded", 2)


def test_the_embedded_mode_resends_a_lost_submission_itself(instructor, settings):
    settings.GRADING = {**settings.GRADING, "SWEEP_EVERY_SECONDS": 0.2}
    long_ago = timezone.now() - timedelta(hours=1)
    lost = stored(instructor, "quiz", QUIZ_YAML, FULL_ANSWERS, queued_at=long_ago)  # its message never left
    assert embedded_sweeper_start() is not None
    try:
        wait_until(lambda: Submission.objects.get(pk=lost.pk).status == "graded", what="the background sweep")
    finally:
        background.stop()
