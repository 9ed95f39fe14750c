"""A render whose lines cannot be said within the ad, even sped up, is refused at the click:
before, its clips were made and charged and the voiceover failed after them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aytada.core import pipeline, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.errors import Conflict
from aytada.core.models import Generation
from aytada.jobs.runner import start_step
from tests.factories import SCENES, make_project, open_holds

SCRIPT = {"hook": "h", "body": "b", "call_to_action": "c", "voiceover": "v"}


def _scenes(first_line: str) -> list[dict]:
    return [{**SCENES[0], "voiceover": first_line}, *SCENES[1:]]


def test_lines_that_cannot_fit_refuse_the_render_and_nothing_is_held_or_charged(
    workspace_id: int,
) -> None:
    ws = workspace_id
    rambling = " ".join(["Our serum brightens dull skin"] * 12)  # ~60 words: ~24 s of 15
    pid = make_project(ws, status="scenes_ready", length_s=15, script=SCRIPT,
                       scenes=_scenes(rambling))  # fmt: skip
    before = workspaces.get_balance(ws)
    with pytest.raises(Conflict, match=r"take about 2\d s to say and the ad is 15 s") as refused:
        start_step(ws, pid, "clip", expected_status="scenes_ready")
    assert "nothing was charged" in str(refused.value)
    project = projects.get_project(ws, pid)
    assert project.status == "scenes_ready" and project.error in (None, "")
    assert workspaces.get_balance(ws) == before and open_holds() == []
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Generation)) == 0


def test_a_line_within_reach_of_the_speed_up_does_not_stop_the_render(workspace_id: int) -> None:
    ws = workspace_id
    # ~19 s of lines for a 15 s ad: sped up (1.15×) and a little into the pauses, it is said
    snug = "Our serum brightens dull skin in fourteen days, one drop each morning, no routine."
    pid = make_project(ws, status="scenes_ready", length_s=15, script=SCRIPT,
                       scenes=[{**sc, "voiceover": snug} for sc in SCENES])  # fmt: skip
    project = projects.get_project(ws, pid)
    assert pipeline.voice_overrun(project) is None
    assert pipeline.unmet_requirement(project, "clip") is None
