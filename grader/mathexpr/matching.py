"""A key compiled once, and the rules for comparing a student's statement with it.

Shared by the ``expression`` checker and ``python -m grader equiv``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from grader.mathexpr import sandbox
from grader.mathexpr.calculus import derivative
from grader.mathexpr.equivalence import EXACT, Context, Form, Tolerance, Verdict, compare, form_of, unordered
from grader.mathexpr.evaluate import N_POINTS
from grader.mathexpr.matrices import Shape, ShapeError, matrix_symbols
from grader.mathexpr.names import FunctionDef, Scope, canonical_name
from grader.mathexpr.parse import read
from grader.mathexpr.tree import Err, MathError, Node, free_symbols, show
from grader.mathexpr.units import Unit, in_base_units, split_quantity, strip_units, unit_of


def build_scope(
    variables: Iterable[str],
    functions: Mapping[str, tuple[list[str], str | None]],
    *,
    open: bool = False,
    dialect: str = "plain",
    imaginary: Iterable[str] = (),
    units: str = "",
) -> Scope:
    """A scope with rubric functions parsed (plain syntax) and checked.

    A function body may use its arguments, builtins and functions defined
    before it (no recursion); anything else is a MathError naming the function.
    """
    fdefs: dict[str, FunctionDef] = {}
    names = {canonical_name(n): (list(map(canonical_name, a)), e) for n, (a, e) in functions.items()}
    for name, (args, expr) in names.items():
        if expr is None:
            fdefs[name] = FunctionDef(tuple(args))
            continue
        body_scope = Scope(frozenset(args), dict(fdefs), dialect="plain")
        parsed = read(expr, body_scope, "latex" if "\\" in expr else "plain")
        if isinstance(parsed, Err):
            raise MathError(f"function {name}: {parsed.message}", parsed.column)
        extra = free_symbols(parsed.node) - set(args)
        if extra:
            raise MathError(f"function {name}: unknown symbol {sorted(extra)[0]} (not one of its arguments)")
        fdefs[name] = FunctionDef(tuple(args), parsed.node)
    return Scope(
        frozenset(map(canonical_name, variables)),
        fdefs,
        open=open,
        dialect=dialect,
        imaginary=frozenset(imaginary),
        units=units,
    )


def unknown_symbols(node: Node, scope: Scope) -> list[str]:
    return sorted(s for s in free_symbols(node) if not scope.symbol_allowed(s))


class Key:
    """The teacher's statement, compiled once; its values at the points are cached."""

    def __init__(
        self,
        node: Node,
        scope: Scope,
        *,
        tol: Tolerance = EXACT,
        domain: Mapping | None = None,
        assignments: bool = True,
        equations: str = "proportional",
        matrices: Mapping[str, Shape] | None = None,
        antiderivative: str | None = None,
        ordered: bool = True,
        unit: Unit | None = None,
        require_unit: bool | str = False,
    ):
        # A key with a unit is in SI base units; answers are quantities converted the same way.
        if unit is None and any(n.op == "unit" for n in node.walk()):  # "15 cm^2" written in the key
            value, unit = split_quantity(node)
            node = node if unit is None else in_base_units(value, unit)
        self.unit, self.require_unit = unit, require_unit
        self.ordered = ordered  # tuples and lists in order, or as sets (roots in any order)
        # An antiderivative key compares derivatives: answers equal up to a constant.
        self.antiderivative = antiderivative
        if node.op == "integral":  # \int f dx: any antiderivative of f
            self.antiderivative, node = str(node.val), node.args[0]
        elif antiderivative is not None:
            node = derivative(node, antiderivative, scope.functions)
        self.node = node
        self.equations = equations
        self.scope = scope
        self.tol = tol
        self.declared = dict(matrices or {})
        self.assignments = assignments
        self.domain = dict(domain or {})
        self.ctx = Context(scope.functions, self._domain_for([node]), matrix_symbols([node], self.declared))
        self.value, self.form = self._forms(self.ctx)
        for part in self.form.parts + (self.value.parts if self.value else ()):  # computed now, reused
            part.double()
            for k in range(N_POINTS):
                part.precise(k)
        self._by_context: dict[tuple, tuple[Form | None, Form]] = {}

    def _forms(self, ctx: Context) -> tuple[Form | None, Form]:
        # A key "k = 1", "f(x) = x^2" or "(p, q) = (3, 2)" names a value: the answer may give just the value.
        value = None
        if self.assignments and _is_assignment(self.node):
            value = form_of(self.node.args[-1], ctx)
        try:
            form = form_of(self.node, ctx)
        except MathError:
            if value is None:
                raise
            form = value  # "(p, q) = (3, 2)" can only be compared as its value
        return value, form

    def _domain_for(self, nodes: list[Node]) -> dict:
        """A symbol in the bounds of a sum (``sum(k^2, k, 1, n)``) counts: it is sampled at 1, 2, 3, ..."""
        counts = {
            s for node in nodes for big in node.walk() if big.op in ("sum", "prod") for s in free_symbols(big.args[2])
        }
        return {**{s: "natural" for s in counts}, **self.domain}

    def _context_for(self, node: Node) -> tuple[Context, Form | None, Form]:
        """Matrices a transpose in the answer reveals (``(AB)^T``) are matrices in the key too."""
        shapes = matrix_symbols([self.node, node], self.declared)
        domain = self._domain_for([self.node, node])
        if shapes == self.ctx.matrices and domain == self.ctx.domain:
            return self.ctx, self.value, self.form
        ctx = Context(self.ctx.functions, domain, shapes)
        cached = (tuple(sorted(shapes.items())), tuple(sorted(domain.items(), key=str)))
        if cached not in self._by_context:
            self._by_context[cached] = self._forms(ctx)
        return ctx, *self._by_context[cached]

    def candidates(self, node: Node, every_side: bool = False) -> list[Node]:
        """The parts of a student statement to compare with this key.

        An expression key is compared with an expression, or with the last
        side of an equation chain (``tanh(x) = 2σ(2x) - 1``); with
        ``every_side`` each side of the chain is a candidate.
        """
        if self.form.kind == "expr" and node.op == "rel":
            if not all(op == "=" for op in node.val):
                return []
            return list(node.args) if every_side else [node.args[-1]]
        return [node]

    def kind_of(self, node: Node) -> str | None:
        """The kind of answer ``node`` is (expr, eq, set, matrix, ...), None when it cannot be compared."""
        try:
            return form_of(node, self._context_for(node)[0]).kind
        except MathError:
            return None

    def compare(self, node: Node, symbolic: bool = True) -> Verdict:
        """The key against one answer statement; with a unit, as quantities in SI base units."""
        if self.unit is None and not any(n.op == "unit" for n in node.walk()):
            return self._compare(node, symbolic)
        try:
            if self.unit is None:  # units the key does not have: the value decides
                return self._compare(strip_units(node), symbolic)
            value, unit = split_quantity(node)
        except MathError as exc:
            return Verdict(False, exc.message, feedback=True)
        name = self.unit.text
        if unit is None:
            if self.require_unit:
                return Verdict(False, f"give the unit ({name})", feedback=True)
            return self._compare(in_base_units(value, self.unit), symbolic)  # a bare number is in the key's unit
        if not unit.same_dimension(self.unit):
            return Verdict(False, f"{unit.text} is not a unit of {name}", feedback=True)
        if isinstance(self.require_unit, str):
            exact = unit_of(self.require_unit.replace("^", "**"))
            if exact is None or exact.factor != unit.factor:
                return Verdict(False, f"write the answer in {self.require_unit}", feedback=True)
        return self._compare(in_base_units(value, unit), symbolic)

    def _compare(self, node: Node, symbolic: bool = True) -> Verdict:
        try:
            if self.antiderivative is not None:
                node = derivative(node, self.antiderivative, self.scope.functions)
            ctx, value, form = self._context_for(node)
            try:
                answer = form_of(node, ctx)
            except MathError:
                if not _is_assignment(node):
                    raise
                answer = form_of(node.args[-1], ctx)  # "D = (0, 1)": the value it names
                node = node.args[-1]
        except ShapeError as exc:  # the answer's own matrices do not fit: a mistake, not a doubt
            return Verdict(False, exc.message, feedback=True)
        except MathError as exc:
            return Verdict(None, exc.message)
        key = value if value is not None and answer.kind == "expr" else form
        if not self.ordered:
            key, answer = unordered(key), unordered(answer)
        verdict = compare(key, answer, self.tol, self.equations)
        if verdict.equal is False and _has(node, "degrees") and not _has(self.node, "degrees"):
            plain = form_of(_without(node, "degrees"), ctx)  # "90°" for a key written as 90
            if compare(key, plain, self.tol, self.equations).equal:
                return Verdict(True, "equal in degrees")
        if verdict.equal is False and key.node is not None and _has(key.node, "percent") and not _has(node, "percent"):
            bare = form_of(_without(key.node, "percent"), ctx)  # "28" for a key of 28%: the number of percent
            if compare(bare, answer, self.tol, self.equations).equal:
                return Verdict(True, "equal in percent")
        worth_it = key.kind == answer.kind == "expr" and not (key.constant and answer.constant)
        if verdict.equal is None and symbolic and worth_it and self.tol is EXACT:  # constants: SymPy knows no more
            decided = sandbox.symbolic_equal(key.node, answer.node, self.scope.functions)  # type: ignore[arg-type]
            if decided is not None:
                return Verdict(decided, "decided symbolically")
        return verdict


def _has(node: Node | None, function: str) -> bool:
    return node is not None and any(n.op == "call" and n.val == function for n in node.walk())


def _without(node: Node, function: str) -> Node:
    """``node`` with ``function(x)`` read as x: 90° as 90, 28% as 28."""
    if node.op == "call" and node.val == function:
        return _without(node.args[0], function)
    return Node(node.op, tuple(_without(a, function) for a in node.args), node.val, node.col) if node.args else node


def _is_assignment(node: Node) -> bool:
    """``k = ..``, ``f(x) = ..``, ``|AB| = ..``, ``(p, q) = ..``: a name for a value, not a formula."""
    if node.op != "rel" or any(op != "=" for op in node.val):
        return False
    return all(n.op in ("sym", "call", "mul", "div", "tuple") for n in node.args[0].walk())


def describe(node: Node) -> str:
    return show(node)


__all__ = ["Form", "Key", "build_scope", "describe", "unknown_symbols"]
