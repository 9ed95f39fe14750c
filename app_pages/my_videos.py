"""My Videos: a card per project, newest first, 24 at a time ("Show more", per filter); polls
every 8000 ms only while one is active."""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core import statuses
from aytada.core.formats import KINDS
from aytada.core.projects import first_projects, soft_delete
from aytada.ui import widgets as w

ws = w.start_page()
status = st.session_state.get("myvideos_status")
kind = st.session_state.get("myvideos_kind")
SHOWN = f"myvideos_shown_{status}_{kind}"  # each filter's list keeps its own "Show more"
result = first_projects(ws, pages=w.pages_shown(SHOWN), status=status, kind=kind)

w.page_header(
    "My Videos",
    "Every ad project: resume drafts, follow renders, open finished ads.",
    processing=result.any_active,
)
w.live_refresh(result.any_active, key="myvideos")

f1, f2, f3 = st.columns([2, 2, 3], vertical_alignment="bottom")
f1.selectbox(
    "Status",
    w.status_options(),
    index=None,
    format_func=statuses.label,
    placeholder="All statuses",
    key="myvideos_status",
)
f2.selectbox(
    "Kind",
    KINDS,
    index=None,
    format_func=w.KIND_LABELS.get,
    placeholder="All kinds",
    key="myvideos_kind",
)
f3.caption(f"{result.total} project{'s' if result.total != 1 else ''}")

if not result.cards:
    if status or kind:
        w.empty_state(
            "Nothing matches these filters",
            "Clear the status or kind filter to see all your projects.",
            icon=":material/search_off:",
            key="myvideos-nomatch",
        )
    else:
        w.empty_state(
            "No projects yet",
            "Your video ads, banners, flyers and jingles appear here. Create a campaign, then "
            "start a video ad from its hub.",
            [("New video ad", w.STUDIO, {"kind": "video"}), ("Campaigns", w.CAMPAIGNS, None)],
            icon=":material/movie:",
            key="myvideos-empty",
        )
else:
    w.card_grid(result.cards, columns=3, key="mv", delete=lambda pid: partial(soft_delete, ws, pid))
    w.show_more(result, state=SHOWN, key="mv")
