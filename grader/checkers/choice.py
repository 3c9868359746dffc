"""Multiple choice: which options the student ticked, or the order they gave.

Answers arrive as "b, c", "B and C", "2,3", "②③", "(a), (d)", "정답: a, d",
"BC" or "edbac". Only ASCII letters are read as option letters, so look-alikes
from other scripts (Cyrillic "В") are never taken for "B".
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from grader.checkers.base import Checker, CompileContext, Match, SpecBase, register
from grader.normalize import fold

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ① .. ⑳
_TOKEN = re.compile(r"[a-z]+|[0-9]+|[\u2460-\u2473]")
_PREFIX = re.compile(r"^\s*(?:answers?|ans|sol(?:ution)?|정답|답|my answer)\s*(?:is|은|는)?\s*[:：=\-→>]*\s*", re.I)
_FILLER = {"and", "or", "und", "both", "options", "option", "box", "boxes", "answer", "answers", "is", "are"}
_NONE_WORDS = {"none", "nothing", "neither", "keine", "없음", "없다", "아무것도"}


class ChoiceSpec(SpecBase):
    type: Literal["choice"]
    options: list[str] = Field(default_factory=list)
    correct: list[str] | str
    mode: Literal["exact", "each", "subset", "contains"] = "exact"
    order: bool = False
    texts: dict[str, str] = Field(default_factory=dict)

    @field_validator("options")
    @classmethod
    def _options(cls, v: list[str]) -> list[str]:
        v = [str(o).strip().casefold() for o in v]
        if len(set(v)) != len(v):
            raise ValueError("options repeat")
        return v

    @model_validator(mode="after")
    def _key_in_options(self) -> ChoiceSpec:
        key = [self.correct] if isinstance(self.correct, str) else self.correct
        if not self.order:
            if isinstance(self.correct, str):
                raise ValueError("'correct' is a list of options (a string only for order questions)")
            if not self.options:
                raise ValueError("'options' lists the option labels")
            bad = [k for k in key if str(k).casefold() not in self.options]
            if bad:
                raise ValueError(f"correct options {bad} are not among options {self.options}")
        unknown = set(self.texts) - set(self.options)
        if unknown:
            raise ValueError(f"texts name unknown options {sorted(unknown)}")
        return self


def _pure_list(tokens: list[str], options: list[str], letters: list[str]) -> bool:
    """True when the answer is nothing but option names ("b, c", "BC", "2 and 3")."""
    for tok in tokens:
        if tok in options or tok in _CIRCLED or tok.isdigit() or tok in _FILLER:
            continue
        if tok.isalpha() and len(tok) <= len(letters) and len(set(tok)) == len(tok) and set(tok) <= set(letters):
            continue
        return False
    return True


def _option_index(tok: str, n: int) -> int | None:
    """1-based option number written as a digit or circled number."""
    if tok in _CIRCLED and _CIRCLED[tok] <= n:
        return _CIRCLED[tok]
    if tok.isdigit() and 1 <= int(tok) <= n:
        return int(tok)
    return None


def _from_texts(text: str, texts: dict[str, str]) -> list[str]:
    """Options quoted by their text; longest texts first, so "Leaky ReLU" is not also "ReLU"."""
    found = []
    for label, option_text in sorted(texts.items(), key=lambda kv: -len(kv[1])):
        needle = fold(option_text)
        if needle and needle in text:
            found.append(label)
            text = text.replace(needle, " ")
    return found


def read_ticked(answer: str, options: list[str], texts: dict[str, str]) -> list[str] | None:
    """The options an answer names, in the order written; None if unreadable.

    A pure list ("b, c", "BC", "②③") is read whole. In prose ("c - dropout
    helps") reading stops at the first word that is not an option, so articles
    and words spelt with option letters ("a", "bad") are not ticks.
    """
    text = _PREFIX.sub("", fold(answer), count=1)
    tokens = _TOKEN.findall(text)
    letters = [o for o in options if len(o) == 1 and o.isalpha()]
    pure = _pure_list(tokens, options, letters)
    found: list[str] = []
    for tok in tokens:
        index = _option_index(tok, len(options)) if letters or tok in _CIRCLED else None
        if tok in options:
            found.append(tok)
        elif index is not None:
            found.append(options[index - 1])
        elif pure and tok.isalpha() and tok not in _FILLER:
            found.extend(tok)  # "bc" written without separators
        elif tok not in _FILLER and found:
            break  # prose after the options
    if not found:
        found = _from_texts(text, texts)
    if not found and any(w in text for w in _NONE_WORDS):
        return []
    return list(dict.fromkeys(found)) if found else None


def read_sequence(answer: str, options: list[str]) -> str | None:
    """An order answer: one of the listed sequences, its number, or the steps in order."""
    text = _PREFIX.sub("", fold(answer), count=1)
    tokens = _TOKEN.findall(text)
    for tok in tokens:
        if tok in options:
            return tok
    singles = [t for t in tokens if len(t) == 1 and t.isalpha()]
    if len(singles) >= 2:
        return "".join(singles)
    if options:
        for tok in tokens:
            index = _option_index(tok, len(options))
            if index is None and len(tok) == 1 and tok.isalpha():
                index = ord(tok) - ord("a") + 1 if ord(tok) - ord("a") < len(options) else None
            if index is not None:
                return options[index - 1]
    words = [t for t in tokens if t.isalpha()]
    return words[0] if len(words) == 1 else None


@register("choice", ChoiceSpec)
def compile_choice(spec: ChoiceSpec, ctx: CompileContext) -> Checker:
    options = spec.options
    if spec.order:
        key = spec.correct if isinstance(spec.correct, str) else "".join(spec.correct)
        key = key.casefold()

        def check_order(answer: str) -> Match:
            seq = read_sequence(answer, options)
            if seq is None:
                return Match.no(message="Could not read an order of steps in the answer.")
            if seq == key:
                return Match.yes(f"order: {seq}")
            return Match(False, evidence=(f"order: {seq}",))

        return check_order

    correct = {str(c).casefold() for c in spec.correct}
    texts = {k.casefold(): v for k, v in spec.texts.items()}

    def check(answer: str) -> Match:
        ticked_list = read_ticked(answer, options, texts)
        if ticked_list is None:
            return Match.no(message="Could not read which options were chosen.")
        ticked = set(ticked_list)
        evidence = (f"chosen: {', '.join(ticked_list) or 'none'}",)
        if spec.mode == "exact":
            return Match(ticked == correct, count=int(ticked == correct), evidence=evidence)
        if spec.mode == "subset":
            ok = bool(ticked) and ticked <= correct
            return Match(ok, count=len(ticked & correct), evidence=evidence)
        if spec.mode == "contains":
            ok = correct <= ticked
            return Match(ok, count=len(ticked & correct), evidence=evidence)
        right = sum(1 for o in options if (o in ticked) == (o in correct))
        return Match(right > 0, count=right, evidence=evidence, credit=right / len(options))

    return check
