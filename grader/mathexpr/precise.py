"""Backends in 50 and 80 significant digits, to confirm what the doubles suggest.

Each backend has its own mpmath context, so no global precision is shared
between threads. A value computed in both gives its own error estimate
(|v50 - v80|): two answers are equal when they differ by no more than their
rounding errors, which tells ``0.333333333333333`` from ``1/3`` and
``(x-a)^6000`` from ``(x-a)^5999`` (tiny values, not zero) alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath

from grader.mathexpr.evaluate import Backend

Value = Any
HUGE = 100_000  # |real exponent| or |log2 magnitude| beyond which a value is "too large"


def make_backend(dps: int) -> Backend:
    ctx = mpmath.MPContext()
    ctx.dps = dps
    tiny = ctx.mpf(10) ** (-dps // 2)

    def guard_re(x: Value) -> Value:
        if abs(ctx.re(x)) > HUGE:
            raise OverflowError("too large")
        return x

    def guard_im(x: Value) -> Value:
        if abs(ctx.im(x)) > HUGE:
            raise OverflowError("too large")
        return x

    def power(a: Value, b: Value) -> Value:
        if a == 0:
            if ctx.re(b) > 0:
                return ctx.zero
            if b == 0:
                return ctx.one
            raise ZeroDivisionError("0 to a negative power")
        if abs(b) * (abs(ctx.mag(a)) + 2) > 40 * HUGE:
            raise OverflowError("too large")
        if ctx.im(b) == 0 and ctx.isint(ctx.re(b)):
            return a ** int(ctx.re(b))
        return a**b

    def real(v: Value) -> Value:
        im = ctx.im(v)
        if im != 0 and abs(im) > tiny * max(1, abs(ctx.re(v))):
            raise ValueError("not real")
        return ctx.re(v)

    def log(x: Value, base: Value = None) -> Value:
        return ctx.ln(x) if base is None else ctx.ln(x) / ctx.ln(base)

    def factorial(x: Value) -> Value:
        x = real(x)
        if abs(x) > HUGE:
            raise OverflowError("too large")
        return ctx.gamma(x + 1)

    def sigfigs(x: Value, n: int) -> Value:
        if x == 0:
            return ctx.zero
        step = ctx.mpf(10) ** (int(ctx.floor(ctx.log10(abs(x)))) - n + 1)
        return ctx.sign(x) * ctx.floor(abs(x) / step + ctx.mpf(1) / 2) * step

    funcs: dict[str, Callable[..., Value]] = {
        "sqrt": ctx.sqrt,
        "cbrt": lambda x: power(x, ctx.mpf(1) / 3),
        "root": lambda x, n=2: power(x, 1 / ctx.mpf(n)),
        "exp": lambda x: ctx.exp(guard_re(x)),
        "ln": log,
        "log": log,
        "lg": lambda x, b=10: log(x, ctx.mpf(b)),
        "log10": lambda x: log(x, ctx.mpf(10)),
        "log2": lambda x: log(x, ctx.mpf(2)),
        "sin": lambda x: ctx.sin(guard_im(x)),
        "cos": lambda x: ctx.cos(guard_im(x)),
        "tan": lambda x: ctx.tan(guard_im(x)),
        "cot": lambda x: 1 / ctx.tan(guard_im(x)),
        "sec": lambda x: 1 / ctx.cos(guard_im(x)),
        "csc": lambda x: 1 / ctx.sin(guard_im(x)),
        "asin": ctx.asin,
        "acos": ctx.acos,
        "atan": ctx.atan,
        "acot": lambda x: ctx.atan(1 / x),
        "asec": lambda x: ctx.acos(1 / x),
        "acsc": lambda x: ctx.asin(1 / x),
        "sinh": lambda x: ctx.sinh(guard_re(x)),
        "cosh": lambda x: ctx.cosh(guard_re(x)),
        "tanh": lambda x: ctx.tanh(guard_re(x)),
        "coth": lambda x: 1 / ctx.tanh(guard_re(x)),
        "sech": lambda x: 1 / ctx.cosh(guard_re(x)),
        "csch": lambda x: 1 / ctx.sinh(guard_re(x)),
        "asinh": ctx.asinh,
        "acosh": ctx.acosh,
        "atanh": ctx.atanh,
        "acoth": lambda x: ctx.atanh(1 / x),
        "abs": abs,
        "sign": ctx.sign,
        "floor": lambda x: ctx.floor(real(x)),
        "ceil": lambda x: ctx.ceil(real(x)),
        "factorial": factorial,
        "binomial": lambda n, k: factorial(n) / (factorial(k) * factorial(n - k)),
        "relu": lambda x: max(ctx.zero, real(x)),
        "sigmoid": lambda x: 1 / (1 + ctx.exp(guard_re(-x))),
        "max": lambda *a: max(real(v) for v in a),
        "min": lambda *a: min(real(v) for v in a),
        "atan2": lambda y, x: ctx.atan2(real(y), real(x)),
        "round": lambda x: ctx.nint(real(x)),
        "degrees": lambda x: x * ctx.pi / 180,
        "percent": lambda x: x / 100,
        "significantfigures": lambda x, n: sigfigs(real(x), int(real(n))),
    }
    consts = {"pi": +ctx.pi, "e": +ctx.e, "i": ctx.mpc(0, 1)}
    backend = Backend(
        f"mp{dps}",
        funcs,
        power,
        lambda v: v,
        lambda q: ctx.mpf(q.numerator) / q.denominator,
        consts.__getitem__,
        ctx.isfinite,
        ctx.mpf,
    )
    backend.ctx = ctx
    backend.track = True
    return backend


LOW = make_backend(50)
HIGH = make_backend(80)
