"""Properties that hold for any input: the parsers never raise, the engine stays pure."""

import subprocess
import sys
import unicodedata

from helpers import checker
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.checkers.choice import read_ticked
from grader.checkers.number import read_numbers
from grader.checkers.truefalse import read_truth
from grader.checkers.tuple import read_tuples
from grader.normalize import normalize_text

texts = st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_readers_never_raise(text):
    norm = normalize_text(text)
    read_numbers(norm)
    read_tuples(norm)
    read_ticked(norm, ["a", "b", "c", "d"], {})
    read_truth(norm)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_number_checker_matches_only_finite_equal_values(x):
    c = checker({"type": "number", "value": 0.25, "abs_tol": 0.001})
    m = c(repr(x))
    if m.matched:
        assert abs(x - 0.25) <= 0.001 + 1e-12


@settings(max_examples=200, deadline=None)
@given(texts)
def test_normalization_is_idempotent_and_nfc(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\u202e" not in once and "\u200b" not in once and "\x00" not in once


def test_nfd_and_nfc_korean_grade_the_same():
    c = checker({"type": "truefalse", "correct": False})
    nfc = "거짓입니다"
    assert c(unicodedata.normalize("NFD", nfc)).matched and c(nfc).matched


def test_zero_width_characters_do_not_split_keywords():
    c = checker({"type": "regex", "pattern": "dropout"})
    assert c("drop\u200bout").matched


def test_engine_imports_no_web_framework():
    code = "import sys, grader, grader.cli, grader.checkers; grader.checkers.load_all(); print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'celery', 'rest_framework'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_dropped_ranges_are_exactly_the_format_control_and_surrogate_characters():
    from grader.normalize import DROPPED_RANGES

    listed = {cp for a, b in DROPPED_RANGES for cp in range(a, b + 1)}
    wanted = {
        cp
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cf", "Cs")
        or (unicodedata.category(chr(cp)) == "Cc" and chr(cp) not in "\n\t\r")
    }
    assert listed == wanted
