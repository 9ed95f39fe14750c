"""What a project can be: kinds, formats, lengths, qualities and the pixel size of each.

The pipeline's steps (statuses, prices, order) live in `aytada.core.pipeline`.
"""

from __future__ import annotations

from aytada.core.pipeline import DESIGN_KINDS

KINDS = ("video", "banner", "flyer", "jingle")
VIDEO_FORMATS: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "16:9": (1920, 1080),
}
DESIGN_FORMATS: dict[str, tuple[int, int]] = {
    "1080x1080": (1080, 1080),
    "1080x1920": (1080, 1920),
    "1080x1350": (1080, 1350),
    "1200x628": (1200, 628),
    "300x250": (300, 250),
    "728x90": (728, 90),
    "160x600": (160, 600),
}
DESIGN_FORMAT_LABELS: dict[str, str] = {
    "1080x1080": "1080×1080 · square post",
    "1080x1920": "1080×1920 · story",
    "1080x1350": "1080×1350 · portrait post",
    "1200x628": "1200×628 · link ad",
    "300x250": "300×250 · medium rectangle",
    "728x90": "728×90 · leaderboard",
    "160x600": "160×600 · wide skyscraper",
}
LENGTHS = (15, 30, 60)
QUALITIES = {"standard": "Standard (720p)", "pro": "Pro (1080p)"}


def frame_size(kind: str, fmt: str, quality: str = "pro", scale: float = 1.0) -> tuple[int, int]:
    """Pixel size of a project's output. Standard video quality renders at 720p.

    ``scale`` (``AYTADA_RENDER_SCALE``, 1 by default) shrinks a video's frame, kept even for
    x264: the test suite renders its orchestration tests small."""
    if kind == "video":
        w, h = VIDEO_FORMATS[fmt]
        if quality == "standard":
            w, h = w * 2 // 3, h * 2 // 3
        return _even(w * scale), _even(h * scale)
    if kind in DESIGN_KINDS:
        return DESIGN_FORMATS[fmt]
    return (0, 0)


def _even(pixels: float) -> int:
    return max(2, int(pixels) // 2 * 2)
