"""Every number in a rubric, read with one bounded grammar and checked against its field's range.

A rubric number arrives as a YAML number or as a quoted string, and the
unbounded readers turn either into trouble: ``Fraction("1e3000000")`` is a
three-million-digit integer that later arithmetic chews on for minutes,
``float("1e400")`` is ``inf``, and a 4,301-digit literal trips Python's
integer-conversion limit. Here a number is at most :data:`MAX_DIGITS`
digits with an exponent of at most three digits, or a fraction of two
integers of at most nine digits; its field's range is checked before anything
computes with it, and error messages never echo the literal.

The ranges keep every stored total inside the service's numeric column
(10 digits, 4 after the point): at most :data:`MAX_PART_POINTS` points per
part and :data:`MAX_PARTS` parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

MAX_DIGITS = 15
MAX_PARTS = 200
MAX_PART_POINTS = 1000
MAX_RUBRIC_POINTS = MAX_PARTS * MAX_PART_POINTS
MAX_MAGNITUDE = Fraction(10) ** 300  # of a key value or a tolerance: inside the range of a float
MAX_COUNT = 1000  # of counts such as min_hits or first_n

_DECIMAL = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?$")
_FRACTION = re.compile(r"^[-+]?[0-9]{1,9}/[0-9]{1,9}$")
_NUMBER_LIKE = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


def _digits(text: str) -> int:
    mantissa = text.lower().split("e")[0]
    return sum(ch.isdigit() for ch in mantissa.lstrip("+-").lstrip("0.")) or 1


def read_number(value: Any) -> Fraction:
    """An exact Fraction from an int, a finite float or a string of the bounded grammar; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, int):
        if not -(10**MAX_DIGITS) < value < 10**MAX_DIGITS:
            raise ValueError(f"a number has at most {MAX_DIGITS} digits")
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number: out of range")
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 40 and _FRACTION.match(text):
            numerator, denominator = text.split("/")
            if int(denominator) == 0:
                raise ValueError("a fraction's denominator must not be 0")
            return Fraction(int(numerator), int(denominator))
        if len(text) <= 40 and _DECIMAL.match(text) and _digits(text) <= MAX_DIGITS:
            return Fraction(text)
        if _NUMBER_LIKE.match(text):
            raise ValueError(f"number out of range: at most {MAX_DIGITS} digits and a three-digit exponent")
        raise ValueError("not a number")
    raise ValueError(f"must be a number, got {type(value).__name__}")


def in_range(value: Fraction, low: Fraction | int, high: Fraction | int) -> Fraction:
    """``value`` when ``low <= value <= high``; ValueError naming the range (never the value) otherwise."""
    if not low <= value <= high:
        raise ValueError(f"out of range: must be between {_show(low)} and {_show(high)}")
    return value


def _show(bound: Fraction | int) -> str:
    if bound == MAX_MAGNITUDE or bound == -MAX_MAGNITUDE:
        return "-1e300" if bound < 0 else "1e300"
    value = Fraction(bound)
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def key_value(value: Any) -> Fraction:
    """A value a student's number is compared with: 0, or a magnitude within [1e-300, 1e300]."""
    number = value if isinstance(value, Fraction) else read_number(value)
    if number and not (1 / MAX_MAGNITUDE <= abs(number) <= MAX_MAGNITUDE):
        raise ValueError("out of range: a value's magnitude must be between 1e-300 and 1e300")
    return number


def _between(low: Fraction | int, high: Fraction | int) -> Callable[[Any], Fraction]:
    return lambda value: in_range(read_number(value), low, high)


def _part_max(value: Any) -> Fraction:
    number = read_number(value)
    if number <= 0:
        raise ValueError("max must be positive, in steps of 0.5")
    return in_range(number, 0, MAX_PART_POINTS)


def _finite(value: Any) -> float:
    return float(in_range(read_number(value), -MAX_MAGNITUDE, MAX_MAGNITUDE))


def _whole(value: Any) -> int:
    number = read_number(value)
    if number.denominator != 1:
        raise ValueError("must be a whole number")
    return int(number)


# Validators for a field's own types: ``Annotated[float, Field(gt=0, lt=1), FINITE]``.
FINITE = BeforeValidator(_finite)  # a float read with the bounded grammar, |x| <= 1e300 ("1e400", "inf": errors)
WHOLE = BeforeValidator(_whole)  # an int read with the bounded grammar

# The field types the rubric model and the checkers' specs use.
Points = Annotated[Fraction, BeforeValidator(_between(-MAX_PART_POINTS, MAX_PART_POINTS))]
PartPoints = Annotated[Fraction, BeforeValidator(_between(0, MAX_PART_POINTS))]
PartMax = Annotated[Fraction, BeforeValidator(_part_max)]
TotalPoints = Annotated[Fraction, BeforeValidator(_between(0, MAX_RUBRIC_POINTS))]
Factor = Annotated[Fraction, BeforeValidator(_between(0, 1))]
Real = Annotated[float, FINITE]
Tolerance = Annotated[float, Field(ge=0), FINITE]
Count = Annotated[int, Field(ge=1, le=MAX_COUNT), WHOLE]  # min_hits, first_n, min_count

__all__ = [
    "FINITE",
    "MAX_COUNT",
    "MAX_DIGITS",
    "MAX_MAGNITUDE",
    "MAX_PARTS",
    "MAX_PART_POINTS",
    "MAX_RUBRIC_POINTS",
    "WHOLE",
    "Count",
    "Factor",
    "PartMax",
    "PartPoints",
    "Points",
    "Real",
    "Tolerance",
    "TotalPoints",
    "in_range",
    "key_value",
    "read_number",
]
