"""Derivatives on the tree, by the rules of calculus (never by SymPy on student text).

``diff(x^2, x)``, ``\\frac{d}{dx}``, ``f'(x)``: the derivative is built as a new tree and then
compared like any other expression. A rubric function with a body is differentiated through
its body; an unknown function ``f`` has the unknown derivative ``f'`` (a function of its own,
so ``(f(x)^2)'`` is ``2 f(x) f'(x)`` and nothing more).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from grader.mathexpr.names import FunctionDef
from grader.mathexpr.tree import MathError, Node, check_built, free_symbols

MAX_ORDER = 5


def _n(v: int | Fraction) -> Node:
    return Node("num", (), Fraction(v))


ZERO, ONE, TWO = _n(0), _n(1), _n(2)


def _call(name: str, *args: Node) -> Node:
    return Node("call", tuple(args), name)


def _mul(*factors: Node) -> Node:
    return Node("mul", tuple(factors))


def _div(a: Node, b: Node) -> Node:
    return Node("div", (a, b))


def _pow(a: Node, b: Node) -> Node:
    return Node("pow", (a, b))


def _neg(a: Node) -> Node:
    return Node("neg", (a,))


def _sub(a: Node, b: Node) -> Node:
    return Node("add", (a, _neg(b)))


# d/du f(u) for the builtins of one argument
_RULES = {
    "sin": lambda u: _call("cos", u),
    "cos": lambda u: _neg(_call("sin", u)),
    "tan": lambda u: _pow(_call("sec", u), TWO),
    "cot": lambda u: _neg(_pow(_call("csc", u), TWO)),
    "sec": lambda u: _mul(_call("sec", u), _call("tan", u)),
    "csc": lambda u: _neg(_mul(_call("csc", u), _call("cot", u))),
    "exp": lambda u: _call("exp", u),
    "ln": lambda u: _div(ONE, u),
    "log": lambda u: _div(ONE, u),
    "log10": lambda u: _div(ONE, _mul(u, _call("ln", _n(10)))),
    "log2": lambda u: _div(ONE, _mul(u, _call("ln", TWO))),
    "sqrt": lambda u: _div(ONE, _mul(TWO, _call("sqrt", u))),
    "cbrt": lambda u: _div(ONE, _mul(_n(3), _pow(_call("cbrt", u), TWO))),
    "asin": lambda u: _div(ONE, _call("sqrt", _sub(ONE, _pow(u, TWO)))),
    "acos": lambda u: _neg(_div(ONE, _call("sqrt", _sub(ONE, _pow(u, TWO))))),
    "atan": lambda u: _div(ONE, Node("add", (ONE, _pow(u, TWO)))),
    "acot": lambda u: _neg(_div(ONE, Node("add", (ONE, _pow(u, TWO))))),
    "sinh": lambda u: _call("cosh", u),
    "cosh": lambda u: _call("sinh", u),
    "tanh": lambda u: _sub(ONE, _pow(_call("tanh", u), TWO)),
    "asinh": lambda u: _div(ONE, _call("sqrt", Node("add", (_pow(u, TWO), ONE)))),
    "acosh": lambda u: _div(ONE, _call("sqrt", _sub(_pow(u, TWO), ONE))),
    "atanh": lambda u: _div(ONE, _sub(ONE, _pow(u, TWO))),
    "sigmoid": lambda u: _mul(_call("sigmoid", u), _sub(ONE, _call("sigmoid", u))),
    "abs": lambda u: _call("sign", u),
    "relu": lambda u: _div(Node("add", (_call("sign", u), ONE)), TWO),
    "sign": lambda u: ZERO,
    "floor": lambda u: ZERO,
    "ceil": lambda u: ZERO,
    "degrees": lambda u: _div(Node("const", (), "pi"), _n(180)),
    "percent": lambda u: _div(ONE, _n(100)),
}


def prime_name(name: str, k: int, nargs: int) -> str:
    """The unknown derivative of an unknown function: ``f'``, ``f''``; ``g'2`` for the 2nd argument of g."""
    if name.endswith("'") or nargs == 1:
        return name + "'"
    return f"{name}'{k + 1}"


def derivative(node: Node, var: str, functions: Mapping[str, FunctionDef], order: int = 1) -> Node:
    if not 0 <= order <= MAX_ORDER:
        raise MathError(f"derivatives of order above {MAX_ORDER} are not supported", node.col)
    for _ in range(order):
        node = check_built(_d(node, var, functions), "the derivative")
    return node


def _d(node: Node, var: str, functions: Mapping[str, FunctionDef]) -> Node:
    if var not in free_symbols(node):
        return ZERO
    op, a = node.op, node.args
    if op == "sym":
        return ONE
    if op == "add":
        return Node("add", tuple(_d(x, var, functions) for x in a))
    if op == "neg":
        return _neg(_d(a[0], var, functions))
    if op == "mul":
        terms = []
        for i, x in enumerate(a):
            if var in free_symbols(x):
                terms.append(_mul(*a[:i], _d(x, var, functions), *a[i + 1 :]))
        return Node("add", tuple(terms))
    if op == "div":
        top, bottom = a
        return _div(
            _sub(_mul(_d(top, var, functions), bottom), _mul(top, _d(bottom, var, functions))), _pow(bottom, TWO)
        )
    if op == "pow":
        base, exponent = a
        if var not in free_symbols(exponent):
            return _mul(exponent, _pow(base, _sub(exponent, ONE)), _d(base, var, functions))
        log_base = _call("ln", base)
        inner = Node(
            "add", (_mul(_d(exponent, var, functions), log_base), _div(_mul(exponent, _d(base, var, functions)), base))
        )
        return _mul(node, inner)
    if op == "call":
        return _d_call(node, var, functions)
    fixed_bounds = var not in free_symbols(a[1]) | free_symbols(a[2]) if op == "sum" else False
    if fixed_bounds and var != node.val:  # the derivative of a sum is the sum of the derivatives
        return Node("sum", (_d(a[0], var, functions), a[1], a[2]), node.val, node.col)
    raise MathError(f"the derivative of {op} is not supported", node.col)


def _d_call(node: Node, var: str, functions: Mapping[str, FunctionDef]) -> Node:
    name, args = str(node.val), node.args
    fdef = functions.get(name)
    if fdef is not None and fdef.body is not None:
        return _d(substitute(fdef.body, dict(zip(fdef.args, args, strict=True))), var, functions)
    if fdef is None and name in _RULES and len(args) == 1:
        return _mul(_RULES[name](args[0]), _d(args[0], var, functions))
    if fdef is None and name in ("log", "lg") and len(args) == 2:
        return _d(_div(_call("ln", args[0]), _call("ln", args[1])), var, functions)
    if fdef is None and name in ("exp", "max", "min", "atan2", "binomial", "factorial", "root"):
        raise MathError(f"the derivative of {name} is not supported", node.col)
    terms = [
        _mul(_call(prime_name(name, k, len(args)), *args), _d(u, var, functions))
        for k, u in enumerate(args)
        if var in free_symbols(u)
    ]
    return Node("add", tuple(terms))


def substitute(node: Node, values: Mapping[str, Node]) -> Node:
    if node.op == "sym" and node.val in values:
        return values[node.val]
    if not node.args:
        return node
    return Node(node.op, tuple(substitute(a, values) for a in node.args), node.val, node.col)
