"""The one interface every checker implements.

A checker kind is a module in this package that defines a pydantic ``Spec``
(its rubric parameters, with ``type: <kind>``) and registers a compile
function with :func:`register`. Compiling happens once per rubric version;
the compiled checker is a pure callable from an answer to a :class:`Match`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict


class SpecBase(BaseModel):
    """Base of every checker's rubric parameters: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Doubt:
    """A reason to suspect a reading, shown to the instructor when the part goes to review.

    ``kind`` is one of :data:`DOUBT_KINDS`; ``detail`` quotes the answer ("'mean of the
    batch' is close to 'batch statistics'"). Doubts do not change points: the review
    layer weighs them into the part's confidence.
    """

    kind: str
    detail: str


DOUBT_KINDS = (
    "near_miss",  # an unmatched item's words are close to something the answer says
    "negated",  # a matched idea sits in a negated or reversed clause, or one is found only negated
    "hedged",  # the answer hedges the claim that earned the item ("not sure", "아마")
    "unread",  # a reader could not read what the answer chose or computed
    "indirect",  # read by a weaker route (an option named by its content, a verdict after prose)
    "off_subject",  # the idea is said about another subject than the item's
)


@dataclass(frozen=True)
class Match:
    """What one checker saw in one answer.

    ``matched``: the rubric item applies. ``count``: how many times (for
    per-occurrence deductions and per-element credit). ``evidence``: the words
    or expressions that matched, shown to instructors. ``credit``: a fraction
    in [0, 1] of the item's points, for checkers that award partial credit
    (per-option choice, classifiers); None means all or nothing by
    ``matched``. ``review``: a reason a human must look (a timeout, low
    confidence, a drawing) - never a silent zero. ``message``: feedback for
    the student about their input ("could not read the expression at
    column 7"). ``doubts``: what makes this reading uncertain (see :class:`Doubt`).
    """

    matched: bool
    count: int = 0
    evidence: tuple[str, ...] = ()
    credit: float | None = None
    confidence: float = 1.0
    review: str | None = None
    message: str | None = None
    doubts: tuple[Doubt, ...] = ()

    @staticmethod
    def no(*, message: str | None = None, confidence: float = 1.0) -> Match:
        return Match(False, message=message, confidence=confidence)

    @staticmethod
    def yes(*evidence: str, count: int = 1, confidence: float = 1.0) -> Match:
        return Match(True, count=count, evidence=tuple(evidence), confidence=confidence)

    @staticmethod
    def needs_review(reason: str) -> Match:
        return Match(False, review=reason, confidence=0.0)


@dataclass(frozen=True)
class Example:
    """A labelled answer the rubric ships; classifiers train on these."""

    answer: str
    points: float
    max: float
    items: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class CompileContext:
    """What a checker may know about its surroundings when it compiles."""

    part_id: str
    item_id: str
    item_points: float
    model_answer: str
    definitions: Mapping[str, Any]
    examples: tuple[Example, ...] = ()
    prompt: str = ""  # the part's question: free-text features demote what merely restates it
    # one per part, shared by its items' checkers (e.g. the concepts' word lexicon)
    shared: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class Checker(Protocol):
    def __call__(self, answer: str) -> Match: ...


Compiler = Callable[[Any, CompileContext], Checker]

_REGISTRY: dict[str, tuple[type[SpecBase], Compiler]] = {}
_LEARNS: set[str] = set()  # kinds whose compiled form depends on the graded examples


def register(kind: str, spec: type[SpecBase], *, learns: bool = False) -> Callable[[Compiler], Compiler]:
    """Register a kind's compile function. ``learns``: it trains on ``CompileContext.examples``, so new
    graded examples (instructors' overrides) change what it decides."""

    def deco(fn: Compiler) -> Compiler:
        _REGISTRY[kind] = (spec, fn)
        if learns:
            _LEARNS.add(kind)
        return fn

    return deco


def learns_from_examples(kind: str) -> bool:
    from grader.checkers import load_kind

    return (kind in _REGISTRY or load_kind(kind)) and kind in _LEARNS


def registry() -> Mapping[str, tuple[type[SpecBase], Compiler]]:
    from grader.checkers import load_all

    load_all()
    return _REGISTRY


Loc = tuple[str | int, ...]


class SpecError(ValueError):
    """A checker's parameters are wrong. ``loc`` is relative to the check; ``others`` are
    further (reason, loc) problems of the same check, so that all of them are reported at once."""

    def __init__(self, reason: str, loc: tuple[str | int, ...] = (), others: tuple[tuple[str, Loc], ...] = ()) -> None:
        self.reason = reason
        self.loc = loc
        self.others = others
        super().__init__(reason)

    def all(self) -> list[tuple[str, Loc]]:
        return [(self.reason, self.loc), *self.others]


def _validation_errors(exc: Any, loc: Loc) -> list[tuple[str, Loc]]:
    """One (reason, loc) per wrong field of a check: its first error (a union tries every member)."""
    out: dict[Loc, str] = {}
    branch: dict[tuple[Any, ...], str] = {}
    for err in exc.errors():
        # a union's errors name the member tried ("tuple[...]", "literal[...]"): not a field of the rubric,
        # and only the first member's errors are reported (as if the rubric meant that one)
        raw = err["loc"]
        marks = [i for i, p in enumerate(raw) if isinstance(p, str) and "[" in p]
        if marks and branch.setdefault(tuple(raw[: marks[0]]), raw[marks[0]]) != raw[marks[0]]:
            continue
        where = tuple(p for p in raw if not (isinstance(p, str) and "[" in p))
        out.setdefault((*loc, *where), err["msg"].removeprefix("Value error, "))
    return [(reason, at) for at, reason in out.items()]


def _spec_class(raw: Any, loc: Loc) -> tuple[type[SpecBase], Callable[..., Checker]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise SpecError("a check is a mapping with a 'type'", loc)
    from grader.checkers import KINDS, load_kind

    kind = raw["type"]
    if kind not in _REGISTRY and not load_kind(kind):
        raise SpecError(f"unknown check type {kind!r}; known: {', '.join(sorted(KINDS))}", (*loc, "type"))
    return _REGISTRY[kind]


def spec_errors(raw: Any, loc: Loc = ()) -> list[tuple[str, Loc]]:
    """Every problem of a ``check:`` mapping and of the checks nested in it, without compiling anything:
    what a rubric that fails validation elsewhere still gets told about its checks."""
    from pydantic import ValidationError

    try:
        spec_cls, _ = _spec_class(raw, loc)
    except SpecError as exc:
        return exc.all()
    errors: list[tuple[str, Loc]] = []
    try:
        spec_cls.model_validate(raw)
    except ValidationError as exc:
        errors.extend(_validation_errors(exc, loc))
    for key, value in raw.items():
        nested = [(i, v) for i, v in enumerate(value)] if isinstance(value, list) else [(None, value)]
        for i, inner in nested:
            if isinstance(inner, dict) and "type" in inner:
                errors.extend(spec_errors(inner, (*loc, key) if i is None else (*loc, key, i)))
    return list(dict.fromkeys(errors))


def compile_check(raw: Any, ctx: CompileContext, loc: tuple[str | int, ...] = ()) -> Checker:
    """Validate a ``check:`` mapping with its kind's Spec and compile it.

    Errors come out as SpecError with ``loc`` pointing inside the check, so
    nested checks (``any``/``all``/``not``/``elements``) report their own path;
    every wrong field of the check is in it.
    """
    from pydantic import ValidationError

    spec_cls, compiler = _spec_class(raw, loc)
    try:
        spec = spec_cls.model_validate(raw)
    except ValidationError as exc:
        (reason, where), *others = _validation_errors(exc, loc)
        raise SpecError(reason, where, tuple(others)) from None
    try:
        return compiler(spec, ctx)
    except SpecError as exc:
        raise SpecError(exc.reason, (*loc, *exc.loc), tuple((r, (*loc, *at)) for r, at in exc.others)) from None
