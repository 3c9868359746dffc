"""The caller's role is decided before the body is read, and a body is bounded before it is built.

A student once POSTed 31 MB of empty JSON objects to an instructor-only route:
the web worker grew from 95 MB to 1.6 GB for 12.7 s before answering 403. Now
every instructor-only route refuses the wrong persona before any parser runs,
and a body that would expand past its limits is refused before it is built.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.grading import parsers
from server.grading.models import Batch, Membership, Submission

BROKEN = b'{"this is": not json'
OWN = "{student}"

# Every route and method only the assignment's instructors may use, with a body.
INSTRUCTOR_WRITES = [
    ("put", "/api/v1/assignments/quiz/rubric"),
    ("patch", "/api/v1/assignments/quiz/"),
    ("post", "/api/v1/assignments/quiz/members/"),
    ("post", "/api/v1/assignments/quiz/regrade"),
    ("post", "/api/v1/assignments/quiz/parts/q1/retrain"),
    ("post", "/api/v1/assignments/quiz/webhooks/"),
    ("post", f"/api/v1/submissions/{OWN}/parts/q1/override"),
]


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """Every body parse of the request, by parser (DRF makes its parsers per request)."""
    seen: list[str] = []
    for parser in (parsers.SafeJSONParser, parsers.CSVParser, parsers.ZipParser, parsers.YAMLParser):
        real = parser.parse

        def record(self, *args, _real=real, **kwargs):
            seen.append(type(self).__name__)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(parser, "parse", record)
    return seen


@pytest.fixture
def built(monkeypatch):
    """built(client, method, path, body) -> (response, whether the body was built into Python objects)."""

    def _sending(client, method: str, path: str, body: bytes):
        seen: list[bool] = []
        real = json.loads

        def loads(text, *args, **kwargs):
            seen.append(len(text) == len(body))  # the JSON columns the request reads are decoded too
            return real(text, *args, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(parsers.json, "loads", loads)
            response = send(client, method, path, body)
        return response, any(seen)

    return _sending


def send(client, method: str, path: str, body: bytes, content_type: str = "application/json"):
    return getattr(client, method)(path, body, content_type=content_type)


@pytest.mark.parametrize("method, path", INSTRUCTOR_WRITES, ids=[f"{m} {p}" for m, p in INSTRUCTOR_WRITES])
def test_a_student_is_refused_before_the_body_is_read(graded, student, stranger, parses, method, path):
    target = path.format(**graded)
    assert send(student, method, target, BROKEN).status_code == 403
    assert send(stranger, method, target, BROKEN).status_code == 404
    assert parses == []


def test_a_student_cannot_create_an_assignment_and_the_body_stays_unread(student, parses):
    assert send(student, "post", "/api/v1/assignments/", BROKEN).status_code == 403
    assert parses == []


def test_the_instructor_still_gets_the_parse_error(quiz, instructor):
    assert send(instructor, "post", "/api/v1/assignments/quiz/members/", BROKEN).status_code == 400


@pytest.mark.parametrize("content_type", ["text/csv", "application/zip", "multipart/form-data; boundary=x"])
def test_a_students_bulk_upload_is_refused_unread(quiz, student, parses, content_type):
    response = send(student, "post", "/api/v1/assignments/quiz/submissions/", b"student,q1\ns1,b\n", content_type)
    assert response.status_code == 403
    assert parses == [] and not Submission.objects.exists()


def test_a_students_json_list_is_refused_before_it_is_built(quiz, student, built):
    body = b"[" + b",".join([b'{"answers": {}}'] * 50_000) + b"]"
    response, was_built = built(student, "post", "/api/v1/assignments/quiz/submissions/", body)
    assert response.status_code == 403
    assert not was_built and not Submission.objects.exists()


def test_a_students_submission_past_its_size_limit_is_413_unread(quiz, student, parses, settings):
    limit = settings.GRADING["SUBMISSION_MAX_BYTES"]
    body = json.dumps({"answers": {"q5": "x" * limit}}).encode()
    response = send(student, "post", "/api/v1/assignments/quiz/submissions/", body)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert parses == []


def test_empty_objects_past_the_limit_are_refused_before_they_are_built(quiz, instructor, built, settings):
    count = settings.GRADING["BULK_MAX_JSON_CONTAINERS"] + 1
    body = b"[" + b",".join([b"{}"] * count) + b"]"
    response, was_built = built(instructor, "post", "/api/v1/assignments/quiz/submissions/", body)
    assert not was_built and not Batch.objects.exists()
    assert response.status_code == 400 and "objects and arrays" in response.json()["detail"]


def test_values_past_the_limit_are_refused_before_they_are_built(quiz, instructor, built):
    body = json.dumps({"username": "student", "role": "student", "pad": [0] * 30_000}).encode()
    response, was_built = built(instructor, "post", "/api/v1/assignments/quiz/members/", body)
    assert not was_built
    assert response.status_code == 400 and "values" in response.json()["detail"]


def test_a_body_within_the_limits_is_built(quiz, instructor, built):
    body = json.dumps({"username": "student", "role": "student"}).encode()
    response, was_built = built(instructor, "post", "/api/v1/assignments/quiz/members/", body)
    assert response.status_code == 200 and was_built


def test_braces_inside_strings_do_not_count(quiz, instructor):
    latex = "\\frac{a}{b}" * 1500  # 3,000 braces and brackets' worth inside one string
    response = send(
        instructor,
        "post",
        "/api/v1/assignments/quiz/submissions/",
        json.dumps({"student": "s1", "answers": {"q5": latex[:19_000] + '"[{'}}).encode(),
    )
    assert response.status_code == 202, response.content[:300]


def test_a_students_post_reads_the_membership_once(quiz, student):
    url = "/api/v1/assignments/quiz/submissions/"
    assert student.post(url, {"answers": {"q1": "b"}}, format="json").status_code == 202  # enrolls
    assert Membership.objects.filter(user__username="student").count() == 1
    with CaptureQueriesContext(connection) as queries:
        assert student.post(url, {"answers": {"q1": "c"}}, format="json").status_code == 202
    reads = [q["sql"] for q in queries.captured_queries if '"grading_membership"' in q["sql"]]
    assert len(reads) == 1, reads
