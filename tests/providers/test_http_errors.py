"""The one HTTP status → error mapping every real provider uses."""

from __future__ import annotations

import pytest

from aytada.providers.base import AuthError, ProviderError, ProviderTimeout, TransientError
from aytada.providers.http_errors import error_for_status, only_provider_errors, unexpected

KEY = "sk-secret-9999"


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (401, AuthError, "API key rejected by OpenAI"),
        (403, AuthError, "API key rejected by OpenAI (permission denied: no access)"),
        (408, TransientError, "OpenAI request timeout (408): no access"),
        (409, TransientError, "OpenAI conflict (409): no access"),
        (425, TransientError, "OpenAI too early (425): no access"),
        (429, TransientError, "OpenAI rate limit (429): no access"),
        (500, TransientError, "OpenAI server error (500): no access"),
        (503, TransientError, "OpenAI server error (503): no access"),
        (400, ProviderError, "OpenAI rejected the request (400): no access"),
        (404, ProviderError, "OpenAI rejected the request (404): no access"),
        (422, ProviderError, "OpenAI rejected the request (422): no access"),
    ],
)
def test_each_status_class(status: int, kind: type[ProviderError], message: str) -> None:
    err = error_for_status("OpenAI", status, "no access")
    assert type(err) is kind
    assert str(err) == message


def test_auth_errors_are_not_transient_and_other_4xx_neither() -> None:
    for status in (401, 403, 400, 404, 413, 422):
        assert not isinstance(error_for_status("ElevenLabs", status), TransientError)


def test_retry_after_and_key_hidden() -> None:
    err = error_for_status("Shotstack", 429, f"slow down {KEY}", retry_after=7, api_key=KEY)
    assert err.retry_after == 7  # type: ignore[attr-defined]
    assert KEY not in str(err) and str(err) == "Shotstack rate limit (429): slow down ***"
    assert str(error_for_status("Shotstack", 422, what="file transfer")) == (
        "Shotstack rejected the file transfer (422)"
    )


def test_timeout_names_the_provider() -> None:
    err = ProviderTimeout("OpenAI", 60)
    assert isinstance(err, TransientError)
    assert str(err) == "OpenAI did not answer within 60 s"
    assert str(ProviderTimeout("ElevenLabs")) == "ElevenLabs did not answer in time"


def test_anything_else_becomes_a_provider_error() -> None:
    with pytest.raises(ProviderError, match=r"^OpenAI failed unexpectedly: RuntimeError: \*\*\*"):
        with only_provider_errors("OpenAI", KEY):
            raise RuntimeError(KEY)
    with pytest.raises(AuthError):  # our own errors pass unchanged
        with only_provider_errors("OpenAI"):
            raise AuthError("API key rejected by OpenAI")
    err = unexpected("Shotstack", FileNotFoundError(2, "No such file", "/x/seg.mp4"))
    assert str(err) == "Shotstack: a local file could not be used (/x/seg.mp4): No such file"
