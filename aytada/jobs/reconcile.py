"""The reconciler: the database is the source of truth for queued and running work.

Every pass (`aytada reconcile --loop`, started by `aytada up`, and once when `up` or a worker
starts) compares the open generations with Redis:

- queued, and its RQ job is gone (Redis restarted empty or was flushed): enqueued again, same
  generation row and job id, nothing charged, no user action;
- queued, and its RQ job ended (its work-horse died before it recorded the step as running,
  whatever the millisecond, or the database was away): a death like any other, run again
  once and failed on the second; a job canceled in RQ by a person: failed;
- running, and its worker died (same host: the recorded pid is gone; any host: RQ's
  abandoned-job cleanup after missed heartbeats, run at the start of each pass, or the job is
  gone): `runner.worker_died` runs it again once and fails it on the second death. Heartbeats
  that lapsed during a Redis outage are no death: the cleanup waits until Redis has answered
  for a whole heartbeat TTL (`worker.heartbeats_tell`);
- a job that ended without storing a result, or that overran its timeout: failed;
- credits still held for work that has ended (none, unless something ended it around the
  runner, which releases a hold in the transaction that ends its work): released.
Every transition is a compare-and-set, so passes may overlap with workers and each other.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import overload

from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from aytada.core import credits
from aytada.core.db import session_scope
from aytada.core.models import Generation, utcnow
from aytada.core.settings import get_settings
from aytada.core.statuses import OPEN_STATES, GenState
from aytada.jobs.procs import pid_alive
from aytada.jobs.queue import get_queue, redis_conn
from aytada.jobs.runner import (
    HOST,
    fail_generation,
    job_attempt,
    kill_process_group,
    resubmit,
    worker_died,
)
from aytada.jobs.services import passing
from aytada.jobs.worker import heartbeats_tell

log = logging.getLogger("aytada.reconcile")

ENDED = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED)
QUEUED_GRACE = 10.0  # a just-created row whose job is being enqueued right now is not "lost"
CANCELED = "Its job was canceled in the queue before the step started."

__all__ = ["pid_alive", "reconcile_once", "reconcile_loop"]


@overload
def _aware(when: datetime, now: datetime) -> datetime: ...
@overload
def _aware(when: datetime | None, now: datetime) -> datetime | None: ...
def _aware(when: datetime | None, now: datetime) -> datetime | None:
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=now.tzinfo)


START_ATTEMPTS = 5
_away_at: float | None = None  # when a pass last found Redis away (monotonic)


def reconcile_at_start(sleep: Callable[[float], None] = time.sleep) -> None:
    """The pass a worker makes as it starts (queued work Redis lost runs again), best effort.

    Workers started together (`aytada up`) make it at the same moment, and on SQLite one of
    them can find the database locked at once (a read that turns into a write after another
    worker's commit is refused without waiting). That pass is tried again a few times, then
    left to the reconciler's loop with a warning: a worker never dies of it. Any other database
    error is raised (a wrong DATABASE_URL must stop the worker with its message)."""
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            reconcile_once(queued_grace=0)
            return
        except OperationalError as exc:
            if "locked" not in str(exc).lower():
                raise
            if attempt == START_ATTEMPTS:
                log.warning("start-up reconcile skipped: the database stayed locked (the "
                            "reconciler's next pass does it)")  # fmt: skip
                return
            sleep(0.25 * attempt + random.random() * 0.25)


def reconcile_once(
    grace_seconds: float = 60.0, queued_grace: float = QUEUED_GRACE
) -> list[tuple[int, str]]:
    """One pass; returns (generation id, what happened) for every generation it acted on.

    `grace_seconds`: how long a running generation may miss its RQ job (another host's worker
    may still be running it) before it counts as dead. `queued_grace`: the same for a queued
    row whose job is missing (0 when the app starts: nothing can be enqueuing it then).
    """
    global _away_at
    settings = get_settings()
    conn = redis_conn()
    queue = get_queue()
    try:  # reading the registries runs RQ's cleanup of abandoned jobs (→ runner.on_job_failure)
        if heartbeats_tell(conn, _away_at):
            queue.started_job_registry.get_job_ids()
        queue.failed_job_registry.get_job_ids()
    except RedisError as exc:
        _away_at = time.monotonic()
        log.warning("reconcile: Redis not reachable: %s", exc)
        return []
    now = utcnow()
    with session_scope() as s:
        open_gens = list(
            s.execute(
                select(
                    Generation.id,
                    Generation.rq_job_id,
                    Generation.state,
                    Generation.created_at,
                    Generation.started_at,
                    Generation.worker_host,
                    Generation.worker_pid,
                    Generation.attempts,
                ).where(Generation.state.in_(OPEN_STATES))
            ).all()
        )
    acted: list[tuple[int, str]] = []

    def note(gen_id: int, what: str) -> None:
        acted.append((gen_id, what))
        log.warning("reconcile: generation %s %s", gen_id, what)

    for gen_id, job_id, state, created, started, host, pid, attempts in open_gens:
        created, started = _aware(created, now), _aware(started, now)
        job: Job | None
        try:
            job = Job.fetch(job_id, connection=conn)
            status = job.get_status(refresh=True)
        except NoSuchJobError:
            job, status = None, None
        if state is GenState.RUNNING:
            died = False
            local_pid = pid if host == HOST and pid else None  # its work-horse ran here
            if local_pid is not None and not pid_alive(local_pid):
                kill_process_group(local_pid)  # ffmpeg left by the dead work-horse
                died = True
            elif job is None:
                alive_here = local_pid is not None and pid_alive(local_pid)
                since = started or created
                died = not alive_here and now - since > timedelta(seconds=grace_seconds)
            elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                died = True  # a killed work-horse whose worker did not hand it back
            elif status == JobStatus.FINISHED:
                if fail_generation(gen_id, "The step ended without storing a result."):
                    note(gen_id, "failed: ended without storing a result")
                continue
            elif started is not None and now - started > timedelta(
                seconds=settings.job_timeout + 120
            ):
                if fail_generation(gen_id, "The step took too long and was stopped (job timeout)."):
                    note(gen_id, "failed: job timeout")
                continue
            if not died:
                continue
            attempt = job_attempt(job) if status in ENDED else None
            outcome = worker_died(gen_id, attempts if attempt is None else attempt)
            if outcome == "failed":
                note(gen_id, "failed: its worker stopped twice")
                continue
            if outcome != "requeued":
                continue
            note(gen_id, "requeued: its worker stopped")
            resubmit(gen_id)
            continue
        # queued: never started (or handed back); make sure an RQ job will run it
        if job is None:
            young = created is not None and now - created < timedelta(seconds=queued_grace)
            if young and not attempts:
                continue
            if resubmit(gen_id):
                note(gen_id, "enqueued again: its job was gone from Redis")
        elif status in ENDED:
            ran = job_attempt(job)
            if ran is not None and ran < attempts:  # the dead run's job; this run has none yet
                if resubmit(gen_id):
                    note(gen_id, "enqueued again after its worker stopped")
            elif status == JobStatus.CANCELED:  # canceled in RQ by a person: their decision
                if fail_generation(gen_id, CANCELED):
                    note(gen_id, "failed: its job was canceled before the step started")
            else:  # its run ended before the step began: started means started
                outcome = worker_died(gen_id, attempts if ran is None else ran)
                if outcome == "failed":
                    note(gen_id, "failed: its worker stopped twice")
                elif outcome == "requeued":
                    note(gen_id, "requeued: its run ended before the step began")
                    resubmit(gen_id)
    with session_scope() as s:  # every path that ends work releases its hold; a last net
        freed = credits.release_orphans(s)
    if freed:
        log.warning("reconcile: released %s credits held for work that had ended", freed)
    from aytada.jobs.kits import tend  # kits move on by themselves: what a worker missed

    try:
        tend()
    except Exception:  # noqa: BLE001 - the next pass tries again
        log.exception("reconcile: could not tend the kits")
    return acted


def reconcile_loop(interval: float | None = None, stop: Callable[[], bool] | None = None) -> None:
    """A pass every `interval` seconds until `stop()`. The database or Redis away: said once
    ("waiting for … to come back"), and again when it is back; passes go on meanwhile."""
    interval = interval or get_settings().reconcile_interval
    waiting = ""
    while not (stop and stop()):
        try:
            reconcile_once()
            if waiting:
                log.warning("reconcile: %s is back", waiting)
                waiting = ""
        except Exception as exc:  # noqa: BLE001 - keep the loop alive; the next pass retries
            found = passing(exc)
            if found is None:
                log.exception("reconcile pass failed")
            elif found.service != waiting:
                log.warning(
                    "reconcile: waiting for %s to come back… (%s)", found.service, found.message
                )
                waiting = found.service
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and not (stop and stop()):
            time.sleep(0.2)
