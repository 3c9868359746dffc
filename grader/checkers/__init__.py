"""Checker kinds. Each module registers itself; see :mod:`grader.checkers.base`."""

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
    "combinators",
)
_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for kind in KINDS:
        importlib.import_module(f"grader.checkers.{kind}")
    _loaded = True
