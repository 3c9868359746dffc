"""True/false statements in English and Korean.

The verdict is the first truth word of the answer ("True, because ...",
"A: F", "거짓이다", "O", "그렇다", "아니다", "nope"), read with its negation
("not true", "맞지 않다", "그렇지 않다" are false; "틀리지 않다" is true) and
with one slip of the pen ("Fasle", "Ture"). Where the prompt lists the
verdicts as options ("A. True B. False"), the letters are verdicts too.
An answer that names both values up front ("True/False", "T or F", "둘 다
가능") is undecided; one that calls the statement ambiguous without
committing ("애매함", "depends") is undecided unless it then commits ("I'd
say False"). An undecided or unreadable answer earns nothing and says why;
a verdict found only after prose is read but marked as a doubt.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, register
from grader.normalize import fold
from grader.readers.verdicts import KO_STEMS as _KO_STEMS
from grader.readers.verdicts import truth as _truth
from grader.readers.verdicts import typo_truth as _typo_truth

# A Korean truth word followed by these is denied: "맞지 않다", "참이 아니다", "사실이 아님".
_KO_DENIAL = re.compile(r"^\s*(?:지|이|가|은|는)?\s*(?:않|아니|아님|아닙|못)")
_PREFIX = re.compile(
    r"^\s*(?:(?:a|ans)\s*[:：.)=→]+|(?:answer|정답|답|my answer|verdict)\s*(?:is|은|는)?\s*[:：.)=\-→]*)\s*"
)
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|[가-힣]+|[○×⭕✓✔✗✘]")
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_NEGATORS = frozenset({"not", "isn't", "isn’t", "never", "hardly", "aren't", "wasn't", "is't"})
_UNDECIDED = re.compile(
    r"\b(?:ambiguous|depends|it depends|either|both|unclear|can't tell|cannot tell)\b|애매|모호|경우에 따라|둘 다|상황에 따라",
)
_COMMIT = re.compile(
    r"(?:i'?d say|i would say|i'?ll say|i go with|i'?ll go with|so (?:it'?s|it is)?|therefore|final(?:ly)?:?|"
    r"결론(?:은|적으로)?:?|답은|따라서|그래서|그러므로)\s*[:：,]?\s*([a-z가-힣]+)"
)
_HEDGES = re.compile(r"\b(?:maybe|probably|perhaps|i think|not sure|i guess|guess)\b|\?|아마|것 같|듯|잘 모르")
_OPTION_VERDICT = re.compile(
    r"(?<![a-z])\(?([a-d])\s*[.):]\s*(true|false|참|거짓|yes|no|예|아니오|o|x)\b", re.IGNORECASE
)


def verdict_letters(prompt: str) -> dict[str, bool]:
    """Option letters the prompt gives the verdicts: "A. True B. False" -> {a: True, b: False}."""
    out: dict[str, bool] = {}
    for letter, word in _OPTION_VERDICT.findall(fold(prompt)):
        value = _truth(word.casefold())
        if value is not None:
            out.setdefault(letter.casefold(), value)
    return out if set(out.values()) == {True, False} else {}


def _verdict_word(text: str, m: re.Match[str], index: int) -> bool:
    """One-letter answers (T, F, O, X) count only among the first words and not
    inside math: later, or after "_" / "{" / "(", they are variables ("h_t")."""
    if len(m.group(0)) > 1:
        return True
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end() : m.end() + 2].lstrip()[:1]
    return index <= 2 and before not in "_{(^\\" and after not in ("=", "+", "*", "/", "^", "_", "<", ">", "≤", "≥")


class Reading:
    """A verdict read from an answer: ``value`` None when there is none; ``how`` quotes it."""

    def __init__(self, value: bool | None, how: str, doubts: tuple[Doubt, ...] = ()):
        self.value = value
        self.how = how
        self.doubts = doubts


def read_truth(answer: str, letters: dict[str, bool] | None = None) -> tuple[bool | None, str]:
    """(value, the words read). value None: no verdict, or an undecided one."""
    r = read_verdict(answer, letters or {})
    return r.value, r.how


def read_verdict(answer: str, letters: dict[str, bool]) -> Reading:
    text = _PREFIX.sub("", fold(answer), count=1)
    spans = list(_WORD.finditer(text))
    words = [m.group(0) for m in spans]
    values: list[tuple[int, bool]] = []
    for i, m in enumerate(spans[:12]):
        w = m.group(0)
        v = _truth(w)
        if v is None and i <= 2 and w in letters and _verdict_word(text, m, i):
            v = letters[w]
        if v is None and i <= 2:
            v = _typo_truth(w)
        if v is not None and _verdict_word(text, m, i):
            if _denied(text, m):
                v = not v
            values.append((i, v))
    first_clause = _SENTENCE_END.split(text, maxsplit=1)[0]
    if not values or values[0][0] > 3:
        committed = _commitment(text)
        if committed is not None:
            return Reading(
                committed[0], committed[1], (Doubt("indirect", f"verdict read after prose: {committed[1]!r}"),)
            )
    if not values:
        if _UNDECIDED.search(first_clause):
            return Reading(None, "the answer calls the statement ambiguous without choosing")
        return Reading(None, "no true/false answer found")
    first_i, first = values[0]
    if first_i > 0 and words[first_i - 1] in _NEGATORS:  # "not true"
        first = not first
    verdict_end = spans[first_i].end()
    for i, v in values[1:]:
        if v != first and i <= first_i + 2 and not _SENTENCE_END.search(text, verdict_end, spans[i].start()):
            return Reading(None, "the answer names both true and false")
    doubts: list[Doubt] = []
    if first_i > 3:
        doubts.append(Doubt("indirect", f"verdict {words[first_i]!r} read from the middle of the answer"))
    if _UNDECIDED.search(first_clause) and not _COMMIT.search(text):
        doubts.append(Doubt("hedged", "the answer calls the statement ambiguous"))
    elif _HEDGES.search(first_clause):
        doubts.append(Doubt("hedged", f"hedged verdict: {first_clause.strip()[:60]!r}"))
    return Reading(first, words[first_i], tuple(doubts))


def _denied(text: str, m: re.Match[str]) -> bool:
    """A Korean verdict word followed by its denial ("맞지 않다", "참이 아니다")."""
    w = m.group(0)
    if not ("가" <= w[0] <= "힣"):
        return False
    stem = next((s for s, _ in _KO_STEMS if w.startswith(s)), None)
    if stem is None or stem in ("아니", "아닙", "아님"):
        return False
    rest = w[len(stem) :] + text[m.end() : m.end() + 6]
    return bool(_KO_DENIAL.match(rest))


def _commitment(text: str) -> tuple[bool, str] | None:
    for m in _COMMIT.finditer(text):
        v = _truth(m.group(1)) if m.group(1) else None
        if v is None:
            v = _typo_truth(m.group(1))
        if v is not None:
            return v, m.group(0).strip()
    return None


class TrueFalseSpec(SpecBase):
    type: Literal["truefalse"]
    correct: bool | Literal["any"]
    # option letters that stand for a verdict; read from the prompt ("A. True B. False") when absent
    letters: dict[str, bool] = Field(default_factory=dict)


@register("truefalse", TrueFalseSpec)
def compile_truefalse(spec: TrueFalseSpec, ctx: CompileContext) -> Checker:
    letters = {k.casefold(): v for k, v in spec.letters.items()} or verdict_letters(ctx.prompt)

    def check(answer: str) -> Match:
        r = read_verdict(answer, letters)
        if r.value is None:
            return Match(
                False,
                message=f"Could not read a true/false answer ({r.how}).",
                doubts=(Doubt("unread", r.how),),
            )
        ok = spec.correct == "any" or r.value == spec.correct
        evidence = (f"answered {'true' if r.value else 'false'} ({r.how!r})",)
        return Match(ok, count=int(ok), evidence=evidence, doubts=r.doubts)

    return check
