"""The Campaign Hub's assets and My Videos, 24 at a time: "Showing 24 of 60" and "Show more"
adds the next 24 (issue 25: a hub drew every asset of its campaign on every run)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from aytada.core import db
from aytada.ui.widgets import HUB, VIDEOS
from tests.factories import make_campaign, make_project
from tests.ui.helpers import buttons, texts

START = datetime(2025, 1, 1, tzinfo=UTC)


def assets(ws: int, cid: int, n: int, kind: str = "video", first: int = 0) -> list[int]:
    """``n`` draft assets of the campaign, one a minute from START (+ ``first`` minutes)."""
    return [
        make_project(
            ws,
            cid,
            kind=kind,
            title=f"Asset {first + i:02d}",
            created_at=START + timedelta(minutes=first + i),
        )  # fmt: skip
        for i in range(n)
    ]


def cards(at, prefix: str) -> list[int]:  # type: ignore[no-untyped-def]
    """The ids of the cards drawn, in page order (each draft card has its action button)."""
    return [
        int(k.split("-")[-2]) for k in buttons(at) if k.startswith(prefix) and k.endswith("-act")
    ]


def test_the_hub_shows_24_assets_then_48_then_all(app, ws):
    cid = make_campaign(ws)
    ids = assets(ws, cid, 60)
    newest = ids[::-1]
    at = app(HUB, id=cid)
    assert cards(at, "hub-video-") == newest[:24]
    body = texts(at)
    assert "Showing 24 of 60" in body and "Video ads (60)" in body  # the heading: all of them
    at.button(key="hub-assets-more").click().run()
    assert not at.exception
    assert cards(at, "hub-video-") == newest[:48] and "Showing 48 of 60" in texts(at)
    at.button(key="hub-assets-more").click().run()
    assert cards(at, "hub-video-") == newest and "Showing 60 of 60" in texts(at)
    assert "hub-assets-more" not in buttons(at)  # nothing left to show
    # another campaign's hub starts again at its first 24
    other = make_campaign(ws, name="Other")
    assets(ws, other, 25)
    at.query_params["id"] = str(other)
    at.run()
    assert len(cards(at, "hub-video-")) == 24 and "Showing 24 of 25" in texts(at)


def test_a_hub_of_one_page_has_no_show_more_and_an_empty_one_its_empty_state(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert "No assets yet" in texts(at) and "hub-empty-0" in buttons(at)
    assert "Showing" not in texts(at) and "hub-assets-more" not in buttons(at)
    assets(ws, cid, 24)
    at = app(HUB, id=cid)
    assert len(cards(at, "hub-video-")) == 24
    assert "Showing" not in texts(at) and "hub-assets-more" not in buttons(at)


def test_the_hub_counts_every_kind_and_finds_variants_beyond_the_first_page(app, ws):
    cid = make_campaign(ws)
    (banner,) = assets(ws, cid, 1, kind="banner")  # the oldest: beyond the first 24
    source = make_project(ws, cid, kind="video", title="Source", created_at=START)
    lineage = {"variant_of": source, "variant_axis": "voice"}
    a_day_later = START + timedelta(days=1)
    variant = make_project(ws, cid, title="Variant B", created_at=a_day_later,
                           options={"lineage": lineage})  # fmt: skip
    assets(ws, cid, 30, first=10)
    at = app(HUB, id=cid)
    body = texts(at)
    assert "Video ads (32)" in body and "Banners (1)" in body and "Flyers (0)" in body
    assert "None among the 24 newest assets" in body  # the banner: "Show more" reaches it
    assert banner not in cards(at, "hub-banner-")
    # the A/B pair is shown though its original is not among the 24 newest
    assert {f"ab-{source}-act", f"ab-{variant}-act"} <= set(buttons(at))
    at.button(key="hub-assets-more").click().run()
    assert cards(at, "hub-banner-") == [banner] and "Showing 33 of 33" in texts(at)
    assert "None among" not in texts(at)


def test_the_hub_asks_for_one_page_of_cards_in_sql(app, ws):
    """The hub's card query is LIMITed to the cards it shows, whatever the campaign holds."""
    cid = make_campaign(ws)
    assets(ws, cid, 30)
    at = app(HUB, id=cid)
    seen: list[str] = []

    def listener(conn, cursor, statement, *rest):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    event.listen(db.get_engine(), "before_cursor_execute", listener)
    try:
        at.run()
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", listener)
    card_queries = [s for s in seen if "projects.title" in s and "FROM projects" in s]
    assert len(card_queries) == 1 and "LIMIT" in card_queries[0], seen


def test_my_videos_shows_more_per_filter(app, ws):
    cid = make_campaign(ws)
    videos = assets(ws, cid, 30)
    banners = assets(ws, cid, 26, kind="banner", first=100)
    at = app(VIDEOS)
    assert cards(at, "mv-") == banners[::-1][:24]
    assert "Showing 24 of 56" in texts(at)
    at.button(key="mv-more").click().run()
    assert cards(at, "mv-") == (videos + banners)[::-1][:48] and "Showing 48 of 56" in texts(at)
    at.selectbox(key="myvideos_kind").set_value("video").run()  # a filter starts at 24
    assert cards(at, "mv-") == videos[::-1][:24] and "Showing 24 of 30" in texts(at)
    at.button(key="mv-more").click().run()
    assert cards(at, "mv-") == videos[::-1] and "mv-more" not in buttons(at)
    at.selectbox(key="myvideos_kind").set_value(None).run()  # the unfiltered list kept its 48
    assert len(cards(at, "mv-")) == 48
