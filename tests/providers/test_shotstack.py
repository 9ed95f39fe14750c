"""Shotstack stitcher against a local stub of the Ingest and Edit APIs and of the storage URLs."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from aytada.providers.base import AuthError, ProviderError, Stitcher
from aytada.providers.shotstack import ShotstackStitcher, _probe
from tests.providers.stub_server import (
    Recorded,
    Reply,
    StubServer,
    music_mp3,
    no_sleep,
    speech_mp3,
    video_mp4,
)

KEY = "ss-test-SECRET-00112233445566"
RESULT = video_mp4(720, 1280, 5)  # a real render: the two 2.5 s segments' length


def script_ingest(stub: StubServer, count: int, *, importing: bool = True) -> None:
    """Upload answers with ids up1..upN, their signed URLs, and sources importing → ready
    (``importing=False``: ready at the first look)."""
    ids = itertools.count(1)

    def upload(_: Recorded) -> Reply:
        n = next(ids)
        return Reply(
            200,
            {
                "data": {
                    "type": "upload",
                    "id": f"up{n}",
                    "attributes": {
                        "id": f"up{n}",
                        "url": f"{stub.url}/bucket/up{n}?X-Amz-Signature=abc",
                        "expires": "2026-11-23T10:00:00Z",
                    },
                }
            },
        )

    stub.add("POST", "/ingest/stage/upload", upload)
    for n in range(1, count + 1):
        stub.add("PUT", f"/bucket/up{n}", Reply(200, ""))
        source = {"id": f"up{n}", "status": "ready", "source": f"{stub.url}/src/up{n}.bin"}
        busy = {"data": {"type": "source", "attributes": {"id": f"up{n}", "status": "importing"}}}
        ready = {"data": {"type": "source", "id": f"up{n}", "attributes": source}}
        answers = [Reply(200, busy)] if importing else []
        stub.add("GET", f"/ingest/stage/sources/up{n}", *answers, Reply(200, ready))


def script_render(stub: StubServer, *statuses: str, error: str = "") -> None:
    stub.add(
        "POST",
        "/edit/stage/render",
        Reply(
            201,
            {
                "success": True,
                "message": "Created",
                "response": {"message": "Render Successfully Queued", "id": "rnd-1"},
            },
        ),
    )
    replies = []
    for status in statuses:
        response = {"id": "rnd-1", "owner": "abc", "status": status, "error": error}
        if status == "done":
            response["url"] = f"{stub.url}/out/rnd-1.mp4"
        replies.append(Reply(200, {"success": True, "message": "OK", "response": response}))
    stub.add("GET", "/edit/stage/render/rnd-1", *replies)
    stub.add("GET", "/out/rnd-1.mp4", Reply(200, RESULT, content_type="video/mp4"))


def media(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    """Real files: two 2.5 s 720×1280 segments, a voiceover and music."""
    segments = []
    for i in range(2):
        seg = tmp_path / f"seg{i}.mp4"
        seg.write_bytes(video_mp4(720, 1280, 2.5))
        segments.append(seg)
    voice = tmp_path / "voice.mp3"
    voice.write_bytes(speech_mp3(4.0))
    music = tmp_path / "music.mp3"
    music.write_bytes(music_mp3(5.0))
    return segments, voice, music


def stitcher(stub: StubServer, **kwargs) -> ShotstackStitcher:
    kwargs.setdefault("probe", lambda path: (2.5, 720, 1280))
    return ShotstackStitcher(KEY, base_url=stub.url, poll_interval=0.0, sleep=no_sleep, **kwargs)


def test_stitch_uploads_renders_and_downloads(stub: StubServer, tmp_path: Path) -> None:
    segments, voice, music = media(tmp_path)
    script_ingest(stub, 4)
    script_render(stub, "queued", "fetching", "rendering", "saving", "done")
    provider = stitcher(stub, probe=_probe)  # the segments' real lengths and size
    assert isinstance(provider, Stitcher)
    assert provider.name == "shotstack"

    out = provider.stitch(segments, voice, music, tmp_path / "final" / "ad.mp4")

    assert out == tmp_path / "final" / "ad.mp4"
    assert out.read_bytes() == RESULT
    # uploads: one signed URL per file, the bytes PUT with a Content-Length and no API key
    assert len(stub.calls("POST", "/ingest/stage/upload")) == 4
    for n, path in enumerate([*segments, voice, music], start=1):
        (put,) = stub.calls("PUT", f"/bucket/up{n}")
        assert put.body == path.read_bytes()
        assert put.headers["content-length"] == str(path.stat().st_size)
        assert "transfer-encoding" not in put.headers
        assert "x-api-key" not in put.headers
        assert put.query["X-Amz-Signature"] == ["abc"]
    # the API calls carry the key; the storage and result downloads do not
    for call in stub.calls():
        on_api = call.path.startswith(("/ingest/", "/edit/"))
        assert (call.headers.get("x-api-key") == KEY) is on_api, call.path
    (render,) = stub.calls("POST", "/edit/stage/render")
    payload = render.json
    video, audio = payload["timeline"]["tracks"]
    assert [c["asset"]["src"] for c in video["clips"]] == [
        f"{stub.url}/src/up1.bin",
        f"{stub.url}/src/up2.bin",
    ]
    assert [c["start"] for c in video["clips"]] == [0, 2.5]
    assert [c["length"] for c in video["clips"]] == [2.5, 2.5]
    assert all(c["asset"]["type"] == "video" for c in video["clips"])
    assert audio["clips"][0]["asset"] == {
        "type": "audio",
        "src": f"{stub.url}/src/up3.bin",
        "volume": 1,
    }
    assert payload["timeline"]["soundtrack"]["src"] == f"{stub.url}/src/up4.bin"
    assert payload["timeline"]["soundtrack"]["volume"] < 1
    assert payload["output"] == {"format": "mp4", "size": {"width": 720, "height": 1280}}
    assert len(stub.calls("GET", "/edit/stage/render/rnd-1")) == 5
    assert not list(out.parent.glob(".*part"))


def test_unknown_durations_use_smart_clips(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    script_ingest(stub, 2)
    script_render(stub, "done")
    stitcher(stub, probe=lambda path: None).stitch(segments, None, None, tmp_path / "ad.mp4")
    payload = stub.calls("POST", "/edit/stage/render")[0].json
    (video,) = payload["timeline"]["tracks"]
    assert {(c["start"], c["length"]) for c in video["clips"]} == {("auto", "auto")}
    assert "soundtrack" not in payload["timeline"]
    assert payload["output"] == {"format": "mp4", "resolution": "hd"}


def test_unauthorized_is_not_retried(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    stub.add("POST", "/ingest/stage/upload", Reply(403, {"message": f"Forbidden for {KEY}"}))
    with pytest.raises(AuthError) as info:
        stitcher(stub).stitch(segments, None, None, tmp_path / "ad.mp4")
    assert str(info.value) == "API key rejected by Shotstack (permission denied: Forbidden for ***)"
    assert len(stub.calls()) == 1


def test_rate_limited_render_is_retried(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    script_ingest(stub, 2)
    script_render(stub, "done")
    render_ok = Reply(201, {"success": True, "response": {"id": "rnd-1"}})
    stub.replace(
        "POST", "/edit/stage/render", Reply(429, {"message": "Too Many Requests"}), render_ok
    )
    stitcher(stub).stitch(segments, None, None, tmp_path / "ad.mp4")
    assert len(stub.calls("POST", "/edit/stage/render")) == 2
    assert (tmp_path / "ad.mp4").read_bytes() == RESULT


def test_failed_render_reports_the_reason(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    script_ingest(stub, 2)
    script_render(stub, "rendering", "failed", error="Asset could not be fetched")
    with pytest.raises(ProviderError, match="Shotstack render failed: Asset could not be fetched"):
        stitcher(stub).stitch(segments, None, None, tmp_path / "ad.mp4")
    assert not (tmp_path / "ad.mp4").exists()


def test_failed_ingest(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    script_ingest(stub, 2)
    stub.replace(
        "GET",
        "/ingest/stage/sources/up1",
        Reply(200, {"data": {"attributes": {"id": "up1", "status": "failed"}}}),
    )
    with pytest.raises(ProviderError, match="could not ingest seg0.mp4"):
        stitcher(stub).stitch(segments, None, None, tmp_path / "ad.mp4")


def test_garbage_answer_is_readable(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    stub.add(
        "POST", "/ingest/stage/upload", Reply(200, "<html>oops</html>", content_type="text/html")
    )
    with pytest.raises(ProviderError) as info:
        stitcher(stub).stitch(segments, None, None, tmp_path / "ad.mp4")
    assert str(info.value).startswith("Shotstack returned a malformed response:")
    assert KEY not in str(info.value)


def test_render_timeout(stub: StubServer, tmp_path: Path) -> None:
    segments, _, _ = media(tmp_path)
    script_ingest(stub, 2, importing=False)
    script_render(stub, "rendering")
    with pytest.raises(ProviderError, match="render did not finish within"):
        stitcher(stub, timeout=0.05).stitch(segments, None, None, tmp_path / "ad.mp4")


def test_no_segments_and_no_key(stub: StubServer, tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="no video segments"):
        stitcher(stub).stitch([], None, None, tmp_path / "ad.mp4")
    with pytest.raises(AuthError):
        ShotstackStitcher("")
    assert KEY not in repr(stitcher(stub))
