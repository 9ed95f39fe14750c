"""My Scripts and My Images: views over projects' scripts and image assets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from aytada.core.db import session_scope
from aytada.core.models import Asset, Campaign, Project
from aytada.vocabulary import SCRIPT_FIELDS

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
    parts: dict[str, str]  # every `SCRIPT_FIELDS` key → its text ("" when missing)

    def as_text(self) -> str:
        body = "".join(f"\n\n{f.label.upper()}\n{self.parts[k]}" for k, f in SCRIPT_FIELDS.items())
        return f"{self.project_title}{body}\n"

    def as_markdown(self) -> str:
        body = "".join(f"\n\n## {f.label}\n{self.parts[k]}" for k, f in SCRIPT_FIELDS.items())
        return f"# {self.project_title}\n\n*Campaign: {self.campaign_name}*{body}\n"


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
        parts = {key: script.get(key, "") for key in SCRIPT_FIELDS}
        entry = ScriptEntry(pid, title, cname, updated, parts)
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
