"""Regrading after a rubric fix: only changed results are rewritten; overrides stay and are flagged."""

from svc_support import QUIZ_YAML

from server.grading.models import PartResult, Submission

FIXED = QUIZ_YAML.replace("correct: [b]", "correct: [c]")


def upload(client, text):
    assert client.put("/api/v1/assignments/quiz/rubric", {"rubric": text}, format="json").status_code == 201


def test_regrade_rewrites_only_the_parts_that_change(graded, instructor):
    sid = graded["student"]
    before = {p.part_id: p.updated_at for p in PartResult.objects.filter(submission_id=sid)}
    upload(instructor, FIXED)
    response = instructor.post("/api/v1/assignments/quiz/regrade", {}, format="json")
    assert response.status_code == 202
    batch = response.json()
    assert batch["kind"] == "regrade" and batch["size"] == 2 and batch["rubric_version"] == 2
    after = {p.part_id: p.updated_at for p in PartResult.objects.filter(submission_id=sid)}
    assert [k for k in after if after[k] != before[k]] == ["q1"]
    submission = Submission.objects.get(pk=sid)
    assert submission.rubric_version.number == 2 and submission.total == 4
    progress = instructor.get(f"/api/v1/batches/{batch['id']}/").json()
    assert progress["done"] and progress["counts"]["graded"] == 2 and progress["changed"] == 2


def test_an_override_survives_a_regrade_and_is_flagged(graded, instructor):
    sid = graded["student"]
    instructor.post(f"/api/v1/submissions/{sid}/parts/q1/override", {"points": 1, "reason": "partial"}, format="json")
    upload(instructor, FIXED)
    instructor.post("/api/v1/assignments/quiz/regrade", {}, format="json")
    part = instructor.get(f"/api/v1/submissions/{sid}/").json()["parts"]["q1"]
    assert part["points"] == 1 and part["machine_points"] == 0
    assert part["overridden"] is True and part["override_stale"] is True


def test_regrade_skips_submissions_already_on_the_current_version(graded, instructor):
    response = instructor.post("/api/v1/assignments/quiz/regrade", {}, format="json")
    assert response.json()["size"] == 0


def test_regrade_all_with_an_unchanged_rubric_rewrites_nothing(graded, instructor):
    before = dict(PartResult.objects.values_list("pk", "updated_at"))
    batch = instructor.post("/api/v1/assignments/quiz/regrade", {"all": True}, format="json").json()
    assert batch["size"] == 2
    assert dict(PartResult.objects.values_list("pk", "updated_at")) == before
    assert instructor.get(f"/api/v1/batches/{batch['id']}/").json()["changed"] == 0


def test_parts_dropped_from_the_rubric_are_dropped_from_results(graded, instructor):
    without_q5 = QUIZ_YAML.split("  - id: q5")[0].replace("total: 8", "total: 6")
    upload(instructor, without_q5)
    instructor.post("/api/v1/assignments/quiz/regrade", {}, format="json")
    result = instructor.get(f"/api/v1/submissions/{graded['student']}/").json()
    assert list(result["parts"]) == ["q1", "q2", "q3", "q4"] and result["max"] == 6
    assert result["unknown_parts"] == ["q5"]
