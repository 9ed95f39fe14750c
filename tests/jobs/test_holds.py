"""Credits held at enqueue, with real `aytada worker` processes and a real Redis: starts the
balance cannot cover are refused at once (20 parallel banner starts on a balance for 5), a
render holds its whole chain and settles it, and every way work ends — success, a failed step,
a deleted project, Redis refusing the job, a work-horse killed and recovered by the reconciler —
settles or releases its hold exactly once. Throughout, the balance is the sum of the ledger.
"""

from __future__ import annotations

import os
import signal

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

import tests.jobs.fault_steps  # noqa: F401  (the same wrappers on the enqueue side)
from aytada.core import credits, projects, workspaces
from aytada.core.errors import QueueUnavailable
from aytada.jobs import queue as jobqueue
from aytada.jobs import runner
from aytada.jobs.procs import pid_alive
from aytada.jobs.reconcile import reconcile_once
from aytada.jobs.runner import STOPPED, retry_failed, start_step
from tests.conftest import all_at_once, wait_for
from tests.factories import SCENES, make_campaign, make_project, open_holds
from tests.jobs.fault_steps import arrivals, open_gate
from tests.jobs.helpers import charges as _charges
from tests.jobs.helpers import gens as _gens
from tests.jobs.helpers import ledger_consistent, script_project, spend_all_but
from tests.jobs.helpers import status as _status
from tests.test_cli import in_process

pytestmark = pytest.mark.usefixtures("small_renders")

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
CLIP = 15  # a standard-quality clip; voiceover and stitching cost 5 each
CHAIN = 3 * CLIP + 5 + 5


def _held(ws: int) -> int:
    return workspaces.get_credits(ws).held


def _render_project(ws: int) -> int:
    return make_project(ws, status="scenes_ready", scenes=SCENES, segments={},
                        quality="standard", fmt="1:1", length_s=15)  # fmt: skip


def _settled(pid: int) -> bool:
    rows = _gens(pid)
    return bool(rows) and all(g.state in ("succeeded", "failed") for g in rows)


# --------------------------------------------------------------------------- refused at once


def test_twenty_parallel_banner_starts_on_a_balance_for_five_start_five_and_refuse_fifteen(
    workspace_id, start_worker
):
    price = credits.price("banner")
    cid = make_campaign(workspace_id)
    pids = [make_project(workspace_id, cid, kind="banner", title=f"B{i}") for i in range(20)]
    spend_all_but(workspace_id, 5 * price)
    before = _charges()
    started: dict[int, int] = {}
    refused: dict[int, str] = {}

    def start(pid: int) -> None:
        try:
            started[pid] = start_step(workspace_id, pid, "design").credits
        except credits.NotEnoughCredits as exc:
            refused[pid] = str(exc)

    all_at_once(start, pids)
    assert sorted(started.values()) == [price] * 5 and len(refused) == 15
    assert set(refused.values()) == {
        f"Not enough credits: this needs {price}, the balance is 0 "
        f"({5 * price} more held by running work)."
    }
    # refused before anything was queued: no row, no job, the project still a draft
    for pid in refused:
        assert _gens(pid) == [] and _status(workspace_id, pid) == "draft"
    assert len(jobqueue.get_queue().job_ids) == 5
    assert _held(workspace_id) == 5 * price and workspaces.get_credits(workspace_id).available == 0
    workers = [start_worker(**FAULTS) for _ in range(2)]
    wait_for(lambda: all(_status(workspace_id, pid) == "completed" for pid in started),
             timeout=300, what="five banners")  # fmt: skip
    assert _charges() - before == 5 and workspaces.get_balance(workspace_id) == 0
    assert open_holds() == []
    ledger_consistent(workspace_id)
    for w in workers:
        assert "Traceback" not in w.output()


def test_make_refused_by_held_credits_says_so_and_credits_show_lists_the_hold(
    app_env, workspace_id, start_worker
):
    from rq import Worker

    start_worker(**FAULTS)  # `make` wants a worker listening
    wait_for(lambda: Worker.all(connection=jobqueue.redis_conn(), queue=jobqueue.get_queue()),
             what="the worker to register")  # fmt: skip
    spend_all_but(workspace_id, 11)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "gate:cli"})  # 2 held
    out = in_process(app_env, "credits", "show", "--last", "0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == [
        "balance 9 credits",
        "2 credits held by running work (the ledger's balance is 11 until it is charged or "
        "given back)",
    ]
    cid = make_campaign(workspace_id)
    out = in_process(app_env, "make", "banner", "--campaign", str(cid))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert (
        "Not enough credits: this needs 10, the balance is 9 (2 more held by running work)."
        in out.stderr
    )
    wait_for(lambda: arrivals("cli"), what="the script at its gate")
    open_gate("cli")
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    out = in_process(app_env, "credits", "show", "--last", "0")
    assert out.stdout.splitlines() == ["balance 9 credits"]
    ledger_consistent(workspace_id)


# --------------------------------------------------------------------------- the chain


def test_a_render_holds_its_whole_chain_and_settles_it(workspace_id, start_worker):
    pid = _render_project(workspace_id)
    started = start_step(workspace_id, pid, "clip", params={"fault": "gate:chain"})
    assert started.credits == CHAIN
    clips = {g.id for g in _gens(pid)}
    assert sorted(open_holds()) == sorted(
        [("clip", CLIP, g) for g in clips] + [("voiceover", 5, None), ("stitch", 5, None)]
    )
    shown = workspaces.get_credits(workspace_id)
    assert (shown.balance, shown.held, shown.available) == (1000, CHAIN, 1000 - CHAIN)
    workers = [start_worker(**FAULTS) for _ in range(2)]
    wait_for(lambda: len(arrivals("chain")) == 2, timeout=120, what="two clips made")
    open_gate("chain")
    wait_for(lambda: _status(workspace_id, pid) in ("completed", "failed"), timeout=300,
             what="render end")  # fmt: skip
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    charged = {g.step: g.credits_charged for g in _gens(pid) if g.step != "clip"}
    assert charged == {"voiceover": 5, "stitch": 5}
    assert workspaces.get_balance(workspace_id) == 1000 - CHAIN and open_holds() == []
    ledger_consistent(workspace_id)
    for w in workers:
        assert "Traceback" not in w.output()


def test_a_failed_clip_releases_its_hold_and_the_chain_and_the_retry_holds_again(
    workspace_id, start_worker
):
    pid = _render_project(workspace_id)
    start_step(workspace_id, pid, "clip", params={"fault": "raise-scene:1"})
    start_worker(**FAULTS)
    wait_for(lambda: _settled(pid), timeout=300, what="render settled")
    project = projects.get_project(workspace_id, pid)
    assert project.status == "failed" and project.failed_step == "clip"
    assert open_holds() == []  # the failed clip's and the chain's given back; the others charged
    assert workspaces.get_balance(workspace_id) == 1000 - 2 * CLIP
    started = retry_failed(workspace_id, pid)
    assert started.credits == CLIP + 5 + 5
    assert sorted(h[1] for h in open_holds()) == [5, 5, CLIP]
    wait_for(lambda: _status(workspace_id, pid) in ("completed", "failed"), timeout=300,
             what="retried render")  # fmt: skip
    assert _status(workspace_id, pid) == "completed"
    assert workspaces.get_balance(workspace_id) == 1000 - CHAIN and open_holds() == []
    ledger_consistent(workspace_id)


# --------------------------------------------------------------------------- ends of work


def test_a_failed_step_releases_its_hold(workspace_id, start_worker):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "raise"})
    assert _held(workspace_id) == 2
    start_worker(**FAULTS)
    wait_for(lambda: _status(workspace_id, pid) == "failed", what="failed")
    assert open_holds() == [] and _charges() == 0
    assert workspaces.get_credits(workspace_id) == workspaces.Credits(1000, 0)


def test_a_held_step_cannot_be_drained_by_other_charges(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "gate:drain"})
    wait_for(lambda: arrivals("drain"), what="the script's work done")
    with pytest.raises(credits.NotEnoughCredits, match="2 more held by running work"):
        spend_all_but(workspace_id, 0)  # 1000 of which 2 are held: refused
    spend_all_but(workspace_id, 2)  # what is not held: taken
    open_gate("drain")
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    assert workspaces.get_credits(workspace_id) == workspaces.Credits(0, 0)
    ledger_consistent(workspace_id)


def test_a_project_deleted_while_its_step_runs_gets_its_hold_back(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "gate:gone"})
    wait_for(lambda: arrivals("gone"), what="the script's work done")
    projects.soft_delete(workspace_id, pid)
    open_gate("gone")
    wait_for(lambda: _gens(pid)[0].state == "failed", what="discarded")
    assert open_holds() == [] and _charges() == 0


def test_redis_refusing_the_job_takes_the_hold_back_with_the_rows(workspace_id, monkeypatch):
    pid = _render_project(workspace_id)

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(runner, "_enqueue", refuse)
    with pytest.raises(QueueUnavailable, match="nothing was charged"):
        start_step(workspace_id, pid, "clip")
    assert _gens(pid) == [] and open_holds() == []
    assert _status(workspace_id, pid) == "scenes_ready"


def _kill_worker(worker, pid: int, run: int) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL the worker itself while its work-horse runs the step (run ``run``, recorded as
    running): nobody hands the step back (the horse dies with its worker), only the
    reconciler finds it."""
    wait_for(lambda: (g := _gens(pid)[0]).state == "running" and g.attempts == run,
             what=f"run {run + 1} running")  # fmt: skip
    (horse,) = wait_for(worker.horse_pids, what="work-horse")
    os.kill(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(10)
    wait_for(lambda: not pid_alive(horse), timeout=15, what="work-horse gone")


def test_a_work_horse_killed_mid_step_keeps_one_hold_until_the_rerun_settles_it(
    workspace_id, start_worker
):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "sleep-first:60"})
    (gen,) = _gens(pid)
    _kill_worker(start_worker(**FAULTS), pid, 0)
    assert _gens(pid)[0].state == "running" and _held(workspace_id) == 2
    assert reconcile_once() == [(gen.id, "requeued: its worker stopped")]
    assert open_holds() == [("script", 2, gen.id)]  # the same generation runs again, held once
    start_worker(**FAULTS)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="the second run")
    (gen,) = _gens(pid)
    assert (gen.state, gen.attempts, gen.credits_charged) == ("succeeded", 1, 2)
    assert open_holds() == [] and _charges() == 1 and workspaces.get_balance(workspace_id) == 998
    assert reconcile_once() == [] and open_holds() == []
    ledger_consistent(workspace_id)


def test_a_step_killed_twice_is_failed_by_the_reconciler_with_its_hold_released(
    workspace_id, start_worker
):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "sleep:60"})
    (gen,) = _gens(pid)
    for run, outcome in enumerate(
        ("requeued: its worker stopped", "failed: its worker stopped twice")
    ):
        _kill_worker(start_worker(**FAULTS), pid, run)
        assert reconcile_once() == [(gen.id, outcome)]
    project = projects.get_project(workspace_id, pid)
    assert (project.status, project.error) == ("failed", f"Script failed: {STOPPED}")
    assert open_holds() == [] and _charges() == 0
    assert workspaces.get_credits(workspace_id) == workspaces.Credits(1000, 0)
    assert reconcile_once() == [] and open_holds() == []
