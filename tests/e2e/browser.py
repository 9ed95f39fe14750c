"""What the end-to-end tests share: the app started the README's way (`scripts/up.sh`) on a data
folder of the test's own, headless Chromium, and the steps a person takes in it (click, wait
for a text; a screenshot of each step into E2E_SCREENSHOTS when it is set)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from aytada.ui.streamlit_compat import HEALTH_PATH
from tests.conftest import IN_CI, ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "")) if os.environ.get("E2E_SCREENSHOTS") else None
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(data: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of an app (and its CLI) on the data folder `data`, embedded defaults."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "MEDIA_DIR", "AYTADA_QUEUE")
    }
    env["AYTADA_DATA_DIR"] = str(data)
    env.update(extra_env or {})
    return env


@contextlib.contextmanager
def running_app(
    data: Path, extra_env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """`scripts/up.sh` on a fresh data folder (its SQLite database is `data/aytada.db`);
    yields the app's URL and stops everything afterwards."""
    port = port or free_port()
    env = app_env(data, extra_env)
    data.parent.mkdir(parents=True, exist_ok=True)
    log_path = data.parent / "up.log"
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "up.sh"), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                with urllib.request.urlopen(url + HEALTH_PATH, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the app did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)  # `up` stops every child on SIGTERM
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    assert proc.returncode == 0, log_path.read_text()[-3000:]


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("chromium is required in CI (scripts/system-packages.sh installs it)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # a context of the test's own (more tabs of the same visitor: page.context.new_page())
        page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
        page.set_default_timeout(30_000)
        yield page
        shot(page, "99-last")  # where the test ended (or failed)
        browser.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def click(page, name: str | re.Pattern, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    button = page.get_by_role("button", name=name).first
    button.wait_for(state="visible", timeout=timeout)
    button.click()


def wait_text(page, text: str | re.Pattern, timeout: float = 60_000) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text(text).first.wait_for(state="visible", timeout=timeout)
