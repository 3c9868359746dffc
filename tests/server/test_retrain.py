"""Learning from overrides: instructors' scores train the part's classifier, a retrain regrades that part.

The ``why`` part is graded by a classifier that knows dropout from four
examples; batch-normalization answers get nothing. The instructor decides
that this quiz accepts those too, overrides a few, and retrains.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.grading import retraining
from server.grading.models import Assignment, PartResult, RetrainJob, ScoreOverride, Submission
from server.grading.retraining import retrain_part
from server.grading.rubrics import NO_OVERRIDES, compiled_cache, compiled_for, override_examples, override_watermarks

RUBRIC = """
format: 1
exam: {id: reg, title: Regularization, total: 3}
parts:
  - id: mc
    title: Which one is a regularizer?
    max: 1
    items:
      - {id: key, points: 1, check: {type: choice, options: [a, b], correct: [a]}}
  - id: why
    title: Why does dropout reduce overfitting?
    prompt: Why does dropout reduce overfitting?
    max: 2
    model_answer: Dropout randomly drops units during training so the network cannot rely on co-adapted features.
    items:
      - id: idea
        points: 2
        check: {type: classifier, min_confidence: 0.5}
    examples:
      - {answer: "it randomly drops neurons so units cannot co-adapt", points: 2}
      - {answer: "randomly turning off units prevents co-adaptation of features", points: 2}
      - {answer: "it makes the learning rate smaller", points: 0}
      - {answer: "it adds more layers to the network", points: 0}
"""
DROPOUT = "dropout switches off random units so they cannot co-adapt"
OVERRIDDEN = [  # graded 0 by the machine, 2 by the instructor
    "it normalizes the activations with batch statistics",
    "normalizing each batch of activations",
    "batch normalization of the layer inputs",
    "the batch statistics normalize the activations",
]
SIMILAR = "batch normalization of the activations"  # submitted before the overrides, never overridden
NEW = "it normalizes the batch statistics"  # submitted after the retrain


@pytest.fixture
def reg(instructor):
    response = instructor.post("/api/v1/assignments/", {"slug": "reg", "title": "", "rubric": RUBRIC}, format="json")
    assert response.status_code == 201, response.json()
    return Assignment.objects.get(slug="reg")


@pytest.fixture
def no_auto_retrain(settings):
    settings.GRADING = {**settings.GRADING, "RETRAIN_ON_OVERRIDE": False}


def submit(client, student, why, mc="a"):
    response = client.post(
        "/api/v1/assignments/reg/submissions/", {"student": student, "answers": {"mc": mc, "why": why}}, format="json"
    )
    assert response.status_code == 202, response.json()
    return response.json()["id"]


def part(submission_id, part_id="why"):
    return PartResult.objects.get(submission_id=submission_id, part_id=part_id)


def override(client, submission_id, points, part_id="why"):
    response = client.post(
        f"/api/v1/submissions/{submission_id}/parts/{part_id}/override",
        {"points": points, "reason": "batch norm is accepted too"},
        format="json",
    )
    assert response.status_code == 200, response.json()


def retrain(client, part_id="why"):
    response = client.post(f"/api/v1/assignments/reg/parts/{part_id}/retrain", {}, format="json")
    assert response.status_code == 202, response.json()
    return client.get(f"/api/v1/retrains/{response.json()['id']}/").json()


def test_overrides_teach_the_classifier_and_a_retrain_regrades_the_part(reg, instructor, no_auto_retrain):
    similar = submit(instructor, "s-similar", SIMILAR)
    dropout = submit(instructor, "s-dropout", DROPOUT)
    assert float(part(similar).points) == 0 and float(part(dropout).points) == 2
    assert float(part(submit(instructor, "s-before", NEW)).points) == 0  # (a) before any override
    for n, answer in enumerate(OVERRIDDEN):
        override(instructor, submit(instructor, f"s{n}", answer), 2)
    assert float(part(similar).points) == 0  # no retrain yet: stored results stay

    job = retrain(instructor)
    assert job["status"] == "done" and job["done"] and job["trigger"] == "request"
    assert job["examples"] == 4 and job["rubric_version"] == 1 and job["part_id"] == "why"
    # s-similar, s-before and s-dropout are examined, the overridden four are not; two scores change
    # (s-dropout keeps its 2 points, with the classifier's new probability as evidence)
    assert job["examined"] == 3 and job["rescored"] == 2 and job["changed"] >= 2
    after = part(similar)
    assert float(after.points) == 2 and float(after.machine_points) == 2 and not after.overridden  # (b)
    assert Submission.objects.get(pk=similar).total == 3
    assert float(part(dropout).points) == 2
    assert float(part(submit(instructor, "s-after", NEW)).points) == 2  # new submissions learn too
    assert float(part(submit(instructor, "s-wrong", "the learning rate gets smaller")).points) == 0


def test_a_retrain_never_changes_an_overridden_part(reg, instructor, no_auto_retrain):
    ids = [submit(instructor, f"s{n}", answer) for n, answer in enumerate(OVERRIDDEN)]
    for sid in ids[:3]:
        override(instructor, sid, 2)  # machine 0; the retrained machine would say 2 (a graded answer)
    dropout = submit(instructor, "s-dropout", DROPOUT)
    override(instructor, dropout, 0)  # machine 2; this instructor wants more than that
    before = {p.pk: (p.points, p.machine_points, p.updated_at) for p in PartResult.objects.filter(overridden=True)}
    job = retrain(instructor)
    assert job["status"] == "done" and job["examined"] == 1 and job["rescored"] == 1  # ids[3]: not overridden
    after = {p.pk: (p.points, p.machine_points, p.updated_at) for p in PartResult.objects.filter(overridden=True)}
    assert after == before and len(after) == 4
    assert [float(points) for points, _, _ in after.values()] == [2, 2, 2, 0]
    assert not PartResult.objects.filter(override_stale=True).exists()
    assert float(part(ids[3]).points) == 2


def test_the_retrain_routes_per_persona(reg, instructor, student, other_student, stranger, anon, no_auto_retrain):
    path = "/api/v1/assignments/reg/parts/why/retrain"
    assert student.post(path, {}, format="json").status_code == 403
    assert other_student.post(path, {}, format="json").status_code == 403
    assert stranger.post(path, {}, format="json").status_code == 404
    assert anon.post(path, {}, format="json").status_code == 401
    assert instructor.post("/api/v1/assignments/reg/parts/nope/retrain", {}, format="json").status_code == 404
    assert not RetrainJob.objects.exists()
    job = instructor.post(path + "/", {}, format="json")
    assert job.status_code == 202
    poll = f"/api/v1/retrains/{job.json()['id']}/"
    assert instructor.get(poll).status_code == 200
    for client, code in ((student, 404), (other_student, 404), (stranger, 404), (anon, 401)):
        assert client.get(poll).status_code == code


def test_the_watermark_moves_with_each_override_and_workers_compile_once(reg, instructor, no_auto_retrain):
    version = reg.current_rubric
    compiled_cache.clear()
    sid = submit(instructor, "s0", OVERRIDDEN[0])
    assert override_watermarks([version.pk]) == {version.pk: NO_OVERRIDES}
    plain = compiled_for(version.pk, version.sha256)
    assert plain.examples == {} and plain.watermark == NO_OVERRIDES  # no overrides: the plain compiled rubric
    with CaptureQueriesContext(connection) as queries:
        override_watermarks([version.pk])
    assert len(queries) == 1

    override(instructor, sid, 2)
    latest = ScoreOverride.objects.latest("id")
    mark = override_watermarks([version.pk])[version.pk]
    assert mark == (1, latest.pk) and latest.rubric_version_id == version.pk
    compiles = compiled_cache.compiles
    batch = [{"student": f"b{n}", "answers": {"mc": "a", "why": f"{NEW} {n}"}} for n in range(6)]
    assert instructor.post("/api/v1/assignments/reg/submissions/", batch, format="json").status_code == 202
    assert compiled_cache.compiles == compiles + 1  # rebuilt once for the chunk, not per submission
    assert compiled_cache.get(version.pk, version.sha256, mark).examples == {"why": 1}
    assert compiled_cache.get(version.pk, version.sha256, NO_OVERRIDES) is None  # superseded
    submit(instructor, "s-again", NEW)
    assert compiled_cache.compiles == compiles + 1  # same watermark: cached

    override(instructor, sid, 1.5)
    assert override_watermarks([version.pk])[version.pk] == (2, ScoreOverride.objects.latest("id").pk)
    submit(instructor, "s-next", NEW)
    assert compiled_cache.compiles == compiles + 2


def test_the_latest_override_per_answer_wins_and_a_reset_withdraws_it(reg, instructor, no_auto_retrain):
    first = submit(instructor, "s0", OVERRIDDEN[0])
    same = submit(instructor, "s1", "  it  normalizes the\u00a0activations with batch statistics ")
    other = submit(instructor, "s2", OVERRIDDEN[1])
    override(instructor, first, 2)
    override(instructor, same, 1)  # the same normalized answer: this decision wins
    override(instructor, other, 2)
    override(instructor, other, None)  # back to the machine: no label for this answer
    version = reg.current_rubric
    examples = override_examples(version.pk, version.parts, ScoreOverride.objects.latest("id").pk)
    assert [(e.answer, e.points, e.max) for e in examples["why"]] == [
        ("it normalizes the activations with batch statistics", 1.0, 2.0)
    ]


def test_an_override_of_a_learned_part_retrains_it_after_commit(reg, instructor):
    similar = submit(instructor, "s-similar", SIMILAR)
    for n, answer in enumerate(OVERRIDDEN):
        override(instructor, submit(instructor, f"s{n}", answer), 2)
    jobs = list(RetrainJob.objects.order_by("created_at"))
    assert len(jobs) == 4 and {j.trigger for j in jobs} == {"override"} and {j.status for j in jobs} == {"done"}
    assert jobs[-1].examples == 4
    assert float(part(similar).points) == 2
    override(instructor, similar, 1, part_id="mc")  # no learned check in mc: nothing to retrain
    assert RetrainJob.objects.count() == 4


def test_the_retrain_task_takes_a_job_id_and_is_idempotent(reg, instructor, no_auto_retrain):
    submit(instructor, "s-similar", SIMILAR)
    for n, answer in enumerate(OVERRIDDEN):
        override(instructor, submit(instructor, f"s{n}", answer), 2)
    job = RetrainJob.objects.create(
        assignment=reg, rubric_version=reg.current_rubric, part_id="why", created_by=reg.created_by
    )
    assert retrain_part.apply(args=[str(job.pk)]).get() == {"done": 1, "examined": 1, "changed": 1, "rescored": 1}
    assert retrain_part.apply(args=[str(job.pk)]).get() == {"skipped": 1}
    job.refresh_from_db()
    assert job.status == "done" and job.changed == 1 and job.watermark


def test_a_retrain_past_its_budget_resumes_where_it_stopped(reg, instructor, settings, monkeypatch):
    settings.GRADING = {
        **settings.GRADING,
        "RETRAIN_ON_OVERRIDE": False,
        "RETRAIN_CHUNK_SIZE": 1,
        "CHUNK_BUDGET_SECONDS": -1,
    }
    for n in range(3):
        submit(instructor, f"s{n}", f"{SIMILAR} {n}")
    job = RetrainJob.objects.create(
        assignment=reg, rubric_version=reg.current_rubric, part_id="why", created_by=reg.created_by
    )
    sent = []
    monkeypatch.setattr(retraining, "send_retrain", sent.append)
    assert retraining.retrain_run(job_id=job.pk) == {"deferred": 1} and sent == [job.pk]
    job.refresh_from_db()
    assert job.status == "running" and job.examined == 1
    while retraining.retrain_run(job_id=job.pk) == {"deferred": 1}:
        pass
    job.refresh_from_db()
    assert job.status == "done" and job.examined == 3 and job.rescored == 0


def test_the_retrain_routes_are_in_the_openapi_schema(anon):
    paths = anon.get("/api/v1/schema/").json()["paths"]
    post = paths["/api/v1/assignments/{slug}/parts/{part_id}/retrain"]["post"]
    assert set(post["responses"]) >= {"202", "403", "404"}
    assert "RetrainOut" in str(post["responses"]["202"])
    assert "get" in paths["/api/v1/retrains/{job_id}/"]
