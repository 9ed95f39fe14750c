"""The offline jingle (melody, mood, bed) and EBU R128 loudness, against the real ffmpeg."""

from __future__ import annotations

import math
import subprocess
import wave
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from aytada.providers import ffmpeg as ff
from aytada.providers.base import ProviderError
from aytada.providers.offline import melody
from aytada.providers.offline.music import SynthMusic

JINGLE = "A catchy warm, confident brand jingle for GlowCo. Lyrics: Glow every day, the GlowCo way."
BED = "Upbeat, warm background music for an ad about HydraGlow serum"
BRANDS = ("GlowCo", "TaskPilot", "Brewhaus", "Northwind Bikes", "Lumen Labs", "Pawsome")


# --------------------------------------------------------------------------------------------
# helpers: reading audio and estimating pitch in pure Python


def _read_wav(path: Path) -> tuple[list[float], int]:
    with wave.open(str(path)) as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        rate, frames = handle.getframerate(), handle.readframes(handle.getnframes())
    ints = memoryview(frames).cast("h")
    return [v / 32768 for v in ints], rate


def _pitch_hz(samples: list[float], rate: int, lo: float = 150.0, hi: float = 2000.0) -> float:
    """Fundamental frequency of a short window (YIN: cumulative-mean-normalised difference)."""
    size = len(samples) // 2
    max_lag = min(size, int(rate / lo))
    diffs = [0.0]
    for lag in range(1, max_lag + 1):
        diffs.append(sum((samples[i] - samples[i + lag]) ** 2 for i in range(size)))
    running, best = 0.0, None
    normalised = [1.0]
    for lag in range(1, max_lag + 1):
        running += diffs[lag]
        normalised.append(diffs[lag] * lag / running if running else 1.0)
    for lag in range(max(2, int(rate / hi)), max_lag):
        if normalised[lag] < 0.2 and normalised[lag] <= normalised[lag + 1]:
            best = lag
            break
    if best is None:
        best = min(range(max(2, int(rate / hi)), max_lag), key=normalised.__getitem__)
    a, b, c = normalised[best - 1], normalised[best], normalised[best + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) else 0.0  # parabolic refinement
    return rate / (best + shift)


def _pitch_class(hz: float) -> int:
    return round(69 + 12 * math.log2(hz / 440.0)) % 12


def _rms(samples: list[float]) -> float:
    return math.sqrt(sum(v * v for v in samples) / max(1, len(samples)))


# --------------------------------------------------------------------------------------------
# the composition


def test_jingle_has_a_motif_over_chords_bass_and_beat() -> None:
    music = SynthMusic().plan(JINGLE, 15)
    assert not music.bed
    assert 4 <= len(music.motif) <= 8
    parts = Counter(note.part for note in music.notes)
    for part in ("lead", "chords", "bass", "kick", "snare", "hat"):
        assert parts[part] > 0, part
    assert len(music.pitch_classes("lead")) >= 5
    assert len(set(music.progression)) >= 3  # a progression, not one chord
    # the tune ends on the tonic, held to the end
    last = max(music.part("lead"), key=lambda note: note.start)
    assert last.midi % 12 == music.tonic % 12
    assert last.start + last.length == pytest.approx(15, abs=0.01)
    # the motif comes back: its opening intervals recur at least twice more
    lead = sorted(music.part("lead"), key=lambda note: note.start)
    shape = [b.midi - a.midi for a, b in zip(lead, lead[1 : len(music.motif)], strict=False)]
    openings = sum(
        [b.midi - a.midi for a, b in zip(lead[i:], lead[i + 1 : i + len(music.motif)],
                                         strict=False)] == shape
        for i in range(1, len(lead) - len(shape))
    )  # fmt: skip
    assert openings >= 2


def test_same_prompt_same_music_other_brand_other_motif() -> None:
    motifs = {SynthMusic().plan(f"A catchy brand jingle for {b}", 15).motif for b in BRANDS}
    assert len(motifs) == len(BRANDS)
    again = SynthMusic().plan(JINGLE, 15)
    assert again == SynthMusic().plan(JINGLE, 15)
    assert again.notes != SynthMusic().plan(JINGLE.replace("GlowCo", "Brewhaus"), 15).notes


@pytest.mark.parametrize(
    "mood, style",
    [
        ("warm, confident", "friendly"),
        ("Calm and soothing", "calm"),
        ("energetic!", "energetic"),
        ("Premium, elegant and refined", "luxury"),
        ("bold & edgy", "bold"),
        ("trustworthy, professional", "serious"),
        ("playful, fun", "playful"),
        ("", "friendly"),
        ("purple", "friendly"),
    ],
)
def test_mood_words_pick_the_style(mood: str, style: str) -> None:
    assert melody.style_for(mood).name == style


def test_mood_changes_tempo_key_and_instruments() -> None:
    plans = {mood: SynthMusic().plan(JINGLE, 30, mood=mood)
             for mood in ("calm", "luxury", "trustworthy", "energetic")}  # fmt: skip
    bpm = [plans[mood].bpm for mood in ("calm", "luxury", "trustworthy", "energetic")]
    assert bpm == sorted(bpm) and bpm[-1] - bpm[0] > 35
    assert plans["luxury"].minor and not plans["energetic"].minor
    assert plans["calm"].style.lead != plans["energetic"].style.lead
    # the beat really follows the tempo: kicks of the energetic plan are closer together
    gaps = {mood: min(b.start - a.start for a, b in zip(p.part("kick"), p.part("kick")[1:],
                                                          strict=False))
            for mood, p in plans.items()}  # fmt: skip
    assert gaps["energetic"] < gaps["calm"] / 1.5
    # without a mood, the prompt's words set it
    assert SynthMusic().plan("A calm, soothing jingle", 15).style.name == "calm"


def test_bed_keeps_the_tune_far_under_a_voice() -> None:
    bed = SynthMusic().plan(BED, 20)
    jingle = SynthMusic().plan(BED, 20, lyrics="Glow every day")  # lyrics: always a jingle
    assert bed.bed and not jingle.bed
    assert bed.motif == jingle.motif
    bed_mix, bed_lead = melody.render(bed), melody.render(bed, parts=["lead"])
    jingle_mix, jingle_lead = melody.render(jingle), melody.render(jingle, parts=["lead"])
    bed_share = _rms(bed_lead) / _rms(bed_mix)
    jingle_share = _rms(jingle_lead) / _rms(jingle_mix)
    assert 20 * math.log10(jingle_share / bed_share) > 6  # the lead at least 6 dB further back


def test_lead_pitches_are_heard_in_the_audio(tmp_path: Path) -> None:
    """Pitch of every lead note, estimated from a rendered solo-lead stem, matches the plan."""
    music = SynthMusic().plan(JINGLE, 15)
    stem = melody.write_wav(melody.render(music, parts=["lead"]), tmp_path / "lead.wav")
    samples, rate = _read_wav(stem)
    heard, agree = set(), 0
    lead = music.part("lead")
    for note in lead:
        middle = round((note.start + min(note.length, 0.3) / 2) * rate)
        window = samples[middle - 384 : middle + 384]
        pitch_class = _pitch_class(_pitch_hz(window, rate))
        heard.add(pitch_class)
        agree += pitch_class == note.midi % 12
    assert agree >= 0.9 * len(lead)
    assert len(heard) >= 5


# --------------------------------------------------------------------------------------------
# rendered files


@pytest.mark.slow
@pytest.mark.parametrize("seconds", [4.5, 12.3, 30])
def test_compose_length_and_loudness(tmp_path: Path, seconds: float) -> None:
    out = SynthMusic().compose(JINGLE, seconds, tmp_path / "j.wav").path
    with wave.open(str(out)) as handle:
        assert handle.getframerate() == ff.AUDIO_RATE
        assert handle.getnchannels() == ff.AUDIO_CHANNELS
        assert abs(handle.getnframes() / ff.AUDIO_RATE - seconds) <= 0.1
    stats = ff.loudness_stats(out)
    assert abs(stats["integrated"] - ff.TARGET_LUFS) <= 1.5
    assert stats["true_peak"] <= ff.TARGET_TRUE_PEAK


@pytest.mark.slow
def test_bed_is_normalised_too_and_same_prompt_same_file(tmp_path: Path) -> None:
    first = SynthMusic().compose(BED, 10, tmp_path / "a.wav", mood="calm").path
    second = SynthMusic().compose(BED, 10, tmp_path / "b.wav", mood="calm").path
    assert first.read_bytes() == second.read_bytes()
    assert abs(ff.measure_loudness(first) - ff.TARGET_LUFS) <= 1.5


def test_compose_rejects_a_non_positive_length(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="positive"):
        SynthMusic().compose(JINGLE, 0, tmp_path / "j.wav")


# --------------------------------------------------------------------------------------------
# loudness helpers and the final mix


def _lavfi(out: Path, source: str, seconds: float) -> Path:
    cmd = [ff.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
           "-i", source, "-t", str(seconds), str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.mark.slow
def test_loudnorm_reaches_the_target_and_leaves_silence_alone(tmp_path: Path) -> None:
    quiet = _lavfi(tmp_path / "q.wav", "sine=frequency=330:sample_rate=48000,volume=0.02", 6)
    spiky = _lavfi(tmp_path / "s.wav", "sine=frequency=330:sample_rate=48000,volume=0.05,"
                   "apulsator=hz=0.7", 6)  # fmt: skip
    assert ff.measure_loudness(quiet) < -30
    for source in (quiet, spiky):
        out = ff.loudnorm(source, tmp_path / f"n-{source.name}")
        stats = ff.loudness_stats(out)
        assert abs(stats["integrated"] - ff.TARGET_LUFS) <= 1.0
        assert stats["true_peak"] <= ff.TARGET_TRUE_PEAK
    hush = _lavfi(tmp_path / "z.wav", "anullsrc=r=48000:cl=mono", 3)
    out = ff.loudnorm(hush, tmp_path / "nz.wav")
    assert ff.measure_loudness(out) <= -70 and ff.mean_volume_db(out) < -80
    with pytest.raises(ProviderError, match="not found"):
        ff.loudnorm(tmp_path / "missing.wav", tmp_path / "x.wav")


@pytest.mark.slow
@pytest.mark.parametrize("with_voice", [True, False])
def test_final_video_audio_is_normalised(tmp_path: Path, with_voice: bool) -> None:
    still = tmp_path / "still.png"
    Image.linear_gradient("L").resize((320, 568)).convert("RGB").save(still)
    segments = [
        ff.render_segment_from_still(still, tmp_path / f"seg{i}.mp4", seconds=3.0, width=320,
                                     height=568, seed=i)
        for i in range(2)
    ]  # fmt: skip
    voice = (
        _lavfi(tmp_path / "v.wav", "sine=frequency=220:sample_rate=48000,volume=0.05,"
               "apulsator=hz=1.5", 6)
        if with_voice else None
    )  # fmt: skip
    music = SynthMusic().compose(BED, 6, tmp_path / "m.wav").path
    out = ff.stitch_local(segments, voice, music, tmp_path / "final.mp4")
    stats = ff.loudness_stats(out)
    assert abs(stats["integrated"] - ff.TARGET_LUFS) <= 1.5
    assert stats["true_peak"] <= ff.TARGET_TRUE_PEAK
    assert abs(ff.probe(out)["duration"] - 6.0) <= 0.1


def _f32(path: Path) -> list[float]:
    raw = subprocess.run(
        [ff.ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1",
         "-ar", str(ff.AUDIO_RATE), "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return list(memoryview(raw).cast("f"))


def _db(samples: list[float]) -> float:
    return 20 * math.log10(_rms(samples) + 1e-12)


@pytest.mark.slow
def test_music_is_ducked_12_to_18_db_under_the_voice(tmp_path: Path) -> None:
    # a "voice" that speaks in the first half of every 2 s and pauses in the second half
    voice = _lavfi(tmp_path / "v.wav", "sine=frequency=240:sample_rate=48000,"
                   "volume='if(lt(mod(t,2),1),0.3,0)':eval=frame", 8)  # fmt: skip
    music = SynthMusic().compose(BED, 8, tmp_path / "m.wav").path
    hush = _lavfi(tmp_path / "z.wav", "anullsrc=r=48000:cl=mono", 8)
    both = _f32(ff.mix_voice_and_music(voice, music, 8, tmp_path / "both.wav"))
    alone = _f32(ff.mix_voice_and_music(voice, hush, 8, tmp_path / "alone.wav"))
    free = _f32(ff.mix_voice_and_music(hush, music, 8, tmp_path / "free.wav"))  # never ducked
    assert len(both) == len(alone) == len(free) == 8 * ff.AUDIO_RATE
    bed = [a - b for a, b in zip(both, alone, strict=True)]  # the music as mixed, ducked
    rate = ff.AUDIO_RATE
    for second in (2, 4):  # skip the first words (the compressor's attack) and the fade-out
        speaking = slice(round((second + 0.3) * rate), round((second + 0.9) * rate))
        pause = slice(round((second + 1.5) * rate), round((second + 1.95) * rate))
        under = _db(alone[speaking]) - _db(bed[speaking])
        assert 12 <= under <= 18, f"music {under:.1f} dB under the voice"
        assert _db(free[speaking]) - _db(bed[speaking]) > 6  # ducked while the voice speaks
        assert _db(free[pause]) - _db(bed[pause]) < 2  # and back up in the pauses
