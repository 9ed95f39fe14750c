"""Voice benchmark (run by hand, not a test): how fast the offline voices say a 30 s voiceover.

    .venv/bin/python bench/voice.py [--seconds 30] [--out DIR]

The offline writer's ad of that length (the render benchmark's brief), then a voiceover that
speaks for the whole 30 s, are said line by line, as the voiceover step says them: by Piper
(the default offline voice, en_US-joe-medium) and by espeak-ng (the fallback). For each: the
time to load the voice, the time to say every line, that time as a fraction of the speech's
length (target ≤ 0.3× for Piper on 2 cores), words per second, the mean and peak level of the
joined speech, and this process's peak RSS.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aytada.providers import ffmpeg as ff  # noqa: E402
from aytada.providers.offline import EspeakVoice, OfflineWriter, PiperSpeech  # noqa: E402
from bench._common import header, verdict  # noqa: E402
from tests.providers.briefs import GLOWCO  # noqa: E402

BRIEF = dataclasses.replace(GLOWCO, name="Bench", creative_style="Direct Response")
#: a voiceover that speaks for the whole 30 s (the writer's 30 s ad leaves room between lines)
FULL_30S = [
    "Still losing money to food that spoils before you can cook it?",
    "Meet Fresh Keeper, the small sensor that watches your fridge for you.",
    "It sends a message before anything goes bad, so dinner gets made instead of binned.",
    "Families who use it save about forty dollars every single month.",
    "Setup takes two minutes, with no tools and no app to learn.",
    "Over ten thousand kitchens already trust it to keep their food fresh.",
    "Get fifteen percent off today with the code FRESH, at freshkeeper dot com.",
]
TARGET = 0.3  # Piper's synthesis time as a fraction of the speech's length


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _levels(path: Path) -> tuple[float, float]:
    """(mean, peak) volume in dB (ffmpeg volumedetect)."""
    text = ff.run_ffmpeg(
        ["-loglevel", "info", "-i", str(path), "-af", "volumedetect", "-f", "null", "-"],
        what="measuring the volume",
    )
    mean = float(re.search(r"mean_volume:\s*(-?[\d.]+) dB", text).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"max_volume:\s*(-?[\d.]+) dB", text).group(1))  # type: ignore[union-attr]
    return mean, peak


def run(label: str, voice: object, lines: list[str], workdir: Path) -> float:
    load_s = 0.0
    if isinstance(voice, PiperSpeech) and not voice._loaded:
        start = time.perf_counter()
        voice._voice("")  # the model read, checked against its SHA-256, patched and loaded
        load_s = time.perf_counter() - start
    start = time.perf_counter()
    said = [
        voice.speak(text, workdir / f"{label}-{i}.wav")  # type: ignore[attr-defined]
        for i, text in enumerate(lines)
    ]
    speak_s = time.perf_counter() - start
    joined = ff.concat_audio([r.path for r in said], workdir / f"{label}.wav")
    audio_s = ff.probe(joined)["duration"]
    words = sum(len(text.split()) for text in lines)
    mean, peak = _levels(joined)
    timed = sum(len(r.words) for r in said)
    print(
        f"{label:<9} load {load_s:5.2f} s, say {speak_s:5.2f} s for {audio_s:5.1f} s of speech "
        f"= {speak_s / audio_s:.3f}× real time; {words / audio_s:.2f} words/s; "
        f"mean {mean:.1f} dB, peak {peak:.1f} dB; {timed}/{words} words timed; "
        f"peak RSS so far {_rss_mb():.0f} MB",
        flush=True,
    )
    return speak_s / audio_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="ad length (default 30)")
    parser.add_argument("--out", type=Path, help="keep the WAV files in this folder")
    args = parser.parse_args(argv)
    header(f"offline voices, a {args.seconds} s voiceover")
    workdir = args.out or Path(tempfile.mkdtemp(prefix="aytada-voice-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    writer = OfflineWriter()
    idea = writer.ideas(BRIEF, count=3, length_s=args.seconds)[0]
    script = writer.script(BRIEF, idea, length_s=args.seconds)
    lines = [s.voiceover for s in writer.scenes(BRIEF, script, length_s=args.seconds)]
    print(f"peak RSS before any voice: {_rss_mb():.0f} MB; files: {workdir}")
    piper, espeak = PiperSpeech(), EspeakVoice()
    for title, said in ((f"the offline writer's {args.seconds} s ad", lines),
                        ("a voiceover that speaks for 30 s", FULL_30S)):  # fmt: skip
        print(f"-- {title}: {len(said)} lines, {sum(len(t.split()) for t in said)} words")
        ratio = run("piper", piper, said, workdir)
        run("espeak-ng", espeak, said, workdir)
    verdict(f"Piper says it in {ratio:.3f}× real time", f"≤ {TARGET}×", ratio <= TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
