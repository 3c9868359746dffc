"""Fast numeric evaluation of trees: the compiler, the double backend, sample points.

A tree is compiled once into nested closures (no ``eval``, no ``lambdify``),
then called at sample points. Values are principal-branch complex numbers:
real where possible, so ``sqrt(x^2)`` and ``x`` differ at negative points. The
doubles are fast; :mod:`grader.mathexpr.precise` adds 50- and 80-digit
backends that arbitrate close calls and overflow. All raise on overflow
instead of computing astronomically large numbers.
"""

from __future__ import annotations

import cmath
import hashlib
import math
import random
from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any

from grader.mathexpr.names import FunctionDef
from grader.mathexpr.tree import MAX_FACTORIAL, MAX_POWER, MathError, Node

Value = Any
Env = dict[str, Value]
# What a tracking backend records in the environment (not symbol names), as binary exponents:
# the most bits any sum lost to cancellation (log2 |largest term| / |sum|), the same for the sums
# before the last, and the magnitude of the last sum's largest term.
LOSS, INNER_LOSS, LARGEST = "#loss", "#inner-loss", "#largest"
ALL_LOST = 1_000  # bits: a sum that cancelled to exactly zero
Compiled = Callable[[Env], Value]
N_POINTS = 12

# ---- doubles -------------------------------------------------------------------


def _fix(v: Value) -> Value:
    # complex results with a zero imaginary part become floats: a signed zero
    # (-2-0j) would put sqrt on the other side of its branch cut.
    if type(v) is complex and v.imag == 0:
        return v.real
    return v


def _real(v: Value) -> float:
    if type(v) is complex:
        if abs(v.imag) > 1e-12 * max(1.0, abs(v.real)):
            raise ValueError("not real")
        return v.real
    return float(v)


def _lift(real_fn: Callable[[float], float], complex_fn: Callable[[complex], complex], ok=lambda x: True):
    def fn(x: Value) -> Value:
        if type(x) is float and ok(x):
            return real_fn(x)
        return _fix(complex_fn(complex(x)))

    return fn


def _d_pow(a: Value, b: Value) -> Value:
    if type(b) is float and b.is_integer() and abs(b) <= 1024:
        return _fix(a ** int(b))
    return _fix(a**b)


def _d_sigmoid(x: Value) -> Value:
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)
        return z / (1.0 + z)
    return _fix(1 / (1 + cmath.exp(-x)))


def _d_log(x: Value, base: Value = None) -> Value:
    ln = _lift(math.log, cmath.log, lambda t: t > 0)
    return ln(x) if base is None else _fix(ln(x) / ln(base))


def _d_factorial(x: Value) -> float:
    return math.gamma(_real(x) + 1.0)


def _d_sign(x: Value) -> Value:
    if type(x) is complex:
        return _fix(x / abs(x))
    return float((x > 0) - (x < 0))


def _d_sigfigs(x: float, n: float) -> float:
    """x to n significant figures, halves rounded up (STACK's significantfigures)."""
    if x == 0:
        return 0.0
    step = 10.0 ** (math.floor(math.log10(abs(x))) - int(n) + 1)
    return math.copysign(math.floor(abs(x) / step + 0.5) * step, x)


_sqrt = _lift(math.sqrt, cmath.sqrt, lambda t: t >= 0)
_asin = _lift(math.asin, cmath.asin, lambda t: -1 <= t <= 1)
_acos = _lift(math.acos, cmath.acos, lambda t: -1 <= t <= 1)
_atanh = _lift(math.atanh, cmath.atanh, lambda t: -1 < t < 1)
_sin, _cos, _tan = _lift(math.sin, cmath.sin), _lift(math.cos, cmath.cos), _lift(math.tan, cmath.tan)
_sinh, _cosh, _tanh = _lift(math.sinh, cmath.sinh), _lift(math.cosh, cmath.cosh), _lift(math.tanh, cmath.tanh)
_atan = _lift(math.atan, cmath.atan)

DOUBLE_FUNCS: dict[str, Callable[..., Value]] = {
    "sqrt": _sqrt,
    "cbrt": lambda x: _d_pow(x, 1 / 3),
    "root": lambda x, n=2.0: _d_pow(x, 1 / n),
    "exp": _lift(math.exp, cmath.exp),
    "ln": _d_log,
    "log": _d_log,
    "lg": lambda x, b=10.0: _d_log(x, b),
    "log10": lambda x: _d_log(x, 10.0),
    "log2": lambda x: _d_log(x, 2.0),
    "sin": _sin,
    "cos": _cos,
    "tan": _tan,
    "cot": lambda x: _fix(1 / _tan(x)),
    "sec": lambda x: _fix(1 / _cos(x)),
    "csc": lambda x: _fix(1 / _sin(x)),
    "asin": _asin,
    "acos": _acos,
    "atan": _atan,
    "acot": lambda x: _atan(_fix(1 / x)),
    "asec": lambda x: _acos(_fix(1 / x)),
    "acsc": lambda x: _asin(_fix(1 / x)),
    "sinh": _sinh,
    "cosh": _cosh,
    "tanh": _tanh,
    "coth": lambda x: _fix(1 / _tanh(x)),
    "sech": lambda x: _fix(1 / _cosh(x)),
    "csch": lambda x: _fix(1 / _sinh(x)),
    "asinh": _lift(math.asinh, cmath.asinh),
    "acosh": _lift(math.acosh, cmath.acosh, lambda t: t >= 1),
    "atanh": _atanh,
    "acoth": lambda x: _atanh(_fix(1 / x)),
    "abs": lambda x: float(abs(x)),
    "sign": _d_sign,
    "floor": lambda x: float(math.floor(_real(x))),
    "ceil": lambda x: float(math.ceil(_real(x))),
    "factorial": _d_factorial,
    "binomial": lambda n, k: _d_factorial(n) / (_d_factorial(k) * _d_factorial(_fix(n - k))),
    "relu": lambda x: max(0.0, _real(x)),
    "sigmoid": _d_sigmoid,
    "max": lambda *a: max(_real(v) for v in a),
    "min": lambda *a: min(_real(v) for v in a),
    "atan2": lambda y, x: math.atan2(_real(y), _real(x)),
    "round": lambda x: float(round(_real(x))),  # half to even, as Maxima
    "degrees": lambda x: _fix(x * (math.pi / 180)),
    "percent": lambda x: _fix(x / 100),
    "significantfigures": lambda x, n: _d_sigfigs(_real(x), _real(n)),
}

# ---- backends ------------------------------------------------------------------


class Backend:
    """The primitive operations of one number system."""

    def __init__(self, name: str, funcs: Mapping[str, Callable[..., Value]], pow_fn, fix, number, const, finite, point):
        self.name = name
        self.funcs = funcs
        self.pow = pow_fn
        self.fix = fix
        self.number = number  # Fraction -> value
        self.const = const  # "pi" | "e" | "i" -> value
        self.finite = finite
        self.point = point  # float sample -> value
        self.ctx: Any = None  # the mpmath context of a multi-precision backend
        # Record the digits each sum cancels (LOSS below): a result's error is at least that loss
        # times the precision, whatever two precisions agree on.
        self.track = False


DOUBLE = Backend(
    "double",
    DOUBLE_FUNCS,
    _d_pow,
    _fix,
    float,
    {"pi": math.pi, "e": math.e, "i": 1j}.__getitem__,
    cmath.isfinite,
    float,
)


def _uninterpreted(name: str, nargs: int, be: Backend) -> Callable[..., Value]:
    """A fixed smooth non-linear function standing for an unknown ``f``: equal
    arguments give equal values, and f(x+y) differs from f(x)+f(y)."""
    digest = hashlib.sha256(f"{name}/{nargs}".encode()).digest()
    c = [0.5 + b / 255 for b in digest[: 6 + 2 * nargs]]
    a1, b1, c1, a2, b2, c2 = (be.number(Fraction(v)) for v in c[:6])
    w = [be.number(Fraction(v)) for v in c[6 : 6 + nargs]]
    v2 = [be.number(Fraction(v)) for v in c[6 + nargs :]]
    sin = be.funcs["sin"]
    cos = be.funcs["cos"]

    def fn(*args: Value) -> Value:
        s = sum((wk * x + vk * x * x for wk, vk, x in zip(w, v2, args, strict=True)), 0 * a1)
        return be.fix(a1 * sin(b1 * s + c1) + a2 * cos(b2 * s + c2) + s)

    return fn


def compile_node(node: Node, be: Backend, functions: Mapping[str, FunctionDef]) -> Compiled:
    """A closure computing ``node`` for an environment {symbol: value}."""
    op = node.op
    if op == "num":
        v = be.number(node.val)
        return lambda env: v
    if op == "const":
        v = be.const(node.val)
        return lambda env: v
    if op == "sym":
        name = node.val
        return lambda env: env[name]
    subs = [compile_node(a, be, functions) for a in node.args]
    fix = be.fix
    if op == "add":
        if be.track:
            return _tracked_sum(subs, be.ctx.mag)
        if len(subs) == 2:
            f0, f1 = subs
            return lambda env: fix(f0(env) + f1(env))
        return lambda env: fix(sum((f(env) for f in subs[1:]), subs[0](env)))
    if op == "mul":
        if len(subs) == 2:
            f0, f1 = subs
            return lambda env: fix(f0(env) * f1(env))

        def product(env: Env) -> Value:
            v = subs[0](env)
            for f in subs[1:]:
                v = v * f(env)
            return fix(v)

        return product
    if op == "div":
        f0, f1 = subs
        return lambda env: fix(f0(env) / f1(env))
    if op == "neg":
        (f0,) = subs
        return lambda env: fix(-f0(env))
    if op == "pow":
        f0, f1 = subs
        pw = be.pow
        return lambda env: pw(f0(env), f1(env))
    if op == "fact":
        (f0,) = subs
        fact = be.funcs["factorial"]
        return lambda env: fact(f0(env))
    if op == "call":
        return _compile_call(str(node.val), subs, be, functions)
    if op in ("sum", "prod"):
        return _big(op, str(node.val), subs, be)
    what = {"rel": "a relation", "tuple": "a tuple", "list": "a list", "set": "a set", "interval": "an interval",
            "inf": "infinity", "pm": "±"}.get(op, op)  # fmt: skip
    raise MathError(f"{what} cannot be evaluated here")


MAX_TERMS = 10_000


def _whole(v: Value) -> int:
    z = complex(v)
    if abs(z.imag) > 1e-9 or abs(z.real) > 1e9 or abs(z.real - round(z.real)) > 1e-9:
        raise ValueError("a bound of a sum is not a whole number")
    return round(z.real)


def _big(op: str, index: str, subs: list[Compiled], be: Backend) -> Compiled:
    body, lo, hi = subs
    zero, one = be.number(Fraction(0)), be.number(Fraction(1))

    def total(env: Env) -> Value:
        a, b = _whole(lo(env)), _whole(hi(env))
        if b - a > MAX_TERMS:
            raise OverflowError("too many terms")
        inner = dict(env)
        acc = zero if op == "sum" else one
        for k in range(a, b + 1):
            inner[index] = be.number(Fraction(k))
            acc = acc + body(inner) if op == "sum" else acc * body(inner)
        for mark in (LOSS, INNER_LOSS):  # cancellation inside the terms counts for the whole
            if mark in inner:
                env[mark] = max(env.get(mark, 0), inner[mark])
        return be.fix(acc)

    return total


def _tracked_sum(subs: list[Compiled], mag: Callable[[Value], int]) -> Compiled:
    """A sum that records how many bits it cancels (see Backend.track), by binary exponents only."""

    def total(env: Env) -> Value:
        terms = [f(env) for f in subs]
        value = sum(terms[1:], terms[0])
        largest = max(mag(t) for t in terms)
        before = env.get(LOSS, 0)
        loss = largest - mag(value) if value != 0 else ALL_LOST
        env[INNER_LOSS] = before  # the sums evaluated before this one (inside it, when it is the outermost)
        env[LOSS] = max(before, loss)
        env[LARGEST] = largest  # the last sum evaluated: the outermost one
        return value

    return total


def _tracked_body(body: Compiled, names: tuple[str, ...], subs: list[Compiled]) -> Compiled:
    """A rubric function's body has its own environment; its sums count towards the caller's."""

    def call(env: Env) -> Value:
        inner = {n: f(env) for n, f in zip(names, subs, strict=True)}
        inner[LOSS] = env.get(LOSS, 0)
        v = body(inner)
        env[LOSS] = inner[LOSS]
        return v

    return call


def _compile_call(name: str, subs: list[Compiled], be: Backend, functions: Mapping[str, FunctionDef]) -> Compiled:
    fdef = functions.get(name)
    if fdef is not None and fdef.body is not None:
        body = compile_node(fdef.body, be, functions)
        names = fdef.args
        if be.track:
            return _tracked_body(body, names, subs)
        return lambda env: body({n: f(env) for n, f in zip(names, subs, strict=True)})
    fn = be.funcs.get(name) if fdef is None else None
    if fn is None:
        fn = _uninterpreted(name, len(subs), be)
    if len(subs) == 1:
        (f0,) = subs
        return lambda env: fn(f0(env))
    return lambda env: fn(*(f(env) for f in subs))


def run(f: Compiled, env: Env, be: Backend) -> Value | None:
    """The value, or None where the expression is undefined or overflows."""
    try:
        v = f(env)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return v if be.finite(v) else None


# ---- sample points -------------------------------------------------------------


@lru_cache(maxsize=4096)
def sample_values(name: str, lo: float | None = None, hi: float | None = None) -> tuple[float, ...]:
    """Fixed values of one variable at the N_POINTS points, the same in every run.

    Default: both signs, magnitudes 0.15..3.2, and two larger points (4..9) so
    that ``max(x, 5)`` and ``5`` are told apart. Values depend on the name only,
    so a key's values can be computed once and reused for every answer.
    """
    rng = random.Random(f"grader.mathexpr:{name}")
    if lo is not None and hi is not None:
        return tuple(rng.uniform(lo, hi) for _ in range(N_POINTS))
    out = []
    for k in range(N_POINTS):
        mag = rng.uniform(0.15, 3.2) if k < N_POINTS - 2 else rng.uniform(4.0, 9.0)
        out.append(mag if (k % 2 == 0) != (rng.random() < 0.3) else -mag)
    return tuple(out)


DOMAIN_KINDS = ("real", "positive", "negative", "integer", "natural")
Domain = Mapping[str, Any]  # name -> (low, high) or one of DOMAIN_KINDS


@lru_cache(maxsize=4096)
def domain_values(name: str, kind: str) -> tuple[float, ...]:
    """The default values made positive, negative or whole (integers -19..19, naturals 1..19)."""
    base = sample_values(name)
    if kind == "positive":
        return tuple(abs(v) for v in base)
    if kind == "negative":
        return tuple(-abs(v) for v in base)
    if kind == "integer":
        return tuple(float(round(2 * v)) for v in base)
    if kind == "natural":
        return tuple(float(1 + int(2 * abs(v))) for v in base)
    return base


def environment(names: frozenset[str], k: int, domain: Domain, be: Backend) -> Env:
    env = {}
    for name in names:
        where = domain.get(name)
        if isinstance(where, str):
            env[name] = be.point(domain_values(name, where)[k])
            continue
        lo, hi = where if where is not None else (None, None)
        env[name] = be.point(sample_values(name, lo, hi)[k])
    return env


# ---- size checks before anything is evaluated or built ----------------------------


def check_sizes(node: Node) -> None:
    """Refuse towers like 9^9^9, (10^6)! and exponents beyond MAX_POWER.

    Constant subtrees are evaluated in doubles (cheap, and they raise on
    overflow), so ``9^(9^9)`` is "too large" instead of a 370-million-digit integer.
    """
    _const_value(node)
    _bounded_infinity(node)


_ARITHMETIC = frozenset({"add", "mul", "div", "neg", "pow", "fact", "call", "pm"})


def _bounded_infinity(node: Node) -> None:
    """Infinity is a value only where it is a bound (``(1, ∞)``, ``x < ∞``), never in arithmetic."""
    for sub in node.walk():
        if sub.op in _ARITHMETIC and any(a.op == "inf" for a in sub.args):
            inf = next(a for a in sub.args if a.op == "inf")
            raise MathError("infinity is not supported in arithmetic", inf.col)


def _const_value(node: Node) -> Value | None:
    op = node.op
    if op == "num":
        if abs(node.val) > Fraction(10) ** 300:
            raise MathError("the number is too large", node.col)
        return float(node.val)
    if op == "const":
        return DOUBLE.const(node.val)
    vals = [_const_value(a) for a in node.args]
    if op == "pow" and vals[1] is not None and abs(vals[1]) > MAX_POWER:
        raise MathError("the power is too large", node.col)
    is_fact = op == "fact" or (op == "call" and node.val in ("factorial", "binomial"))
    if is_fact and any(v is not None and abs(v) > MAX_FACTORIAL for v in vals):
        raise MathError(f"the factorial is too large (more than {MAX_FACTORIAL}!)", node.col)
    if op in ("sym", "rel", "tuple", "list", "set", "interval", "inf", "pm") or any(v is None for v in vals):
        return None
    try:
        v = _apply(node, vals)
    except OverflowError:
        raise MathError("the number is too large", node.col) from None
    except (ArithmeticError, ValueError, TypeError):
        return None
    if v is not None and cmath.isinf(v):
        raise MathError("the number is too large", node.col)
    return v


def _apply(node: Node, vals: list[Value]) -> Value | None:
    """One operation on already computed constant operands, in doubles."""
    op = node.op
    if op == "add":
        return _fix(sum(vals[1:], vals[0]))
    if op == "mul":
        return _fix(math.prod(vals))
    if op == "div":
        return _fix(vals[0] / vals[1])
    if op == "neg":
        return _fix(-vals[0])
    if op == "pow":
        return _d_pow(vals[0], vals[1])
    if op == "fact":
        return _d_factorial(vals[0])
    fn = DOUBLE_FUNCS.get(str(node.val))
    return None if fn is None else fn(*vals)
