"""The naive baseline the engine is compared with: parse both sides with
SymPy's own parser and ask ``simplify(a - b) == 0``.

For benchmarks only: it runs SymPy's string parser, which executes code, on
the rubric's own example answers (trusted text), never on student input.
"""

from __future__ import annotations

import re
import time

import sympy
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

TRANSFORMS = (*standard_transformations, implicit_multiplication_application, convert_xor)
_LATEX = [
    (re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}"), r"((\1)/(\2))"),
    (re.compile(r"\\(left|right|,|;|!|quad)"), " "),
    (re.compile(r"\\(cdot|times)"), "*"),
    (re.compile(r"\\sigma"), "sigma"),
    (re.compile(r"\\tanh"), "tanh"),
    (re.compile(r"\\exp"), "exp"),
    (re.compile(r"[{}$]"), " "),
    (re.compile(r"σ"), "sigma"),
    (re.compile(r"−"), "-"),
]


def _plain(text: str) -> str:
    text = text.split("\n")[-1]
    text = text.split("=")[-1]
    for pat, rep in _LATEX:
        text = pat.sub(rep, text)
    return text.strip()


def naive_equiv_ms(answer: str, key: str) -> float:
    x = sympy.Symbol("x")
    sigma = sympy.Lambda(x, 1 / (1 + sympy.exp(-x)))
    ns = {"sigma": sigma, "x": x, "e": sympy.E}
    t = time.perf_counter()
    try:
        a = parse_expr(_plain(answer), local_dict=ns, transformations=TRANSFORMS)
        b = parse_expr(_plain(key), local_dict=ns, transformations=TRANSFORMS)
        sympy.simplify(a - b) == 0  # noqa: B015 - the cost is what is measured
    except Exception:  # a failed parse still cost its time
        pass
    return (time.perf_counter() - t) * 1000
