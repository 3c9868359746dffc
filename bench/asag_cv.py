"""The free-text grader against the README's baselines, cross-validated on train.

    python bench/asag_cv.py [--data DIR] [--sets sciEntsBank,beetle,saf_en_v1] [--boot 1000]

The official test splits are small (SciEntsBank unseen questions: 15
questions; SAF: 4 questions, 252 unseen answers), so one run on them cannot
tell a two-point difference from luck. This runs the same protocol as
``bench/asag.py`` inside each train split, five times over:

- unseen questions: whole questions held out (5 folds); the grader is fitted
  (combiner, calibration, thresholds) on the other questions only;
- unseen answers: a fifth of every question's answers held out (5 folds);
  the grader is fitted on the rest and grades with the question's remaining
  answers as its graded examples.

Beside it, both baselines as the README describes them, re-implemented with
scikit-learn: "tf-idf global" (char 2-5-gram TF-IDF cosine to the reference
and the question plus length ratio, one logistic or ridge model) and "tf-idf
per question" (one logistic model per question on the answer's TF-IDF
vector). Their regularization is not stated, so each is run with C = 1 and
C = 10 and given the better of the two on the pooled result: the comparison
leans toward the baselines. Differences come with a standard error from a
bootstrap over questions (answers of one question are not independent).
Nothing here reads a test split.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from asag import DEFAULT_DATA, SAF_LABELS, SETS, Fitted, Rows, _saf_class, grade_split

from grader.freetext.training import question_folds, rows_by_question

FOLDS = 5
CS = (1.0, 10.0)


def subset(rows: Rows, idx: np.ndarray) -> Rows:
    out = copy.copy(rows)
    out.answers = [rows.answers[i] for i in idx]
    out.questions = [rows.questions[i] for i in idx]
    out.labels = [rows.labels[i] for i in idx]
    out.targets = rows.targets[idx]
    out.refs = {q: rows.refs[q] for q in set(out.questions)}
    return out


def answer_folds(rows: Rows, folds: int = FOLDS) -> list[np.ndarray]:
    """Every question's answers dealt round robin (after a fixed shuffle) into folds."""
    fold = np.zeros(len(rows), int)
    rng = np.random.default_rng(0)
    for members in rows_by_question(rows.questions).values():
        fold[rng.permutation(members)] = np.arange(len(members)) % folds
    return [np.flatnonzero(fold == f) for f in range(folds)]


# ---------------------------------------------------------------- ours


def ours(rows: Rows, folds: list[np.ndarray], unseen_answers: bool) -> tuple[list[str], np.ndarray]:
    """Labels and scores for every row, each from a grader fitted without it."""
    labels = [""] * len(rows)
    scores = np.zeros(len(rows))
    for test_idx in folds:
        train = subset(rows, np.setdiff1d(np.arange(len(rows)), test_idx))
        test = subset(rows, test_idx)
        fitted = Fitted(train)
        p, _, _ = grade_split(fitted, train, test, with_examples=unseen_answers, passes=1)  # labels only, no timing
        lo, hi = fitted.thresholds["ua" if unseen_answers else "uq"]
        pred = _saf_class(p, lo, hi) if rows.saf else ["correct" if v >= lo else "incorrect" for v in p]
        for j, i in enumerate(test_idx):
            labels[i] = pred[j]
            scores[i] = p[j]
    return labels, scores


# ---------------------------------------------------------------- baselines


def _tfidf(texts: list[str]) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True).fit(texts)


def _global_features(rows: Rows, idx: np.ndarray, vec: TfidfVectorizer) -> np.ndarray:
    answers = [rows.answers[i] for i in idx]
    refs = [rows.refs[rows.questions[i]][0][0] for i in idx]
    prompts = [rows.refs[rows.questions[i]][1] for i in idx]
    A, R, Q = vec.transform(answers), vec.transform(refs), vec.transform(prompts)
    length = [len(a.split()) / max(1, len(r.split())) for a, r in zip(answers, refs, strict=True)]
    return np.c_[
        np.asarray(A.multiply(R).sum(1)).ravel(),
        np.asarray(A.multiply(Q).sum(1)).ravel(),
        length,
    ]


def tfidf_global(rows: Rows, folds: list[np.ndarray], c: float) -> tuple[list[str], np.ndarray]:
    labels = np.array(rows.labels, dtype=object)
    pred = labels.copy()
    scores = np.zeros(len(rows))
    for test_idx in folds:
        train_idx = np.setdiff1d(np.arange(len(rows)), test_idx)
        texts = [rows.answers[i] for i in train_idx]
        texts += [r for q in {rows.questions[i] for i in train_idx} for r in rows.refs[q][0] + [rows.refs[q][1]]]
        vec = _tfidf(texts)
        Xtr, Xte = _global_features(rows, train_idx, vec), _global_features(rows, test_idx, vec)
        pred[test_idx] = LogisticRegression(C=c, max_iter=2000).fit(Xtr, labels[train_idx]).predict(Xte)
        scores[test_idx] = Ridge(alpha=1.0 / c).fit(Xtr, rows.targets[train_idx]).predict(Xte)
    return list(pred), scores


def tfidf_per_question(rows: Rows, folds: list[np.ndarray], c: float) -> tuple[list[str], np.ndarray]:
    labels = np.array(rows.labels, dtype=object)
    pred = labels.copy()
    scores = np.zeros(len(rows))
    questions = np.array(rows.questions)
    for test_idx in folds:
        train_mask = np.ones(len(rows), bool)
        train_mask[test_idx] = False
        for q in set(questions[test_idx]):
            te = test_idx[questions[test_idx] == q]
            tr = np.flatnonzero(train_mask & (questions == q))
            vec = _tfidf([rows.answers[i] for i in tr])
            Xtr, Xte = vec.transform([rows.answers[i] for i in tr]), vec.transform([rows.answers[i] for i in te])
            if len(set(labels[tr])) < 2:
                pred[te] = labels[tr][0]
            else:
                pred[te] = LogisticRegression(C=c, max_iter=2000).fit(Xtr, labels[tr]).predict(Xte)
            scores[te] = Ridge(alpha=1.0 / c).fit(Xtr, rows.targets[tr]).predict(Xte)
    return list(pred), scores


# ---------------------------------------------------------------- comparison


def _rmse(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.sqrt(np.mean((p - y) ** 2)))


def _metric_fns(rows: Rows) -> dict[str, Callable[[np.ndarray, list[str], np.ndarray], float]]:
    labels = np.array(rows.labels, dtype=object)
    fns: dict[str, Callable[[np.ndarray, list[str], np.ndarray], float]] = {
        "macro_f1": lambda i, pred, s: float(f1_score(labels[i], np.array(pred, dtype=object)[i], average="macro")),
        "accuracy": lambda i, pred, s: float(np.mean(labels[i] == np.array(pred, dtype=object)[i])),
    }
    if rows.saf:
        fns["rmse"] = lambda i, pred, s: _rmse(rows.targets[i], np.clip(s[i], 0, 1))
        fns["pearson"] = lambda i, pred, s: float(pearsonr(np.clip(s[i], 0, 1), rows.targets[i])[0])
    return fns


def compare(rows: Rows, mine: tuple, base: tuple, boot: int) -> dict[str, tuple[float, float, float, float]]:
    """metric -> (ours, baseline, mean bootstrap difference, its standard error)."""
    groups = list(rows_by_question(rows.questions).values())
    rng = np.random.default_rng(1)
    samples = [np.concatenate([groups[k] for k in rng.choice(len(groups), len(groups))]) for _ in range(boot)]
    everything = np.arange(len(rows))
    out = {}
    for name, fn in _metric_fns(rows).items():
        diffs = [fn(s, *mine) - fn(s, *base) for s in samples]
        out[name] = (fn(everything, *mine), fn(everything, *base), float(np.mean(diffs)), float(np.std(diffs)))
    return out


def _best_c(rows: Rows, baseline: Callable[[Rows, list[np.ndarray], float], tuple], folds: list[np.ndarray]) -> tuple:
    """The baseline's better regularization on the pooled held-out result."""
    key = _metric_fns(rows)["macro_f1"]
    every = np.arange(len(rows))
    return max((baseline(rows, folds, c) for c in CS), key=lambda r: key(every, *r))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples of questions")
    args = ap.parse_args(argv)
    print("| train split, held out | metric | ours | baseline | ours - baseline (± se) |")
    print("|---|---|---|---|---|")
    for name in [s for s in args.sets.split(",") if s]:
        folder, _ = SETS[name]
        rows = Rows(args.data / folder / "train.jsonl", name.startswith("saf"))
        assert not rows.saf or set(rows.labels) <= set(SAF_LABELS)
        t0 = time.monotonic()
        qf = [np.asarray(f) for f in question_folds(rows.questions)]
        af = answer_folds(rows)
        runs = {
            "questions vs tf-idf global": (ours(rows, qf, False), _best_c(rows, tfidf_global, qf)),
            "answers vs tf-idf per question": (ours(rows, af, True), _best_c(rows, tfidf_per_question, af)),
        }
        for what, (mine, base) in runs.items():
            for metric, (a, b, d, se) in compare(rows, mine, base, args.boot).items():
                print(f"| {name}, {what} | {metric} | {a:.3f} | {b:.3f} | {d:+.3f} ± {se:.3f} |")
        print(f"<!-- {name}: {time.monotonic() - t0:.0f} s -->", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
