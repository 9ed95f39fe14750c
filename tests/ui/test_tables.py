"""The UI's tables cover what the core declares: every kind, every user-started video step."""

from __future__ import annotations

from aytada.core.formats import KINDS
from aytada.core.pipeline import wizard_steps
from aytada.ui.studio_sections import PANELS, WIZARD_SECTIONS
from aytada.ui.widgets import KIND_LOOKS


def test_every_kind_has_a_look_and_a_studio_panel():
    assert set(KIND_LOOKS) == set(KINDS)
    assert set(PANELS) == set(KINDS)


def test_every_user_started_video_step_has_a_studio_section():
    assert set(WIZARD_SECTIONS) == {step.name for step in wizard_steps("video")}
