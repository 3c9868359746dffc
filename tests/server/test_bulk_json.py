"""Bulk as a JSON list: accepted whole (202 and a batch id) or rejected whole with every row's errors."""

from svc_support import FULL_ANSWERS, stored

from server.grading.models import Batch, Submission


def url(slug):
    return f"/api/v1/assignments/{slug}/submissions/"


def rows(n):
    return [{"student": f"s{i:03}", "answers": FULL_ANSWERS if i % 2 else {"q1": "c"}} for i in range(n)]


def test_a_list_is_one_batch_and_every_row_is_graded(quiz, instructor):
    response = instructor.post(url(quiz), rows(5), format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["size"] == 5 and body["errors"] == []
    assert [s["student"] for s in body["submissions"]] == [f"s{i:03}" for i in range(5)]
    progress = instructor.get(f"/api/v1/batches/{body['batch']}/").json()
    assert progress["counts"] == {"queued": 0, "grading": 0, "graded": 5, "failed": 0}
    assert progress["done"] is True and progress["kind"] == "json"


def test_row_errors_reject_the_whole_batch(quiz, instructor):
    bad = rows(4)
    bad[1]["answers"] = {"q9": "x"}
    del bad[2]["student"]
    bad[3] = "not an object"
    response = instructor.post(url(quiz), bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {e["row"] for e in errors} == {2, 3, 4}
    assert any(e["row"] == 2 and e["field"] == "answers" and "q9" in e["reason"] for e in errors)
    assert any(e["row"] == 3 and e["field"] == "student" for e in errors)
    assert not Submission.objects.exists() and not Batch.objects.exists()


def test_a_student_twice_in_one_batch_is_an_error(quiz, instructor):
    twice = [*rows(2), {"student": "s000", "answers": {}}]
    before = stored()
    errors = instructor.post(url(quiz), twice, format="json").json()["errors"]
    assert errors == [{"row": 3, "field": "student", "reason": "student 's000' appears twice (row 1)"}]
    assert stored() == before


def test_an_empty_list_is_400(quiz, instructor):
    before = stored()
    response = instructor.post(url(quiz), [], format="json")
    assert response.status_code == 400 and "no submissions" in response.json()["detail"]
    assert stored() == before


def test_too_many_rows_is_400(quiz, instructor, settings):
    settings.GRADING = {**settings.GRADING, "BULK_MAX_ROWS": 3}
    before = stored()
    response = instructor.post(url(quiz), rows(4), format="json")
    assert response.status_code == 400 and "at most 3 submissions" in response.json()["detail"]
    assert stored() == before


def test_students_cannot_upload_batches(quiz, student):
    before = stored()
    assert student.post(url(quiz), rows(2), format="json").status_code == 403
    assert stored() == before


def test_a_repeated_batch_with_its_key_is_not_stored_twice(quiz, instructor):
    first = instructor.post(url(quiz), rows(3), format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    again = instructor.post(url(quiz), rows(3), format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.json()["batch"] == again.json()["batch"] and Submission.objects.count() == 3
    before = stored()
    other = instructor.post(url(quiz), rows(2), format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert other.status_code == 422 and stored() == before


def test_a_json_file_upload_is_a_batch_too(quiz, instructor):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from svc_support import json_bytes

    upload = SimpleUploadedFile("answers.json", json_bytes(rows(3)), content_type="application/json")
    response = instructor.post(url(quiz), {"file": upload}, format="multipart")
    assert response.status_code == 202 and response.json()["size"] == 3
