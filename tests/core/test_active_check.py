"""The "any active project?" check (`projects.has_active`), the question the 8 s refresh asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from aytada.core import projects
from aytada.core.db import session_scope
from aytada.core.models import Project, Workspace
from aytada.core.statuses import ACTIVE
from tests.factories import make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


def test_only_a_live_active_project_of_this_workspace_counts(workspace_id):
    assert projects.has_active(workspace_id) is False  # empty workspace
    draft = make_project(workspace_id, status="draft")
    make_project(workspace_id, status="completed")
    make_project(workspace_id, status="failed")
    assert projects.has_active(workspace_id) is False
    with session_scope() as s:
        other = Workspace(name="Other team", credit_balance=0)
        s.add(other)
        s.flush()
        other_id = other.id
    make_project(other_id, status="generating_video")  # another workspace's work
    assert projects.has_active(workspace_id) is False
    assert projects.has_active(other_id) is True
    for status in sorted(a.value for a in ACTIVE):
        with session_scope() as s:
            s.execute(update(Project).where(Project.id == draft).values(status=status))
        assert projects.has_active(workspace_id) is True, status
    with session_scope() as s:  # a deleted project no longer polls
        s.execute(update(Project).where(Project.id == draft).values(deleted_at=datetime.now(UTC)))
    assert projects.has_active(workspace_id) is False
    # the My Videos page answers the same question in its own query
    assert projects.list_projects(workspace_id).any_active is False
