"""``python -m grader equiv --jsonl``: one answer per line, bounded, never fooled by code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    ("__import__('os').system('touch CANARY')", "plain"),
    ("open('CANARY','w').write('x')", "plain"),
    ("exec(\"open('CANARY','w').write('x')\")", "python"),
    ("(lambda: open('CANARY','w').write('x'))()", "python"),
    ("().__class__.__bases__[0].__subclasses__()", "python"),
    ("S(\"__import__('os').system('touch CANARY')\")", "maxima"),
    ("9**9**9", "python"),
    ("9^9^9", "plain"),
    ("factorial(10**6)", "python"),
    ("(10^{6})!", "latex"),
    ("1e999999999", "plain"),
    ("expand((x+y+z+1)**200)", "python"),
    ("1" * 100_000, "plain"),
    ("(" * 200 + "x" + ")" * 200, "plain"),
    ("+".join(["x"] * 50_000), "plain"),
    ("\\input{/etc/passwd}", "latex"),
    ("\\include{CANARY}", "latex"),
    ("x\x00y", "plain"),
    ("x\u202ey", "plain"),
    ("\\frac{" * 300 + "1" + "}{2}" * 300, "latex"),
    ("sin(x)^40 + cos(x)^40 - 1", "plain"),
    # the readers of sets, logic, matrices and Maxima commands are bounded too
    ("matrix(" + ",".join("[" + ",".join(["1"] * 40) + "]" for _ in range(40)) + ")", "maxima"),
    ("(A^T)^6 (B^T)^6", "latex"),
    ("diff(" * 5 + "x^50*y^50*z^9*w^8*u^7*v^6*t^5" + ",x)" * 5, "maxima"),
    ("x=1 or " * 200 + "x=0", "maxima"),
    ("#pm#".join(["x"] * 50), "maxima"),
    ("not " * 300 + "true", "maxima"),
    ("%union(" * 150 + "oo(1,2)" + ")" * 150, "maxima"),
    ("x^12345678 > 1", "maxima"),
    (r"\begin{vmatrix}" + r"\\".join(["&".join(["a"] * 6)] * 6) + r"\end{vmatrix}", "latex"),
    ("ev(x, __import__('os').system('touch CANARY'))", "maxima"),
    ("f(x) := __import__('os')", "maxima"),
]


def run_equiv(lines: list[str], cwd: Path) -> list[dict]:
    infile = cwd / "cases.jsonl"
    infile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "equiv", "--jsonl", str(infile)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_hostile_inputs_are_refused_and_run_nothing(tmp_path):
    lines = [
        json.dumps({"id": i, "student": s, "teacher": "q + 2", "syntax": syn}) for i, (s, syn) in enumerate(HOSTILE)
    ]
    lines += [
        json.dumps({"id": 100 + i, "student": "q + 2", "teacher": s, "syntax": syn})
        for i, (s, syn) in enumerate(HOSTILE)
    ]
    out = run_equiv(lines, tmp_path)
    assert [o["id"] for o in out] == [i for i in range(len(HOSTILE))] + [100 + i for i in range(len(HOSTILE))]
    assert all(o["verdict"] is not True for o in out), [o for o in out if o["verdict"]]
    assert all(o["verdict"] is not None or o["reason"] for o in out)
    assert not (tmp_path / "CANARY").exists()


def test_answers_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a", "student": "2σ(2x) − 1", "teacher": "\\tanh(x)", "syntax": "latex"}),
        json.dumps({"id": "b", "student": "(x-1)(x+1)", "teacher": "x^2-1"}),
        json.dumps({"id": "c", "student": "x^2+1", "teacher": "x^2-1"}),
        json.dumps({"id": "d", "student": "3.14", "teacher": "pi", "test": "num_rel", "options": {"tol": 0.001}}),
        json.dumps({"id": "e", "student": "%e^(%i*%pi)", "teacher": "-1"}),
        "this is not json",
        json.dumps({"id": "f", "student": "1/0", "teacher": "1"}),
        json.dumps({"id": "g", "student": "x", "teacher": "x", "test": "FacForm"}),
        json.dumps(["not", "an", "object"]),
    ]
    out = run_equiv(lines, tmp_path)
    verdicts = {o["id"]: o["verdict"] for o in out if o["id"] is not None}
    # without a rubric, σ(x) is the logistic function, so 2σ(2x) − 1 is tanh(x)
    assert verdicts == {"a": True, "b": True, "c": False, "d": True, "e": True, "f": None, "g": None}
    assert next(o for o in out if o["id"] is None)["reason"].startswith("not valid JSON")
    assert all(isinstance(o["ms"], float) for o in out)
    assert len(out) == len(lines)


@pytest.mark.parametrize(
    ("case", "verdict"),
    [
        (
            {
                "student": "2σ(2x)-1",
                "teacher": "tanh(x)",
                "options": {"functions": {"σ": {"args": ["x"], "expr": "1/(1+exp(-x))"}}},
            },
            True,
        ),
        ({"student": "$x = 11$", "teacher": "$11$", "syntax": "latex"}, True),
        ({"student": "x = 1", "teacher": "1", "syntax": "maxima"}, False),
        ({"student": "mn", "teacher": "n*m", "options": {"variables": ["m", "n"]}}, True),
        ({"student": "3j", "teacher": "3*sqrt(-1)", "options": {"allow_complex": True}}, True),
        ({"student": "f(1) + g(2)", "teacher": "g(1) + f(2)", "options": {"custom_functions": ["f", "g"]}}, False),
    ],
)
def test_check_case_options(case, verdict):
    from grader.equiv import check_case

    assert check_case(case)[0] is verdict


@pytest.mark.parametrize(
    ("student", "teacher", "syntax", "verdict"),
    [
        ("[1, 2]", "[1, 2]", "maxima", True),
        ("[2, 1]", "[1, 2]", "maxima", False),  # lists are ordered
        ("{2/4, 1/3}", "{1/2, 1/3}", "maxima", True),  # sets are not
        ("{1, 1, 2}", "{2, 1}", "maxima", True),
        ("{1, 2}", "{1, 2, 3}", "maxima", False),
        ("{x = 1, x = 2}", "{x = 2, x = 1}", "maxima", True),
        ("(1, 2]", "(1, 2]", "plain", True),
        ("(1, 2)", "[1, 2)", "plain", False),  # which ends are closed matters
        ("[-oo, 1]", "[-infty, 1]", "plain", True),
        ("(1, oo)", "(1, -oo)", "plain", False),
        ("$(1, +\\infty)$", "$(1, \\infty)$", "latex", True),
        ("$\\{1, 2\\}$", "$\\{2, 1\\}$", "latex", True),
        ("(1, 2)", "{1, 2}", "plain", False),  # a tuple is not a set
        ("x^2 - 1", "ev(factor(x^2 - 1), simp)", "maxima", True),  # teacher-side wrappers only
        # Maxima's value-keeping functions are read, never run, on either side
        ("factor(x^2 - 1)", "x^2 - 1", "maxima", True),
        ("ev(x^2 + a, a = 1)", "x^2 + 1", "maxima", True),
        ("ev(x^2 + a, a = 2)", "x^2 + 1", "maxima", False),
        # the last box decides: a union of intervals, not [-3, 2]
        ("$\\boxed{[-3, 2]}$ no: $\\boxed{(-\\infty, -3] \\cup [2, \\infty)}$", "$[-3, 2]$", "latex", False),
    ],
)
def test_collections_and_teacher_wrappers(student, teacher, syntax, verdict):
    from grader.equiv import check_case

    assert check_case({"student": student, "teacher": teacher, "syntax": syntax})[0] is verdict


@pytest.mark.parametrize(
    ("case", "verdict"),
    [
        ({"student": "{2, 1}", "teacher": "{1, 2}", "test": "set"}, True),
        ({"student": "(1, 2)", "teacher": "{1, 2}", "test": "set"}, False),  # the type is named: a tuple is not it
        ({"student": "x <= 2", "teacher": "(-oo, 2]", "test": "interval"}, False),
        ({"student": "x <= 2", "teacher": "(-oo, 2]"}, True),  # unnamed: the same numbers
        ({"student": "x > 2", "teacher": "2 < x", "test": "inequality"}, True),
        ({"student": "[[1, 2], [3, 4]]", "teacher": "[[1, 2], [3, 4]]", "test": "matrix"}, True),
        ({"student": "x^3/3 + 5", "teacher": "x^3/3", "test": "antiderivative"}, True),
        ({"student": "t^3/3 + C", "teacher": "t^3/3", "test": "antiderivative", "options": {"variable": "t"}}, True),
        ({"student": "(2, 1)", "teacher": "(1, 2)", "options": {"ordered": False}}, True),
        (
            {
                "student": "A^{-1} B^{-1}",
                "teacher": "(BA)^{-1}",
                "syntax": "latex",
                "options": {"matrices": ["A", "B"]},
            },
            True,
        ),
        (
            {
                "student": "B^{-1} A^{-1}",
                "teacher": "(BA)^{-1}",
                "syntax": "latex",
                "options": {"matrices": ["A", "B"]},
            },
            False,
        ),
        ({"student": "sqrt(x^2)", "teacher": "x", "options": {"domain": {"x": "positive"}}}, True),
    ],
)
def test_tests_naming_a_type_and_the_options_of_the_new_types(case, verdict):
    from grader.equiv import check_case

    assert check_case(case)[0] is verdict


@pytest.mark.parametrize(
    ("student", "teacher", "verdict"),
    [
        ("A^T B^T", "B^T A^T", False),  # a transpose shows these are matrices: they do not commute
        ("(AB)^T", "B^T A^T", True),
        ("K^T Q", "Q K^T", False),
        ("A^{-1}B^{-1}", "B^{-1}A^{-1}", False),  # inverted capitals side by side: matrices
        ("(AB)^{-1}", "B^{-1}A^{-1}", True),
        ("(A + I)^T", "A^T + I", True),  # beside matrices, I is the identity
        ("P V^{-1}", "P/V", True),  # one inverted capital is a number (pressure over volume)
    ],
)
def test_matrices_recognised_by_their_notation(student, teacher, verdict):
    from grader.equiv import check_case

    assert check_case({"student": student, "teacher": teacher, "syntax": "latex"})[0] is verdict


@pytest.mark.parametrize(
    ("student", "teacher", "verdict"),
    [
        (r"$\frac{x^3}{3} + C$", r"$\int x^2 \, dx$", True),  # any antiderivative of the integrand
        (r"$\frac{x^3}{3} - 7$", r"$\int x^2\,\mathrm{d}x$", True),
        (r"$x^3$", r"$\int x^2 \, dx$", False),
        (r"$-\cos t + 5$", r"$\int \sin t \, dt$", True),
        (r"$\frac{\partial L}{\partial W} = X^T(\hat{y} - y)$", r"$X^T(\hat{y}-y)$", True),  # the value after "="
        (r"$\det(A) = -2$", r"$-2$", True),
        (r"$\sigma'(x) = \sigma(x)(1-\sigma(x))$", r"$\frac{e^{-x}}{(1+e^{-x})^2}$", True),  # σ is the logistic
    ],
)
def test_calculus_and_notation_in_latex_answers(student, teacher, verdict):
    from grader.equiv import check_case

    assert check_case({"student": student, "teacher": teacher, "syntax": "latex"})[0] is verdict


@pytest.mark.parametrize(
    ("case", "verdict"),
    [
        ({"student": r"$9.8\,\mathrm{m/s^2}$", "teacher": "$9.8$", "syntax": "latex"}, True),  # upright: a unit
        ({"student": r"$\frac{1}{2}mv^2$", "teacher": r"$\frac{mv^2}{2}$", "syntax": "latex"}, True),  # m: a mass
        (
            {
                "student": r"$4.7\,\mu\mathrm{F}$",
                "teacher": r"4.7\times 10^{-6}",
                "syntax": "latex",
                "options": {"unit": "F"},
            },
            True,
        ),
        ({"student": r"$4.7\,\mathrm{mF}$", "teacher": "4.7", "syntax": "latex", "options": {"unit": "uF"}}, False),
        ({"student": "30 km/h", "teacher": "25/3", "syntax": "plain", "options": {"unit": "m/s"}}, True),
        (
            {"student": "4.7", "teacher": "4.7", "syntax": "plain", "options": {"unit": "uF", "require_unit": True}},
            False,
        ),
    ],
)
def test_units_in_equiv(case, verdict):
    from grader.equiv import check_case

    assert check_case(case)[0] is verdict
