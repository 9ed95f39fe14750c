"""The trivial job of bench/queue_overhead.py, in a module of its own: the work-horse imports
it for every job (the product's job function is imported by the worker before it forks), so it
imports nothing beyond ``time``."""

import time


def stamp(key: str) -> None:
    """Push the time this job started to the Redis list ``key``."""
    started = time.time()
    from rq import get_current_job  # already imported by the worker

    job = get_current_job()
    assert job is not None
    job.connection.rpush(key, repr(started))
