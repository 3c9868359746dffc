"""Celery's soft time limit inside a checker reaches the task, and one compiled rubric serves threads at once."""

from __future__ import annotations

import threading

import pytest
import svc_checkers
from django.contrib.auth import get_user_model

from server.grading import grading, retraining
from server.grading.models import Assignment, PartResult, RetrainJob, Submission
from server.grading.rubrics import compiled_for, grade_with_version

RUBRIC = """
format: 1
exam: {id: limits, title: Limits}
parts:
  - id: p
    max: 1
    items:
      - {id: gate, points: 1, check: {type: gate}}
  - id: q
    max: 1
    items:
      - {id: limit, points: 1, check: {type: time_limit}}
"""


@pytest.fixture
def limits(instructor) -> Assignment:
    response = instructor.post("/api/v1/assignments/", {"slug": "limits", "rubric": RUBRIC}, format="json")
    assert response.status_code == 201, response.json()
    return Assignment.objects.get(slug="limits")


def stored(assignment: Assignment, *answers: dict) -> list[Submission]:
    user = get_user_model().objects.get(username="instructor")
    return Submission.objects.bulk_create(
        Submission(assignment=assignment, student=f"s{n}", answers=a, submitted_by=user) for n, a in enumerate(answers)
    )


def test_the_soft_time_limit_in_a_checker_hands_the_chunk_on(limits, monkeypatch):
    hung, next_one = stored(limits, {"q": "hang"}, {"q": "fine"})
    sent = []
    monkeypatch.setattr(grading, "send_for_grading", lambda ids: sent.append(list(ids)))

    counts = grading.submissions_grade(ids=[str(hung.pk), str(next_one.pk)], token="t")

    assert counts == {"deferred": 2} and sent == [[str(hung.pk), str(next_one.pk)]]
    rows = {s.pk: s for s in Submission.objects.filter(pk__in=[hung.pk, next_one.pk])}
    assert (rows[hung.pk].status, rows[hung.pk].attempts) == ("queued", 1)  # it ran out of time: counted
    assert (rows[next_one.pk].status, rows[next_one.pk].attempts) == ("queued", 0)  # never graded: not counted
    assert not PartResult.objects.exists()


def test_the_soft_time_limit_after_a_claimed_row_counts_that_row_only(limits, monkeypatch):
    first, hung = stored(limits, {"q": "fine"}, {"q": "hang"})
    Submission.objects.update(attempts=1)  # claimed before: graded one at a time
    sent = []
    monkeypatch.setattr(grading, "send_for_grading", lambda ids: sent.append(list(ids)))

    counts = grading.submissions_grade(ids=[str(first.pk), str(hung.pk)], token="t")

    assert counts == {"graded": 1, "deferred": 1} and sent == [[str(hung.pk)]]
    hung.refresh_from_db()
    assert (hung.status, hung.attempts) == ("queued", 2)


def test_a_retrain_cut_by_the_soft_time_limit_is_sent_on(limits, instructor, settings, monkeypatch):
    settings.GRADING = {**settings.GRADING, "RETRAIN_ON_OVERRIDE": False}
    (row,) = stored(limits, {"q": "fine"})
    assert grading.submissions_grade(ids=[str(row.pk)], token="t") == {"graded": 1}
    Submission.objects.filter(pk=row.pk).update(answers={"q": "hang"})
    job = RetrainJob.objects.create(
        assignment=limits, rubric_version=limits.current_rubric, part_id="q", created_by=limits.created_by
    )
    sent = []
    monkeypatch.setattr(retraining, "send_retrain", sent.append)

    assert retraining.retrain_run(job_id=job.pk) == {"deferred": 1} and sent == [job.pk]
    assert PartResult.objects.get(submission=row, part_id="q").status == "graded"  # not rewritten as needs_review


def test_threads_grade_through_one_compiled_rubric_without_waiting_for_each_other(limits):
    version = limits.current_rubric
    compiled_for(version.pk, version.sha256)  # compiled here: the threads below find it cached
    svc_checkers.GATE.clear()
    svc_checkers.INSIDE.clear()
    held = threading.Thread(target=grade_with_version, args=(version.pk, version.sha256, {"p": "wait"}, "held"))
    held.start()
    try:
        assert svc_checkers.INSIDE.wait(timeout=30), "the first thread never reached the checker"
        results = []
        other = threading.Thread(
            target=lambda: results.append(grade_with_version(version.pk, version.sha256, {"p": "go"}, "other"))
        )
        other.start()
        other.join(timeout=30)  # a bound, not a timing: with a lock around grading it never finishes
        assert not other.is_alive() and results[0].parts["p"].points == 1
        assert held.is_alive()  # the first thread is still inside its checker
    finally:
        svc_checkers.GATE.set()
        held.join()
