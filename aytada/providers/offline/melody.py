"""The offline jingle composer: a note plan from the prompt and mood, rendered in pure Python.

:func:`plan` turns a prompt, a mood and a length into a :class:`Plan`, a list of notes:

- a **motif** of 4-8 notes (rhythm and scale degrees), chosen from the prompt, so the same
  prompt always gives the same tune and another brand another one;
- a four-chord **progression** (one chord a bar) that ends on a cadence chord, then a final
  tonic chord that rings out; the melody plays the motif, a sequence of it over the second
  chord, the motif again, and an answering phrase that lands on the tonic;
- a **bass line** and **drums** (kick, snare/clap, hat) in patterns that follow the mood.

The **mood** (free text such as "warm, confident") picks a :class:`Style`: tempo, major or
minor, the lead's timbre and the accompaniment. A **bed** (music under a voiceover) keeps the
same tune in a soft bell an octave up, far below the voice, with lighter drums.

:func:`render` mixes a plan (or some of its parts, e.g. the lead alone) into samples at
:data:`SYNTH_RATE`: wavetable oscillators with envelopes, noise drums, a short echo on the lead.
Notes that repeat are rendered once; mixing runs in C through ``map``, so 30 s take about a
second.
"""

from __future__ import annotations

import math
import operator
import random
import re
import sys
import wave
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from aytada.providers.offline.common import _Dice

SYNTH_RATE = 24_000
"""Rate of the Python synthesis; ffmpeg resamples to the pipeline's rate afterwards."""

STEPS_PER_BAR = 8  # eighth notes in a 4/4 bar
RING_BARS = 0.75  # the final tonic chord rings for this many bars (at least 1 s)

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True)
class Style:
    """What a mood sounds like."""

    name: str
    bpm: float
    minor: bool
    lead: str  # timbre of the melody (see _TIMBRES)
    chords: str  # "pad" (held), "stabs" (short offbeat hits) or "strum" (three hits a bar)
    bass: str  # pattern name (see _BASS)
    drums: str  # pattern name (see _DRUMS)
    sevenths: bool = False  # add the chord's seventh (a softer, jazzier colour)


STYLES: dict[str, Style] = {
    "energetic": Style("energetic", 128, False, "pulse", "stabs", "pulse", "four"),
    "playful": Style("playful", 116, False, "marimba", "stabs", "bounce", "bounce"),
    "bold": Style("bold", 122, True, "saw", "stabs", "pulse", "drive"),
    "friendly": Style("friendly", 106, False, "warm", "strum", "pop", "pop"),
    "serious": Style("serious", 98, False, "warm", "pad", "half", "steady"),
    "luxury": Style("luxury", 86, True, "epiano", "pad", "half", "lounge", sevenths=True),
    "calm": Style("calm", 76, False, "flute", "pad", "whole", "soft", sevenths=True),
}
DEFAULT_STYLE = "friendly"

# word stems per style; the style with the most hits in the mood wins (ties: the order here)
MOOD_WORDS: dict[str, tuple[str, ...]] = {
    "energetic": ("energ", "upbeat", "dynamic", "exciting", "excited", "vibrant", "lively",
                  "power", "sport", "fast", "hype", "active", "motivat", "enthusias"),
    "playful": ("playful", "fun", "quirky", "cheer", "happy", "joy", "whimsical", "cheeky",
                "silly", "youthful", "cute", "light-hearted", "lighthearted", "witty"),
    "bold": ("bold", "edgy", "rebel", "daring", "intense", "dramatic", "fierce", "mysteri",
             "dark", "urban", "gritty", "provocative"),
    "calm": ("calm", "sooth", "gentle", "relax", "peace", "serene", "soft", "mindful",
             "tranquil", "natural", "caring", "cozy", "cosy", "quiet", "tender", "dreamy"),
    "luxury": ("luxur", "premium", "elegan", "sophisticat", "refined", "exclusive", "sleek",
               "classy", "glamor", "glamour", "opulent", "chic", "stylish", "timeless"),
    "friendly": ("friend", "warm", "welcom", "approachab", "optimis", "positive", "inspir",
                 "hopeful", "caring", "helpful", "human", "casual", "conversational"),
    "serious": ("serious", "trust", "professional", "reliab", "confiden", "authorit", "expert",
                "credib", "secure", "corporate", "honest", "dependable", "competent",
                "precise", "clinical", "formal", "solid"),
}  # fmt: skip

BED_WORDS = ("background", "bed", "underscore", "under the voice", "under a voice")
"""A prompt with one of these (e.g. "Upbeat background music for an ad") asks for a bed."""


def style_for(mood: str) -> Style:
    """The style whose mood words appear most often in ``mood`` (default: friendly)."""
    words = re.findall(r"[a-z][a-z-]*", (mood or "").lower())
    best, best_hits = DEFAULT_STYLE, 0
    for name, stems in MOOD_WORDS.items():
        hits = sum(1 for word in words if word.startswith(stems))
        if hits > best_hits:
            best, best_hits = name, hits
    return STYLES[best]


def is_bed(prompt: str, lyrics: str = "") -> bool:
    """True when the prompt asks for background music (and no lyrics were given)."""
    text = " ".join((prompt or "").lower().split())
    return not (lyrics or "").strip() and any(word in text for word in BED_WORDS)


@dataclass(frozen=True)
class Note:
    """One note or drum hit. ``midi`` is the MIDI pitch (0 for drums)."""

    part: str  # "lead", "chords", "bass", "kick", "snare", "hat"
    start: float  # seconds
    length: float  # seconds
    midi: int
    velocity: float  # 0-1


@dataclass(frozen=True)
class Plan:
    """Everything needed to render (and to check) a piece of music."""

    style: Style
    bpm: float
    seconds: float
    tonic: int  # MIDI pitch of the melody's tonic
    minor: bool
    bed: bool
    motif: tuple[tuple[int, int], ...]  # (onset in eighths, scale degree) within one bar
    progression: tuple[int, ...]  # chord roots (scale degrees) bar by bar
    notes: tuple[Note, ...] = field(repr=False)

    @property
    def bar_seconds(self) -> float:
        return 4 * 60.0 / self.bpm

    def part(self, name: str) -> list[Note]:
        return [note for note in self.notes if note.part == name]

    def pitch_classes(self, part: str = "lead") -> set[int]:
        return {note.midi % 12 for note in self.part(part)}


# --------------------------------------------------------------------------------------------
# composing

# rhythms of the motif: onsets (eighth notes) in one bar, 4 to 8 notes
_RHYTHMS: tuple[tuple[int, ...], ...] = (
    (0, 2, 4, 6), (0, 3, 4, 6), (0, 1, 2, 4), (0, 2, 3, 6), (0, 3, 6, 7),
    (0, 2, 3, 4, 6), (0, 1, 2, 4, 6), (0, 2, 4, 5, 6), (0, 3, 4, 5, 6), (0, 1, 3, 4, 6),
    (0, 1, 2, 4, 5, 6), (0, 2, 3, 4, 5, 6), (0, 1, 2, 3, 4, 6), (0, 2, 3, 4, 6, 7),
    (0, 1, 2, 3, 4, 5, 6), (0, 1, 2, 4, 5, 6, 7), (0, 1, 2, 3, 4, 5, 6, 7),
)  # fmt: skip

# progressions as chord roots in scale degrees; each ends on a chord that leads home
_MAJOR_PROGRESSIONS = ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 5, 4), (0, 2, 3, 4), (0, 3, 0, 4))
_MINOR_PROGRESSIONS = ((0, 5, 2, 6), (0, 3, 5, 4), (0, 6, 5, 6), (0, 5, 3, 4))

_STEPS = (-2, -1, -1, 1, 1, 2, 0, 3, -3, 4)  # melodic intervals (degrees), steps favoured


def _chord_tones(root: int) -> tuple[int, int, int]:
    return (root % 7, (root + 2) % 7, (root + 4) % 7)


def _snap(degree: int, root: int, avoid: int | None = None) -> int:
    """The chord tone of ``root`` nearest to ``degree`` (upwards on a tie), other than
    ``avoid`` (the previous note) when the degree itself is not a chord tone."""
    tones = _chord_tones(root)
    if degree % 7 in tones:
        return degree
    for distance in (1, -1, 2, -2, 3, -3):
        if (degree + distance) % 7 in tones and degree + distance != avoid:
            return degree + distance
    return degree  # unreachable: every degree has chord tones on both sides


def _motif(dice: _Dice, attempt: int) -> tuple[tuple[int, int], ...]:
    rhythm = _RHYTHMS[dice.number(f"rhythm|{attempt}") % len(_RHYTHMS)]
    degree = (0, 2, 4, 7)[dice.number(f"first|{attempt}") % 4]
    degrees = [degree]
    for index in range(1, len(rhythm)):
        step = _STEPS[dice.number(f"step|{attempt}|{index}") % len(_STEPS)]
        if step == 0 and (index == 1 or degrees[-1] == degrees[-2]):
            step = 1 if index % 2 else -1  # no dull opening, never three equal notes
        if not -2 <= degree + step <= 9:
            step = -step  # bounce off the edge of the range
        degree += step
        degrees.append(degree)
    return tuple(zip(rhythm, degrees, strict=True))


def _degree_semitones(degree: int, scale: Sequence[int]) -> int:
    return scale[degree % 7] + 12 * (degree // 7)


def _bar_melody(
    motif: Sequence[tuple[int, int]], position: int, root: int, first_root: int, final: bool
) -> list[tuple[int, int]]:
    """The motif as played in a bar: as is (0, 2), as a sequence (1) or as an answer (3)."""
    if position == 1:  # a sequence: the motif moved with the harmony
        shift = (root - first_root) % 7
        shift = shift - 7 if shift > 3 else shift
        notes = [(step, degree + shift) for step, degree in motif]
    elif position == 3:  # an answer: the motif's call, then stepping down to a resting note
        target = 1 if final else _snap(4, root)  # re before the tonic; else the chord's fifth
        call = max(1, len(motif) // 2)
        notes = list(motif[:call])
        start = notes[-1][1]
        if abs(start - target) <= 1:
            start = target + 2  # a line that moves, never a flat one
        rest = motif[call:]
        distance, sign = abs(start - target), 1 if start > target else -1
        for index, (step, _) in enumerate(rest):
            # step by step, arriving on the target with the last note
            degree = target + sign * min(distance, len(rest) - 1 - index)
            if degree == notes[-1][1]:
                degree += 1  # an upper neighbour rather than a repeated note
            notes.append((step, degree))
    else:
        notes = list(motif)
    # strong beats sit on chord tones so the tune never clashes with the harmony
    played: list[tuple[int, int]] = []
    for step, degree in notes:
        if step in (0, 4) and not (final and position == 3):
            previous = played[-1][1] if played else None
            degree = _snap(degree, root, avoid=previous)
        played.append((step, degree))
    return played


def plan(prompt: str, seconds: float, *, mood: str = "", bed: bool = False) -> Plan:
    """Compose ``seconds`` of music for ``prompt`` in the style of ``mood``."""
    seconds = float(seconds)
    if seconds <= 0:
        raise ValueError("music length must be positive")
    style = style_for(mood)
    dice = _Dice("jingle", " ".join((prompt or "").lower().split()))
    scale = MINOR if style.minor else MAJOR
    tonic = 60 + dice.number("key") % 10  # C4 .. A4: the melody sits around C5
    progressions = _MINOR_PROGRESSIONS if style.minor else _MAJOR_PROGRESSIONS
    base = progressions[dice.number("progression") % len(progressions)]

    # whole bars, then the ringing tonic chord; the tempo bends (a little) to fit them exactly
    nominal_bar = 4 * 60.0 / style.bpm
    ring_nominal = max(1.0, RING_BARS * nominal_bar)
    bars = max(1, round((seconds - ring_nominal) / nominal_bar))
    ring_share = RING_BARS if seconds > 1.0 + RING_BARS * nominal_bar else 0.0
    bar = seconds / (bars + ring_share) if ring_share else max(seconds - 1.0, 0.5) / bars
    ring = seconds - bars * bar
    bpm = 4 * 60.0 / bar
    step_s = bar / STEPS_PER_BAR
    progression = [base[index % 4] for index in range(bars)]
    progression[-1] = base[3]

    def pitch(degree: int, octave: int = 0) -> int:
        return tonic + 12 * octave + _degree_semitones(degree, scale)

    # the motif: the first candidate whose tune uses at least 5 pitch classes
    best: tuple[tuple[tuple[int, int], ...], list[tuple[int, int, int]]] | None = None
    for attempt in range(24):
        motif = _motif(dice, attempt)
        lead: list[tuple[int, int, int]] = []  # (bar, step, degree)
        for index, root in enumerate(progression):
            position = 3 if index == bars - 1 else index % 4
            for step, degree in _bar_melody(
                motif, position, root, progression[0], final=index == bars - 1
            ):
                lead.append((index, step, degree))
        classes = {pitch(degree) % 12 for _, _, degree in lead} | {tonic % 12}
        if best is None or len(classes) > len({pitch(d) % 12 for _, _, d in best[1]} | {tonic}):
            best = (motif, lead)
        if len(classes) >= 5:
            best = (motif, lead)
            break
    assert best is not None
    motif, lead = best

    notes: list[Note] = []
    lead_octave = 1 if bed else 0  # a bed's bell plays an octave up, out of the voice's way
    lead_level = 0.35 if bed else 1.0
    for index, (bar_index, step, degree) in enumerate(lead):
        start = bar_index * bar + step * step_s
        nxt = lead[index + 1] if index + 1 < len(lead) else None
        end = nxt[0] * bar + nxt[1] * step_s if nxt else bars * bar
        accent = 1.0 if step == 0 else 0.85 if step % 2 == 0 else 0.72
        notes.append(
            Note("lead", start, (end - start) * 0.92, pitch(degree, lead_octave),
                 accent * lead_level)
        )  # fmt: skip
    # the final tonic, from the degree nearest to the last note
    last = lead[-1][2] if lead else 0
    final_degree = 7 if last >= 4 else 0
    if ring > 0:
        notes.append(Note("lead", bars * bar, ring, pitch(final_degree, lead_octave), lead_level))

    # chords: voiced in the octave below the melody's tonic, nearest inversion
    def voicing(root: int) -> list[int]:
        degrees = [root, root + 2, root + 4] + ([root + 6] if style.sevenths else [])
        low = tonic - 10
        return sorted(low + (pitch(d) - low) % 12 for d in degrees)

    chord_hits = {
        "pad": ((0, 8),),
        "stabs": ((1, 1), (3, 1), (5, 1), (7, 1)) if style.bpm >= 120 else
                 ((0, 2), (3, 2), (6, 2)),
        "strum": ((0, 3), (3, 3), (6, 2)),
    }[style.chords]  # fmt: skip
    for index, root in enumerate(progression):
        for step, length in chord_hits:
            for midi in voicing(root):
                notes.append(Note("chords", index * bar + step * step_s, length * step_s * 0.95,
                                  midi, 0.8))  # fmt: skip
    if ring > 0:
        for midi in voicing(0):
            notes.append(Note("chords", bars * bar, ring, midi, 0.8))

    # bass: the chord's root (and fifth, octave) in the second octave
    def bass_pitch(degree: int, extra: int = 0) -> int:
        return 36 + (pitch(degree) - 36) % 12 + extra

    for index, root in enumerate(progression):
        for step, length, interval in _BASS[style.bass]:
            midi = bass_pitch(root + (4 if interval == 5 else 0), 12 if interval == 8 else 0)
            notes.append(Note("bass", index * bar + step * step_s, length * step_s * 0.9, midi,
                              0.9 if step == 0 else 0.75))  # fmt: skip
    if ring > 0:
        notes.append(Note("bass", bars * bar, ring, bass_pitch(0), 0.9))

    # drums
    pattern = _DRUMS[style.drums]
    drum_level = 0.6 if bed else 1.0
    for index in range(bars):
        for part, steps in pattern.items():
            for step in steps:
                velocity = (1.0 if step % 2 == 0 else 0.7) * drum_level
                if part == "hat" and len(steps) == 8 and step % 2:
                    velocity *= 0.7
                notes.append(Note(part, index * bar + step * step_s, step_s, 0, velocity))
    if ring > 0:
        notes.append(Note("kick", bars * bar, step_s, 0, drum_level))
        notes.append(Note("crash", bars * bar, ring, 0, 0.8 * drum_level))

    return Plan(
        style=style, bpm=bpm, seconds=seconds, tonic=tonic, minor=style.minor, bed=bed,
        motif=motif, progression=tuple(progression), notes=tuple(notes),
    )  # fmt: skip


# bass patterns: (onset, length in eighths, interval: 1 root, 5 fifth, 8 octave)
_BASS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "whole": ((0, 8, 1),),
    "half": ((0, 4, 1), (4, 3, 5)),
    "pop": ((0, 3, 1), (3, 1, 1), (4, 2, 5), (6, 2, 8)),
    "bounce": ((0, 2, 1), (3, 1, 1), (4, 1, 5), (6, 1, 8)),
    "pulse": tuple((step, 1, 8 if step in (3, 7) else 1) for step in range(8)),
}

# drum patterns: onsets (eighths) of each instrument in one bar
_DRUMS: dict[str, dict[str, tuple[int, ...]]] = {
    "four": {"kick": (0, 2, 4, 6), "snare": (2, 6), "hat": (1, 3, 5, 7)},
    "drive": {"kick": (0, 3, 4, 5), "snare": (2, 6), "hat": tuple(range(8))},
    "bounce": {"kick": (0, 3, 4), "snare": (2, 6), "hat": (1, 3, 5, 7)},
    "pop": {"kick": (0, 3, 4), "snare": (2, 6), "hat": tuple(range(8))},
    "steady": {"kick": (0, 4), "snare": (2, 6), "hat": tuple(range(8))},
    "lounge": {"kick": (0, 5), "snare": (2, 6), "hat": (0, 2, 4, 6)},
    "soft": {"kick": (0,), "hat": (2, 6)},
}


# --------------------------------------------------------------------------------------------
# rendering

_TABLE_SIZE = 2048
_TABLE_MASK = _TABLE_SIZE - 1


def _table(harmonics: Sequence[float]) -> list[float]:
    """One cycle of a waveform from harmonic amplitudes, peak-normalised to 1."""
    values = [
        sum(amp * math.sin(2 * math.pi * (h + 1) * i / _TABLE_SIZE)
            for h, amp in enumerate(harmonics) if amp)
        for i in range(_TABLE_SIZE)
    ]  # fmt: skip
    peak = max(abs(v) for v in values) or 1.0
    return [v / peak for v in values]


# timbre: (harmonics, attack s, decay time-constant s, sustain level, release s, level)
_TIMBRES: dict[str, tuple[tuple[float, ...], float, float, float, float, float]] = {
    "pulse": ((1, 0.15, 0.33, 0.1, 0.2, 0.05, 0.14, 0.03), 0.005, 0.25, 0.55, 0.05, 0.5),
    "marimba": ((1, 0, 0, 0.3, 0, 0, 0, 0.05), 0.002, 0.22, 0.0, 0.05, 0.75),
    "saw": ((1, 0.5, 0.33, 0.25, 0.2, 0.16, 0.12, 0.09), 0.006, 0.3, 0.6, 0.06, 0.42),
    "warm": ((1, 0.45, 0.25, 0.14, 0.07, 0.03), 0.012, 0.4, 0.6, 0.08, 0.6),
    "epiano": ((1, 0.3, 0.06, 0.08), 0.003, 0.6, 0.25, 0.12, 0.7),
    "flute": ((1, 0.2, 0.07), 0.05, 1.0, 0.85, 0.12, 0.7),
    "bell": ((1, 0, 0, 0.25, 0, 0, 0.08), 0.002, 0.35, 0.0, 0.1, 0.6),
    "pad": ((1, 0.28, 0.12, 0.05), 0.25, 2.0, 0.8, 0.35, 0.16),
    "stab": ((1, 0.4, 0.2, 0.1, 0.05), 0.004, 0.12, 0.2, 0.04, 0.2),
    "bass": ((1, 0.5, 0.22, 0.1, 0.04), 0.004, 0.35, 0.55, 0.05, 0.62),
}
_TABLES: dict[str, list[float]] = {}


def _freq(midi: int) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _envelope(n: int, attack: float, decay: float, sustain: float, release: float) -> list[float]:
    """Attack, exponential decay towards ``sustain``, and a release over the last samples."""
    a = max(1, int(attack * SYNTH_RATE))
    r = max(1, min(n // 2, int(release * SYNTH_RATE)))
    k = math.exp(-1.0 / max(1.0, decay * SYNTH_RATE))
    env = [i / a for i in range(min(a, n))]
    level = 1.0
    for _ in range(n - len(env)):
        env.append(sustain + (1.0 - sustain) * level)
        level *= k
    for i in range(r):
        env[n - r + i] *= 1.0 - i / r
    return env


def _tone(timbre: str, midi: int, n: int) -> list[float]:
    harmonics, attack, decay, sustain, release, level = _TIMBRES[timbre]
    table = _TABLES.get(timbre)
    if table is None:
        table = _TABLES[timbre] = _table(harmonics)
    freq = _freq(midi)
    env = _envelope(n, attack, decay, sustain, release)
    inc = freq * _TABLE_SIZE / SYNTH_RATE
    if timbre in ("pad", "flute"):  # a slow vibrato / chorus-like drift
        depth = 0.004 if timbre == "flute" else 0.002
        rate = 2 * math.pi * (5.0 if timbre == "flute" else 0.7) / SYNTH_RATE
        phases = []
        phase = 0.0
        for i in range(n):
            phase += inc * (1.0 + depth * math.sin(rate * i))
            phases.append(phase)
    else:
        phases = [inc * i for i in range(n)]
    return [level * table[int(p) & _TABLE_MASK] * e for p, e in zip(phases, env, strict=True)]


def _drum(kind: str, n: int, rng: random.Random) -> list[float]:
    if kind == "kick":  # a falling sine with a click
        out, phase = [], 0.0
        for i in range(n):
            t = i / SYNTH_RATE
            phase += 2 * math.pi * (45 + 95 * math.exp(-t / 0.035)) / SYNTH_RATE
            out.append(0.95 * math.sin(phase) * math.exp(-t / 0.16))
        return out
    noise = [rng.uniform(-1, 1) for _ in range(n)]
    if kind == "hat":  # bright noise: differentiated, very short
        bright = [noise[i] - noise[i - 1] for i in range(n)]
        return [0.16 * v * math.exp(-i / (0.018 * SYNTH_RATE)) for i, v in enumerate(bright)]
    if kind == "crash":
        bright = [noise[i] - noise[i - 1] for i in range(n)]
        return [0.12 * v * math.exp(-i / (0.5 * SYNTH_RATE)) for i, v in enumerate(bright)]
    # snare / clap: noise and a short body tone
    return [
        (0.35 * v + 0.3 * math.sin(2 * math.pi * 190 * i / SYNTH_RATE))
        * math.exp(-i / (0.07 * SYNTH_RATE))
        for i, v in enumerate(noise)
    ]


_PART_LEVEL = {"lead": 1.0, "chords": 1.0, "bass": 0.7, "kick": 0.6, "snare": 0.5,
               "hat": 0.8, "crash": 0.8}  # fmt: skip


def render(music: Plan, parts: Iterable[str] | None = None) -> array:
    """The plan's samples at :data:`SYNTH_RATE` (only ``parts``, if given), roughly -1..1.

    Buffers are `array('d')` (8 bytes a sample; a list of floats takes about 32): a 60 s bed
    is 1.44 million samples, and the worker that renders it also runs ffmpeg."""
    wanted = set(parts) if parts is not None else None
    total = max(1, round(music.seconds * SYNTH_RATE))
    mix = array("d", bytes(8 * total))
    lead = array("d", bytes(8 * total))
    cache: dict[tuple[str, int, int], array] = {}
    rng = random.Random(f"drums|{music.tonic}")
    lead_timbre = "bell" if music.bed else music.style.lead
    chord_timbre = "pad" if music.style.chords == "pad" else "stab"
    for note in music.notes:
        if wanted is not None and note.part not in wanted:
            continue
        start = round(note.start * SYNTH_RATE)
        if start >= total:
            continue
        if note.part in ("kick", "snare", "hat", "crash"):
            n = min(total - start, round(min(note.length, 0.6 if note.part == "kick" else 2.5)
                                         * SYNTH_RATE))  # fmt: skip
            if note.part == "crash":
                n = total - start
            key = (note.part, 0, n)
            if key not in cache:
                cache[key] = array("d", _drum(note.part, n, rng))
        else:
            timbre = {"lead": lead_timbre, "chords": chord_timbre, "bass": "bass"}[note.part]
            n = min(total - start, max(1, round(note.length * SYNTH_RATE)))
            key = (timbre, note.midi, n)
            if key not in cache:
                cache[key] = array("d", _tone(timbre, note.midi, n))
        gain = note.velocity * _PART_LEVEL[note.part]
        buf = cache[key]
        target = lead if note.part == "lead" else mix
        end = start + len(buf)
        scaled = map(operator.mul, buf, repeat(gain, len(buf)))
        target[start:end] = array("d", map(operator.add, target[start:end], scaled))
    # a dotted-eighth echo on the lead, two taps
    delay = round(0.75 * music.bar_seconds / 4 * SYNTH_RATE)
    for tap, level in ((1, 0.28), (2, 0.12)):
        offset = delay * tap
        if offset < total:
            echoed = map(operator.mul, lead[: total - offset], repeat(level, total - offset))
            mix[offset:] = array("d", map(operator.add, mix[offset:], echoed))
    return array("d", map(operator.add, mix, lead))


def write_wav(samples: Sequence[float], path: Path, rate: int = SYNTH_RATE) -> Path:
    """Samples (peak-normalised to about -1 dBFS) as a 16-bit mono WAV."""
    peak = max((abs(v) for v in samples), default=0.0) or 1.0
    scale = 0.89 * 32767 / peak
    ints = array("h", (int(v * scale) for v in samples))
    if sys.byteorder == "big":  # WAV is little-endian
        ints.byteswap()
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(ints.tobytes())
    return Path(path)
