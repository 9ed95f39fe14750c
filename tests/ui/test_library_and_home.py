"""My Scripts, My Images, Home and the sidebar."""

from __future__ import annotations

from datetime import UTC, datetime

from PIL import Image

from aytada.core.db import session_scope
from aytada.core.models import Asset
from aytada.core.settings import get_settings
from aytada.ui.widgets import IMAGES, SCRIPTS, VIDEOS
from tests.factories import make_campaign, make_project
from tests.ui.helpers import SCRIPT, buttons, has_autorefresh, texts

# --------------------------------------------------------------------------- My Scripts


def test_scripts_empty_state(app, ws):
    make_project(ws)  # no script yet
    at = app(SCRIPTS)
    assert "No scripts yet" in texts(at)
    assert "Generate script" in texts(at)


def test_scripts_list_search_copy_and_download(app, ws):
    cid = make_campaign(ws, name="Trail campaign")
    shoes = make_project(ws, cid, title="Shoes ad", status="script_ready", script=SCRIPT)
    other = make_project(
        ws,
        cid,
        title="Socks ad",
        status="script_ready",
        script={**SCRIPT, "hook": "Cold feet?", "body": "Wool socks keep you warm."},
    )
    make_project(ws, cid, title="Deleted ad", script=SCRIPT, deleted_at=datetime.now(UTC))
    at = app(SCRIPTS)
    body = texts(at)
    assert "Shoes ad" in body and "Socks ad" in body and "Deleted ad" not in body
    assert "Campaign: Trail campaign" in body
    # copy-friendly: the whole script in a code block (it has a copy button)
    assert any("HOOK\nMuddy trail? No problem." in c.value for c in at.code)
    labels = {(d.key, d.label) for d in at.download_button}
    for pid in (shoes, other):
        assert (f"txt-{pid}", "Download .txt") in labels
        assert (f"md-{pid}", "Download .md") in labels
    assert buttons(at)[f"open-{shoes}"] == "Open in Studio"

    at.text_input(key="scripts_search").input("wool").run()
    body = texts(at)
    assert "Socks ad" in body and "Shoes ad" not in body
    at.text_input(key="scripts_search").input("nothing like this").run()
    assert "No script matches" in texts(at)


# --------------------------------------------------------------------------- My Images


def _image(ws: int, pid: int, role: str, name: str) -> int:
    folder = get_settings().media_dir / f"ws{ws}" / "imgs"
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 40), (200, 100, 50)).save(folder / name)
    with session_scope() as s:
        asset = Asset(
            workspace_id=ws,
            project_id=pid,
            kind="image",
            role=role,
            path=f"ws{ws}/imgs/{name}",
            mime_type="image/png",
        )
        s.add(asset)
        s.flush()
        return asset.id


def test_images_empty_state(app, ws):
    at = app(IMAGES)
    assert "No images yet" in texts(at)


def test_images_grid_filter_and_download(app, ws):
    pid = make_project(ws, title="Grid ad", status="completed")
    banner_pid = make_project(ws, title="Banner ad", kind="banner", status="completed")
    still = _image(ws, pid, "scene_still", "s1.png")
    banner = _image(ws, banner_pid, "banner", "b1.png")
    at = app(IMAGES)
    assert not at.exception
    assert len(at.image) == 2
    assert {d.key for d in at.download_button} == {f"img-{still}", f"img-{banner}"}
    at.segmented_control(key="images_role").set_value("banner").run()
    assert len(at.image) == 1
    assert {d.key for d in at.download_button} == {f"img-{banner}"}
    at.segmented_control(key="images_role").set_value("flyer").run()
    assert "No flyers yet" in texts(at)


# --------------------------------------------------------------------------- Home


def test_first_run_walks_to_a_first_campaign(app, ws):
    at = app()
    assert not at.exception
    body = texts(at)
    assert "Create a campaign" in body and "1,000 credits" in body
    at.button(key="firstrun-0").click().run()
    assert at.title[0].value == "Campaigns"
    assert at.expander[0].proto.expanded


def test_home_shows_balance_counts_recent_and_shortcuts(app, ws):
    cid = make_campaign(ws)
    make_project(ws, cid, title="Done ad", status="completed")
    make_project(ws, cid, title="Busy ad", status="stitching")
    make_project(ws, cid, title="Draft ad")
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Credits"] == "1,000"
    assert metrics["In progress"] == "1"
    assert metrics["Completed"] == "1"
    assert metrics["Ready to continue"] == "1"
    body = texts(at)
    assert "Done ad" in body and "Busy ad" in body
    assert has_autorefresh(at)
    shown = buttons(at)
    assert shown["home-new-campaign"] == "New campaign"
    assert shown["home-new-video"] == "New video ad"
    at.button(key="home-new-video").click().run()
    assert at.title[0].value == "Create an ad"


def test_sidebar_shows_balance_and_offline_mode(app, ws):
    at = app(VIDEOS)
    assert at.sidebar.metric[0].value == "1,000"
    assert "Offline mode" in " ".join(c.value for c in at.sidebar.caption)


def test_library_titles_and_campaign_names_are_shown_as_typed(app, ws):
    cid = make_campaign(ws, name="**Bold** camp_aign")
    pid = make_project(ws, cid, title="*Star* ad #1", status="completed", script=SCRIPT)
    _image(ws, pid, "scene_still", "typed.png")
    for page in (SCRIPTS, IMAGES):
        at = app(page)
        assert not at.exception
        shown = [el.value for el in (*at.markdown, *at.caption)]
        # escaped for Markdown, so the browser shows the asterisks instead of bold/italic
        assert any(r"\*Star\* ad \#1" in text for text in shown), (page, shown)
    at = app(SCRIPTS)
    assert any(r"\*\*Bold\*\* camp\_aign" in el.value for el in at.caption)
