"""Workspaces and the people in them: a workspace with its first owner, members added (invited)
by e-mail address, and the list the CLI prints. A membership made for an address that has not
signed in yet is an invitation; the sign-in matches the address.

Who may do what is decided here, once: :func:`access_for` resolves the signed-in address to the
workspace a run shows (only live workspaces the address is a member of), :func:`require_owner`
guards what only an owner does (top-ups, members, deleting the workspace). A ``user_id`` of
None is the CLI or single-user local mode: the machine's own admin, allowed everything."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aytada.core.db import session_scope
from aytada.core.errors import NotFound, UserError
from aytada.core.models import ROLES, Membership, Project, User, Workspace, utcnow
from aytada.core.workspaces import create_workspace, default_workspace_id, require_owner

MAX_EMAIL = 320
MAX_NAME = 200
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class Member:
    email: str
    role: str
    invited: bool  # has not signed in yet


@dataclass(frozen=True)
class WorkspaceSummary:
    id: int
    name: str
    credit_balance: int
    members: list[Member]


def normalize_email(text: object) -> str:
    """The address in lower case, or a UserError saying what is wrong with it."""
    email = str(text if text is not None else "").strip().lower()
    if not email:
        raise UserError("Enter an e-mail address.")
    if len(email) > MAX_EMAIL:
        raise UserError(f"That e-mail address is longer than {MAX_EMAIL} characters.")
    if not _EMAIL.fullmatch(email):
        raise UserError(f"{email!r} is not an e-mail address (name@example.com).")
    return email


def workspace_name(text: object) -> str:
    name = " ".join(str(text if text is not None else "").split())
    if not name:
        raise UserError("Give the workspace a name.")
    if len(name) > MAX_NAME:
        raise UserError(f"A workspace name has at most {MAX_NAME} characters.")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}: use {' or '.join(ROLES)}.")
    return role


def _user(s: Session, email: str) -> User:
    user = s.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email)
        s.add(user)
        s.flush()
    return user


def create_with_owner(name: object, owner_email: object) -> int:
    """A new workspace (with the starting credits) and its first owner; returns its id."""
    name, email = workspace_name(name), normalize_email(owner_email)
    with session_scope() as s:
        ws = create_workspace(s, name)
        s.add(Membership(workspace_id=ws.id, user_id=_user(s, email).id, role="owner"))
        return ws.id


def add_user(
    workspace_id: int, email: object, role: str = "member", by_user_id: int | None = None
) -> str:
    """Add (invite) ``email`` to the workspace, or change the role of a member already in it.
    Returns what happened, in words. The last owner cannot be made a member; only an owner
    (or the CLI: ``by_user_id`` None) adds people."""
    email, role = normalize_email(email), _check_role(role)
    with session_scope() as s:
        _live_workspace(s, workspace_id)
        require_owner(s, workspace_id, by_user_id, "add people to this workspace")
        user = _user(s, email)
        member = s.scalar(
            select(Membership).where(
                Membership.workspace_id == workspace_id, Membership.user_id == user.id
            )
        )
        if member is None:
            s.add(Membership(workspace_id=workspace_id, user_id=user.id, role=role))
            invited = user.last_sign_in_at is None
            return f"{email} added as {role}" + (" (invited: not signed in yet)" if invited else "")
        if member.role == role:
            return f"{email} is already a {role} of this workspace"
        if member.role == "owner" and _owners(s, workspace_id) == 1:
            raise UserError(f"{email} is the only owner: add another owner first.")
        member.role = role
        return f"{email} is now a {role}"


def _owners(s: Session, workspace_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.workspace_id == workspace_id, Membership.role == "owner")
        )
        or 0
    )


def _live_workspace(s: Session, workspace_id: int) -> Workspace:
    ws = s.get(Workspace, workspace_id)
    if ws is None or ws.deleted_at is not None:
        raise NotFound("Workspace", workspace_id)
    return ws


def remove_user(workspace_id: int, email: object, by_user_id: int | None = None) -> str:
    """Take ``email`` out of the workspace (their access ends at their next click). Only an
    owner removes people; the last owner stays."""
    email = normalize_email(email)
    with session_scope() as s:
        _live_workspace(s, workspace_id)
        require_owner(s, workspace_id, by_user_id, "remove people from this workspace")
        member = s.scalar(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace_id, User.email == email)
        )
        if member is None:
            raise UserError(f"{email} is not in this workspace.")
        if member.role == "owner" and _owners(s, workspace_id) == 1:
            raise UserError(f"{email} is the only owner: make someone else an owner first.")
        s.delete(member)
        return f"{email} was removed from this workspace"


# --------------------------------------------------------------------------- signing in


@dataclass(frozen=True)
class Place:
    """A workspace the signed-in person can open, with their role in it."""

    workspace_id: int
    name: str
    role: str


@dataclass(frozen=True)
class Access:
    """Who a run acts for and in which workspace. ``user_id`` None: single-user local mode."""

    user_id: int | None
    email: str
    name: str
    workspace_id: int
    role: str
    places: tuple[Place, ...]

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def workspace_name(self) -> str:
        return next((p.name for p in self.places if p.workspace_id == self.workspace_id), "")


def local_access() -> Access:
    """Single-user local mode (no sign-in configured): the default workspace, as its owner.
    One query a run (the workspace is created on first use)."""
    first = (
        select(Workspace.id, Workspace.name)
        .where(Workspace.deleted_at.is_(None))
        .order_by(Workspace.id)
        .limit(1)
    )
    with session_scope() as s:
        row = s.execute(first).first()
    if row is None:
        default_workspace_id()
        with session_scope() as s:
            row = s.execute(first).one()
    ws_id, name = row
    return Access(None, "", "", ws_id, "owner", (Place(ws_id, name, "owner"),))


def record_sign_in(email: object, name: object = "") -> bool:
    """A sign-in reported ``email``: note the time (an invitation becomes a member) and the
    name the provider gave. False when no workspace has added the address (nothing stored)."""
    try:
        email = normalize_email(email)
    except UserError:
        return False
    with session_scope() as s:
        user = s.scalar(select(User).where(User.email == email))
        if user is None:
            return False
        user.last_sign_in_at = utcnow()
        shown = " ".join(str(name or "").split())[:MAX_NAME]
        if shown:
            user.name = shown
        return True


def access_for(email: object, wanted_workspace_id: object = None) -> Access | None:
    """The access of a signed-in address: the live workspaces it is a member of (by name) and
    the one to show (``wanted_workspace_id`` when it is one of them, else the first). None when
    the address belongs to no workspace. One query: a removed membership ends access at once."""
    try:
        email = normalize_email(email)
    except UserError:
        return None
    with session_scope() as s:
        rows = s.execute(
            select(User.id, User.name, Workspace.id, Workspace.name, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .join(Workspace, Workspace.id == Membership.workspace_id)
            .where(User.email == email, Workspace.deleted_at.is_(None))
            .order_by(Workspace.name, Workspace.id)
        ).all()
    if not rows:
        return None
    places = tuple(Place(ws_id, ws_name, role) for _, _, ws_id, ws_name, role in rows)
    try:
        # any object may come in: int() raises TypeError or ValueError for what is not an id
        wanted = int(cast(Any, wanted_workspace_id)) if wanted_workspace_id is not None else None
    except (TypeError, ValueError):
        wanted = None
    place = next((p for p in places if p.workspace_id == wanted), places[0])
    user_id, user_name = rows[0][0], rows[0][1]
    return Access(user_id, email, user_name, place.workspace_id, place.role, places)


def still_member(workspace_id: int, user_id: int | None) -> bool:
    """Whether ``user_id`` is still in the live workspace (re-checked before every change)."""
    if user_id is None:
        return True
    with session_scope() as s:
        return (
            s.scalar(
                select(Membership.id)
                .join(Workspace, Workspace.id == Membership.workspace_id)
                .where(
                    Membership.workspace_id == workspace_id,
                    Membership.user_id == user_id,
                    Workspace.deleted_at.is_(None),
                )
            )
            is not None
        )


def members(workspace_id: int) -> list[Member]:
    """The people of a workspace, owners first, then by address."""
    with session_scope() as s:
        rows = s.execute(
            select(User.email, Membership.role, User.last_sign_in_at)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(Membership.role.desc(), User.email)
        ).all()
    return [Member(email, role, signed_in is None) for email, role, signed_in in rows]


def delete_workspace(workspace_id: int, typed_name: object, by_user_id: int | None = None) -> str:
    """Delete a workspace (owners only) once its name is typed back: nobody reaches it any more,
    its projects are deleted (running jobs finish without charging). Returns its name."""
    with session_scope() as s:
        ws = _live_workspace(s, workspace_id)
        require_owner(s, workspace_id, by_user_id, "delete this workspace")
        if " ".join(str(typed_name or "").split()) != ws.name:
            raise UserError(f"Type the workspace's name, {ws.name!r}, to delete it.")
        # the projects' rows first, then the workspace's: the order a step's start takes them
        # in (its project, then the workspace for the credit hold), so the two never wait on
        # each other in a circle (PostgreSQL would abort one of them as a deadlock)
        live = list(
            s.scalars(
                select(Project)
                .where(Project.workspace_id == workspace_id, Project.deleted_at.is_(None))
                .order_by(Project.id)
                .with_for_update()
            )
        )
        now = utcnow()
        for project in live:
            project.deleted_at = now
        s.flush()
        ws.deleted_at = now
        return ws.name


def list_workspaces() -> list[WorkspaceSummary]:
    """Every workspace with its balance and members (owners first), in one query of each."""
    with session_scope() as s:
        spaces = list(
            s.scalars(
                select(Workspace).where(Workspace.deleted_at.is_(None)).order_by(Workspace.id)
            )
        )
        rows = s.execute(
            select(Membership.workspace_id, User.email, Membership.role, User.last_sign_in_at)
            .join(User, User.id == Membership.user_id)
            .order_by(Membership.workspace_id, Membership.role.desc(), User.email)
        ).all()
    members: dict[int, list[Member]] = {}
    for ws_id, email, role, signed_in in rows:
        members.setdefault(ws_id, []).append(Member(email, role, signed_in is None))
    return [
        WorkspaceSummary(ws.id, ws.name, ws.credit_balance, members.get(ws.id, [])) for ws in spaces
    ]


def user_labels(user_ids: Iterable[int | None]) -> dict[int, str]:
    """How the step history and the credits page name people: their name, else their address."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    with session_scope() as s:
        rows = s.execute(select(User.id, User.name, User.email).where(User.id.in_(wanted))).all()
    return {uid: name or email for uid, name, email in rows}
