"""A new take of a banner writes other words for the same picture and is charged the words'
price; a take (or a jingle made again) that would give what the project has already is not
charged — compared by the job, against the project as it is when the result is stored."""

from __future__ import annotations

import pytest

from aytada.core import credits, media, projects, workspaces
from aytada.core.campaigns import brief_snapshot, get_campaign
from aytada.core.options import options_of
from aytada.jobs.providers import brief_from_snapshot, get_providers
from aytada.jobs.runner import start_step
from aytada.providers.typography import drawn_texts
from tests.conftest import wait_for
from tests.factories import make_project
from tests.jobs.helpers import designed_banner, gens, run_to, status

WRITTEN = ("headline", "subline", "call_to_action")


def _words(ws: int, pid: int) -> dict[str, str]:
    copy = options_of(projects.get_project(ws, pid)).outputs.copy
    assert copy is not None
    return {k: getattr(copy, k) for k in WRITTEN}


def _shown(ws: int, pid: int) -> dict[str, str]:
    project = projects.get_project(ws, pid)
    return drawn_texts(media.resolve(projects.get_asset(ws, project.output_asset_id).path))


def _take(ws: int, pid: int) -> None:
    """ "New take" (the design step again), waited for until the design is set again."""
    run_to(ws, pid, "design", "completed")


@pytest.mark.slow
def test_a_new_take_writes_other_words_for_the_picture_and_costs_the_words(
    workspace_id: int, start_worker
) -> None:
    start_worker()
    pid = designed_banner(workspace_id)
    first = _words(workspace_id, pid)
    balance = workspaces.get_balance(workspace_id)
    assert credits.quote(workspace_id, pid)["design"] == credits.price("copy") == 2

    _take(workspace_id, pid)
    second = _words(workspace_id, pid)
    assert second != first  # other words …
    assert _shown(workspace_id, pid)["headline"] == second["headline"]  # … on the new design
    take = [g for g in gens(pid) if g.step == "design"][-1]
    assert take.input_snapshot["take"] == 1
    assert take.credits_charged == credits.price("copy")  # the words, not a new banner
    assert workspaces.get_balance(workspace_id) == balance - credits.price("copy")

    # the writer's next take would be the words the design has now (here: the user typed
    # them): the take returns the same words and is not charged
    project = projects.get_project(workspace_id, pid)
    brief = brief_from_snapshot(brief_snapshot(get_campaign(workspace_id, project.campaign_id)))
    upcoming = get_providers().text.ad_copy(brief, kind="banner", take=2)
    projects.save_copy(workspace_id, pid, {k: getattr(upcoming, k) for k in WRITTEN})
    balance = workspaces.get_balance(workspace_id)
    _take(workspace_id, pid)
    same = [g for g in gens(pid) if g.step == "design"][-1]
    assert (same.input_snapshot["take"], same.credits_charged) == (2, 0)
    assert "not charged" in (same.notice or "")
    assert workspaces.get_balance(workspace_id) == balance


@pytest.mark.slow
@pytest.mark.media
def test_a_jingle_made_again_identical_is_not_charged(workspace_id: int, start_worker) -> None:
    start_worker()
    pid = make_project(workspace_id, kind="jingle", length_s=15, title="Tune")
    run_to(workspace_id, pid, "jingle", "completed")
    balance = workspaces.get_balance(workspace_id)
    start_step(workspace_id, pid, "jingle")  # "Generate a new jingle", offline: the same one
    wait_for(lambda: status(workspace_id, pid) in ("completed", "failed"), what="again")
    again = gens(pid)[-1]
    assert again.state == "succeeded" and again.credits_charged == 0
    assert "not charged" in (again.notice or "")
    assert workspaces.get_balance(workspace_id) == balance
    assert [g.credits_charged for g in gens(pid)] == [credits.price("jingle"), 0]
