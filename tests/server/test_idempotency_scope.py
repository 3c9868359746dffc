"""An Idempotency-Key is scoped to (user, route, assignment).

The same key and body sent to another assignment used to replay the first
assignment's response and store nothing, for single and bulk POSTs, even
when the second assignment had no such part.
"""

from __future__ import annotations

from svc_support import QUIZ_YAML

from server.grading.models import Batch, Submission

OTHER_RUBRIC = QUIZ_YAML.replace("id: mini-quiz", "id: other-quiz").replace("- id: q1\n", "- id: x1\n")


def url(slug: str) -> str:
    return f"/api/v1/assignments/{slug}/submissions/"


def make(client, slug: str, rubric: str = QUIZ_YAML) -> str:
    response = client.post("/api/v1/assignments/", {"slug": slug, "title": "", "rubric": rubric}, format="json")
    assert response.status_code == 201, response.json()
    return slug


def test_the_same_key_and_body_on_another_assignment_is_another_submission(quiz, instructor):
    other = make(instructor, "quiz-b")
    body = {"student": "s1", "answers": {"q1": "b"}}
    first = instructor.post(url(quiz), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    second = instructor.post(url(other), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == second.status_code == 202
    assert "Idempotent-Replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    assert sorted(Submission.objects.values_list("assignment__slug", flat=True)) == [quiz, other]


def test_another_assignment_without_the_part_answers_its_own_400(quiz, instructor):
    other = make(instructor, "quiz-x", OTHER_RUBRIC)
    body = {"student": "s1", "answers": {"q1": "b"}}
    assert instructor.post(url(quiz), body, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 202
    response = instructor.post(url(other), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400 and "'q1'" in response.json()["errors"][0]["reason"]
    assert Submission.objects.filter(assignment__slug=other).count() == 0


def test_the_same_key_and_batch_on_another_assignment_is_another_batch(quiz, instructor):
    other = make(instructor, "quiz-b")
    rows = [{"student": "s1", "answers": {"q1": "b"}}, {"student": "s2", "answers": {}}]
    first = instructor.post(url(quiz), rows, format="json", HTTP_IDEMPOTENCY_KEY="b")
    second = instructor.post(url(other), rows, format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert first.status_code == second.status_code == 202
    assert first.json()["batch"] != second.json()["batch"]
    assert Batch.objects.count() == 2 and Submission.objects.count() == 4


def test_a_batch_on_another_assignment_without_the_part_is_rejected_on_its_own(quiz, instructor):
    other = make(instructor, "quiz-x", OTHER_RUBRIC)
    rows = [{"student": "s1", "answers": {"q1": "b"}}]
    assert instructor.post(url(quiz), rows, format="json", HTTP_IDEMPOTENCY_KEY="b").status_code == 202
    response = instructor.post(url(other), rows, format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert response.status_code == 400
    assert not Batch.objects.filter(assignment__slug=other).exists()


def test_single_and_bulk_routes_do_not_share_keys(quiz, instructor):
    single = instructor.post(url(quiz), {"student": "s1", "answers": {}}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    bulk = instructor.post(url(quiz), [{"student": "s2", "answers": {}}], format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert single.status_code == bulk.status_code == 202
    assert Submission.objects.count() == 2


def test_within_one_assignment_a_key_still_replays(quiz, instructor):
    body = {"student": "s1", "answers": {"q1": "b"}}
    first = instructor.post(url(quiz), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    again = instructor.post(url(quiz), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.headers["Idempotent-Replayed"] == "true" and first.json()["id"] == again.json()["id"]
    assert Submission.objects.count() == 1
