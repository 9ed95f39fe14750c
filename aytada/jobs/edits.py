"""Edits of what an asset says that make it again: a banner's or flyer's words, a jingle's lyrics.

Banner and flyer words are saved by `aytada.core.projects.save_copy`; the typography step then
sets the design again with them. That step is free (its price in the pipeline table is none), so
an edit never costs credits. A jingle's lyrics: when its music is instrumental (nobody sings,
e.g. the offline synthesizer) they are a text for a singer, saved as they are, free; when they
are sung, the jingle step sings the edited lyrics (charged as its price says, shown on the
button) and its success stores them with the new music. The Studio's "Save words" and
"Save lyrics" and `aytada project edit-copy` call this.
"""

from __future__ import annotations

from typing import Any

from aytada.core import projects
from aytada.core.errors import ValidationFailed
from aytada.jobs.runner import Started, start_step

LYRICS = "lyrics"


def edit_copy(
    workspace_id: int, project_id: Any, fields: dict[str, Any], *, user_id: int | None = None
) -> Started:
    """Save the edited words (some of headline, subline, call to action) and set the design
    again with them. Saving the same words sets it again too (after a queue outage, say).
    A jingle's ``{"lyrics": …}`` goes to :func:`edit_lyrics`."""
    if LYRICS in fields:
        others = sorted(set(fields) - {LYRICS})
        if others:
            raise ValidationFailed({k: "Lyrics are edited on their own." for k in others})
        return edit_lyrics(workspace_id, project_id, fields[LYRICS], user_id=user_id)
    projects.save_copy(workspace_id, project_id, fields)
    return start_step(workspace_id, project_id, "compose", user_id=user_id)


def edit_lyrics(
    workspace_id: int, project_id: Any, text: object, *, user_id: int | None = None
) -> Started:
    """A jingle's edited lyrics. Instrumental: saved, nothing made again, free (no generation
    started). Sung: the jingle step sings them (its price); unchanged lyrics start nothing."""
    clean = projects.clean_lyrics(text)
    current, sung = projects.jingle_lyrics(workspace_id, project_id)
    if not sung:
        projects.save_lyrics(workspace_id, project_id, clean)
        return Started([], 0)
    if clean == current:
        return Started([], 0)
    return start_step(workspace_id, project_id, "jingle", params={LYRICS: clean}, user_id=user_id)
