"""Tokens of plain-text math, and what identifiers mean in a scope.

The plain reader accepts what people type: ``2σ(2x) − 1``, ``x²``, ``√x``,
``3·10^-2``, ``**`` and ``^`` for powers, ``≤``; with the Maxima dialect also
``%pi``, ``x[1]`` and ``#``. Problems are emitted as ``bad`` tokens carrying
their message, so a lenient reader can still find the math around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from grader.mathexpr.maxima import FUNCTIONS as MAXIMA_FUNCTIONS
from grader.mathexpr.names import (
    BUILTINS,
    GREEK_SET,
    OPEN_FUNCTION_LETTERS,
    UNICODE_GREEK,
    Scope,
    builtin,
    canonical_name,
    is_simple,
)
from grader.mathexpr.tree import MAX_DIGITS, MAX_EXP10
from grader.mathexpr.units import is_unit_name


@dataclass(slots=True)
class Token:
    """kind: num sym func const op rel lp rp bar comma root sep approx word bad ident end."""

    kind: str
    val: Any
    col: int  # 0-based start offset in the text
    end: int  # 0-based end offset (exclusive)
    split: bool = False  # an identifier that may be a run of several names (``xy``)
    base: list[Token] | None = None  # subscript of ``\log_2``
    upright: bool = False  # written in \mathrm{} or \text{}: may be a unit


_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")  # "5." ends a sentence
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_(?:\{[A-Za-z0-9]+\}|[A-Za-z0-9]+))*")
_MAXIMA_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9]+\])?")
_SUPERS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_SUPERS.update({"⁺": "+", "⁻": "-", "ⁿ": "n"})
_PERCENT_NAME = re.compile(r"%[a-z]+")
_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}
_OPS = {
    "+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "×": "*", "·": "*", "⋅": "*", "∗": "*", "•": "*",
    "/": "/", "÷": "/", "^": "^", "±": "pm", "∓": "pm", "@": "*",
}  # fmt: skip
_RELS = {"≤": "<=", "⩽": "<=", "≥": ">=", "⩾": ">=", "≠": "!=", "=": "=", "<": "<", ">": ">"}
_TWO_CHAR: dict[str, tuple[str, str | None]] = {
    "**": ("op", "^"),
    "<=": ("rel", "<="),
    ">=": ("rel", ">="),
    "!=": ("rel", "!="),
    "==": ("rel", "="),
}
_TWO_CHAR.update({"=>": ("sep", None), "->": ("sep", None), "~~": ("approx", None)})
_SEPS = set(";:.?→⇒⟹∴∵⇔↔")
_ROOTS = {"√": "sqrt", "∛": "cbrt", "∜": "root4"}
_SINGLE: dict[str, tuple[str, Any]] = {
    **{c: ("op", v) for c, v in _OPS.items()},
    **{c: ("rel", v) for c, v in _RELS.items()},
    **{c: ("root", v) for c, v in _ROOTS.items()},
    **{c: ("lp", c) for c in "([{"},
    **{c: ("rp", o) for c, o in zip(")]}", "([{", strict=True)},
    "!": ("op", "!"), "°": ("op", "deg"), "|": ("bar", None), ",": ("comma", None), "≈": ("approx", None),
    "∪": ("setop", "union"), "∩": ("setop", "intersection"), "∖": ("setop", "minus"), "∈": ("rel", "in"),
    "∉": ("rel", "notin"), "∅": ("empty", None), "∧": ("logic", "and"), "∨": ("logic", "or"), "¬": ("logic", "not"),
    "∞": ("bad", "infinity is not supported"),
    "∂": ("bad", "derivatives (∂) are not supported"), "∇": ("bad", "derivatives (∇) are not supported"),
    **dict.fromkeys("'′", ("prime", None)),
    **dict.fromkeys("\"`", ("bad", "quotes are not supported")),
}  # fmt: skip
MAXIMA_CONSTANTS = {"%pi": "pi", "%e": "e", "%i": "i"}
MAXIMA_SET_FUNCTIONS = {"%union": "union", "%intersection": "intersection"}
RESERVED = {
    "inf": "infinity is not supported", "minf": "infinity is not supported (minf)",
    "infty": "infinity is not supported", "infinity": "infinity is not supported", "oo": "infinity is not supported",
    "und": "undefined values are not supported",
}  # fmt: skip
# Connectives of logic (Maxima's noun forms too); "and"/"or" also join answers in prose ("6 and 8").
LOGIC = {"and": "and", "or": "or", "not": "not", "xor": "xor", "implies": "implies", "xnor": "xnor",
         "nounand": "and", "nounor": "or", "nounnot": "not"}  # fmt: skip
# Truth values: Maxima's "all" (every x) and "none" (no x) as the solution sets they name.
TRUTH = {"true": True, "false": False, "all": True, "none": False}
PROSE_LOGIC = frozenset({"and", "or"})  # connectives still read in free text
PERCENT_WORDS = frozenset({"percent", "pct", "percentage"})
# Maxima's intervals (open/closed ends) and matrices, read as values, never called.
MAXIMA_CONSTRUCTORS = {"oo": (False, False), "oc": (False, True), "co": (True, False), "cc": (True, True),
                       "matrix": None}  # fmt: skip


def number_token(text: str, start: int, end: int) -> Token:
    """A literal as an exact fraction, refused before conversion when too big."""
    mantissa, _, exponent = text.lower().partition("e")
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        return Token("bad", "number too long", start, end)
    if exponent and (len(exponent) > 5 or abs(int(exponent)) > MAX_EXP10):
        return Token("bad", "number too large", start, end)
    return Token("num", Fraction(text), start, end)


def tokenize_plain(text: str, dialect: str = "plain", offset: int = 0) -> list[Token]:
    """Plain or Maxima text to raw tokens; identifiers are resolved later by :func:`resolve`."""
    out: list[Token] = []
    i = 0
    maxima = dialect == "maxima"
    while i < len(text):
        ch = text[i]
        if ch.isspace() or ch == "$" or (ch == "'" and maxima):
            i += 1
            continue
        if maxima and ch in "%#":
            toks, i = _read_maxima(text, i, offset)
        elif ch in _DIGITS or (ch == "." and text[i + 1 : i + 2] in _DIGITS and i + 1 < len(text)):
            m = _NUMBER.match(text, i)
            assert m is not None
            toks, i = [number_token(m.group(), offset + i, offset + m.end())], m.end()
        elif ch.isascii() and ch.isalpha():
            toks, i = _read_identifier(text, i, offset, maxima)
        elif ch in UNICODE_GREEK:
            toks, i = _read_greek(text, i, offset)
        elif ch in _SUPERS:
            toks, i = _read_superscript(text, i, offset, dialect)
        else:
            toks, i = _read_symbol(text, i, offset, maxima)
        out += toks
    return out


def _read_maxima(text: str, i: int, offset: int) -> tuple[list[Token], int]:
    """``%pi``, ``%e``, ``%i``; ``#`` (not equal) and ``#pm#``."""
    at = offset + i
    if text.startswith("#pm#", i):
        return [Token("op", "pm", at, at + 4)], i + 4
    if text[i] == "#":
        return [Token("rel", "!=", at, at + 1)], i + 1
    m = _PERCENT_NAME.match(text, i)
    word = m.group() if m else "%"
    const = MAXIMA_CONSTANTS.get(word)
    if word in MAXIMA_SET_FUNCTIONS:
        tok = Token("func", MAXIMA_SET_FUNCTIONS[word], at, at + len(word))
    elif const:
        tok = Token("const", const, at, at + len(word))
    else:
        tok = Token("bad", f"unknown name {word}", at, at + len(word))
    return [tok], i + len(word)


def _read_identifier(text: str, i: int, offset: int, maxima: bool) -> tuple[list[Token], int]:
    m = (_MAXIMA_IDENT if maxima else _IDENT).match(text, i)
    assert m is not None
    name, j = _subscript_digits(text, m.end(), m.group())
    return [Token("ident", name.replace("{", "").replace("}", ""), offset + i, offset + j, split=not maxima)], j


def _read_greek(text: str, i: int, offset: int) -> tuple[list[Token], int]:
    """``σ``, ``μ0``, ``σ₁``: one Greek letter, then digits or a subscript."""
    j = i + 1
    while j < len(text) and text[j] in _DIGITS:
        j += 1
    name, j = _subscript_digits(text, j, canonical_name(text[i]) + text[i + 1 : j])
    return [Token("ident", name, offset + i, offset + j)], j


def _read_superscript(text: str, i: int, offset: int, dialect: str) -> tuple[list[Token], int]:
    """``x²`` and ``x⁻¹`` are ``x^(2)`` and ``x^(-1)``."""
    j = i
    while j < len(text) and text[j] in _SUPERS:
        j += 1
    at, end = offset + i, offset + j
    inner = tokenize_plain("".join(_SUPERS[c] for c in text[i:j]), dialect, at)
    for t in inner:
        t.col, t.end = at, end
    return [Token("op", "^", at, at), Token("lp", "(", at, at), *inner, Token("rp", "(", end, end)], j


def _read_symbol(text: str, i: int, offset: int, maxima: bool) -> tuple[list[Token], int]:
    """Operators, brackets, relations and separators; anything else is prose or an error."""
    at, ch = offset + i, text[i]
    pair = text[i : i + 2]
    if pair in _TWO_CHAR:
        kind, val = _TWO_CHAR[pair]
        return [Token(kind, val, at, at + 2)], i + 2
    if maxima and pair == ":=":
        return [Token("rel", ":=", at, at + 2)], i + 2  # f(x) := x^2, a definition
    if maxima and ch == ":":
        return [Token("rel", ":", at, at + 1)], i + 1  # radexpand:all, a setting
    if ch == "%":
        return [Token("op", "%", at, at + 1)], i + 1  # 28% is 0.28
    if pair == ".T" and not text[i + 2 : i + 3].isalnum() and i and (text[i - 1].isalnum() or text[i - 1] == ")"):
        return [Token("op", "^", at, at + 1), Token("ident", "T", at + 1, at + 2)], i + 2  # numpy's A.T
    default = ("sep", ch) if ch in _SEPS or not ch.isalpha() else ("word", ch)  # Hangul etc.: prose
    kind, val = _SINGLE.get(ch, default)
    return [Token(kind, val, at, at + 1)], i + 1


def _subscript_digits(text: str, i: int, name: str) -> tuple[str, int]:
    """``x₁`` is ``x_1``."""
    j = i
    while j < len(text) and text[j] in _SUBSCRIPTS:
        j += 1
    if j > i:
        name += "_" + "".join(_SUBSCRIPTS[c] for c in text[i:j])
    return name, j


def resolve(tokens: list[Token], scope: Scope, lenient: bool) -> list[Token]:
    """Turn identifiers into symbols, constants and functions, or words / errors.

    A run like ``xy`` or ``sinx`` is split into known names when it is not a
    name itself (LaTeX letters are separate symbols by convention).
    """
    out: list[Token] = []
    for k, tok in enumerate(tokens):
        if tok.base:
            tok.base = resolve(tok.base, scope, lenient)
        if tok.kind == "bigop":
            name, lower, upper = tok.val
            tok.val = (name, *(None if b is None else resolve(b, scope, lenient) for b in (lower, upper)))
        if tok.kind == "ident" and _primes(tokens, k):
            continue  # f'(x): read with its primes below
        if tok.kind == "prime" and out and out[-1].kind == "func" and str(out[-1].val).endswith("'"):
            continue
        if tok.kind == "prime" and k and tokens[k - 1].kind == "ident" and _primes(tokens, k - 1):
            out.append(_primed(tokens, k - 1, scope))
            continue
        if tok.kind == "prime":  # y' alone: a quantity named by notation we do not read
            out.append(replace(tok, kind="bad", val="quotes and primes are not supported"))
            continue
        prefixed = _prefixed_unit(out[-1], tok, scope) if scope.units and out else None
        if prefixed is not None:
            out[-1] = prefixed
            continue
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        applied = nxt is not None and nxt.kind == "lp" and nxt.val == "("
        if tok.kind == "ident":
            out.extend(_resolve_one(tok, scope, lenient, applied))
        elif tok.kind == "tident":  # \text{...}: a known name, a connective ("\\text{ or }"), else prose
            kind, val = _meaning(str(tok.val), scope, applied)
            if scope.units and _may_be_unit(str(tok.val), scope):
                kind, val = "unit", str(tok.val)  # \text{m}, \mathrm{km/h}: upright letters are units
            if kind is None and str(tok.val) in PROSE_LOGIC:
                kind, val = "logic", str(tok.val)
            elif kind is None and scope.units and _may_be_unit(str(tok.val), scope):
                kind, val = "unit", str(tok.val)
            out.append(replace(tok, kind=kind or "word", val=val if kind else tok.val))
        else:
            out.append(tok)
    return out


def _primes(tokens: list[Token], k: int) -> int:
    """How many primes follow the identifier at k, when a call follows them (``f'(x)``, ``f''(x)``)."""
    n = 0
    while k + 1 + n < len(tokens) and tokens[k + 1 + n].kind == "prime" and tokens[k + n].end == tokens[k + 1 + n].col:
        n += 1
    after = tokens[k + 1 + n] if k + 1 + n < len(tokens) else None
    return n if n and after is not None and after.kind == "lp" and after.val == "(" else 0


def _primed(tokens: list[Token], k: int, scope: Scope) -> Token:
    """``f'`` as a function of its own: the derivative of a rubric function, or an unknown derivative."""
    tok, n = tokens[k], _primes(tokens, k)
    name = str(tok.val)
    kind, val = _meaning(name, scope, applied=True)
    if kind != "func":
        return Token("bad", f"{name}' is not a function", tok.col, tokens[k + n].end)
    return Token("func", str(val) + "'" * n, tok.col, tokens[k + n].end)


def _may_be_unit(name: str, scope: Scope) -> bool:
    known = name in scope.variables or name in scope.functions or builtin(name) is not None
    plain = name not in ("e", "E", "pi", "i", "j") and name not in GREEK_SET
    return not known and plain and is_unit_name(name, common_only=scope.units != "all")


def _prefixed_unit(prev: Token, tok: Token, scope: Scope) -> Token | None:
    """``\\mu\\mathrm{F}`` and ``µF`` are microfarads, ``k\\Omega`` kiloohms: a prefix read as a symbol, then a unit."""
    kilo_ohm = tok.kind == "ident" and tok.val == "Omega" and tok.col - prev.end <= 1
    if kilo_ohm and prev.kind in ("sym", "unit") and str(prev.val) in ("k", "M", "G", "m"):
        return Token("unit", f"{prev.val}ohm", prev.col, tok.end)
    micro = prev.kind == "sym" and prev.val == "mu" and tok.kind in ("ident", "tident") and "mu" not in scope.variables
    if micro and is_unit_name("u" + str(tok.val), common_only=scope.units != "all"):
        return Token("unit", "u" + str(tok.val), prev.col, tok.end)
    return None


def _resolve_one(tok: Token, scope: Scope, lenient: bool, applied: bool) -> list[Token]:
    name = str(tok.val)
    if scope.units == "all" and not applied and _may_be_unit(name, scope):
        return [replace(tok, kind="unit", val=name)]  # with a unit key, h and m are units, not open symbols
    kind, val = _meaning(name, scope, applied)
    if kind is not None:
        return [replace(tok, kind=kind, val=val)]
    if name.lower() in PERCENT_WORDS:
        return [replace(tok, kind="op", val="%")]  # "28 percent", "\\boxed{28 pct}"
    if name.lower() in ("degree", "degrees"):
        return [replace(tok, kind="op", val="deg")]  # "30 degrees"
    if (scope.units == "all" or (scope.units and tok.upright)) and _may_be_unit(name, scope):
        return [replace(tok, kind="unit", val=name)]
    if name in RESERVED:
        return [replace(tok, kind="word" if lenient else "bad", val=RESERVED[name])]
    if name in LOGIC and (not lenient or name in PROSE_LOGIC):
        return [replace(tok, kind="logic", val=LOGIC[name])]
    if name in TRUTH and not lenient:
        return [replace(tok, kind="truth", val=TRUTH[name])]
    if tok.split and name.isalpha():
        pieces = _split(name, scope)
        if pieces and lenient and _looks_like_prose(name, pieces, scope):
            return [replace(tok, kind="word")]
        if pieces:
            out, at = [], tok.col
            for p in pieces:
                k2, v2 = _meaning(p, scope, applied and p == pieces[-1])
                out.append(Token(k2 or "sym", v2 if k2 else p, at, at + len(p)))
                at += len(p)
            out[-1].base = tok.base
            return out
    if scope.dialect == "maxima" and applied:
        if re.fullmatch(r"[A-Za-z]\d*", name):
            return [replace(tok, kind="func", val=name)]
        return [replace(tok, kind="bad", val=f"unknown function {name}")]
    if lenient and len(name) > 1 and not scope.symbol_allowed(name) and not is_simple(name):
        return [replace(tok, kind="word")]
    return [replace(tok, kind="sym", val=name)]


_STOPWORDS = frozenset(
    ["an", "as", "at", "be", "by", "do", "if", "in", "is", "it", "no", "of", "on", "or", "so", "to", "up", "we"]
)


def _looks_like_prose(name: str, pieces: list[str], scope: Scope) -> bool:
    """In free text, "the" and "percent" are words, while "xy" and "sinx" are math."""
    if len(name) == 2:
        return name.lower() in _STOPWORDS and name not in scope.variables
    loose = sum(1 for p in pieces if len(p) == 1 and p not in scope.variables)
    return len(name) >= 3 and loose > 2


def _meaning(name: str, scope: Scope, applied: bool) -> tuple[str | None, object]:
    if name in scope.functions:
        return "func", name
    if name in scope.variables:
        return "sym", name
    if scope.units == "all" and name == "Omega":
        return "unit", "ohm"
    fn = builtin(name)
    if fn is not None and (len(name) > 1 or applied):
        return "func", fn
    if name in ("pi", "Pi") or (name == "e" and scope.dialect != "maxima") or name in scope.imaginary:
        return "const", "i" if name in scope.imaginary else name.lower()
    if scope.dialect == "maxima" and name in ("e", "i", "pi"):
        return "const", name
    if scope.dialect == "maxima" and applied and (name in MAXIMA_CONSTRUCTORS or name in MAXIMA_FUNCTIONS):
        return "func", name
    if applied and scope.open and name in OPEN_FUNCTION_LETTERS:
        return "func", name
    if applied and scope.open and name == "sigma" and scope.dialect != "maxima":
        return "func", "sigmoid"  # without a rubric, σ(x) is the logistic function of deep learning
    if applied and scope.dialect == "maxima" and re.fullmatch(r"[A-Za-z]\d*", name):
        return "func", name  # Maxima has no implicit product: y(x) is a function
    if name in GREEK_SET or (scope.open and is_simple(name) and len(name) == 1):
        return "sym", name
    return None, None


def _split(name: str, scope: Scope) -> list[str] | None:
    """Fewest known names that spell ``name`` (``xy`` -> x, y; ``sinx`` -> sin, x)."""
    if len(name) > 40:
        return None
    known = set(scope.variables) | set(scope.functions) | GREEK_SET | {"pi", "e"} | set(scope.imaginary)
    known |= {n for n in BUILTINS if len(n) > 1} | {"arcsin", "arccos", "arctan", "sgn"}
    latex = scope.dialect == "latex"
    best: list[list[str] | None] = [None] * (len(name) + 1)
    best[0] = []
    for i in range(len(name)):
        if best[i] is None:
            continue
        for j in range(i + 1, len(name) + 1):
            piece = name[i:j]
            if piece in known or (latex and j == i + 1):
                cand = [*best[i], piece]  # type: ignore[misc]
                if best[j] is None or len(cand) < len(best[j]):  # type: ignore[arg-type]
                    best[j] = cand
    return best[len(name)]
