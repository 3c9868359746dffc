"""How a part asks to be answered: options to tick, true/false, a table, or free text.

The web form shows a choice part as its options (radio buttons when one
option is chosen, checkboxes when several may be), a true/false part as two
buttons, and a table part as a field where Tab types a column break. What the
form submits is plain text the checkers read ("a, d", "True", "참"), so typed
answers through the API stay equally valid. Nothing here reveals the key:
a choice takes several options (checkboxes) unless the rubric says
``select: single``, never because of how many options are right.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from grader.checkers.choice import ChoiceSpec
from grader.readers.options import texts_from_prompt
from grader.rubric.model import Part, Rubric

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TABLE = re.compile(r"\btable\b|표를|표에|표의", re.I)
VERDICT_WORDS = {"ko": ("참", "거짓"), "en": ("True", "False")}


def answer_form(rubric: Rubric, part: Part) -> dict[str, Any]:
    """``{"kind": "choice", "select": "single"|"multiple", "options": [{"label", "text"}]}``,
    ``{"kind": "truefalse", "choices": [{"value", "label"}]}`` or ``{"kind": "text", "table": bool}``."""
    language = (rubric.exam.language or ["en"])[0]
    checks = [item.check for item in part.items]
    kinds = {check.get("type") for check in checks}
    if kinds == {"truefalse"}:
        true, false = VERDICT_WORDS.get(language, VERDICT_WORDS["en"])
        return {"kind": "truefalse", "choices": [{"value": true, "label": true}, {"value": false, "label": false}]}
    if kinds == {"choice"}:
        form = _choice_form(part, checks, language)
        if form is not None:
            return form
    return {"kind": "text", "table": _is_table(part)}


def _choice_form(part: Part, checks: list[dict[str, Any]], language: str) -> dict[str, Any] | None:
    try:
        specs = [ChoiceSpec.model_validate(check) for check in checks]
    except ValidationError:
        return None  # the rubric's compile step reports it; the form falls back to text
    options = specs[0].options
    if any(spec.order or spec.options != options for spec in specs):
        return None
    texts: dict[str, str | list[str]] = {}
    for spec in specs:
        for label, text in spec.texts.items():
            texts.setdefault(label.casefold(), text)
    if not texts:
        texts = dict(texts_from_prompt(part.prompt, options))
    return {
        "kind": "choice",
        "select": _select(specs),
        "options": [{"label": label, "text": _in_language(texts.get(label, ""), language)} for label in options],
    }


def _select(specs: list[ChoiceSpec]) -> str:
    return "single" if len(specs) == 1 and specs[0].select == "single" else "multiple"


def _in_language(text: str | list[str], language: str) -> str:
    """The option's wording in the exam's language: the first one in Hangul for Korean, else the first without."""
    wordings = [text] if isinstance(text, str) else list(text)
    for wording in wordings:
        if bool(_HANGUL.search(wording)) == (language == "ko"):
            return wording
    return wordings[0] if wordings else ""


def _is_table(part: Part) -> bool:
    return any("\t" in example.answer for example in part.examples) or bool(_TABLE.search(part.prompt))
