"""Credits: prices known before a step, charging once, never below zero, top-ups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aytada.core import credits, workspaces
from aytada.core.db import session_scope
from aytada.core.errors import UserError
from aytada.core.models import CreditLedgerEntry, Generation, Project, Workspace
from tests.conftest import all_at_once
from tests.factories import make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


def _gen(project_id: int, price: int, step: str = "script", scene: int = -1) -> int:
    with session_scope() as s:
        g = Generation(
            project_id=project_id,
            step=step,
            scene_index=scene,
            state="running",
            credits=price,
            rq_job_id="x",
        )
        s.add(g)
        s.flush()
        return g.id


def _charge(gen_id: int) -> str:
    try:
        with session_scope() as s:
            g = s.get(Generation, gen_id)
            ws = s.get(Project, g.project_id).workspace_id
            credits.charge(s, g, ws)
        return "charged"
    except credits.AlreadyCharged:
        return "already"
    except credits.NotEnoughCredits:
        return "poor"


def _charge_at_once(gen_ids: list[int]) -> list[str]:
    """:func:`_charge` each id in a thread of its own, all released together; the outcomes."""
    return all_at_once(_charge, gen_ids)


def test_new_workspace_starts_with_1000_credits_in_the_ledger(workspace_id: int) -> None:
    assert workspaces.get_balance(workspace_id) == 1000
    rows = workspaces.ledger(workspace_id)
    assert [(r.delta, r.balance_after) for r in rows] == [(1000, 1000)]


def test_default_prices_follow_the_public_price_list(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="scenes_ready", quality="pro")
    with session_scope() as s:
        p = s.get(Project, pid)
        assert credits.step_price(s, p, "ideas") == 0  # first run free
        assert credits.step_price(s, p, "script") == 2
        assert credits.step_price(s, p, "scenes") == 0
        assert credits.step_price(s, p, "clip") == 40
        assert credits.step_price(s, p, "voiceover") == 5
        assert credits.step_price(s, p, "stitch") == 5
        assert credits.render_chain_cost(s, p, 6) == 6 * 40 + 5 + 5
        p.quality = "standard"
        assert credits.step_price(s, p, "clip") == 15
        s.add(Generation(project_id=pid, step="ideas", state="succeeded", rq_job_id="y"))
        s.flush()
        assert credits.step_price(s, p, "ideas") == 2  # a re-roll


def test_charge_takes_once_and_failed_charge_takes_nothing(workspace_id: int) -> None:
    pid = make_project(workspace_id)
    g = _gen(pid, 300)
    assert _charge(g) == "charged"
    assert _charge(g) == "already"
    assert workspaces.get_balance(workspace_id) == 700
    big = _gen(pid, 701, step="scenes")
    assert _charge(big) == "poor"
    assert workspaces.get_balance(workspace_id) == 700
    with session_scope() as s:
        n = s.scalar(select(func.count()).select_from(CreditLedgerEntry))
    assert n == 2  # starting credits + one charge


def test_top_up_adds_a_ledger_row(workspace_id: int) -> None:
    assert workspaces.add_credits(workspace_id, 250) == 1250
    with pytest.raises(UserError, match="whole number of credits from 1"):
        workspaces.add_credits(workspace_id, 0)
    assert workspaces.ledger(workspace_id)[0].delta == 250


def test_concurrent_charges_take_each_generation_once_and_never_below_zero(
    engine_database: str,
) -> None:
    ws = workspaces.default_workspace_id()
    pid = make_project(ws)

    # 20 threads charging the same generation → exactly one ledger row
    same = _gen(pid, 10)
    results = _charge_at_once([same] * 20)
    assert results.count("charged") == 1
    assert results.count("already") == 19
    with session_scope() as s:
        rows = s.scalar(
            select(func.count())
            .select_from(CreditLedgerEntry)
            .where(CreditLedgerEntry.generation_id == same)
        )
        assert rows == 1
        assert s.get(Workspace, ws).credit_balance == 990

    # 20 generations against a balance that covers 10 → exactly 10 charged, balance 0
    gens = [_gen(pid, 99, step="clip", scene=i) for i in range(20)]
    results = _charge_at_once(gens)
    assert results.count("charged") == 10
    assert results.count("poor") == 10
    with session_scope() as s:
        assert s.get(Workspace, ws).credit_balance == 0
        charged = s.scalar(
            select(func.count())
            .select_from(CreditLedgerEntry)
            .where(CreditLedgerEntry.delta == -99)
        )
        assert charged == 10
        last = s.scalar(select(func.min(CreditLedgerEntry.balance_after)))
        assert last == 0
        assert s.scalar(select(func.sum(CreditLedgerEntry.delta))) == 0
