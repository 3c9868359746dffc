"""The Maxima functions STACK answers use, read as what they mean, never run.

Only in the Maxima dialect. Functions that change an expression's form but not its value
(``ratsimp``, ``expand``, ``ev(.., simp)``, display wrappers such as ``displaydp``) are their
argument; ``stackunits(9.81, m/s^2)`` is the product; ``ntuple(1, 2)`` a tuple; ``diff`` a
derivative built on the tree (:mod:`grader.mathexpr.calculus`); ``round`` and
``significantfigures`` numeric functions. Anything else is an unknown function, an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from grader.mathexpr.calculus import derivative, substitute
from grader.mathexpr.names import FunctionDef
from grader.mathexpr.tree import MathError, Node

# the value of the first argument; later arguments are settings (simp, nouns) or display options
VALUE_KEEPING = frozenset({
    "ev", "ratsimp", "fullratsimp", "expand", "factor", "radcan", "rat", "rectform", "polarform", "trigrat",
    "trigeval", "trigsimp", "trigexpand", "trigreduce", "logcontract", "logexpand", "stackeq", "displaydp",
    "dispdp", "remove_numerical_inert", "scientific_notation", "boolean_form", "stack_single_variable_solver",
    "nounify", "verbify", "float", "bfloat", "simplify",
})  # fmt: skip
REWRITTEN = VALUE_KEEPING | {"ntuple", "stackunits", "diff", "noundiff", "displaysci", "exdowncase", "sum", "product"}
NUMERIC = {"round": (1, 1), "significantfigures": (2, 2)}
FUNCTIONS = REWRITTEN | set(NUMERIC)


def rewrite(name: str, args: list[Node], functions: Mapping[str, FunctionDef], col: int) -> Node | None:
    """The tree a Maxima call stands for, or None when ``name`` is an ordinary function."""
    if name == "ev":
        return _ev(args, col)
    if name in VALUE_KEEPING:
        return args[0]
    if name == "ntuple":
        return Node("tuple", tuple(args), None, col)
    if name == "stackunits":
        _count(name, args, 2, col)
        return Node("mul", tuple(args), None, col)
    if name == "displaysci":  # displaysci(1.5, 2, 3) is 1.5 * 10^3
        _count(name, args, 3, col)
        return Node("mul", (args[0], Node("pow", (Node("num", (), Fraction(10)), args[2]))), None, col)
    if name == "exdowncase":
        return _lower(args[0])
    if name in ("diff", "noundiff"):
        return _diff(args, functions, col)
    if name in ("sum", "product"):  # sum(k^2, k, 1, n)
        if len(args) != 4 or args[1].op != "sym":
            raise MathError(f"{name} takes an expression, its index and two bounds", col)
        from grader.mathexpr.parse import big

        return big("sum" if name == "sum" else "prod", args[0], str(args[1].val), args[2], args[3], col)
    return None


def _ev(args: list[Node], col: int) -> Node:
    """``ev(e, simp, nouns, radexpand:all)`` is e; ``ev(e, a = 1)`` is e with a replaced by 1."""
    values = {}
    for setting in args[1:]:
        if setting.op == "rel" and setting.val == ("=",) and setting.args[0].op == "sym":
            values[str(setting.args[0].val)] = setting.args[1]
        elif (setting.op == "rel" and setting.val == (":",)) or setting.op == "sym":
            continue  # simp, nouns, radexpand:all: how Maxima simplifies, not what the value is
        else:
            raise MathError("ev takes an expression, settings and substitutions", col)
    return substitute(args[0], values) if values else args[0]


def _count(name: str, args: list[Node], n: int, col: int) -> None:
    if len(args) != n:
        raise MathError(f"{name} takes {n} arguments", col)


def _lower(node: Node) -> Node:
    if node.op == "sym":
        return Node("sym", (), str(node.val).lower(), node.col)
    return Node(node.op, tuple(_lower(a) for a in node.args), node.val, node.col)


def _diff(args: list[Node], functions: Mapping[str, FunctionDef], col: int) -> Node:
    """``diff(f, x)``, ``diff(f, x, n)``."""
    if len(args) not in (2, 3) or args[1].op != "sym":
        raise MathError("diff takes an expression, a variable and optionally an order", col)
    order = 1
    if len(args) == 3:
        if args[2].op != "num" or args[2].val.denominator != 1:
            raise MathError("the order of a derivative must be a whole number", col)
        order = int(args[2].val)
    return derivative(args[0], str(args[1].val), functions, order)
