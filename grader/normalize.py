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


def _is_dropped(ch: str) -> bool:
    # Cf: zero-width space/joiners, bidi controls (U+202E), BOM, soft hyphen.
    # Cc except newline and tab: NUL and other controls never carry meaning.
    cat = unicodedata.category(ch)
    if cat == "Cf":
        return True
    if cat == "Cc" and ch not in "\n\t":
        return True
    return cat == "Cs"  # lone surrogates from broken JSON


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """The canonical form every checker sees. Idempotent."""
    if not text:
        return ""
    text = text[:MAX_ANSWER_CHARS]
    text = "".join(ch for ch in text if not _is_dropped(ch))
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
