"""Exact point arithmetic.

Rubric points are halves, quarters after a 50 % multiplier, and sums of these.
Floats drift (0.1 + 0.2), so every score is a ``Fraction`` until it is printed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

Points = Fraction

ZERO = Fraction(0)
STEP = Fraction(1, 2)


def is_half_step(value: Fraction) -> bool:
    return (value / STEP).denominator == 1


def clamp(value: Fraction, low: Fraction, high: Fraction) -> Fraction:
    return max(low, min(high, value))


def points_json(value: Fraction | Decimal | int) -> int | float:
    """Points in JSON, from the engine (Fraction) or a database (Decimal): an int when whole, else a float.

    Rubric points are halves and quarters, exact in binary, so the float loses nothing.
    """
    exact = Fraction(value)
    if exact.denominator == 1:
        return int(exact)
    return float(exact)
