"""Prices on every choice of the create form, and the Studio's settings panel: format, length and
quality change until the render starts, each option priced, the Render button following."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from aytada.core.db import session_scope
from aytada.core.models import Project, Workspace
from aytada.core.projects import list_projects
from aytada.ui.widgets import STUDIO
from tests.factories import make_campaign, make_project
from tests.ui.helpers import IDEAS, SCENES, SCRIPT, buttons, project_row, texts


def options(at, key: str) -> list[str]:
    """A radio's options as the user reads them: the label, then its price (the caption)."""
    radio = at.radio(key=key)
    captions = list(radio.proto.captions) or [""] * len(radio.options)
    return [f"{o} · {c}" if c else o for o, c in zip(radio.options, captions, strict=True)]


def settings_radio(at, field: str):
    """The settings panel's radio for `field` (its key ends in a version of the settings)."""
    return next(r for r in at.radio if r.key and r.key.startswith(f"settings-{field}-"))


def save_settings(at) -> None:
    key = next(k for k in buttons(at) if k.startswith("settings-save-"))
    at.button(key=key).click().run()


def video_with_scenes(ws: int, **fields) -> int:
    fields.setdefault("status", "scenes_ready")
    return make_project(ws, ideas=IDEAS, chosen_idea=0, script=SCRIPT, scenes=SCENES, **fields)


# --------------------------------------------------------------------------- create form


def test_every_video_choice_shows_the_whole_ads_price(app, ws):
    make_campaign(ws)
    at = app(STUDIO, kind="video")
    assert not at.exception
    # the default: 30 s at Pro (the product's default quality), its price in plain sight
    assert at.radio(key="np_length").value == 30
    assert at.radio(key="np_quality").value == "pro"
    assert options(at, "np_length") == [
        "15 s · ≈132 credits",
        "30 s · ≈252 credits",
        "60 s · ≈412 credits",
    ]
    assert options(at, "np_quality") == [
        "Standard (720p) · ≈102 credits",
        "Pro (1080p) · ≈252 credits",
    ]
    assert options(at, "np_format_video")[0] == "9:16 · ≈252 credits"
    shown = texts(at)
    assert "In all ≈252 credits: Script 2 + 6 × scene clip 240 + Voiceover 5 + Stitching 5" in shown
    assert "Balance: 1,000 credits." in shown

    # a choice changes the other options' prices and the total
    at.radio(key="np_quality").set_value("standard").run()
    assert options(at, "np_length") == [
        "15 s · ≈57 credits",
        "30 s · ≈102 credits",
        "60 s · ≈162 credits",
    ]
    at.radio(key="np_length").set_value(15).run()
    assert options(at, "np_quality")[0] == "Standard (720p) · ≈57 credits"
    assert options(at, "np_format_video")[1] == "1:1 · ≈57 credits"
    assert "In all ≈57 credits: Script 2 + 3 × scene clip 45" in texts(at)
    # choices made before a price changed are kept (a radio whose label held the price lost
    # its value when the price moved: the browser then refused the form)
    at.radio(key="np_format_video").set_value("1:1").run()
    at.radio(key="np_quality").set_value("pro").run()
    at.radio(key="np_length").set_value(60).run()
    assert at.radio(key="np_format_video").value == "1:1"
    assert at.radio(key="np_quality").value == "pro"
    at.radio(key="np_quality").set_value("standard").run()
    at.radio(key="np_length").set_value(15).run()

    at.text_input(key="np_title").input("Cheap test")
    at.button(key="np_create").click().run()
    (card,) = list_projects(ws).cards
    assert (card.length_s, project_row(card.id).quality) == (15, "standard")
    assert project_row(card.id).format == "1:1"


def test_design_and_jingle_choices_show_their_price(app, ws):
    make_campaign(ws)
    at = app(STUDIO, kind="banner")
    assert at.selectbox(key="np_format_banner").options[0] == "1080×1080 · square post"
    assert "In all 10 credits: Copy & image 10." in texts(at)
    at = app(STUDIO, kind="jingle")
    assert options(at, "np_length") == [f"{n} s · 10 credits" for n in (15, 30, 60)]


def test_a_price_above_the_balance_is_said_with_a_way_to_add_credits(app, ws):
    make_campaign(ws)
    with session_scope() as s:
        s.execute(update(Workspace).where(Workspace.id == ws).values(credit_balance=233))
    at = app(STUDIO, kind="video")
    assert any("costs more than the balance (233 credits)" in w.value for w in at.warning)
    links = [link.proto.page for link in at.get("page_link")]
    assert "credits" in links
    at.radio(key="np_quality").set_value("standard").run()  # 102 ≤ 233
    assert not any("costs more than the balance" in w.value for w in at.warning)


# --------------------------------------------------------------------------- settings panel


def test_quality_change_updates_the_render_price_and_redoes_nothing(app, ws):
    pid = video_with_scenes(ws, quality="pro")
    at = app(STUDIO, project=pid)
    assert at.button(key="run-render").label == "Render video · 130 credits"
    assert options(at, settings_radio(at, "quality").key) == [
        "Standard (720p) · 55 credits",  # the project's 3 scenes: exact, no ≈
        "Pro (1080p) · 130 credits",
    ]
    settings_radio(at, "quality").set_value("standard").run()
    assert "The render will cost 55 credits" in texts(at)
    assert project_row(pid).quality == "pro"  # nothing until saved
    save_settings(at)
    assert not at.exception
    row = project_row(pid)
    assert (row.quality, row.status, row.scenes_stale, row.scenes) == (
        "standard", "scenes_ready", False, SCENES
    )  # fmt: skip
    assert at.button(key="run-render").label == "Render video · 55 credits"
    assert "Settings saved." in texts(at)
    assert "Standard (720p)" in texts(at)  # the header's facts follow


def test_length_change_says_what_must_be_made_again(app, ws):
    pid = video_with_scenes(ws, length_s=15)
    at = app(STUDIO, project=pid)
    assert options(at, settings_radio(at, "length_s").key)[1] == "30 s · ≈250 credits"
    settings_radio(at, "length_s").set_value(30).run()
    save_settings(at)
    assert not at.exception
    row = project_row(pid)
    assert (row.length_s, row.status, row.scenes_stale) == (30, "script_ready", True)
    warnings = [w.value for w in at.warning]
    assert "The scenes were timed to 15 s: generate them again before rendering." in warnings
    assert any(w.startswith("The script was written for 15 s") for w in warnings)
    assert "run-render" not in buttons(at)  # the render waits for new scenes
    assert at.button(key="run-scenes").label == "Generate scenes · 0 credits"


def test_settings_are_locked_once_the_render_started(app, ws):
    pid = video_with_scenes(ws, status="completed", segments={"0": 1, "1": 2, "2": 3})
    at = app(STUDIO, project=pid)
    assert not [r for r in at.radio if r.key and r.key.startswith("settings-")]
    assert "fixed once the render has started" in texts(at)

    busy = video_with_scenes(ws, status="generating_scenes")
    at = app(STUDIO, project=busy)
    assert not [r for r in at.radio if r.key and r.key.startswith("settings-")]


def test_a_stale_or_deleted_project_is_not_changed(app, ws):
    pid = video_with_scenes(ws)
    at = app(STUDIO, project=pid)
    settings_radio(at, "quality").set_value("standard")
    # another tab started the render meanwhile: the click is refused, nothing changes
    with session_scope() as s:
        s.execute(update(Project).where(Project.id == pid).values(segments={"0": 9}))
    save_settings(at)
    assert not at.exception
    assert any("fixed once the render has started" in e.value for e in at.error)
    assert project_row(pid).quality == "pro"

    other = video_with_scenes(ws)
    at = app(STUDIO, project=other)
    settings_radio(at, "length_s").set_value(60)
    with session_scope() as s:
        s.execute(update(Project).where(Project.id == other).values(deleted_at=datetime.now(UTC)))
    save_settings(at)
    assert not at.exception
    assert "was not found" in texts(at)
    assert project_row(other).length_s == 15
    assert project_row(other).scenes_stale is False


def test_banner_size_can_change_before_it_is_made(app, ws):
    pid = make_project(ws, kind="banner", fmt="1080x1080")
    at = app(STUDIO, project=pid)
    radio = settings_radio(at, "format")
    assert options(at, radio.key)[0] == "1080×1080 · square post · 10 credits"
    radio.set_value("728x90").run()
    save_settings(at)
    assert project_row(pid).format == "728x90"
    assert not [r for r in at.radio if r.key and r.key.startswith("settings-length")]
