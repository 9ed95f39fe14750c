"""The one mapping from a provider's HTTP answer (or failure) to our error types.

Used by the OpenAI, ElevenLabs and Shotstack adapters, so that every provider retries the same
statuses and words its messages the same way:

* 401, 403 → :class:`AuthError` (never retried);
* 408, 409, 425, 429 and 5xx → :class:`TransientError` (retried with backoff);
* any other 4xx → :class:`ProviderError`;
* a timeout → :class:`ProviderTimeout`, a failed connection → :class:`TransientError`.

Every message names the provider and never contains the API key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aytada.providers.base import AuthError, ProviderError, ProviderTimeout, TransientError
from aytada.providers.retry import redact

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})
_LABELS = {408: "request timeout", 409: "conflict", 425: "too early", 429: "rate limit"}


def is_retryable(status: int) -> bool:
    """True for the statuses worth another attempt (rate limits, conflicts, 5xx)."""
    return status in RETRYABLE_STATUSES or status >= 500


def error_for_status(
    provider: str,
    status: int,
    detail: str = "",
    *,
    retry_after: float | None = None,
    what: str = "request",
    api_key: str = "",
) -> ProviderError:
    """The error for an HTTP ``status`` from ``provider`` (``detail``: the server's message).

    ``what`` names what was rejected ("request", "file transfer"); ``retry_after`` (seconds,
    from the ``Retry-After`` header) is kept on a transient error for the backoff loop.
    """
    detail = redact(detail, api_key).strip()
    suffix = f": {detail}" if detail else ""
    if status == 401:
        return AuthError(f"API key rejected by {provider}")
    if status == 403:
        return AuthError(f"API key rejected by {provider} (permission denied{suffix})")
    if is_retryable(status):
        label = _LABELS.get(status, "server error")
        err = TransientError(f"{provider} {label} ({status}){suffix}")
        if retry_after and retry_after > 0:
            err.retry_after = retry_after  # type: ignore[attr-defined]
        return err
    if 400 <= status < 500:
        return ProviderError(f"{provider} rejected the {what} ({status}){suffix}")
    return malformed(provider, detail or f"unexpected HTTP status {status}")


def malformed(provider: str, detail: object, api_key: str = "") -> ProviderError:
    """An answer we cannot use (not JSON, missing fields, not an image...)."""
    return ProviderError(f"{provider} returned a malformed response: {redact(detail, api_key)}")


def timeout(provider: str, seconds: float | None = None) -> ProviderTimeout:
    return ProviderTimeout(provider, seconds)


def connection_failed(provider: str) -> TransientError:
    return TransientError(f"{provider} connection failed")


def unexpected(provider: str, exc: BaseException, api_key: str = "") -> ProviderError:
    """Any other failure inside an adapter, as a readable :class:`ProviderError`."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        return ProviderError(f"{provider}: a local file could not be used{where}: {reason}")
    return ProviderError(
        f"{provider} failed unexpectedly: {redact(f'{type(exc).__name__}: {exc}', api_key)}"
    )


@contextmanager
def only_provider_errors(provider: str, api_key: str = "") -> Iterator[None]:
    """Let :class:`ProviderError` through and turn anything else into one (so that callers can
    rely on ``isinstance(exc, ProviderError)``). ``KeyboardInterrupt`` and friends pass."""
    try:
        yield
    except ProviderError:
        raise
    except Exception as exc:  # noqa: BLE001 - translated for the caller
        raise unexpected(provider, exc, api_key) from exc
