"""Clips from fal inside real workers: a whole video rendered with ``FAL_KEY`` set and
``FAL_BASE_URL`` pointed at the local fake of fal's queue (``tests/providers/fal_stub.py``), the
voice and music from the fake ElevenLabs, the rest offline. The fakes check each request and
serve real MP4s and MP3s; the final video is read back with ffmpeg."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from aytada.captions import caption_groups
from aytada.core import campaigns, media, projects
from aytada.core.db import session_scope
from aytada.core.models import Asset, Generation
from aytada.jobs.steps import scene_layout
from aytada.providers import ffmpeg
from aytada.providers.base import CaptionStyle, split_layout
from aytada.providers.caption_track import highlight_colors
from aytada.providers.fal_provider import VIDEO_MODEL, duration_for, parse_durations
from tests.conftest import IN_CI
from tests.factories import make_project
from tests.jobs.helpers import caption_pixels, gens, make_video
from tests.jobs.test_creative_pipeline import _campaign_with_photo
from tests.providers.fal_stub import FakeFal
from tests.providers.stub_server import FakeElevenLabs, StubServer

pytestmark = [pytest.mark.slow, pytest.mark.media]

FAL_KEY = "fal-worker-SECRET-5e4d3c2b1a09f8e7"
ELEVENLABS_KEY = "el-worker-SECRET-99aa88bb77cc66dd"


def test_a_video_with_clips_from_fal(workspace_id: int, start_worker, tmp_path) -> None:
    if shutil.which("espeak-ng") is None:  # the offline voiceover speaks with it
        if IN_CI:
            pytest.fail("espeak-ng is required in CI (scripts/system-packages.sh installs it)")
        pytest.skip("espeak-ng is not installed")
    with StubServer() as stub, StubServer() as eleven_stub:
        fake = FakeFal(stub, FAL_KEY)
        eleven = FakeElevenLabs(eleven_stub, ELEVENLABS_KEY)
        env = {
            "FAL_KEY": FAL_KEY,
            "FAL_BASE_URL": fake.url,
            # the fake answers at once: each job still walks IN_QUEUE → IN_PROGRESS →
            # COMPLETED, with a fifth of a second between looks instead of the default 5 s
            "FAL_POLL_SECONDS": "0.2",
            "ELEVENLABS_API_KEY": ELEVENLABS_KEY,
            "ELEVENLABS_BASE_URL": eleven.url,
        }
        workers = [start_worker(**env) for _ in range(2)]
        # a product photo: the stills show the product, the captions the words (a still without
        # one sets its line large and is not captioned again)
        cid = _campaign_with_photo(workspace_id)
        pid = make_project(workspace_id, cid, length_s=15, fmt="9:16", quality="pro")
        make_video(workspace_id, pid)

    project = projects.get_project(workspace_id, pid)
    scenes = project.scenes
    lengths = parse_durations("4-15")

    # one fal job per scene but the end card (composed and animated here: its words are exact):
    # its visual as the prompt, its still as a 9:16 first frame, the shortest length the model
    # makes covering the scene; each result downloaded once, keyless
    n = len(scenes)
    drawn = [sc for i, sc in enumerate(scenes) if scene_layout(sc["visual"], i, n)[0] != "end_card"]
    assert len(fake.calls) == len(drawn) == n - 1 >= 1
    for scene in drawn:
        visual = split_layout(scene["visual"])[1].strip()
        (call,) = [c for c in fake.calls if c.prompt.startswith(visual)]
        assert (call.aspect_ratio, call.duration) == ("9:16", duration_for(scene["duration"],
                                                                           lengths))  # fmt: skip
        assert call.image_format == "JPEG" and call.image_size == (720, 1280)
        assert call.generate_audio is False
    assert len(fake.downloads) == len(drawn)
    assert not any("authorization" in d.headers for d in fake.downloads)
    assert fake.rejected == [] and fake.unrouted() == []

    # the voiceover: each scene's line said with its neighbours, so the prosody flows on
    said = [c.json for c in eleven_stub.calls("POST") if "/text-to-speech/" in c.path]
    lines = [sc["voiceover"] for sc in scenes]
    assert [r["text"] for r in said] == lines
    for i, request in enumerate(said):
        assert request.get("previous_text") == (lines[i - 1] if i else None)
        assert request.get("next_text") == (lines[i + 1] if i + 1 < len(lines) else None)
    assert eleven.rejected() == []

    # the steps say who made the clips
    clip_gens = sorted((g for g in gens(pid) if g.step == "clip"), key=lambda g: g.scene_index)
    assert [g.provider for g in clip_gens] == ["offline+fal"] * (n - 1) + ["offline+offline"]
    assert all(g.model.endswith("+" + VIDEO_MODEL.default) for g in clip_gens[:-1])

    # ffmpeg made exact segments from the MP4s fal served: frame, scene length, no sound
    with session_scope() as s:
        segments = {
            (a.meta or {}).get("scene"): media.resolve(a.path)
            for a in s.scalars(select(Asset).where(Asset.project_id == pid))
            if a.role == "segment"
        }
    for i, scene in enumerate(scenes):
        info = ffmpeg.probe(segments[i])
        assert (info["width"], info["height"]) == (1080, 1920)
        assert abs(info["duration"] - scene["duration"]) < 0.05
        assert info["audio_codec"] is None

    # the final MP4
    video = media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    info = ffmpeg.probe(video)
    assert info["video_codec"] == "h264" and info["audio_codec"] == "aac"
    assert (info["width"], info["height"]) == (1080, 1920)
    assert abs(info["duration"] - 15) <= 0.2

    # fal's clips get the same word-timed captions as the offline ones, laid over them at the
    # stitch: while the first group is said, its caption is over the first clip
    timeline = projects.get_asset(workspace_id, project.output_asset_id).meta["timeline"]
    first = caption_groups(timeline)[0]
    _, start, until = first.spoken()[0]
    at = min((start + until) / 2, scenes[0]["duration"] - 0.2)
    colors = campaigns.get_campaign(workspace_id, project.campaign_id).brand_colors.split(",")
    accent, _ = highlight_colors([c.strip() for c in colors], CaptionStyle())
    changed, highlight = caption_pixels(video, at, segments[0], at, tmp_path, accent)
    assert changed > 1000 and highlight > 100, (first.text, at, changed, highlight)

    # the key reached neither a worker log nor the database
    for worker in workers:
        assert FAL_KEY not in worker.output() and ELEVENLABS_KEY not in worker.output()
    with session_scope() as s:
        rows = s.scalars(select(Generation)).all()
        stored = json.dumps([[g.input_snapshot, g.output, g.error, g.notice] for g in rows])
    assert FAL_KEY not in stored and ELEVENLABS_KEY not in stored
