"""Faults from RELIABILITY.md against the real worker: killed pool child, poison submission, lost messages."""

from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta

import pytest
from celery_harness import wait_until
from django.db import connection
from django.utils import timezone
from svc_support import FULL_ANSWERS, QUIZ_YAML, client_with_token

from server.grading import services
from server.grading.models import Assignment, PartResult, Submission
from server.grading.sweep import sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]

SLOW_RUBRIC = """
format: 1
exam: {id: slow, title: Slow}
parts:
  - id: p1
    max: 1
    items:
      - {id: think, points: 1, check: {type: slow, seconds: 3}}
  - id: p2
    max: 1
    items:
      - {id: boom, points: 1, check: {type: crash}}
"""


@pytest.fixture
def instructor(db):
    return client_with_token(services.user_token_create(username="instructor", role="instructor"))


@pytest.fixture
def slow(instructor):
    response = instructor.post("/api/v1/assignments/", {"slug": "slow", "rubric": SLOW_RUBRIC}, format="json")
    assert response.status_code == 201, response.json()
    return "slow"


def submit(client, slug, answers, student="s1"):
    response = client.post(
        f"/api/v1/assignments/{slug}/submissions/", {"student": student, "answers": answers}, format="json"
    )
    assert response.status_code == 202, response.json()
    return response.json()["id"]


def status_of(submission_id):
    return Submission.objects.filter(pk=submission_id).values_list("status", flat=True).first()


def test_a_killed_pool_child_is_graded_exactly_once(worker, instructor, slow):
    submission_id = submit(instructor, slow, {"p1": "an answer", "p2": "fine"})
    wait_until(lambda: status_of(submission_id) == "grading", timeout=30, every=0.05, what="the claim")
    children = worker.children()
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)  # scenario A of RELIABILITY.md

    wait_until(lambda: status_of(submission_id) == "graded", timeout=60, what="grading after the kill")
    submission = Submission.objects.get(pk=submission_id)
    assert submission.attempts == 2 and submission.total == 2
    assert PartResult.objects.filter(submission=submission).count() == 2
    assert worker.process.poll() is None  # the worker itself lives on, with a new child


def test_a_poison_submission_is_quarantined_after_max_attempts(worker, instructor, slow):
    poison = submit(instructor, slow, {"p2": "boom"}, student="poison")
    wait_until(lambda: status_of(poison) == "failed", timeout=90, what="quarantine")
    submission = Submission.objects.get(pk=poison)
    assert submission.attempts == 3 and "quarantined" in submission.failure_reason
    healthy = submit(instructor, slow, {"p2": "fine"}, student="healthy")
    wait_until(lambda: status_of(healthy) == "graded", timeout=60, what="the next submission")


def test_submissions_whose_messages_were_lost_are_graded_after_the_sweep(worker, instructor):
    instructor.post("/api/v1/assignments/", {"slug": "quiz", "rubric": QUIZ_YAML}, format="json")
    assignment = Assignment.objects.get(slug="quiz")
    long_ago = timezone.now() - timedelta(hours=1)
    lost = Submission.objects.bulk_create(
        Submission(
            assignment=assignment,
            student=f"lost{i}",
            answers=FULL_ANSWERS,
            submitted_by=assignment.created_by,
            queued_at=long_ago,
        )
        for i in range(5)
    )  # stored, but no message ever reached Redis (as after a flush)
    sweep.delay()
    ids = [s.pk for s in lost]
    wait_until(lambda: Submission.objects.filter(pk__in=ids, status="graded").count() == 5, what="the sweep's resend")


def test_the_same_idempotency_key_from_two_threads_makes_one_submission(worker, instructor):
    instructor.post("/api/v1/assignments/", {"slug": "quiz", "rubric": QUIZ_YAML}, format="json")
    key = instructor._credentials["HTTP_AUTHORIZATION"].split()[1]
    barrier, codes = threading.Barrier(2), []

    def post():
        client = client_with_token(key)
        barrier.wait()
        response = client.post(
            "/api/v1/assignments/quiz/submissions/", {"student": "s1", "answers": FULL_ANSWERS},
            format="json", HTTP_IDEMPOTENCY_KEY="double-click",
        )  # fmt: skip
        codes.append((response.status_code, response.json()["id"]))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [c for c, _ in codes] == [202, 202] and codes[0][1] == codes[1][1]
    assert Submission.objects.count() == 1
    wait_until(lambda: status_of(codes[0][1]) == "graded", what="grading")


def test_a_whole_worker_killed_mid_task_is_graded_by_the_next_one(broker, instructor, slow, tmp_path):
    """Scenario B: the message waits in Redis's unacked set until the visibility timeout, then comes back."""
    from celery_harness import Worker, database_url

    from server.grading.grading import grade_submissions

    queue = broker + "-b"
    short = {
        "CELERY_TASK_SOFT_TIME_LIMIT": "8",
        "CELERY_TASK_TIME_LIMIT": "10",
        "CELERY_VISIBILITY_TIMEOUT": "12",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "GRADING_QUEUE": queue,
    }
    assignment = Assignment.objects.get(slug=slow)
    submission = Submission.objects.create(
        assignment=assignment, student="s1", answers={"p1": "x"}, submitted_by=assignment.created_by
    )
    first = Worker(queue, database_url(), tmp_path / "first.log", short)
    try:
        grade_submissions.apply_async(([str(submission.pk)],), queue=queue)
        wait_until(lambda: status_of(submission.pk) == "grading", timeout=30, every=0.05, what="the claim")
        for pid in [*first.children(), first.process.pid]:
            os.kill(pid, signal.SIGKILL)
    finally:
        first.stop()
    second = Worker(queue, database_url(), tmp_path / "second.log", short)
    try:
        wait_until(lambda: status_of(submission.pk) == "graded", timeout=60, what="redelivery to the next worker")
    finally:
        second.stop()
    submission.refresh_from_db()
    assert submission.attempts == 2 and PartResult.objects.filter(submission=submission).count() == 2


LONG_RUBRIC = SLOW_RUBRIC.replace("seconds: 3", "seconds: 8").replace("id: slow,", "id: long,")


def test_a_dead_workers_row_is_free_after_one_lease_while_a_live_workers_row_is_kept(
    worker, broker, instructor, slow, tmp_path, settings
):
    """Short leases, renewed by each live task's heartbeat. The sweep (what beat runs) frees the row of a
    killed worker after one lease, without waiting for Redis to redeliver (its visibility timeout is an
    hour), and the next worker grades it; the row of a live worker grading longer than a lease stays its own."""
    from celery_harness import Worker, database_url

    from server.grading.grading import grade_submissions
    from server.grading.sweep import grading_sweep

    created = instructor.post("/api/v1/assignments/", {"slug": "long", "rubric": LONG_RUBRIC}, format="json")
    assert created.status_code == 201, created.json()
    settings.GRADING = {**settings.GRADING, "LEASE_SECONDS": 3}  # the sweep below runs in this process
    rows = {}
    for slug in ("slow", "long"):
        assignment = Assignment.objects.get(slug=slug)
        rows[slug] = Submission.objects.create(
            assignment=assignment, student="s1", answers={"p1": "x"}, submitted_by=assignment.created_by
        )
    workers = {
        name: Worker(f"{broker}-{name}", database_url(), tmp_path / f"{name}.log", {"GRADING_LEASE_SECONDS": "3"})
        for name in ("doomed", "live")
    }
    try:
        grade_submissions.apply_async(([str(rows["slow"].pk)],), queue=f"{broker}-doomed")
        grade_submissions.apply_async(([str(rows["long"].pk)],), queue=f"{broker}-live")
        for row in rows.values():
            wait_until(lambda row=row: status_of(row.pk) == "grading", timeout=30, every=0.05, what="the claims")
        doomed = workers["doomed"]
        for pid in [*doomed.children(), doomed.process.pid]:
            os.kill(pid, signal.SIGKILL)

        def swept_and_graded():
            grading_sweep()  # resent to the main queue, where the session's worker takes it
            return status_of(rows["slow"].pk) == "graded" and status_of(rows["long"].pk) == "graded"

        wait_until(swept_and_graded, timeout=60, every=0.5, what="both rows graded, the sweep running meanwhile")
    finally:
        for handle in workers.values():
            handle.stop()
    killed, live = (Submission.objects.get(pk=rows[slug].pk) for slug in ("slow", "long"))
    assert (killed.attempts, live.attempts) == (2, 1)
    assert PartResult.objects.filter(submission__in=[killed, live]).count() == 4
