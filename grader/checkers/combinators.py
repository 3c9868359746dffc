"""``any``, ``all`` and ``not``: alternatives and conditions built from other checks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, compile_check, register


class AnySpec(SpecBase):
    type: Literal["any"]
    of: list[dict[str, Any]] = Field(min_length=1)


class AllSpec(SpecBase):
    type: Literal["all"]
    of: list[dict[str, Any]] = Field(min_length=1)


class NotSpec(SpecBase):
    type: Literal["not"]
    of: dict[str, Any]


def _compile_many(raws: list[dict[str, Any]], ctx: CompileContext) -> list[Checker]:
    return [compile_check(raw, ctx, ("of", i)) for i, raw in enumerate(raws)]


def _merge_review(matches: list[Match]) -> str | None:
    reasons = [m.review for m in matches if m.review]
    return "; ".join(reasons) if reasons else None


def merge_doubts(matches: list[Match]) -> tuple[Doubt, ...]:
    return tuple(dict.fromkeys(d for m in matches for d in m.doubts))


@register("any", AnySpec)
def compile_any(spec: AnySpec, ctx: CompileContext) -> Checker:
    """Alternatives: the first that matches decides (either answer earns the point)."""
    checkers = _compile_many(spec.of, ctx)

    def check(answer: str) -> Match:
        seen = []
        for c in checkers:
            m = c(answer)
            if m.matched:
                return m
            seen.append(m)
        message = next((m.message for m in seen if m.message), None)
        return Match(
            False,
            review=_merge_review(seen),
            message=message,
            confidence=min(m.confidence for m in seen),
            doubts=merge_doubts(seen),
        )

    return check


@register("all", AllSpec)
def compile_all(spec: AllSpec, ctx: CompileContext) -> Checker:
    checkers = _compile_many(spec.of, ctx)

    def check(answer: str) -> Match:
        matches = [c(answer) for c in checkers]
        ok = all(m.matched for m in matches)
        evidence = tuple(e for m in matches for e in m.evidence) if ok else ()
        message = next((m.message for m in matches if m.message), None)
        return Match(
            ok,
            count=1 if ok else 0,
            evidence=evidence,
            review=_merge_review(matches),
            message=message,
            confidence=min(m.confidence for m in matches),
            doubts=merge_doubts(matches),
        )

    return check


@register("not", NotSpec)
def compile_not(spec: NotSpec, ctx: CompileContext) -> Checker:
    inner = compile_check(spec.of, ctx, ("of",))

    def check(answer: str) -> Match:
        m = inner(answer)
        if m.review:
            return Match(False, review=m.review, confidence=m.confidence, doubts=m.doubts)
        return Match(not m.matched, count=0 if m.matched else 1, confidence=m.confidence, doubts=m.doubts)

    return check
