"""The local stitcher (ffmpeg)."""

from __future__ import annotations

from pathlib import Path

from aytada.providers import ffmpeg as ff
from aytada.providers.base import Stitcher, StitchRequest


class LocalStitcher(Stitcher):
    """Joins the segments with ``-c:v copy`` and mixes voice over ducked music (local ffmpeg)."""

    name = "local"
    model = "ffmpeg"

    def render(self, request: StitchRequest, out_path: Path) -> Path:
        return ff.stitch_local(
            request.segments,
            request.voice,
            request.music,
            out_path,
            music_under_db=request.music_under_db,
        )
