"""Engines and sessions. Engines are created lazily per process (they are not fork-safe).

Also what a database error means for a person (:func:`db_problem`): the database refused the
connection, is not reachable, is restarting (all three pass: wait and try again), refused the
login, does not exist, or has no tables yet (run `aytada migrate`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from aytada.core.settings import ROOT, get_settings

_engines: dict[tuple[int, str], Engine] = {}
_makers: dict[tuple[int, str], sessionmaker[Session]] = {}


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


# PostgreSQL (unless the URL sets them): a connection attempt gives up after 10 s (libpq waits
# for ever by default, so a database behind a dead network hung every command), and TCP
# keepalives find a connection whose server vanished without a word
PG_CONNECT_ARGS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def get_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or get_settings().database_url)
    key = (os.getpid(), url)
    engine = _engines.get(key)
    if engine is None:
        if url.startswith("sqlite"):
            db_path = url.split("///", 1)[-1]
            if db_path and db_path != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            given = make_url(url).query
            connect_args = {k: v for k, v in PG_CONNECT_ARGS.items() if k not in given}
            engine = create_engine(
                url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args
            )
        _engines[key] = engine
    return engine


def get_sessionmaker(url: str | None = None) -> sessionmaker[Session]:
    engine = get_engine(url)
    key = (os.getpid(), str(engine.url))
    maker = _makers.get(key)
    if maker is None:
        maker = sessionmaker(engine, expire_on_commit=False)
        _makers[key] = maker
    return maker


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One short transaction: commit on success, roll back on any error."""
    session = get_sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _makers.clear()


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Run Alembic migrations up to `revision` on `url` (default: the configured database)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = normalise_url(url or get_settings().database_url)
    command.upgrade(cfg, revision)


# --------------------------------------------------------------------------- what went wrong

#: kinds of problem that pass by themselves: wait and try again
TRANSIENT = frozenset({"refused", "unreachable", "restarting", "busy"})

# (kind, pattern in the driver's message), first match wins; PostgreSQL's connection errors
# carry no SQLSTATE, so the text is what tells them apart
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("refused", r"connection refused"),
    (
        "auth",
        r"password authentication failed|authentication failed|role \".*\" does not exist"
        r"|no pg_hba\.conf entry|password supplied|requires a password",
    ),
    ("no-database", r"database \".*\" does not exist"),
    ("no-schema", r"no schema has been selected|schema \".*\" does not exist"),
    ("no-tables", r"no such table|relation \".*\" does not exist|undefinedtable"),
    (
        "restarting",
        r"starting up|shutting down|in recovery|not yet accepting connections"
        r"|terminating connection|administrator command",
    ),
    ("busy", r"database is locked|too many clients|too many connections|remaining connection"),
    (
        "unreachable",
        r"timeout expired|timed out|no route to host|network is unreachable"
        r"|failed to resolve host|could not translate host name|name or service not"
        r"|server closed the connection|connection is (lost|closed)|consuming input"
        r"|could not (receive|send) data|connection reset|broken pipe|ssl syscall"
        r"|the connection is closed|connection not open|eof detected",
    ),
)
_SQLSTATES = {
    "08": "unreachable",  # connection exception
    "57P01": "restarting",  # admin shutdown
    "57P02": "restarting",  # crash shutdown
    "57P03": "restarting",  # cannot connect now
    "53300": "busy",  # too many connections
    "28P01": "auth",
    "28000": "auth",
    "3D000": "no-database",
    "3F000": "no-schema",
    "42P01": "no-tables",
}


@dataclass(frozen=True)
class DbProblem:
    """What went wrong with the database, for a person: ``kind`` (one of refused, unreachable,
    restarting, busy, auth, no-database, no-schema, no-tables, other) and a ``message`` that
    names the database (never its password) and what to do."""

    kind: str
    message: str

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


def _which(url: str) -> str:
    """The database, named for a message (host, port and name; never the password)."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse: say nothing of it
        return "the database"
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {parsed.database or '(in memory)'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    name = f' "{parsed.database}"' if parsed.database else ""
    return f"the database{name} on {host}{port}"


def _reason(text: str) -> str:
    """The driver's message without libpq's "connection to server at … failed:" preamble."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = re.sub(r"^connection failed: (connection to server at [^:]*? failed: )?", "", first)
    first = re.sub(r"^\(\S+\) ", "", first)  # SQLAlchemy's "(psycopg.OperationalError) "
    return first.replace("FATAL:  ", "").strip() or "no details"


def db_problem(exc: BaseException, url: str | None = None) -> DbProblem | None:
    """What a database error means (None: ``exc`` is not one). ``url``: the database's, for
    the message (default: the configured one)."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    text = str(orig if orig is not None else exc)
    state = str(getattr(orig, "sqlstate", "") or "")
    kind = _SQLSTATES.get(state) or _SQLSTATES.get(state[:2])
    if kind is None:
        lowered = f"{type(orig).__name__} {text}".lower()
        kind = next((k for k, pattern in _PATTERNS if re.search(pattern, lowered)), "other")
    which = _which(url or get_settings().database_url)
    reason = _reason(text)
    message = {
        "refused": f"{which} refused the connection ({reason}): is it running?",
        "unreachable": f"{which} is not reachable ({reason})",
        "restarting": f"{which} is restarting ({reason})",
        "busy": f"{which} is busy ({reason})",
        "auth": f"{which} refused the login ({reason}): check the user and password in "
        "DATABASE_URL",
        "no-database": f"{which} does not exist: create it, or correct DATABASE_URL",
        "no-schema": f"{which}: the schema DATABASE_URL names does not exist ({reason}): "
        "create it, then run `aytada migrate`",
        "no-tables": f"{which} has no Aytada tables ({reason}): run `aytada migrate`",
        "other": f"database error: {reason}",
    }[kind]
    return DbProblem(kind, message)
