"""Fitting the cross-question combiners (the shipped priors, and the bench's).

A combiner is a logistic model on question-independent features. Its raw
probabilities are overconfident on questions it has not seen, so it is
calibrated (Platt) on logits held out by *question*: fold k's questions are
scored by a model fitted without them, exactly like a new exam's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from grader.freetext.examples import EX_FEATURES, DocFreq, oof_features
from grader.freetext.linear import LinearModel, fit_logistic, fit_platt

FOLDS = 5
# L2 of the unseen-question combiner, in standardized units per training answer. Its answers
# come in a few dozen questions, so the effective sample is small: held-out-question CV on the
# train splits (sciEntsBank, Beetle, SAF; 10 fold shuffles) preferred 30 over 1 (AUC, log loss,
# RMSE and r better on all three sets; 100+ starts to cost SAF's 3-class macro-F1).
UQ_L2 = 30.0


def rows_by_question(groups: Sequence[str], rows: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Each question's row indices among ``rows`` (all rows by default), in the
    order given; questions in the order first seen."""
    by_q: dict[str, list[int]] = {}
    for i in range(len(groups)) if rows is None else rows:
        by_q.setdefault(groups[i], []).append(i)
    return {q: np.asarray(members) for q, members in by_q.items()}


def question_folds(groups: Sequence[str], folds: int = FOLDS) -> list[np.ndarray]:
    """Deterministic folds of whole questions (round robin over sorted ids)."""
    ids = sorted(set(groups))
    fold_of = {q: i % folds for i, q in enumerate(ids)}
    g = np.array([fold_of[q] for q in groups])
    return [np.flatnonzero(g == f) for f in range(min(folds, len(ids)))]


@dataclass(frozen=True)
class HeldOut:
    """What held-out-question fitting gives: per question fold its rows and the
    combiner fitted without them, the Platt calibration of all held-out logits,
    and the calibrated held-out probabilities (for thresholds and reports)."""

    folds: list[tuple[np.ndarray, LinearModel]]
    a: float
    b: float
    prob: np.ndarray


def held_out_by_question(
    X: np.ndarray, y: np.ndarray, groups: Sequence[str], names: Sequence[str], l2: float = 1.0
) -> HeldOut:
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    held = np.zeros(len(y))
    folds = []
    for idx in question_folds(groups):
        keep = np.setdiff1d(np.arange(len(y)), idx)
        model = fit_logistic(X[keep], y[keep], names, l2=l2)
        held[idx] = model.logits(X[idx])
        folds.append((idx, model))
    a, b = fit_platt(held, y)
    return HeldOut(folds, a, b, 1.0 / (1.0 + np.exp(-(a * held + b))))


def fit_calibrated(
    X: np.ndarray, y: np.ndarray, groups: Sequence[str], names: Sequence[str], l2: float = 1.0
) -> tuple[LinearModel, HeldOut]:
    """The combiner fitted on all rows with Platt scaling folded in (calibrated
    on logits held out by question), and those held-out fits."""
    held = held_out_by_question(X, y, groups, names, l2)
    model = fit_logistic(np.asarray(X, float), np.asarray(y, float), names, l2=l2).scaled(held.a, held.b)
    return model, held


def example_features_by_question(
    answers: Sequence[str], targets: Sequence[float], groups: Sequence[str], docfreq: DocFreq | None = None
) -> np.ndarray:
    """Held-out example features for every training answer, question by question."""
    out = np.zeros((len(answers), len(EX_FEATURES)))
    for idx in rows_by_question(groups).values():
        out[idx] = oof_features([answers[i] for i in idx], [targets[i] for i in idx], docfreq=docfreq)
    return out


def refit_heldout(
    X: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    names: Sequence[str],
    held: HeldOut,
    *,
    refit_min: int,
    refit_l2: float,
    folds: int = FOLDS,
) -> np.ndarray:
    """Held-out probabilities as the unseen-answers scorer makes them: the
    combiner fitted without the answer's question (``held``, from
    :func:`fit_calibrated` on the same rows), and for a question with
    ``refit_min`` or more answers, refitted on the question's other answers
    pulled toward it (K-fold within the question). Decision thresholds chosen
    on these match what a part with many graded examples outputs, not what the
    bare prior does."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    out = held.prob.copy()
    for idx, model in held.folds:
        prior = model.scaled(held.a, held.b)
        for rows in rows_by_question(groups, idx).values():
            if len(rows) < refit_min:
                continue
            order = np.random.default_rng(0).permutation(rows)
            for f in range(folds):
                test = order[f::folds]
                train = np.setdiff1d(rows, test)
                m = fit_logistic(X[train], y[train], names, prior=prior, l2=refit_l2)
                out[test] = m.predict(X[test])
    return out
