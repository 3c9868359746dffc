"""After a person sets a part's score, the student reads that it was reviewed, the new points and why.

The reason is the student's to read; who set the score stays in the instructors' audit trail.
"""

from __future__ import annotations

from server.grading.models import PartResult


def student_part(student, submission_id: str, part: str) -> dict:
    return student.get(f"/api/v1/submissions/{submission_id}/").json()["parts"][part]


def test_the_student_reads_the_new_points_and_the_reason(graded, instructor, student):
    url = f"/api/v1/submissions/{graded['student']}/parts/q1/override"
    response = instructor.post(url, {"points": 1, "reason": "The reasoning is right; the sign slipped."}, format="json")
    assert response.status_code == 200
    part = student_part(student, graded["student"], "q1")
    assert part["overridden"] is True
    assert part["points"] == 1
    assert part["override_reason"] == "The reasoning is right; the sign slipped."
    assert "instructor" not in str(part)  # who decided is in the audit trail, not in the student's view


def test_the_lists_carry_the_reason_too(graded, instructor, student):
    url = f"/api/v1/submissions/{graded['student']}/parts/q1/override"
    assert instructor.post(url, {"points": 1, "reason": "ok"}, format="json").status_code == 200
    [row] = student.get("/api/v1/assignments/quiz/submissions/").json()["results"]
    assert row["parts"]["q1"]["override_reason"] == "ok"


def test_a_score_given_back_to_the_machine_has_no_reason_left(graded, instructor, student):
    url = f"/api/v1/submissions/{graded['student']}/parts/q1/override"
    instructor.post(url, {"points": 1, "reason": "first look"}, format="json")
    instructor.post(url, {"points": None, "reason": "the machine was right"}, format="json")
    part = student_part(student, graded["student"], "q1")
    assert "overridden" not in part and "override_reason" not in part
    assert PartResult.objects.get(submission_id=graded["student"], part_id="q1").override_reason == ""


def test_parts_nobody_overrode_carry_no_reason(graded, student):
    for part in student.get(f"/api/v1/submissions/{graded['student']}/").json()["parts"].values():
        assert "override_reason" not in part
