"""The Campaign Hub's strategy board: the grid by styles or triggers, ☆/★ favourites that stay,
"favourites only", Make video / Make banner opening a draft in the Studio, the downloads."""

from __future__ import annotations

import tomllib

from aytada.core import board, campaigns, projects
from aytada.core.options import options_of
from aytada.jobs.board import build_board
from aytada.ui.widgets import HUB
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS
from tests.providers.briefs import AGAINST_TYPE_DIR
from tests.ui.helpers import texts


def _campaign(ws: int) -> int:
    data = tomllib.loads((AGAINST_TYPE_DIR / "stride.toml").read_text(encoding="utf-8"))
    return campaigns.create_campaign(ws, data)


def _hub(app, cid: int):  # type: ignore[no-untyped-def]
    """The Campaign Hub with its strategy board shown (drawn on demand)."""
    at = app(HUB, id=cid)
    assert not [b for b in at.button if b.key and b.key.startswith(f"board-{cid}-")]
    return at.toggle(key=f"board-open-{cid}").set_value(True).run()


def _cell_keys(at, cid: int, suffix: str) -> list[str]:  # type: ignore[no-untyped-def]
    prefix = f"board-{cid}-"
    return [
        b.key[len(prefix) : -len(suffix)]
        for b in at.button
        if b.key and b.key.startswith(prefix) and b.key.endswith(suffix)
    ]


def test_the_board_shows_every_cell_by_styles_or_triggers(app, ws) -> None:
    cid = _campaign(ws)
    at = _hub(app, cid)
    assert not at.exception
    shown = texts(at)
    assert "Strategy board" in shown
    grid = build_board(ws, cid)
    assert _cell_keys(at, cid, "-fav") == [c.id for c in grid.cells]
    for cell in grid.cells:
        assert cell.hook in shown and f"Headline: {cell.headline}" in shown
    for stage in AWARENESS_STAGES.values():
        assert stage in shown
    assert len(grid.cells) == len(AWARENESS_STAGES) * len(CREATIVE_STYLES)

    at.radio(key=f"board-axis-{cid}").set_value("triggers").run()
    assert not at.exception
    triggers = build_board(ws, cid, "triggers")
    assert _cell_keys(at, cid, "-fav") == [c.id for c in triggers.cells]
    assert len(triggers.cells) == len(AWARENESS_STAGES) * len(PERSUASION_TRIGGERS)
    downloads = [el.proto.label for el in at.get("download_button")]
    assert downloads == ["Download Markdown", "Download CSV"]


def test_a_star_is_kept_and_favourites_only_filters(app, ws) -> None:
    cid = _campaign(ws)
    at = _hub(app, cid)
    cell = "problem_aware|Testimonial"
    star = at.button(key=f"board-{cid}-{cell}-fav")
    assert star.label == "☆"
    star.click().run()
    assert not at.exception
    assert board.favourites(ws, cid) == [cell]
    assert at.button(key=f"board-{cid}-{cell}-fav").label == "★"

    at.toggle(key=f"board-only-{cid}").set_value(True).run()
    assert _cell_keys(at, cid, "-fav") == [cell]
    again = _hub(app, cid)  # another visit (or a teammate): the star is on the campaign
    assert again.button(key=f"board-{cid}-{cell}-fav").label == "★"

    at.button(key=f"board-{cid}-{cell}-fav").click().run()
    assert board.favourites(ws, cid) == []
    assert _cell_keys(at, cid, "-fav") == []
    assert "No favourites on this board yet" in texts(at)


def test_make_video_opens_a_draft_with_the_cells_stage_style_and_seed(app, ws) -> None:
    cid = _campaign(ws)
    cell = build_board(ws, cid).cell("product_aware|Humor")
    at = _hub(app, cid)
    before = {card.id for card in projects.list_projects(ws).cards}
    at.button(key=f"board-{cid}-{cell.id}-make-video").click().run()
    assert not at.exception
    pid = int(str(at.query_params.get("project")).strip("[]'\""))
    assert pid not in before
    project = projects.get_project(ws, pid)
    assert (project.kind, project.status, project.campaign_id) == ("video", "draft", cid)
    opts = options_of(project)
    assert opts.choices.overrides == {"awareness_stage": "product_aware", "creative_style": "Humor"}
    assert opts.lineage.idea_seed == cell.seed

    at = _hub(app, cid)
    at.button(key=f"board-{cid}-most_aware|Luxury-make-banner").click().run()
    pid = int(str(at.query_params.get("project")).strip("[]'\""))
    banner = projects.get_project(ws, pid)
    assert (banner.kind, banner.format) == ("banner", "1080x1080")
