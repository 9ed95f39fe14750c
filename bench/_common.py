"""Helpers the issue-11 benchmarks share: the machine, the load and a clear verdict line.

Every benchmark prints its figure next to its target and ends with ``MET`` or ``MISSED``; it
exits 0 either way (these are measurements, not tests).
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def header(title: str) -> None:
    """The command, the machine and the load before the run."""
    print(f"== {title}")
    print(f"command: {shlex.join([sys.executable.replace(str(ROOT) + '/', ''), *sys.argv])}")
    print(f"machine: nproc {os.cpu_count()}, RAM {ram_gb():.1f} GB, CPU {cpu_model()}")
    print(f"load average before: {load()}", flush=True)


def verdict(figure: str, target: str, met: bool) -> None:
    """The result line: the figure, the target, MET or MISSED, and the load after the run."""
    print(f"RESULT: {figure} (target {target}): {'MET' if met else 'MISSED'}")
    print(f"load average after: {load()} (other load on the machine makes figures worse)",
          flush=True)  # fmt: skip


class Stack:
    """The embedded defaults on a fresh data folder: SQLite, the embedded Redis (unix socket),
    and real `aytada worker` processes, as `aytada up` starts them.

    ``env`` is applied to this process too (so ``aytada.core`` here talks to the same database
    and queue). Each worker leads a session of its own; :meth:`close` ends every process in it
    (and the embedded Redis), as does leaving a ``with Stack(...) as stack:`` block.
    """

    def __init__(self, data: Path, extra_env: dict[str, str] | None = None) -> None:
        import uuid

        self.data = data
        self.env = {
            "AYTADA_DATA_DIR": str(data),
            "AYTADA_IGNORE_FILES": "1",
            "AYTADA_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
            **(extra_env or {}),
        }
        for name in ("DATABASE_URL", "REDIS_URL", "MEDIA_DIR", "OPENAI_API_KEY",
                     "ELEVENLABS_API_KEY", "SHOTSTACK_API_KEY", "FAL_KEY"):  # fmt: skip
            if name not in self.env:
                os.environ.pop(name, None)
        os.environ.update(self.env)
        from aytada.core import db
        from aytada.core.settings import get_settings, reset_settings

        reset_settings()
        db.dispose_all()
        self.settings = get_settings()
        self.settings.media_dir.mkdir(parents=True, exist_ok=True)
        db.migrate()
        self.redis_proc = None
        if self.settings.embedded_redis:
            from aytada.jobs.queue import start_embedded_redis

            self.redis_proc = start_embedded_redis(self.settings)
        self.workers: list = []

    def start_worker(self, cpu: int | None = None, extra_env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        """One `aytada worker` (pinned to core ``cpu`` with taskset when given)."""
        import subprocess

        env = {**os.environ, **self.env, **(extra_env or {})}
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        cmd = [sys.executable, "-m", "aytada", "worker"]
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu), *cmd]
        log = self.data / f"worker{len(self.workers) + 1}.log"
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=open(log, "wb"),  # noqa: SIM115
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.workers.append(proc)
        return proc

    def wait_workers(self, count: int, timeout: float = 120) -> None:
        import time

        from rq import Worker

        from aytada.jobs.queue import get_queue, redis_conn

        deadline = time.monotonic() + timeout
        while Worker.count(connection=redis_conn(), queue=get_queue()) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"workers did not start (logs in {self.data})")
            for proc in self.workers:
                if proc.poll() is not None:
                    raise SystemExit(f"a worker exited (logs in {self.data})")
            time.sleep(0.1)

    def stop_workers(self) -> None:
        for proc in self.workers:
            stop_group(proc, 15)
        self.workers = []

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        from aytada.core import db

        self.stop_workers()
        db.dispose_all()
        if self.redis_proc is not None:
            self.redis_proc.terminate()
            self.redis_proc.wait(10)


def stop_group(proc: Any, wait: float) -> None:
    """Stop ``proc``'s process group: SIGTERM, then SIGKILL if it has not ended in ``wait`` s."""
    import signal
    import subprocess

    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
