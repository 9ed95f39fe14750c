"""Read-only views of a project as plain data (what `aytada project show --json` prints).

Everything here is JSON-serialisable: dates are ISO 8601 strings, asset paths are resolved to
local absolute paths under MEDIA_DIR (``s3://`` addresses with an S3 store, MEDIA_URL).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from aytada.core import media
from aytada.core.db import session_scope
from aytada.core.models import Asset, Generation
from aytada.core.options import options_of
from aytada.core.projects import load_project

# The keys of `project_report`, in the order they are printed.
PROJECT_KEYS = (
    "id",
    "kind",
    "status",
    "title",
    "format",
    "length_s",
    "quality",
    "ideas",
    "chosen_idea",
    "script",
    "scenes",
    "copy",
    "lyrics",
    "instrumental",
    "assets",
    "credits",
    "generations",
    "error",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def project_report(workspace_id: int, project_id: Any) -> dict[str, Any]:
    """One project with its assets, its generations (oldest first) and the credits charged."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        assets = s.scalars(
            select(Asset).where(Asset.project_id == project.id).order_by(Asset.id)
        ).all()
        gens = s.scalars(
            select(Generation).where(Generation.project_id == project.id).order_by(Generation.id)
        ).all()
        charged = s.scalar(
            select(func.coalesce(func.sum(Generation.credits_charged), 0)).where(
                Generation.project_id == project.id
            )
        )
        made = options_of(project).outputs
        report = {
            "id": project.id,
            "kind": project.kind,
            "status": project.status,
            "title": project.title,
            "format": project.format,
            "length_s": project.length_s,
            "quality": project.quality,
            "ideas": list(project.ideas or []),
            "chosen_idea": project.chosen_idea,
            "script": dict(project.script) if project.script is not None else None,
            "scenes": [dict(sc) for sc in project.scenes or []],
            # a banner's or flyer's words; a jingle's lyrics (None until written, or no such)
            "copy": asdict(made.copy) if made.copy is not None else None,
            "lyrics": made.lyrics or None,
            # a made jingle: True when nobody sings its lyrics (a text for a singer)
            "instrumental": not made.sung if project.kind == "jingle" and made.lyrics else None,
            "assets": [
                {"role": a.role, "kind": a.kind, "path": media.location(a.path)} for a in assets
            ],
            "credits": int(charged or 0),
            "generations": [
                {
                    "id": g.id,
                    "step": g.step,
                    "scene": g.scene_index if g.scene_index >= 0 else None,
                    "state": str(g.state),
                    "provider": g.provider,
                    "model": g.model,
                    "credits": g.credits_charged,
                    "error": g.error,
                    "created_at": _iso(g.created_at),
                    "finished_at": _iso(g.finished_at),
                }
                for g in gens
            ],
            "error": project.error,
        }
    return {key: report[key] for key in PROJECT_KEYS}


SUBTITLE_ROLES = ("subtitles_srt", "subtitles_vtt")  # a video's subtitle files (the stitch's)


def output_paths(workspace_id: int, project_id: Any) -> list[str]:
    """Local absolute path(s) of a project's finished output (empty until it completes): the
    file, and for a video its .srt and .vtt subtitles when the render made them."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        if project.output_asset_id is None:
            return []
        asset = s.get(Asset, project.output_asset_id)
        if asset is None:
            return []
        paths = [asset.path]
        if asset.generation_id is not None and asset.kind == "video":
            paths += s.scalars(
                select(Asset.path)
                .where(
                    Asset.generation_id == asset.generation_id,
                    Asset.role.in_(SUBTITLE_ROLES),
                )
                .order_by(Asset.role)
            ).all()
    # S3 store: downloaded into MEDIA_DIR
    return [str(media.fetch(path).resolve()) for path in paths]
