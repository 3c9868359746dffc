"""Every rubric upload is a new immutable version; the same text twice changes nothing."""

import pytest
from svc_support import QUIZ_YAML, stored

from server.grading.models import ImmutableError, RubricVersion

CHANGED = QUIZ_YAML.replace("correct: [b]", "correct: [c]")


def test_a_new_rubric_becomes_version_two(quiz, instructor):
    response = instructor.put(f"/api/v1/assignments/{quiz}/rubric", {"rubric": CHANGED}, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert instructor.get(f"/api/v1/assignments/{quiz}/").json()["rubric_version"] == 2
    versions = instructor.get(f"/api/v1/assignments/{quiz}/rubric/versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]


def test_a_raw_yaml_body_is_accepted_too(quiz, instructor):
    response = instructor.put(f"/api/v1/assignments/{quiz}/rubric/", CHANGED.encode(), content_type="application/yaml")
    assert response.status_code == 201


def test_every_upload_is_a_new_version_even_with_the_same_text(quiz, instructor):
    response = instructor.put(f"/api/v1/assignments/{quiz}/rubric", {"rubric": QUIZ_YAML}, format="json")
    assert response.status_code == 201 and response.json()["number"] == 2
    first, second = RubricVersion.objects.order_by("number")
    assert first.sha256 == second.sha256 and first.pk != second.pk


def test_an_invalid_rubric_leaves_the_current_version(quiz, instructor):
    before = stored()
    response = instructor.put(
        f"/api/v1/assignments/{quiz}/rubric", {"rubric": QUIZ_YAML.replace("max: 2\n", "max: two\n", 1)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] is not None
    assert instructor.get(f"/api/v1/assignments/{quiz}/").json()["rubric_version"] == 1
    assert stored() == before


def test_only_the_instructors_read_or_upload_rubrics(quiz, student, stranger):
    before = stored()
    assert student.put(f"/api/v1/assignments/{quiz}/rubric", {"rubric": CHANGED}, format="json").status_code == 403
    assert stranger.put(f"/api/v1/assignments/{quiz}/rubric", {"rubric": CHANGED}, format="json").status_code == 404
    assert student.get(f"/api/v1/assignments/{quiz}/rubric").status_code == 403
    assert student.get(f"/api/v1/assignments/{quiz}/rubric/versions/").status_code == 403
    assert stored() == before


def test_instructors_read_the_current_source(quiz, instructor):
    body = instructor.get(f"/api/v1/assignments/{quiz}/rubric").json()
    assert body["source"] == QUIZ_YAML and body["exam_id"] == "mini-quiz"


def test_a_stored_version_cannot_be_changed(quiz):
    version = RubricVersion.objects.get()
    version.source = "changed"
    with pytest.raises(ImmutableError):
        version.save()


def test_a_rubric_that_is_not_utf8_is_400(quiz, instructor):
    before = stored()
    response = instructor.put(f"/api/v1/assignments/{quiz}/rubric", b"\xff\xfe\x00bad", content_type="application/yaml")
    assert response.status_code == 400 and "not utf-8 text" in response.json()["detail"]
    assert stored() == before
