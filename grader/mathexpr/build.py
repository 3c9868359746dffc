"""Tree to SymPy, by constructors only (never ``sympify`` of text).

Used by the symbolic fallback inside the worker process. Trees have passed
:func:`grader.mathexpr.evaluate.check_sizes`, and operations are built with
``evaluate=False`` so building never computes anything large.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp

from grader.mathexpr.names import FunctionDef
from grader.mathexpr.tree import MathError, Node

_UNARY: dict[str, Callable[..., Any]] = {
    "exp": sp.exp, "ln": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec,
    "csc": sp.csc, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "acot": sp.acot, "asec": sp.asec,
    "acsc": sp.acsc, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth, "sech": sp.sech,
    "csch": sp.csch, "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh, "acoth": sp.acoth, "abs": sp.Abs,
    "sign": sp.sign, "floor": sp.floor, "ceil": sp.ceiling, "factorial": sp.factorial,
}  # fmt: skip


def _pow(a: Any, b: Any) -> Any:
    return sp.Pow(a, b, evaluate=False)


def _div(a: Any, b: Any) -> Any:
    return sp.Mul(a, _pow(b, -1), evaluate=False)


def _log(x: Any, base: Any = None) -> Any:
    return sp.log(x, evaluate=False) if base is None else _div(sp.log(x), sp.log(base))


_OTHER: dict[str, Callable[..., Any]] = {
    "sqrt": lambda x: _pow(x, sp.Rational(1, 2)),
    "cbrt": lambda x: _pow(x, sp.Rational(1, 3)),
    "root": lambda x, n=2: _pow(x, _pow(n, -1)),
    "log": _log,
    "lg": lambda x, b=10: _log(x, b),
    "log10": lambda x: _log(x, 10),
    "log2": lambda x: _log(x, 2),
    "relu": lambda x: sp.Max(0, x),
    "sigmoid": lambda x: _pow(sp.Add(1, sp.exp(-x), evaluate=False), -1),
    "max": lambda *a: sp.Max(*a),
    "min": lambda *a: sp.Min(*a),
    "atan2": sp.atan2,
    "binomial": sp.binomial,
    "degrees": lambda x: sp.Mul(x, sp.pi / 180, evaluate=False),
    "percent": lambda x: sp.Mul(x, sp.Rational(1, 100), evaluate=False),
}


def to_sympy(node: Node, functions: Mapping[str, FunctionDef], env: Mapping[str, Any] | None = None) -> Any:
    """``env`` binds the arguments while a rubric function's body is built."""
    op, args = node.op, node.args
    if op == "num":
        return sp.Rational(node.val.numerator, node.val.denominator)
    if op == "const":
        return {"pi": sp.pi, "e": sp.E, "i": sp.I}[str(node.val)]
    if op == "sym":
        name = str(node.val)
        return env[name] if env and name in env else sp.Symbol(name, real=True)
    parts = [to_sympy(a, functions, env) for a in args]
    if op == "add":
        return sp.Add(*parts, evaluate=False)
    if op == "mul":
        return sp.Mul(*parts, evaluate=False)
    if op == "div":
        return _div(*parts)
    if op == "neg":
        return sp.Mul(-1, parts[0], evaluate=False)
    if op == "pow":
        return _pow(*parts)
    if op == "fact":
        return sp.factorial(parts[0])
    if op in ("sum", "prod"):
        index = sp.Symbol(str(node.val), integer=True)
        body = to_sympy(node.args[0], functions, {**(env or {}), str(node.val): index})
        big = sp.Sum if op == "sum" else sp.Product
        return big(body, (index, parts[1], parts[2]))
    if op == "call":
        return _call(str(node.val), parts, functions)
    raise MathError(f"{op} cannot be built")


def _call(name: str, parts: list[Any], functions: Mapping[str, FunctionDef]) -> Any:
    fdef = functions.get(name)
    if fdef is not None and fdef.body is not None:
        return to_sympy(fdef.body, functions, dict(zip(fdef.args, parts, strict=True)))
    if fdef is None and name in _UNARY:
        return _UNARY[name](parts[0], evaluate=False)
    if fdef is None and name in _OTHER:
        return _OTHER[name](*parts)
    return sp.Function(name)(*parts)
