"""The engine's public API: what the service may call, and how checker faults come out of it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

import pytest
from helpers import yaml_text

import grader
from grader import compile_rubric, grade, grade_part, learning_parts, load_rubric_text, points_json
from grader.checkers.base import CompileContext, Match, SpecBase, register


class Deadline(Exception):
    """Stands in for a platform's time limit (Celery's SoftTimeLimitExceeded is an Exception too)."""


class FlakySpec(SpecBase):
    type: Literal["flaky"]


CALLS: list[str] = []


@register("flaky", FlakySpec)
def compile_flaky(spec: FlakySpec, ctx: CompileContext):
    def check(answer: str) -> Match:
        CALLS.append(answer)
        if "deadline" in answer:
            raise Deadline("time is up")
        if "bug" in answer:
            raise ZeroDivisionError("checker bug")
        return Match.yes(answer)

    return check


RUBRIC = yaml_text(
    """
    format: 1
    exam: {id: api, title: API}
    parts:
      - id: p
        max: 1
        items:
          - {id: flaky, points: 1, check: {type: flaky}}
      - id: mc
        max: 1
        items:
          - {id: key, points: 1, check: {type: choice, options: [a, b, c], correct: [b]}}
      - id: why
        max: 2
        model_answer: dropout drops random units during training
        items:
          - id: idea
            points: 2
            check: {type: any, of: [{type: classifier}, {type: concept, synonyms: [dropout]}]}
        examples:
          - {answer: "it randomly drops neurons so units cannot co-adapt", points: 2}
          - {answer: "randomly turning off units prevents co-adaptation", points: 2}
          - {answer: "it makes the learning rate smaller", points: 0}
          - {answer: "it adds more layers to the network", points: 0}
    """
)


@pytest.fixture
def compiled():
    CALLS.clear()
    return compile_rubric(load_rubric_text(RUBRIC, compile=False))


def test_an_exception_the_caller_names_leaves_the_checker(compiled):
    with pytest.raises(Deadline):
        grade(compiled, {"p": "deadline"}, reraise=(Deadline,))
    with pytest.raises(Deadline):
        grade_part(compiled, "p", "deadline", reraise=(Deadline,))


def test_any_other_checker_exception_sends_the_part_to_review(compiled):
    part = grade(compiled, {"p": "deadline"}, reraise=(KeyError,)).parts["p"]
    assert part.status == "needs_review" and part.points == 0
    assert part.review_reasons == ("checker 'flaky' failed: Deadline",)


@pytest.mark.parametrize("answer", ["deadline", "a bug"])
def test_a_result_born_of_a_checker_fault_is_not_cached(compiled, answer):
    first = grade_part(compiled, "p", answer)
    again = grade_part(compiled, "p", answer)
    assert first.status == again.status == "needs_review"
    assert [answer, answer] == CALLS  # the checker ran again: the fault may not repeat


def test_a_sound_result_is_cached(compiled):
    assert grade_part(compiled, "p", "fine").points == grade_part(compiled, "p", " fine ").points == 1
    assert CALLS == ["fine"]


def test_grade_part_reads_answers_as_grade_does(compiled):
    assert grade_part(compiled, "mc", ["b"]) == grade(compiled, {"mc": "b"}).parts["mc"]
    with pytest.raises(KeyError):
        grade_part(compiled, "nope", "b")


def test_the_parts_that_learn_are_those_with_a_learning_check_anywhere_inside(compiled):
    assert learning_parts(compiled) == {"why"}
    assert learning_parts(compiled.rubric) == {"why"}


def test_points_become_json_numbers_the_same_way_from_fractions_and_decimals():
    assert points_json(Fraction(3, 2)) == points_json(Decimal("1.5000")) == 1.5
    assert points_json(Fraction(4, 2)) == points_json(Decimal("2.0000")) == 2
    assert isinstance(points_json(Decimal("2.0000")), int)


def test_the_public_api_is_what_the_package_exports():
    assert set(grader.__all__) >= {
        "compile_rubric", "grade", "grade_part", "learning_parts", "points_json", "graded_example",
    }  # fmt: skip
    assert all(hasattr(grader, name) for name in grader.__all__)
