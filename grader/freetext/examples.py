"""What graded answers of the same question teach about a new answer.

From an item's graded examples (answer, target in [0, 1]) this builds a
character n-gram space (TF-IDF over the examples), and turns a new answer
into a few question-independent numbers: how close it is to the best
credited and to the best failed example, a similarity-weighted vote of its
nearest examples, the (clipped) logit of a per-item n-gram logistic model and
a per-item ridge regression's predicted score (scikit-learn, fitted on the
examples' coordinates in their own span: ~100 numbers, not ~20,000 n-grams).
Because these numbers mean the same on every question, one combiner (the
"unseen answers" prior) weighs them for all items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression, Ridge

from grader.freetext.linear import one_blas_thread
from grader.freetext.text import find_keys, gram_counts

EX_FEATURES = ("ex_pos", "ex_neg", "ex_vote", "ex_lr", "ex_near", "ex_ridge")
POS, NEG = 0.75, 0.25  # targets at or above / at or below count as credited / failed
K = 5
LR_C = 100.0  # chosen by within-question cross-validation on train (SciEntsBank, SAF): 10 -> 100 helped both
RIDGE_L2 = 1.0  # ex_ridge: per-item ridge on the score; 0.3 and 3 were no better on train-only CV
LR_CLIP = 8.0  # ex_lr is the n-gram model's logit, clipped: a linear combiner weighs it better than a probability


_NO_KEYS = np.zeros(0, np.uint64)


@dataclass
class _Space:
    keys: np.ndarray  # the vocabulary: sorted n-gram keys (see grader.freetext.text.gram_counts)
    idf: np.ndarray

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices (ascending) and unit-norm sublinear TF-IDF values of the known
        char 2-5-grams (as the per-question tf-idf baseline)."""
        grams = gram_counts(text)
        if not len(self.keys) or not len(grams.keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        at, known = find_keys(self.keys, grams.keys)
        idx = at[known]
        v = (1.0 + np.log(grams.counts[known])) * self.idf[idx]
        return idx, v / np.sqrt(v @ v)

    def matrix(self, texts: Sequence[str]) -> csr_matrix:
        vecs = [self.vector(t) for t in texts]
        indptr = np.cumsum([0] + [len(idx) for idx, _ in vecs])
        cols = np.concatenate([np.zeros(0, np.int64)] + [idx for idx, _ in vecs])
        vals = np.concatenate([np.zeros(0)] + [val for _, val in vecs])
        return csr_matrix((vals, cols, indptr), shape=(len(texts), len(self.keys)))


class DocFreq:
    """N-gram document frequencies of a corpus, for IDF weights.

    An item's own 20 examples make a noisy IDF; the answers and model answers
    of a whole rubric (or, in the bench, a whole train split) tell common
    n-grams ("the ", "ing") from telling ones much better. Only counts are
    kept; n-grams the corpus never saw get the highest weight."""

    def __init__(self, texts: Sequence[str]):
        keys = [gram_counts(t).keys for t in texts]
        self.keys, self.df = np.unique(np.concatenate([_NO_KEYS, *keys]), return_counts=True)
        self.n = len(texts)

    def idf(self, keys: np.ndarray) -> np.ndarray:
        """IDF weights of n-gram keys (sorted or not)."""
        df = np.zeros(len(keys))
        if len(self.keys):
            at, seen = find_keys(self.keys, keys)
            df[seen] = self.df[at[seen]]
        return np.log((1 + self.n) / (1 + df)) + 1.0


def _space(texts: Sequence[str], docfreq: DocFreq | None = None) -> _Space:
    own = DocFreq(texts)
    return _Space(own.keys, (docfreq or own).idf(own.keys))


class ExampleModel:
    """Nearest-example and n-gram evidence from an item's graded examples."""

    def __init__(self, answers: Sequence[str], targets: Sequence[float], docfreq: DocFreq | None = None):
        self.answers = list(answers)
        self.targets = np.clip(np.asarray(targets, float), 0.0, 1.0)
        self.space = _space(self.answers, docfreq)
        E = self.space.matrix(self.answers)
        self._E = E
        self._last: tuple[str, np.ndarray] | None = None  # (answer, similarities): a verdict asks twice
        self.pos = self.targets >= POS
        self.neg = self.targets <= NEG
        # The per-item n-gram logistic lives in the span of the examples (an L2
        # model's weights are a mix of its training vectors), so it is fitted on
        # the examples' Gram matrix and scores an answer through the similarities
        # to the examples that the other features need anyway: z = sims @ alpha + b.
        n = len(self.answers)
        self._alpha = np.zeros(n)
        self._b = float(self.targets.mean() >= 0.5) * 2 - 1  # constant logit when one class only
        self._beta = np.zeros(n)
        self._c = float(self.targets.mean()) if n else 0.5
        binary = self.targets >= 0.5
        if n:
            with one_blas_thread():
                self._fit((E @ E.T).toarray(), binary)

    def _fit(self, gram: np.ndarray, binary: np.ndarray) -> None:
        """Both per-item models, by scikit-learn, on the examples' coordinates in their own span."""
        n = len(self.targets)
        basis, phi = _kernel_basis(gram)
        # ridge on the score itself keeps what partial credit says (the logistic sees 0.5 as a coin)
        ridge = Ridge(alpha=RIDGE_L2).fit(phi, self.targets)
        self._beta = basis @ ridge.coef_
        self._c = float(ridge.intercept_)
        if binary.any() and not binary.all():
            # soft targets: each example twice, weighted by its credit and by its lack of it
            lr = LogisticRegression(C=LR_C, max_iter=1000, tol=1e-6)
            lr.fit(
                np.vstack([phi, phi]),
                np.r_[np.ones(n), np.zeros(n)],
                sample_weight=np.r_[self.targets, 1.0 - self.targets] + 1e-6,
            )
            self._alpha = basis @ lr.coef_[0]
            self._b = float(lr.intercept_[0])

    def similarities(self, answer: str) -> np.ndarray:
        """Cosine to every example (read-only). One sparse mat-vec over all the
        examples' n-grams beats gathering the postings of the answer's (3x on SAF)."""
        last = self._last  # one read: safe if threads share the model
        if last is not None and last[0] == answer:
            return last[1]
        idx, val = self.space.vector(answer)
        x = np.zeros(self._E.shape[1])
        x[idx] = val
        sims = self._E @ x
        self._last = (answer, sims)
        return sims

    def features(self, answer: str) -> list[float]:
        sims = self.similarities(answer)
        z = self._b + float(sims @ self._alpha)
        return _features(sims, self.targets, self.pos, self.neg, z, self._c + float(sims @ self._beta))

    def nearest(self, answer: str) -> tuple[int, float]:
        sims = self.similarities(answer)
        i = int(np.argmax(sims))
        return i, float(sims[i])


def _kernel_basis(K: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a Gram matrix K = E E^T: ``phi`` (n x r) with phi phi^T = K, coordinates
    of the examples in their own span, and ``basis`` that maps weights on those
    coordinates back to weights on the examples' similarities."""
    lam, U = np.linalg.eigh(K)
    keep = lam > 1e-9 * max(float(lam[-1]), 1e-12)
    lam, U = lam[keep], U[:, keep]
    root = np.sqrt(lam)
    return U / root, U * root


def _features(
    sims: np.ndarray, targets: np.ndarray, pos: np.ndarray, neg: np.ndarray, z: float, ridge: float
) -> list[float]:
    k = min(K, len(sims))
    top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
    w = sims[top] + 1e-3
    return [
        float(sims[pos].max()) if pos.any() else 0.0,
        float(sims[neg].max()) if neg.any() else 0.0,
        float((targets[top] * w).sum() / w.sum()),
        max(-LR_CLIP, min(LR_CLIP, z)),
        float(sims.max()) if len(sims) else 0.0,
        max(-0.5, min(1.5, ridge)),
    ]


def oof_features(
    answers: Sequence[str], targets: Sequence[float], folds: int = 5, seed: int = 0, docfreq: DocFreq | None = None
) -> np.ndarray:
    """Held-out example features for each example (K-fold within the item):
    what the combiner is trained on, so it never sees an answer judged by itself."""
    n = len(answers)
    out = np.zeros((n, len(EX_FEATURES)))
    order = np.random.default_rng(seed).permutation(n)
    for f in range(min(folds, n)):
        held = order[f::folds]
        keep = np.setdiff1d(order, held)
        if len(keep) == 0:
            continue
        m = ExampleModel([answers[i] for i in keep], [targets[i] for i in keep], docfreq)
        for i in held:
            out[i] = m.features(answers[i])
    return out
