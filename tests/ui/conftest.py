"""UI test fixtures: an AppTest factory, a fresh database per test, Redis, and factories.

`ui_env` is deliberately not autouse: it gives a test its own migrated SQLite file, data and
media folders (on top of whatever the root conftest set), so UI tests never share state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from aytada.core import db
from aytada.core.models import Generation, Project
from aytada.core.settings import get_settings, reset_settings
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "Home.py"

IDEAS = [
    {"title": f"Idea {i}", "angle": f"angle {i}", "hook": f"hook {i}", "approach": f"approach {i}"}
    for i in range(1, 4)
]
SCRIPT = {
    "hook": "Muddy trail? No problem.",
    "body": "Trailblazer grips where others slip.",
    "call_to_action": "Get yours today.",
    "voiceover": "Muddy trail? No problem. Trailblazer grips where others slip. Get yours today.",
    "lines": [],
}
SCENES = [
    {
        "index": i,
        "visual": f"Runner on a muddy trail, shot {i + 1}",
        "caption": f"Caption {i + 1}",
        "voiceover": f"Line {i + 1}",
        "duration": 5.0,
    }
    for i in range(3)
]


@pytest.fixture
def ui_env(app_env: dict[str, str]) -> Path:
    """The run's database and Redis (root conftest: SQLite or PostgreSQL, tables emptied per
    test); returns this test's own folder."""
    return Path(app_env["MEDIA_DIR"]).parent


@pytest.fixture
def ui_redis(ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A reachable Redis: the one the root conftest set (REDIS_URL), else the embedded one."""
    from redis import Redis

    from aytada.jobs.queue import start_embedded_redis

    proc = None
    url = os.environ.get("REDIS_URL", "")
    if not url:
        proc = start_embedded_redis(get_settings())
        url = get_settings().effective_redis_url
    monkeypatch.setenv("AYTADA_QUEUE", "aytada-ui-test")
    reset_settings()
    Redis.from_url(url).flushdb()
    yield url
    if proc is not None:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def redis_down(ui_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REDIS_URL points at a port where nothing listens."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    reset_settings()


@pytest.fixture
def ws(ui_env: Path) -> int:
    from aytada.core.workspaces import default_workspace_id

    return default_workspace_id()


@pytest.fixture
def app(ui_env: Path) -> Callable[..., AppTest]:
    """open_page("app_pages/x.py", **query_params) → an AppTest that ran that page."""

    def open_page(page: str | None = None, **params: Any) -> AppTest:
        at = AppTest.from_file(str(HOME), default_timeout=30)
        at.run()
        assert not at.exception, at.exception
        if page is not None:
            at.switch_page(page)
            for key, value in params.items():
                at.query_params[key] = str(value)
            at.run()
        return at

    return open_page


# --------------------------------------------------------------------------- factories


make_campaign = factories.make_campaign
make_project = factories.make_project


def project_row(pid: int) -> Project:
    with db.session_scope() as s:
        project = s.get(Project, pid)
        assert project is not None
        return project


def generations(pid: int) -> list[Generation]:
    from sqlalchemy import select

    with db.session_scope() as s:
        return list(
            s.scalars(
                select(Generation).where(Generation.project_id == pid).order_by(Generation.id)
            )
        )


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, titles…), joined."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "code",
    ):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")  # markdown escapes of user text


def buttons(at: AppTest) -> dict[str, str]:
    """key → label of every button on the page."""
    return {b.key: b.label for b in at.button if b.key}


def has_autorefresh(at: AppTest) -> bool:
    return len(at.get("component_instance")) > 0
