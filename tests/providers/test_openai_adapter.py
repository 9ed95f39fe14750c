"""OpenAI adapters against a local stub server (no internet; the SDK's own retries are off)."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import shutil
import time
from pathlib import Path

import pytest
from PIL import Image

from aytada.providers.base import (
    AuthError,
    Brief,
    ClipProvider,
    Idea,
    ImageProvider,
    ImageRequest,
    ProviderError,
    ProviderTimeout,
    Script,
    SegmentRequest,
    TextProvider,
    TransientError,
)
from aytada.providers.openai_provider import (
    OpenAIClips,
    OpenAIImages,
    OpenAIText,
    aspect_ratio,
    fit_durations,
    image_size_for,
    video_seconds_for,
    video_size_for,
)
from aytada.providers.retry import backoff_delay, call_with_retries, redact
from tests.providers.briefs import GLOWCO_FULL as BRIEF
from tests.providers.briefs import TASKPILOT
from tests.providers.stub_server import (
    Reply,
    SleepRecorder,
    StubServer,
    no_sleep,
    picture_png,
    video_mp4,
)

KEY = "sk-test-SECRET-0123456789abcdef"


def response_json(payload: object, *, text: str | None = None) -> dict:
    """A Responses API answer shaped like the real one (reasoning item + assistant message)."""
    return {
        "id": "resp_0123",
        "object": "response",
        "created_at": 1_790_000_000,
        "status": "completed",
        "model": "gpt-5-mini-2026-08-07",
        "output": [
            {"id": "rs_1", "type": "reasoning", "summary": []},
            {
                "id": "msg_1",
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [
                    {
                        "type": "output_text",
                        "annotations": [],
                        "logprobs": [],
                        "text": text if text is not None else json.dumps(payload),
                    }
                ],
            },
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "text": {"format": {"type": "json_schema", "name": "x", "strict": True, "schema": {}}},
        "usage": {
            "input_tokens": 120,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 80,
            "output_tokens_details": {"reasoning_tokens": 40},
            "total_tokens": 200,
        },
    }


IDEAS = {
    "ideas": [
        {
            "title": f"Idea {i}",
            "angle": f"angle {i}",
            "hook": f"Hook line {i}",
            "approach": f"approach {i}",
        }
        for i in range(1, 5)
    ]
}

RATE_LIMIT = Reply(
    429,
    {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
)
UNAUTHORIZED = Reply(
    401,
    {
        "error": {
            "message": f"Incorrect API key provided: {KEY}.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    },
)


def text_provider(stub: StubServer, **kwargs) -> OpenAIText:
    return OpenAIText(KEY, base_url=stub.url + "/v1", sleep=no_sleep, **kwargs)


# -- text -------------------------------------------------------------------------------------


def test_ideas_request_and_parse(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", Reply(200, response_json(IDEAS)))
    provider = text_provider(stub)
    assert isinstance(provider, TextProvider)
    assert (provider.name, provider.model) == ("openai", "gpt-5-mini")

    ideas = provider.ideas(BRIEF, count=3, length_s=30)

    assert [i.title for i in ideas] == ["Idea 1", "Idea 2", "Idea 3"]  # exactly `count`
    assert ideas[0] == Idea(
        title="Idea 1", angle="angle 1", hook="Hook line 1", approach="approach 1"
    )
    (call,) = stub.calls("POST", "/v1/responses")
    assert call.headers["authorization"] == f"Bearer {KEY}"
    body = call.json
    assert body["model"] == "gpt-5-mini"
    assert body["reasoning"] == {"effort": "low"}
    assert body["instructions"]
    fmt = body["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["strict"] is True
    assert "ideas" in fmt["schema"]["properties"]
    prompt = body["input"]
    for value in (
        BRIEF.product_name,
        BRIEF.product_description,
        BRIEF.brand_name,
        BRIEF.tone_of_voice,
        BRIEF.creative_style,
        BRIEF.persuasion_trigger,
        BRIEF.business_type,
        BRIEF.industry,
        BRIEF.audience,
        BRIEF.messaging,
        BRIEF.goals,
        "Awareness stage: Solution aware",
        "30-second",
    ):
        assert value in prompt, value
    assert "Audience:" in prompt and "Messaging:" in prompt and "Goals:" in prompt


def test_ideas_asks_again_for_missing_ones(stub: StubServer) -> None:
    two = {"ideas": IDEAS["ideas"][:2]}
    one = {"ideas": IDEAS["ideas"][2:3]}
    stub.add(
        "POST", "/v1/responses", Reply(200, response_json(two)), Reply(200, response_json(one))
    )
    ideas = text_provider(stub).ideas(BRIEF, count=3, length_s=15, variant=2)
    assert len(ideas) == 3
    second = stub.calls("POST", "/v1/responses")[1].json["input"]
    assert "Idea 1" in second and "exactly 1 " in second and "re-roll number 2" in second


def test_instructions_carry_the_copy_rules_and_the_campaign_facts(stub: StubServer) -> None:
    """Same rules as the offline writer: whole sentences, nothing invented, the stated offer
    and the goal's verb in the call to action, short hook, speakable scenes."""
    brief = TASKPILOT
    stub.add("POST", "/v1/responses", Reply(200, response_json({"lyrics": "La la la"})))
    text_provider(stub).lyrics(brief, seconds=15)
    instructions = stub.calls()[0].json["instructions"]
    for rule in (
        "whole sentences",
        "Never cut a sentence",
        "Never claim offers, prices",
        "scarcity",
        "gifts",
        "awards or social proof",
        "at most 8 words",
        "2.5 words per second",
        "The brief is the source of every claim",
        "from the audience's own struggle",
        "never a pain, setting, habit or claim the brief does not state",
    ):
        assert rule in instructions, rule
    assert '"20% off the first year for early teams"' in instructions
    assert '"free trial"' in instructions.lower()
    assert "The goals ask for 'start a free trial'" in instructions
    assert "SaaS" in stub.calls()[0].json["input"]

    plain = Brief(name="Shop", product_name="Mugs", goals="more orders in the web shop")
    text_provider(stub).lyrics(plain, seconds=15)
    instructions = stub.calls()[1].json["instructions"]
    assert "states no offer" in instructions and "'buy'" in instructions


def test_timeout_is_a_provider_timeout_naming_openai(stub: StubServer) -> None:
    def slow(_request: object) -> Reply:
        time.sleep(1.0)
        return Reply(200, response_json({"lyrics": "late"}))

    stub.add("POST", "/v1/responses", slow)
    provider = text_provider(stub, timeout=0.3, attempts=2)
    with pytest.raises(ProviderError) as info:
        provider.lyrics(BRIEF, seconds=10)
    assert str(info.value) == "OpenAI is unavailable after 2 attempts: did not answer within 0.3 s"
    assert len(stub.calls()) == 2  # a timeout is transient: retried

    import httpx
    import openai

    from aytada.providers.openai_provider import translate_openai_error

    # openai 3.60 reads the request's headers: the error carries a real request, as the SDK's do
    request = httpx.Request("POST", "https://api.openai.com/v1/responses")
    mapped = translate_openai_error(openai.APITimeoutError(request=request), KEY, 60)
    assert isinstance(mapped, ProviderTimeout) and isinstance(mapped, TransientError)
    assert str(mapped) == "OpenAI did not answer within 60 s"


def test_script_and_scenes_durations_sum_to_length(stub: StubServer) -> None:
    script_payload = {
        "hook": "Tired of looking tired?",
        "body": "Nurses swear by GlowDrops.",
        "call_to_action": "Use SPRING20 today.",
        "voiceover": "Tired of looking tired? Nurses swear by GlowDrops. Use SPRING20 today.",
        "lines": [
            {"text": "Tired of looking tired?", "seconds": 3},
            {"text": "Nurses", "seconds": 4},
        ],
    }
    scenes_payload = {
        "scenes": [
            {"visual": "nurse at dawn", "caption": "Night shift?", "voiceover": "a", "duration": 5},
            {"visual": "serum drop", "caption": "60 seconds", "voiceover": "b", "duration": 7},
            {"visual": "smiling", "caption": "SPRING20", "voiceover": "c", "duration": 9.3},
        ]
    }
    stub.add(
        "POST",
        "/v1/responses",
        Reply(200, response_json(script_payload)),
        Reply(200, response_json(scenes_payload)),
    )
    provider = text_provider(stub)
    script = provider.script(BRIEF, Idea("Idea 1", "angle", "Hook", "approach"), length_s=30)
    assert script.call_to_action == "Use SPRING20 today."
    assert round(sum(line.seconds for line in script.lines), 2) == 30

    scenes = provider.scenes(BRIEF, script, length_s=30)
    assert [s.index for s in scenes] == [0, 1, 2]
    assert [s.caption for s in scenes] == ["Night shift?", "60 seconds", "SPRING20"]
    assert round(sum(s.duration for s in scenes), 6) == 30
    assert all(s.duration > 0 for s in scenes)
    prompt = stub.calls()[1].json["input"]
    assert script.voiceover in prompt and BRIEF.audience in prompt


def test_ad_copy_and_lyrics(stub: StubServer) -> None:
    stub.add(
        "POST",
        "/v1/responses",
        Reply(200, response_json({"headline": "Glow", "subline": "Sub", "call_to_action": "Shop"})),
        Reply(200, response_json({"lyrics": "Glow glow\nLumen Labs"})),
    )
    provider = text_provider(stub)
    copy = provider.ad_copy(BRIEF, kind="banner")
    assert (copy.headline, copy.subline, copy.call_to_action) == ("Glow", "Sub", "Shop")
    assert provider.lyrics(BRIEF, seconds=20) == "Glow glow\nLumen Labs"
    assert "banner" in stub.calls()[0].json["input"]


def test_rate_limit_then_success_is_retried_by_us(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", RATE_LIMIT, Reply(200, response_json(IDEAS)))
    ideas = text_provider(stub).ideas(BRIEF, count=3, length_s=30)
    assert len(ideas) == 3
    assert len(stub.calls("POST", "/v1/responses")) == 2  # one 429 + one success: our retry


def test_rate_limit_every_time_gives_readable_error(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", RATE_LIMIT)
    with pytest.raises(ProviderError) as info:
        text_provider(stub).ideas(BRIEF, count=3, length_s=30)
    message = str(info.value)
    assert message.startswith("OpenAI is unavailable after 3 attempts:")
    assert "Rate limit" in message
    assert len(stub.calls()) == 3


def test_unauthorized_is_not_retried_and_hides_the_key(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", UNAUTHORIZED)
    with pytest.raises(AuthError) as info:
        text_provider(stub).ideas(BRIEF, count=3, length_s=30)
    assert str(info.value) == "API key rejected by OpenAI"
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert len(stub.calls()) == 1


def test_forbidden_is_an_auth_error(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", Reply(403, {"error": {"message": "Project not allowed"}}))
    with pytest.raises(AuthError, match="API key rejected by OpenAI") as info:
        text_provider(stub).ideas(BRIEF, count=3, length_s=30)
    assert "Project not allowed" in str(info.value)
    assert len(stub.calls()) == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, "{not json at all", content_type="application/json"),
        Reply(200, "<html>gateway says hi</html>", content_type="text/html"),
        Reply(200, response_json(None, text='{"ideas": "nope"}')),
        Reply(200, response_json(None, text="Sure! Here are three ideas: ...")),
    ],
)
def test_malformed_answer_is_a_readable_error(stub: StubServer, reply: Reply) -> None:
    stub.add("POST", "/v1/responses", reply)
    with pytest.raises(ProviderError) as info:
        text_provider(stub).ideas(BRIEF, count=3, length_s=30)
    assert not isinstance(info.value, AuthError)
    assert str(info.value).startswith("OpenAI returned a malformed response:")
    assert KEY not in str(info.value)
    assert len(stub.calls()) == 1  # a malformed answer is not retried


def test_refusal_is_reported(stub: StubServer) -> None:
    answer = response_json(None, text="")
    answer["output"][1]["content"] = [{"type": "refusal", "refusal": "I can't help with that."}]
    stub.add("POST", "/v1/responses", Reply(200, answer))
    with pytest.raises(ProviderError, match="declined the request: I can't help"):
        text_provider(stub).ad_copy(BRIEF, kind="flyer")


def test_bad_request_is_not_retried(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", Reply(400, {"error": {"message": "Unknown model"}}))
    with pytest.raises(ProviderError, match=r"OpenAI rejected the request \(400\): Unknown model"):
        text_provider(stub).lyrics(BRIEF, seconds=15)
    assert len(stub.calls()) == 1


def test_connection_refused_is_transient(stub: StubServer) -> None:
    url = stub.url
    stub.stop()
    provider = OpenAIText(KEY, base_url=url + "/v1", sleep=no_sleep, timeout=2)
    with pytest.raises(
        ProviderError, match="OpenAI is unavailable after 3 attempts: connection failed"
    ):
        provider.lyrics(BRIEF, seconds=15)


def test_fit_durations() -> None:
    assert fit_durations([5, 7, 9.3], 30) == pytest.approx([7.04, 9.86, 13.1], abs=0.02)
    assert sum(fit_durations([1, 1, 1], 10)) == pytest.approx(10)
    assert sum(fit_durations([0, -2, float("nan"), 4], 15)) == pytest.approx(15)
    assert all(d >= 1 for d in fit_durations([0.1, 20, 0.1], 15))
    assert fit_durations([], 10) == []


# -- images -----------------------------------------------------------------------------------


def png_b64(width: int, height: int) -> str:
    return base64.b64encode(picture_png(width, height)).decode()


def images_json(width: int, height: int) -> dict:
    return {
        "created": 1_790_000_000,
        "background": "opaque",
        "output_format": "png",
        "quality": "medium",
        "size": f"{width}x{height}",
        "data": [{"b64_json": png_b64(width, height)}],
        "usage": {
            "input_tokens": 50,
            "input_tokens_details": {"image_tokens": 0, "text_tokens": 50},
            "output_tokens": 1056,
            "total_tokens": 1106,
        },
    }


@pytest.mark.parametrize(
    ("width", "height", "size", "ratio"),
    [
        (1080, 1920, "1024x1536", "9:16"),
        (1200, 628, "1536x1024", "1.91:1"),
        (728, 90, "1536x1024", "8:1"),
        (160, 600, "1024x1536", "4:15"),
        (1920, 1080, "1536x1024", "16:9"),
        (1080, 1080, "1024x1024", "1:1"),
        (300, 250, "1024x1024", "6:5"),
        (1080, 1350, "1024x1536", "4:5"),
    ],
)
def test_image_size_and_exact_crop(
    stub: StubServer,
    tmp_path: Path,
    width: int,
    height: int,
    size: str,
    ratio: str,
) -> None:
    gen_w, gen_h = (int(v) for v in size.split("x"))
    stub.add("POST", "/v1/images/generations", Reply(200, images_json(gen_w, gen_h)))
    provider = OpenAIImages(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    assert isinstance(provider, ImageProvider)
    assert provider.model == "gpt-image-1.5"
    out = provider.image(
        ImageRequest(prompt="a serum bottle", width=width, height=height), tmp_path / "a.png"
    )
    with Image.open(out) as img:
        assert img.size == (width, height) and img.format == "PNG"
    (call,) = stub.calls()
    assert call.json["model"] == "gpt-image-1.5"
    assert call.json["size"] == size
    assert call.json["quality"] == "medium"
    assert "a serum bottle" in call.json["prompt"]
    # the prompt states the request's own aspect ratio, never a fixed one
    assert f"Composition: {ratio} " in call.json["prompt"]
    if ratio != "9:16":
        assert "9:16" not in call.json["prompt"]
    assert call.headers["authorization"] == f"Bearer {KEY}"
    assert image_size_for(width, height) == size
    assert aspect_ratio(width, height) == ratio


def _photo(path: Path, colour: tuple[int, int, int], size: tuple[int, int]) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


@pytest.mark.parametrize(
    ("width", "height", "ratio", "size"),
    [(1080, 1920, "9:16", "1024x1536"), (1920, 1080, "16:9", "1536x1024"),
     (1080, 1080, "1:1", "1024x1024")],
)  # fmt: skip
def test_image_with_product_photo_and_logo_uses_images_edit(
    stub: StubServer, tmp_path: Path, width: int, height: int, ratio: str, size: str
) -> None:
    """The product photo and logo go to images.edit as reference images, product first."""
    gen_w, gen_h = (int(v) for v in size.split("x"))
    stub.add("POST", "/v1/images/edits", Reply(200, images_json(gen_w, gen_h)))
    photo = _photo(tmp_path / "bottle.jpg", (10, 200, 30), (640, 480))
    logo = _photo(tmp_path / "logo.png", (250, 250, 0), (200, 100))
    provider = OpenAIImages(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    request = ImageRequest(
        prompt="the serum on a bathroom shelf at dawn",
        width=width,
        height=height,
        product_photo=str(photo),
        logo=str(logo),
    )
    out = provider.image(request, tmp_path / "scene.png")

    with Image.open(out) as img:
        assert img.size == (width, height)
    (call,) = stub.calls()
    assert call.path == "/v1/images/edits"
    assert call.headers["content-type"].startswith("multipart/form-data")
    images = [(name, data) for name, _filename, data in call.file_list]
    assert [name for name, _ in images] == ["image[]", "image[]"]
    colours = []
    for _, data in images:
        with Image.open(io.BytesIO(data)) as ref:
            colours.append(ref.convert("RGB").getpixel((5, 5)))
    assert colours == [(10, 200, 30), (250, 250, 0)]  # the real product, then the logo
    prompt = call.form["prompt"]
    assert "the serum on a bathroom shelf at dawn" in prompt
    assert f"Composition: {ratio} " in prompt and f"{width}x{height}" in prompt
    assert "real product" in prompt and "logo" in prompt
    assert call.form["model"] == "gpt-image-1.5" and call.form["size"] == size
    assert call.form["input_fidelity"] == "high"


def test_image_with_photo_only_and_missing_photo(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/images/edits", Reply(200, images_json(1024, 1024)))
    photo = _photo(tmp_path / "p.png", (1, 2, 3), (64, 64))
    provider = OpenAIImages(KEY, base_url=stub.url + "/v1", sleep=no_sleep, model="gpt-image-2")
    provider.image(
        ImageRequest(prompt="x", width=500, height=500, product_photo=str(photo)),
        tmp_path / "a.png",
    )
    (call,) = stub.calls()
    assert len(call.file_list) == 1 and "input_fidelity" not in call.form
    assert "logo" not in call.form["prompt"]
    missing = ImageRequest(prompt="x", width=64, height=64, product_photo=str(tmp_path / "no.png"))
    with pytest.raises(ProviderError, match="product photo file is missing"):
        provider.image(missing, tmp_path / "b.png")
    assert len(stub.calls()) == 1  # nothing sent for a missing file


def test_image_server_error_then_success(stub: StubServer, tmp_path: Path) -> None:
    stub.add(
        "POST",
        "/v1/images/generations",
        Reply(500, {"error": {"message": "boom"}}),
        Reply(200, images_json(1024, 1024)),
    )
    provider = OpenAIImages(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    provider.image(ImageRequest(prompt="x", width=64, height=64), tmp_path / "b.png")
    assert len(stub.calls()) == 2


def test_image_garbage_base64(stub: StubServer, tmp_path: Path) -> None:
    stub.add(
        "POST", "/v1/images/generations", Reply(200, {"created": 1, "data": [{"b64_json": "%%%"}]})
    )
    provider = OpenAIImages(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    with pytest.raises(ProviderError, match="OpenAI returned a malformed response"):
        provider.image(ImageRequest(prompt="x", width=64, height=64), tmp_path / "c.png")


def test_image_unauthorized(stub: StubServer, tmp_path: Path) -> None:
    stub.add("POST", "/v1/images/generations", UNAUTHORIZED)
    provider = OpenAIImages(KEY, base_url=stub.url + "/v1", sleep=no_sleep)
    with pytest.raises(AuthError, match="^API key rejected by OpenAI$"):
        provider.image(ImageRequest(prompt="x", width=64, height=64), tmp_path / "d.png")
    assert len(stub.calls()) == 1


# -- video clips ------------------------------------------------------------------------------


def video_json(status: str, *, progress: int = 0, error: dict | None = None) -> dict:
    return {
        "id": "video_abc123",
        "object": "video",
        "model": "sora-2",
        "status": status,
        "progress": progress,
        "created_at": 1_790_000_000,
        "completed_at": 1_790_000_090 if status == "completed" else None,
        "expires_at": None,
        "prompt": "scene",
        "seconds": "8",
        "size": "720x1280",
        "remixed_from_video_id": None,
        "error": error,
    }


def test_clip_choices() -> None:
    assert [video_seconds_for(s) for s in (2, 4, 4.5, 8, 11.2, 15)] == [
        "4",
        "4",
        "8",
        "8",
        "12",
        "12",
    ]
    assert video_size_for(1080, 1920) == "720x1280"
    assert video_size_for(1920, 1080) == "1280x720"
    assert video_size_for(1080, 1080) == "720x1280"


MP4 = video_mp4(720, 1280, 8)  # a real clip of the size and length asked for


def clip_setup(
    stub: StubServer,
    tmp_path: Path,
    *statuses: dict,
    content: bytes = MP4,
) -> tuple[OpenAIClips, SegmentRequest]:
    still = tmp_path / "still.png"
    Image.new("RGB", (1080, 1920), (10, 120, 200)).save(still)
    stub.add("POST", "/v1/videos", Reply(200, video_json("queued")))
    stub.add("GET", "/v1/videos/video_abc123", *[Reply(200, s) for s in statuses])
    stub.add(
        "GET",
        "/v1/videos/video_abc123/content",
        Reply(200, content, content_type="application/binary"),
    )
    provider = OpenAIClips(KEY, base_url=stub.url + "/v1", sleep=no_sleep, poll_interval=0.01)
    request = SegmentRequest(
        still=still,
        prompt="a nurse smiles",
        seconds=5.5,
        width=1080,
        height=1920,
        caption="Glow up",
    )
    return provider, request


def test_clip_request_poll_download_and_finalize(
    stub: StubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider, request = clip_setup(
        stub,
        tmp_path,
        video_json("in_progress", progress=40),
        video_json("completed", progress=100),
    )
    assert isinstance(provider, ClipProvider)
    seen: dict = {}

    # (no caption: the stitch lays the word-timed captions over the segment)
    def fake_finalize(raw: Path, out: Path, *, seconds, width, height) -> Path:
        seen.update(raw=raw.read_bytes(), seconds=seconds, size=(width, height))
        shutil.copy(raw, out)
        return out

    import aytada.providers.ffmpeg as ffmpeg_module  # written by another engineer

    monkeypatch.setattr(ffmpeg_module, "finalize_segment", fake_finalize)
    out = provider.segment(request, tmp_path / "seg.mp4")

    assert out == tmp_path / "seg.mp4" and out.exists()
    assert seen == {
        "raw": MP4,
        "seconds": 5.5,
        "size": (1080, 1920),
    }
    (create,) = stub.calls("POST", "/v1/videos")
    assert create.headers["content-type"].startswith("multipart/form-data")
    assert create.headers["authorization"] == f"Bearer {KEY}"
    assert create.form["model"] == "sora-2"
    assert create.form["seconds"] == "8"
    assert create.form["size"] == "720x1280"
    assert "a nurse smiles" in create.form["prompt"]
    filename, data = create.files["input_reference"]
    with Image.open(io.BytesIO(data)) as ref:
        assert ref.size == (720, 1280)  # the reference matches the requested clip size
    assert len(stub.calls("GET", "/v1/videos/video_abc123")) == 2
    assert len(stub.calls("GET", "/v1/videos/video_abc123/content")) == 1
    assert not list(tmp_path.glob(".clip-*"))  # the raw download is cleaned up


def test_clip_failed_status_raises_api_message(stub: StubServer, tmp_path: Path) -> None:
    provider, request = clip_setup(
        stub,
        tmp_path,
        video_json(
            "failed",
            error={"code": "moderation_blocked", "message": "The reference image was blocked."},
        ),
    )
    with pytest.raises(ProviderError) as info:
        provider.segment(request, tmp_path / "seg.mp4")
    assert "OpenAI video generation failed: The reference image was blocked." in str(info.value)
    assert not stub.calls("GET", "/v1/videos/video_abc123/content")


def test_clip_poll_times_out(stub: StubServer, tmp_path: Path) -> None:
    provider, request = clip_setup(stub, tmp_path, video_json("in_progress"))
    provider.max_wait = 0.05
    with pytest.raises(ProviderError, match="did not finish within"):
        provider.segment(request, tmp_path / "seg.mp4")


def test_clip_real_finalize_segment(stub: StubServer, tmp_path: Path) -> None:
    """With the real ffmpeg module and a real MP4 from the stub, the segment has the exact size."""
    import imageio_ffmpeg

    import aytada.providers.ffmpeg as ffmpeg_module

    provider, request = clip_setup(stub, tmp_path, video_json("completed"))
    request = SegmentRequest(
        still=request.still, prompt="p", seconds=3.0, width=360, height=640, caption="Hello"
    )
    assert callable(ffmpeg_module.finalize_segment)
    out = provider.segment(request, tmp_path / "final.mp4")
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert abs(secs - 3.0) < 0.2
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    reader.close()
    assert tuple(meta["size"]) == (360, 640)


def test_no_key_is_refused() -> None:
    with pytest.raises(AuthError):
        OpenAIText("")


def test_repr_hides_key(stub: StubServer) -> None:
    assert KEY not in repr(text_provider(stub))


def test_too_many_scenes_are_folded_into_the_last(stub: StubServer) -> None:
    scenes = [
        {"visual": f"v{i}", "caption": f"c{i}", "voiceover": f"line {i}.", "duration": 3}
        for i in range(9)
    ]
    stub.add("POST", "/v1/responses", Reply(200, response_json({"scenes": scenes})))
    script = Script(hook="h", body="b", call_to_action="c", voiceover="v")
    out = text_provider(stub).scenes(BRIEF, script, length_s=30)
    assert len(out) == 7  # about 6 asked for, at most one more: every scene is a paid clip
    assert out[-1].voiceover == "line 6. line 7. line 8."
    assert round(sum(s.duration for s in out), 6) == 30


def test_insufficient_quota_is_not_retried(stub: StubServer) -> None:
    quota = {"error": {"message": "You exceeded your quota", "code": "insufficient_quota"}}
    stub.add("POST", "/v1/responses", Reply(429, quota))
    with pytest.raises(ProviderError, match="^OpenAI quota exceeded: You exceeded your quota$"):
        text_provider(stub).lyrics(BRIEF, seconds=10)
    assert len(stub.calls()) == 1


def test_retry_after_header_is_honoured(stub: StubServer) -> None:
    sleeps = SleepRecorder()
    limited = Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "3"})
    stub.add("POST", "/v1/responses", limited, Reply(200, response_json({"lyrics": "la"})))
    OpenAIText(KEY, base_url=stub.url + "/v1", sleep=sleeps).lyrics(BRIEF, seconds=10)
    assert sleeps.delays and 3.0 <= sleeps.delays[0] <= 8.0


def test_retired_video_model_gets_a_clear_message(stub: StubServer, tmp_path: Path) -> None:
    provider, request = clip_setup(stub, tmp_path, video_json("completed"))
    stub.replace("POST", "/v1/videos", Reply(404, {"error": {"message": "Unknown endpoint"}}))
    with pytest.raises(ProviderError) as info:
        provider.segment(request, tmp_path / "seg.mp4")
    message = str(info.value)
    assert "video generation with sora-2 is not available: Unknown endpoint" in message
    assert "offline" in message
    assert len(stub.calls()) == 1


# -- the shared retry loop ----------------------------------------------------------------------


def test_call_with_retries_backoff_is_bounded_and_only_for_transient() -> None:
    sleeps = SleepRecorder()
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 5:
            raise TransientError("server error (502): bad gateway")
        return "ok"

    assert call_with_retries(flaky, attempts=5, base_delay=1, max_delay=3, sleep=sleeps) == "ok"
    assert len(sleeps.delays) == 4
    assert all(0.5 <= d <= 3 for d in sleeps.delays)
    assert sleeps.delays[3] >= 1.5  # exponential: the 4th step is capped at 3, half of it fixed

    def auth() -> None:
        calls.append(1)
        raise AuthError("API key rejected by OpenAI")

    calls.clear()
    with pytest.raises(AuthError):
        call_with_retries(auth, sleep=sleeps)
    assert len(calls) == 1

    def down() -> None:
        raise TransientError("connection failed")

    with pytest.raises(ProviderError) as info:
        call_with_retries(down, attempts=2, sleep=no_sleep, provider="Shotstack")
    assert str(info.value) == "Shotstack is unavailable after 2 attempts: connection failed"
    assert not isinstance(info.value, TransientError)


def test_backoff_delay_and_redact() -> None:
    assert backoff_delay(1, base_delay=0.5, rand=lambda: 0.0) == 0.25
    assert backoff_delay(1, base_delay=0.5, rand=lambda: 1.0) == 0.5
    assert backoff_delay(10, base_delay=0.5, max_delay=8, rand=lambda: 1.0) == 8
    assert redact(f"bad key {KEY} here", KEY) == "bad key *** here"
    assert len(redact("x" * 1000)) <= 300


def test_non_reasoning_model_gets_no_reasoning_parameter(stub: StubServer) -> None:
    stub.add("POST", "/v1/responses", Reply(200, response_json({"lyrics": "la"})))
    text_provider(stub, model="gpt-4.1-mini").lyrics(BRIEF, seconds=10)
    body = stub.calls()[0].json
    assert body["model"] == "gpt-4.1-mini" and "reasoning" not in body


def test_the_destination_reaches_the_model(stub: StubServer) -> None:
    """Both writers end the call to action on the campaign's destination: the model is told."""
    stub.add("POST", "/v1/responses", Reply(200, response_json({"lyrics": "La la la"})))
    brief = dataclasses.replace(BRIEF, destination="ledgerly.app")
    text_provider(stub).lyrics(brief, seconds=15)
    call = stub.calls()[0].json
    assert "The ads send people to 'ledgerly.app'" in call["instructions"]
    assert "Destination (where the ads send people): ledgerly.app" in call["input"]
