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
