"""Quantities with units: ``4.7 \\mu\\mathrm{F}``, ``9.81 m/s^2``, ``30\\,\\mathrm{km/h}``.

Read only when a rubric item names the key's unit. Unit names are resolved by pint (its
registry of SI and common units, exact factors as fractions); the reader makes a unit a
``unit`` node only when the name is not one of the rubric's variables. A quantity is its
value times units written after it; it is compared in SI base units, after checking that the
dimensions agree. pint is imported the first time a rubric uses units.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from grader.mathexpr.tree import MathError, Node

MAX_UNIT_TEXT = 60


@dataclass(frozen=True)
class Unit:
    text: str  # as pint reads it, for messages
    factor: Fraction  # one of this unit in SI base units
    dimensions: frozenset[tuple[str, Fraction]]

    def same_dimension(self, other: Unit) -> bool:
        return self.dimensions == other.dimensions


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    return pint.UnitRegistry(non_int_type=Fraction, cache_folder=None)


@lru_cache(maxsize=2048)
def unit_of(text: str) -> Unit | None:
    """The unit a name or product of names denotes (``km``, ``uF``, ``m*s**-2``), or None."""
    if not text or len(text) > MAX_UNIT_TEXT or not all(c.isalnum() or c in "*/_- " for c in text):
        return None
    try:
        ureg = _registry()
        quantity = ureg.Quantity(Fraction(1), ureg.parse_units(text)).to_base_units()
    except Exception:
        return None
    factor = quantity.magnitude
    if not isinstance(factor, Fraction | int):
        return None
    dims = frozenset((str(k), Fraction(v)) for k, v in dict(quantity.dimensionality).items())
    return Unit(text, Fraction(factor), dims)


# Units read without a rubric asking for them (upright letters in LaTeX): common ones only, so
# that reading an answer never waits for pint to load.
COMMON = frozenset(
    [
        "m",
        "cm",
        "mm",
        "km",
        "um",
        "nm",
        "s",
        "ms",
        "us",
        "ns",
        "min",
        "h",
        "hr",
        "hour",
        "hours",
        "g",
        "kg",
        "mg",
        "t",
        "N",
        "kN",
        "J",
        "kJ",
        "W",
        "kW",
        "MW",
        "V",
        "mV",
        "kV",
        "A",
        "mA",
        "Pa",
        "kPa",
        "MPa",
        "Hz",
        "kHz",
        "MHz",
        "GHz",
        "L",
        "mL",
        "l",
        "ml",
        "K",
        "mol",
        "eV",
        "keV",
        "MeV",
        "rad",
        "sr",
        "C",
        "F",
        "uF",
        "nF",
        "pF",
        "H",
        "T",
        "lm",
        "lx",
        "cd",
        "dB",
        "Wh",
        "kWh",
        "bar",
        "atm",
        "meter",
        "meters",
        "metre",
        "metres",
        "second",
        "seconds",
        "gram",
        "grams",
        "kilogram",
        "kilograms",
        "liter",
        "liters",
        "litre",
        "litres",
        "newton",
        "newtons",
        "joule",
        "joules",
        "watt",
        "watts",
        "volt",
        "volts",
        "ampere",
        "amperes",
        "hertz",
        "pascal",
        "pascals",
        "kelvin",
        "minute",
        "minutes",
        "day",
        "days",
        "cm2",
        "m2",
        "m3",
    ]
)


def is_unit_name(name: str, common_only: bool = False) -> bool:
    """A unit pint knows; with ``common_only``, one of COMMON, without loading pint."""
    if common_only:
        return name in COMMON
    return name.replace("_", "").isalpha() and unit_of(name) is not None


DIMENSIONLESS = Unit("", Fraction(1), frozenset())


def split_quantity(node: Node) -> tuple[Node, Unit | None]:
    """(value, unit) of a quantity: the units are the factors written after the value."""
    if not any(n.op == "unit" for n in node.walk()):
        return node, None
    value, units = _parts(node)
    text = " * ".join(_unit_text(f, e) for f, e in units)
    unit = unit_of(text)
    if unit is None:
        raise MathError(f"unknown unit {text}", node.col)
    return value, unit


def strip_units(node: Node) -> Node:
    """The value of a quantity, its units dropped (a key without a unit compares values only)."""
    if not any(n.op == "unit" for n in node.walk()):
        return node
    return _parts(node)[0]


def _parts(node: Node) -> tuple[Node, list[tuple[Node, int]]]:
    factors: list[tuple[Node, int]] = []
    _factors(node, 1, factors)
    value = [(f, e) for f, e in factors if not _is_unit(f)]
    units = [(f, e) for f, e in factors if _is_unit(f)]
    if any(n.op == "unit" for f, _ in value for n in f.walk()):
        raise MathError("units must follow the value (9.81 m/s^2)", node.col)
    return _product(value, node.col), units


def in_base_units(value: Node, unit: Unit) -> Node:
    factor = Node("num", (), unit.factor, value.col)
    return value if unit.factor == 1 else Node("mul", (value, factor), None, value.col)


def _factors(node: Node, sign: int, out: list[tuple[Node, int]]) -> None:
    if node.op == "mul":
        for a in node.args:
            _factors(a, sign, out)
    elif node.op == "div":
        _factors(node.args[0], sign, out)
        _factors(node.args[1], -sign, out)
    else:
        out.append((node, sign))


def _is_unit(node: Node) -> bool:
    if node.op == "unit":
        return True
    return node.op == "pow" and node.args[0].op == "unit" and node.args[1].op in ("num", "neg")


ALIASES = {"h": "hour"}  # what a unit symbol means in teaching, where pint reads another constant


def _unit_text(node: Node, sign: int) -> str:
    if node.op == "unit":
        name = ALIASES.get(str(node.val), str(node.val))
        return name if sign > 0 else f"{name}**-1"
    base, exponent = node.args
    e = exponent.val if exponent.op == "num" else -exponent.args[0].val
    if not isinstance(e, Fraction) or e.denominator != 1:
        raise MathError("a unit's power must be a whole number", node.col)
    return f"{ALIASES.get(str(base.val), str(base.val))}**{int(e) * sign}"


def _product(factors: list[tuple[Node, int]], col: int) -> Node:
    top = [f for f, e in factors if e > 0]
    bottom = [f for f, e in factors if e < 0]
    numerator = Node("num", (), Fraction(1), col) if not top else top[0] if len(top) == 1 else Node("mul", tuple(top))
    if not bottom:
        return numerator
    denominator = bottom[0] if len(bottom) == 1 else Node("mul", tuple(bottom))
    return Node("div", (numerator, denominator), None, col)
