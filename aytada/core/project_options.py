"""A video project's voice, music and caption choices: the one home of their values, defaults
and validation, and of the rule for when they may change.

They live in ``Project.options`` (JSON) under these keys:

- ``voice`` (an id; "" = the workspace's voice, else the provider's default) and
  ``voice_provider`` (the provider that voice belongs to: "offline" or "elevenlabs"),
- ``speed`` (speaking speed, a factor of the voice's normal pace),
- ``music`` (on/off) and ``music_db`` (how many dB the music bed sits under the voice),
- ``captions``: ``{"position", "size", "color", "style"}``.

Readers (:func:`voice_options`, :func:`caption_style`) never fail on an old or hand-edited row:
a missing or unusable value reads as its default. Writers (:func:`save_voice_options`,
:func:`save_caption_style`) validate and refuse with a clear message per field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, update

from aytada.core.db import session_scope
from aytada.core.errors import Conflict, ValidationFailed
from aytada.core.models import Project, utcnow
from aytada.core.projects import load_project
from aytada.core.statuses import Status

# --------------------------------------------------------------------------- allowed values

VOICE_PROVIDERS: tuple[str, ...] = ("offline", "elevenlabs")
MAX_VOICE_ID = 100  # the workspace's voice_id column holds as much
_VOICE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+.\-]*$")

SPEED_MIN, SPEED_MAX, SPEED_STEP, SPEED_DEFAULT = 0.8, 1.2, 0.05, 1.0
"""Speaking speed as a factor of the voice's normal pace (ElevenLabs accepts 0.7–1.2)."""

MUSIC_DB_MIN, MUSIC_DB_MAX, MUSIC_DB_DEFAULT = 3, 20, 5
"""The music bed's level in dB under the voice where nobody speaks (it ducks ~8–10 dB more
under speech). 5 is the mix every ad had before this choice existed; below 3 the music
competes with the voice (the craft sheet: voice clearly above the music)."""

CAPTION_POSITIONS: dict[str, str] = {"top": "Top", "middle": "Middle", "bottom": "Bottom"}
CAPTION_SIZES: dict[str, str] = {"small": "Small", "medium": "Medium", "large": "Large"}
CAPTION_COLORS: dict[str, str] = {"white": "White", "yellow": "Yellow", "black": "Black"}
CAPTION_STYLES: dict[str, str] = {"box": "Box behind the text", "outline": "Outline"}
CAPTION_CHOICES: dict[str, dict[str, str]] = {
    "position": CAPTION_POSITIONS,
    "size": CAPTION_SIZES,
    "color": CAPTION_COLORS,
    "style": CAPTION_STYLES,
}

#: Statuses in which the voice and music may still change: the render has not started (or it
#: failed, and the retry will read the new choice). Captions also need no rendered clip.
EDITABLE_STATUSES: frozenset[str] = frozenset(
    s.value
    for s in (Status.DRAFT, Status.IDEAS_READY, Status.SCRIPT_READY, Status.SCENES_READY,
              Status.FAILED)
)  # fmt: skip


@dataclass(frozen=True)
class VoiceOptions:
    voice: str = ""
    voice_provider: str = ""
    speed: float = SPEED_DEFAULT
    music: bool = True
    music_db: float = MUSIC_DB_DEFAULT


@dataclass(frozen=True)
class CaptionStyle:
    position: str = "bottom"
    size: str = "medium"
    color: str = "white"
    style: str = "box"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


DEFAULT_VOICE = VoiceOptions()
DEFAULT_CAPTIONS = CaptionStyle()


# --------------------------------------------------------------------------- reading


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def voice_options(options: Mapping[str, Any] | None) -> VoiceOptions:
    """The project's voice and music choices; defaults for anything missing or unusable."""
    opts = options or {}
    voice = opts.get("voice")
    provider = opts.get("voice_provider")
    voice = voice if isinstance(voice, str) and voice_id_problem(voice) is None else ""
    provider = provider if voice and provider in VOICE_PROVIDERS else ""
    speed = _number(opts.get("speed"))
    music_db = _number(opts.get("music_db"))
    music = opts.get("music", True)
    return VoiceOptions(
        voice=voice,
        voice_provider=provider,
        speed=speed if speed is not None and SPEED_MIN <= speed <= SPEED_MAX else SPEED_DEFAULT,
        music=music if isinstance(music, bool) else True,
        music_db=(
            music_db
            if music_db is not None and MUSIC_DB_MIN <= music_db <= MUSIC_DB_MAX
            else MUSIC_DB_DEFAULT
        ),
    )


def caption_style(options: Mapping[str, Any] | None) -> CaptionStyle:
    """The project's caption style; the default for any missing or unknown value."""
    raw = (options or {}).get("captions")
    raw = raw if isinstance(raw, Mapping) else {}
    values: dict[str, Any] = {
        key: raw.get(key) if raw.get(key) in allowed else getattr(DEFAULT_CAPTIONS, key)
        for key, allowed in CAPTION_CHOICES.items()
    }
    return CaptionStyle(**values)


# --------------------------------------------------------------------------- validating


def voice_id_problem(voice: str) -> str | None:
    """Why ``voice`` cannot be a voice id, or None."""
    if len(voice) > MAX_VOICE_ID:
        return f"A voice id has at most {MAX_VOICE_ID} characters."
    if voice and not _VOICE_ID_RE.match(voice):
        return "Choose one of the listed voices."
    return None


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
    """Why the caption style of ``project`` cannot change now, or None."""
    locked = _render_lock(project, "caption style")
    if locked is None and project.segments:
        return (
            "Scene clips are already rendered with this caption style (captions are burned "
            "into each clip). Make a variant to try another one."
        )
    return locked


def _save(workspace_id: int, project_id: Any, changes: dict[str, Any], lock) -> None:
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        reason = lock(project)
        if reason:
            raise Conflict(reason)
        options = {**(project.options or {}), **changes}
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
        return voice_options(load_project(s, workspace_id, project_id).options)


def save_caption_style(
    workspace_id: int, project_id: Any, values: Mapping[str, Any]
) -> CaptionStyle:
    """Store the caption style (missing keys are the defaults)."""
    clean = validate_caption_style(values)
    _save(workspace_id, project_id, {"captions": clean}, captions_lock)
    return CaptionStyle(**clean)
