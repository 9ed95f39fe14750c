"""ElevenLabs adapters: text-to-speech voiceovers and music.

The SDK is imported inside the constructors. Its own retries are turned off per call
(``request_options={"max_retries": 0}``) so that :func:`call_with_retries` owns them. Both calls
return lazy iterators: nothing is sent until they are iterated, so the iteration happens inside
the retried function, where HTTP errors surface and are translated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aytada.providers.adapter import ApiAdapter
from aytada.providers.base import (
    AudioResult,
    MusicProvider,
    MusicRequest,
    ProviderError,
    VoiceInfo,
)
from aytada.providers.http_errors import (
    connection_failed,
    error_for_status,
    malformed,
    only_provider_errors,
    timeout,
    unexpected,
)
from aytada.providers.retry import parse_retry_after, redact
from aytada.providers.spec import ELEVENLABS, Option

PROVIDER = ELEVENLABS.label
VOICE_ID = Option("ELEVENLABS_VOICE_ID", "21m00Tcm4TlvDq8ikWAM", "default voice of voiceovers")
TTS_MODEL = Option("ELEVENLABS_MODEL", "eleven_multilingual_v2", "text-to-speech model")
OUTPUT_FORMAT = "mp3_44100_128"
NO_SDK_RETRIES = {"max_retries": 0}
SPEED_RANGE = (0.7, 1.2)  # what the API accepts for voice_settings.speed
VOICE_LIST_TIMEOUT = 10.0  # seconds: the list is read while a page waits
VOICE_LIST_PAGES = 5  # of 100 voices each
MUSIC_MIN_MS = 3_000
MUSIC_MAX_MS = 600_000


def _malformed(detail: str) -> ProviderError:
    return malformed(PROVIDER, detail)


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


def translate_elevenlabs_error(
    exc: BaseException, api_key: str = "", seconds: float | None = None
) -> ProviderError:
    """Map any exception raised around an ElevenLabs SDK call (or httpx under it)."""
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
        if status < 400:
            return _malformed(message or "unreadable answer")
        retry_after = parse_retry_after(_header(exc.headers, "retry-after"))
        return error_for_status(PROVIDER, status, message, retry_after=retry_after)
    if isinstance(exc, httpx.TimeoutException):
        return timeout(PROVIDER, seconds)
    if isinstance(exc, httpx.TransportError):
        return connection_failed(PROVIDER)
    if isinstance(exc, ValueError | TypeError | KeyError | AttributeError):
        return _malformed(redact(f"{type(exc).__name__}: {exc}", api_key))
    return unexpected(PROVIDER, exc, api_key)


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


def music_prompt(prompt: str, *, lyrics: str = "", mood: str = "") -> str:
    """The text prompt of ``music.compose``: the style, the mood, and the lyrics to sing."""
    parts = [prompt.strip()]
    if mood.strip():
        parts.append(f"Mood: {mood.strip()}.")
    if lyrics.strip():
        lines = "\n".join(line.strip() for line in lyrics.strip().splitlines() if line.strip())
        parts.append(
            "A catchy, sung brand jingle with a clear lead vocal and a memorable melody. "
            f"The vocalist sings these lyrics exactly, in order:\n{lines}"
        )
    else:
        parts.append("Instrumental only, no vocals.")
    return "\n".join(p for p in parts if p)


def _voice_info(voice: Any) -> VoiceInfo:
    """A listed voice as plain data: "Rachel" · "female, american, young, narration"."""
    labels = dict(getattr(voice, "labels", None) or {})
    keys = ("gender", "accent", "age", "descriptive", "use_case")
    details = [str(labels[k]).replace("_", " ") for k in keys if labels.get(k)]
    return VoiceInfo(
        id=str(getattr(voice, "voice_id", "") or ""),
        name=str(getattr(voice, "name", "") or getattr(voice, "voice_id", "")),
        description=", ".join(details) or str(getattr(voice, "description", "") or ""),
    )


class _ElevenLabsBase(ApiAdapter):
    """What both ElevenLabs adapters share: the client, and audio streamed to a file."""

    service = ELEVENLABS

    def __init__(self, api_key: str, **common: Any) -> None:
        """``common``: the keywords of :class:`ApiAdapter` (base URL, timeout, attempts...)."""
        super().__init__(api_key, **common)
        from elevenlabs.client import ElevenLabs

        self._client = ElevenLabs(api_key=api_key, base_url=self._base_url, timeout=self._timeout)

    def _translate(self, exc: Exception) -> ProviderError | Exception:
        return translate_elevenlabs_error(exc, self._api_key, self._timeout)

    def _stream_to(self, make_stream: Callable[[], Iterable[bytes]], out_path: Path) -> int:
        with only_provider_errors(PROVIDER, self._api_key):
            return self._retried(lambda: write_audio(make_stream(), out_path))


class ElevenLabsVoice(_ElevenLabsBase):
    """:class:`~aytada.providers.base.VoiceProvider` on ``text_to_speech.convert`` (MP3)."""

    capability = "voice"
    options = {"voice_id": VOICE_ID, "model_id": TTS_MODEL}
    default_timeout = 120
    takes_neighbours = True  # speak() passes previous_text / next_text to the API

    def __init__(
        self,
        api_key: str,
        *,
        voice_id: str = VOICE_ID.default,
        model_id: str = TTS_MODEL.default,
        **common: Any,
    ) -> None:
        """``common``: the keywords of :class:`_ElevenLabsBase` (base URL, timeout...)."""
        super().__init__(api_key, **common)
        self.voice_id = voice_id
        self.model = model_id

    def speak(
        self,
        text: str,
        out_path: Path,
        *,
        voice: str = "",
        speed: float = 1.0,
        previous_text: str = "",
        next_text: str = "",
    ) -> AudioResult:
        """``text`` as an MP3; ``speed`` ≠ 1 goes to the API as ``voice_settings.speed``.

        ``previous_text`` / ``next_text``: the lines said before and after this one (each line
        of a voiceover is a request of its own); the API uses them so the intonation continues
        across the joins instead of every line sounding like a fresh start.
        """
        out_path = Path(out_path).with_suffix(".mp3")  # the file says what it holds
        if not text.strip():
            raise ProviderError("There is no voiceover text to speak")
        low, high = SPEED_RANGE
        if not low <= float(speed) <= high:
            raise ProviderError(f"{PROVIDER} speaks at {low:g}-{high:g}× speed (got {speed})")
        voice_id = voice or self.voice_id
        extra: dict[str, Any] = {}
        if abs(float(speed) - 1.0) > 1e-6:
            from elevenlabs.types import VoiceSettings

            extra["voice_settings"] = VoiceSettings(speed=round(float(speed), 2))
        if previous_text.strip():
            extra["previous_text"] = previous_text.strip()
        if next_text.strip():
            extra["next_text"] = next_text.strip()

        def stream() -> Iterable[bytes]:
            return self._client.text_to_speech.convert(
                voice_id,
                text=text,
                model_id=self.model,
                output_format=OUTPUT_FORMAT,
                request_options=dict(NO_SDK_RETRIES),
                **extra,
            )

        self._stream_to(stream, out_path)
        return AudioResult(path=out_path)

    def voices(self, *, timeout: float | None = None) -> list[VoiceInfo]:
        """The account's voices (``GET /v2/voices``, 100 a page, at most 500), one attempt of
        at most ``timeout`` s per page (default: the adapter's timeout, at most
        :data:`VOICE_LIST_TIMEOUT`): a page waits on it, so it fails fast and readably."""
        if timeout is None:
            timeout = min(self._timeout, VOICE_LIST_TIMEOUT)
        options = {**NO_SDK_RETRIES, "timeout_in_seconds": timeout}
        found: list[VoiceInfo] = []
        token: str | None = None
        with only_provider_errors(PROVIDER, self._api_key):
            for _ in range(VOICE_LIST_PAGES):
                try:
                    page = self._client.voices.search(
                        page_size=100, next_page_token=token, request_options=dict(options)
                    )
                    listed = list(page.voices or [])
                except Exception as exc:  # noqa: BLE001 - translated for the user
                    raise translate_elevenlabs_error(exc, self._api_key, timeout) from None
                for voice in listed:
                    found.append(_voice_info(voice))
                token = getattr(page, "next_page_token", None)
                if not getattr(page, "has_more", False) or not token:
                    break
        return [v for v in found if v.id]


class ElevenLabsMusic(_ElevenLabsBase, MusicProvider):
    """:class:`~aytada.providers.base.MusicProvider` on ``music.compose`` (MP3).

    With ``lyrics`` and ``instrumental=False`` the lyrics go into the prompt as the words to
    sing and ``force_instrumental`` is off; the music is forced instrumental only when asked
    (``instrumental=True``, the default, or no lyrics).
    """

    capability = "music"
    default_timeout = 300
    sings_lyrics = True  # a vocalist sings lyrics passed with instrumental=False

    def __init__(self, api_key: str, *, model_id: str = "", **common: Any) -> None:
        """``common``: the keywords of :class:`_ElevenLabsBase` (base URL, timeout...)."""
        super().__init__(api_key, **common)
        self._model_id = model_id
        self.model = model_id or "music"

    def render(self, request: MusicRequest, out_path: Path) -> AudioResult:
        out_path = Path(out_path).with_suffix(".mp3")  # the API answers MP3, whatever was asked
        wanted = int(round(request.seconds * 1000))
        length_ms = min(MUSIC_MAX_MS, max(MUSIC_MIN_MS, wanted))
        notice = ""
        if length_ms != wanted:
            notice = f"music length clamped to {length_ms / 1000:g} s (the API allows 3–600 s)"
        sung = bool(request.lyrics.strip()) and not request.instrumental
        lyrics = request.lyrics if sung else ""
        kwargs: dict[str, Any] = {
            "prompt": music_prompt(request.prompt, lyrics=lyrics, mood=request.mood),
            "music_length_ms": length_ms,
            "force_instrumental": not sung,
            "output_format": OUTPUT_FORMAT,
        }
        if self._model_id:
            kwargs["model_id"] = self._model_id

        def stream() -> Iterable[bytes]:
            return self._client.music.compose(**kwargs, request_options=dict(NO_SDK_RETRIES))

        self._stream_to(stream, out_path)
        return AudioResult(path=out_path, notice=notice)
