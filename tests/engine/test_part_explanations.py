"""Every part below its max says what was missing, and every deduction says what caused it.

The feedback lines are what a student reads (they never see item ids), so
each line names an item by its title, its feedback text, or as a last resort
its id written as words.
"""

import pytest
from helpers import yaml_text

from grader import grade, load_rubric_text

RUBRIC = yaml_text(
    """
    exam: {id: explain, title: Explanations}
    parts:
      - id: reason
        max: 2
        items:
          - {id: answer, title: the right answer, points: 1, check: {type: regex, pattern: yes}, feedback: a valid answer}
          - {id: why, title: a valid reason, points: 1, check: {type: regex, pattern: because}}
      - id: told
        max: 1
        items:
          - {id: key, points: 1, check: {type: regex, pattern: "16x32x32"}, miss_feedback: The output is 16 x 32 x 32.}
      - id: untitled
        max: 1
        items:
          - {id: conv1_params, points: 1, check: {type: regex, pattern: "448"}}
      - id: group
        max: 1
        items:
          - {id: full, title: the name and why it works, points: 1, group: g, check: {type: regex, pattern: "xavier.*variance"}}
          - {id: name, title: the name Xavier, points: 0.5, group: g, check: {type: regex, pattern: xavier}}
      - id: ops
        max: 3
        items:
          - {id: done, points: 3, check: {type: regex, pattern: graph}}
          - {id: wrong_op, title: a wrong operator, points: -1, per_occurrence: true, max_deduction: 3, check: {type: regex, pattern: WRONG}}
      - id: tuple
        max: 1
        items:
          - {id: value, points: 1, check: {type: regex, pattern: "7"}, feedback: 7 x 7.}
          - {id: no_tuple, points: -0.5, check: {type: not, of: {type: regex, pattern: "x"}}}
      - id: loss
        max: 2
        items:
          - {id: bce, points: 2, check: {type: regex, pattern: "entropy"}, feedback: Cross-entropy.}
          - {id: mixed, title: a wrong loss beside the right one, effect: multiply, factor: 0.5, check: {type: regex, pattern: "mse"}}
      - id: forbidden
        max: 1
        items:
          - {id: scale, points: 1, check: {type: regex, pattern: scale}}
          - {id: hyper, title: calling gamma and beta hyperparameters, effect: zero, check: {type: regex, pattern: hyperparam}}
      - id: each
        max: 2
        items:
          - id: actions
            title: four augmentations
            points: 2
            each: 0.5
            check: {type: elements, accept: [{type: regex, pattern: flip}, {type: regex, pattern: crop}, {type: regex, pattern: rotat}, {type: regex, pattern: noise}]}
    """
)


@pytest.fixture(scope="module")
def rubric():
    return load_rubric_text(RUBRIC, "explain.yaml")


def feedback(rubric, part: str, answer: str) -> list[str]:
    return list(grade(rubric, {part: answer}).parts[part].feedback)


def test_a_missing_item_without_miss_feedback_is_named_by_its_title(rubric):
    assert feedback(rubric, "reason", "yes") == [
        "+1: a valid answer",
        "Not earned (1 point): a valid reason (not found in the answer).",
    ]


def test_a_missing_item_with_miss_feedback_says_it_with_the_points(rubric):
    assert feedback(rubric, "told", "16x32x30") == ["Not earned (1 point): The output is 16 x 32 x 32."]


def test_an_item_without_title_or_feedback_is_named_by_its_id_in_words(rubric):
    assert feedback(rubric, "untitled", "450") == ["Not earned (1 point): conv1 params (not found in the answer)."]


def test_a_part_at_full_points_lists_nothing_missing(rubric):
    lines = feedback(rubric, "group", "xavier keeps the variance")
    assert not [line for line in lines if line.startswith("Not earned")]


def test_the_better_item_of_a_group_is_missing_by_the_difference(rubric):
    assert feedback(rubric, "group", "xavier") == [
        "+0.5: the name Xavier",
        "Not earned (0.5 points): the name and why it works (not found in the answer).",
    ]


def test_a_deduction_says_what_caused_it_and_how_often(rubric):
    assert "-2: a wrong operator (2 times)" in feedback(rubric, "ops", "graph WRONG WRONG")


def test_a_deduction_without_title_or_feedback_is_named_by_its_id(rubric):
    assert feedback(rubric, "tuple", "7") == ["+1: 7 x 7.", "-0.5: no tuple"]


def test_a_multiplier_and_a_forbidden_answer_say_what_they_did(rubric):
    assert "×0.5: a wrong loss beside the right one" in feedback(rubric, "loss", "cross entropy and mse")
    lines = feedback(rubric, "forbidden", "they scale; they are hyperparameters")
    assert "No points for the part: calling gamma and beta hyperparameters" in lines


def test_partial_credit_says_what_share_is_missing(rubric):
    lines = feedback(rubric, "each", "flip and crop")
    assert lines == ["+1: four augmentations", "Not earned (1 point): four augmentations (not found in the answer)."]


def test_a_blank_part_says_so_once(rubric):
    assert feedback(rubric, "reason", "   ") == ["No answer was given."]


def test_matched_items_carry_their_titles(rubric):
    part = grade(rubric, {"group": "xavier"}).parts["group"]
    assert [(m.id, m.title) for m in part.matched] == [("name", "the name Xavier")]
    assert part.to_dict()["matched"][0]["title"] == "the name Xavier"
