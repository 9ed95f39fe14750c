"""The Studio's sections: the new-project form, the project's header and failure notice, the
video wizard (ideas, script, scenes, render), the banner/flyer and jingle panels, and the step
history. `app_pages/studio.py` picks which to draw; each section calls `aytada.core` /
`aytada.jobs` through the widgets' action buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property, partial
from typing import Any

import streamlit as st

from aytada.core import statuses
from aytada.core.campaigns import (
    AWARENESS_STAGES,
    CREATIVE_STYLES,
    FIELD_LABELS,
    OVERRIDABLE,
    PERSUASION_TRIGGERS,
)
from aytada.core.credits import chain_text, choice_price
from aytada.core.formats import (
    DESIGN_FORMAT_LABELS,
    DESIGN_FORMATS,
    DESIGN_KINDS,
    KINDS,
    LENGTHS,
    QUALITIES,
    VIDEO_FORMATS,
)
from aytada.core.options import options_of
from aytada.core.pipeline import STEPS, missing_scenes, steps_for, wizard_steps
from aytada.core.projects import (
    assets_of,
    choose_idea,
    create_project,
    get_asset,
    save_scene,
    save_script,
    soft_delete,
)
from aytada.core.teams import user_labels
from aytada.core.timing import overrun_messages
from aytada.core.workspaces import get_credits
from aytada.jobs.edits import edit_copy
from aytada.jobs.runner import StaleAction, Started, retry_failed, start_step
from aytada.ui import voice_captions
from aytada.ui import widgets as w
from aytada.ui.project_settings import breakdown, credits_text, settings_panel
from aytada.vocabulary import COPY_FIELDS, SCRIPT_FIELDS

SCRIPT_HEIGHTS = {"hook": 70, "body": 140, "call_to_action": 70, "voiceover": 160}
SCENE_FIELDS = ("visual", "caption", "voiceover")

# --------------------------------------------------------------------------- new project

NEW_PROJECT_ERRORS = "new_project_errors"


def _create_project(workspace_id: int) -> None:
    s = st.session_state
    kind = s.np_kind or "video"
    w.run_action(
        lambda: create_project(
            workspace_id,
            s.np_campaign,
            kind=kind,
            title=s.np_title,
            fmt=s.get(f"np_format_{kind}", "9:16") if kind != "jingle" else "audio",
            length_s=s.get("np_length", NEW_LENGTH),
            quality=s.get("np_quality", NEW_QUALITY),
            overrides={k: s.get(f"np_{k}") or "" for k in OVERRIDABLE},
        ),
        errors_key=NEW_PROJECT_ERRORS,
        then=w.open_studio,
    )


def _strategy_overrides(errors: dict[str, str]) -> None:
    """A project's own awareness stage, creative style and persuasion trigger (A/B tests);
    left empty, the campaign's are used."""
    with st.expander("Strategy for this ad (optional: A/B test one axis)"):
        st.caption("Leave empty to use the campaign's. The choice is shown on the ad's card.")
        for key, options, fmt in (
            ("awareness_stage", list(AWARENESS_STAGES), AWARENESS_STAGES.get),
            ("creative_style", list(CREATIVE_STYLES), str),
            ("persuasion_trigger", list(PERSUASION_TRIGGERS), str),
        ):
            st.selectbox(FIELD_LABELS[key], options, index=None, format_func=fmt,
                         key=f"np_{key}", placeholder="As the campaign")  # fmt: skip
        w.field_error(errors, *OVERRIDABLE)


def _length_radio(default_index: int, kind: str = "video") -> None:
    """The length choice, each option with the whole asset's price at the chosen quality."""
    quality = st.session_state.get("np_quality", NEW_QUALITY)
    st.radio(
        "Length",
        LENGTHS,
        index=default_index,
        format_func=lambda n: f"{n} s",
        captions=[_choice_credits(kind, n, quality) for n in LENGTHS],
        horizontal=True,
        key="np_length",
    )


# The create form's defaults: a 30 s ad at Pro (1080p), the product's default quality (SPEC);
# every option shows its price, so the default never hides what it costs.
NEW_LENGTH = 30
NEW_QUALITY = "pro"


def _choice_credits(kind: str, length_s: int, quality: str) -> str:
    price = choice_price(kind, length_s, quality)
    return credits_text(price.total, price.estimated)


def _price_summary(workspace_id: int, kind: str, length_s: int, quality: str) -> None:
    """The chosen asset's whole price, step by step, against the balance."""
    price = choice_price(kind, length_s, quality if kind == "video" else NEW_QUALITY)
    balance = get_credits(workspace_id).available  # less what running work holds
    exact = (
        " The Render button shows the exact price once the scenes exist." if price.estimated else ""
    )
    st.caption(
        f":material/toll: In all {credits_text(price.total, price.estimated)}: "
        f"{breakdown(price)}. Each step shows its price on its button.{exact} "
        f"Balance: {balance:,} credits."
    )
    if price.total > balance:
        st.warning(
            f"This costs more than the balance ({balance:,} credits): add credits, or choose "
            "a shorter length or Standard quality.",
            icon=":material/warning:",
        )
        st.page_link(w.CREDITS, label="Add credits on the Credits page", icon=":material/add_card:")


def new_project_form(
    workspace_id: int, campaigns: Sequence[Any], *, campaign: str = "", kind: str = "video"
) -> None:
    """The wizard's first step: kind, campaign, title, then the kind's format and length.

    `campaign` and `kind` preselect (deep links from the Campaign Hub and Home)."""
    errors = w.field_errors(NEW_PROJECT_ERRORS)
    names = {row.id: row.name for row in campaigns}
    ids = list(names)
    st.segmented_control(
        "What do you want to make?",
        KINDS,
        default=kind if kind in KINDS else "video",
        format_func=lambda k: f"{w.KIND_LOOKS[k].icon} {w.KIND_LOOKS[k].label}",
        key="np_kind",
        required=True,
    )
    chosen = st.session_state.get("np_kind") or "video"
    st.selectbox(
        "Campaign",
        ids,
        index=ids.index(int(campaign)) if campaign.isdigit() and int(campaign) in names else 0,
        format_func=names.get,
        key="np_campaign",
    )
    st.text_input(
        "Title *", key="np_title", max_chars=120, placeholder="e.g. Spring launch: 30 s story"
    )
    w.field_error(errors, "title", "kind")
    # every option shows what the whole asset costs with it (the other choices as they stand),
    # as its caption: a label that changes would no longer match the widget's stored value
    length = st.session_state.get("np_length", NEW_LENGTH)
    quality = st.session_state.get("np_quality", NEW_QUALITY)
    if chosen == "video":
        st.radio(
            "Format",
            list(VIDEO_FORMATS),
            captions=[_choice_credits("video", length, quality) for _ in VIDEO_FORMATS],
            horizontal=True,
            key="np_format_video",
        )
        _length_radio(LENGTHS.index(NEW_LENGTH))
        st.radio(
            "Quality",
            list(QUALITIES),
            index=list(QUALITIES).index(NEW_QUALITY),
            format_func=QUALITIES.get,
            captions=[_choice_credits("video", length, q) for q in QUALITIES],
            horizontal=True,
            key="np_quality",
        )
    elif chosen in DESIGN_KINDS:
        st.selectbox(
            "Size",
            list(DESIGN_FORMATS),
            format_func=DESIGN_FORMAT_LABELS.get,
            key=f"np_format_{chosen}",
        )
    else:
        _length_radio(0, chosen)
    w.field_error(errors, "format", "length_s", "quality")
    _strategy_overrides(errors)
    _price_summary(workspace_id, chosen, st.session_state.get("np_length", length), quality)
    st.button(
        "Create and open in the Studio",
        type="primary",
        on_click=_create_project,
        args=(workspace_id,),
        key="np_create",
    )


# --------------------------------------------------------------------------- one project


_STARTED = "_aytada_started"  # project id → the first generation id this session started

# What the section of a step that just finished says above its new output.
NEW_NOTICES = {
    "ideas": "New ideas are ready: pick the one to write the script from.",
    "script": "Your new script is ready: read it, edit it if you like, then generate the "
    "scenes below.",
    "scenes": "Your new scenes are ready: check them, then render the video below.",
    "clip": "Your ad is ready: play it or download the MP4.",
    "design": "Your new design is ready.",
    "jingle": "Your new jingle is ready.",
}


def wizard_step_of(kind: str, step: str) -> str | None:
    """The user-started step whose section shows `step`'s output (voiceover and stitching
    belong to the render; typography to the design)."""
    owner = None
    for spec in steps_for(kind):
        if spec.user_started:
            owner = spec.name
        if spec.name == step:
            return owner
    return None


def _remember_started(project_id: int, started: Started) -> None:
    if started.generation_ids:
        st.session_state.setdefault(_STARTED, {})[project_id] = min(started.generation_ids)


def _start(studio: Studio, step: str, scenes: list[int] | None, drawn_status: str) -> Started:
    """A step button's action: start `step` as the button was drawn (`drawn_status`). A stale
    click (another tab ran it) is refused by the runner; the page then shows the latest."""
    try:
        started = start_step(
            studio.workspace_id,
            studio.project.id,
            step,
            scenes=scenes,
            expected_status=drawn_status,
            user_id=w.user_id(),
        )
    except StaleAction as exc:
        st.session_state.get(_STARTED, {}).pop(studio.project.id, None)
        w.flash("warning", str(exc))
        return Started([], 0)
    _remember_started(studio.project.id, started)
    return started


@dataclass
class Studio:
    """One project as every section reads it: the workspace, the row, the price list and the
    step history (newest first)."""

    workspace_id: int
    project: Any
    costs: dict[str, int]
    generations: Sequence[Any] = ()

    @property
    def busy(self) -> bool:
        return statuses.is_active(self.project.status)

    @cached_property
    def last_done(self) -> tuple[str, int] | None:
        """(wizard step, generation id) of the newest succeeded run: its section stays open."""
        for gen in self.generations:
            if gen.state == "succeeded":
                owner = wizard_step_of(self.project.kind, gen.step)
                if owner is not None:
                    return owner, gen.id
        return None

    @property
    def kept_open(self) -> str | None:
        """The section whose output was made last: it stays open, the next step under it."""
        return self.last_done[0] if self.last_done else None

    @property
    def new_step(self) -> str | None:
        """The section to mark "New": its step was started from this session and has just
        finished (nothing runs now)."""
        started = st.session_state.get(_STARTED, {}).get(self.project.id)
        if self.busy or started is None or self.last_done is None:
            return None
        step, gen_id = self.last_done
        return step if gen_id >= started else None

    def new_notice(self, step: str) -> None:
        """The success line above the output of the step that just finished."""
        if self.new_step == step:
            st.success(NEW_NOTICES.get(step, "New output."), icon=":material/fiber_new:")

    @cached_property
    def missing(self) -> list[int]:
        """Scenes without a rendered clip."""
        return missing_scenes(self.project)

    def output(self) -> tuple[str, Any] | None:
        """The project's finished file as (stored path, absolute path), if it is on disk."""
        asset = get_asset(self.workspace_id, self.project.output_asset_id)
        path = w.media_path(asset.path) if asset is not None else None
        return (asset.path, path) if path is not None else None

    def step_button(
        self,
        text: str,
        cost: int,
        step: str,
        key: str,
        *,
        primary: bool = True,
        scenes: list[int] | None = None,
    ) -> None:
        """Start `step`; enabled only where the status rules let it start now. The click
        carries the status the button was drawn for (a stale tab's click changes nothing)."""
        allowed = statuses.can_transition(self.project.status, STEPS[step].active)
        w.action_button(
            w.cost_label(text, cost),
            partial(_start, self, step, scenes, self.project.status),
            key=key,
            primary=primary,
            disabled=self.busy or not allowed,
        )


def project_header(studio: Studio, campaign: Any) -> None:
    """Status badge, format facts, links back, progress and the running step's notice."""
    project = studio.project
    details = [w.KIND_LOOKS[project.kind].label]
    if project.kind != "jingle":
        details.append(w.size_label(project.format))
    if project.kind not in DESIGN_KINDS:
        details.append(f"{project.length_s} s")
    if project.kind == "video":
        details.append(QUALITIES.get(project.quality, project.quality))
    with st.container(horizontal=True, vertical_alignment="center"):
        w.status_badge(project.status)
        st.caption(" · ".join(details))
        st.page_link(
            w.HUB,
            label=f"Campaign: {w.md(campaign.name)}",
            query_params={"id": campaign.id},
            icon=":material/campaign:",
        )
        st.page_link(w.VIDEOS, label="My Videos", icon=":material/movie:")
        if not studio.busy:  # the seeds: no action while processing
            w.delete_button("studio")
    if not studio.busy:
        w.delete_confirmation(
            "studio",
            project.title,
            partial(soft_delete, studio.workspace_id, project.id),
            then=lambda _: w.go(w.VIDEOS),
        )
    w.progress_bar(project.status)
    if studio.busy:
        st.info(
            f"{statuses.label(project.status)}… This page updates by itself as soon as the step "
            "finishes; you can leave and come back, the work continues on the server."
        )


def failure_notice(studio: Studio) -> None:
    """A failed project: its error, and a button that re-runs only the failed step."""
    project = studio.project
    if project.status != statuses.Status.FAILED.value:
        return
    step = project.failed_step or ""
    spec = STEPS.get(step)
    if project.kind == "video" and wizard_step_of("video", step) == "clip":
        st.error(
            "The render failed: the Render section below says why and retries it.",
            icon=":material/error:",
        )
        return
    w.error_box(w.md(project.error or "A step failed."))  # + a Credits link when it is that
    if spec is not None:
        retry_button(studio, "retry")


def retry_button(studio: Studio, key: str) -> None:
    """Re-run only the failed step (its price on the label; a failed step took nothing)."""
    project = studio.project
    step = project.failed_step or ""
    spec = STEPS[step]
    retry_cost = studio.costs["render"] if step == "clip" else studio.costs.get(step, 0)
    w.action_button(
        w.cost_label(f"Retry {spec.label.lower()}", retry_cost),
        partial(retry_failed, studio.workspace_id, project.id, w.user_id()),
        key=key,
        primary=True,
        icon=":material/refresh:",
        help="Re-runs only the step that failed. A failed step took no credits.",
    )


# --------------------------------------------------------------------------- video wizard


def ideas_section(studio: Studio, title: str, expanded: bool) -> None:
    project, costs = studio.project, studio.costs
    ideas = project.ideas or []
    if project.chosen_idea is not None and project.chosen_idea < len(ideas):
        title += f" — “{ideas[project.chosen_idea].get('title', '')}”"
    with w.section(title, expanded, new=studio.new_step == "ideas"):
        studio.new_notice("ideas")
        if not ideas:
            st.caption(
                "Three ad concepts from the campaign, each a hook angle and a narrative approach."
            )
            studio.step_button("Generate ideas", costs["ideas"], "ideas", "run-ideas")
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
                        partial(choose_idea, studio.workspace_id, project.id, i),
                        key=f"idea-{i}",
                        disabled=studio.busy,
                    )
        studio.step_button("New ideas", costs["ideas"], "ideas", "run-ideas", primary=False)


def _save_button(
    label: str, key: str, on_click: Callable[..., None], args: tuple, disabled: bool
) -> None:
    """An edit form's save button: ``on_click(*args)`` saves what the form holds."""
    st.form_submit_button(
        label, on_click=on_click, args=args, disabled=disabled, key=key, icon=":material/save:"
    )


def _save_script(studio: Studio, version: str, errors_key: str) -> None:
    s = st.session_state
    text = {field: s[f"script-{field}-{version}"] for field in SCRIPT_FIELDS}
    w.run_action(
        lambda: save_script(studio.workspace_id, studio.project.id, text),
        success="Script saved.",
        errors_key=errors_key,
    )


def script_section(studio: Studio, title: str, expanded: bool) -> None:
    project, costs = studio.project, studio.costs
    script = project.script
    with w.section(title, expanded, new=studio.new_step == "script"):
        studio.new_notice("script")
        if not script:
            st.caption(
                "A hook, a body, a call to action and the voiceover, for "
                f"{project.length_s} seconds."
            )
            studio.step_button("Generate script", costs["script"], "script", "run-script")
            return
        v = w.version(script)
        errors_key = "script_errors"
        errors = w.field_errors(errors_key)
        with st.form(f"script-form-{v}", border=False):
            for field, spec in SCRIPT_FIELDS.items():
                st.text_area(
                    spec.label,
                    value=script.get(field, ""),
                    key=f"script-{field}-{v}",
                    height=SCRIPT_HEIGHTS[field],
                    disabled=studio.busy,
                )
                w.field_error(errors, field)
            _save_button(
                "Save script", "save-script", _save_script, (studio, v, errors_key), studio.busy
            )
        st.caption(
            "Saved automatically as a draft: you can leave and continue later from My Videos."
        )
        studio.step_button(
            "Write a new script", costs["script"], "script", "run-script", primary=False
        )


def _save_scene(studio: Studio, index: int, version: str) -> None:
    s = st.session_state
    text = {field: s[f"scene-{index}-{field}-{version}"] for field in SCENE_FIELDS}
    w.run_action(
        lambda: save_scene(studio.workspace_id, studio.project.id, index, text),
        success=f"Scene {index + 1} saved.",
    )


def _scene_stills(studio: Studio) -> dict[int, str]:
    """Scene index → the stored path of its still image."""
    stills: dict[int, str] = {}
    for asset in assets_of(studio.workspace_id, studio.project.id):
        if asset.role == "scene_still":
            stills[int((asset.meta or {}).get("scene", -1))] = asset.path
    return stills


def _scene_card(studio: Studio, i: int, scene: dict[str, Any], still: str | None) -> None:
    project, busy = studio.project, studio.busy
    rendered = str(i) in (project.segments or {})
    v = w.version(scene)
    with st.container(border=True):
        left, right = st.columns([1, 3])
        with left:
            w.thumbnail(still, "video", size=(270, 480) if project.format == "9:16" else (480, 270))
            if rendered:
                st.caption("Clip rendered")
            elif still is not None:
                st.caption("Edited: the Render button renders it again")
        with right:
            st.markdown(f"**Scene {i + 1}** · {float(scene.get('duration', 0)):.1f} s")
            with st.form(f"scene-form-{i}-{v}", border=False):
                st.text_area(
                    "Visual",
                    scene.get("visual", ""),
                    key=f"scene-{i}-visual-{v}",
                    height=80,
                    disabled=busy,
                )
                c1, c2 = st.columns(2)
                for col, field, label in (
                    (c1, "caption", "On-screen caption"),
                    (c2, "voiceover", "Voiceover line"),
                ):
                    col.text_area(
                        label,
                        scene.get(field, ""),
                        key=f"scene-{i}-{field}-{v}",
                        height=80,
                        disabled=busy,
                    )
                _save_button("Save scene", f"save-scene-{i}", _save_scene, (studio, i, v), busy)
            if rendered and not studio.missing and not project.scenes_stale:
                studio.step_button(
                    "Re-render scene",
                    studio.costs["render_one"],
                    "clip",
                    f"rerender-{i}",
                    primary=False,
                    scenes=[i],
                )


def scenes_section(studio: Studio, title: str, expanded: bool) -> None:
    project, costs = studio.project, studio.costs
    scenes = project.scenes or []
    if scenes:
        title += f" ({len(scenes)})"
    with w.section(title, expanded, new=studio.new_step == "scenes"):
        studio.new_notice("scenes")
        if project.scenes_stale:
            st.warning(
                "The script changed after these scenes were made: generate the scenes "
                "again before rendering."
            )
        if not scenes or project.scenes_stale:
            st.caption(
                "Each scene gets a visual, an on-screen caption, a voiceover line and a duration."
            )
            studio.step_button("Generate scenes", costs["scenes"], "scenes", "run-scenes")
            if not scenes:
                return
        stills = _scene_stills(studio)
        for i, scene in enumerate(scenes):
            _scene_card(studio, i, scene, stills.get(i))
        if not project.scenes_stale:
            studio.step_button(
                "Regenerate scenes", costs["scenes"], "scenes", "run-scenes", primary=False
            )


def render_section(studio: Studio, title: str, expanded: bool) -> None:
    project, costs, missing = studio.project, studio.costs, studio.missing
    failed_here = (
        project.status == statuses.Status.FAILED.value
        and wizard_step_of(project.kind, project.failed_step or "") == "clip"
    )
    with w.section(title, expanded or failed_here, new=studio.new_step == "clip"):
        studio.new_notice("clip")
        if failed_here:  # a clear failed state where the user looks for the video
            spec = STEPS[project.failed_step or "clip"]
            done = len(project.scenes or []) - len(missing)
            w.error_box(  # with a Credits link when the render lacked credits
                f"The render failed at {spec.label.lower()}: "
                f"{w.md(project.error or 'the step failed.')}  \n"
                f"{done} of {len(project.scenes or [])} scene clips are done; nothing was "
                "charged for the failed step. Retry re-runs only what is missing."
            )
            retry_button(studio, "retry-render")
        if missing and not project.scenes_stale:
            for message in overrun_messages(project.scenes or []):
                st.warning(message)  # said before the user pays for the render
        voice_captions.options_panel(studio)
        if missing and project.status != statuses.Status.FAILED.value:
            st.caption(
                f"{chain_text(costs, 'clip', len(missing))}. Scene images and clips render in "
                "parallel, then the voiceover and the final cut follow by themselves."
            )
            studio.step_button("Render video", costs["render"], "clip", "run-render")
        output = studio.output()
        if output is not None:
            stored, path = output
            col, _ = st.columns([1, 2] if project.format == "9:16" else [2, 1])
            with col:
                st.video(str(path))
                w.download_file(
                    "Download MP4", stored, key="download-video", file_stem=project.title
                )
                voice_captions.subtitle_downloads(studio)
        elif not missing and not failed_here:
            if project.status == statuses.Status.SCENES_READY.value:  # clips kept (a variant)
                st.caption(
                    f"Every scene has its clip already: {chain_text(costs, 'voiceover')} make "
                    "the voiceover in this project's voice and the final cut."
                )
                studio.step_button(
                    "Make the voiceover and the final cut", costs["finish"], "voiceover",
                    "run-finish",
                )  # fmt: skip
            else:
                st.caption("Every scene has a clip; the voiceover and the final cut come next.")


@dataclass(frozen=True)
class WizardSection:
    """How the Studio draws one user-started video step of `aytada.core.pipeline`."""

    draw: Callable[[Studio, str, bool], None]
    shown: Callable[[Any], bool]  # the section appears once the project has its input
    finished: Callable[[Studio], bool]  # ✓ in the stepper


WIZARD_SECTIONS: dict[str, WizardSection] = {
    "ideas": WizardSection(
        ideas_section,
        shown=lambda p: True,
        finished=lambda studio: studio.project.chosen_idea is not None,
    ),
    "script": WizardSection(
        script_section,
        shown=lambda p: p.chosen_idea is not None or bool(p.script),
        finished=lambda studio: bool(studio.project.script),
    ),
    "scenes": WizardSection(
        scenes_section,
        shown=lambda p: bool(p.script),
        finished=lambda studio: bool(studio.project.scenes) and not studio.project.scenes_stale,
    ),
    "clip": WizardSection(
        render_section,
        shown=lambda p: bool(p.scenes) and not p.scenes_stale,
        finished=lambda studio: studio.project.output_asset_id is not None and not studio.missing,
    ),
}


# From the user's side the scene-clip step is the whole render (voiceover and cut follow).
def video_wizard(studio: Studio) -> None:
    """The stepper over the pipeline's user-started video steps, then each shown section: the
    step to do now is open, and so is the section of the step that finished last (its output
    stays in view, marked "New" right after the run, with the next step's button under it);
    older ones fold away (a finished ad opens on its video)."""
    steps = wizard_steps("video")
    labels = [step.wizard_label for step in steps]
    sections = [WIZARD_SECTIONS[step.name] for step in steps]
    current = w.stepper(labels, [section.finished(studio) for section in sections])
    open_at = current if current >= 0 else len(steps) - 1
    kept = studio.kept_open
    for i, (step, label, section) in enumerate(zip(steps, labels, sections, strict=True)):
        if section.shown(studio.project):
            section.draw(studio, f"{i + 1} · {label}", open_at == i or step.name == kept)


# --------------------------------------------------------------------------- other kinds


_COPY_ERRORS = "copy_errors"


def _save_words(studio: Studio, version: str) -> None:
    s = st.session_state
    words = {field: s[f"copy-{field}-{version}"] for field in COPY_FIELDS}
    w.run_action(
        lambda: edit_copy(studio.workspace_id, studio.project.id, words, user_id=w.user_id()),
        success="Words saved: the design is being set again with them (free).",
        errors_key=_COPY_ERRORS,
        then=lambda started: _remember_started(studio.project.id, started),
    )


def _words_form(studio: Studio, copy: Any) -> None:
    """The banner's or flyer's words, editable; saving sets the design again, free."""
    v = w.version(asdict(copy))
    errors = w.field_errors(_COPY_ERRORS)
    with st.form(f"copy-form-{v}", border=False):
        for field, spec in COPY_FIELDS.items():
            st.text_input(
                spec.label,
                value=getattr(copy, field),
                key=f"copy-{field}-{v}",
                help=spec.hint,
                disabled=studio.busy,
            )
            w.field_error(errors, field)
        _save_button("Save words (free)", "save-copy", _save_words, (studio, v), studio.busy)


def design_panel(studio: Studio) -> None:
    """A banner or flyer: the picture with its copy and download, or the button to make it."""
    project, costs = studio.project, studio.costs
    label = w.KIND_LOOKS[project.kind].label
    with st.container(border=True):
        st.subheader(label)
        studio.new_notice("design")
        output = studio.output()
        copy = options_of(project).outputs.copy
        if output is not None:
            stored, path = output
            col, side = st.columns([2, 1])
            col.image(str(path), width="stretch")
            with side:
                if copy is not None:
                    _words_form(studio, copy)
                w.download_file(
                    "Download PNG", stored, key="download-design", file_stem=project.title
                )
            st.caption(
                "A new take: the writer's next words for the same picture, charged only for "
                "the words (nothing when it has no other words for this brief)."
            )
            studio.step_button(
                "New take (new words)", costs["design"], "design", "run-design", primary=False
            )
        else:
            st.caption(
                f"Copy (headline, subline, call to action), a background image and the "
                f"typography at {w.size_label(project.format)}."
            )
            studio.step_button(f"Generate {label.lower()}", costs["design"], "design", "run-design")


_LYRICS_ERRORS = "lyrics_errors"


def _lyrics_saved(studio: Studio, started: Started) -> None:
    if started.generation_ids:
        w.flash("success", "Lyrics saved: the jingle is being sung again with them.")
        _remember_started(studio.project.id, started)
    else:
        w.flash("success", "Lyrics saved.")


def _save_lyrics(studio: Studio, version: str) -> None:
    text = st.session_state[f"lyrics-{version}"]
    w.run_action(
        lambda: edit_copy(
            studio.workspace_id, studio.project.id, {"lyrics": text}, user_id=w.user_id()
        ),
        errors_key=_LYRICS_ERRORS,
        then=lambda started: _lyrics_saved(studio, started),
    )


def _jingle_provider(studio: Studio) -> str:
    """The music provider of the jingle's newest successful run ("" before one)."""
    for gen in studio.generations:
        if gen.step == "jingle" and gen.state == "succeeded":
            return str(gen.provider or "")
    return ""


def _lyrics(studio: Studio, lyrics: str, sung: bool) -> None:
    """A jingle's lyrics, said for what they are: the words sung, or — instrumental, nobody
    sings — a text for a singer to copy or download; editable either way (saving sung lyrics
    sings them again at the jingle's price, shown on the button; instrumental ones are free)."""
    if sung:
        st.caption(":material/mic: Sung: the music sings these lyrics.")
        st.markdown("**Lyrics (sung)**")
    else:
        why = (
            " (the offline synthesizer plays the tune; it has no voice)"
            if _jingle_provider(studio) == "offline"
            else ""
        )
        st.info(
            f"**Instrumental:** nobody sings in this jingle{why}. The lyrics are a text for a "
            "singer: copy or download them.",
            icon=":material/music_off:",
        )
        st.markdown("**Lyrics for a singer**")
    st.code(lyrics, language=None, wrap_lines=True)  # with a copy button
    st.download_button(
        "Download lyrics (.txt)",
        data=lyrics + "\n",
        file_name=w.safe_name(f"{studio.project.title}-lyrics", ".txt"),
        mime="text/plain",
        key="download-lyrics",
        icon=":material/download:",
        on_click="ignore",
    )
    v = w.version([lyrics, sung])
    errors = w.field_errors(_LYRICS_ERRORS)
    with st.expander("Edit the lyrics", expanded=bool(errors)):
        with st.form(f"lyrics-form-{v}", border=False):
            st.text_area(
                "Lyrics (sung)" if sung else "Lyrics for a singer",
                value=lyrics,
                key=f"lyrics-{v}",
                height=180,
                disabled=studio.busy,
            )
            w.field_error(errors, "lyrics")
            label = (
                w.cost_label("Save and sing them again", studio.costs["jingle"])
                if sung
                else "Save lyrics (free)"
            )
            _save_button(label, "save-lyrics", _save_lyrics, (studio, v), studio.busy)


def jingle_panel(studio: Studio) -> None:
    """A jingle: the player, its lyrics (sung, or a text for a singer) and download, or the
    button to make it."""
    project, costs = studio.project, studio.costs
    with st.container(border=True):
        st.subheader("Jingle")
        studio.new_notice("jingle")
        output = studio.output()
        made = options_of(project).outputs
        if output is not None:
            stored, path = output
            st.audio(str(path))
            w.download_file(
                "Download audio", stored, key="download-jingle", file_stem=project.title
            )
            if made.lyrics:
                _lyrics(studio, made.lyrics, made.sung)
            studio.step_button(
                "Generate a new jingle", costs["jingle"], "jingle", "run-jingle", primary=False
            )
        else:
            st.caption(f"Lyrics and a {project.length_s} s brand jingle in the campaign's tone.")
            studio.step_button("Generate jingle", costs["jingle"], "jingle", "run-jingle")


PANELS: dict[str, Callable[[Studio], None]] = {
    "video": video_wizard,
    **{kind: design_panel for kind in DESIGN_KINDS},
    "jingle": jingle_panel,
}


def project_panel(studio: Studio) -> None:
    """The kind's panel: the video wizard, the design panel or the jingle panel."""
    settings_panel(studio)  # format, length and quality with prices, until the render starts
    PANELS[studio.project.kind](studio)


def step_history(generations: Sequence[Any]) -> None:
    """Every run of every step, newest first, as a static table: long errors wrap and are
    read whole (a data grid cuts them off); cells are plain text."""
    st.subheader("Step history")
    rows = w.generation_rows(generations, user_labels(g.user_id for g in generations))
    if rows:
        cells = [{k: w.md(str(v)) for k, v in row.items()} for row in rows]
        st.table(cells, hide_index=True, height="content" if len(rows) <= 15 else 560)
    else:
        st.caption(
            "No step has run yet. Each run of a step is listed here with its provider, "
            "duration, credits and any error."
        )
