"""Offline clips: ffmpeg camera moves over the scene still (the stitch adds the captions)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageStat

from aytada.providers import ffmpeg as ff
from aytada.providers import layers as still_layers
from aytada.providers import motion as templates
from aytada.providers.base import (
    ProviderError,
    SegmentRequest,
)
from aytada.providers.offline.images import MOTION_FOR_LAYOUT

_SEEDED_MOTIONS = ("push_in", "pan")


class FfmpegMotionClips:
    """A camera move over the scene image (ffmpeg zoompan); no caption: the stitch lays the
    word-timed captions over it once the voice is timed.

    The move is the request's ``motion``; without one it follows the still's layout (written
    into the PNG by :class:`~aytada.providers.offline.images.PillowImages`: push-in on a hero or
    context shot, pan across a detail, slide-in end card), else a push-in or pan by seed. The
    push-in heads for the product's centre recorded in the still.

    When the still has its layers beside it (:mod:`aytada.providers.layers`), its texts, logo,
    icon and call to action enter one after the other while the camera holds, at the pace of
    the campaign's creative style (``request.extra["style"]``, :mod:`aytada.providers.motion`);
    on the end card they enter once it has slid in.
    """

    name = "offline"
    model = "ffmpeg-zoompan"

    def segment(self, request: SegmentRequest, out_path: Path) -> Path:
        layout, focus, fill = _still_facts(Path(request.still))
        motion = (request.motion or "").strip().lower()
        if motion and motion not in ff.MOTIONS:
            known = ", ".join(m for m in ff.MOTIONS if m)
            raise ProviderError(f"unknown camera motion {request.motion!r} (use {known})")
        if not motion:
            motion = (
                MOTION_FOR_LAYOUT.get(layout)
                or _SEEDED_MOTIONS[int(request.seed) % len(_SEEDED_MOTIONS)]
            )
        base, moving = _moving_layers(request, motion)
        return ff.render_segment_from_still(
            request.still,
            out_path,
            seed=request.seed,
            motion=motion,
            focus=focus,
            fill=fill,
            base=base,
            layers=moving,
            **request.frame(),
        )


def _moving_layers(
    request: SegmentRequest, motion: str
) -> tuple[Path | None, list[ff.MovingLayer]]:
    """The still's layers with their entrances (none for a still without layers, one of
    another size, or a move chosen by seed)."""
    found = still_layers.read(Path(request.still)) if motion else None
    if found is None:
        return None, []
    base, layers = found
    with Image.open(base) as picture:
        if picture.size != (int(request.width), int(request.height)):
            return None, []
    style = str((request.extra or {}).get("style") or "")
    delay = ff.SLIDE_SECONDS * 0.6 if motion == "slide_in" else 0.0  # once it has slid in
    plan = templates.entrances([layer.role for layer in layers], style,
                               float(request.seconds) - delay)  # fmt: skip
    moving = []
    for layer, e in zip(layers, plan, strict=True):
        e = templates.Entrance(e.role, e.kind, e.start + delay, e.seconds, e.distance)
        moving.append(ff.MovingLayer(layer.sprite, layer.box, e))
    # overlaid in the order they enter: a later one is drawn over an earlier one
    moving.sort(key=lambda m: m.entrance.start)
    return base, moving


def _still_facts(still: Path) -> tuple[str, tuple[float, float], str]:
    """(layout, product focus, colour of the top edge as 0xRRGGBB) read from the still; the
    defaults when it carries no layout notes (e.g. a generated image)."""
    layout, focus, fill = "", (0.5, 0.45), "black"
    try:
        with Image.open(still) as image:
            notes = getattr(image, "text", None) or image.info
            layout = str(notes.get("aytada:layout", ""))
            raw = str(notes.get("aytada:focus", ""))
            if raw:
                fx, fy = (float(v) for v in raw.split(","))
                focus = (min(1.0, max(0.0, fx)), min(1.0, max(0.0, fy)))
            top = image.convert("RGB").crop((0, 0, image.width, max(1, image.height // 20)))
            r, g, b = (round(v) for v in ImageStat.Stat(top).mean[:3])
            fill = f"0x{r:02X}{g:02X}{b:02X}"
    except (OSError, ValueError):
        pass  # a missing or unreadable still: render_segment_from_still says so
    return layout, focus, fill
