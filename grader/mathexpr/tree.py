"""The expression tree every front end produces and every back end consumes.

Student math is never handed to ``sympify``/``eval``: the plain-text and LaTeX
readers build these nodes from an allow-list, the size checks run on them, and
only then are they evaluated numerically or turned into SymPy objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# Bounds applied before anything is evaluated or built (RELIABILITY.md: huge
# numbers and deep input hang or crash SymPy).
MAX_CHARS = 2_000  # one expression
MAX_DEPTH = 100  # nested parentheses, unary signs, powers, calls
MAX_DIGITS = 50  # digits of one number literal
MAX_EXP10 = 300  # |n| in a literal like 3e-n
MAX_POWER = 100_000  # |exponent| when the exponent is a constant
MAX_FACTORIAL = 100  # largest constant factorial argument
MAX_ARGS = 50  # arguments of one call (max/min)
MAX_NODES = 20_000  # a tree built by the reader (matrix products, derivatives), counted as a tree

# Operators of Node.op:
#   num (val: Fraction)  sym (val: name)  const (val: "pi" | "e" | "i")
#   add  mul  div  neg  pow  fact  call (val: function name)  pm (a ± b)
#   rel (val: tuple of "=", "<", "<=", ">", ">=", "!="; args: the sides)
#   tuple (parenthesised, comma separated)  list [a, b]  set {a, b}
#   interval (val: (left closed, right closed); args: the two ends)  inf (val: +1 | -1, only as a bound)
#   and  or  not  xor  implies  xnor (logic)  truth (val: bool)  union  intersection  minus (sets)
#   matrix (val: (rows, columns); args: the entries row by row)  unit (val: a unit name, see units.py)
#   sum  prod (val: the index; args: body, lower bound, upper bound; the index is bound)
#   integral (val: the variable; args: the integrand): an indefinite integral, as a key


@dataclass(frozen=True, slots=True)
class Node:
    op: str
    args: tuple[Node, ...] = ()
    val: Any = None  # see the list of operators above
    col: int = 0  # 1-based column in the source text, for messages

    def walk(self) -> Iterator[Node]:
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.args)


_PREC = {
    "rel": 0,
    "tuple": 0,
    "list": 0,
    "set": 0,
    "interval": 0,
    "add": 1,
    "pm": 1,
    "mul": 2,
    "div": 2,
    "neg": 3,
    "pow": 4,
    "fact": 5,
}


def show(node: Node, outer: int = 0) -> str:
    """Plain-text rendering, for messages, evidence and debugging."""
    op, a = node.op, node.args
    if op == "num":
        v = node.val
        text = str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
        return f"({text})" if (v < 0 or v.denominator != 1) and outer > 1 else text
    if op in ("sym", "const", "unit"):
        return str(node.val)
    if op == "inf":
        return "inf" if node.val > 0 else "-inf"
    if op in ("list", "set", "interval"):
        left, right = ("[", "]") if op == "list" else ("{", "}") if op == "set" else ("([", ")]")
        if op == "interval":
            left, right = left[node.val[0]], right[node.val[1]]
        return left + ", ".join(show(x) for x in a) + right
    if op == "call":
        return f"{node.val}({', '.join(show(x) for x in a)})"
    if op == "matrix":
        rows, cols = node.val
        return "matrix(" + ", ".join("[" + ", ".join(show(x) for x in a[r * cols : (r + 1) * cols]) + "]"
                                     for r in range(rows)) + ")"  # fmt: skip
    if op == "truth":
        return "true" if node.val else "false"
    if op in BIG_OPS:
        return f"{op}({show(a[0])}, {node.val}, {show(a[1])}, {show(a[2])})"
    if op == "integral":
        return f"integral({show(a[0])}, {node.val})"
    if op in _WORDS:
        if op == "not":
            return f"not {show(a[0], 9)}"
        text = f" {_WORDS[op]} ".join(show(x, 9) for x in a)
        return f"({text})" if outer >= 9 else text
    prec = _PREC[op]
    if op == "add":
        text = show(a[0], 1) + "".join(_signed(x) for x in a[1:])
    elif op == "pm":
        text = f"{show(a[0], 1)} ± {show(a[1], 2)}"
    elif op == "mul":
        lead = a[0].op == "num" and a[0].val.denominator == 1
        text = "*".join(show(x, 1 if lead and i == 0 else 2) for i, x in enumerate(a))
    elif op == "div":
        text = f"{show(a[0], 2)}/{show(a[1], 3)}"
    elif op == "neg":
        text = f"-{show(a[0], 3)}"
    elif op == "pow":
        text = f"{show(a[0], 5)}^{show(a[1], 4)}"
    elif op == "fact":
        text = f"{show(a[0], 6)}!"
    elif op == "rel":
        parts = [show(a[0])]
        for rel, side in zip(node.val, a[1:], strict=True):
            parts += [rel, show(side)]
        text = " ".join(parts)
    else:
        text = "(" + ", ".join(show(x) for x in a) + ")"
    return f"({text})" if prec < outer or (prec == outer and op in ("pow", "div")) else text


_WORDS = {"and": "and", "or": "or", "not": "not", "xor": "xor", "implies": "implies", "xnor": "xnor",
          "union": "∪", "intersection": "∩", "minus": "∖"}  # fmt: skip


def _signed(term: Node) -> str:
    if term.op == "neg":
        return f" - {show(term.args[0], 2)}"
    if term.op == "num" and term.val < 0:
        return f" - {show(Node('num', (), -term.val), 2)}"
    return f" + {show(term, 1)}"


def num(value: Fraction | int, col: int = 0) -> Node:
    return Node("num", (), Fraction(value), col)


def tree_size(node: Node, limit: int = MAX_NODES) -> int:
    """Nodes of ``node`` counted as a tree (shared subtrees once per use), stopping past ``limit``.

    Built trees share subtrees, so their size as a tree - what evaluation walks - can be far
    larger than their memory: A^6 of a symbolic matrix, the fifth derivative of a product.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        if not done:
            stack.append((current, True))
            stack.extend((a, False) for a in current.args if id(a) not in sizes)
            continue
        total = 1 + sum(sizes[id(a)] for a in current.args)
        sizes[id(current)] = min(total, limit + 1)
    return sizes[id(node)]


def check_built(node: Node, what: str) -> Node:
    if tree_size(node) > MAX_NODES:
        raise MathError(f"{what} is too large to compare (more than {MAX_NODES} terms)", node.col or None)
    return node


def free_symbols(node: Node) -> frozenset[str]:
    """The symbols a value depends on; a sum's index is bound inside it (``sum(k^2, k, 1, n)`` is in n)."""
    if not any(n.op in BIG_OPS for n in node.walk()):
        return frozenset(n.val for n in node.walk() if n.op == "sym")
    return _free(node)


BIG_OPS = ("sum", "prod")


def _free(node: Node) -> frozenset[str]:
    if node.op == "sym":
        return frozenset({node.val})
    if node.op in BIG_OPS:
        body, lo, hi = node.args
        return (_free(body) - {node.val}) | _free(lo) | _free(hi)
    out: frozenset[str] = frozenset()
    for a in node.args:
        out |= _free(a)
    return out


def called_functions(node: Node) -> frozenset[str]:
    return frozenset(n.val for n in node.walk() if n.op == "call")


class MathError(Exception):
    """Input that cannot be read; ``column`` is 1-based, None when unknown."""

    def __init__(self, message: str, column: int | None = None):
        self.message = message
        self.column = column
        super().__init__(message)


@dataclass(frozen=True)
class Ok:
    """A parsed statement and the source text it came from."""

    node: Node
    text: str


@dataclass(frozen=True)
class Err:
    """A reading failure a student can act on."""

    message: str
    column: int | None = None

    @staticmethod
    def of(exc: MathError) -> Err:
        return Err(exc.message, exc.column)


Parsed = Ok | Err


def to_json(node: Node) -> list[object]:
    """A plain-data form for the symbolic worker process (no pickling of code)."""
    val = node.val
    if isinstance(val, Fraction):
        val = f"{val.numerator}/{val.denominator}"
    elif isinstance(val, tuple):
        val = list(val)
    return [node.op, val, [to_json(a) for a in node.args]]


def from_json(data: list[Any]) -> Node:
    op, val, args = data
    if op == "num":
        val = Fraction(str(val))
    elif op in ("rel", "interval", "matrix"):
        val = tuple(val)
    return Node(str(op), tuple(from_json(a) for a in args), val)
