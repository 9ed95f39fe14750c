"""The pipeline table agrees with the status rules: every edge is legal, nothing can get stuck."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aytada.core import pipeline, statuses
from aytada.core.formats import KINDS
from aytada.core.pipeline import PIPELINE, STEPS, next_step, steps_for, wizard_steps
from aytada.core.settings import DEFAULT_PRICES
from aytada.core.statuses import ACTIVE, Status


def _project(**kw: object) -> SimpleNamespace:
    base = dict(
        kind="video", status="draft", quality="pro", ideas=[], chosen_idea=None, script=None,
        scenes=[], scenes_stale=False, segments={}, voiceover_asset_id=None, options={},
        failed_step=None, length_s=15,
    )  # fmt: skip
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("step", PIPELINE, ids=lambda s: s.name)
def test_every_edge_of_a_step_is_a_legal_transition(step: pipeline.Step) -> None:
    # entering the step: from some status that is not active (a button) or from the step that
    # precedes it automatically
    sources = statuses.sources_for(step.active)
    assert sources, f"nothing may enter {step.active}"
    if step.user_started:
        assert sources - ACTIVE, f"{step.name} cannot be started by a user"
    # leaving it: success, and failure
    done = step.done or STEPS[step.then].active  # a fan-in ends in the next step's status
    assert statuses.can_transition(step.active, done), f"{step.active} → {done}"
    assert statuses.can_transition(step.active, Status.FAILED), f"{step.active} → failed"
    # the failed step can be retried
    assert statuses.can_transition(Status.FAILED, step.active)
    if step.then:
        follower = STEPS[step.then]
        assert not follower.user_started
        assert done is follower.active, f"{step.name} must end where {step.then} runs"
        assert step.kinds <= follower.kinds


def test_every_active_status_belongs_to_a_step_and_has_a_way_out() -> None:
    running = {step.active for step in PIPELINE}
    assert running == set(ACTIVE)
    for status in ACTIVE:
        assert Status.FAILED in statuses.TRANSITIONS[status]
        assert statuses.TRANSITIONS[status] - ACTIVE or any(
            s in ACTIVE for s in statuses.TRANSITIONS[status]
        )


def test_every_kind_reaches_completed() -> None:
    for kind in KINDS:
        steps = steps_for(kind)
        assert steps, kind
        last = steps[-1]
        assert last.done is Status.COMPLETED, f"{kind} never completes"
        # walk the chain from the first user step to completion
        status = Status.DRAFT
        project = _project(kind=kind, status=status.value)
        seen = 0
        while status is not Status.COMPLETED:
            name = next_step(project)
            assert name is not None, f"{kind} is stuck at {status}"
            step = STEPS[name]
            assert statuses.can_transition(status, step.active)
            while True:
                status = step.done or STEPS[step.then].active
                if step.then and status is STEPS[step.then].active:
                    step = STEPS[step.then]
                    continue
                break
            project = _project(kind=kind, status=status.value)
            seen += 1
            assert seen < 10


def test_prices_name_settings_keys_and_progress_rises() -> None:
    for step in PIPELINE:
        rule = step.price
        keys = {rule.first, rule.again} - {None}
        if rule.by_quality:
            keys |= {"clip_standard", "clip_pro"}
        if rule.by_kind:
            keys |= set(step.kinds)
        assert keys <= set(DEFAULT_PRICES), step.name
    for kind in KINDS:
        shares = [s.progress for s in steps_for(kind)]
        assert shares == sorted(shares) and all(0 < p < 1 for p in shares)
        for step in steps_for(kind):
            assert statuses.progress(step.active) == pytest.approx(step.progress)


def test_next_step_follows_the_wizard() -> None:
    assert [s.name for s in wizard_steps("video")] == ["ideas", "script", "scenes", "clip"]
    assert next_step(_project(status="draft")) == "ideas"
    assert next_step(_project(status="ideas_ready")) == "script"
    assert next_step(_project(status="script_ready")) == "scenes"
    assert next_step(_project(status="scenes_ready")) == "clip"
    assert next_step(_project(status="completed")) is None
    assert next_step(_project(status="failed", failed_step="voiceover")) == "voiceover"
    assert next_step(_project(kind="banner", status="draft")) == "design"
    assert next_step(_project(kind="jingle", status="draft")) == "jingle"


def test_requirements_say_what_to_do() -> None:
    assert pipeline.unmet_requirement(_project(), "script") == "Pick an idea first."
    assert pipeline.unmet_requirement(_project(kind="banner"), "ideas") == (
        "A banner project has no ideas step."
    )
    ready = _project(scenes=[{}, {}], segments={"0": 1})
    assert pipeline.unmet_requirement(ready, "clip") is None
    assert "render them first" in pipeline.unmet_requirement(ready, "voiceover")
    assert pipeline.missing_scenes(ready) == [1]
    assert STEPS["clip"].target_after(ready) is None
    done = _project(scenes=[{}, {}], segments={"0": 1, "1": 2})
    assert STEPS["clip"].target_after(done) is Status.GENERATING_VOICEOVER


def test_the_render_cost_caption_is_built_from_the_table() -> None:
    from aytada.core.credits import chain_text

    costs = {"clip": 40, "voiceover": 5, "stitch": 5, "design": 10, "compose": 0}
    assert chain_text(costs, "clip", 6) == (
        "6 scene clips × 40 + voiceover 5 + stitching 5 credits")  # fmt: skip
    assert chain_text(costs, "clip", 1).startswith("1 scene clip × 40 + ")
    assert chain_text(costs, "design") == "copy & image 10 + typography 0 credits"
