"""Malformed rubrics are rejected with file, line, field and reason."""

import pytest
from helpers import yaml_text

from grader import RubricError, load_rubric_text

GOOD = yaml_text(
    """
    exam: {id: t, title: T}
    parts:
      - id: "1"
        max: 1
        items:
          - {id: k, points: 1, check: {type: truefalse, correct: true}}
        examples:
          - {answer: "True", points: 1}
    """
)


def issues(text):
    with pytest.raises(RubricError) as exc:
        load_rubric_text(yaml_text(text), "bad.yaml")
    return exc.value.issues


def test_good_rubric_loads():
    r = load_rubric_text(GOOD, "good.yaml")
    assert r.parts[0].id == "1" and r.max == 1


def test_wrong_field_reports_line_and_path():
    [issue] = issues(
        """
        exam: {id: t, title: T}
        parts:
          - id: a
            max: 1
            items:
              - id: k
                points: 0.3
                check: {type: truefalse, correct: true}
        """
    )
    assert (issue.file, issue.line, issue.field) == ("bad.yaml", 7, "parts[0].items[0].points")
    assert "steps of 0.5" in issue.reason


def test_checker_parameter_errors_point_into_the_check():
    [issue] = issues(
        """
        exam: {id: t, title: T}
        parts:
          - id: a
            max: 1
            items:
              - id: k
                points: 1
                check:
                  type: choice
                  options: [a, b]
                  correct: [c]
        """
    )
    assert issue.field == "parts[0].items[0].check.correct" or issue.field == "parts[0].items[0].check"
    assert issue.line in (8, 11)  # the check, or its bad field
    assert "not among options" in issue.reason


def test_unknown_check_type():
    [issue] = issues(
        """
        exam: {id: t, title: T}
        parts:
          - id: a
            max: 1
            items:
              - {id: k, points: 1, check: {type: magic}}
        """
    )
    assert "unknown check type 'magic'" in issue.reason and issue.line == 6


@pytest.mark.parametrize(
    "text, reason",
    [
        ("exam: {id: t, title: T}\nexam: {id: u, title: U}\nparts: []\n", "duplicate key"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("a: !!python/object/apply:os.system ['echo hi']\n", "tag"),
        ("exam: {id: t\n", "invalid YAML"),
        ("", "empty"),
        ("- 1\n- 2\n", "mapping"),
        ("exam: {id: t, title: T}\nparts: []\nextra: 1\n", "Extra inputs"),
    ],
)
def test_unsafe_or_malformed_yaml(text, reason):
    with pytest.raises(RubricError, match=reason):
        load_rubric_text(text, "bad.yaml")


def test_yaml_11_surprises_stay_strings():
    r = load_rubric_text(
        yaml_text(
            """
            exam: {id: t, title: T, notes: NO}
            parts:
              - id: "1.10"
                max: 1
                items:
                  - {id: k, points: 1, check: {type: regex, pattern: "12:30"}}
            """
        ),
        "t.yaml",
    )
    assert r.exam.notes == "NO" and r.parts[0].id == "1.10"


def test_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(RubricError, match="anchors and aliases"):
        load_rubric_text(bomb, "bomb.yaml")


def test_totals_must_add_up():
    with pytest.raises(RubricError, match="add up"):
        load_rubric_text(GOOD.replace("title: T}", "title: T, total: 5}"), "t.yaml")


def test_duplicate_part_ids():
    text = GOOD + GOOD[GOOD.index("  - id") :]
    with pytest.raises(RubricError, match="appears twice"):
        load_rubric_text(text, "t.yaml")


def test_every_error_is_reported_at_once():
    found = issues(
        """
        exam: {id: t, title: T}
        parts:
          - id: a
            max: 1
            items:
              - {id: k, points: 1, check: {type: magic}}
              - {id: l, points: 1, check: {type: choice, options: [a], correct: [b]}}
        """
    )
    assert len(found) == 2


def test_deep_nesting_is_refused_quickly():
    with pytest.raises(RubricError, match="nested deeper than"):
        load_rubric_text("[" * 10_000 + "]" * 10_000, "deep.yaml")
