"""Campaigns list and create form; the Campaign Hub (pillars, assets, shortcuts, variants)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image

from aytada.core import media
from aytada.core.campaigns import get_campaign, list_campaigns
from aytada.core.db import session_scope
from aytada.core.projects import FAMILIES_PER_PAGE, list_projects
from aytada.core.workspaces import create_workspace
from aytada.ui.widgets import CAMPAIGNS, HUB, STUDIO
from tests.conftest import wait_for
from tests.factories import make_campaign, make_project
from tests.ui.helpers import buttons, generations, has_autorefresh, texts


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


def sent_form(app, button: str = "cf_submit", **overrides):  # type: ignore[no-untyped-def]
    """The Campaigns page with its form filled (:func:`fill_form`) and ``button`` clicked: the
    run after, which raised nothing."""
    at = app(CAMPAIGNS)
    fill_form(at, **overrides)
    at.button(key=button).click().run()
    assert not at.exception
    return at


def test_empty_list_opens_the_form_with_a_hint(app, ws):
    at = app(CAMPAIGNS)
    assert not at.exception
    assert "No campaigns yet" in texts(at)
    assert at.expander[0].proto.expanded
    assert "cf_submit" in buttons(at)


def test_required_fields_are_validated_next_to_the_fields(app, ws):
    at = sent_form(app, cf_name="", cf_goals="")
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


def test_make_a_variant_asks_the_axis_and_the_new_value(app, ws):
    cid = make_campaign(ws)
    pid = make_project(ws, cid, title="Original", status="completed", fmt="16:9", length_s=30)
    at = app(HUB, id=cid)
    at.button(key=f"hub-video-{pid}-variant").click().run()
    assert not at.exception
    assert len(list_projects(ws, campaign_id=cid).cards) == 1  # nothing made yet: it asks
    key = f"hub-video-{pid}"
    axes = at.selectbox(key=f"{key}-vaxis").options
    assert axes == ["Awareness stage", "Creative style", "Persuasion trigger", "Length",
                    "Format / size", "Voice"]  # fmt: skip
    at.selectbox(key=f"{key}-vaxis").set_value("creative_style").run()
    # the value it already has is refused next to the field, nothing is created
    at.selectbox(key=f"{key}-vvalue-creative_style").set_value("Direct Response")
    at.button(key=f"{key}-vcreate").click().run()
    assert "It already uses Direct Response" in texts(at)
    assert len(list_projects(ws, campaign_id=cid).cards) == 1
    at.selectbox(key=f"{key}-vvalue-creative_style").set_value("Cinematic")
    at.button(key=f"{key}-vcreate").click().run()
    assert not at.exception
    cards = list_projects(ws, campaign_id=cid).cards
    variant = next(c for c in cards if c.id != pid)
    assert variant.title == "Original (Creative style: Cinematic)"
    assert (variant.format, variant.length_s, variant.status) == ("16:9", 30, "draft")
    assert variant.overrides == {"creative_style": "Cinematic"}
    assert "Creative style: Cinematic" in at.title[0].value.replace("\\", "")  # the Studio
    # the hub shows the pair side by side, the changed axis labelled on the variant's card
    at = app(HUB, id=cid)
    body = texts(at)
    assert "A/B variants" in body
    assert "A · original" in body and "Variant · changed: Creative style" in body
    assert "changed Creative style: Cinematic" in body
    assert {f"ab-{pid}-act", f"ab-{variant.id}-act"} <= set(buttons(at))


def test_hub_shows_a_b_families_a_page_at_a_time(app, ws):
    cid = make_campaign(ws)
    originals = [make_project(ws, cid, title=f"Ad {n}", status="completed") for n in range(6)]
    variants = [
        make_project(ws, cid, title=f"Ad {n} B", options={"lineage": {"variant_of": source}})
        for n, source in enumerate(originals)
    ]
    at = app(HUB, id=cid)
    shown = buttons(at)
    newest = variants[::-1][:FAMILIES_PER_PAGE]  # the families with the newest variants first
    assert all(f"ab-{v}-act" in shown for v in newest)
    assert f"ab-{variants[0]}-act" not in shown and f"ab-{originals[0]}-act" not in shown
    assert "Showing 4 of 6 A/B families" in texts(at)
    at.button(key="hub-ab-more").click().run()
    assert not at.exception
    shown = buttons(at)
    assert all(f"ab-{pid}-act" in shown for pid in originals + variants)
    assert "Showing 6 of 6 A/B families" in texts(at) and "hub-ab-more" not in shown


def test_variant_axes_follow_the_kind_and_lengths_change_the_project(app, ws):
    cid = make_campaign(ws)
    banner = make_project(ws, cid, title="Banner", kind="banner", status="completed")
    at = app(HUB, id=cid)
    key = f"hub-banner-{banner}"
    at.button(key=f"{key}-variant").click().run()
    options = at.selectbox(key=f"{key}-vaxis").options
    assert "Length" not in options and "Voice" not in options and "Format / size" in options
    at.selectbox(key=f"{key}-vaxis").set_value("format").run()
    at.selectbox(key=f"{key}-vvalue-format").set_value("300x250")
    at.button(key=f"{key}-vcreate").click().run()
    assert not at.exception
    made = next(c for c in list_projects(ws, campaign_id=cid).cards if c.id != banner)
    assert made.format == "300x250" and made.variant_change == "Format / size: 300×250"


def test_create_form_project_strategy_override_shows_on_its_card(app, ws, ui_redis):
    cid = make_campaign(ws)
    at = app(STUDIO, campaign=cid)
    at.text_input(key="np_title").input("Most aware test")
    at.selectbox(key="np_awareness_stage").set_value("most_aware")
    at.button(key="np_create").click().run()
    assert not at.exception
    (card,) = list_projects(ws, campaign_id=cid).cards
    assert card.overrides == {"awareness_stage": "most_aware"}
    at.button(key="run-ideas").click().run()
    (gen,) = generations(card.id)
    assert gen.input_snapshot["brief"]["awareness_stage"] == "most_aware"
    assert get_campaign(ws, cid).awareness_stage == "problem_aware"  # the campaign keeps its own
    at = app(HUB, id=cid)
    assert "Own strategy · Awareness stage: Most aware" in texts(at)


# --------------------------------------------------------------------------- the whole campaign


def test_hub_edits_every_strategy_input_brand_and_uploads(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert "Changes apply to the next generation." in texts(at)
    at.text_input(key="ce_name").input("Autumn push")
    at.text_input(key="ce_product_name").input("Trailblazer GTX")
    at.text_area(key="ce_product_description").input("Waterproof trail shoes.")
    at.text_input(key="ce_brand_name").input("Northpeak Outdoor")
    at.text_input(key="ce_tone_of_voice").input("calm, expert")
    at.color_picker(key="ce_color1").pick("#112233")
    at.selectbox(key="ce_awareness_stage").set_value("most_aware")
    at.selectbox(key="ce_business_type").set_value("E-commerce Brand")
    at.selectbox(key="ce_industry").set_value("Fashion")
    at.selectbox(key="ce_creative_style").set_value("Cinematic")
    at.selectbox(key="ce_persuasion_trigger").set_value("Scarcity")
    at.file_uploader(key="ce_logo").set_value(("logo.png", png_bytes(), "image/png"))
    at.file_uploader(key="ce_product_photo").set_value(("shoe.png", png_bytes((20, 10)),
                                                        "image/png"))  # fmt: skip
    at.button(key="ce_save").click().run()
    assert not at.exception
    campaign = get_campaign(ws, cid)
    assert (campaign.name, campaign.product_name, campaign.product_description) == (
        "Autumn push", "Trailblazer GTX", "Waterproof trail shoes.")  # fmt: skip
    assert (campaign.brand_name, campaign.tone_of_voice) == ("Northpeak Outdoor", "calm, expert")
    assert campaign.brand_colors.split(",")[0] == "#112233"
    assert (campaign.awareness_stage, campaign.business_type, campaign.industry,
            campaign.creative_style, campaign.persuasion_trigger) == (
        "most_aware", "E-commerce Brand", "Fashion", "Cinematic", "Scarcity")  # fmt: skip
    assert campaign.logo_path and campaign.product_photo_path
    assert "Campaign saved. Changes apply to the next generation." in texts(at)
    # the pillars are untouched, the title follows
    assert campaign.audience.startswith("Weekend runners")
    assert at.title[0].value == "Autumn push"


def test_hub_replaces_and_removes_the_logo(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    at.file_uploader(key="ce_logo").set_value(("a.png", png_bytes(), "image/png"))
    at.button(key="ce_save").click().run()
    first = get_campaign(ws, cid).logo_path
    at = app(HUB, id=cid)
    at.file_uploader(key="ce_logo").set_value(("b.png", png_bytes((9, 9)), "image/png"))
    at.button(key="ce_save").click().run()
    second = get_campaign(ws, cid).logo_path
    assert second and second != first
    assert media.resolve(first).is_file()  # earlier generations' snapshots still name it
    at = app(HUB, id=cid)
    at.checkbox(key="ce_remove_logo").check()
    at.button(key="ce_save").click().run()
    assert not at.exception
    assert get_campaign(ws, cid).logo_path == ""


def test_hub_bad_edit_changes_nothing_and_says_why_next_to_the_field(app, ws):
    cid = make_campaign(ws)
    before = get_campaign(ws, cid)
    at = app(HUB, id=cid)
    at.text_input(key="ce_product_name").input("   ")
    at.text_input(key="ce_brand_name").input("Bad\x00name")
    at.selectbox(key="ce_creative_style").set_value("Cinematic")  # valid, but not saved alone
    at.file_uploader(key="ce_logo").set_value(("logo.png", b"GIF89a....", "image/gif"))
    at.button(key="ce_save").click().run()
    assert not at.exception
    errors = [m.value for m in at.markdown if "aytada-field-error" in m.value]
    body = "\n".join(errors)
    assert "This field is required." in body
    assert "control characters" in body
    assert "only PNG, JPEG or WebP" in body
    after = get_campaign(ws, cid)
    fields = ("product_name", "brand_name", "creative_style", "logo_path")
    assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]
    assert any(e.proto.expanded for e in at.expander)  # the form stays open on its errors


# --------------------------------------------------------------------------- strategy drafts


def _wait_draft(ws: int) -> None:
    wait_for(lambda: all(not d.open for d in _all_drafts(ws)) and _all_drafts(ws),
             what="the strategy draft")  # fmt: skip


def _all_drafts(ws: int) -> list:
    from sqlalchemy import select

    from aytada.core.campaigns import get_strategy_draft
    from aytada.core.models import Generation

    with session_scope() as s:
        ids = s.scalars(select(Generation.id).where(Generation.project_id.is_(None))).all()
    return [get_strategy_draft(ws, i) for i in ids]


def test_form_draft_needs_the_product_first(app, ws, ui_redis):
    at = sent_form(app, "cf_draft", cf_product_description="")
    body = texts(at)
    assert "Fill this in first: the draft is written from it." in body
    assert _all_drafts(ws) == [] and list_campaigns(ws) == []


def test_form_draft_suggests_pillars_accepted_one_by_one(app, ws, ui_redis, start_worker):
    start_worker()
    at = app(CAMPAIGNS)
    fill_form(at, cf_audience="My own audience text.", cf_messaging="", cf_goals="")
    at.selectbox(key="cf_awareness_stage").set_value("most_aware")
    at.button(key="cf_draft").click().run()
    assert not at.exception
    assert "Drafting Audience, Messaging and Goals" in texts(at)
    assert has_autorefresh(at)  # the page polls until the draft is there
    assert list_campaigns(ws) == []  # a draft is not a campaign
    _wait_draft(ws)
    at.run()
    (draft,) = _all_drafts(ws)
    assert draft.facts["product_name"] == "Glow serum"
    assert draft.facts["awareness_stage"] == "most_aware"
    body = texts(at)
    assert "Suggested strategy" in body and not has_autorefresh(at)
    assert "Glow serum is a vitamin C serum for dull skin." in body
    assert at.button(key="cf-draft-use-audience").label == "Use this audience"
    assert at.button(key="cf-draft-use-goals").label == "Use these goals"
    # an empty pillar takes the suggestion at once
    at.button(key="cf-draft-use-messaging").click().run()
    assert at.text_area(key="cf_messaging").value == draft.pillars["messaging"]
    # typed text is never replaced without a confirmation
    at.button(key="cf-draft-use-audience").click().run()
    assert at.text_area(key="cf_audience").value == "My own audience text."
    assert "Replace the audience you wrote with this suggestion?" in texts(at)
    at.button(key="cf-draft-no-audience").click().run()
    assert at.text_area(key="cf_audience").value == "My own audience text."
    at.button(key="cf-draft-use-audience").click().run()
    at.button(key="cf-draft-yes-audience").click().run()
    assert at.text_area(key="cf_audience").value == draft.pillars["audience"]
    at.button(key="cf-draft-use-goals").click().run()
    at.button(key="cf_submit").click().run()
    assert not at.exception
    (row,) = list_campaigns(ws)
    campaign = get_campaign(ws, row.id)
    assert campaign.audience == draft.pillars["audience"]
    assert campaign.goals == draft.pillars["goals"]


def test_hub_draft_is_saved_only_after_confirmation(app, ws, ui_redis, start_worker):
    start_worker()
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    at.button(key="hub-draft").click().run()
    assert not at.exception
    assert at.button(key="hub-draft").disabled  # one draft at a time
    _wait_draft(ws)
    at.run()
    (draft,) = _all_drafts(ws)
    assert draft.campaign_id == cid
    at.button(key="hub-draft-use-goals").click().run()
    assert "Replace the goals you wrote with this suggestion?" in texts(at)
    assert get_campaign(ws, cid).goals == "Sell 500 pairs in the launch month."
    at.button(key="hub-draft-yes-goals").click().run()
    assert not at.exception
    assert get_campaign(ws, cid).goals == draft.pillars["goals"]
    assert at.text_area(key="pillar_goals").value == draft.pillars["goals"]
    assert get_campaign(ws, cid).audience.startswith("Weekend runners")  # others untouched
    assert "In use as your goals." in texts(at)


def test_hub_draft_with_redis_down_says_so_and_records_nothing(app, ws, redis_down):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    at.button(key="hub-draft").click().run()
    assert not at.exception
    assert "nothing was started" in texts(at)
    assert _all_drafts(ws) == []


def test_hub_empty_state(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert "No assets yet" in texts(at)
