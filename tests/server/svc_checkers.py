"""Checkers only the API tests use (registered on import).

``gate`` holds an answer that says "wait" until the test opens the gate, so
a test can hold one grading thread inside a checker. ``time_limit`` raises
Celery's ``SoftTimeLimitExceeded`` when the answer says "hang", standing in
for the signal Celery sends a worker's pool child at the soft time limit
(the integration tests use the real one).
"""

from __future__ import annotations

import threading
from typing import Literal

from celery.exceptions import SoftTimeLimitExceeded

from grader.checkers.base import CompileContext, Match, SpecBase, register

GATE = threading.Event()  # open: "wait" answers pass
INSIDE = threading.Event()  # set when a "wait" answer reached the gate


class GateSpec(SpecBase):
    type: Literal["gate"]


class TimeLimitSpec(SpecBase):
    type: Literal["time_limit"]


@register("gate", GateSpec)
def compile_gate(spec: GateSpec, ctx: CompileContext):
    def check(answer: str) -> Match:
        if "wait" in answer:
            INSIDE.set()
            if not GATE.wait(timeout=60):
                raise TimeoutError("the test never opened the gate")
        return Match.yes(answer)

    return check


@register("time_limit", TimeLimitSpec)
def compile_time_limit(spec: TimeLimitSpec, ctx: CompileContext):
    def check(answer: str) -> Match:
        if "hang" in answer:
            raise SoftTimeLimitExceeded()
        return Match.yes(answer)

    return check
