"""Credits held by running work, where the balance is shown: the sidebar, the Credits page and
Home show what can be spent (the ledger's balance less the holds) and say what is held."""

from __future__ import annotations

from aytada.core import credits
from aytada.core.db import session_scope
from aytada.ui.widgets import CREDITS, VIDEOS
from tests.factories import make_campaign, make_project


def _hold(ws: int, amount: int) -> None:
    pid = make_project(ws, make_campaign(ws), status="generating_video")
    with session_scope() as s:
        credits.hold(s, ws, pid, [credits.HoldPart("voiceover", amount)])


def test_the_sidebar_shows_the_balance_less_what_running_work_holds(app, ws):
    _hold(ws, 55)
    at = app(VIDEOS)
    assert not at.exception
    assert at.sidebar.metric[0].value == "945"
    assert "55 credits held by running work" in " ".join(c.value for c in at.sidebar.caption)


def test_nothing_held_says_nothing(app, ws):
    at = app(VIDEOS)
    assert at.sidebar.metric[0].value == "1,000"
    assert "held by running work" not in " ".join(c.value for c in at.sidebar.caption)


def test_the_credits_page_shows_the_held_credits_beside_the_balance(app, ws):
    _hold(ws, 1)
    at = app(CREDITS)
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Balance").value == "999"
    captions = " ".join(c.value for c in at.caption)
    assert "1 credit held by running work" in captions and "1,000" in captions
