"""Job lifecycle with a real Redis and real `aytada worker` processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

import pytest

import tests.jobs.fault_steps  # noqa: F401  (same wrappers on the enqueue side)
from aytada.core import projects, workspaces
from aytada.core.settings import reset_settings
from aytada.jobs.runner import retry_failed, start_step
from tests.conftest import ROOT, wait_for
from tests.factories import make_project
from tests.jobs.helpers import charges as _charges
from tests.jobs.helpers import gens as _gens
from tests.jobs.helpers import running_script, script_project
from tests.jobs.helpers import status as _status

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}


def test_success_path_stores_output_charges_and_moves_status(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = make_project(workspace_id)
    start_step(workspace_id, pid, "ideas")
    assert _status(workspace_id, pid) == "generating_ideas"  # moved at enqueue time
    wait_for(lambda: _status(workspace_id, pid) == "ideas_ready", what="ideas_ready")
    project = projects.get_project(workspace_id, pid)
    assert len(project.ideas) == 3
    projects.choose_idea(workspace_id, pid, 1)
    start_step(workspace_id, pid, "script")
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    gens = _gens(pid)
    assert [(g.step, g.state) for g in gens] == [("ideas", "succeeded"), ("script", "succeeded")]
    assert gens[1].provider == "offline" and gens[1].credits_charged == 2
    assert gens[1].input_snapshot["idea"] == project.ideas[1]
    assert workspaces.get_balance(workspace_id) == 998


def test_exception_fails_project_with_error_and_charges_nothing(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "raise"})
    wait_for(lambda: _status(workspace_id, pid) == "failed", what="failed")
    project = projects.get_project(workspace_id, pid)
    assert project.failed_step == "script"
    assert "boom from the test step" in project.error
    assert "Traceback" not in project.error
    (gen,) = _gens(pid)
    assert gen.state == "failed" and gen.credits_charged == 0
    assert _charges() == 0 and workspaces.get_balance(workspace_id) == 1000
    # retry re-runs only the failed step and succeeds
    retry_failed(workspace_id, pid)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    assert workspaces.get_balance(workspace_id) == 998


def test_job_timeout_fails_the_project(workspace_id, start_worker, monkeypatch):
    monkeypatch.setenv("JOB_TIMEOUT", "2")
    reset_settings()
    start_worker(**FAULTS)
    pid = make_project(workspace_id)
    start_step(workspace_id, pid, "ideas", params={"fault": "sleep:20"})
    wait_for(lambda: _status(workspace_id, pid) == "failed", timeout=40, what="failed")
    project = projects.get_project(workspace_id, pid)
    assert project.failed_step == "ideas"
    assert "too long" in project.error
    assert _gens(pid)[0].state == "failed"


def _reconcile(env: dict[str, str]) -> str:
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "aytada", "reconcile"],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("victim", ["work-horse", "worker and work-horse"])
def test_sigkill_mid_step_runs_it_again_once_and_charges_once(
    workspace_id, start_worker, app_env, victim
):
    worker = start_worker(**FAULTS)
    pid = running_script(workspace_id, "sleep-first:60")
    horses = wait_for(worker.horse_pids, what="work-horse")
    if victim != "work-horse":
        os.kill(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(10)
    for h in horses:
        with contextlib.suppress(ProcessLookupError):  # it may have died with its worker
            os.kill(h, signal.SIGKILL)
    if victim != "work-horse":
        # the horse followed its worker; the reconciler hands the step back, a new worker runs it
        assert _status(workspace_id, pid) == "generating_script"
        out = wait_for(
            lambda: "1 generation(s) run again" in (o := _reconcile(app_env)) and o,
            timeout=30,
            what="reconcile",
        )
        assert "requeued" in out
        start_worker(**FAULTS)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", timeout=60, what="script_ready")
    (gen,) = _gens(pid)  # the same generation row, run a second time
    assert (gen.state, gen.attempts, gen.credits_charged) == ("succeeded", 1, 2)
    assert _charges() == 1
    assert workspaces.get_balance(workspace_id) == 1000 - gen.credits
