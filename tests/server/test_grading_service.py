"""The worker's side: claims, duplicate deliveries, quarantine, the sweep, engine faults."""

from datetime import timedelta

import pytest
from django.utils import timezone
from svc_support import FULL_ANSWERS

from server.grading import claims, grading
from server.grading.grading import grade_submissions
from server.grading.models import PartResult, Submission
from server.grading.sweep import grading_sweep, sweep


@pytest.fixture
def queued(quiz, instructor):
    """A stored, queued submission whose message was never sent."""
    from django.contrib.auth import get_user_model

    from server.grading.models import Assignment

    return Submission.objects.create(
        assignment=Assignment.objects.get(slug=quiz),
        student="s1",
        answers=FULL_ANSWERS,
        submitted_by=get_user_model().objects.get(username="instructor"),
    )


def test_a_duplicate_delivery_grades_once(queued):
    assert grading.submissions_grade(ids=[str(queued.pk)], token="task-1") == {"graded": 1}
    assert grading.submissions_grade(ids=[str(queued.pk)], token="task-2") == {"skipped": 1}
    assert grading.submissions_grade(ids=[str(queued.pk)], token="task-1") == {"skipped": 1}
    queued.refresh_from_db()
    assert queued.attempts == 1 and PartResult.objects.filter(submission=queued).count() == 5


def test_a_second_worker_cannot_take_a_claimed_row(queued):
    assert claims.claim_one(queued.pk, "task-1") is not None
    assert claims.claim_one(queued.pk, "task-2") is None


def test_the_same_message_redelivered_after_a_worker_died_takes_the_row_back(queued):
    claims.claim_one(queued.pk, "task-1")  # then the pool child is killed
    assert grading.submissions_grade(ids=[str(queued.pk)], token="task-1") == {"graded": 1}
    queued.refresh_from_db()
    assert queued.status == "graded" and queued.attempts == 2


def test_a_row_that_keeps_killing_its_worker_is_quarantined(queued, settings):
    for _ in range(settings.GRADING["MAX_ATTEMPTS"]):
        assert claims.claim_one(queued.pk, "task-1") is not None
    assert grading.submissions_grade(ids=[str(queued.pk)], token="task-1") == {"skipped": 1}
    queued.refresh_from_db()
    assert queued.status == "failed" and "quarantined" in queued.failure_reason


def test_the_sweep_resends_queued_rows_whose_message_was_lost(queued):
    Submission.objects.filter(pk=queued.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    report = sweep.apply().get()
    assert report["resent"] == 1
    queued.refresh_from_db()
    assert queued.status == "graded"


def test_the_sweep_leaves_fresh_queued_rows_alone(queued):
    assert grading_sweep()["resent"] == 0


def test_the_sweep_frees_rows_of_dead_workers(queued, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.GRADING["LEASE_SECONDS"] + 60)
    Submission.objects.filter(pk=queued.pk).update(
        status="grading", claim_token="dead", claimed_at=long_ago, attempts=1
    )
    report = grading_sweep()
    assert report["released"] == 1 and report["resent"] == 1
    queued.refresh_from_db()
    assert queued.status == "graded" and queued.attempts == 2


def test_the_sweep_quarantines_dead_rows_past_the_attempt_limit(queued, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.GRADING["LEASE_SECONDS"] + 60)
    Submission.objects.filter(pk=queued.pk).update(
        status="grading", claim_token="dead", claimed_at=long_ago, attempts=settings.GRADING["MAX_ATTEMPTS"]
    )
    assert grading_sweep()["quarantined"] == 1
    queued.refresh_from_db()
    assert queued.status == "failed"


def test_an_engine_fault_fails_the_submission_with_a_reason(queued, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("engine bug")

    monkeypatch.setattr(grading, "grade_with_version", broken)
    assert grading.submissions_grade(ids=[str(queued.pk)], token="t") == {"failed": 1}
    queued.refresh_from_db()
    assert queued.status == "failed" and "ZeroDivisionError: engine bug" in queued.failure_reason


def test_a_chunk_past_its_budget_sends_the_rest_on(quiz, instructor, settings, monkeypatch):
    settings.GRADING = {**settings.GRADING, "CHUNK_BUDGET_SECONDS": -1}
    ids = []
    for n in range(3):
        ids.append(
            instructor.post(
                "/api/v1/assignments/quiz/submissions/", {"student": f"x{n}", "answers": {}}, format="json"
            ).json()["id"]
        )
    Submission.objects.update(status="queued")
    sent = []
    monkeypatch.setattr(grading, "send_for_grading", lambda ids: sent.append(list(ids)))
    counts = grading.submissions_grade(ids=ids, token="t")
    assert counts == {"graded": 1, "deferred": 2} and sent == [ids[1:]]


def test_the_task_takes_ids_only(queued):
    assert grade_submissions.apply(args=[[str(queued.pk)]]).get() == {"graded": 1}


def test_a_rubric_change_while_grading_grades_against_the_new_version(queued, instructor, monkeypatch):
    from svc_support import QUIZ_YAML

    real = grading.grade_with_version
    calls = []

    def upload_during_first_grade(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 1:
            instructor.put(
                "/api/v1/assignments/quiz/rubric",
                {"rubric": QUIZ_YAML.replace("correct: [b]", "correct: [c]")},
                format="json",
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(grading, "grade_with_version", upload_during_first_grade)
    assert grading.submissions_grade(ids=[str(queued.pk)], token="t") == {"graded": 1}
    queued.refresh_from_db()
    assert len(calls) == 2 and queued.rubric_version.number == 2 and queued.total == 4


def test_fresh_rows_past_the_budget_go_back_uncounted(quiz, instructor, settings, monkeypatch):
    from django.contrib.auth import get_user_model

    from server.grading.models import Assignment

    settings.GRADING = {**settings.GRADING, "CHUNK_BUDGET_SECONDS": -1}
    user = get_user_model().objects.get(username="instructor")
    rows = Submission.objects.bulk_create(
        Submission(assignment=Assignment.objects.get(slug=quiz), student=f"f{n}", answers={}, submitted_by=user)
        for n in range(3)
    )
    sent = []
    monkeypatch.setattr(grading, "send_for_grading", lambda ids: sent.append(list(ids)))
    counts = grading.submissions_grade(ids=[str(r.pk) for r in rows], token="t")
    assert counts == {"graded": 1, "deferred": 2} and sent == [[str(r.pk) for r in rows[1:]]]
    later = Submission.objects.filter(pk__in=[r.pk for r in rows[1:]])
    assert {(s.status, s.attempts) for s in later} == {("queued", 0)}


def test_a_chunk_of_fresh_rows_is_stored_together(quiz, instructor, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    from server.grading.models import Assignment

    user = get_user_model().objects.get(username="instructor")
    rows = Submission.objects.bulk_create(
        Submission(
            assignment=Assignment.objects.get(slug=quiz), student=f"c{n}", answers=FULL_ANSWERS, submitted_by=user
        )
        for n in range(20)
    )
    with django_assert_max_num_queries(15):
        assert grading.submissions_grade(ids=[str(r.pk) for r in rows], token="t") == {"graded": 20}
    assert PartResult.objects.filter(submission__in=rows).count() == 100
    assert set(Submission.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", "total")) == {("graded", 6)}
