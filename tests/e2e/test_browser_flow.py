"""The whole flow in headless Chromium against the app started the README's way.

`scripts/up.sh` (migrations, embedded Redis, real workers, the reconciler, Streamlit) on a
fresh data folder; then, only through the browser: create a campaign, make a 15 s video ad
with the wizard on the offline providers, see **Processing** on My Videos, wait for
**View Ad**, open it and find the video, delete it and see it gone.

The app runs with POLL_MS=20000: the 8 s autorefresh is 20 s here, so a step's result that
shows up within WATCHED_MS (15 s) of the click was brought by the Studio's one-second status
watcher (the autorefresh starts with the click's rerun: it cannot fire sooner than 20 s after
it); My Videos, which has no watcher, shows the finished render at its own 20 s refresh. (How
fast, with the default settings, is measured by `bench/studio_latency.py`: speed is never
asserted here.)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aytada.ui.streamlit_compat import HEALTH_PATH
from tests.conftest import IN_CI, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "")) if os.environ.get("E2E_SCREENSHOTS") else None
# 20 s between autorefreshes: only the status watcher can show a result within WATCHED_MS (a
# step's result is there a second or two after the click); My Videos waits for its own refresh
# half-size frames (the full-size render is tests/jobs/test_video_pipeline.py's)
E2E_ENV = {"POLL_MS": "20000", "PRICE_SCENES": "1", "AYTADA_RENDER_SCALE": "0.5"}
WATCHED_MS = 15_000
assert WATCHED_MS < int(E2E_ENV["POLL_MS"])  # else the autorefresh could bring a result too
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]  # fmt: skip


def _free_port() -> int:
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
    port = port or _free_port()
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
def app(tmp_path: Path) -> Iterator[str]:
    with running_app(tmp_path / "data", E2E_ENV) as url:
        yield url


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "aytada.db"


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
        _shot(page, "99-last")  # where the test ended (or failed)
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


def _visible(page, locator, timeout: float = WATCHED_MS) -> None:  # type: ignore[no-untyped-def]
    locator.first.wait_for(state="visible", timeout=timeout)


def _scenes_charges(database: Path) -> tuple[int, int, int]:
    """(scene breakdowns run, ledger rows for them, credits they took) in the app's database."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        runs = conn.execute("SELECT count(*) FROM generations WHERE step = 'scenes'").fetchone()
        rows, taken = conn.execute(
            "SELECT count(*), coalesce(-sum(l.delta), 0) FROM credit_ledger l "
            "JOIN generations g ON g.id = l.generation_id WHERE g.step = 'scenes'"
        ).fetchone()
    return runs[0], rows, taken


def test_from_empty_database_to_a_finished_ad_and_back(  # type: ignore[no-untyped-def]
    app: str, database: Path, browser_page
) -> None:
    page = browser_page
    page.goto(f"{app}/campaigns")
    page.get_by_label(re.compile(r"^Campaign name")).fill("Autumn launch")
    page.get_by_label(re.compile(r"^Product name")).fill("Ember mug")
    page.get_by_label(re.compile(r"^Product description")).fill(
        "A self-heating mug that keeps coffee at 55 °C for two hours."
    )
    page.get_by_label(re.compile(r"^Audience")).fill(
        "Remote workers whose coffee goes cold during calls."
    )
    page.get_by_label(re.compile(r"^Messaging")).fill("Every sip as hot as the first.")
    page.get_by_label(re.compile(r"^Goals")).fill("Pre-orders from cold traffic.")
    _shot(page, "01-campaign-form")
    _click(page, "Create campaign")
    _wait_text(page, "Autumn launch")
    _shot(page, "02-campaign-created")

    page.goto(f"{app}/studio?kind=video")
    page.get_by_label(re.compile(r"^Title")).fill("Ember 15 s")
    page.get_by_text(re.compile(r"^15 s( ·|$)")).first.click()  # its price follows
    _click(page, "Create and open in the Studio")
    _click(page, re.compile(r"^Generate ideas"))
    # the autorefresh is a minute away: the ideas come with the status watcher's rerun
    _visible(page, page.get_by_text("New ideas are ready"))
    _click(page, "Use this idea")
    _shot(page, "03-ideas")
    _click(page, re.compile(r"^Generate script"))
    # the script just paid for stays open (its fields visible), marked new, and the next
    # step's button sits under it
    _visible(page, page.get_by_text("Your new script is ready"))
    _visible(page, page.get_by_label("Hook", exact=True))
    _visible(page, page.get_by_role("button", name=re.compile(r"^Generate scenes")))
    _shot(page, "03b-script")

    # a second tab (another browser context: its own session) drawn before the scenes exist
    other = page.context.browser.new_context(viewport={"width": 1400, "height": 1100})
    tab_b = other.new_page()
    tab_b.set_default_timeout(30_000)
    tab_b.goto(page.url)
    _visible(tab_b, tab_b.get_by_role("button", name=re.compile(r"^Generate scenes")))

    _click(page, re.compile(r"^Generate scenes"))
    _visible(page, page.get_by_text("Your new scenes are ready"))
    _visible(page, page.get_by_label("Visual"))  # the scenes section is open
    _visible(page, page.get_by_role("button", name=re.compile(r"^Render video")))
    assert _scenes_charges(database) == (1, 1, 1)

    _click(tab_b, re.compile(r"^Generate scenes"))  # the stale tab clicks the same button
    _visible(tab_b, tab_b.get_by_text("This step already ran in another tab"))
    _visible(tab_b, tab_b.get_by_role("button", name=re.compile(r"^Render video")))  # latest
    _shot(tab_b, "03c-stale-tab")
    other.close()
    assert _scenes_charges(database) == (1, 1, 1)  # nothing ran or was charged twice

    _click(page, re.compile(r"^Render video"))
    # the click's rerun must reach the server before we navigate away: the Studio itself
    # shows the render running (the badge of its header) once the jobs are queued
    _wait_text(page, "Generating video")
    _shot(page, "04-render-started")

    page.goto(f"{app}/videos")
    _wait_text(page, "Processing")
    _shot(page, "05-my-videos-processing")
    # no reload by the test: the page's own autorefresh (POLL_MS) brings the new status
    page.get_by_role("button", name="View Ad").first.wait_for(state="visible", timeout=300_000)
    # the button can come before the rerun that draws it has cleared the old card's badge:
    # wait for the run to finish rather than read the page mid-run
    expect(page.get_by_text("Processing", exact=True)).to_have_count(0, timeout=WATCHED_MS)
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
    yes = page.get_by_role("button", name="Yes, delete").first
    yes.wait_for(state="visible")
    assert yes.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(198, 40, 40)"
    _shot(page, "08-my-videos-confirm-delete")
    yes.click()
    _wait_text(page, "No projects yet")
    # the card is gone (once the run that drew the empty state has cleared what it replaced)
    expect(page.get_by_role("button", name="View Ad")).to_have_count(0, timeout=WATCHED_MS)
    _shot(page, "08-my-videos-deleted")

    page.goto(f"{app}/no-such-page")
    _wait_text(page, "There is no page at this address.")
    assert page.get_by_text("Campaigns in, ads out.").count() == 0  # not Home
    _shot(page, "09-not-found")


def test_chromium_and_espeak_are_installed_in_ci() -> None:
    if IN_CI:
        assert shutil.which("espeak-ng"), "espeak-ng missing"
        assert Path(CHROMIUM).exists(), "chromium missing"
