"""Credits: prices, the cost of an action before it runs, holds, and the one charging function.

The balance lives on the workspace row and only changes together with an append-only ledger
row. `charge` runs inside the transaction that stores a step's output: a conditional UPDATE keeps
the balance from going below zero under concurrency, and the ledger's unique generation id means
a generation is charged at most once.

Work is paid for in two moves. When it is queued, its price is **held** (`hold`: a
`CreditHold` row per generation, and one per step of its chain that is not queued yet, e.g. a
render's voiceover and stitching), in the transaction that writes its generations and checked
under the workspace's lock against the balance less every open hold: a start the balance
cannot cover is refused before anything is queued. When it ends the hold is **settled**
(`settle`: the charge, exactly the price or less, in the transaction that stores the output)
or **released** (`release`, `release_pending`: it failed, was discarded, or its chain stopped).
Either deletes the row, so each happens at most once; a hold is never a ledger entry, and
"balance = sum of the ledger" stays true. What a user can spend is `available`: the balance
less the holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, case, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from aytada.core.errors import UserError
from aytada.core.inputs import MAX_TOP_UP
from aytada.core.models import CreditHold, CreditLedgerEntry, Generation, Project, User, Workspace
from aytada.core.options import Lineage, ProjectOptions
from aytada.core.pipeline import PIPELINE, STEPS, get_step, missing_scenes, steps_for
from aytada.core.settings import get_settings
from aytada.core.statuses import OPEN_STATES, GenState
from aytada.standards import scene_count

HELD_WORDS = "held by running work"


def held_text(amount: int) -> str:
    """The words shown beside a balance: "N credits held by running work" ("" for none)."""
    if not amount:
        return ""
    return f"{amount:,} credit{'s' if amount != 1 else ''} {HELD_WORDS}"


class NotEnoughCredits(UserError):
    """`balance`: what can be spent (the ledger's balance less the holds); `held`: the holds."""

    def __init__(self, needed: int, balance: int, held: int = 0) -> None:
        text = f"Not enough credits: this needs {needed}, the balance is {balance}"
        if held:
            text += f" ({held} more {HELD_WORDS})"
        super().__init__(text + ".")
        self.needed = needed
        self.balance = balance
        self.held = held


class AlreadyCharged(Exception):
    """The generation has a ledger row already."""


def price(name: str | None) -> int:
    return get_settings().prices[name] if name else 0


def succeeded_runs(session: Session, project_id: int, step: str) -> int:
    """How many runs of `step` have succeeded for the project: the price rule's runs before
    (first or again) and a design's take."""
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
    before = succeeded_runs(session, project.id, step) if rule.first != rule.again else 0
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


def chain_text(costs: Mapping[str, int], step: str, runs: int = 1) -> str:
    """What a chain costs, part by part, in the words of the pipeline table: e.g. "6 scene
    clips × 40 + voiceover 5 + stitching 5 credits" for a render (``costs``: a :func:`quote`)."""
    spec = get_step(step)
    noun = spec.label.lower()
    if spec.per_scene:
        parts = [f"{runs} {noun}{'s' if runs != 1 else ''} × {costs[step]}"]
    else:
        parts = [f"{noun} {costs[step]}"]
    follower = spec.then
    while follower is not None:
        parts.append(f"{get_step(follower).label.lower()} {costs[follower]}")
        follower = get_step(follower).then
    return " + ".join(parts) + " credits"


def balance(session: Session, workspace_id: int) -> int:
    return session.scalar(select(Workspace.credit_balance).where(Workspace.id == workspace_id)) or 0


def held(session: Session, workspace_id: int) -> int:
    """Credits held by queued and running work (and the rest of their chains)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(CreditHold.amount), 0)).where(
                CreditHold.workspace_id == workspace_id
            )
        )
        or 0
    )


def balance_and_held(session: Session, workspace_id: int) -> tuple[int, int]:
    """The balance and the holds in one statement (one snapshot: a settle, which closes a hold
    and charges in one transaction, is seen whole or not at all)."""
    on_hold = (
        select(func.coalesce(func.sum(CreditHold.amount), 0))
        .where(CreditHold.workspace_id == Workspace.id)
        .scalar_subquery()
    )
    row = session.execute(
        select(Workspace.credit_balance, on_hold).where(Workspace.id == workspace_id)
    ).first()
    return (int(row[0] or 0), int(row[1] or 0)) if row is not None else (0, 0)


def available(session: Session, workspace_id: int) -> int:
    """What a new start can spend: the balance less the holds (the balance users are shown)."""
    return balance(session, workspace_id) - held(session, workspace_id)


def check_affordable(session: Session, workspace_id: int, amount: int) -> None:
    """A quick refusal before any row is written (no lock: `hold` decides under one)."""
    on_hold = held(session, workspace_id)
    spendable = balance(session, workspace_id) - on_hold
    if amount > spendable:
        raise NotEnoughCredits(amount, spendable, on_hold)


def _lock_workspace(session: Session, workspace_id: int) -> None:
    """Serialise with every other hold and charge of the workspace before its balance and holds
    are read: a no-op UPDATE takes the workspace row's lock on PostgreSQL (kept to the commit;
    a read after it sees every hold committed before) and the write lock on SQLite."""
    session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(credit_balance=Workspace.credit_balance)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class HoldPart:
    """One hold of a start: `generation_id` the work it pays for, or None for a step of the
    chain that follows on its own and is not queued yet (`step`)."""

    step: str
    amount: int
    generation_id: int | None = None


def hold(session: Session, workspace_id: int, project_id: int | None, parts: list[HoldPart]) -> int:
    """Hold the credits of work being queued, in the caller's transaction (the one that writes
    its generations: both commit or roll back together). All or nothing, checked under the
    workspace's lock against the balance less every open hold, so of two starts racing for the
    last credits exactly one wins. Raises NotEnoughCredits (nothing held); returns the total."""
    wanted = [p for p in parts if p.amount > 0]
    total = sum(p.amount for p in wanted)
    if total == 0:
        return 0
    _lock_workspace(session, workspace_id)
    on_hold = held(session, workspace_id)
    spendable = balance(session, workspace_id) - on_hold
    if total > spendable:
        raise NotEnoughCredits(total, spendable, on_hold)
    session.add_all(
        CreditHold(
            workspace_id=workspace_id,
            project_id=project_id,
            generation_id=p.generation_id,
            step=p.step,
            amount=p.amount,
        )
        for p in wanted
    )
    session.flush()
    return total


def _take(session: Session, *where: ColumnElement[bool]) -> int:
    """Delete the holds matching `where`; the credits they held (0: none was there — settled
    or released already: whoever deletes a row is the one who settles or releases it)."""
    amounts = session.execute(
        delete(CreditHold)
        .where(*where)
        .returning(CreditHold.amount)
        .execution_options(synchronize_session=False)
    ).scalars()
    return sum(amounts)


def release(session: Session, generation_id: int) -> int:
    """The generation ended without a charge (failed, discarded): its hold goes back."""
    return _take(session, CreditHold.generation_id == generation_id)


def release_pending(session: Session, project_id: int) -> int:
    """The project's chain stopped (it failed, was deleted, or starts again): the holds of its
    steps not queued yet go back."""
    return _take(session, CreditHold.project_id == project_id, CreditHold.generation_id.is_(None))


def release_stranded(session: Session, project_id: int) -> int:
    """Release the project's pending chain holds when nothing of it is queued or running any
    more (nothing could reach those steps)."""
    running = session.scalar(
        select(
            exists().where(Generation.project_id == project_id, Generation.state.in_(OPEN_STATES))
        )
    )
    return 0 if running else release_pending(session, project_id)


def attach_pending(session: Session, generation: Generation, workspace_id: int) -> bool:
    """A chain's next step is queued: its generation takes over the hold its chain's start
    took for that step, and costs at most what was held. Work started before holds existed
    has none: one is taken now when the balance allows. False: not held (its charge decides,
    as before holds)."""
    row = session.execute(
        select(CreditHold.id, CreditHold.amount)
        .where(
            CreditHold.project_id == generation.project_id,
            CreditHold.step == generation.step,
            CreditHold.generation_id.is_(None),
        )
        .order_by(CreditHold.id)
        .limit(1)
    ).first()
    if row is not None:
        taken = cast(
            CursorResult[Any],
            session.execute(
                update(CreditHold)
                .where(CreditHold.id == row[0], CreditHold.generation_id.is_(None))
                .values(generation_id=generation.id)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        if taken == 1:
            generation.credits = min(generation.credits, row[1])
            return True
    if generation.credits <= 0:
        return True
    try:
        with session.begin_nested():
            part = HoldPart(generation.step, generation.credits, generation.id)
            hold(session, workspace_id, generation.project_id, [part])
    except NotEnoughCredits:
        return False
    return True


def settle(session: Session, generation: Generation, workspace_id: int) -> int:
    """The generation succeeded: close its hold and charge it (`generation.credits`: its
    price, or less when its result costs less) in the caller's transaction, which stores the
    output. Raises like `charge` (the caller's rollback then keeps the hold for `release`)."""
    _take(session, CreditHold.generation_id == generation.id)
    return charge(session, generation, workspace_id)


def release_orphans(session: Session) -> int:
    """Holds no work can settle any more: of a generation that has ended, and a chain's pending
    hold whose project runs nothing. The paths that end work release their holds in the same
    transaction, so this finds none unless something ended work around them; each statement
    reads one snapshot, so a start committing its work and holds together is never taken."""
    ended = _take(
        session,
        CreditHold.generation_id.in_(
            select(Generation.id).where(Generation.state.not_in(OPEN_STATES))
        ),
    )
    stranded = _take(
        session,
        CreditHold.generation_id.is_(None),
        ~exists().where(
            Generation.project_id == CreditHold.project_id, Generation.state.in_(OPEN_STATES)
        ),
    )
    return ended + stranded


def charge(session: Session, generation: Generation, workspace_id: int) -> int:
    """Take the generation's price in the caller's transaction; returns the amount taken.

    The holds of other work stay untouched (a generation's own hold is closed first by
    `settle`). Raises NotEnoughCredits (nothing taken) or AlreadyCharged. The caller commits.
    """
    amount = generation.credits
    if amount <= 0:
        return 0
    try:
        with session.begin_nested():  # the debit and its ledger row stand or fall together
            _lock_workspace(session, workspace_id)
            on_hold = held(session, workspace_id)
            new_balance = session.execute(
                update(Workspace)
                .where(Workspace.id == workspace_id, Workspace.credit_balance - on_hold >= amount)
                .values(credit_balance=Workspace.credit_balance - amount)
                .returning(Workspace.credit_balance)
            ).scalar_one_or_none()
            if new_balance is None:
                raise NotEnoughCredits(amount, balance(session, workspace_id) - on_hold, on_hold)
            session.add(
                CreditLedgerEntry(
                    workspace_id=workspace_id,
                    generation_id=generation.id,
                    delta=-amount,
                    balance_after=new_balance,
                    reason=f"{generation.step} (project {generation.project_id})",
                    user_id=generation.user_id,
                )
            )
            session.flush()
    except IntegrityError as exc:
        raise AlreadyCharged(f"generation {generation.id} was charged already") from exc
    generation.credits_charged = amount
    return amount


MAX_BALANCE = 2**31 - 1  # the balance column is a 32-bit integer on PostgreSQL


def _check_cap(current: int, amount: int) -> None:
    if current + amount > MAX_BALANCE:
        raise UserError(f"The balance cannot go above {MAX_BALANCE:,} credits.")


def top_up(
    session: Session,
    workspace_id: int,
    amount: int,
    reason: str = "top-up",
    user_id: int | None = None,
) -> int:
    """Add credits (a ledger row recording ``user_id``); returns the new balance. Who may top
    up is decided by the caller (:func:`aytada.core.workspaces.add_credits`)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_TOP_UP:
        raise UserError(f"A top-up must be a whole number of credits from 1 to {MAX_TOP_UP:,}.")
    _check_cap(balance(session, workspace_id), amount)
    new_balance = session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(credit_balance=Workspace.credit_balance + amount)
        .returning(Workspace.credit_balance)
    ).scalar_one()
    session.add(
        CreditLedgerEntry(
            workspace_id=workspace_id,
            delta=amount,
            balance_after=new_balance,
            reason=reason,
            user_id=user_id,
        )
    )
    return new_balance


def quote(workspace_id: int, project_id: object) -> dict[str, int]:
    """The cost of each next action of a project, shown on its buttons before a click.

    Keys: the step names of the project's kind; for videos also "render" (clips for the scenes
    without one — or all — plus voiceover and stitching), "render_one" (one scene again) and
    "finish" (the voiceover and stitching, for a project whose scenes all have their clip: a
    voice variant keeps its source's).
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
            costs["finish"] = chain_cost(s, project, "voiceover")
        return costs


# --------------------------------------------------------------------------- prices of a choice


def planned_scenes(length_s: int) -> int:
    """How many scene clips a video of `length_s` seconds is expected to need before its scenes
    exist (the writer's rule, `aytada.standards.scene_count`). The Render button always charges
    for the scenes the project really has."""
    return scene_count(length_s)


@dataclass(frozen=True)
class PricePart:
    """One step's share of a `ChoicePrice`: `runs` runs (scenes, for per-scene steps)."""

    step: str
    label: str
    runs: int
    credits: int
    render: bool  # part of the render (the first per-scene step and what follows it)


@dataclass(frozen=True)
class ChoicePrice:
    """What a kind/length/quality choice costs when every step runs once (first runs).

    `render`: the steps from the render on (clips × scenes, voiceover, stitching) — what the
    Render button will ask; for other kinds the whole chain. `scenes`: the clips counted.
    """

    total: int
    render: int
    scenes: int
    estimated: bool  # the scene count is the plan for the length, not the project's scenes
    parts: tuple[PricePart, ...] = ()  # every step, in pipeline order


def choice_price(
    kind: str,
    length_s: int = 30,
    quality: str = "pro",
    *,
    scenes: int | None = None,
    cut_down: bool = False,
) -> ChoicePrice:
    """The price of making one asset of this kind, length and quality, read from the PIPELINE
    table's price rules. Per-scene steps count `scenes` runs (default: the length's plan).
    `cut_down`: a kit's video laid out again from another's work (its own price rule)."""
    sample = Project(kind=kind, quality=quality, length_s=length_s)
    if cut_down:
        sample.options = ProjectOptions(lineage=Lineage(cut_of=1)).to_json()
    count = planned_scenes(length_s) if scenes is None else max(0, scenes)
    total = render = 0
    rendering = False
    parts: list[PricePart] = []
    for step in steps_for(kind):
        rendering = rendering or step.per_scene
        runs = count if step.per_scene else 1
        cost = price(step.price.key(sample, 0)) * runs
        parts.append(PricePart(step.name, step.label, runs, cost, rendering))
        total += cost
        if rendering:
            render += cost
    per_scene = any(step.per_scene for step in steps_for(kind))
    if not per_scene:
        render = total
    return ChoicePrice(
        total, render, count if per_scene else 0, per_scene and scenes is None, tuple(parts)
    )


def project_choice_price(project: Project, length_s: int, quality: str) -> ChoicePrice:
    """`choice_price` for an existing project trying another length or quality: its own
    scenes are counted while they stay valid (same length, not stale), else the plan."""
    keep = bool(project.scenes) and not project.scenes_stale and length_s == project.length_s
    return choice_price(
        project.kind, length_s, quality, scenes=len(project.scenes) if keep else None
    )


# --------------------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class LedgerRow:
    """One ledger entry with what it paid for (top-ups have no project or step)."""

    id: int
    created_at: datetime
    delta: int
    balance_after: int
    reason: str
    project_id: int | None
    project_title: str | None
    project_deleted: bool
    step: str | None
    step_label: str | None
    by: str = ""  # who caused it (name or address); "" for the CLI, the system or local mode


@dataclass(frozen=True)
class LedgerPage:
    rows: list[LedgerRow]
    total: int
    page: int
    pages: int


LEDGER_PAGE_SIZE = 50

# What a ledger entry paid for: its project (soft-deleted ones too) and its step; the ledger
# lists them, the spending report groups by them.
_PAID_FOR = (Project.id, Project.title, Project.deleted_at, Generation.step)


def _step_label(step: str | None, scene_index: int | None) -> str | None:
    if step is None:
        return None
    spec = STEPS.get(step)
    label = spec.label if spec is not None else step
    if scene_index is not None and scene_index >= 0:
        label = f"{label} {scene_index + 1}"
    return label


def _ledger_row(
    entry_id: int, created_at: datetime, delta: int, balance_after: int, reason: str,
    project_id: int | None, title: str | None, deleted_at: datetime | None, step: str | None,
    scene_index: int | None, _total: int, name: str | None, email: str | None,
) -> LedgerRow:  # fmt: skip
    """A row of :func:`ledger_page`'s query, in its column order."""
    return LedgerRow(
        entry_id, created_at, delta, balance_after, reason, project_id, title,
        deleted_at is not None, step, _step_label(step, scene_index), name or email or "",
    )  # fmt: skip


def ledger_page(workspace_id: int, page: int = 1, page_size: int = LEDGER_PAGE_SIZE) -> LedgerPage:
    """The workspace's ledger, newest first, each row with its project's title and its step's
    name (soft-deleted projects included) — one query (the total rides along as a window)."""
    from aytada.core.db import session_scope

    page_size = max(1, min(int(page_size), 500))
    page = max(1, int(page)) if isinstance(page, int) and not isinstance(page, bool) else 1
    with session_scope() as s:
        rows = s.execute(
            select(
                CreditLedgerEntry.id,
                CreditLedgerEntry.created_at,
                CreditLedgerEntry.delta,
                CreditLedgerEntry.balance_after,
                CreditLedgerEntry.reason,
                *_PAID_FOR,
                Generation.scene_index,
                func.count().over().label("total"),
                User.name,
                User.email,
            )
            .outerjoin(Generation, Generation.id == CreditLedgerEntry.generation_id)
            .outerjoin(Project, Project.id == Generation.project_id)
            .outerjoin(User, User.id == CreditLedgerEntry.user_id)
            .where(CreditLedgerEntry.workspace_id == workspace_id)
            .order_by(CreditLedgerEntry.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
    total = rows[0].total if rows else 0
    if not rows and page > 1:  # past the end: the last page instead
        with session_scope() as s:
            total = (
                s.scalar(
                    select(func.count())
                    .select_from(CreditLedgerEntry)
                    .where(CreditLedgerEntry.workspace_id == workspace_id)
                )
                or 0
            )
        last = max(1, -(-total // page_size))
        return ledger_page(workspace_id, last, page_size) if total else LedgerPage([], 0, 1, 1)
    return LedgerPage(
        [_ledger_row(*tuple(r)) for r in rows],
        total,
        page,
        max(1, -(-total // page_size)),
    )


@dataclass(frozen=True)
class SpendingRow:
    """Credits spent on one step of one project (every run of it, every scene)."""

    project_id: int | None
    project_title: str | None
    project_deleted: bool
    step: str
    step_label: str
    runs: int
    credits: int


def spending_by_project(workspace_id: int) -> list[SpendingRow]:
    """What each project cost, step by step (soft-deleted projects included), most first."""
    from aytada.core.db import session_scope

    spent = func.sum(-CreditLedgerEntry.delta)
    with session_scope() as s:
        rows = s.execute(
            select(*_PAID_FOR, func.count(), spent)
            .join(Generation, Generation.id == CreditLedgerEntry.generation_id)
            .outerjoin(Project, Project.id == Generation.project_id)
            .where(CreditLedgerEntry.workspace_id == workspace_id, CreditLedgerEntry.delta < 0)
            .group_by(*_PAID_FOR)
            .order_by(Project.id.desc(), Generation.step)
        ).all()
    order = {step.name: i for i, step in enumerate(PIPELINE)}
    out = [
        SpendingRow(
            project_id=r[0],
            project_title=r[1],
            project_deleted=r[2] is not None,
            step=r[3],
            step_label=_step_label(r[3], None) or r[3],
            runs=int(r[4]),
            credits=int(r[5] or 0),
        )
        for r in rows
    ]
    out.sort(key=lambda row: (-(row.project_id or 0), order.get(row.step, len(order))))
    return out


@dataclass(frozen=True)
class MonthUsage:
    month: str  # "YYYY-MM" (UTC)
    spent: int  # credits taken by steps
    added: int  # credits added (top-ups, starting credits)


def monthly_usage(workspace_id: int, months: int = 24) -> list[MonthUsage]:
    """Credits spent and added per calendar month (UTC), newest month first."""
    from aytada.core.db import session_scope

    with session_scope() as s:
        if s.get_bind().dialect.name == "postgresql":
            expr = func.to_char(func.timezone("UTC", CreditLedgerEntry.created_at), "YYYY-MM")
        else:  # SQLite keeps the UTC time as text
            expr = func.strftime("%Y-%m", CreditLedgerEntry.created_at)
        month = expr.label("month")
        rows = s.execute(
            select(
                month,
                func.sum(case((CreditLedgerEntry.delta < 0, -CreditLedgerEntry.delta), else_=0)),
                func.sum(case((CreditLedgerEntry.delta > 0, CreditLedgerEntry.delta), else_=0)),
            )
            .where(CreditLedgerEntry.workspace_id == workspace_id)
            .group_by(month)
            .order_by(month.desc())
            .limit(max(1, months))
        ).all()
    return [MonthUsage(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]


def parse_top_up(text: object) -> int:
    """A top-up amount typed by a person ("500", " 1,000 "): the whole number, or UserError
    with the limits `top_up` enforces (nothing is changed here)."""
    message = f"A top-up must be a whole number of credits from 1 to {MAX_TOP_UP:,}."
    if isinstance(text, bool):
        raise UserError(message)
    if isinstance(text, int):
        amount = text
    else:
        raw = str(text).strip().replace(",", "").replace("_", "")
        if not re.fullmatch(r"[+-]?[0-9]{1,12}", raw):
            raise UserError(message)
        amount = int(raw)
    if not 0 < amount <= MAX_TOP_UP:
        raise UserError(message)
    return amount


@dataclass(frozen=True)
class TopUpPreview:
    """What a top-up would do, shown for confirmation before `top_up` runs."""

    amount: int
    balance: int
    new_balance: int


def preview_top_up(workspace_id: int, text: object) -> TopUpPreview:
    """Check a typed top-up (the amount's limits and the balance cap) without changing
    anything; UserError says what is wrong. `top_up` checks the same again when it runs."""
    from aytada.core.db import session_scope

    amount = parse_top_up(text)
    with session_scope() as s:
        current = balance(s, workspace_id)
    _check_cap(current, amount)
    return TopUpPreview(amount, current, current + amount)
