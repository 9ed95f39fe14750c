"""The job runner: enqueue a step (DB row first), run it in a worker, store or fail it.

Enqueue side: one transaction writes the Generation row(s) as `queued` and moves the project to
the step's active status with a compare-and-set; then one RQ job per generation is enqueued with
an id derived from the generation's UUID key. If Redis refuses, the rows are removed again and
the status restored.

Worker side (`run_generation`): claim `queued → running` (compare-and-set, so a second delivery
is a no-op), do the work with no transaction open, then one short transaction stores output,
assets, the charge and the next status. Any exception (or job timeout) fails the generation and
moves the project to `failed` with the step and a readable error. The reconciler covers the
cases where the worker dies before it can say so.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from redis.exceptions import RedisError
from rq import Callback
from rq.exceptions import AbandonedJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.timeouts import JobTimeoutException
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aytada.core import credits, media, statuses, timing
from aytada.core.campaigns import brief_snapshot
from aytada.core.db import session_scope
from aytada.core.errors import Conflict, QueueUnavailable, UserError
from aytada.core.models import Asset, CreditHold, Generation, Project, new_key, utcnow
from aytada.core.options import options_of
from aytada.core.pipeline import STEPS, get_step, missing_scenes, unmet_requirement
from aytada.core.projects import cas_status, load_project
from aytada.core.statuses import OPEN_STATES, GenState, Status
from aytada.jobs.queue import check_redis, get_queue, queue_error, redis_conn
from aytada.jobs.services import outage, passing, patiently
from aytada.providers.base import ProviderError, ProviderTimeout

log = logging.getLogger("aytada.jobs")
HOST = socket.gethostname()


# --------------------------------------------------------------------------- step registry


@dataclass
class NewAsset:
    kind: str  # image, clip, audio, video, text
    role: str
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class StepResult:
    output: dict[str, Any]
    provider: str = ""
    model: str = ""
    notice: str = ""
    assets: list[NewAsset] = field(default_factory=list)


@dataclass
class StepContext:
    generation_id: int
    key: str
    step: str
    scene_index: int
    workspace_id: int
    project_id: int
    snapshot: dict[str, Any]
    workdir: Path
    attempt: int = 0  # runs of this generation whose worker died before (0 or 1)


RunFn = Callable[[StepContext], StepResult]
# apply(session, project, generation, result, asset ids by role) → updates project fields
ApplyFn = Callable[[Session, Project, Generation, StepResult, dict[str, list[int]]], None]
# inputs(session, project, scene_index, params) → the step's input snapshot (besides the brief)
InputsFn = Callable[[Session, Project, int, dict[str, Any]], dict[str, Any]]
# cost(session, project, generation, result) → (credits, why): what this result costs, read
# against the project as it is when the result is stored (fresh, locked), before the charge;
# at most the price quoted when the step started (`why`: the generation's notice, or "")
CostFn = Callable[[Session, Project, Generation, StepResult], tuple[int, str]]


@dataclass(frozen=True)
class RegisteredStep:
    run: RunFn
    apply: ApplyFn
    inputs: InputsFn
    cost: CostFn | None = None  # None: the quoted price


REGISTRY: dict[str, RegisteredStep] = {}


def register_step(
    name: str, *, run: RunFn, apply: ApplyFn, inputs: InputsFn, cost: CostFn | None = None
) -> None:
    """Give a step of the pipeline table (`aytada.core.pipeline`) its inputs, run and apply,
    and optionally `cost`: a result that made less than the quote paid for costs less (e.g.
    the same words again: nothing)."""
    if name not in STEPS:
        raise KeyError(f"unknown step {name!r}: add it to aytada.core.pipeline first")
    REGISTRY[name] = RegisteredStep(run=run, apply=apply, inputs=inputs, cost=cost)


_loaded = False


def _load_steps() -> None:
    """Import the pipeline steps, then any modules named in AYTADA_EXTRA_STEPS (plugins; the
    test-suite uses it to give real workers steps that fail on purpose)."""
    global _loaded
    if _loaded:
        return
    import aytada.jobs.steps  # noqa: F401

    for module in filter(None, os.environ.get("AYTADA_EXTRA_STEPS", "").split(",")):
        importlib.import_module(module.strip())
    _loaded = True


def _registered(name: str) -> RegisteredStep:
    _load_steps()
    return REGISTRY[name]


# --------------------------------------------------------------------------- enqueue side


@dataclass(frozen=True)
class Started:
    generation_ids: list[int]
    credits: int  # what the action costs in total (charged step by step on success)


def _new_generation(
    session: Session,
    project: Project,
    step: str,
    scene_index: int,
    params: dict[str, Any],
    user_id: int | None = None,
) -> Generation:
    reg = _registered(step)
    campaign = project.campaign
    snapshot = {
        "brief": brief_snapshot(campaign, options_of(project).choices.overrides),
        **reg.inputs(session, project, scene_index, params),
    }
    key = new_key()
    gen = Generation(
        key=key,
        rq_job_id=f"gen-{key}",
        project_id=project.id,
        workspace_id=project.workspace_id,
        campaign_id=project.campaign_id,
        step=step,
        scene_index=scene_index,
        state=GenState.QUEUED,
        input_snapshot=snapshot,
        credits=credits.step_price(session, project, step),
        user_id=user_id,
    )
    session.add(gen)
    session.flush()
    return gen


def _hold_parts(
    session: Session, project: Project, step: str, gens: list[Generation]
) -> list[credits.HoldPart]:
    """What a start holds: each generation's price, and one run of each step that follows on
    its own (`then`: a render's voiceover and stitching), the quote of `credits.chain_cost`."""
    parts = [credits.HoldPart(g.step, g.credits, g.id) for g in gens]
    follower = get_step(step).then
    while follower is not None:
        parts.append(credits.HoldPart(follower, credits.step_price(session, project, follower)))
        follower = get_step(follower).then
    return parts


def _preconditions(project: Project, step: str) -> None:
    problem = unmet_requirement(project, step)
    if problem:
        raise Conflict(problem)


STALE_MESSAGE = "This step already ran in another tab — showing the latest."


class StaleAction(Conflict):
    """A button drawn for a status the project has left (another tab moved it on)."""


def start_step(
    workspace_id: int,
    project_id: Any,
    step: str,
    *,
    scenes: list[int] | None = None,
    params: dict[str, Any] | None = None,
    expected_status: str | None = None,
    user_id: int | None = None,
) -> Started:
    """Start a step for a project: checks, cost, DB rows, then the RQ job(s).

    ``user_id`` is who clicked (recorded on the generations, their follow-ups and charges).

    For `clip` (the Render button) it renders `scenes` or every scene without a clip, and the
    cost checked is the whole chain (clips + voiceover + stitching).

    `expected_status` is the status the clicked button was drawn for: a project that is busy
    now refuses with the "busy" wording, one that moved on refuses with `StaleAction`; both
    change nothing.
    """
    spec = get_step(step)
    params = dict(params or {})
    check_redis()
    previous: dict[str, Any]
    try:
        with session_scope() as s:
            project = load_project(s, workspace_id, project_id)
            # serialise with finishing jobs of this project (PostgreSQL row lock)
            locked = s.get(Project, project.id, with_for_update=True, populate_existing=True)
            assert locked is not None
            project = locked
            if statuses.is_active(project.status):  # the loser of a concurrent start
                raise Conflict(_busy_message(project.status, spec.per_scene, scenes))
            if expected_status is not None and project.status != expected_status:
                raise StaleAction(STALE_MESSAGE)
            _preconditions(project, step)
            previous = {
                "status": project.status,
                "failed_step": project.failed_step,
                "error": project.error,
                "segments": dict(project.segments or {}),
            }
            if spec.per_scene:
                busy = set(
                    s.scalars(
                        select(Generation.scene_index).where(
                            Generation.project_id == project.id,
                            Generation.step == step,
                            Generation.state.in_(OPEN_STATES),
                        )
                    )
                )
                # scenes without a clip always come along, or the fan-in could never finish
                wanted = sorted(set(scenes or []) | set(missing_scenes(project)))
                todo = [i for i in wanted if i not in busy]
                if any(not 0 <= i < len(project.scenes) for i in todo):
                    raise Conflict("There is no scene to render.")
                if not todo:
                    raise Conflict(_render_busy(scenes) if busy else "There is no scene to render.")
                indexes = todo
            else:
                indexes = [-1]
            total = credits.chain_cost(s, project, step, len(indexes))
            credits.check_affordable(s, workspace_id, total)
            if not cas_status(s, project.id, spec.active.value):
                # a concurrent start may have moved it since it was read: say what it is now
                now = s.scalar(select(Project.status).where(Project.id == project.id))
                if now and statuses.is_active(now):
                    raise Conflict(_busy_message(now, spec.per_scene, scenes))
                if now and expected_status is not None and now != expected_status:
                    raise StaleAction(STALE_MESSAGE)
                raise Conflict(
                    f"{spec.label} cannot start while the project is "
                    f"{statuses.label(project.status).lower()}."
                )
            if spec.per_scene:
                segments = dict(project.segments or {})
                for i in indexes:
                    segments.pop(str(i), None)
                project.segments = segments
            project.failed_step = None
            project.error = None
            gens = [_new_generation(s, project, step, i, params, user_id) for i in indexes]
            s.flush()
            # the price of the rows just written, and of the chain's steps to come, is held
            # in this transaction: refused (NotEnoughCredits) means nothing is queued
            credits.release_pending(s, project.id)  # a stopped chain's (nothing runs now)
            credits.hold(s, workspace_id, project.id, _hold_parts(s, project, step, gens))
            started = [(g.id, g.job_id) for g in gens]
            # the queue gets the long clips first, so the workers finish together
            by_scene = dict(zip(indexes, started, strict=True))
            order = timing.longest_first(project.scenes or [], indexes) if spec.per_scene else []
            queued = [by_scene[i] for i in order] or started
    except IntegrityError as exc:  # a concurrent start won the "not twice at once" index
        if spec.per_scene:
            raise Conflict(_render_busy(scenes)) from exc
        raise Conflict(
            f"This project is busy: {spec.label.lower()} is already queued or running."
        ) from exc
    try:
        for gen_id, job_id in queued:
            _enqueue(gen_id, job_id)
    except (RedisError, OSError) as exc:
        _undo_enqueue(project_id, [g for g, _ in started], spec.active.value, previous)
        raise QueueUnavailable(
            f"{queue_error(exc)}, so nothing was started and nothing was charged. "
            "Start the app with `aytada up` (or check REDIS_URL) and try again."
        ) from exc
    return Started([g for g, _ in started], total)


def _render_busy(scenes: list[int] | None) -> str:
    """What the loser of a concurrent render reads."""
    if scenes is not None and len(set(scenes)) == 1:
        return "This scene is already rendering."
    return "Render is already running for this project."


def _busy_message(status: str, per_scene: bool, scenes: list[int] | None) -> str:
    """What the loser of a concurrent start reads while the project is busy."""
    if per_scene and status == Status.GENERATING_VIDEO.value:
        return _render_busy(scenes)
    return f"This project is busy ({statuses.label(status)}); wait until it finishes."


def _enqueue(generation_id: int, job_id: str, attempt: int = 0) -> None:
    """One RQ job for the generation; `meta["attempt"]` tells which run of it this job is."""
    from aytada.core.settings import get_settings

    settings = get_settings()
    get_queue().enqueue_call(
        run_generation,
        args=(job_id.removeprefix("gen-"),),
        job_id=job_id,
        timeout=settings.job_timeout,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        on_failure=Callback(on_job_failure),
        description=f"generation {generation_id}",
        meta={"attempt": attempt},
    )


def _undo_enqueue(
    project_id: Any, gen_ids: list[int], active: str, previous: dict[str, Any]
) -> None:
    """Redis refused: remove the queued rows (they never ran) and their holds, and restore the
    project."""
    with session_scope() as s:
        s.execute(
            delete(CreditHold).where(
                (CreditHold.generation_id.in_(gen_ids))
                | ((CreditHold.project_id == int(project_id)) & CreditHold.generation_id.is_(None))
            )
        )
        s.execute(
            delete(Generation).where(
                Generation.id.in_(gen_ids), Generation.state == GenState.QUEUED
            )
        )
        s.execute(
            update(Project)
            .where(Project.id == int(project_id), Project.status == active)
            .values(**previous)
        )


# --------------------------------------------------------------------------- worker side


def readable_error(exc: BaseException) -> str:
    """The message a user reads for a failed step (never a traceback)."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, ProviderTimeout):  # names the provider ("OpenAI did not answer in time")
        return f"{exc} (the service timed out; retry when ready)."
    if isinstance(exc, AbandonedJobError):
        return STOPPED
    if isinstance(exc, RedisError):
        return f"{queue_error(exc)} while the step was finishing."
    if (found := outage(exc)) is not None:  # the database: its real cause, never a traceback
        return f"{found.message[:1].upper()}{found.message[1:]}."[:1000]
    if isinstance(exc, JobTimeoutException | TimeoutError):
        return "The step took too long and was stopped (job timeout)."
    name = type(exc).__name__
    if isinstance(exc, ProviderError):
        return str(exc) or name
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    return f"Unexpected error in the step ({name}{': ' + text if text else ''})."[:1000]


def claim(s: Session, key: str) -> Generation | str:
    """Claim the queued generation with this key for this process (queued→running, a
    compare-and-set): the row, or why it was skipped (another run has it, or it is gone)."""
    # an UPDATE's result is a CursorResult (Session.execute is typed as returning a Result)
    claimed = cast(CursorResult[Any], s.execute(
        update(Generation)
        .where(Generation.key == key, Generation.state == GenState.QUEUED)
        .values(state=GenState.RUNNING, started_at=utcnow(), worker_host=HOST,
                worker_pid=os.getpid())
    )).rowcount  # fmt: skip
    if claimed != 1:
        state = s.scalar(select(Generation.state).where(Generation.key == key))
        return f"skipped (generation is {state or 'missing'})"
    gen = s.scalar(select(Generation).where(Generation.key == key))
    assert gen is not None
    return gen


def _db_wait(what: str) -> Callable[[str], None]:
    """How a work-horse says it waits for the database (or Redis) to come back."""
    return lambda msg: log.warning("%s: %s", what, msg)


def _projectless(key: str) -> bool:
    with session_scope() as s:
        return (
            s.execute(
                select(Generation.id).where(Generation.key == key, Generation.project_id.is_(None))
            ).first()
            is not None
        )


def _claim_context(key: str) -> tuple[StepContext, bool] | str:
    """Claim the generation (one transaction): its context and whether its project is deleted,
    or why it was skipped."""
    with session_scope() as s:
        gen = claim(s, key)
        if isinstance(gen, str):
            return gen
        project = s.get(Project, gen.project_id)
        assert project is not None
        ctx = StepContext(
            generation_id=gen.id,
            key=key,
            step=gen.step,
            scene_index=gen.scene_index,
            workspace_id=project.workspace_id,
            project_id=project.id,
            snapshot=dict(gen.input_snapshot or {}),
            workdir=media.generation_dir(project.workspace_id, project.id, key),
            attempt=gen.attempts or 0,
        )
        return ctx, project.deleted_at is not None


def run_generation(key: str) -> str:
    """RQ entry point: run the generation with this key once.

    The database going away is waited out (claiming, storing the result, recording a
    failure): each is one transaction, tried again until it commits (bounded by the job's
    timeout), and a compare-and-set, so a try that did commit is never applied twice."""
    say = _db_wait(f"generation gen-{key}")
    if patiently(lambda: _projectless(key), say):  # a campaign's strategy draft
        from aytada.jobs.strategy import run_draft

        return run_draft(key)
    claimed = patiently(lambda: _claim_context(key), say)
    if isinstance(claimed, str):
        return claimed
    ctx, deleted = claimed
    if deleted:
        patiently(
            lambda: fail_generation(
                ctx.generation_id, "The project was deleted; the step was skipped."
            ),
            say,
        )
        return "skipped (project deleted)"
    try:
        result = _registered(ctx.step).run(ctx)
        # outputs reach the store before the transaction that records them (S3: an upload; a
        # failure removes what was uploaded, then the step fails like any other)
        uploaded = media.publish(a.path for a in result.assets)
        patiently(lambda: _finish(ctx, result, uploaded), say)
    except BaseException as exc:  # noqa: BLE001 - every failure must be recorded
        log.error(
            "generation %s (%s) failed:\n%s", ctx.generation_id, ctx.step, traceback.format_exc()
        )
        error = readable_error(exc)
        patiently(lambda: fail_generation(ctx.generation_id, error), say)
        if not isinstance(exc, Exception):
            raise
        _after_step(ctx.project_id)
        return "failed"
    _after_step(ctx.project_id)
    return "done"


def _after_step(project_id: int) -> None:
    """A kit's part moves on by itself (`aytada.jobs.kits.advance`: its next step, its
    cut-downs, the kit's files); a failure here is logged and left to the reconciler, which
    tends kits on every pass: the step's own outcome stands."""
    from aytada.jobs.kits import advance

    try:
        advance(project_id)
    except Exception:  # noqa: BLE001
        log.exception("kit part %s: could not move on (the reconciler will)", project_id)


def _update_if(
    s: Session, current: GenState, generation_id: int, attempt: int, **values: Any
) -> bool:
    """Compare-and-set on a generation: ``values`` are written only while it is still in
    state ``current`` as run ``attempt`` (not closed, given up for dead and queued again, or
    done)."""
    # an UPDATE's result is a CursorResult (Session.execute is typed as returning a Result)
    won = cast(
        CursorResult[Any],
        s.execute(
            update(Generation)
            .where(
                Generation.id == generation_id,
                Generation.state == current,
                Generation.attempts == attempt,
            )
            .values(**values)
        ),
    ).rowcount
    return won == 1


def _update_running(s: Session, generation_id: int, attempt: int, **values: Any) -> bool:
    """Compare-and-set on a generation still running as run ``attempt``."""
    return _update_if(s, GenState.RUNNING, generation_id, attempt, **values)


def _update_queued(s: Session, generation_id: int, attempt: int, **values: Any) -> bool:
    """Compare-and-set on a generation still queued as run ``attempt`` (never started)."""
    return _update_if(s, GenState.QUEUED, generation_id, attempt, **values)


def close_succeeded(s: Session, generation_id: int, attempt: int, **values: Any) -> bool:
    """Mark a running generation succeeded (with ``values``), only for the run that holds it:
    False when it was closed meanwhile."""
    return _update_running(
        s, generation_id, attempt, state=GenState.SUCCEEDED, finished_at=utcnow(), **values
    )


def _finish(ctx: StepContext, result: StepResult, uploaded: list[str] | None = None) -> None:
    """One transaction: output, assets, the charge and the next status (the table's rule).

    `uploaded`: the keys this run put in an S3 store, removed again when the generation was
    failed meanwhile (no file of a failed step stays in the store)."""
    follow_up: list[tuple[int, str]] = []
    with session_scope() as s:
        # first statement is a write: on SQLite it takes the write lock before reading
        if not close_succeeded(s, ctx.generation_id, ctx.attempt):
            log.warning("generation %s was already closed; result dropped", ctx.generation_id)
            # a run queued again writes the same keys: only a failed generation's are nobody's
            state = s.scalar(select(Generation.state).where(Generation.id == ctx.generation_id))
            if uploaded and state is GenState.FAILED:
                media.discard(uploaded)
            return
        project = s.get(Project, ctx.project_id, with_for_update=True, populate_existing=True)
        gen = s.get(Generation, ctx.generation_id, populate_existing=True)
        assert project is not None and gen is not None
        if project.deleted_at is not None:
            gen.state = GenState.FAILED
            gen.error = "The project was deleted; the result was discarded and not charged."
            credits.release(s, gen.id)
            credits.release_pending(s, project.id)
            remove_workdir(project.workspace_id, project.id, gen.key)
            return
        notice = result.notice
        cost = _registered(ctx.step).cost
        if cost is not None:  # what this result costs, against the project as it is now
            amount, why = cost(s, project, gen, result)
            gen.credits = max(0, min(gen.credits, amount))
            notice = "; ".join(n for n in (notice, why) if n)
        credits.settle(s, gen, project.workspace_id)  # the hold becomes the charge
        gen.output = result.output
        gen.provider = result.provider
        gen.model = result.model
        gen.notice = notice or None
        ids = _store_assets(s, project, gen, result)
        _registered(ctx.step).apply(s, project, gen, result, ids)
        s.flush()
        follow_up = _move_on(s, project, gen)
        if not follow_up:  # the chain's holds go back once nothing of it runs any more
            credits.release_stranded(s, project.id)
    for gen_id, job_id in follow_up:
        _enqueue_follow_up(gen_id, job_id)


FOLLOW_UP_PATIENCE = 120.0  # seconds a finished step waits for Redis to enqueue what follows


def _enqueue_follow_up(gen_id: int, job_id: str) -> None:
    """Enqueue the step that follows; Redis away: waited for a while (the step's result is
    stored), then left to the reconciler, which enqueues a queued generation whose job is
    missing."""
    try:
        _enqueue(gen_id, job_id)
        return
    except (RedisError, OSError) as exc:
        if passing(exc) is None:
            log.error("could not enqueue follow-up generation %s (the reconciler will)", gen_id)
            return
    try:  # once Redis is back: unless the reconciler enqueued it meanwhile
        patiently(
            lambda: resubmit(gen_id),
            _db_wait(f"follow-up generation {gen_id}"),
            deadline=time.monotonic() + FOLLOW_UP_PATIENCE,
        )
    except (RedisError, OSError):
        log.error("could not enqueue follow-up generation %s (the reconciler will)", gen_id)


def _store_assets(
    s: Session, project: Project, gen: Generation, result: StepResult
) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for new in result.assets:
        asset = Asset(
            workspace_id=project.workspace_id,
            project_id=project.id,
            generation_id=gen.id,
            kind=new.kind,
            role=new.role,
            path=media.relative(new.path),
            mime_type=media.mime_type(new.path),
            size_bytes=new.path.stat().st_size if new.path.exists() else 0,
            meta=new.meta,
        )
        s.add(asset)
        s.flush()
        ids.setdefault(new.role, []).append(asset.id)
    return ids


def _move_on(s: Session, project: Project, gen: Generation) -> list[tuple[int, str]]:
    """Move the project to the step's next status and create the follow-up generation.

    The move is a compare-and-set from the step's active status. When it loses, the project
    moved on without this generation: a sibling clip finished the fan-in first, a sibling
    failed, or the user started something else. The output is kept and charged (it was made);
    the status and the follow-up belong to whoever won, so nothing more happens here.
    """
    spec = get_step(gen.step)
    target = spec.target_after(project)
    if target is None:
        return []  # per-scene step with siblings still to come
    if not cas_status(s, project.id, target.value, [spec.active.value]):
        s.refresh(project)
        log.info(
            "generation %s (%s) stored; project %s is %s, not %s: status left as it is",
            gen.id, gen.step, project.id, project.status, spec.active.value,
        )  # fmt: skip
        if gen.notice is None and project.status == Status.FAILED.value:
            gen.notice = "Stored after another part of this step failed; retry re-runs the rest."
        return []
    if spec.then is None:
        return []
    nxt = get_step(spec.then)
    if target is not nxt.active:
        return []
    s.refresh(project)
    g = _new_generation(s, project, nxt.name, -1, {}, gen.user_id)  # the chain is theirs
    if not credits.attach_pending(s, g, project.workspace_id):
        log.warning("generation %s (%s) queued without a hold: too few credits", g.id, g.step)
    return [(g.id, g.job_id)]


def fail_generation(generation_id: int, error: str) -> bool:
    """Close an open generation as failed and fail its project's step (idempotent)."""
    with session_scope() as s:
        closed = cast(
            CursorResult[Any],
            s.execute(
                update(Generation)
                .where(Generation.id == generation_id, Generation.state.in_(OPEN_STATES))
                .values(state=GenState.FAILED, error=error[:4000], finished_at=utcnow())
            ),
        ).rowcount
        if closed != 1:
            return False
        credits.release(s, generation_id)  # in the transaction that closes it: exactly once
        gen = s.get(Generation, generation_id)
        assert gen is not None
        if gen.project_id is None:  # a strategy draft: no project status, no files
            return True
        project = s.get(Project, gen.project_id, with_for_update=True, populate_existing=True)
        if project is not None:  # assets are recorded on success only: nothing points here
            remove_workdir(project.workspace_id, project.id, gen.key)
        if project is None or project.deleted_at is not None:
            credits.release_pending(s, gen.project_id)
            return True
        spec = get_step(gen.step)
        moved = project.status == spec.active.value and cas_status(
            s, project.id, Status.FAILED.value, [spec.active.value]
        )
        if moved or not statuses.is_active(project.status):
            credits.release_pending(s, project.id)  # the chain stopped here
        else:
            credits.release_stranded(s, project.id)
        if moved:
            where = f"scene {gen.scene_index + 1} clip" if gen.scene_index >= 0 else spec.label
            s.execute(
                update(Project)
                .where(Project.id == project.id)
                .values(failed_step=gen.step, error=f"{where} failed: {error}"[:4000])
            )
    return True


def on_job_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ failure callback (exceptions that escaped, job timeouts, and abandoned jobs: RQ's
    started-job registry cleanup calls it when a worker on any host stopped heartbeating)."""
    gen_id = generation_id_for_job(str(job.id))
    if gen_id is None:
        return
    if isinstance(exc_value, AbandonedJobError):
        # only the database moves here: RQ records the old job's failure after this callback,
        # so the reconciler pass that ran the cleanup submits the new job
        worker_died(gen_id, job_attempt(job))
        return
    if exc_value is not None and passing(exc_value) is not None:
        # the database or Redis went away before the step began: not the step's failure, so
        # it runs again (once, as a death would; the worker or the reconciler enqueues it)
        if worker_died(gen_id, job_attempt(job), before_start_only=True) is not None:
            return
    error = readable_error(exc_value) if exc_value is not None else "The job failed."
    fail_generation(gen_id, error)


# --------------------------------------------------------------------------- recovery

STOPPED = "The worker running this step stopped twice; retry when ready."
RUNS_BEFORE_FAILING = 2  # a step whose worker died is run again once, then failed


def generation_id_for_job(job_id: str) -> int | None:
    with session_scope() as s:
        return s.scalar(select(Generation.id).where(Generation.key == job_id.removeprefix("gen-")))


def remove_workdir(workspace_id: int, project_id: int, key: str) -> None:
    """Remove a generation's work folder, and its keys in an S3 store (a failed or abandoned
    run leaves no files)."""
    media.remove_generation(workspace_id, project_id, key)


def job_attempt(job: Job | None) -> int | None:
    """The run number an RQ job was enqueued for (None: unknown, e.g. an older job)."""
    try:
        value = (job.meta or {}).get("attempt") if job is not None else None
    except Exception:  # noqa: BLE001 - a job whose meta cannot be read
        return None
    return int(value) if isinstance(value, int) else None


def kill_process_group(pid: int | None) -> None:
    """SIGKILL what is left of a dead work-horse's process group (its ffmpeg, espeak, …).

    A work-horse runs in a process group of its own whose id is its pid; the group outlives
    the horse while any child of it still runs. Same host only."""
    if not pid or pid <= 1 or pid == os.getpgrp():
        return
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def worker_died(
    generation_id: int, attempt: int | None = None, *, before_start_only: bool = False
) -> str | None:
    """The worker running the generation died before the step finished (nothing was charged).

    The first death puts the same generation back to `queued` (its files removed; call
    `resubmit` to enqueue it); the second fails it with a message that offers Retry, so a
    step that kills its worker cannot loop. `attempt` is the run that died (from the RQ job's
    meta): a late report about an older run changes nothing. Returns "requeued", "failed"
    or None (nothing to do).

    Started means started: a run that died before it recorded the step as running (the
    generation is still `queued`, whatever the millisecond) counts the same way — run again
    free and automatically once. That needs `attempt` (which run died); ``before_start_only``
    leaves a running generation alone."""
    with session_scope() as s:
        row = s.execute(
            select(Generation.state, Generation.attempts, Generation.key, Project.workspace_id,
                   Project.id)
            .outerjoin(Project, Project.id == Generation.project_id)
            .where(Generation.id == generation_id)
        ).first()  # fmt: skip
        if row is None:
            return None
        state, attempts, key, ws, project_id = row
        unstarted = state is GenState.QUEUED and attempt is not None
        if not unstarted and (state is not GenState.RUNNING or before_start_only):
            return None
        if attempt is not None and attempt != attempts:
            return None
        if attempts + 1 < RUNS_BEFORE_FAILING:
            if unstarted:
                queued = _update_queued(s, generation_id, attempts, attempts=attempts + 1)
            else:
                queued = _update_running(
                    s, generation_id, attempts, state=GenState.QUEUED, attempts=attempts + 1,
                    started_at=None, worker_host="", worker_pid=None,
                )  # fmt: skip
            if not queued:
                return None
            if project_id is not None:
                remove_workdir(ws, project_id, key)
            when = "before the step began" if unstarted else "during the step"
            log.warning("generation %s: its run ended %s; queued again", generation_id, when)
            return "requeued"
        moved = cast(
            CursorResult[Any],
            s.execute(
                update(Generation)
                .where(Generation.id == generation_id, Generation.attempts == attempts)
                .values(attempts=attempts + 1)
            ),
        ).rowcount
    if moved == 1 and fail_generation(generation_id, STOPPED):
        log.warning("generation %s: its worker died twice; failed", generation_id)
        return "failed"
    return None


def resubmit(generation_id: int) -> bool:
    """Enqueue a queued generation again (its RQ job was lost, or its last run died).

    Same generation row and job id; the stale job and its started-registry entries are
    removed first so RQ's cleanup cannot mistake the new run for the dead one."""
    with session_scope() as s:
        row = s.execute(
            select(Generation.state, Generation.key, Generation.attempts).where(
                Generation.id == generation_id
            )
        ).first()
    if row is None or row[0] is not GenState.QUEUED:
        return False
    job_id = f"gen-{row[1]}"
    conn = redis_conn()
    queue = get_queue()
    try:
        old = Job.fetch(job_id, connection=conn)
    except NoSuchJobError:
        old = None
    if old is not None:
        if job_attempt(old) == (row[2] or 0) and old.get_status(refresh=False) in (
            JobStatus.QUEUED,
            JobStatus.STARTED,
            JobStatus.DEFERRED,
            JobStatus.SCHEDULED,
        ):
            return False  # someone else enqueued this run already
        try:
            old.delete(remove_from_queue=True)
        except ValueError:  # RQ could not find one of its executions (the worker died mid-way)
            for registry in (queue.failed_job_registry, queue.finished_job_registry,
                             queue.canceled_job_registry):  # fmt: skip
                registry.remove(job_id)
            queue.remove(job_id)
            conn.delete(old.key)
    started_key = queue.started_job_registry.key
    # bytes: the connection does not decode responses (RQ needs bytes)
    entries = cast(list[bytes], conn.zrange(started_key, 0, -1))
    stale = [e for e in entries
             if e.decode(errors="replace").split(":", 1)[0] == job_id]  # fmt: skip
    if stale:
        conn.zrem(started_key, *stale)
    _enqueue(generation_id, job_id, row[2] or 0)
    log.warning("generation %s enqueued again (run %s)", generation_id, (row[2] or 0) + 1)
    return True


def retry_failed(workspace_id: int, project_id: Any, user_id: int | None = None) -> Started:
    """Re-run only the failed step (for render: only the missing or failed scenes)."""
    with session_scope() as s:
        project = load_project(s, workspace_id, project_id)
        if project.status != Status.FAILED.value or not project.failed_step:
            raise Conflict("Only a failed project can be retried.")
        step = project.failed_step
    return start_step(workspace_id, project_id, step, user_id=user_id)
