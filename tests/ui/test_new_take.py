"""A finished banner offers a new take (new words for the same picture) at the words' price."""

from __future__ import annotations

from aytada.core.options import DesignCopy, Outputs, options_with
from aytada.ui.widgets import STUDIO
from tests.factories import charge, make_project
from tests.ui.helpers import generations, texts
from tests.ui.test_copy_form import _finished_banner


def test_a_finished_banner_offers_a_new_take_at_the_words_price(app, ws, ui_redis):
    pid = _finished_banner(ws)
    charge(pid, "design", 10)  # its first design
    at = app(STUDIO, project=pid)
    assert at.button(key="run-design").label == "New take (new words) · 2 credits"
    assert "the same picture" in texts(at)
    at.button(key="run-design").click().run()
    assert not at.exception
    queued = generations(pid)[-1]
    assert (queued.step, queued.state, queued.credits) == ("design", "queued", 2)
    assert queued.input_snapshot["take"] == 1


def test_a_new_banner_costs_its_kind(app, ws, ui_redis):
    words = options_with({}, Outputs(copy=DesignCopy("a", "b", "c")))
    pid = make_project(ws, kind="banner", status="draft", options=words)
    at = app(STUDIO, project=pid)
    assert at.button(key="run-design").label == "Generate banner · 10 credits"
