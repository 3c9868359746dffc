"""A rubric with several mistakes reports every one of them, with its line, in one go."""

import pytest
from helpers import yaml_text

from grader import RubricError, load_rubric_text

BROKEN = yaml_text(
    """
    exam: {id: t, title: T}
    parts:
      - id: a
        max: -1
        items:
          - {id: k, points: 1, check: {type: choice, options: [a, b], correct: [a]}}
      - id: b
        max: 1
        items:
          - {id: k, points: 1, check: {type: choise, options: [a, b], correct: [a]}}
          - {id: j, points: 1, check: {type: number, valu: 3}}
          - {id: n, points: 1, check: {type: any, of: [{type: regex, pattern: x}, {type: concpet, synonyms: [y]}]}}
    """
)


def issues(text: str) -> set[tuple[int | None, str]]:
    with pytest.raises(RubricError) as caught:
        load_rubric_text(text, "broken.yaml")
    return {(i.line, i.field) for i in caught.value.issues}


def test_a_typo_in_a_check_type_is_reported_beside_a_model_error():
    found = issues(BROKEN)
    assert (4, "parts[0].max") in found
    assert (10, "parts[1].items[0].check.type") in found
    assert (11, "parts[1].items[1].check.valu") in found
    assert (11, "parts[1].items[1].check.value") in found
    assert (12, "parts[1].items[2].check.of[1].type") in found


def test_every_wrong_field_of_one_check_is_reported():
    text = yaml_text(
        """
        exam: {id: t, title: T}
        parts:
          - id: a
            max: 1
            items:
              - {id: k, points: 1, check: {type: number, value: 3, abs_tol: "x", pick: middle}}
        """
    )
    found = issues(text)
    assert {(6, "parts[0].items[0].check.abs_tol"), (6, "parts[0].items[0].check.pick")} <= found
