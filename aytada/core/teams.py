"""Workspaces and the people in them: a workspace with its first owner, members added (invited)
by e-mail address, and the list the CLI prints. A membership made for an address that has not
signed in yet is an invitation; the sign-in matches the address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aytada.core.db import session_scope
from aytada.core.errors import NotFound, UserError
from aytada.core.models import ROLES, Membership, User, Workspace
from aytada.core.workspaces import create_workspace

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


def add_user(workspace_id: int, email: object, role: str = "member") -> str:
    """Add (invite) ``email`` to the workspace, or change the role of a member already in it.
    Returns what happened, in words. The last owner cannot be made a member."""
    email, role = normalize_email(email), _check_role(role)
    with session_scope() as s:
        if s.get(Workspace, workspace_id) is None:
            raise NotFound("Workspace", workspace_id)
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
        if member.role == "owner":
            owners = s.scalar(
                select(func.count()).select_from(Membership).where(
                    Membership.workspace_id == workspace_id, Membership.role == "owner"
                )
            )
            if owners == 1:
                raise UserError(f"{email} is the only owner: add another owner first.")
        member.role = role
        return f"{email} is now a {role}"


def list_workspaces() -> list[WorkspaceSummary]:
    """Every workspace with its balance and members (owners first), in one query of each."""
    with session_scope() as s:
        spaces = list(s.scalars(select(Workspace).order_by(Workspace.id)))
        rows = s.execute(
            select(Membership.workspace_id, User.email, Membership.role, User.last_sign_in_at)
            .join(User, User.id == Membership.user_id)
            .order_by(Membership.workspace_id, Membership.role.desc(), User.email)
        ).all()
    members: dict[int, list[Member]] = {}
    for ws_id, email, role, signed_in in rows:
        members.setdefault(ws_id, []).append(Member(email, role, signed_in is None))
    return [
        WorkspaceSummary(ws.id, ws.name, ws.credit_balance, members.get(ws.id, []))
        for ws in spaces
    ]
