"""True/false statements in English and Korean.

Reads the first truth word of the answer ("True, because ...", "A: F",
"거짓이다", "O"). An answer that names both values up front ("True/False",
"T or F") is undecided and never earns the point.
"""

from __future__ import annotations

import re
from typing import Literal

from grader.checkers.base import Checker, CompileContext, Match, SpecBase, register
from grader.normalize import fold

_TRUE = {
    "true",
    "t",
    "yes",
    "y",
    "o",
    "○",
    "참",
    "맞다",
    "맞음",
    "맞습니다",
    "correct",
    "right",
    "wahr",
    "richtig",
    "예",
    "네",
}
_FALSE = {
    "false",
    "f",
    "no",
    "n",
    "x",
    "×",
    "거짓",
    "틀리다",
    "틀림",
    "틀립니다",
    "wrong",
    "incorrect",
    "falsch",
    "아니오",
    "아니요",
}
_PREFIX = re.compile(r"^\s*(?:a|ans|answer|정답|답)\s*[:：.)]\s*")
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|[가-힣]+|[○×]")
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_NEGATORS = {"not", "isn't", "isn’t", "never", "hardly"}
_KO_STEMS = (("참", True), ("거짓", False), ("맞", True), ("틀리", False), ("틀렸", False), ("틀린", False))


def _truth(word: str) -> bool | None:
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    for stem, value in _KO_STEMS:  # "참이다", "거짓입니다", "틀렸다"
        if word.startswith(stem):
            return value
    return None


def _verdict_word(text: str, m: re.Match[str], index: int) -> bool:
    """One-letter answers (T, F, O, X) count only among the first words and not
    inside math: later, or after "_" / "{" / "(", they are variables ("h_t")."""
    if len(m.group(0)) > 1:
        return True
    before = text[m.start() - 1] if m.start() else " "
    return index <= 2 and before not in "_{(^\\"


def read_truth(answer: str) -> tuple[bool | None, str]:
    """(value, reason). value None: no truth word, or both within the first words."""
    text = _PREFIX.sub("", fold(answer), count=1)
    spans = list(_WORD.finditer(text))
    words = [m.group(0) for m in spans]
    values = [
        (i, v) for i, m in enumerate(spans[:12]) if _verdict_word(text, m, i) and (v := _truth(m.group(0))) is not None
    ]
    if not values:
        return None, "no true/false answer found"
    first_i, first = values[0]
    if first_i > 0 and words[first_i - 1] in _NEGATORS:  # "not true"
        first = not first
    # "True/False" or "T or F" is undecided; "False. True only if ..." is not:
    # a sentence break after the verdict starts the explanation.
    verdict_end = spans[first_i].end()
    for i, v in values[1:]:
        if v != first and i <= first_i + 2 and not _SENTENCE_END.search(text, verdict_end, spans[i].start()):
            return None, "the answer names both true and false"
    return first, words[first_i]


class TrueFalseSpec(SpecBase):
    type: Literal["truefalse"]
    correct: bool | Literal["any"]


@register("truefalse", TrueFalseSpec)
def compile_truefalse(spec: TrueFalseSpec, ctx: CompileContext) -> Checker:
    def check(answer: str) -> Match:
        value, word = read_truth(answer)
        if value is None:
            return Match.no(message=f"Could not read a true/false answer ({word}).")
        ok = spec.correct == "any" or value == spec.correct
        return Match(ok, count=int(ok), evidence=(f"answered {'true' if value else 'false'} ({word!r})",))

    return check
