"""The Studio says whether a jingle's lyrics are sung: an instrumental jingle offers them as a
text for a singer (copy, download, edit for free); a sung one sings edited lyrics again at the
jingle's price, shown on the button."""

from __future__ import annotations

import wave
from pathlib import Path

from aytada.core.options import Outputs, options_of, options_with
from aytada.core.workspaces import get_balance
from aytada.ui.widgets import STUDIO
from tests.factories import attach_output, make_project
from tests.ui.helpers import generations, project_row, texts

LYRICS = "Northpeak, hold the trail\nGrip that never fails"


def _finished_jingle(ws: int, *, sung: bool) -> int:
    made = options_with({}, Outputs(lyrics=LYRICS, sung=sung))
    pid = make_project(ws, kind="jingle", status="completed", options=made)

    def one_silent_second(path: Path) -> None:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(b"\0\0" * 8000)

    attach_output(pid, "jingle.wav", one_silent_second, kind="audio", role="jingle",
                  mime_type="audio/wav", step="jingle",
                  provider="elevenlabs" if sung else "offline")  # fmt: skip
    return pid


def _lyrics_field(at):  # type: ignore[no-untyped-def]
    return next(t for t in at.text_area if t.key and t.key.startswith("lyrics-"))


def test_an_instrumental_jingle_offers_its_lyrics_to_a_singer_and_saves_them_free(
    app, ws, ui_redis
):
    pid = _finished_jingle(ws, sung=False)
    at = app(STUDIO, project=pid)
    shown = texts(at)
    assert "Instrumental:" in shown and "nobody sings" in shown and "offline synthesizer" in shown
    assert "Lyrics for a singer" in shown and "Lyrics (sung)" not in shown
    assert at.code[0].value == LYRICS  # shown with a copy button
    assert _lyrics_field(at).label == "Lyrics for a singer"
    assert at.button(key="save-lyrics").label == "Save lyrics (free)"
    assert len(at.get("download_button")) == 2  # the audio and the lyrics (.txt)
    balance = get_balance(ws)
    _lyrics_field(at).input("Hold the trail\nNorthpeak all the way")
    at.button(key="save-lyrics").click().run()
    assert not at.exception
    assert "Lyrics saved." in texts(at)
    project = project_row(pid)
    assert options_of(project).outputs.lyrics == "Hold the trail\nNorthpeak all the way"
    assert project.status == "completed" and [g.step for g in generations(pid)] == ["jingle"]
    assert get_balance(ws) == balance


def test_bad_lyrics_show_the_problem_and_change_nothing(app, ws, ui_redis):
    pid = _finished_jingle(ws, sung=False)
    at = app(STUDIO, project=pid)
    _lyrics_field(at).input("   ")
    at.button(key="save-lyrics").click().run()
    assert "Cannot be empty." in texts(at)
    assert options_of(project_row(pid)).outputs.lyrics == LYRICS


def test_sung_lyrics_edited_are_sung_again_at_the_price_on_the_button(app, ws, ui_redis):
    pid = _finished_jingle(ws, sung=True)
    at = app(STUDIO, project=pid)
    shown = texts(at)
    assert "Sung: the music sings these lyrics." in shown and "Lyrics (sung)" in shown
    assert "Instrumental" not in shown and "Lyrics for a singer" not in shown
    assert at.button(key="save-lyrics").label == "Save and sing them again · 10 credits"
    _lyrics_field(at).input("Hold the trail\nNorthpeak all the way")
    at.button(key="save-lyrics").click().run()
    assert not at.exception
    assert "being sung again" in texts(at)
    project = project_row(pid)
    assert project.status == "generating"
    assert options_of(project).outputs.lyrics == LYRICS  # stored once the music sings them
    queued = generations(pid)[-1]
    assert (queued.step, queued.state, queued.credits) == ("jingle", "queued", 10)
    assert queued.input_snapshot["lyrics"] == "Hold the trail\nNorthpeak all the way"
