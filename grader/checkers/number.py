"""Numbers with tolerances: "-0.03", "−.03", "-3e-2", "3/100", "s = 1.5".

Only ASCII digits are numbers (``float('١٢٣')`` is 123.0 in Python, which a
grader must not accept silently), ``1_000`` is not a number, NaN and
infinities never match, and a decimal comma is read only when the rubric says so.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, SpecError, register
from grader.checkers.concept import part_subjects
from grader.freetext.claims import phrases_of, token_at
from grader.rubric.numbers import WHOLE, Tolerance, key_value

MAX_DIGITS = 40
_NUM = r"[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,3})?"
_NUM_DC = r"[-+]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)?(?:,[0-9]+)?(?:[eE][-+]?[0-9]{1,3})?"
_POW10 = re.compile(r"\s*(?:[x×*·]|\\times|\\cdot)\s*10\s*\^\s*\{?\s*([-+]?[0-9]{1,3})\s*\}?")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{\s*([^{}]+?)\s*\}\s*\{\s*([^{}]+?)\s*\}")


def _finder(decimal_comma: bool) -> re.Pattern[str]:
    num = _NUM_DC if decimal_comma else _NUM
    # a number not glued to Latin letters, digits or underscores (so "x2", "1_000", "v3" are not read);
    # Korean counters and particles may follow it ("45개", "0.5이고")
    return re.compile(rf"(?<![A-Za-z0-9_.])({num})(?:\s*/\s*({num}))?(?![A-Za-z0-9_])")


def _clean(text: str) -> str:
    text = text.replace("−", "-").replace("–", "-").replace("\u00a0", " ")
    text = _LATEX_FRAC.sub(r"\1/\2", text)
    return text.replace("$", " ").replace("\\,", "").replace("{,}", ",")


def _to_fraction(token: str, decimal_comma: bool) -> Fraction | None:
    if not token or not any(ch.isdigit() for ch in token):
        return None
    digits = token.replace(".", "").replace(",", ".") if decimal_comma else token.replace(",", "")
    mantissa = digits.lower().split("e")[0]
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        return None
    try:
        return Fraction(digits)
    except (ValueError, ZeroDivisionError):
        return None


def _is_integer(token: str) -> bool:
    return token.lstrip("+-").isdigit()


def read_numbers(answer: str, *, decimal_comma: bool = False) -> list[tuple[Fraction, str, int]]:
    """Every number in the answer as (value, text, position), in order."""
    text = _clean(answer)
    out = []
    consumed = 0
    for m in _finder(decimal_comma).finditer(text):
        if m.start() < consumed:  # the "10" and "-2" of "3 × 10^-2"
            continue
        value = _to_fraction(m.group(1), decimal_comma)
        if value is None:
            continue
        if m.group(2) and not (_is_integer(m.group(1)) and _is_integer(m.group(2))):
            # "0.53/0.64" is two readings side by side, not a fraction
            out.append((value, m.group(1), m.start()))
            second = _to_fraction(m.group(2), decimal_comma)
            if second is not None:
                out.append((second, m.group(2), m.start(2)))
            consumed = m.end()
            continue
        if m.group(2):
            denom = _to_fraction(m.group(2), decimal_comma)
            if denom is None or denom == 0:
                continue
            value /= denom
        pow10 = _POW10.match(text, m.end())
        end = m.end()
        if pow10:
            value *= Fraction(10) ** int(pow10.group(1))
            end = pow10.end()
        consumed = end
        out.append((value, text[m.start() : end].strip(), m.start()))
    return out


def parse_value(raw: object) -> Fraction:
    """A rubric's key value: a number, or text with exactly one number in it ("3/100", "3·10^-2"), in range."""
    if isinstance(raw, str):
        found = read_numbers(raw)
        if len(found) != 1:
            raise ValueError(f"not a number: {raw[:40]!r}")
        raw = found[0][0]
    return key_value(raw)


class NumberSpec(SpecBase):
    type: Literal["number"]
    value: float | int | str
    also: list[float | int | str] = Field(default_factory=list)
    abs_tol: Tolerance | None = None
    rel_tol: Tolerance | None = None
    sig_figs: Annotated[int, Field(ge=1, le=15), WHOLE] | None = None
    pick: Literal["last", "first", "any", "only"] = "last"
    name: str | None = None
    decimal_comma: bool = False
    # "25%" (and 25 where the key is 0.25) read as a share
    percent: bool = False
    # the subject the number must be given for ("MLP", "다층"), when the answer reports several
    about: list[str] = Field(default_factory=list)

    @field_validator("value", "also", mode="before")
    @classmethod
    def _finite(cls, v: object) -> object:
        for x in v if isinstance(v, list) else [v]:
            parse_value(x)
        return v

    @model_validator(mode="after")
    def _one_tolerance_kind(self) -> NumberSpec:
        if self.sig_figs is not None and (self.abs_tol is not None or self.rel_tol is not None):
            raise ValueError("use either sig_figs or abs_tol/rel_tol")
        return self


def _exponent(value: Fraction) -> int:
    """floor(log10(|value|)) exactly, for any size (a float log overflows past 1e308)."""
    v = abs(value)
    exp = len(str(v.numerator)) - len(str(v.denominator))
    while Fraction(10) ** exp > v:
        exp -= 1
    while Fraction(10) ** (exp + 1) <= v:
        exp += 1
    return exp


def round_sig(value: Fraction, figs: int) -> Fraction:
    if value == 0:
        return value
    exp = _exponent(value)
    scale = Fraction(10) ** (figs - 1 - exp)
    return Fraction(round(value * scale)) / scale


def _decimals(text: str) -> int:
    mantissa = text.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def _repeating(value: Fraction) -> bool:
    """A fraction whose decimal expansion never ends (1/3, 2/7): students round it."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d != 1


def close(got: Fraction, want: Fraction, spec: NumberSpec, text: str = "") -> bool:
    if spec.sig_figs is not None:
        return round_sig(got, spec.sig_figs) == round_sig(want, spec.sig_figs)
    if spec.abs_tol is None and spec.rel_tol is None:
        if abs(got - want) <= abs(want) * Fraction(1, 10**9):
            return True
        # a key like 1/3 written as a decimal: rounded or cut after two or more significant digits
        places = _decimals(text)
        if _repeating(want) and places and round_sig(want, 2) != 0:
            significant = places + _exponent(want) + 1
            scaled, q = want * 10**places, Fraction(10**places)
            written = {Fraction(round(scaled)) / q, Fraction(math.trunc(scaled)) / q}  # rounded or cut
            return significant >= 2 and got in written
        return False
    bound = max(Fraction(str(spec.abs_tol or 0)), Fraction(str(spec.rel_tol or 0)) * abs(want))
    return abs(got - want) <= bound


@register("number", NumberSpec)
def compile_number(spec: NumberSpec, ctx: CompileContext) -> Checker:
    try:
        keys = [parse_value(spec.value), *(parse_value(a) for a in spec.also)]
    except ValueError as exc:
        raise SpecError(str(exc), ("value",)) from None
    named = re.compile(rf"(?<![\w]){re.escape(spec.name)}\s*(?:=|:|≈|is)\s*", re.I) if spec.name else None

    def pick(answer: str) -> list[tuple[Fraction, str, int]] | None:
        found = read_numbers(answer, decimal_comma=spec.decimal_comma)
        if named:
            spots = [m.end() for m in named.finditer(_clean(answer))]
            after = [n for n in found if spots and n[2] >= spots[-1]]
            if after:
                return [after[0]]
        if not found:
            return None
        if spec.pick == "only":
            return found if len(found) == 1 else []
        if spec.pick == "first":
            return [found[0]]
        if spec.pick == "last":
            return [found[-1]]
        return found

    subjects = part_subjects(ctx) if spec.about else None
    own = subjects.add(phrases_of(spec.about)) if subjects is not None else None

    def about_own(answer: str, found: list[tuple[Fraction, str, int]]) -> list[tuple[Fraction, str, int]]:
        """The numbers given for this item's subject (all of them when the answer names no subject)."""
        if subjects is None:
            return found
        cleaned = _clean(answer)  # the text the numbers' positions refer to
        owner = subjects.owner(cleaned)
        return [n for n in found if owner(token_at(cleaned, n[2]), token_at(cleaned, n[2])) in (None, own)]

    def matches(value: Fraction, text: str) -> bool:
        if any(close(value, key, spec, text) for key in keys):
            return True
        if spec.percent:
            share = value / 100
            return any(close(share, key, spec, "") for key in keys if 0 < abs(key) <= 1)
        return False

    def check(answer: str) -> Match:
        candidates = pick(answer)
        if candidates is None:
            return Match(
                False,
                message="Could not find a number in the answer.",
                doubts=(Doubt("unread", "no number found in the answer"),),
            )
        own_candidates = about_own(answer, candidates)
        for value, text, _ in own_candidates:
            if matches(value, text):
                return Match.yes(text)
        doubts: tuple[Doubt, ...] = ()
        if len(own_candidates) < len(candidates) and any(matches(v, t) for v, t, _ in candidates):
            doubts = (Doubt("off_subject", "the right number is given, but for another subject"),)
        shown = ", ".join(t for _, t, _ in candidates[:3])
        return Match(False, evidence=(f"read {shown}",) if shown else (), doubts=doubts)

    return check
