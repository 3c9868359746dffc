"""How each part asks to be answered on the web form: options, true/false, a table, or text."""

from pathlib import Path

import pytest
from helpers import yaml_text

from grader import answer_form, load_rubric, load_rubric_text

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


@pytest.fixture(scope="module")
def cs231n():
    return load_rubric(RUBRICS / "cs231n-midterm.yaml")


@pytest.fixture(scope="module")
def quiz():
    return load_rubric(RUBRICS / "dl-quiz.yaml")


def form(rubric, part_id):
    return answer_form(rubric, rubric.part(part_id))


def test_a_korean_exam_shows_its_options_in_korean_as_checkboxes(cs231n):
    assert form(cs231n, "mc1") == {
        "kind": "choice",
        "select": "multiple",
        "options": [
            {"label": "a", "text": "학습률이 매우 낮다"},
            {"label": "b", "text": "regularization strength(정칙화 강도) 너무 높다"},
            {"label": "c", "text": "데이터 셋 내부의 클래스 분포가 고르지 않다"},
            {"label": "d", "text": "가중치 초기화 스케일이 잘못 설정되었다"},
        ],
    }


def test_how_many_options_are_right_never_shows(cs231n):
    # mc1's key has two options, mc2's one: both ask the same way, and no form carries the key
    assert form(cs231n, "mc2")["select"] == form(cs231n, "mc1")["select"] == "multiple"
    assert "correct" not in str(form(cs231n, "mc2"))


def test_true_false_buttons_speak_the_exams_language(cs231n, quiz):
    assert form(cs231n, "tf1") == {
        "kind": "truefalse",
        "choices": [{"value": "참", "label": "참"}, {"value": "거짓", "label": "거짓"}],
    }
    assert [c["label"] for c in form(quiz, "1")["choices"]] == ["True", "False"]


def test_several_items_on_the_same_options_are_one_set_of_checkboxes(quiz):
    assert form(quiz, "2") == {
        "kind": "choice",
        "select": "multiple",
        "options": [
            {"label": "a", "text": "Data augmentation"},
            {"label": "b", "text": "Dropout"},
            {"label": "c", "text": "Batch Normalization"},
            {"label": "d", "text": "RMSprop Optimizer"},
        ],
    }


def test_select_single_makes_radio_buttons(quiz):
    assert form(quiz, "3")["select"] == "single"


def test_tables_and_free_text(quiz):
    assert form(quiz, "10") == {"kind": "text", "table": True}
    assert form(quiz, "4") == {"kind": "text", "table": False}


def test_without_texts_in_the_rubric_the_prompt_names_the_options():
    rubric = load_rubric_text(
        yaml_text(
            """
            exam: {id: t, title: T}
            parts:
              - id: act
                prompt: "Which activation is zero-centred? (a) Tanh (b) ReLU (c) Sigmoid"
                max: 1
                items: [{id: k, points: 1, check: {type: choice, options: [a, b, c], correct: [a], select: single}}]
              - id: order
                max: 1
                items: [{id: k, points: 1, check: {type: choice, order: true, correct: "bca"}}]
              - id: mixed
                max: 2
                items:
                  - {id: k, points: 1, check: {type: choice, options: [a, b], correct: [a]}}
                  - {id: why, points: 1, check: {type: regex, pattern: because}}
            """
        ),
        "t.yaml",
    )
    assert form(rubric, "act") == {
        "kind": "choice",
        "select": "single",
        "options": [{"label": "a", "text": "Tanh"}, {"label": "b", "text": "ReLU"}, {"label": "c", "text": "Sigmoid"}],
    }
    assert form(rubric, "order") == {"kind": "text", "table": False}
    assert form(rubric, "mixed") == {"kind": "text", "table": False}
