"""What a real provider adapter declares about itself (read by the registry and the README).

Each adapter class carries:

* ``service`` — the paid API it talks to (:class:`Service`: its name, label, key variable);
* ``capability`` — the one capability it provides ("text", "image", ...);
* ``options`` — constructor keyword → :class:`Option` (the variable that sets it, and its
  default), e.g. ``{"model": Option("OPENAI_TEXT_MODEL", "gpt-5-mini")}``;
* ``chosen_by_default`` — picked automatically when the key is set (else only by override);
* ``retired`` — "" or the reason it is not chosen by default.

Model names and the voice id are written only there.
"""

from __future__ import annotations

from dataclasses import dataclass

from aytada.providers.base import ProviderError


@dataclass(frozen=True)
class Service:
    name: str  # the choice name in PROVIDER_<CAPABILITY>, e.g. "openai"
    label: str  # for people, e.g. "OpenAI"
    key_env: str  # the variable holding the API key
    base_url_env: str  # the variable overriding the API's address ("" → the SDK default)


@dataclass(frozen=True)
class Option:
    env: str  # the variable that sets it
    default: str
    meaning: str = ""


def seconds_of(option: Option, value: float | str) -> float:
    """The seconds ``value`` (a number, or an option's text as set) gives ``option``: more
    than 0, else a :class:`ProviderError` naming the variable."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds > 0:  # NaN too
        raise ProviderError(f"{option.env} must be a number of seconds above 0, not {value!r}")
    return seconds


OPENAI = Service("openai", "OpenAI", "OPENAI_API_KEY", "OPENAI_BASE_URL")
ELEVENLABS = Service("elevenlabs", "ElevenLabs", "ELEVENLABS_API_KEY", "ELEVENLABS_BASE_URL")
SHOTSTACK = Service("shotstack", "Shotstack", "SHOTSTACK_API_KEY", "SHOTSTACK_BASE_URL")
# fal's own variable name for the key (what its SDK and docs use)
FAL = Service("fal", "fal", "FAL_KEY", "FAL_BASE_URL")
SERVICES: tuple[Service, ...] = (OPENAI, ELEVENLABS, SHOTSTACK, FAL)
