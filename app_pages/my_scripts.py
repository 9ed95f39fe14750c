"""My Scripts: every script of the workspace's projects; search, copy, download."""

from __future__ import annotations

import streamlit as st

from aytada.core.library import list_scripts
from aytada.ui import widgets as w

ws = w.start_page()
w.page_header("My Scripts", "Every ad script you generated: review, copy or download it.")
search = st.text_input(
    "Search scripts",
    key="scripts_search",
    placeholder="A word from the hook, body, title or campaign",
)
scripts = list_scripts(ws, search or "")

if not scripts:
    if search:
        w.empty_state(
            "No script matches",
            f"Nothing contains “{search}”. Try another word.",
            icon=":material/search_off:",
            key="scripts-nomatch",
        )
    else:
        w.empty_state(
            "No scripts yet",
            "Scripts appear here once you generate one: open a video ad in the Studio, pick an "
            "idea and click **Generate script**.",
            [("My Videos", w.VIDEOS, None), ("New video ad", w.STUDIO, {"kind": "video"})],
            icon=":material/description:",
            key="scripts-empty",
        )
for entry in scripts:
    with st.container(border=True):
        st.markdown(f"**{w.md(entry.project_title)}**")
        campaign = w.md(entry.campaign_name)
        st.caption(f"Campaign: {campaign} · updated {w.fmt_date(entry.updated_at)}")
        st.code(entry.as_text(), language=None, wrap_lines=True)
        with st.container(horizontal=True):
            for ext, body, mime in (
                (".txt", entry.as_text(), "text/plain"),
                (".md", entry.as_markdown(), "text/markdown"),
            ):
                st.download_button(
                    f"Download {ext}",
                    body,
                    file_name=w.safe_name(entry.project_title, ext),
                    mime=mime,
                    key=f"{ext[1:]}-{entry.project_id}",
                    icon=":material/download:",
                    on_click="ignore",
                )
            w.nav_button(
                "Open in Studio",
                w.STUDIO,
                {"project": entry.project_id},
                key=f"open-{entry.project_id}",
            )
