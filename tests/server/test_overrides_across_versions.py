"""An override that no longer fits a new rubric version is set aside and flagged, never exported above max.

Before: override q1 at 2 of 2, upload a version where q1's max is 1, regrade,
and the submission showed 2 of 1 (200 % in the statistics and the export).
Override, upload a version without the part, regrade, restore the part,
regrade: the override was gone and the audit trail still ended at it.
"""

from __future__ import annotations

import csv
import io

from svc_support import QUIZ_YAML

from server.grading.models import PartResult, ScoreOverride

Q1_MAX_ONE = (
    QUIZ_YAML.replace("  total: 8\n", "")
    .replace(
        "    max: 2\n    items:\n      - id: key\n        points: 2\n",
        "    max: 1\n    items:\n      - id: key\n        points: 1\n",
        1,
    )
    .replace('      - {answer: "b", points: 2}\n', '      - {answer: "b", points: 1}\n', 1)
)
WITHOUT_Q1 = QUIZ_YAML.replace("  total: 8\n", "")
WITHOUT_Q1 = WITHOUT_Q1[: WITHOUT_Q1.index("  - id: q1")] + WITHOUT_Q1[WITHOUT_Q1.index("  - id: q2") :]


def override(client, sid: str, part: str, points, reason: str = "checked by hand"):
    url = f"/api/v1/submissions/{sid}/parts/{part}/override"
    response = client.post(url, {"points": points, "reason": reason}, format="json")
    assert response.status_code == 200, response.json()


def new_version_and_regrade(client, text: str) -> None:
    assert client.put("/api/v1/assignments/quiz/rubric", {"rubric": text}, format="json").status_code == 201
    assert client.post("/api/v1/assignments/quiz/regrade", {}, format="json").status_code == 202


def trail(client, sid: str, part: str) -> list[dict]:
    rows = client.get(f"/api/v1/submissions/{sid}/overrides/").json()["results"]
    return [r for r in rows if r["part_id"] == part]


def exported(client) -> dict[str, dict[str, str]]:
    response = client.get("/api/v1/assignments/quiz/export.csv?latest=false")
    return {row["student"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))}


def test_an_override_above_the_new_max_is_set_aside_and_flagged(graded, instructor):
    sid = graded["other_student"]  # answered c: the machine gives q1 0
    override(instructor, sid, "q1", 2)
    new_version_and_regrade(instructor, Q1_MAX_ONE)
    part = instructor.get(f"/api/v1/submissions/{sid}/").json()["parts"]["q1"]
    assert part["max"] == 1 and part["points"] == part["machine_points"] == 0
    assert part["overridden"] is False and part["override_stale"] is True
    queue = instructor.get("/api/v1/assignments/quiz/review/").json()["results"]
    assert ("other_student", "q1") in {(i["student"], i["part_id"]) for i in queue}
    last = trail(instructor, sid, "q1")[-1]
    assert (last["old_points"], last["new_points"], last["by"]) == (2, 0, None)
    assert "max" in last["reason"] and "version 2" in last["reason"]


def test_no_export_or_statistic_goes_above_max_after_a_lower_max(graded, instructor):
    for sid in graded.values():
        override(instructor, sid, "q1", 2)
    new_version_and_regrade(instructor, Q1_MAX_ONE)
    for row in exported(instructor).values():
        assert float(row["q1"]) <= 1 and float(row["total"]) <= float(row["max"])
    stats = instructor.get("/api/v1/assignments/quiz/stats/?latest=false").json()
    assert stats["parts"]["q1"]["max"] == 1 and stats["parts"]["q1"]["mean_percent"] <= 100
    assert all(p.points <= p.max_points for p in PartResult.objects.all())


def test_an_override_that_still_fits_stays(graded, instructor):
    sid = graded["other_student"]
    override(instructor, sid, "q1", 1)
    new_version_and_regrade(instructor, Q1_MAX_ONE)
    part = instructor.get(f"/api/v1/submissions/{sid}/").json()["parts"]["q1"]
    assert part["points"] == 1 and part["overridden"] is True
    assert [t["reason"] for t in trail(instructor, sid, "q1")] == ["checked by hand"]


def test_a_removed_part_leaves_an_audit_entry_and_is_flagged_when_it_returns(graded, instructor):
    sid = graded["other_student"]
    override(instructor, sid, "q1", 1.5)
    new_version_and_regrade(instructor, WITHOUT_Q1)
    assert "q1" not in instructor.get(f"/api/v1/submissions/{sid}/").json()["parts"]
    removal = trail(instructor, sid, "q1")[-1]
    assert (removal["old_points"], removal["by"]) == (1.5, None)
    assert "no part q1" in removal["reason"] and "version 2" in removal["reason"]

    new_version_and_regrade(instructor, QUIZ_YAML)
    part = instructor.get(f"/api/v1/submissions/{sid}/").json()["parts"]["q1"]
    assert part["points"] == 0 and part["overridden"] is False and part["override_stale"] is True
    assert trail(instructor, sid, "q1")[-1] == removal  # the trail ends at the removal, not at 1.5
    queue = instructor.get("/api/v1/assignments/quiz/review/").json()["results"]
    assert (graded["other_student"], "q1") in {(i["submission"], i["part_id"]) for i in queue}


def test_a_part_without_an_override_is_removed_and_returns_without_a_trace(graded, instructor):
    new_version_and_regrade(instructor, WITHOUT_Q1)
    new_version_and_regrade(instructor, QUIZ_YAML)
    part = instructor.get(f"/api/v1/submissions/{graded['student']}/").json()["parts"]["q1"]
    assert part["override_stale"] is False and not ScoreOverride.objects.exists()
