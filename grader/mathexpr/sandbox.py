"""The symbolic fallback, behind a process boundary.

``simplify`` can take seconds on small inputs (RELIABILITY.md), and an alarm
signal only works in the main thread, so SymPy runs in a helper process that
is killed when it overruns. A question waits at most STARTUP_WAIT + TIMEOUT
(under 2 s); while a cold helper is still importing SymPy the answer is None. The helper is started lazily, one per grading
process (a forked child starts its own), and restarted after a kill. It reads
expression trees as JSON, never text to parse, under a memory limit.

Run as ``python -m grader.mathexpr.sandbox`` it is that helper.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from grader.mathexpr.names import FunctionDef
from grader.mathexpr.tree import Node, from_json, to_json

TIMEOUT = 1.5  # seconds of SymPy work per question
STARTUP_WAIT = 0.4  # seconds one question waits for a cold helper to import SymPy (it keeps starting)
MEMORY = 1 << 31  # bytes of address space for the helper


class SymbolicWorker:
    """A helper process answering "is a - b zero?" within a wall-clock bound."""

    def __init__(self, timeout: float = TIMEOUT, startup_wait: float = STARTUP_WAIT):
        self.timeout = timeout
        self.startup_wait = startup_wait
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = os.getpid()
        self._ready = False
        self._buf = b""

    def warm(self) -> None:
        """Start the helper now so that its SymPy import overlaps other work."""
        with self._lock:
            self._ensure()

    def ask(self, request: dict[str, object]) -> bool | None:
        with self._lock:
            self._ensure()
            proc = self._proc
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            try:
                if not self._ready:  # a cold helper is left importing SymPy for the next question
                    if not select.select([proc.stdout.fileno()], [], [], self.startup_wait)[0]:
                        return None
                    self._ready = self._readline(time.monotonic() + self.startup_wait) == b"ready"
                    if not self._ready:
                        raise OSError("the helper did not start")
                proc.stdin.write(json.dumps(request).encode() + b"\n")
                proc.stdin.flush()
                line = self._readline(time.monotonic() + self.timeout)
            except OSError:
                line = None
            if line is None:
                self.stop()
                return None
            answer = json.loads(line).get("equal")
            return answer if isinstance(answer, bool) else None

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        self._ready, self._buf = False, b""
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.wait()

    def _ensure(self) -> None:
        if self._pid != os.getpid():  # forked: the parent's helper is not ours
            self._proc, self._pid, self._ready, self._buf = None, os.getpid(), False, b""
        if self._proc is not None and self._proc.poll() is None:
            return
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "grader.mathexpr.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: killing it kills everything it started
            env=env,
        )
        self._ready, self._buf = False, b""

    def _readline(self, deadline: float) -> bytes | None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line.strip()


_WORKER = SymbolicWorker()
atexit.register(_WORKER.stop)


def warm() -> None:
    _WORKER.warm()


def symbolic_equal(a: Node, b: Node, functions: Mapping[str, FunctionDef]) -> bool | None:
    """True/False when SymPy decides a - b within the time bound, else None."""
    fns = {name: [list(f.args), None if f.body is None else to_json(f.body)] for name, f in functions.items()}
    return _WORKER.ask({"a": to_json(a), "b": to_json(b), "functions": fns})


# ---- the helper process ------------------------------------------------------------


def _decide(request: Mapping[str, object]) -> bool | None:
    import sympy as sp

    from grader.mathexpr.build import to_sympy

    functions = {
        name: FunctionDef(tuple(args), None if body is None else from_json(body))
        for name, (args, body) in request["functions"].items()  # type: ignore[attr-defined]
    }
    diff = to_sympy(from_json(request["a"]), functions) - to_sympy(from_json(request["b"]), functions)  # type: ignore[arg-type]
    for step in (lambda e: e.doit(), sp.expand, sp.simplify):
        diff = step(diff)
        if diff == 0:
            return True
    if diff.is_number and not diff.free_symbols:
        value = complex(sp.N(diff, 30))
        if value == value and abs(value) > 1e-20:  # a nonzero constant (NaN is undecided)
            return False
    return None


def main() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    except (ImportError, ValueError, OSError):
        pass
    import sympy  # noqa: F401  (the slow import, before "ready")

    out = sys.stdout.buffer
    out.write(b"ready\n")
    out.flush()
    for line in sys.stdin.buffer:
        reply: dict[str, object]
        try:
            reply = {"equal": _decide(json.loads(line))}
        except Exception as exc:  # a SymPy failure is "undecided", never a crash of the service
            reply = {"equal": None, "error": type(exc).__name__}
        out.write(json.dumps(reply).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
