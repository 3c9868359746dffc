import pytest
from helpers import checker

from grader.checkers.base import SpecError


@pytest.mark.parametrize(
    "answer, matched",
    [
        ("-0.03", True),
        ("−.03", True),
        ("-3e-2", True),
        ("-3/100", True),
        ("s = -0.03", True),
        ("$s = -0.03$", True),
        ("s = (2 * 0.05) + (-4 * 0.025) + (1 * (-0.03)) = -0.03", True),
        ("-3 \\times 10^{-2}", True),
        ("\\frac{-3}{100}", True),
        ("0.03", False),
        ("-0.3", False),
        ("nan", False),
        ("-٠.٠٣", False),  # Arabic-Indic digits are not read
    ],
)
def test_reads_numbers_in_many_forms(answer, matched):
    assert checker({"type": "number", "value": -0.03, "abs_tol": 0.0001})(answer).matched is matched


@pytest.mark.parametrize(
    "spec, answer, matched",
    [
        ({"value": 45}, "45 parameters", True),
        ({"value": 1000}, "1,000", True),
        ({"value": 1000}, "1_000", False),
        ({"value": 1.5, "decimal_comma": True}, "1,5", True),
        ({"value": 0.5, "abs_tol": 0.05}, "R² ≈ 0.52", True),
        ({"value": 0.5, "abs_tol": 0.05}, "R² ≈ 0.6", False),
        ({"value": 100, "rel_tol": 0.01}, "100.9", True),
        ({"value": 0.3333, "sig_figs": 2}, "0.33", True),
        ({"value": 0.3333, "sig_figs": 2}, "0.34", False),
        ({"value": "3/2", "also": [1.5]}, "3/2", True),
        ({"value": 2, "also": ["3/2"]}, "1.5", True),
        ({"value": 1.5, "name": "s"}, "s = 1.5, t = 3", True),
        ({"value": 3, "pick": "first"}, "3 then 4", True),
        ({"value": 4, "pick": "only"}, "3 then 4", False),
        ({"value": 4, "pick": "any"}, "3 then 4", True),
    ],
)
def test_tolerances_and_picking(spec, answer, matched):
    assert checker({"type": "number", **spec})(answer).matched is matched


def test_no_number_is_feedback_not_a_crash():
    m = checker({"type": "number", "value": 1})("I don't know")
    assert not m.matched and "Could not find a number" in m.message


@pytest.mark.parametrize("value", ["nan", "inf", "abc", True])
def test_keys_must_be_finite_numbers(value):
    with pytest.raises(SpecError):
        checker({"type": "number", "value": value})


def test_huge_literals_are_not_read():
    assert not checker({"type": "number", "value": 1})("1" + "0" * 100_000).matched


def test_two_decimals_with_a_slash_are_two_readings_not_a_fraction():
    from grader.checkers.number import read_numbers

    assert [float(v) for v, _, _ in read_numbers("R² 0.53/0.64")] == [0.53, 0.64]
    assert [float(v) for v, _, _ in read_numbers("3/100")] == [0.03]


@pytest.mark.parametrize("answer", ["총 45개", "45개의 파라미터", "bias 5개 → 총 45개"])
def test_a_number_followed_by_a_korean_counter_is_read(answer):
    assert checker({"type": "number", "value": 45})(answer).matched


@pytest.mark.parametrize(
    "answer, matched",
    [("0.33", True), ("0.333", True), (".3333", True), ("0.34", False), ("0.3", False), ("≈ 0.67", False)],
)
def test_a_repeating_fraction_may_be_written_rounded_to_two_or_more_digits(answer, matched):
    assert checker({"type": "number", "value": "1/3"})(answer).matched is matched


def test_two_thirds_rounded_or_cut():
    c = checker({"type": "number", "value": "2/3"})
    assert c("0.67").matched and c("0.66").matched and c("0.667").matched
    assert not checker({"type": "number", "value": 0.5})("0.50001").matched  # terminating keys stay exact


def test_percent_is_read_only_when_the_rubric_says_so():
    assert not checker({"type": "number", "value": 0.25})("25%").matched
    c = checker({"type": "number", "value": 0.25, "percent": True})
    assert c("25%").matched and c("about 25 percent").matched


def test_a_number_given_for_another_subject_is_not_credited():
    from test_concept_claims import part_checkers

    single, mlp = part_checkers(
        [
            {"type": "number", "value": 0.52, "abs_tol": 0.07, "pick": "any", "about": ["single layer"]},
            {"type": "number", "value": 0.65, "abs_tol": 0.05, "pick": "any", "about": ["mlp"]},
        ]
    )
    swapped = "The single layer got a higher R^2 (0.7) than the MLP (0.5)."
    assert not single(swapped).matched and not mlp(swapped).matched
    assert [d.kind for d in mlp(swapped).doubts] == ["off_subject"]
    right = "MLP R2 = 0.66, single layer R2 = 0.51"
    assert single(right).matched and mlp(right).matched
    assert single("R^2: 0.53 and 0.64").matched  # no subject named: any number


@pytest.mark.parametrize("answer", ["1e999", "-1e999", "1e-999"])
def test_numbers_past_float_range_are_compared_not_overflowed(answer):
    m = checker({"type": "number", "value": 0.5, "sig_figs": 1})(answer)
    assert not m.matched and m.review is None
