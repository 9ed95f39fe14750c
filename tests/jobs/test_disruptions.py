"""Disruptions around running steps, with real `aytada worker` processes and a real Redis:
a project deleted while its step runs, credits drained before the step stores its result,
Redis flushed mid-render, a worker on another host, and every branch of the reconciler that
`test_recovery.py` does not already take (RQ's stopped and canceled jobs, a job that finished
without storing a result, a timeout overrun, `aytada reconcile --loop`, RQ's failure callback).

A step waits at a gate (`fault_steps`: "gate:NAME") after its work is done, so a test can act
while it is *running* and then let it finish; no sleeps guess at timing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq.command import send_stop_job_command
from rq.job import Job, JobStatus
from sqlalchemy import func, select

import tests.jobs.fault_steps  # noqa: F401  (the same wrappers on the enqueue side)
from aytada.core import media, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.models import Asset, CreditLedgerEntry, Generation, Project, utcnow
from aytada.core.settings import get_settings
from aytada.jobs import queue as jobqueue
from aytada.jobs.reconcile import reconcile_once
from aytada.jobs.runner import STOPPED, retry_failed, start_step
from tests.conftest import ROOT, wait_for
from tests.factories import SCENES, drop_holds, make_project
from tests.jobs.fault_steps import arrivals, open_gate
from tests.jobs.helpers import charges as _charges
from tests.jobs.helpers import gens as _gens
from tests.jobs.helpers import script_project, spend_all_but
from tests.jobs.helpers import status as _status

pytestmark = pytest.mark.usefixtures("small_renders")  # orchestration: half-size frames

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
DELETED_RUNNING = "The project was deleted; the result was discarded and not charged."
DELETED_QUEUED = "The project was deleted; the step was skipped."
ELSEWHERE = "another-host"


def _script_at_gate(ws: int, gate: str, fault: str = "gate") -> int:
    """A :func:`script_project` whose step has done its work and waits, running, at ``gate``
    (``fault`` "gate-first": on its first run only) until the test calls `open_gate`."""
    pid = script_project(ws)
    start_step(ws, pid, "script", params={"fault": f"{fault}:{gate}"})
    wait_for(lambda: arrivals(gate), what=f"the step's work done (gate {gate})")
    return pid


def _raw(pid: int) -> Project:
    """The project row as stored (also once soft-deleted)."""
    with session_scope() as s:
        project = s.get(Project, pid)
        assert project is not None
        return project


def _workdir(ws: int, pid: int, gen: Generation) -> Path:
    return media.media_root() / f"ws{ws}" / f"p{pid}" / gen.key


def _assets(pid: int) -> list[Asset]:
    with session_scope() as s:
        return list(s.scalars(select(Asset).where(Asset.project_id == pid)))


def _elsewhere(gen_id: int, started_ago: float | None = None) -> None:
    """Record the generation's run as one on another host (the pid check cannot apply)."""
    with session_scope() as s:
        gen = s.get(Generation, gen_id)
        gen.worker_host = ELSEWHERE
        if started_ago is not None:
            gen.started_at = utcnow() - timedelta(seconds=started_ago)


def _job(gen: Generation) -> Job:
    return Job.fetch(gen.rq_job_id, connection=jobqueue.redis_conn())


def _script_failed(ws: int, pid: int, why: str) -> None:
    """The project failed at its script step, saying ``why``."""
    project = projects.get_project(ws, pid)
    assert (project.status, project.failed_step, project.error) == (
        "failed", "script", f"Script failed: {why}",
    )  # fmt: skip


def _ledger_consistent(ws: int) -> None:
    with session_scope() as s:
        total = s.scalar(
            select(func.sum(CreditLedgerEntry.delta)).where(CreditLedgerEntry.workspace_id == ws)
        )
        lowest = s.scalar(select(func.min(CreditLedgerEntry.balance_after)))
    assert total == workspaces.get_balance(ws) >= 0 and lowest >= 0


# --------------------------------------------------------------------------- delete


def test_a_project_deleted_while_its_step_runs_gets_no_result_no_charge_no_status(
    workspace_id, start_worker
):
    worker = start_worker(**FAULTS)
    pid = _script_at_gate(workspace_id, "del")
    (gen,) = _gens(pid)
    assert gen.state == "running" and _workdir(workspace_id, pid, gen).is_dir()
    projects.soft_delete(workspace_id, pid)
    open_gate("del")  # the job finishes after the delete
    wait_for(lambda: _gens(pid)[0].state not in ("queued", "running"), what="job end")
    (gen,) = _gens(pid)
    assert (gen.state, gen.error, gen.credits_charged) == ("failed", DELETED_RUNNING, 0)
    assert gen.output is None and _assets(pid) == []
    project = _raw(pid)
    assert (project.status, project.script, project.failed_step) == (
        "generating_script",
        None,
        None,
    )  # hidden as it was, not moved
    assert _charges() == 0 and workspaces.get_balance(workspace_id) == 1000
    assert not _workdir(workspace_id, pid, gen).exists()
    assert "Traceback" not in worker.output()


def test_a_project_deleted_before_its_step_runs_is_skipped(workspace_id, start_worker):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")
    projects.soft_delete(workspace_id, pid)
    start_worker(**FAULTS)
    wait_for(lambda: _gens(pid)[0].state not in ("queued", "running"), what="job end")
    (gen,) = _gens(pid)
    assert (gen.state, gen.error, gen.credits_charged) == ("failed", DELETED_QUEUED, 0)
    assert _raw(pid).status == "generating_script" and _charges() == 0
    assert not _workdir(workspace_id, pid, gen).exists()


# --------------------------------------------------------------------------- credits


def test_credits_drained_while_a_step_runs_fail_it_readably_with_nothing_stored(
    workspace_id, start_worker
):
    start_worker(**FAULTS)
    pid = _script_at_gate(workspace_id, "drain")  # 2 credits: ok
    drop_holds(pid)  # queued before credits were held (a held step cannot be drained: test_holds)
    spend_all_but(workspace_id, 1)
    open_gate("drain")
    wait_for(lambda: _status(workspace_id, pid) != "generating_script", what="step end")
    project = projects.get_project(workspace_id, pid)
    assert project.status == "failed" and project.failed_step == "script"
    assert project.error == "Script failed: Not enough credits: this needs 2, the balance is 1."
    assert project.script is None  # the result was not half stored
    (gen,) = _gens(pid)
    assert (gen.state, gen.credits_charged, gen.output) == ("failed", 0, None)
    assert _assets(pid) == [] and not _workdir(workspace_id, pid, gen).exists()
    assert workspaces.get_balance(workspace_id) == 1
    _ledger_consistent(workspace_id)
    # after a top-up the retry runs the step again and charges it once
    workspaces.add_credits(workspace_id, 10)
    retry_failed(workspace_id, pid)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="retried")
    assert workspaces.get_balance(workspace_id) == 9 and _charges() == 2  # the other + this
    _ledger_consistent(workspace_id)


# --------------------------------------------------------------------------- Redis flushed


def test_redis_flushed_mid_render_loses_no_clip_and_charges_each_once(
    workspace_id, start_worker, redis_url
):
    workers = [start_worker(**FAULTS) for _ in range(2)]
    pid = make_project(
        workspace_id,
        status="scenes_ready",
        scenes=SCENES,
        segments={},
        quality="standard",
        fmt="1:1",
    )
    start_step(workspace_id, pid, "clip", params={"fault": "gate:flush"})
    wait_for(lambda: len(arrivals("flush")) == 2, timeout=120, what="two clips rendered")
    clips = _gens(pid)
    running = sorted(g.id for g in clips if g.state == "running")
    (waiting,) = [g.id for g in clips if g.state == "queued"]
    assert len(running) == 2
    Redis.from_url(redis_url).flushdb()  # Redis restarted empty
    # a running clip whose job is gone but whose work-horse is alive here is left alone even
    # with no grace at all; the queued clip Redis lost is enqueued again
    assert reconcile_once(grace_seconds=0, queued_grace=0) == [
        (waiting, "enqueued again: its job was gone from Redis")
    ]
    assert reconcile_once(grace_seconds=0, queued_grace=0) == []
    open_gate("flush")
    wait_for(
        lambda: _status(workspace_id, pid) in ("completed", "failed"),
        timeout=300,
        what="render end",
    )
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    assert sorted((g.step, g.state, g.attempts) for g in _gens(pid)) == sorted(
        [("clip", "succeeded", 0)] * 3 + [("voiceover", "succeeded", 0), ("stitch", "succeeded", 0)]
    )
    assert sorted(project.segments) == ["0", "1", "2"]
    assert _charges() == 5 and workspaces.get_balance(workspace_id) == 1000 - 3 * 15 - 5 - 5
    for w in workers:
        assert "Traceback" not in w.output()


def test_redis_flushed_while_another_host_runs_a_step_runs_it_again_after_the_grace(
    workspace_id, start_worker, redis_url
):
    worker = start_worker(**FAULTS)
    pid = _script_at_gate(workspace_id, "lost", fault="gate-first")
    (gen,) = _gens(pid)
    _elsewhere(gen.id)
    Redis.from_url(redis_url).flushdb()
    assert reconcile_once(grace_seconds=300) == []  # it may still be running over there
    acted = wait_for(lambda: reconcile_once(grace_seconds=1), timeout=30, what="grace over")
    assert acted == [(gen.id, "requeued: its worker stopped")]
    assert jobqueue.get_queue().job_ids == [gen.rq_job_id]  # run again: same row, same job id
    # the first run was only cut off from Redis: it finishes now, and its result is dropped
    open_gate("lost")
    wait_for(
        lambda: _status(workspace_id, pid) != "generating_script", timeout=60, what="the second run"
    )
    assert _status(workspace_id, pid) == "script_ready"
    (gen,) = _gens(pid)
    assert (gen.state, gen.attempts, gen.credits_charged) == ("succeeded", 1, 2)
    assert _charges() == 1 and workspaces.get_balance(workspace_id) == 998
    assert "was already closed; result dropped" in worker.output()


# --------------------------------------------------------------------------- another host


def test_a_live_worker_on_another_host_is_left_alone(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = _script_at_gate(workspace_id, "remote")
    (gen,) = _gens(pid)
    _elsewhere(gen.id, started_ago=120)
    # its job is started and heartbeating: no grace needed, nothing to do
    assert _job(gen).get_status() == JobStatus.STARTED
    assert reconcile_once(grace_seconds=0, queued_grace=0) == []
    assert reconcile_once(grace_seconds=0, queued_grace=0) == []
    open_gate("remote")
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    (gen,) = _gens(pid)
    assert (gen.state, gen.attempts, gen.credits_charged, _charges()) == ("succeeded", 0, 2, 1)


def test_a_job_stopped_in_rq_on_another_host_runs_again_once_then_fails(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "sleep:120"})
    conn = jobqueue.redis_conn()
    for run, outcome in (
        (0, "requeued: its worker stopped"),
        (1, "failed: its worker stopped twice"),
    ):
        wait_for(
            lambda r=run: (
                (g := _gens(pid)[0]).state == "running"
                and g.attempts == r
                and _job(g).get_status() == JobStatus.STARTED
            ),
            what=f"run {run + 1}",
        )
        (gen,) = _gens(pid)
        _elsewhere(gen.id)  # the reconciler cannot look at the pid: only RQ's registry tells
        send_stop_job_command(conn, gen.rq_job_id)  # RQ's own stop: it kills the work-horse
        wait_for(lambda g=gen: _job(g).get_status() == JobStatus.STOPPED, what="stopped")
        assert _gens(pid)[0].state == "running"  # RQ told nobody
        assert reconcile_once() == [(gen.id, outcome)]
    project = projects.get_project(workspace_id, pid)
    assert project.status == "failed" and project.failed_step == "script"
    assert project.error == f"Script failed: {STOPPED}"
    (gen,) = _gens(pid)
    assert (gen.state, gen.attempts, gen.credits_charged, _charges()) == ("failed", 2, 0, 0)
    assert not _workdir(workspace_id, pid, gen).exists()


# --------------------------------------------------------------------------- other branches


def test_a_queued_job_canceled_in_rq_fails_its_step_readably(workspace_id, start_worker):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")  # no worker yet: stays queued
    (gen,) = _gens(pid)
    _job(gen).cancel()
    assert _job(gen).get_status() == JobStatus.CANCELED
    assert reconcile_once() == [(gen.id, "failed: its job was canceled before the step started")]
    project = projects.get_project(workspace_id, pid)
    assert (project.status, project.error) == (
        "failed",
        "Script failed: Its job was canceled in the queue before the step started.",
    )
    assert _charges() == 0 and reconcile_once() == []
    start_worker(**FAULTS)
    retry_failed(workspace_id, pid)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="retried")
    assert workspaces.get_balance(workspace_id) == 998


def test_a_job_that_finished_without_storing_a_result_fails_its_step(workspace_id, start_worker):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")
    (gen,) = _gens(pid)
    with session_scope() as s:  # a run elsewhere claimed it, then vanished before storing
        row = s.get(Generation, gen.id)
        row.state, row.started_at, row.worker_host = "running", utcnow(), ELSEWHERE
    worker = start_worker(**FAULTS)  # runs the job: the generation is not queued, it skips
    wait_for(lambda: _job(gen).get_status() == JobStatus.FINISHED, what="job finished")
    assert "skipped (generation is running)" in str(_job(gen).return_value())
    assert reconcile_once() == [(gen.id, "failed: ended without storing a result")]
    _script_failed(workspace_id, pid, "The step ended without storing a result.")
    assert _gens(pid)[0].credits_charged == 0 and _charges() == 0
    assert "Traceback" not in worker.output()


def test_a_step_running_past_its_timeout_on_another_host_fails_and_its_late_result_is_dropped(
    workspace_id, start_worker
):
    worker = start_worker(**FAULTS)
    pid = _script_at_gate(workspace_id, "late")
    (gen,) = _gens(pid)
    assert reconcile_once(grace_seconds=0) == []
    _elsewhere(gen.id, started_ago=get_settings().job_timeout + 180)
    assert reconcile_once() == [(gen.id, "failed: job timeout")]
    _script_failed(workspace_id, pid, "The step took too long and was stopped (job timeout).")
    open_gate("late")  # the overrunning run ends after all: nothing of it is kept
    wait_for(lambda: _job(gen).get_status() == JobStatus.FINISHED, what="late run ended")
    (gen,) = _gens(pid)
    assert (gen.state, gen.credits_charged, gen.output) == ("failed", 0, None)
    assert projects.get_project(workspace_id, pid).script is None
    assert _charges() == 0 and workspaces.get_balance(workspace_id) == 1000
    assert "was already closed; result dropped" in worker.output()


def test_the_reconcile_loop_enqueues_lost_work_until_stopped(workspace_id, start_worker, app_env):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")
    (gen,) = _gens(pid)
    with session_scope() as s:  # queued a minute ago, and Redis lost the job since
        s.get(Generation, gen.id).created_at = utcnow() - timedelta(minutes=1)
    _job(gen).delete()
    log = Path(app_env["MEDIA_DIR"]).parent / "reconciler.log"
    env = {**os.environ, **app_env, **FAULTS, "RECONCILE_INTERVAL": "0.5", "PYTHONPATH": str(ROOT)}
    loop = subprocess.Popen(
        [sys.executable, "-m", "aytada", "reconcile", "--loop"],
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: jobqueue.get_queue().job_ids == [gen.rq_job_id],
            timeout=30,
            what=f"the loop's pass\n{log.read_text(errors='replace')}",
        )
        start_worker(**FAULTS)
        wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
        assert loop.poll() is None  # still looping
    finally:
        loop.send_signal(signal.SIGTERM)
        code = loop.wait(15)
    assert code == 0
    out = log.read_text(errors="replace")
    assert f"generation {gen.id} enqueued again: its job was gone from Redis" in out
    assert out.count("its job was gone from Redis") == 1 and "Traceback" not in out
    assert _charges() == 1


def test_a_job_that_fails_before_its_step_starts_is_recorded_by_the_failure_callback(
    workspace_id, start_worker
):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")
    (gen,) = _gens(pid)
    blocker = media.media_root() / f"ws{workspace_id}"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # the worker cannot make the step's work folder
    start_worker(**FAULTS)
    wait_for(lambda: _status(workspace_id, pid) == "failed", what="failed")
    project = projects.get_project(workspace_id, pid)
    assert project.failed_step == "script"
    assert project.error.startswith(
        "Script failed: Unexpected error in the step (NotADirectoryError"
    )
    assert "Traceback" not in project.error
    (gen,) = _gens(pid)
    assert (gen.state, gen.credits_charged, _charges()) == ("failed", 0, 0)
    assert _job(gen).get_status() == JobStatus.FAILED  # RQ saw the exception, and told us
    assert reconcile_once() == []
    blocker.unlink()
    retry_failed(workspace_id, pid)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="retried")
    assert _charges() == 1
