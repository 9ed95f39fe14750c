""" "Draft strategy with AI": a background job that drafts a campaign's three pillars.

The draft is a generation of no project (step `strategy`, free): the row is written first
(`aytada.core.campaigns.new_strategy_draft`), then one RQ job through the runner's queue, so
the reconciler, `runner.worker_died` and `runner.fail_generation` recover it like any step.
`runner.run_generation` hands project-less generations to :func:`run_draft`.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from redis.exceptions import RedisError

from aytada.core.campaigns import (
    PILLARS,
    TEXT_LIMITS,
    discard_strategy_draft,
    draft_facts,
    new_strategy_draft,
)
from aytada.core.db import session_scope
from aytada.core.errors import QueueUnavailable
from aytada.core.inputs import text_problem
from aytada.core.models import Workspace
from aytada.jobs.providers import brief_from_snapshot, get_providers
from aytada.jobs.queue import check_redis, queue_error
from aytada.jobs.runner import (
    _enqueue,
    claim,
    close_succeeded,
    fail_generation,
    readable_error,
)
from aytada.providers.base import ProviderError
from aytada.providers.offline.common import sentences

log = logging.getLogger("aytada.jobs")


def start_strategy_draft(
    workspace_id: int,
    data: dict[str, Any] | None,
    campaign_id: Any = None,
    user_id: int | None = None,
) -> int:
    """Enqueue a strategy draft for the facts in `data` (the new-campaign form), or for the
    saved campaign when `data` is None. Returns the draft's generation id; the page polls it.
    Bad facts raise ValidationFailed before anything is written; Redis down: QueueUnavailable.
    """
    if data is not None:
        draft_facts(data)
    check_redis()
    gen_id, job_id = new_strategy_draft(workspace_id, data, campaign_id, user_id)
    try:
        _enqueue(gen_id, job_id)
    except (RedisError, OSError) as exc:
        discard_strategy_draft(gen_id)
        raise QueueUnavailable(
            f"{queue_error(exc)}, so no draft was started. "
            "Start the app with `aytada up` (or check REDIS_URL) and try again."
        ) from exc
    return gen_id


def _fit(text: str, limit: int) -> str:
    """The pillar as stored: whole sentences up to the campaign field's limit (never cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for sentence in sentences(text):
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def run_draft(key: str) -> str:
    """Run the draft with this key once (called by `runner.run_generation`)."""
    with session_scope() as s:
        gen = claim(s, key)
        if isinstance(gen, str):
            return gen
        gen_id, attempt = gen.id, gen.attempts or 0
        facts = dict((gen.input_snapshot or {}).get("facts") or {})
        space = s.get(Workspace, gen.workspace_id) if gen.workspace_id is not None else None
        gone = space is not None and space.deleted_at is not None
    if gone:  # its workspace was deleted while it waited: no provider call for nobody
        fail_generation(gen_id, "The workspace was deleted.")
        return "failed"
    try:
        text = get_providers().text
        draft = asdict(text.strategy(brief_from_snapshot(facts)))
        output = {k: _fit(str(draft.get(k) or ""), TEXT_LIMITS[k]) for k in PILLARS}
        for pillar, value in output.items():
            if not value or text_problem(value):
                raise ProviderError(f"{text.name} wrote no usable {pillar}; try again.")
        with session_scope() as s:
            won = close_succeeded(
                s, gen_id, attempt, output=output, provider=text.name, model=text.model
            )
        if not won:
            log.warning("strategy draft %s was already closed; result dropped", gen_id)
    except BaseException as exc:  # noqa: BLE001 - every failure must be recorded
        log.exception("strategy draft %s failed", gen_id)
        fail_generation(gen_id, readable_error(exc))
        if not isinstance(exc, Exception):
            raise
        return "failed"
    return "done"
