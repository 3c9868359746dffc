"""Keyword stuffing: an answer that lists terms instead of explaining.

``stuffing_score`` is 0 for prose and approaches 1 for "vanishing gradient,
ReLU, sigmoid, batch norm, Xavier" or a long run of terms with no grammar.
Two signals, both language-aware:

- *list shape*: at least 4 segments (split at , ; / | · and line breaks),
  most of them 1-3 words long;
- *no grammar*: few function words (English stop words) and few inflected
  Korean words (particles and verb endings: ``기울기가``, ``소실된다``).

Telegraphic but real answers ("Xavier keeps activation variance constant")
are short and unsegmented, so they score 0: only lists and long term runs
(10+ words with almost no grammar) score high. A list question ("name four
augmentations") legitimately scores high, so callers compare with the model
answer's own score before flagging (see the classifier checker).
"""

from __future__ import annotations

import re
from functools import lru_cache

from grader.freetext.text import STOP_EN, particle_flags, stem, tokenize

_SEGMENT = re.compile(r"[,;/|·•、\n]+|\s(?:and|or|및|또는)\s")
MIN_SEGMENTS = 4
SHORT = 3  # words in a "term" segment
JAM_MIN_WORDS = 10


@lru_cache(maxsize=4096)
def stuffing_score(text: str) -> float:
    toks = tokenize(text)
    n = len(toks)
    if n < MIN_SEGMENTS:
        return 0.0
    particles = particle_flags(toks)
    grammar = sum(
        1
        for t, p in zip(toks, particles, strict=True)
        if p or t.text in STOP_EN or (t.hangul and stem(t.text) != t.text)
    )
    g = grammar / n
    segments = [s for s in _SEGMENT.split(text) if s.strip()]
    seg_lens = [len(tokenize(s)) for s in segments]
    seg_lens = [k for k in seg_lens if k]
    list_part = 0.0
    if len(seg_lens) >= MIN_SEGMENTS:
        short = sum(1 for k in seg_lens if k <= SHORT) / len(seg_lens)
        list_part = short * max(0.0, 1.0 - g / 0.3)
    # prose runs 30-50 % function words; a run of terms has almost none
    jam_part = 0.9 * min(1.0, max(0.0, (0.2 - g) / 0.1)) if n >= JAM_MIN_WORDS and len(seg_lens) < MIN_SEGMENTS else 0.0
    return round(max(list_part, jam_part), 3)
