"""Parts the machine cannot see (a drawing, a graph): always a human's call."""

from __future__ import annotations

from typing import Literal

from grader.checkers.base import Checker, CompileContext, Match, SpecBase, register


class ManualSpec(SpecBase):
    type: Literal["manual"]
    reason: str = "drawn or graphical answer"


@register("manual", ManualSpec)
def compile_manual(spec: ManualSpec, ctx: CompileContext) -> Checker:
    reason = f"{ctx.item_id}: {spec.reason} - grade by hand (up to {ctx.item_points:g} points)"

    def check(answer: str) -> Match:
        return Match(False, review=reason, confidence=1.0)

    return check
