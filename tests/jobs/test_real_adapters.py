"""The real provider adapters inside real workers, against local fakes of the paid APIs.

The workers run with OpenAI and ElevenLabs keys set (fake ones) and ``OPENAI_BASE_URL`` /
``ELEVENLABS_BASE_URL`` pointed at :class:`FakeOpenAI` / :class:`FakeElevenLabs`
(``tests/providers/stub_server.py``), which check every request as the real APIs would and
answer with real encoded media: PNGs of the size asked for, MP4 clips of the size and length
asked for, MP3 speech and music. Each test asserts on every request the fakes received (sizes,
seconds, the workspace's voice, the models from the settings), on the files the pipeline made
from that output with ffmpeg, and on the charges.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from aytada.core import credits, media, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.models import Asset, CreditLedgerEntry, Generation, Workspace
from aytada.core.options import options_of
from aytada.jobs.steps import scene_layout
from aytada.providers import ffmpeg
from tests.factories import make_project
from tests.jobs.helpers import designed_banner, gens, make_video, run_to
from tests.providers.stub_server import (
    MUSIC_HZ,
    SPEECH_HZ,
    FakeElevenLabs,
    FakeOpenAI,
    StubServer,
    tone_share,
)

pytestmark = [pytest.mark.slow, pytest.mark.media]

OPENAI_KEY = "sk-fake-worker-7f3e2d1c0b9a8e7d6c5b"
ELEVENLABS_KEY = "el-fake-worker-0a1b2c3d4e5f6a7b8c9d"
KEYS = (OPENAI_KEY, ELEVENLABS_KEY)
# every model name differs from the adapters' defaults, so a default leaking through shows
MODELS = {
    "OPENAI_TEXT_MODEL": "gpt-5-nano",
    "OPENAI_IMAGE_MODEL": "gpt-image-1-mini",
    "OPENAI_VIDEO_MODEL": "sora-2-pro",
    "ELEVENLABS_MODEL": "eleven_turbo_v2_5",
}
# the fake answers at once: a video job still walks queued → in progress → completed, with a
# fifth of a second between looks instead of the default 5 s
QUICK_POLLS = {"OPENAI_VIDEO_POLL_SECONDS": "0.2"}
WORKSPACE_VOICE = "pNInz6obpgDQGcFmaJgB"  # not the adapter's default voice
# non-default prices: the charges must follow the price list, not constants
PRICES = {"PRICE_CLIP_STANDARD": "12", "PRICE_VOICEOVER": "6", "PRICE_BANNER": "9"}

# what each video format asks of the APIs: the frame, the image size, the clip size; frames
# render at half size (AYTADA_RENDER_SCALE: the APIs are asked the same; a provider's clip is
# scaled to the frame either way; the full-size renders are test_video_pipeline's and
# test_fal_clips_worker's)
FORMATS = {
    "9:16": {"quality": "pro", "frame": (540, 960), "image": "1024x1536", "video": "720x1280",
             "scale": "0.5"},
    "16:9": {"quality": "standard", "frame": (640, 360), "image": "1536x1024",
             "video": "1280x720", "scale": "0.5"},
    # no PROVIDER_CLIP: the default, clips made locally from the OpenAI stills
    "1:1": {"quality": "standard", "frame": (360, 360), "image": "1024x1024", "video": None,
            "scale": "0.5"},
}  # fmt: skip
STEP_PRICE = {"ideas": "ideas_first", "script": "script", "scenes": "scenes",
              "voiceover": "voiceover", "stitch": "stitch"}  # fmt: skip


@pytest.fixture
def apis(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name, value in PRICES.items():  # the test and its workers read the same price list
        monkeypatch.setenv(name, value)
    from aytada.core.settings import reset_settings

    reset_settings()
    with StubServer() as openai_stub, StubServer() as elevenlabs_stub:
        yield FakeOpenAI(openai_stub, OPENAI_KEY), FakeElevenLabs(elevenlabs_stub, ELEVENLABS_KEY)


def real_env(apis, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    openai, elevenlabs = apis
    return {
        "OPENAI_API_KEY": OPENAI_KEY,
        "OPENAI_BASE_URL": openai.base_url,
        "ELEVENLABS_API_KEY": ELEVENLABS_KEY,
        "ELEVENLABS_BASE_URL": elevenlabs.url,
        **MODELS,
        **QUICK_POLLS,
        **extra,
    }


def set_workspace_voice(workspace_id: int, voice: str) -> None:
    with session_scope() as s:
        s.get(Workspace, workspace_id).voice_id = voice


def covering_seconds(duration: float) -> str:
    """The shortest clip the video API makes (4, 8 or 12 s) that covers ``duration``."""
    return str(next((s for s in (4, 8, 12) if s >= duration - 1e-6), 12))


def scene_of(prompt: str, scenes: list[dict]) -> int:
    """The scene whose visual a request's prompt carries."""
    (index,) = [i for i, sc in enumerate(scenes) if sc["visual"] in prompt]
    return index


def assert_clean(apis, workers) -> None:  # type: ignore[no-untyped-def]
    """No request was refused or unrouted, and no key reached a log or the database."""
    for api in apis:
        assert api.rejected() == [], api.rejected()
        assert api.unrouted() == [], api.unrouted()
    for worker in workers:
        log = worker.output()
        assert not any(key in log for key in KEYS), "an API key reached the worker log"
    with session_scope() as s:
        rows = s.scalars(select(Generation)).all()
        stored = json.dumps([[g.input_snapshot, g.output, g.error, g.notice] for g in rows])
    assert not any(key in stored for key in KEYS), "an API key was stored"


def assert_charged(workspace_id: int, pid: int, price_of) -> int:  # type: ignore[no-untyped-def]
    """Every generation succeeded and was charged its price-list price once; the balance and
    the ledger agree. Returns the total."""
    total = 0
    with session_scope() as s:
        ledger = {e.generation_id: e.delta for e in s.scalars(select(CreditLedgerEntry))
                  if e.generation_id is not None}  # fmt: skip
    for gen in gens(pid):
        assert gen.state == "succeeded", (gen.step, gen.error)
        expected = credits.price(price_of(gen.step))
        assert gen.credits_charged == expected, gen.step
        assert ledger.get(gen.id, 0) == -expected, gen.step
        total += expected
    return total


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_video_through_workers_with_the_real_adapters(
    fmt: str, apis, workspace_id: int, start_worker, tmp_path: Path, monkeypatch
) -> None:
    openai, elevenlabs = apis
    spec = FORMATS[fmt]
    # the frame size is part of a clip's inputs, taken where the render starts (this process)
    monkeypatch.setenv("AYTADA_RENDER_SCALE", spec["scale"])
    from aytada.core.settings import reset_settings

    reset_settings()
    clip_override = {"PROVIDER_CLIP": "openai"} if spec["video"] else {}
    workers = [start_worker(**real_env(apis, **clip_override)) for _ in range(2)]
    set_workspace_voice(workspace_id, WORKSPACE_VOICE)
    pid = make_project(workspace_id, length_s=15, fmt=fmt, quality=spec["quality"])

    make_video(workspace_id, pid, idea=1)

    project = projects.get_project(workspace_id, pid)
    scenes = project.scenes
    n = len(scenes)
    width, height = spec["frame"]

    # the writer: ideas, script and scenes, each once, with the model from the settings
    responses = openai.of("responses")
    assert [c.fields["kind"] for c in responses] == ["ideas", "script", "scenes"]
    assert {c.model for c in responses} == {MODELS["OPENAI_TEXT_MODEL"]}
    assert responses[0].fields["count"] == 3
    assert "Mud run 2" in responses[1].fields["input"]  # the chosen idea reached the script
    assert [sc["voiceover"] for sc in scenes] == [
        "Slipping again?",
        "Northpeak Trailblazer shoes grip wet roots, loose rock and deep mud on every single run.",
        "Order yours today and run sure.",
    ]

    # one still per scene, at the API size closest to the format, with the settings' model;
    # not for the end card, composed here whatever the providers (its words must be exact)
    cards = [i for i, sc in enumerate(scenes) if scene_layout(sc["visual"], i, n)[0] == "end_card"]
    assert cards == [n - 1]
    drawn = list(range(n - 1))
    images = openai.of("images.generate")
    assert sorted(scene_of(c.fields["prompt"], scenes) for c in images) == drawn
    assert {(c.model, c.size) for c in images} == {(MODELS["OPENAI_IMAGE_MODEL"], spec["image"])}
    assert openai.of("images.edit") == []  # the campaign has no product photo or logo

    videos = openai.of("videos.create")
    if spec["video"]:
        # one clip per scene: the format's clip size, the shortest length covering the scene,
        # the still as the reference at the clip's own size, each polled and downloaded once
        assert sorted(scene_of(c.fields["prompt"], scenes) for c in videos) == drawn
        for call in videos:
            scene = scenes[scene_of(call.fields["prompt"], scenes)]
            assert call.seconds == covering_seconds(scene["duration"]), (call, scene)
            assert (call.model, call.size) == (MODELS["OPENAI_VIDEO_MODEL"], spec["video"])
            assert call.fields["reference"] == tuple(map(int, spec["video"].split("x")))
        assert len({c.seconds for c in videos}) > 1  # the scenes' lengths differ (short, long)
        polls = [(c.fields["video_id"], c.fields["status"]) for c in openai.of("videos.retrieve")]
        for call in videos:  # looked at until done: in progress, then completed
            video_id = call.fields["video_id"]
            assert [st for v, st in polls if v == video_id] == ["in_progress", "completed"]
        downloads = openai.of("videos.content")
        assert sorted(c.fields["video_id"] for c in downloads) == sorted(
            c.fields["video_id"] for c in videos
        )
    else:
        assert videos == []  # the retired video API is never chosen by default

    # the voiceover: every scene's line in order, in the workspace's voice, the settings' model
    tts = elevenlabs.of("tts")
    assert [c.fields["text"] for c in tts] == [sc["voiceover"] for sc in scenes]
    assert {(c.voice_id, c.model) for c in tts} == {(WORKSPACE_VOICE, MODELS["ELEVENLABS_MODEL"])}
    assert {c.fields["output_format"] for c in tts} == {"mp3_44100_128"}
    (music,) = elevenlabs.of("music")
    assert music.fields["music_length_ms"] == 15_000 and music.fields["force_instrumental"]

    # what the steps recorded about who made what
    by_step = {g.step: g for g in gens(pid)}
    assert by_step["ideas"].model == MODELS["OPENAI_TEXT_MODEL"]
    assert by_step["voiceover"].model == MODELS["ELEVENLABS_MODEL"]
    clip_models = {g.scene_index: g.model for g in gens(pid) if g.step == "clip"}
    for i in drawn:
        assert clip_models[i].startswith(MODELS["OPENAI_IMAGE_MODEL"] + "+")
        if spec["video"]:
            assert clip_models[i].endswith("+" + MODELS["OPENAI_VIDEO_MODEL"])
    assert clip_models[n - 1] == "pillow-composition+ffmpeg-zoompan"  # the end card

    # ffmpeg made exact segments from the real PNGs/MP4s: frame size, scene length, no audio
    with session_scope() as s:
        assets = s.scalars(select(Asset).where(Asset.project_id == pid)).all()
        files = {(a.role, (a.meta or {}).get("scene")): media.resolve(a.path) for a in assets}
    for i, scene in enumerate(scenes):
        with Image.open(files[("scene_still", i)]) as still:
            assert still.size == (width, height) and still.format == "PNG"
        info = ffmpeg.probe(files[("segment", i)])
        assert (info["width"], info["height"]) == (width, height)
        assert abs(info["duration"] - scene["duration"]) < 0.05
        assert info["audio_codec"] is None

    # the final MP4, checked like the offline one
    video = media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    info = ffmpeg.probe(video)
    assert info["video_codec"] == "h264" and info["audio_codec"] == "aac"
    assert (info["width"], info["height"]) == (width, height)
    assert abs(info["duration"] - 15) <= 0.2
    assert ffmpeg.mean_volume_db(video) > -40
    # the voice and the music both reached the mix: during scene 2 (the long line) the
    # voice's pitch carries a large share of the sound, and the music's chord is there too
    start = scenes[0]["duration"]
    voice_share = tone_share(video, SPEECH_HZ, start=start, seconds=scenes[1]["duration"])
    music_share = tone_share(video, MUSIC_HZ[0], start=start, seconds=scenes[1]["duration"])
    assert voice_share > 0.1, voice_share
    assert music_share > 0.005, music_share

    # charges: each step its price-list price, once
    def price_of(step: str) -> str:
        return f"clip_{spec['quality']}" if step == "clip" else STEP_PRICE[step]

    total = assert_charged(workspace_id, pid, price_of)
    expected = (credits.price("ideas_first") + credits.price("script")
                + credits.price("scenes") + n * credits.price(f"clip_{spec['quality']}")
                + credits.price("voiceover") + credits.price("stitch"))  # fmt: skip
    assert total == expected
    assert workspaces.get_balance(workspace_id) == 1000 - expected
    assert_clean(apis, workers)


def test_banner_and_jingle_through_workers_with_the_real_adapters(
    apis, workspace_id: int, start_worker
) -> None:
    openai, elevenlabs = apis
    workers = [start_worker(**real_env(apis))]

    banner = designed_banner(workspace_id)
    (copy,) = openai.of("responses")
    assert (copy.fields["kind"], copy.model) == ("copy", MODELS["OPENAI_TEXT_MODEL"])
    assert "banner" in copy.fields["input"]
    # no product photo uploaded: a generated product picture at the API size nearest 1200×628
    (hero,) = openai.of("images.generate")
    assert (hero.model, hero.size) == (MODELS["OPENAI_IMAGE_MODEL"], "1536x1024")
    project = projects.get_project(workspace_id, banner)
    made = options_of(project).outputs
    assert made.copy is not None and made.copy.headline == "Grip that holds"
    with Image.open(media.resolve(made.hero)) as picture:
        assert picture.size == (1200, 628)
    png = media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    with Image.open(png) as img:
        assert img.size == (1200, 628) and img.format == "PNG"

    jingle = make_project(workspace_id, kind="jingle", length_s=15, title="Tune")
    run_to(workspace_id, jingle, "jingle", "completed")
    lyrics = openai.of("responses")[1]
    assert (lyrics.fields["kind"], lyrics.model) == ("lyrics", MODELS["OPENAI_TEXT_MODEL"])
    (song,) = elevenlabs.of("music")
    project = projects.get_project(workspace_id, jingle)
    assert song.fields["music_length_ms"] == 15_000
    assert song.fields["force_instrumental"] is False  # lyrics are sung
    assert options_of(project).outputs.lyrics in song.fields["prompt"]
    audio = media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    info = ffmpeg.probe(audio)
    assert info["audio_codec"] == "pcm_s16le" and abs(info["duration"] - 15) < 0.3
    assert abs(ffmpeg.measure_loudness(audio) - ffmpeg.TARGET_LUFS) < 1.5
    assert tone_share(audio, MUSIC_HZ[0]) > 0.05  # the song the API made, not a local synth

    assert (
        assert_charged(
            workspace_id, banner, lambda step: {"design": "banner", "compose": None}[step]
        )
        == 9
    )
    assert assert_charged(workspace_id, jingle, lambda step: "jingle") == credits.price("jingle")
    assert workspaces.get_balance(workspace_id) == 1000 - 9 - credits.price("jingle")
    assert_clean(apis, workers)
