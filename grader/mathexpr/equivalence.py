"""Are two expressions (or equations, or inequalities) the same?

Numbers decide first: both sides are evaluated at 12 fixed points (both
signs, a few large values). Every verdict is confirmed in 50 and 80 digits
(:mod:`grader.mathexpr.precise`), where two values are equal only within
their own rounding error: ``0.333333333333333`` is not ``1/3``, tiny values
are not "zero", and cancellation in doubles never fakes a difference.
Equations ``a = b`` and ``c = d`` are the same when ``a - b`` is a nonzero
constant multiple of ``c - d`` (a positive multiple for inequalities).
When too few points can be evaluated the verdict is None: the caller may try
the bounded symbolic check (:mod:`grader.mathexpr.sandbox`), and otherwise a
human looks - never a silent False.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.mathexpr.calculus import substitute
from grader.mathexpr.evaluate import DOUBLE, INNER_LOSS, LARGEST, LOSS, N_POINTS, Domain, compile_node, environment, run
from grader.mathexpr.matrices import Shape, fold, shape_text
from grader.mathexpr.names import FunctionDef
from grader.mathexpr.precise import HIGH, LOW
from grader.mathexpr.solutions import LOGIC_OPS, SET_OPS, compile_statement, equivalent, is_predicate
from grader.mathexpr.tree import MathError, Node, free_symbols

MIN_POINTS = 4  # evaluable points needed to call two non-constant expressions equal
N_CONFIRM = 2  # agreeing points re-checked in high precision (each costs two 50/80-digit evaluations)
D_RTOL, D_ATOL = 1e-9, 1e-12  # doubles: close enough to be worth confirming
RELATIONS = {"=": ("eq", 1), "!=": ("ne", 1), "<": ("lt", 1), ">": ("lt", -1), "<=": ("le", 1), ">=": ("le", -1)}
_H = HIGH.ctx
FLOOR = _H.mpf(10) ** -40  # relative difference below which values are the same
RESOLUTION = _H.mpf(10) ** -12  # a point confirms equality only if it resolves differences this small
UNRELIABLE = _H.mpf(10) ** -20  # a 50/80-digit disagreement above this: the point says nothing
CANCELLATION = _H.mpf(10) ** -75  # relative rounding error of an 80-digit sum, generously

Approx = tuple[Any, Any]  # (80-digit value, error estimate)


@dataclass(frozen=True)
class Verdict:
    equal: bool | None
    reason: str = ""
    feedback: bool = False  # the reason is worth showing the student ("yours is 3×1, the answer is 1×3")


@dataclass(frozen=True)
class Tolerance:
    """``exact`` (default), ``tol`` (relative, absolute below 1), ``rel`` or ``abs``."""

    kind: str = "exact"
    value: float = 0.0

    def within(self, a: complex, b: complex) -> bool:
        diff = abs(a - b) * (1 - 1e-12)  # 1.05 is within 5% of 1, whatever binary rounding says
        if self.kind == "abs":
            return diff <= self.value
        if self.kind == "rel":
            return diff <= self.value * abs(b)
        return diff <= self.value * max(abs(a), abs(b), 1.0)


EXACT = Tolerance()


@dataclass(frozen=True)
class Context:
    """Rubric functions to substitute, and variable ranges to sample from."""

    functions: Mapping[str, FunctionDef] = field(default_factory=dict)
    domain: Domain = field(default_factory=dict)
    matrices: Mapping[str, Shape] = field(default_factory=dict)  # symbols that are matrices, by shape


class Values:
    """One expression compiled once, with its values at the sample points cached."""

    def __init__(self, node: Node, ctx: Context):
        self.node = node
        self.ctx = ctx
        self.syms = free_symbols(node)
        self._fd = compile_node(node, DOUBLE, ctx.functions)
        self._fm: tuple[Any, Any] | None = None
        self._d: list[Any] | None = None
        self._m: dict[int, Approx | None] = {}

    def double(self) -> list[Any]:
        if self._d is None:
            self._d = [
                run(self._fd, environment(self.syms, k, self.ctx.domain, DOUBLE), DOUBLE) for k in range(N_POINTS)
            ]
        return self._d

    def precise(self, k: int) -> Approx | None:
        """The value at point k in 80 digits with |v50 - v80| as its error; None if unreliable."""
        if k not in self._m:
            if self._fm is None:
                fns = self.ctx.functions
                self._fm = (compile_node(self.node, LOW, fns), compile_node(self.node, HIGH, fns))
            lo = run(self._fm[0], environment(self.syms, k, self.ctx.domain, LOW), LOW)
            env = environment(self.syms, k, self.ctx.domain, HIGH)
            hi = run(self._fm[1], env, HIGH) if lo is not None else None
            approx = None
            if hi is not None:
                err = max(abs(_H.convert(lo) - hi), self._cancellation_error(env, hi))
                approx = (hi, err) if err <= UNRELIABLE * max(abs(hi), 1) else None
            self._m[k] = approx
        return self._m[k]

    def _cancellation_error(self, env: dict[str, Any], value: Any) -> Any:
        """The error left by sums whose terms dwarf them (``x^99 - x^99`` at x = 9).

        Such terms round away the same digits in 50 and 80 digits, which then agree on a wrong
        value. An inner sum's loss is relative, carried through the products around it; the
        outermost sum's error is its largest term times the precision (so a true 0 stays 0).
        """
        if LOSS not in env:
            return 0
        if self.node.op == "add":
            inner = _H.ldexp(abs(value), env.get(INNER_LOSS, 0))
            return max(inner, _H.ldexp(1, env[LARGEST])) * CANCELLATION
        return _H.ldexp(abs(value), env[LOSS]) * CANCELLATION


def same(a: Approx, b: Approx) -> bool:
    """Equal within both rounding errors (generously) or 40 digits."""
    return abs(a[0] - b[0]) <= 1000 * (a[1] + b[1]) + FLOOR * max(abs(a[0]), abs(b[0]))


@dataclass
class Form:
    """What is compared: an expression, a relation (kind, lhs, rhs, sign) or a tuple."""

    kind: str  # expr | eq | ne | lt | le | logic | tuple | list | set | interval | realset | inf
    parts: tuple[Values, ...] = ()
    items: tuple[Form, ...] = ()
    sign: int = 1
    node: Node | None = None
    ctx: Context | None = None
    pm: bool = False  # a set that is the readings of a ± sign

    @property
    def constant(self) -> bool:
        return not any(p.syms for p in self.parts) and all(i.constant for i in self.items)


def form_of(node: Node, ctx: Context) -> Form:
    """The comparable form of a parsed statement; MathError when it has none.

    A chain ``a = b = c`` is the equation ``a = c``. ``a ± b`` is the set of both values, and
    ``x = 1 ± √2`` the statement ``x = 1 + √2 or x = 1 - √2``. Logic (``x = 2 or x = -2``),
    chains of inequalities, membership and unions of sets are statements compared by where
    they hold (:mod:`grader.mathexpr.solutions`).
    """
    node = fold(node, ctx.matrices)
    if node.op == "matrix":
        return Form("matrix", items=tuple(form_of(a, ctx) for a in node.args), node=node, ctx=ctx)
    if node.op not in COLLECTIONS and any(sub.op == "pm" for sub in node.walk()):
        variants = expand_pm(node)
        if is_predicate(node):
            return Form("logic", node=Node("or", tuple(variants), None, node.col), ctx=ctx)
        return Form("set", items=tuple(form_of(v, ctx) for v in variants), node=node, ctx=ctx, pm=True)
    if node.op == "rel" and node.val == (":=",):
        return _definition(node, ctx)
    if node.op == "rel" and set(node.val) & {":", ":="}:
        raise MathError("a Maxima setting or definition cannot be compared here", node.col)
    if node.op == "rel" and not set(node.val) & {"in", "notin"}:
        ops: tuple[str, ...] = node.val
        if any(side.op in (*COLLECTIONS, "matrix") for side in node.args):
            raise MathError("an equation between lists or matrices is compared by its value", node.col)
        if all(o == "=" for o in ops):
            return Form("eq", (Values(node.args[0], ctx), Values(node.args[-1], ctx)), node=node, ctx=ctx)
        if len(ops) == 1 and not any(side.op == "inf" for side in node.args):
            kind, sign = RELATIONS[ops[0]]
            return Form(kind, (Values(node.args[0], ctx), Values(node.args[1], ctx)), sign=sign, node=node, ctx=ctx)
    if node.op in ("and", "or") and (
        not any(is_predicate(a) or a.op == "sym" for a in node.args) or (node.op == "and" and _same_name_twice(node))
    ):
        node = Node("set", node.args, None, node.col)  # "6 and 8", "p = -1 and p = 15/8": several answers
    elif is_predicate(node):
        return Form("logic", node=node, ctx=ctx)
    if node.op in SET_OPS:
        return Form("realset", node=node, ctx=ctx)
    if node.op in COLLECTIONS:
        if len(node.args) > MAX_ITEMS:
            raise MathError(f"too many elements (more than {MAX_ITEMS})", node.col)
        items: tuple[Form, ...] = tuple(form_of(a, ctx) for a in node.args)
        if node.op == "set":  # {1 ± √5, -2} has three elements
            items = tuple(x for item in items for x in (item.items if item.pm else (item,)))
        return Form(node.op, items=items, sign=_closed(node.val) if node.op == "interval" else 1, node=node, ctx=ctx)
    if node.op == "inf":
        return Form("inf", sign=node.val, node=node)
    for sub in node.walk():
        if sub.op in ("rel", *COLLECTIONS, "inf", "truth", *LOGIC_OPS, *SET_OPS):
            raise MathError("a relation, list or set inside an expression is not supported", sub.col)
    return Form("expr", (Values(node, ctx),), node=node, ctx=ctx)


def _definition(node: Node, ctx: Context) -> Form:
    """``f(x) := x^2``: the function's name, and its body with the arguments numbered (so ``f(y) := y^2`` is the same)."""
    head, body = node.args
    if head.op != "call" or any(a.op != "sym" for a in head.args):
        raise MathError("a definition names a function and its arguments: f(x) := ...", node.col)
    renamed = substitute(body, {str(a.val): Node("sym", (), f"#{k}") for k, a in enumerate(head.args)})
    named = Node("define", (renamed,), (str(head.val), len(head.args)), node.col)
    return Form("define", items=(form_of(renamed, ctx),), node=named, ctx=ctx)


def _same_name_twice(node: Node) -> bool:
    """``x = 1 and x = 2`` lists two values of x (nobody means the impossible conjunction)."""
    names = [a.args[0].val for a in node.args if a.op == "rel" and a.val == ("=",) and a.args[0].op == "sym"]
    return len(names) == len(node.args) and len(set(names)) < len(names)


MAX_PM = 4  # ± signs in one statement: 2^4 variants


def expand_pm(node: Node) -> list[Node]:
    """Every reading of the ± signs in ``node``: ``a ± b`` is ``a + b`` and ``a - b``."""
    if sum(1 for sub in node.walk() if sub.op == "pm") > MAX_PM:
        raise MathError(f"too many ± signs (more than {MAX_PM})", node.col)
    return _variants(node)


def _variants(node: Node) -> list[Node]:
    if not node.args:
        return [node]
    options = [_variants(a) for a in node.args]
    out = []
    for args in itertools.product(*options):
        if node.op == "pm":
            a, b = args
            out += [
                Node("add", (a, b), None, node.col),
                Node("add", (a, Node("neg", (b,), None, b.col)), None, node.col),
            ]
        else:
            out.append(Node(node.op, tuple(args), node.val, node.col))
    return out


COLLECTIONS = ("tuple", "list", "set", "interval")
MAX_ITEMS = 50  # elements of one list or set (a set comparison costs items^2 comparisons)


def _closed(flags: tuple[bool, bool]) -> int:
    """An interval's ends as one number: 0 open, 1 right closed, 2 left closed, 3 closed."""
    return 2 * flags[0] + flags[1]


def _as_interval(form: Form) -> Form:
    """``(a, b)`` and ``[a, b]`` may be intervals: compared with one, they are read as one."""
    if form.kind in ("tuple", "list") and len(form.items) == 2:
        return Form("interval", items=form.items, sign=3 if form.kind == "list" else 0, node=form.node)
    return form


STATEMENTS = frozenset({"eq", "ne", "lt", "le", "logic"})
REAL_SETS = frozenset({"interval", "realset", "set"})


def compare(key: Form, answer: Form, tol: Tolerance = EXACT, equations: str = "proportional") -> Verdict:
    """Numeric verdict; None when the points cannot decide (see the module doc).

    Tuples and lists are compared in order, sets in any order (repeats ignored), intervals by
    their ends and which ends are closed; a two-element tuple or list is the open or closed
    interval when the other side is an interval. Infinity equals only infinity of the same sign.
    Logic, unions of sets, and a set against a statement (``(-∞, 2]`` and ``x ≤ 2``) are compared by
    where they hold; so are inequalities, and equations with ``equations="solutions"``. Otherwise
    equations are the same when one is a nonzero constant multiple of the other.
    """
    kinds = {key.kind, answer.kind}
    if kinds == {"logic"} and _paired_equations(key, answer):
        return Verdict(True)  # x = 1 or x = 2 against x = 2 or x = 1: each equation has its match
    if "matrix" in kinds:
        return _compare_matrices(key, answer, tol)
    if "define" in kinds:
        if key.kind != answer.kind:
            return Verdict(False, "expected a definition" if key.kind == "define" else "a definition is not expected")
        assert key.node is not None and answer.node is not None
        if key.node.val != answer.node.val:
            return Verdict(False, "a different function, or a different number of arguments")
        return compare(key.items[0], answer.items[0], tol)
    if _by_solutions(key, answer):
        return compare_statements(key, answer)
    if "interval" in kinds:
        key, answer = _as_interval(key), _as_interval(answer)
    if key.kind in COLLECTIONS or answer.kind in COLLECTIONS or "inf" in kinds:
        if key.kind != answer.kind:
            return Verdict(False, "a different kind of answer (list, set, interval, infinity)")
        if key.kind == "inf":
            return Verdict(key.sign == answer.sign, "" if key.sign == answer.sign else "a different infinity")
        if key.kind == "interval" and key.sign != answer.sign:
            return Verdict(False, "open and closed ends differ")
        if key.kind == "set":
            key, answer = _assigned_values(key, answer), _assigned_values(answer, key)
            return _compare_sets(key, answer, tol)
        return _compare_tuples(key, answer, tol)
    if key.kind == "expr" and answer.kind == "expr":
        return _compare_values(key.parts[0], answer.parts[0], tol, key.constant and answer.constant)
    if key.kind != answer.kind and "logic" not in kinds and not kinds <= {"lt", "le"}:
        names = {"expr": "an expression", "eq": "an equation", "ne": "an equation"}
        return Verdict(False, f"expected {names.get(key.kind, 'an inequality')}")
    if "expr" in kinds:
        return Verdict(False, "expected a statement" if key.kind == "logic" else "expected an expression")
    verdict = _compare_relations(key, answer) if len(kinds) == 1 else Verdict(None)  # x >= 1 is not x > 1
    if verdict.equal is True or (kinds <= {"eq", "ne"} and equations != "solutions"):
        return verdict
    return compare_statements(key, answer)


def _compare_matrices(key: Form, answer: Form, tol: Tolerance) -> Verdict:
    if key.kind != answer.kind:
        return Verdict(
            False, "expected a matrix" if key.kind == "matrix" else "a matrix where a matrix is not expected"
        )
    assert key.node is not None and answer.node is not None
    if key.node.val != answer.node.val:
        shapes = f"yours is {shape_text(answer.node.val)}, the answer is {shape_text(key.node.val)}"
        return Verdict(False, shapes, feedback=True)
    return _compare_tuples(Form("list", items=key.items), Form("list", items=answer.items), tol)


def _paired_equations(key: Form, answer: Form) -> bool:
    """Two disjunctions of equations whose equations match one to one (a fast, sufficient test)."""
    disjuncts = []
    for form in (key, answer):
        node = form.node
        if node is None or node.op != "or" or not all(a.op == "rel" and a.val == ("=",) for a in node.args):
            return False
        ctx = form.ctx or Context()
        disjuncts.append(Form("set", items=tuple(form_of(a, ctx) for a in node.args)))
    return _compare_sets(disjuncts[0], disjuncts[1], EXACT).equal is True


def _by_solutions(key: Form, answer: Form) -> bool:
    kinds = {key.kind, answer.kind}
    if "realset" in kinds:
        return True
    if "logic" in kinds and "expr" not in kinds:
        return True
    setlike = {k for k in kinds if k in REAL_SETS or (k in ("tuple", "list") and _pair(key, answer))}
    return bool(kinds & STATEMENTS) and bool(setlike)


def _pair(*forms: Form) -> bool:
    return all(len(f.items) == 2 for f in forms if f.kind in ("tuple", "list"))


def compare_statements(key: Form, answer: Form) -> Verdict:
    """Hold they at the same points? A set beside a statement in one variable is a set of its values."""
    ctx = key.ctx or answer.ctx or Context()
    element = None
    statements = [f for f in (key, answer) if f.kind in STATEMENTS]
    if len(statements) < 2:
        names = set().union(*(free_symbols(f.node) for f in statements if f.node is not None))
        if len(names) > 1:
            return Verdict(None, "a set compared with a statement in more than one variable")
        if statements and not names:
            return Verdict(False, "a set is not a statement without a variable")
        element = names.pop() if names else "#element"
    try:
        a = compile_statement(_statement_node(key), ctx.functions, element)
        b = compile_statement(_statement_node(answer), ctx.functions, element)
    except MathError as exc:
        return Verdict(None, exc.message)
    outcome = equivalent(a, b, ctx.functions, ctx.domain)
    return Verdict(outcome.equal, outcome.reason)


def _statement_node(form: Form) -> Node:
    assert form.node is not None
    if form.pm:
        return Node("set", tuple(expand_pm(form.node)), None, form.node.col)
    return form.node


def _assigned_values(form: Form, other: Form) -> Form:
    """``{x = -5, p = 14/3}`` beside a set without equations is the set of the values, ``{-5, 14/3}``."""
    if any(i.kind == "eq" for i in other.items) or not form.items:
        return form
    if not any(_assignment(i) for i in form.items):
        return form
    values = tuple(
        form_of(i.node.args[-1], i.ctx or Context()) if _assignment(i) else i  # type: ignore[union-attr]
        for i in form.items
    )
    return Form("set", items=values, node=form.node, ctx=form.ctx)


def _assignment(form: Form) -> bool:
    return form.kind == "eq" and form.node is not None and _names(form.node.args[0])


def unordered(form: Form) -> Form:
    """A tuple or list of roots read as the set of them (a rubric's ``ordered: false``)."""
    if form.kind in ("tuple", "list"):
        return Form("set", items=form.items, node=form.node, ctx=form.ctx)
    return form


def _names(node: Node) -> bool:
    """``x``, ``AB``, ``f(x)``: a name for a value (no numbers, no sums)."""
    return all(n.op in ("sym", "mul", "call") for n in node.walk()) or node.op == "call"


def _compare_tuples(key: Form, answer: Form, tol: Tolerance) -> Verdict:
    if key.kind != answer.kind or len(key.items) != len(answer.items):
        return Verdict(False, "a different number of elements")
    undecided = None
    for k_item, a_item in zip(key.items, answer.items, strict=True):
        v = compare(k_item, a_item, tol)
        if v.equal is False:
            return v
        if v.equal is None:
            undecided = v
    return undecided or Verdict(True)


def _compare_sets(key: Form, answer: Form, tol: Tolerance) -> Verdict:
    """Every element of each side equals some element of the other (so {1, 1} is {1})."""
    table = [[compare(k, a, tol).equal for a in answer.items] for k in key.items]
    rows = [set(row) for row in table]
    cols = [{table[i][j] for i in range(len(key.items))} for j in range(len(answer.items))]
    if any(seen == {False} for seen in rows + cols) or (not key.items) != (not answer.items):
        return Verdict(False, "the sets differ")
    if all(True in seen for seen in rows + cols):
        return Verdict(True)
    return Verdict(None, "the elements of the sets could not all be compared")


def _close(a: Any, b: Any) -> bool:
    return bool(abs(a - b) <= D_ATOL + D_RTOL * max(abs(a), abs(b)))


def _precise_same(key: Values, ans: Values, k: int) -> bool | None:
    """Equal at point k in high precision; None when the point cannot tell.

    A point whose values are so large that the comparison's tolerance exceeds
    RESOLUTION cannot confirm equality: exp(e^5) + 1 and exp(e^5) agree to 64
    digits there. It can still prove a difference.
    """
    a, b = key.precise(k), ans.precise(k)
    if a is None or b is None:
        return None
    if not same(a, b):
        return False
    tolerance = 1000 * (a[1] + b[1]) + FLOOR * max(abs(a[0]), abs(b[0]))
    return None if tolerance > RESOLUTION else True


def _compare_values(key: Values, ans: Values, tol: Tolerance, constant: bool) -> Verdict:
    kd, ad = key.double(), ans.double()
    valid = [k for k in range(N_POINTS) if kd[k] is not None and ad[k] is not None]
    needed = 1 if constant else MIN_POINTS
    if tol.kind != "exact":
        return _compare_with_tolerance(kd, ad, valid, tol, needed)
    agree: list[int] = []
    for k in range(N_POINTS):
        if k in valid and _close(kd[k], ad[k]):
            agree.append(k)
            continue
        # the doubles disagree (cancellation?) or fail (overflow?): decide this point in high precision
        verdict = _precise_same(key, ans, k)
        if verdict is False:
            return Verdict(False, "the values differ")
        if verdict:
            agree.append(k)
    if len(agree) < needed:
        return Verdict(None, "the expressions cannot be evaluated at enough points")
    confirmed = 0
    for k in agree:
        verdict = _precise_same(key, ans, k)
        if verdict is False:
            return Verdict(False, "the values differ slightly")
        confirmed += verdict is True
        if confirmed == min(N_CONFIRM, needed):
            return Verdict(True)
    return Verdict(None, "the values could not be confirmed in high precision")


def _compare_with_tolerance(kd: list, ad: list, valid: list[int], tol: Tolerance, needed: int) -> Verdict:
    if tol.kind in ("rel", "abs") and any(isinstance(v, complex) for k in valid for v in (kd[k], ad[k])):
        return Verdict(None, "complex numbers are not supported with a tolerance")
    if any(not tol.within(ad[k], kd[k]) for k in valid):
        return Verdict(False, "outside the tolerance")
    if len(valid) < needed:
        return Verdict(None, "the expressions cannot be evaluated at enough points")
    return Verdict(True)


def _difference(form: Form, k: int, precise: bool) -> tuple[Any, Any, Any] | None:
    """(lhs - rhs) * sign at point k, its error, and the sides' scale."""
    lhs, rhs = form.parts
    if precise:
        a, b = lhs.precise(k), rhs.precise(k)
        if a is None or b is None:
            return None
        return (a[0] - b[0]) * form.sign, a[1] + b[1], max(abs(a[0]), abs(b[0]))
    x, y = lhs.double()[k], rhs.double()[k]
    if x is None or y is None:
        return None
    return (x - y) * form.sign, 1e-10 * max(abs(x), abs(y)), max(abs(x), abs(y))


def _point(key: Form, ans: Form, k: int, precise: bool) -> tuple[str, Any, Any] | None:
    """("zero",..) when both hold with equality, ("ratio", r, err) or ("mismatch",..)."""
    kd, ad = _difference(key, k, precise), _difference(ans, k, precise)
    if kd is None or ad is None:
        return None
    floor = FLOOR if precise else 0
    kz = abs(kd[0]) <= (1000 if precise else 1) * kd[1] + floor * kd[2]
    az = abs(ad[0]) <= (1000 if precise else 1) * ad[1] + floor * ad[2]
    if kz and az:
        return "zero", None, None
    if kz != az:
        return "mismatch", None, None
    r = ad[0] / kd[0]
    return "ratio", r, abs(r) * (ad[1] / abs(ad[0]) + kd[1] / abs(kd[0]))


def _compare_relations(key: Form, ans: Form) -> Verdict:
    """a - b = k (c - d) for a constant k: nonzero, and positive for inequalities.

    When the doubles agree, two points and every point the doubles could not
    evaluate are decided in high precision; otherwise every point is.
    """
    needed = 1 if key.constant and ans.constant else MIN_POINTS
    usable = [(k, p) for k in range(N_POINTS) if (p := _point(key, ans, k, precise=False)) is not None]
    kinds = {p[0] for _, p in usable}
    ratios = [p[1] for _, p in usable if p[0] == "ratio"]
    clean = len(usable) >= needed and (
        kinds == {"zero"} or (kinds == {"ratio"} and all(_close(r, ratios[0]) for r in ratios))
    )
    unusable = [k for k in range(N_POINTS) if k not in {k2 for k2, _ in usable}]
    check = [k for k, _ in usable[:N_CONFIRM]] + unusable if clean else list(range(N_POINTS))
    exact = [p for k in check if (p := _point(key, ans, k, precise=True)) is not None]
    if len(exact) < (min(needed, N_CONFIRM) if clean else needed):
        return Verdict(None, "the relations cannot be evaluated at enough points")
    kinds = {p[0] for p in exact}
    if "mismatch" in kinds:
        return Verdict(False, "the relations differ")
    if kinds == {"zero"}:
        return Verdict(True)  # both hold identically (x = x and y = y)
    if kinds != {"ratio"}:
        return Verdict(None, "the relations hold at some points only")
    r0 = exact[0][1:]
    if any(not same(p[1:], r0) for p in exact[1:]):
        return Verdict(False, "the relations are not multiples of each other")
    if key.kind in ("lt", "le") and (abs(_H.im(r0[0])) > 1000 * r0[1] or _H.re(r0[0]) <= 0):
        return Verdict(False, "the inequality points the other way")
    return Verdict(True)
