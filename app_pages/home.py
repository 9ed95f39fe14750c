"""Home: balance, counts by status, recent projects, shortcuts, and the first-run walk-through."""

from __future__ import annotations

import streamlit as st

from aytada.core.campaigns import list_campaigns
from aytada.core.projects import counts_by_status, list_projects
from aytada.core.workspaces import get_balance, get_credits
from aytada.ui import widgets as w

ws = w.start_page()
campaigns = list_campaigns(ws)
recent = list_projects(ws, page_size=6)

w.page_header("Aytada Studio", "Campaigns in, ads out.", processing=recent.any_active)
w.live_refresh(recent.any_active, key="home")

if not campaigns:
    w.empty_state(
        "Welcome! Let's make your first ad",
        "1. **Create a campaign**: describe your product, brand and audience once.\n"
        "2. **Make a video ad** in the Studio: pick an idea, edit the script and scenes.\n"
        "3. **Render and download** the MP4 (or make banners, flyers and jingles).\n\n"
        f"You have **{get_balance(ws):,} credits** to start with.",
        [("Create your first campaign", w.CAMPAIGNS, {"new": 1})],
        icon=":material/waving_hand:",
        key="firstrun",
    )
    st.stop()

summary = w.status_summary(counts_by_status(ws))
cols = st.columns(5)
shown = get_credits(ws)
cols[0].metric("Credits", f"{shown.available:,}", help=shown.held_text or None)
cols[1].metric("In progress", summary["active"])
cols[2].metric("Ready to continue", summary["resumable"])
cols[3].metric("Completed", summary["completed"])
cols[4].metric("Failed", summary["failed"])

with st.container(horizontal=True):
    w.nav_button(
        "New campaign", w.CAMPAIGNS, {"new": 1}, key="home-new-campaign", icon=":material/add:"
    )
    w.nav_button(
        "New video ad",
        w.STUDIO,
        {"kind": "video"},
        key="home-new-video",
        primary=True,
        icon=":material/movie:",
    )
    w.nav_button("All campaigns", w.CAMPAIGNS, key="home-campaigns")

st.subheader("Recent projects")
if not recent.cards:
    w.empty_state(
        "No projects yet",
        "Open a campaign and create a video ad, banner, flyer or jingle, or start a video ad "
        "right away.",
        [("New video ad", w.STUDIO, {"kind": "video"})],
        icon=":material/movie:",
        key="home-empty",
    )
else:
    w.card_grid(recent.cards, columns=3, key="home")
    w.nav_button("See all in My Videos", w.VIDEOS, key="home-all")
