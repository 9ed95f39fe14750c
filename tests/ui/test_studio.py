"""Studio: deep links, the wizard's buttons (each enqueues its step), costs, errors, retry."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from aytada.core.db import session_scope
from aytada.core.models import Asset, Generation, Workspace
from aytada.core.projects import list_projects
from aytada.core.workspaces import create_workspace
from aytada.ui.widgets import STUDIO
from tests.factories import make_campaign, make_project
from tests.ui.helpers import (
    IDEAS,
    SCENES,
    SCRIPT,
    buttons,
    generations,
    has_autorefresh,
    project_row,
    texts,
)

SEGMENTS = {"0": 1, "1": 2, "2": 3}


def video_with_scenes(ws: int, status: str = "scenes_ready", **fields: Any) -> int:
    """A video project that went through ideas, script and scenes."""
    return make_project(
        ws, status=status, ideas=IDEAS, chosen_idea=0, script=SCRIPT, scenes=SCENES, **fields
    )


def edit_and_save(at: AppTest, key_prefix: str, text: str, save: str) -> None:
    """Type into the text area whose key starts with `key_prefix` (keys end in a version),
    then click the `save` button."""
    area = next(t for t in at.text_area if t.key and t.key.startswith(key_prefix))
    area.input(text)
    at.button(key=save).click().run()


def queued(pid: int) -> list[tuple[str, int]]:
    return [(g.step, g.scene_index) for g in generations(pid) if g.state == "queued"]


# --------------------------------------------------------------------------- not found


def test_bad_deleted_and_foreign_ids_show_not_found(app, ws):
    deleted = make_project(ws, deleted_at=datetime.now(UTC))
    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    foreign = make_project(other)
    for ident in ("abc", "-1", "999999", "1.5", str(deleted), str(foreign), "%27%3B"):
        at = app(STUDIO, project=ident)
        assert not at.exception, ident
        assert at.title[0].value == "Not found", ident
        assert "was not found" in texts(at)
        links = at.get("page_link")
        assert links and "My Videos" in links[0].proto.label


def test_without_a_project_it_offers_the_create_form(app, ws):
    at = app(STUDIO)
    assert "Create a campaign first" in texts(at)

    cid = make_campaign(ws)
    at = app(STUDIO, campaign=cid, kind="banner")
    assert at.title[0].value == "Create an ad"
    at.button(key="np_create").click().run()
    assert "Give the project a title." in texts(at)
    assert list_projects(ws).total == 0

    at.text_input(key="np_title").input("Launch banner")
    at.selectbox(key="np_format_banner").set_value("728x90")
    at.button(key="np_create").click().run()
    assert not at.exception
    (card,) = list_projects(ws).cards
    assert (card.kind, card.format, card.status) == ("banner", "728x90", "draft")
    assert at.title[0].value == "Launch banner"
    assert at.button(key="run-design").label == "Generate banner · 10 credits"


def test_create_video_with_format_length_quality(app, ws):
    make_campaign(ws)
    at = app(STUDIO, kind="video")
    at.text_input(key="np_title").input("Story ad")
    at.radio(key="np_format_video").set_value("1:1")
    at.radio(key="np_length").set_value(60)
    at.radio(key="np_quality").set_value("standard")
    at.button(key="np_create").click().run()
    (card,) = list_projects(ws).cards
    assert (card.kind, card.format, card.length_s) == ("video", "1:1", 60)
    assert project_row(card.id).quality == "standard"
    assert at.button(key="run-ideas").label == "Generate ideas · 0 credits"


# --------------------------------------------------------------------------- wizard


def test_generate_ideas_enqueues_the_ideas_step(app, ws, ui_redis):
    pid = make_project(ws)
    at = app(STUDIO, project=pid)
    assert not has_autorefresh(at)
    assert at.button(key="run-ideas").label == "Generate ideas · 0 credits"
    at.button(key="run-ideas").click().run()
    assert not at.exception
    assert queued(pid) == [("ideas", -1)]
    assert project_row(pid).status == "generating_ideas"
    # the same run shows the new state: badge, progress, polling, disabled buttons
    assert "Generating ideas" in texts(at)
    assert has_autorefresh(at)
    assert at.button(key="run-ideas").disabled


def test_pick_an_idea_then_generate_the_script(app, ws, ui_redis):
    pid = make_project(ws, status="ideas_ready", ideas=IDEAS)
    at = app(STUDIO, project=pid)
    assert "run-script" not in buttons(at)
    assert at.button(key="run-ideas").label == "New ideas · 0 credits"  # no run succeeded yet
    at.button(key="idea-1").click().run()
    assert project_row(pid).chosen_idea == 1
    assert at.button(key="run-script").label == "Generate script · 2 credits"
    at.button(key="run-script").click().run()
    assert queued(pid) == [("script", -1)]
    assert project_row(pid).status == "generating_script"


def test_stepper_lists_the_pipeline_steps_and_opens_the_one_to_do(app, ws):
    pid = make_project(ws, status="script_ready", ideas=IDEAS, chosen_idea=0, script=SCRIPT)
    at = app(STUDIO, project=pid)
    stepper = next(m.value for m in at.markdown if "<div class='aytada-steps'>" in m.value)
    marks = re.findall(r"([✓●○]) \d\. (\w+)", stepper)
    assert marks == [("✓", "Ideas"), ("✓", "Script"), ("●", "Scenes"), ("○", "Render")]
    assert [e.proto.expanded for e in at.expander] == [False, False, True]


def test_generate_scenes(app, ws, ui_redis):
    pid = make_project(ws, status="script_ready", ideas=IDEAS, chosen_idea=0, script=SCRIPT)
    at = app(STUDIO, project=pid)
    assert at.button(key="run-scenes").label == "Generate scenes · 0 credits"
    at.button(key="run-scenes").click().run()
    assert queued(pid) == [("scenes", -1)]
    assert project_row(pid).status == "generating_scenes"


def test_render_enqueues_one_clip_per_scene_and_shows_the_chain_cost(app, ws, ui_redis):
    pid = video_with_scenes(ws)
    at = app(STUDIO, project=pid)
    # 3 scenes × 40 (Pro) + voiceover 5 + stitching 5
    assert at.button(key="run-render").label == "Render video · 130 credits"
    at.button(key="run-render").click().run()
    assert not at.exception
    assert sorted(queued(pid)) == [("clip", 0), ("clip", 1), ("clip", 2)]
    assert project_row(pid).status == "generating_video"
    assert has_autorefresh(at)


def test_a_line_too_long_for_its_scene_is_named_before_the_render(app, ws):
    long_line = " ".join(["word"] * 30) + "."  # ≈12 s of speech in a 4 s scene
    scenes = [dict(sc) for sc in SCENES]
    scenes[1] = {**scenes[1], "voiceover": long_line, "duration": 4}
    pid = make_project(
        ws, status="scenes_ready", ideas=IDEAS, chosen_idea=0, script=SCRIPT, scenes=scenes
    )
    at = app(STUDIO, project=pid)
    warnings = [el.value for el in at.warning]
    assert any(w.startswith("Scene 2: the voiceover line is about") for w in warnings), warnings
    assert not any(w.startswith("Scene 1:") for w in warnings)


def test_rerender_one_scene(app, ws, ui_redis):
    pid = video_with_scenes(ws, status="completed", segments=SEGMENTS)
    at = app(STUDIO, project=pid)
    assert "run-render" not in buttons(at)
    assert at.button(key="rerender-1").label == "Re-render scene · 50 credits"
    at.button(key="rerender-1").click().run()
    assert queued(pid) == [("clip", 1)]
    assert project_row(pid).status == "generating_video"


@pytest.mark.parametrize(
    ("kind", "step", "label"),
    [
        ("banner", "design", "Generate banner · 10 credits"),
        ("flyer", "design", "Generate flyer · 10 credits"),
        ("jingle", "jingle", "Generate jingle · 10 credits"),
    ],
)
def test_design_and_jingle_buttons(app, ws, ui_redis, kind, step, label):
    pid = make_project(ws, kind=kind)
    at = app(STUDIO, project=pid)
    assert at.button(key=f"run-{step}").label == label
    at.button(key=f"run-{step}").click().run()
    assert queued(pid) == [(step, -1)]
    assert project_row(pid).status == "generating"


def test_script_edit_is_saved_and_marks_scenes_stale(app, ws):
    pid = video_with_scenes(ws)
    at = app(STUDIO, project=pid)
    edit_and_save(at, "script-hook-", "Slipping on mud again?", "save-script")
    assert not at.exception
    row = project_row(pid)
    assert row.script["hook"] == "Slipping on mud again?"
    assert row.scenes_stale and row.status == "script_ready"
    assert "Script saved." in texts(at)
    assert "generate the scenes again" in texts(at)
    assert "run-render" not in buttons(at)


def test_scene_edit_is_saved(app, ws):
    pid = video_with_scenes(ws)
    at = app(STUDIO, project=pid)
    edit_and_save(at, "scene-2-caption-", "Grip that never quits", "save-scene-2")
    assert project_row(pid).scenes[2]["caption"] == "Grip that never quits"


# --------------------------------------------------------------------------- errors


def test_redis_down_shows_an_error_and_changes_nothing(app, ws, redis_down):
    pid = make_project(ws)
    at = app(STUDIO, project=pid)
    at.button(key="run-ideas").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("Redis" in e and "not reachable" in e for e in errors), errors
    assert project_row(pid).status == "draft"
    assert generations(pid) == []
    assert not has_autorefresh(at)


def test_not_enough_credits_shows_an_error_and_changes_nothing(app, ws, ui_redis):
    pid = video_with_scenes(ws)
    with session_scope() as s:
        s.execute(update(Workspace).where(Workspace.id == ws).values(credit_balance=20))
    at = app(STUDIO, project=pid)
    at.button(key="run-render").click().run()
    errors = [e.value for e in at.error]
    assert any("Not enough credits" in e for e in errors), errors
    assert project_row(pid).status == "scenes_ready"
    assert generations(pid) == []


def test_failed_project_shows_the_error_and_retries_only_the_failed_step(app, ws, ui_redis):
    pid = make_project(
        ws,
        status="failed",
        ideas=IDEAS,
        chosen_idea=0,
        failed_step="script",
        error="Script failed: the text provider timed out",
    )
    with session_scope() as s:
        s.add(
            Generation(
                project_id=pid,
                step="script",
                state="failed",
                provider="offline",
                error="the text provider timed out",
            )
        )
    at = app(STUDIO, project=pid)
    assert "the text provider timed out" in " ".join(e.value for e in at.error)
    assert at.button(key="retry").label == "Retry script · 2 credits"
    # the step history lists the failed run
    table = at.table[0].value
    assert list(table["Step"]) == ["Script"] and list(table["State"]) == ["failed"]
    at.button(key="retry").click().run()
    assert queued(pid) == [("script", -1)]
    assert project_row(pid).status == "generating_script"


# --------------------------------------------------------------------------- outputs


def test_completed_video_shows_player_download_and_stills(app, ws):
    from aytada.core.settings import get_settings

    pid = video_with_scenes(ws, status="completed", segments=SEGMENTS)
    media = get_settings().media_dir / f"ws{ws}" / "p"  # the workspace's folder, as the app stores
    media.mkdir(parents=True)
    (media / "final.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    from PIL import Image

    Image.new("RGB", (90, 160), (10, 120, 200)).save(media / "s0.png")
    with session_scope() as s:
        owner = {"workspace_id": ws, "project_id": pid}
        still = Asset(**owner, kind="image", role="scene_still", path=f"ws{ws}/p/s0.png")
        still.mime_type, still.meta = "image/png", {"scene": 0}
        final = Asset(**owner, kind="video", role="final", path=f"ws{ws}/p/final.mp4")
        final.mime_type = "video/mp4"
        s.add_all([still, final])
        s.flush()
        final_id = final.id
    with session_scope() as s:
        from aytada.core.models import Project

        s.get(Project, pid).output_asset_id = final_id
    at = app(STUDIO, project=pid)
    assert not at.exception
    assert len(at.get("video")) == 1
    assert [d.label for d in at.download_button] == ["Download MP4"]
    assert len(at.image) >= 1  # the scene still
    assert "View Ad" not in buttons(at).values()
    assert not has_autorefresh(at)


# --------------------------------------------------------------------------- two tabs


def _balance(ws: int) -> int:
    from aytada.core.workspaces import get_balance

    return get_balance(ws)


def _run_queued(pid: int) -> None:
    """The worker's part, in-process: run every queued generation of the project."""
    from aytada.jobs.runner import run_generation

    for gen in generations(pid):
        if gen.state == "queued":
            assert run_generation(gen.key) == "done"


def test_a_stale_tab_cannot_run_a_step_again(app, ws, ui_redis):
    pid = make_project(ws, status="ideas_ready", ideas=IDEAS, chosen_idea=0)
    tab_a, tab_b = app(STUDIO, project=pid), app(STUDIO, project=pid)  # two sessions
    before = _balance(ws)
    tab_a.button(key="run-script").click().run()
    _run_queued(pid)  # the script is written and charged (2 credits)
    assert project_row(pid).status == "script_ready" and _balance(ws) == before - 2
    script = project_row(pid).script

    tab_b.button(key="run-script").click().run()  # drawn at ideas_ready
    assert not tab_b.exception
    assert "This step already ran in another tab — showing the latest." in [
        el.value for el in tab_b.warning
    ]
    assert [g.step for g in generations(pid)] == ["script"]  # nothing ran again
    assert _balance(ws) == before - 2  # nothing charged twice
    assert project_row(pid).script == script
    # tab B now shows the latest: the script, and the next step's button
    assert any(t.key.startswith("script-hook-") for t in tab_b.text_area if t.key)
    assert tab_b.button(key="run-scenes").label == "Generate scenes · 0 credits"
    # a click drawn for the current status still works
    tab_b.button(key="run-scenes").click().run()
    assert project_row(pid).status == "generating_scenes"


def test_the_loser_of_a_concurrent_start_reads_busy(app, ws, ui_redis):
    pid = make_project(ws, status="ideas_ready", ideas=IDEAS, chosen_idea=0)
    tab_a, tab_b = app(STUDIO, project=pid), app(STUDIO, project=pid)
    tab_a.button(key="run-script").click().run()
    tab_b.button(key="run-script").click().run()  # the step still runs
    errors = " ".join(el.value for el in tab_b.error)
    assert "busy" in errors and "Generating script" in errors, errors
    assert [g.step for g in generations(pid)] == ["script"]


def test_the_loser_of_a_double_render_reads_busy_not_no_scene(app, ws, ui_redis):
    pid = video_with_scenes(ws)
    tab_a, tab_b, tab_c = (app(STUDIO, project=pid) for _ in range(3))
    tab_a.button(key="run-render").click().run()
    tab_b.button(key="run-render").click().run()  # clips queued
    assert "Render is already running for this project." in [e.value for e in tab_b.error]
    # every clip done, the voiceover running: still busy (it used to read "no scene")
    with session_scope() as s:
        s.execute(update(Generation).where(Generation.project_id == pid).values(state="succeeded"))
        from aytada.core.models import Project

        s.execute(
            update(Project)
            .where(Project.id == pid)
            .values(status="generating_voiceover", segments=SEGMENTS)
        )
    tab_c.button(key="run-render").click().run()  # drawn at scenes_ready
    errors = " ".join(el.value for el in tab_c.error)
    assert "busy (Generating voiceover)" in errors, errors
    assert "no scene" not in errors
    assert len(generations(pid)) == 3


# --------------------------------------------------------------------------- small ones


def test_no_delete_while_active_and_a_red_yes_delete(app, ws):
    from aytada.ui.widgets import VIDEOS

    busy = make_project(ws, status="generating_scenes", title="Busy one")
    idle = make_project(ws, status="ideas_ready", title="Idle one")
    at = app(VIDEOS)
    keys = buttons(at)
    assert f"mv-{busy}-del" not in keys and f"mv-{idle}-del" in keys
    assert not any(k.startswith(f"mv-{busy}-") for k in keys)  # no action while processing
    at = app(STUDIO, project=busy)
    assert "studio-del" not in buttons(at)
    at = app(STUDIO, project=idle)
    at.button(key="studio-del").click().run()
    yes = at.button(key="studio-yes")
    assert yes.label == "Yes, delete" and yes.proto.type == "primary"
    css = " ".join(m.value for m in at.markdown if "<style>" in m.value)
    assert 'div[class*="st-key-danger-"] button' in css and "#c62828" in css
    yes.click().run()
    assert not at.exception
    assert project_row(idle).deleted_at is not None
    assert "“Idle one” was deleted." in texts(at)


def test_titles_are_plain_text_everywhere(app, ws):
    from aytada.ui.widgets import VIDEOS, md

    title = "**Bold** _it_ [link](http://x) <b>1</b> # 2. & `code`"
    pid = make_project(ws, status="failed", title=title, error="**boom** <i>x</i>")
    at = app(STUDIO, project=pid)
    assert at.title[0].value == md(title)
    assert "**" not in at.title[0].value.replace("\\*", "")
    assert any(e.value.startswith(md("**boom**")) for e in at.error)
    at = app(VIDEOS)
    assert f"**{md(title)}**" in [m.value for m in at.markdown]
    # every escape is one a Markdown reader turns back into the typed character
    assert re.sub(r"\\([\\`*_{}\[\]#|<>~$!&.\-+=)])", r"\1", md(title)) == title


def test_step_history_shows_whole_errors(app, ws):
    error = "The text provider refused the request: " + "very long reason " * 40 + "END."
    pid = make_project(ws, status="failed", failed_step="script", error=error)
    with session_scope() as s:
        s.add(Generation(project_id=pid, step="script", state="failed", provider="offline",
                         error=error))  # fmt: skip
    at = app(STUDIO, project=pid)
    assert not at.dataframe  # a data grid cuts long cells; the table wraps them
    (cell,) = list(at.table[0].value["Error"])
    assert cell.replace("\\", "") == error


def test_sizes_use_one_times_sign(app, ws):
    from aytada.ui.widgets import VIDEOS

    pid = make_project(ws, kind="banner", fmt="1080x1920")
    for at in (app(STUDIO, project=pid), app(VIDEOS)):
        shown = texts(at)
        assert "1080×1920" in shown and "1080x1920" not in shown


def test_an_unknown_page_path_shows_not_found(app, ws):
    at = app()
    at._page_hash = "no-such-page"  # noqa: SLF001 - AppTest can only ask for files that exist
    at.run()
    assert not at.exception
    assert at.title[0].value == "Not found"
    assert "There is no page at this address." in texts(at)
    assert "Campaigns in, ads out." not in texts(at)  # not Home
    at = app()  # the default page still opens Home
    assert "Not found" not in texts(at)


@pytest.mark.parametrize("failed_step", ["clip", "voiceover", "stitch"])
def test_a_failed_render_shows_a_clear_failed_state_in_its_section(app, ws, ui_redis, failed_step):
    segments = {"0": 1, "1": 2} if failed_step == "clip" else SEGMENTS
    pid = video_with_scenes(
        ws, status="failed", failed_step=failed_step, segments=segments,
        error="ffmpeg exited with status 1",
        voiceover_asset_id=7 if failed_step == "stitch" else None,
    )  # fmt: skip
    at = app(STUDIO, project=pid)
    render = next(e for e in at.expander if "Render" in e.label)
    assert render.proto.expanded
    inside = " ".join(el.value for el in render.error)
    assert "The render failed at" in inside and "ffmpeg exited with status 1" in inside
    done = len(segments)
    assert f"{done} of 3 scene clips are done" in inside
    assert "retry" not in buttons(at)  # one retry, where the video would be
    retry = at.button(key="retry-render")
    assert retry.label.startswith(f"Retry {STEP_LABEL[failed_step]} · ")
    if failed_step != "stitch":  # (stitching reads real segment files this setup lacks)
        retry.click().run()
        assert project_row(pid).status == STEP_ACTIVE[failed_step]


STEP_ACTIVE = {"clip": "generating_video", "voiceover": "generating_voiceover"}
STEP_LABEL = {"clip": "scene clip", "voiceover": "voiceover", "stitch": "stitching"}
