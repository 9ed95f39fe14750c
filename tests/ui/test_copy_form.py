"""The Studio shows a banner's words in fields; saving them sets the design again, free."""

from __future__ import annotations

from PIL import Image

from aytada.core.options import DesignCopy, Outputs, options_of, options_with
from aytada.core.workspaces import get_balance
from aytada.ui.widgets import STUDIO
from tests.factories import attach_output, make_project
from tests.ui.helpers import generations, project_row, texts

WORDS = DesignCopy("Grip that holds", "Trail shoes with a sole that bites.", "Shop now")


def _finished_banner(ws: int) -> int:
    pid = make_project(
        ws, kind="banner", status="completed", options=options_with({}, Outputs(copy=WORDS))
    )
    attach_output(pid, "banner.png", Image.new("RGB", (108, 108), (200, 100, 50)).save,
                  kind="image", role="banner", mime_type="image/png")  # fmt: skip
    return pid


def _field(at, name: str):  # type: ignore[no-untyped-def]
    return next(t for t in at.text_input if t.key and t.key.startswith(f"copy-{name}-"))


def test_edited_words_are_saved_and_the_design_is_set_again_free(app, ws, ui_redis):
    pid = _finished_banner(ws)
    at = app(STUDIO, project=pid)
    assert _field(at, "headline").value == "Grip that holds"
    assert _field(at, "call_to_action").value == "Shop now"
    balance = get_balance(ws)
    _field(at, "headline").input("Holds on wet rock")
    at.button(key="save-copy").click().run()
    assert not at.exception
    assert "Words saved" in texts(at)
    saved = options_of(project_row(pid)).outputs.copy
    assert saved == DesignCopy("Holds on wet rock", WORDS.subline, "Shop now")
    assert project_row(pid).status == "rendering"
    assert [(g.step, g.state, g.credits) for g in generations(pid)] == [("compose", "queued", 0)]
    assert get_balance(ws) == balance


def test_bad_words_show_the_fields_problem_and_change_nothing(app, ws, ui_redis):
    pid = _finished_banner(ws)
    at = app(STUDIO, project=pid)
    _field(at, "headline").input("one two three four five six seven eight nine")
    _field(at, "call_to_action").input("")
    at.button(key="save-copy").click().run()
    shown = texts(at)
    assert "At most 8 words (this has 9)." in shown and "Cannot be empty." in shown
    assert options_of(project_row(pid)).outputs.copy == WORDS
    assert project_row(pid).status == "completed" and generations(pid) == []
