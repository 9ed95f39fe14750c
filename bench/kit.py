"""Benchmark: the whole kit offline, from the click to the zip, on the default two workers.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/kit.py [--length 15] [--quality standard] [--workers 2]

The embedded defaults (SQLite, the embedded Redis, offline providers) on a fresh data folder,
`--workers` real `aytada worker` processes (2: what `aytada up` starts). One campaign (the
render benchmark's brief), then `aytada.jobs.kits.start_kit` — what the Hub's button and
`aytada make kit` call — and a wait until the kit is packaged. Figure: click → zip. Target:
≤ 120 s. The breakdown: each part's span (its first step queued → its last step finished) and
the time its steps ran, each step's total run time across parts, the queue's wait, the
packaging, and the credits charged against the quote.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import Stack, header, load, verdict  # noqa: E402
from bench.click_to_playable import campaign_fields  # noqa: E402

TARGET = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=15)
    parser.add_argument("--quality", default="standard")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    header(f"the kit offline, {args.length} s {args.quality}, {args.workers} workers")
    with tempfile.TemporaryDirectory(prefix="aytada-bench-kit-") as tmp, Stack(Path(tmp)) as stack:
        from sqlalchemy import select

        from aytada.core import campaigns, kits, media, workspaces
        from aytada.core.db import session_scope
        from aytada.core.models import Generation
        from aytada.jobs.kits import start_kit

        for _ in range(args.workers):
            stack.start_worker()
        stack.wait_workers(args.workers)
        ws = workspaces.default_workspace_id()
        cid = campaigns.create_campaign(ws, campaign_fields())
        print(f"{args.workers} workers up (load {load()}); making the kit…", flush=True)
        t0 = time.perf_counter()
        kit_id = start_kit(ws, cid, length_s=args.length, quality=args.quality)
        while True:
            view = kits.kit_view(ws, kit_id)
            if view.finished and view.packaged_at is not None:
                break
            if time.perf_counter() - t0 > 1200:
                raise SystemExit("the kit did not finish in 20 minutes")
            time.sleep(0.25)
        total = time.perf_counter() - t0
        ids = [p.project_id for p in view.parts]
        with session_scope() as s:
            gens = s.scalars(select(Generation).where(Generation.project_id.in_(ids))).all()
            rows = [(g.project_id, g.step, g.created_at, g.started_at, g.finished_at)
                    for g in gens]  # fmt: skip
        first = min(created for _, _, created, _, _ in rows)
        by_part: dict[int, list] = defaultdict(list)
        by_step: dict[str, float] = defaultdict(float)
        waited = 0.0
        for pid, step, created, started, finished in rows:
            by_part[pid].append((created, started, finished))
            if started and finished:
                by_step[step] += (finished - started).total_seconds()
                waited += (started - created).total_seconds()
        print(f"\n{'part':<18} {'status':<10} {'starts':>7} {'ends':>7} {'ran':>7} {'credits':>8}")
        last_end = first
        for part in view.parts:
            times = by_part[part.project_id]
            start = min(c for c, _, _ in times)
            end = max(f for _, _, f in times if f)
            ran = sum((f - s).total_seconds() for _, s, f in times if s and f)
            last_end = max(last_end, end)
            starts, ends = (start - first).total_seconds(), (end - first).total_seconds()
            print(f"{part.part.label:<18} {part.status:<10} {starts:>6.1f}s {ends:>6.1f}s "
                  f"{ran:>6.1f}s {part.charged:>8}")  # fmt: skip
        print("\nstep run time, summed over parts (two workers run two at once):")
        for step, seconds in sorted(by_step.items(), key=lambda kv: -kv[1]):
            print(f"  {step:<10} {seconds:6.1f} s")
        busy = sum(by_step.values())
        print(f"  {'all':<10} {busy:6.1f} s of work; the queue's wait summed over steps "
              f"{waited:.1f} s")  # fmt: skip
        packaged = view.packaged_at.replace(tzinfo=None) if view.packaged_at else last_end
        pack_s = (packaged - last_end.replace(tzinfo=None)).total_seconds()
        print(f"packaging (last part done → zip recorded): {pack_s:.1f} s")
        size = media.fetch(view.zip_path).stat().st_size / 1e6
        print(f"zip: {size:.1f} MB; charged {view.charged} of {view.quoted} credits quoted")
        verdict(f"click → zip {total:.1f} s", f"≤ {TARGET:.0f} s", total <= TARGET)


if __name__ == "__main__":
    main()
