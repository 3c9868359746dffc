"""What each persona sees of a result: the API, the OpenAPI schema and docs/api.md say the same.

A student once received ``matched`` (item ids, evidence, confidence) and
``review_reasons`` for their own submission, where docs/api.md promised points,
max, status and feedback. Students now see points, max, status (``needs_review``:
a person will check the part), feedback and whether a person set the score.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

API_DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
STUDENT_PART = {"points", "max", "status", "feedback"}
INTERNALS = {"matched", "review_reasons", "confidence", "machine_points", "override_stale"}


def documented_student_fields() -> set[str]:
    line = next(line for line in API_DOC.splitlines() if line.startswith("- A student sees of each of their parts"))
    return set(re.findall(r"`(\w+)`", line))


def part_of(body: dict, part: str) -> dict:
    return body["parts"][part]


def test_a_student_sees_points_max_status_and_feedback_of_their_parts(graded, student):
    result = student.get(f"/api/v1/submissions/{graded['student']}/").json()
    for part_id, part in result["parts"].items():
        assert STUDENT_PART <= set(part) <= documented_student_fields(), (part_id, sorted(part))
    assert "answers" not in result and "attempts" not in result


def test_a_student_sees_that_a_person_will_check_a_part_but_not_why(graded, student):
    sketch = part_of(student.get(f"/api/v1/submissions/{graded['student']}/").json(), "q5")
    assert sketch["status"] == "needs_review"
    assert not INTERNALS & set(sketch)


def test_the_students_lists_show_the_same_as_the_detail(graded, student):
    for url in ("/api/v1/submissions/", "/api/v1/assignments/quiz/submissions/"):
        [row] = student.get(url).json()["results"]
        for part in row["parts"].values():
            assert not INTERNALS & set(part), (url, sorted(part))


def test_a_student_sees_that_a_person_set_the_score(graded, instructor, student):
    override = {"points": 1, "reason": "partly right"}
    instructor.post(f"/api/v1/submissions/{graded['student']}/parts/q1/override", override, format="json")
    part = part_of(student.get(f"/api/v1/submissions/{graded['student']}/").json(), "q1")
    assert part["overridden"] is True and part["points"] == 1
    assert not INTERNALS & set(part)


def test_the_instructor_sees_the_graders_workings(graded, instructor):
    for url in (
        f"/api/v1/submissions/{graded['student']}/",
        "/api/v1/submissions/",
        "/api/v1/assignments/quiz/submissions/",
    ):
        body = instructor.get(url).json()
        result = body if "parts" in body else next(r for r in body["results"] if r["id"] == graded["student"])
        q1 = part_of(result, "q1")
        assert set(q1) >= INTERNALS, url
        assert q1["matched"][0]["evidence"] and 0 <= q1["confidence"] <= 1
        assert part_of(result, "q5")["review_reasons"]
        assert result["answers"]["q1"] == "b" and result["attempts"] == 1


def test_a_stranger_sees_nothing(graded, stranger):
    assert stranger.get(f"/api/v1/submissions/{graded['student']}/").status_code == 404
    assert stranger.get("/api/v1/submissions/").json()["results"] == []
    assert stranger.get("/api/v1/assignments/quiz/submissions/").status_code == 404


@pytest.fixture
def part_schema(anon) -> dict:
    doc = json.loads(anon.get("/api/v1/schema/").content)
    return doc["components"]["schemas"]["PartOut"]


def test_the_schema_marks_the_graders_workings_as_for_instructors(part_schema):
    properties = part_schema["properties"]
    assert set(part_schema["required"]) == STUDENT_PART
    for name in INTERNALS:
        assert properties[name]["description"].startswith("instructors only"), name
    for_students = {name for name, p in properties.items() if not p.get("description", "").startswith("instructors")}
    assert for_students == documented_student_fields()
