"""The destination in the pages: the new-campaign form, the Campaign Hub's edit form and a
banner's words in the Studio (each refusing a bad one next to its field, changing nothing)."""

from __future__ import annotations

import html

from aytada.core.campaigns import get_campaign, list_campaigns
from aytada.core.options import DesignCopy, Outputs, options_of, options_with
from aytada.ui.widgets import CAMPAIGNS, HUB, STUDIO
from tests.factories import make_campaign
from tests.ui.helpers import generations, project_row, texts
from tests.ui.test_campaigns import fill_form, sent_form
from tests.ui.test_copy_form import _field, _finished_banner


def _field_errors(at) -> str:  # type: ignore[no-untyped-def]
    """The messages shown under the fields (as the reader sees them: HTML entities decoded)."""
    shown = [m.value for m in at.markdown if "<div class='aytada-field-error'>" in m.value]
    return html.unescape("\n".join(shown))


def test_a_new_campaign_gets_its_destination(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at, cf_destination="  https://glow.shop/serum ")
    assert at.text_input(key="cf_destination").placeholder.startswith("e.g. korabrew.com")
    at.button(key="cf_submit").click().run()
    assert not at.exception
    (row,) = list_campaigns(ws)
    assert get_campaign(ws, row.id).destination == "https://glow.shop/serum"
    assert "sends people to https://glow.shop/serum" in texts(at)  # its hub says so


def test_a_new_campaign_may_have_none(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at)
    at.button(key="cf_submit").click().run()
    (row,) = list_campaigns(ws)
    assert get_campaign(ws, row.id).destination == ""
    assert "sends people to" not in texts(at)


def test_a_bad_destination_is_refused_next_to_its_field(app, ws):
    at = sent_form(app, cf_destination="glow shop")
    errors = _field_errors(at)
    assert '"glow shop" is not a web address, handle or phone number.' in errors
    assert "@stridecoach" in errors  # says what would do
    assert "Please fix the highlighted fields." in texts(at)
    assert list_campaigns(ws) == []


def test_the_hub_edits_and_clears_the_destination(app, ws):
    cid = make_campaign(ws, destination="northpeak.com")
    at = app(HUB, id=cid)
    assert at.text_input(key="ce_destination").value == "northpeak.com"
    assert "sends people to northpeak.com" in texts(at)
    at.text_input(key="ce_destination").input("@northpeak")
    at.button(key="ce_save").click().run()
    assert not at.exception
    assert get_campaign(ws, cid).destination == "@northpeak"
    at = app(HUB, id=cid)
    at.text_input(key="ce_destination").input("")
    at.button(key="ce_save").click().run()
    assert get_campaign(ws, cid).destination == ""


def test_a_bad_hub_edit_changes_nothing(app, ws):
    cid = make_campaign(ws, destination="northpeak.com")
    at = app(HUB, id=cid)
    at.text_input(key="ce_destination").input("+44")
    at.text_input(key="ce_brand_name").input("Renamed")
    at.button(key="ce_save").click().run()
    assert not at.exception
    assert '"+44" is not a web address, handle or phone number.' in _field_errors(at)
    after = get_campaign(ws, cid)
    assert (after.destination, after.brand_name) == ("northpeak.com", "Northpeak")


def test_a_banners_own_destination_is_edited_with_its_words(app, ws, ui_redis):
    pid = _finished_banner(ws)
    at = app(STUDIO, project=pid)
    assert _field(at, "destination").value == ""
    assert "web address" in (_field(at, "destination").help or "")
    _field(at, "destination").input("trailblazer.shop")
    at.button(key="save-copy").click().run()
    assert not at.exception
    saved = options_of(project_row(pid)).outputs.copy
    assert saved is not None and saved.destination == "trailblazer.shop"
    assert [(g.step, g.credits) for g in generations(pid)] == [("compose", 0)]


def test_a_bad_destination_in_the_words_changes_nothing(app, ws, ui_redis):
    pid = _finished_banner(ws)
    at = app(STUDIO, project=pid)
    _field(at, "destination").input("trailblazer")
    at.button(key="save-copy").click().run()
    assert "is not a web address, handle or phone number" in texts(at)
    assert options_of(project_row(pid)).outputs.copy == DesignCopy(
        "Grip that holds", "Trail shoes with a sole that bites.", "Shop now"
    )
    assert generations(pid) == []


def test_words_written_before_destinations_existed_read_as_none() -> None:
    stored = options_with({}, Outputs(copy=DesignCopy("Hi", "", "Go")))
    stored["outputs"]["copy"].pop("destination", None)
    copy = options_of(stored).outputs.copy
    assert copy is not None and copy.destination == ""
