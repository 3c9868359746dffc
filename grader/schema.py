"""The JSON Schema of the rubric format, for editors and outside validators.

The rubric model gives the structure; each checker's Spec gives the shape of
one ``check:`` mapping. ``rubrics/schema.json`` is this output, kept in sync
by a test.
"""

from __future__ import annotations

from typing import Any

from grader.checkers import KINDS
from grader.checkers.base import registry
from grader.rubric.model import Rubric


def rubric_json_schema() -> dict[str, Any]:
    schema = Rubric.model_json_schema(mode="validation")
    defs = schema.setdefault("$defs", {})
    check_refs = []
    kinds = registry()
    for kind in sorted(KINDS):  # the documented kinds only, not ones a test registered
        spec = kinds[kind][0]
        name = f"check_{kind}"
        sub = spec.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
        for inner_name, inner in sub.pop("$defs", {}).items():
            defs.setdefault(inner_name, inner)
        defs[name] = sub
        check_refs.append({"$ref": f"#/$defs/{name}"})
    defs["Item"]["properties"]["check"] = {"oneOf": check_refs, "description": "the matcher; see docs/rubric-format.md"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Rubric (format 1)"
    return schema
