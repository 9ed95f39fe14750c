"""Credits held at enqueue: hold, settle and release arithmetic, exactly once, all or nothing,
and starts racing for the last credits on SQLite and PostgreSQL (real concurrent sessions)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aytada.core import credits, workspaces
from aytada.core.db import session_scope
from aytada.core.models import CreditHold, CreditLedgerEntry, Generation, Project
from tests.conftest import all_at_once
from tests.factories import make_project, open_holds

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


def _gen(project_id: int, price: int, step: str = "clip", scene: int = -1,
         state: str = "queued") -> int:  # fmt: skip
    with session_scope() as s:
        g = Generation(project_id=project_id, step=step, scene_index=scene, state=state,
                       credits=price, rq_job_id="x")  # fmt: skip
        s.add(g)
        s.flush()
        return g.id


def _hold(ws: int, pid: int, *parts: credits.HoldPart) -> int:
    with session_scope() as s:
        return credits.hold(s, ws, pid, list(parts))


def _ledger_sum(ws: int) -> int:
    with session_scope() as s:
        return int(
            s.scalar(
                select(func.sum(CreditLedgerEntry.delta)).where(
                    CreditLedgerEntry.workspace_id == ws
                )
            )
            or 0
        )


def _settle(gen_id: int, charge: int | None = None) -> int:
    with session_scope() as s:
        g = s.get(Generation, gen_id)
        assert g is not None and g.project_id is not None
        if charge is not None:
            g.credits = charge  # a cost hook said the result costs less
        ws = s.get(Project, g.project_id).workspace_id  # type: ignore[union-attr]
        return credits.settle(s, g, ws)


def test_a_hold_is_not_spendable_and_not_a_ledger_entry_until_it_is_settled(
    workspace_id: int,
) -> None:
    pid = make_project(workspace_id, status="scenes_ready")
    clip = _gen(pid, 300)
    total = _hold(
        workspace_id, pid, credits.HoldPart("clip", 300, clip), credits.HoldPart("voiceover", 5)
    )
    assert total == 305
    shown = workspaces.get_credits(workspace_id)
    assert (shown.balance, shown.held, shown.available) == (1000, 305, 695)
    assert shown.held_text == "305 credits held by running work"
    assert workspaces.get_balance(workspace_id) == _ledger_sum(workspace_id) == 1000
    with session_scope() as s, pytest.raises(credits.NotEnoughCredits) as refused:
        credits.check_affordable(s, workspace_id, 696)
    assert str(refused.value) == (
        "Not enough credits: this needs 696, the balance is 695 (305 more held by running work)."
    )
    # success: a cost hook made it 200, the hold of 300 is closed, 200 charged
    assert _settle(clip, charge=200) == 200
    shown = workspaces.get_credits(workspace_id)
    assert (shown.balance, shown.held, shown.available) == (800, 5, 795)
    assert workspaces.get_balance(workspace_id) == _ledger_sum(workspace_id) == 800
    assert open_holds() == [("voiceover", 5, None)]
    # exactly once: a second settle charges nothing more, a release finds nothing
    with pytest.raises(credits.AlreadyCharged):
        _settle(clip)
    with session_scope() as s:
        assert credits.release(s, clip) == 0
        assert credits.release_pending(s, pid) == 5
        assert credits.release_pending(s, pid) == 0
    assert workspaces.get_credits(workspace_id).held == 0
    assert workspaces.get_balance(workspace_id) == _ledger_sum(workspace_id) == 800


def test_a_released_hold_charges_nothing(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="scenes_ready")
    clip = _gen(pid, 40)
    _hold(workspace_id, pid, credits.HoldPart("clip", 40, clip))
    with session_scope() as s:
        assert credits.release(s, clip) == 40
        assert credits.release(s, clip) == 0
    assert workspaces.get_credits(workspace_id) == workspaces.Credits(1000, 0)
    assert _ledger_sum(workspace_id) == 1000


def test_a_hold_is_all_or_nothing_and_free_parts_hold_nothing(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="scenes_ready")
    clips = [_gen(pid, 400, scene=i) for i in range(3)]
    with pytest.raises(credits.NotEnoughCredits, match="needs 1210, the balance is 1000"):
        _hold(workspace_id, pid, *(credits.HoldPart("clip", 400, g) for g in clips),
              credits.HoldPart("voiceover", 5), credits.HoldPart("stitch", 5))  # fmt: skip
    assert open_holds() == []
    assert _hold(workspace_id, pid, credits.HoldPart("compose", 0)) == 0
    assert open_holds() == []


def test_a_charge_without_a_hold_cannot_take_held_credits(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="scenes_ready")
    held = _gen(pid, 990, scene=0)
    _hold(workspace_id, pid, credits.HoldPart("clip", 990, held))
    unheld = _gen(pid, 11, step="script", state="running")  # queued before holds existed
    with pytest.raises(credits.NotEnoughCredits, match="needs 11, the balance is 10 \\(990 more"):
        _settle(unheld)
    assert _settle(held) == 990
    assert workspaces.get_credits(workspace_id) == workspaces.Credits(10, 0)


def test_the_next_step_of_a_chain_takes_over_its_pending_hold(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="generating_voiceover")
    _hold(workspace_id, pid, credits.HoldPart("voiceover", 5), credits.HoldPart("stitch", 5))
    voice = _gen(pid, 7, step="voiceover")  # the price went up since the quote: the quote holds
    with session_scope() as s:
        g = s.get(Generation, voice)
        assert g is not None
        assert credits.attach_pending(s, g, workspace_id)
        assert g.credits == 5
    assert open_holds() == [("voiceover", 5, voice), ("stitch", 5, None)]
    # without a pending hold (work started before holds existed) one is taken when it fits
    other = make_project(workspace_id, status="generating_voiceover")
    late = _gen(other, 5, step="voiceover")
    with session_scope() as s:
        g = s.get(Generation, late)
        assert g is not None and credits.attach_pending(s, g, workspace_id)
    assert ("voiceover", 5, late) in open_holds()


def test_orphan_holds_are_released_once_and_open_work_keeps_its_own(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="generating_video")
    running = _gen(pid, 15, scene=0, state="running")
    ended = _gen(pid, 15, scene=1)
    _hold(workspace_id, pid, credits.HoldPart("clip", 15, running),
          credits.HoldPart("clip", 15, ended), credits.HoldPart("voiceover", 5))  # fmt: skip
    quiet = make_project(workspace_id, status="failed")  # its chain's work all ended
    _hold(workspace_id, quiet, credits.HoldPart("stitch", 5))
    with session_scope() as s:  # something ended a generation around the runner
        g = s.get(Generation, ended)
        assert g is not None
        g.state = "failed"
    with session_scope() as s:
        assert credits.release_orphans(s) == 15 + 5
    with session_scope() as s:
        assert credits.release_orphans(s) == 0
    assert open_holds() == [("clip", 15, running), ("voiceover", 5, None)]


# --------------------------------------------------------------------------- races


def _race(ws: int, pid: int, gen_ids: list[int], price: int) -> list[str]:
    """Each generation's start in a thread of its own (a session each), all released together:
    the transaction writes a row first, as a start does, then holds."""

    def start(gen_id: int) -> str:
        try:
            with session_scope() as s:
                g = s.get(Generation, gen_id)
                assert g is not None
                g.provider = "racing"  # the start's own write comes first
                s.flush()
                credits.hold(s, ws, pid, [credits.HoldPart("clip", price, gen_id)])
            return "held"
        except credits.NotEnoughCredits:
            return "refused"

    return all_at_once(start, gen_ids)


def test_two_starts_racing_for_the_last_credits_hold_exactly_once(engine_database: str) -> None:
    ws = workspaces.default_workspace_id()
    pid = make_project(ws, status="scenes_ready")
    first = _gen(pid, 990, scene=99)
    _hold(ws, pid, credits.HoldPart("clip", 990, first))  # 10 credits left to spend
    for round_ in range(5):  # a race each round: two starts for the last 10
        a, b = _gen(pid, 10, scene=2 * round_), _gen(pid, 10, scene=2 * round_ + 1)
        assert sorted(_race(ws, pid, [a, b], 10)) == ["held", "refused"]
        assert workspaces.get_credits(ws).available == 0
        with session_scope() as s:  # the winner's work fails: its credits go back
            won = s.scalar(select(CreditHold.generation_id).where(CreditHold.amount == 10))
            assert won in (a, b)
            assert credits.release(s, won) == 10


def test_twenty_starts_on_a_balance_for_five_hold_five(engine_database: str) -> None:
    ws = workspaces.default_workspace_id()
    pid = make_project(ws, status="scenes_ready")
    spent = _gen(pid, 950, step="script", state="running")
    with session_scope() as s:
        g = s.get(Generation, spent)
        assert g is not None and credits.charge(s, g, ws) == 950  # 50 left: five starts of 10
    gens = [_gen(pid, 10, scene=i) for i in range(20)]
    results = _race(ws, pid, gens, 10)
    assert results.count("held") == 5 and results.count("refused") == 15
    shown = workspaces.get_credits(ws)
    assert (shown.balance, shown.held, shown.available) == (50, 50, 0)
    assert workspaces.get_balance(ws) == _ledger_sum(ws) == 50
