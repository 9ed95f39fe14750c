"""Workers run below the pages' CPU priority (AYTADA_WORKER_NICE, issue 25): a render's ffmpeg
never starves Streamlit, which `up` leaves at the priority it was started with."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import tests.jobs.fault_steps  # noqa: F401  (the steps' fault wrappers, on the enqueue side too)
from aytada.core import media
from aytada.core.settings import SettingsError, load_settings
from aytada.jobs.runner import start_step
from tests.conftest import ROOT, wait_for
from tests.jobs.helpers import script_project


def niceness(pid: int) -> int:
    """The process's niceness as the kernel reports it (/proc/<pid>/stat, field 19)."""
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[16])


def test_a_worker_runs_at_the_niceness_set_and_its_step_children_inherit_it(
    workspace_id: int, start_worker
) -> None:
    started_at = os.nice(0)  # the worker starts where this test runs, then lowers itself
    worker = start_worker(AYTADA_WORKER_NICE="13", AYTADA_EXTRA_STEPS="tests.jobs.fault_steps")
    expected = max(13, started_at)
    wait_for(lambda: "running at niceness" in worker.output(), 60, what="the worker to start")
    assert niceness(worker.proc.pid) == expected == os.getpriority(os.PRIO_PROCESS, worker.proc.pid)
    assert f"running at niceness {expected} (AYTADA_WORKER_NICE)" in worker.output()
    # a step's child process (as ffmpeg or Piper) in the work-horse runs as low
    start_step(workspace_id, script_project(workspace_id), "script",
               params={"fault": "child-first:60"})  # fmt: skip
    pid_file = media.media_root() / "child.pid"
    child = int(wait_for(lambda: pid_file.exists() and pid_file.read_text(), what="the child"))
    assert niceness(child) == expected
    assert [niceness(horse) for horse in worker.horse_pids()] == [expected]
    assert os.nice(0) == started_at  # the test (as `up` and Streamlit) is left as it was


def test_the_default_is_10_and_0_leaves_the_worker_as_started(start_worker) -> None:
    started_at = os.nice(0)
    assert load_settings({}).worker_nice == 10
    default, off = start_worker(), start_worker(AYTADA_WORKER_NICE="0")
    for w in (default, off):
        wait_for(lambda w=w: "running at niceness" in w.output(), 60, what="the workers")
    assert niceness(default.proc.pid) == max(10, started_at)
    assert niceness(off.proc.pid) == started_at


@pytest.mark.parametrize("value", ["20", "-5", "high"])
def test_a_bad_niceness_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"AYTADA_WORKER_NICE": value})
    message = str(refused.value)
    assert f"AYTADA_WORKER_NICE={value!r}" in message
    expected = "a whole number" if value == "high" else "from 0 (off"
    assert expected in message and "Traceback" not in message


def test_a_worker_with_a_bad_niceness_does_not_start(app_env) -> None:
    env = {**os.environ, **app_env, "AYTADA_WORKER_NICE": "25", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "aytada", "worker"], env=env, text=True,
                         capture_output=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("error: Invalid setting AYTADA_WORKER_NICE='25'")
    assert "to 19 (the lowest priority), not 25" in out.stderr and "Traceback" not in out.stderr
