"""Question-independent features of an answer against a reference.

Every feature compares the answer with what the instructor gave (model
answer(s), the prompt), never with one question's vocabulary, so a model
fitted on some questions applies to new ones. Reference words the prompt
already contains are "given" and weigh less than the reference's new words
("question demoting"): repeating the question earns nothing.

A :class:`Reference` is prepared once per rubric part; :func:`features`
costs a fraction of a millisecond for a short answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from grader.freetext.negation import count_cues, negated_mask
from grader.freetext.text import GramCounts, content_stems, find_keys, gram_counts, is_stop, stem, tokenize

FEATURES = (
    "cos_char",  # char 3-5-gram cosine to the best reference
    "cos_char_q",  # ... to the prompt (answers that restate the question)
    "recall_new",  # share of the reference's new content stems (not in the prompt) found in the answer
    "precision",  # share of the answer's stems found in the reference
    "precision_new",  # ... among the answer's stems that are not in the prompt
    "q_only",  # share of the answer's stems that only echo the prompt
    "off_topic",  # share in neither reference nor prompt
    "bigram_recall",  # reference stem bigrams found in the answer
    "fuzzy",  # rapidfuzz token-set ratio to the best reference
    "len_log",  # log(1 + answer content words)
    "len_ratio",  # log((1 + answer words) / (1 + reference words))
    "neg_answer",  # negation cues in the answer (capped)
    "neg_mismatch",  # exactly one of answer / reference negates
    "recall_negated",  # reference stems the answer has only inside a negation
    "dont_know",  # "I don't know", "no idea", "모르겠"
    "lcs",  # longest common subsequence of stems / reference stems
    "keys",  # share of the reference's numbers and option letters in the answer (1 if none)
    "has_keys",  # the reference names numbers or option letters
    "polarity",  # the answer uses the opposite of a reference comparative (more/less, 증가/감소)
)
N_FEATURES = len(FEATURES)

_DONT_KNOW = re.compile(r"\b(?:i\s+do\s*n[o']?t\s+know|no\s+idea|idk|not\s+sure|no\s+submission)\b|모르", re.I)
_KEYS_REF = re.compile(r"\d+(?:[.,]\d+)?|\b[A-HJ-Z]\b")
_KEYS_ANS = re.compile(r"\d+(?:[.,]\d+)?|\b[A-Za-z]\b")
_OPPOSITES_RAW = (
    "more less|more fewer|increase decrease|larger smaller|bigger smaller|higher lower|faster slower|hotter colder|"
    "warmer cooler|greater less|heavier lighter|longer shorter|stronger weaker|positive negative|open closed|"
    "high low|large small|fast slow|same different|true false|correct incorrect|conductor insulator|series parallel|"
    "above below|before after|maximum minimum|overfit underfit|rise fall|gain lose|add remove|"
    "증가 감소|높 낮|크 작|빠르 느리|많 적|늘어 줄어|커지 작아지|참 거짓|과적합 과소적합"
)


def _opposites() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pair in _OPPOSITES_RAW.split("|"):
        a, b = (stem(w) if w.isascii() else w for w in pair.split())
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


_OPPOSITE = _opposites()


@dataclass(frozen=True)
class _Ref:
    grams: _Vec  # char n-gram vector
    seq: tuple[str, ...]  # content stems in order
    stems: frozenset[str]
    new: frozenset[str]  # stems not in the prompt
    bigrams: frozenset[tuple[str, str]]
    negates: bool
    keys: frozenset[str]
    text: str


# sublinear tf: 1 + log(count), by table (counts capped: pathological repetition)
_W = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 4096)])


class _Vec:
    """Char 3-5-gram weights, by sorted n-gram key, and their norm; cosine by key intersection."""

    __slots__ = ("keys", "norm", "w")

    def __init__(self, grams: GramCounts):
        longer = (grams.keys & np.uint64(3)) != 0  # n - 2 is in the low bits: n >= 3
        self.keys = grams.keys[longer]
        self.w = _W[np.minimum(grams.counts[longer], len(_W) - 1)]
        self.norm = float(np.sqrt(self.w @ self.w))

    def cos(self, other: _Vec) -> float:
        if not self.norm or not other.norm:
            return 0.0
        a, b = (self, other) if len(self.keys) <= len(other.keys) else (other, self)
        at, hit = find_keys(b.keys, a.keys)
        s = float(a.w[hit] @ b.w[at[hit]])
        return s / (self.norm * other.norm)


def _bigrams(stems: Sequence[str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairwise(stems))


def _share(items: frozenset[str] | set[str], within: frozenset[str]) -> float:
    return len(items & within) / len(items) if items else 0.0


class Reference:
    """What a part's answers are compared with: model answer(s) and prompt."""

    def __init__(self, answers: Sequence[str], prompt: str = ""):
        answers = [a for a in answers if a and a.strip()] or [""]
        self.prompt_stems = frozenset(content_stems(prompt))
        self.prompt_grams = _Vec(gram_counts(prompt))
        self.refs = tuple(self._ref(a) for a in answers)
        self.all_stems = frozenset().union(*(r.stems for r in self.refs))

    def _ref(self, text: str) -> _Ref:
        seq = content_stems(text)
        return _Ref(
            grams=_Vec(gram_counts(text)),
            seq=seq,
            stems=frozenset(seq),
            new=frozenset(seq) - self.prompt_stems,
            bigrams=_bigrams(seq),
            negates=count_cues(text) > 0,
            keys=frozenset(k.casefold() for k in _KEYS_REF.findall(text)),
            text=text.casefold(),
        )

    def features(self, answer: str) -> list[float]:
        return features(answer, self)


@dataclass(frozen=True)
class _Answer:
    text: str
    n_tokens: int
    seq: tuple[str, ...]
    stems: frozenset[str]
    grams: _Vec
    bigrams: frozenset[tuple[str, str]]
    negated_only: frozenset[str]  # stems the answer has only inside a negation
    cues: int
    keys: frozenset[str]


@lru_cache(maxsize=4096)
def _answer(answer: str) -> _Answer:
    toks = tokenize(answer)
    seq = content_stems(answer)
    mask = negated_mask(answer)
    neg: set[str] = set()
    plain: set[str] = set()
    for t, m in zip(toks, mask, strict=True):
        if not is_stop(t.text):
            (neg if m else plain).add(stem(t.text))
    return _Answer(
        text=answer.casefold(),
        n_tokens=len(toks),
        seq=seq,
        stems=frozenset(seq),
        grams=_Vec(gram_counts(answer)),
        bigrams=_bigrams(seq),
        negated_only=frozenset(neg - plain),
        cues=count_cues(answer),
        keys=frozenset(k.casefold() for k in _KEYS_ANS.findall(answer)),
    )


def _found(r: _Ref, a: _Answer) -> frozenset[str]:
    """Reference stems present in the answer; Korean stems also inside words."""
    hit = r.stems & a.stems
    rest = [s for s in r.stems - hit if "\uac00" <= s[0] <= "\ud7a3" and s in a.text]
    return hit | frozenset(rest) if rest else hit


def _per_ref(r: _Ref, a: _Answer) -> tuple[float, ...]:
    found = _found(r, a)
    n_ref = len(r.stems)
    recall = len(found) / n_ref if n_ref else 0.0
    extra = a.stems - r.stems  # once, not per reference stem
    opposite = sum(1 for s in r.stems if s in _OPPOSITE and s not in a.stems and not _OPPOSITE[s].isdisjoint(extra))
    return (
        a.grams.cos(r.grams),
        len(found & r.new) / len(r.new) if r.new else recall,
        len(a.stems & r.stems) / len(a.stems) if a.stems else 0.0,
        len(r.bigrams & a.bigrams) / len(r.bigrams) if r.bigrams else 0.0,
        fuzz.token_set_ratio(a.text, r.text) / 100.0 if a.seq else 0.0,
        len(r.stems & a.negated_only) / n_ref if n_ref and not r.negates else 0.0,
        LCSseq.similarity(a.seq, r.seq) / len(r.seq) if r.seq else 0.0,
        len(r.keys & a.keys) / len(r.keys) if r.keys else 1.0,
        -float(min(opposite, 2)),  # maximized below: the reference with the fewest flips
    )


def features(answer: str, ref: Reference) -> list[float]:
    """The :data:`FEATURES` vector of ``answer`` (normalized text) against ``ref``."""
    a = _answer(answer)
    per = [_per_ref(r, a) for r in ref.refs]
    best = [max(col) for col in zip(*per, strict=True)]
    top = max(range(len(per)), key=lambda i: per[i][0])  # the closest reference, for length and negation
    r0 = ref.refs[top]
    stems = a.stems
    n_ans = len(a.seq)
    return [
        best[0],
        a.grams.cos(ref.prompt_grams),
        best[1],
        best[2],
        _share(stems - ref.prompt_stems, ref.all_stems),
        len((stems & ref.prompt_stems) - ref.all_stems) / len(stems) if stems else 0.0,
        len(stems - ref.all_stems - ref.prompt_stems) / len(stems) if stems else 1.0,
        best[3],
        best[4],
        math.log1p(n_ans),
        math.log((1 + n_ans) / (1 + len(r0.seq))),
        float(min(a.cues, 3)),
        float((a.cues > 0) != r0.negates),
        best[5],
        1.0 if (not a.n_tokens or _DONT_KNOW.search(answer)) else 0.0,
        best[6],
        best[7],
        float(bool(r0.keys)),
        -best[8],
    ]
