"""The local stitcher (ffmpeg)."""

from __future__ import annotations

from pathlib import Path

from aytada.providers import ffmpeg as ff


class LocalStitcher:
    """Joins the segments with ``-c:v copy`` and mixes voice over ducked music (local ffmpeg)."""

    name = "local"
    model = "ffmpeg"

    def stitch(
        self,
        segments: list[Path],
        voice: Path | None,
        music: Path | None,
        out_path: Path,
        *,
        music_under_db: float = ff.MUSIC_UNDER_VOICE_DB,
    ) -> Path:
        return ff.stitch_local(segments, voice, music, out_path, music_under_db=music_under_db)
