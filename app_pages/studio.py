"""Studio (`?project=`): the Create Ad wizard, the project's outputs, step history and errors.

Without `?project=` it is the first wizard step: campaign, kind, title, format and length.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core import statuses
from aytada.core.campaigns import get_campaign, list_campaigns
from aytada.core.credits import quote
from aytada.core.projects import (
    assets_of,
    choose_idea,
    create_project,
    generations_of,
    get_asset,
    get_project,
    save_scene,
    save_script,
)
from aytada.core.steps import (
    DESIGN_FORMAT_LABELS,
    DESIGN_FORMATS,
    KINDS,
    LENGTHS,
    QUALITIES,
    STEPS,
    VIDEO_FORMATS,
)
from aytada.jobs.runner import missing_scenes, retry_failed, start_step
from aytada.ui import widgets as w

ws = w.start_page()
project_param = st.query_params.get("project")

# --------------------------------------------------------------------------- new project

if not project_param:
    w.page_header("Create an ad", "Pick the campaign, what to make, and its format.")
    campaigns = list_campaigns(ws)
    if not campaigns:
        w.empty_state(
            "Create a campaign first",
            "Every ad reads a campaign's product, brand and strategy. It takes a minute.",
            [("New campaign", w.CAMPAIGNS, {"new": 1})],
            icon=":material/campaign:",
            key="studio-nocampaign",
        )
        st.stop()
    ERRORS = "new_project_errors"
    errors = w.field_errors(ERRORS)
    names = {row.id: row.name for row in campaigns}
    wanted = st.query_params.get("campaign", "")
    ids = list(names)
    default_kind = st.query_params.get("kind", "video")

    def create() -> None:
        s = st.session_state
        kind = s.np_kind or "video"
        w.run_action(
            lambda: create_project(
                ws,
                s.np_campaign,
                kind=kind,
                title=s.np_title,
                fmt=s.get(f"np_format_{kind}", "9:16") if kind != "jingle" else "audio",
                length_s=s.get("np_length", 30),
                quality=s.get("np_quality", "pro"),
            ),
            errors_key=ERRORS,
            then=w.open_studio,
        )

    st.segmented_control(
        "What do you want to make?",
        KINDS,
        default=default_kind if default_kind in KINDS else "video",
        format_func=lambda k: f"{w.KIND_ICONS[k]} {w.KIND_LABELS[k]}",
        key="np_kind",
        required=True,
    )
    kind = st.session_state.get("np_kind") or "video"
    st.selectbox(
        "Campaign",
        ids,
        index=ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in names else 0,
        format_func=names.get,
        key="np_campaign",
    )
    st.text_input(
        "Title *", key="np_title", max_chars=120, placeholder="e.g. Spring launch: 30 s story"
    )
    w.field_error(errors, "title", "kind")
    if kind == "video":
        st.radio("Format", list(VIDEO_FORMATS), horizontal=True, key="np_format_video")
        st.radio(
            "Length",
            LENGTHS,
            index=1,
            format_func=lambda s: f"{s} s",
            horizontal=True,
            key="np_length",
        )
        st.radio(
            "Quality",
            list(QUALITIES),
            index=1,
            format_func=QUALITIES.get,
            horizontal=True,
            key="np_quality",
        )
    elif kind in ("banner", "flyer"):
        st.selectbox(
            "Size",
            list(DESIGN_FORMATS),
            format_func=DESIGN_FORMAT_LABELS.get,
            key=f"np_format_{kind}",
        )
    else:
        st.radio(
            "Length",
            LENGTHS,
            index=0,
            format_func=lambda s: f"{s} s",
            horizontal=True,
            key="np_length",
        )
    w.field_error(errors, "format", "length_s", "quality")
    st.button("Create and open in the Studio", type="primary", on_click=create, key="np_create")
    st.stop()

# --------------------------------------------------------------------------- the project

project = w.load_or_not_found(
    get_project, ws, project_param, back_page=w.VIDEOS, back_label="Back to My Videos"
)
pid = project.id
campaign = get_campaign(ws, project.campaign_id)
busy = statuses.is_active(project.status)
costs = quote(ws, pid)

w.page_header(project.title, processing=busy)
w.live_refresh(busy, key="studio")
details = [w.KIND_LABELS[project.kind]]
if project.kind != "jingle":
    details.append(project.format)
if project.kind in ("video", "jingle"):
    details.append(f"{project.length_s} s")
if project.kind == "video":
    details.append(QUALITIES.get(project.quality, project.quality))
with st.container(horizontal=True, vertical_alignment="center"):
    w.status_badge(project.status)
    st.caption(" · ".join(details))
    st.page_link(
        w.HUB,
        label=f"Campaign: {campaign.name}",
        query_params={"id": campaign.id},
        icon=":material/campaign:",
    )
    st.page_link(w.VIDEOS, label="My Videos", icon=":material/movie:")
w.progress_bar(project.status)

if busy:
    st.info(
        f"{statuses.label(project.status)}… This page refreshes every 8 seconds; you can "
        "leave and come back, the work continues on the server."
    )
if project.status == statuses.Status.FAILED.value:
    step = project.failed_step or ""
    spec = STEPS.get(step)
    st.error(project.error or "A step failed.", icon=":material/error:")
    if spec is not None:
        retry_cost = costs["render"] if step == "clip" else costs.get(step, 0)
        w.action_button(
            w.cost_label(f"Retry {spec.label.lower()}", retry_cost),
            partial(retry_failed, ws, pid),
            key="retry",
            primary=True,
            icon=":material/refresh:",
            help="Re-runs only the step that failed. A failed step took no credits.",
        )


def step_button(
    text: str,
    cost: int,
    step: str,
    key: str,
    *,
    primary: bool = True,
    scenes: list[int] | None = None,
) -> None:
    # enabled only where the status rules let this step start (aytada.core.statuses)
    allowed = statuses.can_transition(project.status, STEPS[step].active)
    w.action_button(
        w.cost_label(text, cost),
        partial(start_step, ws, pid, step, scenes=scenes),
        key=key,
        primary=primary,
        disabled=busy or not allowed,
    )


# --------------------------------------------------------------------------- video wizard


def ideas_section(expanded: bool) -> None:
    ideas = project.ideas or []
    title = "1 · Ideas"
    if project.chosen_idea is not None and project.chosen_idea < len(ideas):
        title += f" — “{ideas[project.chosen_idea].get('title', '')}”"
    with w.section(title, expanded):
        if not ideas:
            st.caption(
                "Three ad concepts from the campaign, each a hook angle and a narrative approach."
            )
            step_button("Generate ideas", costs["ideas"], "ideas", "run-ideas")
            return
        for i, (col, idea) in enumerate(zip(st.columns(len(ideas)), ideas, strict=True)):
            with col, st.container(border=True):
                st.markdown(f"**{w.md(idea.get('title', f'Idea {i + 1}'))}**")
                st.markdown(f"*Angle:* {w.md(idea.get('angle', ''))}")
                st.markdown(f"*Hook:* “{w.md(idea.get('hook', ''))}”")
                st.markdown(f"*Approach:* {w.md(idea.get('approach', ''))}")
                if project.chosen_idea == i:
                    st.badge("Chosen", icon=":material/check:", color="green")
                else:
                    w.action_button(
                        "Use this idea",
                        partial(choose_idea, ws, pid, i),
                        key=f"idea-{i}",
                        disabled=busy,
                    )
        step_button("New ideas", costs["ideas"], "ideas", "run-ideas", primary=False)


def script_section(expanded: bool) -> None:
    script = project.script
    with w.section("2 · Script", expanded):
        if not script:
            st.caption(
                "A hook, a body, a call to action and the voiceover, for "
                f"{project.length_s} seconds."
            )
            step_button("Generate script", costs["script"], "script", "run-script")
            return
        v = w.version(script)
        errors_key = "script_errors"
        errors = w.field_errors(errors_key)

        def save() -> None:
            s = st.session_state
            w.run_action(
                lambda: save_script(
                    ws,
                    pid,
                    {
                        f: s[f"script-{f}-{v}"]
                        for f in ("hook", "body", "call_to_action", "voiceover")
                    },
                ),
                success="Script saved.",
                errors_key=errors_key,
            )

        with st.form(f"script-form-{v}", border=False):
            for field, label, height in (
                ("hook", "Hook", 70),
                ("body", "Body", 140),
                ("call_to_action", "Call to action", 70),
                ("voiceover", "Voiceover", 160),
            ):
                st.text_area(
                    label,
                    value=script.get(field, ""),
                    key=f"script-{field}-{v}",
                    height=height,
                    disabled=busy,
                )
                w.field_error(errors, field)
            st.form_submit_button(
                "Save script",
                on_click=save,
                disabled=busy,
                key="save-script",
                icon=":material/save:",
            )
        st.caption(
            "Saved automatically as a draft: you can leave and continue later from My Videos."
        )
        step_button("Write a new script", costs["script"], "script", "run-script", primary=False)


def scenes_section(expanded: bool) -> None:
    scenes = project.scenes or []
    title = f"3 · Scenes ({len(scenes)})" if scenes else "3 · Scenes"
    with w.section(title, expanded):
        if project.scenes_stale:
            st.warning(
                "The script changed after these scenes were made: generate the scenes "
                "again before rendering."
            )
        if not scenes or project.scenes_stale:
            st.caption(
                "Each scene gets a visual, an on-screen caption, a voiceover line and a duration."
            )
            step_button("Generate scenes", costs["scenes"], "scenes", "run-scenes")
            if not scenes:
                return
        stills: dict[int, str] = {}
        for asset in assets_of(ws, pid):
            if asset.role == "scene_still":
                stills[int((asset.meta or {}).get("scene", -1))] = asset.path
        segments = project.segments or {}
        all_rendered = not missing_scenes(project)
        for i, scene in enumerate(scenes):
            v = w.version(scene)
            with st.container(border=True):
                left, right = st.columns([1, 3])
                with left:
                    w.thumbnail(
                        stills.get(i),
                        "video",
                        size=(270, 480) if project.format == "9:16" else (480, 270),
                    )
                    if str(i) in segments:
                        st.caption("Clip rendered")
                    elif i in stills:
                        st.caption("Edited: the Render button renders it again")
                with right:
                    st.markdown(f"**Scene {i + 1}** · {float(scene.get('duration', 0)):.1f} s")

                    def save(i: int = i, v: str = v) -> None:
                        s = st.session_state
                        w.run_action(
                            lambda: save_scene(
                                ws,
                                pid,
                                i,
                                {
                                    f: s[f"scene-{i}-{f}-{v}"]
                                    for f in ("visual", "caption", "voiceover")
                                },
                            ),
                            success=f"Scene {i + 1} saved.",
                        )

                    with st.form(f"scene-form-{i}-{v}", border=False):
                        st.text_area(
                            "Visual",
                            scene.get("visual", ""),
                            key=f"scene-{i}-visual-{v}",
                            height=80,
                            disabled=busy,
                        )
                        c1, c2 = st.columns(2)
                        c1.text_area(
                            "On-screen caption",
                            scene.get("caption", ""),
                            key=f"scene-{i}-caption-{v}",
                            height=80,
                            disabled=busy,
                        )
                        c2.text_area(
                            "Voiceover line",
                            scene.get("voiceover", ""),
                            key=f"scene-{i}-voiceover-{v}",
                            height=80,
                            disabled=busy,
                        )
                        st.form_submit_button(
                            "Save scene",
                            on_click=save,
                            disabled=busy,
                            key=f"save-scene-{i}",
                            icon=":material/save:",
                        )
                    if str(i) in segments and all_rendered and not project.scenes_stale:
                        step_button(
                            "Re-render scene",
                            costs["render_one"],
                            "clip",
                            f"rerender-{i}",
                            primary=False,
                            scenes=[i],
                        )
        if not project.scenes_stale:
            step_button("Regenerate scenes", costs["scenes"], "scenes", "run-scenes", primary=False)


def render_section(expanded: bool) -> None:
    missing = missing_scenes(project)
    with w.section("4 · Render", expanded):
        if missing and project.status != statuses.Status.FAILED.value:
            st.caption(
                f"{len(missing)} scene clip{'s' if len(missing) != 1 else ''} × {costs['clip']} "
                f"+ voiceover {costs['voiceover']} + stitching {costs['stitch']} credits. "
                "Scene images and clips render in parallel, then the voiceover and the final "
                "cut follow by themselves."
            )
            step_button("Render video", costs["render"], "clip", "run-render")
        output = get_asset(ws, project.output_asset_id)
        if output is not None and w.media_path(output.path):
            col, _ = st.columns([1, 2] if project.format == "9:16" else [2, 1])
            with col:
                st.video(str(w.media_path(output.path)))
                w.download_file(
                    "Download MP4", output.path, key="download-video", file_stem=project.title
                )
        elif not missing:
            st.caption("Every scene has a clip; the voiceover and the final cut come next.")


def design_section() -> None:
    label = w.KIND_LABELS[project.kind].lower()
    with st.container(border=True):
        st.subheader(w.KIND_LABELS[project.kind])
        output = get_asset(ws, project.output_asset_id)
        copy = (project.options or {}).get("copy") or {}
        if output is not None and w.media_path(output.path):
            col, side = st.columns([2, 1])
            col.image(str(w.media_path(output.path)), width="stretch")
            with side:
                if copy:
                    st.markdown(f"**{w.md(copy.get('headline', ''))}**")
                    st.markdown(w.md(copy.get("subline", "")))
                    st.markdown(f"*{w.md(copy.get('call_to_action', ''))}*")
                w.download_file(
                    "Download PNG", output.path, key="download-design", file_stem=project.title
                )
            step_button(
                f"Generate a new {label}", costs["design"], "design", "run-design", primary=False
            )
        else:
            st.caption(
                f"Copy (headline, subline, call to action), a background image and the "
                f"typography at {project.format}."
            )
            step_button(f"Generate {label}", costs["design"], "design", "run-design")


def jingle_section() -> None:
    with st.container(border=True):
        st.subheader("Jingle")
        output = get_asset(ws, project.output_asset_id)
        lyrics = (project.options or {}).get("lyrics")
        if output is not None and w.media_path(output.path):
            st.audio(str(w.media_path(output.path)))
            if lyrics:
                st.code(lyrics, language=None, wrap_lines=True)
            w.download_file(
                "Download audio", output.path, key="download-jingle", file_stem=project.title
            )
            step_button(
                "Generate a new jingle", costs["jingle"], "jingle", "run-jingle", primary=False
            )
        else:
            st.caption(f"Lyrics and a {project.length_s} s brand jingle in the campaign's tone.")
            step_button("Generate jingle", costs["jingle"], "jingle", "run-jingle")


if project.kind == "video":
    done = [
        project.chosen_idea is not None,
        bool(project.script),
        bool(project.scenes) and not project.scenes_stale,
        project.output_asset_id is not None and not missing_scenes(project),
    ]
    current = w.stepper(["Ideas", "Script", "Scenes", "Render"], done)
    # the step to do now is open; finished ones fold away (a finished ad opens on its video)
    open_at = current if current >= 0 else 3
    ideas_section(open_at == 0)
    if project.chosen_idea is not None or project.script:
        script_section(open_at == 1)
    if project.script:
        scenes_section(open_at == 2)
    if project.scenes and not project.scenes_stale:
        render_section(open_at == 3)
elif project.kind in ("banner", "flyer"):
    design_section()
else:
    jingle_section()

st.subheader("Step history")
rows = w.generation_rows(generations_of(ws, pid))
if rows:
    st.dataframe(rows, hide_index=True, width="stretch")
else:
    st.caption(
        "No step has run yet. Each run of a step is listed here with its provider, "
        "duration, credits and any error."
    )
