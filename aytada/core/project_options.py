"""A video project's voice, music and caption choices: their validation, and the rule for when
they may change.

They are the voice and caption fields of the project's typed options (``choices`` of
:class:`aytada.core.options.ProjectOptions`, which also holds their allowed values and defaults,
re-exported here): read them with :func:`aytada.core.options.options_of`, never failing on an
old or hand-edited row. Writers (:func:`save_voice_options`, :func:`save_caption_style`)
validate and refuse with a clear message per field, and only while the render has not started.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import CursorResult, update

from aytada.core.db import session_scope
from aytada.core.errors import Conflict, ValidationFailed
from aytada.core.models import Project, utcnow
from aytada.core.options import (  # noqa: F401  (the allowed values, re-exported)
    CAPTION_CHOICES,
    CAPTION_COLORS,
    CAPTION_POSITIONS,
    CAPTION_SIZES,
    CAPTION_STYLES,
    DEFAULT_CAPTIONS,
    DEFAULT_VOICE,
    MAX_VOICE_ID,
    MUSIC_DB_DEFAULT,
    MUSIC_DB_MAX,
    MUSIC_DB_MIN,
    SPEED_DEFAULT,
    SPEED_MAX,
    SPEED_MIN,
    SPEED_STEP,
    VOICE_PROVIDERS,
    CaptionStyle,
    VoiceOptions,
    options_of,
    options_with,
    voice_id_problem,
)
from aytada.core.options import finite_number as _number
from aytada.core.projects import load_project
from aytada.core.statuses import Status

#: Statuses in which the voice and music may still change: the render has not started (or it
#: failed, and the retry will read the new choice). The same for the captions (the stitch
#: burns them in, so rendered clips do not hold them).
EDITABLE_STATUSES: frozenset[str] = frozenset(
    s.value
    for s in (Status.DRAFT, Status.IDEAS_READY, Status.SCRIPT_READY, Status.SCENES_READY,
              Status.FAILED)
)  # fmt: skip


# --------------------------------------------------------------------------- reading


def voice_options(options: Mapping[str, Any] | None) -> VoiceOptions:
    """Shorthand: the voice and music choices in stored ``options`` JSON (``options_of``)."""
    return options_of(options).choices.voice_options


def caption_style(options: Mapping[str, Any] | None) -> CaptionStyle:
    """Shorthand: the caption style in stored ``options`` JSON (``options_of``)."""
    return options_of(options).choices.captions


# --------------------------------------------------------------------------- validating


def validate_voice_options(
    values: Mapping[str, Any], *, voices: Collection[str] | None = None
) -> dict[str, Any]:
    """The given voice/music fields, checked and normalised (only the keys given).

    ``voices`` are the ids the current voice provider offers (None: not checked, e.g. the list
    could not be read). Raises :class:`ValidationFailed` naming each bad field.
    """
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    unknown = sorted(set(values) - {"voice", "voice_provider", "speed", "music", "music_db"})
    if unknown:
        errors[unknown[0]] = "This is not a voice or music option."
    if "voice" in values:
        voice = values["voice"]
        if voice is None:
            voice = ""
        if not isinstance(voice, str):
            errors["voice"] = "Choose one of the listed voices."
        else:
            voice = voice.strip()
            problem = voice_id_problem(voice)
            if problem is None and voice and voices is not None and voice not in voices:
                problem = "This voice is not available: choose one of the listed voices."
            if problem:
                errors["voice"] = problem
            clean["voice"] = voice
        provider = values.get("voice_provider") or ""
        if clean.get("voice") and provider not in VOICE_PROVIDERS:
            errors["voice_provider"] = "Choose a voice of the offline voices or of ElevenLabs."
        clean["voice_provider"] = provider if clean.get("voice") else ""
    if "speed" in values:
        speed = _number(values["speed"])
        if speed is None or not SPEED_MIN - 1e-9 <= speed <= SPEED_MAX + 1e-9:
            errors["speed"] = f"Choose a speaking speed from {SPEED_MIN:g}× to {SPEED_MAX:g}×."
        else:
            clean["speed"] = round(speed, 2)
    if "music" in values:
        if not isinstance(values["music"], bool):
            errors["music"] = "Music is either on or off."
        else:
            clean["music"] = values["music"]
    if "music_db" in values:
        level = _number(values["music_db"])
        if level is None or not MUSIC_DB_MIN <= level <= MUSIC_DB_MAX:
            errors["music_db"] = (
                f"Choose a music level from {MUSIC_DB_MIN} to {MUSIC_DB_MAX} dB under the voice."
            )
        else:
            clean["music_db"] = round(level, 1)
    if errors:
        raise ValidationFailed(errors)
    return clean


def validate_caption_style(values: Mapping[str, Any]) -> dict[str, str]:
    """A complete caption style from ``values`` (missing keys keep the defaults)."""
    errors: dict[str, str] = {}
    unknown = sorted(set(values) - set(CAPTION_CHOICES))
    if unknown:
        errors[unknown[0]] = "This is not a caption option."
    clean = DEFAULT_CAPTIONS.as_dict()
    for key, allowed in CAPTION_CHOICES.items():
        if key not in values:
            continue
        value = values[key]
        if not isinstance(value, str) or value not in allowed:
            errors[key] = f"Choose {', '.join(allowed.values())}."
        else:
            clean[key] = value
    if errors:
        raise ValidationFailed(errors)
    return clean


# --------------------------------------------------------------------------- when and saving


def _render_lock(project: Any, what: str) -> str | None:
    if project.kind != "video":
        return f"Only video ads have a {what}."
    if project.status in EDITABLE_STATUSES:
        return None
    if project.status == Status.COMPLETED.value:
        return f"The video is finished with this {what}. Make a variant to try another one."
    return f"The render has started: the {what} stays as it is until it finishes."


def voice_lock(project: Any) -> str | None:
    """Why the voice and music of ``project`` cannot change now, or None."""
    return _render_lock(project, "voice and music")


def captions_lock(project: Any) -> str | None:
    """Why the caption style of ``project`` cannot change now, or None. Rendered clips do not
    hold it: the stitch lays the captions over them, so it may change until the render
    (re)starts."""
    return _render_lock(project, "caption style")


def _save(workspace_id: int, project_id: Any, changes: dict[str, Any], lock) -> None:
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        reason = lock(project)
        if reason:
            raise Conflict(reason)
        # the choices section with these fields changed (the other sections as stored)
        options = options_with(project, replace(options_of(project).choices, **changes))
        # only while the status (and the rendered clips) are still what was checked
        done = s.execute(
            update(Project)
            .where(
                Project.id == project.id,
                Project.status == project.status,
                Project.deleted_at.is_(None),
            )
            .values(options=options, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], done).rowcount != 1:  # an UPDATE's result
            raise Conflict("The project changed meanwhile; reload and try again.")


def save_voice_options(
    workspace_id: int,
    project_id: Any,
    values: Mapping[str, Any],
    *,
    voices: Collection[str] | None = None,
) -> VoiceOptions:
    """Store the voice/music fields given (checked against ``voices`` when given)."""
    clean = validate_voice_options(values, voices=voices)
    _save(workspace_id, project_id, clean, voice_lock)
    with session_scope() as s:
        return options_of(load_project(s, workspace_id, project_id)).choices.voice_options


def save_caption_style(
    workspace_id: int, project_id: Any, values: Mapping[str, Any]
) -> CaptionStyle:
    """Store the caption style (missing keys are the defaults)."""
    clean = validate_caption_style(values)
    _save(workspace_id, project_id, {"captions": CaptionStyle(**clean)}, captions_lock)
    return CaptionStyle(**clean)
