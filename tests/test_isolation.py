"""Test runs are isolated: from each other (a Redis db and a queue of their own), from the
developer's `.env` and `.streamlit/secrets.toml` (no paid keys reach a worker), and from the
processes of earlier tests (a stopped worker leaves nothing running).

Real Redis servers, real pytest runs in subprocesses, real `aytada worker` processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

import tests.jobs.fault_steps  # noqa: F401  (same wrappers on the enqueue side)
from aytada.core import media, projects
from aytada.jobs.procs import pid_alive
from aytada.jobs.runner import start_step
from tests import conftest
from tests.conftest import MARKER, ROOT, RedisDbClaim, WorkerProcess, wait_for, with_redis_db
from tests.factories import make_project
from tests.jobs.helpers import gens, status
from tests.providers.stub_server import StubServer
from tests.pytest_subrun import subrun_command, subrun_env

pytestmark = [pytest.mark.db, pytest.mark.integration]  # nested pytest runs and Redis claims

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}


@pytest.fixture
def private_redis() -> Iterator[str]:
    """A Redis server of this test's own on a TCP port (URL without a db), 6 dbs."""
    from aytada.jobs.queue import redis_server_binary

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="aytada-redis-")
    proc = subprocess.Popen(
        [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--databases", "6", "--dir", folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}"
    wait_for(lambda: _pings(url), timeout=20, what="the private Redis")
    yield url
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


def _pings(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def _db(url: str, number: int) -> Redis:
    return Redis.from_url(with_redis_db(url, number))


# --------------------------------------------------------------------------------------------
# Redis db claims


@pytest.mark.services  # Redis db claims are the subject
def test_two_claims_on_one_server_get_different_dbs_and_flush_only_their_own(private_redis):
    first, second = RedisDbClaim(private_redis, "run-a"), RedisDbClaim(private_redis, "run-b")
    try:
        url_a = first.claim()
        _db(url_a, first.number).set("job-of-a", "1")
        url_b = second.claim()
        assert {first.number, second.number} == {5, 4}  # the highest free dbs, never db 0
        assert url_a != url_b
        _db(url_b, second.number).flushdb()  # what run b does before each of its tests
        assert _db(url_a, first.number).get("job-of-a") == b"1"
    finally:
        second.release()
    assert _db(private_redis, second.number).dbsize() == 0  # flushed when released
    third = RedisDbClaim(private_redis, "run-c")
    try:
        third.claim()
        assert third.number == second.number  # released: free again
    finally:
        third.release()
        first.release()


@pytest.mark.services  # Redis db claims are the subject
def test_a_db_named_in_the_url_is_used_but_never_shared_with_a_live_run(private_redis):
    holder = RedisDbClaim(with_redis_db(private_redis, 3), "run-a")
    holder.claim()
    try:
        assert holder.number == 3
        with pytest.raises(
            pytest.exit.Exception,
            match=r"db 3 .* in use by another test run "
            r"\(run-a pid \d+ on ",
        ):
            RedisDbClaim(with_redis_db(private_redis, 3), "run-b").claim()
        with pytest.raises(pytest.exit.Exception, match="db 0, which holds the test runs'"):
            RedisDbClaim(with_redis_db(private_redis, 0), "run-b").claim()
    finally:
        holder.release()


@pytest.mark.services  # Redis db claims are the subject
def test_someone_elses_data_is_never_claimed_but_a_dead_runs_leftovers_are(private_redis):
    _db(private_redis, 5).set("a developer's key", "keep me")
    _db(private_redis, 4).set(MARKER, "run-x pid 1 on elsewhere")  # a killed run's db ...
    _db(private_redis, 4).set("rq:queue:aytada-test-x", "old job")  # ... whose claim expired
    claim = RedisDbClaim(private_redis, "run-a")
    try:
        claim.claim()
        assert claim.number == 4
        assert _db(private_redis, 4).get("rq:queue:aytada-test-x") is None  # flushed
    finally:
        claim.release()
    assert _db(private_redis, 5).get("a developer's key") == b"keep me"


@pytest.mark.services  # Redis db claims are the subject
def test_a_claim_is_renewed_while_the_run_lasts_and_expires_after_it_dies(
    private_redis, monkeypatch
):
    monkeypatch.setattr(conftest, "CLAIM_TTL", 2)
    claim = RedisDbClaim(private_redis, "run-a")
    claim.claim()
    try:
        time.sleep(3)  # longer than the expiry: the renewals kept it
        with pytest.raises(pytest.exit.Exception, match="in use by another test run"):
            RedisDbClaim(with_redis_db(private_redis, claim.number), "run-b").claim()
        assert not claim.lost
    finally:
        claim._stop.set()  # the run dies: no more renewals, no release
        claim._thread.join(5)  # type: ignore[union-attr]
    time.sleep(2.5)
    later = RedisDbClaim(with_redis_db(private_redis, claim.number), "run-b")
    later.claim()
    later.release()


@pytest.mark.services  # Redis db claims are the subject
def test_two_concurrent_runs_keep_their_own_queue_and_redis_db(private_redis, tmp_path):
    """Two real pytest runs at once on one Redis server (URL without a db): the second run's
    per-test flush and its jobs never touch the first run's."""
    source = """
import os
import time
from pathlib import Path

from redis import Redis

FOLDER = Path({folder!r})


def test_run(app_env):
    me = "{name}"
    redis = Redis.from_url(app_env["REDIS_URL"])
    redis.rpush("rq:queue:" + app_env["AYTADA_QUEUE"], "job-of-" + me)
    (FOLDER / (me + ".seen")).write_text(app_env["REDIS_URL"] + " " + app_env["AYTADA_QUEUE"])
    other = "b" if me == "a" else "a"
    deadline = time.monotonic() + 120
    while not (FOLDER / (other + ".seen")).exists():  # both runs are inside a test now
        assert time.monotonic() < deadline, "the other run never started its test"
        time.sleep(0.1)
    time.sleep(1)
    queue = "rq:queue:" + app_env["AYTADA_QUEUE"]
    assert redis.lrange(queue, 0, -1) == [b"job-of-" + me.encode()]
"""
    runs = {}
    for name in ("a", "b"):
        test_file = tmp_path / name / f"test_run_{name}.py"
        test_file.parent.mkdir()
        test_file.write_text(source.format(folder=str(tmp_path), name=name))
        runs[name] = subprocess.Popen(
            subrun_command(test_file), cwd=ROOT, env=subrun_env(TEST_REDIS_URL=private_redis),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    outputs = {name: run.communicate(timeout=300)[0] for name, run in runs.items()}
    for name, run in runs.items():
        assert run.returncode == 0, outputs[name]
    (url_a, queue_a), (url_b, queue_b) = (
        (tmp_path / f"{name}.seen").read_text().split() for name in ("a", "b")
    )
    assert url_a != url_b and queue_a != queue_b
    assert queue_a.startswith("aytada-test-") and queue_b.startswith("aytada-test-")


# --------------------------------------------------------------------------------------------
# no developer's keys in a worker


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the app's package: its settings read `.env` and `.streamlit/secrets.toml`
    beside this copy, where the test writes a key (the real checkout is left alone)."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "aytada", root / "aytada",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return root


def _write_key_file(root: Path, where: str, base_url: str) -> None:
    key = "sk-from-a-developers-file-0000"
    if where == ".env":
        (root / ".env").write_text(f"OPENAI_API_KEY={key}\nOPENAI_BASE_URL={base_url}\n")
    else:
        (root / ".streamlit").mkdir()
        (root / ".streamlit" / "secrets.toml").write_text(
            f'OPENAI_API_KEY = "{key}"\nOPENAI_BASE_URL = "{base_url}"\n'
        )


def _text_provider_in(root: Path, env: dict[str, str]) -> str:
    """Where `aytada` is imported from and the text provider it picks, in a process started
    as WorkerProcess starts the worker (same interpreter, import path and folder)."""
    code = (
        "import aytada; from aytada.jobs.providers import provider_names; "
        "print(aytada.__file__, provider_names()['text'])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root,
                         env={**env, "PYTHONPATH": str(root)},
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("where", [".env", ".streamlit/secrets.toml"])
def test_a_worker_never_reads_a_key_from_the_developers_files(
    where, workspace_id, app_env, checkout
):
    with StubServer() as api:
        _write_key_file(checkout, where, api.url + "/v1")
        env = {**os.environ, **app_env}
        # control: this copy's file does hold a key the app would use without the test setting
        without_flag = {k: v for k, v in env.items() if k != "AYTADA_IGNORE_FILES"}
        assert _text_provider_in(checkout, without_flag) == f"{checkout}/aytada/__init__.py openai"
        assert os.environ["AYTADA_IGNORE_FILES"] == "1"  # what conftest gives every process

        worker = WorkerProcess(app_env, root=checkout)
        try:
            pid = make_project(workspace_id)
            start_step(workspace_id, pid, "ideas")
            wait_for(lambda: status(workspace_id, pid) in ("ideas_ready", "failed"),
                     timeout=120, what="ideas")  # fmt: skip
            project = projects.get_project(workspace_id, pid)
            assert project.status == "ideas_ready", project.error
            (gen,) = gens(pid)
            assert gen.provider == "offline"  # the worker used no key
            assert api.requests == []  # and nothing reached the (stub) paid API
        finally:
            worker.stop()


# --------------------------------------------------------------------------------------------
# a stopped worker leaves nothing running


def _busy_horse(workspace_id: int, worker: WorkerProcess) -> tuple[int, int]:
    """Start a step whose work-horse waits on a child process (as on ffmpeg): (horse, child)."""
    pid = make_project(
        workspace_id,
        status="ideas_ready",
        chosen_idea=0,
        ideas=[{"title": "t", "angle": "a", "hook": "h", "approach": "p"}] * 3,
    )
    start_step(workspace_id, pid, "script", params={"fault": "child-first:120"})
    pid_file = media.media_root() / "child.pid"
    child = int(wait_for(lambda: pid_file.exists() and pid_file.read_text(), what="child"))
    (horse,) = wait_for(worker.horse_pids, what="work-horse")
    assert pid_alive(child) and pid_alive(horse)
    assert {worker.proc.pid, horse, child} <= set(worker.processes())
    return horse, child


def test_stop_ends_the_worker_its_horse_and_the_horses_children(workspace_id, start_worker):
    worker = start_worker(**FAULTS)
    horse, child = _busy_horse(workspace_id, worker)
    worker.stop()
    # at once, without waiting: nothing the worker started is left
    assert worker.proc.poll() is not None
    assert not pid_alive(horse), "the work-horse survived stop()"
    assert not pid_alive(child), "the work-horse's child survived stop()"
    assert worker.processes() == []


def test_stop_ends_a_horse_that_cannot_react_to_signals_and_its_child(workspace_id, start_worker):
    """A horse stuck where its signal handlers never run (here: stopped) does not take its
    child down when its worker dies; stop() itself must end both."""
    worker = start_worker(**FAULTS)
    horse, child = _busy_horse(workspace_id, worker)
    os.kill(horse, signal.SIGSTOP)
    try:
        worker.stop(grace=2)
        assert worker.proc.poll() is not None
        assert not pid_alive(child), "the work-horse's child survived stop()"
        assert not pid_alive(horse), "the work-horse survived stop()"
    finally:  # whatever a broken stop() left behind
        for pid in (child, horse):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
