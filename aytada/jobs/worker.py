"""The RQ worker `aytada worker` runs: crash-aware and with no orphans.

- A killed work-horse is reported at once (RQ's work-horse-killed handler): what is left of its
  process group (ffmpeg) is killed and the generation is handled by `runner.worker_died`
  (run again once, failed on the second death), then enqueued again.
- Heartbeats are short (a job's started-registry entry expires `HEARTBEAT_GRACE` seconds after
  the last one), so a worker that died on any host is found by RQ's abandoned-job cleanup,
  which the reconciler runs every pass, well within a minute.
- The work-horse dies with its worker (parent-death signal) and takes its process group
  (ffmpeg and the like) with it.
"""

from __future__ import annotations

import logging
import os
import signal

from rq import Worker

from aytada.core import media
from aytada.jobs import runner
from aytada.jobs.procs import die_with_parent

log = logging.getLogger("aytada.worker")

MONITOR_INTERVAL = 5  # seconds between the worker's checks on its horse (and heartbeats)
HEARTBEAT_GRACE = 15  # seconds a missed heartbeat is tolerated before the job is abandoned
PUBSUB_POLL = 1.0  # seconds the command-channel thread waits per read (bounds the exit)


class AytadaWorker(Worker):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("job_monitoring_interval", MONITOR_INTERVAL)
        kwargs.setdefault("work_horse_killed_handler", self._horse_killed)
        super().__init__(*args, **kwargs)
        self._killed: tuple[str, int | None] | None = None
        self._worker_pid = os.getpid()

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
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - working_time
            return int(max(1, min(remaining, self.job_monitoring_interval))) + HEARTBEAT_GRACE
        return self.job_monitoring_interval + HEARTBEAT_GRACE

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

    def run_maintenance_tasks(self) -> None:
        """RQ's periodic upkeep (every ~10 minutes, between jobs), plus this machine's media
        cache: copies unused for MEDIA_CACHE_HOURS go (only with an S3 store)."""
        super().run_maintenance_tasks()
        try:
            media.prune_cache()
        except OSError:
            log.exception("could not prune the media cache")

    def monitor_work_horse(self, job, queue, execution) -> None:
        self._killed = None
        super().monitor_work_horse(job, queue, execution)
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
