"""What the shared fixtures (tests/conftest.py) set up, for the tests that set it up again:
the variables that point the app somewhere, and a scratch redis-server."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aytada.core.settings import reset_settings


def point_app_at(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    redis_url: str,
    data_dir: Path,
    tmp_path: Path,
    run_id: str,
) -> dict[str, str]:
    """Point the app at ``database_url``, ``redis_url``, ``data_dir``, the test's own media
    folder and the run's queue (the variables set, the settings read again); returns them."""
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AYTADA_DATA_DIR": str(data_dir),
        "MEDIA_DIR": str(tmp_path / "media"),
        "AYTADA_QUEUE": f"aytada-test-{run_id}",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    return env


def scratch_redis(sock: Path, folder: Path, *options: str) -> subprocess.Popen:
    """The bundled redis-server on the unix socket ``sock``, keeping nothing on disk (its
    working folder: ``folder``); ``options``: more of redis-server's own. The caller waits for
    ``sock`` to appear and terminates it."""
    from aytada.jobs.queue import redis_server_command

    keep_nothing = ("--save", "", "--appendonly", "no", "--dir", str(folder))
    return subprocess.Popen(
        redis_server_command(sock, *keep_nothing, *options),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
