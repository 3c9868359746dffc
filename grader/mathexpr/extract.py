"""Find the math in a free-text or LaTeX answer.

An answer is cut into math segments - ``\\boxed{}`` contents when there are
any, else ``$$..$$``, ``$..$``, ``\\[..\\]``, ``\\(..\\)`` and ``align``
blocks, else its lines - and each segment into statements at separators
(``\\therefore``, ``\\quad``, ``\\\\``, ``;``, ``⇒``, prose words, top-level
commas). A statement is parsed only when someone asks for it, so grading the
last line of a long derivation does not read the whole derivation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from grader.mathexpr.evaluate import check_sizes
from grader.mathexpr.names import Scope
from grader.mathexpr.parse import parse_tokens, tokenize
from grader.mathexpr.tokens import Token, number_token
from grader.mathexpr.tree import MAX_CHARS, Err, MathError, Ok, Parsed

_DELIMITED = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<c>[^\n]+?)\\\)|\$(?P<d>[^$\n]+?)\$"
    r"|\\begin\{(?P<env>align|equation|gather|eqnarray|multline)\*?\}(?P<e>.+?)\\end\{(?P=env)\*?\}",
    re.S,
)
_BOXED = re.compile(r"\\boxed\s*\{")
_LATEX_HINT = re.compile(r"\\[A-Za-z%{]|[\^_]\{")
_SPLIT = {"sep", "word"}
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?")
# Markdown emphasis and code around math: **..**, __..__, `..`, ```..```. An opening mark follows no
# operand and a closing mark precedes none, so x**2 and (a+b)**(n) stay powers.
_MARKDOWN = re.compile(
    r"(?<![\w)\]}.*])(?P<m>\*\*|__)(?=[^\s*_])(?P<body>[^\n]*?[^\s*_])(?P=m)(?![\w(\[{*])"
    r"|(?P<tick>`{1,3})(?P<code>[^`\n]+)(?P=tick)"
)
_REMARK_KINDS = frozenset({"word", "rel", "sep", "approx"})


@dataclass
class Statement:
    """One candidate: its source text and, on demand, its parse."""

    source: str
    tokens: list[Token]
    scope: Scope
    _parsed: Parsed | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return self.source[self.tokens[0].col : self.tokens[-1].end].strip()

    @property
    def parsed(self) -> Parsed:
        if self._parsed is None:
            self._parsed = _parse(self.source, self.tokens, self.scope)
        return self._parsed

    def tail(self) -> Ok | None:
        """When the statement cannot be read, the longest readable end of it after an ``=``.

        ``\\frac{\\partial H}{\\partial x} = 1 + r`` and ``H'(x) = 1 + r`` name the quantity in
        notation we do not read; what follows the ``=`` is the value. None when there is no such end.
        """
        if not isinstance(self.parsed, Err):
            return None
        depth = 0
        for k, tok in enumerate(self.tokens):
            depth += {"lp": 1, "rp": -1}.get(tok.kind, 0)
            if tok.kind == "rel" and tok.val == "=" and depth == 0 and k + 1 < len(self.tokens):
                parsed = _parse(self.source, self.tokens[k + 1 :], self.scope)
                if isinstance(parsed, Ok):
                    return parsed
        return None


def _parse(source: str, tokens: list[Token], scope: Scope) -> Parsed:
    """Columns in messages are 1-based offsets in the whole answer."""
    if tokens[-1].end - tokens[0].col > MAX_CHARS:
        return Err(f"the expression is too long (more than {MAX_CHARS} characters)", None)
    try:
        node = parse_tokens(tokens, scope, origin=0)
        check_sizes(node)
    except MathError as exc:
        return Err.of(exc)
    return Ok(node, source[tokens[0].col : tokens[-1].end].strip())


def strip_markdown(answer: str) -> str:
    """Markdown emphasis and code marks around math become spaces (columns are kept)."""
    if "*" not in answer and "_" not in answer and "`" not in answer:
        return answer

    def blank(m: re.Match[str]) -> str:
        mark = m.group("m") or m.group("tick")
        body = m.group("body") if m.group("m") else m.group("code")
        return " " * len(mark) + body + " " * len(mark)

    return _MARKDOWN.sub(blank, answer)


def segments(answer: str, syntax: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the parts of ``answer`` that hold math.

    kind: ``boxed`` or ``math`` (delimited LaTeX), else ``latex`` or ``plain`` for a line.
    """
    if syntax != "plain":
        boxed = list(_boxed(answer))
        if boxed:
            return boxed
        found = []
        for m in _DELIMITED.finditer(answer):
            group = next(g for g in ("a", "b", "c", "d", "e") if m.group(g) is not None)
            found.append((m.start(group), m.end(group), "math"))
        if found:
            return found
    out, pos = [], 0
    for line in answer.split("\n"):
        kind = "latex" if syntax == "latex" or (syntax == "auto" and _LATEX_HINT.search(line)) else "plain"
        out.append((pos, pos + len(line), kind))
        pos += len(line) + 1
    return out


def _boxed(answer: str) -> Iterator[tuple[int, int, str]]:
    """Outermost ``\\boxed{...}`` contents, in one linear pass (nested boxes stay inside)."""
    pos = 0
    while (m := _BOXED.search(answer, pos)) is not None:
        level, j = 1, m.end()
        while j < len(answer) and level:
            ch = answer[j]
            if ch == "\\":
                j += 2
                continue
            level += 1 if ch == "{" else -1 if ch == "}" else 0
            j += 1
        end = j - 1 if level == 0 else j
        yield m.end(), end, "boxed"
        pos = max(end, m.end())


def statements(answer: str, scope: Scope, syntax: str = "auto") -> list[Statement]:
    """Every candidate statement of the answer, in reading order.

    In a line of prose a comma ends a clause; inside ``$..$`` or ``\\boxed{}``
    it separates the elements of a list (``$19, 46, and 82$``), and a list
    is not one answer: its statements are unreadable rather than its last element.
    """
    out: list[Statement] = []
    answer = strip_markdown(answer)
    for start, end, kind in segments(answer, syntax):
        syntax_of = "plain" if kind == "plain" else "latex"
        math = kind in ("math", "boxed")
        tokens = tokenize(answer[start:end], scope, syntax_of, lenient=True, offset=start)
        toks = _remarks(_digit_groups(tokens, answer, lists=math))
        if math:
            toks = _list_marks(toks)
        chunks = _chunks(toks, split_commas=not math)
        chunks = [_as_answers(c) if math and _has_comma(c) else c for c in chunks]
        out += [Statement(answer, chunk, scope.with_dialect(syntax_of)) for chunk in chunks]
    return out


def _remarks(tokens: list[Token]) -> list[Token]:
    """A bracketed remark - ``(by symmetry)``, ``(σ(-x) = 1 - σ(x))`` - ends a statement.

    A pair of brackets written in the source (not the invisible ones of ``\\frac``) that holds
    prose, a relation or a separator is not a factor: it becomes a separator.
    """
    if not any(t.kind in _REMARK_KINDS for t in tokens) or not any(t.kind == "lp" for t in tokens):
        return tokens
    stack: list[tuple[int, bool]] = []
    spans: list[tuple[int, int]] = []
    for k, tok in enumerate(tokens):
        if tok.kind == "lp":
            stack.append((k, False))
        elif tok.kind == "rp" and stack:
            start, remark = stack.pop()
            if remark and tokens[start].end > tokens[start].col:
                spans = [s for s in spans if s[0] < start] + [(start, k)]
            if stack:
                stack[-1] = (stack[-1][0], stack[-1][1] or remark)
        elif tok.kind in _REMARK_KINDS and stack:
            stack[-1] = (stack[-1][0], True)
    if not spans:
        return tokens
    out: list[Token] = []
    pos = 0
    for start, end in spans:
        out += tokens[pos:start]
        out.append(Token("sep", "remark", tokens[start].col, tokens[end].end))
        pos = end + 1
    return out + tokens[pos:]


def _list_marks(tokens: list[Token]) -> list[Token]:
    """Inside math, ``a; b`` lists like ``a, b``, and ``a,\\quad b`` is one comma."""
    out: list[Token] = []
    for tok in tokens:
        if tok.kind == "sep" and tok.val == ";":
            tok = Token("comma", None, tok.col, tok.end)
        if tok.kind == "sep" and tok.val in ("quad", "qquad") and out and out[-1].kind == "comma":
            continue
        out.append(tok)
    return out


def _as_answers(chunk: list[Token]) -> list[Token]:
    """``$19, 46, and 82$``, ``\\boxed{x = 1, x = 2}``: several answers, read as the set of them."""
    first, last = chunk[0], chunk[-1]
    body = [t for k, t in enumerate(chunk) if not (t.kind == "logic" and k and chunk[k - 1].kind == "comma")]
    return [Token("lp", "\\{", first.col, first.col), *body, Token("rp", "\\{", last.end, last.end)]


def _has_comma(chunk: list[Token]) -> bool:
    depth = 0
    for tok in chunk:
        depth += {"lp": 1, "rp": -1}.get(tok.kind, 0)
        if tok.kind == "comma" and depth <= 0:
            return True
    return False


def _digit_groups(tokens: list[Token], source: str, lists: bool = False) -> list[Token]:
    """``7,425,000`` (also ``14{,}916`` and ``32,\\!349``) is one number; ``1000,99`` (a decimal
    comma, or a list?) is an error in a line of text, and a list inside delimited math (``$1,2$``).

    Only outside brackets, and only with no spaces around the comma: ``(1,2)``
    stays a pair and ``x = 2, y = 3`` two statements.
    """
    out: list[Token] = []
    depth, i = 0, 0
    while i < len(tokens):
        tok = tokens[i]
        depth += {"lp": 1, "rp": -1}.get(tok.kind, 0)
        if depth > 0 or not _glued(tokens, i, source):
            out.append(tok)
            i += 1
            continue
        j = i
        while _glued(tokens, j, source):
            j += 2
        start, end = tok.col, tokens[j].end
        digits = _GROUP_MARKS.sub(",", source[start:end])
        if _THOUSANDS.fullmatch(digits):
            out.append(number_token(digits.replace(",", ""), start, end))
        elif lists:
            out += tokens[i : j + 1]
        else:
            out.append(Token("bad", "a comma between digits is ambiguous (a decimal comma, or a list?)", start, end))
        i = j + 1
    return out


def _glued(tokens: list[Token], i: int, source: str) -> bool:
    """A number, a comma and a number with no space between them."""
    if i + 2 >= len(tokens):
        return False
    a, comma, b = tokens[i : i + 3]
    if a.kind != "num" or comma.kind != "comma" or b.kind != "num":
        return False
    return _GLUE.fullmatch(source[a.end : b.col]) is not None


_GLUE = re.compile(r",|\{,\}|,\\!\s*")  # 14{,}916 and 32,\!349 are LaTeX's thousands separators
_GROUP_MARKS = re.compile(r"\{,\}|,\\!\s*")


def _chunks(tokens: list[Token], split_commas: bool = True) -> list[list[Token]]:
    """Split at separators, prose and top-level commas; drop what follows ``≈``.

    A boxed answer is one answer: ``\\boxed{1, 2}`` is not split into 1 and 2.
    """
    chunks: list[list[Token]] = []
    cur: list[Token] = []
    depth, skipping = 0, False
    for tok in tokens:
        if tok.kind in _SPLIT or (tok.kind == "comma" and depth <= 0 and split_commas):
            chunks.append(cur)
            cur, depth, skipping = [], 0, False
            continue
        if skipping:
            continue
        if tok.kind == "approx":  # x = 1/3 ≈ 0.33 is 1/3; x ≈ 11 is x = 11
            if any(t.kind == "rel" for t in cur):
                skipping = True
            else:
                cur.append(Token("rel", "=", tok.col, tok.end))
            continue
        depth += {"lp": 1, "rp": -1}.get(tok.kind, 0)
        cur.append(tok)
    chunks.append(cur)
    out = []
    for chunk in chunks:
        while chunk and chunk[0].kind == "rel":  # "= 2σ(2x) - 1" continues a derivation
            chunk = chunk[1:]
        while chunk and chunk[-1].kind == "comma":  # "$x = 2,$": punctuation
            chunk = chunk[:-1]
        if chunk:
            out.append(chunk)
    return out
