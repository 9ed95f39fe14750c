"""Read-backs the job tests share: a project's status, its generations, the charges taken."""

from __future__ import annotations

from sqlalchemy import func, select

from aytada.core import projects
from aytada.core.db import session_scope
from aytada.core.models import CreditLedgerEntry, Generation


def status(ws: int, pid: int) -> str:
    return projects.get_project(ws, pid).status


def gens(pid: int) -> list[Generation]:
    with session_scope() as s:
        return list(s.scalars(select(Generation).where(Generation.project_id == pid)
                              .order_by(Generation.id)))


def charges() -> int:
    """Ledger rows that charged a generation."""
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(CreditLedgerEntry)
                        .where(CreditLedgerEntry.generation_id.is_not(None))) or 0
