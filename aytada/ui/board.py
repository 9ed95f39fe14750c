"""The Campaign Hub's strategy board: hooks and headlines across awareness stages × creative
styles (or × persuasion triggers), side by side; ☆/★ marks a favourite (kept on the campaign,
for the whole team); "Make video" / "Make banner" creates a draft with the cell's stage, style
(or trigger) and hook and opens it in the Studio, where its steps run as usual; the board (or
its favourites) downloads as Markdown or CSV.

Free: the board is text written by the offline writer from the brief (`aytada.jobs.board`),
nothing is queued or charged. What a board is lives in `aytada.core.board`.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core import board as boards
from aytada.jobs.board import build_board, make_from_cell
from aytada.ui import widgets as w

# columns of the grid per axis (10 styles: two rows of 5; 6 triggers: two rows of 3)
_PER_ROW = {"styles": 5, "triggers": 3}
_MAKES = (  # kind, button, what the new project keeps of the cell
    ("video", "Make video", "whose first idea is this hook"),
    ("banner", "Make banner", "whose headline is this one"),
)


def _toggle(workspace_id: int, campaign_id: int, cell: str, on: bool) -> None:
    """Callback of ☆/★: mark or unmark the cell (another member's marks are kept)."""
    w.run_action(lambda: boards.set_favourite(workspace_id, campaign_id, cell, on))


def _make(workspace_id: int, campaign_id: int, cell: str, kind: str) -> None:
    """Callback of "Make video" / "Make banner": the draft, then the Studio."""
    w.run_action(
        lambda: make_from_cell(workspace_id, campaign_id, cell, kind),
        success=f"Made from the board ({boards.cell_label(cell)}): run its steps here.",
        then=w.open_studio,
    )


def _cell(workspace_id: int, campaign_id: int, cell: boards.BoardCell) -> None:
    key = f"board-{campaign_id}-{cell.id}"
    with st.container(border=True, key=f"{key}-box"):
        st.caption(f"{w.md(cell.column)} · {w.md(cell.angle)}")
        st.markdown(f"**{w.md(cell.hook)}**")
        st.markdown(f"Headline: {w.md(cell.headline)}")
        if cell.more_hooks:
            st.caption("Also: " + " · ".join(w.md(h) for h in cell.more_hooks))
        with st.container(horizontal=True):
            st.button(
                "★" if cell.favourite else "☆",
                key=f"{key}-fav",
                on_click=_toggle,
                args=(workspace_id, campaign_id, cell.id, not cell.favourite),
                help="Remove from the favourites" if cell.favourite else "Mark as a favourite",
            )
            for kind, label, says in _MAKES:
                st.button(
                    label,
                    key=f"{key}-make-{kind}",
                    on_click=_make,
                    args=(workspace_id, campaign_id, cell.id, kind),
                    help=f"A new {kind} with {cell.label} {says}: it opens in the Studio, "
                    "where you run its steps.",
                )


def strategy_board(workspace_id: int, campaign_id: int) -> None:
    """The board section of the Campaign Hub."""
    st.subheader("Strategy board")
    st.caption(
        "Compare angles before paying for any render: the hook a video would open on and a "
        "banner's headline for every awareness stage, written from this campaign's brief. "
        "Free (text only). ★ keeps a cell for the team; Make video or Make banner opens a "
        "draft in the Studio with that stage, style and hook."
    )
    # drawn on demand: its 50 cells are most of a hub run's cost, paid only by who looks
    if not st.toggle("Show the strategy board", key=f"board-open-{campaign_id}"):
        return
    axis_key, only_key = f"board-axis-{campaign_id}", f"board-only-{campaign_id}"
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    axis = left.radio(
        "Compare the stages by",
        list(boards.AXES),
        format_func=lambda a: f"{boards.AXES[a][1]}s",
        horizontal=True,
        key=axis_key,
    )
    only = right.toggle("Favourites only", key=only_key)
    grid = build_board(workspace_id, campaign_id, axis or "styles")
    shown = grid.shown(favourites_only=only)
    if not shown:
        st.info("No favourites on this board yet: mark a cell with ☆.", icon=":material/star:")
    per_row = _PER_ROW[grid.axis]
    for stage, cells in grid.rows(favourites_only=only):
        st.markdown(f"##### {w.md(boards.AWARENESS_STAGES[stage])}")
        for start in range(0, len(cells), per_row):
            row = cells[start : start + per_row]
            for col, cell in zip(st.columns(per_row), row, strict=False):
                with col:
                    _cell(workspace_id, campaign_id, cell)
    stem = f"{grid.campaign_name} board {grid.axis}" + (" favourites" if only else "")
    exports = (("Markdown", boards.board_markdown, ".md", "text/markdown", "md"),
               ("CSV", boards.board_csv, ".csv", "text/csv", "csv"))  # fmt: skip
    with st.container(horizontal=True):
        for label, export, suffix, mime, short in exports:
            st.download_button(
                f"Download {label}",
                data=partial(_encoded, export, grid, only),
                file_name=w.safe_name(stem, suffix),
                mime=mime,
                key=f"board-{short}-{campaign_id}",
                icon=":material/download:",
                on_click="ignore",
                disabled=not shown,
            )


def _encoded(export, grid, only: bool) -> bytes:  # type: ignore[no-untyped-def]
    return export(grid, favourites_only=only).encode()
