"""Which names a math answer may use, and what each one means.

The allow-list is the security boundary: an identifier becomes a variable, a
constant or a call of a function from these tables, or it is an error. Nothing
is ever looked up in Python's or SymPy's namespace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from grader.mathexpr.tree import Node

# canonical name -> (min args, max args)
BUILTINS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(
        [
            "sqrt",
            "cbrt",
            "exp",
            "ln",
            "sin",
            "cos",
            "tan",
            "cot",
            "sec",
            "csc",
            "asin",
            "acos",
            "atan",
            "acot",
            "asec",
            "acsc",
            "sinh",
            "cosh",
            "tanh",
            "coth",
            "sech",
            "csch",
            "asinh",
            "acosh",
            "atanh",
            "acoth",
            "abs",
            "sign",
            "floor",
            "ceil",
            "factorial",
            "relu",
            "sigmoid",
            "log10",
            "log2",
            "transpose",
            "det",
            "trace",
            "inverse",
            "round",
        ],
        (1, 1),
    ),
    "significantfigures": (2, 2),
    "log": (1, 2),  # log(x, base), natural by default
    "lg": (1, 2),  # Maxima: base 10, or lg(x, base)
    "root": (1, 2),  # Maxima: root(x) = sqrt(x), root(x, n) = x^(1/n)
    "atan2": (2, 2),
    "binomial": (2, 2),
    "max": (1, 50),
    "min": (1, 50),
}
ALIASES = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arccot": "acot", "arcsec": "asec",
    "arccsc": "acsc", "arsinh": "asinh", "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh",
    "artanh": "atanh", "arctanh": "atanh", "arcoth": "acoth", "arccoth": "acoth", "cosec": "csc",
    "cosech": "csch", "sgn": "sign", "signum": "sign", "ceiling": "ceil", "arctan2": "atan2",
    "cot": "cot", "ctg": "cot", "tg": "tan", "binom": "binomial", "tr": "trace", "inv": "inverse",
    "determinant": "det", "invert": "inverse",
}  # fmt: skip
INVERSE = {
    "sin": "asin", "cos": "acos", "tan": "atan", "cot": "acot", "sec": "asec", "csc": "acsc",
    "sinh": "asinh", "cosh": "acosh", "tanh": "atanh", "coth": "acoth",
}  # fmt: skip

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]
GREEK_SET = frozenset(GREEK) | {"pi", "Pi"}
VARIANTS = {"varepsilon": "epsilon", "varphi": "phi", "vartheta": "theta", "varsigma": "sigma", "varrho": "rho"}
UNICODE_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "µ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip

# A "simple" symbol: a letter or Greek name, digits, and an optional subscript.
_SIMPLE = re.compile(r"(?:[A-Za-z]|" + "|".join(sorted(GREEK_SET, key=len, reverse=True)) + r")\d*(?:_.+)?")
# Letters that read as functions when applied, in the open (no rubric) mode.
OPEN_FUNCTION_LETTERS = frozenset("fghFGH")


@dataclass(frozen=True)
class FunctionDef:
    """A rubric-defined function: ``body`` is substituted; None means uninterpreted."""

    args: tuple[str, ...]
    body: Node | None = None


@dataclass(frozen=True)
class Scope:
    """What names mean for one check.

    ``open``: no rubric context (the equiv CLI): any simple symbol is allowed.
    ``dialect``: "plain", "latex" or "maxima" (``%pi``, ``#`` for not-equal,
    no implicit multiplication, and every single-letter call is a function).
    ``imaginary``: names that denote sqrt(-1).
    """

    variables: frozenset[str] = frozenset()
    functions: Mapping[str, FunctionDef] = field(default_factory=dict)
    open: bool = False
    dialect: str = "plain"
    imaginary: frozenset[str] = frozenset()
    units: str = ""  # "all": unit names (cm, kg, \\mu F) are units; "upright": only in \\mathrm{} or \\text{}

    def with_dialect(self, dialect: str) -> Scope:
        return Scope(self.variables, self.functions, self.open, dialect, self.imaginary, self.units)

    def symbol_allowed(self, name: str) -> bool:
        # Maxima needs explicit "*", so a long name there is one symbol, not a typo of a product.
        return name in self.variables or (self.open and (is_simple(name) or self.dialect == "maxima"))


def is_simple(name: str) -> bool:
    return bool(_SIMPLE.fullmatch(name))


def builtin(name: str) -> str | None:
    """The canonical builtin function a name denotes (case-insensitive), if any."""
    for cand in (name, name.lower()):
        cand = ALIASES.get(cand, cand)
        if cand in BUILTINS:
            return cand
    return None


def canonical_name(name: str) -> str:
    """Unicode Greek and LaTeX variants to ASCII names: ``σ`` and ``\\varsigma`` are ``sigma``."""
    name = "".join(UNICODE_GREEK.get(ch, ch) for ch in name)
    return VARIANTS.get(name, name)
