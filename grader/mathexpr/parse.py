"""A recursive-descent reader from tokens to :class:`Node` trees.

Grammar (loosest first): statement = expr (rel expr)*; expr = term (+|-|± term)*;
term = unary ((*|/) unary | implicit power)*; unary = (-|+) unary | power;
power = postfix (^ unary)?; postfix = atom !*; atom = number | name | constant
| (expr, ...) | |expr| | function call | √atom. Implicit multiplication
(``2x``, ``x y``, ``2(x+1)``, ``σ(x)(1-σ(x))``) binds like ``*``; never before
a number and never in the Maxima dialect. Every recursion counts towards
MAX_DEPTH, so 200 nested parentheses are an error, not a RecursionError.
"""

from __future__ import annotations

from fractions import Fraction

from grader.mathexpr import maxima
from grader.mathexpr.calculus import derivative, substitute
from grader.mathexpr.evaluate import check_sizes
from grader.mathexpr.latex import tokenize_latex
from grader.mathexpr.names import BUILTINS, INVERSE, Scope
from grader.mathexpr.tokens import Token, resolve, tokenize_plain
from grader.mathexpr.tree import MAX_CHARS, MAX_DEPTH, Err, MathError, Node, Ok, Parsed


def tokenize(text: str, scope: Scope, syntax: str, lenient: bool, offset: int = 0) -> list[Token]:
    raw = tokenize_latex(text, offset) if syntax == "latex" else tokenize_plain(text, scope.dialect, offset)
    return resolve(raw, scope if syntax != "latex" else scope.with_dialect("latex"), lenient)


def read(text: str, scope: Scope, syntax: str = "plain") -> Parsed:
    """Parse one whole statement strictly: anything left over is an error."""
    if len(text) > MAX_CHARS:
        return Err(f"the expression is too long (more than {MAX_CHARS} characters)", None)
    if not text.strip():
        return Err("there is no expression", None)
    try:
        toks = tokenize(text, scope, syntax, lenient=False)
        node = parse_tokens(toks, scope.with_dialect("latex") if syntax == "latex" else scope, origin=0)
        check_sizes(node)
        return Ok(node, text.strip())
    except MathError as exc:
        return Err.of(exc)


def parse_tokens(tokens: list[Token], scope: Scope, origin: int) -> Node:
    """Tokens of one statement to a tree; ``origin`` makes columns relative to its text."""
    end = tokens[-1].end if tokens else origin
    return _Parser([*tokens, Token("end", None, end, end)], scope, origin).statement()


def infinity_sign(tok: Token) -> int:
    """+1 or -1 for a token that spells infinity (``inf``, ``oo``, ``\\infty``, ``∞``, ``minf``), else 0."""
    if tok.kind not in ("bad", "word") or not str(tok.val).startswith("infinity"):
        return 0
    return -1 if str(tok.val).endswith("(minf)") else 1


def arity(name: str, scope: Scope) -> tuple[int, int]:
    if name in scope.functions:
        n = len(scope.functions[name].args)
        return (n, n) if n else (1, 5)
    return BUILTINS.get(name, (1, 5))


def add(a: Node, b: Node) -> Node:
    return Node("add", (*(a.args if a.op == "add" else (a,)), b), None, a.col)


def mul(a: Node, b: Node) -> Node:
    return Node("mul", (*(a.args if a.op == "mul" else (a,)), b), None, a.col)


def neg(a: Node, col: int) -> Node:
    if a.op == "num":
        return Node("num", (), -a.val, col)
    if a.op == "inf":
        return Node("inf", (), -a.val, col)
    return Node("neg", (a,), None, col)


def power(base: Node, exponent: Node, col: int) -> Node:
    if base.op == "const" and base.val == "e":
        return Node("call", (exponent,), "exp", col)
    return Node("pow", (base, exponent), None, col)


CONSTRUCTORS = frozenset({"oo", "oc", "co", "cc", "matrix", "union", "intersection"})
_ENDS = {"oo": (False, False), "oc": (False, True), "co": (True, False), "cc": (True, True)}


MAX_TERMS = 10_000  # terms of a sum or product with constant bounds


def big(name: str, body: Node, index: str, lo: Node, hi: Node, col: int) -> Node:
    """A sum or product node; constant bounds are checked for size here, others when evaluated."""
    if lo.op == "num" and hi.op == "num" and hi.val - lo.val > MAX_TERMS:
        raise MathError(f"the {'sum' if name == 'sum' else 'product'} has too many terms (more than {MAX_TERMS})", col)
    return Node("sum" if name == "sum" else "prod", (body, lo, hi), index, col)


def _primed_call(name: str, args: list[Node], scope: Scope, col: int) -> Node:
    """``f'(x)``: a rubric function's or a builtin's derivative at x; an unknown f's unknown derivative."""
    base = name.rstrip("'")
    order = len(name) - len(base)
    fdef = scope.functions.get(base)
    if len(args) != 1:
        raise MathError(f"{name} takes 1 argument", col)
    if fdef is not None and fdef.body is None:
        return Node("call", tuple(args), name, col)
    if fdef is None and base not in BUILTINS:
        return Node("call", tuple(args), name, col)
    u = Node("sym", (), "#u")
    found = derivative(Node("call", (u,), base, col), "#u", scope.functions, order)
    return substitute(found, {"#u": args[0]})


def _differential(body: Node) -> tuple[Node, str] | None:
    """(integrand, x) of ``f d x``; also inside a bare argument, ``\\sin t \\, dt``."""
    factors = list(body.args) if body.op == "mul" else [body]
    if len(factors) >= 2 and factors[-2].op == "sym" and factors[-2].val == "d" and factors[-1].op == "sym":
        rest = factors[:-2]
        one = Node("num", (), Fraction(1), body.col)
        return (one if not rest else rest[0] if len(rest) == 1 else Node("mul", tuple(rest), None, body.col)), str(
            factors[-1].val
        )
    last = factors[-1]
    if last.op == "call" and len(last.args) == 1:
        inner = _differential(last.args[0])
        if inner is not None:
            call = Node("call", (inner[0],), last.val, last.col)
            return (call if len(factors) == 1 else Node("mul", (*factors[:-1], call), None, body.col)), inner[1]
    return None


def _setting(node: Node) -> bool:
    return node.op == "rel" and node.val == (":",)


def _joined(op: str, left: Node, right: Node, col: int) -> Node:
    """A flat n-ary node for associative operations (a or b or c), binary otherwise."""
    if op in ("and", "or", "union", "intersection") and left.op == op:
        return Node(op, (*left.args, right), None, left.col)
    return Node(op, (left, right), None, col)


def _constructed(name: str, args: list[Node], col: int) -> Node:
    """Maxima's ``oo(a, b)``..``cc(a, b)`` intervals, ``%union``/``%intersection`` and ``matrix([..], ..)``."""
    if name in _ENDS:
        if len(args) != 2:
            raise MathError(f"{name} takes 2 arguments (the ends of the interval)", col)
        return Node("interval", tuple(args), _ENDS[name], col)
    if name == "matrix":
        rows = [a.args if a.op == "list" else (a,) for a in args]  # a LaTeX row of one cell is that cell
        if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
            raise MathError("a matrix is a list of rows of the same length", col)
        return Node("matrix", tuple(x for row in rows for x in row), (len(rows), len(rows[0])), col)
    if not args:
        return Node("set", (), None, col)
    node = args[0]
    for other in args[1:]:
        node = _joined(name, node, other, col)
    return node


class _Parser:
    def __init__(self, tokens: list[Token], scope: Scope, origin: int):
        self.toks = tokens
        self.i = 0
        self.scope = scope
        self.origin = origin
        self.depth = 0
        self.bars = 0
        self.implicit = scope.dialect != "maxima"

    def col(self, tok: Token) -> int:
        return tok.col - self.origin + 1

    def peek(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        tok = self.toks[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def fail(self, tok: Token) -> MathError:
        if tok.kind == "bad":
            return MathError(str(tok.val), self.col(tok))
        if tok.kind == "end":
            return MathError("the expression ends too early", self.col(tok))
        return MathError(f"could not read the expression at column {self.col(tok)}", self.col(tok))

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MathError("the expression is too deeply nested", self.col(tok))

    def statement(self) -> Node:
        node = self.logic()
        if self.peek().kind != "end":
            raise self.fail(self.peek())
        return node

    def logic(self) -> Node:
        """``a or b``, ``a and b``, ``not a`` (loosest first) over relations; ``x = 1 or x = 2``."""
        self.enter(self.peek())
        left = self.conjunction()
        while (tok := self.peek()).kind == "logic" and tok.val in ("or", "xor", "implies", "xnor"):
            self.take()
            left = _joined(str(tok.val), left, self.conjunction(), self.col(tok))
        self.depth -= 1
        return left

    def conjunction(self) -> Node:
        left = self.negation()
        while (tok := self.peek()).kind == "logic" and tok.val == "and":
            self.take()
            left = _joined("and", left, self.negation(), self.col(tok))
        return left

    def negation(self) -> Node:
        tok = self.peek()
        if tok.kind == "logic" and tok.val == "not":
            self.take()
            self.enter(tok)
            operand = self.negation()
            self.depth -= 1
            return Node("not", (operand,), None, self.col(tok))
        return self.relation()

    def relation(self) -> Node:
        first = self.peek()
        sides, ops = [self.sets()], []
        while self.peek().kind == "rel":
            ops.append(self.take().val)
            sides.append(self.sets())
        return Node("rel", tuple(sides), tuple(ops), self.col(first)) if ops else sides[0]

    def sets(self) -> Node:
        """``A ∪ B``, ``A ∩ B``, ``A \\ B`` of intervals and sets, left to right."""
        left = self.expr()
        while (tok := self.peek()).kind == "setop":
            self.take()
            right = self.expr()
            left = _joined(str(tok.val), left, right, self.col(tok))
        return left

    def expr(self) -> Node:
        self.enter(self.peek())
        left = self.term()
        while (tok := self.peek()).kind == "op" and tok.val in ("+", "-", "pm"):
            self.take()
            right = self.term()
            if tok.val == "+":
                left = add(left, right)
            elif tok.val == "-":
                left = add(left, neg(right, self.col(tok)))
            else:
                left = Node("pm", (left, right), None, self.col(tok))
        self.depth -= 1
        return left

    def starts_factor(self, tok: Token) -> bool:
        if tok.kind in ("sym", "const", "func", "root", "lp", "unit", "dop", "bigop"):
            return True
        return tok.kind == "bar" and self.bars == 0

    def term(self) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.val in ("*", "/"):
                self.take()
                right = self.unary()
                left = mul(left, right) if tok.val == "*" else Node("div", (left, right), None, self.col(tok))
            elif self.implicit and self.starts_factor(tok):
                left = mul(left, self.power())
            else:
                return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.val in ("-", "+", "pm"):
            self.take()
            self.enter(tok)
            operand = self.unary()
            self.depth -= 1
            if tok.val == "pm":  # ±2021 is 0 ± 2021
                return Node("pm", (Node("num", (), Fraction(0), self.col(tok)), operand), None, self.col(tok))
            return neg(operand, self.col(tok)) if tok.val == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        tok = self.peek()
        if tok.kind == "op" and tok.val == "^":
            self.take()
            self.enter(tok)
            exponent = self.unary()
            self.depth -= 1
            if exponent.op == "sym" and exponent.val == "T" and "T" not in self.scope.variables:
                return Node("call", (base,), "transpose", self.col(tok))  # A^T, A^{\top}, A.T
            return power(base, exponent, self.col(tok))
        return base

    def postfix(self) -> Node:
        """``n!``; ``25%`` is percent(25), 0.25; ``30°`` is degrees(30), π/6."""
        node = self.atom()
        while (tok := self.peek()).kind == "op" and tok.val in ("!", "%", "deg"):
            self.take()
            if tok.val == "!":
                node = Node("fact", (node,), None, self.col(tok))
            elif tok.val == "%":
                node = Node("call", (node,), "percent", self.col(tok))
            else:
                node = Node("call", (node,), "degrees", self.col(tok))
        return node

    def atom(self) -> Node:
        tok = self.take()
        col = self.col(tok)
        if tok.kind in ("num", "sym", "const"):
            return Node(tok.kind, (), tok.val, col)
        if tok.kind == "truth":
            return Node("truth", (), tok.val, col)
        if tok.kind == "unit":
            return Node("unit", (), tok.val, col)
        if tok.kind == "bigop":
            return self.big_operator(tok)
        if tok.kind == "dop":  # \frac{d}{dx} f: the derivative of the product that follows
            self.enter(tok)
            body = self.term()
            self.depth -= 1
            return derivative(body, str(tok.val), self.scope.functions)
        if tok.kind == "empty":
            return Node("set", (), None, col)
        if infinity_sign(tok):
            return Node("inf", (), infinity_sign(tok), col)
        if tok.kind == "lp":
            return self.group(tok)
        if tok.kind == "bar":
            return self.bars_abs(tok)
        if tok.kind == "func":
            return self.call(tok)
        if tok.kind == "root":
            self.enter(tok)
            arg = self.postfix()
            self.depth -= 1
            if tok.val == "root4":
                return Node("pow", (arg, Node("num", (), Fraction(1, 4), col)), None, col)
            return Node("call", (arg,), tok.val, col)
        raise self.fail(tok)

    def big_operator(self, tok: Token) -> Node:
        """``\\sum_{k=1}^{n} body`` and ``\\prod``: the body is the product that follows."""
        name, lower, upper = tok.val
        col = self.col(tok)
        if name == "int":
            return self.integral(tok, lower, upper)
        what = "sum" if name == "sum" else "product"
        if not lower or not upper:
            raise MathError(f"a {what} needs its bounds, as in \\{name}_{{k=1}}^{{n}}", col)
        start = parse_tokens(lower, self.scope, self.origin)
        if start.op != "rel" or start.val != ("=",) or start.args[0].op != "sym":
            raise MathError(f"the lower bound of a {what} names its index: k=1", col)
        end = parse_tokens(upper, self.scope, self.origin)
        self.enter(tok)
        body = self.term()
        self.depth -= 1
        return big(name, body, str(start.args[0].val), start.args[1], end, col)

    def integral(self, tok: Token, lower: list[Token] | None, upper: list[Token] | None) -> Node:
        """``\\int f(x)\\,dx``: an antiderivative of f, ending at its differential ``dx``."""
        col = self.col(tok)
        if lower or upper:
            raise MathError("definite integrals are not supported", col)
        self.enter(tok)
        body = self.term()
        self.depth -= 1
        split = _differential(body)
        if split is None:
            raise MathError("an integral needs its differential, as in \\int x^2\\,dx", col)
        integrand, var = split
        return Node("integral", (integrand,), var, col)

    def group(self, open_tok: Token) -> Node:
        """``(a)``; tuples ``(a, b)``, lists ``[a, b]``, sets ``{a, b}`` / ``\\{a\\}``; intervals ``(a, b]``.

        A one-element set needs ``\\{..\\}`` (or Maxima's ``{..}``): a plain ``{x}`` is grouping,
        as in ``e^{-2x}``. Infinity is read only as an end of an interval, tuple or list of two.
        """
        self.enter(open_tok)
        opened = str(open_tok.val)
        if self.peek().kind == "rp":
            if (
                opened in ("{", "\\{", "[")
                and self.peek().val == opened
                and (opened != "{" or self.scope.dialect == "maxima")
            ):
                self.take()
                self.depth -= 1
                return Node("set" if opened != "[" else "list", (), None, self.col(open_tok))
            raise MathError(f"empty parentheses at column {self.col(self.peek())}", self.col(self.peek()))
        items = [self.item()]
        while self.peek().kind == "comma":
            self.take()
            items.append(self.item())
        close = self.take()
        interval = (
            close.kind == "rp" and len(items) == 2 and {opened, str(close.val)} == {"(", "["}
        )  # (a, b] and [a, b)
        if not interval and (close.kind != "rp" or close.val != open_tok.val):
            if close.kind in ("rp", "end", "comma"):
                raise MathError(f"unbalanced brackets at column {self.col(close)}", self.col(close))
            raise self.fail(close)
        self.depth -= 1
        col = self.col(open_tok)
        infinite = [n for n in items if n.op == "inf"]
        if infinite and not (len(items) == 2 and opened in "(["):
            raise MathError("infinity is supported only as the end of an interval", infinite[0].col)
        if interval:
            return Node("interval", tuple(items), (opened == "[", str(close.val) == "["), col)
        is_set = opened == "\\{" or (opened == "{" and self.scope.dialect == "maxima")
        is_set = is_set or (opened == "{" and len(items) > 1 and self.scope.dialect in ("plain", "latex"))
        if is_set:
            return Node("set", tuple(items), None, col)
        if len(items) == 1:
            if opened == "[" and self.scope.dialect == "maxima":
                return Node("list", tuple(items), None, col)
            return items[0]
        if opened == "(":
            if self.scope.dialect == "maxima" and all(_setting(a) for a in items[:-1]):
                return items[-1]  # (algebraic:true, e): how Maxima simplifies e, then e
            return Node("tuple", tuple(items), None, col)
        if opened == "[":
            return Node("list", tuple(items), None, col)
        raise MathError("lists, sets and intervals are not supported", col)

    def item(self) -> Node:
        """An element of a bracket: an expression, a relation (``{x = 1, x = 2}``) or ±infinity."""
        k = self.i
        sign = 1
        while self.toks[k].kind == "op" and self.toks[k].val in ("+", "-"):
            sign = -sign if self.toks[k].val == "-" else sign
            k += 1
        tok = self.toks[k]
        if infinity_sign(tok) and self.toks[k + 1].kind in ("comma", "rp"):
            self.i = k + 1
            return Node("inf", (), sign * infinity_sign(tok), self.col(tok))
        return self.logic()

    def bars_abs(self, tok: Token) -> Node:
        self.enter(tok)
        self.bars += 1
        inner = self.expr()
        close = self.take()
        if close.kind != "bar":
            raise self.fail(close)
        self.bars -= 1
        self.depth -= 1
        return Node("call", (inner,), "abs", self.col(tok))

    def call(self, tok: Token) -> Node:
        name, col = str(tok.val), self.col(tok)
        self.enter(tok)
        exponent = None
        if (nxt := self.peek()).kind == "op" and nxt.val == "^":  # sin^2 x, sin^{-1}(x)
            self.take()
            exponent = self.unary()
        if (nxt := self.peek()).kind == "lp" and nxt.val in "({":  # \sin{x} as well as sin(x)
            self.take()
            args = [self.item()]
            while self.peek().kind == "comma":
                self.take()
                args.append(self.item())
            close = self.take()
            if close.kind != "rp" or close.val != nxt.val:
                raise self.fail(close)
        elif self.implicit and (self.starts_factor(nxt) or nxt.kind == "num" or (nxt.kind == "op" and nxt.val == "-")):
            arg = self.unary()  # bare argument: \sin 2x, \ln x, sin 5n
            while self.starts_factor(self.peek()) and self.peek().kind not in ("func", "root"):
                arg = mul(arg, self.power())
            args = [arg]
        else:
            raise MathError(f"{name} needs an argument in parentheses at column {col}", col)
        if tok.base is not None:
            args.append(parse_tokens(tok.base, self.scope, self.origin) if tok.base else Node("num", (), Fraction(10)))
        if name in CONSTRUCTORS and name not in self.scope.functions:
            self.depth -= 1
            return _constructed(name, args, col)
        if name.endswith("'"):
            self.depth -= 1
            return _primed_call(name, args, self.scope, col)
        if self.scope.dialect == "maxima" and name not in self.scope.functions:
            rewritten = maxima.rewrite(name, args, self.scope.functions, col)
            if rewritten is not None:
                self.depth -= 1
                return rewritten
        lo, hi = arity(name, self.scope)
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise MathError(f"{name} takes {want} argument{'s' if hi > 1 else ''}", col)
        self.depth -= 1
        node = Node("call", tuple(args), name, col)
        if exponent is None:
            return node
        if exponent.op == "num" and exponent.val == -1 and name in INVERSE:
            return Node("call", tuple(args), INVERSE[name], col)
        return power(node, exponent, col)
