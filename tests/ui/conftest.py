"""UI test fixtures: an AppTest that opens a page through Home.py, the workspace, and Redis
(reachable or down). The database is the run's one (root conftest), emptied for every test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from aytada.core.settings import get_settings, reset_settings
from aytada.ui.streamlit_compat import scan_components_once

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "Home.py"

# each new AppTest would read every installed package's metadata again (~0.3 s a page test)
scan_components_once()


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
    reset_settings()  # the run's own queue name (AYTADA_QUEUE) is kept from the root conftest
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
    """open_page(w.STUDIO, **query_params) → an AppTest that ran that page through Home.py."""

    def open_page(page: str | None = None, **params: Any) -> AppTest:
        return _opened(AppTest.from_file(str(HOME), default_timeout=30), page, params, False)

    return open_page


def _opened(
    at: AppTest, page: str | None, params: dict[str, Any], check_page: bool = True
) -> AppTest:
    """Run Home.py, then (when asked) switch to ``page`` with its query parameters;
    ``check_page`` False leaves the page's own exception to the test."""
    at.run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = str(value)
        at.run()
        assert not (check_page and at.exception), at.exception
    return at


# --------------------------------------------------------------------------- sign-in

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-0123456789abcdef",
    "client_id": "aytada-test",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


@pytest.fixture
def signed(ui_env) -> Callable[..., AppTest]:  # type: ignore[no-untyped-def]
    """open(email or None, page, **query) → an AppTest of Home.py with sign-in configured,
    signed in as ``email`` (None: signed out), on ``page``."""

    def open_as(email: str | None, page: str | None = None, name: str = "",
                **params: Any) -> AppTest:  # fmt: skip
        at = AppTest.from_file(str(HOME), default_timeout=30)
        at.secrets["auth"] = AUTH
        at.user = (
            {"is_logged_in": True, "email": email, "name": name, "email_verified": True}
            if email is not None
            else {"is_logged_in": False}
        )
        return _opened(at, page, params)

    return open_as
