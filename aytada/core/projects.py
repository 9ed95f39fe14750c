"""Projects: creation, the My Videos listing, edits between steps, soft delete."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from aytada import vocabulary
from aytada.core import statuses
from aytada.core.campaigns import (
    AWARENESS_STAGES,
    CREATIVE_STYLES,
    OVERRIDABLE,
    PERSUASION_TRIGGERS,
    choice_label,
    clean_overrides,
    load_campaign,
)
from aytada.core.db import get_engine, session_scope
from aytada.core.errors import Conflict, NotFound, ValidationFailed
from aytada.core.formats import (
    DESIGN_FORMAT_LABELS,
    DESIGN_FORMATS,
    KINDS,
    LENGTHS,
    QUALITIES,
    VIDEO_FORMATS,
)
from aytada.core.inputs import destination_problem, parse_id, text_problem
from aytada.core.models import Asset, Campaign, Generation, Project, utcnow
from aytada.core.options import (
    Choices,
    Lineage,
    Outputs,
    ProjectOptions,
    options_of,
    options_with,
    voice_id_problem,
)
from aytada.core.pipeline import DESIGN_KINDS
from aytada.core.statuses import ACTIVE, Status

PAGE_SIZE = 24


# the project columns a card shows as they are stored (with the campaign's name beside them)
_CARD_COLUMNS = (
    "id", "title", "kind", "format", "length_s", "status", "created_at", "campaign_id", "error",
)  # fmt: skip


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
    # the project's own strategy choices (A/B variants) and what it is a variant of
    overrides: dict[str, str] = field(default_factory=dict)
    variant_of: int | None = None
    variant_axis: str = ""
    variant_change: str = ""  # e.g. "Creative style: Cinematic" ("" for a same-settings copy)
    voice: str = ""  # the project's own voice ("": the workspace's or the provider's default)
    # the campaign's awareness stage, creative style and persuasion trigger as they are now
    campaign_strategy: dict[str, str] = field(default_factory=dict)

    @property
    def action(self) -> str | None:
        return statuses.action_label(self.status)

    @property
    def progress(self) -> float:
        return statuses.progress(self.status)

    @property
    def active(self) -> bool:
        return statuses.is_active(self.status)


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The first ``page`` pages of a list that has ``pages`` pages and ``total`` items in all:
    what "Showing 24 of 130 · Show more" needs (``ui.widgets.show_more``)."""

    items: list[T]
    total: int
    page: int
    pages: int

    @property
    def shown(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class ProjectPage(Page[ProjectCard]):
    any_active: bool

    @property
    def cards(self) -> list[ProjectCard]:
        return self.items


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
    choices: Choices | None = None,
    overrides: dict[str, Any] | None = None,
) -> int:
    """A new project in `draft` (no step has run yet), with `choices` (default: none made).
    `overrides`: the project's own awareness stage, creative style or persuasion trigger
    (empty: as the campaign)."""
    errors = _validate_new(kind, title, fmt, length_s, quality)
    try:
        chosen = clean_overrides(overrides or {})
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    choices = choices or Choices()
    if chosen:
        choices = replace(choices, overrides=chosen)
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
            options=ProjectOptions(choices=choices).to_json(),
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
    # an UPDATE's result is a CursorResult (Session.execute is typed as returning a Result)
    return cast(CursorResult[Any], result).rowcount == 1


def _listed(
    workspace_id: int,
    *,
    status: str | None = None,
    kind: str | None = None,
    campaign_id: int | None = None,
) -> list[Any]:
    """The WHERE clause of a listing: the workspace's non-deleted projects, filtered."""
    filters = [Project.workspace_id == workspace_id, Project.deleted_at.is_(None)]
    if status:
        filters.append(Project.status == status)
    if kind:
        filters.append(Project.kind == kind)
    if campaign_id:
        filters.append(Project.campaign_id == campaign_id)
    return filters


def _cards(
    s: Session, filters: list[Any], *, limit: int | None = None, offset: int = 0
) -> list[ProjectCard]:
    """The cards of the projects ``filters`` select, newest first: one statement, LIMITed."""
    query = (
        select(
            *(getattr(Project, name) for name in _CARD_COLUMNS),
            Campaign.name.label("campaign_name"),
            Project.options,
            *(getattr(Campaign, axis) for axis in OVERRIDABLE),
        )
        .join(Campaign, Campaign.id == Project.campaign_id)
        .where(*filters)
        .order_by(Project.created_at.desc(), Project.id.desc())
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    cards = []
    for r in s.execute(query).all():
        row = r._asdict()
        opts = options_of(row.pop("options"))
        strategy = {axis: row.pop(axis) or "" for axis in OVERRIDABLE}
        card = ProjectCard(
            **row,
            thumbnail=opts.outputs.thumbnail,
            overrides=dict(opts.choices.overrides),
            variant_of=opts.lineage.variant_of,
            variant_axis=opts.lineage.variant_axis,
            variant_change=_variant_change(opts, row["format"], row["length_s"]),
            voice=opts.choices.voice,
            campaign_strategy=strategy,
        )
        cards.append(card)
    return cards


def _any_active(s: Session, workspace_id: int) -> bool:
    """Whether any project of the workspace is at work (the lists poll while one is)."""
    found = s.scalar(
        select(Project.id)
        .where(
            *_listed(workspace_id),
            Project.status.in_([a.value for a in ACTIVE]),
        )
        .limit(1)
    )
    return found is not None


def list_projects(
    workspace_id: int,
    *,
    status: str | None = None,
    kind: str | None = None,
    campaign_id: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ProjectPage:
    """One page of non-deleted projects, newest first, in three statements."""
    filters = _listed(workspace_id, status=status, kind=kind, campaign_id=campaign_id)
    with session_scope() as s:
        total = s.scalar(select(func.count()).select_from(Project).where(*filters)) or 0
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        cards = _cards(s, filters, limit=page_size, offset=(page - 1) * page_size)
        any_active = _any_active(s, workspace_id)
    return ProjectPage(cards, total, page, pages, any_active)


def first_projects(
    workspace_id: int,
    *,
    pages: int = 1,
    status: str | None = None,
    kind: str | None = None,
    campaign_id: int | None = None,
) -> ProjectPage:
    """A "Show more" list (My Videos, the Campaign Hub): the first ``pages`` pages of
    :data:`PAGE_SIZE` cards, newest first, and the total, in three statements (the cards'
    query LIMITed in SQL). ``page`` is the number of pages shown (at most ``pages``, the
    number there are)."""
    page = list_projects(
        workspace_id, status=status, kind=kind, campaign_id=campaign_id, page=1,
        page_size=PAGE_SIZE * max(1, pages),
    )  # fmt: skip
    there_are = max(1, -(-page.total // PAGE_SIZE))
    return replace(page, page=min(max(1, pages), there_are), pages=there_are)


def counts_by_kind(workspace_id: int, campaign_id: int) -> dict[str, int]:
    """The campaign's non-deleted projects by kind (every kind, 0 when it has none)."""
    with session_scope() as s:
        rows = s.execute(
            select(Project.kind, func.count())
            .where(*_listed(workspace_id, campaign_id=campaign_id))
            .group_by(Project.kind)
        ).all()
    found = {kind: n for kind, n in rows}
    return {kind: found.get(kind, 0) for kind in KINDS}


FAMILIES_PER_PAGE = 4  # A/B families the hub shows per "Show more" page


@dataclass(frozen=True)
class Family:
    """An A/B family: the asset the variants were made from, and its variants (oldest first)."""

    original: ProjectCard
    variants: list[ProjectCard]


@dataclass(frozen=True)
class FamilyPage(Page[Family]):
    """The first pages of a campaign's A/B families, newest variant first."""

    @property
    def families(self) -> list[Family]:
        return self.items


def variant_families(workspace_id: int, campaign_id: int, *, pages: int = 1) -> FamilyPage:
    """The campaign's A/B families, wherever they are in its list: the first ``pages`` pages
    of :data:`FAMILIES_PER_PAGE`, the family with the newest variant first. One statement on
    the projects' lineage, and one for the cards of the families shown (a family whose
    original was deleted is not one)."""
    filters = _listed(workspace_id, campaign_id=campaign_id)
    with session_scope() as s:
        lineage = s.execute(select(Project.id, Project.options["lineage"]).where(*filters)).all()
        listed = {pid for pid, _ in lineage}
        members: dict[int, list[int]] = {}
        for pid, raw in lineage:
            source = options_of({"lineage": raw}).lineage.variant_of
            if source is not None and source in listed:
                members.setdefault(source, []).append(pid)
        order = sorted(members, key=lambda source: max(members[source]), reverse=True)
        there_are = max(1, -(-len(order) // FAMILIES_PER_PAGE))
        page = min(max(1, pages), there_are)
        chosen = order[: page * FAMILIES_PER_PAGE]
        ids = {pid for source in chosen for pid in (source, *members[source])}
        cards = (
            {card.id: card for card in _cards(s, [*filters, Project.id.in_(ids)])} if ids else {}
        )
    families = [
        Family(cards[source], sorted((cards[v] for v in members[source] if v in cards),
                                     key=lambda card: card.id))
        for source in chosen
        if source in cards
    ]  # fmt: skip
    return FamilyPage(families, len(order), page, there_are)


def has_active(workspace_id: int) -> bool:
    """Whether the workspace has a project in an active status.

    One SELECT answered by the partial index ``ix_projects_workspace_active``, on a plain
    connection in autocommit: a one-row read needs no ORM session and no BEGIN/COMMIT round
    trips, which were most of its time (bench/active_check.py)."""
    stmt = (
        select(Project.id)
        .where(
            Project.workspace_id == workspace_id,
            Project.deleted_at.is_(None),
            Project.status.in_([a.value for a in ACTIVE]),
        )
        .limit(1)
    )
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return conn.execute(stmt).first() is not None


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


COPY_FIELDS = tuple(vocabulary.COPY_FIELDS)
MAX_COPY_CHARS = 200


def copy_problem(field: str, value: object) -> str | None:
    """Why ``value`` cannot be a banner's or flyer's ``field``, or None."""
    if not isinstance(value, str):
        return "Must be text."
    if field == "destination":  # no word count: a web address, @handle or phone (or none)
        return destination_problem(value)
    text = value.strip()
    if not text and field != "subline":
        return "Cannot be empty."
    if len(text) > MAX_COPY_CHARS:
        return f"Keep it under {MAX_COPY_CHARS} characters."
    words, limit = len(text.split()), vocabulary.COPY_WORD_LIMITS[field]
    if words > limit:
        return f"At most {limit} words (this has {words})."
    return text_problem(text)


def save_copy(workspace_id: int, project_id: Any, fields: dict[str, Any]) -> bool:
    """Edit a banner's or flyer's words (``fields``: some of headline, subline, call to action,
    destination).

    Returns whether anything changed; the caller then sets the design again (the typography
    step, free). Refuses, changing nothing, while a step runs, before the design step wrote
    its words, or with a message per field that cannot be used."""
    unknown = sorted(set(fields) - set(COPY_FIELDS))
    if unknown:
        raise ValidationFailed({k: f"Unknown field; the fields are {', '.join(COPY_FIELDS)}."
                                for k in unknown})  # fmt: skip
    errors = {k: p for k, v in fields.items() if (p := copy_problem(k, v))}
    if errors:
        raise ValidationFailed(errors)
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        if project.kind not in DESIGN_KINDS:
            raise Conflict(f"A {project.kind} project has no banner or flyer words.")
        _check_editable(project)
        made = options_of(project).outputs
        if made.copy is None:
            raise Conflict("Write the copy and picture first.")
        edited = replace(made.copy, **{k: str(v).strip() for k, v in fields.items()})
        if edited == made.copy:
            return False
        project.options = options_with(project, replace(made, copy=edited))
        project.updated_at = utcnow()
        return True


MAX_LYRICS_CHARS = 2000


def clean_lyrics(value: object) -> str:
    """Typed lyrics as stored (each line's trailing spaces and the outer blank lines
    dropped), or ValidationFailed on ``lyrics`` saying what is wrong."""
    problem = "Must be text." if not isinstance(value, str) else None
    text = ""
    if isinstance(value, str):
        text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n"))
        text = text.strip()
        if not text:
            problem = "Cannot be empty."
        elif len(text) > MAX_LYRICS_CHARS:
            problem = f"Keep them under {MAX_LYRICS_CHARS} characters."
        else:
            problem = text_problem(text)
    if problem:
        raise ValidationFailed({"lyrics": problem})
    return text


def jingle_lyrics(workspace_id: int, project_id: Any) -> tuple[str, bool]:
    """A jingle's lyrics and whether its music sings them, checked for an edit: refuses
    (Conflict) on another kind, while a step runs, or before the jingle step wrote them."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        return _editable_lyrics(project)


def _editable_lyrics(project: Project) -> tuple[str, bool]:
    if project.kind != "jingle":
        raise Conflict(f"A {project.kind} project has no lyrics.")
    _check_editable(project)
    made = options_of(project).outputs
    if not made.lyrics:
        raise Conflict("Make the jingle first: it writes the lyrics.")
    return made.lyrics, made.sung


def save_lyrics(workspace_id: int, project_id: Any, text: object) -> bool:
    """Edit an instrumental jingle's lyrics (a text for a singer: nothing is heard, so nothing
    is made again and nothing is charged). Returns whether anything changed.

    A sung jingle's lyrics change only with its music: `aytada.jobs.edits.edit_copy` sings the
    edited lyrics again (the jingle step), and its success stores them."""
    clean = clean_lyrics(text)
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        lyrics, sung = _editable_lyrics(project)
        if sung:
            raise Conflict("These lyrics are sung: saving them makes the jingle again.")
        if clean == lyrics:
            return False
        made = options_of(project).outputs
        project.options = options_with(project, replace(made, lyrics=clean))
        project.updated_at = utcnow()
        return True


def save_scene(workspace_id: int, project_id: Any, index: int, fields: dict[str, Any]) -> None:
    """Edit one scene (caption, voiceover line, visual); its clip must be re-rendered."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        _check_editable(project)
        scenes = [dict(sc) for sc in project.scenes or []]
        if not 0 <= index < len(scenes):
            raise NotFound("Scene", index + 1)
        errors: dict[str, str] = {}
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
                    if key == "voiceover":  # its measured length was the old line's
                        scenes[index].pop("spoken_s", None)
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


# What "Make a variant" may change (axis → label), and which kinds have it.
VARIANT_AXES: dict[str, str] = {
    "awareness_stage": "Awareness stage",
    "creative_style": "Creative style",
    "persuasion_trigger": "Persuasion trigger",
    "length_s": "Length",
    "format": "Format / size",
    "voice": "Voice",
}
_AXIS_KINDS = {"length_s": ("video", "jingle"), "format": ("video", "banner", "flyer"),
               "voice": ("video",)}  # fmt: skip


def _variant_change(options: ProjectOptions, fmt: str, length_s: int) -> str:
    """What an A/B variant changed, as its card says it ("Length: 15 s")."""
    axis = options.lineage.variant_axis
    if axis not in VARIANT_AXES:
        return ""
    value: str | int
    if axis in OVERRIDABLE:
        value = options.choices.overrides.get(axis, "")
    elif axis == "voice":
        value = options.choices.voice
    else:
        value = fmt if axis == "format" else length_s
    return f"{VARIANT_AXES[axis]}: {axis_label(axis, value)}"


def variant_axes(kind: str) -> dict[str, str]:
    """The axes a variant of a `kind` project can change (axis → label)."""
    return {a: label for a, label in VARIANT_AXES.items() if kind in _AXIS_KINDS.get(a, KINDS)}


def axis_choices(kind: str, axis: str) -> dict[Any, str] | None:
    """The values an axis offers (value → label); None: free text (a voice name)."""
    if axis == "awareness_stage":
        return dict(AWARENESS_STAGES)
    if axis == "creative_style":
        return {v: v for v in CREATIVE_STYLES}
    if axis == "persuasion_trigger":
        return {v: v for v in PERSUASION_TRIGGERS}
    if axis == "length_s":
        return {n: f"{n} s" for n in LENGTHS}
    if axis == "format":
        return {f: f for f in VIDEO_FORMATS} if kind == "video" else dict(DESIGN_FORMAT_LABELS)
    return None


def axis_value(project: Project, axis: str) -> Any:
    """The value the project uses on an axis now (its override, else its campaign's)."""
    if axis in OVERRIDABLE:
        own = options_of(project).choices.overrides.get(axis)
        return own or getattr(project.campaign, axis)
    if axis == "voice":
        return options_of(project).choices.voice
    return getattr(project, axis)


def proposed_value(card: ProjectCard, axis: str) -> Any:
    """What the variant form proposes on an axis before the user picks: the campaign's current
    awareness stage, creative style or persuasion trigger; the project's own format, length or
    voice ("" when it has none of its own)."""
    if axis in OVERRIDABLE:
        return card.campaign_strategy.get(axis, "")
    if axis == "voice":
        return card.voice
    return card.format if axis == "format" else card.length_s


def axis_label(axis: str, value: Any) -> str:
    if axis == "length_s":
        return f"{value} s"
    if axis == "format":
        return DESIGN_FORMAT_LABELS.get(value, value).split(" · ")[0]
    return choice_label(axis, value) if axis in OVERRIDABLE else str(value)


def _variant_value(kind: str, axis: Any, value: Any) -> Any:
    if not isinstance(axis, str) or axis not in variant_axes(kind):
        raise ValidationFailed({"axis": "Choose what the variant changes."})
    choices = axis_choices(kind, axis)
    if choices is None:  # a voice: free text
        if not isinstance(value, str) or not value.strip():
            raise ValidationFailed({"value": "Name the voice the variant uses."})
        value = value.strip()
        problem = "Keep it under 100 characters." if len(value) > 100 else text_problem(value)
        if not problem and voice_id_problem(value):  # it would read as no voice at all
            problem = "A voice id has only letters, digits and . _ + - (e.g. en-gb)."
        if problem:
            raise ValidationFailed({"value": problem})
        return value
    if isinstance(value, bool) or value not in choices:
        raise ValidationFailed({"value": "Pick one of the listed values."})
    return value


# What a video variant along an axis keeps of its source's work: another format or voice
# leaves the script and the scenes as they are (the format changes the frames: the clips are
# made again; the voice changes only what is said over them: the clips are kept); another
# length keeps the script, and its scenes are made again at the new length. Another stage,
# style or trigger changes what the ad says: that variant starts from new ideas.
KEEPS: dict[str, tuple[str, ...]] = {
    "format": ("ideas", "script", "scenes"),
    "length_s": ("ideas", "script"),
    "voice": ("ideas", "script", "scenes", "clips"),
}


def _kept_work(source: Project, axis: str | None) -> dict[str, Any]:
    """The fields a variant along ``axis`` starts with: its source's ideas and chosen idea,
    its script with the user's edits, its scenes (edits too) and its scene clips, as far as
    they still hold (`KEEPS`), and the ready status after the last of them — so the variant's
    next step is the first one the change invalidates. Empty: it starts from new ideas."""
    keeps = KEEPS.get(axis or "", ()) if source.kind == "video" else ()
    kept: dict[str, Any] = {}
    if "ideas" in keeps and source.ideas:
        kept.update(ideas=list(source.ideas), chosen_idea=source.chosen_idea,
                    status=Status.IDEAS_READY.value)  # fmt: skip
    if "script" in keeps and source.script:
        # a new length: the script's per-line timings go (the scenes step times them again)
        script = dict(source.script) if "scenes" in keeps else {**source.script, "lines": []}
        kept.update(script=script, status=Status.SCRIPT_READY.value)
        if "scenes" in keeps and source.scenes and not source.scenes_stale:
            scenes = [dict(scene) for scene in source.scenes]
            kept.update(scenes=scenes, scenes_stale=False, status=Status.SCENES_READY.value)
            if "clips" in keeps:
                kept["segments"] = {
                    key: asset
                    for key, asset in (source.segments or {}).items()
                    if key.isdigit() and int(key) < len(scenes)
                }
    return kept


def make_variant(
    workspace_id: int,
    project_id: Any,
    axis: str | None = None,
    value: Any = None,
    *,
    voice_provider: str = "",
) -> int:
    """A new project in the same campaign (an A/B variant). Without `axis` it has the same
    settings; with one (`VARIANT_AXES`) it changes that axis to `value` — which must differ
    from what the project uses — and is labelled with the change.

    A video variant along the format, the length or the voice keeps what still holds of its
    source's work (`KEEPS`: the script with its edits, the scenes, the clips) and rests at the
    status before the first step the change invalidates (format: the render; length: the
    scenes; voice: the voiceover when every scene has its clip). Any other variant is a draft
    whose ideas start elsewhere in the writer's walk than its source's (another seed round),
    so it runs from different ideas.

    `voice_provider`: the provider a new voice belongs to (`aytada.jobs.variants` names the
    one in use); the voiceover speaks a chosen voice only with its own provider."""
    with session_scope() as s:
        source = load_project(s, workspace_id, project_id)
        own = options_of(source)
        # the source's choices; what it made (its outputs) is not copied: the variant makes its own
        choices = replace(own.choices, autorun=False)  # a variant runs by the user's clicks
        fields = {"format": source.format, "length_s": source.length_s}
        title = f"{source.title} (variant)"
        if axis is not None:
            value = _variant_value(source.kind, axis, value)
            if value == axis_value(source, axis):
                raise ValidationFailed(
                    {"value": f"It already uses {axis_label(axis, value)}: pick another value."}
                )
            if axis in OVERRIDABLE:
                choices = replace(choices, overrides={**choices.overrides, axis: value})
            elif axis == "voice":
                provider = voice_provider or choices.voice_provider
                choices = replace(choices, voice=value, voice_provider=provider)
            else:
                fields[axis] = value
            title = f"{source.title} ({VARIANT_AXES[axis]}: {axis_label(axis, value)})"
        ideas_runs = s.scalar(
            select(func.count())
            .select_from(Generation)
            .where(Generation.project_id == source.id, Generation.step == "ideas")
        )
        siblings = sum(
            1
            for opts in s.scalars(
                select(Project.options).where(Project.campaign_id == source.campaign_id)
            )
            if options_of(opts).lineage.variant_of == source.id
        )
        lineage = Lineage(
            variant_of=source.id,
            variant_axis=axis or "",
            idea_seed=own.lineage.idea_seed or source.id,
            idea_round=own.lineage.idea_round + max(1, ideas_runs or 0) + siblings,
        )
        kept = _kept_work(source, axis)
        made = Outputs()
        if kept.get("segments") and own.outputs.thumbnail:  # its clips' picture, kept with them
            made = Outputs(thumbnail=own.outputs.thumbnail)
        variant = Project(
            workspace_id=workspace_id,
            campaign_id=source.campaign_id,
            kind=source.kind,
            title=title[:200],
            format=fields["format"],
            length_s=fields["length_s"],
            quality=source.quality,
            status=kept.pop("status", Status.DRAFT.value),
            options=ProjectOptions(choices=choices, outputs=made, lineage=lineage).to_json(),
            **kept,
        )
        s.add(variant)
        s.flush()
        return variant.id


ProjectVersion = tuple[str, datetime | None]


def version_of(project: Project) -> ProjectVersion:
    """What the Studio's status watcher compares: the status and the row's last change."""
    return (project.status, project.updated_at)


def project_version(workspace_id: int, project_id: int) -> ProjectVersion | None:
    """The project's (status, updated_at) in ONE primary-key query; None once it is deleted,
    gone or foreign. The Studio's once-a-second watcher calls this while a step runs."""
    with session_scope() as s:
        row = s.execute(
            select(Project.status, Project.updated_at).where(
                Project.id == project_id,
                Project.workspace_id == workspace_id,
                Project.deleted_at.is_(None),
            )
        ).first()
    return (row[0], row[1]) if row is not None else None


# ------------------------------------------------------------------ settings until the render


@dataclass(frozen=True)
class SettingsChange:
    """What `change_settings` did: the fields that changed and what must be made again."""

    changed: tuple[str, ...]
    redo: tuple[str, ...]  # sentences for the user (empty: nothing to make again)


SETTINGS_LOCKED = (
    "Format, length and quality are fixed once the render has started. Make a variant to try "
    "other settings."
)


def settings_fields(kind: str) -> tuple[str, ...]:
    """The settings a project of this kind has (its `Project` attribute names)."""
    if kind == "video":
        return ("format", "length_s", "quality")
    return ("length_s",) if kind == "jingle" else ("format",)


def settings_lock(project: Project) -> str | None:
    """Why the project's format, length and quality cannot change now (None: they can).

    They can until the render starts: a video until its first scene clip exists (no clip,
    voiceover or final file yet; a render that failed before any clip counts as not started),
    a banner, flyer or jingle until its first step made something. Never while a step runs.
    """
    if statuses.is_active(project.status):
        return "A step is running for this project; settings can change once it finishes."
    if project.kind == "video":
        made = bool(project.segments) or project.voiceover_asset_id is not None
    else:
        made = options_of(project).outputs.copy is not None
    if made or project.output_asset_id is not None or project.status == Status.COMPLETED.value:
        return SETTINGS_LOCKED
    return None


def change_settings(
    workspace_id: int,
    project_id: Any,
    *,
    fmt: Any = None,
    length_s: Any = None,
    quality: Any = None,
) -> SettingsChange:
    """Change a project's format, length and/or quality (None: keep) before its render starts.

    What the pipeline made for the old values is marked for redoing, never silently reused:
    a new **length** makes the scenes stale (they are timed to the old length; the Render
    button waits for new ones, the project returns to `script_ready`) and drops the script's
    line timings — the script's words stay (the user may have edited them). The **format**
    and the **quality** only matter from the render on (scene stills and clips are made at
    the project's size then): nothing to redo. Banners, flyers and jingles have made nothing
    before their first step. The price of every next step follows (quotes read the row).
    """
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        # serialise with a step starting at the same moment (PostgreSQL row lock)
        locked = s.get(Project, project.id, with_for_update=True, populate_existing=True)
        assert locked is not None
        project = locked
        given = {"format": fmt, "length_s": length_s, "quality": quality}
        fields = settings_fields(project.kind)
        names = {"format": "format", "length_s": "length", "quality": "quality"}
        errors = {
            k: f"A {project.kind} has no {names[k]} to choose."
            for k, v in given.items()
            if v is not None and k not in fields
        }
        wanted = {k: getattr(project, k) if given[k] is None else given[k] for k in given}
        if not isinstance(wanted["format"], str):
            errors.setdefault("format", "Choose one of the formats.")
        if isinstance(wanted["length_s"], bool) or not isinstance(wanted["length_s"], int):
            errors.setdefault("length_s", "Choose 15, 30 or 60 seconds.")
        if not isinstance(wanted["quality"], str):
            errors.setdefault("quality", "Choose Standard or Pro.")
        if not errors:
            errors = _validate_new(
                project.kind, "-", wanted["format"], wanted["length_s"], wanted["quality"]
            )
        if errors:
            raise ValidationFailed(errors)
        changed = tuple(k for k in fields if getattr(project, k) != wanted[k])
        if not changed:
            return SettingsChange((), ())
        lock = settings_lock(project)
        if lock:
            raise Conflict(lock)
        redo: list[str] = []
        if "length_s" in changed and project.kind == "video":
            if project.scenes and not project.scenes_stale:
                project.scenes_stale = True
                redo.append(
                    f"The scenes were timed to {project.length_s} s: generate them again "
                    "before rendering."
                )
                if project.status == Status.SCENES_READY.value and not cas_status(
                    s, project.id, Status.SCRIPT_READY.value, [Status.SCENES_READY.value]
                ):
                    raise Conflict("The project changed meanwhile; reload and try again.")
            if project.script:
                project.script = {**project.script, "lines": []}
                redo.append(
                    f"The script was written for {project.length_s} s: edit it or write a new "
                    "one if it no longer fits."
                )
        for key in changed:
            setattr(project, key, wanted[key])
        project.updated_at = utcnow()
        return SettingsChange(changed, tuple(redo))


def script_fit(project: Project) -> str | None:
    """A video script whose voiceover clearly does not fit the ad's length (after a length
    change): what to do about it, or None."""
    from aytada.core.timing import MAX_SPEEDUP, spoken_seconds

    if project.kind != "video" or not project.script or project.segments:
        return None
    seconds = spoken_seconds(project.script.get("voiceover", ""))
    if seconds > project.length_s * MAX_SPEEDUP:
        return (
            f"The script's voiceover takes about {seconds:.0f} s to say; the ad is "
            f"{project.length_s} s. Shorten it or write a new script."
        )
    if seconds < project.length_s * 0.4:
        return (
            f"The script's voiceover takes only about {seconds:.0f} s to say for a "
            f"{project.length_s} s ad. Lengthen it or write a new script."
        )
    return None
