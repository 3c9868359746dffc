"""``python -m grader equiv --jsonl FILE``: math equivalence, JSON lines in and out.

Each input line ``{"id", "student", "teacher", "test"?, "options"?, "syntax"?}``
gives one output line ``{"id", "verdict": true|false|null, "ms"}``, with a
``reason`` when the verdict is null (unreadable input, unsupported notation,
undecidable). There is no rubric here, so any single-letter or Greek symbol
(with digits or a subscript) may appear, plus the names in
``options.variables``. Every case is bounded: inputs are size-checked before
they are evaluated, and SymPy runs only in a killable helper process.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import IO, Any

from grader.mathexpr import (
    Err,
    Key,
    MathError,
    Node,
    Ok,
    Scope,
    Tolerance,
    build_scope,
    read,
    sandbox,
    statements,
    unknown_symbols,
)
from grader.mathexpr.equivalence import EXACT
from grader.mathexpr.evaluate import DOMAIN_KINDS
from grader.mathexpr.extract import segments, strip_markdown
from grader.mathexpr.matrices import matrix_shapes
from grader.mathexpr.units import Unit, in_base_units, split_quantity, unit_of
from grader.normalize import normalize_text

MAX_LINE = 1_000_000
TESTS = {
    "equiv": "exact", "algequiv": "exact", "num_abs": "abs", "numabsolute": "abs",
    "num_rel": "rel", "numrelative": "rel",
}  # fmt: skip
DEFAULT_NUM_TOL = 0.05  # STACK's default for NumRelative / NumAbsolute
SYNTAXES = {"latex": "latex", "plain": "plain", "python": "plain", "maxima": "maxima", "text": "latex"}


def run_jsonl(stream_in: IO[str], stream_out: IO[str]) -> int:
    """Answer every line; a bad line gets a null verdict, never an exception. Exit status 0."""
    sandbox.warm()  # the helper imports SymPy while the first lines are checked numerically
    for raw in stream_in:
        if not raw.strip():
            continue
        start = time.perf_counter()
        result = check_line(raw)
        result["ms"] = round((time.perf_counter() - start) * 1000, 3)
        stream_out.write(json.dumps(result, ensure_ascii=False) + "\n")
        stream_out.flush()
    return 0


def check_line(raw: str) -> dict[str, Any]:
    if len(raw) > MAX_LINE:
        return {"id": None, "verdict": None, "reason": "the line is too long"}
    try:
        case = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return {"id": None, "verdict": None, "reason": f"not valid JSON: {str(exc)[:120]}"}
    if not isinstance(case, dict):
        return {"id": None, "verdict": None, "reason": "a line must be a JSON object"}
    try:
        verdict, reason = check_case(case)
    except Exception as exc:  # one odd line must not stop the batch; the reason names the fault
        verdict, reason = None, f"internal error: {type(exc).__name__}"
    out: dict[str, Any] = {"id": case.get("id"), "verdict": verdict}
    if verdict is None:
        out["reason"] = reason
    return out


def check_case(case: Mapping[str, Any]) -> tuple[bool | None, str]:
    """(verdict, reason) for one case object."""
    student, teacher = case.get("student"), case.get("teacher")
    if not isinstance(student, str) or not isinstance(teacher, str):
        return None, "student and teacher must be strings"
    student, teacher = normalize_text(student), normalize_text(teacher)  # as the grader sees answers
    if case.get("syntax") in ("latex", "text") or (case.get("syntax") is None and "\\" in student + teacher):
        student, teacher = _single_escapes(student), _single_escapes(teacher)
    name = str(case.get("test") or "equiv").lower()
    kinds = TYPE_TESTS.get(name)
    test = TESTS.get(name) or ("exact" if kinds is not None or name == "antiderivative" else None)
    if test is None:
        return None, f"test {case.get('test')!r} is not supported"
    options = case.get("options")
    opts = options if isinstance(options, dict) else {}
    try:
        tol = _tolerance(test, options)
        syntax = SYNTAXES.get(str(case.get("syntax") or guess_syntax(student + teacher)), "plain")
        unit = _unit(opts)
        scope = _scope(opts, syntax, "all" if unit is not None else "upright" if syntax == "latex" else "")
        if syntax == "maxima":
            teacher = unwrap_teacher(teacher)
        try:
            key_node = _read(teacher, scope, syntax, "the teacher's answer")
        except MathError:
            words = text_answer(teacher) if syntax == "latex" else None
            if not words:
                raise
            mine = text_answer(student)
            return mine == words, "" if mine == words else "a different answer in words"
        # "k = 1" standing for the answer 1 is a free-text convention, not a CAS one (STACK: 1 is not x = 1)
        equations = options.get("equations", "proportional") if isinstance(options, dict) else "proportional"
        if equations not in ("proportional", "solutions"):
            raise MathError("equations must be proportional or solutions")
        variable = str(opts.get("variable") or "x") if name == "antiderivative" else None
        key = Key(key_node, scope, tol=tol, domain=_domain(options), assignments=syntax == "latex", equations=equations,
                  matrices=matrix_shapes(opts.get("matrices")), antiderivative=variable,
                  ordered=opts.get("ordered", True) is not False, unit=unit,
                  require_unit=opts.get("require_unit", False))  # fmt: skip
        if unit is not None:
            key = _with_unit(key, key_node, unit)
        answer = _read(student, scope, syntax, "the student's answer", key)
    except MathError as exc:
        return None, exc.message
    if kinds is not None:
        if key.form.kind not in kinds:
            return None, f"the teacher's answer is not {TYPE_NAMES[name]}"
        answer_kind = key.kind_of(answer)
        if answer_kind not in kinds:
            return False, f"expected {TYPE_NAMES[name]}"
    verdict = key.compare(answer)
    return verdict.equal, verdict.reason


# `test` may name the type both answers must have (then they are compared as usual).
TYPE_TESTS = {
    "expression": {"expr"}, "equation": {"eq"}, "inequality": {"lt", "le", "ne"}, "logic": {"logic"},
    "set": {"set", "realset"}, "interval": {"interval", "realset"}, "tuple": {"tuple"}, "list": {"list"},
    "matrix": {"matrix"}, "definition": {"define"},
}  # fmt: skip
TYPE_NAMES = {
    "expression": "an expression", "equation": "an equation", "inequality": "an inequality",
    "logic": "a statement of logic", "set": "a set", "interval": "an interval", "tuple": "a tuple",
    "list": "a list", "matrix": "a matrix", "definition": "a function definition",
}  # fmt: skip


# Maxima functions that change an expression's form but not its value. Teacher (STACK) strings
# only: a student's text is never given CAS commands, and these are unwrapped, never called.
VALUE_KEEPING = frozenset({"ratsimp", "fullratsimp", "expand", "factor", "radcan", "rat", "ev"})
_WRAPPER = re.compile(r"\s*([a-z]+)\s*\(")


def unwrap_teacher(text: str) -> str:
    """``ev(ratsimp(e), simp)`` -> ``e``: the argument of a value-keeping wrapper around the whole key."""
    for _ in range(10):
        m = _WRAPPER.match(text)
        if m is None or m.group(1) not in VALUE_KEEPING or not text.rstrip().endswith(")"):
            return text
        depth, j, comma = 1, m.end(), None
        while j < len(text) and depth:
            ch = text[j]
            depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
            if ch == "," and depth == 1 and comma is None:
                comma = j
            j += 1
        if depth or text[j:].strip():
            return text  # the wrapper does not span the whole key
        end = j - 1
        if comma is not None:
            extra = {a.strip() for a in text[comma + 1 : end].split(",")}
            if m.group(1) != "ev" or not extra <= {"simp", "nouns"}:
                return text  # factor(e, x), ev(e, x = 1): more than a change of form
            end = comma
        text = text[m.end() : end]
    return text


_DOUBLED = re.compile(
    r"\\\\(?=(?:left|right|frac|dfrac|tfrac|sqrt|le|ge|leq|geq|boxed|text|cdot|times|pi|in|infty|pm)\b)"
)


def _single_escapes(text: str) -> str:
    """``\\\\frac`` (a backslash escaped once too often in JSON) is ``\\frac``: a line break never precedes these."""
    return _DOUBLED.sub(r"\\", text)


_TEXT_COMMANDS = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*")
_FINAL_BOX = re.compile(r"\\boxed\s*\{(.*)\}", re.S)


def text_answer(text: str) -> str | None:
    """An answer in words (``\\text{Evelyn}``, ``(C)``), normalized; None when it holds digits or operators."""
    box = _FINAL_BOX.search(text)
    inner = box.group(1) if box else text
    inner = _TEXT_COMMANDS.sub("", inner)
    inner = re.sub(r"[{}$]|\\[()\[\]]", " ", inner)
    inner = re.sub(r"\s+", " ", inner).strip(" .").strip()
    inner = re.sub(r"^\((\w)\)$", r"\1", inner)
    if not inner or not re.fullmatch(r"[A-Za-z][A-Za-z ,'-]*", inner):
        return None
    return inner.lower()


def guess_syntax(text: str) -> str:
    if re.search(r"%(pi|e|i)\b|#pm#", text):
        return "maxima"
    return "latex" if "\\" in text or "$" in text else "plain"


def _tolerance(test: str, options: Any) -> Tolerance:
    value = options.get("tol") if isinstance(options, dict) else options
    if value is None or value == "":
        return EXACT if test == "exact" else Tolerance(test, DEFAULT_NUM_TOL)
    try:
        number = float(str(value))
    except ValueError:
        raise MathError(f"the tolerance {str(value)[:40]!r} is not a number") from None
    if not 0 <= number < float("inf"):
        raise MathError("the tolerance must be a finite non-negative number")
    return Tolerance("tol" if test == "exact" else test, number)


def _domain(options: Any) -> dict[str, Any]:
    raw = options.get("domain") if isinstance(options, dict) else None
    if not isinstance(raw, dict):
        return {}
    try:
        return {str(k): v if v in DOMAIN_KINDS else (float(v[0]), float(v[1])) for k, v in raw.items()}
    except (TypeError, ValueError, IndexError, KeyError):
        raise MathError(f"domain must map names to [low, high] or one of {', '.join(DOMAIN_KINDS)}") from None


def _unit(options: Mapping[str, Any]) -> Unit | None:
    name = options.get("unit")
    if name is None:
        return None
    unit = unit_of(str(name).replace("^", "**"))
    if unit is None:
        raise MathError(f"unknown unit {str(name)[:40]!r}")
    return Unit(str(name), unit.factor, unit.dimensions)


def _with_unit(key: Key, node: Node, unit: Unit) -> Key:
    """The key's value in SI base units (the teacher writes 4.7 for 4.7 uF)."""
    value, written = split_quantity(node)
    if written is not None:
        raise MathError("the teacher's answer: give its unit in options.unit, not in the answer")
    return Key(in_base_units(value, unit), key.scope, tol=key.tol, domain=key.domain, equations=key.equations,
               unit=unit, require_unit=key.require_unit)  # fmt: skip


def _scope(options: Mapping[str, Any], syntax: str, units: str = "") -> Scope:
    variables = [str(v) for v in options.get("variables") or [] if isinstance(v, str)]
    raw_functions = options.get("functions") or options.get("custom_functions") or {}
    if isinstance(raw_functions, list):  # names only: unknown functions, equal only to themselves
        raw_functions = {str(name): {"args": [], "expr": None} for name in raw_functions}
    if not isinstance(raw_functions, dict):
        raise MathError("functions must be a list of names or an object of definitions")
    functions = {}
    for name, spec in raw_functions.items():
        spec = spec if isinstance(spec, dict) else {}
        functions[str(name)] = ([str(a) for a in spec.get("args") or []], spec.get("expr"))
    complex_units = options.get("allow_complex", options.get("complex", False))
    imaginary = [u for u in ("i", "j") if complex_units and u not in variables]
    return build_scope(variables, functions, open=True, dialect="maxima" if syntax == "maxima" else "plain",
                       imaginary=imaginary, units=units)  # fmt: skip


def _read(text: str, scope: Scope, syntax: str, who: str, key: Key | None = None) -> Node:
    """The statement to compare: the whole text, or for LaTeX/free text its final math."""
    if syntax != "latex":
        parsed = read(text, scope, syntax)
        if isinstance(parsed, Err):
            raise MathError(f"{who}: {parsed.message}", parsed.column)
        node = parsed.node
    else:
        node = _last_statement(text, scope, who, key)
    unknown = unknown_symbols(node, scope)
    if unknown:
        raise MathError(f"{who}: unknown symbol {unknown[0]}")
    return node


_CONNECTIVES = re.compile(r"(?:\s|[,;$]|\\[()\[\],;!]|\\q?quad|\\text\{\s*(?:and|or)?\s*\}|\band\b|\bor\b)*")
_FINAL = re.compile(r"final answer(?: is)?\s*:?", re.I)


def _joined_boxes(text: str, boxes: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The last boxes that only connectives separate (``\\boxed{1} and \\boxed{2}``): one answer of several."""
    run = [boxes[-1]]
    for box in reversed(boxes[:-1]):
        if box[2] != run[0][2]:
            break
        gap = text[box[1] + 1 : run[0][0] - len("\\boxed{")] if box[2] == "boxed" else text[box[1] + 1 : run[0][0] - 1]
        if not _CONNECTIVES.fullmatch(gap) or (not re.search(r"\band\b|\bor\b|,", gap) and box[2] == "math"):
            break
        run.insert(0, box)
    return run


def _final_answer(text: str) -> str:
    """What follows the last "Final answer:" of a worked solution, when there is math there."""
    found = list(_FINAL.finditer(text))
    if not found:
        return text
    last = found[-1]
    tail = text[last.end() :].replace("$", " ")  # "The largest $n$ is 34.": the sentence is the answer
    return " " * last.end() + tail if re.search(r"\d", tail) else text


def _last_statement(text: str, scope: Scope, who: str, key: Key | None) -> Node:
    """The last readable statement; with ``\\boxed{}`` answers, only inside the last box.

    An unreadable last box is the final answer we cannot read: an earlier box is not a
    fallback (it is often a first attempt that the text goes on to correct).
    """
    problem = "no math found"
    text = _final_answer(text)
    found = statements(text, scope, "latex")
    boxes = segments(strip_markdown(text), "latex")
    if boxes and boxes[-1][2] in ("boxed", "math"):
        joined = _joined_boxes(text, boxes)
        answers = [s for s in found if s.tokens[0].col >= joined[0][0]]
        if len(joined) > 1 and len(answers) == len(joined) and all(isinstance(s.parsed, Ok) for s in answers):
            items = [s.parsed.node for s in answers]  # type: ignore[union-attr]
            flat = tuple(x for n in items for x in (n.args if n.op == "set" else (n,)))
            return Node("set", flat, None, answers[0].tokens[0].col)
    if boxes and boxes[-1][2] == "boxed":
        found = [s for s in found if s.tokens[0].col >= boxes[-1][0]]
    for stmt in reversed(found):
        parsed = stmt.parsed
        if isinstance(parsed, Err) and key is not None and key.node.op != "rel":
            parsed = stmt.tail() or parsed  # \frac{\partial L}{\partial W} = ...: the value after the "="
        if isinstance(parsed, Err):
            problem = parsed.message if problem == "no math found" else problem
            continue
        nodes = [parsed.node] if key is None else key.candidates(parsed.node)
        if nodes and nodes[0].op == "sym" and key is not None and key.node.op != "sym" and stmt is not found[0]:
            continue  # "... is 14400. I hope it is correct": a lone name in prose is not the answer
        if nodes:
            return nodes[0]
    raise MathError(f"{who}: {problem}")
