"""Self-healing under faults (issue 23): `aytada up` supervises its children, workers wait out
Redis and the database going away, and a run that died before its step began runs again.

Real processes throughout: `aytada up`, `aytada worker`, a throwaway redis-server with a
password (stopped and started by the test), and a TCP proxy of the test's own in front of
PostgreSQL (paused by the test: the machine's server is shared and never stopped). Short
backoffs come from the environment (AYTADA_RETRY_MAX=1, RECONCILE_INTERVAL=1).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from redis import Redis
from rq import Worker
from rq.job import Job, JobStatus
from rq.suspension import resume, suspend
from sqlalchemy import func, update
from sqlalchemy import select as sql_select

import tests.jobs.fault_steps  # noqa: F401  (the same wrappers on the enqueue side)
from aytada.core import db, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.models import CreditLedgerEntry, Generation
from aytada.core.settings import get_settings, reset_settings
from aytada.jobs import queue as jobqueue
from aytada.jobs import supervisor
from aytada.jobs.procs import pid_alive
from aytada.jobs.runner import STOPPED, start_step
from aytada.jobs.worker import heartbeat_ttl
from aytada.ui.streamlit_compat import HEALTH_PATH
from tests.conftest import ROOT, PgSchema, require_pg, wait_for
from tests.factories import make_campaign
from tests.jobs.fault_steps import arrivals, open_gate
from tests.jobs.helpers import gens as _gens
from tests.jobs.helpers import script_project
from tests.jobs.helpers import status as _status

pytestmark = pytest.mark.integration  # `up`, workers, servers of the test's own

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
# short backoffs; by hand, AYTADA_TEST_RETRY_MAX=10 (the default) and AYTADA_TEST_REDIS_DOWN=60
# (a Redis that comes back empty; the long outage with its data: LONG below)
QUICK = {
    "AYTADA_RETRY_MAX": os.environ.get("AYTADA_TEST_RETRY_MAX", "1"),
    "RECONCILE_INTERVAL": "1",
}
REDIS_DOWN = float(os.environ.get("AYTADA_TEST_REDIS_DOWN", "10"))  # seconds


# --------------------------------------------------------------------------- helpers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=2) as resp:
            return resp.status
    except OSError:
        return None


class HealthWatch:
    """Streamlit's health endpoint, asked every 0.2 s in a thread: the answers that were not
    200, with when."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bad: list[tuple[float, int | None]] = []
        self.asked = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            status = _health(self.port)
            self.asked += 1
            if status != 200:
                self.bad.append((time.monotonic(), status))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _env(app_env: dict[str, str], tmp_path: Path, **more: str) -> dict[str, str]:
    data = tmp_path / "up-data"
    data.mkdir(exist_ok=True)
    return {
        **os.environ,
        **app_env,
        **FAULTS,
        **QUICK,
        "AYTADA_DATA_DIR": str(data),
        "PYTHONPATH": str(ROOT),
        **more,
    }


def _state(env: dict[str, str]) -> dict[str, Any]:
    try:
        return json.loads((Path(env["AYTADA_DATA_DIR"]) / "up.pids").read_text())
    except (OSError, ValueError):
        return {}


class Up:
    """`aytada up` in a session of its own, its output in a file."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.env, self.log, self.port = env, log, _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aytada", "up", "--port", str(self.port),
             "--workers", str(workers)],
            env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True,
        )  # fmt: skip
        self.names = {f"worker{i + 1}" for i in range(workers)} | {"reconciler", "streamlit"}

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> dict[str, int]:
        return _state(self.env).get("children", {})

    def ready(self) -> dict[str, int]:
        return wait_for(
            lambda: (set(kids := self.children()) >= self.names and _health(self.port) == 200
                     and kids),
            timeout=120, what=f"`up` ready\n{self.output()}",
        )  # fmt: skip

    def stop(self) -> None:
        kids = self.children()
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(30) == 0, self.output()
        assert not any(pid_alive(p) for p in kids.values())

    def kill(self) -> None:
        kids = self.children()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        for pid in kids.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(10)


def _charges() -> list[tuple[int, int]]:
    """(generation id, credits) of every charge."""
    with session_scope() as s:
        rows = s.execute(
            sql_select(CreditLedgerEntry.generation_id, CreditLedgerEntry.delta).where(
                CreditLedgerEntry.generation_id.is_not(None)
            )
        ).all()
    return [(g, -d) for g, d in rows]


def _balance_is_the_ledger(ws: int) -> None:
    with session_scope() as s:
        total = s.scalar(
            sql_select(func.sum(CreditLedgerEntry.delta)).where(
                CreditLedgerEntry.workspace_id == ws
            )
        )
    assert total == workspaces.get_balance(ws)


def _banner_campaign(ws: int) -> int:
    return make_campaign(ws)


def _make(env: dict[str, str], campaign: int, *more: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aytada", "make", "banner", "--campaign", str(campaign),
         "--size", "300x250", *more],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _project_of(make: subprocess.Popen) -> int:
    assert make.stdout is not None
    ready, _, _ = select.select([make.stdout], [], [], 60)
    assert ready, "`make` printed no project id"
    line = make.stdout.readline()
    if not line.startswith("project "):
        make.wait(30)
        raise AssertionError(
            f"`make` exited {make.returncode}: {line}{make.stdout.read()}"
            f"\n{make.stderr.read() if make.stderr else ''}"
        )
    return int(line.split()[1])


# --------------------------------------------------------------------------- the supervisor


@pytest.mark.services  # Redis and the processes are the subject: not in the PostgreSQL run
def test_the_supervisor_restarts_a_child_with_backoff_and_holds_it_over_its_budget(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AYTADA_RETRY_MAX", "0.4")
    monkeypatch.setenv("AYTADA_RESTARTS", "2")
    monkeypatch.setenv("AYTADA_RESTART_WINDOW", "30")
    reset_settings()
    said: list[str] = []
    pid_file = tmp_path / "up.pids"
    sup = supervisor.Supervisor(pid_file, say=said.append)
    try:
        sup.start("worker1", [sys.executable, "-c", "import time; time.sleep(60)"])
        first = sup.children[0].proc
        assert first is not None and supervisor.health_line(pid_file) == (
            "ok",
            "All services running (1 worker)",
        )
        for n in (1, 2):
            old = sup.children[0].proc.pid  # type: ignore[union-attr]
            os.kill(old, signal.SIGKILL)
            wait_for(lambda o=old: (sup.supervise(), _running(sup) not in (None, o))[1],
                     timeout=10, what=f"restart {n}")  # fmt: skip
        assert said[0] == "worker1 killed by SIGKILL; restarting it in 0.4 s"  # 1 s, capped
        assert said[1].startswith("worker1 restarted (PID ")
        level, text = supervisor.health_line(pid_file)  # type: ignore[misc]
        assert level == "warning" and text.startswith("worker1 restarted at ")
        assert text.endswith("(killed by SIGKILL) · 2 restarts in the last 0.5 min")
        # a third exit within the window is over the budget: held down, and said so
        os.kill(sup.children[0].proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
        wait_for(lambda: (sup.supervise(), sup.children[0].proc is None)[1], what="noticed")
        assert "it was restarted 2 times in 30 s: held down until" in said[-1]
        level, text = supervisor.health_line(pid_file)  # type: ignore[misc]
        assert level == "error" and text.startswith(
            "worker1 is down: killed by SIGKILL (restarted too often); starting again at "
        )
    finally:
        sup.stop()
    assert not pid_file.exists() and supervisor.health_line(pid_file) is None


def _running(sup: supervisor.Supervisor) -> int | None:
    proc = sup.children[0].proc
    return proc.pid if proc is not None and proc.poll() is None else None


@pytest.mark.services  # Redis and the processes are the subject: not in the PostgreSQL run
def test_a_worker_sigkilled_under_up_is_restarted_the_ui_stays_up_and_the_work_finishes(
    app_env, workspace_id, tmp_path
):
    env = _env(app_env, tmp_path, AYTADA_TEST_FAULTS="design=gate-first:killed")
    up = Up(env, workers=2, log=tmp_path / "up.log")
    try:
        kids = up.ready()
        watch = HealthWatch(up.port)
        make = _make(env, _banner_campaign(workspace_id), "--wait")
        pid = _project_of(make)
        wait_for(lambda: arrivals("killed"), timeout=60, what="the design step running")
        (gen,) = _gens(pid)
        horse = gen.worker_pid
        worker = next(n for n, p in kids.items() if n.startswith("worker")
                      and horse in _child_pids(p))  # fmt: skip
        killed_at = time.monotonic()
        os.kill(kids[worker], signal.SIGKILL)  # the worker, and with it its work-horse
        restarted = wait_for(
            lambda: (new := up.children().get(worker)) not in (None, kids[worker]) and new,
            timeout=30, what=f"{worker} restarted\n{up.output()}",
        )  # fmt: skip
        restart_s = time.monotonic() - killed_at
        assert pid_alive(restarted) and up.proc.poll() is None
        assert f"{worker} killed by SIGKILL; restarting it in 1 s" in up.output()
        out, err = make.communicate(timeout=120)
        assert make.returncode == 0, err
        assert out.strip().endswith(".png")
        watch.stop()
        # the UI never went down (watched every 0.2 s from before the kill until make ended: a
        # fast restart and re-run can end within 2 s, so the count is only a floor)
        assert watch.asked >= 5 and watch.bad == [], watch.bad
        assert {n: p for n, p in up.children().items() if n != worker} == {
            n: p for n, p in kids.items() if n != worker
        }  # nothing else was restarted
        level, text = supervisor.health_line(Path(env["AYTADA_DATA_DIR"]) / "up.pids")  # type: ignore[misc]
        assert level == "warning" and f"{worker} restarted at " in text
        # the step whose worker died ran again, free, and was charged once
        design = next(g for g in _gens(pid) if g.step == "design")
        assert (design.state, design.attempts) == ("succeeded", 1)
        assert _charges() == [(design.id, 10)] and workspaces.get_balance(workspace_id) == 990
        _balance_is_the_ledger(workspace_id)
        print(f"worker restarted after {restart_s:.1f} s")

        # Streamlit itself: killed, started again on the same port
        killed_at = time.monotonic()
        os.kill(up.children()["streamlit"], signal.SIGKILL)
        wait_for(lambda: _health(up.port) != 200, timeout=10, what="the UI down")
        wait_for(lambda: _health(up.port) == 200, timeout=90, what=f"the UI back\n{up.output()}")
        print(f"the UI answered again after {time.monotonic() - killed_at:.1f} s")
        assert "streamlit killed by SIGKILL; restarting it in 1 s" in up.output()
        up.stop()
    finally:
        if up.proc.poll() is None:
            up.kill()


def _child_pids(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


# --------------------------------------------------------------------------- Redis


class ThrowawayRedis:
    """The machine's redis-server on a free port with a password, stopped and started again by
    the test. By default it keeps nothing on disk (a restart loses every key); ``keep_data``:
    it saves its data when it stops (SIGTERM with a save point) and loads it when it starts,
    as a Redis with an RDB file does after a restart."""

    PASSWORD = "s3cret-for-the-test"

    def __init__(self, folder: Path, keep_data: bool = False) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.skip("redis-server is not installed")
        self.exe, self.folder, self.port = exe, folder, _free_port()
        self.url = f"redis://:{self.PASSWORD}@127.0.0.1:{self.port}/0"
        self.save = ["--save", "3600 1", "--dbfilename", "throwaway.rdb"] if keep_data else [
            "--save", ""]  # fmt: skip
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1",
             "--requirepass", self.PASSWORD, *self.save, "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        conn = Redis.from_url(self.url)
        wait_for(lambda: _pings(conn), timeout=20, what="the throwaway redis-server")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _pings(conn: Redis) -> bool:
    try:
        return bool(conn.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


class OnRedis:
    """`aytada up` with one worker on a throwaway Redis, its design step held at a gate
    (tests/jobs/fault_steps.py), and a banner `make --wait` started by :meth:`make`."""

    def __init__(self, redis: ThrowawayRedis, up: Up, kids: dict[str, int], conn: Redis) -> None:
        self.redis, self.up, self.kids, self.conn = redis, up, kids, conn
        self.env = up.env

    def make(self, ws: int) -> tuple[subprocess.Popen, int]:
        make = _make(self.env, _banner_campaign(ws), "--wait")
        return make, _project_of(make)

    def away(self, seconds: float, during: Callable[[], None] = lambda: None) -> float:
        """Redis stopped for ``seconds`` (``during()`` once it is down), and started again:
        nobody quit meanwhile. Returns when it was back (monotonic)."""
        self.redis.stop()
        down_at = time.monotonic()
        during()
        time.sleep(max(0.0, seconds - (time.monotonic() - down_at)))
        assert all(pid_alive(p) for p in self.kids.values()), self.up.output()  # nobody quit
        self.redis.start()
        return time.monotonic()

    def worker_log(self) -> str:
        return (Path(self.env["AYTADA_DATA_DIR"]) / "logs" / "worker1.log").read_text(
            errors="replace"
        )


@contextlib.contextmanager
def _up_on_redis(
    app_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: str,
    keep_data: bool = False, **settings: str,
) -> Iterator[OnRedis]:  # fmt: skip
    """:class:`OnRedis` once its worker listens; ``settings`` for `up`'s children and this
    process alike. Leaves with `up` stopped by SIGTERM (all its children gone)."""
    redis = ThrowawayRedis(tmp_path, keep_data=keep_data)
    try:
        env = _env(app_env, tmp_path, REDIS_URL=redis.url,
                   AYTADA_TEST_FAULTS=f"design={gate}", **settings)  # fmt: skip
        for key, value in {"REDIS_URL": redis.url, **QUICK, **settings}.items():
            monkeypatch.setenv(key, value)
        reset_settings()
        up = Up(env, workers=1, log=tmp_path / "up.log")
        try:
            kids = up.ready()
            conn = jobqueue.redis_conn()
            wait_for(lambda: Worker.all(connection=conn, queue=jobqueue.get_queue()),
                     what="the worker listening")  # fmt: skip
            yield OnRedis(redis, up, kids, conn)
            assert up.children() == kids and up.proc.poll() is None  # no child restarted
            up.stop()
        finally:
            if up.proc.poll() is None:
                up.kill()
    finally:
        redis.stop()
        jobqueue._conns.clear()


def _made_once(make: subprocess.Popen, pid: int, ws: int) -> tuple[str, str]:
    """`make --wait` ended with the PNG; the design step ran once (no second run), charged
    once, and the balance is the ledger. Returns what `make` printed (stdout, stderr)."""
    out, err = make.communicate(timeout=120)
    assert make.returncode == 0, err
    assert out.strip().endswith(".png")
    design, compose = _gens(pid)
    assert (design.step, design.state, design.attempts) == ("design", "succeeded", 0)
    assert (compose.step, compose.state) == ("compose", "succeeded")
    assert _charges() == [(design.id, 10)] and workspaces.get_balance(ws) == 990
    _balance_is_the_ledger(ws)
    return out, err


@pytest.mark.services  # Redis and the processes are the subject: not in the PostgreSQL run
def test_a_password_protected_redis_down_10_s_is_waited_out_and_nothing_is_charged_twice(
    app_env, workspace_id, tmp_path, monkeypatch
):
    with _up_on_redis(app_env, tmp_path, monkeypatch, "gate-first:redis") as on:
        # a wrong or missing password is named as such
        for url, said in (
            (f"redis://127.0.0.1:{on.redis.port}/0", "requires a password"),
            (f"redis://:wrong@127.0.0.1:{on.redis.port}/0", "refused the password in REDIS_URL"),
        ):
            with pytest.raises(Exception) as refused:
                jobqueue.check_redis(url)
            assert said in str(refused.value) and "wrong" not in str(refused.value)
        watch = HealthWatch(on.up.port)
        make, pid = on.make(workspace_id)
        wait_for(lambda: arrivals("redis"), timeout=60, what="the design step running")
        # the step finishes while Redis is away; it comes back empty: the queue and the
        # workers' registrations are gone
        back_at = on.away(REDIS_DOWN, during=lambda: open_gate("redis"))
        out, err = _made_once(make, pid, workspace_id)
        done_s = time.monotonic() - back_at
        assert "waiting for the job queue (Redis) to come back…" in err
        assert "redis://:***@127.0.0.1" in err and on.redis.PASSWORD not in err + out
        assert "the job queue (Redis) is back" in err
        watch.stop()
        assert watch.bad == [], watch.bad
        wait_for(lambda: Worker.all(connection=on.conn, queue=jobqueue.get_queue()),
                 what="the worker listed again")  # fmt: skip
        assert "waiting for the job queue (Redis) to come back" in on.worker_log()
        assert "the job queue (Redis) is back; working again" in on.worker_log()
        print(f"Redis back → make finished in {done_s:.1f} s")


def _started_entries(conn: Redis) -> list[float]:
    """When each entry of the started-job registry lapses (read from Redis as it is: reading
    it through RQ would run RQ's abandoned-job cleanup)."""
    key = jobqueue.get_queue().started_job_registry.key
    return [score for _entry, score in cast(list[tuple[bytes, float]],
                                            conn.zrange(key, 0, -1, withscores=True))]  # fmt: skip


# the "Redis down 60 s" row, scaled down: every timer of the app is set short through its
# setting, and the outage outlasts each of them by a wide margin
LONG = {"AYTADA_HEARTBEAT_GRACE": "1", "AYTADA_RETRY_MAX": "1", "RECONCILE_INTERVAL": "1"}
LONG_DOWN = 10.0  # seconds


@pytest.mark.services  # Redis and the processes are the subject: not in the PostgreSQL run
def test_redis_down_longer_than_every_timer_comes_back_with_its_data_and_the_step_runs_once(
    app_env, workspace_id, tmp_path, monkeypatch
):
    with _up_on_redis(app_env, tmp_path, monkeypatch, "gate:long", keep_data=True,
                      **LONG) as on:  # fmt: skip
        settings = get_settings()
        ttl = heartbeat_ttl()  # a running job's started-registry entry, after a heartbeat
        assert LONG_DOWN >= 1.5 * ttl  # every started-registry entry lapses
        assert LONG_DOWN >= 5 * settings.retry_max  # the workers' backoff reaches its cap
        assert LONG_DOWN >= 5 * settings.reconcile_interval  # many passes meet no Redis
        queue = jobqueue.get_queue()
        make, pid = on.make(workspace_id)
        wait_for(lambda: arrivals("long"), timeout=60, what="the design step running")
        (design,) = _gens(pid)
        job_key = f"rq:job:{design.rq_job_id}"
        on.conn.set("aytada-test:written-before", b"kept")
        # the step is still running when Redis comes back: its heartbeats lapsed meanwhile
        back_at = on.away(LONG_DOWN)
        wall_back = time.time()
        assert on.conn.get("aytada-test:written-before") == b"kept"  # the data survived
        assert on.conn.exists(job_key)  # the queue's keys too
        (lapsed_at,) = _started_entries(on.conn)
        assert lapsed_at < wall_back  # the running step's entry lapsed during the outage
        # the reconciler's passes and the worker's heartbeats resume around the running step
        time.sleep(max(0.0, ttl + 2 * settings.reconcile_interval - (time.monotonic() - back_at)))
        assert _gens(pid)[0].state == "running"
        (lapses_at,) = _started_entries(on.conn)
        assert lapses_at > time.time()  # its worker's heartbeats keep it again
        open_gate("long")
        _made_once(make, pid, workspace_id)
        assert arrivals("long") == [f"{design.key}-0.arrived"]  # the step's work was done once
        assert projects.get_project(workspace_id, pid).status == "completed"
        assert queue.failed_job_registry.get_job_ids() == []
        assert queue.started_job_registry.get_job_ids() == []
        for gen in _gens(pid):
            assert Job.fetch(gen.rq_job_id, connection=on.conn).get_status() == JobStatus.FINISHED
        assert "the job queue (Redis) is back; working again" in on.worker_log()
        assert "Traceback" not in on.worker_log()
        print(f"Redis back → make finished in {time.monotonic() - back_at:.1f} s")


# --------------------------------------------------------------------------- PostgreSQL


class PausableProxy:
    """A TCP forwarder of the test's own, 127.0.0.1:<port> → ``target``. :meth:`pause` closes
    every connection and stops listening (clients see what a stopped server gives: the
    connection dropped, then refused); :meth:`resume` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, _free_port()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self.resume()

    def resume(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            server.settimeout(None)
            with self._lock:
                self._conns |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._conns -= {src, dst}

    def pause(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # stop listening at once (a bare close() leaves the socket listening until the
            # accept thread's wait ends: a connection made meanwhile was taken, then reset),
            # then let the accept thread end before the connections are dropped
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        if self._acceptor is not None:
            self._acceptor.join(10)
        with self._lock:
            conns = list(self._conns)
        for sock in conns:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    close = pause


def _proxied(url: str, port: int) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(port=port).render_as_string(hide_password=False)


# PostgreSQL through a proxy of the test's own, whatever the run's database: CI's PostgreSQL run
# has it, the SQLite run leaves it out (tests/conftest.py names it)
@pytest.mark.postgresql_run
def test_postgresql_away_20_s_is_waited_out_by_workers_make_and_the_reconciler(
    app_env, workspace_id, tmp_path, monkeypatch
):
    schema = PgSchema(require_pg())
    proxy = PausableProxy(("127.0.0.1", 5432))
    procs: list[subprocess.Popen] = []
    try:
        monkeypatch.setenv("DATABASE_URL", schema.url)  # the test reads past the proxy
        reset_settings()
        db.dispose_all()
        ws = workspaces.default_workspace_id()
        via_proxy = _proxied(schema.url, proxy.port)
        env = _env(app_env, tmp_path, DATABASE_URL=via_proxy,
                   AYTADA_TEST_FAULTS="design=gate-first:pg")  # fmt: skip
        logs = tmp_path / "logs"
        logs.mkdir()

        def spawn(name: str, *args: str) -> subprocess.Popen:
            proc = subprocess.Popen(
                [sys.executable, "-m", "aytada", *args], env=env,
                stdout=open(logs / f"{name}.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
                start_new_session=True, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            procs.append(proc)
            return proc

        def log(name: str) -> str:
            return (logs / f"{name}.log").read_text(errors="replace")

        conn = jobqueue.redis_conn()
        listed = lambda n: len(Worker.all(connection=conn, queue=jobqueue.get_queue())) >= n  # noqa: E731
        spawn("worker1", "worker")
        spawn("reconciler", "reconcile", "--loop")
        wait_for(lambda: listed(1), what="worker1 listening")
        cid = make_campaign(ws)
        # 1. `make --wait` whose step is running (at a gate) when the database goes away
        make = _make(env, cid, "--wait")
        first = _project_of(make)
        wait_for(lambda: arrivals("pg"), timeout=60, what="the first design running")
        # 2. a background `make` whose step is queued, and taken by a worker while it is away
        suspend(conn)  # worker2 starts, and holds off taking work until the outage
        background = _make(env, cid)
        second = _project_of(background)
        assert background.wait(60) == 0
        spawn("worker2", "worker")
        wait_for(lambda: listed(2), what="worker2 listening")
        time.sleep(1.5)  # worker2 sees the suspension before it would dequeue

        proxy.pause()
        down_at = time.monotonic()
        resume(conn)  # worker2 takes the second design now: its work-horse finds no database
        open_gate("pg")  # the first design is done and stores its result: no database either
        time.sleep(max(0.0, 20 - (time.monotonic() - down_at)))
        assert all(p.poll() is None for p in procs), [log(n) for n in ("worker1", "worker2")]
        assert make.poll() is None  # still waiting, not "database error … exit 2"
        proxy.resume()
        back_at = time.monotonic()

        out, err = make.communicate(timeout=120)
        assert make.returncode == 0, err
        assert out.strip().endswith(".png")
        assert "waiting for the database to come back… (the database" in err
        # why, as the first failed query met it: a new connection refused, or the one in use
        # closed under it (which comes first is the timing's)
        assert "refused the connection" in err or "is not reachable (" in err, err
        assert "the database is back" in err
        assert "DATABASE_URL right" not in err
        wait_for(lambda: _status(ws, second) == "completed", timeout=90, what="the second")
        print(f"the database back → both finished in {time.monotonic() - back_at:.1f} s")
        for project in (first, second):
            assert projects.get_project(ws, project).status == "completed"
            design = next(g for g in _gens(project) if g.step == "design")
            assert (design.state, design.attempts, design.credits_charged) == (
                "succeeded", 0, 10,
            )  # fmt: skip
        assert sorted(c for _g, c in _charges()) == [10, 10]
        assert workspaces.get_balance(ws) == 980
        _balance_is_the_ledger(ws)
        run_log = Path(env["AYTADA_DATA_DIR"]) / "logs" / f"make-project{second}.log"
        wait_for(lambda: run_log.read_text().strip().endswith(".png"), timeout=30,
                 what=f"the background run's end\n{run_log.read_text()}")  # fmt: skip
        assert "error:" not in run_log.read_text()
        assert "waiting for the database to come back" in log("worker1") + log("worker2")
        reconciler = log("reconciler")
        assert "reconcile: waiting for the database to come back" in reconciler
        assert "reconcile: the database is back" in reconciler
        assert "Traceback" not in reconciler
    finally:
        proxy.close()
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        db.dispose_all()
        schema.close()


# --------------------------------------------------------------------------- started means started


class _HeldRow:
    """The generation's row locked by the test (an update not yet committed): a work-horse
    cannot record the step as running until :meth:`release`."""

    def __init__(self, gen_id: int) -> None:
        self.conn = db.get_engine().connect()
        self.tx = self.conn.begin()
        self.conn.execute(
            update(Generation).where(Generation.id == gen_id).values(attempts=Generation.attempts)
        )

    def release(self) -> None:
        self.tx.rollback()
        self.conn.close()


def _queued_aside(ws: int) -> Generation:
    """A script step started, its job taken out of the queue's list (pushed back by the test
    when it wants a worker to take it)."""
    pid = script_project(ws)
    start_step(ws, pid, "script")
    (gen,) = _gens(pid)
    jobqueue.get_queue().remove(gen.rq_job_id)
    return gen


def _kill_its_horse(worker, gen: Generation, go=None, before=None) -> None:  # type: ignore[no-untyped-def]
    """While the generation's row is held: its job pushed to the queue (or ``go()``), and the
    work-horse that takes it killed: whatever it was doing, it had not recorded the step as
    running. ``before``: called after the kill, before the row is let go."""
    held = _HeldRow(gen.id)
    try:
        if go is None:
            jobqueue.get_queue().push_job_id(gen.rq_job_id)
        else:
            go()
        (horse,) = wait_for(worker.horse_pids, what="a work-horse")
        os.kill(horse, signal.SIGKILL)
        wait_for(lambda: not pid_alive(horse), timeout=10, what="the horse gone")
        assert _gens_of(gen.id).state == "queued"
        if before is not None:
            before()
    finally:
        held.release()


def _gens_of(gen_id: int) -> Generation:
    with session_scope() as s:
        gen = s.get(Generation, gen_id)
        assert gen is not None
        return gen


def test_a_work_horse_killed_before_its_step_began_runs_it_again_free_once(
    workspace_id, start_worker
):
    once, twice = _queued_aside(workspace_id), _queued_aside(workspace_id)
    conn = jobqueue.redis_conn()
    worker = start_worker(**FAULTS)
    wait_for(lambda: Worker.all(connection=conn, queue=jobqueue.get_queue()), what="listening")
    # once: the run after the early death does the step, charged once
    _kill_its_horse(worker, once)
    wait_for(lambda: _status(workspace_id, once.project_id) == "script_ready", what="run again")
    gen = _gens_of(once.id)
    assert (gen.state, gen.attempts, gen.credits_charged, gen.error) == ("succeeded", 1, 2, None)
    assert _charges() == [(gen.id, 2)]

    # twice: the second early death fails the step readably, nothing charged
    _kill_its_horse(worker, twice, before=lambda: suspend(conn))  # hand back, take nothing
    wait_for(lambda: _gens_of(twice.id).attempts == 1, what="handed back")
    assert _gens_of(twice.id).state == "queued"
    # queued again at once (the row is handed back first, the job follows it into Redis)
    wait_for(lambda: jobqueue.get_queue().job_ids == [twice.rq_job_id], timeout=5,
             what="queued again")  # fmt: skip
    _kill_its_horse(worker, twice, go=lambda: resume(conn))  # the run again dies early too
    wait_for(lambda: _status(workspace_id, twice.project_id) == "failed", what="failed")
    project = projects.get_project(workspace_id, twice.project_id)
    assert (project.failed_step, project.error) == ("script", f"Script failed: {STOPPED}")
    gen = _gens_of(twice.id)
    assert (gen.state, gen.attempts, gen.credits_charged) == ("failed", 2, 0)
    assert len(_charges()) == 1 and workspaces.get_balance(workspace_id) == 998
    _balance_is_the_ledger(workspace_id)


# --------------------------------------------------------------------------- real causes


def _cli_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    """`aytada credits show` in this process with ``env``: its exit 2 and error line."""
    import io
    from contextlib import redirect_stderr

    from aytada.cli import main

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    db.dispose_all()
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["credits", "show"])
    assert code == 2, err.getvalue()
    assert "Traceback" not in err.getvalue()
    return err.getvalue().strip()


def test_database_errors_name_their_real_cause(monkeypatch, tmp_path):
    empty = tmp_path / "empty.db"
    assert _cli_error(monkeypatch, DATABASE_URL=f"sqlite:///{empty}") == (
        f"error: the SQLite database {empty} has no Aytada tables (no such table: workspaces): "
        "run `aytada migrate`"
    )
    base = require_pg().replace("127.0.0.1:5432", "127.0.0.1:{port}")
    refused = _cli_error(monkeypatch, DATABASE_URL=base.format(port=_free_port()))
    assert 'the database "test" on 127.0.0.1:' in refused
    assert refused.endswith("refused the connection (Connection refused): is it running?")
    pg = require_pg()
    assert _cli_error(monkeypatch, DATABASE_URL=pg.replace("/test", "/no_such_db")).endswith(
        'the database "no_such_db" on 127.0.0.1:5432 does not exist: create it, or correct '
        "DATABASE_URL"
    )
    login = _cli_error(monkeypatch, DATABASE_URL=pg.replace("postgres@", "nobody:pw@"))
    assert 'refused the login (role "nobody" does not exist)' in login and ":pw" not in login
    schema = _cli_error(monkeypatch, DATABASE_URL=f"{pg}?options=-csearch_path%3Dno_schema_here")
    assert schema.endswith("run `aytada migrate`") and "has no Aytada tables" in schema
    db.dispose_all()
