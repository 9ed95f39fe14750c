"""Where media files are kept: one small interface (:class:`MediaStore`), two backends.

- :class:`~aytada.storage.local.LocalStore`: a folder (``MEDIA_DIR``), the default.
- :class:`~aytada.storage.s3.S3Store`: an S3-compatible bucket (``MEDIA_URL=s3://bucket/prefix``)
  through boto3, which is imported only when such a store is opened.

A *key* is a relative POSIX path such as ``ws3/p12/<generation key>/final.mp4`` (the path an
Asset row stores); every key of a workspace starts with ``ws<id>/``. Keys are written once and
never changed (a new file gets a new key), so a local copy of a key never goes stale.

This package imports nothing of ours (plain data in, files out): ``aytada.core.media`` chooses
the store from the settings.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit


class StorageError(Exception):
    """The store could not be reached or refused a request (the message names the key)."""


@runtime_checkable
class MediaStore(Protocol):
    """The media files of every workspace, by key."""

    name: str  # "local" or "s3"

    def exists(self, key: str) -> bool:
        """True when a file is stored under ``key``."""
        ...

    def upload(self, path: Path, key: str) -> None:
        """Store the local file ``path`` under ``key`` (whole or not at all)."""
        ...

    def download(self, key: str, path: Path) -> None:
        """Write the file stored under ``key`` to ``path`` (whole or not at all); raises
        ``FileNotFoundError`` when there is none."""
        ...

    def read_bytes(self, key: str) -> bytes:
        """The bytes stored under ``key``; raises ``FileNotFoundError`` when there is none."""
        ...

    def delete(self, keys: list[str]) -> None:
        """Remove the files stored under ``keys`` (missing ones are ignored)."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Remove every file whose key starts with the folder ``prefix``; returns how many."""
        ...

    def location(self, key: str) -> str:
        """Where ``key`` is, for people: a local path or an ``s3://`` address."""
        ...

    def check(self) -> None:
        """Raise :class:`StorageError` (saying what to fix) unless files can be stored now."""
        ...


def check_key(key: str) -> str:
    """``key`` as a clean relative POSIX path; ``ValueError`` for an absolute path, ``..``,
    a backslash or an empty key (a key never leaves the store's root)."""
    if not isinstance(key, str) or not key.strip() or "\\" in key or "\x00" in key:
        raise ValueError(f"not a media key: {key!r}")
    path = PurePosixPath(key)
    if path.is_absolute() or any(part in ("..", ".", "") for part in key.split("/")):
        raise ValueError(f"not a media key: {key!r}")
    return str(path)


def parse_media_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ``("bucket", "some/prefix")``; ``ValueError`` otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("expected s3://bucket or s3://bucket/prefix")
    if "@" in parts.netloc or ":" in parts.netloc:
        raise ValueError(
            "expected s3://bucket/prefix without credentials or port (set AWS_ENDPOINT_URL, "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead)"
        )
    if parts.query or parts.fragment:
        raise ValueError("expected s3://bucket/prefix without ?query or #fragment")
    prefix = parts.path.strip("/")
    if prefix:
        check_key(prefix)
    return parts.netloc, prefix


def open_store(
    media_url: str, media_dir: Path, s3_options: dict[str, str] | None = None
) -> MediaStore:
    """The store ``media_url`` names (``s3://…``), else the folder ``media_dir``.

    ``s3_options``: boto3's standard settings by variable name (``AWS_ENDPOINT_URL``,
    ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``,
    ``AWS_DEFAULT_REGION``); absent ones are left to boto3's own lookup."""
    if not media_url:
        from aytada.storage.local import LocalStore

        return LocalStore(media_dir)
    from aytada.storage.s3 import S3Store

    bucket, prefix = parse_media_url(media_url)
    return S3Store(bucket, prefix, **_s3_kwargs(s3_options or {}))


def _s3_kwargs(options: dict[str, str]) -> dict[str, str]:
    names = {
        "AWS_ENDPOINT_URL": "endpoint_url",
        "AWS_ACCESS_KEY_ID": "access_key_id",
        "AWS_SECRET_ACCESS_KEY": "secret_access_key",
        "AWS_SESSION_TOKEN": "session_token",
        "AWS_DEFAULT_REGION": "region",
    }
    return {arg: options[var] for var, arg in names.items() if options.get(var)}


S3_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
)

__all__ = [
    "MediaStore",
    "S3_VARIABLES",
    "StorageError",
    "check_key",
    "open_store",
    "parse_media_url",
]
