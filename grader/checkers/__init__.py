"""Checker kinds, one module each; see :mod:`grader.checkers.base`.

A kind's module is imported the first time a rubric uses it, so grading a
multiple-choice rubric never pays for scikit-learn or SymPy imports.
"""

from __future__ import annotations

import importlib

KINDS = (
    "choice",
    "truefalse",
    "number",
    "tuple",
    "expression",
    "concept",
    "classifier",
    "regex",
    "elements",
    "manual",
    "any",
    "all",
    "not",
)
_MODULE = {"any": "combinators", "all": "combinators", "not": "combinators"}


def load_kind(kind: str) -> bool:
    """Import the module that registers ``kind``; False if there is no such kind."""
    if kind not in KINDS:
        return False
    importlib.import_module(f"grader.checkers.{_MODULE.get(kind, kind)}")
    return True


def load_all() -> None:
    for kind in KINDS:
        load_kind(kind)
