"""Benchmark: scale-out, the clips of a 6-scene video with 1 vs 2 workers, each on its own core.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/scale_out.py [--media-url s3://bucket/prefix]

The embedded defaults (SQLite, the embedded Redis, offline providers) on a fresh data folder.
Two 30 s 9:16 Pro projects of the same campaign get their scenes through the queue (6 scenes
each). Then the clips of the first are rendered by ONE `aytada worker` pinned to core 0
(``taskset -c 0``; ffmpeg inherits the pinning), those of the second by TWO workers pinned to
cores 0 and 1. Figure: the clips' span (first clip enqueued → last clip finished, from the
generations' timestamps) with 1 worker / with 2. Target: speed-up ≥ 1.7×.

Media: the local folder (MEDIA_DIR under the data folder). ``--media-url`` sets MEDIA_URL for
this process and the workers (with the AWS_* variables of the environment), for the S3 store.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import Stack, header, load, verdict  # noqa: E402
from bench.click_to_playable import prepare_project  # noqa: E402

TARGET = 1.7


def clips_span(ws: int, pid: int, cores: list[int], stack: Stack) -> tuple[float, list[float]]:
    """Render the project's clips with one worker per core in ``cores``: (the clips' span,
    each clip's run time)."""
    from sqlalchemy import select

    from aytada.core import projects
    from aytada.core.db import session_scope
    from aytada.core.models import Generation
    from aytada.jobs.runner import start_step

    for cpu in cores:
        stack.start_worker(cpu=cpu)
    stack.wait_workers(len(cores))
    print(f"{len(cores)} worker(s) on core(s) {','.join(map(str, cores))} (load {load()}):",
          flush=True)  # fmt: skip
    workers = list(stack.workers)
    start_step(ws, pid, "clip")
    cpu = None
    while True:  # until the whole video is done, so nothing of it runs during the next round
        status = projects.get_project(ws, pid).status
        if cpu is None and status != "generating_video":
            # every clip's work-horse has been reaped (the voiceover's still runs): the CPU
            # time of the clips = what the workers' finished children used
            time.sleep(0.5)
            cpu = sum(children_cpu(w.pid) for w in workers)
        if status == "completed":
            break
        if status == "failed":
            raise SystemExit(f"render failed: {projects.get_project(ws, pid).error}")
        time.sleep(0.1)
    stack.stop_workers()
    with session_scope() as s:
        clips = list(s.scalars(select(Generation).where(
            Generation.project_id == pid, Generation.step == "clip")
            .order_by(Generation.scene_index)))  # fmt: skip
    for g in clips:
        assert g.started_at and g.finished_at
        ran = (g.finished_at - g.started_at).total_seconds()
        print(f"  clip {g.scene_index + 1}: ran {ran:6.2f} s on pid {g.worker_pid}")
    first = min(g.created_at for g in clips)
    last = max(g.finished_at for g in clips if g.finished_at)
    span = (last - first).total_seconds()
    print(
        f"  clips span {span:6.2f} s; CPU time of the clips {cpu:6.2f} s = {cpu / span:.2f} "
        f"of {len(cores)} core(s) obtained (the rest went to the machine's other load)"
    )
    taken = sorted(clips, key=lambda g: g.started_at)  # the queue's order (longest first)
    return span, [(g.finished_at - g.started_at).total_seconds() for g in taken]  # type: ignore[operator]


def children_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the finished, reaped children of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def fifo_bound(runs: list[float], workers: int) -> float:
    """The span of these job lengths taken in order by ``workers`` workers (the queue's FIFO;
    the runner queues a render's clips longest scene first)."""
    free = [0.0] * workers
    for run in runs:
        free[free.index(min(free))] += run
    return max(free)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--media-url", default="", help="MEDIA_URL for the run (e.g. s3://bucket/p)")
    args = ap.parse_args()
    header("scale-out: clips of a 6-scene video, 1 vs 2 workers pinned to their own cores")
    if (os.cpu_count() or 1) < 2:
        print("this machine has one core: nothing to scale out to")
        return 0

    data = Path(tempfile.mkdtemp(prefix="aytada-bench-scale-")) / "data"
    with Stack(data, {"MEDIA_URL": args.media_url} if args.media_url else None) as stack:
        print(f"media: {args.media_url or stack.settings.media_dir}")
        stack.start_worker()
        stack.start_worker()
        stack.wait_workers(2)
        ws, one = prepare_project()
        _, two = prepare_project()
        stack.stop_workers()
        print(f"projects {one} and {two}: scenes written through the queue", flush=True)
        single, runs = clips_span(ws, one, [0], stack)
        double, _ = clips_span(ws, two, [0, 1], stack)
        speedup = single / double
        bound = fifo_bound(runs, 2)
        print(f"the 1-worker clip times taken in queue order by 2 workers would span {bound:.1f} "
              f"s: {sum(runs) / bound:.2f}× is the most the job order allows")  # fmt: skip
        verdict(f"1 worker {single:.1f} s / 2 workers {double:.1f} s = {speedup:.2f}×",
                f"≥ {TARGET}×", speedup >= TARGET)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
