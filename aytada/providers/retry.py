"""The one backoff loop of the providers, plus helpers the adapters share.

SDK clients are built with their own retries off, so that the only retries that happen are these
(and tests can count attempts). Only :class:`TransientError` is retried; everything else, above
all :class:`AuthError`, goes straight up.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from aytada.providers.base import ProviderError, TransientError

T = TypeVar("T")

log = logging.getLogger(__name__)

_MAX_DETAIL = 300


def backoff_delay(
    attempt: int,
    *,
    base_delay: float = 0.5,
    max_delay: float = 8.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, "equal jitter", bounded.

    Half of the exponential step is fixed and half is random, so two workers hitting the same
    rate limit spread out, and no delay is ever longer than ``max_delay``.
    """
    step = min(max_delay, base_delay * (2 ** max(0, attempt - 1)))
    return min(max_delay, step / 2 + rand() * step / 2)


def call_with_retries(
    fn: Callable[[], T],
    *,
    attempts: int = 3,
    base_delay: float = 0.5,
    max_delay: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
    provider: str = "The provider",
) -> T:
    """Call ``fn()`` up to ``attempts`` times, retrying only :class:`TransientError`.

    A ``retry_after`` attribute (seconds) on the error, set by an adapter from a ``Retry-After``
    header, is honoured but still bounded by ``max_delay``. When every attempt failed, the last
    error is raised again as a :class:`ProviderError`: "<provider> is unavailable after 3
    attempts: <reason>".
    """
    attempts = max(1, int(attempts))
    last: TransientError | None = None
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except TransientError as exc:
            last = exc
            if attempt == attempts:
                break
            delay = backoff_delay(attempt, base_delay=base_delay, max_delay=max_delay)
            hinted = getattr(exc, "retry_after", None)
            if isinstance(hinted, int | float) and hinted > 0:
                delay = max(delay, min(float(hinted), max_delay))
            log.warning(
                "%s: %s (attempt %d/%d); retrying in %.1f s",
                provider,
                exc,
                attempt,
                attempts,
                delay,
            )
            sleep(delay)
    assert last is not None
    plural = "attempt" if attempts == 1 else "attempts"
    reason = str(last).removeprefix(f"{provider} ")  # the messages name the provider already
    raise ProviderError(f"{provider} is unavailable after {attempts} {plural}: {reason}") from None


def redact(text: object, *secrets: str) -> str:
    """``str(text)`` with every secret replaced by ``***`` and cut to a readable length."""
    out = str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, "***")
    out = " ".join(out.split())
    if len(out) > _MAX_DETAIL:
        out = out[: _MAX_DETAIL - 1] + "…"
    return out


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds form only), else ``None``."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds > 0 else None
