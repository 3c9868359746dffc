"""Grade one free-text rubric part from what the instructor gave.

Two regimes, one output (a calibrated probability that the answer earns the
credit, which with soft targets is the expected share of the points):

- *unseen question* (no or too few graded examples): the answer's
  :mod:`features <grader.freetext.features>` against the model answer and
  prompt, weighed by a cross-question model (``priors.unseen_question``);
- *unseen answer* (graded examples of both kinds): those features plus what
  the examples say (:mod:`grader.freetext.examples`), weighed by
  ``priors.unseen_answer``; with many examples that combiner is refitted on
  the item's own examples, pulled toward the prior;
- in between (2+ graded answers, or one kind only): the unseen-question
  combiner with its scale and offset refitted to them (graders differ most
  in how strict "correct" is: see :func:`calibrate_priors`).

Rubric concepts add a hand-set push: each concept found raises the logit,
each one found only under a negation lowers it (no public data has rubric
concepts, so these weights are set, not learned; see ``CONCEPT_WEIGHT``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from grader.freetext.concepts import Concept
from grader.freetext.examples import EX_FEATURES, POS, DocFreq, ExampleModel, oof_features
from grader.freetext.features import FEATURES, Reference, _answer, _found, features
from grader.freetext.linear import LinearModel, fit_logistic, fit_platt, sigmoid
from grader.freetext.text import stem, tokenize

MIN_EXAMPLES = 4  # fewer (or one class only): grade as an unseen question
REFIT_MIN = 24  # from this many examples the combiner is refitted on them
REFIT_L2 = 5.0  # how hard a refit is pulled toward the shipped combiner (chosen on train-only validation)
RECALIBRATE_MIN = 2  # from this many graded answers (any kind) the offset adapts to the grader
RECALIBRATE_STRENGTH = 3.0  # ... pulled toward the prior as if by this many answers
CONCEPT_WEIGHT = 3.0  # logit added for full concept coverage (0.5 coverage: 0)
NEGATED_WEIGHT = 2.0  # logit removed when every concept is found only negated


@dataclass(frozen=True)
class Priors:
    unseen_question: LinearModel
    unseen_answer: LinearModel


@dataclass(frozen=True)
class Verdict:
    prob: float
    evidence: tuple[str, ...]
    regime: str  # "unseen-question" | "examples"
    confidence: float  # max(p, 1 - p)


class PartScorer:
    def __init__(
        self,
        references: Sequence[str],
        prompt: str = "",
        examples: Sequence[tuple[str, float]] = (),
        concepts: Sequence[Concept] = (),
        priors: Priors | None = None,
        docfreq: DocFreq | None = None,
    ):
        if priors is None:
            from grader.freetext.prior import PRIORS

            priors = PRIORS
        self.reference = Reference(references, prompt)
        self.has_reference = any(r.strip() for r in references)
        self.concepts = tuple(concepts)
        self.priors = priors
        self.examples: ExampleModel | None = None
        self.combiner = priors.unseen_question
        credited = [t >= 0.5 for _, t in examples]
        if len(examples) >= MIN_EXAMPLES and any(credited) and not all(credited):
            answers = [a for a, _ in examples]
            targets = [t for _, t in examples]
            self.examples = ExampleModel(answers, targets, docfreq)
            self.combiner = priors.unseen_answer
            if len(examples) >= REFIT_MIN:
                X = np.hstack([self.reference_matrix(answers), oof_features(answers, targets, docfreq=docfreq)])
                self.combiner = fit_logistic(
                    X, np.asarray(targets), self.combiner.names, prior=self.combiner, l2=REFIT_L2
                )
        elif len(examples) >= RECALIBRATE_MIN:
            # Too few for the example model, enough to hint at the grader's standard:
            # public sets differ mostly in their offset (how strict a "correct" is).
            answers = [a for a, _ in examples]
            z = self.combiner.logits(self.reference_matrix(answers))
            scale, shift = fit_platt(z, np.array([t for _, t in examples]), strength=RECALIBRATE_STRENGTH)
            self.combiner = self.combiner.scaled(scale, shift)

    @property
    def usable(self) -> bool:
        return self.has_reference or self.examples is not None

    def reference_matrix(self, answers: Sequence[str]) -> np.ndarray:
        return np.array([features(a, self.reference) for a in answers]).reshape(len(answers), len(FEATURES))

    def vector(self, answer: str) -> list[float]:
        x = features(answer, self.reference)
        if self.examples is not None:
            x += self.examples.features(answer)
        return x

    def logit(self, answer: str) -> float:
        z = self.combiner.logit(self.vector(answer))
        if self.concepts:
            hits = [c.find(answer) for c in self.concepts]
            coverage = sum(h.matched for h in hits) / len(hits)
            negated = sum(bool(h.negated) and not h.matched for h in hits) / len(hits)
            push = CONCEPT_WEIGHT * (2 * coverage - 1) - NEGATED_WEIGHT * negated
            # with graded examples the concepts are one voice among the examples'
            z += push if self.examples is None else push / 2
        return z

    def prob(self, answer: str) -> float:
        return sigmoid(self.logit(answer))

    def verdict(self, answer: str) -> Verdict:
        # No shortcut for an answer identical to a graded example: it is its own
        # nearest example (similarity 1), and public sets show humans grading the
        # same text differently, so certainty would be misplaced.
        p = sigmoid(self.logit(answer))
        regime = "examples" if self.examples is not None else "unseen-question"
        return Verdict(p, self.explain(answer), regime, max(p, 1.0 - p))

    def explain(self, answer: str, limit: int = 6) -> tuple[str, ...]:
        """Why: the model answer's words found and missing, negations, the nearest example."""
        out: list[str] = []
        a = _answer(answer)
        ref = max(self.reference.refs, key=lambda r: len(_found(r, a)) / max(1, len(r.stems)))
        found = _found(ref, a)
        if found:
            words = [
                t.text
                for t in tokenize(answer)
                if stem(t.text) in found or (t.hangul and any(s in t.text for s in found))
            ]
            out.append("model answer terms: " + ", ".join(list(dict.fromkeys(words))[:limit]))
        missing = [s for s in ref.seq if s in ref.new and s not in found]
        if missing:
            out.append("missing: " + ", ".join(list(dict.fromkeys(missing))[:limit]))
        negated = ref.stems & a.negated_only
        if negated:
            out.append("negated: " + ", ".join(sorted(negated)[:limit]))
        for c in self.concepts:
            h = c.find(answer)
            if h.matched:
                out.append("concept: " + "; ".join(h.evidence[:2]))
            elif h.negated:
                out.append("concept negated: " + "; ".join(h.negated[:2]))
        if self.examples is not None:
            i, sim = self.examples.nearest(answer)
            t = self.examples.targets[i]
            kind = "credited" if t >= POS else "failed" if t <= 1 - POS else "partly credited"
            out.append(f"nearest graded example ({kind}, similarity {sim:.2f}): {_short(self.examples.answers[i])}")
        return tuple(out)


def calibrate_priors(
    parts: Sequence[tuple[Sequence[str], str, Sequence[tuple[str, float]]]], priors: Priors | None = None
) -> Priors:
    """The shipped unseen-question combiner re-offset to one rubric's grader.

    ``parts``: (model answers, prompt, graded examples) of every free-text
    part of a rubric. Public grading sets disagree mostly on how strict
    "correct" is, not on what makes an answer better, so the examples across
    all parts refit only the scale and offset (pulled toward the shipped ones).
    ``PartScorer(priors=...)`` takes the result; the engine does not call this yet.
    """
    if priors is None:
        from grader.freetext.prior import PRIORS

        priors = PRIORS
    z, y = [], []
    for refs, prompt, examples in parts:
        ref = Reference(refs, prompt)
        for answer, target in examples:
            z.append(priors.unseen_question.logit(features(answer, ref)))
            y.append(target)
    if len(z) < RECALIBRATE_MIN:
        return priors
    a, b = fit_platt(np.array(z), np.array(y), strength=RECALIBRATE_STRENGTH)
    return Priors(priors.unseen_question.scaled(a, b), priors.unseen_answer)


def _short(text: str, n: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 3] + "..."


ALL_FEATURES = FEATURES + EX_FEATURES
