"""Offline clips: ffmpeg motion over the scene still, caption burned in."""

from __future__ import annotations

from pathlib import Path

from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    SegmentRequest,
)


class FfmpegMotionClips:
    """A gentle zoom or pan over the scene image, caption burned in (ffmpeg zoompan)."""

    name = "offline"
    model = "ffmpeg-zoompan"

    def segment(self, request: SegmentRequest, out_path: Path) -> Path:
        return ff.render_segment_from_still(
            request.still,
            out_path,
            seconds=request.seconds,
            width=request.width,
            height=request.height,
            caption=request.caption,
            seed=request.seed,
        )
