"""ElevenLabs adapters: text-to-speech voiceovers and music.

The SDK is imported inside the constructors. Its own retries are turned off per call
(``request_options={"max_retries": 0}``) so that :func:`call_with_retries` owns them. Both calls
return lazy iterators: nothing is sent until they are iterated, so the iteration happens inside
the retried function, where HTTP errors surface and are translated.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aytada.providers.base import AudioResult, AuthError, ProviderError
from aytada.providers.retry import call_with_retries, parse_retry_after, redact, transient

PROVIDER = "ElevenLabs"
OUTPUT_FORMAT = "mp3_44100_128"
NO_SDK_RETRIES = {"max_retries": 0}
MUSIC_MIN_MS = 3_000
MUSIC_MAX_MS = 600_000


def _malformed(detail: str) -> ProviderError:
    return ProviderError(f"{PROVIDER} returned a malformed response: {detail}")


def _detail(body: Any) -> tuple[str, str]:
    """``(status, message)`` from an ElevenLabs error body (``{"detail": {...}}`` or text)."""
    if isinstance(body, dict):
        detail = body.get("detail", body)
        if isinstance(detail, dict):
            return str(detail.get("status") or detail.get("code") or ""), str(
                detail.get("message") or detail.get("msg") or detail
            )
        if isinstance(detail, list) and detail:
            first = detail[0]
            if isinstance(first, dict):
                where = ".".join(str(p) for p in first.get("loc", []) if p != "body")
                return "", f"{where}: {first.get('msg', first)}" if where else str(first)
            return "", str(first)
        return "", str(detail)
    return "", str(body or "")


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if str(key).lower() == name:
            return str(value)
    return None


def translate_elevenlabs_error(exc: BaseException, api_key: str = "") -> ProviderError | None:
    """Map an exception raised by the ElevenLabs SDK (or httpx under it) to our errors."""
    import httpx
    from elevenlabs.core.api_error import ApiError

    try:
        from elevenlabs.core.parse_error import ParsingError
    except ImportError:  # older SDKs
        ParsingError = ()  # type: ignore[assignment]  # noqa: N806

    if isinstance(exc, ProviderError):
        return exc
    if ParsingError and isinstance(exc, ParsingError):
        return _malformed("the answer does not match the API schema")
    if isinstance(exc, ApiError):
        status = exc.status_code or 0
        code, message = _detail(exc.body)
        message = redact(message, api_key)
        if status == 401 and code in ("quota_exceeded", "payment_required"):
            return ProviderError(f"{PROVIDER} quota exceeded: {message}")
        if status == 401:
            return AuthError(f"API key rejected by {PROVIDER}")
        if status == 403:
            return AuthError(f"API key rejected by {PROVIDER} (permission denied: {message})")
        if status in (408, 409, 429) or status >= 500:
            retry_after = parse_retry_after(_header(exc.headers, "retry-after"))
            label = "rate limit (429)" if status == 429 else f"server error ({status})"
            return transient(f"{label}: {message}", retry_after)
        if 200 <= status < 300 or status == 0:
            return _malformed(message or "unreadable answer")
        return ProviderError(f"{PROVIDER} rejected the request ({status}): {message}")
    if isinstance(exc, httpx.TimeoutException):
        return transient("no answer in time (timeout)")
    if isinstance(exc, httpx.TransportError):
        return transient("connection failed")
    if isinstance(exc, ValueError | TypeError | KeyError | AttributeError):
        return _malformed(redact(f"{type(exc).__name__}: {exc}", api_key))
    return None


def looks_like_audio(head: bytes) -> bool:
    """True for the start of an MP3 (ID3 tag or MPEG frame sync), WAV, Ogg or FLAC stream."""
    if head[:3] == b"ID3" or head[:4] in (b"RIFF", b"OggS", b"fLaC"):
        return True
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0


def write_audio(chunks: Iterable[bytes], out_path: Path) -> int:
    """Stream audio chunks to ``out_path`` atomically; check it is audio. Returns the byte count."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.part")
    size = 0
    head = b""
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                if not chunk:
                    continue
                if len(head) < 4:
                    head += chunk[: 4 - len(head)]
                fh.write(chunk)
                size += len(chunk)
        if size == 0:
            raise _malformed("no audio in the answer")
        if not looks_like_audio(head):
            raise _malformed(f"expected audio, got {size} bytes of something else")
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return size


class _ElevenLabsBase:
    name = "elevenlabs"
    model: str

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None,
        timeout: float,
        attempts: int,
        sleep: Callable[[float], None],
    ) -> None:
        if not api_key:
            raise AuthError(f"No {PROVIDER} API key is configured")
        from elevenlabs.client import ElevenLabs

        self._api_key = api_key
        self._attempts = attempts
        self._sleep = sleep
        self._client = ElevenLabs(api_key=api_key, base_url=base_url or None, timeout=timeout)

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(model={self.model!r})"

    def _stream_to(self, make_stream: Callable[[], Iterable[bytes]], out_path: Path) -> int:
        def attempt() -> int:
            try:
                return write_audio(make_stream(), out_path)
            except Exception as exc:  # noqa: BLE001 - translated or re-raised below
                mapped = translate_elevenlabs_error(exc, self._api_key)
                if mapped is None or mapped is exc:
                    raise
                raise mapped from None

        return call_with_retries(
            attempt, attempts=self._attempts, sleep=self._sleep, provider=PROVIDER
        )


class ElevenLabsVoice(_ElevenLabsBase):
    """:class:`~aytada.providers.base.VoiceProvider` on ``text_to_speech.convert`` (MP3)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        voice_id: str = "21m00Tcm4TlvDq8ikWAM",
        model_id: str = "eleven_multilingual_v2",
        timeout: float = 120,
        attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            api_key, base_url=base_url, timeout=timeout, attempts=attempts, sleep=sleep
        )
        self.voice_id = voice_id
        self.model = model_id

    def speak(self, text: str, out_path: Path, *, voice: str = "") -> AudioResult:
        out_path = Path(out_path)
        if not text.strip():
            raise ProviderError("There is no voiceover text to speak")
        voice_id = voice or self.voice_id

        def stream() -> Iterable[bytes]:
            return self._client.text_to_speech.convert(
                voice_id,
                text=text,
                model_id=self.model,
                output_format=OUTPUT_FORMAT,
                request_options=dict(NO_SDK_RETRIES),
            )

        self._stream_to(stream, out_path)
        return AudioResult(path=out_path)


class ElevenLabsMusic(_ElevenLabsBase):
    """:class:`~aytada.providers.base.MusicProvider` on ``music.compose`` (instrumental MP3)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        model_id: str = "",
        timeout: float = 300,
        attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            api_key, base_url=base_url, timeout=timeout, attempts=attempts, sleep=sleep
        )
        self._model_id = model_id
        self.model = model_id or "music"

    def compose(
        self,
        prompt: str,
        seconds: float,
        out_path: Path,
        *,
        lyrics: str = "",
        instrumental: bool = True,
        mood: str = "",
    ) -> AudioResult:
        out_path = Path(out_path)
        wanted = int(round(seconds * 1000))
        length_ms = min(MUSIC_MAX_MS, max(MUSIC_MIN_MS, wanted))
        notice = ""
        if length_ms != wanted:
            notice = f"music length clamped to {length_ms / 1000:g} s (the API allows 3–600 s)"
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "music_length_ms": length_ms,
            "force_instrumental": True,
            "output_format": OUTPUT_FORMAT,
        }
        if self._model_id:
            kwargs["model_id"] = self._model_id

        def stream() -> Iterable[bytes]:
            return self._client.music.compose(**kwargs, request_options=dict(NO_SDK_RETRIES))

        self._stream_to(stream, out_path)
        return AudioResult(path=out_path, notice=notice)
