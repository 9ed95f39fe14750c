""" "Draft strategy with AI" and A/B variants through real `aytada worker` processes: the draft
is a recorded, free generation of no project that recovery handles like any step; a variant
runs from different ideas and its snapshot carries its own strategy."""

from __future__ import annotations

from rq.job import Job
from sqlalchemy import select, update

from aytada.core import campaigns, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.errors import NotFound
from aytada.core.models import Generation
from aytada.core.statuses import GenState
from aytada.jobs.queue import redis_conn
from aytada.jobs.reconcile import reconcile_once
from aytada.jobs.runner import fail_generation, start_step, worker_died
from aytada.jobs.strategy import start_strategy_draft
from tests.conftest import wait_for
from tests.factories import make_campaign, make_project
from tests.jobs.helpers import gens, status

FORM = {  # what the new-campaign form holds: no pillars yet
    "name": "",
    "product_name": "Spoke & Chain tune-up",
    "product_description": "A full tune-up for commuter cyclists: gears, brakes and chain "
    "adjusted in one visit.",
    "business_type": "Local Business",
    "industry": "Fitness",
    "creative_style": "Storytelling",
    "awareness_stage": "most_aware",
}


def _draft_row(gen_id: int) -> Generation:
    with session_scope() as s:
        gen = s.get(Generation, gen_id)
        assert gen is not None
        return gen


def _done(ws: int, gen_id: int):  # type: ignore[no-untyped-def]
    draft = campaigns.get_strategy_draft(ws, gen_id)
    return draft if not draft.open else None


def test_a_campaign_draft_is_recorded_as_a_free_generation_and_appears(workspace_id, start_worker):
    start_worker()
    cid = make_campaign(workspace_id)
    balance = workspaces.get_balance(workspace_id)
    gen_id = start_strategy_draft(workspace_id, None, cid)
    draft = wait_for(lambda: _done(workspace_id, gen_id), what="the draft")
    assert draft.state == GenState.SUCCEEDED and draft.error is None
    assert set(draft.pillars) == {"audience", "messaging", "goals"}
    assert "Trailblazer shoes" in draft.pillars["messaging"]  # the campaign's own product
    row = _draft_row(gen_id)
    assert (row.project_id, row.workspace_id, row.campaign_id) == (None, workspace_id, cid)
    assert row.step == "strategy" and row.provider == "offline"
    assert row.input_snapshot["facts"]["product_name"] == "Trailblazer shoes"
    assert row.started_at is not None and row.finished_at is not None
    assert (row.credits, row.credits_charged) == (0, 0)
    assert workspaces.get_balance(workspace_id) == balance  # free
    # the campaign itself is unchanged until the draft is accepted
    assert campaigns.get_campaign(workspace_id, cid).audience.startswith("Weekend runners")


def test_a_form_draft_needs_the_product_and_writes_nothing_when_refused(workspace_id, start_worker):
    start_worker()
    try:
        start_strategy_draft(workspace_id, {**FORM, "product_description": "  "})
        raise AssertionError("a draft without a description was started")
    except campaigns.ValidationFailed as exc:
        assert set(exc.errors) == {"product_description"}
    with session_scope() as s:
        assert s.scalars(select(Generation)).all() == []
    gen_id = start_strategy_draft(workspace_id, FORM)
    draft = wait_for(lambda: _done(workspace_id, gen_id), what="the draft")
    assert draft.campaign_id is None
    assert draft.pillars["audience"].startswith("Commuter cyclists")
    # another workspace cannot read it
    from aytada.core.workspaces import create_workspace

    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    try:
        campaigns.get_strategy_draft(other, gen_id)
        raise AssertionError("a foreign workspace read the draft")
    except NotFound:
        pass


def test_recovery_handles_drafts_like_any_step(workspace_id, start_worker):
    """Queued with its RQ job gone → enqueued again by the reconciler; a dead worker → run
    again once; fail_generation closes a draft without a project to fail."""
    cid = make_campaign(workspace_id)
    lost = start_strategy_draft(workspace_id, None, cid)  # no worker yet: the job waits
    job_id = _draft_row(lost).rq_job_id
    Job.fetch(job_id, connection=redis_conn()).delete()  # Redis lost it
    acted = reconcile_once(queued_grace=0)
    assert (lost, "enqueued again: its job was gone from Redis") in acted
    start_worker()
    wait_for(lambda: _done(workspace_id, lost), what="the re-enqueued draft")
    assert _draft_row(lost).state == GenState.SUCCEEDED

    # its worker died while it ran (rows as a dead worker leaves them): queued again once
    dead = start_strategy_draft(workspace_id, None, cid)
    wait_for(lambda: _done(workspace_id, dead), what="the second draft")
    with session_scope() as s:
        s.execute(update(Generation).where(Generation.id == dead)
                  .values(state=GenState.RUNNING, output=None))  # fmt: skip
    assert worker_died(dead) == "requeued"
    assert _draft_row(dead).state == GenState.QUEUED and _draft_row(dead).attempts == 1
    with session_scope() as s:
        s.execute(update(Generation).where(Generation.id == dead)
                  .values(state=GenState.RUNNING))  # fmt: skip
    assert worker_died(dead) == "failed"  # the second death fails it, readable
    failed = campaigns.get_strategy_draft(workspace_id, dead)
    assert failed.state == GenState.FAILED and "stopped twice" in (failed.error or "")
    assert fail_generation(dead, "again") is False  # closed: idempotent


def test_a_variant_runs_from_different_ideas_with_its_own_strategy(workspace_id, start_worker):
    start_worker()
    cid = make_campaign(workspace_id)
    source = make_project(workspace_id, cid, title="A")
    start_step(workspace_id, source, "ideas")
    wait_for(lambda: status(workspace_id, source) == "ideas_ready", what="source ideas")
    # the same settings but the length: same brief, so only the seed round tells them apart
    longer = projects.make_variant(workspace_id, source, "length_s", 30)
    styled = projects.make_variant(workspace_id, source, "creative_style", "Cinematic")
    for pid in (longer, styled):
        start_step(workspace_id, pid, "ideas")
    for pid in (longer, styled):
        wait_for(lambda p=pid: status(workspace_id, p) == "ideas_ready", what="variant ideas")
    hooks = {
        pid: {i["hook"] for i in projects.get_project(workspace_id, pid).ideas}
        for pid in (source, longer, styled)
    }
    assert not hooks[source] & hooks[longer]
    assert not hooks[source] & hooks[styled]
    brief = gens(styled)[0].input_snapshot["brief"]
    assert brief["creative_style"] == "Cinematic"  # the project's own choice …
    assert brief["overrides"] == {"creative_style": "Cinematic"}
    assert gens(source)[0].input_snapshot["brief"]["creative_style"] == "Direct Response"
    assert campaigns.get_campaign(workspace_id, cid).creative_style == "Direct Response"


def test_a_variant_never_offers_an_idea_its_source_offered(workspace_id, tmp_path):
    """Whatever the seed, a variant's ideas step leaves out its source's ideas (another
    strategy alone can land on the same hook: an industry's problem, for instance)."""
    from aytada.core.campaigns import brief_snapshot
    from aytada.jobs import steps
    from aytada.jobs.runner import StepContext

    cid = make_campaign(workspace_id)
    campaign = campaigns.get_campaign(workspace_id, cid)
    plain = brief_snapshot(campaign)
    styled = brief_snapshot(campaign, {"creative_style": "Cinematic"})

    def ideas(brief, seed, avoid=()):  # type: ignore[no-untyped-def]
        ctx = StepContext(1, "0" * 32, "ideas", -1, workspace_id, 1,
                          {"brief": brief, "length_s": 15, "variant": 1, "seed": seed,
                           "avoid_hooks": list(avoid)}, tmp_path)  # fmt: skip
        return [i["hook"] for i in steps.ideas_run(ctx).output["ideas"]]

    overlapping = 0
    for seed in range(1, 41):
        source = ideas(plain, seed)
        overlapping += bool(set(source) & set(ideas(styled, seed)))
        variant = ideas(styled, seed, avoid=source)
        assert len(set(variant)) == 3 and not set(variant) & set(source), seed
    assert overlapping  # without the rule some seeds do repeat a hook


def test_a_draft_of_a_workspace_deleted_while_it_waited_fails_without_a_provider_call(
    workspace_id, start_worker
):
    from aytada.core import teams

    cid = make_campaign(workspace_id)
    gen_id = start_strategy_draft(workspace_id, None, cid)  # queued: no worker yet
    teams.delete_workspace(workspace_id, "My team")
    start_worker()
    row = wait_for(lambda: (r := _draft_row(gen_id)).state != GenState.QUEUED
                   and r.state != GenState.RUNNING and r, what="the draft to close")  # fmt: skip
    assert (row.state, row.error, row.provider, row.output) == (
        GenState.FAILED, "The workspace was deleted.", "", None)  # fmt: skip


def test_a_re_roll_never_offers_again_the_ideas_on_screen(workspace_id, tmp_path):
    """After a campaign edit the walk's next round can land on the hooks already shown (the
    PostgreSQL CI run found one seed that did): the ideas step leaves out the project's
    current ideas; a brief too thin for three new hooks brings some back rather than fail."""
    from aytada.core.campaigns import brief_snapshot
    from aytada.jobs import steps
    from aytada.jobs.runner import StepContext
    from aytada.providers.offline import OfflineWriter
    from aytada.providers.offline.writer import Brief

    cid = make_campaign(workspace_id)
    edited = dict(brief_snapshot(campaigns.get_campaign(workspace_id, cid)))
    edited["audience"] = "Retired hikers who fear falls."

    def ideas(brief, seed, avoid):  # type: ignore[no-untyped-def]
        ctx = StepContext(1, "0" * 32, "ideas", -1, workspace_id, 1,
                          {"brief": brief, "length_s": 15, "variant": 1, "seed": seed,
                           "avoid_hooks": list(avoid)}, tmp_path)  # fmt: skip
        return [i["hook"] for i in steps.ideas_run(ctx).output["ideas"]]

    for seed in range(1, 41):
        shown = [i.hook for i in OfflineWriter().ideas(Brief(**{
            k: v for k, v in edited.items() if k in Brief.__dataclass_fields__
        } | {"brand_colors": ()}), count=3, seed=seed)]  # fmt: skip
        again = ideas(edited, seed, avoid=shown)
        assert len(set(again)) == 3 and not set(again) & set(shown), seed
    thin = {"name": "x", "product_name": "Widget"}
    assert len(ideas(thin, 1, avoid=ideas(thin, 1, avoid=[]))) == 3  # some come back
