"""The strategy board of a campaign: hooks and headlines across awareness stages × creative
styles (or × persuasion triggers), to compare angles before paying for any render.

This module holds what the board *is* — its axes, its cells and their stable ids, the briefs
each cell is written from, the favourites the team marked (``Campaign.board_favourites``), the
exports (Markdown, CSV) and "Make this" (a normal project with the cell's stage and style or
trigger). The words themselves are the writer's: :mod:`aytada.jobs.board` writes every cell
from :func:`board_briefs` (core knows no providers).

A cell's id is ``"<stage>|<style or trigger>"`` (``"problem_aware|UGC Style"``): the styles'
and the triggers' names never collide, so one list of favourites serves both axes.

"Make this" makes the video's first idea the cell's hook: each cell is written with a seed of its
own for the ideas (``BoardCell.seed``, chosen by the writer's layer), and the project it makes
starts its walk through the ideas from that seed (``Lineage.idea_seed``), at round 0, with the
cell's overrides — so its first ideas step, with the same writer, offers the cell's hook first.
A banner's first design writes the cell's headline (the writer's first headline for that stage
and style or trigger).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aytada.core.campaigns import (
    AWARENESS_STAGES,
    CREATIVE_STYLES,
    PERSUASION_TRIGGERS,
    brief_snapshot,
    load_campaign,
)
from aytada.core.db import session_scope
from aytada.core.errors import ValidationFailed
from aytada.core.models import Campaign, Project
from aytada.core.options import options_of, options_with
from aytada.core.projects import create_project

#: axis → (the campaign field its columns set, how people name it)
AXES: dict[str, tuple[str, str]] = {
    "styles": ("creative_style", "Creative style"),
    "triggers": ("persuasion_trigger", "Persuasion trigger"),
}
STAGES: tuple[str, ...] = tuple(AWARENESS_STAGES)
MAKE_KINDS: dict[str, str] = {"video": "9:16", "banner": "1080x1080"}  # kind → its format
MAX_FAVOURITES = len(STAGES) * (len(CREATIVE_STYLES) + len(PERSUASION_TRIGGERS))
_SEP = "|"


def columns(axis: str) -> tuple[str, ...]:
    """The board's columns along ``axis`` ("styles" or "triggers")."""
    check_axis(axis)
    return CREATIVE_STYLES if axis == "styles" else PERSUASION_TRIGGERS


def check_axis(axis: str) -> None:
    if axis not in AXES:
        raise ValidationFailed({"axis": "Compare stages by creative styles or by triggers."})


def cell_id(stage: str, column: str) -> str:
    return f"{stage}{_SEP}{column}"


def parse_cell(cell: Any) -> tuple[str, str, str]:
    """(stage, the field its column sets, column) of a cell id; ValidationFailed otherwise."""
    stage, _, column = str(cell).partition(_SEP) if isinstance(cell, str) else ("", "", "")
    if stage in AWARENESS_STAGES:
        if column in CREATIVE_STYLES:
            return stage, "creative_style", column
        if column in PERSUASION_TRIGGERS:
            return stage, "persuasion_trigger", column
    raise ValidationFailed({"cell": f"{cell!s} is not a cell of the strategy board."})


def cell_overrides(cell: str) -> dict[str, str]:
    """The project overrides a cell stands for: its awareness stage and style or trigger."""
    stage, field, column = parse_cell(cell)
    return {"awareness_stage": stage, field: column}


def cell_label(cell: str) -> str:
    """ "Problem aware × UGC Style"."""
    stage, _, column = parse_cell(cell)
    return f"{AWARENESS_STAGES[stage]} × {column}"


# --------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class BoardCell:
    """One stage × style (or trigger): the hook a video would open on, the banner headline."""

    id: str
    stage: str  # an AWARENESS_STAGES key
    column: str  # a creative style or a persuasion trigger
    hook: str
    angle: str  # what the hook leads with ("Pain point", "Proof", …)
    headline: str
    subline: str
    call_to_action: str
    seed: int  # the ideas' seed the hook was written with (never 0: the lineage's "unset")
    more_hooks: tuple[str, ...] = ()  # the other ideas a video made from the cell offers
    favourite: bool = False

    @property
    def stage_label(self) -> str:
        return AWARENESS_STAGES.get(self.stage, self.stage)

    @property
    def label(self) -> str:
        return f"{self.stage_label} × {self.column}"


@dataclass(frozen=True)
class Board:
    campaign_id: int
    campaign_name: str
    axis: str  # "styles" or "triggers"
    cells: tuple[BoardCell, ...]  # stage by stage, each stage's columns in order

    @property
    def axis_label(self) -> str:
        return AXES[self.axis][1]

    @property
    def columns(self) -> tuple[str, ...]:
        return columns(self.axis)

    def rows(self, *, favourites_only: bool = False) -> Iterator[tuple[str, list[BoardCell]]]:
        """(stage, its cells) in stage order; with ``favourites_only`` only marked cells (and
        only stages that have one)."""
        for stage in STAGES:
            cells = [c for c in self.cells if c.stage == stage]
            if favourites_only:
                cells = [c for c in cells if c.favourite]
            if cells:
                yield stage, cells

    def cell(self, cell: str) -> BoardCell:
        for found in self.cells:
            if found.id == cell:
                return found
        raise ValidationFailed({"cell": f"{cell} is not on this board."})

    def shown(self, *, favourites_only: bool = False) -> list[BoardCell]:
        return [c for _, cells in self.rows(favourites_only=favourites_only) for c in cells]


@dataclass(frozen=True)
class BoardInputs:
    """What the writer needs for a board: each cell's brief snapshot, in board order."""

    campaign_id: int
    campaign_name: str
    axis: str
    favourites: frozenset[str]
    briefs: tuple[tuple[str, dict[str, Any]], ...]  # (cell id, brief snapshot)


def board_briefs(workspace_id: int, campaign_id: Any, axis: str = "styles") -> BoardInputs:
    """Every cell's brief: the campaign as a step would snapshot it, with the cell's stage and
    style (or trigger) as a project's overrides (so "Make this" gets the same brief)."""
    check_axis(axis)
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        cells = [cell_id(stage, column) for stage in STAGES for column in columns(axis)]
        briefs = tuple((cell, brief_snapshot(campaign, cell_overrides(cell))) for cell in cells)
        return BoardInputs(
            campaign_id=campaign.id,
            campaign_name=campaign.name,
            axis=axis,
            favourites=frozenset(_favourites(campaign)),
            briefs=briefs,
        )


# --------------------------------------------------------------------------- favourites


def _favourites(campaign: Campaign) -> list[str]:
    stored = campaign.board_favourites if isinstance(campaign.board_favourites, list) else []
    out: list[str] = []
    for cell in stored:
        try:
            parse_cell(cell)
        except ValidationFailed:
            continue  # a hand edit or an axis value since removed: not a cell any more
        if cell not in out:
            out.append(cell)
    return out


def favourites(workspace_id: int, campaign_id: Any) -> list[str]:
    """The cells the team marked, in the order they were marked."""
    with session_scope() as s:
        return _favourites(load_campaign(s, workspace_id, campaign_id))


def set_favourite(workspace_id: int, campaign_id: Any, cell: str, favourite: bool) -> list[str]:
    """Mark (or unmark) a cell; returns the favourites now. Idempotent."""
    parse_cell(cell)
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        # serialise with another member's click (PostgreSQL row lock; SQLite writes one at once)
        s.refresh(campaign, with_for_update=True)
        marked = _favourites(campaign)
        if favourite and cell not in marked:
            marked.append(cell)
        elif not favourite:
            marked = [c for c in marked if c != cell]
        campaign.board_favourites = marked[:MAX_FAVOURITES]
        return list(campaign.board_favourites)


def toggle_favourite(workspace_id: int, campaign_id: Any, cell: str) -> bool:
    """Flip a cell's mark; returns whether it is a favourite now."""
    on = cell not in favourites(workspace_id, campaign_id)
    set_favourite(workspace_id, campaign_id, cell, on)
    return on


# --------------------------------------------------------------------------- "Make this"


def cell_brief(workspace_id: int, campaign_id: Any, cell: str) -> dict[str, Any]:
    """One cell's brief snapshot (as :func:`board_briefs` gives it)."""
    overrides = cell_overrides(cell)
    with session_scope() as s:
        return brief_snapshot(load_campaign(s, workspace_id, campaign_id), overrides)


def make_from_cell(
    workspace_id: int, campaign_id: Any, cell: str, kind: str = "video", *, seed: int
) -> int:
    """A new draft project (a video or a banner) with the cell's awareness stage and style or
    trigger, whose ideas walk starts at ``seed`` (the cell's: its first ideas step opens on the
    cell's hook; a banner's first design writes the cell's headline). Nothing runs and nothing
    is charged: the Studio runs its steps as usual. Returns the project's id."""
    if kind not in MAKE_KINDS:
        raise ValidationFailed({"kind": "Make a video or a banner from a cell."})
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 1:
        raise ValidationFailed({"seed": "The cell's seed is a whole number from 1."})
    overrides = cell_overrides(cell)
    with session_scope() as s:
        cid = load_campaign(s, workspace_id, campaign_id).id
    look = "video ad" if kind == "video" else "banner"
    project_id = create_project(
        workspace_id,
        cid,
        kind=kind,
        title=f"{cell_label(cell)} {look}",
        fmt=MAKE_KINDS[kind],
        length_s=30,
        overrides=overrides,
    )
    with session_scope() as s:  # the ideas' walk starts where the board's did
        project = s.get(Project, project_id)
        assert project is not None
        lineage = replace(options_of(project).lineage, idea_seed=seed, idea_round=0)
        project.options = options_with(project, lineage)
    return project_id


# --------------------------------------------------------------------------- exports

EXPORT_COLUMNS = (
    "cell", "awareness_stage", "axis", "column", "angle", "hook", "headline", "subline",
    "call_to_action", "more_hooks", "favourite",
)  # fmt: skip


def _row(board: Board, cell: BoardCell) -> dict[str, str]:
    return {
        "cell": cell.id,
        "awareness_stage": cell.stage_label,
        "axis": board.axis_label,
        "column": cell.column,
        "angle": cell.angle,
        "hook": cell.hook,
        "headline": cell.headline,
        "subline": cell.subline,
        "call_to_action": cell.call_to_action,
        "more_hooks": " / ".join(cell.more_hooks),
        "favourite": "yes" if cell.favourite else "",
    }


def board_csv(board: Board, *, favourites_only: bool = False) -> str:
    """The board as CSV: one row per cell, the columns of :data:`EXPORT_COLUMNS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for cell in board.shown(favourites_only=favourites_only):
        writer.writerow(_row(board, cell))
    return out.getvalue()


def _md_cell(text: str) -> str:
    """Text inside a Markdown table cell: no line breaks, pipes escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|") or "—"


def board_markdown(board: Board, *, favourites_only: bool = False) -> str:
    """The board as Markdown: a table per awareness stage (a row per style or trigger: hook,
    headline, angle, the other hooks), favourites starred."""
    lines = [
        f"# Strategy board: {_md_cell(board.campaign_name)}",
        "",
        f"Awareness stages × {board.axis_label.lower()}s. ★ marks a favourite.",
    ]
    for stage, cells in board.rows(favourites_only=favourites_only):
        lines += [
            "",
            f"## {AWARENESS_STAGES[stage]}",
            "",
            f"| {board.axis_label} | Hook | Headline | Angle | Other hooks |",
            "| --- | --- | --- | --- | --- |",
        ]
        for cell in cells:
            star = "★ " if cell.favourite else ""
            lines.append(
                f"| {star}{_md_cell(cell.column)} | {_md_cell(cell.hook)} | "
                f"{_md_cell(cell.headline)} | {_md_cell(cell.angle)} | "
                f"{_md_cell(' / '.join(cell.more_hooks))} |"
            )
    if favourites_only and not board.shown(favourites_only=True):
        lines += ["", "No favourites yet."]
    return "\n".join(lines) + "\n"


def board_json(board: Board, *, favourites_only: bool = False) -> dict[str, Any]:
    """The board as plain data (`aytada campaign board --json`)."""
    return {
        "campaign": board.campaign_id,
        "campaign_name": board.campaign_name,
        "axis": board.axis,
        "stages": list(STAGES),
        "columns": list(board.columns),
        "cells": [
            {
                **_row(board, c),
                "awareness_stage": c.stage,
                "stage_label": c.stage_label,
                "more_hooks": list(c.more_hooks),
                "favourite": c.favourite,
            }
            for c in board.shown(favourites_only=favourites_only)
        ],  # fmt: skip
    }


def with_favourites(board: Board, marked: Sequence[str]) -> Board:
    """The board with ``marked`` as its favourites (after a toggle, without writing again)."""
    chosen = set(marked)
    return replace(board, cells=tuple(replace(c, favourite=c.id in chosen) for c in board.cells))
