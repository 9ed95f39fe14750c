"""Status sets, transitions, labels and progress: every one derived from the pipeline table.

The status names live beside the table (`aytada.core.pipeline.Status`, the seeds' names); this
module turns the table into the questions the rest of the app asks ("is it active?", "may it
move from A to B?", "how far along is it?"). Nothing here is written twice: a step added to
`PIPELINE` is active, enterable, retryable and on the progress bar without an edit here.
"""

from __future__ import annotations

from enum import StrEnum

from aytada.core.pipeline import EDITS, PIPELINE, STEPS, Status, Step, wizard_steps

__all__ = [
    "ACTIVE", "CONTINUE_IN_STUDIO", "GenState", "LABELS", "OPEN_STATES", "PROGRESS", "RESUMABLE",
    "SEED_VIDEO_STATUSES", "Status", "TERMINAL", "TRANSITIONS", "VIEW_AD", "VIEW_AND_RETRY",
    "action_label", "can_transition", "is_active", "is_resumable", "label", "progress",
    "sources_for",
]  # fmt: skip

S = Status


class GenState(StrEnum):
    """A generation's state (one run of one step)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


# Generations that hold the "not twice at once" slot and that the reconciler watches.
OPEN_STATES: tuple[GenState, ...] = (GenState.QUEUED, GenState.RUNNING)

_KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for step in PIPELINE for k in sorted(step.kinds)))


def _after(step: Step) -> Status:
    """Where a success of ``step`` leads (a fan-in leads to the step that follows it)."""
    if step.done is not None:
        return step.done
    assert step.then is not None, f"{step.name}: a fan-in step names the step that follows"
    return STEPS[step.then].active


def _ready(status: Status) -> bool:
    """A status a project rests in between steps (the Studio's Continue)."""
    return status not in ACTIVE and status not in (S.COMPLETED, S.FAILED)


# Active: a step runs (polled, progress bar, no action button).
ACTIVE: frozenset[Status] = frozenset(step.active for step in PIPELINE)
# Resumable ("Continue in Studio"): a new project and every status between two steps.
RESUMABLE: frozenset[Status] = frozenset(
    {S.DRAFT} | {_after(step) for step in PIPELINE if _ready(_after(step))}
)
# "terminal" in the seeds: any status that is not active (polling stops).
TERMINAL: frozenset[Status] = frozenset(set(Status) - ACTIVE)


def _transitions() -> dict[Status, frozenset[Status]]:
    moves: dict[Status, set[Status]] = {s: set() for s in Status}
    for step in PIPELINE:
        moves[step.active] |= {_after(step), S.FAILED}
        moves[S.FAILED].add(step.active)  # retry runs only the failed step
        if step.after_edit:  # a finished asset set again after an edit of its words
            moves[S.COMPLETED].add(step.active)
        if step.starts_from is not None:  # e.g. a voice variant's voiceover (its clips kept)
            moves[step.starts_from].add(step.active)
    for kind in _KINDS:
        wizard = wizard_steps(kind)
        moves[S.DRAFT].add(wizard[0].active)
        # a finished asset can have its last user step run again (one scene re-rendered, a new
        # banner picture)
        moves[S.COMPLETED].add(wizard[-1].active)
        # between steps: the one before again, the same one again, or the next one
        for i, step in enumerate(wizard):
            if step.done is None or not _ready(step.done):
                continue
            for other in wizard[max(0, i - 1) : i + 2]:
                moves[step.done].add(other.active)
    for source, targets in EDITS.items():
        moves[source] |= targets
    return {s: frozenset(t) for s, t in moves.items()}


TRANSITIONS: dict[Status, frozenset[Status]] = _transitions()


def _video_order() -> tuple[Status, ...]:
    """The seeds' My Videos table order: the video pipeline walked from draft, then failed."""
    order = [S.DRAFT]
    for step in (s for s in PIPELINE if "video" in s.kinds):
        order += [x for x in (step.active, step.done) if x is not None and x not in order]
    return (*order, S.FAILED)


SEED_VIDEO_STATUSES: tuple[Status, ...] = _video_order()


def _progress() -> dict[Status, float]:
    """While a step runs: its table share; resting between two steps: halfway between them."""
    shares: dict[Status, float] = {S.DRAFT: 0.0, S.COMPLETED: 1.0, S.FAILED: 0.0}
    for step in PIPELINE:
        shares[step.active] = step.progress
    for kind in _KINDS:
        wizard = wizard_steps(kind)
        for step, following in zip(wizard, wizard[1:], strict=False):
            if step.done is not None and _ready(step.done):
                shares[step.done] = round((step.progress + following.progress) / 2, 2)
    return shares


PROGRESS: dict[Status, float] = _progress()

CONTINUE_IN_STUDIO = "Continue in Studio"
VIEW_AD = "View Ad"
VIEW_AND_RETRY = "View & Retry"

LABELS: dict[Status, str] = {s: s.value.replace("_", " ").capitalize() for s in Status}


def is_active(status: str) -> bool:
    return Status(status) in ACTIVE


def is_resumable(status: str) -> bool:
    return Status(status) in RESUMABLE


def can_transition(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def sources_for(target: str) -> frozenset[Status]:
    """Every status from which `target` may be entered (for compare-and-set updates)."""
    t = Status(target)
    return frozenset(s for s, allowed in TRANSITIONS.items() if t in allowed)


def action_label(status: str) -> str | None:
    """The card's action button for a status; None while the project is active."""
    s = Status(status)
    if s in ACTIVE:
        return None
    if s is S.COMPLETED:
        return VIEW_AD
    if s is S.FAILED:
        return VIEW_AND_RETRY
    return CONTINUE_IN_STUDIO


def progress(status: str) -> float:
    return PROGRESS[Status(status)]


def label(status: str) -> str:
    return LABELS[Status(status)]
