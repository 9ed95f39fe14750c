"""Running a kit through the queue, and packaging its files.

`start_kit` makes the kit's parts (`aytada.core.kits.create_kit`) and starts the first step of
each that does not wait for another. From then on each part runs by itself: when a step of a
kit part ends, the runner calls `advance` (in the work-horse, after the step's transaction),
which starts the part's next step (the first idea is picked), hands a finished video's work to
its cut-downs and, once every part has finished, packages the kit. The reconciler calls `tend`
on every pass, so a move that was missed (a worker killed between two steps, Redis away) is
made later: nothing waits on a person but a failed part's Retry.

The package (`package_kit`) is one zip: every file named by asset and size, a contact sheet
(one PNG showing every asset) and the copy deck (CSV and Markdown).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aytada.core import kits, media
from aytada.core.credits import NotEnoughCredits
from aytada.core.db import session_scope
from aytada.core.errors import Conflict, UserError
from aytada.core.models import Asset, Campaign, Project
from aytada.core.pipeline import Status
from aytada.core.reports import SUBTITLE_ROLES
from aytada.jobs.queue import check_redis
from aytada.jobs.runner import Started, retry_failed, start_step
from aytada.providers import ffmpeg
from aytada.providers.contact_sheet import Tile, contact_sheet

log = logging.getLogger("aytada.jobs")


def start_kit(
    workspace_id: int,
    campaign_id: Any,
    *,
    length_s: int = kits.DEFAULT_LENGTH,
    quality: str = kits.DEFAULT_QUALITY,
    user_id: int | None = None,
) -> int:
    """Make the kit and start every part that does not wait for another; returns its id.

    Refused before anything is written when the queue is away or the credits do not cover the
    quote (`kits.create_kit`). A part that could not start now (Redis gone meanwhile) is
    started by the reconciler's next pass."""
    check_redis()
    kit_id = kits.create_kit(
        workspace_id, campaign_id, length_s=length_s, quality=quality, user_id=user_id
    )
    for part in kits.kit_view(workspace_id, kit_id).parts:
        if not part.part.cut:
            advance(part.project_id)
    return kit_id


def _start(workspace_id: int, project_id: int, step: str, user_id: int | None) -> None:
    try:
        started: Started = start_step(workspace_id, project_id, step, user_id=user_id)
    except Conflict as exc:  # started meanwhile (the runner's hook and the reconciler race)
        log.info("kit part %s: %s not started: %s", project_id, step, exc)
        return
    except NotEnoughCredits as exc:  # it stops here: the kit view says why (no retry loop)
        log.warning("kit part %s: %s could not start: %s", project_id, step, exc)
        kits.stop_autorun(workspace_id, project_id, f"{exc} Add credits, then continue it.")
        return
    except UserError as exc:  # the queue away: the reconciler starts it once it is back
        log.warning("kit part %s: %s could not start: %s", project_id, step, exc)
        return
    log.info("kit part %s: started %s (%s credits)", project_id, step, started.credits)


def advance(project_id: int) -> None:
    """Move a kit part on after one of its steps ended (a no-op for any other project)."""
    with session_scope() as s:
        project = s.get(Project, project_id)
        if project is None or project.kit_id is None:
            return
        workspace_id, kit_id, status = project.workspace_id, project.kit_id, project.status
        kind = project.kind
    if status == Status.COMPLETED.value and kind == "video":
        for cut in kits.begin_cut_downs(workspace_id, project_id):
            _, user = kits.autorun_next(workspace_id, cut)
            _start(workspace_id, cut, "clip", user)
    step, user = kits.autorun_next(workspace_id, project_id)
    if step is not None:
        _start(workspace_id, project_id, step, user)
    view = kits.kit_view(workspace_id, kit_id)
    if view.files_due:
        package_kit(workspace_id, kit_id)


def retry_part(workspace_id: int, project_id: Any, user_id: int | None = None) -> Started:
    """A failed kit part's Retry: its failed step again, and then it runs by itself to its end
    (a failed 9:16 video's cut-downs follow it)."""
    started = retry_failed(workspace_id, project_id, user_id)
    kits.run_again(workspace_id, project_id)
    return started


def continue_part(workspace_id: int, project_id: Any) -> None:
    """A stopped kit part's Continue: it runs by itself again from where it rests (refused
    again, e.g. still too few credits: it stops again and says why)."""
    kits.run_again(workspace_id, project_id)
    advance(int(project_id))


def tend() -> int:
    """The reconciler's pass over kits: every idle part that runs by itself moved on, every
    finished kit packaged since its last change. Returns how many kits it acted on."""
    with session_scope() as s:
        todo = kits.kits_to_tend(s)
    for workspace_id, kit_id, idle in todo:
        for project_id in idle:
            try:
                advance(project_id)
            except Exception:  # noqa: BLE001 - one kit's trouble must not stop the pass
                log.exception("kit %s: could not move part %s on", kit_id, project_id)
        try:
            view = kits.kit_view(workspace_id, kit_id)
            if view.files_due:
                package_kit(workspace_id, kit_id)
        except Exception:  # noqa: BLE001
            log.exception("kit %s: could not package it", kit_id)
    return len(todo)


# --------------------------------------------------------------------------- the package


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "campaign"


def _files_of(project: Project) -> list[tuple[str, Path]]:
    """(suffix, local file) of a completed part's output and, for a video, its subtitles."""
    with session_scope() as s:
        if project.output_asset_id is None:
            return []
        asset = s.get(Asset, project.output_asset_id)
        if asset is None:
            return []
        found = [asset]
        if asset.generation_id is not None and asset.kind == "video":
            found += (
                s.query(Asset)
                .filter(Asset.generation_id == asset.generation_id, Asset.role.in_(SUBTITLE_ROLES))
                .order_by(Asset.role)
                .all()
            )
        paths = [a.path for a in found]
    out = []
    for path in paths:
        local = media.fetch(path)
        if local.is_file():
            out.append((local.suffix.lower(), local))
    return out


def _file_name(part: kits.KitPart, pixels: tuple[int, int], suffix: str) -> str:
    if part.kind == "jingle":
        return f"jingle{suffix}"
    size = f"{pixels[0]}x{pixels[1]}"
    if part.kind == "video":
        return f"video-{part.fmt.replace(':', 'x')}-{size}{suffix}"
    return f"{part.kind}-{size}{suffix}"


def _tile(part: kits.PartView, files: list[tuple[str, Path]], work: Path, length_s: int) -> Tile:
    label = f"{part.part.label} · {part.part.use}"
    if part.status != Status.COMPLETED.value:
        return Tile(label, f"not made: {part.status_label.lower()}", None)
    picture: Path | None = None
    for suffix, path in files:
        if suffix in (".png", ".jpg", ".jpeg", ".webp"):
            picture = path
        elif suffix == ".mp4":  # a frame of the hook, its captions on
            seconds = float(ffmpeg.probe(path).get("duration") or 0.0)
            picture = ffmpeg.extract_frame(
                path, seconds * 0.15, work / f"frame-{part.project_id}.png"
            )
        elif suffix in (".wav", ".mp3", ".m4a", ".ogg") and picture is None:
            picture = ffmpeg.waveform(path, work / f"wave-{part.project_id}.png",
                                      width=800, height=360, color="#3b2a6b")  # fmt: skip
    size = f"{part.pixels[0]}×{part.pixels[1]}" if part.pixels[0] else "audio"
    if part.part.kind in ("video", "jingle"):
        size = f"{size} · {length_s} s"
    return Tile(label, size, picture)


def _deck(rows: list[dict[str, str]]) -> tuple[str, str]:
    """The copy deck as CSV and as Markdown (one table)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(kits.DECK_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    head = [c.replace("_", " ").capitalize() for c in kits.DECK_COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row[c].replace("|", "\\|") or "—" for c in kits.DECK_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return buffer.getvalue(), "\n".join(lines) + "\n"


def package_kit(workspace_id: int, kit_id: int) -> Path:
    """Write the kit's zip (every finished part's files, the contact sheet and the copy
    deck) into the media store and record it on the kit; returns the local zip."""
    view = kits.kit_view(workspace_id, kit_id)
    with session_scope() as s:
        campaign = s.get(Campaign, view.campaign_id)
        assert campaign is not None
        name = f"{_slug(campaign.name)}-kit{kit_id}"
        destination = campaign.destination or ""
        projects = {p.id: p for p in kits.parts_of(s, kit_id)}
        for p in projects.values():
            s.expunge(p)
    folder = media.media_root() / f"ws{workspace_id}" / "kits" / f"kit{kit_id}"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.zip"
    rows: list[dict[str, str]] = []
    tiles: list[Tile] = []
    with tempfile.TemporaryDirectory(dir=folder, prefix=".pack-") as tmp:
        work = Path(tmp)
        partial = work / out.name
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as pack:
            for part in view.parts:
                project = projects[part.project_id]
                files = _files_of(project) if part.status == Status.COMPLETED.value else []
                names = []
                for suffix, path in files:
                    arcname = f"{name}/{_file_name(part.part, part.pixels, suffix)}"
                    # media is compressed already: stored as it is
                    pack.write(path, arcname, compress_type=zipfile.ZIP_STORED)
                    names.append(arcname.split("/", 1)[1])
                main = next((n for n in names if not n.endswith((".srt", ".vtt"))), "")
                rows.append(kits.deck_row(project, main, destination))
                tiles.append(_tile(part, files, work, view.length_s))
            made = sum(1 for p in view.parts if p.status == Status.COMPLETED.value)
            sheet = contact_sheet(f"{view.title} · {made} of {len(view.parts)} assets", tiles,
                                  work / "contact-sheet.png")  # fmt: skip
            pack.write(sheet, f"{name}/contact-sheet.png")
            deck_csv, deck_md = _deck(rows)
            pack.writestr(f"{name}/copy-deck.csv", deck_csv)
            pack.writestr(f"{name}/copy-deck.md", f"# {view.title}\n\n{deck_md}")
        sheet_kept = folder / "contact-sheet.png"
        sheet.replace(sheet_kept)
        partial.replace(out)  # whole or not at all
    media.publish([out, sheet_kept])
    kits.mark_packaged(workspace_id, kit_id, media.relative(out), datetime.now(UTC))
    log.info("kit %s packaged: %s", kit_id, out)
    return out
