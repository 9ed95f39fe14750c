"""Edits of what an asset says that set it again: a banner's or flyer's words.

The words are saved by `aytada.core.projects.save_copy`; the typography step then sets the
design again with them. That step is free (its price in the pipeline table is none), so an
edit never costs credits. The Studio's "Save words" and `aytada project edit-copy` call this.
"""

from __future__ import annotations

from typing import Any

from aytada.core import projects
from aytada.jobs.runner import Started, start_step


def edit_copy(
    workspace_id: int, project_id: Any, fields: dict[str, Any], *, user_id: int | None = None
) -> Started:
    """Save the edited words (some of headline, subline, call to action) and set the design
    again with them. Saving the same words sets it again too (after a queue outage, say)."""
    projects.save_copy(workspace_id, project_id, fields)
    return start_step(workspace_id, project_id, "compose", user_id=user_id)
