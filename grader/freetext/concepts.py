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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from grader.freetext.negation import is_cue, negated_mask
from grader.freetext.text import Token, is_stop, particle_flags, tokenize

MAX_GAP = 2
_NOWHERE: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _View:
    """An answer prepared once for all concept checks on it."""

    text: str
    tokens: tuple[Token, ...]
    negated: tuple[bool, ...]
    index: dict[str, tuple[int, ...]]
    filler: tuple[bool, ...]
    hangul_tokens: tuple[str, ...]
    memo: dict = field(default_factory=dict, compare=False)  # lexicon -> its words' positions, per answer


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
    first: str = field(init=False, repr=False, compare=False)  # the first word's key ("" if none)

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", self.words[0].key if self.words else "")

    def find(self, v: _View, negation: bool, where: dict[str, frozenset[int]]) -> tuple[list[tuple[int, int]], bool]:
        """Spans (first token, last token) where the phrase occurs un-negated, and
        whether it occurs only negated. ``where``: word key -> token positions."""
        if not self.words:
            return [], False
        hits = []
        first = where.get(self.words[0].key)
        if first:
            later = [where.get(w.key, _NOWHERE) for w in self.words[1:]]
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


# Korean particles a synonym may carry that an answer may drop or change ("제약이 없" ~ "제약 없음",
# "크기가 줄" ~ "크기만 줄어든다"): a Hangul word matches inside a token, so the bare noun matches all.
_KO_PARTICLES = tuple(
    sorted(
        [
            "이",
            "가",
            "을",
            "를",
            "은",
            "는",
            "의",
            "에",
            "로",
            "으로",
            "와",
            "과",
            "도",
            "만",
            "에서",
            "에게",
            "에는",
            "에도",
            "보다",
            "처럼",
            "까지",
            "부터",
            "이나",
            "이란",
            "라는",
            "이라는",
        ],
        key=len,
        reverse=True,
    )
)


def _bare_noun(word: str) -> str:
    for particle in _KO_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


@lru_cache(maxsize=4096)
def compile_phrase(source: str, typo: bool = True) -> Phrase:
    raws = []
    for chunk in source.strip().split():
        star = chunk.endswith("*")
        parts = [t.text for t in tokenize(chunk)]
        if not parts:
            continue
        # a particle glued to a Latin word ("gradient가 0") is dropped: the answer may use another one
        parts = [p for k, p in enumerate(parts) if not (k and p in _KO_PARTICLES and parts[k - 1].isascii())]
        parts = [_bare_noun(p) if p[0] >= "\uac00" and p[0] <= "\ud7a3" else p for p in parts]
        if star:
            parts[-1] += "*"
        raws.extend(parts)
    words = tuple(_word(r, typo) for r in raws)
    negative = any(is_cue(t) for t in tokenize(source))
    return Phrase(source, words, negative)


class Lexicon:
    """The words of one or more concepts, matched against an answer's tokens in one pass.

    Word by word, each typo-tolerant word would scan the answer's tokens on
    its own (a rapidfuzz call per word per answer was most of a free-text
    rubric's grading time). Here exact forms are one dict lookup per answer
    token, and typo distances one rapidfuzz matrix (tokens x words) per word
    length class; only Hangul substring rules go word by word. The concepts of
    one rubric part share a lexicon (the engine passes it), so an answer is
    matched once for all of them.
    """

    def __init__(self) -> None:
        self._words: dict[str, _Word] = {}
        self._tables: _Tables | None = None

    def add(self, words: Iterable[_Word]) -> None:
        for w in words:
            if w.key not in self._words:
                self._words[w.key] = w
                self._tables = None  # rebuilt on next use; answers' memos are keyed by the tables

    def exact(self, token: str) -> bool:
        """Is ``token`` one of the lexicon's words as written (not only within a typo of one)?"""
        tables = self._tables
        if tables is None:
            tables = self._tables = _Tables(self._words.values())
        if token in tables.forms or any(len(token) >= n and token[:n] in ex for n, ex, _ in tables.prefixes):
            return True
        return any(w.text in token for w in tables.hangul)

    def distance(self, token: str) -> int:
        """Edit distance from ``token`` to the nearest of the lexicon's Latin words (0 if it is one)."""
        if self.exact(token):
            return 0
        words = [w for w in self._words.values() if not w.hangul]
        if not words:
            return len(token)
        # a transposition is one slip; a wildcard word is compared with as much of the token
        return int(min(OSA.distance(token[: len(w.text)] if w.prefix else token, w.text) for w in words))

    def positions(self, v: _View) -> dict[str, frozenset[int]]:
        """Word key -> the answer's token positions, for the words that occur (memoized per answer)."""
        tables = self._tables
        if tables is None:
            tables = self._tables = _Tables(self._words.values())
        got = v.memo.get(tables)
        if got is None:
            got = v.memo[tables] = tables.resolve(v)
        return got


class _Tables:
    def __init__(self, words: Iterable[_Word]):
        unique = list(words)
        latin = [w for w in unique if not w.hangul]
        self.hangul = tuple(w for w in unique if w.hangul)
        self.hangul_keys: dict[str, list[str]] = {}
        for w in self.hangul:
            self.hangul_keys.setdefault(w.text, []).append(w.key)
        self.hangul_longest = max((len(w.text) for w in self.hangul), default=0)
        # whole words: exact forms, plus typo distance to the word itself
        self.forms: dict[str, list[str]] = {}
        for w in latin:
            if not w.prefix:
                for f in w.forms:
                    self.forms.setdefault(f, []).append(w.key)
        self.typo = _Batch([w for w in latin if w.typo and not w.prefix])
        # prefixes, by length: the token's first n letters equal the word, or are within its typo budget
        by_len: dict[int, list[_Word]] = {}
        for w in latin:
            if w.prefix:
                by_len.setdefault(len(w.text), []).append(w)
        self.prefixes = tuple(
            (n, {w.text: [x.key for x in ws if x.text == w.text] for w in ws}, _Batch([w for w in ws if w.typo]))
            for n, ws in sorted(by_len.items())
        )

    def resolve(self, v: _View) -> dict[str, frozenset[int]]:
        found: dict[str, set[str]] = {}
        tokens = list(v.index)  # distinct tokens, in order
        for tok in tokens:
            for key in self.forms.get(tok, ()):
                found.setdefault(key, set()).add(tok)
        self.typo.match(tokens, tokens, found)
        for n, exact, typo in self.prefixes:
            long = [t for t in tokens if len(t) >= n]
            heads = [t[:n] for t in long]
            for tok, head in zip(long, heads, strict=True):
                for key in exact.get(head, ()):
                    found.setdefault(key, set()).add(tok)
            typo.match(heads, long, found)
        if self.hangul_keys:
            # every substring of each (short) Hangul token, looked up: Hangul words match inside tokens
            longest = self.hangul_longest
            for tok in v.hangul_tokens:
                n = len(tok)
                for i in range(n):
                    for j in range(i + 1, min(n, i + longest) + 1):
                        for key in self.hangul_keys.get(tok[i:j], ()):
                            found.setdefault(key, set()).add(tok)
        index = v.index
        return {key: frozenset(i for tok in toks for i in index[tok]) for key, toks in found.items()}


class _Batch:
    """Typo-tolerant words compared with many strings in one rapidfuzz call."""

    def __init__(self, words: Sequence[_Word]):
        self.texts = [w.text for w in words]
        self.keys = [w.key for w in words]
        self.budget = np.array([w.typo for w in words], dtype=np.int32)

    def match(self, probes: Sequence[str], tokens: Sequence[str], found: dict[str, set[str]]) -> None:
        """Add ``tokens[i]`` to each word within its budget of ``probes[i]``."""
        if not self.texts or not probes:
            return
        dist = process.cdist(probes, self.texts, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int32)
        for i, j in zip(*np.nonzero(dist <= self.budget), strict=True):
            found.setdefault(self.keys[j], set()).add(tokens[i])


@dataclass(frozen=True)
class ConceptHit:
    matched: bool
    count: int
    evidence: tuple[str, ...]
    negated: tuple[str, ...]  # phrases found only inside a negation
    spans: tuple[tuple[int, int], ...] = ()  # token spans of the hits that count
    dropped: tuple[tuple[int, int], ...] = ()  # token spans ``keep`` refused


def _index_by_first(phrases: Sequence[Phrase]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for i, ph in enumerate(phrases):
        index.setdefault(ph.first, []).append(i)
    return {k: tuple(v) for k, v in index.items()}


def _pick(
    phrases: Sequence[Phrase], index: dict[str, tuple[int, ...]], where: dict[str, frozenset[int]]
) -> list[Phrase]:
    if len(where) < len(index):
        hits = sorted(i for key in where if key in index for i in index[key])
    else:
        hits = sorted(i for key, ids in index.items() if key in where for i in ids)
    return [phrases[i] for i in hits]


@dataclass(frozen=True)
class Concept:
    """``synonyms`` (any one), every list in ``all_`` (one of each), at least ``min_hits`` distinct synonyms."""

    synonyms: tuple[Phrase, ...]
    all_: tuple[tuple[Phrase, ...], ...] = ()
    negation: bool = True
    min_hits: int = 1
    lexicon: Lexicon = field(default_factory=Lexicon, repr=False, compare=False)  # shared within a part

    def __post_init__(self) -> None:
        phrases = self.synonyms + tuple(p for g in self.all_ for p in g)
        self.lexicon.add(w for p in phrases for w in p.words)
        # phrase indices by their first word: an answer's found words pick the few phrases worth trying
        object.__setattr__(self, "_by_first", _index_by_first(self.synonyms))
        object.__setattr__(self, "_groups_by_first", tuple(_index_by_first(g) for g in self.all_))

    def candidates(self, where: dict[str, frozenset[int]]) -> list[Phrase]:
        """The synonyms whose first word the answer contains, in the rubric's order."""
        return _pick(self.synonyms, self._by_first, where)  # type: ignore[attr-defined]

    @staticmethod
    def build(
        synonyms: Iterable[str],
        all_: Sequence[Iterable[str]] = (),
        *,
        negation: bool = True,
        typo: bool = True,
        min_hits: int = 1,
        lexicon: Lexicon | None = None,
    ) -> Concept:
        syn = tuple(p for p in (compile_phrase(s, typo) for s in synonyms) if p.words)
        groups = tuple(tuple(p for p in (compile_phrase(s, typo) for s in g) if p.words) for g in all_)
        return Concept(syn, tuple(g for g in groups if g), negation, min_hits, lexicon or Lexicon())

    def find(self, text: str, keep: Callable[[int, int], bool] | None = None) -> ConceptHit:
        """Where the concept occurs; ``keep(first, last)`` may refuse a hit's token span (e.g. off subject)."""
        v = view(text)
        where = self.lexicon.positions(v)
        evidence: list[str] = []
        negated: list[str] = []
        kept: list[tuple[int, int]] = []
        dropped: list[tuple[int, int]] = []
        count = 0

        def admit(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
            if keep is None:
                return spans
            good = [sp for sp in spans if keep(*sp)]
            dropped.extend(sp for sp in spans if sp not in good)
            return good

        for ph in self.candidates(where):
            spans, only_negated = ph.find(v, self.negation, where)
            spans = admit(spans)
            if spans:
                count += 1
                kept.extend(spans)
                evidence.extend(ph.span_text(v, a, b) for a, b in spans)
            elif only_negated:
                negated.append(ph.source)
        ok = count >= self.min_hits if self.synonyms else True
        for group, index in zip(self.all_, self._groups_by_first, strict=True):  # type: ignore[attr-defined]
            group_hit = False
            for ph in _pick(group, index, where):
                spans, _ = ph.find(v, self.negation, where)
                spans = admit(spans)
                if spans:
                    group_hit = True
                    kept.extend(spans)
                    evidence.extend(ph.span_text(v, a, b) for a, b in spans)
                    break
            ok = ok and group_hit
        return ConceptHit(
            ok, count, tuple(dict.fromkeys(evidence)), tuple(negated), tuple(dict.fromkeys(kept)), tuple(dropped)
        )
