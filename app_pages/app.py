"""The app's frame, run by Home.py on every run: page config, who the run acts for (sign-in),
navigation, workspace, sidebar."""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core.workspaces import get_credits
from aytada.jobs.providers import provider_names
from aytada.jobs.supervisor import health_line
from aytada.ui import access as acc
from aytada.ui import widgets as w
from aytada.ui.streamlit_compat import requested_unknown_page


def main() -> None:
    st.set_page_config(page_title="Aytada Studio", page_icon="🎬", layout="wide")
    access = acc.current()  # signed out, or in no workspace: that screen is drawn, nothing else
    if access is None:
        st.stop()
    pages = [
        st.Page(w.HOME, title="Home", icon=":material/home:", default=True),
        st.Page(w.CAMPAIGNS, title="Campaigns", icon=":material/campaign:", url_path="campaigns"),
        st.Page(w.HUB, title="Campaign Hub", url_path="campaign", visibility="hidden"),
        st.Page(w.STUDIO, title="Studio", url_path="studio", visibility="hidden"),
        st.Page(w.VIDEOS, title="My Videos", icon=":material/movie:", url_path="videos"),
        st.Page(w.SCRIPTS, title="My Scripts", icon=":material/description:", url_path="scripts"),
        st.Page(w.IMAGES, title="My Images", icon=":material/image:", url_path="images"),
        st.Page(w.CREDITS, title="Credits", icon=":material/toll:", url_path="credits"),
        st.Page(w.TEAM, title="Workspace", icon=":material/group:", url_path="workspace"),
    ]
    page = st.navigation(pages)
    back = acc.pop_return()  # the page asked for before signing in (Streamlit returns to "/")
    if back is not None:
        path, params = back
        asked = next((p for p in pages if p.url_path == path), None)
        if asked is not None and asked.url_path != page.url_path:
            st.switch_page(asked, query_params=params or None)
    w.follow_goto()

    w.set_access(access)
    acc.account_sidebar(access, on_switch=partial(w.go, w.HOME))
    try:
        providers, provider_error = provider_names(), ""
    except Exception as exc:  # a bad PROVIDER_* override: say so, keep the app usable
        providers, provider_error = None, str(exc)
    shown = get_credits(access.workspace_id)  # the balance less what running work holds
    w.sidebar(shown.available, providers, provider_error, held=shown.held)

    w.health(health_line())  # `aytada up`'s children: running, restarted, down

    if requested_unknown_page():  # a mistyped or old link: say so rather than show Home
        w.not_found("There is no page at this address.", w.HOME, "Go to Home")
    page.run()
