"""Benchmark: queue overhead, enqueue → job start with an idle worker, 200 jobs.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/queue_overhead.py [--jobs 200] [--redis-url redis://127.0.0.1:6379/12]

The embedded defaults (SQLite, the embedded Redis on a unix socket; or ``--redis-url``) and one
real `aytada worker` (the forking RQ worker the product runs). Each job is a trivial function
(bench/queue_job.py) that records ``time.time()`` as its first statement and pushes it to a
Redis list; the benchmark enqueues it with the product's options (``runner._enqueue``: timeout,
TTLs, failure callback, meta) right after noting the time, waits for the stamp, then for the
worker to be idle again. Figure: median of (job start − enqueue). Target: ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import Stack, header, verdict  # noqa: E402

TARGET_MS = 50.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("--redis-url", default="", help="a Redis server instead of the embedded one")
    args = ap.parse_args()
    header(f"queue overhead: enqueue → job start, idle worker, {args.jobs} jobs")

    data = Path(tempfile.mkdtemp(prefix="aytada-bench-queue-")) / "data"
    with Stack(data, {"REDIS_URL": args.redis_url} if args.redis_url else None) as stack:
        from rq import Callback, Worker

        from aytada.jobs.queue import get_queue, redis_conn
        from aytada.jobs.runner import on_job_failure

        print(f"Redis: {stack.settings.effective_redis_url}; database: "
              f"{stack.settings.database_url}")  # fmt: skip
        stack.start_worker()
        stack.wait_workers(1)
        queue, conn = get_queue(), redis_conn()
        [worker] = Worker.all(connection=conn, queue=queue)
        key = f"{queue.name}:stamps"

        def one() -> tuple[float, float]:
            enqueued = time.time()
            job = queue.enqueue_call(
                "bench.queue_job.stamp", args=(key,), timeout=stack.settings.job_timeout,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600, on_failure=Callback(on_job_failure),
                description="bench", meta={"attempt": 0},
            )  # fmt: skip
            call = time.time() - enqueued
            got = conn.blpop([key], timeout=60)
            if got is None:
                raise SystemExit(f"no job started within 60 s (worker log in {data})")
            started = float(got[1])
            # idle again: the job is finished and the worker waits on the queue
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                worker.refresh()
                if job.get_status(refresh=True) == "finished" and worker.state == "idle":
                    break
                time.sleep(0.005)
            time.sleep(0.02)
            return (started - enqueued) * 1000, call * 1000

        for _ in range(5):  # warm-up: imports in the worker, connections
            one()
        delays, calls = [], []
        for _ in range(args.jobs):
            delay, call = one()
            delays.append(delay)
            calls.append(call)
        median = statistics.median(delays)
        q = statistics.quantiles(delays, n=20)
        print(f"enqueue call (client side): median {statistics.median(calls):.1f} ms")
        print(f"enqueue → job start: median {median:.1f} ms, p5 {q[0]:.1f} ms, p95 {q[-1]:.1f} "
              f"ms, max {max(delays):.1f} ms over {args.jobs} jobs")  # fmt: skip
        verdict(f"median {median:.1f} ms", f"≤ {TARGET_MS:g} ms", median <= TARGET_MS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
