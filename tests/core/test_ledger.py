"""The ledger as the Credits page reads it (rows with project and step, per project, per month),
typed top-ups, the price of a kind/length/quality choice, and changing a project's format,
length and quality until its render starts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, update

from aytada.core import credits, db, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.errors import Conflict, NotFound, UserError, ValidationFailed
from aytada.core.formats import LENGTHS
from aytada.core.models import CreditLedgerEntry, Project, Workspace
from aytada.core.settings import reset_settings
from aytada.core.workspaces import create_workspace
from tests.factories import charge, make_campaign, make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test

SCRIPT = {
    "hook": "Muddy trail? No problem.",
    "body": "Trailblazer grips where others slip.",
    "call_to_action": "Get yours today.",
    "voiceover": "Muddy trail? No problem. Trailblazer grips where others slip. Get yours today.",
    "lines": [{"text": "Muddy trail? No problem.", "seconds": 3.0}],
}
SCENES = [
    {"index": i, "visual": f"Shot {i}", "caption": f"Cap {i}", "voiceover": f"Line {i}",
     "duration": 5.0}
    for i in range(3)
]  # fmt: skip


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs while the test body runs."""
    seen: list[str] = []
    engine = db.get_engine()

    def record(conn, cursor, statement, *rest) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def row_state(pid: int) -> dict[str, Any]:
    with session_scope() as s:
        p = s.get(Project, pid)
        assert p is not None
        return {
            k: getattr(p, k)
            for k in ("format", "length_s", "quality", "status", "scenes", "scenes_stale",
                      "script", "segments")
        }  # fmt: skip


# --------------------------------------------------------------------------- ledger


def test_ledger_rows_name_project_and_step_in_one_query(
    workspace_id: int, statements: list[str]
) -> None:
    cid = make_campaign(workspace_id)
    kept = make_project(workspace_id, cid, title="Kept ad")
    gone = make_project(workspace_id, cid, title="Gone ad")
    charge(kept, "script", 2)
    charge(gone, "clip", 40, scene=1)
    projects.soft_delete(workspace_id, gone)
    workspaces.add_credits(workspace_id, 300)
    with session_scope() as s:  # another team's spending never shows here
        other = create_workspace(s, "Other").id
    charge(make_project(other, title="Foreign ad"), "script", 2)

    statements.clear()
    page = credits.ledger_page(workspace_id)
    assert len(statements) == 1, statements
    got = [(r.delta, r.balance_after, r.project_title, r.project_deleted, r.step_label)
           for r in page.rows]  # fmt: skip
    assert got == [
        (300, 1258, None, False, None),
        (-40, 958, "Gone ad", True, "Scene clip 2"),
        (-2, 998, "Kept ad", False, "Script"),
        (1000, 1000, None, False, None),
    ]
    assert [r.reason for r in page.rows if r.project_title is None] == [
        "top-up",
        "starting credits",
    ]
    assert (page.total, page.pages) == (4, 1)


def test_ledger_pages_newest_first_and_past_the_end_gives_the_last(workspace_id: int) -> None:
    for amount in range(1, 6):
        workspaces.add_credits(workspace_id, amount)
    first = credits.ledger_page(workspace_id, 1, page_size=2)
    assert [r.delta for r in first.rows] == [5, 4]
    assert (first.total, first.pages) == (6, 3)
    last = credits.ledger_page(workspace_id, 99, page_size=2)
    assert (last.page, [r.delta for r in last.rows]) == (3, [1, 1000])


def test_spending_by_project_and_step_includes_deleted_projects(workspace_id: int) -> None:
    cid = make_campaign(workspace_id)
    a = make_project(workspace_id, cid, title="A")
    b = make_project(workspace_id, cid, title="B")
    charge(a, "script", 2)
    charge(a, "script", 2)
    for i in range(3):
        charge(a, "clip", 15, scene=i)
    charge(b, "voiceover", 5)
    projects.soft_delete(workspace_id, b)
    workspaces.add_credits(workspace_id, 50)  # a top-up is not spending
    got = [(r.project_title, r.project_deleted, r.step_label, r.runs, r.credits)
           for r in credits.spending_by_project(workspace_id)]  # fmt: skip
    assert got == [
        ("B", True, "Voiceover", 1, 5),
        ("A", False, "Script", 2, 4),
        ("A", False, "Scene clip", 3, 45),
    ]


def test_monthly_usage_sums_spent_and_added_per_calendar_month(workspace_id: int) -> None:
    pid = make_project(workspace_id)
    jan = [charge(pid, "script", 2), charge(pid, "clip", 40, scene=0)]
    feb = [charge(pid, "clip", 15, scene=1)]
    workspaces.add_credits(workspace_id, 500)
    with session_scope() as s:
        when = {
            **{g: datetime(2026, 1, 31, 23, 59, tzinfo=UTC) for g in jan},
            **{g: datetime(2026, 2, 1, 0, 1, tzinfo=UTC) for g in feb},
        }
        for gen_id, at in when.items():
            s.execute(
                update(CreditLedgerEntry)
                .where(CreditLedgerEntry.generation_id == gen_id)
                .values(created_at=at)
            )
        s.execute(update(CreditLedgerEntry).where(CreditLedgerEntry.generation_id.is_(None))
                  .values(created_at=datetime(2026, 3, 15, tzinfo=UTC)))  # fmt: skip
    got = [(m.month, m.spent, m.added) for m in credits.monthly_usage(workspace_id)]
    assert got == [("2026-03", 0, 1500), ("2026-02", 15, 0), ("2026-01", 42, 0)]


# --------------------------------------------------------------------------- top-ups


@pytest.mark.parametrize(
    "text",
    ["0", "-5", "1000001", "1,000,001", "abc", "1.5", "", "  ", "1e3", "９", "+-3",
     "99999999999999999999999999", "9" * 5000, None, True, 0, -1, 10**7],
)  # fmt: skip
def test_typed_top_ups_outside_1_to_a_million_change_nothing(workspace_id: int, text) -> None:
    before = workspaces.get_balance(workspace_id), credits.ledger_page(workspace_id).total
    with pytest.raises(UserError, match="whole number of credits from 1 to 1,000,000"):
        credits.preview_top_up(workspace_id, text)
    assert (workspaces.get_balance(workspace_id), credits.ledger_page(workspace_id).total) == (
        before
    )


def test_typed_top_ups_accept_whole_numbers_and_respect_the_cap(workspace_id: int) -> None:
    assert credits.parse_top_up(" 1,000 ") == 1000
    assert credits.parse_top_up("1000000") == credits.MAX_TOP_UP
    preview = credits.preview_top_up(workspace_id, "250")
    assert (preview.amount, preview.balance, preview.new_balance) == (250, 1000, 1250)
    assert workspaces.get_balance(workspace_id) == 1000  # a preview changes nothing
    with session_scope() as s:
        s.execute(update(Workspace).where(Workspace.id == workspace_id)
                  .values(credit_balance=credits.MAX_BALANCE - 10))  # fmt: skip
    assert credits.preview_top_up(workspace_id, "10").new_balance == credits.MAX_BALANCE
    with pytest.raises(UserError, match="cannot go above 2,147,483,647"):
        credits.preview_top_up(workspace_id, "11")
    with pytest.raises(UserError, match="cannot go above"):
        workspaces.add_credits(workspace_id, 11)
    assert workspaces.get_balance(workspace_id) == credits.MAX_BALANCE - 10


# --------------------------------------------------------------------------- choice prices


def test_choice_prices_follow_the_price_list_and_the_length(workspace_id: int) -> None:
    pro30 = credits.choice_price("video", 30, "pro")
    assert (pro30.total, pro30.render, pro30.scenes, pro30.estimated) == (252, 250, 6, True)
    assert credits.choice_price("video", 15, "standard").render == 55  # the figures
    assert credits.choice_price("video", 60, "pro").render == 10 * 40 + 5 + 5
    assert credits.choice_price("banner").total == 10
    assert credits.choice_price("jingle", 60).estimated is False
    parts = {p.step: (p.runs, p.credits, p.render) for p in pro30.parts}
    assert parts["clip"] == (6, 240, True) and parts["script"] == (1, 2, False)


def test_choice_prices_read_configured_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICE_CLIP_STANDARD", "7")
    monkeypatch.setenv("PRICE_STITCH", "0")
    reset_settings()
    assert credits.choice_price("video", 15, "standard").render == 3 * 7 + 5


def test_planned_scenes_match_the_offline_writer() -> None:
    from aytada.providers.offline import scene_count

    for length in LENGTHS:
        assert credits.planned_scenes(length) == scene_count(length), length


def test_a_projects_choice_price_is_what_its_render_button_asks(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="scenes_ready", script=SCRIPT, scenes=SCENES,
                       length_s=30, quality="pro")  # fmt: skip
    project = projects.get_project(workspace_id, pid)
    assert (
        credits.project_choice_price(project, 30, "pro").render
        == credits.quote(workspace_id, pid)["render"]
    )
    assert credits.project_choice_price(project, 30, "standard").render == 3 * 15 + 10
    # another length: the scenes will be made again, the plan counts
    assert credits.project_choice_price(project, 60, "pro").scenes == 10


# --------------------------------------------------------------------------- settings


def test_quality_change_invalidates_nothing_and_the_quote_follows(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="scenes_ready", script=SCRIPT, scenes=SCENES,
                       quality="pro")  # fmt: skip
    before = row_state(pid)
    assert credits.quote(workspace_id, pid)["render"] == 3 * 40 + 10
    change = projects.change_settings(workspace_id, pid, quality="standard")
    assert (change.changed, change.redo) == (("quality",), ())
    assert row_state(pid) == {**before, "quality": "standard"}
    assert credits.quote(workspace_id, pid)["render"] == 3 * 15 + 10
    change = projects.change_settings(workspace_id, pid, fmt="16:9")
    assert (change.changed, change.redo) == (("format",), ())
    assert row_state(pid) == {**before, "quality": "standard", "format": "16:9"}


def test_length_change_makes_the_scenes_stale_and_keeps_the_words(workspace_id: int) -> None:
    script = {**SCRIPT, "voiceover": " ".join(["word"] * 30)}  # about 12 s to say
    pid = make_project(workspace_id, status="scenes_ready", script=script, scenes=SCENES,
                       length_s=15)  # fmt: skip
    assert projects.script_fit(projects.get_project(workspace_id, pid)) is None
    change = projects.change_settings(workspace_id, pid, length_s=60)
    assert change.changed == ("length_s",)
    assert "timed to 15 s" in change.redo[0] and "written for 15 s" in change.redo[1]
    after = row_state(pid)
    assert (after["length_s"], after["status"], after["scenes_stale"]) == (
        60, "script_ready", True
    )  # fmt: skip
    assert after["script"] == {**script, "lines": []}  # the words stay, the timings go
    from aytada.core.pipeline import unmet_requirement

    assert "regenerate the scenes" in (
        unmet_requirement(projects.get_project(workspace_id, pid), "clip") or ""
    )
    # the 15 s script is short for 60 s: said where the user changes the settings
    fit = projects.script_fit(projects.get_project(workspace_id, pid)) or ""
    assert "takes only about 12 s to say for a 60 s ad" in fit
    projects.change_settings(workspace_id, pid, length_s=15)  # back: nothing more to redo
    assert projects.script_fit(projects.get_project(workspace_id, pid)) is None
    assert row_state(pid)["status"] == "script_ready"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "generating_scenes"}, "A step is running"),
        ({"status": "generating_video"}, "A step is running"),
        ({"status": "scenes_ready", "segments": {"0": 1}}, "fixed once the render"),
        ({"status": "failed", "failed_step": "voiceover", "segments": {"0": 1, "1": 2, "2": 3}},
         "fixed once the render"),
        ({"status": "completed", "output_asset_id": 1}, "fixed once the render"),
    ],
)  # fmt: skip
def test_settings_are_refused_once_the_render_started(
    workspace_id: int, fields: dict[str, Any], message: str
) -> None:
    pid = make_project(workspace_id, script=SCRIPT, scenes=SCENES, **fields)
    before = row_state(pid)
    for change in ({"quality": "standard"}, {"length_s": 60}, {"fmt": "1:1"}):
        with pytest.raises(Conflict, match=message):
            projects.change_settings(workspace_id, pid, **change)
    assert row_state(pid) == before


def test_a_render_that_failed_before_any_clip_may_still_change(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="failed", failed_step="clip", script=SCRIPT,
                       scenes=SCENES)  # fmt: skip
    projects.change_settings(workspace_id, pid, quality="standard")
    assert row_state(pid)["quality"] == "standard"


@pytest.mark.parametrize(
    "change",
    [{"length_s": 45}, {"length_s": "30"}, {"length_s": True}, {"length_s": 30.0},
     {"fmt": "4:3"}, {"fmt": ["9:16"]}, {"quality": "ultra"}, {"quality": 1},
     {"fmt": "1080x1080"}],
)  # fmt: skip
def test_bad_settings_change_nothing(workspace_id: int, change: dict[str, Any]) -> None:
    pid = make_project(workspace_id, status="script_ready", script=SCRIPT)
    before = row_state(pid)
    with pytest.raises(ValidationFailed):
        projects.change_settings(workspace_id, pid, **change)
    assert row_state(pid) == before


def test_foreign_deleted_and_bad_ids_cannot_be_changed(workspace_id: int) -> None:
    with session_scope() as s:
        other = create_workspace(s, "Other").id
    foreign = make_project(other)
    deleted = make_project(workspace_id, deleted_at=datetime.now(UTC))
    for pid in (foreign, deleted, "abc", -1, 2**40):
        with pytest.raises(NotFound):
            projects.change_settings(workspace_id, pid, quality="standard")
    assert row_state(foreign)["quality"] == row_state(deleted)["quality"] == "pro"


def test_banner_size_and_jingle_length_until_their_first_step(workspace_id: int) -> None:
    banner = make_project(workspace_id, kind="banner", fmt="1080x1080")
    projects.change_settings(workspace_id, banner, fmt="728x90")
    assert row_state(banner)["format"] == "728x90"
    with pytest.raises(ValidationFailed, match="banner has no length"):
        projects.change_settings(workspace_id, banner, length_s=30)
    with session_scope() as s:
        s.get(Project, banner).options = {"outputs": {"copy": {"headline": "Hi"}}}
        s.get(Project, banner).status = "failed"
    with pytest.raises(Conflict, match="fixed once the render"):
        projects.change_settings(workspace_id, banner, fmt="1080x1080")

    jingle = make_project(workspace_id, kind="jingle", length_s=15)
    projects.change_settings(workspace_id, jingle, length_s=60)
    assert (row_state(jingle)["length_s"], row_state(jingle)["format"]) == (60, "audio")
    with pytest.raises(ValidationFailed, match="jingle has no quality"):
        projects.change_settings(workspace_id, jingle, quality="standard")


def test_unchanged_settings_are_a_no_op_even_when_locked(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="completed", output_asset_id=1, quality="pro")
    assert projects.change_settings(workspace_id, pid, quality="pro").changed == ()


def test_a_script_too_long_for_a_shorter_length_is_named(workspace_id: int) -> None:
    script = {**SCRIPT, "voiceover": " ".join(["word"] * 60)}  # about 24 s to say
    pid = make_project(workspace_id, status="script_ready", script=script, length_s=30)
    assert projects.script_fit(projects.get_project(workspace_id, pid)) is None
    projects.change_settings(workspace_id, pid, length_s=15)
    fit = projects.script_fit(projects.get_project(workspace_id, pid)) or ""
    assert "takes about 24 s to say; the ad is 15 s" in fit
