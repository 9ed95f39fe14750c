"""The voices a project can choose from, their short previews, and saving the choice.

Pages call these (never a provider): the list comes from the voice provider in use (the offline
espeak-ng voices, or the ElevenLabs account's voices when its key is set), read with a short
timeout and kept for a few minutes; a preview is a ~3 s sample cached under the media folder,
so the same voice at the same speed is made once.
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
from aytada.providers.registry import build_provider

PREVIEW_TEXT = "Hi! This is how your ad will sound."  # about 3 s at the normal pace
LIST_TTL_S = 300.0  # a voice list is read again after five minutes
ERROR_TTL_S = 60.0  # a provider that failed is asked again after a minute (pages stay quick)
QUICK_TIMEOUT_S = 15.0  # a page waits at most this long on the provider (per request)
PROVIDER_LABELS = {"offline": "Offline voices (espeak-ng)", "elevenlabs": "ElevenLabs"}


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
        label = PROVIDER_LABELS.get(name, name)
        result = VoiceList(name, [], f"The {label} voices could not be read: {exc}")
    else:
        result = VoiceList(name, voices)
    if not result.error and not result.voices:
        hint = (
            "install espeak-ng (apt-get install espeak-ng) or set ELEVENLABS_API_KEY"
            if name == "offline"
            else "add a voice to the ElevenLabs account"
        )
        result = VoiceList(name, [], f"No voice is available: {hint}.")
    with _lock:
        _lists[name] = (time.monotonic(), result)
    return result


def preview_path(provider: str, voice_id: str, speed: float) -> Path:
    """Where the preview of (provider, voice, speed) is cached: under this machine's MEDIA_DIR
    even with an S3 store (MEDIA_URL), as the app process that makes a preview plays it."""
    raw = f"{provider}|{voice_id}|{speed:.2f}|{PREVIEW_TEXT}".encode()
    digest = hashlib.sha1(raw).hexdigest()[:16]
    suffix = ".wav" if provider == "offline" else ".mp3"
    return media.media_root() / "previews" / f"{provider}-{digest}{suffix}"


def voice_preview(voice_id: str, speed: float = project_options.SPEED_DEFAULT) -> Path:
    """A ~3 s sample of ``voice_id`` ("" = the default voice) at ``speed``: cached, else made
    now (espeak-ng: well under a second; ElevenLabs: one request of at most
    :data:`QUICK_TIMEOUT_S`). Raises :class:`UserError` with a readable message."""
    clean = project_options.validate_voice_options({"speed": speed})
    listed = available_voices()
    if listed.error:
        raise UserError(listed.error)
    if voice_id and voice_id not in listed.ids:
        raise ValidationFailed({"voice": "Choose one of the listed voices."})
    out = preview_path(listed.provider, voice_id, clean["speed"])
    if out.is_file() and out.stat().st_size > 0:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        _voice_provider().speak(PREVIEW_TEXT, out, voice=voice_id, speed=clean["speed"])
    except ProviderError as exc:
        raise UserError(f"The preview could not be made: {exc}") from None
    return out


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
