"""Is a concept found in the answer also *claimed*? Hedges, reversals, subjects and near misses.

A concept's words can sit inside a claim that does not earn it: a hedge
("not sure, maybe momentum?"), a reversed direction ("dropout makes
overfitting worse" where the model answer says it reduces it), or a claim
about another subject ("padding prevents overfitting" for an item about
pooling). These readers look at the clause around each hit:

- :func:`hedged`: a hedge in the hit's sentence, or anywhere in a short answer;
- :func:`reversal`: the hit's clause uses the opposite of a direction word the
  model answer uses, and not that word itself;
- :class:`Subjects`: the subjects a part's items are about (``about:`` in a
  concept); each hit belongs to the subject named last before it (or, in its
  own clause, right after it);
- :func:`near_misses`: every word of a multi-word synonym is in the answer,
  but not together.

Hedges, reversals and near misses become doubts for the review layer; a hit
about another subject does not count at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from grader.freetext.concepts import Concept, compile_phrase, view
from grader.freetext.text import stem, tokenize

_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|possibly|not sure|unsure|i guess|no idea|not certain)\b|"
    r"아마|것 같|듯하|듯\b|모르겠|잘 모르|아니면|긴가민가|헷갈",
    re.I,
)
_SENTENCE = re.compile(r"[.!?\n]|(?<=[?])")
SHORT_ANSWER_TOKENS = 12

# Words that give a claim its direction; a clause using one where the model answer uses its
# opposite reverses the claim. Stems for English, word starts for Korean.
_DIRECTIONS = (
    "increase decrease|increase reduce|more less|more fewer|larger smaller|bigger smaller|higher lower|"
    "faster slower|better worse|improve worsen|prevent cause|help hurt|stable unstable|shrink grow|"
    "shrink expand|reduce enlarge|add remove|keep lose|preserve lose|overfit underfit|vanish explode|"
    "증가 감소|늘 줄|높 낮|크 작|키우 줄이|빠르 느리|많 적|커지 작아지|좋아지 나빠지|막 일으키|방지 유발|유지 손실|보존 손실|"
    "과적합 과소적합|소실 폭발"
)


def _direction_pairs() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pair in _DIRECTIONS.split("|"):
        a, b = (stem(w) if w.isascii() else w for w in pair.split())
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


OPPOSITE = _direction_pairs()
_KO_DIRECTIONS = tuple(sorted((k for k in OPPOSITE if not k.isascii()), key=len, reverse=True))


@lru_cache(maxsize=4096)
def direction_words(text: str) -> frozenset[str]:
    """The direction words a text uses, as keys of :data:`OPPOSITE`."""
    out: set[str] = set()
    for t in tokenize(text):
        if t.hangul:
            out.update(k for k in _KO_DIRECTIONS if t.text.startswith(k) or (len(k) >= 2 and k in t.text))
        else:
            s = stem(t.text)
            if s in OPPOSITE:
                out.add(s)
    return frozenset(out)


def _clause_text(text: str, span: tuple[int, int]) -> str:
    toks = view(text).tokens
    clause = toks[span[0]].clause
    members = [t for t in toks if t.clause == clause]
    return text[members[0].start : members[-1].end] if members else ""


def _sentence_text(text: str, span: tuple[int, int]) -> str:
    toks = view(text).tokens
    start, end = toks[span[0]].start, toks[span[1]].end
    left = max((m.end() for m in _SENTENCE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _SENTENCE.finditer(text, end)), len(text))
    if right < len(text) and text[right] == "?":
        right += 1  # the question mark belongs to the hedge
    return text[left:right]


def hedged(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """The hedge that qualifies a hit, if any."""
    if not spans:
        return None
    if len(view(text).tokens) <= SHORT_ANSWER_TOKENS:
        m = _HEDGE.search(text) or (re.search(r"\?", text) if not re.search(r"\?\s*\S{8,}", text) else None)
        if m:
            return m.group(0)
    for span in spans:
        sentence = _sentence_text(text, span)
        m = _HEDGE.search(sentence)
        if m:
            return m.group(0)
        if sentence.rstrip().endswith("?"):
            return "?"
    return None


# "on the contrary", "오히려": the writer says the opposite of what one would expect
_CONTRARY = re.compile(r"\b(?:on the contrary|actually worse|even worse|the opposite)\b|오히려|반대로", re.I)


def reversal(text: str, spans: Sequence[tuple[int, int]], reference: frozenset[str]) -> str | None:
    """A direction word next to a hit that is the opposite of one the model answer uses."""
    for span in spans:
        clause = _clause_text(text, span)
        contrary = _CONTRARY.search(clause)
        if contrary:
            return f"{contrary.group(0)!r} turns the claim around"
        used = direction_words(clause)
        for word in used:
            if word in reference:
                continue
            against = OPPOSITE.get(word, frozenset()) & reference
            if against and not (used & against):
                return f"{word!r} where the model answer says {sorted(against)[0]!r}"
    return None


@dataclass
class Subjects:
    """The subjects one part's concepts are about, shared by the part's items."""

    named: dict[str, Concept] = field(default_factory=dict)
    _owners: dict[str, Callable[[int, int], str | None]] = field(default_factory=dict, repr=False)

    def add(self, phrases: Sequence[str]) -> str:
        key = " | ".join(phrases)
        if key not in self.named:
            self.named[key] = Concept.build(phrases, negation=False, typo=True)
        return key

    def owner(self, text: str) -> Callable[[int, int], str | None]:
        """For a hit's token span, the subject it is said about (None: no subject named)."""
        got = self._owners.get(text)
        if got is None:
            if len(self._owners) > 256:
                self._owners.clear()
            got = self._owners[text] = self._owner(text)
        return got

    def _owner(self, text: str) -> Callable[[int, int], str | None]:
        marks: list[tuple[int, int, str]] = []  # (token, clause, subject)
        toks = view(text).tokens
        for key, concept in self.named.items():
            for a, _b in concept.find(text).spans:
                marks.append((a, toks[a].clause, key))
        marks.sort()

        def owner_of(a: int, b: int) -> str | None:
            if not marks:
                return None
            clause = toks[a].clause
            before = [m for m in marks if m[0] <= a]
            if before and before[-1][1] == clause:
                return before[-1][2]
            after_in_clause = [m for m in marks if m[0] > b and m[1] == clause]
            if after_in_clause:
                return after_in_clause[0][2]
            return before[-1][2] if before else None

        return owner_of


def token_at(text: str, offset: int) -> int:
    """The index of the token at (or just before) a character offset of ``text``."""
    toks = view(text).tokens
    index = 0
    for i, t in enumerate(toks):
        if t.start > offset:
            break
        index = i
    return index


def near_misses(concept: Concept, text: str) -> list[str]:
    """Synonyms whose every word the answer contains, but not together as the phrase."""
    v = view(text)
    where = concept.lexicon.positions(v)
    out = []
    for ph in concept.candidates(where):
        content = [w for w in ph.words if len(w.text) > 2]
        if len(content) >= 2 and all(w.key in where for w in content):
            out.append(ph.source)
    return out


@lru_cache(maxsize=256)
def reference_directions(texts: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for t in texts:
        out |= direction_words(t)
    return frozenset(out)


def phrases_of(about: Iterable[str]) -> list[str]:
    return [p for p in about if compile_phrase(p).words]
