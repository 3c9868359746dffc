"""LaTeX to the same tokens as plain text, so one parser reads both.

Only commands on these lists are understood. Anything else - ``\\input``,
``\\include``, a typo - becomes an error token ("unknown command \\input"),
never a symbol (the antlr ``parse_latex`` turns ``\\input{/etc/passwd}`` into one).
"""

from __future__ import annotations

import re

from grader.mathexpr.names import GREEK, VARIANTS
from grader.mathexpr.tokens import Token, tokenize_plain
from grader.mathexpr.tree import MAX_DEPTH

FRACS = {"frac", "dfrac", "tfrac", "cfrac"}
SKIP = {"displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "circ"}
SEPS = {
    "quad", "qquad", "therefore", "because", "Rightarrow", "Longrightarrow", "implies", "iff",
    "Leftrightarrow", "Longleftrightarrow", "rightarrow", "longrightarrow", "impliedby", "hence",
}  # fmt: skip
OPS = {"cdot": "*", "times": "*", "ast": "*", "div": "/", "pm": "pm", "mp": "pm"}
RELS = {
    "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=",
    "lt": "<", "gt": ">", "ne": "!=", "neq": "!=",
}  # fmt: skip
APPROX = {"approx", "simeq", "sim", "thickapprox"}
LOGIC = {"land": "and", "wedge": "and", "lor": "or", "vee": "or", "lnot": "not", "neg": "not"}
SET_OPS = {"cup": "union", "cap": "intersection", "setminus": "minus"}
MEMBERSHIP = {"in": "in", "notin": "notin"}
EMPTY = {"emptyset", "varnothing"}
TRANSPOSE = {"top", "intercal", "T"}
# Matrix environments; vmatrix is a determinant.
MATRICES = {"pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix", "array", "vmatrix", "Vmatrix"}
_ENV = re.compile(r"\s*\{([A-Za-z]+\*?)\}")
_ROW_BREAK = re.compile(r"\\\\(?:\[[^\]]*\])?")
SIZES = {
    "left",
    "right",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "biggl",
    "biggr",
    "Biggl",
    "Biggr",
}
BARS = {"lvert", "rvert", "vert"}
FUNCTIONS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "coth",
    "exp", "ln", "log", "lg", "max", "min", "sgn", "arccot", "arcsec", "arccsc", "operatorname", "det", "tr",
}  # fmt: skip
TEXTS = {"text", "textrm", "textnormal", "mathrm", "mbox", "textit", "textbf", "mathit", "mathbf",
         "boldsymbol", "bm", "mathsf", "mathtt", "operatorname", "textup", "mathup"}  # fmt: skip
ACCENTS = {"hat": "_hat", "widehat": "_hat", "bar": "_bar", "overline": "_bar", "tilde": "_tilde",
           "widetilde": "_tilde", "vec": "", "dot": "_dot", "ddot": "_ddot"}  # fmt: skip
UNSUPPORTED = {
    "infty": "infinity", "cdots": "sequences", "ldots": "sequences", "dots": "sequences", "vdots": "sequences",
    "ddots": "sequences", "iint": "integrals",
    "oint": "integrals", "lim": "limits", "partial": "derivatives", "nabla": "derivatives", "prime": "derivatives",
    "subset": "sets",
    "subseteq": "sets", "mathbb": "sets", "forall": "logic",
    "exists": "logic", "end": "environments", "mod": "modular arithmetic",
    "pmod": "modular arithmetic", "bmod": "modular arithmetic", "equiv": "congruences", "langle": "vectors",
    "rangle": "vectors", "lfloor": "floor", "rfloor": "floor", "lceil": "ceiling", "rceil": "ceiling",
    "angle": "angles", "mathcal": "script letters", "overrightarrow": "vectors", "cdotp": "sequences",
}  # fmt: skip
_GREEK_CMDS = set(GREEK) | {"pi", "Pi"} | set(VARIANTS)
_UNIT_TEXT = re.compile(r"[A-Za-z]+(?:\^-?\d)?(?:\s*[/*]\s*[A-Za-z]+(?:\^-?\d)?)+")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.S)
_PLAIN_RUN = re.compile(r"[^\\{}^_A-Za-z]+")


class _Lexer:
    def __init__(self, text: str, offset: int):
        self.text = text
        self.offset = offset
        self.depth = 0
        self.closing = _closing_braces(text)

    def tok(self, kind: str, val: object, start: int, end: int) -> Token:
        return Token(kind, val, self.offset + start, self.offset + end)

    def lex(self, i: int, stop: int) -> list[Token]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.depth -= 1
            return [self.tok("bad", "too deeply nested", i, stop)]
        out: list[Token] = []
        text = self.text
        while i < stop:
            ch = text[i]
            if ch == "\\":
                i = self._command(i, stop, out)
            elif ch == "{" and text.startswith("{,}", i):  # 14{,}916: a thousands separator
                out.append(self.tok("comma", None, i, i + 3))
                i += 3
            elif ch == "{":
                close = self._match(i, stop)
                out += [self.tok("lp", "{", i, i + 1), *self.lex(i + 1, close), self.tok("rp", "{", close, close + 1)]
                i = close + 1
            elif ch == "}":
                out.append(self.tok("bad", "unbalanced }", i, i + 1))
                i += 1
            elif ch == "^":
                i = self._power(i, stop, out)
            elif ch == "_":
                i = self._subscript(i, stop, out)
            elif ch.isascii() and ch.isalpha():
                m = re.compile(r"[A-Za-z]+").match(text, i, stop)
                assert m is not None
                out.append(Token("ident", m.group(), self.offset + i, self.offset + m.end(), split=True))
                i = m.end()
            else:
                m = _PLAIN_RUN.match(text, i, stop)
                assert m is not None
                for t in tokenize_plain(m.group(), "plain", self.offset + i):
                    if t.val == ":":  # 7:32, 12:00 - a ratio or a time, not a separator in math
                        out.append(Token("bad", "ratios are not supported", t.col, t.end))
                    elif t.val != "&":
                        out.append(t)
                i = m.end()
        self.depth -= 1
        return out

    def _match(self, i: int, stop: int) -> int:
        """Index of the brace closing the one at ``i`` (or ``stop`` when missing)."""
        return min(self.closing.get(i, stop), stop)

    def _arg(self, i: int, stop: int) -> tuple[list[Token], int, str]:
        """One argument: a brace group, a command or a single character."""
        while i < stop and self.text[i].isspace():
            i += 1
        if i >= stop:
            return [self.tok("bad", "missing argument", stop, stop)], stop, ""
        if self.text[i] == "{":
            close = self._match(i, stop)
            return self.lex(i + 1, close), close + 1, self.text[i + 1 : close]
        if self.text[i] == "\\":
            m = _COMMAND.match(self.text, i, stop)
            end = m.end() if m else i + 1
            return self.lex(i, end), end, self.text[i:end]
        return self.lex(i, i + 1), i + 1, self.text[i]

    def _group(self, toks: list[Token], at: int, end: int | None = None) -> list[Token]:
        """Invisible parentheses; the closing one marks where the construct ends in the source."""
        end = at if end is None else end
        return [self.tok("lp", "(", at, at), *toks, self.tok("rp", "(", end, end)]

    def _power(self, i: int, stop: int, out: list[Token]) -> int:
        rest = self.text[i + 1 : stop].lstrip()
        for degree in ("\\circ", "{\\circ}", "\\degree", "{^\\circ}"):
            if rest.startswith(degree):  # 90^\circ: ninety degrees
                end = stop - len(rest) + len(degree)
                out.append(self.tok("op", "deg", i, end))
                return end
        out.append(self.tok("op", "^", i, i + 1))
        return i + 1

    def _subscript(self, i: int, stop: int, out: list[Token]) -> int:
        toks, j, raw = self._arg(i + 1, stop)
        prev = out[-1] if out else None
        if prev is not None and prev.kind == "ident" and prev.val == "log" and not prev.split:
            prev.base = toks  # \log_2 x
            return j
        if prev is None or prev.kind != "ident":
            out.append(self.tok("bad", "a subscript needs a name before it", i, j))
            return j
        sub = re.sub(r"\s+|\\[,;!: ]", "", raw)
        sub = sub if re.fullmatch(r"[A-Za-z0-9]+", sub) else "{" + sub + "}"
        if prev.split and len(str(prev.val)) > 1:  # ab_1 is a * b_1
            name = str(prev.val)
            out[-1] = Token("ident", name[:-1], prev.col, prev.end - 1, split=True)
            prev = Token("ident", name[-1], prev.end - 1, prev.end)
            out.append(prev)
        prev.val = f"{prev.val}_{sub}"
        prev.split = False
        prev.end = self.offset + j
        return j

    def _command(self, i: int, stop: int, out: list[Token]) -> int:
        m = _COMMAND.match(self.text, i, stop)
        if m is None:
            out.append(self.tok("bad", "a lone backslash", i, i + 1))
            return i + 1
        name, j = m.group(1), m.end()
        if not name.isalpha():
            return self._symbol_command(name, i, j, out)
        if name in SKIP:
            return j
        glued = re.match(r"(q?quad)([A-Za-z]+)$", name)
        if glued and name not in UNSUPPORTED:  # \quadx_2: a space, then x_2
            out.append(self.tok("sep", glued.group(1), i, i + 1 + len(glued.group(1))))
            return i + 1 + len(glued.group(1))
        if name in SEPS:
            out.append(self.tok("sep", name, i, j))
        elif name in OPS:
            out.append(self.tok("op", OPS[name], i, j))
        elif name in RELS:
            out.append(self.tok("rel", RELS[name], i, j))
        elif name in APPROX:
            out.append(self.tok("approx", name, i, j))
        elif name in LOGIC:
            out.append(self.tok("logic", LOGIC[name], i, j))
        elif name in SET_OPS:
            out.append(self.tok("setop", SET_OPS[name], i, j))
        elif name in MEMBERSHIP:
            out.append(self.tok("rel", MEMBERSHIP[name], i, j))
        elif name in EMPTY:
            out.append(self.tok("empty", None, i, j))
        elif name in TRANSPOSE:
            out.append(Token("ident", "T", self.offset + i, self.offset + j))
        elif name == "begin":
            return self._environment(i, j, stop, out)
        elif name == "degree":
            out.append(self.tok("op", "deg", i, j))
        elif name in ("sum", "prod", "int"):
            return self._big_operator(name, i, j, stop, out)
        elif name in BARS:
            out.append(self.tok("bar", None, i, j))
        elif name in SIZES:
            return self._delimiter(j, stop, out)
        elif name in FRACS:
            num, j, top_text = self._arg(j, stop)
            den, j, bottom_text = self._arg(j, stop)
            var = _derivative_operator(top_text, bottom_text)
            if var is not None:  # \frac{d}{dx}: the derivative of what follows
                out.append(self.tok("dop", var, i, j))
                return j
            frac = [*self._group(num, i), self.tok("op", "/", i, i), *self._group(den, i, j)]
            out += self._group(frac, i, j)
        elif name == "binom":
            top, j, _ = self._arg(j, stop)
            bottom, j, _ = self._arg(j, stop)
            out += [
                self.tok("func", "binomial", i, j),
                *self._group([*top, self.tok("comma", None, j, j), *bottom], i, j),
            ]
        elif name == "sqrt":
            return self._sqrt(i, j, stop, out)
        elif name in TEXTS:
            return self._text(name, i, j, stop, out)
        elif name in ACCENTS:
            toks, j, raw = self._arg(j, stop)
            inner = raw.strip().lstrip("\\")
            if len(toks) == 1 and toks[0].kind == "ident":
                out.append(Token("ident", f"{toks[0].val}{ACCENTS[name]}", self.offset + i, self.offset + j))
            else:
                out.append(self.tok("bad", f"\\{name}{{{inner}}} is not supported", i, j))
        elif name == "boxed":
            toks, j, _ = self._arg(j, stop)
            out += self._group(toks, i, j)
        elif name in _GREEK_CMDS or name in FUNCTIONS:
            out.append(self.tok("ident", VARIANTS.get(name, name), i, j))
        elif name in UNSUPPORTED:
            out.append(self.tok("bad", f"{UNSUPPORTED[name]} (\\{name}) are not supported", i, j))
        else:
            out.append(self.tok("bad", f"unknown command \\{name}", i, j))
        return j

    def _environment(self, i: int, j: int, stop: int, out: list[Token]) -> int:
        """``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`` is ``matrix([a, b], [c, d])``."""
        m = _ENV.match(self.text, j, stop)
        env = m.group(1) if m else ""
        end = self.text.find(f"\\end{{{env}}}", j, stop) if m else -1
        if env not in MATRICES or end < 0:
            what = f"\\begin{{{env}}}" if env else "\\begin"
            out.append(self.tok("bad", f"{what} is not supported", i, m.end() if m else j))
            return m.end() if m else j
        body = m.end()  # type: ignore[union-attr]
        if env == "array":  # the column spec {cc|c}
            spec = re.match(r"\s*\{[^{}]*\}", self.text[body:end])
            body += spec.end() if spec else 0
        rows = [r for r in self._cells(body, end) if any(self.text[a:b].strip() for a, b in r)]
        close = end + len(f"\\end{{{env}}}")
        toks = [self.tok("func", "det" if env in ("vmatrix", "Vmatrix") else "matrix", i, close)]
        if env in ("vmatrix", "Vmatrix"):
            toks += [self.tok("lp", "(", i, i), self.tok("func", "matrix", i, close)]
        toks.append(self.tok("lp", "(", i, i))
        for k, row in enumerate(rows):
            if k:
                toks.append(self.tok("comma", None, row[0][0], row[0][0]))
            toks.append(self.tok("lp", "[", row[0][0], row[0][0]))
            for n, (a, b) in enumerate(row):
                if n:
                    toks.append(self.tok("comma", None, a, a))
                toks += self.lex(a, b)
            toks.append(self.tok("rp", "[", row[-1][1], row[-1][1]))
        toks.append(self.tok("rp", "(", close, close))
        if env in ("vmatrix", "Vmatrix"):
            toks.append(self.tok("rp", "(", close, close))
        out += toks
        return close

    def _big_operator(self, name: str, i: int, j: int, stop: int, out: list[Token]) -> int:
        """``\\sum_{k=1}^{n}``: the bounds travel with the token; the parser reads the body after it."""
        bounds: dict[str, list[Token]] = {}
        for _ in range(2):
            k = j
            while k < stop and self.text[k].isspace():
                k += 1
            if k < stop and self.text[k] in "_^" and self.text[k] not in bounds:
                mark = self.text[k]
                toks, j, _raw = self._arg(k + 1, stop)
                bounds[mark] = toks
            elif self.text.startswith("\\limits", k):
                j = k + len("\\limits")
        out.append(Token("bigop", (name, bounds.get("_"), bounds.get("^")), self.offset + i, self.offset + j))
        return j

    def _cells(self, start: int, stop: int) -> list[list[tuple[int, int]]]:
        """Rows (at ``\\\\``) of cells (at ``&``) outside braces, as (start, end) spans."""
        rows: list[list[tuple[int, int]]] = [[]]
        depth, cell, k = 0, start, start
        while k < stop:
            ch = self.text[k]
            if ch == "\\" and self.text.startswith("\\\\", k) and depth == 0:
                rows[-1].append((cell, k))
                brk = _ROW_BREAK.match(self.text, k)
                k = brk.end() if brk else k + 2
                cell = k
                rows.append([])
                continue
            if ch == "\\":
                k += 2
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if ch == "&" and depth == 0:
                rows[-1].append((cell, k))
                cell = k + 1
            k += 1
        rows[-1].append((cell, stop))
        return rows

    def _symbol_command(self, name: str, i: int, j: int, out: list[Token]) -> int:
        if name == "\\":
            out.append(self.tok("sep", "\\\\", i, j))
        elif name == "{":
            out.append(self.tok("lp", "\\{", i, j))  # a set, unlike a bare brace group
        elif name == "}":
            out.append(self.tok("rp", "\\{", i, j))
        elif name == "|":
            out.append(self.tok("bar", None, i, j))
        elif name == "%":
            out.append(self.tok("op", "%", i, j))  # 25\% is 0.25
        elif name not in ",;:!> $&#_" and not name.isspace():
            out.append(self.tok("bad", f"unknown command \\{name}", i, j))
        return j

    def _delimiter(self, j: int, stop: int, out: list[Token]) -> int:
        """``\\left(`` is ``(``; ``\\left.`` is nothing."""
        while j < stop and self.text[j].isspace():
            j += 1
        if j >= stop:
            return j
        if self.text[j] == "\\":
            m = _COMMAND.match(self.text, j, stop)
            end = m.end() if m else j + 1
            word = m.group(1) if m else ""
            if word in ("{", "}", "|"):
                self._symbol_command(word, j, end, out)
            elif word in BARS:
                out.append(self.tok("bar", None, j, end))
            else:
                out.append(self.tok("bad", f"\\{word} as a delimiter is not supported", j, end))
            return end
        if self.text[j] != ".":
            out += tokenize_plain(self.text[j], "plain", self.offset + j)
        return j + 1

    def _sqrt(self, i: int, j: int, stop: int, out: list[Token]) -> int:
        index: list[Token] | None = None
        k = j
        while k < stop and self.text[k].isspace():
            k += 1
        if k < stop and self.text[k] == "[":
            close = self.text.find("]", k, stop)
            close = stop if close < 0 else close
            index, j = self.lex(k + 1, close), close + 1
        body, j, _ = self._arg(j, stop)
        if index is None:
            out += [self.tok("func", "sqrt", i, j), *self._group(body, i, j)]
        else:
            out += [self.tok("func", "root", i, j), *self._group([*body, self.tok("comma", None, i, i), *index], i, j)]
        return j

    def _text(self, name: str, i: int, j: int, stop: int, out: list[Token]) -> int:
        """``\\text{ReLU}`` is a function only when the name is one; other text is prose."""
        toks, j, raw = self._arg(j, stop)
        word = raw.strip()
        if not word:
            return j
        if name in ("mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathsf") and all(
            t.kind in ("ident", "num", "lp", "rp") for t in toks
        ):
            for t in toks:
                t.split = False
                t.upright = name == "mathrm"
            out += toks
        elif re.fullmatch(r"[A-Za-z]+", word):
            out.append(Token("tident", word, self.offset + i, self.offset + j))
        elif _UNIT_TEXT.fullmatch(word):  # \mathrm{km/h}, \text{m/s^2}: names a unit reader may know
            for t in toks:
                t.split = False
            out += [Token("tident", t.val, t.col, t.end) if t.kind == "ident" else t for t in toks]
        else:
            out.append(self.tok("word", word, i, j))
        return j


_D = r"(?:d|\\mathrm\{d\}|\\partial|\\operatorname\{d\})"
_D_TOP = re.compile(rf"\s*{_D}\s*")
_D_BOTTOM = re.compile(rf"\s*{_D}\s*\\?([A-Za-z]+)\s*")


def _derivative_operator(top: str, bottom: str) -> str | None:
    """``\\frac{d}{dx}``, ``\\frac{\\partial}{\\partial x}``, ``\\frac{\\mathrm{d}}{\\mathrm{d}t}``: the variable."""
    m = _D_BOTTOM.fullmatch(bottom)
    if not _D_TOP.fullmatch(top) or m is None:
        return None
    return VARIANTS.get(m.group(1), m.group(1))


def _closing_braces(text: str) -> dict[int, int]:
    """Every ``{`` index to its ``}`` index, in one pass (escaped braces skipped)."""
    pairs, stack, j = {}, [], 0
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            stack.append(j)
        elif c == "}" and stack:
            pairs[stack.pop()] = j
        j += 1
    return pairs


def tokenize_latex(text: str, offset: int = 0) -> list[Token]:
    """LaTeX source to raw tokens (identifiers are resolved by :func:`tokens.resolve`)."""
    return _Lexer(text, offset).lex(0, len(text))
