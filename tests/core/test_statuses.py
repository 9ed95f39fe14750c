"""Status sets, labels and transitions match the product's public docs (the seeds)."""

from __future__ import annotations

import pytest

from aytada.core import statuses
from aytada.core.statuses import Status

# My Videos seed table: status → active polling
SEED_POLLING = {
    "draft": False,
    "generating_ideas": True,
    "ideas_ready": False,
    "generating_script": True,
    "script_ready": False,
    "generating_scenes": True,
    "scenes_ready": False,
    "generating_video": True,
    "generating_voiceover": True,
    "stitching": True,
    "completed": False,
    "failed": False,
}


def test_names_are_the_seed_names_plus_generating_and_rendering() -> None:
    assert [s.value for s in statuses.SEED_VIDEO_STATUSES] == list(SEED_POLLING)
    assert {s.value for s in Status} == set(SEED_POLLING) | {"generating", "rendering"}


@pytest.mark.parametrize(("status", "polls"), sorted(SEED_POLLING.items()))
def test_active_set_matches_the_seed_polling_column(status: str, polls: bool) -> None:
    assert statuses.is_active(status) is polls


def test_campaign_seed_statuses() -> None:
    assert statuses.is_active("generating") and statuses.is_active("rendering")
    assert not statuses.is_active("completed") and not statuses.is_active("failed")


def test_resumable_are_exactly_the_four_continue_in_studio_statuses() -> None:
    assert {s.value for s in statuses.RESUMABLE} == {
        "draft",
        "ideas_ready",
        "script_ready",
        "scenes_ready",
    }


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_action_label_by_status(status: str) -> None:
    label = statuses.action_label(status)
    if status in SEED_POLLING and SEED_POLLING[status] or status in ("generating", "rendering"):
        assert label is None
    elif status == "completed":
        assert label == "View Ad"
    elif status == "failed":
        assert label == "View & Retry"
    else:
        assert label == "Continue in Studio"


def test_terminal_means_not_active() -> None:
    assert statuses.TERMINAL == frozenset(set(Status) - statuses.ACTIVE)
    assert Status.SCENES_READY in statuses.TERMINAL


def test_pipeline_order_is_allowed_and_skipping_is_not() -> None:
    chain = [
        "draft",
        "generating_ideas",
        "ideas_ready",
        "generating_script",
        "script_ready",
        "generating_scenes",
        "scenes_ready",
        "generating_video",
        "generating_voiceover",
        "stitching",
        "completed",
    ]
    for a, b in zip(chain, chain[1:], strict=False):
        assert statuses.can_transition(a, b), (a, b)
    assert not statuses.can_transition("draft", "completed")
    assert not statuses.can_transition("draft", "generating_video")
    assert not statuses.can_transition("completed", "failed")
    assert not statuses.can_transition("ideas_ready", "generating_video")


def test_every_active_status_can_fail_and_failed_can_retry_it() -> None:
    for s in statuses.ACTIVE:
        assert statuses.can_transition(s, "failed"), s
        assert statuses.can_transition("failed", s), s
    for s in statuses.TERMINAL - {Status.FAILED}:
        assert not statuses.can_transition(s, "failed"), s


def test_editing_script_returns_scenes_ready_to_script_ready() -> None:
    assert statuses.can_transition("scenes_ready", "script_ready")
    assert statuses.can_transition("ideas_ready", "script_ready")  # saving an existing script


def test_progress_rises_along_the_pipeline() -> None:
    chain = [s for s in statuses.SEED_VIDEO_STATUSES if s is not Status.FAILED]
    values = [statuses.progress(s) for s in chain]
    assert values == sorted(values) and values[0] == 0.0 and values[-1] == 1.0
    assert statuses.sources_for("generating_ideas") >= {Status.DRAFT, Status.IDEAS_READY}
