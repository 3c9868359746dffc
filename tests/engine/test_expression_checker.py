"""The ``expression`` checker: the math in a free-text answer against a rubric key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import checker

from grader.checkers.base import SpecError

DEFINITIONS = {"variables": ["x"], "functions": {"sigma": {"args": ["x"], "expr": "1/(1+exp(-x))"}}}
TANH_IN_SIGMA = {"type": "expression", "expr": "2*sigma(2*x) - 1", "require_functions": ["sigma"]}
SHEET = Path(__file__).resolve().parents[1] / "data" / "dl-quiz-sheet.json"  # the seed sheet, verbatim


def tanh_checker(**extra):
    return checker({**TANH_IN_SIGMA, **extra}, definitions=DEFINITIONS)


@pytest.mark.parametrize(
    ("answer", "matched"),
    [
        ("tanh(x) = 2σ(2x) − 1", True),
        (r"2\sigma(2x)-1", True),
        (r"$\tanh(x) = 2\sigma(2x) - 1$", True),
        (r"1 - 2\sigma(-2x)", True),
        ("2 sigma(2x) - 1", True),
        ("Answer: 2*sigma(2*x) - 1.", True),
        ("따라서 tanh(x) = 2σ(2x) − 1 이다.", True),
        ("tanh(x) = (1 - e^(-2x))/(1 + e^(-2x)) = 2/(1+e^(-2x)) - 1 = 2σ(2x) - 1", True),
        (r"\tanh(x)=\frac{2}{1+e^{-2x}}-1", False),  # right, but not in terms of σ
        ("2σ(x)-1", False),
        ("tanh(x) = σ(x) - 1/2", False),
        ("tanh(x) = (e^x - e^{-x})/(e^x + e^{-x}) = (1 - e^{-2x})/(1 + e^{-2x}) = 2σ(x) - 1", False),
        ("I don't know", False),
    ],
)
def test_tanh_in_terms_of_sigma(answer, matched):
    assert tanh_checker()(answer).matched is matched


def test_the_real_derivation_from_the_seed_sheet_matches():
    answer = json.loads(SHEET.read_text(encoding="utf-8"))["answers"]["5"]
    match = tanh_checker()(answer)
    assert match.matched and match.evidence == (r"\tanh(x) = 2\sigma(2x) - 1",)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (r"\tanh(x)=\frac{2}{1+e^{-2x}}-1", "the answer must be written using sigma"),
        ("2σ(2y) - 1", "unknown symbol y"),
        ("2*sigma(2x) -", "the expression ends too early at column 14"),
        (r"\input{/etc/passwd}", r"unknown command \input at column 1"),
        ("x = 2σ(2x) - 1 + 'a", "quotes and primes are not supported at column 18"),
        ("2^^x", "could not read the expression at column 3"),
    ],
)
def test_misses_say_why(answer, message):
    match = tanh_checker()(answer)
    assert not match.matched and match.review is None and match.message == message


@pytest.mark.parametrize(
    "answer",
    [
        # 1a: a remark in brackets after the equation
        "tanh(x)=2σ(2x)-1 (by symmetry)",
        "tanh(x)=2σ(2x)-1 (σ(-x)=1-σ(x))",
        r"$\tanh(x) = 2\sigma(2x) - 1$ (by symmetry)",
        "tanh(x) = 2σ(2x) - 1 (using σ(-x) = 1 - σ(x)).",
        # 1b: Markdown emphasis and code
        "**tanh(x) = 2σ(2x) − 1**",
        "`tanh(x) = 2σ(2x) - 1`",
        "So the answer is __2σ(2x) - 1__.",
        "```2*sigma(2*x) - 1```",
        # 1c: any side of the last chain that has the asked-for form, when the chain ends equivalent
        "2σ(2x) − 1 = tanh(x)",
        "tanh(x) = 2σ(2x) − 1 = 2/(1+e^{-2x}) − 1",
        "tanh(x) = (1 - e^(-2x))/(1 + e^(-2x)) = 2σ(2x) − 1 = 2/(1+e^(-2x)) − 1",
        # 1d: a left side we cannot read names the quantity
        r"\frac{\partial H}{\partial x} = 2\sigma(2x) - 1",
        "H'(x) = 2σ(2x) - 1",
        r"\frac{dL}{dW} = 2\sigma(2x) - 1",
        "dL/dW = 2σ(2x) - 1",
        "∂L/∂W = 2σ(2x) - 1",
        "tanh'(x)... no: tanh(x) = 2σ(2x) - 1",
    ],
)
def test_reported_gaps_read(answer):
    match = tanh_checker()(answer)
    assert match.matched, match


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("tanh(x) = 2σ(2x) - 1 = 0.5", None),  # the chain ends on a wrong value
        ("2σ(x) - 1 = tanh(x)", "the answer must be written using sigma"),  # the σ side is wrong
        ("tanh(x) = 2/(1+e^{-2x}) - 1", "the answer must be written using sigma"),
        ("H'(x) = 2σ(x) - 1", None),
        ("x**2 + **", "could not read the expression at column 8"),
        (r"\frac{\partial H}{\partial x}", r"derivatives (\partial) are not supported at column 7"),
    ],
)
def test_chain_rule_misses(answer, message):
    match = tanh_checker()(answer)
    assert not match.matched and match.review is None and match.message == message


def test_powers_are_not_markdown():
    check = checker({"type": "expression", "expr": "x^2 + 2^(x)"}, definitions=DEFINITIONS)
    assert check("x**2 + 2**(x)").matched
    assert check("**x**2 + 2**(x)**").matched
    assert check("`x^2 + 2^x`").matched


def test_derivative_on_the_left_of_an_expression_key_only():
    check = checker({"type": "expression", "expr": "1 + r", "variables": ["r"]}, definitions=DEFINITIONS)
    assert check(r"\frac{\partial H}{\partial x} = 1 + r").matched
    assert check("H'(x) = 1 + r").matched
    assert check(r"H'(x) = 1 - r").matched is False
    eq = checker({"type": "expression", "expr": "y = 1 + r", "variables": ["r", "y"]}, definitions=DEFINITIONS)
    assert eq("1 + r").matched  # the value alone
    match = eq("y' = 1 + r")  # an equation key needs its left side: y' is not y
    assert not match.matched and match.message == "quotes and primes are not supported at column 2"


def test_grader_faults_go_to_review(monkeypatch):
    from grader.mathexpr import sandbox

    monkeypatch.setattr(sandbox, "symbolic_equal", lambda *a, **k: None)  # the helper timed out
    check = checker({"type": "expression", "expr": "x"}, definitions=DEFINITIONS)
    match = check("x + 0 ln(0)")  # undefined at every point: only the symbolic check could tell
    assert match.review and not match.matched


def test_forbidden_functions():
    check = checker({**TANH_IN_SIGMA, "require_functions": [], "forbid_functions": ["tanh"]}, definitions=DEFINITIONS)
    assert check("2σ(2x) - 1").matched
    assert check("tanh(x) = 2σ(2x) - 1").matched  # only the compared side counts
    assert check("tanh(x)").message == "the answer must not use tanh"


def test_extract_any_finds_a_middle_step():
    derivation = "tanh(x) = 2σ(2x) - 1 = 0.5"
    assert not tanh_checker()(derivation).matched
    assert tanh_checker(extract="any")(derivation).matched


def test_extract_whole_needs_the_whole_answer_to_be_math():
    assert tanh_checker(extract="whole")("2σ(2x) - 1").matched
    assert not tanh_checker(extract="whole")("so 2σ(2x) - 1").matched


@pytest.mark.parametrize(
    ("spec", "answer", "matched"),
    [
        ({"expr": "y = 2x + 1", "variables": ["y"]}, "2y = 4x + 2", True),
        ({"expr": "y = 2x + 1", "variables": ["y"]}, "2x + 1", True),  # "y = ..." names the value
        ({"expr": "x^2 - 1 = 0"}, "x^2 - 1", False),
        ({"expr": "x > 1"}, "1 < x", True),
        ({"expr": "x > 1"}, "x < 1", False),
        ({"expr": "\\frac{1}{1+e^{-x}}", "syntax": "latex"}, "σ(x)", True),
        ({"expr": "relu(x)"}, "\\max(0, x)", True),
        ({"expr": "1/3", "tol": 0.01}, "0.333", True),
        ({"expr": "1/3"}, "0.333", False),
        ({"expr": "ln(x^2)", "domain": {"x": [0.5, 4]}}, "2 ln(x)", True),
    ],
)
def test_other_keys(spec, answer, matched):
    check = checker({"type": "expression", **spec}, definitions=DEFINITIONS)
    assert check(answer).matched is matched


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ({"expr": "2*sigma(2*y)"}, "unknown symbol y in the key: add it to variables"),
        ({"expr": "2*"}, "the key cannot be read: the expression ends too early"),
        ({"expr": "x", "require_functions": ["softplus"]}, "unknown function 'softplus': define it under functions"),
        (
            {"expr": "x", "functions": {"f": {"args": ["x"], "expr": "x + q"}}},
            "function f: unknown symbol q (not one of its arguments)",
        ),
        ({"expr": "x", "domain": {"x": [3, 1]}}, "domain of x: the lower bound must be below the upper bound"),
        ({"expr": "x", "extract": "first"}, None),
    ],
)
def test_bad_keys_are_spec_errors(spec, reason):
    with pytest.raises(SpecError) as err:
        checker({"type": "expression", **spec}, definitions=DEFINITIONS)
    if reason is not None:
        assert err.value.reason == reason


def test_undecidable_answers_go_to_review():
    check = checker({"type": "expression", "expr": "x"}, definitions=DEFINITIONS)
    match = check("x + 0 ln(0)")
    assert not match.matched and match.review and "could not decide" in match.review


def test_plus_minus_is_the_set_of_both_values():
    check = checker({"type": "expression", "expr": "1 ± sqrt(2)"}, definitions=DEFINITIONS)
    assert check("1 ± √2").matched
    assert check(r"\{1 - \sqrt{2}, 1 + \sqrt{2}\}").matched
    one = check("1 + √2")
    assert not one.matched and not one.review  # one of the two values is a plain miss
