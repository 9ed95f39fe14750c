"""This machine's media cache with an S3 store: copies a step uses stay, unused ones go after
MEDIA_CACHE_HOURS and come back from the bucket when needed; the local store is never pruned."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from aytada.core import media
from aytada.core.settings import reset_settings
from tests.s3server import S3Bucket, s3, s3_server  # noqa: F401

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test

DAY = 24 * 3600


def _cached(key: str, data: bytes) -> Path:
    """A file published to the store, as a step leaves it under MEDIA_DIR."""
    path = media.media_root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    media.publish([path])
    return path


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_unused_copies_go_used_ones_stay_and_come_back_from_the_bucket(
    s3: S3Bucket,  # noqa: F811
):
    old = _cached("ws1/p1/old/clip.mp4", b"o" * 1000)
    used = _cached("ws1/p1/used/voice.wav", b"u" * 10)
    fresh = _cached("ws1/p2/new/still.png", b"n")
    for path in (old, used):
        _age(path, 2 * DAY)
    _age(old.parent, 2 * DAY)
    assert media.fetch("ws1/p1/used/voice.wav") == used  # a step reads it: in use again

    assert media.prune_cache() == (1, 1000)
    assert not old.exists() and not old.parent.exists(), "the copy and its empty folder go"
    assert used.read_bytes() == b"u" * 10 and fresh.read_bytes() == b"n"
    assert "ws1/p1/old/clip.mp4" in s3.keys("ws1"), "the bucket keeps every file"
    assert media.fetch("ws1/p1/old/clip.mp4").read_bytes() == b"o" * 1000  # downloaded again


def test_the_retention_is_a_setting(s3: S3Bucket, monkeypatch):  # noqa: F811
    path = _cached("ws1/p1/g/still.png", b"x")
    _age(path, 3 * 3600)
    assert media.prune_cache() == (0, 0)  # the default keeps a day
    monkeypatch.setenv("MEDIA_CACHE_HOURS", "2")
    reset_settings()
    assert media.prune_cache() == (1, 1) and not path.exists()


def test_the_local_store_is_the_media_and_is_never_pruned(app_env):
    path = media.media_root() / "ws1" / "p1" / "g" / "final.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"final")
    _age(path, 30 * DAY)
    assert media.prune_cache() == (0, 0)
    assert path.read_bytes() == b"final"
