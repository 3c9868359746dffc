"""``expression``: mathematical equivalence of the answer's math with a key.

The key is parsed and its values at the sample points computed once, at
compile time. An answer is searched for math (LaTeX blocks, lines,
``\\boxed{}``), and the chosen statement - by default the last one that can
be read - is compared numerically (see :mod:`grader.mathexpr.equivalence`).
A student's unreadable math is feedback with a column; an undecidable check
goes to review.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, SpecError, register
from grader.mathexpr import Err, Key, MathError, Node, Scope, Tolerance, build_scope, read, statements, unknown_symbols
from grader.mathexpr.equivalence import EXACT, Verdict
from grader.mathexpr.extract import strip_markdown
from grader.mathexpr.matrices import matrix_shapes
from grader.mathexpr.names import builtin, canonical_name
from grader.mathexpr.tree import free_symbols
from grader.mathexpr.units import Unit, in_base_units, split_quantity, unit_of
from grader.rubric.numbers import FINITE, Real

CONSTANT_NAMES = ("C", "c", "K", "C_1", "c_1", "C_0")  # how an answer writes "+ C"


class FunctionSpec(SpecBase):
    args: list[str] = Field(min_length=1)
    expr: str | None = None  # None: an unknown function, equal only to itself


class ExpressionSpec(SpecBase):
    type: Literal["expression"]
    expr: str = Field(min_length=1)
    variables: list[str] = Field(default_factory=list)
    functions: dict[str, FunctionSpec] = Field(default_factory=dict)
    require_functions: list[str] = Field(default_factory=list)
    forbid_functions: list[str] = Field(default_factory=list)
    extract: Literal["last", "whole", "any"] = "last"
    syntax: Literal["auto", "latex", "plain"] = "auto"
    domain: dict[str, tuple[Real, Real] | Literal["real", "positive", "negative", "integer", "natural"]] = Field(
        default_factory=dict
    )
    tol: Annotated[float, Field(gt=0, lt=1), FINITE] | None = None
    equations: Literal["proportional", "solutions"] = "proportional"
    matrices: list[str] | dict[str, tuple[int, int]] = Field(default_factory=list)
    imaginary: list[Literal["i", "j"]] = Field(default_factory=list)  # names of sqrt(-1): complex answers
    ordered: bool = True  # false: tuples and lists of roots compare in any order
    unit: str | None = None  # the key's unit (pint's names: "uF", "m/s^2"): answers are compared after conversion
    require_unit: bool | str = False  # true: the answer must give a unit; a unit name: exactly that unit
    antiderivative: str | None = None  # the variable: answers equal up to a constant of integration
    constant: Literal["optional", "required"] = "optional"  # with antiderivative: must "+ C" be written?

    @model_validator(mode="after")
    def _domain_ranges(self) -> ExpressionSpec:
        for name, where in self.domain.items():
            if not isinstance(where, str) and not where[0] < where[1]:
                raise ValueError(f"domain of {name}: the lower bound must be below the upper bound")
        return self


def _definitions(
    ctx: CompileContext, spec: ExpressionSpec
) -> tuple[list[str], dict[str, tuple[list[str], str | None]]]:
    defs = ctx.definitions or {}
    variables = [*defs.get("variables", []), *spec.variables]
    functions: dict[str, tuple[list[str], str | None]] = {}
    for name, raw in {**defs.get("functions", {}), **spec.functions}.items():
        try:
            f = raw if isinstance(raw, FunctionSpec) else FunctionSpec.model_validate(raw)
        except ValidationError as exc:
            raise SpecError(f"function {name}: {exc.errors()[0]['msg']}", ("functions", name)) from None
        functions[name] = (f.args, f.expr)
    return variables, functions


def _function_names(names: list[str], scope: Scope, field: str) -> frozenset[str]:
    out = set()
    for name in names:
        canon = canonical_name(name)
        known = canon if canon in scope.functions else builtin(canon)
        if known is None:
            raise SpecError(f"unknown function {name!r}: define it under functions", (field,))
        out.add(known)
    return frozenset(out)


def _syntax_of(text: str, syntax: str) -> str:
    return syntax if syntax != "auto" else ("latex" if "\\" in text else "plain")


@register("expression", ExpressionSpec)
def compile_expression(spec: ExpressionSpec, ctx: CompileContext) -> Checker:
    variables, functions = _definitions(ctx, spec)
    constants = [c for c in CONSTANT_NAMES if c not in variables] if spec.antiderivative else []
    try:
        scope = build_scope(
            [*variables, *constants],
            functions,
            imaginary=[u for u in spec.imaginary if u not in variables],
            units="all" if spec.unit is not None else "",
        )
    except MathError as exc:
        raise SpecError(exc.message, ("functions",)) from None
    parsed = read(spec.expr, scope, _syntax_of(spec.expr, spec.syntax))
    if isinstance(parsed, Err):
        raise SpecError(f"the key cannot be read: {parsed.message}", ("expr",))
    unknown = unknown_symbols(parsed.node, scope)
    if unknown:
        raise SpecError(f"unknown symbol {unknown[0]} in the key: add it to variables", ("expr",))
    for name in spec.domain:
        if canonical_name(name) not in scope.variables:
            raise SpecError(f"domain: {name} is not a variable", ("domain",))
    key_node, unit = _key_quantity(spec, parsed.node)
    required = _function_names(spec.require_functions, scope, "require_functions")
    forbidden = _function_names(spec.forbid_functions, scope, "forbid_functions")
    try:
        key = Key(
            key_node,
            scope,
            tol=EXACT if spec.tol is None else Tolerance("tol", spec.tol),
            domain={canonical_name(n): r for n, r in spec.domain.items()},
            equations=spec.equations,
            matrices=matrix_shapes(spec.matrices),
            antiderivative=canonical_name(spec.antiderivative) if spec.antiderivative else None,
            ordered=spec.ordered,
            unit=unit,
            require_unit=spec.require_unit,
        )
    except MathError as exc:
        raise SpecError(f"the key cannot be compared: {exc.message}", ("expr",)) from None
    if spec.antiderivative and canonical_name(spec.antiderivative) not in scope.variables:
        raise SpecError(f"antiderivative: {spec.antiderivative} is not a variable", ("antiderivative",))
    return _ExpressionChecker(spec, scope, key, required, forbidden, frozenset(constants))


def _key_quantity(spec: ExpressionSpec, node: Node) -> tuple[Node, Unit | None]:
    """The key in SI base units, and its unit (None when the item has no unit)."""
    if spec.unit is None:
        return node, None
    unit = unit_of(spec.unit.replace("^", "**"))
    if unit is None:
        raise SpecError(f"unknown unit {spec.unit!r}", ("unit",))
    if isinstance(spec.require_unit, str):
        exact = unit_of(spec.require_unit.replace("^", "**"))
        if exact is None or not exact.same_dimension(unit):
            raise SpecError(f"require_unit: {spec.require_unit!r} is not a unit of {spec.unit}", ("require_unit",))
    try:
        value, written = split_quantity(node)
    except MathError as exc:
        raise SpecError(f"the key cannot be read: {exc.message}", ("expr",)) from None
    if written is not None:
        raise SpecError("write the key's value in expr and its unit in unit", ("expr",))
    return in_base_units(value, unit), Unit(spec.unit, unit.factor, unit.dimensions)


class _ExpressionChecker:
    def __init__(
        self,
        spec: ExpressionSpec,
        scope: Scope,
        key: Key,
        required: frozenset,
        forbidden: frozenset,
        constants: frozenset[str] = frozenset(),
    ):
        self.constants = constants  # names of a constant of integration (antiderivative checks)
        self.spec = spec
        self.scope = scope
        self.key = key
        self.required = required
        self.forbidden = forbidden
        self.trivial_key = key.node.op in ("sym", "num", "const")

    def __call__(self, answer: str) -> Match:
        return self._any(answer) if self.spec.extract == "any" else self._first(answer)

    def _first(self, answer: str) -> Match:
        """last / whole: the first readable statement in search order decides (see :meth:`_chain`)."""
        problems: list[str] = []
        for text, parsed in self._statements(answer):
            if isinstance(parsed, Err):
                problems.append(_with_column(parsed))  # prose around the math, or a typo: look further
                continue
            nodes = self.key.candidates(parsed.node, every_side=True)
            if self.key.form.kind == "expr" and parsed.node.op != "rel":
                nodes = [parsed.node]
            if not nodes:
                continue
            if all(node.op == "sym" for node in nodes) and not self.trivial_key:
                continue  # "... for all x": a lone name is prose, not the answer
            return self._chain(text, nodes)
        return _unread(problems)

    def _chain(self, text: str, sides: list[Node]) -> Match:
        """One statement: an expression, an equation, or for an expression key the sides of ``a = b = c``.

        The conclusion is the rightmost side that is not a bare name and has no unknown symbols
        (``H = ...``, ``dL/dW = ...`` name the quantity). A conclusion that is not equivalent to
        the key decides "no", whatever the earlier sides say. An equivalent conclusion that
        breaks a form constraint (``... = 2σ(2x) - 1 = 2/(1+e^{-2x}) - 1``, ``2σ(2x) - 1 = tanh(x)``)
        matches when another side of the same chain is equivalent and meets the constraints.
        """
        usable = [s for s in sides if not unknown_symbols(s, self.scope) and (s.op != "sym" or self.trivial_key)]
        if not usable:
            return Match.no(message=self._problem(sides[-1]) or "no expression found in the answer")
        conclusion = usable[-1]
        verdict = self._compare(conclusion)
        if verdict.equal is None:
            return Match.needs_review(f"could not decide whether {text!r} equals the key: {verdict.reason}")
        if not verdict.equal:
            return Match.no(message=verdict.reason if verdict.feedback else None)
        problem = self._problem(conclusion)
        if problem is None:
            return Match.yes(text)
        for side in reversed(usable[:-1]):
            if self._problem(side) is not None:
                continue
            other = self._compare(side)
            if other.equal:
                return Match.yes(text)
            if other.equal is None:
                return Match.needs_review(f"could not decide whether {text!r} equals the key: {other.reason}")
        return Match.no(message=problem)

    def _any(self, answer: str) -> Match:
        """any: every statement and every side of every equation is a candidate."""
        problems: list[str] = []
        undecided: str | None = None
        compared = False
        for text, parsed in self._statements(answer):
            if isinstance(parsed, Err):
                problems.append(_with_column(parsed))
                continue
            for node in self.key.candidates(parsed.node, every_side=True):
                problem = self._problem(node)
                if problem is not None:
                    problems.append(problem)
                    continue
                verdict = self._compare(node)
                compared = True
                if verdict.equal:
                    return Match.yes(text)
                if verdict.equal is None and undecided is None:
                    undecided = f"could not decide whether {text!r} equals the key: {verdict.reason}"
        if undecided:
            return Match.needs_review(undecided)
        if compared:  # read and compared, and not the key: a plain miss, not an unreadable answer
            return Match.no(message=_most_helpful(problems) if problems else None)
        return _unread(problems)

    def _compare(self, node: Node) -> Verdict:
        return self.key.compare(node)

    def _statements(self, answer: str) -> Any:
        """(text, parse) of each candidate statement in search order.

        For an expression key, a statement whose left side cannot be read (``H'(x) = 1 + r``,
        ``\\frac{\\partial H}{\\partial x} = 1 + r``) is read from the right side on.
        """
        if self.spec.extract == "whole":
            text = strip_markdown(answer)
            yield answer, read(text, self.scope, _syntax_of(text, self.spec.syntax))
            return
        found = statements(answer, self.scope, self.spec.syntax)
        for stmt in reversed(found) if self.spec.extract == "last" else found:
            parsed = stmt.parsed
            if isinstance(parsed, Err) and self.key.form.kind == "expr":
                tail = stmt.tail()
                if tail is not None:
                    yield tail.text, tail
                    continue
            yield stmt.text, parsed

    def _problem(self, node: Node) -> str | None:
        """Unknown symbols and form constraints ("in terms of σ"), checked on the student's tree."""
        unknown = unknown_symbols(node, self.scope)
        if unknown:
            return f"unknown symbol {unknown[0]}"
        used = {str(n.val) for n in node.walk() if n.op == "call"}
        missing = sorted(self.required - used)
        if missing:
            return f"the answer must be written using {', '.join(missing)}"
        banned = sorted(self.forbidden & used)
        if banned:
            return f"the answer must not use {', '.join(banned)}"
        if self.spec.constant == "required" and self.constants and not free_symbols(node) & self.constants:
            return "add the constant of integration (+ C)"
        return None


def _unread(problems: list[str]) -> Match:
    """Nothing in the answer could be read as math to compare: feedback for the student, a doubt for review."""
    message = _most_helpful(problems)
    return Match(False, message=message, doubts=(Doubt("unread", message),))


def _with_column(err: Err) -> str:
    """A reading problem as feedback, with where it is (1-based column in the answer)."""
    if err.column is None or "column" in err.message:
        return err.message
    return f"{err.message} at column {err.column}"


def _most_helpful(problems: list[str]) -> str:
    """A specific message ("unknown command \\input") beats "could not read ..." from prose around it."""
    generic = ("could not read", "the expression ends too early", "empty parentheses", "unbalanced")
    specific = [p for p in problems if not p.startswith(generic)]
    return (specific or problems or ["no expression found in the answer"])[0]
