"""An answer given as a JSON number too large for a float is a clear 400, wherever it arrives; never a 500.

A JSON integer of 310 digits or more used to raise OverflowError in the
finiteness check (a 500) in a single POST, a bulk JSON list, a list answer and
a ZIP entry alike.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from svc_support import make_zip

from server.grading.models import Batch, Submission

HUGE = "9" * 310


def url(slug):
    return f"/api/v1/assignments/{slug}/submissions/"


def post_raw(client, slug, raw: str, content_type="application/json"):
    return client.post(url(slug), raw.encode(), content_type=content_type)


BODIES = {
    "single": '{"student": "s1", "answers": {"q3": NUM}}'.replace("NUM", HUGE),
    "single, negative": '{"student": "s1", "answers": {"q3": -NUM}}'.replace("NUM", HUGE),
    "in a list answer": '{"student": "s1", "answers": {"q1": ["b", NUM]}}'.replace("NUM", HUGE),
    "bulk": '[{"student": "s1", "answers": {"q1": "b"}}, {"student": "s2", "answers": {"q3": NUM}}]'.replace(
        "NUM", HUGE
    ),
    "bulk, in a list answer": '[{"student": "s2", "answers": {"q1": [NUM]}}]'.replace("NUM", HUGE),
}


@pytest.mark.parametrize("name", BODIES)
def test_a_huge_integer_answer_is_a_400_that_names_the_answer(quiz, instructor, name):
    response = post_raw(instructor, quiz, BODIES[name])
    assert response.status_code == 400, response.content[:300]
    errors = response.json()["errors"]
    assert any(e["field"].startswith("answers.q") and "as text" in e["reason"] for e in errors), errors
    assert not Submission.objects.exists() and not Batch.objects.exists()


def test_a_huge_integer_inside_a_zip_entry_is_a_row_error(quiz, instructor):
    archive = make_zip({"s1.json": '{"answers": {"q3": NUM}}'.replace("NUM", HUGE), "s2.json": '{"q1": "b"}'})
    response = instructor.post(url(quiz), archive, content_type="application/zip")
    assert response.status_code == 400, response.content[:300]
    [error] = response.json()["errors"]
    assert error["row"] == 1 and error["field"] == "answers.q3" and "as text" in error["reason"]
    assert not Submission.objects.exists()


def test_a_huge_integer_in_an_uploaded_json_file_is_a_row_error(quiz, instructor):
    upload = SimpleUploadedFile("a.json", '[{"student": "s1", "answers": {"q3": NUM}}]'.replace("NUM", HUGE).encode())
    response = instructor.post(url(quiz), {"file": upload}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "answers.q3"


def test_the_same_number_as_text_is_graded(quiz, instructor):
    response = post_raw(instructor, quiz, '{"student": "s1", "answers": {"q3": "NUM"}}'.replace("NUM", HUGE))
    assert response.status_code == 202
    assert Submission.objects.get().status == "graded"


@pytest.mark.parametrize("number", ["1.5", "15", "123456789012345", "-0.5", "1e300"])
def test_ordinary_numbers_are_still_answers(quiz, instructor, number):
    response = post_raw(instructor, quiz, '{"student": "s1", "answers": {"q3": NUM}}'.replace("NUM", number))
    assert response.status_code == 202, response.content[:300]
