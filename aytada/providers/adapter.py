"""What every adapter of a paid API shares: its declarations, its key, and its retried calls.

The OpenAI, ElevenLabs, fal and Shotstack adapters derive from :class:`ApiAdapter`. It refuses
an empty key, keeps the key out of ``repr``, and runs each call under the one backoff loop
(:func:`aytada.providers.retry.call_with_retries`) with the client library's exceptions turned
into our error types by the adapter's :meth:`ApiAdapter._translate`. The adapters that speak
plain httpx (fal, Shotstack) derive from :class:`HttpAdapter`, which adds their one client,
their JSON calls and their file downloads; the clip adapters (fal, OpenAI) finish what their
model made with :func:`finish_clip`.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aytada.providers.base import AuthError, ProviderError, SegmentRequest
from aytada.providers.http_errors import connection_failed, malformed, timeout
from aytada.providers.retry import call_with_retries
from aytada.providers.spec import Option, Service

if TYPE_CHECKING:  # imported where used: a worker on offline providers never loads httpx
    import httpx

T = TypeVar("T")

CHUNK = 1 << 16  # bytes read at a time from a download


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


class HttpAdapter(ApiAdapter):
    """Base of the adapters on plain httpx (fal, Shotstack): one client, closed by
    :meth:`close`; httpx's timeouts and failed connections as our errors; a JSON call and a file
    download, each under the retry loop. A subclass calls :meth:`_open_http` at the end of its
    ``__init__`` (once its settings are checked)."""

    def _open_http(self) -> None:
        import httpx

        self._http = httpx.Client(timeout=self._timeout, follow_redirects=True)

    def close(self) -> None:
        self._http.close()

    def _translate(self, exc: Exception) -> ProviderError | Exception:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return timeout(self.service.label, self._timeout)
        if isinstance(exc, httpx.TransportError):
            return connection_failed(self.service.label)
        return exc

    def _call_json(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json: Any,
        check: Callable[[httpx.Response], None],
        what: str,
    ) -> dict[str, Any]:
        """The JSON object ``method`` ``url`` answers; ``check(response)`` raises for an error
        answer, ``what`` names the call in the message when the answer is not a JSON object."""

        def call() -> dict[str, Any]:
            response = self._http.request(method, url, headers=headers, json=json)
            check(response)
            try:
                body = response.json()
            except ValueError:
                raise malformed(self.service.label, f"{what} did not return JSON") from None
            if not isinstance(body, dict):
                raise malformed(self.service.label, f"{what} did not return a JSON object")
            return body

        return self._retried(call)

    def _download(
        self,
        url: str,
        path: Path,
        *,
        check: Callable[[httpx.Response], None],
        verify: Callable[[Path], None],
    ) -> None:
        """``url`` streamed (no API key sent) into ``path``'s folder as a hidden ``.part`` file
        that replaces ``path`` once ``verify(part)`` accepts it; ``check(response)`` raises for
        an error answer."""

        def get() -> None:
            part = path.with_name(f".{path.name}.part")
            try:
                with self._http.stream("GET", url) as response:
                    check(response)
                    with open(part, "wb") as fh:
                        for block in response.iter_bytes(CHUNK):
                            fh.write(block)
                verify(part)
                os.replace(part, path)
            finally:
                part.unlink(missing_ok=True)

        self._retried(get)


def finish_clip(request: SegmentRequest, out_path: Path, fetch: Callable[[Path], None]) -> Path:
    """The final segment from a generated clip: ``fetch(raw)`` writes the model's video to
    ``raw`` (in a temporary folder beside ``out_path``), which is then fitted to the request's
    size and length (:func:`~aytada.providers.ffmpeg.finalize_segment`; the stitch adds the
    captions).
    """
    from aytada.providers.ffmpeg import finalize_segment

    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=".clip-") as tmp:
        raw = Path(tmp) / "raw.mp4"
        fetch(raw)
        return finalize_segment(raw, out_path, **request.frame())
