"""The voices a project can choose from, their short previews, and saving the choice.

Pages call these (never a provider): the list comes from the voice provider in use (the offline
voices: Piper's and espeak-ng's, or the ElevenLabs account's voices when its key is set), read
with a short timeout and kept for a few minutes; a preview is a ~3 s sample cached under the
media folder, so the same voice at the same speed is made once. A page never waits for one: a
sample not made yet is made by a background thread of the app's process while the page polls
:func:`preview` (a Piper voice takes a second or two to load).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aytada.core import media, project_options
from aytada.core.errors import UserError, ValidationFailed
from aytada.jobs.providers import provider_config, provider_names
from aytada.providers.base import ProviderError, VoiceInfo
from aytada.providers.registry import build_provider, offline_engine

PREVIEW_TEXT = "Hi! This is how your ad will sound."  # about 3 s at the normal pace
LIST_TTL_S = 300.0  # a voice list is read again after five minutes
ERROR_TTL_S = 60.0  # a provider that failed is asked again after a minute (pages stay quick)
QUICK_TIMEOUT_S = 15.0  # a page waits at most this long on the provider (per request)
PROVIDER_LABELS = {"offline": "Offline voices", "elevenlabs": "ElevenLabs"}


@dataclass(frozen=True)
class VoiceList:
    """What the voice picker shows: the provider in use, its voices, or why there are none."""

    provider: str
    voices: list[VoiceInfo] = field(default_factory=list)
    error: str = ""

    @property
    def ids(self) -> list[str]:
        return [voice.id for voice in self.voices]


_lock = threading.Lock()
_lists: dict[str, tuple[float, VoiceList]] = {}


def _voice_provider() -> Any:
    """The voice provider in use, built to answer a waiting page quickly (one attempt)."""
    return build_provider(provider_config(), "voice", timeout=QUICK_TIMEOUT_S, attempts=1)


def available_voices(*, refresh: bool = False) -> VoiceList:
    """The voices of the voice provider in use (cached for :data:`LIST_TTL_S`).

    A provider that cannot be reached gives an empty list and a readable ``error``; it is
    asked again after :data:`ERROR_TTL_S` (so a hanging API does not slow every page).
    """
    name = provider_names()["voice"]
    with _lock:
        cached = _lists.get(name)
        if cached and not refresh:
            ttl = ERROR_TTL_S if cached[1].error else LIST_TTL_S
            if time.monotonic() - cached[0] < ttl:
                return cached[1]
    try:
        voices = list(_voice_provider().voices())
    except ProviderError as exc:
        label = PROVIDER_LABELS.get(name, name).removesuffix(" voices")
        label = label.lower() if name == "offline" else label
        result = VoiceList(name, [], f"The {label} voices could not be read: {exc}")
    else:
        result = VoiceList(name, voices)
    if not result.error and not result.voices:
        hint = (
            "install the requirements (Piper) or espeak-ng, or set ELEVENLABS_API_KEY"
            if name == "offline"
            else "add a voice to the ElevenLabs account"
        )
        result = VoiceList(name, [], f"No voice is available: {hint}.")
    with _lock:
        _lists[name] = (time.monotonic(), result)
    return result


def _engine(provider: str) -> str:
    """What else decides how a voice id sounds: the offline engine (Piper or espeak-ng: the
    default voice "" differs) and PIPER_VOICE."""
    if provider != "offline":
        return ""
    config = provider_config()
    return f"{offline_engine(config)}|{config.value('PIPER_VOICE')}"


def preview_path(provider: str, voice_id: str, speed: float) -> Path:
    """Where the preview of (provider, voice, speed) is cached: under this machine's MEDIA_DIR
    even with an S3 store (MEDIA_URL), as the app process that makes a preview plays it."""
    raw = f"{provider}|{_engine(provider)}|{voice_id}|{speed:.2f}|{PREVIEW_TEXT}".encode()
    digest = hashlib.sha1(raw).hexdigest()[:16]
    suffix = ".wav" if provider == "offline" else ".mp3"
    return media.media_root() / "previews" / f"{provider}-{digest}{suffix}"


@dataclass(frozen=True)
class Preview:
    """A voice sample: its file once made; until then ``making``; or why it failed."""

    path: Path | None = None
    error: str = ""

    @property
    def making(self) -> bool:
        return self.path is None and not self.error


_making: set[Path] = set()  # previews a background thread is making now
_failed: dict[Path, str] = {}  # why a preview could not be made (until it is asked for again)


def _make_preview(out: Path, voice_id: str, speed: float) -> None:
    """The background thread: say the sample into ``out``; a failure is kept for the page."""
    error = ""
    try:
        _voice_provider().speak(PREVIEW_TEXT, out, voice=voice_id, speed=speed)
    except ProviderError as exc:
        error = f"The preview could not be made: {exc}"
    except Exception as exc:  # noqa: BLE001 - a thread's error would otherwise vanish
        error = f"The preview could not be made: {type(exc).__name__}: {exc}"
    with _lock:
        _making.discard(out)
        if error:
            _failed[out] = error


def preview(
    voice_id: str, speed: float = project_options.SPEED_DEFAULT, *, again: bool = False
) -> Preview:
    """The ~3 s sample of ``voice_id`` ("" = the default voice) at ``speed``: its file when it
    is cached, else :attr:`Preview.making` while a background thread makes it (started by this
    call when none is), or the reason it failed. ``again`` (a click) forgets a failure and
    tries again. Raises :class:`UserError` when the voices cannot be listed or the voice is not
    one of them."""
    clean = project_options.validate_voice_options({"speed": speed})
    listed = available_voices()
    if listed.error:
        raise UserError(listed.error)
    if voice_id and voice_id not in listed.ids:
        raise ValidationFailed({"voice": "Choose one of the listed voices."})
    out = preview_path(listed.provider, voice_id, clean["speed"])
    if out.is_file() and out.stat().st_size > 0:
        return Preview(out)
    with _lock:
        if again:
            _failed.pop(out, None)
        if out in _failed:
            return Preview(error=_failed[out])
        if out in _making:
            return Preview()
        _making.add(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    threading.Thread(
        target=_make_preview, args=(out, voice_id, clean["speed"]), daemon=True,
        name=f"voice-preview-{out.stem}",
    ).start()  # fmt: skip
    return Preview()


def save_voice_choice(
    workspace_id: int, project_id: Any, values: Mapping[str, Any]
) -> project_options.VoiceOptions:
    """Store a project's voice, speed and music choice. A voice must be one the voice provider
    in use lists (it is stored with that provider's name)."""
    values = dict(values)
    voices = None
    if values.get("voice"):
        listed = available_voices()
        if listed.error:
            raise UserError(listed.error)
        voices = listed.ids
        values["voice_provider"] = listed.provider
    elif "voice" in values:
        values["voice_provider"] = ""
    return project_options.save_voice_options(workspace_id, project_id, values, voices=voices)
