"""The fal clip adapter against a local fake of fal's queue API (no internet).

The fake (``tests/providers/fal_stub.py``) checks each request as the model would and serves a
real MP4; the adapter's output is read back with ffmpeg.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aytada.providers.base import AuthError, ClipProvider, ProviderError, SegmentRequest
from aytada.providers.fal_provider import (
    VIDEO_MODEL,
    FalClips,
    aspect_ratio_for,
    duration_for,
    parse_durations,
)
from aytada.providers.ffmpeg import probe
from aytada.providers.registry import ProviderConfig, build_providers, describe
from tests.providers.fal_stub import MODEL, FakeFal
from tests.providers.stub_server import (
    Recorded,
    Reply,
    SleepRecorder,
    StubServer,
    no_sleep,
    picture_png,
)

KEY = "fal-test-SECRET-0123456789abcdef"
VISUAL = "Trail running shoes gripping a wet granite slab at dawn"


def clips(stub: StubServer, **kwargs) -> FalClips:  # type: ignore[no-untyped-def]
    kwargs.setdefault("sleep", no_sleep)
    kwargs.setdefault("poll_interval", 0.5)
    return FalClips(kwargs.pop("key", KEY), base_url=stub.url, **kwargs)


def still(tmp_path: Path, width: int = 1080, height: int = 1920) -> Path:
    path = tmp_path / f"still-{width}x{height}.png"
    path.write_bytes(picture_png(width, height))
    return path


def scene(tmp_path: Path, seconds: float, width: int = 1080, height: int = 1920) -> SegmentRequest:
    return SegmentRequest(
        still=still(tmp_path, width, height),
        prompt=VISUAL,
        seconds=seconds,
        width=width,
        height=height,
        caption="Grip that holds",
    )


def test_a_clip_goes_through_the_queue_and_comes_back_exact(
    stub: StubServer, tmp_path: Path
) -> None:
    fake = FakeFal(stub, KEY)
    sleeps = SleepRecorder()
    provider = clips(stub, sleep=sleeps)
    assert isinstance(provider, ClipProvider)
    assert (provider.name, provider.model) == ("fal", VIDEO_MODEL.default)
    out = tmp_path / "out" / "scene1.mp4"

    result = provider.segment(scene(tmp_path, 3.2), out)

    # the request: the model id in the path, the key header, the scene's prompt and still,
    # the project's aspect ratio and the shortest length the model makes that covers the scene
    (submit,) = stub.calls("POST", f"/{MODEL}")
    assert submit.headers["authorization"] == f"Key {KEY}"
    (call,) = fake.calls
    assert call.prompt.startswith(VISUAL) and "No on-screen text" in call.prompt
    assert (call.aspect_ratio, call.duration, call.resolution) == ("9:16", "4", "720p")
    assert call.generate_audio is False
    assert call.image_format == "JPEG" and call.image_size == (720, 1280)
    # polled through the queue: IN_QUEUE, IN_PROGRESS, COMPLETED, waiting between polls
    statuses = stub.calls("GET", f"/bytedance/seedance-2.0/requests/{call.request_id}/status")
    assert len(statuses) == 3 and sleeps.delays == [0.5, 0.5]
    assert len(stub.calls("GET", f"/bytedance/seedance-2.0/requests/{call.request_id}")) == 1
    # the video is fetched from its file address without the key
    (download,) = fake.downloads
    assert "authorization" not in download.headers
    # ffmpeg made the exact segment from the real MP4: frame, scene length, no sound
    assert result == out
    info = probe(out)
    assert (info["width"], info["height"]) == (1080, 1920)
    assert abs(info["duration"] - 3.2) < 0.05
    # the intermediate the stitch lays the captions over (and encodes for good)
    assert info["video_codec"] == "mpeg4" and info["audio_codec"] is None
    assert sorted(p.name for p in out.parent.iterdir()) == ["scene1.mp4"]  # no leftovers
    assert fake.rejected == [] and fake.unrouted() == []


@pytest.mark.parametrize(
    ("model", "durations", "ratios", "frame", "seconds", "asked"),
    [
        # frames a fifth of 1280x720, 1080x1350 and 720x1280: the ratio is what is asked for
        # (the full-size fit is test_a_clip_goes_through_the_queue_and_comes_back_exact's)
        (MODEL, "4-15", None, (256, 144), 7.5, ("16:9", "8")),
        # a model with two lengths: the longer one, held on its last frame to 12 s
        ("fal-ai/kling-video/v2.1/standard/image-to-video", "5,10", "16:9,9:16,1:1",
         (216, 270), 12.0, ("1:1", "10")),
        # lengths written as the model wants them ("6s")
        ("fal-ai/veo3.1/fast/image-to-video", "4s,6s,8s", "16:9,9:16", (144, 256), 5.0,
         ("9:16", "6s")),
    ],
)  # fmt: skip
def test_model_lengths_and_ratios_come_from_the_settings(
    stub: StubServer,
    tmp_path: Path,
    model: str,
    durations: str,
    ratios: str | None,
    frame: tuple[int, int],
    seconds: float,
    asked: tuple[str, str],
) -> None:
    allowed = tuple(token for _, token in parse_durations(durations))
    accepted = tuple((ratios or "21:9,16:9,4:3,1:1,3:4,9:16").split(","))
    fake = FakeFal(stub, KEY, model=model, durations=allowed, aspect_ratios=accepted)
    kwargs = {"aspect_ratios": ratios} if ratios else {}
    provider = clips(stub, model=model, durations=durations, **kwargs)
    out = provider.segment(scene(tmp_path, seconds, *frame), tmp_path / "seg.mp4")
    (call,) = fake.calls
    assert (call.aspect_ratio, call.duration) == asked
    info = probe(out)
    assert (info["width"], info["height"]) == frame
    assert abs(info["duration"] - seconds) < 0.05
    assert fake.rejected == [] and fake.unrouted() == []


def test_length_and_ratio_choice() -> None:
    lengths = parse_durations("4-15")
    assert [duration_for(s, lengths) for s in (0.5, 4.0, 4.01, 14.2, 40)] == [
        "4", "4", "5", "15", "15",
    ]  # fmt: skip
    assert duration_for(7, parse_durations("10, 5")) == "10"
    ratios = ["21:9", "16:9", "4:3", "1:1", "3:4", "9:16"]
    assert aspect_ratio_for(1080, 1920, ratios) == "9:16"
    assert aspect_ratio_for(1080, 1350, ratios) == "3:4"
    assert aspect_ratio_for(2560, 1080, ratios) == "21:9"
    with pytest.raises(ProviderError, match="FAL_VIDEO_DURATIONS"):
        parse_durations("forever")
    with pytest.raises(ProviderError, match="FAL_VIDEO_ASPECT_RATIOS"):
        FalClips(KEY, aspect_ratios="wide")


def test_a_failed_job_is_a_readable_error_and_is_not_retried(
    stub: StubServer, tmp_path: Path
) -> None:
    fake = FakeFal(stub, KEY)
    fake.next_jobs.append(f"The image was flagged by the content checker (key {KEY})")
    out = tmp_path / "seg.mp4"
    with pytest.raises(ProviderError) as info:
        clips(stub).segment(scene(tmp_path, 3.0), out)
    message = str(info.value)
    assert not isinstance(info.value, AuthError)
    assert message.startswith("fal video generation failed: ")
    assert "flagged by the content checker" in message
    assert KEY not in message
    (call,) = fake.calls
    assert len(stub.calls("POST", f"/{MODEL}")) == 1
    assert len(stub.calls("GET", f"/bytedance/seedance-2.0/requests/{call.request_id}")) == 1
    assert fake.downloads == [] and not out.exists()


def test_a_job_that_never_finishes_is_cancelled_with_a_clear_message(
    stub: StubServer, tmp_path: Path
) -> None:
    fake = FakeFal(stub, KEY)
    fake.next_jobs.append("stuck")
    provider = clips(stub, poll_interval=0.02, max_wait=0.3, sleep=time.sleep)
    with pytest.raises(ProviderError) as info:
        provider.segment(scene(tmp_path, 3.0), tmp_path / "seg.mp4")
    assert str(info.value) == (
        f"fal video generation with {MODEL} did not finish within 0.3 s (the job was cancelled)"
    )
    assert fake.cancels == [fake.calls[0].request_id]
    assert fake.downloads == []


def test_an_api_that_does_not_answer_in_time_is_retried_then_reported(
    stub: StubServer, tmp_path: Path
) -> None:
    def slow(_request: Recorded) -> Reply:
        time.sleep(1.5)
        return Reply(200, {"request_id": "late"})

    stub.add("POST", f"/{MODEL}", slow)
    with pytest.raises(ProviderError) as info:
        clips(stub, timeout=0.3, attempts=2).segment(scene(tmp_path, 3.0), tmp_path / "s.mp4")
    assert str(info.value) == "fal is unavailable after 2 attempts: did not answer within 0.3 s"
    assert len(stub.calls("POST", f"/{MODEL}")) == 2


def test_a_rejected_key_is_an_auth_error_sent_once(stub: StubServer, tmp_path: Path) -> None:
    fake = FakeFal(stub, "fal-the-right-key-000000")
    with pytest.raises(AuthError) as info:
        clips(stub).segment(scene(tmp_path, 3.0), tmp_path / "seg.mp4")
    assert str(info.value) == "API key rejected by fal"
    assert len(stub.calls()) == 1  # never retried
    assert fake.calls == [] and fake.rejected


def test_a_rate_limit_is_waited_out(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", f"/{MODEL}", Reply(429, {"detail": "Too many requests"},
                                        headers={"Retry-After": "3"}))  # fmt: skip
    fake = FakeFal(stub, KEY)  # answers every later submission
    sleeps = SleepRecorder()
    out = clips(stub, sleep=sleeps).segment(scene(tmp_path, 3.0), tmp_path / "seg.mp4")
    assert len(stub.calls("POST", f"/{MODEL}")) == 2 and len(fake.calls) == 1
    assert sleeps.delays[0] >= 3  # the server's Retry-After
    assert abs(probe(out)["duration"] - 3.0) < 0.05


def test_a_download_that_is_not_a_video_is_refused(stub: StubServer, tmp_path: Path) -> None:
    fake = FakeFal(stub, KEY)
    stub.replace("GET", "/files/{name}", Reply(200, "<html>Access denied</html>"))
    with pytest.raises(ProviderError, match="fal returned a malformed response: the video file "
                                            "is not an MP4"):  # fmt: skip
        clips(stub).segment(scene(tmp_path, 3.0), tmp_path / "seg.mp4")
    assert len(fake.calls) == 1
    assert not (tmp_path / "seg.mp4").exists()


def test_no_still_no_request(stub: StubServer, tmp_path: Path) -> None:
    request = SegmentRequest(tmp_path / "missing.png", VISUAL, 3.0, 1080, 1920, "")
    with pytest.raises(ProviderError, match="needs the scene still as the first frame"):
        clips(stub).segment(request, tmp_path / "seg.mp4")
    assert stub.calls() == []


# -- chosen by key, like the other providers ----------------------------------------------------


def cfg(overrides: dict[str, str] | None = None, **values: str) -> ProviderConfig:
    return ProviderConfig(values=values, overrides=overrides or {})


def test_fal_key_picks_fal_for_clips_and_overrides_work_both_ways() -> None:
    assert describe(cfg())["clip"] == "offline"
    assert describe(cfg(FAL_KEY=KEY))["clip"] == "fal"
    assert describe(cfg(FAL_KEY=KEY, OPENAI_API_KEY="sk-x"))["clip"] == "fal"
    assert describe(cfg({"clip": "offline"}, FAL_KEY=KEY))["clip"] == "offline"
    # the retired OpenAI video adapter only by explicit choice
    assert describe(cfg({"clip": "openai"}, FAL_KEY=KEY, OPENAI_API_KEY="sk-x"))["clip"] == "openai"
    with pytest.raises(ProviderError) as info:
        describe(cfg({"clip": "fal"}, OPENAI_API_KEY="sk-x"))
    assert "FAL_KEY" in str(info.value) and "clip" in str(info.value)
    with pytest.raises(ProviderError, match="cannot do voice"):
        describe(cfg({"voice": "fal"}, FAL_KEY=KEY))


def test_settings_reach_the_fal_adapter_and_the_key_stays_secret(tmp_path: Path) -> None:
    from pydantic import SecretStr

    from aytada.core.settings import load_settings
    from aytada.jobs.providers import provider_config

    settings = load_settings(
        {
            "AYTADA_DATA_DIR": str(tmp_path),
            "FAL_KEY": KEY,
            "FAL_BASE_URL": "http://127.0.0.1:9",
            "FAL_VIDEO_MODEL": "fal-ai/kling-video/v2.1/standard/image-to-video",
            "FAL_VIDEO_DURATIONS": "5,10",
        }
    )
    assert isinstance(settings.fal_api_key, SecretStr)
    assert KEY not in repr(settings) and KEY not in str(settings)
    config = provider_config(settings)
    assert KEY not in repr(config)
    providers = build_providers(config)
    clip = providers.clip
    assert isinstance(clip, FalClips)
    assert clip.model == "fal-ai/kling-video/v2.1/standard/image-to-video"
    assert clip.base_url == "http://127.0.0.1:9"
    assert [token for _, token in clip.durations] == ["5", "10"]
    assert KEY not in repr(clip)
    # unset: fal's own address and the declared default model
    default = build_providers(provider_config(load_settings({"AYTADA_DATA_DIR": str(tmp_path),
                                                             "FAL_KEY": KEY}))).clip  # fmt: skip
    assert (default.base_url, default.model) == ("https://queue.fal.run", VIDEO_MODEL.default)
