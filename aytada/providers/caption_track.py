"""Word-timed captions drawn with Pillow, for ffmpeg to lay over the video at the stitch.

Each caption group (:mod:`aytada.captions`: at most six words, timed to the voice) is drawn
once per spoken word: the group's words in the chosen style, the spoken one on a highlight box
in the brand's accent colour. Every drawing is a transparent PNG of one size, a band across the
frame where the chosen position puts captions (inside the platforms' safe zone: the shared
numbers of :mod:`aytada.standards`). A segment's drawings are listed in an ``ffconcat`` file
with how long each stays (a transparent one where nobody speaks): ffmpeg reads it as one
sparse video stream and overlays it once (:func:`aytada.providers.ffmpeg.burn_captions`), so
each PNG is decoded once, however long it shows.

Measured on 2 cores, a 30 s 1080×1920 ad (bench/README.md): this overlay costs about as much as
ffmpeg drawing the same words with ``drawtext`` filters and ``enable`` expressions; both are
small next to the H.264 encode. The PNGs win on looks: rounded panels and highlight boxes,
exact word positions measured with the font that draws them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from aytada import standards
from aytada.captions import CaptionGroup, spaced
from aytada.providers import textfit
from aytada.providers.base import CaptionStyle, ProviderError
from aytada.providers.layout import RGB, contrast_ratio, parse_color
from aytada.providers.motion import Transition

FPS = 30  # the video's frame rate (ffmpeg.FPS): drawings change on frame boundaries

CAPTION_SIZES: dict[str, float] = {"small": 0.05, "medium": 0.058, "large": 0.07}
"""Caption font size per choice, as a fraction of the frame's shorter side (54, 63, 76 px at
1080: all above the craft sheet's 48 px)."""
CAPTION_POSITIONS: tuple[str, ...] = ("top", "middle", "bottom", "off")
"""Where captions go: just under the top of the safe zone, below the frame's centre (clear of
the product's centre, which the stills put at or above it), centred in the bottom band
(:mod:`aytada.standards`) — or nowhere ("off")."""
CAPTION_COLORS: dict[str, tuple[RGB, RGB]] = {
    # text colour, contrasting colour (the box or the outline)
    "white": ((255, 255, 255), (0, 0, 0)),
    "yellow": ((255, 212, 0), (0, 0, 0)),
    "black": ((17, 17, 17), (255, 255, 255)),
}
CAPTION_STYLES: tuple[str, ...] = ("box", "outline")

_PANEL_ALPHA = {(0, 0, 0): 150, (255, 255, 255): 235}  # a dark panel lets the picture through
_MAX_LINES = 2
_DEFAULT_ACCENTS: dict[RGB, RGB] = {(0, 0, 0): (255, 196, 0), (255, 255, 255): (31, 58, 147)}
_MIN_ACCENT_CONTRAST = 1.8  # the highlight box against the panel (or the outline's colour)


def check_style(style: CaptionStyle) -> None:
    """Refuse a style value the renderer does not know (a readable ProviderError)."""
    for what, value, known in (
        ("position", style.position, CAPTION_POSITIONS),
        ("size", style.size, CAPTION_SIZES),
        ("colour", style.color, CAPTION_COLORS),
        ("style", style.style, CAPTION_STYLES),
    ):
        if value not in known:
            raise ProviderError(f"unknown caption {what} {value!r} (use {', '.join(known)})")


def font_size(width: int, height: int, style: CaptionStyle) -> int:
    return max(12, round(min(width, height) * CAPTION_SIZES[style.size]))


def _even(value: float) -> int:
    return int(round(value / 2)) * 2


@dataclass(frozen=True)
class Band:
    """Where the caption drawings go: a full-width band of the frame, ``y`` px from its top."""

    y: int
    width: int
    height: int
    font_px: int
    text_width: int  # the widest a line of text may be
    anchor: str  # "top": a caption starts at the band's top; "center": it is centred in it


def band(width: int, height: int, style: CaptionStyle) -> Band:
    """The band of a ``width``×``height`` frame the style's captions are drawn in: two lines
    of text at the style's size with their panel, placed by the shared caption bands and safe
    zones. Horizontally centred on the frame and never wider than the safe zone allows."""
    check_style(style)
    shape = standards.frame_shape(width, height)
    size = font_size(width, height, style)
    pad_x, pad_y = _padding(size)
    pitch = textfit.line_height(size)
    band_h = _even(_MAX_LINES * pitch + 2 * pad_y + size * 0.2)
    left, _, right, _ = standards.SAFE_ZONES[shape]
    half = min(0.5 - left, right - 0.5) * width  # centred, inside the safe zone both sides
    text_width = int(2 * half - 2 * pad_x)
    if style.position == "top":
        y, anchor = height * standards.caption_top_y(shape), "top"
    else:
        centre = (
            standards.caption_middle_y(shape)
            if style.position == "middle"
            else standards.caption_center_y(shape)
        )
        y, anchor = height * centre - band_h / 2, "center"
        if style.position == "middle":  # two large lines on a square frame: still below it
            y = max(y, height * (0.5 + standards.CAPTION_GAP))
    y = max(0, min(height - band_h, _even(y)))
    return Band(int(y), width, band_h, size, text_width, anchor)


def _padding(size: int) -> tuple[int, int]:
    return max(4, round(size * 0.4)), max(3, round(size * 0.22))


# --------------------------------------------------------------------------- colours


def highlight_colors(colors: Sequence[str], style: CaptionStyle) -> tuple[RGB, RGB]:
    """(the highlight box's colour, the spoken word's colour on it).

    The box is the brand's accent (its second colour, else its first) when it stands out from
    the caption's panel (or outline) colour; else the first brand colour that does; else a
    standard yellow (on dark) or blue (on white). The word on it is near-black or white,
    whichever contrasts more (at least 4.5:1 for every colour these choices can give)."""
    _, contrast = CAPTION_COLORS[style.color]
    parsed: list[RGB] = []
    for value in [*colors[1:2], *colors[:1], *colors[2:]]:
        try:
            parsed.append(parse_color(value))
        except (ValueError, TypeError):
            continue
    accent = next(
        (c for c in parsed if contrast_ratio(c, contrast) >= _MIN_ACCENT_CONTRAST),
        _DEFAULT_ACCENTS[contrast],
    )
    ink = max(((17, 17, 17), (255, 255, 255)), key=lambda c: contrast_ratio(c, accent))
    return accent, ink


# --------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class _Placed:
    index: int  # the word's index in the group
    text: str
    x: float
    baseline: float
    width: float


def _lines(words: Sequence[str], size: int, max_width: float) -> list[list[int]] | None:
    """Indexes of ``words`` on one line, or two of similar width; None if they do not fit."""
    font = textfit.load_font(size, _face(words))
    gaps = _gaps(words, textfit.text_length(font, " "))
    widths = [textfit.text_length(font, w) for w in words]

    def width(a: int, b: int) -> float:
        return sum(widths[a:b]) + sum(gaps[a + 1 : b])

    n = len(words)
    if width(0, n) <= max_width:
        return [list(range(n))]
    cuts = [k for k in range(1, n) if width(0, k) <= max_width and width(k, n) <= max_width]
    if not cuts:
        return None
    k = min(cuts, key=lambda c: (abs(width(0, c) - width(c, n)), width(0, c) < width(c, n)))
    return [list(range(k)), list(range(k, n))]


def _gaps(words: Sequence[str], space: float) -> list[float]:
    """The space before each word (none before the first, nor between two pieces of Chinese or
    Japanese: :func:`aytada.captions.spaced`)."""
    return [0.0] + [space if spaced(words[k - 1], words[k]) else 0.0 for k in range(1, len(words))]


def _face(words: Sequence[str]) -> str:
    """The face a caption group is drawn in: the shipped font, or the CJK face its words need."""
    return textfit.face_for(" ".join(words))


def layout_words(words: Sequence[str], area: Band) -> tuple[list[list[int]], int]:
    """The lines (word indexes) and the font size a group is drawn with: at most two lines,
    at the style's size when they fit, else smaller until they do (a group of the grouping
    rule's length fits at 70 %; only a very long word needs less)."""
    size = area.font_px
    while True:
        lines = _lines(words, size, area.text_width)
        if lines is not None:
            return lines, size
        if size <= 12:
            return [list(range(len(words)))], size
        size = max(12, int(size * 0.92))


def _place(words: Sequence[str], area: Band) -> tuple[list[_Placed], int, tuple[float, ...]]:
    """Each word's position in the band, the font size, and the text block's box."""
    lines, size = layout_words(words, area)
    face = _face(words)
    font = textfit.load_font(size, face)
    ascent, descent = font.getmetrics()
    pitch = textfit.line_height(size, face)
    gaps = _gaps(words, textfit.text_length(font, " "))
    block_h = ascent + descent + pitch * (len(lines) - 1)
    pad_x, pad_y = _padding(area.font_px)
    top = pad_y if area.anchor == "top" else (area.height - block_h) / 2
    placed: list[_Placed] = []
    x_min, x_max = math.inf, -math.inf
    for row, indexes in enumerate(lines):
        widths = [textfit.text_length(font, words[i]) for i in indexes]
        line_w = sum(widths) + sum(gaps[i] for i in indexes[1:])
        x = (area.width - line_w) / 2
        x_min, x_max = min(x_min, x), max(x_max, x + line_w)
        baseline = top + ascent + row * pitch
        for k, (i, w) in enumerate(zip(indexes, widths, strict=True)):
            if k:
                x += gaps[i]
            placed.append(_Placed(i, words[i], x, baseline, w))
            x += w
    box = (x_min - pad_x, top - pad_y, x_max + pad_x, top + block_h + pad_y)
    return placed, size, box


def draw_group(
    words: Sequence[str],
    area: Band,
    style: CaptionStyle,
    *,
    spoken: int | None = None,
    highlight: tuple[RGB, RGB] = ((255, 196, 0), (17, 17, 17)),
) -> Image.Image:
    """One drawing of a caption group (RGBA, the band's size): the words in the style, the
    ``spoken`` word (an index, or None) on a box of ``highlight``'s colour."""
    image = Image.new("RGBA", (area.width, area.height), (0, 0, 0, 0))
    shown = [textfit.drawable(w) for w in words]
    kept = [i for i, w in enumerate(shown) if w]
    if not kept:
        return image
    placed, size, box = _place([shown[i] for i in kept], area)
    font = textfit.load_font(size, _face([shown[i] for i in kept]))
    ink, contrast = CAPTION_COLORS[style.color]
    draw = ImageDraw.Draw(image)
    radius = max(2, round(area.font_px * 0.22))
    if style.style == "box":
        draw.rounded_rectangle(box, radius, fill=(*contrast, _PANEL_ALPHA[contrast]))
    ascent, descent = font.getmetrics()
    word_at = {kept[p.index]: p for p in placed}
    accent, accent_ink = highlight
    if spoken is not None and spoken in word_at:
        p = word_at[spoken]
        grow = max(2, round(size * 0.14))
        draw.rounded_rectangle(
            (p.x - grow, p.baseline - ascent - grow * 0.4, p.x + p.width + grow,
             p.baseline + descent + grow * 0.4),
            max(2, round(size * 0.18)),
            fill=(*accent, 255),
        )  # fmt: skip
    stroke = max(2, round(size / 12)) if style.style == "outline" else 0
    shadow = max(1, size // 24) if contrast == (0, 0, 0) else 0
    for index, p in word_at.items():
        on_box = index == spoken
        if shadow and not on_box:
            textfit.draw_text(draw, (p.x + shadow, p.baseline + shadow), p.text, font,
                              fill=(0, 0, 0, 150), anchor="ls", stroke_width=stroke,
                              stroke_fill=(0, 0, 0, 150))  # fmt: skip
        textfit.draw_text(
            draw, (p.x, p.baseline), p.text, font, anchor="ls",
            fill=(*(accent_ink if on_box else ink), 255),
            stroke_width=0 if on_box else stroke, stroke_fill=(*contrast, 255),
        )  # fmt: skip
    return image


# --------------------------------------------------------------------------- a segment's track


@dataclass(frozen=True)
class Track:
    """A segment's captions for ffmpeg: the ``ffconcat`` list of drawings and where to lay
    them (``x``, ``y`` px on the frame)."""

    listing: Path
    x: int
    y: int


def _frame(seconds: float) -> int:
    return round(seconds * FPS)


def write_track(
    groups: Sequence[CaptionGroup],
    folder: Path,
    *,
    start: float,
    seconds: float,
    width: int,
    height: int,
    style: CaptionStyle,
    colors: Sequence[str] = (),
    name: str = "track",
) -> Track | None:
    """The captions shown during ``[start, start + seconds]`` of the ad, as a :class:`Track`
    whose times count from ``start`` (the segment's own clock), or None when none shows (or the
    style's position is "off"). Drawings go into ``folder`` and are shared between the
    segments written there (a group said across a cut is drawn once)."""
    check_style(style)
    if style.position == "off":
        return None
    area = band(width, height, style)
    highlight = highlight_colors(colors, style)
    first, last = _frame(start), _frame(start + seconds)
    states: list[tuple[int, int, Path]] = []  # (from frame, until frame, drawing), ad frames
    for number, group in enumerate(groups):
        if _frame(group.end) <= first or _frame(group.start) >= last:
            continue
        words = [w.text for w in group.words]
        spans = group.spoken() or [(None, group.start, group.end)]
        for index, a, b in spans:
            fa, fb = max(first, _frame(a)), min(last, _frame(b))
            if fb <= fa:
                continue
            state = "all" if index is None else index
            path = folder / f"caption-{area.font_px}-{number}-{state}.png"
            if not path.is_file():
                draw_group(words, area, style, spoken=index, highlight=highlight).save(
                    path, compress_level=1
                )
            states.append((fa, fb, path))
    if not states:
        return None
    blank = folder / f"caption-{area.font_px}-blank.png"
    if not blank.is_file():
        Image.new("RGBA", (area.width, area.height), (0, 0, 0, 0)).save(blank)
    states.sort()
    entries: list[tuple[Path, int]] = []  # (drawing, frames it stays)
    at = first
    for fa, fb, path in states:
        fa = max(fa, at)
        if fb <= fa:
            continue
        if fa > at:
            entries.append((blank, fa - at))
        entries.append((path, fb - fa))
        at = fb
    entries.append((blank, max(1, last - at)))
    lines = ["ffconcat version 1.0"]
    for path, frames in entries:
        lines += [f"file '{_quoted(path)}'", f"duration {frames / FPS:.6f}"]
    lines.append(f"file '{_quoted(blank)}'")  # the last file's duration is read from the next
    listing = folder / f"{name}.ffconcat"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Track(listing, 0, area.y)


def _quoted(path: Path) -> str:
    return str(Path(path).resolve()).replace("'", "'\\''")


# --------------------------------------------------------------------------- the final segments


BURN_PROCESSES = 1
"""Segments the stitch lays captions over at once. One: each ffmpeg holds ~150 MB at 1080×1920
(x264's frames, the decoded ones, the overlays), and two at once put the stitch at ~450 MB
(summed RSS of the worker's processes, bench/render_memory.py), over the 300 MB the render may
take; one keeps about 1.4 of 2 cores busy (its decode and overlay run in one thread), so the
captions of a 30 s ad take ~1–4 s more wall time on a busy machine, for no more CPU
(bench/README.md, section 6)."""


def burn_into_segments(
    segments: Sequence[Path],
    groups: Sequence[CaptionGroup],
    folder: Path,
    *,
    style: CaptionStyle,
    colors: Sequence[str] = (),
    bare: Sequence[bool] | None = None,
    transitions: Sequence[Transition] | None = None,
    processes: int = BURN_PROCESSES,
) -> list[Path]:
    """The final segments, in ``folder``: each segment (played one after the other from the
    ad's start) with the caption groups said during it laid over it
    (:func:`aytada.providers.ffmpeg.burn_captions`), ``processes`` at once. ``bare[i]`` False:
    segment ``i`` has its caption burned in already (rendered before captions moved to the
    stitch), none is added. ``transitions[i]``: how segment ``i`` takes over from the one
    before (:mod:`aytada.providers.motion`; none: cuts)."""
    from aytada.providers import ffmpeg

    check_style(style)
    folder.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Path, Path, Track | None, Path | None, Transition | None]] = []
    lengths: list[float] = []
    at = 0.0
    for i, segment in enumerate(segments):
        info = ffmpeg.probe(segment)
        seconds = float(info.get("duration") or 0.0)
        width, height = int(info.get("width") or 0), int(info.get("height") or 0)
        track = None
        if (bare is None or bare[i]) and width and height:
            track = write_track(
                groups, folder, start=at, seconds=seconds, width=width, height=height,
                style=style, colors=colors, name=f"track{i + 1}",
            )  # fmt: skip
        change = transitions[i] if transitions is not None and i < len(transitions) else None
        enter_from = None
        if i and change is not None and change.kind:
            enter_from = ffmpeg.last_frame(segments[i - 1], folder / f"last{i}.y4m")  # its YUV
        jobs.append((segment, folder / f"final{i + 1}.mp4", track, enter_from, change))
        lengths.append(seconds)
        at += seconds
    # the longest first, so that the processes finish together
    order = sorted(range(len(jobs)), key=lambda i: -lengths[i])
    with ThreadPoolExecutor(max_workers=max(1, processes)) as pool:
        done = dict(zip(order, pool.map(lambda i: _burn(jobs[i]), order), strict=True))
    return [done[i] for i in range(len(jobs))]


def _burn(job: tuple[Path, Path, Track | None, Path | None, Transition | None]) -> Path:
    from aytada.providers import ffmpeg

    segment, out, track, enter_from, change = job
    return ffmpeg.burn_captions(segment, out, track, enter_from=enter_from, transition=change)
