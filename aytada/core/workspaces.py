"""Workspaces: the default one (no sign-in configured) and its credit balance."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aytada.core import credits
from aytada.core.db import session_scope
from aytada.core.models import CreditLedgerEntry, Workspace
from aytada.core.settings import get_settings

DEFAULT_NAME = "My team"


def create_workspace(session: Session, name: str, starting_credits: int | None = None) -> Workspace:
    amount = get_settings().starting_credits if starting_credits is None else starting_credits
    ws = Workspace(name=name, credit_balance=0)
    session.add(ws)
    session.flush()
    if amount > 0:
        credits.top_up(session, ws.id, amount, reason="starting credits")
    return ws


def default_workspace_id() -> int:
    """The first workspace, created with the starting credits on first use."""
    with session_scope() as s:
        ws_id = s.scalar(select(Workspace.id).order_by(Workspace.id).limit(1))
        if ws_id is not None:
            return ws_id
    try:
        with session_scope() as s:
            return create_workspace(s, DEFAULT_NAME).id
    except IntegrityError:  # pragma: no cover - another process created it first
        with session_scope() as s:
            return s.scalar(select(Workspace.id).order_by(Workspace.id).limit(1))  # type: ignore[return-value]


def get_balance(workspace_id: int) -> int:
    with session_scope() as s:
        return credits.balance(s, workspace_id)


def add_credits(workspace_id: int, amount: int, reason: str = "top-up") -> int:
    with session_scope() as s:
        return credits.top_up(s, workspace_id, amount, reason)


def ledger(workspace_id: int, limit: int = 50) -> list[CreditLedgerEntry]:
    with session_scope() as s:
        return list(
            s.scalars(
                select(CreditLedgerEntry)
                .where(CreditLedgerEntry.workspace_id == workspace_id)
                .order_by(CreditLedgerEntry.id.desc())
                .limit(limit)
            )
        )


def workspace_name(workspace_id: int) -> str:
    with session_scope() as s:
        return s.scalar(select(Workspace.name).where(Workspace.id == workspace_id)) or ""
