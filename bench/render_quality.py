"""Benchmark: render quality at speed, our 30 s render vs one ffmpeg command on the same inputs.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/render_quality.py [--workers 2] [--seconds 30] [--out DIR]

Inputs: the render benchmark's ad (tests/providers/briefs.py GLOWCO, offline writer), its 6
Pillow stills at 1080×1920 with the Studio's layouts (hero, detail/context, end card). Then,
timing only the video (no captions on either side: they are the stitch's, timed to a voice):

- ours: the offline clip provider renders each scene (ffmpeg zoompan, the MPEG-4 intermediate of
  ``aytada.providers.ffmpeg.SEGMENT_ENCODE_ARGS``), ``--workers`` at a time like that many RQ
  workers; the stitch's caption pass encodes each segment for good (``burn_captions``, x264 with
  ``VIDEO_ENCODE_ARGS``, ``--workers`` at a time) and they are joined with ``-c:v copy``;
- the command: ONE ffmpeg run with exactly our filter chains (recorded from our segment runs)
  in a ``filter_complex`` that concatenates them, encoded with ``-preset veryfast -crf 23``;
- the master: that command at ``-preset slow -crf 16`` (not timed).

SSIM of ours and of the command against the master (ffmpeg's ``ssim`` filter, "All").
Targets: our time ≤ 0.8× the command's, our SSIM ≥ the command's − 0.005.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import header, load, verdict  # noqa: E402

WIDTH, HEIGHT = 1080, 1920
TIME_TARGET, SSIM_MARGIN = 0.8, 0.005


def make_inputs(workdir: Path, seconds: int) -> list:  # type: ignore[type-arg]
    """The stills and segment requests of the render benchmark's ad."""
    from aytada.jobs.steps import scene_layout
    from aytada.providers.base import ImageRequest, SegmentRequest
    from aytada.providers.offline.images import MOTION_FOR_LAYOUT
    from aytada.providers.registry import ProviderConfig, build_providers
    from tests.providers.briefs import GLOWCO

    brief = dataclasses.replace(GLOWCO, name="Bench", product_description="",
                                creative_style="Direct Response")  # fmt: skip
    offline = build_providers(ProviderConfig())
    writer = offline.text
    idea = writer.ideas(brief, count=3, length_s=seconds)[0]
    scenes = writer.scenes(brief, writer.script(brief, idea, length_s=seconds), length_s=seconds)
    requests = []
    for s in scenes:
        layout, visual = scene_layout(s.visual, s.index, len(scenes))
        still = offline.image.image(
            ImageRequest(prompt=visual, width=WIDTH, height=HEIGHT, colors=brief.brand_colors,
                         seed=s.index, layout=layout, title=brief.product_name,
                         brand_name=brief.brand_name,
                         call_to_action="Shop now" if layout == "end_card" else ""),
            workdir / f"still{s.index}.png",
        )  # fmt: skip
        requests.append(SegmentRequest(still=still, prompt=visual, seconds=s.duration,
                                       width=WIDTH, height=HEIGHT, caption=s.caption,
                                       seed=s.index, motion=MOTION_FOR_LAYOUT[layout]))  # fmt: skip
    return requests


def ssim(video: Path, master: Path) -> float:
    from aytada.providers import ffmpeg as ff

    text = ff.run_ffmpeg(["-loglevel", "info", "-i", str(video), "-i", str(master),
                          "-lavfi", "[0:v][1:v]ssim", "-f", "null", "-"], what="SSIM")  # fmt: skip
    match = re.search(r"SSIM .*All:([\d.]+)", text)
    if not match:
        raise SystemExit(f"no SSIM in ffmpeg's output: {text[-300:]}")
    return float(match.group(1))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2, help="segments at once (default 2)")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--out", type=Path, help="keep the files in this folder")
    args = ap.parse_args()
    header(f"render quality at speed: {args.seconds} s 1080×1920, ours vs one ffmpeg command")

    from aytada.providers import ffmpeg as ff
    from aytada.providers.offline.clips import FfmpegMotionClips

    workdir = args.out or Path(tempfile.mkdtemp(prefix="aytada-bench-quality-"))
    workdir.mkdir(parents=True, exist_ok=True)
    requests = make_inputs(workdir, args.seconds)
    print(f"{len(requests)} scenes, stills in {workdir}; our x264: "
          f"{' '.join(ff.VIDEO_ENCODE_ARGS)}")  # fmt: skip

    # our render; each segment's ffmpeg arguments are recorded
    recorded: dict[int, list[str]] = {}
    original = ff.run_ffmpeg

    def recording(cmd_args, *, what, timeout=ff.DEFAULT_TIMEOUT_S):  # type: ignore[no-untyped-def]
        cmd_args = list(cmd_args)
        if what == "rendering the scene segment":
            index = int(re.search(r"seg(\d+)", cmd_args[-1]).group(1))  # type: ignore[union-attr]
            chain = cmd_args[cmd_args.index("-filter:v") + 1]
            frames = cmd_args[cmd_args.index("-frames:v") + 1]
            recorded[index] = [cmd_args[cmd_args.index("-i") + 1], chain, frames]
        return original(cmd_args, what=what, timeout=timeout)

    ff.run_ffmpeg = recording  # type: ignore[assignment]
    clips = FfmpegMotionClips()
    print(f"ours, {args.workers} segment(s) at once (load {load()}):", flush=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        segments = list(pool.map(lambda r: clips.segment(r, workdir / f"seg{r.seed}.mp4"),
                                 requests))  # fmt: skip
    t_segments = time.perf_counter() - t0
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        finals = list(pool.map(lambda p: ff.burn_captions(p, p.with_name(f"final-{p.name}")),
                               segments))  # fmt: skip
    t_finals = time.perf_counter() - t0
    listing = workdir / "segments.txt"
    listing.write_text("".join(ff._concat_list_line(p) for p in finals))
    ours = workdir / "ours.mp4"
    original(["-f", "concat", "-safe", "0", "-i", str(listing), "-c:v", "copy",
              "-movflags", "+faststart", str(ours)], what="joining")  # fmt: skip
    t_ours = time.perf_counter() - t0
    ff.run_ffmpeg = original  # type: ignore[assignment]
    print(f"  segments {t_segments:6.2f} s, final encode {t_finals - t_segments:6.2f} s, "
          f"join {t_ours - t_finals:5.2f} s: {t_ours:6.2f} s")  # fmt: skip

    # the same filter chains in one command
    inputs: list[str] = []
    graph = []
    for i, index in enumerate(sorted(recorded)):
        still, chain, frames = recorded[index]
        inputs += ["-i", still]
        graph.append(f"[{i}:v]{chain},trim=end_frame={frames},setpts=PTS-STARTPTS[v{i}]")
    labels = "".join(f"[v{i}]" for i in range(len(recorded)))
    graph.append(f"{labels}concat=n={len(recorded)}:v=1:a=0,format=yuv420p[out]")
    common = [
        *inputs, "-filter_complex", ";".join(graph), "-map", "[out]", "-an",
        "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-r", str(ff.FPS),
    ]  # fmt: skip

    def one_command(preset: str, crf: int, out: Path) -> float:
        start = time.perf_counter()
        text = original(["-benchmark", "-loglevel", "info", *common, "-preset", preset,
                         "-crf", str(crf), str(out)], what=f"one command ({preset})")  # fmt: skip
        elapsed = time.perf_counter() - start
        bench = re.search(r"bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s", text)
        if bench:
            print(f"  ffmpeg -benchmark: utime {bench.group(1)} s, stime {bench.group(2)} s, "
                  f"rtime {bench.group(3)} s")  # fmt: skip
        return elapsed

    print(f"one command, -preset veryfast -crf 23 (load {load()}):", flush=True)
    command = workdir / "command.mp4"
    t_command = one_command("veryfast", 23, command)
    print(f"  {t_command:6.2f} s")
    print(f"master, -preset slow -crf 16 (load {load()}; not timed against):", flush=True)
    master = workdir / "master.mp4"
    one_command("slow", 16, master)
    for path in (ours, command, master):
        info = ff.probe(path)
        print(f"  {path.name}: {path.stat().st_size / 1e6:5.1f} MB, {info['duration']} s, "
              f"{info['width']}×{info['height']}")  # fmt: skip
    ssim_ours, ssim_command = ssim(ours, master), ssim(command, master)
    ratio = t_ours / t_command
    print(f"SSIM vs master: ours {ssim_ours:.4f}, command {ssim_command:.4f}")
    print(f"time: ours {t_ours:.1f} s / command {t_command:.1f} s = {ratio:.2f}×")
    met = ratio <= TIME_TARGET and ssim_ours >= ssim_command - SSIM_MARGIN
    verdict(f"time {ratio:.2f}×, SSIM {ssim_ours:.4f} vs {ssim_command:.4f}",
            f"time ≤ {TIME_TARGET}×, SSIM ≥ command's − {SSIM_MARGIN}", met)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
