"""Shapes and tuples: "8x8x5", "8 × 8 × 5", "8 \\times 8 \\times 5", "(8, 8, 5)"."""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from typing import Literal

from pydantic import Field

from grader.checkers.base import Checker, CompileContext, Match, SpecBase, SpecError, register
from grader.checkers.number import parse_value
from grader.rubric.numbers import Tolerance

_N = r"[-+]?[0-9]+(?:\.[0-9]+)?"
_SEP = r"\s*(?:[x×*,;]|\\times|\\cdot|·)\s*"
# a shape may end a sentence ("8 × 8 × 5.") or meet a Korean particle ("8x8x5이다")
_GROUP = re.compile(rf"([(\[{{]\s*)?(?<![\w.])({_N}(?:{_SEP}{_N})+)(?![A-Za-z0-9_]|\.\d)(\s*[)\]}}])?")
_ITEM = re.compile(_N)


def read_tuples(answer: str) -> list[tuple[tuple[Fraction, ...], str, bool]]:
    """Every tuple in the answer: (values, text, written in brackets)."""
    text = answer.replace("−", "-").replace("$", " ").replace("\\left", "").replace("\\right", "")
    text = text.replace("\\{", "{").replace("\\}", "}")
    out = []
    for m in _GROUP.finditer(text):
        values = tuple(Fraction(v) for v in _ITEM.findall(m.group(2)))
        out.append((values, m.group(0).strip(), bool(m.group(1) and m.group(3))))
    return out


class TupleSpec(SpecBase):
    type: Literal["tuple"]
    value: list[float | int | str] = Field(min_length=1)
    ordered: bool = True
    abs_tol: Tolerance = 0
    require_parens: bool = False
    pick: Literal["last", "any"] = "last"


def _equal(got: tuple[Fraction, ...], want: tuple[Fraction, ...], spec: TupleSpec) -> bool:
    if len(got) != len(want):
        return False
    tol = Fraction(str(spec.abs_tol))
    if spec.ordered:
        return all(abs(a - b) <= tol for a, b in zip(got, want, strict=True))
    if tol == 0:
        return Counter(got) == Counter(want)
    return all(abs(a - b) <= tol for a, b in zip(sorted(got), sorted(want), strict=True))


@register("tuple", TupleSpec)
def compile_tuple(spec: TupleSpec, ctx: CompileContext) -> Checker:
    try:
        want = tuple(parse_value(v) for v in spec.value)
    except ValueError as exc:
        raise SpecError(str(exc), ("value",)) from None

    def check(answer: str) -> Match:
        found = read_tuples(answer)
        if spec.require_parens:
            found = [f for f in found if f[2]]
        if not found:
            what = "tuple in brackets" if spec.require_parens else "tuple or shape"
            return Match.no(message=f"Could not find a {what} in the answer.")
        candidates = found if spec.pick == "any" else found[-1:]
        for values, text, _ in candidates:
            if _equal(values, want, spec):
                return Match.yes(text)
        return Match(False, evidence=(f"read {candidates[-1][1]}",))

    return check
