"""Prices of a choice as the UI words them, and the Studio's settings panel: a project's format,
length and quality can change until its render starts, with each option's price beside it.

The rules (which statuses allow a change, what a new length invalidates) live in
`aytada.core.projects.change_settings`; the prices in `aytada.core.credits.choice_price`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from aytada.core.credits import ChoicePrice, project_choice_price
from aytada.core.formats import (
    DESIGN_FORMAT_LABELS,
    DESIGN_FORMATS,
    LENGTHS,
    QUALITIES,
    VIDEO_FORMATS,
)
from aytada.core.projects import change_settings, script_fit, settings_fields, settings_lock
from aytada.ui import widgets as w


def credits_text(amount: int, estimated: bool = False) -> str:
    """E.g. "≈252 credits" (≈: the scene count is the plan for the length, not known yet)."""
    return f"{'≈' if estimated else ''}{amount:,} credit{'' if amount == 1 else 's'}"


def breakdown(price: ChoicePrice, *, render_only: bool = False) -> str:
    """E.g. "Script 2 + 6 × scene clip 240 + Voiceover 5 + Stitching 5" (free steps left out)."""
    parts = []
    for part in price.parts:
        if (render_only and not part.render) or part.credits == 0:
            continue
        label = part.label
        if part.runs != 1:
            label = f"{part.runs} × {label.lower()}"
        parts.append(f"{label} {part.credits:,}")
    return " + ".join(parts) or "free"


def _save(studio: Any, keys: dict[str, str]) -> None:
    s = st.session_state
    chosen = {field: s.get(key) for field, key in keys.items()}

    def done(change: Any) -> None:
        if not change.changed:
            w.flash("info", "Nothing changed.")
            return
        w.flash("success", "Settings saved. The prices below follow the new settings.")
        for sentence in change.redo:
            w.flash("warning", sentence)

    w.run_action(
        lambda: change_settings(
            studio.workspace_id,
            studio.project.id,
            fmt=chosen.get("format"),
            length_s=chosen.get("length_s"),
            quality=chosen.get("quality"),
        ),
        then=done,
    )


def settings_panel(studio: Any) -> None:
    """Format, length and quality of the Studio's project, changeable until the render
    starts; each option shows what the render (videos) or the asset would cost."""
    project = studio.project
    lock = settings_lock(project)
    if lock is not None:
        if not studio.busy:
            st.caption(f":material/lock: {lock}")
        return
    fields = settings_fields(project.kind)
    v = w.version([project.id, project.format, project.length_s, project.quality])
    keys = {field: f"settings-{field}-{v}" for field in fields}
    # the choices as they stand (a radio's value from the last run), for the other prices
    s = st.session_state
    length = s.get(keys["length_s"], project.length_s) if "length_s" in keys else project.length_s
    quality = s.get(keys["quality"], project.quality) if "quality" in keys else project.quality

    def price(length_s: int, quality_: str) -> str:
        p = project_choice_price(project, length_s, quality_)
        return credits_text(p.render, p.estimated)

    now = {
        "format": DESIGN_FORMAT_LABELS.get(project.format, project.format).split(" · ")[0],
        "length_s": f"{project.length_s} s",
        "quality": QUALITIES.get(project.quality, project.quality),
    }
    title = " · ".join(now[field] for field in fields)
    with st.popover(f"Settings: {title}", icon=":material/tune:"):
        st.caption("Format, length and quality can change until the render starts.")
        if "format" in fields:
            if project.kind == "video":
                options, label = list(VIDEO_FORMATS), str
            else:
                options, label = list(DESIGN_FORMATS), DESIGN_FORMAT_LABELS.get
            # prices go in the captions: a label that changed would no longer match the
            # radio's stored value (Streamlit keeps the formatted option)
            st.radio(
                "Format" if project.kind == "video" else "Size",
                options,
                index=options.index(project.format) if project.format in options else 0,
                format_func=label,
                captions=[price(length, quality) for _ in options],
                horizontal=project.kind == "video",
                key=keys["format"],
            )
        if "length_s" in fields:
            st.radio(
                "Length",
                LENGTHS,
                index=LENGTHS.index(project.length_s) if project.length_s in LENGTHS else 0,
                format_func=lambda n: f"{n} s",
                captions=[price(n, quality) for n in LENGTHS],
                horizontal=True,
                key=keys["length_s"],
            )
        if "quality" in fields:
            options = list(QUALITIES)
            st.radio(
                "Quality",
                options,
                index=options.index(project.quality) if project.quality in options else 0,
                format_func=QUALITIES.get,
                captions=[price(length, q) for q in options],
                horizontal=True,
                key=keys["quality"],
            )
        chosen = project_choice_price(project, length, quality)
        what = "The render" if project.kind == "video" else "It"
        st.caption(
            f"{what} will cost {credits_text(chosen.render, chosen.estimated)}"
            + (f" ({breakdown(chosen, render_only=True)})" if project.kind == "video" else "")
            + (
                ". The exact price is on the Render button once the scenes exist."
                if chosen.estimated
                else "."
            )
        )
        if project.kind == "video" and (project.script or project.scenes):
            st.caption(
                "Changing the length makes the scenes stale (they are timed to the length) and "
                "keeps the script's words; changing the format or the quality redoes nothing."
            )
        fit = script_fit(project)
        if fit:
            st.warning(fit, icon=":material/timer:")
        st.button(
            "Save settings",
            key=f"settings-save-{v}",
            on_click=_save,
            args=(studio, keys),
            icon=":material/save:",
        )
