"""My Scripts and My Images: views over projects' scripts and image assets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from aytada.core.db import session_scope
from aytada.core.models import Asset, Campaign, Project

IMAGE_ROLES = {
    "scene_still": "Scene stills",
    "product_shot": "Product shots",
    "banner": "Banners",
    "flyer": "Flyers",
}


@dataclass(frozen=True)
class ScriptEntry:
    project_id: int
    project_title: str
    campaign_name: str
    updated_at: datetime
    hook: str
    body: str
    call_to_action: str
    voiceover: str

    def as_text(self) -> str:
        return (
            f"{self.project_title}\n\nHOOK\n{self.hook}\n\nBODY\n{self.body}\n\n"
            f"CALL TO ACTION\n{self.call_to_action}\n\nVOICEOVER\n{self.voiceover}\n"
        )

    def as_markdown(self) -> str:
        return (
            f"# {self.project_title}\n\n*Campaign: {self.campaign_name}*\n\n"
            f"## Hook\n{self.hook}\n\n## Body\n{self.body}\n\n"
            f"## Call to action\n{self.call_to_action}\n\n## Voiceover\n{self.voiceover}\n"
        )


@dataclass(frozen=True)
class ImageEntry:
    asset_id: int
    path: str
    role: str
    project_id: int
    project_title: str
    created_at: datetime
    mime_type: str


def list_scripts(workspace_id: int, search: str = "", limit: int = 200) -> list[ScriptEntry]:
    with session_scope() as s:
        rows = s.execute(
            select(Project.id, Project.title, Campaign.name, Project.updated_at, Project.script)
            .join(Campaign, Campaign.id == Project.campaign_id)
            .where(
                Project.workspace_id == workspace_id,
                Project.deleted_at.is_(None),
                Project.script.is_not(None),
            )
            .order_by(Project.updated_at.desc(), Project.id.desc())
        ).all()
    needle = search.strip().lower()
    out = []
    for pid, title, cname, updated, script in rows:
        if not script:
            continue
        entry = ScriptEntry(
            pid,
            title,
            cname,
            updated,
            script.get("hook", ""),
            script.get("body", ""),
            script.get("call_to_action", ""),
            script.get("voiceover", ""),
        )
        if needle and needle not in entry.as_text().lower() and needle not in cname.lower():
            continue
        out.append(entry)
        if len(out) >= limit:
            break
    return out


def list_images(workspace_id: int, role: str | None = None, limit: int = 120) -> list[ImageEntry]:
    with session_scope() as s:
        query = (
            select(
                Asset.id,
                Asset.path,
                Asset.role,
                Project.id,
                Project.title,
                Asset.created_at,
                Asset.mime_type,
            )
            .join(Project, Project.id == Asset.project_id)
            .where(
                Asset.workspace_id == workspace_id,
                Asset.kind == "image",
                Project.deleted_at.is_(None),
            )
            .order_by(Asset.id.desc())
            .limit(limit)
        )
        if role:
            query = query.where(Asset.role == role)
        rows = s.execute(query).all()
    return [ImageEntry(*r) for r in rows]
