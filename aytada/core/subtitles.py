"""Subtitle files (.srt and .vtt) timed to the voice.

The voiceover step records where each spoken line sits in the ad (its *timeline*: one
``{"start", "end", "text"}`` per line, in seconds, with ``"words"`` when the voice engine timed
them); stitching copies it onto the final video. Its cues are the word-timed caption groups the
video shows (:func:`aytada.captions.caption_groups`, the one grouping rule): at most six words,
never across a sentence or a line, each group on screen from when its first word is said until
the next group's, never past its line's end.

Format rules kept here:

- SRT: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` (a comma before the milliseconds), a
  blank line between cues; the text is plain (no blank line inside a cue, no ``-->``).
- WebVTT: a ``WEBVTT`` header, ``HH:MM:SS.mmm`` (a dot), and ``&``, ``<`` and ``>`` written as
  character references (so "Save 20% <today> & more" is shown as typed, never as a tag).

Both are UTF-8 (any language, emoji included) with ``\\n`` line ends. Pure functions, plus
:func:`video_subtitles` that reads the finished video's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aytada.captions import CaptionGroup, caption_groups, clean_text
from aytada.core.projects import get_asset, get_project

MAX_LINE_CHARS = 42  # the usual subtitle line (Netflix, BBC guidelines: 37–42)


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str  # one line, or a few joined by "\n" when a word is longer than a line


def wrap(text: str, width: int = MAX_LINE_CHARS) -> list[str]:
    """Greedy word wrap to ``width`` characters; a longer word is split."""
    lines: list[str] = []
    current = ""
    for word in clean_text(text).split(" "):
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def cues_from_groups(groups: Iterable[CaptionGroup]) -> list[Cue]:
    """One cue per caption group, at the group's time."""
    return [Cue(g.start, g.end, "\n".join(wrap(g.text))) for g in groups if g.text]


def cues_from_timeline(timeline: Iterable[Mapping[str, Any]]) -> list[Cue]:
    """The cues of spoken lines ``{"start", "end", "text"[, "words"]}``: the caption groups the
    video shows (empty lines and lines without time are skipped)."""
    return cues_from_groups(caption_groups(timeline))


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(float(seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt_timestamp(seconds: float) -> str:
    """``HH:MM:SS,mmm`` (SRT puts a comma before the milliseconds)."""
    return _timestamp(seconds, ",")


def vtt_timestamp(seconds: float) -> str:
    """``HH:MM:SS.mmm`` (WebVTT puts a dot)."""
    return _timestamp(seconds, ".")


def _srt_text(text: str) -> str:
    lines = [clean_text(line).replace("-->", "→") for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _vtt_text(text: str) -> str:
    lines = [
        clean_text(line).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for line in text.split("\n")
    ]
    return "\n".join(line for line in lines if line)


def to_srt(cues: Sequence[Cue]) -> str:
    """The cues as a SubRip (.srt) file."""
    blocks: list[str] = []
    for cue in cues:
        text = _srt_text(cue.text)
        if text:
            blocks.append(
                f"{len(blocks) + 1}\n{srt_timestamp(cue.start)} --> {srt_timestamp(cue.end)}\n"
                f"{text}\n"
            )
    return "\n".join(blocks)


def to_vtt(cues: Sequence[Cue]) -> str:
    """The cues as a WebVTT (.vtt) file."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        text = _vtt_text(cue.text)
        if text:
            blocks.append(f"{vtt_timestamp(cue.start)} --> {vtt_timestamp(cue.end)}\n{text}\n")
    return "\n".join(blocks)


FORMATS = {"srt": to_srt, "vtt": to_vtt}
MIME_TYPES = {"srt": "application/x-subrip", "vtt": "text/vtt"}


def video_subtitles(workspace_id: int, project_id: Any) -> list[Cue] | None:
    """The cues of the project's finished video, or None when it has no video or the video
    was rendered before timelines were recorded."""
    project = get_project(workspace_id, project_id)
    asset = get_asset(workspace_id, project.output_asset_id)
    timeline = (asset.meta or {}).get("timeline") if asset is not None else None
    if not isinstance(timeline, list):
        return None
    return cues_from_timeline(line for line in timeline if isinstance(line, Mapping))
