"""Credits page: balance, ledger per project and step (deleted projects labelled), monthly usage,
a confirmed top-up with clear errors for bad amounts; "Not enough credits" links to it."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from aytada.core import credits, projects
from aytada.core.db import session_scope
from aytada.core.models import Workspace
from aytada.core.workspaces import get_balance, ledger
from aytada.ui.widgets import CREDITS, STUDIO
from tests.factories import charge as charged
from tests.factories import make_campaign, make_project
from tests.ui.helpers import SCENES, SCRIPT, texts


def table(at, index: int) -> list[dict]:
    return at.dataframe[index].value.to_dict("records")


def credits_links(at) -> list[str]:
    return [link.proto.page for link in at.get("page_link") if "Credits page" in link.proto.label]


def test_the_page_opens_through_the_navigation_with_the_starting_credits(app, ws):
    at = app(CREDITS)  # switch_page fails for a page st.navigation does not register
    assert not at.exception
    assert at.title[0].value == "Credits"
    assert next(m for m in at.metric if m.label == "Balance").value == "1,000"
    (row,) = table(at, -1)  # the ledger (no spending table yet)
    assert (row["Credits"], row["Project"], row["Step"]) == ("+1,000", "—", "starting credits")


def test_balance_ledger_per_project_and_step_and_monthly_usage(app, ws):
    cid = make_campaign(ws)
    kept = make_project(ws, cid, title="Spring ad")
    gone = make_project(ws, cid, title="Old **bold** ad")
    charged(kept, "script", 2)
    for i in range(2):
        charged(kept, "clip", 40, scene=i)
    charged(gone, "voiceover", 5)
    projects.soft_delete(ws, gone)

    at = app(CREDITS)
    assert not at.exception
    balance = next(m for m in at.metric if m.label == "Balance")
    assert balance.value == "913"  # 1000 − 2 − 80 − 5

    months, spending, rows = table(at, 0), table(at, 1), table(at, 2)
    assert [(m["Spent"], m["Added"]) for m in months] == [(87, 1000)]
    assert spending == [
        {"Project": "Old **bold** ad (deleted)", "Step": "Voiceover", "Runs": 1, "Credits": 5},
        {"Project": "Spring ad", "Step": "Script", "Runs": 1, "Credits": 2},
        {"Project": "Spring ad", "Step": "Scene clip", "Runs": 2, "Credits": 80},
    ]
    assert [(r["Credits"], r["Balance"], r["Project"], r["Step"]) for r in rows] == [
        ("-5", 913, "Old **bold** ad (deleted)", "Voiceover"),
        ("-40", 918, "Spring ad", "Scene clip 2"),
        ("-40", 958, "Spring ad", "Scene clip 1"),
        ("-2", 998, "Spring ad", "Script"),
        ("+1,000", 1000, "—", "starting credits"),
    ]


def test_top_up_asks_for_a_confirmation_then_adds_a_ledger_row(app, ws):
    at = app(CREDITS)
    at.text_input(key="credits_amount").input("1,500")
    at.button(key="credits-add").click().run()
    assert not at.exception
    assert "Add 1,500 credits? The balance goes from 1,000 to 2,500." in texts(at)
    assert get_balance(ws) == 1000  # nothing until "Yes"

    at.button(key="credits-confirm").click().run()
    assert not at.exception
    assert get_balance(ws) == 2500
    assert "Added 1,500 credits. The balance is 2,500." in texts(at)
    newest = ledger(ws)[0]
    assert (newest.delta, newest.balance_after, newest.reason) == (1500, 2500, "top-up")
    assert next(m for m in at.metric if m.label == "Balance").value == "2,500"
    assert at.text_input(key="credits_amount").value == ""
    assert "credits-confirm" not in [b.key for b in at.button]


def test_a_cancelled_top_up_changes_nothing(app, ws):
    at = app(CREDITS)
    at.text_input(key="credits_amount").input("200")
    at.button(key="credits-add").click().run()
    at.button(key="credits-cancel").click().run()
    assert get_balance(ws) == 1000
    assert len(ledger(ws)) == 1
    assert "credits-add" in [b.key for b in at.button]


@pytest.mark.parametrize(
    "amount",
    ["0", "-5", "1000001", "1,000,001", "abc", "1.5", "", "12e3", "99999999999999999999"],
)
def test_bad_top_up_amounts_show_a_message_and_change_nothing(app, ws, amount):
    at = app(CREDITS)
    at.text_input(key="credits_amount").input(amount)
    at.button(key="credits-add").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == ["A top-up must be a whole number of credits from 1 to 1,000,000."]
    assert "credits-confirm" not in [b.key for b in at.button]
    assert get_balance(ws) == 1000
    assert len(ledger(ws)) == 1


def test_a_top_up_above_the_balance_cap_is_refused(app, ws):
    with session_scope() as s:
        s.execute(update(Workspace).where(Workspace.id == ws)
                  .values(credit_balance=credits.MAX_BALANCE - 100))  # fmt: skip
    at = app(CREDITS)
    at.text_input(key="credits_amount").input("101")
    at.button(key="credits-add").click().run()
    assert [e.value for e in at.error] == ["The balance cannot go above 2,147,483,647 credits."]
    assert get_balance(ws) == credits.MAX_BALANCE - 100

    # the balance grew between the confirmation and "Yes": refused at the click as well
    at.text_input(key="credits_amount").input("100")
    at.button(key="credits-add").click().run()
    with session_scope() as s:
        s.execute(update(Workspace).where(Workspace.id == ws)
                  .values(credit_balance=credits.MAX_BALANCE - 50))  # fmt: skip
    at.button(key="credits-confirm").click().run()
    assert [e.value for e in at.error] == ["The balance cannot go above 2,147,483,647 credits."]
    assert get_balance(ws) == credits.MAX_BALANCE - 50
    assert len(ledger(ws)) == 1


def test_not_enough_credits_in_the_studio_links_to_the_credits_page(app, ws, ui_redis):
    pid = make_project(ws, status="scenes_ready", ideas=[], script=SCRIPT, scenes=SCENES)
    with session_scope() as s:
        s.execute(update(Workspace).where(Workspace.id == ws).values(credit_balance=20))
    at = app(STUDIO, project=pid)
    assert credits_links(at) == []
    at.button(key="run-render").click().run()
    assert not at.exception
    assert any(e.value.startswith("Not enough credits: this needs 130") for e in at.error)
    assert credits_links(at) == ["credits"]
    assert get_balance(ws) == 20


def test_a_step_failed_for_want_of_credits_links_to_the_credits_page(app, ws):
    pid = make_project(ws, status="failed", ideas=[], script=SCRIPT, scenes=SCENES,
                       failed_step="clip",
                       error="Scene clip failed: Not enough credits: this needs 40, the balance "
                       "is 20.")  # fmt: skip
    at = app(STUDIO, project=pid)
    assert not at.exception
    assert any("Not enough credits: this needs 40" in e.value for e in at.error)
    assert credits_links(at) == ["credits"]

    script = make_project(ws, status="failed", failed_step="script",
                          error="Script failed: Not enough credits: this needs 2, the balance "
                          "is 1.")  # fmt: skip
    assert credits_links(app(STUDIO, project=script)) == ["credits"]
    other = make_project(ws, status="failed", failed_step="script", error="Script failed: boom")
    assert credits_links(app(STUDIO, project=other)) == []
