"""Workspaces: the default one (no sign-in configured), the CLI's, their credit balance, and
the owner-only rule for what only an owner does."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aytada.core import credits
from aytada.core.db import session_scope
from aytada.core.errors import NotAllowed, NotFound, UserError
from aytada.core.models import CreditLedgerEntry, Membership, Workspace
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


_FIRST_LIVE = select(Workspace.id).where(Workspace.deleted_at.is_(None)).order_by(Workspace.id)


def default_workspace_id() -> int:
    """The first live workspace, created with the starting credits on first use."""
    with session_scope() as s:
        ws_id = s.scalar(_FIRST_LIVE.limit(1))
        if ws_id is not None:
            return ws_id
    try:
        with session_scope() as s:
            return create_workspace(s, DEFAULT_NAME).id
    except IntegrityError:  # pragma: no cover - another process created it first
        with session_scope() as s:
            return s.scalar(_FIRST_LIVE.limit(1))  # type: ignore[return-value]


def cli_workspace_id(wanted: int | None = None) -> int:
    """The workspace a CLI command works in: ``wanted`` (``aytada --workspace ID``) when it is
    live, else the only one. With several and none named it refuses rather than guess."""
    with session_scope() as s:
        if wanted is not None:
            found = s.scalar(
                select(Workspace.id).where(Workspace.id == wanted, Workspace.deleted_at.is_(None))
            )
            if found is None:
                raise NotFound("Workspace", wanted)
            return found
        ids = list(s.scalars(_FIRST_LIVE.limit(2)))
    if len(ids) > 1:
        raise UserError(
            "This database has several workspaces: say which with "
            "`aytada --workspace ID …` (the ids: `aytada workspace list`)."
        )
    return ids[0] if ids else default_workspace_id()


def require_owner(s: Session, workspace_id: int, user_id: int | None, doing: str) -> None:
    """Raise NotAllowed unless ``user_id`` owns the workspace (None: the CLI or local mode)."""
    if user_id is None:
        return
    role = s.scalar(
        select(Membership.role).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
    )
    if role != "owner":
        raise NotAllowed(f"Only an owner of this workspace can {doing}.")


def get_balance(workspace_id: int) -> int:
    """The ledger's balance (the sum of the ledger), holds included; users are shown
    :func:`get_credits`' ``available``."""
    with session_scope() as s:
        return credits.balance(s, workspace_id)


@dataclass(frozen=True)
class Credits:
    """A workspace's credits as shown: ``available`` (what a start can spend, the balance shown
    to users) = ``balance`` (the ledger's) − ``held`` (held by queued and running work)."""

    balance: int
    held: int

    @property
    def available(self) -> int:
        return self.balance - self.held

    @property
    def held_text(self) -> str:
        """The words shown beside the balance (`credits.held_text`; "" when none is held)."""
        return credits.held_text(self.held)


def get_credits(workspace_id: int) -> Credits:
    """The balance and the holds, read together."""
    with session_scope() as s:
        return Credits(*credits.balance_and_held(s, workspace_id))


def add_credits(
    workspace_id: int, amount: int, reason: str = "top-up", user_id: int | None = None
) -> int:
    """A top-up by ``user_id`` (owners only; None: the CLI or local mode); the new balance."""
    with session_scope() as s:
        require_owner(s, workspace_id, user_id, "add credits")
        return credits.top_up(s, workspace_id, amount, reason, user_id=user_id)


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
