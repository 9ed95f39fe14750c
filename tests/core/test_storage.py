"""The media store: one interface, the local folder and an S3 bucket (moto in server mode, a
real S3 endpoint on 127.0.0.1), and `aytada.core.media` choosing between them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from aytada.core import media
from aytada.core.settings import SettingsError, get_settings, load_settings
from aytada.storage import MediaStore, StorageError, check_key, open_store
from aytada.storage.local import LocalStore
from aytada.storage.s3 import S3Store
from tests.s3server import CREDENTIALS, S3Bucket, s3, s3_server  # noqa: F401

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test

BACKENDS = ["local", "s3"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    bucket: S3Bucket = request.getfixturevalue("s3")
    return open_store(
        bucket.env["MEDIA_URL"], tmp_path / "unused",
        {**CREDENTIALS, "AWS_ENDPOINT_URL": bucket.endpoint},
    )  # fmt: skip


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_stored_file_comes_back_whole(store: MediaStore, tmp_path: Path):
    data = bytes(range(256)) * 4000  # ~1 MB, not text
    store.upload(_file(tmp_path, "final.mp4", data), "ws1/p2/abc/final.mp4")
    assert store.exists("ws1/p2/abc/final.mp4")
    assert store.read_bytes("ws1/p2/abc/final.mp4") == data
    target = tmp_path / "cache" / "deep" / "copy.mp4"
    store.download("ws1/p2/abc/final.mp4", target)
    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["copy.mp4"]  # no temporary left


def test_a_missing_key_is_missing_everywhere(store: MediaStore, tmp_path: Path):
    assert not store.exists("ws1/p2/abc/none.png")
    with pytest.raises(FileNotFoundError):
        store.read_bytes("ws1/p2/abc/none.png")
    target = tmp_path / "cache" / "none.png"
    with pytest.raises(FileNotFoundError):
        store.download("ws1/p2/abc/none.png", target)
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []  # no temporary


def test_deleting_a_generation_keeps_its_neighbours(store: MediaStore, tmp_path: Path):
    src = _file(tmp_path, "a.png", b"png")
    for key in ("ws1/p2/g1/a.png", "ws1/p2/g1/sub/b.png", "ws1/p2/g10/a.png", "ws1/p2/g1.png"):
        store.upload(src, key)
    assert store.delete_prefix("ws1/p2/g1") == 2
    assert not store.exists("ws1/p2/g1/a.png") and not store.exists("ws1/p2/g1/sub/b.png")
    assert store.exists("ws1/p2/g10/a.png") and store.exists("ws1/p2/g1.png")
    store.delete(["ws1/p2/g10/a.png", "ws1/p2/never-there.png"])
    assert not store.exists("ws1/p2/g10/a.png") and store.exists("ws1/p2/g1.png")


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../up.png", "ws1/../ws2/x.png",
                                 "ws1//x.png", "ws1\\x.png", "./x.png"])  # fmt: skip
def test_a_key_never_leaves_the_store(store: MediaStore, tmp_path: Path, key: str):
    with pytest.raises(ValueError):
        check_key(key)
    with pytest.raises(ValueError):
        store.upload(_file(tmp_path, "x.png", b"x"), key)
    with pytest.raises(ValueError):
        store.read_bytes(key)
    assert not (tmp_path / "up.png").exists()


def test_s3_keys_live_under_the_prefix(s3: S3Bucket, tmp_path: Path):  # noqa: F811
    store = open_store(s3.env["MEDIA_URL"], tmp_path, s3.env)
    store.upload(_file(tmp_path, "v.mp4", b"video"), "ws3/p1/k/v.mp4")
    listed = s3.client.list_objects_v2(Bucket=s3.name)["Contents"]
    assert [o["Key"] for o in listed] == ["media/ws3/p1/k/v.mp4"]
    assert listed[0]["Size"] == 5
    head = s3.client.head_object(Bucket=s3.name, Key="media/ws3/p1/k/v.mp4")
    assert head["ContentType"] == "video/mp4"
    assert store.location("ws3/p1/k/v.mp4") == f"s3://{s3.name}/media/ws3/p1/k/v.mp4"


def test_s3_errors_say_what_failed_and_never_the_secret(tmp_path: Path):
    store = S3Store(
        "bucket", "media", endpoint_url="http://127.0.0.1:9", access_key_id="AKIDSHOWN",
        secret_access_key="very-secret-value", region="us-east-1",
    )  # fmt: skip
    assert "very-secret-value" not in repr(store) and "AKIDSHOWN" not in repr(store)
    with pytest.raises(StorageError) as caught:
        store.exists("ws1/x.png")
    assert "ws1/x.png" in str(caught.value) and "s3://bucket/media" in str(caught.value)
    assert "very-secret-value" not in str(caught.value)


def test_a_bucket_that_does_not_exist_is_named(s3: S3Bucket, tmp_path: Path):  # noqa: F811
    store = open_store(f"s3://no-such-{s3.name}", tmp_path, s3.env)
    with pytest.raises(StorageError, match="NoSuchBucket"):
        store.upload(_file(tmp_path, "x.png", b"x"), "ws1/x.png")


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize("url", ["http://bucket/x", "s3://", "s3://key:secret@bucket/x",
                                 "s3://bucket/../x", "s3://bucket/x?versionId=1"])  # fmt: skip
def test_a_bad_media_url_stops_with_its_name(url: str):
    with pytest.raises(SettingsError) as caught:
        load_settings({"MEDIA_URL": url})
    assert "MEDIA_URL" in str(caught.value) and "s3://bucket" in str(caught.value)
    assert "secret" not in str(caught.value)  # a password in the URL is masked


def test_settings_show_the_media_url_and_no_aws_secret():
    settings = load_settings({
        "MEDIA_URL": "s3://team-media/aytada", "AWS_SECRET_ACCESS_KEY": "hush-hush",
        "AWS_ACCESS_KEY_ID": "AKIDX",
    })  # fmt: skip
    assert settings.media_url == "s3://team-media/aytada"
    assert "s3://team-media/aytada" in repr(settings)
    assert "hush-hush" not in repr(settings) and "AKIDX" not in repr(settings)
    assert load_settings({}).media_url == ""


# --------------------------------------------------------------------------- core.media


def test_without_media_url_files_stay_in_the_media_folder(workspace_id: int, tmp_path: Path):
    assert not media.remote()
    folder = media.generation_dir(workspace_id, 7, "k1")
    out = folder / "final.mp4"
    out.write_bytes(b"mp4")
    assert media.publish([out]) == []  # in place already: nothing to upload
    assert media.fetch(media.relative(out)) == out
    assert media.workspace_file(None, media.relative(out)) == out
    assert media.available(media.relative(out))
    media.remove_generation(workspace_id, 7, "k1")
    assert not folder.exists()


def test_with_media_url_outputs_go_to_the_bucket_and_come_back(
    s3: S3Bucket,  # noqa: F811
    workspace_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    assert media.remote() and isinstance(media.store(), S3Store)
    out = media.generation_dir(workspace_id, 7, "k1") / "final.mp4"
    out.write_bytes(b"the video")
    key = f"ws{workspace_id}/p7/k1/final.mp4"
    assert media.publish([out]) == [key]
    assert s3.read(key) == b"the video"
    assert media.location(key) == f"s3://{s3.name}/media/{key}"
    # another machine: an empty cache of its own
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "other-cache"))
    from aytada.core.settings import reset_settings

    reset_settings()
    assert media.available(key) and not media.available(f"ws{workspace_id}/p7/k1/none.mp4")
    copy = media.fetch(key)
    assert copy == tmp_path / "other-cache" / key and copy.read_bytes() == b"the video"
    assert not media.fetch(f"ws{workspace_id}/p7/k1/none.mp4").exists()
    media.remove_generation(workspace_id, 7, "k1")
    assert s3.keys() == [] and not copy.exists()


def test_publish_is_all_or_nothing(s3: S3Bucket, workspace_id: int):  # noqa: F811
    folder = media.generation_dir(workspace_id, 7, "k2")
    (folder / "a.png").write_bytes(b"a")
    with pytest.raises(StorageError):
        media.publish([folder / "a.png", folder / "never-written.mp4"])
    assert s3.keys() == []


def test_a_page_never_fetches_another_workspaces_key(
    s3: S3Bucket,  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
):
    s3.put("ws1/p1/k/final.mp4", b"ws1's video")
    s3.put("ws2/p5/k/final.mp4", b"ws2's video")
    mine = media.workspace_file(1, "ws1/p1/k/final.mp4")
    assert mine is not None and mine.read_bytes() == b"ws1's video"
    with caplog.at_level(logging.WARNING, logger="aytada.media"):
        assert media.workspace_file(1, "ws2/p5/k/final.mp4") is None
        assert media.workspace_file(1, "ws1/../ws2/p5/k/final.mp4") is None
        assert media.workspace_file(None, "ws1/p1/k/final.mp4") is None
    assert not (get_settings().media_dir / "ws2").exists()  # not even downloaded
    assert media.workspace_file(1, "ws1/p1/k/missing.mp4") is None


# --------------------------------------------------------------------------- the start-up check


def test_a_usable_store_passes_its_check(store: MediaStore):
    store.check()  # the bucket exists / the folder is made and written


def test_a_missing_bucket_or_unwritable_folder_fails_the_check_saying_what_to_fix(
    s3: S3Bucket,  # noqa: F811
    tmp_path: Path,
):
    missing = open_store(f"s3://no-such-{s3.name}/media", tmp_path, s3.env)
    with pytest.raises(StorageError, match="no such bucket: create it first") as caught:
        missing.check()
    assert f"s3://no-such-{s3.name}/media" in str(caught.value)
    assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in str(caught.value)
    unreachable = S3Store("bucket", endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with pytest.raises(StorageError, match="not reachable.*AWS_ENDPOINT_URL"):
        unreachable.check()
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(StorageError, match="cannot be written.*MEDIA_DIR"):
        LocalStore(a_file / "media").check()
