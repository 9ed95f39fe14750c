"""The RQ worker `aytada worker` runs: crash-aware and with no orphans.

- A killed work-horse is reported at once (RQ's work-horse-killed handler): what is left of its
  process group (ffmpeg) is killed and the generation is handled by `runner.worker_died`
  (run again once, failed on the second death), then enqueued again.
- Heartbeats are short (a job's started-registry entry expires `AYTADA_HEARTBEAT_GRACE`
  seconds after the last one), so a worker that died on any host is found by RQ's abandoned-job
  cleanup,
  which the reconciler runs every pass, well within a minute.
- The work-horse dies with its worker (parent-death signal) and takes its process group
  (ffmpeg and the like) with it.
- Redis going away does not stop the worker (RQ's own loop quits on the first lost
  connection): it waits, trying again after 0.5 s, then twice as long each time, at most
  AYTADA_RETRY_MAX seconds apart, says once that it waits and once that Redis is back, lists
  itself again (a Redis restarted empty forgot it) and carries on. A step running meanwhile
  finishes in its work-horse and is stored in the database; what RQ would record of its end
  is left to the reconciler. The database going away is waited out by the work-horse
  (`runner.run_generation`).
- An outage longer than a heartbeat's TTL (a Redis restarted with its data, after a minute,
  say) lapses every running job's started-registry entry while its worker still runs it: RQ's
  abandoned-job cleanup waits until every live worker has had a whole TTL to heartbeat again
  (`heartbeats_tell`), here and in the reconciler, so no running step is handed back and run
  twice.
"""

from __future__ import annotations

import logging
import os
import signal
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker, worker_registration

from aytada.core import media
from aytada.core.settings import get_settings
from aytada.jobs import runner
from aytada.jobs.procs import die_with_parent
from aytada.jobs.queue import queue_error
from aytada.jobs.services import Backoff

log = logging.getLogger("aytada.worker")

MONITOR_INTERVAL = 5  # seconds between the worker's checks on its horse (and heartbeats)
# seconds a missed heartbeat is tolerated before the job is abandoned: the settings'
# heartbeat_grace (AYTADA_HEARTBEAT_GRACE, default 15)
PUBSUB_POLL = 1.0  # seconds the command-channel thread waits per read (bounds the exit)
# Redis away (AuthenticationError and BusyLoadingError are ConnectionErrors: a restarted Redis
# still loading its data, or one whose password changed, is waited for too)
REDIS_LOST = (RedisConnectionError, RedisTimeoutError)


def heartbeat_ttl() -> int:
    """Seconds a running job's started-registry entry outlives its worker's last heartbeat
    (at most: see `AytadaWorker.get_heartbeat_ttl`)."""
    return MONITOR_INTERVAL + get_settings().heartbeat_grace


def heartbeats_tell(conn: Redis, away_at: float | None = None) -> bool:
    """Whether a started job whose heartbeat lapsed may be taken for one whose worker died.

    Not until Redis has answered for a whole heartbeat TTL: after an outage longer than that
    (a restart that loaded its data; Redis's uptime says so to any process) or one seen by
    this process (``away_at``: when it last found Redis away, monotonic), every running job's
    entry has lapsed although its worker still runs it and has not yet had the chance to
    heartbeat again; RQ's cleanup would hand the job back and it would run twice. INFO
    refused (an ACL): they tell, as before."""
    ttl = heartbeat_ttl()
    if away_at is not None and time.monotonic() - away_at < ttl:
        return False
    try:
        uptime = conn.info("server").get("uptime_in_seconds")
    except ResponseError:
        return True
    return not isinstance(uptime, int) or uptime >= ttl


class AytadaWorker(Worker):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("job_monitoring_interval", MONITOR_INTERVAL)
        kwargs.setdefault("work_horse_killed_handler", self._horse_killed)
        super().__init__(*args, **kwargs)
        self._killed: tuple[str, int | None] | None = None
        self._worker_pid = os.getpid()
        self.max_connection_wait_time = get_settings().retry_max  # RQ's own dequeue backoff
        self._lost = ""  # why Redis is away, while it is
        self._away_at: float | None = None  # when Redis was last found away (monotonic)
        self.asked_to_stop = False  # SIGTERM/SIGINT (otherwise a loop that ends is a failure)

    # ---------------------------------------------------------------- Redis going away

    def _redis_lost(self, exc: BaseException) -> None:
        if not self._lost:
            self.log.warning(
                "Worker %s: waiting for the job queue (Redis) to come back… (%s)",
                self.name,
                queue_error(exc),
            )
        self._lost = str(exc) or type(exc).__name__
        self._away_at = time.monotonic()

    def _redis_back(self) -> None:
        """Redis answers again: list this worker again (a Redis restarted empty forgot it)."""
        if not self._lost:
            return
        try:
            with self.connection.pipeline() as pipe:
                pipe.hset(self.key, mapping=self.serialize())
                pipe.hdel(self.key, "death")
                worker_registration.register(self, pipe)
                pipe.expire(self.key, self.worker_ttl + 60)
                pipe.execute()
        except REDIS_LOST:
            return  # gone again: the next heartbeat tries
        self._lost = ""
        self.log.warning("Worker %s: the job queue (Redis) is back; working again", self.name)

    def _until_redis_answers(self, call, what: str):
        """``call()``, tried again while Redis is away (a stop request ends the wait)."""
        from rq.exceptions import StopRequested

        backoff = Backoff()
        while True:
            try:
                result = call()
            except REDIS_LOST as exc:
                self._redis_lost(exc)
                if self.asked_to_stop:
                    raise StopRequested() from exc
                self.log.debug("Worker %s: %s: Redis away, trying again", self.name, what)
                time.sleep(backoff.next())
                continue
            self._redis_back()
            return result

    def heartbeat(self, timeout=None, pipeline=None):
        if pipeline is not None:  # queued on a pipeline: its execute() is where it fails
            return super().heartbeat(timeout, pipeline)
        try:
            super().heartbeat(timeout)
        except REDIS_LOST as exc:
            self._redis_lost(exc)  # RQ's dequeue loop waits; its next heartbeat tells
            return None
        self._redis_back()
        return None

    def set_state(self, state, pipeline=None):
        try:
            super().set_state(state, pipeline)
        except REDIS_LOST as exc:  # the state is for dashboards; kept here, sent next time
            self._redis_lost(exc)

    def set_shutdown_requested_date(self) -> None:
        try:
            super().set_shutdown_requested_date()
        except REDIS_LOST as exc:
            self._redis_lost(exc)

    def request_stop(self, signum, frame):
        self.asked_to_stop = True
        super().request_stop(signum, frame)

    def check_for_suspension(self, burst: bool) -> None:
        try:
            super().check_for_suspension(burst)
        except REDIS_LOST as exc:  # not known to be suspended: the dequeue waits for Redis
            self._redis_lost(exc)

    def prepare_execution(self, job):
        """A dequeued job is run once Redis answers again (RQ would quit and lose it)."""

        def _prepare():
            before = set(self.executions)
            try:
                return super(AytadaWorker, self).prepare_execution(job)
            except REDIS_LOST:
                for stale in set(self.executions) - before:  # the try that was not recorded
                    self.executions.pop(stale, None)
                raise

        return self._until_redis_answers(_prepare, f"starting job {job.id}")

    def maintain_heartbeats(self, job, execution) -> None:
        try:
            super().maintain_heartbeats(job, execution)
        except REDIS_LOST as exc:  # the horse works on; heartbeats resume when Redis does
            self._redis_lost(exc)
            return
        self._redis_back()

    def register_death(self) -> None:
        try:
            super().register_death()
        except REDIS_LOST as exc:  # stopping while Redis is away: its key expires by itself
            self._redis_lost(exc)

    def unsubscribe(self) -> None:
        try:
            super().unsubscribe()
        except REDIS_LOST:
            if self.pubsub_thread is not None:
                self.pubsub_thread.stop()
                self.pubsub_thread.join(timeout=PUBSUB_POLL * 2)
            if self.pubsub is not None:
                self.pubsub.close()

    # ---------------------------------------------------------------- jobs

    def subscribe(self) -> None:
        """RQ's command channel, listened to with a 1 s poll instead of RQ's 60 s.

        redis-py 8.2's ``PubSubWorkerThread.stop()`` waits for the listening thread, which after
        the unsubscribe sits out its whole poll: with RQ's 60 s every worker took a minute to
        exit (a burst worker, a warm shutdown on SIGTERM, `aytada up` stopping its workers)."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        # RQ sets `self.pubsub_thread = None` unannotated, so mypy takes the attribute as None
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=PUBSUB_POLL, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        grace = get_settings().heartbeat_grace
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - working_time
            return int(max(1, min(remaining, self.job_monitoring_interval))) + grace
        return self.job_monitoring_interval + grace

    def setup_work_horse_signals(self) -> None:
        """In the horse: die with the worker, and take the whole process group along."""
        super().setup_work_horse_signals()

        def _stop_group(signum, frame):
            os.killpg(os.getpgrp(), signal.SIGKILL)

        signal.signal(signal.SIGTERM, _stop_group)
        die_with_parent(signal.SIGTERM, self._worker_pid)

    def _horse_killed(self, job, retpid, ret_val, rusage) -> None:
        runner.kill_process_group(retpid or self._horse_pid)
        self._killed = (job.id, runner.job_attempt(job))

    def clean_registries(self) -> None:
        """RQ's registry upkeep (its abandoned-job cleanup among it), once lapsed heartbeats
        tell of dead workers (`heartbeats_tell`); skipped, it is tried again next loop."""
        if heartbeats_tell(self.connection, self._away_at):
            super().clean_registries()

    def run_maintenance_tasks(self) -> None:
        """RQ's periodic upkeep (every ~10 minutes, between jobs), plus this machine's media
        cache: copies unused for MEDIA_CACHE_HOURS go (only with an S3 store)."""
        try:
            super().run_maintenance_tasks()
        except REDIS_LOST as exc:  # next time (RQ tries again after its interval)
            self._redis_lost(exc)
        try:
            media.prune_cache()
        except OSError:
            log.exception("could not prune the media cache")

    def monitor_work_horse(self, job, queue, execution) -> None:
        self._killed = None
        try:
            super().monitor_work_horse(job, queue, execution)
        except REDIS_LOST as exc:
            # the horse has ended (its step is stored, or failed, in the database); what RQ
            # records of its end waits for Redis: the reconciler settles the generation
            self._redis_lost(exc)
            self._horse_pid = 0
            return
        if self._killed is None:
            return
        job_id, attempt = self._killed
        self._killed = None
        # after RQ recorded the old job's failure, so the new job is not overwritten
        try:
            gen_id = runner.generation_id_for_job(job_id)
            if gen_id is not None and runner.worker_died(gen_id, attempt) == "requeued":
                runner.resubmit(gen_id)
        except Exception:  # noqa: BLE001 - the reconciler's next pass handles it instead
            log.exception("could not hand back job %s after its work-horse died", job_id)
