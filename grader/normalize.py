"""Answer normalization shared by every checker.

Text is NFC (Korean typed on macOS arrives as NFD), format characters
(zero-width joiners, bidi controls, BOM) are dropped, full-width ASCII forms
become ASCII, and whitespace is collapsed. NFKC is never applied to the whole
text: it turns ``x²`` into ``x2``. Math-specific rewriting (``×``, ``√``, LaTeX)
lives in :mod:`grader.mathexpr`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_ANSWER_CHARS = 20_000

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


# Code points dropped from answers: format characters (Cf: zero-width space
# and joiners, bidi controls such as U+202E, BOM, soft hyphen), controls (Cc)
# other than newline, tab and CR, and lone surrogates (Cs) from broken JSON.
# Listed as ranges because a per-character category lookup is slow on long
# answers; a test checks the list against unicodedata.
DROPPED_RANGES = (
    (0x0, 0x8), (0xB, 0xC), (0xE, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C),
    (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_DROPPED = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in DROPPED_RANGES) + "]")


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """The canonical form every checker sees. Idempotent."""
    if not text:
        return ""
    text = text[:MAX_ANSWER_CHARS]
    text = _DROPPED.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_FULLWIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def is_blank(text: str | None) -> bool:
    return not normalize_text(text or "")


def fold(text: str) -> str:
    """Case-folded comparison form for keywords and choice letters."""
    return normalize_text(text).casefold()
