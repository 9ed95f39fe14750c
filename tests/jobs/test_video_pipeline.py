"""The video pipeline end to end through Redis and real workers on the offline providers."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image
from sqlalchemy import select

import tests.jobs.fault_steps  # noqa: F401
from aytada.captions import caption_groups
from aytada.core import campaigns, media, projects, teams, workspaces
from aytada.core.db import session_scope
from aytada.core.models import Asset, CreditLedgerEntry, Generation
from aytada.core.options import options_of
from aytada.jobs.runner import retry_failed, start_step
from aytada.jobs.steps import _caption_groups
from aytada.providers import ffmpeg
from tests.conftest import IN_CI, wait_for
from tests.factories import make_campaign, make_project
from tests.jobs.helpers import assert_voice_heard, caption_pixels
from tests.jobs.test_creative_pipeline import _campaign_with_photo

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
pytestmark = pytest.mark.slow


def _status(ws: int, pid: int) -> str:
    return projects.get_project(ws, pid).status


def _run(ws: int, pid: int, step: str, until: str, timeout: float = 240, **kw) -> None:
    start_step(ws, pid, step, **kw)
    wait_for(lambda: _status(ws, pid) in (until, "failed"), timeout=timeout, what=until)
    project = projects.get_project(ws, pid)
    assert project.status == until, project.error


def _gens(pid: int, step: str | None = None) -> list[Generation]:
    with session_scope() as s:
        q = select(Generation).where(Generation.project_id == pid).order_by(Generation.id)
        if step:
            q = q.where(Generation.step == step)
        return list(s.scalars(q))


def _to_scenes(ws: int, pid: int) -> None:
    _run(ws, pid, "ideas", "ideas_ready")
    projects.choose_idea(ws, pid, 0)
    _run(ws, pid, "script", "script_ready")
    _run(ws, pid, "scenes", "scenes_ready")


@pytest.mark.media
def test_a_15_second_9_16_ad_ends_as_a_real_mp4(workspace_id, start_worker, tmp_path):
    if shutil.which("espeak-ng") is None:
        if IN_CI:
            pytest.fail("espeak-ng is required in CI (scripts/system-packages.sh installs it)")
        pytest.skip("espeak-ng is not installed")
    start_worker(**FAULTS)
    start_worker(**FAULTS)
    # with a product photo: the stills show the product, the captions the words (a scene
    # without one sets its line large itself and is not captioned again)
    cid = _campaign_with_photo(workspace_id)
    pid = make_project(workspace_id, cid, length_s=15, fmt="9:16", quality="pro")
    _to_scenes(workspace_id, pid)
    project = projects.get_project(workspace_id, pid)
    assert abs(sum(sc["duration"] for sc in project.scenes) - 15) < 1e-6
    teams.add_user(workspace_id, "ann@acme.com", "owner")
    ann = teams.access_for("ann@acme.com")
    assert ann is not None
    start_step(workspace_id, pid, "clip", user_id=ann.user_id)  # Ann clicks Render
    assert len(_gens(pid, "clip")) == len(project.scenes)  # one job per scene
    wait_for(
        lambda: _status(workspace_id, pid) in ("completed", "failed"), timeout=300, what="completed"
    )
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    asset = projects.get_asset(workspace_id, project.output_asset_id)
    video = media.resolve(asset.path)
    info = ffmpeg.probe(video)
    assert info["video_codec"] == "h264" and info["audio_codec"] == "aac"
    assert (info["width"], info["height"]) == (1080, 1920)
    assert abs(info["duration"] - 15) <= 0.5
    voice = media.resolve(projects.get_asset(workspace_id, project.voiceover_asset_id).path)
    assert_voice_heard(video, voice)  # the voice is there, not only the music
    # caption pixels: while the first caption group is said, it shows in the lower third, over
    # the first clip (which has none: the stitch lays the word-timed captions over the clips)
    # (a group whose words the scene's still sets large itself is not burned: the first
    # burned group, whichever scene it is in)
    segments = sorted((a for a in projects.assets_of(workspace_id, pid) if a.role == "segment"),
                      key=lambda a: a.meta["scene"])  # fmt: skip
    shown = [a.meta.get("still_words", "") for a in segments]
    snap = {"timeline": asset.meta["timeline"], "scenes": project.scenes, "still_words": shown}
    burned = _caption_groups(snap)
    assert burned and len(burned) <= len(caption_groups(asset.meta["timeline"]))
    first = burned[0]
    starts = [sum(sc["duration"] for sc in project.scenes[:k]) for k in range(len(project.scenes))]
    scene = max(k for k, t in enumerate(starts) if t <= first.start)
    end = starts[scene] + project.scenes[scene]["duration"]
    at = min((first.start + first.end) / 2, end - 0.2)
    frame = ffmpeg.extract_frame(video, at, tmp_path / "f.png")
    assert _lower_third_differs(frame)
    clip = next(media.resolve(a.path) for a in projects.assets_of(workspace_id, pid)
                if a.role == "segment" and a.meta["scene"] == scene)  # fmt: skip
    assert caption_pixels(video, at, clip, at - starts[scene], tmp_path, (0, 0, 0))[0] > 2000
    # every step recorded, succeeded and charged once
    steps = [(g.step, g.state) for g in _gens(pid)]
    assert steps.count(("clip", "succeeded")) == len(project.scenes)
    assert ("voiceover", "succeeded") in steps and ("stitch", "succeeded") in steps
    expected = 0 + 2 + 0 + 40 * len(project.scenes) + 5 + 5
    assert workspaces.get_balance(workspace_id) == 1000 - expected
    # who did it: the render's clips and the voiceover and stitching they chained are Ann's,
    # and so are their charges; the steps started without a user (the CLI) name nobody
    render = [g for g in _gens(pid) if g.step in ("clip", "voiceover", "stitch")]
    assert {g.user_id for g in render} == {ann.user_id}
    assert {g.user_id for g in _gens(pid) if g.step not in ("clip", "voiceover", "stitch")} == {
        None}  # fmt: skip
    with session_scope() as s:
        rows = s.execute(select(CreditLedgerEntry.generation_id, CreditLedgerEntry.user_id))
        by = dict(rows.all())
    assert {by[g.id] for g in render} == {ann.user_id}


def _lower_third_differs(frame_png) -> bool:
    """The caption box's white glyphs are in the lower third of the frame."""
    img = Image.open(frame_png).convert("L")
    w, h = img.size
    lower = img.crop((0, int(h * 0.62), w, int(h * 0.95)))
    # a caption box with white glyphs: many near-white pixels and many dark pixels together
    hist = lower.histogram()
    white = sum(hist[235:])
    return white > 0.002 * lower.width * lower.height


def test_campaign_edits_change_the_next_prompt(workspace_id, start_worker):
    start_worker(**FAULTS)
    cid = make_campaign(workspace_id)
    pid = make_project(workspace_id, cid)
    _run(workspace_id, pid, "ideas", "ideas_ready")
    campaigns.update_campaign(workspace_id, cid, {"audience": "Retired hikers who fear falls."})
    _run(workspace_id, pid, "ideas", "ideas_ready")
    first, second = _gens(pid, "ideas")
    assert first.input_snapshot["brief"]["audience"].startswith("Weekend runners")
    assert second.input_snapshot["brief"]["audience"] == "Retired hikers who fear falls."
    assert first.output != second.output
    assert second.credits_charged == 2  # a re-roll costs 2, the first run was free
    assert first.credits_charged == 0


def test_a_failing_scene_fails_the_render_and_retry_renders_only_that_scene(
    workspace_id, start_worker
):
    start_worker(**FAULTS)
    start_worker(**FAULTS)
    pid = make_project(workspace_id, length_s=15, fmt="1:1", quality="standard")
    _to_scenes(workspace_id, pid)
    n = len(projects.get_project(workspace_id, pid).scenes)
    start_step(workspace_id, pid, "clip", params={"fault": "raise-scene:1"})
    wait_for(lambda: _status(workspace_id, pid) == "failed", timeout=240, what="failed")
    # let the siblings finish: they store and charge their output but move no status
    wait_for(
        lambda: all(g.state in ("succeeded", "failed") for g in _gens(pid, "clip")),
        timeout=240,
        what="sibling clips",
    )
    project = projects.get_project(workspace_id, pid)
    assert project.failed_step == "clip" and "scene 2" in project.error
    assert project.status == "failed"
    assert sorted(int(k) for k in project.segments) == [i for i in range(n) if i != 1]
    balance_after_fail = workspaces.get_balance(workspace_id)
    assert balance_after_fail == 1000 - 2 - 15 * (n - 1)

    retry_failed(workspace_id, pid)
    clips = _gens(pid, "clip")
    assert [g.scene_index for g in clips[n:]] == [1]  # only the failed scene again
    wait_for(
        lambda: _status(workspace_id, pid) in ("completed", "failed"), timeout=240, what="completed"
    )
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    assert workspaces.get_balance(workspace_id) == balance_after_fail - 15 - 5 - 5
    info = ffmpeg.probe(
        media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    )
    assert (info["width"], info["height"]) == (720, 720)
    with session_scope() as s:
        stills = s.scalars(
            select(Asset).where(Asset.project_id == pid, Asset.role == "scene_still")
        ).all()
    assert len(stills) == n


def test_banner_and_jingle_run_through_the_same_runner(workspace_id, start_worker):
    from PIL import Image as PILImage

    start_worker(**FAULTS)
    banner = make_project(workspace_id, kind="banner", fmt="728x90", title="Strip")
    start_step(workspace_id, banner, "design")
    wait_for(lambda: _status(workspace_id, banner) in ("completed", "failed"), what="banner")
    project = projects.get_project(workspace_id, banner)
    assert project.status == "completed", project.error
    assert [g.step for g in _gens(banner)] == ["design", "compose"]
    png = media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    assert PILImage.open(png).size == (728, 90)
    copy = options_of(project).outputs.copy
    assert copy is not None and copy.headline

    jingle = make_project(workspace_id, kind="jingle", length_s=15, title="Tune")
    start_step(workspace_id, jingle, "jingle")
    wait_for(lambda: _status(workspace_id, jingle) in ("completed", "failed"), what="jingle")
    project = projects.get_project(workspace_id, jingle)
    assert project.status == "completed", project.error
    audio = media.resolve(projects.get_asset(workspace_id, project.output_asset_id).path)
    assert abs(ffmpeg.probe(audio)["duration"] - 15) < 0.5
    assert options_of(project).outputs.lyrics
    assert workspaces.get_balance(workspace_id) == 1000 - 10 - 10
