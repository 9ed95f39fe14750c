"""Small read-only queries the UI needs that the core modules do not offer (yet).

`quote` is `aytada.core.credits.quote` limited to the steps of the project's kind: the general
one prices every step for every kind and fails for a video project ("design" has no price for
the kind "video").
"""

from __future__ import annotations

from typing import Any

from aytada.core import credits
from aytada.core.db import session_scope
from aytada.core.projects import load_project
from aytada.core.steps import STEPS


def quote(workspace_id: int, project_id: Any) -> dict[str, int]:
    """The cost of each next action of a project (keys: its kind's step names; for videos also
    "render", the Render button's whole chain, and "render_one", re-rendering one scene)."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        costs = {
            name: credits.step_price(s, project, name)
            for name, spec in STEPS.items()
            if project.kind in spec.kinds
        }
        if project.kind == "video":
            scenes = project.scenes or []
            segments = project.segments or {}
            missing = sum(1 for i in range(len(scenes)) if str(i) not in segments)
            costs["render"] = credits.render_chain_cost(s, project, missing or len(scenes))
            costs["render_one"] = credits.render_chain_cost(s, project, 1)
        return costs
