"""Benchmark: click-to-playable, a 30 s 9:16 Pro render through the real queue vs a direct render.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/click_to_playable.py [--workers 2] [--no-render-py]

The embedded defaults on a fresh data folder (SQLite, the embedded Redis, ``--workers`` real
`aytada worker` processes as `aytada up` starts them, offline providers). A campaign from the
render benchmark's brief (tests/providers/briefs.py GLOWCO, Direct Response) gets a 30 s 9:16
Pro video; ideas, script and scenes run through the queue first (not timed). Then:

1. queue: the Studio's Render click (``start_step(…, "clip")``: one clip job per scene, the
   voiceover when the last clip lands, then the stitch) until the project is ``completed`` with
   its MP4 on disk, polled every 50 ms;
2. direct, the same ad: the same step functions (``clip_run`` ×N on ``--workers`` threads,
   ``voiceover_run``, ``stitch_run``) with the same inputs (the generations' snapshots and keys,
   so the same stills and seeds), called in this process as bench/render.py does: no queue, no
   database;
3. ``bench/render.py --workers N`` itself (its own ad from the same brief), for reference.

Figure: queue time / direct time (the same ad). Target: ≤ 1.3×.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import Stack, header, load, verdict  # noqa: E402

TARGET = 1.3


class _Quiet:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def campaign_fields() -> dict[str, str]:
    """The render benchmark's brief (GLOWCO as a Direct Response ad) as campaign fields."""
    from tests.providers.briefs import GLOWCO

    return {
        "name": "Bench", "product_name": GLOWCO.product_name,
        "product_description": GLOWCO.product_description, "brand_name": GLOWCO.brand_name,
        "tone_of_voice": GLOWCO.tone_of_voice, "brand_colors": ",".join(GLOWCO.brand_colors),
        "awareness_stage": GLOWCO.awareness_stage, "industry": "Beauty & Skincare",
        "creative_style": "Direct Response", "persuasion_trigger": GLOWCO.persuasion_trigger,
        "audience": GLOWCO.audience, "messaging": GLOWCO.messaging, "goals": GLOWCO.goals,
    }  # fmt: skip


def prepare_project(seconds: int = 30) -> tuple[int, int]:
    """A 9:16 Pro project with its scenes written through the queue: (workspace, project)."""
    from aytada.cli import Progress, _start_next, _wait_idle
    from aytada.core import campaigns, projects, workspaces

    ws = workspaces.default_workspace_id()
    cid = campaigns.create_campaign(ws, campaign_fields())
    pid = projects.create_project(ws, cid, title="Bench 30 s", fmt="9:16", length_s=seconds,
                                  quality="pro")  # fmt: skip
    say = Progress(_Quiet())  # type: ignore[arg-type]
    deadline = time.monotonic() + 600
    project = _wait_idle(ws, pid, deadline, say)
    while project.status != "scenes_ready":
        if not _start_next(ws, project, say):
            raise SystemExit(f"project stopped at {project.status}: {project.error}")
        project = _wait_idle(ws, pid, deadline, say)
        if project.status == "failed":
            raise SystemExit(f"project failed: {project.error}")
    return ws, pid


def render_through_queue(ws: int, pid: int) -> tuple[float, Path]:
    """The Render click until the project is completed: (seconds, final MP4)."""
    from aytada.core import media, projects
    from aytada.jobs.runner import start_step

    t0 = time.perf_counter()
    start_step(ws, pid, "clip")
    while True:
        project = projects.get_project(ws, pid)
        if project.status == "completed":
            asset = projects.get_asset(ws, project.output_asset_id)
            assert asset is not None
            final = media.resolve(asset.path)
            if final.is_file():
                return time.perf_counter() - t0, final
        elif project.status == "failed":
            raise SystemExit(f"render failed: {project.error}")
        time.sleep(0.05)


def generation_report(pid: int) -> None:
    """Each render generation's wait in the queue and its run time, from the database."""
    from sqlalchemy import select

    from aytada.core.db import session_scope
    from aytada.core.models import Generation

    with session_scope() as s:
        gens = list(s.scalars(select(Generation).where(
            Generation.project_id == pid, Generation.step.in_(["clip", "voiceover", "stitch"]))
            .order_by(Generation.id)))  # fmt: skip
    first = min(g.created_at for g in gens)
    for g in gens:
        if g.started_at is None or g.finished_at is None:
            continue
        scene = f" {g.scene_index + 1}" if g.scene_index >= 0 else ""
        print(
            f"  {g.step + scene:<11} enqueued +{(g.created_at - first).total_seconds():6.2f} s, "
            f"waited {(g.started_at - g.created_at).total_seconds():6.2f} s, ran "
            f"{(g.finished_at - g.started_at).total_seconds():6.2f} s on pid {g.worker_pid}"
        )


def render_direct(pid: int, workers: int, out: Path) -> float:
    """The same render's step functions in this process (threads for the clips): seconds."""
    from sqlalchemy import select

    from aytada.core import media
    from aytada.core.db import session_scope
    from aytada.core.models import Generation, Project
    from aytada.jobs.runner import StepContext, _load_steps
    from aytada.jobs.steps import clip_run, stitch_run, voiceover_run

    _load_steps()
    with session_scope() as s:
        project = s.get(Project, pid)
        assert project is not None
        gens = list(s.scalars(select(Generation).where(
            Generation.project_id == pid, Generation.step.in_(["clip", "voiceover", "stitch"]),
            Generation.state == "succeeded").order_by(Generation.id)))  # fmt: skip
        ws = project.workspace_id

    def ctx(g: Generation, snapshot: dict | None = None) -> StepContext:
        workdir = out / g.key
        workdir.mkdir(parents=True, exist_ok=True)
        return StepContext(
            generation_id=g.id, key=g.key, step=g.step, scene_index=g.scene_index,
            workspace_id=ws, project_id=pid, snapshot=snapshot or dict(g.input_snapshot),
            workdir=workdir,
        )  # fmt: skip

    clips = sorted((g for g in gens if g.step == "clip"), key=lambda g: g.scene_index)
    [voice] = [g for g in gens if g.step == "voiceover"]
    [stitch] = [g for g in gens if g.step == "stitch"]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda g: clip_run(ctx(g)), clips))
    t_clips = time.perf_counter() - t0
    spoken = voiceover_run(ctx(voice))
    t_voice = time.perf_counter() - t0 - t_clips
    snapshot = {
        **stitch.input_snapshot, "segments": [r.output["segment"] for r in results],
        "voiceover": spoken.output["voiceover"], "music": spoken.output["music"],
    }  # fmt: skip
    final = stitch_run(ctx(stitch, snapshot))
    total = time.perf_counter() - t0
    print(
        f"  clips {t_clips:6.2f} s, voiceover {t_voice:6.2f} s, stitch "
        f"{total - t_clips - t_voice:6.2f} s; output {media.resolve(final.output['video'])}"
    )
    return total


def render_py(workers: int, seconds: int) -> float | None:
    """bench/render.py's own total wall time (its ad from the same brief)."""
    cmd = [sys.executable, str(ROOT / "bench" / "render.py"), "--workers", str(workers),
           "--seconds", str(seconds)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    match = re.search(r"total wall time\s+([\d.]+) s", proc.stdout)
    if proc.returncode or not match:
        print(f"  bench/render.py failed: {proc.stderr.strip()[-500:]}")
        return None
    return float(match.group(1))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--no-render-py", action="store_true", help="skip the bench/render.py run")
    args = ap.parse_args()
    header(f"click-to-playable: {args.seconds} s 9:16 Pro, {args.workers} workers, "
           "embedded defaults")  # fmt: skip

    data = Path(tempfile.mkdtemp(prefix="aytada-bench-c2p-")) / "data"
    with Stack(data) as stack:
        for _ in range(args.workers):
            stack.start_worker()
        stack.wait_workers(args.workers)
        ws, pid = prepare_project(args.seconds)
        print(f"project {pid}: scenes written through the queue; data in {data}", flush=True)

        print(f"queue (load {load()}):", flush=True)
        queued, final = render_through_queue(ws, pid)
        print(f"  click → playable {queued:6.2f} s ({final})")
        generation_report(pid)
        stack.stop_workers()  # nothing else running while the direct render is timed

        print(f"direct, the same ad (load {load()}):", flush=True)
        direct = render_direct(pid, args.workers, stack.settings.media_dir / "direct")
        print(f"  total {direct:6.2f} s")
        reference = None
        if not args.no_render_py:
            print(f"bench/render.py --workers {args.workers} (load {load()}):", flush=True)
            reference = render_py(args.workers, args.seconds)
            if reference is not None:
                print(f"  total {reference:6.2f} s (queue / render.py = {queued / reference:.2f}×)")
        ratio = queued / direct
        verdict(f"queue {queued:.1f} s / direct {direct:.1f} s = {ratio:.2f}×", f"≤ {TARGET}×",
                ratio <= TARGET)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
