"""Child processes that die with their parent (Linux `PR_SET_PDEATHSIG`), and process scans.

`aytada up` starts Redis, workers, the reconciler and Streamlit; a worker forks work-horses;
a work-horse runs ffmpeg. When any parent is killed outright (SIGKILL: no chance to clean up),
the kernel sends its children the signal chosen here, so nothing is left running.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

PR_SET_PDEATHSIG = 1
_libc = None


def _prctl_pdeathsig(sig: int) -> bool:
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        return _libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(sig: int = signal.SIGTERM, parent: int | None = None) -> None:
    """Ask the kernel to send `sig` to this process when its parent dies.

    `parent` is the pid the caller expects as parent: if it is already gone (the parent died
    between fork and this call), the signal is sent at once."""
    _prctl_pdeathsig(sig)
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), sig)


def preexec_die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A `preexec_fn` for `subprocess.Popen`: the child gets `sig` when this process dies."""
    parent = os.getpid()

    def _preexec() -> None:
        die_with_parent(sig, parent)

    return _preexec


def pid_alive(pid: int) -> bool:
    """True when the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except OSError as exc:
        import errno

        return exc.errno == errno.EPERM
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def cmdline(pid: int) -> str:
    """The process's command line ('' when it is gone)."""
    try:
        return (
            Path(f"/proc/{pid}/cmdline")
            .read_bytes()
            .replace(b"\0", b" ")
            .decode(errors="replace")
            .strip()
        )
    except OSError:
        return ""


def lower_priority(niceness: int) -> int:
    """Run this process (and every process it starts after: work-horses, ffmpeg, Piper) at
    ``niceness`` at least: a worker below the pages (AYTADA_WORKER_NICE). 0, or a process
    already that nice, is left as it is. Returns the niceness it runs at."""
    now = os.nice(0)
    if niceness > now:
        now = os.nice(niceness - now)
    return now
