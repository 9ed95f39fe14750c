"""Workspaces and their people: a workspace with its first owner, members added by address
(an invitation until they sign in), roles, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aytada.core import teams
from aytada.core.db import session_scope
from aytada.core.errors import NotFound, UserError
from aytada.core.models import Membership, User
from aytada.core.workspaces import get_balance


def _counts() -> tuple[int, int]:
    with session_scope() as s:
        return (s.scalar(select(func.count()).select_from(User)),
                s.scalar(select(func.count()).select_from(Membership)))  # fmt: skip


def test_a_workspace_starts_with_its_owner_and_the_starting_credits(app_env):
    ws = teams.create_with_owner("  Acme   Growth ", " Ann@Acme.COM ")
    (summary,) = teams.list_workspaces()
    assert (summary.id, summary.name, summary.credit_balance) == (ws, "Acme Growth", 1000)
    assert summary.members == [teams.Member("ann@acme.com", "owner", invited=True)]
    assert get_balance(ws) == 1000


def test_people_are_added_once_by_address_and_belong_to_several_workspaces(app_env):
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    beta = teams.create_with_owner("Beta", "bo@beta.io")
    assert teams.add_user(acme, "Bob@Acme.com") == (
        "bob@acme.com added as member (invited: not signed in yet)")  # fmt: skip
    again = teams.add_user(acme, "bob@acme.com")
    assert again == "bob@acme.com is already a member of this workspace"
    assert teams.add_user(beta, "bob@acme.com", "owner") == (
        "bob@acme.com added as owner (invited: not signed in yet)")  # fmt: skip
    assert _counts() == (3, 4)  # one user row per address
    by_ws = {w.id: [(m.email, m.role) for m in w.members] for w in teams.list_workspaces()}
    assert by_ws == {acme: [("ann@acme.com", "owner"), ("bob@acme.com", "member")],
                     beta: [("bo@beta.io", "owner"), ("bob@acme.com", "owner")]}  # fmt: skip


def test_roles_change_but_a_workspace_keeps_an_owner(app_env):
    ws = teams.create_with_owner("Acme", "ann@acme.com")
    with pytest.raises(UserError, match="only owner: add another owner first"):
        teams.add_user(ws, "ann@acme.com", "member")
    teams.add_user(ws, "bob@acme.com", "owner")
    assert teams.add_user(ws, "ann@acme.com", "member") == "ann@acme.com is now a member"
    roles = {m.email: m.role for m in teams.list_workspaces()[0].members}
    assert roles == {"ann@acme.com": "member", "bob@acme.com": "owner"}


@pytest.mark.parametrize("email", ["", "   ", "ann", "ann@", "@acme.com", "a b@acme.com",
                                   "ann@acme", "x" * 320 + "@acme.com", None])  # fmt: skip
def test_a_bad_address_is_refused_and_changes_nothing(app_env, email):
    ws = teams.create_with_owner("Acme", "ann@acme.com")
    before = _counts()
    with pytest.raises(UserError):
        teams.add_user(ws, email)
    with pytest.raises(UserError):
        teams.create_with_owner("Other", email)
    assert _counts() == before and len(teams.list_workspaces()) == 1


def test_unknown_workspace_role_or_name_is_refused(app_env):
    ws = teams.create_with_owner("Acme", "ann@acme.com")
    with pytest.raises(NotFound, match="Workspace 999 was not found"):
        teams.add_user(999, "bob@acme.com")
    with pytest.raises(UserError, match="Unknown role 'admin'"):
        teams.add_user(ws, "bob@acme.com", "admin")
    for name in ("", "  ", "n" * 201):
        with pytest.raises(UserError):
            teams.create_with_owner(name, "bob@acme.com")
    assert _counts() == (1, 1)
    assert teams.create_with_owner("Ünïcode 团队 🚀", "bob@acme.com") > ws  # names as typed
