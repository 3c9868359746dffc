"""The Maxima functions STACK answers use: read as what they mean, never run."""

from __future__ import annotations

import pytest

from grader.equiv import check_case


def verdict(student: str, teacher: str) -> bool | None:
    return check_case({"student": student, "teacher": teacher, "syntax": "maxima"})[0]


@pytest.mark.parametrize(
    ("student", "teacher", "expected"),
    [
        ("diff(x^2, x)", "2*x", True),
        ("diff(sin(x)*exp(x), x)", "exp(x)*(sin(x) + cos(x))", True),
        ("diff(x^3, x, 2)", "6*x", True),
        ("diff(y, x)", "0", True),  # y does not depend on x
        ("diff(y(x), x)", "0", False),  # y(x) does
        ("3*t*diff(q(s), s)", "3*diff(t*q(s), s)", True),
        ("diff(diff(q(s), s), s)", "diff(q(s), s, 2)", True),
        ("diff(f(x)^2, x)", "2*f(x)*diff(f(x), x)", True),
        ("diff(f(x)^2, x)", "2*diff(f(x), x)", False),
    ],
)
def test_derivatives_are_built_by_the_rules_of_calculus(student, teacher, expected):
    assert verdict(student, teacher) is expected


@pytest.mark.parametrize(
    ("student", "teacher", "expected"),
    [
        ("round(2.5)", "2", True),  # halves to even, as Maxima
        ("round(1.5)", "2", True),
        ("significantfigures(2.5, 1)", "3", True),  # halves up
        ("significantfigures(11.5, 2)", "12", True),
        ("stackunits(2, m)^2", "stackunits(4, m^2)", True),
        ("stackunits(2, s)^2", "stackunits(4, m^2)", False),
        ("[1, 2]", "ntuple(1, 2)", False),  # a list is not a tuple
        ("1500", "displaysci(1.5, 2, 3)", True),
        ("ev(radcan({-sqrt(2)/sqrt(3)}), simp)", "ev(radcan({-2/sqrt(6)}), simp)", True),
        ("F(k)*sin(1000*k)", "(algebraic_equivalence_trigexpandp:false, F(k)*cos(1000*x))", False),
    ],
)
def test_value_keeping_and_numeric_functions(student, teacher, expected):
    assert verdict(student, teacher) is expected


@pytest.mark.parametrize(
    ("student", "teacher", "expected"),
    [
        ("f(x) := x^2", "f(x) := x^2", True),
        ("f(y) := y^2", "f(x) := x^2", True),  # the arguments' names do not matter
        ("f(a, b) := a^2 + b^2", "f(x, y) := x^2 + y^2", True),
        ("g(x) := x^2", "f(x) := x^2", False),
        ("f(x) := x^2", "f(x, y) := x^2 + y^2", False),
        ("f(x) = x^2", "f(x) := x^2", False),  # an equation is not a definition
    ],
)
def test_function_definitions(student, teacher, expected):
    assert verdict(student, teacher) is expected


def test_unknown_maxima_commands_stay_unknown():
    assert verdict("integrate(x, x)", "x^2/2") is None


@pytest.mark.parametrize(
    ("student", "teacher", "syntax", "expected"),
    [
        ("1+k+k^2+k^3", "sum(k^n,n,0,3)", "maxima", True),
        ("1+k+k^2", "sum(k^n,n,0,3)", "maxima", False),
        ("n*(n+1)*(2*n+1)/6", "sum(k^2,k,1,n)", "maxima", True),  # n in a bound counts 1, 2, 3, ...
        ("sum((k+1)^2,k,0,n-1)", "sum(k^2,k,1,n)", "maxima", True),
        ("cos(x)*cos(2*x)*cos(3*x)", "product(cos(k*x),k,1,3)", "maxima", True),
        (r"$\sum_{k=1}^{n} k + 1$", r"$\frac{n(n+1)}{2} + 1$", "latex", True),
        (r"$\prod_{i=1}^{4} i$", "$24$", "latex", True),
        (r"$\sum_{k=0}^{10^9} k$", "$1$", "latex", None),  # too many terms: undecided, never a hang
    ],
)
def test_sums_and_products_with_their_bounds(student, teacher, syntax, expected):
    assert check_case({"student": student, "teacher": teacher, "syntax": syntax})[0] is expected
