"""Media on an S3-compatible store (moto in server mode, a real S3 endpoint on 127.0.0.1): two
real workers, each with a local cache folder of its own, render one video together; the final
MP4 is in the bucket, whole and playable; the Studio plays it from the store; a page never
serves a key of another workspace; a step that lost its generation leaves no file behind."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image
from rq.job import Job
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import tests.jobs.fault_steps  # noqa: F401
from aytada.core import campaigns, projects
from aytada.core.db import session_scope
from aytada.core.formats import frame_size
from aytada.core.models import Asset, Generation, Project
from aytada.core.settings import get_settings
from aytada.jobs.queue import redis_conn
from aytada.jobs.runner import fail_generation, start_step
from aytada.providers import ffmpeg
from aytada.ui.widgets import STUDIO
from tests.conftest import IN_CI, wait_for
from tests.factories import CAMPAIGN, make_project
from tests.jobs.fault_steps import arrivals, open_gate
from tests.s3server import S3Bucket, s3, s3_server  # noqa: F401
from tests.ui.helpers import SCENES, SCRIPT

HOME = Path(__file__).resolve().parents[2] / "Home.py"
FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("small_renders")]


def _status(ws: int, pid: int) -> str:
    return projects.get_project(ws, pid).status


def _run(ws: int, pid: int, step: str, until: str) -> None:
    start_step(ws, pid, step)
    wait_for(lambda: _status(ws, pid) in (until, "failed"), timeout=240, what=until)
    project = projects.get_project(ws, pid)
    assert project.status == until, project.error


def _gens(pid: int, step: str) -> list[Generation]:
    with session_scope() as s:
        query = select(Generation).where(Generation.project_id == pid, Generation.step == step)
        return list(s.scalars(query.order_by(Generation.id)))


def _photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 400), (200, 40, 40)).save(buf, format="PNG")
    return buf.getvalue()


def _studio(pid: int) -> AppTest:
    at = AppTest.from_file(str(HOME), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(STUDIO)
    at.query_params["project"] = str(pid)
    at.run()
    assert not at.exception, at.exception
    return at


def test_two_workers_with_their_own_caches_render_one_video_into_the_bucket(
    s3: S3Bucket,  # noqa: F811
    workspace_id: int,
    start_worker,
    tmp_path: Path,
):
    if shutil.which("espeak-ng") is None:
        if IN_CI:
            pytest.fail("espeak-ng is required in CI (scripts/system-packages.sh installs it)")
        pytest.skip("espeak-ng is not installed")
    ws = workspace_id
    cid = campaigns.create_campaign(ws, CAMPAIGN, product_photo=("bottle.png", "image/png",
                                                                 _photo()))  # fmt: skip
    photo_key = campaigns.get_campaign(ws, cid).product_photo_path
    assert s3.keys(f"ws{ws}/campaign{cid}/") == [photo_key]  # the upload went to the bucket
    caches = [tmp_path / "machine-a-cache", tmp_path / "machine-b-cache"]
    for cache in caches:
        start_worker(MEDIA_DIR=str(cache))
    pid = make_project(ws, cid, length_s=15, fmt="9:16", quality="standard")
    _run(ws, pid, "ideas", "ideas_ready")
    projects.choose_idea(ws, pid, 0)
    _run(ws, pid, "script", "script_ready")
    _run(ws, pid, "scenes", "scenes_ready")
    _run(ws, pid, "clip", "completed")

    project = projects.get_project(ws, pid)
    final = projects.get_asset(ws, project.output_asset_id)
    # every file the project recorded is in the bucket, under the workspace's prefix
    stored = set(s3.keys(f"ws{ws}/p{pid}/"))
    recorded = {a.path for a in projects.assets_of(ws, pid)}
    assert recorded <= stored and final.path in stored
    assert all(key.startswith(f"ws{ws}/") for key in s3.keys())
    # the final MP4 is whole and playable: downloaded from the bucket, probed
    video = tmp_path / "downloaded.mp4"
    video.write_bytes(s3.read(final.path))
    assert video.stat().st_size == final.size_bytes > 0
    info = ffmpeg.probe(video)
    assert info["video_codec"] == "h264" and info["audio_codec"] == "aac"
    assert (info["width"], info["height"]) == frame_size("video", "9:16", "standard", 0.5)
    assert abs(info["duration"] - 15) <= 0.5
    # both machines rendered clips (a still stays in the cache of the worker that drew it),
    # each fetched the campaign's photo from the bucket, and the one that stitched fetched
    # the other machine's segments from the bucket
    clips = _gens(pid, "clip")
    made_by = {
        g.scene_index: [c for c in caches
                        if (c / f"ws{ws}/p{pid}/{g.key}/scene{g.scene_index + 1}.png").is_file()]
        for g in clips
    }  # fmt: skip
    assert all(len(where) == 1 for where in made_by.values()), made_by
    assert {where[0] for where in made_by.values()} == set(caches), "one machine did every clip"
    for cache in caches:
        assert (cache / photo_key).read_bytes() == _photo()
    stitcher = [c for c in caches if (c / final.path).is_file()]
    assert len(stitcher) == 1
    segments = [projects.get_asset(ws, project.segments[str(g.scene_index)]).path for g in clips]
    assert all((stitcher[0] / key).is_file() for key in segments)

    # the Studio (this process: a third machine with an empty cache) plays it from the store
    ui_cache = get_settings().media_dir
    assert not (ui_cache / final.path).exists()
    at = _studio(pid)
    assert len(at.get("video")) == 1
    assert "Download MP4" in [d.label for d in at.download_button]
    assert (ui_cache / final.path).read_bytes() == s3.read(final.path)

    # a row of this workspace naming another workspace's key: nothing is served or fetched
    other = f"ws{ws + 1}/p1/{'0' * 32}/final.mp4"
    s3.put(other, s3.read(final.path))
    pid2 = make_project(ws, cid, status="completed", length_s=15, title="Pointing elsewhere",
                        script=project.script, scenes=project.scenes, segments=project.segments,
                        chosen_idea=0, ideas=project.ideas)  # fmt: skip
    with session_scope() as s:
        row = Asset(workspace_id=ws, project_id=pid2, kind="video", role="final", path=other,
                    mime_type="video/mp4", size_bytes=final.size_bytes)  # fmt: skip
        s.add(row)
        s.flush()
        row_id = row.id
    with session_scope() as s:
        s.get(Project, pid2).output_asset_id = row_id
    at = _studio(pid2)
    assert not at.exception
    assert len(at.get("video")) == 0
    assert "Download MP4" not in [d.label for d in at.download_button]
    assert not (ui_cache / f"ws{ws + 1}").exists()


def test_a_step_whose_generation_was_failed_meanwhile_leaves_nothing_in_the_bucket(
    s3: S3Bucket,  # noqa: F811
    workspace_id: int,
    start_worker,
    tmp_path: Path,
):
    ws = workspace_id
    pid = make_project(ws, status="scenes_ready", quality="standard", script=SCRIPT,
                       scenes=SCENES, chosen_idea=0)  # fmt: skip
    # the same parent folder as the test's MEDIA_DIR: fault_steps keeps its gates there
    start_worker(**FAULTS, MEDIA_DIR=str(tmp_path / "machine-a-cache"))
    # every clip finishes its work, then waits at the gate before it uploads and records
    start_step(ws, pid, "clip", params={"fault": "gate:upload"})
    wait_for(lambda: len(arrivals("upload")) == 1, timeout=120, what="the first clip at the gate")
    first = next(g for g in _gens(pid, "clip") if g.state == "running")
    # as the reconciler does when it gives a worker up for dead
    assert fail_generation(first.id, "The worker stopped (test).")
    open_gate("upload")
    wait_for(lambda: all(g.state in ("succeeded", "failed") for g in _gens(pid, "clip"))
             and Job.fetch(f"gen-{first.key}", connection=redis_conn()).get_status()
             == "finished", timeout=240, what="every clip done")  # fmt: skip
    gens = {g.id: g for g in _gens(pid, "clip")}
    assert gens[first.id].state == "failed"
    assert s3.keys(f"ws{ws}/p{pid}/{first.key}/") == []  # uploaded, then removed again
    others = [g for g in gens.values() if g.id != first.id]
    assert others and all(g.state == "succeeded" for g in others)
    for g in others:  # the clips that won keep their files in the bucket
        assert f"ws{ws}/p{pid}/{g.key}/scene{g.scene_index + 1}.mp4" in s3.keys()
