"""Recovery without a paid retry: lost queue entries, dead workers, failed steps, restarts.

Real Redis, real `aytada worker` processes and real SIGKILLs; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq.job import Job

import tests.jobs.fault_steps  # noqa: F401  (same wrappers on the enqueue side)
from aytada.core import media, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.errors import Conflict, QueueUnavailable
from aytada.core.models import Generation
from aytada.core.settings import get_settings, reset_settings
from aytada.jobs import queue as jobqueue
from aytada.jobs import runner
from aytada.jobs.procs import pid_alive
from aytada.jobs.reconcile import reconcile_once
from aytada.jobs.runner import retry_failed, start_step
from aytada.providers.base import ProviderTimeout
from tests.conftest import ROOT, wait_for
from tests.environment import scratch_redis
from tests.factories import SCENES, make_project
from tests.jobs.helpers import charges as _charges
from tests.jobs.helpers import gens as _gens
from tests.jobs.helpers import running_script, script_project
from tests.jobs.helpers import status as _status

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("small_renders")]  # `up`, workers

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}


def _workdir(ws: int, pid: int, gen: Generation) -> Path:
    return media.media_root() / f"ws{ws}" / f"p{pid}" / gen.key


def _kill_horse(worker) -> int:  # type: ignore[no-untyped-def]
    (horse,) = wait_for(worker.horse_pids, what="work-horse")
    os.kill(horse, signal.SIGKILL)
    wait_for(lambda: not pid_alive(horse), timeout=10, what="horse gone")
    return horse


def test_a_queued_job_lost_from_redis_runs_again_with_no_charge_for_the_loss(
    workspace_id, start_worker
):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")
    (gen,) = _gens(pid)
    Job.fetch(gen.rq_job_id, connection=jobqueue.redis_conn()).delete()  # Redis lost it
    assert jobqueue.get_queue().count == 0
    start_worker(**FAULTS)  # a starting worker enqueues queued work whose job is gone
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    (gen,) = _gens(pid)  # the same row, run once
    assert (gen.state, gen.attempts, gen.credits_charged) == ("succeeded", 0, 2)
    assert _charges() == 1 and workspaces.get_balance(workspace_id) == 998


def test_the_reconciler_enqueues_a_lost_queued_job_again(workspace_id, start_worker):
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script")
    (gen,) = _gens(pid)
    Job.fetch(gen.rq_job_id, connection=jobqueue.redis_conn()).delete()  # Redis was flushed
    assert reconcile_once() == []  # a row created a moment ago may still be being enqueued
    assert reconcile_once(queued_grace=0) == [
        (gen.id, "enqueued again: its job was gone from Redis")
    ]
    assert jobqueue.get_queue().job_ids == [gen.rq_job_id]  # same job id scheme
    assert reconcile_once(queued_grace=0) == []  # enqueued once, not on every pass
    start_worker(**FAULTS)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    assert _charges() == 1 and workspaces.get_balance(workspace_id) == 998


def test_a_step_whose_worker_dies_twice_fails_readably_leaves_no_files_and_retry_works(
    workspace_id, start_worker
):
    worker = start_worker(**FAULTS)
    pid = running_script(workspace_id, "sleep:60")
    gen = _gens(pid)[0]
    (_workdir(workspace_id, pid, gen) / "half.partial.mp4").write_bytes(b"\0" * 1024)
    first = _kill_horse(worker)
    # the worker hands the step back at once and runs it again: a new work-horse
    wait_for(
        lambda: (g := _gens(pid)[0]).state == "running" and g.attempts == 1,
        timeout=30,
        what="second run",
    )
    assert not (_workdir(workspace_id, pid, gen) / "half.partial.mp4").exists()
    second = _kill_horse(worker)
    assert second != first
    wait_for(lambda: _status(workspace_id, pid) == "failed", timeout=30, what="failed")
    project = projects.get_project(workspace_id, pid)
    assert project.failed_step == "script"
    assert "stopped twice" in project.error and "retry" in project.error.lower()
    assert "Abandoned" not in project.error and "Traceback" not in project.error
    (gen,) = _gens(pid)
    assert (gen.state, gen.credits_charged) == ("failed", 0)
    assert not _workdir(workspace_id, pid, gen).exists()  # the failed step left no files
    assert _charges() == 0 and workspaces.get_balance(workspace_id) == 1000
    retry_failed(workspace_id, pid)  # no fault now
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="retried")
    assert workspaces.get_balance(workspace_id) == 998


def test_a_killed_work_horse_leaves_no_child_process_running(workspace_id, start_worker):
    worker = start_worker(**FAULTS)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "child-first:120"})
    pid_file = media.media_root() / "child.pid"
    child = int(wait_for(lambda: pid_file.exists() and pid_file.read_text(), what="child"))
    assert pid_alive(child)
    _kill_horse(worker)
    wait_for(lambda: not pid_alive(child), timeout=10, what="the horse's child gone")
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")


def test_a_failed_step_leaves_no_files(workspace_id, start_worker):
    start_worker(**FAULTS)
    pid = script_project(workspace_id)
    start_step(workspace_id, pid, "script", params={"fault": "write-then-raise"})
    wait_for(lambda: _status(workspace_id, pid) == "failed", what="failed")
    (gen,) = _gens(pid)
    assert "boom after writing" in projects.get_project(workspace_id, pid).error
    assert not _workdir(workspace_id, pid, gen).exists()
    assert list((media.media_root() / f"ws{workspace_id}").rglob("*.mp4")) == []


def test_a_worker_dead_on_another_host_is_found_by_its_missed_heartbeats(
    workspace_id, start_worker, monkeypatch
):
    # heartbeats 3 s late count as a dead worker here (15 s by default: the rule, not the
    # figure, is the subject); the reconciler below reads the same setting
    monkeypatch.setenv("AYTADA_HEARTBEAT_GRACE", "3")
    reset_settings()
    worker = start_worker(**FAULTS, AYTADA_HEARTBEAT_GRACE="3")
    pid = running_script(workspace_id, "sleep-first:60")
    (horse,) = wait_for(worker.horse_pids, what="work-horse")
    with session_scope() as s:  # as if it ran elsewhere: the same-host pid check cannot help
        s.get(Generation, _gens(pid)[0].id).worker_host = "another-host"
    os.kill(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(10)
    wait_for(lambda: not pid_alive(horse), timeout=10, what="horse died with its worker")
    started = time.monotonic()
    acted = wait_for(lambda: reconcile_once(), timeout=60, interval=1, what="abandoned job")
    assert (
        time.monotonic() - started < 5 + 3 + 10
    )  # a heartbeat interval and the grace, then a pass
    # RQ's abandoned-job cleanup (heartbeats) handed it back; the same pass enqueued it again
    assert [what for _, what in acted] == ["enqueued again after its worker stopped"]
    start_worker(**FAULTS)
    wait_for(lambda: _status(workspace_id, pid) == "script_ready", what="script_ready")
    (gen,) = _gens(pid)
    assert (gen.attempts, gen.credits_charged, _charges()) == (1, 2, 1)


def test_readable_messages():
    assert "OpenAI did not answer within 60 s" in runner.readable_error(
        ProviderTimeout("OpenAI", 60)
    )
    from redis.exceptions import ReadOnlyError, ResponseError

    assert "refuses writes" in jobqueue.queue_error(ResponseError("MISCONF Redis is configured"))
    assert "read-only replica" in jobqueue.queue_error(ReadOnlyError("READONLY You can't write"))
    assert "not reachable" in jobqueue.queue_error(ConnectionError("refused"))


def test_a_redis_that_refuses_writes_is_reported_as_such(workspace_id, tmp_path, monkeypatch):
    # a private redis-server: the machine's Redis is shared with other runs, never reconfigured
    sock = tmp_path / "ro-redis.sock"
    server = scratch_redis(sock, tmp_path, "--min-replicas-to-write", "1")
    try:
        wait_for(sock.exists, timeout=20, what="the private redis-server")
        monkeypatch.setenv("REDIS_URL", f"unix://{sock}")
        reset_settings()
        pid = script_project(workspace_id)
        with pytest.raises(QueueUnavailable, match="refuses writes") as err:
            start_step(workspace_id, pid, "script")  # every write fails with NOREPLICAS
        assert "not reachable" not in str(err.value)
        assert _status(workspace_id, pid) == "ideas_ready"  # nothing changed
        assert _gens(pid) == []  # nothing was left queued
    finally:
        server.terminate()
        server.wait(10)
        reset_settings()


def test_the_loser_of_a_concurrent_render_is_told_it_is_already_rendering(workspace_id):
    pid = make_project(workspace_id, status="scenes_ready", scenes=SCENES, segments={})
    start_step(workspace_id, pid, "clip")  # no worker: stays queued
    with pytest.raises(Conflict, match="Render is already running for this project"):
        start_step(workspace_id, pid, "clip")
    with pytest.raises(Conflict, match="This scene is already rendering"):
        start_step(workspace_id, pid, "clip", scenes=[1])


def _embedded_env(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    data = tmp_path / "d"
    data.mkdir()
    full = {
        **os.environ,
        **env,
        "AYTADA_DATA_DIR": str(data),
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    return full


def test_the_embedded_redis_keeps_its_queue_across_a_restart(
    workspace_id, app_env, tmp_path, monkeypatch
):
    env = _embedded_env(tmp_path, app_env)
    monkeypatch.setenv("AYTADA_DATA_DIR", env["AYTADA_DATA_DIR"])
    monkeypatch.setenv("REDIS_URL", "")
    reset_settings()
    proc = jobqueue.start_embedded_redis()
    assert proc is not None
    try:
        pid = script_project(workspace_id)
        start_step(workspace_id, pid, "script")
        job_id = _gens(pid)[0].rq_job_id
        proc.terminate()
        proc.wait(10)
        jobqueue._conns.clear()
        proc = jobqueue.start_embedded_redis()
        assert proc is not None
        assert jobqueue.get_queue().job_ids == [job_id]  # the queue came back from data/
        assert (get_settings().data_dir / "redis.aof").stat().st_size > 0
        worker = subprocess.Popen(
            [sys.executable, "-m", "aytada", "worker", "--burst"],
            env={**env, **FAULTS},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert worker.wait(60) == 0
        assert _status(workspace_id, pid) == "script_ready"
    finally:
        proc.terminate()
        proc.wait(10)
        jobqueue._conns.clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_up(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aytada", "up", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True,
    )


def _children(pid_file: Path) -> dict[str, int]:
    try:
        return json.loads(pid_file.read_text())["children"]
    except (OSError, ValueError, KeyError):
        return {}


def test_up_killed_with_sigkill_leaves_no_process_and_the_next_up_finishes_the_work(
    workspace_id, app_env, tmp_path
):
    env = {**_embedded_env(tmp_path, app_env), **FAULTS}
    data = Path(env["AYTADA_DATA_DIR"])
    pid_file, log, port = data / "up.pids", tmp_path / "up.log", _free_port()
    up = _start_up(env, port, log)
    try:
        kids = wait_for(
            lambda: len(c := _children(pid_file)) == 4 and c,
            timeout=60,
            what=f"up's children\n{log.read_text(errors='replace')}",
        )
        conn = Redis(unix_socket_path=str(data / "redis.sock"))
        wait_for(lambda: conn.ping(), what="embedded redis")
        # a step is running in a work-horse when `up` is SIGKILLed
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("REDIS_URL", "")
            mp.setenv("AYTADA_DATA_DIR", str(data))
            reset_settings()
            pid = running_script(workspace_id, "sleep-first:120")
            horse = _gens(pid)[0].worker_pid
            os.kill(up.pid, signal.SIGKILL)
            up.wait(10)
            everyone = [*kids.values(), horse]
            wait_for(
                lambda: not any(pid_alive(p) for p in everyone),
                timeout=20,
                what=f"children gone: {[p for p in everyone if pid_alive(p)]}",
            )
            jobqueue._conns.clear()
            # the next `up` starts (no "port not available"), runs the step again and finishes
            up = _start_up(env, port, log)
            wait_for(
                lambda: _status(workspace_id, pid) == "script_ready",
                timeout=90,
                what=f"script_ready\n{log.read_text(errors='replace')}",
            )
            (gen,) = _gens(pid)
            assert (gen.attempts, gen.credits_charged, _charges()) == (1, 2, 1)
            kids = _children(pid_file)
            started = time.monotonic()
            up.send_signal(signal.SIGTERM)
            assert up.wait(20) == 0
            assert time.monotonic() - started < 16
            assert not any(pid_alive(p) for p in kids.values())
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(up.pid, signal.SIGKILL)
        for p in _children(pid_file).values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        jobqueue._conns.clear()
        reset_settings()
