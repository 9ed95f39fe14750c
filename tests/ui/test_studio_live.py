"""The Studio's live status: the one-query-a-second watcher (`aytada.ui.live`), the 8 s
autorefresh (POLL_MS), and what stays in view once a step finishes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from aytada.core import db
from aytada.core.models import Project
from aytada.core.projects import get_project
from aytada.core.settings import reset_settings
from aytada.ui.widgets import STUDIO
from tests.conftest import wait_for
from tests.factories import make_project
from tests.ui.helpers import IDEAS, generations, has_autorefresh, project_row, texts


@pytest.fixture
def statements(ui_env) -> Iterator[list[str]]:
    """Every SQL statement the app sends from now on (a listener on the app's engine)."""
    seen: list[str] = []
    engine = db.get_engine()

    def record(conn, cursor, statement, *args: Any) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def watcher_page(workspace_id, project_id, finish_during_first_run):  # type: ignore[no-untyped-def]
    """A page that draws a project and watches it, as the Studio does. With
    `finish_during_first_run` the step "finishes" (a worker's status change) after the page was
    drawn, before the watcher's tick."""
    import streamlit as st
    from sqlalchemy import update

    from aytada.core.db import session_scope
    from aytada.core.models import Project
    from aytada.core.projects import get_project
    from aytada.ui import live

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    project = get_project(workspace_id, project_id)
    st.session_state["drawn"] = project.status
    if finish_during_first_run and st.session_state["runs"] == 1:
        with session_scope() as s:
            s.execute(update(Project).where(Project.id == project_id).values(status="ideas_ready"))
    live.status_watcher(workspace_id, project)


def tick_page(workspace_id, project):  # type: ignore[no-untyped-def]  # (a script: no imports)
    """Only the watcher, for a project row loaded outside: every statement is a tick's."""
    from aytada.ui import live

    live.status_watcher(workspace_id, project)


def fragments(at: AppTest) -> int:
    """How many fragments the last full run left registered (AppTest keeps no public list:
    its fragment storage is what Streamlit uses to run `run_every` timers)."""
    return len(at._fragment_storage._fragments)  # noqa: SLF001


# --------------------------------------------------------------------------- the watcher


def test_the_watcher_issues_exactly_one_query_per_tick_while_active(ws, statements):
    pid = make_project(ws, status="generating_ideas")
    project = get_project(ws, pid)
    at = AppTest.from_function(tick_page, args=(ws, project), default_timeout=30)
    for tick in range(3):  # AppTest runs a run_every fragment once per run
        statements.clear()
        at.run()
        assert not at.exception, at.exception
        assert len(statements) == 1, (tick, statements)
        assert re.search(r"\bFROM projects\b", statements[0])
        assert "projects.id =" in statements[0]  # the primary key: an indexed look-up
    assert fragments(at) == 1
    (block,) = at.main.children.values()  # the fragment's own (empty) block: it shows nothing
    assert block.type == "flex_container" and not block.children


def test_the_watcher_is_absent_and_silent_when_the_project_is_not_active(ws, statements):
    for status in ("draft", "ideas_ready", "completed", "failed"):
        pid = make_project(ws, status=status)
        at = AppTest.from_function(tick_page, args=(ws, get_project(ws, pid)), default_timeout=30)
        statements.clear()
        at.run()
        assert not at.exception, at.exception
        assert statements == [], status
        assert fragments(at) == 0, status
        assert not at.main.children, status  # not drawn at all


def test_the_watcher_reruns_the_page_when_the_step_finishes_then_stops(ws, statements):
    pid = make_project(ws, status="generating_ideas")
    at = AppTest.from_function(watcher_page, args=(ws, pid, True), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    # drawn while generating; the tick saw ideas_ready and reran the whole page, which drew
    # the new status and no longer watches
    assert at.session_state["runs"] == 2
    assert at.session_state["drawn"] == "ideas_ready"
    assert fragments(at) == 0


def test_the_watcher_does_not_rerun_while_nothing_changes(ws):
    pid = make_project(ws, status="generating_script")
    at = AppTest.from_function(watcher_page, args=(ws, pid, False), default_timeout=30)
    at.run()
    at.run()
    assert at.session_state["runs"] == 2  # one per run(), no extra rerun
    assert fragments(at) == 1


def test_a_change_that_keeps_the_status_still_reruns(ws):
    """A clip finishing while the render runs: the status stays, `updated_at` moves on."""
    pid = make_project(ws, status="generating_video")
    project = get_project(ws, pid)
    from aytada.ui.live import changed

    assert not changed(ws, pid, (project.status, project.updated_at))
    with db.session_scope() as s:
        s.get(Project, pid).segments = {"0": 1}  # the ORM moves updated_at
    assert changed(ws, pid, (project.status, project.updated_at))
    with db.session_scope() as s:
        s.get(Project, pid).deleted_at = project.created_at  # deleted in another tab
    assert changed(ws, pid, (project.status, project.updated_at))


# --------------------------------------------------------------------------- in the Studio


def autorefresh_interval(at: AppTest) -> int:
    (component,) = at.get("component_instance")
    return int(json.loads(component.proto.json_args)["interval"])


def test_the_studio_watches_only_while_its_project_is_active(app, ws):
    busy = make_project(ws, status="generating_ideas", title="Busy")
    at = app(STUDIO, project=busy)
    assert not at.exception, at.exception
    assert fragments(at) == 1
    assert has_autorefresh(at) and autorefresh_interval(at) == 8000  # the product's rule
    assert "updates by itself" in texts(at)

    idle = make_project(ws, status="ideas_ready", ideas=IDEAS, title="Idle")
    at = app(STUDIO, project=idle)
    assert fragments(at) == 0
    assert not has_autorefresh(at)


def test_poll_ms_sets_the_autorefresh_interval(app, ws, monkeypatch):
    monkeypatch.setenv("POLL_MS", "60000")
    reset_settings()
    pid = make_project(ws, status="generating_ideas")
    at = app(STUDIO, project=pid)
    assert autorefresh_interval(at) == 60000
    assert fragments(at) == 1  # the watcher does not depend on the poll


def test_the_studio_watches_a_real_step_and_stops_when_it_finished(app, ws, ui_redis, start_worker):
    """Generate ideas with a real worker: the Studio watches while the step runs; once it
    finished the page shows the ideas marked new and watches no more."""
    pid = make_project(ws)
    at = app(STUDIO, project=pid)
    worker = start_worker()
    at.button(key="run-ideas").click().run()
    assert project_row(pid).status == "generating_ideas"
    assert fragments(at) == 1
    wait_for(lambda: project_row(pid).status == "ideas_ready", 90, what=worker.output())
    at.run()
    assert not at.exception, at.exception
    assert at.button(key="idea-0").label == "Use this idea"
    assert "New ideas are ready" in texts(at)
    assert fragments(at) == 0


# --------------------------------------------------------------------------- results in view


def _expanders(at: AppTest) -> dict[str, bool]:
    return {e.label.replace("\\", ""): e.proto.expanded for e in at.expander}


def test_the_section_just_paid_for_stays_open_marked_new_with_the_next_step_under_it(
    app, ws, ui_redis, start_worker
):
    pid = make_project(ws, status="ideas_ready", ideas=IDEAS, chosen_idea=0)
    at = app(STUDIO, project=pid)
    worker = start_worker()
    at.button(key="run-script").click().run()
    wait_for(lambda: project_row(pid).status == "script_ready", 90, what=worker.output())
    at.run()
    assert not at.exception, at.exception
    opened = _expanders(at)
    script_label = next(label for label in opened if label.startswith("**2 · Script"))
    scenes_label = next(label for label in opened if label.startswith("**3 · Scenes"))
    ideas_label = next(label for label in opened if label.startswith("**1 · Ideas"))
    assert opened[script_label] and "New" in script_label  # the new script, in view
    assert opened[scenes_label] and "New" not in scenes_label  # the next step, open below
    assert not opened[ideas_label]
    assert "Your new script is ready" in texts(at)
    assert at.text_area(key=next(t.key for t in at.text_area if t.key.startswith("script-hook-")))
    labels = [e.label for e in at.expander]
    assert labels.index(scenes_label) == labels.index(script_label) + 1
    assert at.button(key="run-scenes").label == "Generate scenes · 0 credits"
    assert not at.button(key="run-scenes").disabled

    # once the next step starts, the marker goes; the last output stays open meanwhile
    at.button(key="run-scenes").click().run()
    assert "Your new script is ready" not in texts(at)
    wait_for(lambda: project_row(pid).status == "scenes_ready", 90, what=worker.output())
    at.run()
    opened = _expanders(at)
    scenes_label = next(label for label in opened if label.startswith("**3 · Scenes"))
    render_label = next(label for label in opened if label.startswith("**4 · Render"))
    assert opened[scenes_label] and "New" in scenes_label
    assert opened[render_label]
    assert not any(v for k, v in opened.items() if k.startswith("**2 · Script"))
    assert "Your new scenes are ready" in texts(at)


def test_a_reopened_project_keeps_its_last_output_open_without_the_new_marker(app, ws, ui_redis):
    """A new session (no click from it): the last finished step's section is open, unmarked."""
    pid = make_project(ws, status="ideas_ready", ideas=IDEAS, chosen_idea=0)
    from aytada.jobs.runner import run_generation, start_step

    start_step(ws, pid, "script")
    (gen,) = generations(pid)
    assert run_generation(gen.key) == "done"
    at = app(STUDIO, project=pid)
    opened = _expanders(at)
    assert any(v for k, v in opened.items() if k.startswith("**2 · Script"))
    assert not any("New" in k for k in opened)
    assert "Your new script is ready" not in texts(at)
