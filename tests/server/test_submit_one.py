"""One submission: 202 and graded; every kind of bad input is a 4xx with a reason, never a 500."""

import json

import pytest
from svc_support import FULL_ANSWERS

from server.grading.models import Submission


def url(slug):
    return f"/api/v1/assignments/{slug}/submissions/"


def test_a_submission_is_accepted_then_graded(quiz, instructor):
    response = instructor.post(url(quiz), {"student": "s001", "answers": FULL_ANSWERS, "id": "lms-7"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] in ("queued", "graded") and body["student"] == "s001"
    submission = Submission.objects.get(pk=body["id"])
    assert submission.status == "graded" and submission.total == 6 and submission.external_id == "lms-7"
    assert submission.rubric_version.number == 1 and submission.attempts == 1


def test_a_student_submits_as_themselves(quiz, student):
    response = student.post(url(quiz), {"answers": {"q1": "b"}}, format="json")
    assert response.status_code == 202 and response.json()["student"] == "student"


def test_a_student_cannot_submit_for_someone_else(quiz, student):
    response = student.post(url(quiz), {"student": "other_student", "answers": {"q1": "b"}}, format="json")
    assert response.status_code == 403 and not Submission.objects.exists()


def test_instructors_must_name_the_student(quiz, instructor):
    response = instructor.post(url(quiz), {"answers": {"q1": "b"}}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "student"
    assert not Submission.objects.exists()


def test_strangers_and_anonymous_cannot_submit(quiz, stranger, anon):
    assert stranger.post(url(quiz), {"student": "x", "answers": {}}, format="json").status_code == 404
    assert anon.post(url(quiz), {"student": "x", "answers": {}}, format="json").status_code == 401
    assert not Submission.objects.exists()


def test_unknown_part_ids_are_refused_with_the_known_ones(quiz, instructor):
    response = instructor.post(url(quiz), {"student": "s1", "answers": {"q1": "b", "q9": "?"}}, format="json")
    assert response.status_code == 400
    reason = response.json()["errors"][0]["reason"]
    assert "'q9'" in reason and "q5" in reason
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"student": "s1", "answers": ["b"]}, "answers"),
        ({"student": "s1", "answers": {"q1": {"nested": "x"}}}, "answers.q1"),
        ({"student": "s1", "answers": {"q1": [["b"]]}}, "answers.q1"),
        ({"student": ["s1"], "answers": {}}, "student"),
        ({"student": "s1"}, "answers"),
        ({"student": "s1", "answers": {}, "score": 10}, ""),
        ({"student": "s\u202eevil", "answers": {}}, "student"),
        ({"student": "s1", "answers": {"q1": "x" * 20_001}}, "answers.q1"),
    ],
)
def test_wrong_types_and_shapes_are_400(quiz, instructor, body, field):
    response = instructor.post(url(quiz), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Submission.objects.exists()


def test_a_json_scalar_body_is_400(quiz, instructor):
    response = instructor.post(url(quiz), b'"just text"', content_type="application/json")
    assert response.status_code == 400 and not Submission.objects.exists()


def test_numbers_and_lists_are_answers_too(quiz, instructor):
    response = instructor.post(url(quiz), {"student": "s1", "answers": {"q3": 1.5, "q1": ["b"]}}, format="json")
    assert response.status_code == 202
    assert Submission.objects.get().total == 3.5


@pytest.mark.parametrize(
    "raw",
    [
        b'{"student": "s1", "answers": {"q1": "b\\u0000"}}',
        b'{"student": "s1\\u0000", "answers": {}}',
        b'{"student": "s1", "answers": {"q1": "\\ud800"}}',
        b'{"student": "s1", "answers": {"q1\\udfff": "b"}}',
        b'{"student": "s1", "answers": {"q3": NaN}}',
        b'{"student": "s1", "answers": {"q3": Infinity}}',
        b'{"student": "s1", "answers": ',
        b"\xff\xfe not utf-8",
    ],
)
def test_nul_surrogates_non_json_numbers_and_broken_json_are_400(quiz, instructor, raw):
    response = instructor.post(url(quiz), raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Submission.objects.exists()


def test_ten_thousand_deep_json_is_400_not_500(quiz, instructor):
    raw = b'{"student": "s1", "answers": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    response = instructor.post(url(quiz), raw, content_type="application/json")
    assert response.status_code == 400 and "nested" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_moderately_deep_json_is_400_too(quiz, instructor):
    raw = b'{"student": "s1", "answers": {"q1": ' + b"[" * 100 + b"]" * 100 + b"}}"
    assert instructor.post(url(quiz), raw, content_type="application/json").status_code == 400
    assert not Submission.objects.exists()


def test_an_oversize_body_is_413(quiz, instructor, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = instructor.post(url(quiz), {"student": "s1", "answers": {"q1": "b" * 2000}}, format="json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not Submission.objects.exists()


def test_an_unsupported_content_type_is_415(quiz, instructor):
    assert instructor.post(url(quiz), b"hello", content_type="text/plain").status_code == 415
    assert not Submission.objects.exists()


def test_empty_answers_grade_every_part_blank(quiz, instructor):
    response = instructor.post(url(quiz), {"student": "s1", "answers": {}}, format="json")
    result = instructor.get(f"/api/v1/submissions/{response.json()['id']}/").json()
    assert result["total"] == 0 and {p["status"] for p in result["parts"].values()} == {"blank"}


class TestIdempotencyKey:
    def test_the_same_key_and_body_return_the_first_submission(self, quiz, instructor):
        body = {"student": "s1", "answers": {"q1": "b"}}
        first = instructor.post(url(quiz), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = instructor.post(url(quiz), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert first.status_code == again.status_code == 202
        assert first.json()["id"] == again.json()["id"]
        assert again.headers["Idempotent-Replayed"] == "true"
        assert Submission.objects.count() == 1

    def test_the_same_key_with_another_body_is_422(self, quiz, instructor):
        instructor.post(url(quiz), {"student": "s1", "answers": {"q1": "b"}}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        response = instructor.post(
            url(quiz), {"student": "s1", "answers": {"q1": "c"}}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
        )
        assert response.status_code == 422
        assert [s.answers for s in Submission.objects.all()] == [{"q1": "b"}]

    def test_keys_belong_to_their_user(self, quiz, instructor, student):
        instructor.post(
            url(quiz), {"student": "student", "answers": {"q1": "b"}}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        )
        student.post(url(quiz), {"answers": {"q1": "b"}}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        assert Submission.objects.count() == 2

    def test_a_malformed_key_is_400(self, quiz, instructor):
        response = instructor.post(
            url(quiz), {"student": "s1", "answers": {}}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
        )
        assert response.status_code == 400 and not Submission.objects.exists()


def test_the_submission_cap_answers_429(quiz, instructor, student):
    instructor.patch(f"/api/v1/assignments/{quiz}/", {"max_submissions_per_student": 2}, format="json")
    codes = [student.post(url(quiz), {"answers": {"q3": str(n)}}, format="json").status_code for n in range(3)]
    assert codes == [202, 202, 429]
    assert Submission.objects.count() == 2


def test_the_cap_does_not_bind_instructors(quiz, instructor):
    instructor.patch(f"/api/v1/assignments/{quiz}/", {"max_submissions_per_student": 1}, format="json")
    codes = [instructor.post(url(quiz), {"student": "s1", "answers": {}}, format="json").status_code for _ in range(2)]
    assert codes == [202, 202]


def test_enrolled_students_submit_to_closed_assignments(quiz, instructor, student, other_student):
    instructor.patch(f"/api/v1/assignments/{quiz}/", {"open_enrollment": False}, format="json")
    assert student.post(url(quiz), {"answers": {}}, format="json").status_code == 404
    enroll = instructor.post(
        f"/api/v1/assignments/{quiz}/members/",
        {"username": "student", "role": "student", "student_ref": "s-42"},
        format="json",
    )
    assert enroll.status_code == 200
    response = student.post(url(quiz), {"answers": {"q1": "b"}}, format="json")
    assert response.status_code == 202 and response.json()["student"] == "s-42"
    assert other_student.post(url(quiz), {"answers": {}}, format="json").status_code == 404


def test_a_body_that_is_not_an_object_or_list_in_multipart_needs_a_file(quiz, instructor):
    response = instructor.post(url(quiz), {"student": "s1"}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


def test_the_response_body_is_json_even_for_errors(quiz, instructor):
    response = instructor.post(url(quiz), {"student": "s1", "answers": {"zz": 1}}, format="json")
    assert json.loads(response.content)["code"] == "invalid"
