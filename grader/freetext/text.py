"""Tokens for free-text grading, in English, Korean and mixed answers.

Tokens are runs of letters/digits; a change of script splits them, so
``ReLU는`` gives ``relu`` and ``는`` and a Korean particle never glues itself to
a Latin term. Apostrophes stay inside Latin words (``doesn't`` is one token, a
negation cue). ``stem`` is Snowball (Porter 2) for English; for Korean,
particles and common verb endings are stripped while two syllables remain
(crude, but both sides of every comparison go through the same function).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import regex
import snowballstemmer

# Hangul syllables and jamo form their own tokens; everything else word-like
# (Latin, digits, Greek, other scripts) another.
_TOKEN = regex.compile(r"[\p{Hangul}]+|[^\W\p{Hangul}]+(?:['’][^\W\p{Hangul}]+)*", regex.V1)
_HANGUL = regex.compile(r"\p{Hangul}")
# The same tokens with the stdlib engine and explicit Hangul ranges: ~2x faster.
_H = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
_FAST_TOKEN = re.compile(rf"[{_H}]+|[^\W{_H}]+(?:['’][^\W{_H}]+)*")
# A clause ends at sentence punctuation, a line break or a contrastive word;
# negation scope never crosses it.
_CLAUSE_BREAK = regex.compile(r"[.;:!?,\n()\[\]·•→⇒]|\s[-–—/]\s|->|=>")


def _split(words: str) -> list[str]:
    return words.split()


_CONTRAST = frozenset(_split("but however although though whereas instead 하지만 그러나 그런데 반면 반면에"))
_KO_CONTRAST_ENDINGS = ("지만", "는데", "으나")

STOP_EN = frozenset(
    _split("""a an the and or but if then than so as of at by for from in into on onto to with within via per about
    is are was were be been being am do does did doing done has have had having will would shall should can could
    may might must it its it's this that these those there here their they them he she his her him we our us you
    your i me my which who whom whose what when where why how all any each both some such more most other
    also just only very too again further once same own while because until up down out over under off
    s t just can't etc e g eg ie i.e e.g using use used uses one ones thing things way get gets got make makes""")
)
# Korean particles (josa) and frequent endings, longest first so 에서 wins over 에.
_KO_SUFFIXES = tuple(
    sorted(
        _split("""에서는 에서도 으로써 으로서 으로는 에게서 이라는 이라고 이라서 이므로 하므로 되므로 하여서 하기 되기
        하는 하다 한다 하고 하여 해서 하면 하지 하며 했다 되는 되다 된다 되고 되어 돼서 되지 되며 됐다 시킨다 시키는
        에서 으로 에게 한테 까지 부터 보다 처럼 마다 이나 이며 이고 에는 에도 와는 과는 이다 이란 라는 라고 란
        은 는 이 가 을 를 의 에 로 와 과 도 만 며 고 다 적"""),
        key=len,
        reverse=True,
    )
)
STOP_KO = frozenset(
    _split(
        "것 수 등 및 또는 그리고 하지만 그래서 때문 때문에 이것 그것 저것 경우 위해 대한 통해 있다 있는 있어 같은 어떤 "
        "엄청 매우 너무 아주 굉장히 정말 훨씬 많이 더 좀 조금 꽤 상당히 거의"
    )
)

_EN_STEMMER = snowballstemmer.stemmer("english")


class Token(NamedTuple):
    text: str  # case-folded surface form
    start: int
    end: int
    hangul: bool
    clause: int  # index of the clause the token is in


def is_hangul(s: str) -> bool:
    return _HANGUL.search(s) is not None


# Small on purpose: an answer's tokens are reused within its own grading, and every
# cached Token is an object the garbage collector scans (8,192 long answers: ~200,000).
@lru_cache(maxsize=1024)
def tokenize(text: str) -> tuple[Token, ...]:
    """Folded tokens with spans into ``text`` and clause numbers.

    Hot path (every feature starts here): one C-level regex pass, clause
    numbers by bisection into the break positions, tuples built directly."""
    folded = text.casefold()
    if len(folded) != len(text):  # rare (ß -> ss): fold token by token to keep spans
        folded = text
        fold = True
    else:
        fold = False
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    out = []
    extra = 0  # contrast words open a clause too
    new = tuple.__new__
    for m in _FAST_TOKEN.finditer(folded):
        word = m.group()
        if fold:
            word = word.casefold()
        if "’" in word:
            word = word.replace("’", "'")
        start = m.start()
        if word in _CONTRAST:
            extra += 1
        c0 = word[0]
        hangul = "\uac00" <= c0 <= "\ud7a3" or "\u1100" <= c0 <= "\u11ff" or "\u3130" <= c0 <= "\u318f"
        out.append(new(Token, (word, start, m.end(), hangul, bisect_right(breaks, start) + extra)))
        if hangul and word.endswith(_KO_CONTRAST_ENDINGS):
            extra += 1
    return tuple(out)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A comparison key: ``evaporated``/``evaporation`` -> ``evapor``; ``기울기가`` -> ``기울기``."""
    if not word:
        return word
    if is_hangul(word[0]):
        for _ in range(2):
            for suf in _KO_SUFFIXES:
                if word.endswith(suf) and len(word) - len(suf) >= 2:
                    word = word[: -len(suf)]
                    break
            else:
                break
        return word
    if word.endswith("n't"):
        return "not"
    word = word.removesuffix("'s")
    if len(word) <= 3 or not word.isalpha():
        return word
    return _EN_STEMMER.stemWord(word)


def is_stop(word: str) -> bool:
    return word in STOP_EN or word in STOP_KO


def particle_flags(toks: tuple[Token, ...]) -> list[bool]:
    """A one-syllable Hangul token glued to the token before it (``ReLU는``,
    ``x가``) is a particle; a free-standing one (``양 끝``) is a word."""
    return [
        t.hangul and len(t.text) == 1 and i > 0 and toks[i - 1].end == t.start and not toks[i - 1].hangul
        for i, t in enumerate(toks)
    ]


@lru_cache(maxsize=8192)
def content_stems(text: str) -> tuple[str, ...]:
    """Stems of the content words, in order (duplicates kept)."""
    toks = tokenize(text)
    return tuple(stem(t.text) for t, p in zip(toks, particle_flags(toks), strict=True) if not p and not is_stop(t.text))


def _padded(text: str) -> str:
    """The folded tokens joined by spaces, with a space at each end ("" if none):
    the string whose character n-grams are counted."""
    words = [t.text for t in tokenize(text)]
    return " " + " ".join(words) + " " if words else ""


def char_ngrams(text: str, lo: int = 3, hi: int = 5) -> dict[str, int]:
    """Counts of character n-grams of the folded tokens, each token padded
    with spaces. N-grams may span a space between two tokens (like sklearn's
    ``char`` on normalized text): that keeps word order a little.
    The readable definition (the tests hold :func:`gram_counts`, which the
    models count with, to it); not on any grading path, so not cached."""
    s = _padded(text)
    counts: Counter[str] = Counter()
    for n in range(lo, hi + 1):
        counts.update(map("".join, zip(*(s[i:] for i in range(n)), strict=False)))
    return dict(counts)


class GramCounts(NamedTuple):
    """The char 2-5-grams of :func:`char_ngrams`, each keyed by :func:`gram_key`."""

    keys: np.ndarray  # sorted distinct uint64 keys
    counts: np.ndarray  # how often each occurs


# Key of an n-gram: a polynomial hash of its code points modulo 2**62, shifted
# left two bits to hold n - 2, so n-grams of different lengths never share a key.
# Two distinct n-grams of one length collide with odds ~2**-62 per pair (none
# among the public sets' n-grams); a collision would merge two counts.
_MUL = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def gram_key(gram: str) -> int:
    """The key of one n-gram (2 <= n <= 5), as :func:`gram_counts` computes it."""
    h = 0
    for ch in gram:
        h = (h * _MUL + ord(ch)) & _MASK
    return ((h << 2) & _MASK) | (len(gram) - 2)


def find_keys(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``keys`` sits in ``sorted_keys`` (non-empty), and which are there at all:
    ``sorted_keys[at[found]] == keys[found]``."""
    at = np.searchsorted(sorted_keys, keys)
    np.minimum(at, len(sorted_keys) - 1, out=at)
    return at, sorted_keys[at] == keys


@lru_cache(maxsize=4096)
def gram_counts(text: str) -> GramCounts:
    """Char 2-5-gram counts of ``text`` in one numpy pass, ~6x faster than
    counting strings: rolling hashes over the code points, then np.unique.
    Cached: treat the arrays as read-only."""
    s = _padded(text)
    # 4 * hash follows the same recurrence from 4 * code points, so the keys
    # need no shift per n, only the tag n - 2 added
    code4 = np.frombuffer(s.encode("utf-32-le"), np.uint32).astype(np.uint64) << np.uint64(2)
    h4 = code4
    parts = []
    for n in range(2, 6):
        h4 = h4[:-1] * np.uint64(_MUL) + code4[n - 1 :]
        parts.append(h4 + np.uint64(n - 2) if n > 2 else h4)
    keys, counts = np.unique(np.concatenate(parts), return_counts=True)
    return GramCounts(keys, counts)
