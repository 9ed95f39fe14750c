"""Subtitle files (.srt and .vtt) timed to the voice.

The voiceover step records where each spoken line sits in the ad (its *timeline*: one
``{"start", "end", "text"}`` per line, in seconds); stitching copies it onto the final video.
Here it becomes cues of at most two lines of :data:`MAX_LINE_CHARS` characters: a long line is
split at word boundaries into several cues that share its time in proportion to their length.

Format rules kept here:

- SRT: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` (a comma before the milliseconds), a
  blank line between cues; the text is plain (no blank line inside a cue, no ``-->``).
- WebVTT: a ``WEBVTT`` header, ``HH:MM:SS.mmm`` (a dot), and ``&``, ``<`` and ``>`` written as
  character references (so "Save 20% <today> & more" is shown as typed, never as a tag).

Both are UTF-8 (any language, emoji included) with ``\\n`` line ends. Pure functions, plus
:func:`video_subtitles` that reads the finished video's timeline.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aytada.core.projects import get_asset, get_project

MAX_LINE_CHARS = 42  # the usual subtitle line (Netflix, BBC guidelines: 37–42)
MAX_LINES = 2
MIN_CUE_SECONDS = 0.5

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str  # one or two lines joined by "\n"


def clean_text(text: str) -> str:
    """One line of readable text: control characters dropped, whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())


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


def _balanced(lines: list[str]) -> str:
    """Two lines of similar length (no lone last word) when the text fits that way."""
    if len(lines) != 2:
        return "\n".join(lines)
    words = " ".join(lines).split(" ")
    best = lines
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if len(first) > MAX_LINE_CHARS or len(second) > MAX_LINE_CHARS:
            continue
        if abs(len(first) - len(second)) < abs(len(best[0]) - len(best[1])):
            best = [first, second]
    return "\n".join(best)


_PAUSE = re.compile(r"[.,!?;:…—–)]$")


def _even_split(words: list[str], n: int) -> list[str]:
    """``words`` cut into ``n`` runs of similar length, preferring cuts after punctuation."""
    total = sum(len(word) + 1 for word in words)
    ends = []  # cumulative length after each word
    at = 0
    for word in words:
        at += len(word) + 1
        ends.append(at)
    cuts: list[int] = []
    for k in range(1, n):
        target = total * k / n
        start = cuts[-1] + 1 if cuts else 0
        candidates = range(start, len(words) - (n - k))
        if not candidates:
            break

        def cost(i: int, target: float = target) -> float:
            return abs(ends[i] - target) - (8 if _PAUSE.search(words[i]) else 0)

        cuts.append(min(candidates, key=cost))
    bounds = [0, *(c + 1 for c in cuts), len(words)]
    return [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def chunks(text: str) -> list[str]:
    """``text`` as cue texts of at most :data:`MAX_LINES` lines each, of similar length,
    split at word ends (after punctuation where it can)."""
    words = clean_text(text).split()
    if not words:
        return []
    lines = wrap(text)
    n = max(1, math.ceil(len(lines) / MAX_LINES))
    while n <= len(words):
        parts = _even_split(words, n)
        if all(len(wrap(part)) <= MAX_LINES for part in parts):
            return [_balanced(wrap(part)) for part in parts]
        n += 1
    # a word longer than two lines: cut the wrapped lines into pairs
    return ["\n".join(lines[i : i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]


def cues_from_timeline(timeline: Iterable[Mapping[str, Any]]) -> list[Cue]:
    """Cues for spoken lines ``{"start", "end", "text"}``: a line's chunks share its time in
    proportion to their length; empty lines and lines without time are skipped; no cue
    overlaps the next one."""
    cues: list[Cue] = []
    for line in timeline:
        try:
            start, end = float(line["start"]), float(line["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (math.isfinite(start) and math.isfinite(end)) or end <= start or start < 0:
            continue
        parts = chunks(str(line.get("text") or ""))
        if not parts:
            continue
        weights = [len(part.replace("\n", " ")) for part in parts]
        total = float(sum(weights))
        at = start
        for part, weight in zip(parts, weights, strict=True):
            until = at + (end - start) * weight / total
            cues.append(Cue(round(at, 3), round(until, 3), part))
            at = until
    cues.sort(key=lambda cue: cue.start)
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        next_start = cues[i + 1].start if i + 1 < len(cues) else math.inf
        # at least MIN_CUE_SECONDS on screen, never into the next cue
        end = min(max(cue.end, cue.start + MIN_CUE_SECONDS), next_start)
        out.append(Cue(cue.start, round(end, 3), cue.text))
    return out


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
