"""Lines in other scripts: said in their own language, captioned in pieces a reader can take in,
without spaces Chinese and Japanese do not have (voice.spoken_language, aytada.captions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aytada.captions import caption_groups, join_words, split_words
from aytada.core.subtitles import cues_from_timeline
from aytada.providers import ffmpeg as ff
from aytada.providers.offline.piper_voice import PiperSpeech
from aytada.providers.offline.voice import EspeakVoice, spoken_language
from aytada.standards import spoken_words
from tests.conftest import require_espeak
from tests.providers.test_piper_voice import require_piper

JAPANESE = "肌が明るくなる美容液。毎朝30秒だけ、2週間で違いがわかります。"


@pytest.fixture(scope="module")
def piper() -> PiperSpeech:
    require_piper()
    return PiperSpeech()


def test_the_language_of_a_line_is_told_by_its_script() -> None:
    assert spoken_language(JAPANESE) == ("ja", "Japanese")
    assert spoken_language("让肌肤焕发光彩")[0] == "cmn"  # type: ignore[index]
    assert spoken_language("빛나는 피부")[0] == "ko"  # type: ignore[index]
    assert spoken_language("Привет")[0] == "ru"  # type: ignore[index]
    assert spoken_language("Still lose money? Crème brûlée, 20% off.") is None


@pytest.mark.slow
@pytest.mark.parametrize(("text", "name"), [(JAPANESE, "Japanese"), ("Привет, мир!", "Russian")])
def test_piper_hands_a_line_it_cannot_say_to_espeaks_voice_for_its_language(
    piper: PiperSpeech, tmp_path: Path, text: str, name: str
) -> None:
    require_espeak()
    said = piper.speak(text, tmp_path / "line.wav")
    assert piper.model == "espeak-ng"
    assert f"a line in {name}" in said.notice and "Piper voice speaks English only" in said.notice
    assert ff.probe(said.path)["duration"] > 0.8 and ff.mean_volume_db(said.path) > -40
    english = piper.speak("Still lose money to spoiled stock?", tmp_path / "en.wav")
    assert piper.model.startswith("piper/") and english.notice == ""


@pytest.mark.slow
def test_an_english_espeak_voice_says_a_russian_line_in_russian_keeping_its_variant(
    tmp_path: Path,
) -> None:
    require_espeak()
    voice = EspeakVoice()
    said = voice.speak("Привет, мир!", tmp_path / "ru.wav", voice="en-us+f3")
    assert said.notice == "a line in Russian: said by espeak-ng's Russian voice"
    # spelled out letter by letter by the English voice it would take far longer
    spelled = voice.speak("Privet, mir!", tmp_path / "en.wav", voice="en-us+f3")
    assert ff.probe(said.path)["duration"] < 3 * ff.probe(spelled.path)["duration"]


def test_japanese_is_captioned_in_short_pieces_with_no_spaces_added() -> None:
    words = split_words(JAPANESE)
    assert "".join(words) == JAPANESE.replace(" ", "")
    assert all(len(w) <= 6 for w in words)
    assert any(w.endswith("。") for w in words)  # a stop ends a piece
    assert join_words(words) == JAPANESE
    timeline = [{"start": 0.0, "end": 8.0, "text": JAPANESE}]
    groups = caption_groups(timeline)
    assert len(groups) >= 2 and "".join(g.text for g in groups) == JAPANESE
    assert all(" " not in g.text for g in groups)
    cues = cues_from_timeline(timeline)  # the .srt/.vtt say the same, without spaces
    assert [c.text.replace("\n", "") for c in cues] == [g.text for g in groups]
    assert join_words(["Claim", "20%", "off"]) == "Claim 20% off"
    assert join_words(["今すぐ", "🚀"]) == "今すぐ 🚀"  # spaces written around it stay


def test_chinese_and_japanese_take_a_spoken_word_per_two_characters() -> None:
    assert spoken_words("美容液") == 2
    assert spoken_words(JAPANESE) >= 14
    assert spoken_words("Claim 20% off at lumi.shop/glow.") == 10  # unchanged
