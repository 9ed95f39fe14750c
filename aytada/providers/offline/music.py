"""Offline music: a jingle or a background bed, composed and synthesized locally.

The notes come from :mod:`aytada.providers.offline.melody` (pure Python); ffmpeg resamples them
to the pipeline's rate, shapes the ending and normalises the loudness (EBU R128, -14 LUFS
integrated, true peak <= -1 dBTP).

**Jingle or bed.** One class makes both; the request decides:

- a **bed** (music under a voiceover) when the prompt asks for background music (it contains
  "background", "bed", "underscore" or "under the voice") and no ``lyrics`` are given: the
  tune is a soft bell an octave above the voice, about 9 dB down, with lighter drums;
- a **jingle** otherwise (and always when ``lyrics`` are given): the motif on a lead
  instrument in front.

**Mood.** ``mood`` (e.g. the brand's tone of voice, "warm, confident") picks tempo, major or
minor, and instruments (see :data:`melody.STYLES`); without it the words of the prompt (before
any "Lyrics:") are read instead. The tune itself depends only on the prompt: the same prompt
always gives the same music, and another brand another motif.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from aytada.providers import ffmpeg as ff
from aytada.providers.base import AudioResult, MusicProvider, MusicRequest, ProviderError
from aytada.providers.offline import melody


def _mood_text(prompt: str, mood: str) -> str:
    if (mood or "").strip():
        return mood
    return re.split(r"lyrics\s*:", prompt or "", maxsplit=1, flags=re.IGNORECASE)[0]


class SynthMusic(MusicProvider):
    """A composed jingle (motif, chords, bass, drums) or a bed under a voiceover."""

    name = "offline"
    model = "synth"
    sings_lyrics = False  # a synthesizer: no voice, the lyrics are never heard

    def plan(self, prompt: str, seconds: float, *, lyrics: str = "", mood: str = "") -> melody.Plan:
        """The notes :meth:`compose` plays for these arguments."""
        return melody.plan(
            prompt,
            seconds,
            mood=_mood_text(prompt, mood),
            bed=melody.is_bed(prompt, lyrics),
        )

    def render(self, request: MusicRequest, out_path: Path) -> AudioResult:
        """Instrumental in any case (the synth has no voice); lyrics make it a jingle."""
        seconds = request.seconds
        if seconds <= 0:
            raise ProviderError("music length must be positive")
        music = self.plan(request.prompt, seconds, lyrics=request.lyrics, mood=request.mood)
        samples = round(seconds * ff.AUDIO_RATE)
        fade = min(1.0, seconds / 4)
        chain = ",".join((
            f"aresample={ff.AUDIO_RATE}",
            "highpass=f=30",
            "aecho=0.85:0.5:60|110:0.14|0.08",  # a small room
            "afade=t=in:d=0.01",
            f"afade=t=out:st={seconds - fade:.3f}:d={fade:.3f}",
            f"apad=whole_len={samples}",
            f"atrim=end_sample={samples}",
        ))  # fmt: skip
        out = Path(out_path)
        with tempfile.TemporaryDirectory(prefix="aytada-music-") as tmp:
            raw = melody.write_wav(melody.render(music), Path(tmp) / "raw.wav")
            mixed = Path(tmp) / "mixed.wav"
            ff.run_ffmpeg(
                ["-i", str(raw), "-filter:a", chain, *ff.WAV_ARGS, str(mixed)],
                what="synthesizing music",
            )
            ff.loudnorm(mixed, out, ff.TARGET_LUFS, ff.TARGET_TRUE_PEAK)
        return AudioResult(path=out)
