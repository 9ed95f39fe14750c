"""What a project keeps in ``Project.options`` (JSON), typed: the user's **choices**, what its
steps **made** (outputs) and where it comes from (**lineage**).

The stored shape: three sections, each field only when it differs from its default (so a new
project's options are ``{}``, and a default that changes later reaches every project that
never chose otherwise)::

    {"choices": {"voice": "en-gb", "voice_provider": "offline", "speed": 1.1, "music": false,
                 "music_db": 12.0, "captions": {"position": "top", "size": "medium",
                 "color": "white", "style": "box"},
                 "overrides": {"creative_style": "Humor"}, "instrumental": true},
     "outputs": {"thumbnail": "gen/…/scene1.png", "copy": {"headline": "…", "subline": "…",
                 "call_to_action": "…"}, "hero": "gen/…/product.png", "lyrics": "…",
                 "sung": true, "music_asset": 12},
     "lineage": {"variant_of": 7, "variant_axis": "voice", "idea_seed": 7, "idea_round": 2}}

**Read** with :func:`options_of` (a project, or the stored JSON): it never fails, whatever the
row holds — a missing, unknown or unusable value (an old flat row, a hand edit) reads as its
default. **Write** one section with :func:`options_with`, which returns the JSON to store (the
other sections stay as stored); a new project's are ``ProjectOptions(...).to_json()``.
Migration 0006 moved the rows of before (one flat object of 17 keys) into this shape.

The checks that answer the user field by field (voice, music, captions) and the rule for when
they may change live in :mod:`aytada.core.project_options`; the strategy overrides' checks in
:mod:`aytada.core.campaigns`. This module imports nothing of ours but the vocabulary and the
standards (so every other core module may read it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from aytada.standards import MUSIC_UNDER_VOICE_DB
from aytada.vocabulary import AWARENESS_STAGES, CREATIVE_STYLES, PERSUASION_TRIGGERS

if TYPE_CHECKING:
    from aytada.core.models import Project

# --------------------------------------------------------------------------- allowed values

VOICE_PROVIDERS: tuple[str, ...] = ("offline", "elevenlabs")
MAX_VOICE_ID = 100  # the workspace's voice_id column holds as much
_VOICE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+.\-]*$")

SPEED_MIN, SPEED_MAX, SPEED_STEP, SPEED_DEFAULT = 0.8, 1.2, 0.05, 1.0
"""Speaking speed as a factor of the voice's normal pace (ElevenLabs accepts 0.7–1.2)."""

MUSIC_DB_MIN, MUSIC_DB_MAX, MUSIC_DB_DEFAULT = 3, 20, MUSIC_UNDER_VOICE_DB
"""The music bed's level in dB under the voice where nobody speaks (it ducks ~8–10 dB more
under speech). 5 is the mix every ad had before this choice existed; below 3 the music
competes with the voice (the craft sheet: voice clearly above the music)."""

# "off": a video without burned-in captions (its .srt/.vtt still come with it)
CAPTION_POSITIONS: dict[str, str] = {
    "top": "Top", "middle": "Middle", "bottom": "Bottom", "off": "Off"
}  # fmt: skip
CAPTION_SIZES: dict[str, str] = {"small": "Small", "medium": "Medium", "large": "Large"}
CAPTION_COLORS: dict[str, str] = {"white": "White", "yellow": "Yellow", "black": "Black"}
CAPTION_STYLES: dict[str, str] = {"box": "Box behind the text", "outline": "Outline"}
CAPTION_CHOICES: dict[str, dict[str, str]] = {
    "position": CAPTION_POSITIONS,
    "size": CAPTION_SIZES,
    "color": CAPTION_COLORS,
    "style": CAPTION_STYLES,
}

#: The strategy inputs a project may choose for itself instead of its campaign's (an A/B
#: variant's), and their allowed values.
OVERRIDE_CHOICES: dict[str, Mapping[str, str] | tuple[str, ...]] = {
    "awareness_stage": AWARENESS_STAGES,
    "creative_style": CREATIVE_STYLES,
    "persuasion_trigger": PERSUASION_TRIGGERS,
}


def voice_id_problem(voice: str) -> str | None:
    """Why ``voice`` cannot be a voice id, or None."""
    if len(voice) > MAX_VOICE_ID:
        return f"A voice id has at most {MAX_VOICE_ID} characters."
    if voice and not _VOICE_ID_RE.match(voice):
        return "Choose one of the listed voices."
    return None


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class VoiceOptions:
    """The voice and music of a video's voiceover (a view of :class:`Choices`)."""

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


@dataclass(frozen=True)
class DesignCopy:
    """A banner's or flyer's words (the design step writes them, compose sets them)."""

    headline: str = ""
    subline: str = ""
    call_to_action: str = ""
    destination: str = ""  # where the ad sends people (the campaign's, unless edited)


@dataclass(frozen=True)
class Choices:
    """What the user chose for the project (the steps read these)."""

    voice: str = ""  # a voice id; "": the workspace's voice, else the provider's default
    voice_provider: str = ""  # the provider that voice belongs to ("" without a voice)
    speed: float = SPEED_DEFAULT
    music: bool = True
    music_db: float = MUSIC_DB_DEFAULT
    captions: CaptionStyle = field(default_factory=CaptionStyle)
    # awareness stage / creative style / persuasion trigger instead of the campaign's
    overrides: Mapping[str, str] = field(default_factory=dict)
    instrumental: bool = False  # a jingle without sung lyrics
    # run each next step by itself, picking the first idea (a kit's part, until it finishes:
    # an edit afterwards never starts paid work without a click)
    autorun: bool = False

    @property
    def voice_options(self) -> VoiceOptions:
        return VoiceOptions(self.voice, self.voice_provider, self.speed, self.music, self.music_db)

    def to_json(self) -> dict[str, Any]:
        return _sparse(self)


@dataclass(frozen=True)
class Outputs:
    """What the project's steps made (never copied into a variant: it makes its own)."""

    thumbnail: str = ""  # media path of the card's picture (a scene still or the design)
    copy: DesignCopy | None = None  # a banner's or flyer's words (None: not written yet)
    hero: str = ""  # media path of a generated product picture ("": none)
    lyrics: str = ""  # a jingle's
    music_asset: int | None = None  # the voiceover's music bed (an Asset id)
    sung: bool = False  # the jingle's music sings its lyrics (False: instrumental, none heard)

    def to_json(self) -> dict[str, Any]:
        return _sparse(self)


@dataclass(frozen=True)
class Lineage:
    """Where the project comes from: an A/B variant's source, and its walk through ideas."""

    variant_of: int | None = None  # the source project's id
    variant_axis: str = ""  # what the variant changes (a key of projects.VARIANT_AXES)
    idea_seed: int | None = None  # the seed of the ideas' walk (None: the project's own id)
    idea_round: int = 0  # the round that walk starts at
    # a kit's cut-down: the video whose script, scenes, voice and music it lays out again in
    # its own format (`aytada.core.kits`)
    cut_of: int | None = None

    def to_json(self) -> dict[str, Any]:
        return _sparse(self)


Section = Choices | Outputs | Lineage


@dataclass(frozen=True)
class ProjectOptions:
    choices: Choices = field(default_factory=Choices)
    outputs: Outputs = field(default_factory=Outputs)
    lineage: Lineage = field(default_factory=Lineage)

    def to_json(self) -> dict[str, Any]:
        """The whole JSON to store (empty sections left out)."""
        sections = {name: getattr(self, name).to_json() for name in SECTIONS}
        return {name: data for name, data in sections.items() if data}


#: section name in the JSON → its model
SECTIONS: dict[str, type[Choices] | type[Outputs] | type[Lineage]] = {
    "choices": Choices,
    "outputs": Outputs,
    "lineage": Lineage,
}
_SECTION_NAMES = {model: name for name, model in SECTIONS.items()}


# --------------------------------------------------------------------------- reading


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float (a number or its text), else None (booleans too)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _in_range(value: Any, low: float, high: float, default: float) -> float:
    number = finite_number(value)
    return number if number is not None and low <= number <= high else default


def read_captions(raw: Any) -> CaptionStyle:
    """A caption style from stored JSON; the default for any missing or unknown value."""
    stored = _mapping(raw)
    return CaptionStyle(
        **{
            key: stored[key]
            for key, allowed in CAPTION_CHOICES.items()
            if isinstance(stored.get(key), str) and stored[key] in allowed
        }
    )


def read_overrides(raw: Any) -> dict[str, str]:
    """The valid strategy overrides in ``raw`` (others are left out)."""
    return {
        key: value
        for key, value in _mapping(raw).items()
        if key in OVERRIDE_CHOICES and isinstance(value, str) and value in OVERRIDE_CHOICES[key]
    }


def _read_choices(raw: Any) -> Choices:
    stored = _mapping(raw)
    voice = stored.get("voice")
    voice = voice if isinstance(voice, str) and voice_id_problem(voice) is None else ""
    provider = stored.get("voice_provider")
    music, instrumental = stored.get("music", True), stored.get("instrumental", False)
    usable = bool(voice) and isinstance(provider, str) and provider in VOICE_PROVIDERS
    return Choices(
        voice=voice,
        voice_provider=str(provider) if usable else "",
        speed=_in_range(stored.get("speed"), SPEED_MIN, SPEED_MAX, SPEED_DEFAULT),
        music=music if isinstance(music, bool) else True,
        music_db=_in_range(stored.get("music_db"), MUSIC_DB_MIN, MUSIC_DB_MAX, MUSIC_DB_DEFAULT),
        captions=read_captions(stored.get("captions")),
        overrides=read_overrides(stored.get("overrides")),
        instrumental=instrumental if isinstance(instrumental, bool) else False,
        autorun=stored.get("autorun") is True,
    )


def _read_outputs(raw: Any) -> Outputs:
    stored = _mapping(raw)
    copy = _mapping(stored.get("copy"))
    words = {}
    for key in (f.name for f in fields(DesignCopy)):
        if isinstance(copy.get(key), str):
            words[key] = copy[key]
    music = _int(stored.get("music_asset"))
    return Outputs(
        thumbnail=_text(stored.get("thumbnail")),
        copy=DesignCopy(**words) if words else None,
        hero=_text(stored.get("hero")),
        lyrics=_text(stored.get("lyrics")),
        sung=stored.get("sung") is True,
        music_asset=music if music is not None and music > 0 else None,
    )


def _read_lineage(raw: Any) -> Lineage:
    stored = _mapping(raw)
    source, round_ = _int(stored.get("variant_of")), _int(stored.get("idea_round"))
    cut_of = _int(stored.get("cut_of"))
    return Lineage(
        variant_of=source if source is not None and source > 0 else None,
        variant_axis=_text(stored.get("variant_axis")),
        idea_seed=_int(stored.get("idea_seed")),
        idea_round=round_ if round_ is not None and round_ >= 0 else 0,
        cut_of=cut_of if cut_of is not None and cut_of > 0 else None,
    )


def _stored(source: Project | Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The stored JSON object of a project, or ``source`` itself when it is the stored value
    (whatever JSON that is: anything but an object reads as nothing stored)."""
    if source is None or isinstance(source, Mapping) or not hasattr(source, "options"):
        return _mapping(source)
    return _mapping(source.options)


def options_of(source: Project | Mapping[str, Any] | None) -> ProjectOptions:
    """The typed options of a project (or of its stored ``options`` JSON). Never fails:
    whatever is missing, unknown or unusable reads as its default."""
    stored = _stored(source)
    return ProjectOptions(
        choices=_read_choices(stored.get("choices")),
        outputs=_read_outputs(stored.get("outputs")),
        lineage=_read_lineage(stored.get("lineage")),
    )


# --------------------------------------------------------------------------- writing


def _plain(value: Any) -> Any:
    if isinstance(value, DesignCopy):  # no destination: stored as the words were before it
        return {k: v for k, v in asdict(value).items() if v or k != "destination"}
    if isinstance(value, CaptionStyle):
        return asdict(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _sparse(section: Any) -> dict[str, Any]:
    """A section as JSON: the fields that differ from their defaults."""
    default, out = type(section)(), {}
    for f in fields(section):
        value = getattr(section, f.name)
        if value != getattr(default, f.name):
            out[f.name] = _plain(value)
    return out


def options_with(source: Project | Mapping[str, Any] | None, section: Section) -> dict[str, Any]:
    """The ``options`` JSON to store once ``section`` (a :class:`Choices`, :class:`Outputs` or
    :class:`Lineage`) replaces the one ``source`` has; the other sections stay as stored.

    The one way to change a project's options::

        outputs = options_of(project).outputs
        project.options = options_with(project, replace(outputs, lyrics=text))
    """
    out = dict(_stored(source))
    name, data = _SECTION_NAMES[type(section)], section.to_json()
    if data:
        out[name] = data
    else:
        out.pop(name, None)
    return out
