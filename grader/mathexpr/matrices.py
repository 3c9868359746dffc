"""Matrices as matrices: literal matrices and symbols that stand for them, multiplied in order.

A symbol that is a matrix (declared with a shape, or transposed somewhere, see
:func:`matrix_symbols`) becomes a matrix of its entries, ``A`` the 3×3 matrix of
``A[1,1]``..``A[3,3]``. Sums, products, transposes, inverses, powers, determinants and
traces are then carried out on the tree, so the result is one literal matrix whose entries
are ordinary expressions, compared entry by entry at the sample points. Products keep their
order (``A^T B^T`` is not ``B^T A^T``), and shapes must fit: a mismatch is a
:class:`ShapeError`, a mistake in the answer and not a reason for review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from grader.mathexpr.names import canonical_name
from grader.mathexpr.tree import MathError, Node, check_built

Shape = tuple[int, int]
DEFAULT_SIZE = 3  # a square matrix of unknown size; a vector has this many rows
MAX_ENTRIES = 36
MAX_POWER = 6
MATRIX_CALLS = frozenset({"transpose", "det", "trace", "inverse"})
IDENTITY = "I"  # beside matrices, I is the identity (unless declared as a matrix of its own)


class ShapeError(MathError):
    """Matrices whose shapes do not fit (a 3×1 matrix times a 3×1 matrix)."""


def shape_text(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def matrix_symbols(nodes: Iterable[Node], declared: Mapping[str, Shape]) -> dict[str, Shape]:
    """Declared matrices, else the ones the notation reveals.

    With no declaration, a transposed name is a matrix, and once anything is transposed every
    capital letter is one too (``(AB)^T`` beside ``B^T A^T``): square, or a column for a lower-case
    name (``x^T A x``). So is every capital letter when a product of capitals is inverted
    (``(AB)^{-1}``) or capitals are inverted beside one another (``A^{-1} B^{-1}``): linear algebra
    written as it is on exams.
    """
    if declared:
        return dict(declared)
    nodes = list(nodes)
    transposed: set[str] = set()
    any_transpose = False
    for node in nodes:
        for sub in node.walk():
            if sub.op == "call" and sub.val == "transpose":
                any_transpose = True
                transposed |= {n.val for n in sub.args[0].walk() if n.op == "sym" and sub.args[0].op == "sym"}
    if not any_transpose and not any(_inverted_capitals(node) for node in nodes):
        return {}
    names = set(transposed)
    for node in nodes:
        names |= {n.val for n in node.walk() if n.op == "sym" and len(n.val) == 1 and n.val.isupper()}
    names.discard(IDENTITY)
    return {n: (DEFAULT_SIZE, DEFAULT_SIZE) if n[:1].isupper() else (DEFAULT_SIZE, 1) for n in sorted(names)}


def _capital(node: Node) -> bool:
    return node.op == "sym" and len(str(node.val)) == 1 and str(node.val).isupper()


def _inverse_power(node: Node) -> bool:
    e = node.args[1] if node.op == "pow" else None
    return e is not None and (
        (e.op == "num" and e.val == -1) or (e.op == "neg" and e.args[0].op == "num" and e.args[0].val == 1)
    )


def _inverted_capitals(node: Node) -> bool:
    """``(AB)^{-1}``, or a product of two or more inverted capitals (``A^{-1} B^{-1}``); not ``P V^{-1}``."""
    for sub in node.walk():
        if _inverse_power(sub) and sub.args[0].op == "mul" and sum(_capital(a) for a in sub.args[0].args) >= 2:
            return True
        if sub.op == "mul" and sum(1 for a in sub.args if _inverse_power(a) and _capital(a.args[0])) >= 2:
            return True
    return False


def matrix_shapes(raw: Any) -> dict[str, Shape]:
    """``[A, B]`` (square) or ``{A: [2, 3], x: [3, 1]}``: the names that are matrices, by shape."""
    if raw is None:
        return {}
    if isinstance(raw, list) and all(isinstance(n, str) for n in raw):
        return {canonical_name(n): (DEFAULT_SIZE, DEFAULT_SIZE) for n in raw}
    if isinstance(raw, dict):
        shapes = {}
        for name, shape in raw.items():
            ok = (
                isinstance(shape, list | tuple)
                and len(shape) == 2
                and all(type(d) is int and 1 <= d <= 6 for d in shape)
            )
            if not ok:
                raise MathError(f"matrices: the shape of {name} must be [rows, columns], each 1 to 6")
            shapes[canonical_name(str(name))] = (shape[0], shape[1])
        return shapes
    raise MathError("matrices must be a list of names or an object of shapes")


def involves_matrices(node: Node, shapes: Mapping[str, Shape]) -> bool:
    for sub in node.walk():
        if (
            sub.op == "matrix"
            or (sub.op == "call" and sub.val in MATRIX_CALLS)
            or (sub.op == "sym" and (sub.val in shapes or (sub.val == IDENTITY and shapes)))
        ):
            return True
        if sub.op == "list" and sub.args and all(a.op == "list" for a in sub.args):
            return True
    return False


class Matrix:
    def __init__(self, rows: int, cols: int, entries: list[Node]):
        if rows * cols > MAX_ENTRIES:
            raise MathError(f"the matrix is too large (more than {MAX_ENTRIES} entries)")
        self.rows, self.cols, self.entries = rows, cols, entries

    @property
    def shape(self) -> Shape:
        return (self.rows, self.cols)

    def at(self, r: int, c: int) -> Node:
        return self.entries[r * self.cols + c]

    def node(self, col: int = 0) -> Node:
        return Node("matrix", tuple(self.entries), self.shape, col)


Value = Node | Matrix


def fold(node: Node, shapes: Mapping[str, Shape]) -> Node:
    """``node`` with its matrix algebra carried out (see the module doc); unchanged without matrices."""
    if not involves_matrices(node, shapes):
        return node
    value = _fold(node, shapes)
    return check_built(value.node(node.col) if isinstance(value, Matrix) else value, "the matrix expression")


def _fold(node: Node, shapes: Mapping[str, Shape]) -> Value:
    op = node.op
    if op == "sym" and node.val == IDENTITY and node.val not in shapes:
        n = next((r for r, c in shapes.values() if r == c), DEFAULT_SIZE)
        return _identity(n)
    if op == "sym" and node.val in shapes:
        rows, cols = shapes[node.val]
        return Matrix(rows, cols, [_entry(node.val, r, c, rows, cols) for r in range(rows) for c in range(cols)])
    if op == "matrix":
        rows, cols = node.val
        return Matrix(rows, cols, [_scalar(_fold(a, shapes), node) for a in node.args])
    if op == "list" and node.args and all(a.op == "list" for a in node.args):
        widths = {len(a.args) for a in node.args}
        if len(widths) == 1:
            cols = widths.pop()
            return Matrix(len(node.args), cols, [_scalar(_fold(x, shapes), node) for a in node.args for x in a.args])
    if not node.args:
        return node
    parts = [_fold(a, shapes) for a in node.args]
    if not any(isinstance(p, Matrix) for p in parts):
        return Node(op, tuple(parts), node.val, node.col)  # type: ignore[arg-type]
    if op == "add":
        return _sum(parts, node)
    if op == "neg":
        return _map(parts[0], lambda e: Node("neg", (e,)))
    if op == "mul":
        value = parts[0]
        for p in parts[1:]:
            value = _product(value, p, node)
        return value
    if op == "div":
        a, b = parts
        if isinstance(b, Matrix):
            raise ShapeError("dividing by a matrix is not defined (multiply by its inverse)", node.col)
        return _map(a, lambda e: Node("div", (e, b)))
    if op == "pow":
        return _power(parts[0], node.args[1], node)
    if op == "call" and node.val in MATRIX_CALLS:
        return _matrix_call(str(node.val), parts[0], node)
    if op in ("tuple", "list", "set", "rel"):
        return Node(op, tuple(p.node(node.col) if isinstance(p, Matrix) else p for p in parts), node.val, node.col)
    raise MathError(f"{_what(node)} of a matrix is not supported", node.col)


def _what(node: Node) -> str:
    return str(node.val) if node.op == "call" else {"fact": "a factorial"}.get(node.op, node.op)


def _entry(name: str, r: int, c: int, rows: int, cols: int) -> Node:
    index = f"{r + 1}" if cols == 1 else f"{c + 1}" if rows == 1 else f"{r + 1},{c + 1}"
    return Node("sym", (), f"{name}[{index}]")


def _scalar(value: Value, where: Node) -> Node:
    if isinstance(value, Matrix):
        raise MathError("a matrix inside a matrix is not supported", where.col)
    return value


def _map(value: Value, fn) -> Value:  # type: ignore[no-untyped-def]
    if isinstance(value, Matrix):
        return Matrix(value.rows, value.cols, [fn(e) for e in value.entries])
    return fn(value)


def _sum(parts: list[Value], node: Node) -> Value:
    matrices = [p for p in parts if isinstance(p, Matrix)]
    first = matrices[0]
    if len(matrices) != len(parts) and first.shape != (1, 1):
        raise ShapeError(f"a number plus a {shape_text(first.shape)} matrix is not defined", node.col)
    if any(m.shape != first.shape for m in matrices):
        shapes = " + ".join(shape_text(m.shape) for m in matrices)
        raise ShapeError(f"matrices of different shapes cannot be added ({shapes})", node.col)
    if first.shape == (1, 1) and len(matrices) != len(parts):
        return Node("add", tuple(p.entries[0] if isinstance(p, Matrix) else p for p in parts), None, node.col)
    entries = [Node("add", tuple(m.entries[k] for m in matrices)) for k in range(len(first.entries))]
    return Matrix(first.rows, first.cols, entries)


def _product(a: Value, b: Value, node: Node) -> Value:
    if not isinstance(a, Matrix) or (a.shape == (1, 1) and isinstance(b, Matrix) and b.shape != (1, 1)):
        s = a.entries[0] if isinstance(a, Matrix) else a
        return _map(b, lambda e: Node("mul", (s, e)))
    if not isinstance(b, Matrix) or b.shape == (1, 1):
        s = b.entries[0] if isinstance(b, Matrix) else b
        return _map(a, lambda e: Node("mul", (e, s)))
    if a.cols != b.rows:
        raise ShapeError(
            f"a {shape_text(a.shape)} matrix times a {shape_text(b.shape)} matrix: the shapes do not fit", node.col
        )
    entries = [
        Node("add", tuple(Node("mul", (a.at(r, k), b.at(k, c))) for k in range(a.cols)))
        for r in range(a.rows)
        for c in range(b.cols)
    ]
    return Matrix(a.rows, b.cols, entries)


def _power(base: Value, exponent: Node, node: Node) -> Value:
    if not isinstance(base, Matrix):
        raise MathError("a matrix in an exponent is not supported", node.col)
    if exponent.op == "neg" and exponent.args[0].op == "num":
        exponent = Node("num", (), -exponent.args[0].val)
    if exponent.op != "num" or exponent.val.denominator != 1 or abs(exponent.val) > MAX_POWER:
        raise MathError(f"a matrix power must be a whole number up to {MAX_POWER}", node.col)
    n = int(exponent.val)
    _square(base, "a power", node)
    if n < 0:
        base, n = _inverse(base, node), -n
    value: Value = _identity(base.rows) if n == 0 else base
    for _ in range(n - 1):
        value = _product(value, base, node)
    return value


def _matrix_call(name: str, arg: Value, node: Node) -> Value:
    if not isinstance(arg, Matrix):
        return {"det": arg, "trace": arg, "transpose": arg}.get(name) or Node(
            "pow", (arg, Node("num", (), Fraction(-1)))
        )
    if name == "transpose":
        return Matrix(arg.cols, arg.rows, [arg.at(r, c) for c in range(arg.cols) for r in range(arg.rows)])
    if name == "inverse":
        return _inverse(arg, node)
    _square(arg, f"the {'determinant' if name == 'det' else name}", node)
    if name == "trace":
        return Node("add", tuple(arg.at(k, k) for k in range(arg.rows)))
    return _det(arg)


def _square(m: Matrix, what: str, node: Node) -> None:
    if m.rows != m.cols:
        raise ShapeError(f"{what} of a {shape_text(m.shape)} matrix is not defined (it is not square)", node.col)


def _identity(n: int) -> Matrix:
    return Matrix(n, n, [Node("num", (), Fraction(int(r == c))) for r in range(n) for c in range(n)])


def _minor(m: Matrix, row: int, col: int) -> Matrix:
    keep = [m.at(r, c) for r in range(m.rows) for c in range(m.cols) if r != row and c != col]
    return Matrix(m.rows - 1, m.cols - 1, keep)


def _det(m: Matrix) -> Node:
    if m.rows == 1:
        return m.entries[0]
    if m.rows > 4:
        raise MathError("determinants larger than 4×4 are not supported")
    terms = []
    for c in range(m.cols):
        term = Node("mul", (m.at(0, c), _det(_minor(m, 0, c))))
        terms.append(term if c % 2 == 0 else Node("neg", (term,)))
    return Node("add", tuple(terms))


def _inverse(m: Matrix, node: Node) -> Matrix:
    """The adjugate over the determinant (exact, and small for the sizes used here)."""
    _square(m, "the inverse", node)
    det = _det(m)
    if m.rows == 1:
        return Matrix(1, 1, [Node("div", (Node("num", (), Fraction(1)), det))])
    entries = []
    for r in range(m.rows):
        for c in range(m.cols):
            cofactor = _det(_minor(m, c, r))
            signed = cofactor if (r + c) % 2 == 0 else Node("neg", (cofactor,))
            entries.append(Node("div", (signed, det)))
    return Matrix(m.rows, m.cols, entries)
