"""Logic, inequalities, ± and sets of real numbers: the same answer when they hold at the same points."""

from __future__ import annotations

import pytest

from grader.equiv import check_case


def verdict(student: str, teacher: str, syntax: str = "plain", **options) -> bool | None:
    case = {"student": student, "teacher": teacher, "syntax": syntax, "options": options or None}
    return check_case(case)[0]


@pytest.mark.parametrize(
    ("student", "teacher", "expected"),
    [
        ("x = 2 or x = -2", "x^2 = 4", True),
        ("x = 2", "x^2 = 4", False),  # a root is missing
        ("a = 0 or b = 0", "a b = 0", True),
        ("a = 0 or x = y", "a x = a y", True),
        ("x > 2 or x < -2", "not (x <= 2 and x >= -2)", True),
        ("x > 2 or x <= -2", "not (x <= 2 and x >= -2)", False),  # strictness at -2
        ("x >= 1 and x <= 1", "x = 1", True),
        ("x != 2", "x < 2 or x > 2", True),
        ("x^2 < 4", "-2 < x and x < 2", True),
        ("x^2 < 6", "-2 < x and x < 2", False),
        ("-2 < x < 2", "x^2 < 4", True),  # a chain is both links
        ("x^4 >= 16", "x^2 >= 4", True),  # inequalities: the same solutions, not a multiple
        ("2 < x", "x > 2", True),
        ("x > 2", "x >= 2", False),
        ("x < 2", "x > 2", False),
        ("true", "x = x", True),
        ("false", "x = x + 1", True),
    ],
)
def test_statements_with_the_same_solutions(student, teacher, expected):
    assert verdict(student, teacher) is expected


@pytest.mark.parametrize(
    ("student", "teacher", "expected"),
    [
        ("A and B", "B and A", True),
        ("A and B", "C and A", False),
        ("(A and B) or (A and C)", "A and (B or C)", True),
        ("not(A) and not(B)", "not(A or B)", True),
        ("not(A) and not(B)", "not(A and B)", False),
        ("not(A) or B", "A implies B", True),
        ("(not A and B) or (not B and A)", "A xor B", True),
    ],
)
def test_propositions_by_their_truth_table(student, teacher, expected):
    assert verdict(student, teacher, "maxima") is expected


@pytest.mark.parametrize(
    ("student", "teacher", "syntax", "expected"),
    [
        ("x <= 2", "(-oo, 2]", "plain", True),
        ("x < 2", "(-oo, 2]", "plain", False),
        (r"$x \le 2$", r"$(-\infty, 2]$", "latex", True),
        (r"$x \in [0, 7)$", r"$0 \le x < 7$", "latex", True),
        (r"$[-1, 0) \cup (0, 1]$", r"$-1 \le x \le 1 \text{ and } x \ne 0$", "latex", True),
        (r"$\{-1\} \cup [0,7)$", r"$\{-1\} \cup [0,7)$", "latex", True),
        (r"$\{-1\} \cup (0,7)$", r"$\{-1\} \cup [0,7)$", "latex", False),
        ("%union(oc(1,2),co(2,3))", "oo(1,3)", "maxima", True),
        ("%union(oo(-inf,1),oo(-1,inf))", "oo(-inf,inf)", "maxima", True),
        ("%intersection(oc(-1,1),co(1,2))", "{1}", "maxima", True),
        ("{2, -2}", "x^2 = 4", "maxima", True),  # the set of its solutions
        ("{}", "1 = 2", "maxima", False),  # a set is not a statement without a variable
    ],
)
def test_sets_of_numbers_and_the_statements_they_solve(student, teacher, syntax, expected):
    assert verdict(student, teacher, syntax) is expected


@pytest.mark.parametrize(
    ("student", "teacher", "syntax", "expected"),
    [
        ("-(b#pm#sqrt(b^2-4*a*c))", "-b#pm#sqrt(b^2-4*a*c)", "maxima", True),
        ("x^2-5*x+6=0", "x=(5 #pm# sqrt(25-24))/2", "maxima", True),
        ("x^2-5*x+6=0", "x=(5 #pm# sqrt(25-23))/2", "maxima", False),
        (r"$\{1\pm\sqrt{5},-2\}$", r"$\{-2, 1+\sqrt5, 1-\sqrt 5\}$", "latex", True),
        (r"$2021$", r"$\pm 2021$", "latex", False),
        (r"$3 \pm 2 \sqrt{2}$", r"$\{3 - \sqrt 8, 3 + \sqrt 8\}$", "latex", True),
    ],
)
def test_plus_minus_is_both_values(student, teacher, syntax, expected):
    assert verdict(student, teacher, syntax) is expected


def test_equations_compare_as_multiples_unless_asked_for_their_solutions():
    assert verdict("(x-2)^2 = 0", "x = 2") is False
    assert verdict("(x-2)^2 = 0", "x = 2", equations="solutions") is True
    assert verdict("abs(x) = abs(y)", "(x-y)(x+y) = 0", equations="solutions") is True
    assert verdict("x = 3", "x = 2", equations="solutions") is False


def test_infinity_is_a_bound_never_a_number_in_arithmetic():
    assert verdict("oo", "oo") is True
    assert verdict("-oo", "oo") is False
    assert verdict("oo + 1", "oo") is None


@pytest.mark.parametrize(
    ("student", "teacher", "expected"),
    [
        ("x >= 1", "x > 1", False),  # strictness is kept
        ("x > 1", "x >= 1", False),
        ("1 <= x", "x >= 1", True),
        ("x^4 >= 0", "x^2 > 0", False),  # they differ at 0 only
        ("x^2 = 0", "x^4 = 0", True),  # a root of any multiplicity is found
        ("(x-1)^2 (x+2) >= 0", "x >= -2", True),
        ("(x-1)^2 (x+2) > 0", "x > -2", False),  # not at the double root 1
    ],
)
def test_strictness_and_multiple_roots(student, teacher, expected):
    assert verdict(student, teacher, equations="solutions") is expected
