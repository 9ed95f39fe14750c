"""The one place that picks a provider for each capability.

Rule: the real provider when its API key is set, the offline one otherwise; an override
(capability → ``"offline"``, ``"local"``, ``"openai"``, ``"elevenlabs"`` or ``"shotstack"``) picks
explicitly, and an override to a real provider without its key is an error, not a silent
fallback. Stitching is local by default; Shotstack only by override (and with its key).

SDKs and the offline implementations are imported only when a provider is built, so
:func:`describe` (used by the UI) is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aytada.providers.base import (
    ClipProvider,
    ImageProvider,
    MusicProvider,
    ProviderError,
    Stitcher,
    TextProvider,
    VoiceProvider,
)

CAPABILITIES: tuple[str, ...] = ("text", "image", "clip", "voice", "music", "stitch")

OFFLINE = "offline"
LOCAL = "local"
OPENAI = "openai"
ELEVENLABS = "elevenlabs"
SHOTSTACK = "shotstack"

#: Real choices each capability accepts (besides offline/local).
REAL_CHOICES: dict[str, tuple[str, ...]] = {
    "text": (OPENAI,),
    "image": (OPENAI,),
    "clip": (OPENAI,),
    "voice": (ELEVENLABS,),
    "music": (ELEVENLABS,),
    "stitch": (SHOTSTACK,),
}

# Clips stay offline (ffmpeg motion over the scene still, which OpenAI draws when its key is
# set) unless PROVIDER_CLIP=openai: the SDK marks its video API as shut down (Sept 2026).
_DEFAULT_REAL = {
    "text": OPENAI,
    "image": OPENAI,
    "voice": ELEVENLABS,
    "music": ELEVENLABS,
}
_LABELS = {OPENAI: "OpenAI", ELEVENLABS: "ElevenLabs", SHOTSTACK: "Shotstack"}
_KEY_SETTINGS = {
    OPENAI: "OPENAI_API_KEY",
    ELEVENLABS: "ELEVENLABS_API_KEY",
    SHOTSTACK: "SHOTSTACK_API_KEY",
}


@dataclass(frozen=True)
class ProviderConfig:
    openai_api_key: str = ""
    openai_base_url: str = ""
    elevenlabs_api_key: str = ""
    elevenlabs_base_url: str = ""
    shotstack_api_key: str = ""
    shotstack_base_url: str = ""
    text_model: str = "gpt-5-mini"
    image_model: str = "gpt-image-1.5"
    video_model: str = "sora-2"
    tts_model: str = "eleven_multilingual_v2"
    voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    # capability -> "offline" | "openai" | "elevenlabs" | "local" | "shotstack"
    overrides: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # keys never end up in logs or tracebacks
        def mark(key: str) -> str:
            return "set" if key else "unset"

        return (
            f"ProviderConfig(openai_api_key={mark(self.openai_api_key)}, "
            f"elevenlabs_api_key={mark(self.elevenlabs_api_key)}, "
            f"shotstack_api_key={mark(self.shotstack_api_key)}, overrides={self.overrides!r})"
        )


@dataclass(frozen=True)
class Providers:
    text: TextProvider
    image: ImageProvider
    clip: ClipProvider
    voice: VoiceProvider
    music: MusicProvider
    stitch: Stitcher


def _key(config: ProviderConfig, provider: str) -> str:
    return {
        OPENAI: config.openai_api_key,
        ELEVENLABS: config.elevenlabs_api_key,
        SHOTSTACK: config.shotstack_api_key,
    }[provider].strip()


def choose(config: ProviderConfig) -> dict[str, str]:
    """Capability → choice (``"openai"``, ``"elevenlabs"``, ``"shotstack"``, ``"offline"`` or
    ``"local"`` for stitching). Raises :class:`ProviderError` on an impossible override."""
    overrides = {
        str(k).strip().lower(): str(v).strip().lower() for k, v in (config.overrides or {}).items()
    }
    unknown = sorted(set(overrides) - set(CAPABILITIES))
    if unknown:
        raise ProviderError(
            f"Unknown provider capability {', '.join(unknown)}: "
            f"expected one of {', '.join(CAPABILITIES)}"
        )
    chosen: dict[str, str] = {}
    for cap in CAPABILITIES:
        offline = LOCAL if cap == "stitch" else OFFLINE
        wanted = overrides.get(cap, "")
        if wanted in ("", "auto", "default"):
            real = _DEFAULT_REAL.get(cap)
            chosen[cap] = real if real and _key(config, real) else offline
            continue
        if wanted in (OFFLINE, LOCAL):
            chosen[cap] = offline
            continue
        if wanted not in REAL_CHOICES[cap]:
            allowed = ", ".join((OFFLINE, *REAL_CHOICES[cap]))
            raise ProviderError(f"Provider {wanted!r} cannot do {cap}: choose one of {allowed}")
        if not _key(config, wanted):
            raise ProviderError(
                f"The {cap} provider is set to {_LABELS[wanted]} but no {_LABELS[wanted]} API "
                f"key is configured (set {_KEY_SETTINGS[wanted]}, or choose offline)"
            )
        chosen[cap] = wanted
    return chosen


def describe(config: ProviderConfig) -> dict[str, str]:
    """Capability → provider name, without building any client (for the UI).

    The names are the choices of :func:`choose`: ``"openai"``, ``"elevenlabs"``, ``"shotstack"``,
    ``"offline"``, and ``"local"`` for local ffmpeg stitching.
    """
    return choose(config)


def _base_url(value: str) -> str | None:
    return value.strip() or None


def _builders(config: ProviderConfig) -> dict[tuple[str, str], Callable[[], Any]]:
    def openai_text() -> Any:
        from aytada.providers.openai_provider import OpenAIText

        return OpenAIText(
            config.openai_api_key.strip(),
            base_url=_base_url(config.openai_base_url),
            model=config.text_model,
        )

    def openai_images() -> Any:
        from aytada.providers.openai_provider import OpenAIImages

        return OpenAIImages(
            config.openai_api_key.strip(),
            base_url=_base_url(config.openai_base_url),
            model=config.image_model,
        )

    def openai_clips() -> Any:
        from aytada.providers.openai_provider import OpenAIClips

        return OpenAIClips(
            config.openai_api_key.strip(),
            base_url=_base_url(config.openai_base_url),
            model=config.video_model,
        )

    def eleven_voice() -> Any:
        from aytada.providers.elevenlabs_provider import ElevenLabsVoice

        return ElevenLabsVoice(
            config.elevenlabs_api_key.strip(),
            base_url=_base_url(config.elevenlabs_base_url),
            voice_id=config.voice_id,
            model_id=config.tts_model,
        )

    def eleven_music() -> Any:
        from aytada.providers.elevenlabs_provider import ElevenLabsMusic

        return ElevenLabsMusic(
            config.elevenlabs_api_key.strip(),
            base_url=_base_url(config.elevenlabs_base_url),
        )

    def shotstack() -> Any:
        from aytada.providers.shotstack import ShotstackStitcher

        base = _base_url(config.shotstack_base_url)
        if base:
            return ShotstackStitcher(config.shotstack_api_key.strip(), base_url=base)
        return ShotstackStitcher(config.shotstack_api_key.strip())

    def offline(name: str) -> Callable[[], Any]:
        def build() -> Any:
            from aytada.providers import offline as offline_module

            return getattr(offline_module, name)()

        return build

    return {
        ("text", OPENAI): openai_text,
        ("image", OPENAI): openai_images,
        ("clip", OPENAI): openai_clips,
        ("voice", ELEVENLABS): eleven_voice,
        ("music", ELEVENLABS): eleven_music,
        ("stitch", SHOTSTACK): shotstack,
        ("text", OFFLINE): offline("OfflineWriter"),
        ("image", OFFLINE): offline("PillowImages"),
        ("clip", OFFLINE): offline("FfmpegMotionClips"),
        ("voice", OFFLINE): offline("EspeakVoice"),
        ("music", OFFLINE): offline("SynthMusic"),
        ("stitch", LOCAL): offline("LocalStitcher"),
    }


def build_providers(config: ProviderConfig) -> Providers:
    """Build one provider per capability according to :func:`choose`."""
    chosen = choose(config)
    builders = _builders(config)
    built = {cap: builders[(cap, choice)]() for cap, choice in chosen.items()}
    return Providers(**built)
