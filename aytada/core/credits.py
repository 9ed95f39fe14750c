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
from aytada.core.settings import get_settings


class NotEnoughCredits(Exception):
    def __init__(self, needed: int, balance: int) -> None:
        super().__init__(f"Not enough credits: this needs {needed}, the balance is {balance}.")
        self.needed = needed
        self.balance = balance


class AlreadyCharged(Exception):
    """The generation has a ledger row already."""


def price(name: str) -> int:
    return get_settings().prices[name]


def _succeeded(session: Session, project_id: int, step: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Generation)
            .where(
                Generation.project_id == project_id,
                Generation.step == step,
                Generation.state == "succeeded",
            )
        )
        or 0
    )


def step_price(session: Session, project: Project, step: str) -> int:
    """Credits one run of `step` costs for this project right now."""
    if step == "ideas":
        first = _succeeded(session, project.id, "ideas") == 0
        return price("ideas_first") if first else price("ideas_reroll")
    if step == "clip":
        return price("clip_standard") if project.quality == "standard" else price("clip_pro")
    if step == "stitch":
        # stitching is paid once per video; re-stitching after a scene re-render is free
        return price("stitch") if _succeeded(session, project.id, "stitch") == 0 else 0
    if step == "design":
        return price(project.kind)
    if step == "jingle":
        return price("jingle")
    if step in ("script", "scenes", "voiceover"):
        return price(step)
    return 0


def render_chain_cost(session: Session, project: Project, scene_count: int) -> int:
    """What the Render button costs: clips for the scenes to render + voiceover + stitching."""
    return (
        scene_count * step_price(session, project, "clip")
        + step_price(session, project, "voiceover")
        + step_price(session, project, "stitch")
    )


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


def top_up(session: Session, workspace_id: int, amount: int, reason: str = "top-up") -> int:
    """Add credits (a ledger row); returns the new balance."""
    if amount <= 0:
        raise UserError("A top-up must be a positive number of credits.")
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
    from aytada.core.steps import STEPS

    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        costs = {
            name: step_price(s, project, name)
            for name, spec in STEPS.items()
            if project.kind in spec.kinds
        }
        if project.kind == "video":
            scenes = project.scenes or []
            segments = project.segments or {}
            missing = sum(1 for i in range(len(scenes)) if str(i) not in segments)
            costs["render"] = render_chain_cost(s, project, missing or len(scenes))
            costs["render_one"] = render_chain_cost(s, project, 1)
        return costs
