"""The sidebar's health line: what `aytada up` says of its children (its state file)."""

from __future__ import annotations

import json
import os
import time

import pytest

from aytada.core.settings import get_settings, reset_settings
from aytada.ui.widgets import VIDEOS


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """`up`'s state file of this test's own (never one another test reads)."""
    monkeypatch.setenv("AYTADA_DATA_DIR", str(tmp_path / "data"))
    reset_settings()


def _up_state(health: dict[str, dict]) -> None:  # type: ignore[type-arg]
    path = get_settings().data_dir / "up.pids"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"up": os.getpid(), "children": {}, "window": 600,
                                "health": health}))  # fmt: skip


def _sidebar(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(c.value for c in at.sidebar.caption)


def test_the_sidebar_says_a_worker_was_restarted_and_when(app, ws):
    ran = {"state": "running", "pid": 1, "restarts": [], "last_exit": "", "next_start": None}
    _up_state({
        "worker1": {**ran, "restarts": [time.time() - 5], "last_exit": "killed by SIGKILL"},
        "worker2": ran, "reconciler": ran, "streamlit": ran,
    })  # fmt: skip
    at = app(VIDEOS)
    assert not at.exception
    line = _sidebar(at)
    assert "worker1 restarted at " in line and "(killed by SIGKILL)" in line
    assert "1 restart in the last 10 min" in line


def test_all_running_says_so_and_no_up_says_nothing(app, ws):
    ran = {"state": "running", "pid": 1, "restarts": [], "last_exit": "", "next_start": None}
    _up_state({"worker1": ran, "worker2": ran, "reconciler": ran, "streamlit": ran})
    assert "All services running (2 workers)" in _sidebar(app(VIDEOS))
    (get_settings().data_dir / "up.pids").unlink()  # `streamlit run` on its own
    assert "services" not in _sidebar(app(VIDEOS)) and "restarted" not in _sidebar(app(VIDEOS))
