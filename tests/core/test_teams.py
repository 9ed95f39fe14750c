"""Workspaces and their people: a workspace with its first owner, members added by address
(an invitation until they sign in), roles, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aytada.core import teams
from aytada.core.credits import ledger_page
from aytada.core.db import session_scope
from aytada.core.errors import NotAllowed, NotFound, UserError
from aytada.core.models import Membership, Project, User
from aytada.core.workspaces import add_credits, get_balance
from tests.conftest import wait_for
from tests.factories import make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


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


# --------------------------------------------------------------------------- signing in


def test_an_invitation_becomes_a_member_at_the_first_sign_in_with_that_address(app_env):
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    teams.add_user(acme, "bob@acme.com")
    assert teams.record_sign_in("  BOB@acme.com ", "Bob Builder") is True
    (summary,) = teams.list_workspaces()
    assert [(m.email, m.invited) for m in summary.members] == [
        ("ann@acme.com", True), ("bob@acme.com", False)]  # fmt: skip
    access = teams.access_for("bob@acme.com")
    assert access is not None
    assert (access.workspace_id, access.role, access.name, access.is_owner) == (
        acme, "member", "Bob Builder", False)  # fmt: skip
    assert access.workspace_name == "Acme"


def test_an_address_no_workspace_added_gets_no_access_and_leaves_no_row(app_env):
    teams.create_with_owner("Acme", "ann@acme.com")
    before = _counts()
    assert teams.record_sign_in("eve@evil.example", "Eve") is False
    assert teams.access_for("eve@evil.example") is None
    assert teams.access_for("") is None and teams.access_for(None) is None
    assert teams.access_for("not an address") is None
    assert _counts() == before


def test_someone_in_two_workspaces_opens_the_one_they_chose_and_only_theirs(app_env):
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    beta = teams.create_with_owner("Beta", "bo@beta.io")
    other = teams.create_with_owner("Other", "olga@other.org")
    teams.add_user(beta, "ann@acme.com")
    first = teams.access_for("ann@acme.com")
    assert first is not None and first.workspace_id == acme  # by name: Acme before Beta
    assert [(p.workspace_id, p.role) for p in first.places] == [(acme, "owner"), (beta, "member")]
    chosen = teams.access_for("ann@acme.com", str(beta))
    assert chosen is not None and (chosen.workspace_id, chosen.role) == (beta, "member")
    foreign = teams.access_for("ann@acme.com", other)  # not hers: her first workspace instead
    assert foreign is not None and foreign.workspace_id == acme
    assert teams.access_for("ann@acme.com", "junk").workspace_id == acme  # type: ignore[union-attr]


def _acme_with_bob() -> tuple[int, teams.Access, teams.Access]:
    """Acme, owned by Ann, with Bob as a member: (workspace, Ann's access, Bob's access)."""
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    teams.add_user(acme, "bob@acme.com")
    ann, bob = teams.access_for("ann@acme.com"), teams.access_for("bob@acme.com")
    assert ann is not None and bob is not None
    return acme, ann, bob


def test_a_removed_member_loses_access_at_once_and_the_last_owner_stays(app_env):
    acme, ann, bob = _acme_with_bob()
    assert teams.still_member(acme, bob.user_id)
    with pytest.raises(NotAllowed, match="Only an owner of this workspace can remove people"):
        teams.remove_user(acme, "ann@acme.com", by_user_id=bob.user_id)
    with pytest.raises(UserError, match="only owner"):
        teams.remove_user(acme, "ann@acme.com", by_user_id=ann.user_id)
    with pytest.raises(UserError, match="is not in this workspace"):
        teams.remove_user(acme, "zed@acme.com", by_user_id=ann.user_id)
    assert teams.remove_user(acme, "bob@acme.com", by_user_id=ann.user_id) == (
        "bob@acme.com was removed from this workspace")  # fmt: skip
    assert not teams.still_member(acme, bob.user_id)
    assert teams.access_for("bob@acme.com") is None


def test_only_an_owner_adds_people_and_credits(app_env):
    acme, ann, bob = _acme_with_bob()
    with pytest.raises(NotAllowed, match="Only an owner of this workspace can add people"):
        teams.add_user(acme, "carl@acme.com", by_user_id=bob.user_id)
    with pytest.raises(NotAllowed, match="Only an owner of this workspace can add credits"):
        add_credits(acme, 500, user_id=bob.user_id)
    assert get_balance(acme) == 1000
    assert add_credits(acme, 500, user_id=ann.user_id) == 1500
    assert teams.add_user(acme, "carl@acme.com", by_user_id=ann.user_id).startswith("carl@")
    (row, *_) = ledger_page(acme).rows
    assert (row.delta, row.by) == (500, "ann@acme.com")  # no name yet: the address


def test_a_member_cannot_delete_the_workspace_and_an_owner_must_type_its_name(app_env):
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    beta = teams.create_with_owner("Beta", "ann@acme.com")
    teams.add_user(acme, "bob@acme.com")
    pid = make_project(acme, status="generating_video")
    bob, ann = teams.access_for("bob@acme.com"), teams.access_for("ann@acme.com")
    assert bob is not None and ann is not None
    with pytest.raises(NotAllowed, match="Only an owner of this workspace can delete"):
        teams.delete_workspace(acme, "Acme", by_user_id=bob.user_id)
    with pytest.raises(UserError, match="Type the workspace's name, 'Acme'"):
        teams.delete_workspace(acme, "acme", by_user_id=ann.user_id)
    assert teams.access_for("bob@acme.com") is not None  # nothing changed
    assert teams.delete_workspace(acme, " Acme ", by_user_id=ann.user_id) == "Acme"
    assert teams.access_for("bob@acme.com") is None
    left = teams.access_for("ann@acme.com")
    assert left is not None and [p.workspace_id for p in left.places] == [beta]
    with session_scope() as s:
        assert s.get(Project, pid).deleted_at is not None  # its running jobs finish unpaid
    assert [w.id for w in teams.list_workspaces()] == [beta]
    with pytest.raises(NotFound):
        teams.add_user(acme, "carl@acme.com")
    with pytest.raises(NotFound):
        teams.delete_workspace(acme, "Acme")


def test_user_labels_name_people_by_name_else_address(app_env):
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    teams.add_user(acme, "bob@acme.com")
    teams.record_sign_in("bob@acme.com", "Bob Builder")
    ann, bob = teams.access_for("ann@acme.com"), teams.access_for("bob@acme.com")
    assert ann is not None and bob is not None
    assert teams.user_labels([ann.user_id, bob.user_id, None]) == {
        ann.user_id: "ann@acme.com", bob.user_id: "Bob Builder"}  # fmt: skip
    assert teams.user_labels([None]) == {}


@pytest.mark.postgresql_run
def test_deleting_a_workspace_while_a_step_starts_in_it_waits_instead_of_deadlocking(app_env):
    """A start locks its project, then the workspace (the credit hold); the delete takes the
    projects first too, so it waits for the start to commit and then goes on: no deadlock."""
    import threading

    from sqlalchemy import text

    from aytada.core.credits import _lock_workspace

    acme = teams.create_with_owner("Acme", "ann@acme.com")
    pid = make_project(acme)
    outcome: dict[str, object] = {}

    def delete() -> None:
        try:
            outcome["deleted"] = teams.delete_workspace(acme, "Acme")
        except Exception as exc:  # noqa: BLE001 - what went wrong is the test's answer
            outcome["error"] = exc

    with session_scope() as start:
        start.get(Project, pid, with_for_update=True)  # the start has its project
        deleting = threading.Thread(target=delete)
        deleting.start()
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )

        def delete_waits() -> bool:
            # a transaction of its own each time: pg_stat_activity is a snapshot per transaction
            with session_scope() as look:
                return bool(look.scalar(waiting))

        wait_for(delete_waits, what="the delete waiting for a lock the start holds")
        _lock_workspace(start, acme)  # then the workspace's row, for its credit hold
    deleting.join(15)
    assert outcome == {"deleted": "Acme"}
    with session_scope() as s:
        assert s.get(Project, pid).deleted_at is not None
