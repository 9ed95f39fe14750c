"""`aytada campaign board ID`: the strategy board as text, JSON, Markdown or CSV, by styles or
triggers; --star/--unstar mark cells (the hub's favourites), --favourites keeps them."""

from __future__ import annotations

import csv
import io
import json
import tomllib

import pytest

from aytada.core import board, campaigns
from aytada.jobs.board import build_board
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS
from tests.providers.briefs import AGAINST_TYPE_DIR
from tests.test_cli import _fails_cleanly, in_process

pytestmark = pytest.mark.db


def _campaign(ws: int) -> int:
    data = tomllib.loads((AGAINST_TYPE_DIR / "stride.toml").read_text(encoding="utf-8"))
    return campaigns.create_campaign(ws, data)


def test_board_prints_every_cell_as_text_and_json(app_env, workspace_id) -> None:
    cid = _campaign(workspace_id)
    grid = build_board(workspace_id, cid)
    out = in_process(app_env, "campaign", "board", str(cid))
    assert out.returncode == 0, out.stderr
    for cell in grid.cells:
        assert f"{cell.id}  ({cell.angle})" in out.stdout
        assert f"hook:     {cell.hook}\n" in out.stdout
    assert all(f"\n{label}\n" in out.stdout for label in AWARENESS_STAGES.values())

    out = in_process(app_env, "campaign", "board", str(cid), "--json")
    data = json.loads(out.stdout)
    assert (data["campaign"], data["axis"], data["columns"]) == (cid, "styles",
                                                                 list(CREATIVE_STYLES))  # fmt: skip
    assert [(c["cell"], c["hook"], c["headline"]) for c in data["cells"]] == [
        (c.id, c.hook, c.headline) for c in grid.cells
    ]
    out = in_process(app_env, "campaign", "board", str(cid), "--json", "--by", "triggers")
    data = json.loads(out.stdout)
    assert data["columns"] == list(PERSUASION_TRIGGERS)
    assert len(data["cells"]) == len(AWARENESS_STAGES) * len(PERSUASION_TRIGGERS)


def test_board_exports_and_favourites(app_env, workspace_id) -> None:
    cid = _campaign(workspace_id)
    out = in_process(app_env, "campaign", "board", str(cid), "--star", "most_aware|Humor")
    assert out.returncode == 0, out.stderr
    assert board.favourites(workspace_id, cid) == ["most_aware|Humor"]
    assert "★ most_aware|Humor" in out.stdout

    out = in_process(app_env, "campaign", "board", str(cid), "--csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == len(AWARENESS_STAGES) * len(CREATIVE_STYLES)
    assert [r["cell"] for r in rows if r["favourite"]] == ["most_aware|Humor"]
    out = in_process(app_env, "campaign", "board", str(cid), "--markdown", "--favourites")
    assert out.stdout.startswith("# Strategy board: ") and "★ Humor" in out.stdout
    assert "## Most aware" in out.stdout and "## Unaware" not in out.stdout

    out = in_process(app_env, "campaign", "board", str(cid), "--unstar", "most_aware|Humor",
                     "--favourites")  # fmt: skip
    assert out.returncode == 0 and board.favourites(workspace_id, cid) == []
    assert "no favourites yet" in out.stderr


def test_board_errors_are_clear_and_change_nothing(app_env, workspace_id) -> None:
    cid = _campaign(workspace_id)
    _fails_cleanly(in_process(app_env, "campaign", "board", "999999"), "was not found")
    _fails_cleanly(
        in_process(app_env, "campaign", "board", str(cid), "--star", "unaware|Jazz"),
        "is not a cell of the strategy board",
    )
    out = in_process(app_env, "campaign", "board", str(cid), "--by", "moods")
    assert out.returncode == 2 and "invalid choice" in out.stderr
    out = in_process(app_env, "campaign", "board", str(cid), "--csv", "--json")
    assert out.returncode == 2 and "not allowed with" in out.stderr
    assert board.favourites(workspace_id, cid) == []
