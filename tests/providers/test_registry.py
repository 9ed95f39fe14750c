"""The registry: real when its key is set, offline otherwise, explicit overrides, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aytada.providers.base import (
    ClipProvider,
    ImageProvider,
    MusicProvider,
    ProviderError,
    Stitcher,
    TextProvider,
    VoiceProvider,
)
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

OFFLINE = {
    "text": "offline",
    "image": "offline",
    "clip": "offline",
    "voice": "offline",
    "music": "offline",
    "stitch": "local",
}


def test_no_keys_means_all_offline() -> None:
    assert describe(ProviderConfig()) == OFFLINE
    assert tuple(describe(ProviderConfig())) == CAPABILITIES


def test_openai_key_picks_openai_for_text_and_image_clips_only_by_override() -> None:
    assert describe(ProviderConfig(openai_api_key=OPENAI_KEY)) == {
        **OFFLINE,
        "text": "openai",
        "image": "openai",
    }
    config = ProviderConfig(openai_api_key=OPENAI_KEY, overrides={"clip": "openai"})
    assert describe(config)["clip"] == "openai"


def test_elevenlabs_key_picks_elevenlabs_for_voice_and_music() -> None:
    assert describe(ProviderConfig(elevenlabs_api_key=ELEVEN_KEY)) == {
        **OFFLINE,
        "voice": "elevenlabs",
        "music": "elevenlabs",
    }


def test_whitespace_key_counts_as_unset() -> None:
    assert describe(ProviderConfig(openai_api_key="  ")) == OFFLINE


def test_shotstack_only_by_override() -> None:
    assert describe(ProviderConfig(shotstack_api_key=SHOT_KEY))["stitch"] == "local"
    config = ProviderConfig(shotstack_api_key=SHOT_KEY, overrides={"stitch": "shotstack"})
    assert describe(config)["stitch"] == "shotstack"


def test_override_to_offline_beats_a_key() -> None:
    config = ProviderConfig(
        openai_api_key=OPENAI_KEY, overrides={"clip": "offline", "Image": " LOCAL "}
    )
    chosen = describe(config)
    assert chosen["text"] == "openai"
    assert chosen["clip"] == "offline" and chosen["image"] == "offline"
    assert describe(ProviderConfig(overrides={"stitch": "offline"}))["stitch"] == "local"


def test_override_to_real_without_key_is_a_clear_error() -> None:
    config = ProviderConfig(elevenlabs_api_key=ELEVEN_KEY, overrides={"text": "openai"})
    with pytest.raises(ProviderError) as info:
        describe(config)
    message = str(info.value)
    assert "text" in message and "OpenAI" in message and "OPENAI_API_KEY" in message
    assert ELEVEN_KEY not in message
    with pytest.raises(ProviderError, match="SHOTSTACK_API_KEY"):
        build_providers(ProviderConfig(overrides={"stitch": "shotstack"}))


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
    config = ProviderConfig(
        openai_api_key=OPENAI_KEY, elevenlabs_api_key=ELEVEN_KEY, overrides=overrides
    )
    with pytest.raises(ProviderError, match=fragment):
        build_providers(config)


def test_build_all_real_without_network() -> None:
    config = ProviderConfig(
        openai_api_key=OPENAI_KEY,
        openai_base_url="http://127.0.0.1:9/v1",
        elevenlabs_api_key=ELEVEN_KEY,
        elevenlabs_base_url="http://127.0.0.1:9",
        shotstack_api_key=SHOT_KEY,
        shotstack_base_url="http://127.0.0.1:9",
        text_model="gpt-5-nano",
        image_model="gpt-image-2",
        video_model="sora-2-pro",
        tts_model="eleven_flash_v2_5",
        voice_id="voice123",
        overrides={"stitch": "shotstack", "clip": "openai"},
    )
    providers = build_providers(config)
    assert isinstance(providers, Providers)
    assert isinstance(providers.text, TextProvider)
    assert isinstance(providers.image, ImageProvider)
    assert isinstance(providers.clip, ClipProvider)
    assert isinstance(providers.voice, VoiceProvider)
    assert isinstance(providers.music, MusicProvider)
    assert isinstance(providers.stitch, Stitcher)
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
    providers = build_providers(ProviderConfig())
    assert isinstance(providers.text, TextProvider)
    assert isinstance(providers.image, ImageProvider)
    assert isinstance(providers.clip, ClipProvider)
    assert isinstance(providers.voice, VoiceProvider)
    assert isinstance(providers.music, MusicProvider)
    assert isinstance(providers.stitch, Stitcher)
    assert type(providers.text).__name__ == "OfflineWriter"
    assert type(providers.stitch).__name__ == "LocalStitcher"
    names = {cap: getattr(providers, cap).name for cap in CAPABILITIES}
    assert names == describe(ProviderConfig())  # what the UI shows is what gets recorded


def test_build_mixed() -> None:
    pytest.importorskip("aytada.providers.offline")
    providers = build_providers(ProviderConfig(openai_api_key=OPENAI_KEY))
    assert providers.text.name == "openai" and providers.clip.name == "offline"
    assert type(providers.voice).__name__ == "EspeakVoice"
    assert type(providers.music).__name__ == "SynthMusic"


def test_providers_package_imports_stay_light() -> None:
    """No SDK at import time, and nothing from the rest of the application."""
    code = (
        "import sys\n"
        "import aytada.providers.registry, aytada.providers.openai_provider\n"
        "import aytada.providers.elevenlabs_provider, aytada.providers.shotstack\n"
        "from aytada.providers.registry import ProviderConfig, describe\n"
        "describe(ProviderConfig(openai_api_key='x', elevenlabs_api_key='y'))\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('openai', 'elevenlabs')\n"
        "       or m.startswith(('aytada.core', 'aytada.jobs', 'aytada.ui', 'aytada.cli'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
