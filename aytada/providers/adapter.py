"""What every adapter of a paid API shares: its declarations, its key, and its retried calls.

The OpenAI, ElevenLabs and Shotstack adapters derive from :class:`ApiAdapter`. It refuses an
empty key, keeps the key out of ``repr``, and runs each call under the one backoff loop
(:func:`aytada.providers.retry.call_with_retries`) with the client library's exceptions turned
into our error types by the adapter's :meth:`ApiAdapter._translate`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from aytada.providers.base import AuthError, ProviderError
from aytada.providers.retry import call_with_retries
from aytada.providers.spec import Option, Service

T = TypeVar("T")


class ApiAdapter:
    """Base of the real adapters; subclasses declare the class attributes below.

    ``service`` is the paid service, ``capability`` what the adapter does ("text", "voice"...),
    ``options`` the settings the registry passes as keywords (keyword → :class:`Option`),
    ``chosen_by_default`` whether a configured key alone selects it, ``retired`` why not (if it
    is being shut down), and ``default_timeout`` the seconds one request may take.

    Subclasses pass the keywords of ``__init__`` through (``**common``): the registry gives
    ``base_url`` and the ``options``; tests give ``timeout``, ``attempts`` and ``sleep``.
    """

    service: Service
    capability = ""
    options: dict[str, Option] = {}
    chosen_by_default = True
    retired = ""
    default_timeout: float = 60
    model: str

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise AuthError(f"No {self.service.label} API key is configured")
        self._api_key = api_key
        self._base_url = base_url or None  # None: the client library's default
        self._timeout = self.default_timeout if timeout is None else timeout
        self._attempts = attempts
        self._sleep = sleep

    @property
    def name(self) -> str:
        return self.service.name

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(model={self.model!r})"

    def _translate(self, exc: Exception) -> ProviderError | Exception:
        """The error to raise for ``exc``; ``exc`` itself to let it through unchanged."""
        return exc

    def _retried(self, fn: Callable[[], T]) -> T:
        """``fn()`` under the retry loop, its exceptions translated by :meth:`_translate`."""

        def attempt() -> T:
            try:
                return fn()
            except Exception as exc:  # noqa: BLE001 - translated or re-raised below
                mapped = self._translate(exc)
                if mapped is exc:
                    raise
                raise mapped from None

        return call_with_retries(
            attempt, attempts=self._attempts, sleep=self._sleep, provider=self.service.label
        )
