"""A/B variants as the pages and the CLI make them: `aytada.core.projects.make_variant`, with a
new voice named with the voice provider in use.

The voiceover speaks a project's chosen voice only with the provider that voice belongs to
(another provider would not know the id), so a voice variant records it. When the provider's
voices can be listed, the voice must be one of them; when they cannot (no espeak-ng yet, an API
that does not answer), the variant is still made — the voiceover step says what is wrong.
"""

from __future__ import annotations

from typing import Any

from aytada.core import projects
from aytada.core.errors import ValidationFailed
from aytada.jobs import voices


def make_variant(
    workspace_id: int, project_id: Any, axis: str | None = None, value: Any = None
) -> int:
    """A variant of the project along ``axis`` (see `projects.make_variant`)."""
    if axis != "voice":
        return projects.make_variant(workspace_id, project_id, axis, value)
    listed = voices.available_voices()
    chosen = value.strip() if isinstance(value, str) else value
    if not listed.error and chosen and chosen not in listed.ids:
        shown = ", ".join(listed.ids[:6]) + (", …" if len(listed.ids) > 6 else "")
        raise ValidationFailed({"value": f"Choose one of the listed voices ({shown})."})
    return projects.make_variant(
        workspace_id, project_id, axis, value, voice_provider=listed.provider
    )
