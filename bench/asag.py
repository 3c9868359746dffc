"""The free-text grader on public short-answer grading sets, beside baselines.

    python bench/asag.py [--data DIR] [--sets sciEntsBank,beetle,saf_en_v1] [--json]
    python bench/asag.py --emit-prior grader/freetext/prior.py

For each set: fit on the official train split only (the cross-question
combiner, calibrated on held-out *questions* of train; the unseen-answers
combiner on held-out example features), then grade every official test split
through the product's own :class:`grader.freetext.scorer.PartScorer`:
unseen questions/domains from the reference answer and prompt alone, unseen
answers with that question's graded train answers as the examples. Nothing is
tuned on a test split. The 2-way label is p >= t and the SAF 3-class label
comes from the predicted score with two thresholds, t chosen on train
held-out predictions (questions for unseen questions, answers for unseen
answers) to maximize macro-F1.

Also printed: fit and scoring time per 1,000 answers (one core; scoring is
the mean of five passes, each with the answer caches emptied), and the
share of answers sent to review at the confidence threshold where the rest
agree with the human label at least 95 % of the time (``review@95``), plus
review share and agreement at the product's default ``min_confidence`` 0.7,
and the expected calibration error (``ECE``: does p = 0.8 mean right 80 % of
the time? for SAF, against the share of the points).
``--json`` ends the output with one JSON line: {"<set>/<split>": metrics}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.freetext.examples import EX_FEATURES
from grader.freetext.features import FEATURES, Reference, _answer, features
from grader.freetext.linear import LinearModel
from grader.freetext.negation import negated_mask
from grader.freetext.scorer import REFIT_L2, REFIT_MIN, PartScorer, Priors
from grader.freetext.text import content_stems, gram_counts, tokenize
from grader.freetext.training import (
    UQ_L2,
    example_features_by_question,
    fit_calibrated,
    refit_heldout,
    rows_by_question,
)
from grader.normalize import normalize_text

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "asag"
SETS = {
    "sciEntsBank": (
        "semeval2013_2way/sciEntsBank",
        ["test_unseen_answers", "test_unseen_questions", "test_unseen_domains"],
    ),
    "beetle": ("semeval2013_2way/beetle", ["test_unseen_answers", "test_unseen_questions"]),
    "saf_en_v1": ("saf_en_v1", ["test_unseen_answers", "test_unseen_questions"]),
}
SAF_LABELS = ("Incorrect", "Partially correct", "Correct")
DEFAULT_MIN_CONFIDENCE = 0.7
SCORE_PASSES = 5  # scoring time is the mean over this many passes over a test split
# The README's baselines: accuracy / macro-F1 / weighted-F1, or RMSE / Pearson r.
BASELINES = {
    "sciEntsBank/test_unseen_answers": {"majority": (0.569, 0.362, 0.412), "overlap": (0.670, 0.663, 0.670), "tfidf_global": (0.719, 0.714, 0.719), "tfidf_per_question": (0.804, 0.800, 0.804)},
    "sciEntsBank/test_unseen_questions": {"majority": (0.589, 0.371, 0.437), "overlap": (0.682, 0.680, 0.685), "tfidf_global": (0.735, 0.731, 0.737)},
    "sciEntsBank/test_unseen_domains": {"majority": (0.580, 0.367, 0.426), "overlap": (0.699, 0.699, 0.701), "tfidf_global": (0.701, 0.701, 0.703)},
    "beetle/test_unseen_answers": {"majority": (0.599, 0.375, 0.449), "overlap": (0.743, 0.735, 0.744), "tfidf_global": (0.733, 0.729, 0.736), "tfidf_per_question": (0.809, 0.804, 0.810)},
    "beetle/test_unseen_questions": {"majority": (0.580, 0.367, 0.426), "overlap": (0.665, 0.640, 0.655), "tfidf_global": (0.656, 0.638, 0.651)},
    "saf_en_v1-score/test_unseen_answers": {"majority": (0.378, None), "overlap": (0.305, 0.605), "tfidf_global": (0.247, 0.760), "tfidf_per_question": (0.198, 0.854)},
    "saf_en_v1-score/test_unseen_questions": {"majority": (0.403, None), "overlap": (0.319, 0.757), "tfidf_global": (0.212, 0.879)},
    "saf_en_v1/test_unseen_answers": {"majority": (0.540, 0.234, 0.378), "overlap": (0.607, 0.652, 0.623), "tfidf_global": (0.627, 0.633, 0.633), "tfidf_per_question": (0.825, 0.817, 0.823)},
    "saf_en_v1/test_unseen_questions": {"majority": (0.471, 0.214, 0.302), "overlap": (0.576, 0.606, 0.526), "tfidf_global": (0.630, 0.669, 0.622)},
}  # fmt: skip


# ---------------------------------------------------------------- data


class Rows:
    """One split: normalized texts, targets in [0, 1], labels, question keys."""

    def __init__(self, path: Path, saf: bool):
        raw = [json.loads(line) for line in path.open(encoding="utf-8")]
        self.saf = saf
        self.answers = [normalize_text(r["student_answer"]) for r in raw]
        self.questions = [f"{r['question_id']}|{zlib.crc32(r['question'].encode()):x}" for r in raw]
        self.refs: dict[str, tuple[list[str], str]] = {}
        for r, q in zip(raw, self.questions, strict=True):
            refs = r.get("all_reference_answers") or [r["reference_answer"]]
            self.refs.setdefault(q, ([normalize_text(x) for x in refs], normalize_text(r["question"])))
        if saf:
            self.targets = np.array([r["score"] / r["max_score"] for r in raw])
            self.labels = [r["label"] for r in raw]
        else:
            self.labels = [r["label"] for r in raw]
            self.targets = np.array([1.0 if lab == "correct" else 0.0 for lab in self.labels])

    def __len__(self) -> int:
        return len(self.answers)


def _reference_features(rows: Rows) -> np.ndarray:
    refs = {q: Reference(*rows.refs[q]) for q in rows.refs}
    return np.array([features(a, refs[q]) for a, q in zip(rows.answers, rows.questions, strict=True)])


# ---------------------------------------------------------------- fitting


def _saf_class(p: np.ndarray, lo: float, hi: float) -> list[str]:
    return [SAF_LABELS[2] if v >= hi else SAF_LABELS[0] if v <= lo else SAF_LABELS[1] for v in p]


def _saf_thresholds(p: np.ndarray, labels: list[str]) -> tuple[float, float]:
    grid = np.round(np.arange(0.05, 0.96, 0.025), 3)
    best = max(
        ((lo, hi) for lo in grid for hi in grid if hi > lo),
        key=lambda t: (f1_score(labels, _saf_class(p, *t), average="macro"), -abs(t[0] + t[1] - 1)),
    )
    return float(best[0]), float(best[1])


def _binary_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.3, 0.71, 0.01), 2)
    t = max(grid, key=lambda t: (f1_score(y >= 0.5, p >= t, average="macro"), -abs(t - 0.5)))
    return float(t), float(t)


class Fitted:
    def __init__(self, train: Rows):
        t0 = time.process_time()
        X = _reference_features(train)
        self.uq, uq_held = fit_calibrated(X, train.targets, train.questions, FEATURES, l2=UQ_L2)
        held_uq = uq_held.prob
        # IDF per question, from its own examples, as the classifier does without a rubric-wide DocFreq
        # (a train-only validation showed no gain from a split-wide one: +.013 / -.009 / -.007 macro-F1)
        EX = example_features_by_question(train.answers, train.targets, train.questions)
        XE = np.hstack([X, EX])
        self.ua, ua_held = fit_calibrated(XE, train.targets, train.questions, FEATURES + EX_FEATURES)
        # the unseen-answers thresholds are chosen on what a part with many graded
        # examples outputs (the combiner refitted on the question's other answers):
        # on train-only CV (answers held out within questions) this took SAF's
        # macro-F1 from .787 to .815; the bare prior's held-out outputs are less spread
        held_ua = refit_heldout(
            XE, train.targets, train.questions, FEATURES + EX_FEATURES, ua_held, refit_min=REFIT_MIN, refit_l2=REFIT_L2
        )
        self.fit_seconds = time.process_time() - t0
        self.n_train = len(train)
        # 2-way: the decision threshold that maximizes macro-F1 on held-out train
        # predictions (the README's metric), near the calibrated 0.5.
        self.thresholds = {
            "uq": _binary_threshold(held_uq, train.targets),
            "ua": _binary_threshold(held_ua, train.targets),
        }
        if train.saf:
            self.thresholds = {
                "uq": _saf_thresholds(held_uq, train.labels),
                "ua": _saf_thresholds(held_ua, train.labels),
            }

    @property
    def priors(self) -> Priors:
        return Priors(self.uq, self.ua)


# ---------------------------------------------------------------- grading


def grade_split(
    fitted: Fitted, train: Rows, test: Rows, with_examples: bool, passes: int = SCORE_PASSES
) -> tuple[np.ndarray, float, float]:
    """Probabilities for the test answers, compile seconds, scoring seconds."""
    by_q = rows_by_question(train.questions)
    t0 = time.process_time()
    scorers = {}
    for q, (refs, prompt) in test.refs.items():
        examples = [(train.answers[i], float(train.targets[i])) for i in by_q.get(q, ())] if with_examples else []
        if examples:  # as the classifier checker does: the model answer(s) are credited examples too
            examples += [(r, 1.0) for r in refs]
        scorers[q] = PartScorer(refs, prompt, examples, priors=fitted.priors)
    t1 = time.process_time()
    p = np.array([scorers[q].prob(a) for a, q in zip(test.answers, test.questions, strict=True)])
    score = time.process_time() - t1
    # One pass over a small split is ~0.1 s, and a single full garbage collection
    # landing in it would be most of that: later passes, each through emptied
    # answer caches, amortize it as a long-running worker does.
    for _ in range(passes - 1):
        _clear_answer_caches()
        t2 = time.process_time()
        for a, q in zip(test.answers, test.questions, strict=True):
            scorers[q].prob(a)
        score += time.process_time() - t2
    return p, t1 - t0, score / passes


def _clear_answer_caches() -> None:
    """Forget every answer seen (tokens, n-grams, features); word stems stay, as in a warm worker."""
    for cached in (tokenize, content_stems, gram_counts, negated_mask, _answer):
        cached.cache_clear()


def review_at(conf: np.ndarray, agree: np.ndarray, target: float = 0.95) -> float:
    """Smallest share of answers to review (least confident first) so the rest agree >= target."""
    order = np.argsort(-conf, kind="stable")
    ok = np.cumsum(agree[order]) / np.arange(1, len(order) + 1)
    kept = np.flatnonzero(ok >= target)
    return 1.0 - ((kept.max() + 1) / len(order) if len(kept) else 0.0)


def calibration_error(p: np.ndarray, target: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: over ten equal-width bins of the predicted
    probability, the answer-weighted gap between mean prediction and mean
    target (the human's 0/1 label, or SAF's share of the points)."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            gap += inside.mean() * abs(float(p[inside].mean()) - float(target[inside].mean()))
    return gap


def metrics(p: np.ndarray, test: Rows, thresholds: tuple[float, float]) -> dict[str, dict[str, float]]:
    conf = np.maximum(p, 1 - p)
    if test.saf:
        pred = _saf_class(p, *thresholds)
        agree = np.array([a == b for a, b in zip(pred, test.labels, strict=True)])
        score = {
            "rmse": float(np.sqrt(np.mean((p - test.targets) ** 2))),
            "pearson": float(pearsonr(p, test.targets)[0]),
        }
    else:
        pred = ["correct" if v >= thresholds[0] else "incorrect" for v in p]
        agree = np.array([a == b for a, b in zip(pred, test.labels, strict=True)])
        score = None
    cls = {
        "accuracy": float(accuracy_score(test.labels, pred)),
        "macro_f1": float(f1_score(test.labels, pred, average="macro")),
        "weighted_f1": float(f1_score(test.labels, pred, average="weighted")),
        "review_at_95": review_at(conf, agree),
        "ece": calibration_error(p, test.targets),
        "review_at_min_conf": float(np.mean(conf < DEFAULT_MIN_CONFIDENCE)),
        "agreement_above_min_conf": float(agree[conf >= DEFAULT_MIN_CONFIDENCE].mean()) if (conf >= 0.7).any() else 0.0,
        "n": len(test),
    }
    if not test.saf:
        cls["brier"] = float(np.mean((p - test.targets) ** 2))
    return {"label": cls, "score": score} if score else {"label": cls}


# ---------------------------------------------------------------- main


def run(data: Path, names: list[str]) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name in names:
        folder, splits = SETS[name]
        saf = name.startswith("saf")
        train = Rows(data / folder / "train.jsonl", saf)
        fitted = Fitted(train)
        fit_per_1000 = fitted.fit_seconds / len(train) * 1000
        for split in splits:
            test = Rows(data / folder / f"{split}.jsonl", saf)
            ua = split == "test_unseen_answers"
            p, compile_s, score_s = grade_split(fitted, train, test, with_examples=ua)
            m = metrics(p, test, fitted.thresholds["ua" if ua else "uq"])
            timing = {
                "fit_s_per_1000": fit_per_1000,
                "compile_s_per_1000": compile_s / len(test) * 1000,
                "score_s_per_1000": score_s / len(test) * 1000,
            }
            results[f"{name}/{split}"] = {**m["label"], **timing}
            if m.get("score"):
                results[f"{name}-score/{split}"] = {**m["score"], **timing}
    return results


def _fmt(vals: tuple | None, score: bool) -> str:
    if vals is None:
        return "-"
    if score:
        return f"{vals[0]:.3f} / r {vals[1]:.3f}" if vals[1] is not None else f"{vals[0]:.3f}"
    return "/".join(f"{v:.3f}".lstrip("0") for v in vals)


def table(results: dict[str, dict]) -> str:
    head = "| test set | ours | majority | overlap | tf-idf global | tf-idf per-question | beats all | review@95 | review@0.7 (agree) | ECE | fit s/1k | score s/1k |"
    lines = [head, "|" + "---|" * 12]
    for key, m in results.items():
        score = "-score/" in key
        ours = (m["rmse"], m["pearson"]) if score else (m["accuracy"], m["macro_f1"], m["weighted_f1"])
        base = BASELINES.get(key, {})
        if score:
            beats = all(ours[0] < b[0] and (b[1] is None or ours[1] > b[1]) for b in base.values())
            review = "-"
            agree = "-"
            ece = "-"
        else:
            beats = all(all(o > v for o, v in zip(ours, b, strict=True)) for b in base.values())
            review = f"{m['review_at_95']:.1%}"
            agree = f"{m['review_at_min_conf']:.1%} ({m['agreement_above_min_conf']:.1%})"
            ece = f"{m['ece']:.3f}"
        cells = [key, _fmt(ours, score)] + [
            _fmt(base.get(b), score) for b in ("majority", "overlap", "tfidf_global", "tfidf_per_question")
        ]
        cells += [
            "yes" if beats else "NO",
            review,
            agree,
            ece,
            f"{m['fit_s_per_1000']:.2f}",
            f"{m['score_s_per_1000']:.3f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def emit_prior(data: Path, path: Path, names: list[str]) -> None:
    """Fit the shipped combiners on the pooled train splits; write them as Python."""
    X, EX, y, g = [], [], [], []
    for name in names:
        folder, _ = SETS[name]
        train = Rows(data / folder / "train.jsonl", name.startswith("saf"))
        X.append(_reference_features(train))
        EX.append(example_features_by_question(train.answers, train.targets, train.questions))
        y.append(train.targets)
        g += [f"{name}:{q}" for q in train.questions]
    Xa, EXa, ya = np.vstack(X), np.vstack(EX), np.concatenate(y)
    uq, _ = fit_calibrated(Xa, ya, g, FEATURES, l2=UQ_L2)
    ua, _ = fit_calibrated(np.hstack([Xa, EXa]), ya, g, FEATURES + EX_FEATURES)
    path.write_text(_prior_source(uq, ua, names), encoding="utf-8")
    print(f"wrote {path}")


def _prior_source(uq: LinearModel, ua: LinearModel, names: list[str]) -> str:
    return f'''"""The shipped cross-question combiners (generated: ``python bench/asag.py --emit-prior``).

Only these coefficients ship, never the data: they are logistic weights on
the question-independent features, fitted on the pooled official train
splits of {", ".join(names)} (public short-answer grading sets, see
bench/asag.py), Platt-calibrated on held-out questions. A rubric's own
graded examples refine the unseen-answers combiner at compile time.
"""

from grader.freetext.linear import LinearModel
from grader.freetext.scorer import Priors

UNSEEN_QUESTION = {uq.as_literal()}

UNSEEN_ANSWER = {ua.as_literal()}

PRIORS = Priors(unseen_question=UNSEEN_QUESTION, unseen_answer=UNSEEN_ANSWER)
'''


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--json", action="store_true", help="end with one JSON line of all metrics")
    ap.add_argument("--emit-prior", type=Path, help="fit the shipped priors and write them to this file")
    args = ap.parse_args(argv)
    names = [s for s in args.sets.split(",") if s]
    if not args.data.exists():
        print(f"no data at {args.data} (use --data)", file=sys.stderr)
        return 2
    if args.emit_prior:
        emit_prior(args.data, args.emit_prior, names)
        return 0
    results = run(args.data, names)
    print(table(results))
    if args.json:
        print(
            json.dumps(
                {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in r.items()} for k, r in results.items()}
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
