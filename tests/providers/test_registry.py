"""The registry: real when its key is set, offline otherwise, explicit overrides, clear errors."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import pytest

from aytada.providers.base import ProviderError
from aytada.providers.registry import (
    CAPABILITIES,
    ProviderConfig,
    Providers,
    build_providers,
    describe,
)

OPENAI_KEY = "sk-reg-SECRET-1111"
ELEVEN_KEY = "el-reg-SECRET-2222"
SHOT_KEY = "ss-reg-SECRET-3333"
ROOT = Path(__file__).resolve().parents[2]


def cfg(overrides: dict[str, str] | None = None, **values: str) -> ProviderConfig:
    """A registry config from variable values, as the settings would hand them over."""
    return ProviderConfig(values=values, overrides=overrides or {})


OFFLINE = {
    "text": "offline",
    "image": "offline",
    "clip": "offline",
    "voice": "offline",
    "music": "offline",
    "stitch": "local",
}


def test_no_keys_means_all_offline() -> None:
    assert describe(cfg()) == OFFLINE
    assert tuple(describe(cfg())) == CAPABILITIES


def test_openai_key_picks_openai_for_text_and_image_clips_only_by_override() -> None:
    assert describe(cfg(OPENAI_API_KEY=OPENAI_KEY)) == {
        **OFFLINE,
        "text": "openai",
        "image": "openai",
    }
    config = cfg(OPENAI_API_KEY=OPENAI_KEY, overrides={"clip": "openai"})
    assert describe(config)["clip"] == "openai"


def test_elevenlabs_key_picks_elevenlabs_for_voice_and_music() -> None:
    assert describe(cfg(ELEVENLABS_API_KEY=ELEVEN_KEY)) == {
        **OFFLINE,
        "voice": "elevenlabs",
        "music": "elevenlabs",
    }


def test_whitespace_key_counts_as_unset() -> None:
    assert describe(cfg(OPENAI_API_KEY="  ")) == OFFLINE


def test_shotstack_only_by_override() -> None:
    assert describe(cfg(SHOTSTACK_API_KEY=SHOT_KEY))["stitch"] == "local"
    config = cfg(SHOTSTACK_API_KEY=SHOT_KEY, overrides={"stitch": "shotstack"})
    assert describe(config)["stitch"] == "shotstack"


def test_override_to_offline_beats_a_key() -> None:
    config = cfg(OPENAI_API_KEY=OPENAI_KEY, overrides={"clip": "offline", "Image": " LOCAL "})
    chosen = describe(config)
    assert chosen["text"] == "openai"
    assert chosen["clip"] == "offline" and chosen["image"] == "offline"
    assert describe(cfg(overrides={"stitch": "offline"}))["stitch"] == "local"


def test_override_to_real_without_key_is_a_clear_error() -> None:
    config = cfg(ELEVENLABS_API_KEY=ELEVEN_KEY, overrides={"text": "openai"})
    with pytest.raises(ProviderError) as info:
        describe(config)
    message = str(info.value)
    assert "text" in message and "OpenAI" in message and "OPENAI_API_KEY" in message
    assert ELEVEN_KEY not in message
    with pytest.raises(ProviderError, match="SHOTSTACK_API_KEY"):
        build_providers(cfg(overrides={"stitch": "shotstack"}))


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"voice": "openai"}, "cannot do voice"),
        ({"text": "elevenlabs"}, "cannot do text"),
        ({"stitch": "openai"}, "cannot do stitch"),
        ({"video": "openai"}, "Unknown provider capability video"),
    ],
)
def test_impossible_overrides(overrides: dict[str, str], fragment: str) -> None:
    config = cfg(OPENAI_API_KEY=OPENAI_KEY, ELEVENLABS_API_KEY=ELEVEN_KEY, overrides=overrides)
    with pytest.raises(ProviderError, match=fragment):
        build_providers(config)


def assert_every_capability_provided(providers: Providers) -> None:
    """Each capability's provider satisfies its protocol (the field types of Providers)."""
    assert isinstance(providers, Providers)
    protocols = typing.get_type_hints(Providers)
    assert set(protocols) == {*CAPABILITIES, "card_image", "card_clip"}
    for capability in CAPABILITIES:
        assert isinstance(getattr(providers, capability), protocols[capability]), capability
    # the end card is always composed and animated here, whatever the keys
    assert type(providers.card_image).__name__ == "PillowImages"
    assert type(providers.card_clip).__name__ == "FfmpegMotionClips"


def test_build_all_real_without_network() -> None:
    config = cfg(
        OPENAI_API_KEY=OPENAI_KEY,
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        ELEVENLABS_API_KEY=ELEVEN_KEY,
        ELEVENLABS_BASE_URL="http://127.0.0.1:9",
        SHOTSTACK_API_KEY=SHOT_KEY,
        SHOTSTACK_BASE_URL="http://127.0.0.1:9",
        OPENAI_TEXT_MODEL="gpt-5-nano",
        OPENAI_IMAGE_MODEL="gpt-image-2",
        OPENAI_VIDEO_MODEL="sora-2-pro",
        ELEVENLABS_MODEL="eleven_flash_v2_5",
        ELEVENLABS_VOICE_ID="voice123",
        overrides={"stitch": "shotstack", "clip": "openai"},
    )
    providers = build_providers(config)
    assert_every_capability_provided(providers)
    names = {cap: getattr(providers, cap).name for cap in CAPABILITIES}
    assert names == describe(config)
    assert (providers.text.model, providers.image.model, providers.clip.model) == (
        "gpt-5-nano",
        "gpt-image-2",
        "sora-2-pro",
    )
    assert providers.voice.model == "eleven_flash_v2_5"
    assert providers.voice.voice_id == "voice123"
    assert str(providers.text._client.base_url).startswith("http://127.0.0.1:9/v1")
    assert providers.text._client.max_retries == 0
    assert providers.stitch.base_url == "http://127.0.0.1:9"
    for secret in (OPENAI_KEY, ELEVEN_KEY, SHOT_KEY):
        assert secret not in repr(config)
        assert all(secret not in repr(getattr(providers, cap)) for cap in CAPABILITIES)


def test_build_offline_when_no_keys() -> None:
    pytest.importorskip("aytada.providers.offline")
    providers = build_providers(cfg())
    assert_every_capability_provided(providers)
    assert type(providers.text).__name__ == "OfflineWriter"
    assert type(providers.stitch).__name__ == "LocalStitcher"
    names = {cap: getattr(providers, cap).name for cap in CAPABILITIES}
    assert names == describe(cfg())  # what the UI shows is what gets recorded


def test_build_mixed() -> None:
    pytest.importorskip("aytada.providers.offline")
    providers = build_providers(cfg(OPENAI_API_KEY=OPENAI_KEY))
    assert providers.text.name == "openai" and providers.clip.name == "offline"
    assert type(providers.voice).__name__ == "PiperSpeech"  # Piper is in the requirements
    assert type(providers.music).__name__ == "SynthMusic"


def test_providers_package_imports_stay_light() -> None:
    """No SDK at import time, and nothing from the rest of the application."""
    code = (
        "import sys\n"
        "import aytada.providers.registry, aytada.providers.openai_provider\n"
        "import aytada.providers.elevenlabs_provider, aytada.providers.shotstack\n"
        "from aytada.providers.registry import ProviderConfig, describe\n"
        "describe(ProviderConfig(values={'OPENAI_API_KEY': 'x', 'ELEVENLABS_API_KEY': 'y'}))\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('openai', 'elevenlabs')\n"
        "       or m.startswith(('aytada.core', 'aytada.jobs', 'aytada.ui', 'aytada.cli'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_adapters_declare_their_settings_once() -> None:
    """Each real adapter names its capability, key variable and options; no variable is shared
    by two options, and the registry reads every one of them."""
    from aytada.providers.registry import REAL_ADAPTERS, setting_names

    envs = [o.env for a in REAL_ADAPTERS for o in a.options.values()]
    assert len(envs) == len(set(envs))
    names = set(setting_names())
    for adapter in REAL_ADAPTERS:
        assert adapter.capability in CAPABILITIES
        assert adapter.service.key_env in names and adapter.service.base_url_env in names
        assert {o.env for o in adapter.options.values()} <= names


@pytest.mark.parametrize(
    ("key", "clip", "variable"),
    [
        ("FAL_KEY", "fal", "FAL_POLL_SECONDS"),
        ("OPENAI_API_KEY", "openai", "OPENAI_VIDEO_POLL_SECONDS"),
    ],
)
def test_a_clip_jobs_poll_interval_is_a_setting(key: str, clip: str, variable: str) -> None:
    def clips(**values: str):  # type: ignore[no-untyped-def]
        return build_providers(cfg({"clip": clip}, **{key: "k-SECRET-4444"}, **values)).clip

    assert clips().poll_interval == 5.0  # the declared default
    assert clips(**{variable: "0.25"}).poll_interval == 0.25
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ProviderError, match=f"^{variable} must be a number of seconds above 0"):
            clips(**{variable: bad})


def test_retired_video_adapter_is_never_the_default() -> None:
    from aytada.providers.openai_provider import OpenAIClips

    assert OpenAIClips.retired and not OpenAIClips.chosen_by_default
    assert describe(cfg(OPENAI_API_KEY=OPENAI_KEY))["clip"] == "offline"


def test_settings_reach_the_adapters(tmp_path: Path) -> None:
    """Keys and model names set like any setting (here: a dict of variables) end up in the
    built adapters; unset ones take the adapter's declared default."""
    from aytada.core.settings import load_settings
    from aytada.jobs.providers import provider_config

    settings = load_settings(
        {
            "AYTADA_DATA_DIR": str(tmp_path),
            "OPENAI_API_KEY": OPENAI_KEY,
            "OPENAI_TEXT_MODEL": "gpt-5-nano",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "ELEVENLABS_API_KEY": ELEVEN_KEY,
            "ELEVENLABS_VOICE_ID": "voice-abc",
            "PROVIDER_MUSIC": "offline",
        }
    )
    config = provider_config(settings)
    assert OPENAI_KEY not in repr(config) and ELEVEN_KEY not in repr(config)
    providers = build_providers(config)
    assert providers.text.model == "gpt-5-nano"
    assert providers.image.model == "gpt-image-1.5"  # the adapter's default
    assert providers.voice.voice_id == "voice-abc"
    assert providers.voice.model == "eleven_multilingual_v2"
    assert providers.music.name == "offline"
