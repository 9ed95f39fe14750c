"""Provider interfaces: one small ``Protocol`` per capability, plain data in, files out.

Nothing in ``aytada.providers`` imports the rest of the package: the job layer turns a campaign
into a :class:`Brief` and hands it over; providers return dataclasses or write files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from aytada.standards import MUSIC_UNDER_VOICE_DB


class ProviderError(Exception):
    """A provider failed with a message that is safe and readable for the user."""


class AuthError(ProviderError):
    """The provider rejected the API key (never retried)."""


class TransientError(ProviderError):
    """Rate limit, 5xx or timeout: worth retrying with backoff."""


class ProviderTimeout(TransientError):
    """The provider did not answer in time ("OpenAI did not answer within 60 s")."""

    def __init__(self, provider: str, seconds: float | None = None) -> None:
        within = f" within {seconds:g} s" if seconds else " in time"
        super().__init__(f"{provider} did not answer{within}")
        self.provider = provider
        self.seconds = seconds


@dataclass(frozen=True)
class Brief:
    """The campaign as it is when a step starts (a plain snapshot, no ORM objects)."""

    name: str
    product_name: str
    product_description: str = ""
    brand_name: str = ""
    tone_of_voice: str = ""
    brand_colors: tuple[str, ...] = ("#1F3A93", "#F5B041")
    awareness_stage: str = "problem_aware"
    business_type: str = ""
    industry: str = ""
    creative_style: str = "Direct Response"
    persuasion_trigger: str = ""
    audience: str = ""
    messaging: str = ""
    goals: str = ""
    destination: str = ""  # where the ads send people: web address, handle or phone


@dataclass(frozen=True)
class Idea:
    title: str
    angle: str  # the hook angle
    hook: str  # the opening line
    approach: str  # the narrative approach


@dataclass(frozen=True)
class ScriptLine:
    text: str
    seconds: float  # timing hint


@dataclass(frozen=True)
class Script:
    hook: str
    body: str
    call_to_action: str
    voiceover: str
    lines: tuple[ScriptLine, ...] = ()


#: A scene's composition, named in its visual as a leading tag: "[detail] Close-up of …".
LAYOUTS: tuple[str, ...] = ("hero", "detail", "context", "end_card")
_LAYOUT_TAG = re.compile(r"^\s*\[(\w+)\]\s*")


def split_layout(visual: str) -> tuple[str, str]:
    """(the composition named by the visual's leading tag or "", the visual without it)."""
    match = _LAYOUT_TAG.match(visual or "")
    if match and match.group(1).lower() in LAYOUTS:
        return match.group(1).lower(), visual[match.end() :]
    return "", visual or ""


@dataclass(frozen=True)
class Scene:
    index: int
    visual: str  # visual description / image prompt
    caption: str  # on-screen caption
    voiceover: str  # the line spoken over this scene
    duration: float  # seconds


@dataclass(frozen=True)
class AdCopy:
    headline: str
    subline: str
    call_to_action: str
    # where the ad sends people (web address, handle or phone), drawn by the CTA; the design
    # step sets it from the campaign, the user may edit it
    destination: str = ""


@dataclass(frozen=True)
class Strategy:
    """A drafted strategy: the campaign's three pillars ("Draft strategy with AI")."""

    audience: str
    messaging: str
    goals: str


@dataclass(frozen=True)
class AudioResult:
    path: Path
    notice: str = ""  # e.g. "espeak-ng not installed: silent track"
    # when each word is said, in seconds from the start of ``path`` (empty when the engine
    # gives no timings: captions then time the words by their length within the line)
    words: tuple[WordTiming, ...] = ()


@dataclass(frozen=True)
class WordTiming:
    word: str  # as written in the spoken text, punctuation kept ("stock?")
    start: float
    end: float


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    width: int
    height: int
    caption: str = ""
    title: str = ""
    colors: tuple[str, ...] = ("#1F3A93", "#F5B041")
    seed: int = 0
    # the campaign's uploads, as absolute local paths ("" when not uploaded): every scene,
    # banner and flyer shows the real product (OpenAI: passed to images.edit as references)
    product_photo: str = ""
    logo: str = ""
    # the scene's composition: "hero", "detail", "context", "end_card" ("" → chosen by seed)
    layout: str = ""
    call_to_action: str = ""  # drawn on the end card
    brand_name: str = ""
    destination: str = ""  # drawn on the end card, under the call to action
    # where the video's captions will be burned ("top", "middle", "bottom", "off"): a scene
    # still keeps that band free of text, logos and the product's centre
    caption_position: str = "bottom"
    # the campaign's creative style: the type pairing its words are set in ("" → the shipped font)
    style: str = ""


@dataclass(frozen=True)
class CaptionStyle:
    """How the burned-in captions look: ``position`` top/middle/bottom (always inside the
    platforms' safe zone) or off (none), ``size`` small/medium/large, ``color``
    white/yellow/black, ``style`` box (a contrasting panel behind the text) or outline (a
    contrasting edge, no panel). The spoken word is always on a highlight box."""

    position: str = "bottom"
    size: str = "medium"
    color: str = "white"
    style: str = "box"


@dataclass(frozen=True)
class VoiceInfo:
    """A voice a voice provider can speak with: its id (what ``speak(voice=...)`` takes)."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class SegmentRequest:
    """One scene's video segment: exact size and length, no caption, no audio.

    ``caption`` is the scene's on-screen line, for context only: segments are rendered bare and
    the stitch lays the word-timed captions over them, once the voice's timing is known."""

    still: Path
    prompt: str
    seconds: float
    width: int
    height: int
    caption: str = ""
    seed: int = 0
    # camera move over the still: "push_in", "pan", "slide_in", "" (chosen by seed)
    motion: str = ""
    extra: dict = field(default_factory=dict)

    def frame(self) -> dict[str, Any]:
        """What every segment renderer is told about the frame: length and size."""
        return {"seconds": self.seconds, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class MusicRequest:
    """The arguments of :meth:`MusicProvider.compose`, as its providers' ``render`` gets them."""

    prompt: str
    seconds: float
    lyrics: str = ""
    instrumental: bool = True
    mood: str = ""


@dataclass(frozen=True)
class StitchRequest:
    """The arguments of :meth:`Stitcher.stitch`, as its providers' ``render`` gets them."""

    segments: list[Path]
    voice: Path | None
    music: Path | None
    music_under_db: float = MUSIC_UNDER_VOICE_DB


@runtime_checkable
class TextProvider(Protocol):
    name: str
    model: str

    def ideas(
        self, brief: Brief, *, count: int, length_s: int, variant: int = 0, seed: int = 0
    ) -> list[Idea]:
        """Exactly ``count`` concepts. ``variant`` counts the project's earlier runs (re-rolls
        bring new angles); ``seed`` is the project's own, so variants start elsewhere."""
        ...

    def script(self, brief: Brief, idea: Idea, *, length_s: int) -> Script: ...

    def scenes(self, brief: Brief, script: Script, *, length_s: int) -> list[Scene]: ...

    def ad_copy(self, brief: Brief, *, kind: str, take: int = 0) -> AdCopy:
        """``take`` > 0: a "new take", other words than take 0 where the brief allows."""
        ...

    def lyrics(self, brief: Brief, *, seconds: int) -> str: ...

    def strategy(self, brief: Brief) -> Strategy:
        """Draft Audience, Messaging and Goals from the brief's product, description, business
        type, industry, creative style and awareness stage: whole sentences that claim
        nothing the brief does not state."""
        ...


@runtime_checkable
class ImageProvider(Protocol):
    name: str
    model: str
    # draws a product from its description alone (a real image model); False: it can only
    # compose the uploads and the campaign's words (the offline compositions)
    draws_products: bool

    def image(self, request: ImageRequest, out_path: Path) -> Path: ...


@runtime_checkable
class ClipProvider(Protocol):
    name: str
    model: str

    def segment(self, request: SegmentRequest, out_path: Path) -> Path: ...


@runtime_checkable
class VoiceProvider(Protocol):
    """A provider that can carry the prosody across lines said one by one sets
    ``takes_neighbours = True``; its ``speak`` then also accepts ``previous_text`` and
    ``next_text`` (the lines said before and after ``text``, "" at either end)."""

    name: str
    model: str

    def speak(
        self, text: str, out_path: Path, *, voice: str = "", speed: float = 1.0
    ) -> AudioResult:
        """``text`` said by ``voice`` ("" = the provider's default) at ``speed`` times the
        voice's normal pace."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """The voices ``speak`` accepts (a real provider asks its API)."""
        ...


@runtime_checkable
class MusicProvider(Protocol):
    """The pipeline calls :meth:`compose`; a provider subclasses this protocol and writes
    :meth:`render`, which gets the arguments as one :class:`MusicRequest`."""

    name: str
    model: str
    # sings the lyrics it is given (a music model with a voice); False: it only plays a tune
    # (the offline synthesizer), so a jingle's lyrics are a text for a singer, not its words
    sings_lyrics: bool

    def compose(
        self,
        prompt: str,
        seconds: float,
        out_path: Path,
        *,
        lyrics: str = "",
        instrumental: bool = True,
        mood: str = "",
    ) -> AudioResult:
        """Music of ``seconds``. With ``lyrics`` and ``instrumental=False`` the lyrics are sung
        (when the provider :attr:`sings_lyrics`); ``mood`` (e.g. the brand's tone) sets tempo,
        key and instruments."""
        request = MusicRequest(prompt, float(seconds), lyrics, instrumental, mood)
        return self.render(request, Path(out_path))

    def render(self, request: MusicRequest, out_path: Path) -> AudioResult: ...


@runtime_checkable
class Stitcher(Protocol):
    """The pipeline calls :meth:`stitch`; a provider subclasses this protocol and writes
    :meth:`render`, which gets the arguments as one :class:`StitchRequest`."""

    name: str
    model: str

    def stitch(
        self,
        segments: list[Path],
        voice: Path | None,
        music: Path | None,
        out_path: Path,
        *,
        music_under_db: float = MUSIC_UNDER_VOICE_DB,
    ) -> Path:
        """The segments joined, with the voice over the music; the music bed sits
        ``music_under_db`` dB under the voice where nobody speaks."""
        request = StitchRequest(segments, voice, music, music_under_db)
        return self.render(request, Path(out_path))

    def render(self, request: StitchRequest, out_path: Path) -> Path: ...
