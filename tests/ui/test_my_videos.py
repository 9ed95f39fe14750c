"""My Videos: action button by status, progress, polling only while active, delete, filters."""

from __future__ import annotations

from datetime import UTC, datetime

from aytada.ui.widgets import VIDEOS as PAGE
from tests.factories import make_campaign, make_project
from tests.ui.helpers import buttons, generations, has_autorefresh, project_row, texts

# The action button of each video status, written out here on purpose (not derived from the
# code under test): an independent oracle. None: no button while the status is active.
STATUS_BUTTONS = {
    "draft": "Continue in Studio",
    "generating_ideas": None,
    "ideas_ready": "Continue in Studio",
    "generating_script": None,
    "script_ready": "Continue in Studio",
    "generating_scenes": None,
    "scenes_ready": "Continue in Studio",
    "generating_video": None,
    "generating_voiceover": None,
    "stitching": None,
    "completed": "View Ad",
    "failed": "View & Retry",
}


def test_each_video_status_shows_its_action_button(app, ws):
    cid = make_campaign(ws)
    ids = {
        status: make_project(ws, cid, status=status, title=f"Ad {status}")
        for status in STATUS_BUTTONS
    }
    at = app(PAGE)
    assert not at.exception
    shown = buttons(at)
    for status, pid in ids.items():
        assert shown.get(f"mv-{pid}-act") == STATUS_BUTTONS[status], status
        assert f"Ad {status}" in texts(at)
    # a progress bar on every active card, none on the others
    assert len(at.get("progress")) == sum(1 for b in STATUS_BUTTONS.values() if b is None)


def test_newest_first(app, ws):
    cid = make_campaign(ws)
    make_project(ws, cid, title="Older", created_at=datetime(2024, 1, 1, tzinfo=UTC))
    make_project(ws, cid, title="Newer", created_at=datetime(2025, 1, 1, tzinfo=UTC))
    at = app(PAGE)
    body = texts(at)
    assert body.index("Newer") < body.index("Older")


def test_autorefresh_and_processing_badge_only_while_something_is_active(app, ws):
    cid = make_campaign(ws)
    for status in ("draft", "ideas_ready", "script_ready", "scenes_ready", "completed", "failed"):
        make_project(ws, cid, status=status)
    at = app(PAGE)
    assert not has_autorefresh(at)
    assert "Processing" not in texts(at)

    make_project(ws, cid, status="generating_video")
    at = app(PAGE)
    assert has_autorefresh(at)
    assert "aytada-processing" in texts(at) and "Processing</span>" in texts(at)


def test_banner_statuses_count_as_active(app, ws):
    make_project(ws, status="rendering", kind="banner")
    at = app(PAGE)
    assert has_autorefresh(at)


def test_soft_deleted_projects_are_hidden_and_do_not_poll(app, ws):
    cid = make_campaign(ws)
    make_project(ws, cid, title="Visible one")
    make_project(ws, cid, title="Gone one", status="generating_video", deleted_at=datetime.now(UTC))
    at = app(PAGE)
    body = texts(at)
    assert "Visible one" in body
    assert "Gone one" not in body
    assert not has_autorefresh(at)


def test_delete_asks_for_confirmation_then_soft_deletes(app, ws):
    pid = make_project(ws, title="Delete me", status="script_ready")  # active ones: no Delete
    at = app(PAGE)
    at.button(key=f"mv-{pid}-del").click().run()
    # nothing deleted yet: a confirmation is shown
    assert project_row(pid).deleted_at is None
    assert "Delete “Delete me”?" in texts(at)
    at.button(key=f"mv-{pid}-no").click().run()
    assert f"mv-{pid}-yes" not in buttons(at)
    assert project_row(pid).deleted_at is None

    at.button(key=f"mv-{pid}-del").click().run()
    at.button(key=f"mv-{pid}-yes").click().run()
    assert not at.exception
    assert project_row(pid).deleted_at is not None
    assert "Delete me" not in "".join(m.value for m in at.markdown)
    assert "was deleted" in texts(at)
    assert not has_autorefresh(at)
    assert "No projects yet" in texts(at)


def test_delete_keeps_generations(app, ws):
    from aytada.core.db import session_scope
    from aytada.core.models import Generation

    pid = make_project(ws, status="failed")
    with session_scope() as s:
        s.add(Generation(project_id=pid, step="ideas", state="failed", error="boom"))
    at = app(PAGE)
    at.button(key=f"mv-{pid}-del").click().run()
    at.button(key=f"mv-{pid}-yes").click().run()
    assert len(generations(pid)) == 1


def test_action_button_opens_the_studio(app, ws):
    pid = make_project(ws, title="Resume me", status="script_ready")
    at = app(PAGE)
    at.button(key=f"mv-{pid}-act").click().run()
    assert not at.exception
    assert at.query_params.get("project") in (str(pid), [str(pid)])
    assert at.title[0].value == "Resume me"


def test_filters_by_status_and_kind(app, ws):
    cid = make_campaign(ws)
    make_project(ws, cid, title="Video done", status="completed")
    make_project(ws, cid, title="Video failed", status="failed")
    make_project(ws, cid, title="Banner done", status="completed", kind="banner")
    at = app(PAGE)
    at.selectbox(key="myvideos_status").set_value("completed").run()
    body = texts(at)
    assert "Video done" in body and "Banner done" in body and "Video failed" not in body
    at.selectbox(key="myvideos_kind").set_value("banner").run()
    body = texts(at)
    assert "Banner done" in body and "Video done" not in body
    at.selectbox(key="myvideos_status").set_value("failed").run()
    assert "Nothing matches these filters" in texts(at)


def test_show_more(app, ws):
    cid = make_campaign(ws)
    for i in range(30):
        make_project(ws, cid, title=f"Ad number {i:02d}")
    at = app(PAGE)
    assert len([k for k in buttons(at) if k.endswith("-act")]) == 24
    assert "Showing 24 of 30" in texts(at) and "Ad number 00" not in texts(at)
    at.button(key="mv-more").click().run()
    assert not at.exception
    assert len([k for k in buttons(at) if k.endswith("-act")]) == 30
    assert "Ad number 00" in texts(at) and "mv-more" not in buttons(at)


def test_empty_state_says_what_to_do(app, ws):
    at = app(PAGE)
    assert "No projects yet" in texts(at)
    assert "Create a campaign" in texts(at)
    assert not has_autorefresh(at)
    assert "New video ad" in buttons(at).values()


def test_failed_card_shows_the_error(app, ws):
    pid = make_project(
        ws, status="failed", error="Script failed: the model timed out", title="Broken ad"
    )
    make_project(ws, status="completed", title="Fine ad")
    at = app(PAGE)
    body = texts(at)
    assert body.count("the model timed out") == 1  # on the failed card only
    assert buttons(at)[f"mv-{pid}-act"] == "View & Retry"  # and it offers the way out


def test_a_run_costs_the_same_few_statements_for_any_number_of_projects(app, ws):
    from sqlalchemy import event

    from aytada.core import db

    cid = make_campaign(ws)
    runs: dict[int, list[str]] = {}
    for n in (3, 40):
        while len(list_projects_ids(ws)) < n:
            make_project(ws, cid, status="generating_video", title=f"Card {n}")
        at = app(PAGE)
        statements: list[str] = []

        def listener(conn, cursor, statement, *rest, seen=statements):  # type: ignore[no-untyped-def]
            seen.append(" ".join(statement.split()))

        engine = db.get_engine()  # the engine the page's queries run on (one per process)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            at.run()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert not at.exception
        # this run drew the cards (24 a page, each active one with its progress bar), so the
        # statements counted are the ones it made
        assert len(at.get("progress")) == min(n, 24)
        runs[n] = statements
    for n, statements in runs.items():
        # the listener saw the page's real queries: one count and one page of cards ...
        cards = [s for s in statements if "projects.title" in s and "FROM projects" in s]
        assert len(cards) == 1, (n, statements)
        assert any(s.startswith("SELECT count(*)") and "FROM projects" in s for s in statements)
        # ... and no query per card
        assert not [s for s in statements if "projects.id = " in s], (n, statements)
    # workspace, balance, then the page: count, one page of cards, "anything active?"
    assert 3 <= len(runs[3]) == len(runs[40]) <= 5, runs


def list_projects_ids(ws: int) -> list[int]:
    from aytada.core.projects import list_projects

    return [c.id for c in list_projects(ws, page_size=100).cards]
