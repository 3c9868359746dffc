"""Points at the database boundary: the engine's exact Fractions into Decimal columns.

(The other boundary, numbers in JSON, is the engine's ``grader.points_json``.)
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

QUANTUM = Decimal("0.0001")  # the columns' decimal places (models.POINTS)


def to_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(QUANTUM)
