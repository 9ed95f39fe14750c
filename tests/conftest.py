"""Shared fixtures: a migrated database and a Redis of the test run's own, and the CI guard.

Default run: a SQLite file and the embedded Redis (bundled redis-server on a unix socket).
CI also runs the suite with TEST_DATABASE_URL (PostgreSQL: a schema per run, dropped at the end)
and TEST_REDIS_URL (the machine's Redis). Runs never share anything: each has a run id, its own
queue (``aytada-test-<run id>``) and its own Redis db. A TEST_REDIS_URL without a db number
claims a free db for the run (:class:`RedisDbClaim`); one with a db number uses that db, and
stops at once when another live run holds it. Either way the db is flushed per test.

With CI=true a skipped (or xfailed) test fails the run unless it is on
:data:`CI_ALLOWED_SKIPS`: a missing tool or server in CI is a failure, never a quiet skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text

from aytada.core import db
from aytada.core.settings import get_settings, reset_settings
from tests.environment import point_app_at, scratch_redis

# tests never read a developer's .env or .streamlit/secrets.toml (no paid API keys in workers)
os.environ["AYTADA_IGNORE_FILES"] = "1"

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = (
    "credit_holds",
    "credit_ledger",
    "assets",
    "generations",
    "projects",
    "kits",
    "campaigns",
    "memberships",
    "users",
    "workspaces",
)


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


def missing(what: str, hint: str) -> NoReturn:
    """A tool or server the test needs is missing: a failure in CI, a skip elsewhere.

    The one place tests decide this (the CI guard would also fail the skip, later and less
    clearly)."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI ({hint})")
    pytest.skip(f"{what} is missing on this machine ({hint})")


def require_espeak() -> str:
    """espeak-ng's path (the offline voice); missing: a failure in CI, a skip elsewhere."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        missing("espeak-ng", "scripts/system-packages.sh installs it")
    return exe


def require_pg() -> str:
    """The PostgreSQL URL; in CI a missing server fails the test instead of skipping it."""
    if not pg_available():
        missing(f"PostgreSQL at {PG_URL}", "start the server, e.g. pg_ctlcluster … start")
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


def downgrade(url: str, revision: str) -> None:
    """Alembic's downgrade of ``url`` to ``revision`` (:func:`db.migrate` only goes up)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = url
    command.downgrade(cfg, revision)


def check_migration(
    before: str,
    there_and_back: Callable[[str], None],
    sqlite_dir: Path | None = None,
    at_the_head: Callable[[str], None] | None = None,
) -> None:
    """Run ``there_and_back`` (given the url) on a database at revision ``before``, migrate it
    up to the head again, then run ``at_the_head`` on it. The database: a SQLite file in
    ``sqlite_dir``, or without one a PostgreSQL schema of its own (migrated to the head, then
    downgraded to ``before``; dropped at the end)."""
    schema = None if sqlite_dir is not None else PgSchema(require_pg())  # at the head
    try:
        if schema is None:
            url = f"sqlite:///{sqlite_dir / 'migrated.db'}"
            db.migrate(url, before)
        else:
            url = schema.url
            downgrade(url, before)
        there_and_back(url)
        db.migrate(url)
        if at_the_head is not None:
            at_the_head(url)
    finally:
        if schema is not None:
            schema.close()


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


# ---------------------------------------------------------------------------------------------
# Redis: a db of the run's own

CLAIM_DB = 0  # where runs record their claims; never handed out, never flushed by a run
CLAIM_PREFIX = "aytada-test:redis-db:"
CLAIM_TTL = 120  # seconds a claim outlives its run's last renewal (a killed run frees its db)
MARKER = "aytada-test:run"  # kept in a claimed db: its keys are a test run's leftovers


def redis_db_of(url: str) -> int | None:
    """The db number a Redis URL names (``redis://host/5``, ``unix://sock?db=5``), else None."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if "db" in query:
        return int(query["db"])
    path = parts.path.strip("/")
    if parts.scheme != "unix" and path:
        return int(path)
    return None


def with_redis_db(url: str, number: int) -> str:
    """The same server's URL naming db ``number``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"]
    if parts.scheme == "unix":
        return urlunsplit(parts._replace(query=urlencode([*query, ("db", str(number))])))
    return urlunsplit(parts._replace(path=f"/{number}", query=urlencode(query)))


class RedisDbClaim:
    """A Redis db held by this run: an atomic ``SET NX`` key with an expiry in db 0, renewed
    by a thread every ``CLAIM_TTL / 4`` s and released (after a last flush) at the end.

    Without a db number in the URL the highest free db is claimed: not claimed by a live run and
    either empty or holding only a dead test run's leftovers (its :data:`MARKER`). A db named in
    the URL is used as told, but claimed too, so no other run takes it; when a live run already
    holds it the run stops with a message instead of flushing that run's jobs.
    """

    def __init__(self, base_url: str, run_id: str) -> None:
        from redis import Redis

        self.base_url = base_url
        self.token = f"{run_id} pid {os.getpid()} on {socket.gethostname()}"
        self.claims = Redis.from_url(with_redis_db(base_url, CLAIM_DB))
        self.lock = None
        self.number = -1
        self.lost = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _lock(self, number: int):  # type: ignore[no-untyped-def]
        return self.claims.lock(f"{CLAIM_PREFIX}{number}", timeout=CLAIM_TTL, thread_local=False)

    def _holder(self, number: int) -> str:
        value = self.claims.get(f"{CLAIM_PREFIX}{number}")
        return value.decode(errors="replace") if value else "nobody"

    def _databases(self) -> int:
        try:
            return int(self.claims.config_get("databases").get("databases", 16))
        except Exception:  # noqa: BLE001 - CONFIG may be disabled: Redis's default
            return 16

    def claim(self) -> str:
        from redis import Redis

        wanted = redis_db_of(self.base_url)
        if wanted == CLAIM_DB:
            pytest.exit(
                f"TEST_REDIS_URL names db {CLAIM_DB}, which holds the test runs' claims"
                ": name another db, or none to get a free one",
                returncode=4,
            )
        candidates = [wanted] if wanted is not None else range(self._databases() - 1, 0, -1)
        for number in candidates:
            lock = self._lock(number)
            if not lock.acquire(blocking=False, token=self.token):
                continue
            db = Redis.from_url(with_redis_db(self.base_url, number))
            if wanted is None and db.dbsize() and not db.exists(MARKER):
                lock.release()  # someone's data, not a test run's: leave it alone
                continue
            self.lock, self.number = lock, number
            db.flushdb()
            db.set(MARKER, self.token)
            self._thread = threading.Thread(target=self._renew, daemon=True, name="redis-db-claim")
            self._thread.start()
            return with_redis_db(self.base_url, number)
        if wanted is not None:
            pytest.exit(
                f"Redis db {wanted} (TEST_REDIS_URL) is in use by another test run "
                f"({self._holder(wanted)}); name another db, or none to get a free one",
                returncode=4,
            )
        pytest.exit(
            "no free Redis db for this run: every db is claimed by a live test run or "
            "holds data that is not a test run's (flush a db you know is unused)",
            returncode=4,
        )

    def _renew(self) -> None:
        from redis.exceptions import LockNotOwnedError

        while not self._stop.wait(CLAIM_TTL / 4):
            try:
                self.lock.reacquire()  # type: ignore[union-attr]
                continue
            except LockNotOwnedError:
                pass  # expired (or the claims were flushed): take it back while it is free
            except Exception:  # noqa: BLE001 - Redis away or refusing writes: try again later
                continue
            try:
                if not self.lock.acquire(blocking=False, token=self.token):  # type: ignore[union-attr]
                    self.lost = (
                        f"lost the claim on Redis db {self.number} to {self._holder(self.number)}"
                    )
            except Exception:  # noqa: BLE001 - as above
                continue

    def release(self) -> None:
        from redis import Redis

        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self.lock is None:
            return
        with contextlib.suppress(Exception):
            if not self.lost:
                Redis.from_url(with_redis_db(self.base_url, self.number)).flushdb()
            self.lock.release()


@pytest.fixture(scope="session")
def run_id() -> str:
    """This run's id: its queue is ``aytada-test-<run id>``, its Redis claim names it."""
    return uuid.uuid4().hex[:12]


@pytest.fixture(scope="session")
def redis_claim(run_dir: Path, run_id: str) -> Iterator[RedisDbClaim | None]:
    """The run's claim on a db of TEST_REDIS_URL's server (None: the embedded Redis)."""
    base = os.environ.get("TEST_REDIS_URL")
    if not base:
        yield None
        return
    claim = RedisDbClaim(base, run_id)
    claim.claim()
    yield claim
    claim.release()


@pytest.fixture(scope="session")
def redis_url(run_dir: Path, redis_claim: RedisDbClaim | None) -> Iterator[str]:
    if redis_claim is not None:
        yield with_redis_db(redis_claim.base_url, redis_claim.number)
        return
    sock = run_dir / "redis.sock"
    proc = scratch_redis(sock, run_dir)
    for _ in range(200):
        if sock.exists():
            break
        time.sleep(0.05)
    yield f"unix://{sock}"
    proc.terminate()
    proc.wait(10)


# A test that never asked for the database gets a URL that cannot be opened, so a pure function
# that reaches for it fails loudly instead of writing into some other test's rows.
NO_DATABASE = "not_marked_db://a-test-that-uses-the-database-is-marked-db-or-asks-for-app_env"
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture(autouse=True)
def test_env(
    request: pytest.FixtureRequest,
    run_id: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    """Every test: no developer keys, files under the test's own folder, the run's queue name.

    A test marked ``db`` (by module, by folder or by asking for ``app_env``) also gets the run's
    database and Redis db, emptied; any other test gets addresses where nothing answers."""
    developer = [k for k in os.environ if k.startswith("PROVIDER_")] + ["MEDIA_URL"]
    for key in ("OPENAI_API_KEY", "ELEVENLABS_API_KEY", "SHOTSTACK_API_KEY", "FAL_KEY", *developer):
        monkeypatch.delenv(key, raising=False)
    env = point_app_at(monkeypatch, NO_DATABASE, NO_REDIS, tmp_path / "data", tmp_path, run_id)
    if request.node.get_closest_marker("db") is not None:
        env = request.getfixturevalue("app_env")
    yield env
    reset_settings()


@pytest.fixture
def app_env(
    run_dir: Path,
    database_url: str,
    redis_url: str,
    redis_claim: RedisDbClaim | None,
    run_id: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    """Point the app at the run's database, Redis db and queue, with empty tables and a
    flushed db (a test asking for it is marked ``db``)."""
    if redis_claim is not None and redis_claim.lost:
        pytest.fail(redis_claim.lost)
    env = point_app_at(monkeypatch, database_url, redis_url, run_dir / "data", tmp_path, run_id)
    db.dispose_all()
    with db.get_engine().begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
    from redis import Redis

    redis = Redis.from_url(redis_url)
    redis.flushdb()
    if redis_claim is not None:
        redis.set(MARKER, redis_claim.token)  # the db's keys are this run's
    yield env
    db.dispose_all()
    reset_settings()


# ---------------------------------------------------------------------------------------------
# Tiers: every test is unit, integration or e2e (scripts/test.sh --fast runs the unit tier)

#: Fixtures that make a test an integration test: a real worker process, a PostgreSQL schema of
#: its own, a local S3 server.
INTEGRATION_FIXTURES = frozenset({"start_worker", "s3_server", "s3"})
#: Folders whose every test uses the database and the queue.
DB_FOLDERS = ("jobs", "ui")


def run_database_is_postgresql() -> bool:
    """Whether this run's database is PostgreSQL (TEST_DATABASE_URL), not the SQLite file."""
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


#: Node ids this run left out as PostgreSQL's own (marked ``postgresql_run``, SQLite run).
_LEFT_FOR_POSTGRESQL: set[str] = set()


def _leave_out_postgresql_runs(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A SQLite run deselects the tests marked ``postgresql_run`` (their subject is the
    PostgreSQL server, which the run with TEST_DATABASE_URL has): never a skip, and named at
    the end of the run (:func:`pytest_terminal_summary`)."""
    if run_database_is_postgresql():
        return
    left = [item for item in items if item.get_closest_marker("postgresql_run") is not None]
    if not left:
        return
    items[:] = [item for item in items if item.get_closest_marker("postgresql_run") is None]
    config.hook.pytest_deselected(items=left)
    _LEFT_FOR_POSTGRESQL.update(item.nodeid for item in left)
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller prints them
        config.workeroutput["left_for_postgresql"] = sorted(_LEFT_FOR_POSTGRESQL)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """xdist's controller: what a worker left out for the PostgreSQL run."""
    _LEFT_FOR_POSTGRESQL.update(getattr(node, "workeroutput", {}).get("left_for_postgresql", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _leave_out_postgresql_runs(config, items)
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        folder = Path(str(item.path)).parent.name
        if "app_env" in names or "database_url" in names or folder in DB_FOLDERS:
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("e2e") is not None:
            continue
        if (item.get_closest_marker("slow") is not None
                or item.get_closest_marker("integration") is not None
                or names & INTEGRATION_FIXTURES):  # fmt: skip
            if item.get_closest_marker("integration") is None:
                item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)
    # the long ones first: parallel processes then fill the end with short unit tests instead
    # of one process finishing a long tail alone (a stable sort keeps each tier's order)
    tier = {"e2e": 0, "integration": 1}
    items.sort(key=lambda i: min((tier[m.name] for m in i.iter_markers() if m.name in tier),
                                 default=2))  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A migrated database of the test's own on each engine, whatever the run's database is
    (SQLite is the default install); yields the engine's name."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'own.db'}"
        db.migrate(url)
    else:
        request.applymarker(pytest.mark.postgres)
        schema = PgSchema(require_pg())
        url = schema.url
    monkeypatch.setenv("DATABASE_URL", url)
    reset_settings()
    db.dispose_all()
    try:
        yield request.param
    finally:
        db.dispose_all()
        if schema is not None:
            schema.close()


@pytest.fixture
def small_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Videos render at half their size (a quarter of the pixels) in this test and its workers:
    for tests of the orchestration. The full-size renders: test_video_pipeline,
    test_creative_pipeline, test_voice_options and test_fal_clips_worker."""
    monkeypatch.setenv("AYTADA_RENDER_SCALE", "0.5")
    reset_settings()


@pytest.fixture
def workspace_id() -> int:
    from aytada.core.workspaces import default_workspace_id

    return default_workspace_id()


def session_pids(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``: a worker started with
    ``start_new_session=True``, its work-horses (each in a process group of its own: RQ calls
    ``setpgrp``) and whatever they started (ffmpeg, espeak-ng, …)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(int(entry.name))
    return found


def _process_groups(pids: list[int]) -> set[int]:
    groups = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(pid))
    return groups


class WorkerProcess:
    """A real `aytada worker` process (forking RQ worker) with the test's environment.

    It leads a session of its own; :meth:`stop` ends every process in it. ``root``: the
    checkout the worker imports `aytada` from (and runs in).
    """

    def __init__(
        self, env: dict[str, str], extra_env: dict[str, str] | None = None, root: Path = ROOT
    ) -> None:
        full = {**os.environ, **env, **(extra_env or {})}
        full["PYTHONPATH"] = str(root) + os.pathsep + full.get("PYTHONPATH", "")
        self.log = Path(env["MEDIA_DIR"]).parent / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aytada", "worker"],
            env=full,
            cwd=root,
            stdout=open(self.log, "wb"),
            stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True,
        )

    def horse_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def processes(self) -> list[int]:
        """Every live process the worker's session holds (the worker, horses, their children)."""
        return session_pids(self.proc.pid)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every process group of the worker's session, wait up to ``grace`` seconds,
        then SIGKILL what is left; returns once nothing of the session runs (so no work-horse
        or ffmpeg of this test writes into the next test's database, Redis or files)."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
            for group in _process_groups(self.processes()):
                with contextlib.suppress(OSError):
                    os.killpg(group, sig)
            if self._gone_within(wait):
                break
        self.proc.wait(10)
        left = self.processes()
        assert not left, f"worker {self.proc.pid}: processes survived SIGKILL: {left}"

    def _gone_within(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            self.proc.poll()  # reap the worker: a zombie is not counted
            if not self.processes():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

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


def all_at_once(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``fn(item)`` for each item, each in a thread of its own, all released together (a
    barrier); their results in the order they came."""
    barrier = threading.Barrier(len(items))
    results: list[Any] = []

    def run(item: Any) -> None:
        barrier.wait()
        results.append(fn(item))

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def settings_now():  # type: ignore[no-untyped-def]
    return get_settings()


# ---------------------------------------------------------------------------------------------
# CI guard: with CI=true a skip fails the run

#: Tests allowed to skip in CI: node id → why the skip hides nothing. Keep it empty; an entry
#: needs a reason a reviewer accepts (a missing tool or server is never one: install it).
CI_ALLOWED_SKIPS: dict[str, str] = {}

_SKIPS: list[tuple[str, str]] = []  # (node id, why) of every skip or xfail of this run


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    if getattr(report, "wasxfail", None) is not None:
        return f"xfail: {report.wasxfail or 'no reason given'}"  # type: ignore[union-attr]
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, line, message = longrepr
        return f"{message.removeprefix('Skipped: ')} ({path}:{line})"
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _SKIPS.append((report.nodeid, _skip_reason(report)))


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:  # a whole module skipped (pytest.skip(allow_module_level) / importorskip)
        _SKIPS.append((report.nodeid, _skip_reason(report)))


def ci_forbidden_skips() -> list[tuple[str, str]]:
    """This run's skips that CI does not allow (empty outside CI)."""
    if not IN_CI:
        return []
    return [(node, why) for node, why in _SKIPS if node not in CI_ALLOWED_SKIPS]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if ci_forbidden_skips() and session.exitstatus in (
        pytest.ExitCode.OK,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    for node in sorted(_LEFT_FOR_POSTGRESQL):
        terminalreporter.write_line(
            f"deselected on SQLite (its subject is PostgreSQL: the run with "
            f"TEST_DATABASE_URL has it): {node}"
        )
    forbidden = ci_forbidden_skips()
    if not forbidden:
        return
    terminalreporter.write_sep(
        "=", f"CI=true: {len(forbidden)} skipped test(s) fail the run", red=True, bold=True
    )
    for node, why in forbidden:
        terminalreporter.write_line(f"SKIPPED IN CI {node}: {why}", red=True)
    terminalreporter.write_line(
        "Fix the cause (install the tool, start the server) or add the "
        "test to CI_ALLOWED_SKIPS in tests/conftest.py with a reason."
    )
