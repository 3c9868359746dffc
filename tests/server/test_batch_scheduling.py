"""A bulk upload takes turns with everyone else's work: a few messages, one chunk each, sent again to the
back of the queue. (The test against a real worker is tests/integration/test_worker_grading.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from svc_support import FULL_ANSWERS

from server.grading import grading
from server.grading.grading import grade_batch
from server.grading.models import Batch, Submission
from server.grading.sweep import grading_sweep


@pytest.fixture
def sent(monkeypatch):
    """Messages the code publishes, kept here instead of sent (the test settings would run them at once)."""
    messages: list[tuple[str, tuple]] = []
    monkeypatch.setattr(grading, "publish_on_commit", lambda task, *args: messages.append((task.name, args)))
    monkeypatch.setattr(grading, "publish", lambda task, *args, **kw: messages.append((task.name, args)) or True)
    return messages


def upload(client, n: int) -> str:
    rows = [{"student": f"s{i:03}", "answers": FULL_ANSWERS} for i in range(n)]
    response = client.post("/api/v1/assignments/quiz/submissions/", rows, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["batch"]


def test_a_bulk_upload_sends_a_few_batch_messages_not_one_per_chunk(quiz, instructor, settings, sent):
    settings.GRADING = {**settings.GRADING, "CHUNK_SIZE": 10, "BATCH_PARALLEL": 2}
    batch = upload(instructor, 45)
    assert sent == [("server.grading.tasks.grade_batch", (batch,))] * 2


def test_a_batch_message_grades_one_chunk_in_upload_order_and_sends_itself_again(quiz, instructor, settings, sent):
    settings.GRADING = {**settings.GRADING, "CHUNK_SIZE": 10}
    batch = upload(instructor, 25)
    sent.clear()

    grade_batch.run(batch)  # as a worker runs it

    graded = Submission.objects.filter(batch_id=batch, status="graded").order_by("batch_row")
    assert list(graded.values_list("batch_row", flat=True)) == list(range(1, 11))
    assert sent == [("server.grading.tasks.grade_batch", (batch,))]  # to the back of the queue
    assert Batch.objects.get(pk=batch).drained_at is not None


def test_the_last_chunk_sends_nothing_more(quiz, instructor, settings, sent):
    settings.GRADING = {**settings.GRADING, "CHUNK_SIZE": 10}
    batch = upload(instructor, 8)
    sent.clear()
    grade_batch.run(batch)
    assert sent == [] and not Submission.objects.filter(batch_id=batch).exclude(status="graded").exists()


def test_in_the_embedded_mode_one_message_grades_the_whole_batch(quiz, instructor, settings):
    settings.GRADING = {**settings.GRADING, "CHUNK_SIZE": 10}
    batch = upload(instructor, 35)  # the test settings run tasks in process, like the embedded mode
    assert set(Submission.objects.filter(batch_id=batch).values_list("status", flat=True)) == {"graded"}


def test_a_regrade_takes_turns_the_same_way(quiz, instructor, settings, sent):
    settings.GRADING = {**settings.GRADING, "CHUNK_SIZE": 10, "BATCH_PARALLEL": 3}
    upload(instructor, 25)
    Submission.objects.update(status="graded", graded_at=timezone.now())
    sent.clear()
    response = instructor.post("/api/v1/assignments/quiz/regrade", {"all": True}, format="json")
    assert response.status_code == 202, response.json()
    assert [name for name, _ in sent] == ["server.grading.tasks.grade_batch"] * 3


def stale_batch(client, n: int, drained_at) -> str:
    batch = upload(client, n)
    Submission.objects.filter(batch_id=batch).update(
        status="queued", queued_at=timezone.now() - timedelta(hours=1), graded_at=None
    )
    Batch.objects.filter(pk=batch).update(drained_at=drained_at)
    return batch


def test_the_sweep_leaves_a_batch_that_is_being_worked_through_alone(quiz, instructor, sent):
    stale_batch(instructor, 12, drained_at=timezone.now())  # its messages are taking their turns
    sent.clear()
    report = grading_sweep()
    assert (report["resent"], report["batches"]) == (0, 0) and sent == []


def test_the_sweep_sends_a_batch_whose_messages_stopped_coming(quiz, instructor):
    batch = stale_batch(instructor, 12, drained_at=timezone.now() - timedelta(hours=1))
    report = grading_sweep()
    assert report["batches"] == 1
    assert set(Submission.objects.filter(batch_id=batch).values_list("status", flat=True)) == {"graded"}
