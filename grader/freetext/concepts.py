"""Concept phrases: compiled once, matched against an answer's tokens.

A phrase is words in order. Between two of its words the answer may put at
most ``MAX_GAP`` filler tokens (stop words or Korean particles: "vanishing
of the gradient" earns "vanishing gradient", "vanishing and exploding
gradient" does not). A word matches a token:

- Latin: equal, or its plural/possessive (``gradient`` ~ ``gradients``), or
  with ``typo`` within edit distance 1 (5+ letters) or 2 (9+ letters);
- ``word*``: the token starts with ``word`` (typo-tolerant from 5 letters);
- Hangul: the token contains it (particles attach: ``기울기가``), and a
  Hangul phrase may also be written without spaces (``기울기소실``).

With ``negation`` a hit inside a negation's scope does not count ("does not
use momentum"), unless the phrase itself is negative ("not differentiable").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from grader.freetext.negation import is_cue, negated_mask
from grader.freetext.text import Token, is_stop, particle_flags, tokenize

MAX_GAP = 2


@dataclass(frozen=True)
class _View:
    """An answer prepared once for all concept checks on it."""

    text: str
    tokens: tuple[Token, ...]
    negated: tuple[bool, ...]
    index: dict[str, tuple[int, ...]]
    filler: tuple[bool, ...]
    hangul_tokens: tuple[str, ...]
    memo: dict = field(default_factory=dict, compare=False)  # word key -> positions, per answer


@lru_cache(maxsize=2048)
def view(text: str) -> _View:
    toks = tokenize(text)
    index: dict[str, list[int]] = {}
    for i, t in enumerate(toks):
        index.setdefault(t.text, []).append(i)
    filler = tuple(is_stop(t.text) or p for t, p in zip(toks, particle_flags(toks), strict=True))
    hangul = tuple(k for k in index if toks[index[k][0]].hangul)
    return _View(text, toks, negated_mask(text), {k: tuple(v) for k, v in index.items()}, filler, hangul)


def _typo_budget(word: str) -> int:
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool
    hangul: bool
    forms: frozenset[str]
    typo: int
    key: str  # what the word matches depends on this alone; a str hashes once, a dataclass on every lookup

    def positions(self, v: _View) -> frozenset[int]:
        got = v.memo.get(self.key)
        if got is None:
            got = v.memo[self.key] = frozenset(i for tok in self._tokens(v) for i in v.index[tok])
        return got

    def _tokens(self, v: _View) -> list[str]:
        """The distinct answer tokens this word matches."""
        if self.hangul:
            return [t for t in v.hangul_tokens if self.text in t]
        if self.prefix:
            n = len(self.text)
            return [
                t
                for t in v.index
                if t.startswith(self.text)
                or (self.typo and len(t) >= n and Levenshtein.distance(t[:n], self.text) <= self.typo)
            ]
        out = [f for f in self.forms if f in v.index]
        if self.typo:
            out += [
                t
                for t, _, _ in process.extract(
                    self.text, v.index.keys(), scorer=Levenshtein.distance, score_cutoff=self.typo, limit=None
                )
            ]
        return out


def _word(raw: str, typo: bool) -> _Word:
    prefix = raw.endswith("*")
    w = raw.rstrip("*")
    hangul = bool(w) and tokenize(w)[0].hangul
    forms = {w} if hangul or prefix else {w, w + "s", w + "es", w + "'s"}
    if not (hangul or prefix) and w.endswith("y"):
        forms.add(w[:-1] + "ies")
    budget = _typo_budget(w) if typo and not hangul else 0
    return _Word(w, prefix, hangul, frozenset(forms), budget, f"{budget}{'*' if prefix else ' '}{w}")


@dataclass(frozen=True)
class Phrase:
    source: str
    words: tuple[_Word, ...]
    negative: bool  # the phrase itself contains a negation cue

    def find(self, v: _View, negation: bool) -> tuple[list[tuple[int, int]], bool]:
        """Spans (first token, last token) where the phrase occurs un-negated, and
        whether it occurs only negated."""
        if not self.words:
            return [], False
        hits = []
        first = self.words[0].positions(v)
        if first:
            later = [w.positions(v) for w in self.words[1:]]
            for p0 in sorted(first):
                end = self._extend(p0, later, v)
                if end is not None:
                    hits.append((p0, end))
        if not hits and len(self.words) > 1 and v.hangul_tokens and all(w.hangul for w in self.words):
            joined = "".join(w.text for w in self.words)
            hits = [(i, i) for i, t in enumerate(v.tokens) if joined in t.text]
        if negation and not self.negative and hits:
            kept = [(a, b) for a, b in hits if not any(v.negated[a : b + 1])]
            return kept, not kept
        return hits, False

    def span_text(self, v: _View, a: int, b: int) -> str:
        """The answer's text for a hit; Hangul words are cut to the synonym
        (``기울기가 소실되는`` shows as ``기울기가 소실``)."""
        first, last = v.tokens[a], v.tokens[b]
        start, end = first.start, last.end
        if a == b and len(self.words) > 1 and all(w.hangul for w in self.words):
            joined = "".join(w.text for w in self.words)
            k = first.text.find(joined)
            if k >= 0:
                return v.text[start + k : start + k + len(joined)]
        if self.words[0].hangul:
            k = first.text.find(self.words[0].text)
            start += max(k, 0)
        if self.words[-1].hangul:
            k = last.text.find(self.words[-1].text)
            if k >= 0 and (a != b or last.start + k >= start):
                end = last.start + k + len(self.words[-1].text)
        return v.text[start:end]

    @staticmethod
    def _extend(p: int, later: list[frozenset[int]], v: _View) -> int | None:
        for positions in later:
            nxt = None
            for q in range(p + 1, min(len(v.tokens), p + 2 + MAX_GAP)):
                if q in positions:
                    nxt = q
                    break
                if not v.filler[q]:
                    break
            if nxt is None:
                return None
            p = nxt
        return p


@lru_cache(maxsize=4096)
def compile_phrase(source: str, typo: bool = True) -> Phrase:
    raws = []
    for chunk in source.strip().split():
        star = chunk.endswith("*")
        parts = [t.text for t in tokenize(chunk)]
        if not parts:
            continue
        if star:
            parts[-1] += "*"
        raws.extend(parts)
    words = tuple(_word(r, typo) for r in raws)
    negative = any(is_cue(t) for t in tokenize(source))
    return Phrase(source, words, negative)


@dataclass(frozen=True)
class ConceptHit:
    matched: bool
    count: int
    evidence: tuple[str, ...]
    negated: tuple[str, ...]  # phrases found only inside a negation


@dataclass(frozen=True)
class Concept:
    """``synonyms`` (any one), every list in ``all_`` (one of each), at least ``min_hits`` distinct synonyms."""

    synonyms: tuple[Phrase, ...]
    all_: tuple[tuple[Phrase, ...], ...] = ()
    negation: bool = True
    min_hits: int = 1

    @staticmethod
    def build(
        synonyms: Iterable[str],
        all_: Sequence[Iterable[str]] = (),
        *,
        negation: bool = True,
        typo: bool = True,
        min_hits: int = 1,
    ) -> Concept:
        syn = tuple(p for p in (compile_phrase(s, typo) for s in synonyms) if p.words)
        groups = tuple(tuple(p for p in (compile_phrase(s, typo) for s in g) if p.words) for g in all_)
        return Concept(syn, tuple(g for g in groups if g), negation, min_hits)

    def find(self, text: str) -> ConceptHit:
        v = view(text)
        evidence: list[str] = []
        negated: list[str] = []
        count = 0
        for ph in self.synonyms:
            spans, only_negated = ph.find(v, self.negation)
            if spans:
                count += 1
                evidence.extend(ph.span_text(v, a, b) for a, b in spans)
            elif only_negated:
                negated.append(ph.source)
        ok = count >= self.min_hits if self.synonyms else True
        for group in self.all_:
            group_hit = False
            for ph in group:
                spans, _ = ph.find(v, self.negation)
                if spans:
                    group_hit = True
                    evidence.extend(ph.span_text(v, a, b) for a, b in spans)
                    break
            ok = ok and group_hit
        return ConceptHit(ok, count, tuple(dict.fromkeys(evidence)), tuple(negated))
