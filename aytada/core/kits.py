"""The kit: the whole campaign in one action.

A kit is a group of normal projects made from one campaign (SPEC, Decisions): one video ad in
9:16 and its cut-downs in 1:1 and 16:9, banners in the IAB and social sizes, a flyer and a
jingle. Each part keeps its own status, retry and charges and shows in the hub and My Videos
like any project. What is kit-specific lives here: which parts a kit has and what they cost
(`KIT_PARTS`, `quote_kit`), making the parts (`create_kit`), handing a finished video's work
to its cut-downs (`begin_cut_downs`), and what the progress view and the files read
(`kit_view`, `copy_deck`). Running the parts through the queue is `aytada.jobs.kits`.

A cut-down is a video project whose lineage names its source (`Lineage.cut_of`): it waits in
`draft` until the source completes, then takes the source's ideas, script, scenes, voiceover and
music and renders only its own frames — priced as re-composition by the pipeline table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from aytada.core import credits, statuses
from aytada.core.campaigns import load_campaign
from aytada.core.db import session_scope
from aytada.core.errors import ValidationFailed
from aytada.core.formats import DESIGN_FORMATS, LENGTHS, QUALITIES, frame_size
from aytada.core.inputs import owned
from aytada.core.models import CreditLedgerEntry, Generation, Kit, Project
from aytada.core.options import Choices, Lineage, ProjectOptions, options_of, options_with
from aytada.core.pipeline import Status
from aytada.core.settings import get_settings


@dataclass(frozen=True)
class KitPart:
    """One asset of every kit: its kind, its format or size, and what it is for."""

    kind: str
    fmt: str
    use: str
    cut: bool = False  # a cut-down of the kit's first video (its script, voice and stills)

    @property
    def name(self) -> str:
        """The part's file name stem: ``video-9x16``, ``banner-300x250``, ``jingle``."""
        size = self.fmt.replace(":", "x")
        return f"{self.kind}-{size}" if self.kind != "jingle" else "jingle"

    @property
    def label(self) -> str:
        size = self.fmt.replace("x", "×") if self.kind in ("banner", "flyer") else self.fmt
        return f"{self.kind.capitalize()} {size}".strip() if self.kind != "jingle" else "Jingle"


KIT_PARTS: tuple[KitPart, ...] = (
    KitPart("video", "9:16", "Reels, TikTok, Shorts"),
    KitPart("video", "1:1", "feed posts", cut=True),
    KitPart("video", "16:9", "YouTube", cut=True),
    KitPart("banner", "300x250", "medium rectangle"),
    KitPart("banner", "728x90", "leaderboard"),
    KitPart("banner", "160x600", "wide skyscraper"),
    KitPart("banner", "1200x628", "link ad"),
    KitPart("banner", "1080x1080", "square post"),
    KitPart("banner", "1080x1920", "story"),
    KitPart("flyer", "1080x1350", "print and portrait post"),
    KitPart("jingle", "", "sonic logo and radio"),
)
assert all(p.fmt in DESIGN_FORMATS for p in KIT_PARTS if p.kind in ("banner", "flyer"))

DEFAULT_LENGTH = 15  # a kit is a draft of the whole campaign: short and quick by default
DEFAULT_QUALITY = "standard"


def part_of(project: Project) -> KitPart:
    """The kit part a project is (by its kind and format)."""
    fmt = "" if project.kind == "jingle" else project.format
    for part in KIT_PARTS:
        if part.kind == project.kind and part.fmt == fmt:
            return part
    return KitPart(project.kind, project.format, "")


# --------------------------------------------------------------------------- the price


@dataclass(frozen=True)
class QuoteLine:
    part: KitPart
    credits: int


@dataclass(frozen=True)
class KitQuote:
    """What a kit costs when every part runs once: each part's price and the sum."""

    lines: tuple[QuoteLine, ...]
    total: int
    length_s: int
    quality: str


def _check_choice(length_s: Any, quality: Any) -> None:
    errors = {}
    if isinstance(length_s, bool) or length_s not in LENGTHS:
        errors["length_s"] = "Choose 15, 30 or 60 seconds."
    if quality not in QUALITIES:
        errors["quality"] = "Choose Standard or Pro."
    if errors:
        raise ValidationFailed(errors)


def quote_kit(length_s: int = DEFAULT_LENGTH, quality: str = DEFAULT_QUALITY) -> KitQuote:
    """The kit's price before the click, read from the pipeline table's price rules: the video
    in full, each cut-down as re-composition (its scenes laid out again, its source's voice
    kept), each banner, the flyer and the jingle."""
    _check_choice(length_s, quality)
    lines = []
    for part in KIT_PARTS:
        price = credits.choice_price(part.kind, length_s, quality, cut_down=part.cut)
        # a cut-down takes its source's ideas, script and scenes: it pays from its render on
        lines.append(QuoteLine(part, price.render if part.cut else price.total))
    return KitQuote(tuple(lines), sum(line.credits for line in lines), length_s, quality)


# --------------------------------------------------------------------------- making one


def create_kit(
    workspace_id: int,
    campaign_id: Any,
    *,
    length_s: int = DEFAULT_LENGTH,
    quality: str = DEFAULT_QUALITY,
    user_id: int | None = None,
) -> int:
    """The kit's row and its parts (every part a `draft` project of the campaign, the
    cut-downs naming the first video). Refused, with nothing written, when the workspace's
    available credits do not cover the quote. Returns the kit's id."""
    quote = quote_kit(length_s, quality)
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        credits.check_affordable(s, workspace_id, quote.total)
        made = s.scalar(select(func.count()).select_from(Kit).where(
            Kit.campaign_id == campaign.id)) or 0  # fmt: skip
        kit = Kit(
            workspace_id=workspace_id,
            campaign_id=campaign.id,
            title=f"{campaign.name} kit {made + 1}"[:200],
            length_s=length_s,
            quality=quality,
            quoted=quote.total,
            user_id=user_id,
        )
        s.add(kit)
        s.flush()
        source: Project | None = None
        for part in KIT_PARTS:
            lineage = Lineage(cut_of=source.id) if part.cut and source is not None else Lineage()
            project = Project(
                workspace_id=workspace_id,
                campaign_id=campaign.id,
                kind=part.kind,
                title=f"{campaign.name} · {part.label}"[:200],
                format=part.fmt if part.kind != "jingle" else "audio",
                length_s=length_s,
                quality=quality,
                status=Status.DRAFT.value,
                options=ProjectOptions(Choices(autorun=True), lineage=lineage).to_json(),
                kit_id=kit.id,
            )
            s.add(project)
            s.flush()
            if part.kind == "video" and not part.cut:
                source = project
        return kit.id


def load_kit(session: Session, workspace_id: int, kit_id: Any) -> Kit:
    return owned(session, Kit, workspace_id, kit_id, "Kit")


def parts_of(session: Session, kit_id: int) -> list[Project]:
    """The kit's parts that were not deleted, in `KIT_PARTS` order."""
    rows = session.scalars(
        select(Project).where(Project.kit_id == kit_id, Project.deleted_at.is_(None))
    ).all()
    order = {(p.kind, p.fmt): i for i, p in enumerate(KIT_PARTS)}
    return sorted(rows, key=lambda p: (order.get((p.kind, part_of(p).fmt), 99), p.id))


def cut_downs_waiting(session: Session, source: Project) -> list[Project]:
    """The cut-downs of ``source`` that have not started (still drafts)."""
    if source.kit_id is None:
        return []
    return [
        p
        for p in parts_of(session, source.kit_id)
        if options_of(p).lineage.cut_of == source.id and p.status == Status.DRAFT.value
    ]


def begin_cut_downs(workspace_id: int, source_id: int) -> list[int]:
    """Hand a completed video's work to its waiting cut-downs: each takes the source's ideas,
    chosen idea, script and scenes (the user's edits too), its voiceover and its music, and
    rests at `scenes_ready` (its render is next). Returns the cut-downs that took it; a source
    that is not completed hands nothing."""
    taken: list[int] = []
    with session_scope() as s:
        source = s.get(Project, source_id)
        if (
            source is None
            or source.workspace_id != workspace_id
            or source.status != Status.COMPLETED.value
            or source.voiceover_asset_id is None
        ):
            return []
        music = options_of(source).outputs.music_asset
        for cut in cut_downs_waiting(s, source):
            locked = s.get(Project, cut.id, with_for_update=True, populate_existing=True)
            if locked is None or locked.status != Status.DRAFT.value:
                continue  # taken meanwhile by another worker
            locked.ideas = list(source.ideas or [])
            locked.chosen_idea = source.chosen_idea
            locked.script = dict(source.script or {})
            locked.scenes = [dict(scene) for scene in source.scenes or []]
            locked.scenes_stale = False
            locked.segments = {}
            locked.voiceover_asset_id = source.voiceover_asset_id
            outputs = replace(options_of(locked).outputs, music_asset=music)
            locked.options = options_with(locked, outputs)
            locked.status = Status.SCENES_READY.value
            taken.append(locked.id)
    return taken


# --------------------------------------------------------------------------- what it shows


@dataclass(frozen=True)
class PartView:
    project_id: int
    part: KitPart
    title: str
    status: str
    status_label: str
    progress: float  # 0–1
    error: str  # why it failed ("" otherwise)
    charged: int
    waiting: str  # what a part that has not started waits for ("" otherwise)
    pixels: tuple[int, int]
    thumbnail: str  # media path of its picture ("" before one exists)

    blocked: bool = False  # a cut-down whose source failed (it starts once that is retried)
    stopped: str = ""  # why a part rests before its end without running ("" otherwise)

    @property
    def finished(self) -> bool:
        """Nothing of it runs now or will run by itself."""
        return (
            self.blocked
            or bool(self.stopped)
            or self.status in (Status.COMPLETED.value, Status.FAILED.value)
        )


@dataclass(frozen=True)
class KitView:
    id: int
    campaign_id: int
    title: str
    created_at: datetime
    length_s: int
    quality: str
    quoted: int
    parts: tuple[PartView, ...]
    zip_path: str
    packaged_at: datetime | None
    changed_at: datetime | None = None  # the last change of any part

    @property
    def files_due(self) -> bool:
        """Every part settled and the zip missing or older than a part's last change."""
        if not self.finished:
            return False
        if self.packaged_at is None or not self.zip_path:
            return True
        return self.changed_at is not None and _aware(self.changed_at) > _aware(self.packaged_at)

    @property
    def charged(self) -> int:
        return sum(p.charged for p in self.parts)

    @property
    def finished(self) -> bool:
        """Every part completed or failed (nothing runs any more)."""
        return bool(self.parts) and all(p.finished for p in self.parts)

    @property
    def failed(self) -> list[PartView]:
        return [p for p in self.parts if p.status == Status.FAILED.value]

    @property
    def progress(self) -> float:
        if not self.parts:
            return 0.0
        return sum(1.0 if p.finished else p.progress for p in self.parts) / len(self.parts)


def _charged(session: Session, project_ids: list[int]) -> dict[int, int]:
    if not project_ids:
        return {}
    rows = session.execute(
        select(Generation.project_id, func.coalesce(func.sum(-CreditLedgerEntry.delta), 0))
        .join(CreditLedgerEntry, CreditLedgerEntry.generation_id == Generation.id)
        .where(Generation.project_id.in_(project_ids))
        .group_by(Generation.project_id)
    ).all()
    return {int(pid): int(total) for pid, total in rows if pid is not None}


def _pixels(project: Project) -> tuple[int, int]:
    """The part's frame as rendered (a video: at the render scale setting)."""
    if project.kind == "jingle":
        return (0, 0)
    return frame_size(project.kind, project.format, project.quality, get_settings().render_scale)


def _blocked(project: Project, by_id: dict[int, Project]) -> bool:
    """A cut-down still waiting while its source has failed or was deleted (``by_id``: the
    kit's parts that were not deleted)."""
    cut_of = options_of(project).lineage.cut_of
    if cut_of is None or project.status != Status.DRAFT.value:
        return False
    source = by_id.get(cut_of)
    return source is None or source.status == Status.FAILED.value


def _stopped(project: Project) -> bool:
    """A part that rests before its end and will not move by itself (its start was refused,
    or the user took it over): nothing of it runs."""
    return (
        not options_of(project).choices.autorun
        and not statuses.is_active(project.status)
        and project.status not in (Status.COMPLETED.value, Status.FAILED.value)
        and not (options_of(project).lineage.cut_of and project.status == Status.DRAFT.value)
    )


def _settled(project: Project, by_id: dict[int, Project]) -> bool:
    return (
        project.status in (Status.COMPLETED.value, Status.FAILED.value)
        or _blocked(project, by_id)
        or _stopped(project)
    )


def _view(session: Session, kit: Kit) -> KitView:
    parts = parts_of(session, kit.id)
    charged = _charged(session, [p.id for p in parts])
    views = []
    by_id = {p.id: p for p in parts}
    for p in parts:
        part = part_of(p)
        waiting, blocked = "", _blocked(p, by_id)
        if blocked and options_of(p).lineage.cut_of not in by_id:
            waiting = "Its 9:16 video was deleted: this part cannot be made (delete it too)."
        elif blocked:
            waiting = "Waits for the 9:16 video, which failed: retry it and this part follows."
        elif part.cut and p.status == Status.DRAFT.value:
            waiting = "Waits for the 9:16 video: then lays out its scenes again in this format."
        stopped = ""
        if _stopped(p):
            stopped = p.error or (
                f"Stopped at {statuses.label(p.status).lower()}: continue it in the Studio."
            )
        views.append(
            PartView(
                project_id=p.id,
                part=part,
                title=p.title,
                status=p.status,
                status_label=statuses.label(p.status),
                progress=statuses.progress(p.status),
                error=p.error or "" if p.status == Status.FAILED.value else "",
                charged=charged.get(p.id, 0),
                waiting=waiting,
                pixels=_pixels(p),
                thumbnail=options_of(p).outputs.thumbnail,
                blocked=blocked,
                stopped=stopped,
            )
        )
    return KitView(
        id=kit.id,
        campaign_id=kit.campaign_id,
        title=kit.title,
        created_at=kit.created_at,
        length_s=kit.length_s,
        quality=kit.quality,
        quoted=kit.quoted,
        parts=tuple(views),
        zip_path=kit.zip_path or "",
        packaged_at=kit.packaged_at,
        changed_at=max((_aware(p.updated_at) for p in parts if p.updated_at), default=None),
    )


def kit_view(workspace_id: int, kit_id: Any) -> KitView:
    """The kit and each part's status, progress, error and charges (NotFound: a bad,
    foreign or unknown id)."""
    with session_scope() as s:
        return _view(s, load_kit(s, workspace_id, kit_id))


def kits_of(workspace_id: int, campaign_id: Any, limit: int = 5) -> list[KitView]:
    """The campaign's latest kits, newest first."""
    with session_scope() as s:
        campaign = load_campaign(s, workspace_id, campaign_id)
        kits = s.scalars(
            select(Kit)
            .where(Kit.campaign_id == campaign.id, Kit.workspace_id == workspace_id)
            .order_by(Kit.id.desc())
            .limit(limit)
        ).all()
        return [_view(s, kit) for kit in kits]


def kit_of_project(session: Session, project: Project) -> Kit | None:
    return session.get(Kit, project.kit_id) if project.kit_id is not None else None


def mark_packaged(workspace_id: int, kit_id: int, zip_path: str, when: datetime) -> None:
    with session_scope() as s:
        kit = load_kit(s, workspace_id, kit_id)
        kit.zip_path = zip_path
        kit.packaged_at = when


# --------------------------------------------------------------------------- the copy deck

DECK_COLUMNS = (
    "asset", "size", "headline", "subline", "call_to_action", "destination",
    "voiceover_script", "captions", "file",
)  # fmt: skip


def _spoken(project: Project) -> str:
    lines = [str(sc.get("voiceover") or "").strip() for sc in project.scenes or []]
    return " ".join(line for line in lines if line) or str(
        (project.script or {}).get("voiceover") or ""
    )


def _captions(project: Project) -> str:
    return " | ".join(str(sc.get("caption") or "").strip() for sc in project.scenes or [])


def deck_row(project: Project, file_name: str, destination: str) -> dict[str, str]:
    """One copy-deck row: the words this part says, as the project holds them now."""
    part = part_of(project)
    width, height = _pixels(project)
    row = dict.fromkeys(DECK_COLUMNS, "")
    row["asset"] = part.label
    row["size"] = f"{width}x{height}" if width else f"{project.length_s} s audio"
    row["file"] = file_name
    row["destination"] = destination
    made = options_of(project).outputs
    if project.kind == "video":
        script = project.script or {}
        row["headline"] = str(script.get("hook") or "")
        row["subline"] = str(script.get("body") or "")
        row["call_to_action"] = str(script.get("call_to_action") or "")
        row["voiceover_script"] = _spoken(project)
        row["captions"] = _captions(project)
    elif project.kind in ("banner", "flyer") and made.copy is not None:
        row["headline"] = made.copy.headline
        row["subline"] = made.copy.subline
        row["call_to_action"] = made.copy.call_to_action
        row["destination"] = made.copy.destination or destination
    elif project.kind == "jingle":
        row["voiceover_script"] = made.lyrics
    return {k: re.sub(r"\s+", " ", v).strip() for k, v in row.items()}


# --------------------------------------------------------------------------- running by itself


def autorun_next(workspace_id: int, project_id: int) -> tuple[str | None, int | None]:
    """What an autorun part (a kit's, until it finishes) does next: ``(step, user)`` — the
    step to start (picking the first idea when none is chosen) and who started the kit — or
    ``(None, None)``. A part that completed or failed stops running by itself (an edit
    afterwards starts nothing without a click); a cut-down waits in draft for its source."""
    from aytada.core.pipeline import next_step

    with session_scope() as s:
        project = s.get(Project, project_id, with_for_update=True, populate_existing=True)
        if project is None or project.workspace_id != workspace_id or project.deleted_at:
            return None, None
        choices = options_of(project).choices
        if not choices.autorun or statuses.is_active(project.status):
            return None, None
        if project.status in (Status.COMPLETED.value, Status.FAILED.value):
            project.options = options_with(project, replace(choices, autorun=False))
            return None, None
        if options_of(project).lineage.cut_of and project.status == Status.DRAFT.value:
            return None, None  # begin_cut_downs moves it on
        step = next_step(project)
        if step == "script" and project.chosen_idea is None and project.ideas:
            project.chosen_idea = 0
        kit = kit_of_project(s, project)
        return step, kit.user_id if kit is not None else None


def stop_autorun(workspace_id: int, project_id: int, why: str) -> None:
    """A part whose next step could not start (too few credits): it stops running by itself
    and says why (its error; the next start clears it)."""
    with session_scope() as s:
        project = s.get(Project, project_id)
        if project is None or project.workspace_id != workspace_id:
            return
        if statuses.is_active(project.status):
            return
        project.options = options_with(project, replace(options_of(project).choices,
                                                        autorun=False))  # fmt: skip
        project.error = why[:4000]


def run_again(workspace_id: int, project_id: Any) -> None:
    """A kit part's Retry: it runs by itself again to its end."""
    with session_scope() as s:
        from aytada.core.projects import load_project

        project = load_project(s, workspace_id, project_id)
        project.options = options_with(project, replace(options_of(project).choices, autorun=True))


def kits_to_tend(session: Session) -> list[tuple[int, int, list[int]]]:
    """The reconciler's look at unfinished business: ``(workspace, kit, parts to advance)``
    for every kit with a part that runs by itself and is idle, a cut-down whose source is
    done, or every part finished but the files not packaged since."""
    out: list[tuple[int, int, list[int]]] = []
    changed = exists().where(Project.kit_id == Kit.id, Project.updated_at > Kit.packaged_at)
    # only kits with something to do: never packaged, or a part changed since (one query)
    kits = session.scalars(
        select(Kit).where(or_(Kit.packaged_at.is_(None), changed)).order_by(Kit.id).limit(200)
    ).all()
    for kit in kits:
        parts = parts_of(session, kit.id)
        idle = [
            p.id
            for p in parts
            if options_of(p).choices.autorun and not statuses.is_active(p.status)
        ]
        done = {p.id for p in parts if p.status == Status.COMPLETED.value}
        idle += [
            p.id
            for p in parts
            if p.status == Status.DRAFT.value and options_of(p).lineage.cut_of in done
            and p.id not in idle
        ]  # fmt: skip
        by_id = {p.id: p for p in parts}
        finished = bool(parts) and all(_settled(p, by_id) for p in parts)
        last = max((_aware(p.updated_at) for p in parts if p.updated_at), default=None)
        stale = finished and (
            kit.packaged_at is None or (last is not None and last > _aware(kit.packaged_at))
        )
        if idle or stale:
            out.append((kit.workspace_id, kit.id, idle))
    return out


def _aware(when: datetime) -> datetime:
    """A stored time with its zone (SQLite hands them back naive, in UTC)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
