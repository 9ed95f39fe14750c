"""Bad input from any entry point is refused with a clear message and changes nothing."""

from __future__ import annotations

import pytest

from aytada.core import campaigns, projects
from aytada.core.errors import NotFound, ValidationFailed
from tests.factories import CAMPAIGN, make_campaign, make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


@pytest.mark.parametrize(
    "ident", ["abc", "", "1.5", "-1", "0", str(2**63), str(2**63 + 5), "9" * 40, True, None]
)
def test_ids_out_of_range_are_not_found(workspace_id: int, ident: object) -> None:
    with pytest.raises(NotFound, match="was not found"):
        projects.get_project(workspace_id, ident)
    with pytest.raises(NotFound, match="was not found"):
        campaigns.get_campaign(workspace_id, ident)


def test_nul_bytes_are_refused_everywhere(workspace_id: int) -> None:
    before = len(campaigns.list_campaigns(workspace_id))
    with pytest.raises(ValidationFailed, match="control characters"):
        campaigns.create_campaign(workspace_id, {**CAMPAIGN, "name": "Spring\x00launch"})
    assert len(campaigns.list_campaigns(workspace_id)) == before
    cid = make_campaign(workspace_id)
    with pytest.raises(ValidationFailed, match="control characters"):
        projects.create_project(
            workspace_id, cid, kind="video", title="Ad\x00", fmt="9:16", length_s=15,
            quality="pro",
        )  # fmt: skip
    script = {"hook": "Hi.", "body": "Body.", "call_to_action": "Go.", "voiceover": "Hi. Go."}
    pid = make_project(workspace_id, cid, status="script_ready", script=script)
    with pytest.raises(ValidationFailed, match="control characters"):
        projects.save_script(workspace_id, pid, {**script, "hook": "Hi\x00."})
    assert projects.get_project(workspace_id, pid).script == script
    # unicode and emoji are fine
    projects.save_script(workspace_id, pid, {**script, "hook": "Glänzend? 🌿 Ja."})
    assert projects.get_project(workspace_id, pid).script["hook"] == "Glänzend? 🌿 Ja."


@pytest.mark.parametrize("amount", [1.5, 0, -5, "10", True, 2**31, 10**7])
def test_top_ups_are_whole_positive_bounded_numbers(workspace_id: int, amount: object) -> None:
    from aytada.core import workspaces
    from aytada.core.errors import UserError

    before = workspaces.get_balance(workspace_id), len(workspaces.ledger(workspace_id))
    with pytest.raises(UserError, match="whole number of credits"):
        workspaces.add_credits(workspace_id, amount)  # type: ignore[arg-type]
    assert (workspaces.get_balance(workspace_id), len(workspaces.ledger(workspace_id))) == before
