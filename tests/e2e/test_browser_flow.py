"""The whole flow in headless Chromium against the app started the README's way.

`scripts/up.sh` (migrations, embedded Redis, real workers, the reconciler, Streamlit) on a
fresh data folder; then, only through the browser: create a campaign, make a 15 s video ad
with the wizard on the offline providers, see **Processing** on My Videos, wait for
**View Ad**, open it and find the video, delete it and see it gone.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "")) if os.environ.get("E2E_SCREENSHOTS") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "MEDIA_DIR", "AYTADA_QUEUE")}
    env["AYTADA_DATA_DIR"] = str(tmp_path / "data")
    log = open(tmp_path / "up.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "up.sh"), "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the app did not start:\n"
                                     + (tmp_path / "up.log").read_text()[-3000:])
            time.sleep(0.5)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)  # `up` stops every child on SIGTERM
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    assert proc.returncode == 0, (tmp_path / "up.log").read_text()[-3000:]


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("chromium is required in CI (scripts/system-packages.sh installs it)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _click(page, name: str | re.Pattern, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    button = page.get_by_role("button", name=name).first
    button.wait_for(state="visible", timeout=timeout)
    button.click()


def _wait_text(page, text: str | re.Pattern, timeout: float = 60_000) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text(text).first.wait_for(state="visible", timeout=timeout)


def test_from_empty_database_to_a_finished_ad_and_back(app: str, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(f"{app}/campaigns")
    page.get_by_label(re.compile(r"^Campaign name")).fill("Autumn launch")
    page.get_by_label(re.compile(r"^Product name")).fill("Ember mug")
    page.get_by_label(re.compile(r"^Product description")).fill(
        "A self-heating mug that keeps coffee at 55 °C for two hours.")
    page.get_by_label(re.compile(r"^Audience")).fill(
        "Remote workers whose coffee goes cold during calls.")
    page.get_by_label(re.compile(r"^Messaging")).fill("Every sip as hot as the first.")
    page.get_by_label(re.compile(r"^Goals")).fill("Pre-orders from cold traffic.")
    _shot(page, "01-campaign-form")
    _click(page, "Create campaign")
    _wait_text(page, "Autumn launch")
    _shot(page, "02-campaign-created")

    page.goto(f"{app}/studio?kind=video")
    page.get_by_label(re.compile(r"^Title")).fill("Ember 15 s")
    page.get_by_text("15 s", exact=True).first.click()
    _click(page, "Create and open in the Studio")
    _click(page, re.compile(r"^Generate ideas"))
    _click(page, "Use this idea", timeout=60_000)  # ideas arrive on an 8 s refresh
    _shot(page, "03-ideas")
    _click(page, re.compile(r"^Generate script"))
    _click(page, re.compile(r"^Generate scenes"), timeout=60_000)
    _click(page, re.compile(r"^Render video"), timeout=60_000)
    # the click's rerun must reach the server before we navigate away: the Studio itself
    # shows the render running (the badge of its header) once the jobs are queued
    _wait_text(page, "Generating video")
    _shot(page, "04-render-started")

    page.goto(f"{app}/videos")
    _wait_text(page, "Processing")
    _shot(page, "05-my-videos-processing")
    # no reload by the test: the page's own 8 s autorefresh brings the new status
    page.get_by_role("button", name="View Ad").first.wait_for(state="visible", timeout=240_000)
    assert page.get_by_text("Processing", exact=True).count() == 0
    _shot(page, "06-my-videos-completed")
    _click(page, "View Ad")
    video = page.locator("video").first
    video.wait_for(state="attached", timeout=30_000)
    src = video.get_attribute("src") or ""
    assert src, "the Studio shows no playable video"
    page.get_by_role("button", name=re.compile("Download MP4")).first.wait_for(state="visible")
    _shot(page, "07-studio-view-ad")

    page.goto(f"{app}/videos")
    _click(page, "Delete")
    _click(page, "Yes, delete")
    _wait_text(page, "No projects yet")
    assert page.get_by_role("button", name="View Ad").count() == 0  # the card is gone
    _shot(page, "08-my-videos-deleted")


def test_chromium_and_espeak_are_installed_in_ci() -> None:
    if IN_CI:
        assert shutil.which("espeak-ng"), "espeak-ng missing"
        assert Path(CHROMIUM).exists(), "chromium missing"
