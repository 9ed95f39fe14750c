"""Studio (`?project=`): the Create Ad wizard, the project's outputs, step history and errors.

Without `?project=` it is the first wizard step: campaign, kind, title, format and length
(`?campaign=` and `?kind=` preselect). The sections live in `aytada.ui.studio_sections`.
"""

from __future__ import annotations

import streamlit as st

from aytada.core.campaigns import get_campaign, list_campaigns
from aytada.core.credits import quote
from aytada.core.projects import generations_of, get_project
from aytada.ui import live
from aytada.ui import studio_sections as sections
from aytada.ui import widgets as w

ws = w.start_page()
project_param = st.query_params.get("project")

if not project_param:
    w.page_header("Create an ad", "Pick the campaign, what to make, and its format.")
    campaigns = list_campaigns(ws)
    if not campaigns:
        w.empty_state(
            "Create a campaign first",
            "Every ad reads a campaign's product, brand and strategy. It takes a minute.",
            [("New campaign", w.CAMPAIGNS, {"new": 1})],
            icon=":material/campaign:",
            key="studio-nocampaign",
        )
    else:
        sections.new_project_form(
            ws,
            campaigns,
            campaign=st.query_params.get("campaign", ""),
            kind=st.query_params.get("kind", "video"),
        )
    st.stop()

project = w.load_or_not_found(
    get_project, ws, project_param, back_page=w.VIDEOS, back_label="Back to My Videos"
)
history = generations_of(ws, project.id)
studio = sections.Studio(ws, project, quote(ws, project.id), history)
w.page_header(project.title, processing=studio.busy)
w.live_refresh(studio.busy, key="studio")  # the product's 8 s rule
sections.project_header(studio, get_campaign(ws, project.campaign_id))
sections.failure_notice(studio)
sections.project_panel(studio)
sections.step_history(history)
live.status_watcher(ws, project)  # while a step runs: one query a second, rerun on change
