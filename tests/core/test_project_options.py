"""Voice, music and caption options: defaults, validation, and when they may change."""

from __future__ import annotations

import pytest

from aytada.core import project_options as po
from aytada.core import projects
from aytada.core.errors import Conflict, NotFound, ValidationFailed
from aytada.providers import caption_track, ffmpeg
from aytada.providers.offline.voice import SPEED_RANGE as ESPEAK_SPEEDS
from tests.factories import make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


def test_defaults_are_todays_ad() -> None:
    assert po.voice_options({}) == po.VoiceOptions("", "", 1.0, True, 5)
    assert po.caption_style(None) == po.CaptionStyle("bottom", "medium", "white", "box")
    # the default music level is the mix every ad had (the stitcher's own default)
    assert po.MUSIC_DB_DEFAULT == ffmpeg.MUSIC_UNDER_VOICE_DB


def test_every_allowed_value_is_one_the_renderer_knows() -> None:
    assert set(po.CAPTION_POSITIONS) == set(caption_track.CAPTION_POSITIONS)
    assert set(po.CAPTION_SIZES) == set(caption_track.CAPTION_SIZES)
    assert set(po.CAPTION_COLORS) == set(caption_track.CAPTION_COLORS)
    assert set(po.CAPTION_STYLES) == set(caption_track.CAPTION_STYLES)
    assert "off" in po.CAPTION_POSITIONS  # a video may have no burned-in captions
    assert (po.MUSIC_DB_MIN, po.MUSIC_DB_MAX) == ffmpeg.MUSIC_UNDER_VOICE_RANGE
    assert ESPEAK_SPEEDS[0] <= po.SPEED_MIN and po.SPEED_MAX <= ESPEAK_SPEEDS[1]


def test_stored_rubbish_reads_as_defaults() -> None:
    chosen = {
        "voice": "bad voice; rm -rf",
        "voice_provider": "elevenlabs",
        "speed": "fast",
        "music": "yes",
        "music_db": 99,
        "captions": {"position": "left", "size": "large", "color": 7, "style": ["box"]},
    }
    stored = {"choices": chosen}
    assert po.voice_options(stored) == po.VoiceOptions()
    assert po.caption_style(stored) == po.CaptionStyle(size="large")
    assert po.caption_style({"choices": {"captions": "top"}}) == po.CaptionStyle()
    rubbish = {"choices": {"speed": float("nan"), "music_db": True}}
    assert po.voice_options(rubbish) == po.VoiceOptions()
    assert po.voice_options(chosen) == po.VoiceOptions()  # a flat row of before 0006


def test_validate_voice_options_cleans_and_rounds() -> None:
    clean = po.validate_voice_options(
        {"voice": " en-gb+f4 ", "voice_provider": "offline", "speed": "1.1", "music": False,
         "music_db": 12.04},
        voices=["en-gb+f4"],
    )  # fmt: skip
    assert clean == {"voice": "en-gb+f4", "voice_provider": "offline", "speed": 1.1,
                     "music": False, "music_db": 12.0}  # fmt: skip
    # "" (or None) means the workspace's voice; its provider is dropped
    assert po.validate_voice_options({"voice": None, "voice_provider": "offline"}) == {
        "voice": "",
        "voice_provider": "",
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"speed": 0.5}, "speed", "from 0.8× to 1.2×"),
        ({"speed": 1.25}, "speed", "from 0.8× to 1.2×"),
        ({"speed": "inf"}, "speed", "from 0.8× to 1.2×"),
        ({"speed": True}, "speed", "from 0.8× to 1.2×"),
        ({"speed": [1]}, "speed", "from 0.8× to 1.2×"),
        ({"music": "off"}, "music", "on or off"),
        ({"music_db": 2}, "music_db", "from 3 to 20 dB"),
        ({"music_db": 21}, "music_db", "from 3 to 20 dB"),
        ({"music_db": "loud"}, "music_db", "from 3 to 20 dB"),
        ({"voice": 42}, "voice", "listed voices"),
        ({"voice": "x" * 101}, "voice", "at most 100"),
        ({"voice": "Rachel\x00"}, "voice", "listed voices"),
        ({"voice": "ünïcode"}, "voice", "listed voices"),
        ({"voice": "en-us", "voice_provider": "polly"}, "voice_provider", "ElevenLabs"),
        ({"volume": 3}, "volume", "not a voice or music option"),
    ],
)
def test_bad_voice_values_are_refused_clearly(values, field, message) -> None:
    with pytest.raises(ValidationFailed) as info:
        po.validate_voice_options(values)
    assert message in info.value.errors[field]


def test_a_voice_the_provider_does_not_list_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="not available"):
        po.validate_voice_options({"voice": "en-gb", "voice_provider": "offline"},
                                  voices=["en-us"])  # fmt: skip


def test_validate_caption_style() -> None:
    assert po.validate_caption_style({"position": "top", "color": "yellow"}) == {
        "position": "top", "size": "medium", "color": "yellow", "style": "box",
    }  # fmt: skip
    for bad in ({"position": "left"}, {"size": 3}, {"color": "#fff"}, {"style": None},
                {"font": "Comic Sans"}):  # fmt: skip
        with pytest.raises(ValidationFailed):
            po.validate_caption_style(bad)


def test_saving_changes_only_the_given_options(workspace_id: int) -> None:
    made = {"thumbnail": "x.png", "music_asset": 4}
    pid = make_project(workspace_id, status="scenes_ready",
                       options={"outputs": made, "choices": {"voice": "en-gb"}})  # fmt: skip
    saved = po.save_voice_options(workspace_id, pid, {"speed": 0.9, "music": False})
    assert saved == po.VoiceOptions(voice="en-gb", speed=0.9, music=False)
    po.save_caption_style(workspace_id, pid, {"position": "top", "style": "outline"})
    options = projects.get_project(workspace_id, pid).options
    assert options == {
        "outputs": made,  # other sections as they were
        "choices": {"voice": "en-gb", "speed": 0.9, "music": False,
                    "captions": {"position": "top", "size": "medium", "color": "white",
                                 "style": "outline"}},
    }  # fmt: skip
    assert po.voice_options(options) == po.VoiceOptions(voice="en-gb", speed=0.9, music=False)
    assert po.caption_style(options) == po.CaptionStyle(position="top", style="outline")


def test_bad_values_change_nothing(workspace_id: int) -> None:
    pid = make_project(workspace_id, status="draft")
    with pytest.raises(ValidationFailed):
        po.save_voice_options(workspace_id, pid, {"speed": 0.9, "music_db": 50})
    assert projects.get_project(workspace_id, pid).options == {}


@pytest.mark.parametrize("status", ["generating_video", "generating_voiceover", "stitching",
                                    "generating_scenes", "completed"])  # fmt: skip
def test_options_are_fixed_once_the_render_starts(workspace_id: int, status: str) -> None:
    pid = make_project(workspace_id, status=status)
    with pytest.raises(Conflict) as info:
        po.save_voice_options(workspace_id, pid, {"speed": 0.9})
    assert "voice and music" in str(info.value)
    with pytest.raises(Conflict, match="caption style"):
        po.save_caption_style(workspace_id, pid, {"position": "top"})
    assert projects.get_project(workspace_id, pid).options == {}


def test_a_failed_render_may_change_the_voice_and_the_captions_of_rendered_clips(
    workspace_id: int,
) -> None:
    """Rendered clips hold no caption (the stitch lays them over): a failed render's retry
    burns the captions as they are chosen then."""
    pid = make_project(workspace_id, status="failed", segments={"0": 11})
    assert po.save_voice_options(workspace_id, pid, {"music": False}).music is False
    assert po.save_caption_style(workspace_id, pid, {"size": "large", "position": "off"}) == (
        po.CaptionStyle(position="off", size="large"))  # fmt: skip


def test_other_kinds_deleted_and_foreign_projects(workspace_id: int) -> None:
    banner = make_project(workspace_id, kind="banner", status="draft")
    with pytest.raises(Conflict, match="Only video ads"):
        po.save_voice_options(workspace_id, banner, {"music": False})
    pid = make_project(workspace_id)
    projects.soft_delete(workspace_id, pid)
    with pytest.raises(NotFound):
        po.save_caption_style(workspace_id, pid, {"position": "top"})
    with pytest.raises(NotFound):
        po.save_voice_options(workspace_id + 999, make_project(workspace_id), {"music": False})
    with pytest.raises(NotFound):
        po.save_voice_options(workspace_id, "1; DROP TABLE projects", {"music": False})


def test_a_render_that_starts_while_the_voice_is_saved_keeps_the_old_voice(
    workspace_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock is checked, then the render starts in another tab, then the save lands: the
    save must lose (the voiceover would otherwise read options the user saw as locked)."""
    from sqlalchemy import update

    from aytada.core.db import session_scope
    from aytada.core.models import Project

    pid = make_project(workspace_id, status="scenes_ready")
    checked = po.voice_lock

    def lock_then_render_starts(project):  # type: ignore[no-untyped-def]
        reason = checked(project)
        with session_scope() as other:  # the Render click of another tab, committed meanwhile
            other.execute(update(Project).where(Project.id == pid)
                          .values(status="generating_video"))  # fmt: skip
        return reason

    monkeypatch.setattr(po, "voice_lock", lock_then_render_starts)
    with pytest.raises(Conflict, match="changed meanwhile"):
        po.save_voice_options(workspace_id, pid, {"speed": 0.9, "music": False})
    project = projects.get_project(workspace_id, pid)
    assert project.status == "generating_video" and project.options == {}
