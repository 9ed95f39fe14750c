"""Races at the render's fan-in: clips of one project finishing at the same moment in real
workers (a barrier holds each finished clip until all of them are done, then releases them
together), a one-scene re-render joining clips that are finishing, and charges racing a balance
that cannot pay for all of them. Runs on SQLite by default and on PostgreSQL with
TEST_DATABASE_URL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

import tests.jobs.fault_steps  # noqa: F401  (the same wrappers on the enqueue side)
from aytada.core import media, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.models import Asset, Generation, Project
from aytada.jobs.runner import start_step
from tests.conftest import wait_for
from tests.factories import SCENES, drop_holds, make_project
from tests.jobs.fault_steps import arrivals, open_gate
from tests.jobs.helpers import charges as _charges
from tests.jobs.helpers import gens as _gens
from tests.jobs.helpers import ledger_consistent, spend_all_but
from tests.jobs.helpers import status as _status

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
CLIP = 15  # a standard-quality clip; voiceover and stitching cost 5 each
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("small_renders")]


def _render_project(ws: int) -> int:
    return make_project(
        ws,
        status="scenes_ready",
        scenes=SCENES,
        segments={},
        quality="standard",
        fmt="1:1",
        length_s=15,
    )


def _settled(ws: int, pid: int) -> bool:
    """No generation of the project is open (a follow-up is created in the same transaction
    that closes its predecessor, so this is the end of the chain, wherever it stopped)."""
    rows = _gens(pid)
    return bool(rows) and all(g.state in ("succeeded", "failed") for g in rows)


def _steps(pid: int) -> list[tuple[str, int, str]]:
    return [(g.step, g.scene_index, g.state) for g in _gens(pid)]


def _rendered_once(ws: int, project: Project, clips: list[Generation]) -> None:
    """Every clip's segment is linked (no lost update of the segments map), and three clips, one
    voiceover and one stitching are charged once, the ledger consistent."""
    with session_scope() as s:
        linked = {k: s.get(Asset, v).generation_id for k, v in project.segments.items()}
    assert linked == {str(g.scene_index): g.id for g in clips}
    assert _charges() == 5
    assert workspaces.get_balance(ws) == 1000 - 3 * CLIP - 5 - 5
    ledger_consistent(ws)


def _clean_logs(workers, failures: int = 0) -> None:  # type: ignore[no-untyped-def]
    """No database error in any worker, no losing status move, only the planned failures."""
    out = "\n".join(w.output() for w in workers)
    assert "IntegrityError" not in out and "status left as it is" not in out, out[-4000:]
    assert out.count("Traceback") == failures, out[-4000:]


def test_clips_finishing_at_the_same_moment_move_the_project_on_exactly_once(
    workspace_id, start_worker
):
    workers = [start_worker(**FAULTS) for _ in range(3)]
    pid = _render_project(workspace_id)
    start_step(workspace_id, pid, "clip", params={"fault": "barrier:fan-in:3"})
    wait_for(lambda: _settled(workspace_id, pid), timeout=300, what="render settled")
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    # the three clips ran in three work-horses and were all held until the last was done
    clips = [g for g in _gens(pid) if g.step == "clip"]
    assert len(arrivals("fan-in")) == 3 and len({g.worker_pid for g in clips}) == 3
    # one move out of generating_video: one voiceover generation, one stitching, nothing else
    assert sorted(_steps(pid)) == sorted(
        [("clip", i, "succeeded") for i in range(3)]
        + [("voiceover", -1, "succeeded"), ("stitch", -1, "succeeded")]
    )
    _rendered_once(workspace_id, project, clips)
    _clean_logs(workers)


def test_a_one_scene_re_render_started_while_the_other_clips_finish_ends_consistently(
    workspace_id, start_worker
):
    workers = [start_worker(**FAULTS) for _ in range(3)]
    pid = _render_project(workspace_id)
    # scene 2's clip fails; scenes 1 and 3 render and wait at the barrier, unstored
    start_step(workspace_id, pid, "clip", params={"fault": "raise-scene:1+barrier:late:3"})
    wait_for(lambda: _status(workspace_id, pid) == "failed", timeout=120, what="failed")
    wait_for(lambda: len(arrivals("late")) == 2, timeout=240, what="siblings at the barrier")
    assert "scene 2" in projects.get_project(workspace_id, pid).error
    # the user re-renders scene 2 now; its clip joins the two that are finishing
    started = start_step(workspace_id, pid, "clip", scenes=[1], params={"fault": "barrier:late:3"})
    assert len(started.generation_ids) == 1
    assert started.credits == CLIP + 5 + 5
    wait_for(lambda: _settled(workspace_id, pid), timeout=300, what="render settled")
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    assert (project.failed_step, project.error) == (None, None)
    assert _steps(pid)[:4] == [
        ("clip", 0, "succeeded"),
        ("clip", 1, "failed"),
        ("clip", 2, "succeeded"),
        ("clip", 1, "succeeded"),
    ]
    assert sorted(_steps(pid)[4:]) == [("stitch", -1, "succeeded"), ("voiceover", -1, "succeeded")]
    clips = [g for g in _gens(pid) if g.step == "clip" and g.state == "succeeded"]
    _rendered_once(workspace_id, project, clips)  # the failed clip is free
    _clean_logs(workers, failures=1)  # scene 2's first clip


def test_clips_charging_together_against_a_drained_balance_take_only_what_is_there(
    workspace_id, start_worker
):
    workers = [start_worker(**FAULTS) for _ in range(3)]
    pid = _render_project(workspace_id)
    start_step(workspace_id, pid, "clip", params={"fault": "gate:pay"})
    wait_for(lambda: len(arrivals("pay")) == 3, timeout=240, what="three clips at the gate")
    drop_holds(pid)  # queued before credits were held (held clips cannot be drained: test_holds)
    spend_all_but(workspace_id, CLIP * 2 - 1)  # enough for one clip, not two
    open_gate("pay")
    wait_for(lambda: _settled(workspace_id, pid), timeout=120, what="render settled")
    project = projects.get_project(workspace_id, pid)
    assert project.status == "failed" and project.failed_step == "clip"
    assert f"Not enough credits: this needs {CLIP}, the balance is {CLIP - 1}." in project.error
    clips = [g for g in _gens(pid) if g.step == "clip"]
    paid = [g for g in clips if g.state == "succeeded"]
    assert len(paid) == 1 and paid[0].credits_charged == CLIP
    assert all(
        g.credits_charged == 0 and "Not enough credits" in g.error for g in clips if g not in paid
    )
    assert [g.step for g in _gens(pid)].count("voiceover") == 0
    assert workspaces.get_balance(workspace_id) == CLIP - 1
    ledger_consistent(workspace_id)
    # only the paid clip is linked and has files; the unpaid ones left nothing behind
    assert project.segments == {
        str(paid[0].scene_index): project.segments[str(paid[0].scene_index)]
    }
    with session_scope() as s:
        assets = s.scalars(select(Asset).where(Asset.project_id == pid)).all()
        assert {a.generation_id for a in assets} == {paid[0].id}
        assert s.get(Project, pid).deleted_at is None
    for g in clips:
        if g not in paid:
            assert not (media.media_root() / f"ws{workspace_id}" / f"p{pid}" / g.key).exists()
    for w in workers:
        assert "IntegrityError" not in w.output()
