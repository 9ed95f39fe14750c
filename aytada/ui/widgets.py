"""The one shared UI module: every page draws with these widgets.

Pages stay thin: they read query parameters and widgets, call one or two functions of
`aytada.core` / `aytada.jobs`, and draw with the helpers below. Status rules come from
`aytada.core.statuses` only; nothing here talks SQL or to a provider.

Actions run in Streamlit callbacks (`on_click`), so they finish before the page is drawn and
the same run already shows their effect (the new status, an error, a new page).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import streamlit as st

from aytada.core import media, statuses
from aytada.core.campaigns import FIELD_LABELS, choice_label
from aytada.core.credits import held_text
from aytada.core.errors import NotFound, UserError, ValidationFailed
from aytada.core.formats import DESIGN_KINDS
from aytada.core.pipeline import STEPS
from aytada.core.projects import (
    KEEPS,
    VARIANT_AXES,
    Family,
    Page,
    ProjectCard,
    axis_choices,
    proposed_value,
    variant_axes,
)
from aytada.core.statuses import Status
from aytada.core.teams import Access, still_member

# --------------------------------------------------------------------------- pages

HOME = "app_pages/home.py"
CAMPAIGNS = "app_pages/campaigns.py"
HUB = "app_pages/campaign_hub.py"
STUDIO = "app_pages/studio.py"
VIDEOS = "app_pages/my_videos.py"
SCRIPTS = "app_pages/my_scripts.py"
IMAGES = "app_pages/my_images.py"
CREDITS = "app_pages/credits.py"
TEAM = "app_pages/workspace.py"


@dataclass(frozen=True)
class KindLook:
    """How a project kind (`aytada.core.formats.KINDS`) is named and drawn."""

    label: str
    plural: str
    icon: str


KIND_LOOKS: dict[str, KindLook] = {
    "video": KindLook("Video ad", "Video ads", ":material/movie:"),
    "banner": KindLook("Banner", "Banners", ":material/image:"),
    "flyer": KindLook("Flyer", "Flyers", ":material/article:"),
    "jingle": KindLook("Jingle", "Jingles", ":material/music_note:"),
}
KIND_LABELS = {kind: look.label for kind, look in KIND_LOOKS.items()}

_WS = "workspace_id"
_ACCESS = "_aytada_access"
_GOTO = "_aytada_goto"
_FLASH = "_aytada_flash"


# --------------------------------------------------------------------------- run context


def set_access(access: Access) -> None:
    """The app's frame resolves who this run acts for, and in which workspace, once per run and
    hands it to the page it runs (and to the callbacks of the next run)."""
    st.session_state[_ACCESS] = access
    st.session_state[_WS] = access.workspace_id


def access() -> Access | None:
    """The run's access (None for a page run on its own, outside the app's frame)."""
    return st.session_state.get(_ACCESS)


def user_id() -> int | None:
    """The signed-in user (None in single-user local mode): recorded on what they start."""
    current = access()
    return current.user_id if current is not None else None


def is_owner() -> bool:
    current = access()
    return current is None or current.is_owner


def start_page() -> int:
    """Call once, first thing, in every page: returns the run's workspace id.

    Every page runs through Home.py (`st.navigation`), which sets the workspace first.
    """
    workspace_id = st.session_state.get(_WS)
    if workspace_id is None:  # a page run on its own (no Home.py): use the default workspace
        from aytada.core.workspaces import default_workspace_id

        workspace_id = default_workspace_id()
    return int(workspace_id)


def go(page: str, params: dict[str, Any] | None = None) -> None:
    """Callback: open `page` (with deep-link parameters) at the start of the next run."""
    st.session_state[_GOTO] = (page, {k: str(v) for k, v in (params or {}).items()})


def follow_goto() -> None:
    """Called by Home.py after `st.navigation`: performs a navigation asked by a callback."""
    target = st.session_state.pop(_GOTO, None)
    if target is not None:
        page, params = target
        st.switch_page(page, query_params=params or None)


def flash(kind: str, message: str) -> None:
    """Queue a message (error / warning / success / info) for the next drawn page."""
    st.session_state.setdefault(_FLASH, []).append((kind, message))


def error_box(message: str) -> None:
    """An error; "Not enough credits…" also links to the Credits page (balance, top-up)."""
    st.error(message, icon=":material/error:")
    if "Not enough credits" in message:  # also "Scene clip failed: Not enough credits: …"
        st.page_link(CREDITS, label="Add credits on the Credits page", icon=":material/add_card:")


def show_flash() -> None:
    for kind, message in st.session_state.pop(_FLASH, []):
        if kind == "error":
            error_box(message)
        elif kind == "warning":
            st.warning(message, icon=":material/warning:")
        elif kind == "success":
            st.success(message, icon=":material/check_circle:")
        else:
            st.info(message)


def may_act() -> bool:
    """First thing in every callback that changes something. A callback runs before the app's
    frame, with the previous run's access: the membership (and the workspace) is checked
    again, so a removed member or a deleted workspace changes nothing."""
    current = access()
    if current is None or still_member(current.workspace_id, current.user_id):
        return True
    flash("error", "You no longer have access to this workspace: nothing was changed. "
                   "Reload the page.")  # fmt: skip
    return False


def run_action(
    action: Callable[[], Any],
    success: str | None = None,
    errors_key: str | None = None,
    then: Callable[[Any], None] | None = None,
) -> None:
    """Callback body for every button that changes something.

    User errors (Redis down, not enough credits, a conflict, bad input) become an `st.error`
    with the message the core wrote for people; nothing else happens.
    """
    if errors_key:
        st.session_state.pop(errors_key, None)
    if not may_act():
        return
    try:
        result = action()
    except ValidationFailed as exc:
        if errors_key:
            st.session_state[errors_key] = exc.errors
            flash("error", "Please fix the highlighted fields.")
        else:
            flash("error", str(exc))
        return
    except UserError as exc:
        flash("error", str(exc))
        return
    if success:
        flash("success", success)
    if then is not None:
        then(result)


def field_errors(errors_key: str) -> dict[str, str]:
    return dict(st.session_state.get(errors_key) or {})


def field_error(errors: dict[str, str], *names: str) -> None:
    """The validation message right under its field."""
    for name in names:
        if name in errors:
            st.markdown(
                f"<div class='aytada-field-error'>⚠ {html.escape(errors[name])}</div>",
                unsafe_allow_html=True,
            )


# --------------------------------------------------------------------------- styling

_CSS = """
<style>
@keyframes aytada-pulse {
  0%, 100% { opacity: 1; box-shadow: 0 0 0 0 rgba(108, 76, 241, .55); }
  50% { opacity: .6; box-shadow: 0 0 0 .45rem rgba(108, 76, 241, 0); }
}
.aytada-processing {
  display: inline-flex; align-items: center; gap: .45rem; padding: .2rem .8rem;
  border-radius: 999px; background: #6C4CF1; color: #fff; font-weight: 600;
  font-size: .9rem; animation: aytada-pulse 1.6s ease-in-out infinite;
}
.aytada-processing .aytada-dot {
  width: .5rem; height: .5rem; border-radius: 50%; background: #fff;
}
.aytada-field-error { color: #c0392b; font-size: .85rem; margin: -.4rem 0 .5rem 0; }
.aytada-thumb-empty {
  aspect-ratio: 16 / 9; border-radius: .5rem; display: flex; align-items: center;
  justify-content: center; font-size: .85rem; font-weight: 600; letter-spacing: .08em;
  text-transform: uppercase; color: #6C4CF1;
  background: linear-gradient(135deg, #ece8ff 0%, #f7f3ea 100%);
}
.aytada-steps { display: flex; gap: .5rem; flex-wrap: wrap; margin: .25rem 0 1rem 0; }
.aytada-step {
  padding: .3rem .8rem; border-radius: 999px; font-size: .9rem;
  border: 1px solid #d9d4f5; color: #555;
}
.aytada-step.done { background: #e8f6ee; border-color: #9fd8b5; color: #1e7b45; }
.aytada-step.current { background: #6C4CF1; border-color: #6C4CF1; color: #fff; font-weight: 600; }
/* destructive confirmations ("Yes, delete"): red, whatever the theme's primary colour */
div[class*="st-key-danger-"] button {
  background-color: #c62828; border-color: #c62828; color: #fff;
}
div[class*="st-key-danger-"] button:hover { background-color: #a61d1d; border-color: #a61d1d; }
/* the output of the step that just finished */
div[class*="st-key-new-"] { border-left: 4px solid #1e9e57; padding-left: .75rem; }
</style>
"""


def style() -> None:
    st.markdown(_CSS, unsafe_allow_html=True)


def processing_badge() -> None:
    """The pulsing **Processing** badge (shown while polling is on)."""
    st.markdown(
        "<span class='aytada-processing' role='status' aria-live='polite'>"
        "<span class='aytada-dot'></span>Processing</span>",
        unsafe_allow_html=True,
    )


def page_header(title: str, caption: str | None = None, *, processing: bool = False) -> None:
    style()
    left, right = st.columns([5, 1], vertical_alignment="center")
    with left:
        st.title(md(title))  # user text (project, campaign names): plain, never Markdown
    with right:
        if processing:
            processing_badge()
    if caption:
        st.caption(caption)
    show_flash()


def poll_ms() -> int:
    """The autorefresh interval (setting POLL_MS, default 8000 ms: the seeds' rule)."""
    from aytada.core.settings import get_settings

    return get_settings().poll_ms


def live_refresh(active: bool, key: str) -> None:
    """Poll every POLL_MS (8000) ms while something is active; render nothing otherwise."""
    if active:
        # imported here, in a script run: Streamlit registers a custom component only when it
        # is declared during one (app_pages.serve imports this module before the server starts)
        from streamlit_autorefresh import st_autorefresh

        with st.sidebar:  # a zero-height iframe: keep it out of the page's layout
            st_autorefresh(interval=poll_ms(), key=key)


# Characters that format anywhere in a line, and the ones that only do at its start (lists,
# rules, headings): escaped, user text reads exactly as typed (`**x**` stays `**x**`).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>~$!&])")
_MD_LINE_START = re.compile(r"^(\s*(?:\d+)?)([-+=.)])", re.MULTILINE)


def md(text: str) -> str:
    """Escape user text for st.markdown, st.title, expander labels and st.table cells."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text or "")
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def size_label(fmt: str) -> str:
    """A pixel size as people write it: "1080x1920" → "1080×1920" (other formats unchanged)."""
    return re.sub(r"^(\d+)x(\d+)$", "\\1×\\2", fmt or "")


def fmt_date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M") if value else "—"


def cost_label(text: str, credits: int) -> str:
    """A button label with the action's price, e.g. "Generate script · 2 credits"."""
    return f"{text} · {credits} credit{'' if credits == 1 else 's'}"


# --------------------------------------------------------------------------- statuses


def status_badge(status: str) -> None:
    s = Status(status)
    text = statuses.label(status)
    if s in statuses.ACTIVE:
        st.badge(text, icon=":material/progress_activity:", color="blue")
    elif s is Status.COMPLETED:
        st.badge(text, icon=":material/check_circle:", color="green")
    elif s is Status.FAILED:
        st.badge(text, icon=":material/error:", color="red")
    else:
        st.badge(text, icon=":material/edit_note:", color="violet")


def progress_bar(status: str) -> None:
    if statuses.is_active(status):
        value = statuses.progress(status)
        st.progress(value, text=f"{statuses.label(status)}… {round(value * 100)}%")


def status_options() -> list[str]:
    """Every status for the filters, the video pipeline's statuses first."""
    rest = [s for s in Status if s not in statuses.SEED_VIDEO_STATUSES]
    return [s.value for s in (*statuses.SEED_VIDEO_STATUSES, *rest)]


def status_summary(counts: dict[str, int]) -> dict[str, int]:
    """Counts by status grouped as Home shows them: active, resumable, completed, failed."""
    out = {"active": 0, "resumable": 0, "completed": 0, "failed": 0}
    for status, n in counts.items():
        s = Status(status)
        if s in statuses.ACTIVE:
            out["active"] += n
        elif s in statuses.RESUMABLE:
            out["resumable"] += n
        elif s is Status.COMPLETED:
            out["completed"] += n
        elif s is Status.FAILED:
            out["failed"] += n
    return out


# --------------------------------------------------------------------------- media


def media_path(relative: str | None) -> Path | None:
    """The local file of a stored path, or None. With an S3 store (MEDIA_URL) it is fetched
    into this machine's cache, and only keys of the run's workspace are (a page never serves
    another workspace's file); the page then streams its bytes as it does a local file."""
    if not relative:
        return None
    return media.workspace_file(start_page(), relative)


@st.cache_data(max_entries=512, show_spinner=False)
def _thumbnail_bytes(path: str, mtime: float, size: tuple[int, int], contain: bool) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(path) as img:
        rgb = img.convert("RGB")
        if contain:
            thumb = ImageOps.pad(rgb, size, Image.Resampling.LANCZOS, color=(244, 242, 250))
        else:
            thumb = ImageOps.fit(rgb, size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    thumb.save(buf, format="JPEG", quality=82)
    return buf.getvalue()


def thumbnail(
    relative: str | None,
    kind: str,
    *,
    size: tuple[int, int] = (480, 270),
    contain: bool = False,
) -> None:
    """A preview cropped to `size` (or padded into it with `contain`), or a placeholder."""
    path = media_path(relative)
    if path is not None:
        try:
            data = _thumbnail_bytes(str(path), path.stat().st_mtime, size, contain)
        except OSError:
            data = None
        if data:
            st.image(data, width="stretch")
            return
    st.markdown(
        f"<div class='aytada-thumb-empty'>{html.escape(KIND_LABELS.get(kind, kind))}</div>",
        unsafe_allow_html=True,
    )


def download_file(label: str, relative: str | None, *, key: str, file_stem: str) -> None:
    """A download button for a stored file (read only when clicked)."""
    path = media_path(relative)
    if path is None:
        st.caption("The file is missing on disk.")
        return
    st.download_button(
        label,
        data=lambda: path.read_bytes(),
        file_name=safe_name(file_stem, path.suffix),
        mime=media.mime_type(path),
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def version(value: Any) -> str:
    """A short fingerprint of some data: widget keys change when the stored text changes."""
    import hashlib
    import json

    raw = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha1(raw).hexdigest()[:10]


def safe_name(text: str, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "aytada"
    return f"{stem[:60]}{suffix}"


# --------------------------------------------------------------------------- blocks


def empty_state(
    title: str,
    text: str,
    actions: Sequence[tuple[str, str, dict[str, Any] | None]] = (),
    *,
    icon: str = ":material/auto_awesome:",
    key: str = "empty",
) -> None:
    """Every list's empty state: what it is and what to do next, with buttons to get there."""
    with st.container(border=True):
        st.markdown(f"### {icon} {md(title)}")
        st.markdown(text)
        if actions:
            cols = st.columns(len(actions) + 1)
            for i, (label, page, params) in enumerate(actions):
                cols[i].button(
                    label,
                    key=f"{key}-{i}",
                    type="primary" if i == 0 else "secondary",
                    on_click=go,
                    args=(page, params),
                )


def not_found(message: str, back_page: str, back_label: str) -> NoReturn:
    """A friendly "not found" with a way back; stops the page (never a traceback)."""
    style()
    st.title("Not found")
    st.warning(message, icon=":material/search_off:")
    st.page_link(back_page, label=back_label, icon=":material/arrow_back:")
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def load_or_not_found(
    loader: Callable[..., Any], *args: Any, back_page: str, back_label: str
) -> Any:
    try:
        return loader(*args)
    except NotFound as exc:
        not_found(str(exc), back_page, back_label)


def nav_button(
    label: str,
    page: str,
    params: dict[str, Any] | None = None,
    *,
    key: str,
    primary: bool = False,
    icon: str | None = None,
) -> None:
    """A button that opens `page` (with deep-link parameters)."""
    action_button(label, partial(go, page, params), key=key, primary=primary, icon=icon)


def action_button(
    label: str,
    action: Callable[[], Any],
    *,
    key: str,
    success: str | None = None,
    then: Callable[[Any], None] | None = None,
    primary: bool = False,
    disabled: bool = False,
    help: str | None = None,
    icon: str | None = None,
    width: str = "content",
) -> None:
    """A button whose click runs `action` (fast: it only enqueues or saves)."""
    st.button(
        label,
        key=key,
        on_click=run_action,
        args=(action, success, None, then),
        type="primary" if primary else "secondary",
        disabled=disabled,
        help=help,
        icon=icon,
        width=width,
    )


def open_studio(project_id: int) -> None:
    go(STUDIO, {"project": project_id})


def set_flag(key: str, value: bool) -> None:
    """Callback of a "Delete…"-style button (True: the page now asks first) and of Cancel."""
    st.session_state[key] = value


def flag_button(
    label: str, *, key: str, flag: str, icon: str, help: str | None = None, disabled: bool = False
) -> None:
    """A button whose click only sets `flag` in the session (`set_flag`): the page then asks
    its question or shows its picker."""
    st.button(
        label,
        key=key,
        icon=icon,
        on_click=set_flag,
        args=(flag, True),
        help=help,
        disabled=disabled,
    )


def danger_zone(key: str) -> Any:
    """A container whose primary button is red (a destructive confirmation; the page CSS
    styles .st-key-danger-*)."""
    return st.container(key=f"danger-{key}")


def _confirm_delete(
    flag: str, delete: Callable[[], Any], title: str, then: Callable[[Any], None] | None
) -> None:
    st.session_state[flag] = False
    run_action(delete, success=f"“{md(title)}” was deleted.", then=then)


def delete_button(key: str, *, disabled: bool = False) -> None:
    """The "Delete" button: it only asks for the confirmation (`delete_confirmation`)."""
    flag_button(
        "Delete",
        key=f"{key}-del",
        flag=f"{key}-confirm",
        icon=":material/delete:",
        disabled=disabled,
    )


def delete_confirmation(
    key: str, title: str, delete: Callable[[], Any], then: Callable[[Any], None] | None = None
) -> bool:
    """After "Delete" was clicked: the question, a destructive (red) "Yes, delete" and
    "Cancel". Returns True while it is shown (the caller draws no other actions)."""
    flag = f"{key}-confirm"
    if not st.session_state.get(flag):
        return False
    st.warning(
        f"Delete “{md(title)}”? It disappears from your lists; its generation "
        "records and credit history are kept."
    )
    yes, no = st.columns(2)
    with yes, danger_zone(key):
        st.button(
            "Yes, delete",
            key=f"{key}-yes",
            type="primary",
            icon=":material/delete_forever:",
            on_click=_confirm_delete,
            args=(flag, delete, title, then),
        )
    no.button("Cancel", key=f"{key}-no", on_click=set_flag, args=(flag, False))
    return True


def project_card(
    card: ProjectCard,
    *,
    key: str,
    show_campaign: bool = True,
    delete: Callable[[], Any] | None = None,
    variant: Callable[[str, Any], int] | None = None,
) -> None:
    """A project card: thumbnail with progress, title, format, date, status badge, and the
    action button by status; while it is active no action at all (not even Delete), else
    delete-after-confirmation. `variant(axis, value)` makes an A/B variant (`variant_picker`)."""
    with st.container(border=True):
        thumbnail(card.thumbnail, card.kind, contain=card.kind in DESIGN_KINDS)
        progress_bar(card.status)
        st.markdown(f"**{md(card.title)}**")
        size = size_label(card.format) if card.kind != "jingle" else "audio"
        meta = [KIND_LABELS.get(card.kind, card.kind), size]
        if card.kind not in DESIGN_KINDS:
            meta.append(f"{card.length_s} s")
        meta.append(fmt_date(card.created_at))
        st.caption(" · ".join(meta))
        if show_campaign:
            st.caption(f"Campaign: {md(card.campaign_name)}")
        if card.variant_change:
            st.caption(f":material/call_split: Variant · changed {md(card.variant_change)}")
        if card.overrides:
            own = [f"{FIELD_LABELS[k]}: {choice_label(k, v)}" for k, v in card.overrides.items()]
            st.caption(f"Own strategy · {md(' · '.join(own))}")
        status_badge(card.status)
        if card.status == Status.FAILED.value and card.error:
            st.caption(f":material/error: {md(card.error[:160])}")
        if card.active:  # the seeds: no action while processing (the badge and bar say it)
            return
        if delete is not None and delete_confirmation(key, card.title, delete):
            return
        with st.container(horizontal=True, gap="small"):
            if card.action:
                params = {"project": card.id}
                nav_button(card.action, STUDIO, params, key=f"{key}-act", primary=True)
            if variant is not None:
                flag_button(
                    "Make a variant",
                    key=f"{key}-variant",
                    flag=f"{key}-vpick",
                    icon=":material/call_split:",
                    help="A new project that changes one thing: an A/B test.",
                )
            if delete is not None:
                delete_button(key)
        if variant is not None and st.session_state.get(f"{key}-vpick"):
            variant_picker(card, key=key, variant=variant)


# what a video variant along format, length or voice keeps, said by the last thing it keeps
_KEEPS_SAYS = {
    "clips": "It keeps the script, its edits, the scenes and their clips: only the voiceover "
    "and the final cut are made again.",
    "scenes": "It keeps the script, its edits and the scenes: the scene clips are rendered "
    "again in the new format.",
    "script": "It keeps the script and its edits: the scenes are made again for the new length.",
}


def _create_variant(key: str, variant: Callable[[str, Any], int]) -> None:
    s = st.session_state
    axis = s.get(f"{key}-vaxis")
    value = s.get(f"{key}-vvalue-{axis}")

    def opened(project_id: int) -> None:
        s[f"{key}-vpick"] = False
        open_studio(project_id)

    run_action(
        lambda: variant(axis, value),
        success="The variant was created: it changes only what you chose.",
        errors_key=f"{key}-verrors",
        then=opened,
    )


def variant_picker(card: ProjectCard, *, key: str, variant: Callable[[str, Any], int]) -> None:
    """ "Make a variant": which axis changes (awareness stage, creative style, persuasion
    trigger, length, format/size, voice — as the kind has them) and its new value, proposed
    as what is used now (the campaign's strategy, the project's format, length or voice)."""
    axes = variant_axes(card.kind)
    with st.container(border=True):
        axis = st.selectbox(
            "What should the variant change?", list(axes), format_func=axes.get,
            key=f"{key}-vaxis",
        )  # fmt: skip
        choices = axis_choices(card.kind, axis)
        now = proposed_value(card, axis)
        if choices is None:
            st.text_input("New voice", value=now, key=f"{key}-vvalue-{axis}", max_chars=100,
                          placeholder="e.g. en-gb, or an ElevenLabs voice id")  # fmt: skip
        else:
            options = list(choices)
            st.selectbox("New value", options, format_func=choices.get,
                         index=options.index(now) if now in options else None,
                         placeholder="Choose a value", key=f"{key}-vvalue-{axis}")  # fmt: skip
        keeps = KEEPS.get(axis, ()) if card.kind == "video" else ()
        if keeps:
            st.caption(_KEEPS_SAYS[keeps[-1]])
        field_error(field_errors(f"{key}-verrors"), "axis", "value")
        yes, no = st.columns(2)
        yes.button("Create the variant", key=f"{key}-vcreate", type="primary",
                   on_click=_create_variant, args=(key, variant))  # fmt: skip
        no.button("Cancel", key=f"{key}-vcancel", on_click=set_flag,
                  args=(f"{key}-vpick", False))  # fmt: skip


def card_grid(
    cards: Iterable[ProjectCard],
    *,
    columns: int = 3,
    key: str,
    show_campaign: bool = True,
    delete: Callable[[int], Callable[[], Any]] | None = None,
    variant: Callable[[int], Callable[[str, Any], int]] | None = None,
) -> None:
    cards = list(cards)
    for start in range(0, len(cards), columns):
        cols = st.columns(columns)
        for col, card in zip(cols, cards[start : start + columns], strict=False):
            with col:
                project_card(
                    card,
                    key=f"{key}-{card.id}",
                    show_campaign=show_campaign,
                    delete=delete(card.id) if delete else None,
                    variant=variant(card.id) if variant else None,
                )


def variant_family(family: Family, *, variant: Callable[[int], Any] | None = None) -> None:
    """An A/B family side by side, three to a row: the original ("A · original") and each
    variant with the one thing it changed."""
    row = [family.original, *family.variants]
    for start in range(0, len(row), 3):
        for col, card in zip(st.columns(3), row[start : start + 3], strict=False):
            with col:
                if card.id == family.original.id:
                    st.markdown("**A · original**")
                else:
                    axis = VARIANT_AXES.get(card.variant_axis or "", "same settings")
                    st.markdown(f"**Variant · changed: {md(axis)}**")
                project_card(card, key=f"ab-{card.id}", show_campaign=False,
                             variant=variant(card.id) if variant else None)  # fmt: skip


def pages_shown(state: str) -> int:
    """How many pages a "Show more" list shows (``state``: its key in the session, one per
    list: per campaign, per filter); 1 until "Show more" is clicked."""
    shown = st.session_state.get(state, 1)
    return shown if isinstance(shown, int) and shown >= 1 else 1


def _show_more(state: str, shown: int) -> None:
    st.session_state[state] = shown + 1


def show_more(page: Page[Any], *, state: str, key: str, noun: str = "") -> None:
    """Under a list of the first pages (``core.projects.first_projects``,
    ``variant_families``): "Showing 24 of 130" once there is more than one page, and "Show
    more" (the next page, added below) while some are left."""
    if page.pages <= 1:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Showing {page.shown} of {page.total}" + (f" {noun}" if noun else ""))
        if page.shown < page.total:
            st.button(
                "Show more",
                key=f"{key}-more",
                icon=":material/expand_more:",
                on_click=_show_more,
                args=(state, page.page),
            )


def section(title: str, expanded: bool, *, new: bool = False) -> Any:
    """A wizard step's block: open when it is the step to do now or the one that just
    finished (`new`: marked "New", its output stays in view), folded otherwise."""
    label = f"**{md(title)}**" + (" · :green[New]" if new else "")
    return st.expander(
        label, expanded=expanded or new, icon=":material/fiber_new:" if new else None
    )


def stepper(names: Sequence[str], done: Sequence[bool]) -> int:
    """A horizontal stepper: ✓ done, ● the first step still to do, ○ later.

    Returns the index of the step to do now (-1 when every step is done)."""
    current = next((i for i, d in enumerate(done) if not d), -1)
    parts = []
    for i, (name, finished) in enumerate(zip(names, done, strict=True)):
        if i == current:
            cls, mark = "current", "●"
        elif finished:
            cls, mark = "done", "✓"
        else:
            cls, mark = "", "○"
        parts.append(f"<span class='aytada-step {cls}'>{mark} {i + 1}. {html.escape(name)}</span>")
    st.markdown(f"<div class='aytada-steps'>{''.join(parts)}</div>", unsafe_allow_html=True)
    return current


def generation_rows(
    generations: Iterable[Any], people: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """The Studio's step history (newest first) with who started each run (``people``: user
    id → name; the column shows when anyone is named); errors whole, never cut."""
    rows = []
    people = people or {}
    for g in generations:
        spec = STEPS.get(g.step)
        name = spec.label if spec else g.step
        if g.scene_index is not None and g.scene_index >= 0:
            name = f"{name} {g.scene_index + 1}"
        duration = "—"
        if g.started_at and g.finished_at:
            duration = f"{(g.finished_at - g.started_at).total_seconds():.1f} s"
        provider = g.provider + (f" ({g.model})" if g.model else "")
        row: dict[str, Any] = {
            "Step": name,
            "Provider": provider or "—",
            "State": g.state,
            "Duration": duration,
            "Credits": g.credits_charged,
            "Started": fmt_date(g.started_at or g.created_at),
        }
        if people:  # signed-in teams: who started it (the CLI and the system show "—")
            row["By"] = people.get(g.user_id, "—")
        row["Error"] = g.error or (g.notice or "")
        rows.append(row)
    return rows


def sidebar(
    balance: int, providers: dict[str, str] | None, provider_error: str = "", held: int = 0
) -> None:
    """`balance`: what can be spent (the ledger's balance less `held`, the credits held by
    queued and running work)."""
    with st.sidebar:
        st.metric("Credit balance", f"{balance:,}")
        if held:
            st.caption(f":material/hourglass_top: {held_text(held)}")
        if provider_error:
            st.caption(f":material/warning: Providers: {provider_error}")
        elif providers:
            if all(v in ("offline", "local") for v in providers.values()):
                st.caption(
                    ":material/cloud_off: Offline mode: built-in providers (no API keys set)."
                )
            else:
                st.caption(
                    "Providers: " + ", ".join(f"{cap} → {name}" for cap, name in providers.items())
                )


HEALTH_ICONS = {
    "ok": ":material/check_circle:",
    "warning": ":material/restart_alt:",
    "error": ":material/error:",
}


def health(line: tuple[str, str] | None) -> None:
    """The sidebar's health line: `aytada up`'s children (all running, one restarted and when,
    one down and when it starts again); nothing when the app does not run under `up`."""
    if line is None:
        return
    level, text = line
    with st.sidebar:
        st.caption(f"{HEALTH_ICONS.get(level, '')} {text}".strip())
