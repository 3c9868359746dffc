"""A regrade says what it changed: whose submission, which part, the points before and after."""

from svc_support import QUIZ_YAML

FIXED = QUIZ_YAML.replace("correct: [b]", "correct: [c]")


def regrade_after(instructor, text) -> str:
    assert instructor.put("/api/v1/assignments/quiz/rubric", {"rubric": text}, format="json").status_code == 201
    response = instructor.post("/api/v1/assignments/quiz/regrade", {}, format="json")
    assert response.status_code == 202
    return response.json()["id"]


def changes(client, batch_id: str):
    return client.get(f"/api/v1/batches/{batch_id}/changes/")


def test_every_part_whose_points_changed_is_listed_with_old_and_new(graded, instructor):
    batch = regrade_after(instructor, FIXED)
    body = changes(instructor, batch).json()
    assert body["count"] == 2
    rows = sorted((r["student"], r["part_id"], r["old_points"], r["new_points"]) for r in body["results"])
    assert rows == [("other_student", "q1", 0, 2), ("student", "q1", 2, 0)]
    by_student = {r["student"]: r for r in body["results"]}
    assert by_student["student"]["submission"] == graded["student"]
    assert by_student["other_student"]["submission"] == graded["other_student"]


def test_a_part_the_rubric_drops_or_adds_is_listed_without_old_or_new(graded, instructor):
    without_q5 = QUIZ_YAML.split("  - id: q5")[0].replace("total: 8", "total: 6")
    batch = regrade_after(instructor, without_q5)
    rows = {
        (r["student"], r["part_id"]): (r["old_points"], r["new_points"])
        for r in changes(instructor, batch).json()["results"]
    }
    assert rows[("student", "q5")][1] is None
    back = regrade_after(instructor, QUIZ_YAML)
    rows = {
        (r["student"], r["part_id"]): (r["old_points"], r["new_points"])
        for r in changes(instructor, back).json()["results"]
    }
    assert rows[("student", "q5")][0] is None


def test_an_overridden_part_keeps_its_points_and_is_not_a_change(graded, instructor):
    sid = graded["student"]
    instructor.post(f"/api/v1/submissions/{sid}/parts/q1/override", {"points": 2, "reason": "kept"}, format="json")
    batch = regrade_after(instructor, FIXED)
    students = [r["student"] for r in changes(instructor, batch).json()["results"]]
    assert students == ["other_student"]


def test_nothing_changed_is_an_empty_list(graded, instructor):
    batch = instructor.post("/api/v1/assignments/quiz/regrade", {"all": True}, format="json").json()["id"]
    assert changes(instructor, batch).json()["results"] == []


def test_only_the_assignments_instructors_read_the_changes(graded, instructor, student, stranger):
    batch = regrade_after(instructor, FIXED)
    assert changes(student, batch).status_code == 404
    assert changes(stranger, batch).status_code == 404
