"""A small logistic model that scores one answer in microseconds.

Fitted with scipy's L-BFGS on standardized features, on soft targets in
[0, 1] (a 0.75-point answer of a 1-point part is 0.75), with an L2 penalty
that pulls the weights toward a *prior* model instead of toward zero: with
few graded examples the shipped weights dominate, with many the data does.
Scoring is plain Python on a short list (no numpy call per answer), so a
single answer costs a few microseconds; ``predict`` scores a batch with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS libraries once (~7 ms)


def one_blas_thread() -> AbstractContextManager[object]:
    """Hold BLAS to one thread for small dense algebra: on a busy 2-core host its
    threads only contend (5x slower), and idle OpenBLAS workers spin ~0.1 s of CPU
    after a multi-threaded call, charged to whatever the process does next.
    Reuses one controller: ``threadpool_limits`` looks the libraries up again on
    every call (~2 ms), which a part's compile would pay several times."""
    return _threadpools().limit(limits=1, user_api="blas")


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class LinearModel:
    """``p = sigmoid(bias + sum(w * (x - mean) / scale))``."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def logit(self, x: Sequence[float]) -> float:
        z = self.bias
        for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True):
            z += w * (v - m) / s
        return z

    def prob(self, x: Sequence[float]) -> float:
        return sigmoid(self.logit(x))

    def logits(self, X: np.ndarray) -> np.ndarray:
        Z = (np.asarray(X, float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return Z @ np.asarray(self.weights) + self.bias

    def predict(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(X)))

    def scaled(self, a: float, b: float) -> LinearModel:
        """Fold a Platt calibration ``sigmoid(a * z + b)`` into the weights."""
        return LinearModel(self.names, tuple(a * w for w in self.weights), a * self.bias + b, self.mean, self.scale)

    def as_literal(self) -> str:
        """Python source of this model, for the shipped priors."""
        r = lambda xs: "(" + ", ".join(f"{x:.4g}" for x in xs) + ",)"  # noqa: E731
        return (
            f"LinearModel(\n    names={self.names!r},\n    weights={r(self.weights)},\n    bias={self.bias:.4g},\n"
            f"    mean={r(self.mean)},\n    scale={r(self.scale)},\n)"
        )


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    prior: LinearModel | None = None,
    l2: float = 1.0,
    bias_l2: float = 0.0,
    sample_weight: np.ndarray | None = None,
) -> LinearModel:
    """Soft-target logistic regression, penalized toward ``prior`` (or zero).

    ``l2`` is the penalty per feature in standardized units, relative to the
    total sample weight of one example: larger pulls harder to the prior.
    With a prior, its standardization is reused so its weights stay comparable.
    ``bias_l2`` also pulls the intercept toward the prior's (recalibration
    from a handful of examples).
    """
    X = np.asarray(X, float)
    y = np.clip(np.asarray(y, float), 0.0, 1.0)
    n, d = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    if prior is not None:
        mean, scale = np.asarray(prior.mean), np.asarray(prior.scale)
        w0, b0 = np.asarray(prior.weights), prior.bias
    else:
        mean = X.mean(0)
        scale = X.std(0)
        scale[scale < 1e-9] = 1.0
        w0, b0 = np.zeros(d), 0.0
    Z = (X - mean) / scale
    total = sw.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = Z @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        # log(1 + e^z) - y z, stable
        ll = np.logaddexp(0.0, z) - y * z
        g = (p - y) * sw
        dw = w - w0
        db = b - b0
        f = float(ll @ sw) + 0.5 * l2 * float(dw @ dw) + 0.5 * bias_l2 * db * db
        grad = np.concatenate([Z.T @ g + l2 * dw, [g.sum() + bias_l2 * db]])
        return f / total, grad / total

    theta0 = np.concatenate([w0, [b0]])
    with one_blas_thread():
        res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    theta = res.x
    return LinearModel(
        tuple(names),
        tuple(float(v) for v in theta[:d]),
        float(theta[d]),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
    )


def fit_platt(logits: np.ndarray, y: np.ndarray, strength: float = 0.0) -> tuple[float, float]:
    """Calibrate logits: (a, b) for ``sigmoid(a * z + b)``. ``strength`` > 0
    pulls toward (1, 0), i.e. "trust the model as it is", in units of examples:
    three graded answers move the offset, they do not replace it."""
    z = np.asarray(logits, float)[:, None]
    if strength > 0:
        identity = LinearModel(("z",), (1.0,), 0.0, (0.0,), (1.0,))
        m = fit_logistic(z, y, ("z",), prior=identity, l2=strength, bias_l2=strength)
        return m.weights[0], m.bias
    m = fit_logistic(z, y, ("z",), l2=1e-3)
    a = m.weights[0] / m.scale[0]
    return a, m.bias - a * m.mean[0]
