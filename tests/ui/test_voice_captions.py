"""The Studio's voice, music and caption panels and the subtitle downloads (AppTest)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from aytada.core import project_options as po
from aytada.core.db import session_scope
from aytada.core.models import Asset, Project
from aytada.core.settings import get_settings, reset_settings
from aytada.jobs import voices
from aytada.ui.widgets import STUDIO
from tests.conftest import IN_CI
from tests.factories import make_project
from tests.providers.stub_server import Recorded, Reply, StubServer
from tests.ui.helpers import IDEAS, SCENES, SCRIPT, texts

EL_KEY = "el-ui-test-SECRET-42"


@pytest.fixture(autouse=True)
def fresh_voice_lists() -> Iterator[None]:
    voices._lists.clear()
    yield
    voices._lists.clear()


@pytest.fixture
def espeak() -> None:
    if shutil.which("espeak-ng") is None:
        if IN_CI:
            pytest.fail("espeak-ng is required in CI")
        pytest.skip("espeak-ng is not installed")


def video(ws: int, status: str = "scenes_ready", **fields: Any) -> int:
    return make_project(ws, status=status, ideas=IDEAS, chosen_idea=0, script=SCRIPT,
                        scenes=fields.pop("scenes", SCENES), **fields)  # fmt: skip


def stored(pid: int) -> dict:
    with session_scope() as s:
        return dict(s.get(Project, pid).options or {})


def widget(at: AppTest, kind: str, name: str, pid: int) -> Any:
    return getattr(at, kind)(key=f"vc-{name}-{pid}")


# --------------------------------------------------------------------------- voice and music


def test_voice_speed_and_music_are_saved_as_they_change(app, ws, espeak):
    pid = video(ws)
    at = app(STUDIO, project=pid)
    assert not at.exception
    picker = widget(at, "selectbox", "voice", pid)
    assert picker.value == ""  # the workspace's voice until one is chosen
    assert "Voice · Offline voices" in picker.label
    # Piper's voice first (natural), then espeak-ng's
    assert picker.options[1].startswith("Joe — American English, male (natural)")
    assert any("British English, female — espeak-ng (robotic)" in o for o in picker.options)
    picker.set_value("en-gb-x-rp+f4").run()
    assert not at.exception
    widget(at, "slider", "speed", pid).set_value(1.1).run()
    widget(at, "toggle", "music", pid).set_value(False).run()
    options = stored(pid)
    assert po.voice_options(options) == po.VoiceOptions("en-gb-x-rp+f4", "offline", 1.1, False)
    # music off: its level cannot be set
    assert widget(at, "slider", "music_db", pid).disabled
    widget(at, "toggle", "music", pid).set_value(True).run()
    widget(at, "slider", "music_db", pid).set_value(12).run()
    assert po.voice_options(stored(pid)).music_db == 12
    # back to the default voice
    widget(at, "selectbox", "voice", pid).set_value("").run()
    assert po.voice_options(stored(pid)).voice == ""
    # a fresh page shows what was saved
    again = app(STUDIO, project=pid)
    assert widget(again, "slider", "speed", pid).value == pytest.approx(1.1)
    assert widget(again, "slider", "music_db", pid).value == 12


def _played(at: AppTest) -> Any:
    """The preview's audio, once the background thread has made it (the page reruns every
    second meanwhile: here, a run per poll)."""
    deadline = time.monotonic() + 60
    while not at.get("audio"):
        assert not at.exception, at.exception
        assert time.monotonic() < deadline, texts(at)
        assert "Making the preview…" in texts(at)
        time.sleep(0.2)
        at.run()
    (audio,) = at.get("audio")
    return audio


def test_the_preview_plays_the_chosen_voice_and_is_cached(app, ws, espeak):
    pid = video(ws)
    at = app(STUDIO, project=pid)
    widget(at, "selectbox", "voice", pid).set_value("en-us+f3").run()
    assert not at.get("audio")
    began = time.monotonic()
    widget(at, "button", "preview", pid).click().run()
    _played(at)
    assert not at.exception
    previews = list((get_settings().media_dir / "previews").glob("offline-*.wav"))
    assert len(previews) == 1 and previews[0].stat().st_size > 20_000
    made = previews[0].stat().st_mtime_ns
    widget(at, "button", "preview", pid).click().run()
    assert at.get("audio") and previews[0].stat().st_mtime_ns == made  # cached: at once
    # another speed is another sample; the old one no longer plays for the new choice
    widget(at, "slider", "speed", pid).set_value(0.9).run()
    assert not at.get("audio")
    widget(at, "button", "preview", pid).click().run()
    _played(at)
    assert len(list((get_settings().media_dir / "previews").glob("offline-*.wav"))) == 2
    # the default voice is Piper's: the page does not wait while it loads and speaks
    widget(at, "selectbox", "voice", pid).set_value("").run()
    clicked = time.monotonic()
    widget(at, "button", "preview", pid).click().run()
    assert time.monotonic() - clicked < 5 and time.monotonic() - began < 60
    _played(at)
    assert len(list((get_settings().media_dir / "previews").glob("offline-*.wav"))) == 3


def test_a_slow_voice_names_the_lines_that_will_not_fit(app, ws, espeak):
    scenes = [dict(sc, voiceover=" ".join(["word"] * 11), duration=4.0) for sc in SCENES]
    pid = video(ws, scenes=scenes)
    at = app(STUDIO, project=pid)
    assert "At 0.8× speed" not in texts(at)
    widget(at, "slider", "speed", pid).set_value(0.8).run()
    assert "At 0.8× speed: Scene 1: the voiceover line is about" in texts(at)


# --------------------------------------------------------------------------- captions


def test_caption_style_is_saved_as_it_changes(app, ws, espeak):
    pid = video(ws)
    at = app(STUDIO, project=pid)
    position = widget(at, "button_group", "cap-position", pid)
    assert position.value == "bottom"
    position.set_value("top").run()
    widget(at, "button_group", "cap-color", pid).set_value("yellow").run()
    widget(at, "button_group", "cap-style", pid).set_value("outline").run()
    assert not at.exception
    assert po.caption_style(stored(pid)) == po.CaptionStyle("top", "medium", "yellow", "outline")


# --------------------------------------------------------------------------- when it is fixed


@pytest.mark.parametrize("status", ["generating_video", "stitching", "completed"])
def test_once_the_render_started_the_choices_are_shown_not_editable(app, ws, status):
    chosen = {"voice": "en-us+f3", "voice_provider": "offline", "music": False,
              "captions": {"position": "top", "color": "yellow"}}  # fmt: skip
    pid = video(ws, status=status, segments={"0": 1}, options={"choices": chosen})
    at = app(STUDIO, project=pid)
    assert not at.exception
    assert not [s for s in at.selectbox if (s.key or "").startswith("vc-")]
    assert not [s for s in at.slider if (s.key or "").startswith("vc-")]
    shown = texts(at)
    assert "Voice: en-us+f3 (Offline voices) · 1× speed · no music" in shown
    assert "Captions: top, medium, yellow, box behind the text" in shown
    assert ("finished with this voice and music" if status == "completed"
            else "The render has started") in shown  # fmt: skip


def test_a_failed_render_keeps_the_voice_and_the_captions_editable(app, ws, espeak):
    """Rendered clips hold no caption (the stitch lays the captions over them), so the retry
    may take another caption style, or none."""
    pid = video(ws, status="failed", segments={"0": 1}, failed_step="voiceover",
                error="espeak-ng failed")  # fmt: skip
    at = app(STUDIO, project=pid)
    assert not at.exception
    widget(at, "toggle", "music", pid).set_value(False).run()
    assert po.voice_options(stored(pid)).music is False
    widget(at, "button_group", "cap-position", pid).set_value("off").run()
    assert not at.exception
    assert po.caption_style(stored(pid)).position == "off"


def test_a_change_refused_by_the_server_shows_why_and_the_stored_value(app, ws, espeak):
    pid = video(ws)
    at = app(STUDIO, project=pid)
    # meanwhile another tab started the render
    with session_scope() as s:
        s.get(Project, pid).status = "generating_video"
    widget(at, "toggle", "music", pid).set_value(False).run()
    assert not at.exception
    assert "The render has started" in texts(at)
    assert po.voice_options(stored(pid)).music is True


# --------------------------------------------------------------------------- ElevenLabs


@pytest.fixture
def elevenlabs(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    with StubServer() as stub:
        monkeypatch.setenv("ELEVENLABS_API_KEY", EL_KEY)
        monkeypatch.setenv("ELEVENLABS_BASE_URL", stub.url)
        reset_settings()
        yield stub
    reset_settings()


def test_elevenlabs_voices_are_listed_when_a_key_is_set(app, ws, elevenlabs):
    def answer(request: Recorded) -> Reply:
        assert request.headers.get("xi-api-key") == EL_KEY
        return Reply(200, {"voices": [{"voice_id": "Zx9Kq", "name": "Nova",
                                       "labels": {"gender": "female", "accent": "british"}}],
                           "has_more": False})  # fmt: skip

    elevenlabs.add("GET", "/v2/voices", answer)
    pid = video(ws)
    at = app(STUDIO, project=pid)
    assert not at.exception
    picker = widget(at, "selectbox", "voice", pid)
    assert "ElevenLabs" in picker.label
    assert picker.options == ["Workspace default voice", "Nova — female, british"]
    picker.set_value("Zx9Kq").run()
    assert po.voice_options(stored(pid)) == po.VoiceOptions("Zx9Kq", "elevenlabs")
    assert EL_KEY not in texts(at)


def test_an_unreachable_voice_api_gives_a_readable_message_quickly(app, ws, elevenlabs,
                                                                   monkeypatch):  # fmt: skip
    monkeypatch.setattr(voices, "QUICK_TIMEOUT_S", 1.0)

    def hang(request: Recorded) -> Reply:
        time.sleep(4)
        return Reply(200, {"voices": [], "has_more": False})

    elevenlabs.add("GET", "/v2/voices", hang)
    pid = video(ws)
    began = time.monotonic()
    at = app(STUDIO, project=pid)
    assert time.monotonic() - began < 15
    assert not at.exception
    shown = texts(at)
    assert "The ElevenLabs voices could not be read: ElevenLabs did not answer within" in shown
    assert EL_KEY not in shown
    # the rest of the panel still works
    widget(at, "toggle", "music", pid).set_value(False).run()
    assert po.voice_options(stored(pid)).music is False
    # the failure is remembered for a minute: the rerun did not wait on the API again
    assert len(elevenlabs.calls("GET", "/v2/voices")) == 1


# --------------------------------------------------------------------------- subtitles


def _completed_with_timeline(ws: int, timeline: list[dict] | None) -> int:
    pid = video(ws, status="completed", segments={"0": 1, "1": 2, "2": 3})
    media = get_settings().media_dir / f"ws{ws}" / "p"
    media.mkdir(parents=True, exist_ok=True)
    (media / "final.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    with session_scope() as s:
        meta = {"duration": 15.0, **({"timeline": timeline} if timeline else {})}
        final = Asset(workspace_id=ws, project_id=pid, kind="video", role="final",
                      path=f"ws{ws}/p/final.mp4", mime_type="video/mp4", meta=meta)  # fmt: skip
        s.add(final)
        s.flush()
        s.get(Project, pid).output_asset_id = final.id
    return pid


def test_subtitle_downloads_sit_beside_the_mp4(app, ws):
    timeline = [{"start": 0.1, "end": 2.0, "text": "Muddy trail? No problem."},
                {"start": 5.0, "end": 7.5, "text": "Café <crème> & co, 20 % off."}]  # fmt: skip
    pid = _completed_with_timeline(ws, timeline)
    at = app(STUDIO, project=pid)
    assert not at.exception
    assert [d.label for d in at.download_button] == [
        "Download MP4", "Subtitles .srt", "Subtitles .vtt",
    ]  # fmt: skip


def test_videos_without_a_timeline_say_why_there_are_no_subtitles(app, ws):
    pid = _completed_with_timeline(ws, None)
    at = app(STUDIO, project=pid)
    assert [d.label for d in at.download_button] == ["Download MP4"]
    assert "Subtitle files come with videos rendered from now on." in texts(at)
