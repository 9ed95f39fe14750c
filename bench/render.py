"""Render benchmark (run by hand, not a test): a 30 s 9:16 1080×1920 ad from offline providers.

    .venv/bin/python bench/render.py [--out DIR] [--seconds 30]

Builds 6 Pillow stills (drawn as the clip step draws them: each scene's layout, the product
name, brand and colours, a product photo (a bottle on white) and a logo, the call to action and
a destination on the end card; ``--no-photo``: the typographic stills), renders the bare
zoom/pan segments (the layers entering at the Direct Response pace), speaks and fits the
voiceover, synthesizes music, lays the word-timed captions over the segments (their one x264
encode, with the transitions between scenes) and stitches (video stream-copied). Prints each
phase's wall time, the total as a fraction of the video length (target ≤ 0.5× on 2 cores) and
the peak RSS of the largest ffmpeg/espeak child and of this Python process (target ≤ 400 MB).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aytada.captions import caption_groups  # noqa: E402
from aytada.providers import ffmpeg as ff  # noqa: E402
from aytada.providers.base import CaptionStyle, SegmentRequest  # noqa: E402
from aytada.providers.caption_track import burn_into_segments  # noqa: E402
from aytada.providers.motion import transitions  # noqa: E402
from aytada.providers.registry import ProviderConfig, build_providers  # noqa: E402
from bench.stills import bottle_photo, dark_logo, scene_request  # noqa: E402
from tests.providers.briefs import GLOWCO  # noqa: E402

WIDTH, HEIGHT = 1080, 1920
T = TypeVar("T")

# the sample brief of the provider tests, as a plain Direct Response ad
BRIEF = dataclasses.replace(
    GLOWCO, name="Bench", product_description="", creative_style="Direct Response"
)


def _mb(kilobytes: int) -> float:
    return kilobytes / 1024  # ru_maxrss is in KiB on Linux


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timeline(scenes, spoken) -> list[dict]:  # type: ignore[no-untyped-def]
    """Each line at its scene's start, sped up to fit, as the voiceover step lays them out."""
    out, at = [], 0.0
    for scene, said in zip(scenes, spoken, strict=True):
        length = float(ff.probe(said.path).get("duration") or 0.0)
        scale = min(1.0, scene.duration / length) if length else 1.0
        line = {"start": at, "end": at + min(length, scene.duration), "text": scene.voiceover}
        if said.words:
            line["words"] = [[w.word, at + w.start * scale, at + w.end * scale] for w in said.words]
        out.append(line)
        at += scene.duration
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the files in this folder")
    parser.add_argument("--seconds", type=int, default=30, help="video length (default 30)")
    parser.add_argument(
        "--workers", type=int, default=1,
        help="segments rendered at once, like that many RQ workers (default 1: one after another)",
    )  # fmt: skip
    parser.add_argument("--no-photo", action="store_true", help="stills without a product photo")
    args = parser.parse_args(argv)

    workdir = args.out or Path(tempfile.mkdtemp(prefix="aytada-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}

    def phase(name: str, fn: Callable[[], T]) -> T:
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        result = fn()
        timings[name] = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_start
        print(f"  {name:<22} {timings[name]:6.2f} s wall {cpu:6.2f} s CPU", flush=True)
        return result

    length = args.seconds
    offline = build_providers(ProviderConfig())  # no API keys: every capability offline
    writer = offline.text
    idea = writer.ideas(BRIEF, count=3, length_s=length)[0]
    script = writer.script(BRIEF, idea, length_s=length)
    scenes = writer.scenes(BRIEF, script, length_s=length)
    print(f"ffmpeg {ff.ffmpeg_exe()}")
    print(f"segments: {' '.join(ff.SEGMENT_ENCODE_ARGS)}")
    print(f"x264: {' '.join(ff.VIDEO_ENCODE_ARGS)}")
    print(f"{len(scenes)} scenes, {length} s, {WIDTH}×{HEIGHT}, cores: {os.cpu_count()}")
    print(f"work dir: {workdir}")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    cpu_start = _cpu_seconds()

    images, clips, voice = offline.image, offline.clip, offline.voice
    photo = "" if args.no_photo else str(bottle_photo(workdir / "bottle.jpg"))
    logo = str(dark_logo(workdir / "logo.png"))
    cta = script.call_to_action.split(". ")[0].rstrip(".!")
    stills = phase("stills (Pillow)", lambda: [
        images.image(scene_request(BRIEF, s, len(scenes), WIDTH, HEIGHT, photo, logo, cta),
                     workdir / f"still{s.index}.png")
        for s in scenes
    ])  # fmt: skip
    requests = [
        SegmentRequest(still=still, prompt=s.visual, seconds=s.duration, width=WIDTH,
                       height=HEIGHT, caption=s.caption, seed=s.index,
                       extra={"style": BRIEF.creative_style})
        for s, still in zip(scenes, stills, strict=True)
    ]  # fmt: skip
    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        segments = phase(f"segments ×{args.workers}", lambda: list(pool.map(
            lambda r: clips.segment(r, workdir / f"seg{r.seed}.mp4"), requests)))  # fmt: skip
    spoken = phase(f"voice ({voice.model})", lambda: [
        voice.speak(s.voiceover, workdir / f"line{s.index}.wav") for s in scenes
    ])  # fmt: skip
    fitted = phase("voice fit + join", lambda: ff.concat_audio(
        [ff.fit_audio(r.path, workdir / f"fit{s.index}.wav", seconds=s.duration)
         for r, s in zip(spoken, scenes, strict=True)],
        workdir / "voice.wav",
    ))  # fmt: skip
    music = phase(
        "music (synth)", lambda: offline.music.compose(idea.title, length, workdir / "music.wav")
    )
    timeline = _timeline(scenes, spoken)
    layouts = [Image.open(still).text.get("aytada:layout", "") for still in stills]
    changes = transitions(layouts, BRIEF.creative_style, [s.duration for s in scenes])
    captioned = phase("captions (x264)", lambda: burn_into_segments(
        segments, caption_groups(timeline), workdir / "captions", style=CaptionStyle(),
        colors=BRIEF.brand_colors, transitions=changes))  # fmt: skip
    final = phase("stitch (copy + AAC)", lambda: offline.stitch.stitch(
        captioned, fitted, music.path, workdir / "final.mp4"))  # fmt: skip

    total = sum(timings.values())
    cpu_total = _cpu_seconds() - cpu_start
    without_stills = total - timings["stills (Pillow)"]
    info = ff.probe(final)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"output: {final} ({final.stat().st_size / 1e6:.1f} MB) {info}")
    print(f"voice notice: {spoken[0].notice or '-'}; mean volume {ff.mean_volume_db(final):.1f} dB")
    print(f"total wall time   {total:6.2f} s = {total / length:.2f}× the video length")
    print(f"  without stills  {without_stills:6.2f} s = {without_stills / length:.2f}×")
    print(
        f"CPU time          {cpu_total:6.2f} s (all processes; "
        f"{cpu_total / (os.cpu_count() or 1) / length:.2f}× the length spread over all cores)"
    )
    print("load average after: {:.2f} {:.2f} {:.2f} (other load skews the wall times)".format(
        *os.getloadavg()))  # fmt: skip
    print(
        f"peak RSS ffmpeg children {_mb(children):6.0f} MB (largest single child; "
        f"{args.workers} at once)"
    )
    print(f"peak RSS python          {_mb(own):6.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
