"""Voice listing and speaking speed: offline espeak-ng voices, and ElevenLabs against a local
stub of its API (``GET /v2/voices``, ``POST /v1/text-to-speech``), music level in the mix."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aytada.providers import ffmpeg as ff
from aytada.providers.base import AuthError, ProviderError, VoiceInfo, VoiceProvider
from aytada.providers.elevenlabs_provider import ElevenLabsVoice
from aytada.providers.offline.voice import EspeakVoice, espeak_voice, offline_voices
from tests.conftest import require_espeak
from tests.providers.stub_server import (
    Recorded,
    Reply,
    StubServer,
    no_sleep,
)

KEY = "el-test-SECRET-0123456789abcdef"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(4000)


@pytest.fixture
def espeak() -> None:
    require_espeak()


# --------------------------------------------------------------------------- offline


def test_offline_voices_are_the_installed_ones_and_each_speaks_differently(
    espeak, tmp_path: Path
) -> None:
    listed = offline_voices()
    provider = EspeakVoice()
    assert isinstance(provider, VoiceProvider)
    assert provider.voices() == listed
    ids = [v.id for v in listed]
    assert {"en-us", "en-gb", "en-us+f3"} <= set(ids)
    assert all(v.name for v in listed)
    sizes = {}
    for voice_id in ids:
        assert espeak_voice(voice_id) == voice_id  # espeak-ng is asked for this very voice
        out = provider.speak("Grip that holds on any trail.", tmp_path / f"{voice_id}.wav",
                             voice=voice_id)  # fmt: skip
        assert ff.mean_volume_db(out.path) > -40
        sizes[voice_id] = out.path.read_bytes()
    assert len(set(sizes.values())) == len(ids)  # every listed voice sounds different


def test_offline_speed_changes_how_long_a_line_takes(espeak, tmp_path: Path) -> None:
    provider = EspeakVoice()
    text = "Light trail running shoes with a grippy sole, for every muddy morning."
    slow = provider.speak(text, tmp_path / "slow.wav", speed=0.8).path
    normal = provider.speak(text, tmp_path / "normal.wav").path
    fast = provider.speak(text, tmp_path / "fast.wav", speed=1.2).path
    d = {k: ff.probe(p)["duration"] for k, p in (("slow", slow), ("n", normal), ("fast", fast))}
    assert d["slow"] > d["n"] * 1.12 > d["fast"] * 1.12
    assert d["slow"] / d["fast"] == pytest.approx(1.5, rel=0.15)  # 0.8× vs 1.2×


def test_only_voices_the_installed_espeak_ng_has_are_offered(monkeypatch) -> None:
    from aytada.providers.offline import voice as voice_module

    monkeypatch.setattr(voice_module, "_installed",
                        lambda: (frozenset({"en-us", "en-gb"}), frozenset({"f3"})))  # fmt: skip
    assert [v.id for v in offline_voices()] == ["en-us", "en-us+f3", "en-gb"]
    monkeypatch.setattr(voice_module, "_installed", lambda: (frozenset(), frozenset()))
    assert offline_voices() == []  # no espeak-ng: nothing to pick (the Studio says why)


def test_offline_speed_out_of_range_is_refused(tmp_path: Path) -> None:
    for speed in (0.1, 3.0):
        with pytest.raises(ProviderError, match="speaking speed"):
            EspeakVoice().speak("Hi", tmp_path / "x.wav", speed=speed)
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- ElevenLabs


def _voice_json(voice_id: str, name: str, **labels: str) -> dict:
    return {"voice_id": voice_id, "name": name, "category": "premade", "labels": labels,
            "preview_url": f"https://example.invalid/{voice_id}.mp3"}  # fmt: skip


def _voices_api(stub: StubServer) -> None:
    """Two pages of voices, served only to the right key, as ``GET /v2/voices`` does."""

    def answer(request: Recorded) -> Reply:
        if request.headers.get("xi-api-key") != KEY:
            return Reply(401, {"detail": {"status": "invalid_api_key", "message": "bad key"}})
        if request.query.get("next_page_token") == ["page2"]:
            return Reply(200, {"voices": [_voice_json("Zx9Kq", "Ünïcode Voice")],
                               "has_more": False, "total_count": 3})  # fmt: skip
        return Reply(
            200,
            {
                "voices": [
                    _voice_json("21m00Tcm4TlvDq8ikWAM", "Rachel", gender="female",
                                accent="american", age="young", use_case="narration"),
                    _voice_json("AZnzlk1XvdvUeBnXmlld", "Domi", gender="female"),
                ],
                "has_more": True,
                "next_page_token": "page2",
                "total_count": 3,
            },
        )  # fmt: skip

    stub.add("GET", "/v2/voices", answer)


def test_elevenlabs_voices_are_listed_from_the_api(stub: StubServer) -> None:
    _voices_api(stub)
    provider = ElevenLabsVoice(KEY, base_url=stub.url, sleep=no_sleep)
    assert isinstance(provider, VoiceProvider)
    voices = provider.voices()
    assert voices == [
        VoiceInfo("21m00Tcm4TlvDq8ikWAM", "Rachel", "female, american, young, narration"),
        VoiceInfo("AZnzlk1XvdvUeBnXmlld", "Domi", "female"),
        VoiceInfo("Zx9Kq", "Ünïcode Voice", ""),
    ]
    first, second = stub.calls("GET", "/v2/voices")
    assert first.headers["xi-api-key"] == KEY
    assert first.query["page_size"] == ["100"] and "next_page_token" not in first.query
    assert second.query["next_page_token"] == ["page2"]


def test_elevenlabs_voice_list_errors_are_readable_and_not_retried(stub: StubServer) -> None:
    _voices_api(stub)
    with pytest.raises(AuthError) as info:
        ElevenLabsVoice("el-wrong-key", base_url=stub.url, sleep=no_sleep).voices()
    assert str(info.value) == "API key rejected by ElevenLabs"
    assert len(stub.calls()) == 1


def test_elevenlabs_voice_list_fails_fast_when_the_api_hangs(stub: StubServer) -> None:
    def hang(request: Recorded) -> Reply:
        time.sleep(3)
        return Reply(200, {"voices": [], "has_more": False})

    stub.add("GET", "/v2/voices", hang)
    began = time.monotonic()
    with pytest.raises(ProviderError, match="ElevenLabs did not answer within 1 s"):
        ElevenLabsVoice(KEY, base_url=stub.url, sleep=no_sleep).voices(timeout=1)
    assert time.monotonic() - began < 2.9  # gave up before the stub answered
    assert len(stub.calls()) == 1


def test_elevenlabs_speed_goes_to_the_api_as_voice_settings(stub: StubServer,
                                                             tmp_path: Path) -> None:  # fmt: skip
    path = "/v1/text-to-speech/Zx9Kq"
    stub.add("POST", path, Reply(200, MP3, content_type="audio/mpeg"))
    provider = ElevenLabsVoice(KEY, base_url=stub.url, sleep=no_sleep)
    provider.speak("Hello", tmp_path / "a.mp3", voice="Zx9Kq", speed=1.15)
    provider.speak("Hello", tmp_path / "b.mp3", voice="Zx9Kq")
    fast, normal = stub.calls("POST", path)
    assert fast.json["voice_settings"] == {"speed": 1.15}
    assert "voice_settings" not in normal.json  # the voice's own settings stay untouched
    with pytest.raises(ProviderError, match=r"0\.7-1\.2× speed"):
        provider.speak("Hello", tmp_path / "c.mp3", speed=1.5)
    assert len(stub.calls()) == 2  # a bad speed never reaches the API


# --------------------------------------------------------------------------- music level


def _level_between_lines(mixed: Path, tmp: Path) -> float:
    """Mean volume (dB) of the part of the mix where nobody speaks (2.5–3.5 s)."""
    part = tmp / f"gap-{mixed.stem}.wav"
    ff.run_ffmpeg(["-ss", "2.5", "-t", "1.0", "-i", str(mixed), *ff.WAV_ARGS, str(part)],
                  what="cutting")  # fmt: skip
    return ff.mean_volume_db(part)


def test_music_level_sets_the_bed_under_the_voice(tmp_path: Path) -> None:
    # a 1.5 s "voice" tone, then silence; music under it for 4 s
    voice = tmp_path / "voice.wav"
    ff.run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=1.5", "-af",
                   "apad=whole_dur=4", *ff.WAV_ARGS, str(voice)], what="voice")  # fmt: skip
    music = tmp_path / "music.wav"
    ff.run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=660:duration=4", *ff.WAV_ARGS,
                   str(music)], what="music")  # fmt: skip
    default = ff.mix_voice_and_music(voice, music, 4.0, tmp_path / "m5.wav")
    quiet = ff.mix_voice_and_music(voice, music, 4.0, tmp_path / "m15.wav", music_under_db=15)
    loud = ff.mix_voice_and_music(voice, music, 4.0, tmp_path / "m3.wav", music_under_db=3)
    levels = {k: _level_between_lines(p, tmp_path)
              for k, p in (("5", default), ("15", quiet), ("3", loud))}  # fmt: skip
    assert levels["5"] - levels["15"] == pytest.approx(10, abs=1.0)
    assert levels["3"] - levels["5"] == pytest.approx(2, abs=1.0)
    with pytest.raises(ProviderError, match="3-20 dB under the voice"):
        ff.mix_voice_and_music(voice, music, 4.0, tmp_path / "bad.wav", music_under_db=40)
