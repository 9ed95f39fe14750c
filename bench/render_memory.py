"""Benchmark: render memory, the peak RSS of a worker + its ffmpeg during a 60 s 1080×1920 render.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/render_memory.py [--seconds 60] [--interval 0.05]

The embedded defaults on a fresh data folder and ONE real `aytada worker` (it leads a session of
its own: the worker, its work-horse and whatever that starts, ffmpeg and espeak-ng). A 60 s 9:16
Pro project gets its scenes through the queue; then the Render click (clips, voiceover, stitch)
runs to completion while every process of the worker's session is sampled from /proc every
``--interval`` seconds. Figure: the peak of the summed RSS of those processes (pages the
work-horse shares with the worker it forked from are counted twice, so this overstates; the
summed PSS, which shares them out, is printed beside it, for the whole render and for each
step). Targets: ≤ 250 MB (issue 11); issue 22 asks ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import Stack, header, load, verdict  # noqa: E402
from bench.click_to_playable import prepare_project  # noqa: E402

TARGET_MB = 250.0


def session_processes(sid: int) -> list[tuple[int, str]]:
    """(pid, command name) of the live processes of session ``sid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
            fields = rest.split()
        except (OSError, ValueError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append((int(entry.name), head.split("(", 1)[1]))
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB; (0, 0) when it is gone."""
    try:
        rss = pss = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
        return rss, pss
    except (OSError, ValueError):
        return 0, 0


class Sampler(threading.Thread):
    def __init__(self, sid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.sid, self.interval = sid, interval
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.at_peak: list[tuple[str, int]] = []
        self.by_name: dict[str, int] = {}
        self.samples = 0
        self.phase = ""  # the project's status, set by the main loop
        self.by_phase: dict[str, tuple[int, list[tuple[str, int]]]] = {}
        self.pss_by_phase: dict[str, tuple[int, list[tuple[str, int]]]] = {}

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            procs = [(name, *memory_kb(pid)) for pid, name in session_processes(self.sid)]
            self.samples += 1
            total_rss = sum(rss for _, rss, _ in procs)
            total_pss = sum(pss for _, _, pss in procs)
            for name, rss, _ in procs:
                self.by_name[name] = max(self.by_name.get(name, 0), rss)
            if total_rss > self.peak_rss:
                self.peak_rss = total_rss
                self.at_peak = [(name, rss) for name, rss, _ in procs]
            self.peak_pss = max(self.peak_pss, total_pss)
            if total_rss > self.by_phase.get(self.phase, (0, []))[0]:
                self.by_phase[self.phase] = (total_rss, [(name, rss) for name, rss, _ in procs])
            if total_pss > self.pss_by_phase.get(self.phase, (0, []))[0]:
                self.pss_by_phase[self.phase] = (total_pss, [(n, pss) for n, _, pss in procs])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--interval", type=float, default=0.05)
    args = ap.parse_args()
    header(f"render memory: one worker's process tree during a {args.seconds} s 1080×1920 render")

    from aytada.core import projects
    from aytada.jobs.runner import start_step

    data = Path(tempfile.mkdtemp(prefix="aytada-bench-memory-")) / "data"
    with Stack(data) as stack:
        worker = stack.start_worker()
        stack.wait_workers(1)
        ws, pid = prepare_project(args.seconds)
        print(f"project {pid}: scenes written through the queue (load {load()})", flush=True)
        sampler = Sampler(worker.pid, args.interval)
        sampler.start()
        t0 = time.perf_counter()
        start_step(ws, pid, "clip")
        while True:
            project = projects.get_project(ws, pid)
            sampler.phase = project.status
            if project.status == "completed":
                break
            if project.status == "failed":
                raise SystemExit(f"render failed: {project.error}")
            time.sleep(0.2)
        sampler.stop.set()
        sampler.join()
        print(f"render {time.perf_counter() - t0:.1f} s, {sampler.samples} samples")
        print("at the peak: " + ", ".join(f"{name} {rss / 1024:.0f} MB"
                                          for name, rss in sampler.at_peak))  # fmt: skip
        print(
            "peak RSS of each kind of process: "
            + ", ".join(
                f"{name} {rss / 1024:.0f} MB" for name, rss in sorted(sampler.by_name.items())
            )
        )
        for phase, (total, procs) in sampler.by_phase.items():
            print(
                f"  while {phase or 'starting'}: peak {total / 1024:.0f} MB = "
                + " + ".join(f"{name} {rss / 1024:.0f}" for name, rss in procs)
            )
        for phase, (total, procs) in sampler.pss_by_phase.items():
            print(
                f"  while {phase or 'starting'}: peak summed PSS {total / 1024:.0f} MB = "
                + " + ".join(f"{name} {pss / 1024:.0f}" for name, pss in procs)
            )
        peak = sampler.peak_rss / 1024
        print(f"peak summed PSS {sampler.peak_pss / 1024:.0f} MB (shared pages shared out; "
              "issue 22's target ≤ 300 MB)")  # fmt: skip
        verdict(f"peak summed RSS {peak:.0f} MB", f"≤ {TARGET_MB:.0f} MB", peak <= TARGET_MB)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
