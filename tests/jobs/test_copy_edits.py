"""Edited banner words are what the new design shows, set again by a worker for free."""

from __future__ import annotations

from aytada.core import media, projects, workspaces
from aytada.core.options import options_of
from aytada.jobs.edits import edit_copy
from aytada.providers.typography import drawn_texts
from tests.conftest import wait_for
from tests.jobs.helpers import designed_banner, gens, status


def _shown(ws: int, pid: int) -> dict[str, str]:
    project = projects.get_project(ws, pid)
    return drawn_texts(media.resolve(projects.get_asset(ws, project.output_asset_id).path))


def test_an_edited_headline_is_what_the_new_banner_shows_and_costs_nothing(
    workspace_id: int, start_worker
) -> None:
    start_worker()
    pid = designed_banner(workspace_id)
    written = options_of(projects.get_project(workspace_id, pid)).outputs.copy
    assert written is not None and _shown(workspace_id, pid)["headline"] == written.headline
    first_image = projects.get_project(workspace_id, pid).output_asset_id
    balance = workspaces.get_balance(workspace_id)

    started = edit_copy(
        workspace_id, pid, {"headline": "Grip that holds on wet rock", "call_to_action": "Try it"}
    )
    assert started.credits == 0
    wait_for(lambda: status(workspace_id, pid) in ("completed", "failed"), what="set again")
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    shown = _shown(workspace_id, pid)
    assert shown["headline"] == "Grip that holds on wet rock" and shown["cta"] == "Try it"
    assert shown["subline"] == written.subline  # what was not edited stays
    assert project.output_asset_id != first_image
    assert workspaces.get_balance(workspace_id) == balance  # setting it again is free
    assert [g.step for g in gens(pid)] == ["design", "compose", "compose"]
