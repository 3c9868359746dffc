"""Per-element credit: "0.5p each, max 2p; if more than 4 are named, grade the first 4".

The answer is split into the elements the student listed; only the first
``first_n`` are looked at, and each accepted answer counts once, so writing
the same idea twice (or listing ten guesses) earns nothing extra.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, compile_check, register
from grader.rubric.numbers import Count

_LINE_MARK = re.compile(r"^\s*(?:[-*•·▪◦]|\(?[0-9]{1,2}[.)]|\(?[a-hA-H][.)]|[①-⑳])\s+")
_INLINE_MARK = re.compile(r"\s(?:\(?[0-9]{1,2}\)|\([a-h]\)|[①-⑳])\s*")
_SOFT = re.compile(r"\s*(?:,|、|;|\band\b|\bund\b|및|그리고|\s[/+&]\s|(?<=[^\W\d])[/+](?=[^\W\d]))\s*")


def split_elements(answer: str) -> list[str]:
    """Lines and numbered or bulleted items; commas and 'and' only for a one-line list."""
    parts: list[str] = []
    for line in answer.split("\n"):
        for piece in _INLINE_MARK.split(" " + line):
            piece = _LINE_MARK.sub("", piece).strip(" .")
            for sub in piece.split(";"):
                if sub.strip(" ."):
                    parts.append(sub.strip(" ."))
    if len(parts) == 1:
        soft = [p.strip(" .") for p in _SOFT.split(parts[0]) if p.strip(" .")]
        if len(soft) > 1:
            return soft
    return parts


class ElementsSpec(SpecBase):
    type: Literal["elements"]
    accept: list[dict[str, Any]] = Field(min_length=1)
    first_n: Count | None = None


@register("elements", ElementsSpec)
def compile_elements(spec: ElementsSpec, ctx: CompileContext) -> Checker:
    accepted = [compile_check(raw, ctx, ("accept", i)) for i, raw in enumerate(spec.accept)]

    def check(answer: str) -> Match:
        elements = split_elements(answer)
        graded = elements[: spec.first_n] if spec.first_n else elements
        used: set[int] = set()
        evidence = []
        reviews = []
        doubts: list[Doubt] = []
        for element in graded:
            for i, checker in enumerate(accepted):
                if i in used:
                    continue
                m = checker(element)
                if m.review:
                    reviews.append(m.review)
                doubts.extend(m.doubts)
                if m.matched:
                    used.add(i)
                    evidence.append(element)
                    break
        review = "; ".join(dict.fromkeys(reviews)) or None
        skipped = len(elements) - len(graded)
        message = f"Only the first {spec.first_n} listed answers were graded." if skipped > 0 else None
        return Match(
            bool(used),
            count=len(used),
            evidence=tuple(evidence),
            review=review,
            message=message,
            doubts=tuple(dict.fromkeys(doubts)),
        )

    return check
