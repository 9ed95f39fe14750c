"""What the pipeline makes, through Redis and a real worker on the offline providers: the
product photo in every scene and every banner/flyer size, and script edits in the final ad."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from aytada.core import campaigns, media, projects, subtitles
from aytada.core.formats import DESIGN_FORMATS
from aytada.jobs.runner import start_step
from aytada.providers import ffmpeg
from tests.conftest import require_espeak, wait_for
from tests.factories import CAMPAIGN, make_project
from tests.jobs.helpers import assert_voice_heard

pytestmark = [pytest.mark.slow, pytest.mark.media]
MAGENTA = (230, 20, 200)


def _png(draw_fn, size=(600, 800), bg=(255, 255, 255)) -> bytes:  # type: ignore[no-untyped-def]
    img = Image.new("RGB", size, bg)
    draw_fn(ImageDraw.Draw(img), size)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _bottle(d: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
    w, h = size
    d.rounded_rectangle((w * 0.3, h * 0.25, w * 0.7, h * 0.92), radius=40, fill=MAGENTA)
    d.rectangle((w * 0.42, h * 0.08, w * 0.58, h * 0.26), fill=MAGENTA)


def _logo(d: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
    d.ellipse((10, 10, size[0] - 10, size[1] - 10), fill=(20, 40, 60))


def _campaign_with_photo(ws: int) -> int:
    return campaigns.create_campaign(
        ws,
        {**CAMPAIGN, "product_name": "Glow Serum", "brand_name": "Lumen"},
        logo=("logo.png", "image/png", _png(_logo, (200, 200), (255, 255, 255))),
        product_photo=("serum.png", "image/png", _png(_bottle)),
    )


def magenta_share(path: Path) -> float:
    """Share of pixels that are the product photo's magenta."""
    img = Image.open(path).convert("RGB").resize((270, 480))
    raw = img.tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    hits = sum(1 for r, g, b in pixels if r > 170 and g < 100 and b > 140 and r - g > 100)
    return hits / (len(raw) // 3)


def _status(ws: int, pid: int) -> str:
    return projects.get_project(ws, pid).status


def _run(ws: int, pid: int, step: str, until: str, timeout: float = 240) -> None:
    start_step(ws, pid, step)
    wait_for(lambda: _status(ws, pid) in (until, "failed"), timeout=timeout, what=until)
    project = projects.get_project(ws, pid)
    assert project.status == until, project.error


def test_product_in_every_scene_and_script_edits_reach_the_ad(
    workspace_id: int, start_worker, tmp_path: Path
) -> None:
    require_espeak()
    start_worker()
    start_worker()
    ws = workspace_id
    pid = make_project(ws, _campaign_with_photo(ws), length_s=15, fmt="9:16", quality="standard")
    _run(ws, pid, "ideas", "ideas_ready")
    projects.choose_idea(ws, pid, 0)
    _run(ws, pid, "script", "script_ready")
    # the user rewrites every field of the script
    edits = {
        "hook": "Dull skin by noon again?",
        "body": "Glow Serum keeps your skin bright from morning coffee to evening plans.",
        "call_to_action": "Try Glow Serum tonight.",
        "voiceover": "Dull skin by noon again? Glow Serum keeps your skin bright from morning "
        "coffee to evening plans. Try Glow Serum tonight.",
    }
    projects.save_script(ws, pid, edits)
    _run(ws, pid, "scenes", "scenes_ready")
    project = projects.get_project(ws, pid)
    spoken = " ".join(sc["voiceover"] for sc in project.scenes)
    for sentence in ("Dull skin by noon again?", "Try Glow Serum tonight."):
        assert sentence in spoken
    assert "morning coffee" in spoken
    captions = " ".join(sc["caption"] for sc in project.scenes).lower()
    assert "dull skin" in captions and "glow serum" in captions
    _run(ws, pid, "clip", "completed", timeout=400)
    project = projects.get_project(ws, pid)
    video = media.resolve(projects.get_asset(ws, project.output_asset_id).path)
    start = 0.0
    for i, scene in enumerate(project.scenes):
        frame = ffmpeg.extract_frame(video, start + scene["duration"] / 2, tmp_path / f"s{i}.png")
        assert magenta_share(frame) > 0.01, f"scene {i + 1} does not show the product"
        start += scene["duration"]
    # the captions burned in are the words the edited script says, grouped as the voice says
    # them (the video's subtitles carry the same groups: tests/jobs/test_word_captions.py)
    burned = " ".join(c.text for c in subtitles.video_subtitles(ws, pid) or []).lower()
    assert "dull skin" in burned
    voice = media.resolve(projects.get_asset(ws, project.voiceover_asset_id).path)
    assert_voice_heard(video, voice)  # the edited script is what the ad says


@pytest.mark.parametrize("kind", ["banner", "flyer"])
def test_product_photo_on_every_design_size(workspace_id: int, start_worker, kind: str) -> None:
    start_worker()
    ws = workspace_id
    cid = _campaign_with_photo(ws)
    pids = {fmt: make_project(ws, cid, kind=kind, fmt=fmt) for fmt in DESIGN_FORMATS}
    for pid in pids.values():
        start_step(ws, pid, "design")
    for fmt, pid in pids.items():
        wait_for(lambda p=pid: _status(ws, p) in ("completed", "failed"), timeout=120, what=fmt)
        project = projects.get_project(ws, pid)
        assert project.status == "completed", project.error
        out = media.resolve(projects.get_asset(ws, project.output_asset_id).path)
        with Image.open(out) as img:
            assert img.size == DESIGN_FORMATS[fmt]
        assert magenta_share(out) > 0.005, f"{fmt}: no product photo"
