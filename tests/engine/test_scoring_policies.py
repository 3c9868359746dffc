"""Every policy of the rubric semantics, with the seed exams' own notes as cases."""

import pytest
from helpers import yaml_text

from grader import grade, load_rubric_text

RUBRIC = yaml_text(
    """
    exam: {id: policies, title: Policies}
    parts:
      - id: clamp
        max: 2
        items:
          - {id: a, points: 1.5, check: {type: regex, pattern: alpha}}
          - {id: b, points: 1.5, check: {type: regex, pattern: beta}}
          - {id: wrong, points: -1, check: {type: regex, pattern: wrong}}
      - id: group
        max: 1
        notes: "1p for the full answer, 0.5p for only the name"
        items:
          - {id: full, points: 1, group: g, check: {type: all, of: [{type: regex, pattern: xavier}, {type: regex, pattern: variance}]}}
          - {id: name, points: 0.5, group: g, check: {type: regex, pattern: xavier}}
      - id: aon
        max: 2
        policy: all_or_nothing
        items:
          - {id: key, points: 2, check: {type: choice, options: [a, b, c, d], correct: [b, c]}}
      - id: each
        max: 2
        notes: "0.5p each, max 2p; only grade the first 4"
        items:
          - id: actions
            points: 2
            each: 0.5
            check:
              type: elements
              first_n: 4
              accept:
                - {type: regex, pattern: flip}
                - {type: regex, pattern: crop}
                - {type: regex, pattern: rotat}
                - {type: regex, pattern: noise}
                - {type: regex, pattern: scal}
      - id: ops
        max: 3
        notes: "-1p for each wrong operator"
        items:
          - {id: done, points: 3, check: {type: regex, pattern: graph}}
          - {id: wrong_op, points: -1, per_occurrence: true, max_deduction: 3, check: {type: regex, pattern: "WRONG"}}
      - id: loss
        max: 2
        notes: "wrong loss + correct loss: 50% deduction"
        items:
          - {id: bce, points: 2, check: {type: regex, pattern: "cross.?entropy"}}
          - {id: mixed, effect: multiply, factor: 0.5, check: {type: all, of: [{type: regex, pattern: "cross.?entropy"}, {type: regex, pattern: "\\\\bl2\\\\b|mse"}]}}
      - id: alt
        max: 1
        notes: "either True or False earns the point"
        items:
          - {id: either, points: 1, check: {type: truefalse, correct: any}}
      - id: forbidden
        max: 1
        notes: "stating that gamma and beta are hyperparameters gets no points"
        items:
          - {id: scale, points: 1, check: {type: regex, pattern: scale}}
          - {id: hyper, effect: zero, check: {type: regex, pattern: hyperparam}, feedback: "γ and β are learned, not hyperparameters."}
      - id: drawing
        max: 2
        items:
          - {id: value, points: 1, check: {type: number, value: 1.5}}
          - {id: plot, points: 1, check: {type: manual, reason: point drawn on the tanh plot}}
    """
)


@pytest.fixture(scope="module")
def rubric():
    return load_rubric_text(RUBRIC, "policies.yaml")


@pytest.mark.parametrize(
    "part, answer, points",
    [
        ("clamp", "alpha beta", 2),  # 3 clamped to max
        ("clamp", "wrong", 0),  # never below 0
        ("clamp", "alpha wrong", 0.5),
        ("group", "xavier keeps the variance", 1),
        ("group", "xavier", 0.5),
        ("group", "he init", 0),
        ("aon", "b, c", 2),
        ("aon", "b", 0),
        ("aon", "a, b, c", 0),
        ("each", "flip, crop, rotate", 1.5),
        ("each", "flip, crop, rotate, noise, scale", 2),
        ("each", "blur, sharpen, contrast, gamma, flip", 0),  # only the first 4 count
        ("each", "flip, flip, flip, flip", 0.5),
        ("ops", "graph", 3),
        ("ops", "graph WRONG WRONG", 1),
        ("ops", "graph WRONG WRONG WRONG WRONG", 0),
        ("loss", "binary cross-entropy", 2),
        ("loss", "cross entropy plus L2", 1),
        ("alt", "True", 1),
        ("alt", "False", 1),
        ("forbidden", "they scale and shift", 1),
        ("forbidden", "they scale; they are hyperparameters", 0),
    ],
)
def test_policy(rubric, part, answer, points):
    assert grade(rubric, {part: answer}).parts[part].points == pytest.approx(points)


def test_blank_and_missing_parts(rubric):
    res = grade(rubric, {"clamp": "   "})
    assert res.parts["clamp"].status == "blank"
    assert res.parts["alt"].status == "blank" and res.parts["alt"].points == 0


def test_manual_half_goes_to_review_and_keeps_machine_points(rubric):
    part = grade(rubric, {"drawing": "s = 1.5"}).parts["drawing"]
    assert part.status == "needs_review"
    assert part.points == 1
    assert any("tanh plot" in r for r in part.review_reasons)


def test_forbidden_answer_explains_itself(rubric):
    part = grade(rubric, {"forbidden": "hyperparameters"}).parts["forbidden"]
    assert "No points for the part: γ and β are learned, not hyperparameters." in part.feedback
    assert [m.effect for m in part.matched] == ["zero"]


def test_matched_items_carry_evidence(rubric):
    part = grade(rubric, {"each": "flip, crop"}).parts["each"]
    assert part.matched[0].evidence == ("flip", "crop")


def test_totals_and_unknown_parts(rubric):
    res = grade(rubric, {"aon": "b c", "zzz": "x"})
    assert res.total == 2 and res.max == 16
    assert res.unknown_parts == ("zzz",)
    assert res.to_dict()["parts"]["aon"]["points"] == 2


def test_same_answer_same_result(rubric):
    a = grade(rubric, {"clamp": "alpha"}).to_dict()
    b = grade(rubric, {"clamp": "alpha"}).to_dict()
    assert a == b


def test_a_list_of_ticked_options_is_read_as_text(rubric):
    assert grade(rubric, {"aon": ["b", "c"]}).parts["aon"].points == 2


def test_an_override_replaces_the_rubric_example_for_the_same_answer():
    from grader.checkers.base import Example
    from grader.engine import training_examples

    rubric = load_rubric_text(
        yaml_text(
            """
            exam: {id: t, title: T}
            parts:
              - id: a
                max: 1
                items: [{id: k, points: 1, check: {type: regex, pattern: x}}]
                examples: [{answer: "x", points: 1}, {answer: "y", points: 0}]
            """
        ),
        "t.yaml",
    )
    examples = training_examples(rubric.parts[0], [Example("x", 0.0, 1.0), Example("z", 1.0, 1.0)])
    assert {(e.answer, e.points) for e in examples} == {("x", 0.0), ("y", 0.0), ("z", 1.0)}


def test_recompiling_one_part_shares_the_others(rubric):
    from grader.engine import compile_rubric, recompile_part

    compiled = compile_rubric(rubric)
    again = recompile_part(compiled, "alt", [])
    assert again.parts["alt"] is not compiled.parts["alt"]
    assert again.parts["clamp"] is compiled.parts["clamp"]
    with pytest.raises(KeyError):
        recompile_part(compiled, "nope", [])


def test_a_choice_rubric_does_not_import_the_heavy_libraries():
    import subprocess
    import sys

    code = (
        "import sys; from grader import load_rubric_text; "
        "load_rubric_text('exam: {id: t, title: T}\\nparts:\\n- id: a\\n  max: 1\\n  items: "
        "[{id: k, points: 1, check: {type: choice, options: [a, b], correct: [a]}}]\\n'); "
        "print(sorted(m for m in ('sklearn', 'sympy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "value, rounded",
    [
        ("0.2", "0"),
        ("0.25", "0"),
        ("0.3", "0.5"),
        ("0.75", "0.5"),
        ("0.8", "1"),
        ("1", "1"),
        ("-0.25", "0"),
        ("-0.3", "-0.5"),
        ("-0.75", "-0.5"),
    ],
)
def test_round_half_goes_to_the_nearest_half_with_ties_toward_zero(value, rounded):
    from fractions import Fraction

    from grader.scoring import round_half

    assert round_half(Fraction(value)) == Fraction(rounded)
