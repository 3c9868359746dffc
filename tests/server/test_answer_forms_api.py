"""The assignment says how each part asks to be answered; typed answers stay as valid as ticked ones."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from server.grading.models import RubricVersion

CS231N = (Path(__file__).resolve().parents[2] / "rubrics" / "cs231n-midterm.yaml").read_text(encoding="utf-8")


@pytest.fixture
def cs231n(instructor) -> str:
    body = {"slug": "cs231n", "title": "cs231n", "rubric": CS231N}
    assert instructor.post("/api/v1/assignments/", body, format="json").status_code == 201
    return "cs231n"


def test_a_student_reads_the_options_of_a_choice_part_and_not_its_key(cs231n, student):
    parts = {p["id"]: p for p in student.get(f"/api/v1/assignments/{cs231n}/").json()["parts"]}
    form = parts["mc1"]["form"]
    assert form["kind"] == "choice" and form["select"] == "multiple"
    assert form["options"][0] == {"label": "a", "text": "학습률이 매우 낮다"}
    assert parts["tf1"]["form"]["choices"] == [{"value": "참", "label": "참"}, {"value": "거짓", "label": "거짓"}]
    assert "correct" not in str(parts)


@pytest.mark.parametrize("typed", ["a, d", "(a), (d)", "정답: a, d", "A and D"])
def test_typed_answers_to_a_choice_part_are_still_accepted(cs231n, student, typed):
    response = student.post(f"/api/v1/assignments/{cs231n}/submissions/", {"answers": {"mc1": typed}}, format="json")
    assert response.status_code == 202
    result = student.get(f"/api/v1/submissions/{response.json()['id']}/").json()
    assert result["parts"]["mc1"]["points"] == 2


def test_rubric_versions_stored_before_forms_get_theirs(cs231n):
    version = RubricVersion.objects.get(assignment__slug=cs231n)
    without = [{k: v for k, v in part.items() if k != "form"} for part in version.parts]
    RubricVersion.objects.filter(pk=version.pk).update(parts=without)
    migration = importlib.import_module("server.grading.migrations.0007_rubric_parts_answer_form")
    migration.answer_forms(apps, None)
    version.refresh_from_db()
    assert version.parts[0]["form"]["kind"] == "choice"
    assert version.parts[-1]["form"]["kind"] == "truefalse"
