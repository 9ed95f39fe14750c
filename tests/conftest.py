"""Shared fixtures: a migrated database and a Redis of the test run's own.

Default run: a SQLite file and the embedded Redis (bundled redis-server on a unix socket).
CI also runs the suite with TEST_DATABASE_URL (PostgreSQL: a schema per run, dropped at the end)
and TEST_REDIS_URL (the machine's Redis: a db number of the run's own, flushed per test).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from aytada.core import db
from aytada.core.settings import get_settings, reset_settings

# tests never read a developer's .env or .streamlit/secrets.toml (no paid API keys in workers)
os.environ["AYTADA_IGNORE_FILES"] = "1"

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = ("credit_ledger", "assets", "generations", "projects", "campaigns", "workspaces")


def _schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def pg_available(url: str = PG_URL) -> bool:
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def require_pg() -> str:
    """The PostgreSQL URL; in CI a missing server fails the test instead of skipping it."""
    if not pg_available():
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (required in CI)")
        pytest.skip("PostgreSQL is not running on this machine")
    return PG_URL


class PgSchema:
    """A schema of its own on the PostgreSQL server, migrated; dropped on close()."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(base_url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        engine.dispose()
        self.url = _schema_url(base_url, self.name)
        db.migrate(self.url)

    def close(self) -> None:
        db.dispose_all()
        engine = create_engine(self.base)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("aytada")


@pytest.fixture(scope="session")
def database_url(run_dir: Path) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        schema = PgSchema(db.normalise_url(base))
        yield schema.url
        schema.close()
    else:
        url = f"sqlite:///{run_dir / 'test.db'}"
        db.migrate(url)
        yield url


@pytest.fixture(scope="session")
def redis_url(run_dir: Path) -> Iterator[str]:
    base = os.environ.get("TEST_REDIS_URL")
    if base:
        # a db number of this run's own (13 unless told), flushed per test
        yield base if base.rstrip("/").split("/")[-1].isdigit() else base.rstrip("/") + "/13"
        return
    from aytada.jobs.queue import redis_server_binary

    sock = run_dir / "redis.sock"
    proc = subprocess.Popen(
        [redis_server_binary(), "--port", "0", "--unixsocket", str(sock), "--save", "",
         "--appendonly", "no", "--dir", str(run_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        if sock.exists():
            break
        time.sleep(0.05)
    yield f"unix://{sock}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(autouse=True)
def app_env(
    run_dir: Path, database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    """Point the app at the run's database and Redis with empty tables and a flushed db."""
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AYTADA_DATA_DIR": str(run_dir / "data"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "AYTADA_QUEUE": "aytada-test",
    }
    for key in ("OPENAI_API_KEY", "ELEVENLABS_API_KEY", "SHOTSTACK_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    db.dispose_all()
    with db.get_engine().begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    yield env
    db.dispose_all()
    reset_settings()


@pytest.fixture
def workspace_id() -> int:
    from aytada.core.workspaces import default_workspace_id

    return default_workspace_id()


class WorkerProcess:
    """A real `aytada worker` process (forking RQ worker) with the test's environment."""

    def __init__(self, env: dict[str, str], extra_env: dict[str, str] | None = None) -> None:
        full = {**os.environ, **env, **(extra_env or {})}
        full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
        self.log = Path(env["MEDIA_DIR"]).parent / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aytada", "worker"],
            env=full, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True,
        )

    def horse_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def start_worker(app_env: dict[str, str]) -> Iterator:
    workers: list[WorkerProcess] = []

    def _start(**extra_env: str) -> WorkerProcess:
        w = WorkerProcess(app_env, extra_env)
        workers.append(w)
        return w

    yield _start
    for w in workers:
        w.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll until predicate() is truthy (for waiting on real workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def settings_now():  # type: ignore[no-untyped-def]
    return get_settings()
