"""Where files live. Asset paths are stored relative to MEDIA_DIR so workers on other machines
that mount the same media folder resolve them too."""

from __future__ import annotations

from pathlib import Path

from aytada.core.settings import get_settings

MIME_BY_SUFFIX = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".txt": "text/plain",
    ".json": "application/json",
}


def media_root() -> Path:
    return get_settings().media_dir


def resolve(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else media_root() / p


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(media_root().resolve()))
    except ValueError:
        return str(path)


def generation_dir(workspace_id: int, project_id: int, generation_key: str) -> Path:
    folder = media_root() / f"ws{workspace_id}" / f"p{project_id}" / generation_key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mime_type(path: Path) -> str:
    return MIME_BY_SUFFIX.get(path.suffix.lower(), "application/octet-stream")
