"""Multiple choice: which options the student ticked, or the order they gave.

Answers arrive as "b, c", "B and C", "2,3", "②③", "(a), (d)", "정답: a, d",
"BC" or "edbac". Only ASCII letters are read as option letters, so look-alikes
from other scripts (Cyrillic "В") are never taken for "B".
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from grader.checkers.base import Checker, CompileContext, Doubt, Match, SpecBase, register
from grader.normalize import fold
from grader.readers.options import OptionTexts, option_index, read_options, texts_from_prompt

_TOKEN = re.compile(r"[a-z]+|[0-9]+|[\u2460-\u2473]")
_PREFIX = re.compile(r"^\s*(?:answers?|ans|sol(?:ution)?|정답|답|my answer)\s*(?:is|은|는)?\s*[:：=\-→>]*\s*", re.I)


class ChoiceSpec(SpecBase):
    type: Literal["choice"]
    options: list[str] = Field(default_factory=list)
    correct: list[str] | str
    mode: Literal["exact", "each", "subset", "contains"] = "exact"
    order: bool = False
    # what each option says (one text, or several: the option's wording in each language), for answers
    # that name an option by its content
    texts: dict[str, str | list[str]] = Field(default_factory=dict)
    # how the web form asks: one option (radio buttons) or several (checkboxes, the default); grading ignores it
    select: Literal["single", "multiple"] = "multiple"

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


def read_ticked(answer: str, options: list[str], texts: dict[str, str | list[str]]) -> list[str] | None:
    """The options an answer names, in the order written; None if unreadable (see grader.readers.options)."""
    return read_options(answer, options, option_texts(texts)).ticked


def option_texts(texts: dict[str, str | list[str]]) -> OptionTexts | None:
    if not texts:
        return None
    return OptionTexts({k.casefold(): [v] if isinstance(v, str) else list(v) for k, v in texts.items()})


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
            index = option_index(tok, len(options))
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
    # without texts in the rubric, the options the prompt lists ("(a) Tanh (b) ReLU") name them
    content = option_texts(spec.texts or dict(texts_from_prompt(ctx.prompt, options)))

    def check(answer: str) -> Match:
        reading = read_options(answer, options, content)
        ticked_list = reading.ticked
        if ticked_list is None:
            return Match(
                False,
                message="Could not read which options were chosen.",
                doubts=(Doubt("unread", reading.how),),
            )
        ticked = set(ticked_list)
        evidence = (f"chosen: {', '.join(ticked_list) or 'none'}",)
        doubts = reading.doubts
        if spec.mode == "exact":
            return Match(ticked == correct, count=int(ticked == correct), evidence=evidence, doubts=doubts)
        if spec.mode == "subset":
            ok = bool(ticked) and ticked <= correct
            return Match(ok, count=len(ticked & correct), evidence=evidence, doubts=doubts)
        if spec.mode == "contains":
            ok = correct <= ticked
            return Match(ok, count=len(ticked & correct), evidence=evidence, doubts=doubts)
        right = sum(1 for o in options if (o in ticked) == (o in correct))
        return Match(right > 0, count=right, evidence=evidence, credit=right / len(options), doubts=doubts)

    return check
