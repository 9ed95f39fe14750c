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
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import IN_CI
from tests.e2e.browser import CHROMIUM, click, running_app, shot, wait_text

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
# 20 s between autorefreshes: only the status watcher can show a result within WATCHED_MS (a
# step's result is there a second or two after the click); My Videos waits for its own refresh
# half-size frames (the full-size render is tests/jobs/test_video_pipeline.py's)
E2E_ENV = {"POLL_MS": "20000", "PRICE_SCENES": "1", "AYTADA_RENDER_SCALE": "0.5"}
WATCHED_MS = 15_000
assert WATCHED_MS < int(E2E_ENV["POLL_MS"])  # else the autorefresh could bring a result too


@pytest.fixture
def app(tmp_path: Path) -> Iterator[str]:
    with running_app(tmp_path / "data", E2E_ENV) as url:
        yield url


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "aytada.db"


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
    shot(page, "01-campaign-form")
    click(page, "Create campaign")
    wait_text(page, "Autumn launch")
    shot(page, "02-campaign-created")

    page.goto(f"{app}/studio?kind=video")
    page.get_by_label(re.compile(r"^Title")).fill("Ember 15 s")
    page.get_by_text(re.compile(r"^15 s( ·|$)")).first.click()  # its price follows
    click(page, "Create and open in the Studio")
    click(page, re.compile(r"^Generate ideas"))
    # the autorefresh is a minute away: the ideas come with the status watcher's rerun
    _visible(page, page.get_by_text("New ideas are ready"))
    click(page, "Use this idea")
    shot(page, "03-ideas")
    click(page, re.compile(r"^Generate script"))
    # the script just paid for stays open (its fields visible), marked new, and the next
    # step's button sits under it
    _visible(page, page.get_by_text("Your new script is ready"))
    _visible(page, page.get_by_label("Hook", exact=True))
    _visible(page, page.get_by_role("button", name=re.compile(r"^Generate scenes")))
    shot(page, "03b-script")

    # a second tab (another browser context: its own session) drawn before the scenes exist
    other = page.context.browser.new_context(viewport={"width": 1400, "height": 1100})
    tab_b = other.new_page()
    tab_b.set_default_timeout(30_000)
    tab_b.goto(page.url)
    _visible(tab_b, tab_b.get_by_role("button", name=re.compile(r"^Generate scenes")))

    click(page, re.compile(r"^Generate scenes"))
    _visible(page, page.get_by_text("Your new scenes are ready"))
    _visible(page, page.get_by_label("Visual"))  # the scenes section is open
    _visible(page, page.get_by_role("button", name=re.compile(r"^Render video")))
    assert _scenes_charges(database) == (1, 1, 1)

    click(tab_b, re.compile(r"^Generate scenes"))  # the stale tab clicks the same button
    _visible(tab_b, tab_b.get_by_text("This step already ran in another tab"))
    _visible(tab_b, tab_b.get_by_role("button", name=re.compile(r"^Render video")))  # latest
    shot(tab_b, "03c-stale-tab")
    other.close()
    assert _scenes_charges(database) == (1, 1, 1)  # nothing ran or was charged twice

    click(page, re.compile(r"^Render video"))
    # the click's rerun must reach the server before we navigate away: the Studio itself
    # shows the render running (the badge of its header) once the jobs are queued
    wait_text(page, "Generating video")
    shot(page, "04-render-started")

    page.goto(f"{app}/videos")
    wait_text(page, "Processing")
    shot(page, "05-my-videos-processing")
    # no reload by the test: the page's own autorefresh (POLL_MS) brings the new status
    page.get_by_role("button", name="View Ad").first.wait_for(state="visible", timeout=300_000)
    # the button can come before the rerun that draws it has cleared the old card's badge:
    # wait for the run to finish rather than read the page mid-run
    expect(page.get_by_text("Processing", exact=True)).to_have_count(0, timeout=WATCHED_MS)
    shot(page, "06-my-videos-completed")
    click(page, "View Ad")
    video = page.locator("video").first
    video.wait_for(state="attached", timeout=30_000)
    src = video.get_attribute("src") or ""
    assert src, "the Studio shows no playable video"
    page.get_by_role("button", name=re.compile("Download MP4")).first.wait_for(state="visible")
    shot(page, "07-studio-view-ad")

    page.goto(f"{app}/videos")
    click(page, "Delete")
    yes = page.get_by_role("button", name="Yes, delete").first
    yes.wait_for(state="visible")
    assert yes.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(198, 40, 40)"
    shot(page, "08-my-videos-confirm-delete")
    yes.click()
    wait_text(page, "No projects yet")
    # the card is gone (once the run that drew the empty state has cleared what it replaced)
    expect(page.get_by_role("button", name="View Ad")).to_have_count(0, timeout=WATCHED_MS)
    shot(page, "08-my-videos-deleted")

    page.goto(f"{app}/no-such-page")
    wait_text(page, "There is no page at this address.")
    assert page.get_by_text("Campaigns in, ads out.").count() == 0  # not Home
    shot(page, "09-not-found")


def test_chromium_and_espeak_are_installed_in_ci() -> None:
    if IN_CI:
        assert shutil.which("espeak-ng"), "espeak-ng missing"
        assert Path(CHROMIUM).exists(), "chromium missing"
