"""Statements compared by where they hold: logic, inequalities, and sets of real numbers.

``x^2 = 4`` and ``x = 2 or x = -2``, ``x ≤ 2`` and ``(-∞, 2]``, ``not (x ≤ 2 and x ≥ -2)`` and
``x > 2 or x < -2``: each is a predicate over its variables (and over truth values for names
used as propositions, ``A and B``). Two predicates are equivalent when they hold at the same
points. Random points alone never land on ``x = 2``, so along lines through sample points
each variable in turn is varied, the roots of every relation on that line are found (exactly
for polynomials, by bracketing otherwise), and the predicates are compared at the roots,
between them and beyond them: where their truth can change, and in every piece between.
Values are computed in 50 digits; a relation holds with equality within 30 digits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy

from grader.mathexpr.evaluate import DOUBLE, N_POINTS, compile_node, environment, run
from grader.mathexpr.names import FunctionDef
from grader.mathexpr.precise import LOW
from grader.mathexpr.tree import MathError, Node, free_symbols

LOGIC_OPS = frozenset({"and", "or", "not", "xor", "implies", "xnor"})
SET_OPS = frozenset({"union", "intersection", "minus"})
SET_LIKE = frozenset({"interval", "set", *SET_OPS})
MAX_BOOLEANS = 6  # propositions: 2^6 assignments at most
MAX_LINE_VARIABLES = 4
N_LINES = 3  # sample points each line goes through
MAX_DEGREE = 12
MAX_ATOMS = 40  # relations and set ends in both statements together
SCAN = 241  # grid points of the bracketing search on [-SPAN, SPAN]
SPAN = 60.0
_C = LOW.ctx
ZERO = _C.mpf(10) ** -30  # a relative difference below this is equality
INF = {1: _C.inf, -1: -_C.inf}

Truth = bool | None  # None: undefined at this point (1/0, the log of a negative number)
Predicate = Callable[[dict[str, Any]], Truth]
Membership = Callable[[dict[str, Any], Any], Truth]


def is_predicate(node: Node) -> bool:
    """A statement about its variables: logic, a relation, membership (``x ∈ S``)."""
    return node.op in LOGIC_OPS or node.op in ("truth", "rel")


def is_real_set(node: Node) -> bool:
    return node.op in SET_LIKE


@dataclass(frozen=True)
class Compiled:
    predicate: Predicate
    atoms: tuple[Node, ...]  # expressions whose zeros may change the truth (lhs - rhs, x - end)
    booleans: frozenset[str]
    numbers: frozenset[str]


class _Builder:
    def __init__(self, functions: Mapping[str, FunctionDef], element: str | None):
        self.functions = functions
        self.element = element  # the variable a set is a set of, when the statement is a set
        self.atoms: list[Node] = []
        self.booleans: set[str] = set()

    def value(self, node: Node) -> Value:
        if node.op == "inf":
            v = INF[node.val]
            return lambda env: v
        for sub in node.walk():
            if sub.op in ("rel", "tuple", "list", "set", "interval", "pm", "matrix", "truth", *LOGIC_OPS, *SET_OPS):
                raise MathError("this cannot be compared as a statement about numbers", sub.col)
            if sub.op == "inf":
                raise MathError("infinity is supported only as the end of an interval or a bound", sub.col)
        f = compile_node(node, LOW, self.functions)
        return lambda env: run(f, env, LOW)

    def predicate(self, node: Node) -> Predicate:
        op = node.op
        if op == "truth":
            value = bool(node.val)
            return lambda env: value
        if op == "sym" and node.val != self.element:
            name = "?" + str(node.val)
            self.booleans.add(str(node.val))
            return lambda env: env[name]
        if op in LOGIC_OPS:
            parts = [self.predicate(a) for a in node.args]
            return _connective(op, parts)
        if op == "rel":
            return self.relation(node)
        if self.element is not None and (op in SET_LIKE or (op in ("tuple", "list") and len(node.args) == 2)):
            member = self.membership(node, Node("sym", (), self.element))
            x = self.element
            return lambda env: member(env, env[x])
        raise MathError("this is not a statement that is true or false", node.col)

    def relation(self, node: Node) -> Predicate:
        """``a < b ≤ c`` holds when each link does; ``x ∈ S`` when x is in S."""
        links: list[Predicate] = []
        for op, left, right in zip(node.val, node.args, node.args[1:], strict=False):
            if op in ("in", "notin"):
                links.append(_member(self.membership(right, left), self.value(left), op == "notin"))
                continue
            if left.op != "inf" and right.op != "inf":
                self.atoms.append(Node("add", (left, Node("neg", (right,)))))
            links.append(_related(op, self.value(left), self.value(right)))
        return links[0] if len(links) == 1 else _connective("and", links)

    def membership(self, node: Node, element: Node) -> Membership:
        """Is a value in the set ``node``? ``element`` is what is tested (for where truth changes)."""
        op = node.op
        if op == "interval" or (op in ("tuple", "list") and len(node.args) == 2):
            closed = node.val if op == "interval" else (op == "list", op == "list")
            lo, hi = self.value(node.args[0]), self.value(node.args[1])
            self._ends(element, node.args)
            lo_op, hi_op = ("<=" if closed[0] else "<"), ("<=" if closed[1] else "<")
            return lambda env, x: _both(_holds(lo_op, lo(env), x), _holds(hi_op, x, hi(env)))
        if op == "set":
            values = [self.value(a) for a in node.args]
            self._ends(element, node.args)
            return lambda env, x: _any(_holds("=", v(env), x) for v in values)
        if op in SET_OPS:
            parts = [self.membership(a, element) for a in node.args]
            combine = {"union": "or", "intersection": "and", "minus": "minus"}[op]
            return _combined(combine, parts)
        raise MathError("this is not a set of numbers", node.col)

    def _ends(self, element: Node, ends: tuple[Node, ...]) -> None:
        self.atoms += [Node("add", (element, Node("neg", (e,)))) for e in ends if e.op != "inf"]


Value = Callable[[dict[str, Any]], Any]


def _member(member: Membership, value: Value, negate: bool) -> Predicate:
    return lambda env: _flip(member(env, value(env)), negate)


def _related(op: str, a: Value, b: Value) -> Predicate:
    return lambda env: _holds(op, a(env), b(env))


def _flip(t: Truth, negate: bool) -> Truth:
    return t if t is None or not negate else not t


def _both(a: Truth, b: Truth) -> Truth:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _any(items: Any) -> Truth:
    seen_none = False
    for t in items:
        if t:
            return True
        seen_none = seen_none or t is None
    return None if seen_none else False


def _combined(how: str, parts: list[Membership]) -> Membership:
    if how == "or":
        return lambda env, x: _any(p(env, x) for p in parts)
    if how == "and":

        def every(env: dict[str, Any], x: Any) -> Truth:
            out: Truth = True
            for p in parts:
                out = _both(out, p(env, x))
            return out

        return every
    first, rest = parts[0], parts[1:]
    return lambda env, x: _both(first(env, x), _flip(_any(p(env, x) for p in rest), True))


def _connective(op: str, parts: list[Predicate]) -> Predicate:
    if op == "not":
        (p,) = parts
        return lambda env: _flip(p(env), True)
    if op == "and":
        return lambda env: _every(p(env) for p in parts)
    if op == "or":
        return lambda env: _any(p(env) for p in parts)
    p, q = parts

    def binary(env: dict[str, Any]) -> Truth:
        a, b = p(env), q(env)
        if a is None or b is None:
            return None
        return {"xor": a != b, "xnor": a == b, "implies": (not a) or b}[op]

    return binary


def _every(items: Any) -> Truth:
    out: Truth = True
    for t in items:
        out = _both(out, t)
    return out


def _holds(op: str, a: Any, b: Any) -> Truth:
    """One relation between two 50-digit values; None when a side is undefined or not real."""
    if a is None or b is None:
        return None
    scale = max(abs(a), abs(b), 1) if _C.isfinite(a) and _C.isfinite(b) else None
    if scale is not None and abs(a - b) <= ZERO * scale:
        return op in ("=", "<=", ">=")
    if op == "=":
        return False
    if op == "!=":
        return True
    if (_C.im(a) != 0 and abs(_C.im(a)) > ZERO * (scale or 1)) or (
        _C.im(b) != 0 and abs(_C.im(b)) > ZERO * (scale or 1)
    ):
        return None
    x, y = _C.re(a), _C.re(b)
    return {"<": x < y, "<=": x < y, ">": x > y, ">=": x > y}[op]


def compile_statement(node: Node, functions: Mapping[str, FunctionDef], element: str | None = None) -> Compiled:
    """A predicate for a statement, or for a set read as "the element is in it"."""
    b = _Builder(functions, element)
    predicate = b.predicate(node)
    numbers: set[str] = set()
    for atom in b.atoms:
        numbers |= free_symbols(atom)
    numbers |= {s for s in free_symbols(node) if s not in b.booleans}
    if element is not None:
        numbers.add(element)
    return Compiled(predicate, tuple(b.atoms), frozenset(b.booleans), frozenset(numbers))


@dataclass(frozen=True)
class Outcome:
    equal: bool | None
    reason: str = ""


def equivalent(a: Compiled, b: Compiled, functions: Mapping[str, FunctionDef], domain: Mapping) -> Outcome:
    """Do two predicates hold at the same points? (see the module doc)"""
    booleans = sorted(a.booleans | b.booleans)
    if len(booleans) > MAX_BOOLEANS:
        return Outcome(None, f"too many propositions (more than {MAX_BOOLEANS})")
    if set(booleans) & (a.numbers | b.numbers):
        return Outcome(None, "a name is used both as a proposition and as a number")
    numbers = sorted(a.numbers | b.numbers)
    if len(a.atoms) + len(b.atoms) > MAX_ATOMS:
        return Outcome(None, f"too many relations to compare (more than {MAX_ATOMS})")
    atoms = [(atom, _roots_along(atom, functions)) for atom in (*a.atoms, *b.atoms)]
    compared = 0
    for values in itertools.product((False, True), repeat=len(booleans)):
        truth = {"?" + name: v for name, v in zip(booleans, values, strict=True)}
        for k in range(N_POINTS):
            env = {**environment(frozenset(numbers), k, domain, LOW), **truth}
            points = [env]
            if k < N_LINES:
                for name in numbers[:MAX_LINE_VARIABLES]:
                    for t in _test_values(env, name, atoms):
                        points.append({**env, name: t})
            for point in points:
                ta, tb = a.predicate(point), b.predicate(point)
                if ta is None or tb is None:
                    continue
                compared += 1
                if ta != tb:
                    return Outcome(False, "the statements hold at different points")
    if compared < 3:
        return Outcome(None, "the statements cannot be evaluated at enough points")
    return Outcome(True)


RootFinder = Callable[[dict[str, Any], str], list[Any]]


def _roots_along(atom: Node, functions: Mapping[str, FunctionDef]) -> RootFinder:
    f_mp = compile_node(atom, LOW, functions)
    f_d = compile_node(atom, DOUBLE, functions)
    names = free_symbols(atom)
    cache: dict[tuple, list[Any]] = {}

    def roots(env: dict[str, Any], name: str) -> list[Any]:
        if name not in names:
            return []
        key = (name, *(str(env[n]) for n in sorted(names - {name})))  # the line, as far as this atom sees it
        if key not in cache:
            degree = polynomial_degree(atom, name, functions)
            found = None
            if degree is not None and degree <= MAX_DEGREE:
                found = _polynomial_roots(f_mp, env, name, degree)
            cache[key] = found if found is not None else _bracketed_roots(f_mp, f_d, env, name)
        return cache[key]

    return roots


def _test_values(env: dict[str, Any], name: str, atoms: list[tuple[Node, RootFinder]]) -> list[Any]:
    """Roots of every atom along ``name``, the midpoints between them, and a point beyond each end."""
    roots: list[Any] = []
    for _, finder in atoms:
        roots += finder(env, name)
    roots.sort()
    unique: list[Any] = []
    for r in roots:
        if not unique or abs(r - unique[-1]) > ZERO * max(1, abs(r)):
            unique.append(r)
    if not unique:
        return []
    out = list(unique)
    out += [(p + q) / 2 for p, q in itertools.pairwise(unique)]
    out += [unique[0] - 1 - abs(unique[0]), unique[-1] + 1 + abs(unique[-1])]
    return out


def polynomial_degree(node: Node, name: str, functions: Mapping[str, FunctionDef]) -> int | None:
    """The degree of ``node`` as a polynomial in ``name``, None when it is not one."""
    op = node.op
    if op == "sym":
        return 1 if node.val == name else 0
    if op in ("num", "const"):
        return 0
    degrees = [polynomial_degree(a, name, functions) for a in node.args]
    if op in ("add", "neg"):
        return None if None in degrees else max(degrees)  # type: ignore[type-var]
    if op == "mul":
        return None if None in degrees else sum(degrees)  # type: ignore[arg-type]
    if op == "div":
        return degrees[0] if degrees[1] == 0 else None
    if op == "pow":
        base, exponent = degrees
        if base == 0 and exponent == 0:
            return 0
        e = node.args[1]
        if base is None or exponent != 0 or e.op != "num" or e.val.denominator != 1 or e.val < 0:
            return None
        return base * int(e.val)
    return 0 if all(d == 0 for d in degrees) else None


def _polynomial_roots(f: Any, env: dict[str, Any], name: str, degree: int) -> list[Any] | None:
    """Real roots from the coefficients (interpolated at 0..degree in 50 digits): located in
    doubles, then polished in 50 digits by Newton's method on p/p', which converges on roots
    of any multiplicity."""
    values = []
    for t in range(degree + 1):
        v = run(f, {**env, name: _C.mpf(t)}, LOW)
        if v is None or _C.im(v) != 0:
            return None
        values.append(_C.re(v))
    try:
        matrix = _C.matrix([[_C.mpf(t) ** j for j in range(degree, -1, -1)] for t in range(degree + 1)])
        coeffs = list(_C.lu_solve(matrix, _C.matrix(values)))
    except (ZeroDivisionError, ValueError):
        return None
    scale = max(abs(c) for c in coeffs)
    while coeffs and abs(coeffs[0]) <= ZERO * max(scale, 1):
        coeffs = coeffs[1:]
    if len(coeffs) <= 1:
        return []
    try:
        located = numpy.roots([float(c) for c in coeffs])
    except (OverflowError, ValueError, numpy.linalg.LinAlgError):
        return None
    out = []
    for r in located:
        if abs(r.imag) <= 1e-3 * (1 + abs(r.real)):
            root = _polish(coeffs, _C.mpf(float(r.real)))
            if root is not None and abs(_horner(coeffs, root)[0]) <= ZERO * max(scale, 1) * (1 + abs(root)) ** len(
                coeffs
            ):
                out.append(root)
    return out


def _horner(coeffs: list[Any], x: Any) -> tuple[Any, Any, Any]:
    """p(x), p'(x), p''(x)."""
    p = dp = ddp = _C.zero
    for c in coeffs:
        ddp = ddp * x + 2 * dp
        dp = dp * x + p
        p = p * x + c
    return p, dp, ddp


def _polish(coeffs: list[Any], x: Any) -> Any:
    for _ in range(60):
        p, dp, ddp = _horner(coeffs, x)
        if p == 0:
            return x
        denominator = dp * dp - p * ddp
        if denominator == 0:
            return x
        step = p * dp / denominator
        x -= step
        if abs(step) <= _C.mpf(10) ** -45 * (1 + abs(x)):
            return x
    return x


def _bracketed_roots(f_mp: Any, f_d: Any, env: dict[str, Any], name: str) -> list[Any]:
    """Sign changes on a grid (in doubles), each narrowed by bisection in 50 digits."""
    env_d = {k: (float(v) if not isinstance(v, bool) and _C.im(v) == 0 else v) for k, v in env.items()}
    grid = [-SPAN + 2 * SPAN * i / (SCAN - 1) for i in range(SCAN)]
    signs = []
    for t in grid:
        v = run(f_d, {**env_d, name: t}, DOUBLE)
        signs.append(None if v is None or isinstance(v, complex) else (v > 0) - (v < 0))
    out = []
    for i in range(SCAN - 1):
        s0, s1 = signs[i], signs[i + 1]
        if s0 == 0:
            out.append(_C.mpf(grid[i]))
        elif s0 is not None and s1 is not None and s0 * s1 < 0:
            root = _bisect(f_mp, env, name, _C.mpf(grid[i]), _C.mpf(grid[i + 1]), s0)
            if root is not None:
                out.append(root)
    return out


def _bisect(f: Any, env: dict[str, Any], name: str, lo: Any, hi: Any, sign_lo: int) -> Any:
    """A sign change narrowed in doubles' worth of steps, then finished by a bracketing solver."""

    def g(t: Any) -> Any:
        v = run(f, {**env, name: t}, LOW)
        if v is None or _C.im(v) != 0:
            raise ValueError("undefined")
        return _C.re(v)

    try:
        for _ in range(40):
            mid = (lo + hi) / 2
            s = (g(mid) > 0) - (g(mid) < 0)
            if s == 0:
                return mid
            lo, hi = (mid, hi) if s == sign_lo else (lo, mid)
        return _C.findroot(g, (lo, hi), solver="anderson", tol=_C.mpf(10) ** -90, maxsteps=60)
    except (ValueError, ZeroDivisionError, _C.NoConvergence):
        return None
