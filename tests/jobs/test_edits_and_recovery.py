"""Edits between steps and the recovery paths of a failed project."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from aytada.core import projects
from aytada.core.db import session_scope
from aytada.core.errors import QueueUnavailable
from aytada.core.models import Generation, Project
from aytada.jobs import runner, steps
from aytada.jobs.queue import safe_url
from tests.factories import make_project

pytestmark = pytest.mark.usefixtures("small_renders")  # orchestration: half-size frames

SCENES = [
    {"index": i, "visual": f"v{i}", "caption": f"c{i}", "voiceover": f"l{i}", "duration": 5.0}
    for i in range(3)
]


def test_editing_a_scene_of_a_failed_project_returns_it_to_render(workspace_id):
    pid = make_project(
        workspace_id,
        status="failed",
        scenes=SCENES,
        failed_step="stitch",
        error="Stitching failed: x",
        segments={"0": 1, "1": 2, "2": 3},
        voiceover_asset_id=4,
    )
    projects.save_scene(workspace_id, pid, 1, {"caption": "New caption"})
    project = projects.get_project(workspace_id, pid)
    assert project.status == "scenes_ready"
    assert project.failed_step is None and project.error is None
    assert project.segments == {"0": 1, "2": 3}  # scene 2 needs a new clip
    with pytest.raises(runner.Conflict, match="no clip"):
        runner.start_step(workspace_id, pid, "stitch")


def test_a_late_clip_for_a_changed_scene_is_not_linked(workspace_id):
    pid = make_project(workspace_id, status="failed", scenes=SCENES, segments={})
    with session_scope() as s:
        project = s.get(Project, pid)
        old_scene = dict(SCENES[1], caption="Old caption")
        gen = Generation(
            project_id=pid,
            step="clip",
            scene_index=1,
            state="running",
            rq_job_id="x",
            input_snapshot={"scene": old_scene},
        )
        s.add(gen)
        s.flush()
        result = runner.StepResult({"still": "a.png"})
        steps.clip_apply(s, project, gen, result, {"segment": [99]})
        assert project.segments == {}
        gen.input_snapshot = {"scene": SCENES[1]}
        steps.clip_apply(s, project, gen, result, {"segment": [99]})
        assert project.segments == {"1": 99}


def test_a_retry_that_cannot_reach_redis_keeps_the_failure_to_retry(workspace_id, monkeypatch):
    pid = make_project(
        workspace_id, status="failed", failed_step="ideas", error="Ideas failed: boom"
    )

    def refuse(*args, **kwargs):
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(runner, "_enqueue", refuse)
    with pytest.raises(QueueUnavailable):
        runner.retry_failed(workspace_id, pid)
    project = projects.get_project(workspace_id, pid)
    assert (project.status, project.failed_step, project.error) == (
        "failed",
        "ideas",
        "Ideas failed: boom",
    )


def test_redis_passwords_never_reach_messages():
    assert safe_url("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert safe_url("unix:///data/redis.sock") == "unix:///data/redis.sock"
