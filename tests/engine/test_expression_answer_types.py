"""The ``expression`` checker on answers beyond one expression: statements, sets, ±, matrices,
percentages, degrees, antiderivatives and domains, each as a rubric would declare it."""

from __future__ import annotations

import pytest
from helpers import checker

from grader.checkers.base import SpecError

X = {"variables": ["x", "y", "a", "b"]}


def check(spec: dict, answer: str, definitions: dict = X):
    return checker({"type": "expression", **spec}, definitions=definitions)(answer)


@pytest.mark.parametrize(
    ("key", "answer", "matched"),
    [
        ("x = 0 or x = 4", r"x=0 \text{ or } x=4", True),  # read whole, not only its last part
        ("x = 0 or x = 4", r"x = 4", False),
        ("x^2 = 4x", r"x=0 \text{ or } x=4", True),
        ("x <= 2", r"(-\infty, 2]", True),
        ("x <= 2", r"(-\infty, 2)", False),
        ("x > 2 or x < -2", r"(-\infty, -2) \cup (2, \infty)", True),
        ("x > 2", "2 < x", True),
        ("x > 2", "x >= 2", False),
        ("{1, 2, 3}", r"\{3, 2, 1, 1\}", True),  # order and repeats ignored
        ("1 ± sqrt(2)", r"1 \pm \sqrt{2}", True),
    ],
)
def test_statements_sets_and_plus_minus(key, answer, matched):
    assert check({"expr": key}, answer).matched is matched


def test_equations_as_solution_sets_when_the_rubric_asks():
    assert not check({"expr": "x = 2"}, "(x - 2)^2 = 0").matched
    assert check({"expr": "x = 2", "equations": "solutions"}, "(x - 2)^2 = 0").matched


@pytest.mark.parametrize(
    ("key", "answer", "matched", "message"),
    [
        ("B^T A^T", "(AB)^T", True, None),
        ("B^T A^T", "A^T B^T", False, None),  # matrices do not commute
        ("B^{-1} A^{-1}", "(AB)^{-1}", True, None),
        ("B^{-1} A^{-1}", "A^{-1} B^{-1}", False, None),
        ("Q K^T", "K^T Q", False, None),
        ("A v", "v^T A", False, "yours is 1×3, the answer is 3×1"),
        ("A v", "v A", False, "a 3×1 matrix times a 3×3 matrix: the shapes do not fit"),
    ],
)
def test_declared_matrices_follow_matrix_algebra(key, answer, matched, message):
    spec = {"expr": key, "matrices": {"A": [3, 3], "B": [3, 3], "Q": [3, 2], "K": [3, 2], "v": [3, 1]}}
    match = check(spec, answer, {"variables": ["A", "B", "Q", "K", "v"]})
    assert match.matched is matched
    assert match.review is None  # a product that does not fit is the student's mistake, not a doubt
    if message:
        assert match.message == message


def test_a_transpose_makes_matrices_without_a_declaration():
    assert check({"expr": "B^T A^T"}, "(AB)^T", {"variables": ["A", "B"]}).matched
    assert not check({"expr": "B^T A^T"}, "A^T B^T", {"variables": ["A", "B"]}).matched


@pytest.mark.parametrize(
    ("key", "answer", "matched"),
    [
        ("[[1, 2], [3, 4]]", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", True),
        ("[[1, 2], [3, 4]]", r"\begin{bmatrix} 1 & 2 \\ 3 & 5 \end{bmatrix}", False),
        ("[[1, 2], [3, 4]]", r"\begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}^T", True),
        ("-2", r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}", True),  # a determinant
        ("[[2, 0], [0, 2]]", r"2 \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}", True),
        ("[[1], [2]]", r"\begin{pmatrix} 1 & 2 \end{pmatrix}", False),  # shape checked
    ],
)
def test_literal_matrices_entry_by_entry(key, answer, matched):
    assert check({"expr": key}, answer).matched is matched


@pytest.mark.parametrize(
    ("key", "answer", "matched"),
    [
        ("0.25", r"25\%", True),
        ("0.25", "25%", True),
        ("25", "25%", False),
        ("25%", "25", True),  # the key says percent: 25 is the number of percent
        ("25%", "0.25", True),
        ("0.25", "0.25%", False),
        ("pi/6", r"30^\circ", True),
        ("pi/6", "30°", True),
        ("30", r"30^{\circ}", True),  # a key written in degrees
        ("pi/3", "30°", False),
    ],
)
def test_percentages_and_degrees(key, answer, matched):
    assert check({"expr": key}, answer).matched is matched


def test_antiderivatives_equal_up_to_a_constant():
    spec = {"expr": "x^3/3", "antiderivative": "x"}
    assert check(spec, r"\frac{x^3}{3} + C").matched
    assert check(spec, r"\frac{x^3 + 7}{3}").matched
    assert check(spec, r"\int x^2 \, dx = \frac{x^3}{3} + C").matched
    assert not check(spec, "x^3").matched
    required = check({**spec, "constant": "required"}, r"\frac{x^3}{3}")
    assert not required.matched and required.message == "add the constant of integration (+ C)"
    assert check({**spec, "constant": "required"}, r"\frac{x^3}{3} + C").matched


def test_an_antiderivative_variable_must_be_a_variable():
    with pytest.raises(SpecError):
        check({"expr": "x^3/3", "antiderivative": "t"}, "x")


@pytest.mark.parametrize(
    ("key", "answer", "domain", "matched"),
    [
        ("log(a b)", "log(a) + log(b)", {}, False),  # strict without a domain
        ("log(a b)", "log(a) + log(b)", {"a": "positive", "b": "positive"}, True),
        ("sqrt(4 x^2)", "2x", {}, False),
        ("sqrt(4 x^2)", "2x", {"x": "positive"}, True),
        ("(-1)^(2 a)", "1", {"a": "integer"}, True),
        ("cos(pi a)", "(-1)^a", {"a": "integer"}, True),
    ],
)
def test_domains_decide_identities_as_the_course_intends(key, answer, domain, matched):
    assert check({"expr": key, "domain": domain}, answer).matched is matched


@pytest.mark.parametrize(
    ("answer", "matched"),
    [
        ("f'(x) = 3x^2", True),
        (r"\frac{\partial f}{\partial x} = 3x^2", True),
        ("ans = 3x^2", True),
        (r"3x^{2}\,.", True),
    ],
)
def test_notation_around_the_answer(answer, matched):
    assert check({"expr": "3x^2"}, answer).matched is matched


def test_unknown_notation_is_feedback_naming_the_spot():
    match = check({"expr": "x"}, r"x + \foo")
    assert not match.matched and match.message == r"unknown command \foo at column 5"


def test_roots_in_any_order_when_the_rubric_says_so():
    assert not check({"expr": "(1, 2)"}, "(2, 1)").matched
    assert check({"expr": "(1, 2)", "ordered": False}, "(2, 1)").matched
    assert not check({"expr": "(1, 2)", "ordered": False}, "(2, 2)").matched


@pytest.mark.parametrize(
    ("key", "answer", "unit", "matched"),
    [
        ("e^(i theta)", r"\cos\theta + i \sin\theta", "i", True),
        ("e^(i theta)", r"\cos\theta - i \sin\theta", "i", False),
        ("3 + 4j", "4j + 3", "j", True),
        ("3 + 4j", "5", "j", False),
    ],
)
def test_complex_numbers_with_the_rubric_imaginary_unit(key, answer, unit, matched):
    spec = {"expr": key, "imaginary": [unit], "variables": ["theta"]}
    assert check(spec, answer).matched is matched


@pytest.mark.parametrize(
    ("spec", "answer", "matched", "message"),
    [
        ({"unit": "uF"}, r"4.7 \mu\mathrm{F}", True, None),
        ({"unit": "uF"}, "4.7 µF", True, None),
        ({"unit": "uF"}, r"4.7\times 10^{-6}\,\mathrm{F}", True, None),  # equal after conversion
        ({"unit": "uF"}, "4.7", True, None),  # a bare number is in the key's unit
        ({"unit": "uF", "require_unit": True}, "4.7", False, "give the unit (uF)"),
        ({"unit": "uF"}, "4.7 mF", False, None),
        ({"unit": "uF"}, "4.7 m", False, "m is not a unit of uF"),
        ({"unit": "uF", "require_unit": "uF"}, r"4.7\times 10^{-6}\,\mathrm{F}", False, "write the answer in uF"),
    ],
)
def test_quantities_with_units(spec, answer, matched, message):
    match = check({"expr": "4.7", **spec}, answer)
    assert match.matched is matched and match.message == message and match.review is None


def test_unit_tolerance_applies_after_conversion():
    spec = {"expr": "30", "unit": "km/h", "tol": 0.01}
    assert check(spec, r"\frac{25}{3}\,\mathrm{m/s}").matched
    assert check(spec, r"8.3\,\mathrm{m/s}").matched  # within 1% of 8.33 m/s
    assert not check(spec, r"8\,\mathrm{m/s}").matched
    assert check({"expr": "2", "unit": "kohm"}, r"2000 \Omega").matched


def test_unknown_units_are_rubric_errors():
    with pytest.raises(SpecError):
        check({"expr": "4.7", "unit": "furlongs per fortnightz"}, "4.7")


@pytest.mark.parametrize(
    ("key", "answer", "matched"),
    [
        ("3x^2", r"\frac{d}{dx} x^3", True),  # a derivative operator, not d/(dx)
        ("3x^2", r"\frac{\mathrm{d}}{\mathrm{d}x}\left(x^3 + 5\right)", True),
        ("2 x y", r"\frac{\partial}{\partial x}(x^2 y)", True),
        ("sigma(x) (1 - sigma(x))", r"\sigma'(x)", True),  # a rubric function's derivative
        ("sigma(x) (1 - sigma(x))", "σ'(x)", True),
        ("cos(x)", "sin'(x)", True),
        ("-sin(x)", "sin''(x)", True),
    ],
)
def test_derivatives_in_the_answer_are_read(key, answer, matched):
    definitions = {"variables": ["x", "y"], "functions": {"sigma": {"args": ["x"], "expr": "1/(1+exp(-x))"}}}
    assert check({"expr": key}, answer, definitions).matched is matched
