"""Build single checkers and tiny rubrics for table-driven tests."""

from __future__ import annotations

import textwrap
from typing import Any

from grader.checkers.base import Checker, CompileContext, compile_check
from grader.normalize import normalize_text


def checker(spec: dict[str, Any], *, model_answer: str = "", definitions: dict[str, Any] | None = None) -> Checker:
    ctx = CompileContext(
        part_id="p", item_id="i", item_points=1.0, model_answer=model_answer, definitions=definitions or {}
    )
    compiled = compile_check(spec, ctx)
    return lambda answer: compiled(normalize_text(answer))


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip()
