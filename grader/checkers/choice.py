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
_NONE_WORDS = {"none", "nothing", "없음", "없다"}


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


def read_ticked(answer: str, options: list[str], texts: dict[str, str]) -> list[str] | None:
    """The options an answer names, in the order written; None if unreadable."""
    text = _PREFIX.sub("", fold(answer), count=1)
    found: list[str] = []
    letters = [o for o in options if len(o) == 1 and o.isalpha()]
    for tok in _TOKEN.findall(text):
        if tok in options:
            found.append(tok)
        elif tok in _CIRCLED and _CIRCLED[tok] <= len(options):
            found.append(options[_CIRCLED[tok] - 1])
        elif tok.isdigit() and letters and 1 <= int(tok) <= len(options):
            found.append(options[int(tok) - 1])
        elif tok.isalpha() and tok not in _FILLER and len(tok) <= len(letters) and all(ch in letters for ch in tok):
            found.extend(tok)  # "bc" written without separators
    if not found:
        for label, option_text in texts.items():
            if fold(option_text) in text:
                found.append(label)
    if not found and any(w in text for w in _NONE_WORDS):
        return []
    return list(dict.fromkeys(found)) if found else None


def read_sequence(answer: str) -> str | None:
    text = _PREFIX.sub("", fold(answer), count=1)
    letters = "".join(re.findall(r"[a-z]", text))
    return letters or None


@register("choice", ChoiceSpec)
def compile_choice(spec: ChoiceSpec, ctx: CompileContext) -> Checker:
    if spec.order:
        key = spec.correct if isinstance(spec.correct, str) else "".join(spec.correct)
        key = key.casefold()

        def check_order(answer: str) -> Match:
            seq = read_sequence(answer)
            if seq is None:
                return Match.no(message="Could not read an order of steps in the answer.")
            if seq == key:
                return Match.yes(f"order: {seq}")
            return Match(False, evidence=(f"order: {seq}",))

        return check_order

    correct = {str(c).casefold() for c in spec.correct}
    options = spec.options
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
