"""ElevenLabs adapters against a local stub server (no internet; the SDK's own retries are off)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aytada.providers.base import (
    AudioResult,
    AuthError,
    MusicProvider,
    ProviderError,
    VoiceProvider,
)
from aytada.providers.elevenlabs_provider import ElevenLabsMusic, ElevenLabsVoice, looks_like_audio
from aytada.providers.ffmpeg import probe
from tests.providers.stub_server import (
    Reply,
    SleepRecorder,
    StubServer,
    no_sleep,
    speech_mp3,
)

KEY = "el-test-SECRET-fedcba9876543210"
VOICE = "21m00Tcm4TlvDq8ikWAM"
TTS_PATH = f"/v1/text-to-speech/{VOICE}"
MP3 = speech_mp3(1.2)  # a real MP3, as the API streams it

INVALID_KEY = Reply(
    401, {"detail": {"status": "invalid_api_key", "message": f"Invalid API key: {KEY}"}}
)
RATE_LIMITED = Reply(
    429,
    {"detail": {"status": "too_many_concurrent_requests", "message": "Too many requests"}},
    headers={"Retry-After": "1"},
)


def voice(stub: StubServer, **kwargs) -> ElevenLabsVoice:
    return ElevenLabsVoice(KEY, base_url=stub.url, sleep=kwargs.pop("sleep", no_sleep), **kwargs)


def test_speak_request_and_file(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", TTS_PATH, Reply(200, MP3, content_type="audio/mpeg"))
    provider = voice(stub)
    assert isinstance(provider, VoiceProvider)
    assert (provider.name, provider.model) == ("elevenlabs", "eleven_multilingual_v2")

    result = provider.speak("Tired of looking tired?", tmp_path / "vo" / "voice.mp3")

    assert result == AudioResult(path=tmp_path / "vo" / "voice.mp3")
    assert result.path.read_bytes() == MP3
    assert abs(probe(result.path)["duration"] - 1.2) < 0.1  # ffmpeg reads what was streamed
    assert not list((tmp_path / "vo").glob(".*part"))
    (call,) = stub.calls("POST", TTS_PATH)
    assert call.headers["xi-api-key"] == KEY
    assert call.query["output_format"] == ["mp3_44100_128"]
    assert call.json["text"] == "Tired of looking tired?"
    assert call.json["model_id"] == "eleven_multilingual_v2"


def test_speak_uses_the_given_voice(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/text-to-speech/otherVoice42", Reply(200, MP3, content_type="audio/mpeg"))
    voice(stub, model_id="eleven_flash_v2_5").speak("Hi", tmp_path / "v.mp3", voice="otherVoice42")
    (call,) = stub.calls()
    assert call.path == "/v1/text-to-speech/otherVoice42"
    assert call.json["model_id"] == "eleven_flash_v2_5"


def test_speak_sends_the_neighbouring_lines(stub: StubServer, tmp_path: Path) -> None:
    """The lines before and after go along, so the prosody flows across the joins; at either
    end of the voiceover the missing neighbour is left out, not sent empty."""
    stub.add("POST", TTS_PATH, Reply(200, MP3, content_type="audio/mpeg"))
    provider = voice(stub)
    assert provider.takes_neighbours
    provider.speak("Grip that holds.", tmp_path / "2.mp3", previous_text="Slipping again?",
                   next_text="Order yours today.")  # fmt: skip
    provider.speak("Slipping again?", tmp_path / "1.mp3", next_text="Grip that holds.")
    provider.speak("Order yours today.", tmp_path / "3.mp3", previous_text=" Grip that holds. ")
    middle, first, last = (c.json for c in stub.calls("POST", TTS_PATH))
    assert (middle["previous_text"], middle["next_text"]) == ("Slipping again?",
                                                              "Order yours today.")  # fmt: skip
    assert "previous_text" not in first and first["next_text"] == "Grip that holds."
    assert last["previous_text"] == "Grip that holds." and "next_text" not in last


def test_rate_limit_then_success_is_retried_by_us(stub: StubServer, tmp_path: Path) -> None:
    sleeps = SleepRecorder()
    stub.add("POST", TTS_PATH, RATE_LIMITED, Reply(200, MP3, content_type="audio/mpeg"))
    voice(stub, sleep=sleeps).speak("Hello", tmp_path / "v.mp3")
    assert len(stub.calls("POST", TTS_PATH)) == 2  # the SDK did not retry by itself
    assert len(sleeps.delays) == 1 and 1.0 <= sleeps.delays[0] <= 8.0  # Retry-After honoured
    assert (tmp_path / "v.mp3").read_bytes() == MP3


def test_server_errors_every_time(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", TTS_PATH, Reply(503, {"detail": "Service Unavailable"}))
    with pytest.raises(ProviderError) as info:
        voice(stub).speak("Hello", tmp_path / "v.mp3")
    assert str(info.value).startswith("ElevenLabs is unavailable after 3 attempts:")
    assert "503" in str(info.value)
    assert len(stub.calls()) == 3
    assert not (tmp_path / "v.mp3").exists()


def test_unauthorized_is_not_retried_and_hides_the_key(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", TTS_PATH, INVALID_KEY)
    with pytest.raises(AuthError) as info:
        voice(stub).speak("Hello", tmp_path / "v.mp3")
    assert str(info.value) == "API key rejected by ElevenLabs"
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert info.value.__suppress_context__
    assert len(stub.calls()) == 1


def test_quota_exceeded_is_not_an_auth_error(stub: StubServer, tmp_path: Path) -> None:
    stub.add(
        "POST",
        TTS_PATH,
        Reply(401, {"detail": {"status": "quota_exceeded", "message": "You have 3 credits left"}}),
    )
    with pytest.raises(ProviderError) as info:
        voice(stub).speak("Hello", tmp_path / "v.mp3")
    assert not isinstance(info.value, AuthError)
    assert str(info.value) == "ElevenLabs quota exceeded: You have 3 credits left"
    assert len(stub.calls()) == 1


def test_validation_error_is_not_retried(stub: StubServer, tmp_path: Path) -> None:
    stub.add(
        "POST",
        TTS_PATH,
        Reply(422, {"detail": [{"loc": ["body", "model_id"], "msg": "unknown model"}]}),
    )
    with pytest.raises(ProviderError, match=r"rejected the request \(422\): model_id: unknown"):
        voice(stub).speak("Hello", tmp_path / "v.mp3")
    assert len(stub.calls()) == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, "<html><body>Cloudflare says hello</body></html>", content_type="text/html"),
        Reply(200, b"", content_type="audio/mpeg"),
    ],
)
def test_garbage_audio_is_a_readable_error(stub: StubServer, tmp_path: Path, reply: Reply) -> None:
    stub.add("POST", TTS_PATH, reply)
    with pytest.raises(ProviderError) as info:
        voice(stub).speak("Hello", tmp_path / "v.mp3")
    assert str(info.value).startswith("ElevenLabs returned a malformed response:")
    assert KEY not in str(info.value)
    assert not (tmp_path / "v.mp3").exists()
    assert len(stub.calls()) == 1


def test_empty_text_is_refused_without_a_request(stub: StubServer, tmp_path: Path) -> None:
    with pytest.raises(ProviderError):
        voice(stub).speak("   ", tmp_path / "v.mp3")
    assert stub.calls() == []


def test_music_request_and_clamp(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/music", Reply(200, MP3, content_type="audio/mpeg"))
    provider = ElevenLabsMusic(KEY, base_url=stub.url, sleep=no_sleep)
    assert isinstance(provider, MusicProvider)
    assert provider.name == "elevenlabs"

    short = provider.compose("upbeat ukulele jingle", 1.5, tmp_path / "m1.mp3")
    normal = provider.compose("upbeat ukulele jingle", 30, tmp_path / "m2.mp3")

    assert "3 s" in short.notice and normal.notice == ""
    assert normal.path.read_bytes() == MP3
    first, second = stub.calls("POST", "/v1/music")
    assert first.headers["xi-api-key"] == KEY
    assert first.json["prompt"].startswith("upbeat ukulele jingle\n")
    assert "Instrumental only" in first.json["prompt"]
    assert first.json["music_length_ms"] == 3000
    assert second.json["music_length_ms"] == 30000
    assert first.json["force_instrumental"] is True  # no lyrics: instrumental
    assert first.query["output_format"] == ["mp3_44100_128"]


LYRICS = "Glow up, glow on\nLumen in the morning sun"


def test_lyrics_are_sung_unless_instrumental_is_asked(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/music", Reply(200, MP3, content_type="audio/mpeg"))
    provider = ElevenLabsMusic(KEY, base_url=stub.url, sleep=no_sleep)
    provider.compose(
        "bright pop jingle",
        15,
        tmp_path / "sung.mp3",
        lyrics=LYRICS,
        instrumental=False,
        mood="playful",
    )
    provider.compose("bright pop jingle", 15, tmp_path / "bed.mp3", lyrics=LYRICS)
    sung, bed = stub.calls("POST", "/v1/music")
    assert sung.json["force_instrumental"] is False
    assert "Glow up, glow on\nLumen in the morning sun" in sung.json["prompt"]
    assert "sings these lyrics" in sung.json["prompt"] and "playful" in sung.json["prompt"]
    assert bed.json["force_instrumental"] is True  # the default: instrumental when asked
    assert "Glow up" not in bed.json["prompt"] and "no vocals" in bed.json["prompt"]


def test_music_rate_limit_then_success(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/music", RATE_LIMITED, Reply(200, MP3, content_type="audio/mpeg"))
    ElevenLabsMusic(KEY, base_url=stub.url, sleep=no_sleep).compose("x", 10, tmp_path / "m.mp3")
    assert len(stub.calls()) == 2


def test_music_unauthorized(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/music", INVALID_KEY)
    provider = ElevenLabsMusic(KEY, base_url=stub.url, sleep=no_sleep)
    with pytest.raises(AuthError, match="^API key rejected by ElevenLabs$"):
        provider.compose("x", 10, tmp_path / "m.mp3")
    assert len(stub.calls()) == 1


def test_connection_refused_is_transient(stub: StubServer, tmp_path: Path) -> None:
    url = stub.url
    stub.stop()
    provider = ElevenLabsVoice(KEY, base_url=url, sleep=no_sleep, timeout=2)
    with pytest.raises(
        ProviderError, match="ElevenLabs is unavailable after 3 attempts: connection failed"
    ):
        provider.speak("Hello", tmp_path / "v.mp3")


def test_looks_like_audio() -> None:
    assert looks_like_audio(b"ID3\x04")
    assert looks_like_audio(b"\xff\xfb\x90\x64")
    assert looks_like_audio(b"RIFF")
    assert not looks_like_audio(b"<htm")
    assert not looks_like_audio(b'{"de')


def test_no_key_and_repr() -> None:
    with pytest.raises(AuthError):
        ElevenLabsVoice("")
    assert KEY not in repr(ElevenLabsVoice(KEY, base_url="http://127.0.0.1:9"))
