"""Through Redis to a real Celery worker: a bulk of 200 is fully graded and matches the CLI."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery_harness import REPO, wait_until
from svc_support import QUIZ_PATH, client_with_token

from server.grading import services
from server.grading.models import PartResult, Submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]

SEED = REPO / "rubrics" / "dl-quiz.yaml"


def rubric_path() -> Path:
    """A seed rubric when it is there (and valid), else the tests' own."""
    from grader import RubricError, load_rubric

    if SEED.exists():
        try:
            load_rubric(SEED)
            return SEED
        except RubricError:
            pass
    return QUIZ_PATH


def example_submissions(path: Path, n: int, seed: int = 7) -> list[dict]:
    """Answers drawn from the rubric's own examples, so every part sees right, wrong and odd answers."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    pool = {p["id"]: [e["answer"] for e in p.get("examples", [])] + [""] for p in data["parts"]}
    return [
        {"student": f"s{i:04}", "answers": {pid: rng.choice(answers) for pid, answers in pool.items()}}
        for i in range(n)
    ]


@pytest.fixture
def instructor(db):
    return client_with_token(services.user_token_create(username="instructor", role="instructor"))


def create_assignment(client, slug: str, text: str) -> None:
    response = client.post("/api/v1/assignments/", {"slug": slug, "title": slug, "rubric": text}, format="json")
    assert response.status_code == 201, response.json()


def cli_grade(path: Path, submissions: list[dict], tmp_path: Path) -> dict[str, dict]:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([{"id": s["student"], "answers": s["answers"]} for s in submissions]))
    out = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(path), str(answers), "--no-progress"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return {r["id"]: r for r in json.loads(out.stdout)}


def test_a_bulk_of_200_is_graded_by_the_worker_and_matches_the_cli(worker, instructor, tmp_path):
    path = rubric_path()
    create_assignment(instructor, "bulk", path.read_text(encoding="utf-8"))
    submissions = example_submissions(path, 200)
    accepted = instructor.post("/api/v1/assignments/bulk/submissions/", submissions, format="json")
    assert accepted.status_code == 202
    batch = accepted.json()["batch"]

    def finished():
        progress = instructor.get(f"/api/v1/batches/{batch}/").json()
        return progress if progress["done"] else None

    progress = wait_until(finished, timeout=240, every=0.5, what="the batch to be graded")
    assert progress["counts"] == {"queued": 0, "grading": 0, "graded": 200, "failed": 0}

    expected = cli_grade(path, submissions, tmp_path)
    for row in accepted.json()["submissions"]:
        got = instructor.get(f"/api/v1/submissions/{row['id']}/").json()
        want = expected[row["student"]]
        assert (got["total"], got["max"]) == (want["total"], want["max"]), row["student"]
        for part_id, part in want["parts"].items():
            mine = got["parts"][part_id]
            assert (mine["points"], mine["max"], mine["status"], mine["feedback"]) == (
                part["points"], part["max"], part["status"], part["feedback"],
            ), (row["student"], part_id)  # fmt: skip
    assert PartResult.objects.count() == 200 * len(expected["s0000"]["parts"])
    assert set(Submission.objects.values_list("attempts", flat=True)) == {1}


def test_a_csv_upload_is_graded_by_the_worker(worker, instructor):
    create_assignment(instructor, "csv", QUIZ_PATH.read_text(encoding="utf-8"))
    data = "student;q1;q2\n김민수;b;참\nlee;c;거짓\n".encode("cp949")
    accepted = instructor.post("/api/v1/assignments/csv/submissions/", data, content_type="text/csv")
    assert accepted.status_code == 202
    batch = accepted.json()["batch"]
    wait_until(lambda: instructor.get(f"/api/v1/batches/{batch}/").json()["done"], what="the CSV batch")
    assert dict(Submission.objects.values_list("student", "total")) == {"김민수": 3, "lee": 0}


THINKING = """
format: 1
exam: {id: thinking, title: Thinking}
parts:
  - id: p1
    max: 1
    items:
      - {id: think, points: 1, check: {type: slow, seconds: 0.1}}
"""


def test_a_single_submission_is_graded_while_another_assignments_bulk_upload_is_in_progress(worker, instructor):
    """One worker, a 100-row upload of one assignment (about 10 s of grading), then one submission of
    another: it is graded after a few chunks of the upload, not after all of it."""
    create_assignment(instructor, "bulk", THINKING)
    create_assignment(instructor, "single", QUIZ_PATH.read_text(encoding="utf-8"))
    rows = [{"student": f"s{i:03}", "answers": {"p1": f"answer {i}"}} for i in range(100)]
    accepted = instructor.post("/api/v1/assignments/bulk/submissions/", rows, format="json")
    assert accepted.status_code == 202
    batch = Submission.objects.filter(batch_id=accepted.json()["batch"])
    wait_until(lambda: batch.filter(status="graded").exists(), timeout=60, what="the upload's first chunk")

    single = instructor.post(
        "/api/v1/assignments/single/submissions/", {"student": "alone", "answers": {"q1": "b"}}, format="json"
    ).json()["id"]
    wait_until(lambda: Submission.objects.get(pk=single).status == "graded", timeout=60, what="the single grade")
    unfinished = batch.exclude(status="graded").count()
    assert unfinished > 0, "the upload had finished first: the single submission waited for all of it"

    wait_until(lambda: not batch.exclude(status="graded").exists(), timeout=120, what="the rest of the upload")
    assert set(batch.values_list("attempts", flat=True)) == {1}
