"""The reconciler: fail open generations whose worker or RQ job is gone.

RQ does not call `on_failure` when a work-horse is killed (the job lands in the failed
registry) and a killed worker leaves its job "started" until cleanup. So a separate process
(`aytada reconcile --loop`, started by `aytada up`) reads the registries and the generations'
recorded worker pid and fails whatever can no longer finish. Failing is idempotent.
"""

from __future__ import annotations

import errno
import logging
import os
import time
from datetime import timedelta

from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from aytada.core.db import session_scope
from aytada.core.models import Generation, utcnow
from aytada.core.settings import get_settings
from aytada.core.statuses import OPEN_STATES, GenState
from aytada.jobs.queue import get_queue, redis_conn
from aytada.jobs.runner import HOST, fail_generation

log = logging.getLogger("aytada.reconcile")

LOST = "The worker running this step stopped unexpectedly (killed or crashed)."
GONE = "The queued job disappeared (the queue was restarted or cleared)."


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    try:  # a zombie child counts as dead
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return True


def reconcile_once(grace_seconds: float = 60.0) -> list[tuple[int, str]]:
    """One pass; returns the (generation id, reason) pairs that were failed."""
    settings = get_settings()
    conn = redis_conn()
    queue = get_queue()
    try:  # reading the registries runs RQ's own cleanup of abandoned jobs
        queue.started_job_registry.get_job_ids()
        queue.failed_job_registry.get_job_ids()
    except RedisError as exc:
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
                ).where(Generation.state.in_(OPEN_STATES))
            ).all()
        )
    failed: list[tuple[int, str]] = []
    for gen_id, job_id, state, created, started, host, pid in open_gens:
        created = created if created.tzinfo else created.replace(tzinfo=now.tzinfo)
        reason = None
        try:
            job = Job.fetch(job_id, connection=conn)
            status = job.get_status(refresh=True)
        except NoSuchJobError:
            job, status = None, None
        if state is GenState.RUNNING and host == HOST and pid and not pid_alive(pid):
            reason = LOST
        elif job is None:
            if now - created > timedelta(seconds=grace_seconds):
                reason = GONE if state is GenState.QUEUED else LOST
        elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            reason = LOST if state is GenState.RUNNING else "The job failed before it started."
        elif status == JobStatus.FINISHED:
            reason = "The step ended without storing a result."
        elif state is GenState.RUNNING and started is not None:
            started = started if started.tzinfo else started.replace(tzinfo=now.tzinfo)
            if now - started > timedelta(seconds=settings.job_timeout + 120):
                reason = "The step took too long and was stopped (job timeout)."
        if reason and fail_generation(gen_id, reason):
            failed.append((gen_id, reason))
            log.warning("reconcile: generation %s failed: %s", gen_id, reason)
    return failed


def reconcile_loop(interval: float | None = None, stop: callable | None = None) -> None:  # type: ignore[valid-type]
    interval = interval or get_settings().reconcile_interval
    while not (stop and stop()):
        try:
            reconcile_once()
        except Exception:  # noqa: BLE001 - keep the loop alive; the next pass retries
            log.exception("reconcile pass failed")
        time.sleep(interval)
