"""Enqueue side: DB row first, compare-and-set, not twice at once, Redis down."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from aytada.core import projects
from aytada.core.db import session_scope
from aytada.core.errors import Conflict, NotFound, QueueUnavailable
from aytada.core.models import Generation
from aytada.core.settings import reset_settings
from aytada.jobs import runner
from aytada.jobs.queue import get_queue
from tests.factories import make_project


def _gens(pid: int) -> list[Generation]:
    with session_scope() as s:
        return list(s.scalars(select(Generation).where(Generation.project_id == pid)))


def test_enqueue_writes_the_row_then_one_job_with_a_uuid_id(workspace_id):
    pid = make_project(workspace_id)
    started = runner.start_step(workspace_id, pid, "ideas")
    (gen,) = _gens(pid)
    assert gen.state == "queued" and gen.id == started.generation_ids[0]
    assert gen.rq_job_id == f"gen-{gen.key}" and len(gen.key) == 32
    assert get_queue().fetch_job(gen.rq_job_id) is not None
    assert gen.input_snapshot["brief"]["audience"].startswith("Weekend runners")
    assert projects.get_project(workspace_id, pid).status == "generating_ideas"


def test_a_step_cannot_be_enqueued_twice(workspace_id):
    pid = make_project(workspace_id)
    runner.start_step(workspace_id, pid, "ideas")
    with pytest.raises(Conflict, match="busy"):
        runner.start_step(workspace_id, pid, "ideas")
    assert len(_gens(pid)) == 1


def test_the_database_refuses_two_open_generations_of_one_step(workspace_id):
    pid = make_project(workspace_id)
    with pytest.raises(IntegrityError):
        with session_scope() as s:
            s.add(Generation(project_id=pid, step="ideas", state="queued", rq_job_id="a"))
            s.add(Generation(project_id=pid, step="ideas", state="running", rq_job_id="b"))
    with session_scope() as s:  # a closed one does not block a new one
        s.add(Generation(project_id=pid, step="ideas", state="failed", rq_job_id="c"))
        s.add(Generation(project_id=pid, step="ideas", state="queued", rq_job_id="d"))


def test_redis_unreachable_gives_a_clear_error_and_changes_nothing(workspace_id, monkeypatch):
    pid = make_project(workspace_id)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    reset_settings()
    with pytest.raises(QueueUnavailable, match="not reachable"):
        runner.start_step(workspace_id, pid, "ideas")
    assert projects.get_project(workspace_id, pid).status == "draft"
    assert _gens(pid) == []


def test_redis_failing_after_the_row_is_written_undoes_it(workspace_id, monkeypatch):
    pid = make_project(workspace_id)

    def refuse(*args, **kwargs):
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(runner, "_enqueue", refuse)
    with pytest.raises(QueueUnavailable):
        runner.start_step(workspace_id, pid, "ideas")
    assert projects.get_project(workspace_id, pid).status == "draft"
    assert [g for g in _gens(pid) if g.state == "queued"] == []


def test_wrong_state_and_foreign_ids_are_refused(workspace_id):
    pid = make_project(workspace_id, status="draft")
    with pytest.raises(Conflict, match="Pick an idea"):
        runner.start_step(workspace_id, pid, "script")
    with pytest.raises(NotFound):
        runner.start_step(workspace_id + 999, pid, "ideas")
    with pytest.raises(NotFound):
        runner.start_step(workspace_id, "abc", "ideas")
    projects.soft_delete(workspace_id, pid)
    with pytest.raises(NotFound):
        runner.start_step(workspace_id, pid, "ideas")


def test_not_enough_credits_enqueues_nothing(workspace_id):
    from aytada.core.credits import NotEnoughCredits

    pid = make_project(
        workspace_id,
        status="scenes_ready",
        scenes=[
            {"index": i, "visual": "v", "caption": "c", "voiceover": "v", "duration": 1.0}
            for i in range(30)
        ],
    )
    with pytest.raises(NotEnoughCredits, match="Not enough credits"):
        runner.start_step(workspace_id, pid, "clip")  # 30 × 40 + 10 > 1000
    assert _gens(pid) == []
    assert projects.get_project(workspace_id, pid).status == "scenes_ready"


def test_render_queues_the_longest_clips_first(workspace_id):
    durations = [2.0, 4.5, 3.0, 4.5, 1.5]
    pid = make_project(workspace_id, status="scenes_ready",
                       scenes=[{"index": i, "visual": "v", "caption": "c", "voiceover": "v",
                                "duration": d} for i, d in enumerate(durations)])  # fmt: skip
    runner.start_step(workspace_id, pid, "clip")
    scene_of = {g.rq_job_id: g.scene_index for g in _gens(pid)}
    queued = [scene_of[j] for j in get_queue().job_ids if j in scene_of]
    assert queued == [1, 3, 2, 0, 4]  # 4.5 s (scene order on a tie), 3, 2, 1.5
    assert sorted(g.id for g in _gens(pid)) == [g.id for g in sorted(_gens(pid),
                                                key=lambda g: g.scene_index)]  # fmt: skip
