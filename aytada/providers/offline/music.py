"""Offline music: synthesized with ffmpeg."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    AudioResult,
    ProviderError,
)
from aytada.providers.offline.common import _clean, _Dice

# Chord progressions in semitones from the key's root (I–V–vi–IV and friends).
_PROGRESSIONS: tuple[tuple[tuple[int, int, int], ...], ...] = (
    ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12)),  # I V vi IV
    ((0, 4, 7), (9, 12, 16), (5, 9, 12), (7, 11, 14)),  # I vi IV V
    ((9, 12, 16), (5, 9, 12), (0, 4, 7), (7, 11, 14)),  # vi IV I V
    ((0, 4, 7), (5, 9, 12), (9, 12, 16), (7, 11, 14)),  # I IV vi V
)
_KEYS_HZ = (261.63, 293.66, 246.94, 220.00, 196.00)  # C4, D4, B3, A3, G3
_SYNTH_RATE = 16_000  # plenty for a bed low-passed at 3.2 kHz; resampled to 48 kHz after


class SynthMusic:
    """A soft synthesized bed: pad chords, a bass note and a light arpeggio, with fades."""

    name = "offline"
    model = "synth"

    def compose(
        self,
        prompt: str,
        seconds: float,
        out_path: Path,
        *,
        lyrics: str = "",
        instrumental: bool = True,
        mood: str = "",
    ) -> AudioResult:
        seconds = float(seconds)
        if seconds <= 0:
            raise ProviderError("music length must be positive")
        dice = _Dice("music", _clean(prompt).lower())
        root = _KEYS_HZ[dice.number("key") % len(_KEYS_HZ)]
        progression = _PROGRESSIONS[dice.number("progression") % len(_PROGRESSIONS)]
        bar = 2.0 if dice.number("tempo") % 2 else 2.4  # seconds per chord
        step = bar / 8  # arpeggio eighth notes

        def freq(semitones: int) -> float:
            return root * 2 ** (semitones / 12)

        def select(values: Sequence[float]) -> str:
            expr = f"{values[-1]:.3f}"
            for index in range(len(values) - 2, -1, -1):
                expr = f"if(eq(ld(0),{index}),{values[index]:.3f},{expr})"
            return expr

        chord_tones = [select([freq(chord[k]) for chord in progression]) for k in range(3)]
        bass = select([freq(chord[0]) / 2 for chord in progression])
        arp_notes = [
            select([freq(chord[k % 3] + 12 * (k // 3)) for chord in progression])
            for k in (0, 1, 2, 3)
        ]
        # av_expr has ten variables: 0 chord index, 1 time in the bar, 2 chord envelope,
        # 3 arpeggio step, 4 time in the step, 5 arpeggio note, 6-8 chord tones, 9 bass
        expr = (
            f"st(0,mod(floor(t/{bar}),4));"
            f"st(1,mod(t,{bar}));"
            f"st(2,min(1,ld(1)/0.35)*min(1,({bar}-ld(1))/0.45));"
            f"st(3,mod(floor(t/{step}),4));"
            f"st(4,mod(t,{step}));"
            f"st(5,if(eq(ld(3),0),{arp_notes[0]},if(eq(ld(3),1),{arp_notes[1]},"
            f"if(eq(ld(3),2),{arp_notes[2]},{arp_notes[3]}))));"
            f"st(6,{chord_tones[0]});st(7,{chord_tones[1]});st(8,{chord_tones[2]});"
            f"st(9,{bass});"
            "ld(2)*("
            + "+".join(f"0.11*sin(2*PI*ld({v})*t)+0.05*sin(2*PI*ld({v})*1.003*t)"
                       for v in (6, 7, 8))
            + "+0.16*sin(2*PI*ld(9)*t))"
            f"+0.07*exp(-7*ld(4))*min(1,ld(4)*80)*min(1,({step}-ld(4))*40)"
            "*sin(2*PI*ld(5)*2*t)"
        )
        fade_out = min(1.5, seconds / 3)
        samples = round(seconds * ff.AUDIO_RATE)
        # the progression is periodic: synthesize one cycle (the expression is the costly part)
        # and loop it; each chord's envelope is silent at the bar line, so the loop is seamless
        cycle = 4 * bar
        cycle_samples = round(cycle * _SYNTH_RATE)
        chain = ",".join((
            f"aloop=loop=-1:size={cycle_samples}",
            "lowpass=f=3200",
            "aecho=0.8:0.6:90|170:0.22|0.14",
            f"aresample={ff.AUDIO_RATE}",
            f"afade=t=in:d={min(1.0, seconds / 4):.3f}",
            f"afade=t=out:st={seconds - fade_out:.3f}:d={fade_out:.3f}",
            f"apad=whole_len={samples}",
            f"atrim=end_sample={samples}",
        ))  # fmt: skip
        source = f"aevalsrc='{expr}':s={_SYNTH_RATE}:c=mono:d={cycle:.3f}"
        out = Path(out_path)
        with ff.atomic_output(out) as part:
            ff.run_ffmpeg(
                ["-f", "lavfi", "-i", source, "-filter:a", chain, *ff.WAV_ARGS, str(part)],
                what="synthesizing music",
            )
        return AudioResult(path=out)

