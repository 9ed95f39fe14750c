"""Campaigns list and create form; the Campaign Hub (pillars, assets, shortcuts, variants)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image

from aytada.core.campaigns import get_campaign, list_campaigns
from aytada.core.db import session_scope
from aytada.core.projects import list_projects
from aytada.core.workspaces import create_workspace
from aytada.ui.widgets import CAMPAIGNS, HUB, STUDIO
from tests.factories import make_campaign, make_project
from tests.ui.helpers import buttons, generations, texts


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buf, format="PNG")
    return buf.getvalue()


def fill_form(at, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "cf_name": "Summer sale",
        "cf_product_name": "Glow serum",
        "cf_product_description": "A vitamin C serum for dull skin.",
        "cf_audience": "Busy professionals with tired skin.",
        "cf_messaging": "Glow in seven days.",
        "cf_goals": "Drive cold traffic to the shop.",
        **overrides,
    }
    for key, value in values.items():
        widget = (
            at.text_area(key=key)
            if key in ("cf_product_description", "cf_audience", "cf_messaging", "cf_goals")
            else at.text_input(key=key)
        )
        widget.input(value)


def test_empty_list_opens_the_form_with_a_hint(app, ws):
    at = app(CAMPAIGNS)
    assert not at.exception
    assert "No campaigns yet" in texts(at)
    assert at.expander[0].proto.expanded
    assert "cf_submit" in buttons(at)


def test_required_fields_are_validated_next_to_the_fields(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at, cf_name="", cf_goals="")
    at.button(key="cf_submit").click().run()
    assert not at.exception
    body = texts(at)
    assert body.count("This field is required.") == 2
    assert "Please fix the highlighted fields." in body
    assert list_campaigns(ws) == []
    # the message sits right under its field: the markdown after the name input
    names = [m.value for m in at.markdown if "<div class='aytada-field-error'>" in m.value]
    assert len(names) == 2


def test_upload_type_and_size_are_checked(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at)
    # (the browser only offers .png/.jpg/.webp files; the server checks the type it was sent)
    at.file_uploader(key="cf_logo").set_value(("logo.png", b"GIF89a....", "image/gif"))
    big = b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 10)
    at.file_uploader(key="cf_product_photo").set_value(("photo.png", big, "image/png"))
    at.button(key="cf_submit").click().run()
    body = texts(at)
    assert "only PNG, JPEG or WebP" in body
    assert "larger than 5 MB" in body
    assert list_campaigns(ws) == []


def test_create_campaign_with_a_logo_opens_its_hub(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at)
    at.selectbox(key="cf_awareness_stage").set_value("solution_aware")
    at.selectbox(key="cf_creative_style").set_value("Storytelling")
    at.file_uploader(key="cf_logo").set_value(("logo.png", png_bytes(), "image/png"))
    at.button(key="cf_submit").click().run()
    assert not at.exception
    rows = list_campaigns(ws)
    assert [r.name for r in rows] == ["Summer sale"]
    campaign = get_campaign(ws, rows[0].id)
    assert campaign.awareness_stage == "solution_aware"
    assert campaign.creative_style == "Storytelling"
    assert campaign.logo_path
    assert at.title[0].value == "Summer sale"
    assert "Campaign created" in texts(at)


def test_list_shows_product_assets_and_opens_the_hub(app, ws):
    cid = make_campaign(ws, name="Autumn push", product_name="Rain jacket")
    make_project(ws, cid)
    make_project(ws, cid, kind="banner")
    make_project(ws, cid, deleted_at=datetime.now(UTC))
    at = app(CAMPAIGNS)
    body = texts(at)
    assert "Autumn push" in body and "Rain jacket" in body
    assert "2 assets" in body
    at.button(key=f"open-{cid}").click().run()
    assert at.title[0].value == "Autumn push"


# --------------------------------------------------------------------------- hub


def test_hub_bad_and_foreign_ids_show_not_found(app, ws):
    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    foreign = make_campaign(other)
    for ident in ("abc", "999999", str(foreign), "", "1 OR 1=1"):
        at = app(HUB, id=ident)
        assert not at.exception, ident
        assert at.title[0].value == "Not found", ident
        assert len(at.get("page_link")) >= 1


def test_hub_pillar_edit_persists(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert at.text_area(key="pillar_audience").value.startswith("Weekend runners")
    at.text_area(key="pillar_audience").input("Marathon beginners who fear injuries.")
    at.button(key="pillar_save_audience").click().run()
    assert not at.exception
    assert get_campaign(ws, cid).audience == "Marathon beginners who fear injuries."
    assert "Audience saved" in texts(at)
    # the other pillars are untouched
    assert get_campaign(ws, cid).messaging == "Grip that holds on any trail."


def test_hub_empty_pillar_is_refused_next_to_the_field(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    at.text_area(key="pillar_goals").input("   ")
    at.button(key="pillar_save_goals").click().run()
    assert "This field is required." in texts(at)
    assert get_campaign(ws, cid).goals == "Sell 500 pairs in the launch month."


def test_next_generation_uses_the_edited_pillar(app, ws, ui_redis):
    cid = make_campaign(ws)
    pid = make_project(ws, cid)
    at = app(HUB, id=cid)
    at.text_area(key="pillar_messaging").input("Fearless on wet rock.")
    at.button(key="pillar_save_messaging").click().run()
    at = app(STUDIO, project=pid)
    at.button(key="run-ideas").click().run()
    (gen,) = generations(pid)
    assert gen.input_snapshot["brief"]["messaging"] == "Fearless on wet rock."


def test_hub_groups_assets_by_kind_with_badges_and_actions(app, ws):
    cid = make_campaign(ws)
    video = make_project(ws, cid, title="Hero video", status="completed")
    banner = make_project(ws, cid, title="Hero banner", kind="banner", status="generating")
    at = app(HUB, id=cid)
    body = texts(at)
    assert "Video ads (1)" in body and "Banners (1)" in body and "Flyers (0)" in body
    shown = buttons(at)
    assert shown[f"hub-video-{video}-act"] == "View Ad"
    assert f"hub-banner-{banner}-act" not in shown  # active: no action button
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert any("Completed" in b for b in badges) and any("Generating" in b for b in badges)
    # an active asset makes the hub poll
    assert len(at.get("component_instance")) == 1


def test_hub_create_shortcuts_open_the_studio_form(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert {"hub-new-video", "hub-new-banner", "hub-new-flyer", "hub-new-jingle"} <= set(
        buttons(at)
    )
    at.button(key="hub-new-flyer").click().run()
    assert not at.exception
    assert at.title[0].value == "Create an ad"
    assert at.segmented_control(key="np_kind").value == "flyer"
    assert at.selectbox(key="np_campaign").value == cid


def test_regenerate_as_variant_creates_a_new_project(app, ws):
    cid = make_campaign(ws)
    pid = make_project(ws, cid, title="Original", status="completed", fmt="16:9", length_s=30)
    at = app(HUB, id=cid)
    at.button(key=f"hub-video-{pid}-variant").click().run()
    assert not at.exception
    cards = list_projects(ws, campaign_id=cid).cards
    assert len(cards) == 2
    variant = next(c for c in cards if c.id != pid)
    assert variant.title == "Original (variant)"
    assert (variant.format, variant.length_s, variant.status) == ("16:9", 30, "draft")
    # it opens in the Studio
    assert at.title[0].value == "Original (variant)"


def test_hub_empty_state(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert "No assets yet" in texts(at)
