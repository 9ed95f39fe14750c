"""The one home of project statuses: names, sets, transitions, labels and progress.

Names follow the product's public docs exactly. Everything else asks this module.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    GENERATING_IDEAS = "generating_ideas"
    IDEAS_READY = "ideas_ready"
    GENERATING_SCRIPT = "generating_script"
    SCRIPT_READY = "script_ready"
    GENERATING_SCENES = "generating_scenes"
    SCENES_READY = "scenes_ready"
    GENERATING_VIDEO = "generating_video"
    GENERATING_VOICEOVER = "generating_voiceover"
    STITCHING = "stitching"
    COMPLETED = "completed"
    FAILED = "failed"
    # banner / flyer / jingle projects
    GENERATING = "generating"
    RENDERING = "rendering"


S = Status


class GenState(StrEnum):
    """A generation's state (one run of one step)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


# Generations that hold the "not twice at once" slot and that the reconciler watches.
OPEN_STATES: tuple[GenState, ...] = (GenState.QUEUED, GenState.RUNNING)

# The seeds' My Videos table, in its order.
SEED_VIDEO_STATUSES: tuple[Status, ...] = (
    S.DRAFT,
    S.GENERATING_IDEAS,
    S.IDEAS_READY,
    S.GENERATING_SCRIPT,
    S.SCRIPT_READY,
    S.GENERATING_SCENES,
    S.SCENES_READY,
    S.GENERATING_VIDEO,
    S.GENERATING_VOICEOVER,
    S.STITCHING,
    S.COMPLETED,
    S.FAILED,
)

ACTIVE: frozenset[Status] = frozenset(
    {
        S.GENERATING_IDEAS,
        S.GENERATING_SCRIPT,
        S.GENERATING_SCENES,
        S.GENERATING_VIDEO,
        S.GENERATING_VOICEOVER,
        S.STITCHING,
        S.GENERATING,
        S.RENDERING,
    }
)
RESUMABLE: frozenset[Status] = frozenset({S.DRAFT, S.IDEAS_READY, S.SCRIPT_READY, S.SCENES_READY})
# "terminal" in the seeds: any status that is not active (polling stops).
TERMINAL: frozenset[Status] = frozenset(set(Status) - ACTIVE)

CONTINUE_IN_STUDIO = "Continue in Studio"
VIEW_AD = "View Ad"
VIEW_AND_RETRY = "View & Retry"

# Statuses a retry of a failed step may move to (the failed step's active status).
_RETRY_TARGETS = ACTIVE

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.GENERATING_IDEAS, S.GENERATING}),
    S.GENERATING_IDEAS: frozenset({S.IDEAS_READY, S.FAILED}),
    # saving an edited, already written script after new ideas were made
    S.IDEAS_READY: frozenset({S.GENERATING_IDEAS, S.GENERATING_SCRIPT, S.SCRIPT_READY}),
    S.GENERATING_SCRIPT: frozenset({S.SCRIPT_READY, S.FAILED}),
    S.SCRIPT_READY: frozenset({S.GENERATING_IDEAS, S.GENERATING_SCRIPT, S.GENERATING_SCENES}),
    S.GENERATING_SCENES: frozenset({S.SCENES_READY, S.FAILED}),
    # editing the script of a project with scenes returns it to script_ready
    S.SCENES_READY: frozenset(
        {S.SCRIPT_READY, S.GENERATING_SCRIPT, S.GENERATING_SCENES, S.GENERATING_VIDEO}
    ),
    S.GENERATING_VIDEO: frozenset({S.GENERATING_VOICEOVER, S.FAILED}),
    S.GENERATING_VOICEOVER: frozenset({S.STITCHING, S.FAILED}),
    S.STITCHING: frozenset({S.COMPLETED, S.FAILED}),
    # a finished ad can be edited (back to a ready state) or have one scene re-rendered
    S.COMPLETED: frozenset({S.SCRIPT_READY, S.SCENES_READY, S.GENERATING_VIDEO, S.GENERATING}),
    S.FAILED: frozenset(_RETRY_TARGETS | {S.SCRIPT_READY, S.SCENES_READY}),
    S.GENERATING: frozenset({S.RENDERING, S.COMPLETED, S.FAILED}),
    S.RENDERING: frozenset({S.COMPLETED, S.FAILED}),
}

PROGRESS: dict[Status, float] = {
    S.DRAFT: 0.0,
    S.GENERATING_IDEAS: 0.08,
    S.IDEAS_READY: 0.15,
    S.GENERATING_SCRIPT: 0.25,
    S.SCRIPT_READY: 0.35,
    S.GENERATING_SCENES: 0.45,
    S.SCENES_READY: 0.55,
    S.GENERATING_VIDEO: 0.65,
    S.GENERATING_VOICEOVER: 0.8,
    S.STITCHING: 0.9,
    S.COMPLETED: 1.0,
    S.FAILED: 0.0,
    S.GENERATING: 0.35,
    S.RENDERING: 0.75,
}

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
