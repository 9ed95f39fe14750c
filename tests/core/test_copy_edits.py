"""A banner's or flyer's words are editable: checked field by field, and nothing changes on a
refusal."""

from __future__ import annotations

import pytest

from aytada.core import projects, statuses
from aytada.core.errors import Conflict, NotFound, ValidationFailed
from aytada.core.options import DesignCopy, Outputs, options_of, options_with
from tests.factories import make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test

WORDS = DesignCopy("Grip that holds", "Trail shoes with a sole that bites on wet rock.", "Shop now")


def _banner(ws: int, status: str = "completed", words: DesignCopy | None = WORDS) -> int:
    return make_project(
        ws, kind="banner", status=status, options=options_with({}, Outputs(copy=words))
    )


def _words(ws: int, pid: int) -> DesignCopy | None:
    return options_of(projects.get_project(ws, pid)).outputs.copy


def test_an_edit_replaces_only_the_fields_given(workspace_id: int) -> None:
    pid = _banner(workspace_id)
    assert projects.save_copy(workspace_id, pid, {"headline": "  Holds on wet rock  "})
    assert _words(workspace_id, pid) == DesignCopy("Holds on wet rock", WORDS.subline, "Shop now")
    # the same words again: nothing to change
    assert not projects.save_copy(workspace_id, pid, {"headline": "Holds on wet rock"})
    assert projects.save_copy(workspace_id, pid, {"subline": ""})  # a subline may go
    assert _words(workspace_id, pid).subline == ""  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"headline": "   "}, "headline", "Cannot be empty."),
        ({"call_to_action": ""}, "call_to_action", "Cannot be empty."),
        ({"headline": "one two three four five six seven eight nine"}, "headline",
         "At most 8 words (this has 9)."),
        ({"call_to_action": "Buy it now today please"}, "call_to_action",
         "At most 4 words (this has 5)."),
        ({"subline": "x" * 201}, "subline", "Keep it under 200 characters."),
        ({"headline": "Bad\x00text"}, "headline", "control characters"),
        ({"headline": 7}, "headline", "Must be text."),
        ({"price": "9"}, "price", "Unknown field"),
    ],
)  # fmt: skip
def test_bad_words_are_refused_field_by_field_and_change_nothing(
    workspace_id: int, fields: dict, field: str, message: str
) -> None:
    pid = _banner(workspace_id)
    before = projects.get_project(workspace_id, pid).options
    with pytest.raises(ValidationFailed) as caught:
        projects.save_copy(workspace_id, pid, fields)
    assert message in caught.value.errors[field]
    assert projects.get_project(workspace_id, pid).options == before


def test_unicode_words_are_kept_as_typed(workspace_id: int) -> None:
    pid = _banner(workspace_id)
    assert projects.save_copy(workspace_id, pid, {"headline": "Crème légère, 30 s ☀"})
    assert _words(workspace_id, pid).headline == "Crème légère, 30 s ☀"  # type: ignore[union-attr]


def test_no_edit_while_a_step_runs_before_the_words_exist_or_on_a_video(workspace_id: int):
    running = _banner(workspace_id, status="rendering")
    with pytest.raises(Conflict, match="A step is running"):
        projects.save_copy(workspace_id, running, {"headline": "New"})
    unwritten = _banner(workspace_id, status="draft", words=None)
    with pytest.raises(Conflict, match="Write the copy and picture first"):
        projects.save_copy(workspace_id, unwritten, {"headline": "New"})
    video = make_project(workspace_id, status="completed")
    with pytest.raises(Conflict, match="no banner or flyer words"):
        projects.save_copy(workspace_id, video, {"headline": "New"})
    assert _words(workspace_id, running) == WORDS and _words(workspace_id, unwritten) is None


def test_another_workspaces_banner_is_not_found(workspace_id: int) -> None:
    from aytada.core.db import session_scope
    from aytada.core.workspaces import create_workspace

    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    pid = _banner(other)
    with pytest.raises(NotFound):
        projects.save_copy(workspace_id, pid, {"headline": "Mine now"})
    assert _words(other, pid) == WORDS


def test_a_finished_design_may_be_set_again_after_an_edit() -> None:
    # the typography step may start on a completed banner; it is free
    assert statuses.can_transition("completed", "rendering")
    from aytada.core.pipeline import STEPS

    assert STEPS["compose"].after_edit and STEPS["compose"].price.key(None, 0) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------- jingle lyrics

LYRICS = "Northpeak, hold the trail\nGrip that never fails"


def _jingle(ws: int, *, sung: bool, status: str = "completed", lyrics: str = LYRICS) -> int:
    made = Outputs(lyrics=lyrics, sung=sung)
    return make_project(ws, kind="jingle", status=status, options=options_with({}, made))


def _lyrics(ws: int, pid: int) -> tuple[str, bool]:
    made = options_of(projects.get_project(ws, pid)).outputs
    return made.lyrics, made.sung


def test_an_instrumental_jingles_lyrics_are_saved_as_typed_lines(workspace_id: int) -> None:
    pid = _jingle(workspace_id, sung=False)
    typed = "  Line one   \r\nLine two, café ☀  \n\n"
    assert projects.save_lyrics(workspace_id, pid, typed)
    assert _lyrics(workspace_id, pid) == ("Line one\nLine two, café ☀", False)
    assert not projects.save_lyrics(workspace_id, pid, "Line one\nLine two, café ☀")


@pytest.mark.parametrize(
    ("text", "message"),
    [(" \n ", "Cannot be empty."), ("la " * 700, "Keep them under 2000 characters."),
     ("Bad\x00line", "control characters"), (7, "Must be text.")],
)  # fmt: skip
def test_bad_lyrics_are_refused_and_change_nothing(workspace_id: int, text, message) -> None:
    pid = _jingle(workspace_id, sung=False)
    with pytest.raises(ValidationFailed) as caught:
        projects.save_lyrics(workspace_id, pid, text)
    assert message in caught.value.errors["lyrics"]
    assert _lyrics(workspace_id, pid) == (LYRICS, False)


def test_lyrics_are_not_saved_alone_when_sung_running_unwritten_or_not_a_jingle(
    workspace_id: int,
) -> None:
    sung = _jingle(workspace_id, sung=True)
    with pytest.raises(Conflict, match="sung"):  # they change with the music (the jingle step)
        projects.save_lyrics(workspace_id, sung, "New words")
    assert _lyrics(workspace_id, sung) == (LYRICS, True)
    assert projects.jingle_lyrics(workspace_id, sung) == (LYRICS, True)
    running = _jingle(workspace_id, sung=False, status="generating")
    with pytest.raises(Conflict, match="A step is running"):
        projects.save_lyrics(workspace_id, running, "New words")
    unwritten = _jingle(workspace_id, sung=False, status="draft", lyrics="")
    with pytest.raises(Conflict, match="Make the jingle first"):
        projects.save_lyrics(workspace_id, unwritten, "New words")
    banner = _banner(workspace_id)
    with pytest.raises(Conflict, match="A banner project has no lyrics"):
        projects.save_lyrics(workspace_id, banner, "New words")
    assert _lyrics(workspace_id, running) == (LYRICS, False)
