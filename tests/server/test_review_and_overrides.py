"""Instructors review flagged parts and override scores; every change is kept with who, when, old, new, why."""

from server.grading.models import ScoreOverride, Submission


def override(client, submission_id, part, points, reason="checked by hand"):
    return client.post(
        f"/api/v1/submissions/{submission_id}/parts/{part}/override",
        {"points": points, "reason": reason},
        format="json",
    )


def test_the_review_queue_lists_parts_that_need_a_human(graded, instructor):
    items = instructor.get("/api/v1/assignments/quiz/review/").json()["results"]
    assert [(i["student"], i["part_id"]) for i in items] == [("student", "q5")]
    item = items[0]
    assert item["answer"] == "a sketch" and item["review_reasons"] and item["max"] == 2


def test_the_review_queue_filters_by_part(graded, instructor):
    assert instructor.get("/api/v1/assignments/quiz/review/?part=q1").json()["results"] == []


def test_an_override_changes_the_part_and_the_total_and_leaves_the_queue(graded, instructor):
    response = override(instructor, graded["student"], "q5", 1.5, "the sketch is mostly right")
    assert response.status_code == 200
    body = response.json()
    assert body["points"] == 1.5 and body["machine_points"] == 0 and body["overridden"] is True
    assert body["total"] == 7.5
    result = instructor.get(f"/api/v1/submissions/{graded['student']}/").json()
    assert result["total"] == 7.5 and result["needs_review"] is False
    assert result["parts"]["q5"]["overridden"] is True
    assert instructor.get("/api/v1/assignments/quiz/review/").json()["results"] == []


def test_the_audit_trail_keeps_every_change(graded, instructor):
    override(instructor, graded["student"], "q1", 1, "partly right")
    override(instructor, graded["student"], "q1", 1.5, "on second thought")
    trail = instructor.get(f"/api/v1/submissions/{graded['student']}/overrides/").json()["results"]
    assert [(t["old_points"], t["new_points"], t["reason"], t["by"]) for t in trail] == [
        (2, 1, "partly right", "instructor"),
        (1, 1.5, "on second thought", "instructor"),
    ]
    assert all(t["at"] for t in trail)
    everything = instructor.get("/api/v1/assignments/quiz/overrides/").json()["results"]
    assert len(everything) == 2


def test_null_points_return_the_part_to_the_machine(graded, instructor):
    override(instructor, graded["student"], "q1", 0)
    response = override(instructor, graded["student"], "q1", None, "machine was right")
    assert response.json()["points"] == 2 and response.json()["overridden"] is False
    assert ScoreOverride.objects.count() == 2


def test_bad_overrides_are_400_and_change_nothing(graded, instructor):
    sid = graded["student"]
    assert override(instructor, sid, "q1", 3).status_code == 400  # above max
    assert override(instructor, sid, "q1", -1).status_code == 400
    assert override(instructor, sid, "q1", 0.3).status_code == 400  # not a quarter step
    assert override(instructor, sid, "q1", "two").status_code == 400
    assert override(instructor, sid, "q1", 1, "").status_code == 400  # a reason is required
    assert (
        instructor.post(f"/api/v1/submissions/{sid}/parts/q1/override", {"points": 1}, format="json").status_code == 400
    )
    assert override(instructor, sid, "q42", 1).status_code == 404
    assert not ScoreOverride.objects.exists()
    assert Submission.objects.get(pk=sid).total == 6


def test_an_ungraded_part_cannot_be_overridden(quiz, instructor):
    sid = instructor.post(
        "/api/v1/assignments/quiz/submissions/", {"student": "s1", "answers": {}}, format="json"
    ).json()["id"]
    Submission.objects.filter(pk=sid).update(status="queued")
    Submission.objects.get(pk=sid).parts.all().delete()
    assert override(instructor, sid, "q1", 1).status_code == 409
