"""The one place that picks a provider for each capability.

Rule: the real provider when its API key is set, the offline one otherwise; an override
(capability → ``"offline"``, ``"local"``, ``"openai"``, ``"elevenlabs"``, ``"shotstack"`` or
``"fal"``) picks explicitly, and an override to a real provider without its key is an error, not
a silent fallback. Stitching is local by default; Shotstack only by override (and with its key).
Clips come from fal when ``FAL_KEY`` is set; OpenAI video clips only by override (the adapter is
retired, see :class:`OpenAIClips`). The offline voice is Piper when it is installed (its
packaged voices, and ``PIPER_VOICE``), else espeak-ng; ``PROVIDER_VOICE=piper`` or ``espeak``
picks one engine (both are the "offline" provider: a voice chosen with one stays usable).

What each real adapter needs (its key variable, model names, voice) is declared on the adapter
class (see :mod:`aytada.providers.spec`); this module only reads those declarations. SDKs and the
offline implementations are imported only when a provider is built, so :func:`describe` (used by
the UI) is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
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
from aytada.providers.elevenlabs_provider import ElevenLabsMusic, ElevenLabsVoice
from aytada.providers.fal_provider import FalClips
from aytada.providers.openai_provider import OpenAIClips, OpenAIImages, OpenAIText
from aytada.providers.shotstack import ShotstackStitcher
from aytada.providers.spec import SERVICES, Service

CAPABILITIES: tuple[str, ...] = ("text", "image", "clip", "voice", "music", "stitch")

OFFLINE = "offline"
LOCAL = "local"

#: Every real adapter; each declares ``service``, ``capability``, ``options`` and
#: ``chosen_by_default``.
REAL_ADAPTERS: tuple[type, ...] = (
    OpenAIText,
    OpenAIImages,
    OpenAIClips,
    FalClips,
    ElevenLabsVoice,
    ElevenLabsMusic,
    ShotstackStitcher,
)

#: The offline implementation of each capability (class names in ``aytada.providers.offline``).
OFFLINE_ADAPTERS: dict[str, str] = {
    "text": "OfflineWriter",
    "image": "PillowImages",
    "clip": "FfmpegMotionClips",
    "voice": "EspeakVoice",  # the fallback engine (OFFLINE_ENGINES picks)
    "music": "SynthMusic",
    "stitch": "LocalStitcher",
}

#: Offline engines a capability may be set to (PROVIDER_VOICE=piper|espeak): each is the
#: offline provider; "offline" (or unset) takes the first that is installed.
OFFLINE_ENGINES: dict[str, dict[str, str]] = {
    "voice": {"piper": "PiperSpeech", "espeak": "EspeakVoice"},
}
#: Variables the offline providers read (besides the real adapters' options).
OFFLINE_SETTINGS: tuple[str, ...] = ("PIPER_VOICE",)

#: Real choices each capability accepts (besides offline/local).
REAL_CHOICES: dict[str, tuple[str, ...]] = {
    cap: tuple(a.service.name for a in REAL_ADAPTERS if a.capability == cap) for cap in CAPABILITIES
}
_DEFAULT_REAL: dict[str, str] = {
    a.capability: a.service.name for a in REAL_ADAPTERS if a.chosen_by_default
}
_SERVICES: dict[str, Service] = {s.name: s for s in SERVICES}


def adapter_class(capability: str, choice: str) -> type:
    """The real adapter class for ``capability`` on service ``choice``."""
    for adapter in REAL_ADAPTERS:
        if adapter.capability == capability and adapter.service.name == choice:
            return adapter
    raise ProviderError(f"Provider {choice!r} cannot do {capability}")


def setting_names() -> tuple[str, ...]:
    """Every variable the real adapters read: keys, base URLs, models, voice."""
    names: list[str] = []
    for service in SERVICES:
        names += [service.key_env, service.base_url_env]
    for adapter in REAL_ADAPTERS:
        names += [option.env for option in adapter.options.values()]
    return tuple(dict.fromkeys([*names, *OFFLINE_SETTINGS]))


@dataclass(frozen=True)
class ProviderConfig:
    """What the registry needs: variable name → value (keys, base URLs, models) and overrides.

    ``values`` uses the variable names the adapters declare (``OPENAI_API_KEY``,
    ``OPENAI_TEXT_MODEL``...); a missing or blank one means "not set / the adapter default".
    """

    values: Mapping[str, str] = field(default_factory=dict)
    # capability -> "offline" | "openai" | "elevenlabs" | "local" | "shotstack" | "fal"
    overrides: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return str(self.values.get(name) or "").strip()

    def key(self, service: str) -> str:
        return self.value(_SERVICES[service].key_env)

    def __repr__(self) -> str:  # keys never end up in logs or tracebacks
        keys = ", ".join(
            f"{s.key_env}={'set' if self.value(s.key_env) else 'unset'}" for s in SERVICES
        )
        return f"ProviderConfig({keys}, overrides={dict(self.overrides)!r})"


class Providers:
    """One provider per capability, and the end card's two, each built the first time a step
    asks for it, then kept. A worker forks a fresh process for every job, so a job builds only
    what its step uses: a voiceover does not import the OpenAI SDK to speak."""

    text: TextProvider
    image: ImageProvider
    clip: ClipProvider
    voice: VoiceProvider
    music: MusicProvider
    stitch: Stitcher
    # the end card is always composed and animated here, whatever makes the other scenes: its
    # words (the call to action, the destination) must be exact, and an AI picture or clip has
    # none; so every ad ends on the same card, its layers entering at the style's pace
    card_image: ImageProvider | None
    card_clip: ClipProvider | None

    def __init__(self, makers: Mapping[str, Callable[[], Any]]) -> None:
        self._makers = dict(makers)

    def __getattr__(self, name: str) -> Any:
        make = self.__dict__.get("_makers", {}).get(name)
        if make is None:
            raise AttributeError(name)
        built = make()
        setattr(self, name, built)  # kept: the next look finds it without coming here
        return built


def _overrides(config: ProviderConfig) -> dict[str, str]:
    return {
        str(k).strip().lower(): str(v).strip().lower() for k, v in (config.overrides or {}).items()
    }


def choose(config: ProviderConfig) -> dict[str, str]:
    """Capability → choice (``"openai"``, ``"elevenlabs"``, ``"shotstack"``, ``"offline"`` or
    ``"local"`` for stitching). Raises :class:`ProviderError` on an impossible override."""
    overrides = _overrides(config)
    unknown = sorted(set(overrides) - set(CAPABILITIES))
    if unknown:
        names = ", ".join(f"PROVIDER_{u.upper()}" for u in unknown)
        raise ProviderError(
            f"Unknown provider capability {', '.join(unknown)} (set by {names}): "
            f"expected one of {', '.join(CAPABILITIES)}"
        )
    chosen: dict[str, str] = {}
    for cap in CAPABILITIES:
        offline = LOCAL if cap == "stitch" else OFFLINE
        wanted = overrides.get(cap, "")
        if wanted in ("", "auto", "default"):
            real = _DEFAULT_REAL.get(cap)
            chosen[cap] = real if real and config.key(real) else offline
            continue
        if wanted in (OFFLINE, LOCAL) or wanted in OFFLINE_ENGINES.get(cap, {}):
            chosen[cap] = offline
            continue
        if wanted not in REAL_CHOICES[cap]:
            allowed = ", ".join((OFFLINE, *OFFLINE_ENGINES.get(cap, {}), *REAL_CHOICES[cap]))
            raise ProviderError(f"Provider {wanted!r} cannot do {cap}: choose one of {allowed}")
        service = _SERVICES[wanted]
        if not config.key(wanted):
            raise ProviderError(
                f"The {cap} provider is set to {service.label} but no {service.label} API "
                f"key is configured (set {service.key_env}, or choose offline)"
            )
        chosen[cap] = wanted
    return chosen


def describe(config: ProviderConfig) -> dict[str, str]:
    """Capability → provider name, without building any client (for the UI).

    The names are the choices of :func:`choose`: ``"openai"``, ``"elevenlabs"``, ``"shotstack"``,
    ``"offline"``, and ``"local"`` for local ffmpeg stitching.
    """
    return choose(config)


def _build_real(config: ProviderConfig, capability: str, choice: str, **extra: Any) -> Any:
    adapter = adapter_class(capability, choice)
    service: Service = adapter.service
    kwargs = {kw: config.value(opt.env) or opt.default for kw, opt in adapter.options.items()}
    base_url = config.value(service.base_url_env) or None
    return adapter(config.key(choice), base_url=base_url, **kwargs, **extra)


def offline_engine(config: ProviderConfig, capability: str = "voice") -> str:
    """The offline engine of ``capability`` ("" when it has only one): the one its override
    names, else for the voice Piper when it is installed or ``PIPER_VOICE`` is set (a
    missing engine is then said when it is used), else espeak-ng."""
    engines = OFFLINE_ENGINES.get(capability)
    if not engines:
        return ""
    wanted = _overrides(config).get(capability, "")
    if wanted in engines:
        return wanted
    from aytada.providers.offline.piper_voice import piper_installed

    return "piper" if piper_installed() or config.value("PIPER_VOICE") else "espeak"


def _build_offline(capability: str, config: ProviderConfig | None = None) -> Any:
    from aytada.providers import offline as offline_module

    engine = offline_engine(config or ProviderConfig(), capability)
    if engine == "piper":
        return offline_module.PiperSpeech((config or ProviderConfig()).value("PIPER_VOICE"))
    if engine:
        return getattr(offline_module, OFFLINE_ENGINES[capability][engine])()
    return getattr(offline_module, OFFLINE_ADAPTERS[capability])()


def build_provider(config: ProviderConfig, capability: str, **adapter_kwargs: Any) -> Any:
    """One capability's provider according to :func:`choose`; ``adapter_kwargs`` (e.g.
    ``timeout``, ``attempts``) go to a real adapter only (a page's quick call: a voice preview
    that must fail fast)."""
    choice = choose(config)[capability]
    if choice in (OFFLINE, LOCAL):
        return _build_offline(capability, config)
    return _build_real(config, capability, choice, **adapter_kwargs)


def build_providers(config: ProviderConfig) -> Providers:
    """One provider per capability according to :func:`choose`, each built when first used."""
    makers: dict[str, Callable[[], Any]] = {
        cap: partial(_build_offline, cap, config)
        if choice in (OFFLINE, LOCAL)
        else partial(_build_real, config, cap, choice)
        for cap, choice in choose(config).items()  # an impossible choice raises here, not at use
    }
    makers["card_image"] = partial(_build_offline, "image")
    makers["card_clip"] = partial(_build_offline, "clip")
    return Providers(makers)
