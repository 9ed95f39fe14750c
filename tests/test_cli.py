"""The `aytada` command as a user runs it (subprocesses with the test environment)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aytada.core import media, projects
from aytada.core.workspaces import default_workspace_id
from aytada.providers import ffmpeg
from tests.conftest import ROOT


def aytada(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "aytada", *args], env=full, text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_credits_show_and_add(app_env):
    out = aytada(app_env, "credits", "show")
    assert out.returncode == 0 and "balance 1000 credits" in out.stdout
    out = aytada(app_env, "credits", "add", "250")
    assert out.returncode == 0 and "balance 1250" in out.stdout
    out = aytada(app_env, "credits", "add", "0")
    assert out.returncode == 2 and "positive" in out.stderr


def test_migrate_is_idempotent(app_env):
    for _ in range(2):
        out = aytada(app_env, "migrate")
        assert out.returncode == 0, out.stderr


def test_redis_down_is_a_clear_error_not_a_traceback(app_env):
    out = aytada({**app_env, "REDIS_URL": "redis://127.0.0.1:1/0"}, "worker")
    assert out.returncode == 2
    assert "not reachable" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.slow
def test_demo_makes_a_30_second_ad_through_the_queue(app_env):
    out = aytada(app_env, "demo", "--workers", "2", timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    for status in ("generating_ideas", "ideas_ready", "script_ready", "scenes_ready",
                   "generating_video", "generating_voiceover", "stitching", "completed"):
        assert f"status: {status}" in out.stdout
    path = out.stdout.split("final video: ", 1)[1].splitlines()[0]
    info = ffmpeg.probe(media.resolve(path))
    assert (info["width"], info["height"]) == (1080, 1920)
    assert abs(info["duration"] - 30) <= 0.5
    ws = default_workspace_id()
    (card,) = projects.list_projects(ws).cards
    assert card.status == "completed"
