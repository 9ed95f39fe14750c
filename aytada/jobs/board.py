"""The strategy board's words: every cell written by the offline writer from its brief, and
"Make this" with the cell's seed.

The board is free and instant: text only, no queue, no network, no credits — whatever text
provider the workspace's steps use. A cell's hook is the writer's top idea for the cell's brief
(the stage's and style's first angle the brief supports), its headline, subline and button the
writer's first banner copy (what a banner's first design step writes).

A project's ideas walk is seeded (``Lineage.idea_seed``, else the project's id) and a seeded
walk opens somewhere in the better half of the hooks. So each cell carries the first seed from 1
at which the writer's walk opens on the cell's top hook (:func:`cell_seed`); "Make this" gives
the project that seed, and its first ideas step — the same writer, the same brief — offers the
cell's hook first. (A workspace whose text provider is an API model writes its own ideas there.)

What a board is, its favourites, its exports and the project "Make this" creates live in
:mod:`aytada.core.board`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from typing import Any

from aytada.core import board as core
from aytada.core.board import Board, BoardCell, board_briefs, parse_cell
from aytada.jobs.providers import brief_from_snapshot
from aytada.providers.base import Brief, Idea
from aytada.providers.offline.writer import OfflineWriter

_writer = OfflineWriter()
IDEA_SECONDS = 30  # the length "Make this" gives a video (an idea's approach names it)
SEED_TRIES = 64  # seeds tried for the top hook (a walk opens on it within a few, by far)


def _ideas(brief: Brief, seed: int) -> list[Idea]:
    """The three ideas a project's first ideas step offers with this seed (round 0)."""
    return _writer.ideas(brief, count=3, length_s=IDEA_SECONDS, seed=seed)


def cell_seed(brief: Brief) -> tuple[int, list[Idea]]:
    """(seed, its three ideas): the first seed from 1 whose ideas open on the writer's top hook
    for ``brief`` (seed 1 if none of :data:`SEED_TRIES` does)."""
    top = _ideas(brief, 0)[0].hook
    for seed in range(1, SEED_TRIES + 1):
        ideas = _ideas(brief, seed)
        if ideas[0].hook == top:
            return seed, ideas
    return 1, _ideas(brief, 1)


def write_cell(cell: str, snapshot: dict[str, Any], favourite: bool = False) -> BoardCell:
    """The cell as the writer writes it from its brief snapshot (the same snapshot, the same
    words: kept for the process's later boards, which redraw on every click in the hub)."""
    written = _written(cell, json.dumps(snapshot, sort_keys=True, default=str))
    return replace(written, favourite=favourite) if favourite else written


@lru_cache(maxsize=1024)
def _written(cell: str, snapshot_json: str) -> BoardCell:
    stage, _, column = parse_cell(cell)
    brief = brief_from_snapshot(json.loads(snapshot_json))
    seed, ideas = cell_seed(brief)
    idea = ideas[0]
    copy = _writer.ad_copy(brief, kind="banner")
    return BoardCell(
        id=cell,
        stage=stage,
        column=column,
        hook=idea.hook,
        angle=idea.angle,
        more_hooks=tuple(i.hook for i in ideas[1:] if i.hook != idea.hook),
        headline=copy.headline,
        subline=copy.subline,
        call_to_action=copy.call_to_action,
        seed=seed,
    )


def build_board(workspace_id: int, campaign_id: Any, axis: str = "styles") -> Board:
    """The campaign's board along ``axis`` ("styles" or "triggers"); NotFound for a campaign
    of another workspace, ValidationFailed for another axis."""
    inputs = board_briefs(workspace_id, campaign_id, axis)
    return Board(
        campaign_id=inputs.campaign_id,
        campaign_name=inputs.campaign_name,
        axis=axis,
        cells=tuple(
            write_cell(cell, snapshot, cell in inputs.favourites)
            for cell, snapshot in inputs.briefs
        ),
    )


def make_from_cell(workspace_id: int, campaign_id: Any, cell: str, kind: str = "video") -> int:
    """ "Make this": a draft video (or banner) with the cell's stage and style or trigger whose
    first ideas open on the cell's hook (a banner's first design: the cell's headline). Runs
    nothing and charges nothing; returns the project's id."""
    written = write_cell(cell, core.cell_brief(workspace_id, campaign_id, cell))
    return core.make_from_cell(workspace_id, campaign_id, cell, kind, seed=written.seed)
