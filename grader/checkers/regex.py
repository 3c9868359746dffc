"""An instructor's own pattern, matched with a time bound.

The pattern is tried on the answer as written, then on its math rewritten to
one plain form (:mod:`grader.readers.mathtext`: LaTeX spacing and fonts,
transposes, numpy operators, a name defined in one step and used in the next).
Uses the ``regex`` package's timeout so that a catastrophic pattern such as
``(a+)+$`` cannot hang a worker: a timeout sends the part to review.
"""

from __future__ import annotations

from typing import Literal

import regex
from pydantic import Field, field_validator

from grader.checkers.base import Checker, CompileContext, Match, SpecBase, register
from grader.readers.mathtext import canonical_math, with_definitions
from grader.rubric.numbers import Count

TIMEOUT_S = 0.05
_FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE}


class RegexSpec(SpecBase):
    type: Literal["regex"]
    pattern: str = Field(min_length=1, max_length=2000)
    flags: str = "i"
    min_count: Count = 1

    @field_validator("flags")
    @classmethod
    def _flags(cls, v: str) -> str:
        bad = set(v) - set(_FLAGS)
        if bad:
            raise ValueError(f"unknown flags {sorted(bad)}; use i, m, s, x")
        return v

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            regex.compile(v)
        except regex.error as exc:
            raise ValueError(f"invalid pattern: {exc}") from None
        return v


@register("regex", RegexSpec)
def compile_regex(spec: RegexSpec, ctx: CompileContext) -> Checker:
    flags = 0
    for f in spec.flags:
        flags |= _FLAGS[f]
    pattern = regex.compile(spec.pattern, flags)

    def check(answer: str) -> Match:
        # the answer as written first; then its math in one plain form, then with its own
        # definitions substituted (a result given in two steps)
        hits: list[str] = []
        for text in dict.fromkeys((answer, canonical_math(answer), with_definitions(answer))):
            try:
                hits = [m.group(0) for m in pattern.finditer(text, timeout=TIMEOUT_S)]
            except TimeoutError:
                return Match.needs_review(f"pattern of item {ctx.item_id!r} took too long on this answer")
            if len(hits) >= spec.min_count:
                break
        ok = len(hits) >= spec.min_count
        return Match(ok, count=len(hits), evidence=tuple(dict.fromkeys(hits))[:5])

    return check
