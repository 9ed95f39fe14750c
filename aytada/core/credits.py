"""Credits: prices, the cost of an action before it runs, and the one charging function.

The balance lives on the workspace row and only changes together with an append-only ledger
row. `charge` runs inside the transaction that stores a step's output: a conditional UPDATE keeps
the balance from going below zero under concurrency, and the ledger's unique generation id means
a generation is charged at most once.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aytada.core.errors import UserError
from aytada.core.models import CreditLedgerEntry, Generation, Project, Workspace
from aytada.core.pipeline import get_step, missing_scenes, steps_for
from aytada.core.settings import get_settings
from aytada.core.statuses import GenState


class NotEnoughCredits(UserError):
    def __init__(self, needed: int, balance: int) -> None:
        super().__init__(f"Not enough credits: this needs {needed}, the balance is {balance}.")
        self.needed = needed
        self.balance = balance


class AlreadyCharged(Exception):
    """The generation has a ledger row already."""


def price(name: str | None) -> int:
    return get_settings().prices[name] if name else 0


def _succeeded(session: Session, project_id: int, step: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Generation)
            .where(
                Generation.project_id == project_id,
                Generation.step == step,
                Generation.state == GenState.SUCCEEDED,
            )
        )
        or 0
    )


def step_price(session: Session, project: Project, step: str) -> int:
    """Credits one run of `step` costs for this project right now (the table's price rule)."""
    rule = get_step(step).price
    before = _succeeded(session, project.id, step) if rule.first != rule.again else 0
    return price(rule.key(project, before))


def render_chain_cost(session: Session, project: Project, scene_count: int) -> int:
    """What the Render button costs: clips for the scenes to render, then every step that
    follows on its own (voiceover and stitching)."""
    return chain_cost(session, project, "clip", scene_count)


def chain_cost(session: Session, project: Project, step: str, runs: int = 1) -> int:
    """`runs` of `step` plus one run of each step that follows it automatically (`then`)."""
    total = runs * step_price(session, project, step)
    nxt = get_step(step).then
    while nxt is not None:
        total += step_price(session, project, nxt)
        nxt = get_step(nxt).then
    return total


def balance(session: Session, workspace_id: int) -> int:
    return session.scalar(select(Workspace.credit_balance).where(Workspace.id == workspace_id)) or 0


def check_affordable(session: Session, workspace_id: int, amount: int) -> None:
    current = balance(session, workspace_id)
    if amount > current:
        raise NotEnoughCredits(amount, current)


def charge(session: Session, generation: Generation, workspace_id: int) -> int:
    """Take the generation's price in the caller's transaction; returns the amount taken.

    Raises NotEnoughCredits (nothing taken) or AlreadyCharged. The caller commits.
    """
    amount = generation.credits
    if amount <= 0:
        return 0
    try:
        with session.begin_nested():  # the debit and its ledger row stand or fall together
            new_balance = session.execute(
                update(Workspace)
                .where(Workspace.id == workspace_id, Workspace.credit_balance >= amount)
                .values(credit_balance=Workspace.credit_balance - amount)
                .returning(Workspace.credit_balance)
            ).scalar_one_or_none()
            if new_balance is None:
                raise NotEnoughCredits(amount, balance(session, workspace_id))
            session.add(
                CreditLedgerEntry(
                    workspace_id=workspace_id,
                    generation_id=generation.id,
                    delta=-amount,
                    balance_after=new_balance,
                    reason=f"{generation.step} (project {generation.project_id})",
                )
            )
            session.flush()
    except IntegrityError as exc:
        raise AlreadyCharged(f"generation {generation.id} was charged already") from exc
    generation.credits_charged = amount
    return amount


MAX_TOP_UP = 1_000_000
MAX_BALANCE = 2**31 - 1  # the balance column is a 32-bit integer on PostgreSQL


def top_up(session: Session, workspace_id: int, amount: int, reason: str = "top-up") -> int:
    """Add credits (a ledger row); returns the new balance."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_TOP_UP:
        raise UserError(f"A top-up must be a whole number of credits from 1 to {MAX_TOP_UP:,}.")
    if balance(session, workspace_id) + amount > MAX_BALANCE:
        raise UserError(f"The balance cannot go above {MAX_BALANCE:,} credits.")
    new_balance = session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(credit_balance=Workspace.credit_balance + amount)
        .returning(Workspace.credit_balance)
    ).scalar_one()
    session.add(
        CreditLedgerEntry(
            workspace_id=workspace_id, delta=amount, balance_after=new_balance, reason=reason
        )
    )
    return new_balance


def quote(workspace_id: int, project_id: object) -> dict[str, int]:
    """The cost of each next action of a project, shown on its buttons before a click.

    Keys: the step names of the project's kind; for videos also "render" (clips for the scenes
    without one — or all — plus voiceover and stitching) and "render_one" (one scene again).
    """
    from aytada.core.db import session_scope
    from aytada.core.projects import load_project

    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        costs = {step.name: step_price(s, project, step.name) for step in steps_for(project.kind)}
        if project.kind == "video":
            missing = len(missing_scenes(project))
            costs["render"] = render_chain_cost(s, project, missing or len(project.scenes or []))
            costs["render_one"] = render_chain_cost(s, project, 1)
        return costs
