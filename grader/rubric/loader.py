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
from grader.rubric.model import MAX_EXAMPLES_PER_PART, MAX_ITEMS_PER_PART, Rubric
from grader.rubric.numbers import MAX_PARTS, read_number

MAX_RUBRIC_BYTES = 2_000_000
MAX_NODES = 50_000  # the largest seed rubric has 7,742
MAX_DEPTH = 50
Loc = tuple[str | int, ...]

# JSON's scalars only: YAML 1.1's yes/no/on/off, 0755 and 12:30 stay strings.
_BOOL = re.compile(r"^(?:true|false)$")
_NULL = re.compile(r"^(?:null|~|)$")
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$")

# libyaml's event parser when present: composing nodes with PyYAML's Python
# resolver costs ~3 s per 200 kB of rubric, these events ~0.07 s.
_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _issue(filename: str, line: int, loc: Loc, reason: str) -> RubricError:
    return RubricError([Issue(filename, line, dotted(loc), reason)])


def _scalar(event: yaml.ScalarEvent, loc: Loc, line: int, filename: str) -> Any:
    """A plain scalar resolved as JSON would read it; quoted and block scalars are text."""
    text = event.value
    if not (event.implicit[0] and not event.style):
        return text
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text == "true"
    if _INT.match(text) or _FLOAT.match(text):
        digits = text.replace("_", "")
        try:
            number = read_number(digits)  # the bounded grammar: no 4,301-digit integers, no 1e400
            value = int(number) if _INT.match(text) else float(digits)
        except (ValueError, OverflowError) as exc:
            raise _issue(filename, line, loc, str(exc)) from None
        if value in (float("inf"), float("-inf")):
            raise _issue(filename, line, loc, "number out of range: larger than any float")
        return value
    return text


class _Builder:
    """Plain data from the event stream in one pass, refusing what a rubric never needs.

    Anchors, aliases, explicit tags, non-string keys, duplicate keys, a second
    document and nesting past MAX_DEPTH are errors; every mapping key's line
    and every value's line are kept for error messages.
    """

    def __init__(self, filename: str):
        self.filename = filename
        self.lines: dict[Loc, int] = {}
        self.stack: list[tuple[Any, Loc, list[Any]]] = []  # (container, its loc, [pending key])
        self.root: Any = None
        self.documents = 0
        self.budget = MAX_NODES

    def feed(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _issue(self.filename, line, (), "a rubric file holds one YAML document")
            return
        if not isinstance(event, (yaml.NodeEvent, yaml.CollectionEndEvent)):
            return  # stream and document ends
        if isinstance(event, yaml.CollectionEndEvent):
            container, _, _ = self.stack.pop()
            self._attach(container, None, 0)
            return
        loc = self._loc()
        if isinstance(event, yaml.AliasEvent) or event.anchor:
            raise _issue(self.filename, line, loc, "YAML anchors and aliases are not allowed")
        tag = self._explicit_tag(event)
        if tag:
            raise _issue(self.filename, line, loc, f"YAML tag {tag!r} is not allowed")
        self.budget -= 1
        if self.budget < 0:
            raise _issue(self.filename, line, (), "rubric has too many nodes")
        if isinstance(event, yaml.ScalarEvent):
            self._attach(_scalar(event, loc, line, self.filename), event, line)
        elif self._expecting_key():
            raise _issue(self.filename, line, loc, "mapping keys must be plain strings")
        else:
            if len(self.stack) >= MAX_DEPTH:
                raise _issue(self.filename, line, (), f"nested deeper than {MAX_DEPTH} levels")
            self.lines.setdefault(loc, line)
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.stack.append((container, loc, []))

    @staticmethod
    def _explicit_tag(event: yaml.NodeEvent) -> str | None:
        """The tag written in the file (``!!int``, ``!!python/...``), if any; ``!`` only marks text."""
        tag = getattr(event, "tag", None)
        if not tag or tag == "!":
            return None
        implicit = getattr(event, "implicit", False)  # (plain, quoted) for scalars, a bool for collections
        return None if (any(implicit) if isinstance(implicit, tuple) else implicit) else tag

    def _expecting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1][0], dict) and not self.stack[-1][2]

    def _loc(self) -> Loc:
        """Where the next value goes: the pending key of a mapping, the next index of a list."""
        if not self.stack:
            return ()
        container, loc, pending = self.stack[-1]
        if isinstance(container, dict):
            return (*loc, pending[0]) if pending else loc
        return (*loc, len(container))

    def _attach(self, value: Any, event: yaml.ScalarEvent | None, line: int) -> None:
        if not self.stack:
            self.root = value
            return
        container, loc, pending = self.stack[-1]
        if isinstance(container, list):
            if event is not None:
                self.lines.setdefault((*loc, len(container)), line)
            container.append(value)
            if loc == ("parts",) and len(container) > MAX_PARTS:  # stop reading: the rest is never built
                raise _issue(self.filename, self.lines[loc], loc, f"a rubric has at most {MAX_PARTS} parts")
        elif pending:
            if event is not None:
                self.lines.setdefault((*loc, pending[0]), line)
            container[pending.pop()] = value
        else:
            if not isinstance(value, str) or event is None:
                raise _issue(self.filename, line, loc, "mapping keys must be plain strings")
            if value in container:
                raise _issue(self.filename, line, (*loc, value), "duplicate key")
            self.lines[(*loc, value)] = line
            pending.append(value)


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
    builder = _Builder(filename)
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RubricError([Issue(filename, line, "", f"invalid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise RubricError([Issue(filename, None, "", f"invalid YAML: {exc}")]) from None
    if builder.root is None:
        raise RubricError([Issue(filename, None, "", "the rubric file is empty")])
    return builder.root, builder.lines


def issues_from_validation(exc: ValidationError, filename: str, lines: dict[Loc, int], prefix: Loc = ()) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = (*prefix, *(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))))
        reason = err["msg"].removeprefix("Value error, ")
        issues.append(Issue(filename, line_of(lines, loc), dotted(loc), reason))
    return issues


def shape_issues(data: dict[str, Any], filename: str, lines: dict[Loc, int]) -> list[Issue]:
    """The shape caps, on the plain data before validation: validating 10,000 parts took seconds
    before the model's own list limits were reached."""
    parts = data.get("parts")
    if not isinstance(parts, list):
        return []
    if len(parts) > MAX_PARTS:
        return [Issue(filename, line_of(lines, ("parts",)), "parts", f"a rubric has at most {MAX_PARTS} parts")]
    issues = []
    for i, part in enumerate(p for p in parts if isinstance(p, dict)):
        for key, cap in (("items", MAX_ITEMS_PER_PART), ("examples", MAX_EXAMPLES_PER_PART)):
            if isinstance(part.get(key), list) and len(part[key]) > cap:
                loc: Loc = ("parts", i, key)
                issues.append(Issue(filename, line_of(lines, loc), dotted(loc), f"a part has at most {cap} {key}"))
    return issues


def _check_issues(data: dict[str, Any], filename: str, lines: dict[Loc, int], known: list[Issue]) -> list[Issue]:
    """The problems of every item's ``check:``, so that a rubric failing validation elsewhere does not
    hide a typo in a checker type behind the first error. Checks the model already faulted are skipped."""
    from grader.checkers.base import spec_errors

    faulted = {issue.field for issue in known}
    out: list[Issue] = []
    parts = data.get("parts")
    for pi, part in enumerate(parts if isinstance(parts, list) else []):
        items = part.get("items") if isinstance(part, dict) else None
        for ii, item in enumerate(items if isinstance(items, list) else []):
            check = item.get("check") if isinstance(item, dict) else None
            base: Loc = ("parts", pi, "items", ii, "check")
            if not isinstance(check, dict) or not isinstance(check.get("type"), str) or dotted(base) in faulted:
                continue
            for reason, at in spec_errors(check):
                loc = (*base, *at)
                out.append(Issue(filename, line_of(lines, loc), dotted(loc), reason))
    return out


def load_rubric_text(text: str, filename: str = "<rubric>", *, compile: bool = True) -> Rubric:
    """Parse, validate and (by default) compile a rubric. Raises RubricError."""
    data, lines = parse_yaml(text, filename)
    if not isinstance(data, dict):
        raise RubricError([Issue(filename, 1, "", "a rubric is a mapping with 'exam' and 'parts'")])
    too_large = shape_issues(data, filename, lines)
    if too_large:
        raise RubricError(too_large)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        issues = issues_from_validation(exc, filename, lines)
        raise RubricError(issues + _check_issues(data, filename, lines, issues)) from None
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
