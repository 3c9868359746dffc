"""Creating, listing, reading and changing assignments; rubric errors name their line and field."""

import pytest
from svc_support import QUIZ_YAML, stored

from server.grading.models import Assignment, RubricVersion


def create(client, rubric=QUIZ_YAML, slug="hw1", **extra):
    return client.post(
        "/api/v1/assignments/", {"slug": slug, "title": "Homework", "rubric": rubric, **extra}, format="json"
    )


def test_an_instructor_creates_an_assignment_with_its_first_rubric_version(instructor):
    response = create(instructor)
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "hw1" and body["role"] == "instructor"
    assert body["rubric_version"] == 1 and body["max"] == 8
    assert [p["id"] for p in body["parts"]] == ["q1", "q2", "q3", "q4", "q5"]
    version = RubricVersion.objects.get(assignment__slug="hw1")
    assert version.source == QUIZ_YAML and len(version.sha256) == 64 and version.uploaded_by.username == "instructor"


def test_a_blank_title_takes_the_exam_title(instructor):
    assert create(instructor, title="").json()["title"] == "Mini quiz"


def test_a_taken_slug_is_a_conflict(instructor, quiz):
    before = stored()
    response = create(instructor, slug=quiz)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert stored() == before


@pytest.mark.parametrize("slug", ["has space", "", "x" * 65, "ünï"])
def test_a_bad_slug_is_refused(instructor, slug):
    response = create(instructor, slug=slug)
    assert response.status_code == 400
    assert any(e["field"] == "slug" for e in response.json()["errors"])
    assert stored()["assignments"] == 0


def test_students_cannot_create_assignments(student):
    assert create(student).status_code == 403
    assert stored()["assignments"] == 0


def test_anonymous_requests_are_refused(anon):
    assert create(anon).status_code == 401
    assert stored()["assignments"] == 0
    assert anon.get("/api/v1/assignments/").status_code == 401


def test_rubric_errors_name_the_line_and_the_field(instructor):
    broken = QUIZ_YAML.replace("max: 1.5\n    items:\n      - id: value", "max: -1\n    items:\n      - id: value")
    response = create(instructor, rubric=broken)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rubric_invalid"
    error = next(e for e in body["errors"] if "max" in e["path"])
    assert error["field"] == "rubric" and error["path"] == "parts[2].max"
    assert error["line"] == broken.splitlines().index("    max: -1") + 1
    assert Assignment.objects.count() == 0


def test_an_unknown_check_type_is_reported_at_its_path(instructor):
    response = create(instructor, rubric=QUIZ_YAML.replace("type: truefalse", "type: telepathy"))
    assert response.status_code == 400 and stored()["rubric versions"] == 0
    error = response.json()["errors"][0]
    assert error["path"].startswith("parts[1].items[0].check") and "telepathy" in error["reason"]


@pytest.mark.parametrize(
    "rubric, why",
    [
        ("format: 1\nexam: [unclosed\n", "invalid YAML"),
        ("!!python/object/apply:os.system ['touch /tmp/pwned']\n", "tag"),
        ("a: &x [1]\nb: *x\n", "anchors"),
        ("format: 1\nformat: 1\n", "duplicate"),
        ("just a string", "mapping"),
        ("", "empty"),
    ],
)
def test_hostile_or_broken_yaml_is_a_400_with_a_reason(instructor, rubric, why):
    response = create(instructor, rubric=rubric) if rubric else create(instructor, rubric="   ")
    assert response.status_code == 400
    assert stored()["assignments"] == stored()["rubric versions"] == 0
    reasons = " ".join(e["reason"] for e in response.json()["errors"])
    assert why.lower() in reasons.lower() or rubric == ""


def test_a_yaml_alias_bomb_is_refused_before_it_expands(instructor):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1}]"
        for i in range(1, 9)
    ]
    response = create(instructor, rubric="\n".join(lines))
    assert response.status_code == 400
    assert "anchors and aliases are not allowed" in response.json()["errors"][0]["reason"]
    assert stored()["assignments"] == 0


def test_ten_thousand_deep_yaml_is_refused(instructor):
    response = create(instructor, rubric="[" * 10_000 + "]" * 10_000)
    assert response.status_code == 400
    assert "nested deeper" in response.json()["errors"][0]["reason"]
    assert stored()["assignments"] == 0


def test_the_list_shows_what_each_persona_may_see(quiz, instructor, student, stranger):
    assert [a["slug"] for a in instructor.get("/api/v1/assignments/").json()["results"]] == [quiz]
    assert stranger.get("/api/v1/assignments/").json()["results"] == []
    as_student = student.get("/api/v1/assignments/").json()["results"]
    assert [(a["slug"], a["role"]) for a in as_student] == [(quiz, "student")]


def test_a_closed_assignment_is_invisible_to_students_not_enrolled(quiz, instructor, student):
    assert (
        instructor.patch(f"/api/v1/assignments/{quiz}/", {"open_enrollment": False}, format="json").status_code == 200
    )
    assert student.get("/api/v1/assignments/").json()["results"] == []
    assert student.get(f"/api/v1/assignments/{quiz}/").status_code == 404


def test_detail_per_persona(quiz, instructor, student, other_student, stranger, anon):
    assert instructor.get(f"/api/v1/assignments/{quiz}/").status_code == 200
    body = student.get(f"/api/v1/assignments/{quiz}/").json()
    assert body["role"] == "student" and "rubric" not in body and "source" not in body
    assert other_student.get(f"/api/v1/assignments/{quiz}/").status_code == 200
    assert stranger.get(f"/api/v1/assignments/{quiz}/").status_code == 404
    assert anon.get(f"/api/v1/assignments/{quiz}/").status_code == 401
    assert instructor.get("/api/v1/assignments/nope/").status_code == 404


def test_only_instructors_change_settings(quiz, instructor, student, stranger):
    change = {"title": "Renamed", "max_submissions_per_student": 3}
    assert student.patch(f"/api/v1/assignments/{quiz}/", change, format="json").status_code == 403
    assert stranger.patch(f"/api/v1/assignments/{quiz}/", change, format="json").status_code == 404
    response = instructor.patch(f"/api/v1/assignments/{quiz}/", change, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Renamed"
    assert response.json()["max_submissions_per_student"] == 3


def test_wrong_types_in_the_create_body_are_400(instructor):
    response = instructor.post("/api/v1/assignments/", {"slug": ["x"], "rubric": {"a": 1}}, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"slug", "rubric"} <= fields
    assert stored()["assignments"] == 0


def test_numbers_past_the_database_range_are_400_not_500(quiz, instructor):
    big = {"max_submissions_per_student": 2**40}
    assert instructor.patch(f"/api/v1/assignments/{quiz}/", big, format="json").status_code == 400
    assert create(instructor, slug="hw9", max_submissions_per_student=2**40).status_code == 400
    assert Assignment.objects.get().max_submissions_per_student is None and stored()["assignments"] == 1
    assert instructor.get("/api/v1/webhooks/99999999999999999999999/").status_code == 404
