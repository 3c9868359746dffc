"""Strict YAML loading: only plain data, every node's line remembered.

``yaml.safe_load`` alone is not enough here: YAML 1.1 turns ``NO`` into False,
``1.10`` into 1.1, ``12:30`` into 750 and ``0755`` into 493, duplicate keys
silently overwrite, and aliases can expand into a memory bomb. This loader
resolves only JSON-like scalars, rejects anchors, aliases, tags and duplicate
keys, and records the line of every mapping key so that model errors can be
reported as file:line: field: reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from grader.errors import Issue, RubricError
from grader.rubric.model import Rubric

MAX_RUBRIC_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50

Loc = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 implicit typing; the composer is ours."""


# Drop every implicit resolver, then allow back only JSON's scalars.
_StrictLoader.yaml_implicit_resolvers = {}
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:null|~|)$"), ["n", "~", ""])
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))

_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _reject_events(text: str, filename: str) -> None:
    """Anchors, aliases, explicit tags and deep nesting are refused before anything is built.

    The scan uses libyaml when present: the pure-Python parser needs ~20 s to
    reject 10,000 nested brackets, libyaml a few milliseconds.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_EventLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RubricError([Issue(filename, line, "", "YAML anchors and aliases are not allowed")])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise RubricError([Issue(filename, line, "", f"nested deeper than {MAX_DEPTH} levels")])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        tag = getattr(event, "tag", None)
        if tag and not getattr(event, "implicit", True) and tag != "!":
            if isinstance(event.implicit, tuple) and any(event.implicit):
                continue
            raise RubricError([Issue(filename, line, "", f"YAML tag {tag!r} is not allowed")])


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], filename: str, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise RubricError([Issue(filename, node.start_mark.line + 1, "", "rubric has too many nodes")])
    lines.setdefault(loc, node.start_mark.line + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise RubricError(
            [Issue(filename, node.start_mark.line + 1, dotted(loc), f"YAML tag {node.tag!r} is not allowed")]
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise RubricError(
                    [Issue(filename, key_node.start_mark.line + 1, dotted(loc), "mapping keys must be plain strings")]
                )
            key = key_node.value
            if key in out:
                raise RubricError([Issue(filename, key_node.start_mark.line + 1, dotted((*loc, key)), "duplicate key")])
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*loc, key), lines, filename, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(n, (*loc, i), lines, filename, budget) for i, n in enumerate(node.value)]
    value = _StrictLoader.construct_scalar(_StrictLoader(""), node)  # type: ignore[arg-type]
    if node.tag == "tag:yaml.org,2002:int":
        return int(str(value).replace("_", ""))
    if node.tag == "tag:yaml.org,2002:float":
        return float(str(value).replace("_", ""))
    if node.tag == "tag:yaml.org,2002:bool":
        return value == "true"
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return value


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of the deepest known node on the path to ``loc``."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def parse_yaml(text: str, filename: str = "<rubric>") -> tuple[Any, dict[Loc, int]]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_RUBRIC_BYTES:
        raise RubricError([Issue(filename, None, "", f"rubric is larger than {MAX_RUBRIC_BYTES} bytes")])
    try:
        _reject_events(text, filename)
        root = yaml.compose(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RubricError([Issue(filename, line, "", f"invalid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise RubricError([Issue(filename, None, "", f"invalid YAML: {exc}")]) from None
    if root is None:
        raise RubricError([Issue(filename, None, "", "the rubric file is empty")])
    lines: dict[Loc, int] = {}
    return _build(root, (), lines, filename, [MAX_NODES]), lines


def issues_from_validation(exc: ValidationError, filename: str, lines: dict[Loc, int], prefix: Loc = ()) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = (*prefix, *(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))))
        reason = err["msg"].removeprefix("Value error, ")
        issues.append(Issue(filename, line_of(lines, loc), dotted(loc), reason))
    return issues


def load_rubric_text(text: str, filename: str = "<rubric>", *, compile: bool = True) -> Rubric:
    """Parse, validate and (by default) compile a rubric. Raises RubricError."""
    data, lines = parse_yaml(text, filename)
    if not isinstance(data, dict):
        raise RubricError([Issue(filename, 1, "", "a rubric is a mapping with 'exam' and 'parts'")])
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(issues_from_validation(exc, filename, lines)) from None
    if compile:
        from grader.engine import compile_rubric

        compile_rubric(rubric, filename=filename, lines=lines)
    return rubric


def load_rubric(path: str | Path, *, compile: bool = True) -> Rubric:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RubricError([Issue(str(path), None, "", f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:
        raise RubricError([Issue(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    return load_rubric_text(text, str(path), compile=compile)
