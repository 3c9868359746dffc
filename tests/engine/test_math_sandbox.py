"""The symbolic fallback runs SymPy in a helper process that is killed when it overruns."""

from __future__ import annotations

import threading

import pytest

from grader.mathexpr import Ok, build_scope, read
from grader.mathexpr.sandbox import SymbolicWorker
from grader.mathexpr.tree import to_json

SCOPE = build_scope(["x", "y", "z"], {}, open=True)


def request(a: str, b: str) -> dict:
    pa, pb = read(a, SCOPE), read(b, SCOPE)
    assert isinstance(pa, Ok) and isinstance(pb, Ok)
    return {"a": to_json(pa.node), "b": to_json(pb.node), "functions": {}}


@pytest.fixture(scope="module")
def worker():
    w = SymbolicWorker(timeout=5.0, startup_wait=30.0)
    yield w
    w.stop()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("x^2 - 1", "(x-1)(x+1)", True), ("x", "x + 1", False), ("1/0", "1", None)],
)
def test_sympy_decides_in_the_helper(worker, a, b, expected):
    assert worker.ask(request(a, b)) is expected


@pytest.mark.timeout(60)  # turns a helper that is never killed into a failure
def test_an_overrunning_helper_is_killed_and_replaced(worker):
    slow = SymbolicWorker(timeout=0.2, startup_wait=30.0)
    try:
        slow.ask(request("x", "x"))  # started and warm
        assert slow.ask(request("(x+y+z+1)^40", "(x+y+z+1)^41")) is None
        assert slow._proc is None  # killed
        slow.timeout = 5.0
        assert slow.ask(request("x^2 - 1", "(x-1)(x+1)")) is True  # a fresh helper
    finally:
        slow.stop()


def test_a_cold_helper_does_not_hold_up_a_question():
    cold = SymbolicWorker(timeout=5.0, startup_wait=0.05)
    try:
        # Undecided (not True) shows it answered without waiting for the import.
        assert cold.ask(request("x^2 - 1", "(x-1)(x+1)")) is None  # still importing SymPy
        assert cold._proc is not None  # left starting for the next question
    finally:
        cold.stop()


def test_the_bound_holds_outside_the_main_thread(worker):
    results = []
    thread = threading.Thread(target=lambda: results.append(worker.ask(request("x^2 - 1", "(x-1)(x+1)"))))
    thread.start()
    thread.join(timeout=30)
    assert results == [True]
