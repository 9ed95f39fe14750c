"""The strategy board (issue 24): a grid of hooks and headlines across awareness stages × creative
styles (or × persuasion triggers), written from the brief; favourites that persist in their
workspace; exports that hold every cell."""

from __future__ import annotations

import csv
import io
import re
import tomllib

import pytest

from aytada.core import board, campaigns
from aytada.core.db import session_scope
from aytada.core.errors import NotFound, ValidationFailed
from aytada.core.workspaces import create_workspace
from aytada.jobs.board import build_board
from aytada.jobs.providers import brief_from_snapshot
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS
from tests.providers.briefs import AGAINST_TYPE, AGAINST_TYPE_DIR
from tests.providers.test_copy_from_brief import foreign_share

pytestmark = pytest.mark.db


def _campaign(ws: int, name: str = "stride") -> int:
    data = tomllib.loads((AGAINST_TYPE_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    return campaigns.create_campaign(ws, data)


def test_the_board_has_a_cell_for_every_stage_and_style_or_trigger(workspace_id) -> None:
    cid = _campaign(workspace_id)
    for axis, columns in (("styles", CREATIVE_STYLES), ("triggers", PERSUASION_TRIGGERS)):
        grid = build_board(workspace_id, cid, axis)
        assert [(c.stage, c.column) for c in grid.cells] == [
            (stage, column) for stage in AWARENESS_STAGES for column in columns
        ]
        assert all(c.hook and c.headline and c.call_to_action for c in grid.cells)
        assert all(c.seed >= 1 for c in grid.cells)


def test_cells_differ_across_stages_and_across_styles(workspace_id) -> None:
    grid = build_board(workspace_id, _campaign(workspace_id))
    for style in CREATIVE_STYLES:  # down a column: the stage changes what the hook leads with
        column = [c for c in grid.cells if c.column == style]
        assert len({c.hook for c in column}) >= 3, [c.hook for c in column]
        assert len({c.angle for c in column}) >= 3
    direct = [c for c in grid.cells if c.column == "Direct Response"]
    assert len({c.hook for c in direct}) == len(AWARENESS_STAGES)
    assert len({c.headline for c in direct}) >= 3
    for stage in AWARENESS_STAGES:  # along a row: the style changes how the hook opens
        row = [c for c in grid.cells if c.stage == stage]
        assert len({c.hook for c in row}) >= 2, [c.hook for c in row]
    # the stage's hallmark leads: the struggle asked for the problem-aware, the offer and
    # the proof for those who know the product
    cell = grid.cell("problem_aware|Direct Response")
    assert cell.hook == "Want to walk further without knee pain?"
    assert grid.cell("product_aware|Direct Response").hook == "4.8 stars from 12,000 reviews."
    assert grid.cell("most_aware|Direct Response").hook == "Free 14-day trial."


@pytest.mark.parametrize("name", AGAINST_TYPE)
def test_every_hook_and_headline_says_only_what_the_brief_says(workspace_id, name) -> None:
    cid = _campaign(workspace_id, name)
    for axis in board.AXES:
        inputs = board.board_briefs(workspace_id, cid, axis)
        briefs = dict(inputs.briefs)
        for cell in build_board(workspace_id, cid, axis).cells:
            brief = brief_from_snapshot(briefs[cell.id])
            texts = [cell.hook, cell.headline, cell.subline, *cell.more_hooks]
            share, foreign = foreign_share(texts, brief)
            assert share == 0, f"{name} {cell.id}: not from the brief: {foreign}"
            said = " ".join([brief.audience, brief.messaging, brief.goals,
                             brief.product_description])  # fmt: skip
            for number in re.findall(r"\d[\d.,]*\d|\d", " ".join(texts)):
                assert number in said, f"{name} {cell.id}: {number} is not in the brief"


def test_favourites_persist_and_belong_to_their_workspace(workspace_id) -> None:
    cid = _campaign(workspace_id)
    assert board.favourites(workspace_id, cid) == []
    board.set_favourite(workspace_id, cid, "problem_aware|UGC Style", True)
    board.set_favourite(workspace_id, cid, "most_aware|Scarcity", True)
    board.set_favourite(workspace_id, cid, "problem_aware|UGC Style", True)  # idempotent
    assert board.favourites(workspace_id, cid) == ["problem_aware|UGC Style", "most_aware|Scarcity"]
    assert campaigns.get_campaign(workspace_id, cid).board_favourites == [
        "problem_aware|UGC Style",
        "most_aware|Scarcity",
    ]
    styles = build_board(workspace_id, cid, "styles")
    assert [c.id for c in styles.cells if c.favourite] == ["problem_aware|UGC Style"]
    triggers = build_board(workspace_id, cid, "triggers")
    assert [c.id for c in triggers.cells if c.favourite] == ["most_aware|Scarcity"]
    assert board.toggle_favourite(workspace_id, cid, "most_aware|Scarcity") is False
    assert board.favourites(workspace_id, cid) == ["problem_aware|UGC Style"]

    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    for call in (
        lambda: board.favourites(other, cid),
        lambda: board.set_favourite(other, cid, "unaware|Humor", True),
        lambda: build_board(other, cid),
        lambda: board.board_briefs(other, cid),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(NotFound):
        board.favourites(workspace_id, 999_999)
    for bad in ("unaware|Jazz", "sort_of_aware|Humor", "unaware", "", None, 7):
        with pytest.raises(ValidationFailed):
            board.set_favourite(workspace_id, cid, bad, True)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        build_board(workspace_id, cid, "moods")
    assert board.favourites(workspace_id, cid) == ["problem_aware|UGC Style"]


def test_a_favourite_that_is_no_cell_any_more_is_left_out(workspace_id) -> None:
    cid = _campaign(workspace_id)
    with session_scope() as s:
        row = campaigns.load_campaign(s, workspace_id, cid)
        row.board_favourites = ["unaware|Humor", "unaware|Retro", 3, "unaware|Humor"]
    assert board.favourites(workspace_id, cid) == ["unaware|Humor"]


def test_csv_and_markdown_hold_every_cell(workspace_id) -> None:
    cid = _campaign(workspace_id)
    board.set_favourite(workspace_id, cid, "solution_aware|Cinematic", True)
    for axis in board.AXES:
        grid = build_board(workspace_id, cid, axis)
        rows = list(csv.DictReader(io.StringIO(board.board_csv(grid))))
        assert [r["cell"] for r in rows] == [c.id for c in grid.cells]
        assert list(rows[0]) == list(board.EXPORT_COLUMNS)
        for row, cell in zip(rows, grid.cells, strict=True):
            assert (row["hook"], row["headline"], row["subline"]) == (
                cell.hook, cell.headline, cell.subline,
            )  # fmt: skip
            assert row["favourite"] == ("yes" if cell.favourite else "")
        md = board.board_markdown(grid)
        lines = md.splitlines()
        table_rows = [x for x in lines if x.startswith("| ") and "---" not in x]
        assert len(table_rows) == len(grid.cells) + len(AWARENESS_STAGES)  # + a header each
        for cell in grid.cells:
            assert f"| {cell.hook} | {cell.headline} |" in md.replace("\\|", "|")
        for stage in AWARENESS_STAGES.values():
            assert f"## {stage}\n" in md
        data = board.board_json(grid)
        assert [c["cell"] for c in data["cells"]] == [c.id for c in grid.cells]

    grid = build_board(workspace_id, cid, "styles")
    only = list(csv.DictReader(io.StringIO(board.board_csv(grid, favourites_only=True))))
    assert [r["cell"] for r in only] == ["solution_aware|Cinematic"]
    md = board.board_markdown(grid, favourites_only=True)
    assert "★ Cinematic" in md and "## Solution aware" in md and "## Unaware" not in md
    triggers = build_board(workspace_id, cid, "triggers")
    assert "No favourites yet." in board.board_markdown(triggers, favourites_only=True)


def test_make_from_cell_refuses_what_is_not_a_cell_or_a_kind(workspace_id) -> None:
    cid = _campaign(workspace_id)
    with pytest.raises(ValidationFailed):
        board.make_from_cell(workspace_id, cid, "unaware|Humor", "jingle", seed=3)
    with pytest.raises(ValidationFailed):
        board.make_from_cell(workspace_id, cid, "unaware|Nope", "video", seed=3)
    with pytest.raises(ValidationFailed):
        board.make_from_cell(workspace_id, cid, "unaware|Humor", "video", seed=0)
    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    with pytest.raises(NotFound):
        board.make_from_cell(other, cid, "unaware|Humor", "video", seed=3)
