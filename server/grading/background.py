"""The embedded mode's background thread.

With no broker there is no beat and no worker for webhooks, so each web
process runs that work itself on one daemon thread: every ``every``
seconds, and at once when woken (a webhook delivery became due). A request
never waits for it. Running it in two processes at once is harmless: what
it does is safe to run twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections

log = logging.getLogger(__name__)


class Runner:
    def __init__(self, work: Callable[[], object], every: float):
        self.work = work
        self.every = every
        self._woken = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="handgrade-background", daemon=True)

    def start(self) -> Runner:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopped.set()
        self._woken.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self._woken.wait(self.every)
            self._woken.clear()
            if self._stopped.is_set():
                break
            try:
                self.work()
            except Exception:  # the next round tries again; the thread must outlive one bad round
                log.exception("background work failed")
            finally:
                connections.close_all()  # this thread's own connections, not the requests'


_runner: Runner | None = None
_lock = threading.Lock()


def start(work: Callable[[], object], every: float) -> Runner:
    """Start the process's background thread (once; later calls return the running one)."""
    global _runner
    with _lock:
        if _runner is None:
            _runner = Runner(work, every).start()
        return _runner


def wake() -> None:
    """Ask the background thread to run now (nothing happens when there is none, e.g. in a worker)."""
    if _runner is not None:
        _runner.wake()


def stop() -> None:
    global _runner
    with _lock:
        if _runner is not None:
            _runner.stop()
            _runner = None
