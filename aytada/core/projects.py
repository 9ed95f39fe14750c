"""Projects: creation, the My Videos listing, edits between steps, soft delete."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from aytada import vocabulary
from aytada.core import statuses
from aytada.core.campaigns import load_campaign
from aytada.core.db import session_scope
from aytada.core.errors import Conflict, NotFound, ValidationFailed
from aytada.core.formats import DESIGN_FORMATS, KINDS, LENGTHS, QUALITIES, VIDEO_FORMATS
from aytada.core.inputs import parse_id, text_problem
from aytada.core.models import Asset, Campaign, Generation, Project, utcnow
from aytada.core.statuses import ACTIVE, Status

PAGE_SIZE = 24


@dataclass(frozen=True)
class ProjectCard:
    id: int
    title: str
    kind: str
    format: str
    length_s: int
    status: str
    created_at: datetime
    campaign_id: int
    campaign_name: str
    thumbnail: str
    error: str | None

    @property
    def action(self) -> str | None:
        return statuses.action_label(self.status)

    @property
    def progress(self) -> float:
        return statuses.progress(self.status)

    @property
    def active(self) -> bool:
        return statuses.is_active(self.status)


@dataclass(frozen=True)
class ProjectPage:
    cards: list[ProjectCard]
    total: int
    page: int
    pages: int
    any_active: bool


def _validate_new(kind: str, title: str, fmt: str, length_s: int, quality: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose video, banner, flyer or jingle."
    if not isinstance(title, str) or not title.strip():
        errors["title"] = "Give the project a title."
    elif len(title.strip()) > 120:
        errors["title"] = "Keep the title under 120 characters."
    elif text_problem(title):
        errors["title"] = text_problem(title) or ""
    if kind == "video":
        if fmt not in VIDEO_FORMATS:
            errors["format"] = "Choose 9:16, 1:1 or 16:9."
        if length_s not in LENGTHS:
            errors["length_s"] = "Choose 15, 30 or 60 seconds."
        if quality not in QUALITIES:
            errors["quality"] = "Choose Standard or Pro."
    elif kind in ("banner", "flyer") and fmt not in DESIGN_FORMATS:
        errors["format"] = "Choose one of the size presets."
    elif kind == "jingle" and length_s not in LENGTHS:
        errors["length_s"] = "Choose 15, 30 or 60 seconds."
    return errors


def create_project(
    workspace_id: int,
    campaign_id: Any,
    *,
    kind: str = "video",
    title: str,
    fmt: str = "9:16",
    length_s: int = 30,
    quality: str = "pro",
    options: dict[str, Any] | None = None,
) -> int:
    """A new project in `draft` (no step has run yet)."""
    errors = _validate_new(kind, title, fmt, length_s, quality)
    if errors:
        raise ValidationFailed(errors)
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        project = Project(
            workspace_id=workspace_id,
            campaign_id=campaign.id,
            kind=kind,
            title=title.strip(),
            format=fmt if kind != "jingle" else "audio",
            length_s=length_s,
            quality=quality,
            status=Status.DRAFT.value,
            options=dict(options or {}),
        )
        s.add(project)
        s.flush()
        return project.id


def load_project(session: Session, workspace_id: int, project_id: Any) -> Project:
    """The workspace's non-deleted project, or NotFound (bad, deleted or foreign ids)."""
    project = session.get(Project, parse_id(project_id, "Project"))
    if project is None or project.workspace_id != workspace_id or project.deleted_at is not None:
        raise NotFound("Project", project_id)
    return project


def get_project(workspace_id: int, project_id: Any) -> Project:
    with session_scope() as s:
        return load_project(s, workspace_id, project_id)


def cas_status(
    session: Session, project_id: int, target: str, expected: Iterable[str] | None = None
) -> bool:
    """Compare-and-set the project status; only legal transitions from `expected` apply."""
    sources = statuses.sources_for(target)
    if expected is not None:
        sources = sources & {Status(e) for e in expected}
    result = session.execute(
        update(Project)
        .where(
            Project.id == project_id,
            Project.status.in_([s.value for s in sources]),
            Project.deleted_at.is_(None),
        )
        .values(status=target, updated_at=utcnow())
    )
    return result.rowcount == 1


def list_projects(
    workspace_id: int,
    *,
    status: str | None = None,
    kind: str | None = None,
    campaign_id: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ProjectPage:
    """My Videos: one page of non-deleted projects, newest first, in three statements."""
    base = [Project.workspace_id == workspace_id, Project.deleted_at.is_(None)]
    filters = list(base)
    if status:
        filters.append(Project.status == status)
    if kind:
        filters.append(Project.kind == kind)
    if campaign_id:
        filters.append(Project.campaign_id == campaign_id)
    with session_scope() as s:
        total = s.scalar(select(func.count()).select_from(Project).where(*filters)) or 0
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = s.execute(
            select(
                Project.id,
                Project.title,
                Project.kind,
                Project.format,
                Project.length_s,
                Project.status,
                Project.created_at,
                Project.campaign_id,
                Campaign.name,
                Project.options,
                Project.error,
            )
            .join(Campaign, Campaign.id == Project.campaign_id)
            .where(*filters)
            .order_by(Project.created_at.desc(), Project.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        any_active = (
            s.scalar(
                select(Project.id)
                .where(*base, Project.status.in_([a.value for a in ACTIVE]))
                .limit(1)
            )
            is not None
        )
    cards = [
        ProjectCard(
            id=r[0],
            title=r[1],
            kind=r[2],
            format=r[3],
            length_s=r[4],
            status=r[5],
            created_at=r[6],
            campaign_id=r[7],
            campaign_name=r[8],
            thumbnail=(r[9] or {}).get("thumbnail", ""),
            error=r[10],
        )
        for r in rows
    ]
    return ProjectPage(cards, total, page, pages, any_active)


def has_active(workspace_id: int) -> bool:
    with session_scope() as s:
        return (
            s.scalar(
                select(Project.id)
                .where(
                    Project.workspace_id == workspace_id,
                    Project.deleted_at.is_(None),
                    Project.status.in_([a.value for a in ACTIVE]),
                )
                .limit(1)
            )
            is not None
        )


def counts_by_status(workspace_id: int) -> dict[str, int]:
    with session_scope() as s:
        rows = s.execute(
            select(Project.status, func.count())
            .where(Project.workspace_id == workspace_id, Project.deleted_at.is_(None))
            .group_by(Project.status)
        ).all()
    return {status: n for status, n in rows}


def soft_delete(workspace_id: int, project_id: Any) -> None:
    """Hide the project; generations, assets and the ledger stay for billing."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        project.deleted_at = utcnow()


def choose_idea(workspace_id: int, project_id: Any, index: int) -> None:
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        if statuses.is_active(project.status):
            raise Conflict("A step is running for this project; wait until it finishes.")
        if not isinstance(index, int) or not 0 <= index < len(project.ideas or []):
            raise ValidationFailed({"idea": "Pick one of the generated ideas."})
        project.chosen_idea = index


def _check_editable(project: Project) -> None:
    if statuses.is_active(project.status):
        raise Conflict("A step is running for this project; edits wait until it finishes.")


SCRIPT_FIELDS = tuple(vocabulary.SCRIPT_FIELDS)


def _carry_edits(old: dict[str, Any], new: dict[str, str]) -> dict[str, Any]:
    """The edited script, with edits of hook, body or call to action carried into the spoken
    voiceover when the user did not edit the voiceover itself (the script is the source of
    truth for scenes, captions and voice; stale per-line timings are dropped by the caller)."""
    merged = {**old, **new}
    if new["voiceover"] != (old.get("voiceover") or "").strip():
        return merged  # the user wrote the voiceover: it wins
    spoken = merged["voiceover"]
    for key in ("hook", "body", "call_to_action"):
        before = (old.get(key) or "").strip()
        if new[key] == before:
            continue
        if before and before in spoken:
            spoken = spoken.replace(before, new[key], 1)
        else:  # the voiceover no longer quotes the field: say the fields as written
            spoken = " ".join(new[k] for k in ("hook", "body", "call_to_action"))
            break
    merged["voiceover"] = spoken
    return merged


def save_script(workspace_id: int, project_id: Any, script: dict[str, str]) -> None:
    """Save an edited script. If scenes exist they become stale and the project returns to
    `script_ready` (the next step is a new scene breakdown)."""
    errors = {}
    clean: dict[str, Any] = {}
    for key in SCRIPT_FIELDS:
        value = script.get(key, "")
        if not isinstance(value, str):
            errors[key] = "Must be text."
            continue
        value = value.strip()
        if not value:
            errors[key] = "Cannot be empty."
        elif len(value) > 4000:
            errors[key] = "Keep it under 4000 characters."
        elif text_problem(value):
            errors[key] = text_problem(value) or ""
        clean[key] = value
    if errors:
        raise ValidationFailed(errors)
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        _check_editable(project)
        if project.script is None:
            raise Conflict("This project has no script yet.")
        if all(project.script.get(k) == clean[k] for k in SCRIPT_FIELDS):
            return
        project.script = {**_carry_edits(project.script, clean), "edited": True, "lines": []}
        if project.scenes:
            project.scenes_stale = True
            if project.status != Status.SCRIPT_READY.value:
                if not cas_status(s, project.id, Status.SCRIPT_READY.value):
                    raise Conflict("The project changed meanwhile; reload and try again.")


def save_scene(workspace_id: int, project_id: Any, index: int, fields: dict[str, Any]) -> None:
    """Edit one scene (caption, voiceover line, visual); its clip must be re-rendered."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        _check_editable(project)
        scenes = [dict(sc) for sc in project.scenes or []]
        if not 0 <= index < len(scenes):
            raise NotFound("Scene", index + 1)
        errors = {}
        for key in ("visual", "caption", "voiceover"):
            if key in fields:
                value = fields[key]
                if not isinstance(value, str) or not value.strip():
                    errors[key] = "Cannot be empty."
                elif len(value) > 1000:
                    errors[key] = "Keep it under 1000 characters."
                elif text_problem(value):
                    errors[key] = text_problem(value) or ""
                else:
                    scenes[index][key] = value.strip()
        if errors:
            raise ValidationFailed(errors)
        project.scenes = scenes
        segments = dict(project.segments or {})
        segments.pop(str(index), None)
        project.segments = segments
        if project.status in (Status.COMPLETED.value, Status.FAILED.value):
            # the edited scene needs a new clip: back to the Render step
            if cas_status(
                s,
                project.id,
                Status.SCENES_READY.value,
                [Status.COMPLETED.value, Status.FAILED.value],
            ):
                project.failed_step = None
                project.error = None


def generations_of(workspace_id: int, project_id: Any) -> list[Generation]:
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        return list(
            s.scalars(
                select(Generation)
                .where(Generation.project_id == project.id)
                .order_by(Generation.id.desc())
            )
        )


def assets_of(workspace_id: int, project_id: Any) -> list[Asset]:
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        return list(
            s.scalars(select(Asset).where(Asset.project_id == project.id).order_by(Asset.id))
        )


def get_asset(workspace_id: int, asset_id: int | None) -> Asset | None:
    if asset_id is None:
        return None
    with session_scope() as s:
        asset = s.get(Asset, asset_id)
        return asset if asset is not None and asset.workspace_id == workspace_id else None


def make_variant(workspace_id: int, project_id: Any) -> int:
    """A new draft with the same settings (A/B variant) in the same campaign."""
    with session_scope() as s:
        source = load_project(s, workspace_id, project_id)
        variant = Project(
            workspace_id=workspace_id,
            campaign_id=source.campaign_id,
            kind=source.kind,
            title=f"{source.title} (variant)"[:200],
            format=source.format,
            length_s=source.length_s,
            quality=source.quality,
            status=Status.DRAFT.value,
            options={k: v for k, v in (source.options or {}).items() if k != "thumbnail"},
        )
        s.add(variant)
        s.flush()
        return variant.id
