"""Safe reading and comparison of math answers (see docs/rubric-format.md, ``expression``).

Student text is tokenized and parsed by an allow-list reader
(:mod:`.tokens`, :mod:`.latex`, :mod:`.parse`) into a small tree
(:mod:`.tree`), size-checked, evaluated numerically (:mod:`.evaluate`,
:mod:`.precise`, :mod:`.equivalence`) and only as a last resort handed to
SymPy in a killable helper process (:mod:`.build`, :mod:`.sandbox`). Nothing
a student writes reaches ``eval``, ``sympify``, ``parse_expr`` or ``parse_latex``.
"""

from grader.mathexpr.equivalence import Tolerance, Verdict
from grader.mathexpr.extract import Statement, statements
from grader.mathexpr.matching import Key, build_scope, unknown_symbols
from grader.mathexpr.names import Scope
from grader.mathexpr.parse import read
from grader.mathexpr.tree import Err, MathError, Node, Ok, show

__all__ = [
    "Err",
    "Key",
    "MathError",
    "Node",
    "Ok",
    "Scope",
    "Statement",
    "Tolerance",
    "Verdict",
    "build_scope",
    "read",
    "show",
    "statements",
    "unknown_symbols",
]
