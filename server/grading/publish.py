"""Sending task messages: after the transaction that wrote their rows commits, and never fatally.

The database is the truth and a message only carries ids, so a broker that
cannot be reached loses nothing: the rows stay due and the sweep sends them
again. Every task is sent through here.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

log = logging.getLogger(__name__)


def broker_down(exc: BaseException) -> bool:
    """A publish failed because the broker is unreachable (not a bug to raise)."""
    return isinstance(exc, (OSError, ConnectionError)) or type(exc).__module__.startswith(("kombu", "redis", "amqp"))


def publish(task: Task, *args: Any, countdown: float | None = None) -> bool:
    """Send now; False when the broker is down (logged: the sweep resends from the database)."""
    try:
        task.apply_async(args, countdown=countdown)
    except Exception as exc:
        if not broker_down(exc):
            raise
        log.warning("could not publish %s%r (%s); the sweep will send it again", task.name, args, exc)
        return False
    return True


def publish_on_commit(task: Task, *args: Any) -> None:
    """Send once the current transaction commits, so the worker finds the rows it is sent."""
    transaction.on_commit(lambda: publish(task, *args))


def in_process(task: Task) -> bool:
    """The embedded mode: no broker, tasks run where they are sent."""
    return bool(task.app.conf.task_always_eager)
