"""What UI tests read and set up: sample wizard data, database rows, and what a page shows."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from aytada.core import db
from aytada.core.models import Generation, Project
from tests.factories import SCENES  # noqa: F401  (the UI tests import it from here)

IDEAS = [
    {"title": f"Idea {i}", "angle": f"angle {i}", "hook": f"hook {i}", "approach": f"approach {i}"}
    for i in range(1, 4)
]
SCRIPT = {
    "hook": "Muddy trail? No problem.",
    "body": "Trailblazer grips where others slip.",
    "call_to_action": "Get yours today.",
    "voiceover": "Muddy trail? No problem. Trailblazer grips where others slip. Get yours today.",
    "lines": [],
}


def project_row(pid: int) -> Project:
    with db.session_scope() as s:
        project = s.get(Project, pid)
        assert project is not None
        return project


def generations(pid: int) -> list[Generation]:
    with db.session_scope() as s:
        return list(
            s.scalars(
                select(Generation).where(Generation.project_id == pid).order_by(Generation.id)
            )
        )


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, titles…), joined."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "code",
    ):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")  # markdown escapes of user text


def buttons(at: AppTest) -> dict[str, str]:
    """key → label of every button on the page."""
    return {b.key: b.label for b in at.button if b.key}


def has_autorefresh(at: AppTest) -> bool:
    return len(at.get("component_instance")) > 0
