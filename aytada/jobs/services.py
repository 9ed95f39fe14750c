"""Redis and the database going away and coming back.

:func:`outage` says what a lost connection means (which service, the real cause, whether it
passes by itself); :func:`patiently` calls something until it works, waiting out a service
that is away with a growing pause (0.5 s, then twice as long each time, at most
AYTADA_RETRY_MAX seconds), and says once what it waits for and once when it is back. Workers,
the reconciler, `make --wait` and `project run` wait this way; a problem that does not pass by
itself (a wrong password, no tables) is raised at once with its message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from aytada.core.db import db_problem
from aytada.core.errors import QueueUnavailable
from aytada.core.settings import get_settings
from aytada.jobs.queue import REDIS_TRANSIENT, queue_error, redis_problem

T = TypeVar("T")

DATABASE = "the database"
QUEUE = "the job queue (Redis)"
FIRST_PAUSE = 0.5  # seconds before the first try again


@dataclass(frozen=True)
class Outage:
    service: str  # DATABASE or QUEUE
    message: str  # the real cause, for a person
    transient: bool  # it passes by itself: wait and try again


def outage(exc: BaseException) -> Outage | None:
    """What ``exc`` says about the database or Redis (None: it is about neither)."""
    problem = db_problem(exc)
    if problem is not None:
        return Outage(DATABASE, problem.message, problem.transient)
    cause = exc.__cause__ if isinstance(exc, QueueUnavailable) else exc
    kind = redis_problem(cause) if cause is not None else None
    if kind is None:
        return None
    return Outage(QUEUE, queue_error(cause), kind in REDIS_TRANSIENT)  # type: ignore[arg-type]


def passing(exc: BaseException) -> Outage | None:
    """The outage ``exc`` shows when it is one that passes by itself, else None."""
    found = outage(exc)
    return found if found is not None and found.transient else None


class Backoff:
    """Pauses that double from ``first`` up to AYTADA_RETRY_MAX seconds."""

    def __init__(self, first: float = FIRST_PAUSE, most: float | None = None) -> None:
        self.first = first
        self.most = most if most is not None else get_settings().retry_max
        self.pause = min(first, self.most)

    def next(self) -> float:
        pause = self.pause
        self.pause = min(self.pause * 2, self.most)
        return pause

    def reset(self) -> None:
        self.pause = min(self.first, self.most)


def patiently(
    fn: Callable[[], T],
    say: Callable[[str], None],
    *,
    deadline: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> T:
    """``fn()``, tried again while Redis or the database is away (an outage that passes by
    itself); ``say`` hears "waiting for … to come back… (cause)" once per outage and "… is
    back" when it ends. Raises the last error at ``deadline`` (a time.monotonic() value) or
    when ``stop()`` is true, and at once for any other error."""
    backoff = Backoff()
    waiting: Outage | None = None
    while True:
        try:
            result = fn()
        except Exception as exc:
            found = passing(exc)
            if found is None:
                raise
            if waiting is None or waiting.service != found.service:
                say(f"waiting for {found.service} to come back… ({found.message})")
            waiting = found
            pause = backoff.next()
            if deadline is not None:
                pause = min(pause, deadline - time.monotonic())
            if pause <= 0 or (stop is not None and stop()):
                raise
            time.sleep(pause)
            continue
        if waiting is not None:
            say(f"{waiting.service} is back")
        return result
