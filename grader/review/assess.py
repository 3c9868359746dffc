"""From a scored part to its confidence, status and review reasons.

A :class:`PartReviewer` is built once per compiled part. For each answer it
computes the signals in :data:`FEATURES`, the shipped model
(:mod:`grader.review.fitted`) turns them into the probability that the points
are exactly what a careful human would give, and a part below
:data:`REVIEW_BELOW` goes to ``needs_review`` with reasons that quote the
evidence. The checkers' own review reasons (a timeout, a manual item) still
send a part to review whatever the model says.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from grader.checkers.base import DOUBT_KINDS, Doubt, Example, Match
from grader.result import PartResult
from grader.rubric.model import Item, Part

REVIEW_BELOW = 0.82  # parts whose grade is exactly right with a lower probability go to review

# Signals, in the order the shipped model weighs them.
FEATURES = (
    "free",  # the part has free-text items (concepts, classifiers, elements)
    "math",  # ... or math/pattern items, and no free text
    "share",  # points / max
    "partial",  # 0 < points < max
    "matched_share",  # positive items matched / positive items
    "near_miss",
    "negated",
    "hedged",
    "unread",
    "indirect",
    "off_subject",
    "disagree",  # |second opinion's share - share| on free text
    "unforeseen",  # share of the answer's content words that no item, model answer or example uses
    "length_off",  # |log| of the answer's length against graded examples earning as much
    "nonanswer",  # "모르겠습니다", "no idea", "?"
    "log_tokens",
    "free_partial",  # partial credit on free text: the commonest place for a wrong half point
    "patterns",  # the part has instructors' patterns (regex), which read one spelling of an idea
    "math_in_answer",  # the answer writes formulas (LaTeX, operators): harder to read
    "hangul",  # share of the answer's tokens in Korean
    "log_items",  # how many positive items the part has
    "loose_numbers",  # share of the answer's numbers that no matched item used (math and pattern parts)
    "free_zero",  # nothing earned on a substantive free-text answer: unforeseen wording is the usual cause
)
KEYWORD_LIST = 0.6  # stuffing score from which a free-text answer is a list of terms
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
_MATHY = re.compile(r"\\[a-zA-Z]+|[=^_∂∑∫√≤≥≈]|\$")
FREE_KINDS = frozenset({"concept", "classifier", "elements", "manual"})
MATH_KINDS = frozenset({"expression", "regex", "number", "tuple"})
NONANSWER = re.compile(
    r"^\W*(?:i\s*(?:do\s*n[o']?t|dunno)\s*know|don'?t\s*know|dunno|no\s*idea|idk|not\s*sure|pass|skip|n/?a|"
    r"\?+|-+|모르겠\w*|잘\s*모르\w*|모름\w*|몰라\w*|패스|생략)\W*$",
    re.I,
)


_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+")
_SYMBOL = re.compile(r"[a-z]\w?|[a-z]_\w+")  # x, w1, w_1: names in formulas, not words


@dataclass(frozen=True)
class Logistic:
    """``p = sigmoid(bias + sum(w * (x - mean) / scale))``: the shipped model, weighed without SciPy or NumPy."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def prob(self, x: Sequence[float]) -> float:
        z = self.bias
        for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True):
            z += w * (v - m) / s
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True)
class Verdict:
    confidence: float
    features: dict[str, float]
    reasons: tuple[str, ...]


def check_kinds(check: Any) -> set[str]:
    """Every checker kind a ``check:`` mapping names, nested ones included."""
    kinds: set[str] = set()
    if isinstance(check, dict):
        if isinstance(check.get("type"), str):
            kinds.add(check["type"])
        for value in check.values():
            kinds |= check_kinds(value)
    elif isinstance(check, list):
        for value in check:
            kinds |= check_kinds(value)
    return kinds


def _strings(check: Any) -> Iterable[str]:
    """The words a check looks for (synonyms, option texts), not its patterns."""
    if isinstance(check, dict):
        for key, value in check.items():
            if key in ("synonyms", "all", "texts", "of", "accept", "concepts", "about"):
                yield from _strings(value)
    elif isinstance(check, list):
        for value in check:
            yield from _strings(value)
    elif isinstance(check, str):
        yield check.replace("*", "")


class PartReviewer:
    """What one part's answers are compared with: its vocabulary, examples and a second opinion."""

    def __init__(
        self,
        part: Part,
        examples: Sequence[Example],
        model_answer: str,
        prompt: str,
    ):
        from grader.freetext.text import content_stems

        self.part = part
        self.max = float(part.max)
        kinds = set().union(*(check_kinds(i.check) for i in part.items))
        self.free = bool(kinds & FREE_KINDS)
        self.math = not self.free and bool(kinds & MATH_KINDS)
        self.positives = [i for i in part.items if i.effect == "add" and i.points > 0]
        from grader.freetext.stuffing import stuffing_score

        # a part whose model answer is itself a list ("four augmentations") does not flag lists
        self.model_listing = bool(model_answer) and stuffing_score(model_answer) >= KEYWORD_LIST
        self.patterns = "regex" in kinds
        texts = [model_answer, prompt, *(e.answer for e in examples)]
        for item in part.items:
            texts.extend([item.feedback, item.miss_feedback, *_strings(item.check)])
        self.vocab = frozenset(s for t in texts for s in content_stems(t))
        self.lengths = [(e.points / e.max if e.max else 0.0, _tokens(e.answer)) for e in examples if e.answer]
        self.second: NearestGraded | None = None
        if self.free and (model_answer or len(examples) >= 2):
            from grader.freetext.thesaurus import in_english

            # compared with the field's names in one language, so a Korean answer meets an English model answer
            targets = [(in_english(e.answer), min(1.0, max(0.0, e.points / e.max))) for e in examples if e.max]
            if model_answer:
                targets.append((in_english(model_answer), 1.0))
            self.second = NearestGraded([a for a, _ in targets], [t for _, t in targets])

    def assess(self, text: str, matches: Sequence[tuple[Item, Match]], result: PartResult) -> PartResult:
        if result.status == "blank":
            return result
        verdict = self.verdict(text, matches, result)
        reviews = list(result.review_reasons)
        listing = self.keyword_list(text, result)
        if listing:
            reviews.append(listing)  # a list of terms makes no claim: a person judges it, whatever the model says
        if verdict.confidence < REVIEW_BELOW:
            reviews.extend(verdict.reasons or (f"low confidence ({verdict.confidence:.2f}) in this reading",))
        status = "needs_review" if reviews else result.status
        return replace(
            result,
            status=status,
            confidence=min(result.confidence, verdict.confidence),
            review_reasons=tuple(dict.fromkeys(reviews)),
        )

    def keyword_list(self, text: str, result: PartResult) -> str | None:
        """A free-text answer that earns points by stringing terms together instead of saying something:
        a run of four to nine terms with no grammar and no punctuation ("l1 sparse regularization weights"),
        or a long list of short fragments. Terse answers with their own structure ("Too small: info loss")
        are not lists."""
        from grader.freetext.stuffing import stuffing_score
        from grader.freetext.text import STOP_EN, particle_flags, tokenize

        if not self.free or result.points <= 0 or self.model_listing:
            return None
        toks = tokenize(text)
        grammar = any(p or t.text in STOP_EN for t, p in zip(toks, particle_flags(toks), strict=True))
        jammed = not re.search(r"[^\w\s]", text) and not any(t.hangul for t in toks)
        if 4 <= len(toks) <= 9 and not grammar and jammed:
            return "the answer strings terms together without a claim"
        if len(re.split(r"[,;/|·•、\n]+", text)) >= 6 and stuffing_score(text) >= KEYWORD_LIST:
            return "the answer is a list of terms rather than an explanation"
        return None

    def verdict(self, text: str, matches: Sequence[tuple[Item, Match]], result: PartResult) -> Verdict:
        from grader.review import fitted

        values, reasons = self.signals(text, matches, result)
        p = fitted.MODEL.prob([values[name] for name in FEATURES])
        return Verdict(p, values, tuple(r for _, r in sorted(reasons, key=lambda wr: -wr[0])))

    def signals(
        self, text: str, matches: Sequence[tuple[Item, Match]], result: PartResult
    ) -> tuple[dict[str, float], list[tuple[float, str]]]:
        from grader.freetext.text import content_stems

        points, top = float(result.points), self.max
        share = points / top if top else 0.0
        v = dict.fromkeys(FEATURES, 0.0)
        v["free"], v["math"] = float(self.free), float(self.math)
        v["share"] = share
        v["partial"] = float(0 < points < top)
        reasons: list[tuple[float, str]] = []

        matched_ids = {m.id for m in result.matched}
        if self.positives:
            v["matched_share"] = sum(i.id in matched_ids for i in self.positives) / len(self.positives)
        counts = dict.fromkeys(DOUBT_KINDS, 0)
        for item, match in matches:
            for d in _unique(match.doubts):
                if d.kind in counts:
                    counts[d.kind] += 1
                    reasons.append((2.0, f"item {item.id!r}: {d.detail}"))
        for kind, n in counts.items():
            v[kind] = float(min(n, 2))

        v["nonanswer"] = float(bool(NONANSWER.match(text)))
        n_tokens = _tokens(text)
        v["log_tokens"] = math.log1p(n_tokens)
        v["free_partial"] = v["free"] * v["partial"]
        v["patterns"] = float(self.patterns)
        v["math_in_answer"] = float(len(_MATHY.findall(text)) >= 2)
        v["hangul"] = _hangul_share(text)
        v["log_items"] = math.log1p(len(self.positives))
        v["free_zero"] = float(self.free and points == 0 and n_tokens >= 3 and not v["nonanswer"])
        if self.math or self.patterns:
            numbers = set(_NUMBER.findall(text))
            used = {n for r in result.matched for e in r.evidence for n in _NUMBER.findall(e)}
            loose = sorted(numbers - used, key=lambda n: text.find(n))
            if numbers and top and points < top:
                v["loose_numbers"] = len(loose) / len(numbers)
                if len(loose) >= 3 and v["loose_numbers"] >= 0.5:
                    shown = ", ".join(loose[:6])
                    reasons.append((1.0, f"numbers no item accounts for: {shown}"))
        if self.free:
            stems = list(dict.fromkeys(content_stems(_LATEX_COMMAND.sub(" ", text))))
            if stems:
                unknown = [s for s in stems if s not in self.vocab and not s.isdigit() and not _SYMBOL.fullmatch(s)]
                v["unforeseen"] = len(unknown) / len(stems)
                if v["unforeseen"] >= 0.5 and len(unknown) >= 3:
                    shown = ", ".join(f"'{s}'" for s in unknown[:5])
                    reasons.append(
                        (1.0, f"most of the answer's words ({shown}) appear in no item, model answer or example")
                    )
            if self.second is not None:
                from grader.freetext.thesaurus import in_english

                p2 = self.second.prob(in_english(text))
                v["disagree"] = abs(p2 - share)
                if v["disagree"] >= 0.4:
                    reasons.append(
                        (
                            1.5,
                            f"second opinion (similarity to the model answer and graded examples): about "
                            f"{_fmt(round(2 * p2 * top) / 2)} of {_fmt(top)} points; the items give {_fmt(points)}",
                        )
                    )
            typical = self._typical_length(share)
            if typical is not None:
                v["length_off"] = abs(math.log((n_tokens + 1) / (typical + 1)))
                if v["length_off"] >= 1.2:
                    longer = "longer" if n_tokens > typical else "shorter"
                    reasons.append(
                        (0.5, f"the answer is much {longer} ({n_tokens} words) than graded examples earning as much")
                    )
        return v, reasons

    def _typical_length(self, share: float) -> float | None:
        if not self.lengths:
            return None
        close = [n for s, n in self.lengths if abs(s - share) <= 0.25] or [n for _, n in self.lengths]
        close.sort()
        return float(close[len(close) // 2])


class Texts:
    """Char 3-5-gram vectors of texts (in English names), as one sparse matrix: one product per answer."""

    def __init__(self, texts: Sequence[str]):
        from grader.freetext.features import _Vec
        from grader.freetext.text import gram_counts

        vectors = [_Vec(gram_counts(t)) for t in texts]
        vectors = [v for v in vectors if v.norm]
        self.vocab = np.unique(np.concatenate([v.keys for v in vectors])) if vectors else np.zeros(0, np.uint64)
        rows, cols, vals = [], [], []
        for r, v in enumerate(vectors):
            rows.extend([r] * len(v.keys))
            cols.extend(np.searchsorted(self.vocab, v.keys).tolist())
            vals.extend((v.w / v.norm).tolist())
        from scipy.sparse import csr_matrix

        self.matrix = csr_matrix((vals, (rows, cols)), shape=(len(vectors), len(self.vocab)))

    def cosines(self, answer: Any) -> np.ndarray:
        """The cosine between the answer's vector and each text."""
        from grader.freetext.text import find_keys

        if not answer.norm or not len(self.vocab) or not self.matrix.shape[0]:
            return np.zeros(self.matrix.shape[0])
        at, hit = find_keys(self.vocab, answer.keys)
        if not hit.any():
            return np.zeros(self.matrix.shape[0])
        x = np.zeros(len(self.vocab))
        x[at[hit]] = answer.w[hit] / answer.norm
        return np.asarray(self.matrix @ x)


class NearestGraded:
    """A second opinion from the graded answers nearest to this one: the similarity-weighted share of
    points of the ``k`` most similar examples (the model answer counts as full marks)."""

    def __init__(self, answers: Sequence[str], shares: Sequence[float], k: int = 3):
        self.space = Texts(answers)
        self.shares = np.asarray(shares, float)
        self.k = k

    def prob(self, english_text: str) -> float:
        from grader.freetext.features import _Vec
        from grader.freetext.text import gram_counts

        sims = self.space.cosines(_Vec(gram_counts(english_text)))
        if not len(sims) or sims.max() <= 0:
            return 0.5
        top = np.argsort(-sims)[: self.k]
        w = np.maximum(sims[top], 1e-6) ** 2
        return float(w @ self.shares[top] / w.sum())


def _hangul_share(text: str) -> float:
    from grader.freetext.text import tokenize

    toks = tokenize(text)
    return sum(t.hangul for t in toks) / len(toks) if toks else 0.0


def _tokens(text: str) -> int:
    from grader.freetext.text import tokenize

    return len(tokenize(text))


def _unique(doubts: Iterable[Doubt]) -> list[Doubt]:
    return list(dict.fromkeys(doubts))


def _fmt(x: float | Fraction) -> str:
    x = float(x)
    return str(int(x)) if x == int(x) else f"{x:g}"
