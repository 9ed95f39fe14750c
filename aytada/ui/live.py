"""The Studio's status watcher: a finished step shows within a second.

`st_autorefresh` reruns a page every POLL_MS (8000) ms while the query shows active work — the
product's rule, kept on every list and in the Studio. On top of it, while the Studio's own
project is active, a fragment ticks once a second, reads the project's status and version
(`updated_at`) with ONE primary-key query, and reruns the whole page when either changed —
the status moved on, a scene's clip arrived, the project failed or was deleted. When the
project is not active the watcher is not drawn at all: no timer, no query.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from aytada.core.projects import ProjectVersion, project_version, version_of
from aytada.core.statuses import is_active

WATCH_SECONDS = 1


def changed(workspace_id: int, project_id: int, drawn: ProjectVersion) -> bool:
    """One tick: one query; True when the project is no longer what the page was drawn for."""
    return project_version(workspace_id, project_id) != drawn


@st.fragment(run_every=WATCH_SECONDS)
def _watch(workspace_id: int, project_id: int, drawn: ProjectVersion) -> None:
    # Draws nothing; its arguments are the ones of the full run that drew the page.
    if changed(workspace_id, project_id, drawn):
        st.rerun(scope="app")


def status_watcher(workspace_id: int, project: Any) -> bool:
    """Watch `project` (the row the page was drawn from) while it is active; returns whether
    the watcher runs. Call it once per page run, after the page is drawn."""
    if not is_active(project.status):
        return False
    _watch(workspace_id, project.id, version_of(project))
    return True
