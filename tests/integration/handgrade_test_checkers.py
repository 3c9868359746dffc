"""Checkers that only tests use, loaded into the test process and the worker (``celery --include``).

``slow`` sleeps, so a test can catch a submission in ``grading`` and kill its
worker; ``crash`` kills its own process when the answer says "boom", a
poison submission that takes down every worker that grades it.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Literal

from grader.checkers.base import CompileContext, Match, SpecBase, register


class SlowSpec(SpecBase):
    type: Literal["slow"]
    seconds: float = 2.0


class CrashSpec(SpecBase):
    type: Literal["crash"]


@register("slow", SlowSpec)
def compile_slow(spec: SlowSpec, ctx: CompileContext):
    def check(answer: str) -> Match:
        time.sleep(spec.seconds)
        return Match.yes("slept") if answer.strip() else Match.no()

    return check


@register("crash", CrashSpec)
def compile_crash(spec: CrashSpec, ctx: CompileContext):
    def check(answer: str) -> Match:
        if "boom" in answer:
            os.kill(os.getpid(), signal.SIGKILL)
        return Match.yes("survived")

    return check
