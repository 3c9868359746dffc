"""`python -m grader grade|test` as DESIGN.md's contract states it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import yaml_text

RUBRIC = yaml_text(
    """
    exam: {id: cli, title: CLI}
    parts:
      - id: q1
        max: 2
        items:
          - {id: key, points: 2, check: {type: choice, options: [a, b, c, d], correct: [b]}}
        examples:
          - {answer: "B", points: 2}
          - {answer: "A", points: 0}
      - id: q2
        max: 1
        items:
          - {id: value, points: 1, check: {type: number, value: 1.5, abs_tol: 0.01}}
        examples:
          - {answer: "s = 1.5", points: 1}
    """
)


def run(*args, cwd, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def rubric(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(RUBRIC)
    return path


def test_grade_prints_one_object_per_submission_in_order(rubric, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text(
        json.dumps([{"id": "s2", "answers": {"q1": "b"}}, {"id": "s1", "answers": {"q1": "c", "q2": "1.5"}}])
    )
    proc = run("grade", str(rubric), str(answers), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [o["id"] for o in out] == ["s2", "s1"]
    first = out[0]
    assert set(first) >= {"id", "total", "max", "parts"}
    assert first["total"] == 2 and first["max"] == 3
    assert first["parts"]["q2"] == {**first["parts"]["q2"], "points": 0, "status": "blank"}
    assert set(first["parts"]["q1"]) >= {"points", "max", "status", "feedback"}
    assert out[1]["parts"]["q2"]["points"] == 1


def test_grade_accepts_a_single_submission(rubric, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"id": "x", "answers": {"q1": "B"}}))
    out = json.loads(run("grade", str(rubric), str(answers), cwd=tmp_path).stdout)
    assert len(out) == 1 and out[0]["total"] == 2


@pytest.mark.parametrize(
    "content, reason",
    [
        ("not json", "not valid JSON"),
        ('{"id": "x"}', "'answers' must be an object"),
        ("[1, 2]", "expected an object"),
        ('{"id": "x", "answers": {"q1": {"a": 1}}}', "must be text"),
        ('{"id": "x", "answers": {"q1": ["b", {"a": 1}]}}', "must be text"),
    ],
)
def test_invalid_answers_exit_2_with_reason(rubric, tmp_path, content, reason):
    answers = tmp_path / "a.json"
    answers.write_text(content)
    proc = run("grade", str(rubric), str(answers), cwd=tmp_path)
    assert proc.returncode == 2
    assert reason in proc.stderr and proc.stdout == ""


def test_invalid_rubric_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("exam: {id: x, title: X}\nparts:\n  - id: a\n    max: -1\n    items: []\n")
    answers = tmp_path / "a.json"
    answers.write_text("[]")
    proc = run("grade", str(bad), str(answers), cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{bad}:4: parts[0].max" in proc.stderr


def test_selftest_passes_and_fails(rubric, tmp_path):
    ok = run("test", str(rubric), cwd=tmp_path)
    assert ok.returncode == 0 and "3 passed, 0 failed" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(RUBRIC.replace('{answer: "A", points: 0}', '{answer: "A", points: 2}'))
    bad = run("test", str(broken), cwd=tmp_path)
    assert bad.returncode == 1 and "part q1 example 2: expected 2, got 0" in bad.stderr


def test_schema_file_is_current():
    from grader.schema import rubric_json_schema

    path = Path(__file__).resolve().parents[2] / "rubrics" / "schema.json"
    assert json.loads(path.read_text()) == json.loads(json.dumps(rubric_json_schema())), (
        "run: python -m grader schema > rubrics/schema.json"
    )
