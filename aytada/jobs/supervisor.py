"""`aytada up`'s children, supervised: a child that exits is started again; the app stays up.

Each child (the embedded Redis, the workers, the reconciler, Streamlit) runs in a process group
of its own (a Ctrl-C in the terminal reaches only `up`, which stops them in order) and gets a
signal from the kernel when `up` dies, so a SIGKILLed `up` leaves nothing running.

A child that exits while `up` runs is started again after a pause: 1 s, then twice as long
after each exit that follows a short run (at most AYTADA_RETRY_MAX seconds; a child that ran
for a minute starts again from 1 s). More than AYTADA_RESTARTS restarts of one child within
AYTADA_RESTART_WINDOW seconds hold it down until the oldest of them leaves the window (a child
that cannot start does not spin). Every exit and restart is logged on `up`'s output; only
Ctrl-C or SIGTERM stops everything.

The state is kept in a JSON file (`data/up.pids`): the children's pids, for the next `up` to
clean up after an `up` that could not, and each child's health, which the sidebar's health
line reads (:func:`health_line`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aytada.core.settings import get_settings
from aytada.jobs.procs import pid_alive, preexec_die_with_parent

FIRST_PAUSE = 1.0  # seconds before a child that exited is started again
STABLE_RUN = 60.0  # a child that ran this long starts again after FIRST_PAUSE
Launch = Callable[[], "subprocess.Popen[bytes] | None"]


def exit_reason(code: int | None) -> str:
    """How a child ended, for a person: "killed by SIGKILL", "exited with code 1"."""
    if code is None:
        return "running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


@dataclass
class Child:
    name: str
    launch: Launch | None  # None: cannot be started again (a process `up` did not start)
    proc: subprocess.Popen[bytes] | None
    started: float = field(default_factory=time.monotonic)
    restarts: deque[float] = field(default_factory=deque)  # wall-clock times, in the window
    pause: float = FIRST_PAUSE
    due: float | None = None  # monotonic time of the next start while it is down
    held: bool = False  # over the restart budget: waiting for the window
    last_exit: str = ""
    exited_at: float | None = None  # wall-clock time of the last exit


class Supervisor:
    """Children started by `up` / `demo`, restarted when they exit (:meth:`supervise`) and
    stopped together, newest first (SIGTERM, then SIGKILL)."""

    def __init__(self, pid_file: Path | None = None, say: Callable[[str], None] = print) -> None:
        self.children: list[Child] = []
        self.pid_file = pid_file
        self.say = say
        settings = get_settings()
        self.most = settings.retry_max
        self.budget = settings.restarts
        self.window = settings.restart_window
        self._record()

    # ------------------------------------------------------------------ starting

    @property
    def procs(self) -> list[tuple[str, subprocess.Popen[bytes]]]:
        return [(c.name, c.proc) for c in self.children if c.proc is not None]

    def add(self, name: str, proc: subprocess.Popen[bytes], launch: Launch | None = None) -> None:
        self.children.append(Child(name, launch, proc))
        self._record()

    def start(
        self,
        name: str,
        args: list[str],
        *,
        death_signal: int = signal.SIGTERM,
        log: Path | None = None,
        **kw: Any,
    ) -> subprocess.Popen[bytes]:
        """Start ``args`` as child ``name`` (output appended to ``log``, else `up`'s own), and
        start it the same way whenever it exits."""

        def launch() -> subprocess.Popen[bytes]:
            out = open(log, "ab") if log else None  # noqa: SIM115 - the child keeps its copy
            try:
                return subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT if out else None,
                    preexec_fn=preexec_die_with_parent(death_signal),  # noqa: PLW1509
                    process_group=0,
                    **kw,
                )
            finally:
                if out is not None:
                    out.close()

        proc = launch()
        self.add(name, proc, launch)
        return proc

    # ------------------------------------------------------------------ supervising

    def supervise(self) -> None:
        """One look at every child: note the ones that exited, start the ones that are due."""
        changed = False
        now = time.monotonic()
        for child in self.children:
            if child.proc is not None and child.proc.poll() is not None:
                self._exited(child, now)
                changed = True
            if child.proc is None and child.due is not None and now >= child.due:
                self._restart(child)
                changed = True
        if changed:
            self._record()

    def _exited(self, child: Child, now: float) -> None:
        assert child.proc is not None
        child.last_exit = exit_reason(child.proc.returncode)
        child.exited_at = time.time()
        child.proc = None
        if child.launch is None:
            self.say(f"{child.name} {child.last_exit}; it was not started by `up`: not restarted")
            return
        if now - child.started >= STABLE_RUN:
            child.pause = FIRST_PAUSE  # it had been running well: not a crash loop
        pause = min(child.pause, self.most)
        child.pause = min(child.pause * 2, self.most)
        self._forget_old(child)
        wall = time.time()
        if len(child.restarts) >= self.budget:  # over the budget: until the oldest leaves
            pause = max(pause, child.restarts[0] + self.window - wall)
            child.held = True
            until = datetime.fromtimestamp(wall + pause).strftime("%H:%M:%S")
            self.say(
                f"{child.name} {child.last_exit}; it was restarted {len(child.restarts)} times "
                f"in {self.window:g} s: held down until {until}"
            )
        else:
            child.held = False
            self.say(f"{child.name} {child.last_exit}; restarting it in {pause:g} s")
        child.due = now + pause

    def _forget_old(self, child: Child) -> None:
        horizon = time.time() - self.window
        while child.restarts and child.restarts[0] < horizon:
            child.restarts.popleft()

    def _restart(self, child: Child) -> None:
        assert child.launch is not None
        child.due = None
        child.held = False
        try:
            proc = child.launch()
        except Exception as exc:  # noqa: BLE001 - try again later, as if it had exited
            self.say(f"{child.name} could not be started: {exc}")
            child.proc = None
            child.last_exit = f"could not be started ({exc})"
            child.due = time.monotonic() + min(child.pause, self.most)
            child.pause = min(child.pause * 2, self.most)
            return
        child.restarts.append(time.time())
        child.started = time.monotonic()
        if proc is None:  # e.g. the embedded Redis: another one answers on its socket now
            self.say(f"{child.name}: another process serves it now; not restarted")
            child.launch = None
            return
        child.proc = proc
        self._forget_old(child)
        self.say(
            f"{child.name} restarted (PID {proc.pid}; {len(child.restarts)} restart(s) in the "
            f"last {self.window:g} s)"
        )

    def dead(self) -> list[str]:
        return [c.name for c in self.children if c.proc is None or c.proc.poll() is not None]

    # ------------------------------------------------------------------ stopping

    def stop(self, timeout: float = 12.0) -> None:
        """Stop newest first, each given its share of `timeout` before SIGKILL."""
        deadline = time.monotonic() + timeout
        live = [p for _n, p in reversed(self.procs) if p.poll() is None]
        for i, proc in enumerate(live):
            if proc.poll() is None:
                proc.terminate()
            share = max(0.5, (deadline - time.monotonic()) / (len(live) - i))
            try:
                proc.wait(share)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.children.clear()
        if self.pid_file is not None:
            self.pid_file.unlink(missing_ok=True)

    # ------------------------------------------------------------------ the state file

    def _record(self) -> None:
        if self.pid_file is None:
            return
        now = time.monotonic()
        health = {}
        for c in self.children:
            self._forget_old(c)
            state = "running" if c.proc is not None else ("held" if c.held else "restarting")
            if c.proc is None and c.launch is None:
                state = "stopped"
            health[c.name] = {
                "state": state,
                "pid": c.proc.pid if c.proc is not None else None,
                "restarts": list(c.restarts),
                "last_exit": c.last_exit,
                "exited_at": c.exited_at,
                "next_start": time.time() + (c.due - now) if c.due is not None else None,
            }
        data = {
            "up": os.getpid(),
            # the last pid of each child: the next `up` stops what an `up` that died left
            "children": {c.name: c.proc.pid for c in self.children if c.proc is not None},
            "window": self.window,
            "health": health,
        }
        tmp = self.pid_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.pid_file)


# --------------------------------------------------------------------------- the health line

ROLES = {"redis": "Redis", "reconciler": "the reconciler", "streamlit": "the web app"}


def _label(name: str) -> str:
    return ROLES.get(name, name)


def _clock(when: float) -> str:
    return datetime.fromtimestamp(when).strftime("%H:%M:%S")


def read_state(pid_file: Path | None = None) -> dict[str, Any] | None:
    """The state `up` keeps, while that `up` runs (None: no `up`, e.g. `streamlit run`)."""
    path = pid_file or get_settings().data_dir / "up.pids"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not pid_alive(int(data.get("up") or 0)):
        return None
    return data


def health_line(pid_file: Path | None = None) -> tuple[str, str] | None:
    """The sidebar's health line: (level, text), level "ok", "warning" or "error"; None when
    the app does not run under `aytada up`."""
    data = read_state(pid_file)
    if data is None or not isinstance(data.get("health"), dict):
        return None
    health: dict[str, dict[str, Any]] = data["health"]
    window = float(data.get("window") or 600)
    now = time.time()
    down, notes = [], []
    restarts = 0
    for name, h in health.items():
        recent = [t for t in h.get("restarts") or [] if t >= now - window]
        restarts += len(recent)
        state = h.get("state")
        if state in ("restarting", "held"):
            due = h.get("next_start")
            when = f"; starting again at {_clock(due)}" if due else ""
            held = " (restarted too often)" if state == "held" else ""
            down.append(f"{_label(name)} is down: {h.get('last_exit') or 'stopped'}{held}{when}")
        elif state == "stopped":
            down.append(f"{_label(name)} stopped: {h.get('last_exit') or 'exited'}")
        elif recent:
            notes.append(f"{_label(name)} restarted at {_clock(recent[-1])} ({h.get('last_exit')})")
    if down:
        return "error", " · ".join(down)
    workers = sum(1 for n in health if n.startswith("worker"))
    if notes:
        minutes = f"{window / 60:g} min"
        total = f"{restarts} restart{'s' if restarts != 1 else ''} in the last {minutes}"
        return "warning", " · ".join([*notes, total])
    return "ok", f"All services running ({workers} worker{'s' if workers != 1 else ''})"
