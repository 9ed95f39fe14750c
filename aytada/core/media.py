"""Where files live. Asset paths are stored relative to MEDIA_DIR so workers on other machines
that mount the same media folder resolve them too.

With ``MEDIA_URL=s3://bucket/prefix`` the files live in that bucket (``aytada.storage``) under
the same relative paths (the keys), and MEDIA_DIR is this machine's cache: a worker fetches its
inputs into it (:func:`fetch`), writes its outputs there and uploads them (:func:`publish`)
before the transaction that records them; a page fetches only keys of its own workspace
(:func:`workspace_file`). Without MEDIA_URL every function here behaves as it always did."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

from aytada.core.settings import Settings, get_settings
from aytada.storage import S3_VARIABLES, MediaStore, StorageError, check_key, open_store

log = logging.getLogger("aytada.media")

MIME_BY_SUFFIX = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".txt": "text/plain",
    ".srt": "application/x-subrip",
    ".vtt": "text/vtt",
    ".json": "application/json",
}


def media_root() -> Path:
    return _media_dir(get_settings())


def _media_dir(settings: Settings) -> Path:
    """MEDIA_DIR (the setting is optional: when unset, Settings derives it while validating)."""
    if settings.media_dir is None:
        raise RuntimeError("settings.media_dir is unset: Settings derives it while validating")
    return settings.media_dir


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


# --------------------------------------------------------------------------- the store

_stores: dict[tuple[str, str, int], MediaStore] = {}


def remote() -> bool:
    """True when media lives in an S3 store (MEDIA_URL), MEDIA_DIR being a local cache."""
    return bool(get_settings().media_url)


def store() -> MediaStore:
    """The configured store (one per settings and process)."""
    settings = get_settings()
    ident = (settings.media_url, str(settings.media_dir), os.getpid())
    found = _stores.get(ident)
    if found is None:
        options = settings.lookup_many(S3_VARIABLES) if settings.media_url else {}
        found = _stores[ident] = open_store(settings.media_url, _media_dir(settings), options)
    return found


def check_store() -> None:
    """Raise :class:`StorageError` unless the configured store takes files now (the S3 bucket
    exists and answers to the credentials, or the media folder can be written): `aytada worker`
    and `aytada up` check it before they take any job."""
    store().check()


def _key(path: str | Path) -> str:
    """The store key of a stored relative path or of a file under MEDIA_DIR."""
    return check_key(relative(Path(path)) if Path(path).is_absolute() else str(path))


def fetch(path: str) -> Path:
    """A local file for a stored path (an input of a step, a page's media).

    Local store: the path under MEDIA_DIR, as :func:`resolve`. S3 store: the copy in this
    machine's cache, downloaded first when missing (keys never change, so a copy is never
    stale); a key the store does not have gives the cache path of a file that does not exist,
    as a deleted file does locally."""
    p = Path(path)
    if p.is_absolute() or not remote():
        return resolve(path)
    local = media_root() / check_key(path)
    if local.is_file():
        try:
            os.utime(local)  # in use: :func:`prune_cache` keeps it
        except FileNotFoundError:  # pruned just now by another worker: download it again
            pass
    if not local.is_file():
        try:
            store().download(path, local)
        except FileNotFoundError:
            pass
    return local


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def prune_cache() -> tuple[int, int]:
    """With an S3 store: remove this machine's cached copies not used for MEDIA_CACHE_HOURS
    (:func:`fetch` marks a copy used; a step's own files are new), and folders left empty.
    Returns (files, bytes) removed. The local store is the media itself: never pruned."""
    if not remote():
        return 0, 0
    root = media_root()
    if not root.is_dir():
        return 0, 0
    cutoff = time.time() - get_settings().media_cache_hours * 3600
    files = size = 0
    old_folders = {f for f, _, _ in os.walk(root) if _mtime(Path(f)) < cutoff}  # before unlinks
    for folder, _dirs, names in os.walk(root, topdown=False):
        for name in names:
            path = Path(folder) / name
            try:
                stat = path.lstat()
                if stat.st_mtime < cutoff:
                    path.unlink()
                    files, size = files + 1, size + stat.st_size
            except FileNotFoundError:
                continue
        if folder in old_folders and Path(folder) != root:
            with contextlib.suppress(OSError):  # not empty: something in it is still used
                Path(folder).rmdir()
    if files:
        log.info("media cache: %d file(s), %.1f MB unused for %g h removed", files,
                 size / 1e6, get_settings().media_cache_hours)  # fmt: skip
    return files, size


def available(path: str) -> bool:
    """True when a stored path names a file that is there (locally, or in the S3 store)."""
    if Path(path).is_absolute() or not remote():
        return resolve(path).is_file()
    return (media_root() / check_key(path)).is_file() or store().exists(path)


def publish(paths: Iterable[Path]) -> list[str]:
    """Upload files written under MEDIA_DIR to the S3 store; returns their keys ([] for the
    local store, where they are in place already). All or nothing: if one upload fails, the
    ones done are removed and the error is raised."""
    if not remote():
        return []
    done: list[str] = []
    try:
        for path in paths:
            key = _key(path)
            store().upload(Path(path), key)
            done.append(key)
    except BaseException:
        discard(done)
        raise
    return done


def discard(keys: list[str]) -> None:
    """Remove uploaded keys that no row will point to (best effort: a failure is logged)."""
    if not keys:
        return
    try:
        store().delete(keys)
    except (StorageError, ValueError) as exc:
        log.error("could not remove %d uploaded file(s): %s", len(keys), exc)


def remove_generation(workspace_id: int, project_id: int, generation_key: str) -> None:
    """Remove a generation's files: its folder under MEDIA_DIR and, with an S3 store, its keys
    (best effort: a failure is logged, the caller's transaction goes on)."""
    import shutil

    folder = f"ws{workspace_id}/p{project_id}/{generation_key}"
    shutil.rmtree(media_root() / folder, ignore_errors=True)
    if remote():
        try:
            store().delete_prefix(folder)
        except (StorageError, ValueError) as exc:
            log.error("could not remove the stored files of %s: %s", folder, exc)


def workspace_file(workspace_id: int | None, path: str | None) -> Path | None:
    """The local file of a stored path for a page of ``workspace_id``, or None when missing.

    Only paths under the workspace's folder (``ws<id>/``) are served, in either store, so a
    page never shows or offers another workspace's file whatever a row or a link says. S3 store:
    only such keys are fetched. ``workspace_id`` None (no page): any path under MEDIA_DIR."""
    if not path:
        return None
    if remote():
        try:
            key = check_key(path)
        except ValueError:
            return None
        if workspace_id is None or not key.startswith(f"ws{int(workspace_id)}/"):
            log.warning("refused media key %r outside workspace %s", key, workspace_id)
            return None
        try:
            local = fetch(key)
        except StorageError as exc:
            log.error("%s", exc)
            return None
        return local if local.is_file() else None
    local = resolve(path).resolve()
    folder = media_root().resolve() / (f"ws{int(workspace_id)}" if workspace_id is not None else "")
    if not local.is_relative_to(folder):
        log.warning("refused media path %r outside workspace %s", path, workspace_id)
        return None
    return local if local.is_file() else None


def location(path: str) -> str:
    """Where a stored path is, for people: the absolute local path, or the ``s3://`` address."""
    if Path(path).is_absolute() or not remote():
        return str(resolve(path).resolve())
    return store().location(path)
