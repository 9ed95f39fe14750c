""" "Make this" on a strategy board cell: a draft project with the cell's stage and style (or
trigger) whose first ideas step — run by the job code, in this process — offers the cell's hook
first (a banner's first design writes the cell's headline). Nothing is charged by making it."""

from __future__ import annotations

import tomllib

import pytest

from aytada.core import projects, workspaces
from aytada.core.campaigns import create_campaign
from aytada.core.options import options_of
from aytada.jobs.board import build_board, make_from_cell
from aytada.jobs.runner import run_generation, start_step
from tests.jobs.helpers import gens
from tests.providers.briefs import AGAINST_TYPE_DIR


def _campaign(ws: int, name: str = "stride") -> int:
    data = tomllib.loads((AGAINST_TYPE_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    return create_campaign(ws, data)


def _run(ws: int, pid: int, step: str) -> None:
    """The worker's part, in this process: start the step and run its generation."""
    start_step(ws, pid, step)
    queued = [g for g in gens(pid) if g.step == step and g.state == "queued"]
    assert len(queued) == 1
    assert run_generation(queued[0].key) == "done"


@pytest.mark.parametrize(
    ("axis", "cell"),
    [
        ("styles", "problem_aware|UGC Style"),
        ("styles", "product_aware|Cinematic"),
        ("styles", "unaware|Testimonial"),
        ("triggers", "most_aware|Scarcity"),
    ],
)
def test_make_this_video_opens_on_the_cells_hook(workspace_id, axis, cell) -> None:
    cid = _campaign(workspace_id)
    shown = build_board(workspace_id, cid, axis).cell(cell)
    balance = workspaces.get_balance(workspace_id)

    pid = make_from_cell(workspace_id, cid, cell, "video")
    project = projects.get_project(workspace_id, pid)
    stage, column = cell.split("|")
    field = "creative_style" if axis == "styles" else "persuasion_trigger"
    assert (project.kind, project.status, project.campaign_id) == ("video", "draft", cid)
    assert options_of(project).choices.overrides == {"awareness_stage": stage, field: column}
    assert options_of(project).lineage.idea_seed == shown.seed
    assert workspaces.get_balance(workspace_id) == balance  # making it runs nothing

    _run(workspace_id, pid, "ideas")
    ideas = projects.get_project(workspace_id, pid).ideas
    assert ideas[0]["hook"] == shown.hook and ideas[0]["angle"] == shown.angle
    assert [i["hook"] for i in ideas[1:]] == list(shown.more_hooks)
    snapshot = gens(pid)[0].input_snapshot["brief"]
    assert (snapshot["awareness_stage"], snapshot[field]) == (stage, column)


def test_two_videos_from_one_cell_both_open_on_its_hook(workspace_id) -> None:
    cid = _campaign(workspace_id, "kora")
    shown = build_board(workspace_id, cid).cell("solution_aware|Storytelling")
    for _ in range(2):
        pid = make_from_cell(workspace_id, cid, shown.id, "video")
        _run(workspace_id, pid, "ideas")
        assert projects.get_project(workspace_id, pid).ideas[0]["hook"] == shown.hook


def test_make_this_banner_writes_the_cells_headline(workspace_id) -> None:
    cid = _campaign(workspace_id)
    for cell in ("most_aware|Luxury", "problem_aware|Reciprocity"):
        axis = "styles" if cell.endswith("Luxury") else "triggers"
        shown = build_board(workspace_id, cid, axis).cell(cell)
        pid = make_from_cell(workspace_id, cid, cell, "banner")
        project = projects.get_project(workspace_id, pid)
        assert (project.kind, project.format) == ("banner", "1080x1080")
        _run(workspace_id, pid, "design")
        design = next(g for g in gens(pid) if g.step == "design")
        copy = design.output["copy"]
        assert (copy["headline"], copy["subline"], copy["call_to_action"]) == (
            shown.headline, shown.subline, shown.call_to_action,
        )  # fmt: skip
