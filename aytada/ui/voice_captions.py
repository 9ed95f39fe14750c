"""The Studio's voice, music and caption panels, and the subtitle downloads of a finished video.

`options_panel` sits in the Render section above the Render button: the voice (with a short
preview), the speaking speed, music on/off and its level, and the caption style. Every change
is saved at once (the render reads the saved choice) until the render starts; after that the
panel shows the choice and why it is fixed. `subtitle_downloads` sits under the MP4 download.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from aytada.core import project_options as po
from aytada.core import subtitles
from aytada.core.errors import UserError
from aytada.core.options import options_of
from aytada.core.timing import overrun_messages
from aytada.jobs import voices
from aytada.ui import widgets as w

DEFAULT_VOICE_LABEL = "Workspace default voice"
_PREVIEW = "vc_preview"  # session key: project id → (voice, speed, path) of the last preview


def _key(studio: Any, name: str) -> str:
    return f"vc-{name}-{studio.project.id}"


# --------------------------------------------------------------------------- saving


def _save_voice(studio: Any, field: str) -> None:
    """on_change of a voice/music widget: store its value; on refusal, show the stored one."""
    if not w.may_act():
        return
    value = st.session_state[_key(studio, field)]
    if field == "voice" and value is None:
        value = ""
    try:
        voices.save_voice_choice(studio.workspace_id, studio.project.id, {field: value})
    except UserError as exc:
        w.flash("error", str(exc))
        stored = options_of(studio.project).choices.voice_options
        st.session_state[_key(studio, field)] = getattr(stored, field)


def _save_captions(studio: Any) -> None:
    if not w.may_act():
        return
    values = {
        name: st.session_state.get(_key(studio, f"cap-{name}")) for name in po.CAPTION_CHOICES
    }
    stored = options_of(studio.project).choices.captions
    values = {k: v if v is not None else getattr(stored, k) for k, v in values.items()}
    try:
        po.save_caption_style(studio.workspace_id, studio.project.id, values)
    except UserError as exc:
        w.flash("error", str(exc))
        for name in po.CAPTION_CHOICES:
            st.session_state[_key(studio, f"cap-{name}")] = getattr(stored, name)


def _remember_preview(project_id: int, voice: str, speed: float, made: Any) -> None:
    """Keep the project's asked-for preview: (voice, speed, its file or "" while it is made);
    a failure is flashed and forgotten."""
    previews = dict(st.session_state.get(_PREVIEW) or {})
    if isinstance(made, UserError) or made.error:
        w.flash("error", str(made) if isinstance(made, UserError) else made.error)
        previews.pop(project_id, None)
    else:
        previews[project_id] = (voice, speed, str(made.path or ""))
    st.session_state[_PREVIEW] = previews


def _make_preview(studio: Any) -> None:
    voice = st.session_state.get(_key(studio, "voice")) or ""
    speed = float(st.session_state.get(_key(studio, "speed")) or po.SPEED_DEFAULT)
    try:
        made: Any = voices.preview(voice, speed, again=True)
    except UserError as exc:
        made = exc
    _remember_preview(studio.project.id, voice, speed, made)


@st.fragment(run_every=1)
def _preview_pending(project_id: int, voice: str, speed: float) -> None:
    """While a preview is being made (in the background): a note, and the whole page again
    once it is ready (it then plays) or has failed (the reason is shown)."""
    try:
        made: Any = voices.preview(voice, speed)
    except UserError as exc:
        made = exc
    if isinstance(made, UserError) or not made.making:
        _remember_preview(project_id, voice, speed, made)
        st.rerun(scope="app")
    st.caption("Making the preview…")


# --------------------------------------------------------------------------- drawing


def _summary(chosen: po.VoiceOptions, style: po.CaptionStyle, voice_name: str) -> str:
    music = f"music {chosen.music_db:g} dB under the voice" if chosen.music else "no music"
    return (
        f"Voice: {voice_name} · {chosen.speed:g}× speed · {music}  \n"
        f"Captions: {po.CAPTION_POSITIONS[style.position].lower()}, "
        f"{po.CAPTION_SIZES[style.size].lower()}, {po.CAPTION_COLORS[style.color].lower()}, "
        f"{po.CAPTION_STYLES[style.style].lower()}"
    )


def _voice_picker(studio: Any, chosen: po.VoiceOptions, listed: voices.VoiceList) -> None:
    names = {voice.id: voice for voice in listed.voices}
    options = ["", *names]
    current = chosen.voice if chosen.voice in names else ""
    key = _key(studio, "voice")
    if st.session_state.get(key) not in options:
        st.session_state[key] = current
    st.selectbox(
        f"Voice · {voices.PROVIDER_LABELS.get(listed.provider, listed.provider)}",
        options,
        key=key,
        format_func=lambda v: (
            f"{names[v].name} — {names[v].description}"
            if v in names and names[v].description
            else names[v].name
            if v in names
            else DEFAULT_VOICE_LABEL
        ),
        on_change=_save_voice,
        args=(studio, "voice"),
    )
    if chosen.voice and chosen.voice not in names:
        st.caption(
            f"The saved voice ({chosen.voice}) belongs to another voice provider: the render "
            "uses the workspace's default voice unless you choose one here."
        )


def _preview(studio: Any) -> None:
    st.button(
        "Play a 3-second preview",
        key=_key(studio, "preview"),
        icon=":material/play_arrow:",
        on_click=_make_preview,
        args=(studio,),
    )
    made = (st.session_state.get(_PREVIEW) or {}).get(studio.project.id)
    if made is None:
        return
    voice, speed, path = made
    if voice == (st.session_state.get(_key(studio, "voice")) or "") and speed == float(
        st.session_state.get(_key(studio, "speed")) or po.SPEED_DEFAULT
    ):
        if path:
            st.audio(path, autoplay=True)
        else:
            _preview_pending(studio.project.id, voice, speed)


def voice_music_panel(studio: Any) -> None:
    """Voice (with preview), speaking speed, music on/off and level: saved as they change."""
    project = studio.project
    chosen = options_of(project).choices.voice_options
    st.markdown("**Voice and music**")
    listed = voices.available_voices()
    if listed.error:
        st.warning(listed.error, icon=":material/record_voice_over:")
    else:
        _voice_picker(studio, chosen, listed)
        _preview(studio)
    speed_key, music_key, level_key = (_key(studio, n) for n in ("speed", "music", "music_db"))
    st.session_state.setdefault(speed_key, chosen.speed)
    st.session_state.setdefault(music_key, chosen.music)
    st.session_state.setdefault(level_key, int(round(chosen.music_db)))
    st.slider(
        "Speaking speed",
        min_value=po.SPEED_MIN,
        max_value=po.SPEED_MAX,
        step=po.SPEED_STEP,
        format="%.2f×",
        key=speed_key,
        on_change=_save_voice,
        args=(studio, "speed"),
        help="1.00× is the voice's normal pace. Slower lines may not fit their scenes.",
    )
    if chosen.speed < 1:  # slower lines may no longer fit their scenes: said before paying
        for message in overrun_messages(project.scenes or [], chosen.speed):
            st.warning(f"At {chosen.speed:g}× speed: {message}")
    st.toggle("Background music", key=music_key, on_change=_save_voice, args=(studio, "music"))
    st.slider(
        "Music level (dB under the voice)",
        min_value=po.MUSIC_DB_MIN,
        max_value=po.MUSIC_DB_MAX,
        step=1,
        key=level_key,
        disabled=not chosen.music,
        on_change=_save_voice,
        args=(studio, "music_db"),
        help=f"{po.MUSIC_DB_DEFAULT} dB is the standard mix; more means quieter music. The "
        "music also dips under every spoken line.",
    )


def captions_panel(studio: Any) -> None:
    """Position, size, colour and box/outline of the burned-in captions."""
    style = options_of(studio.project).choices.captions
    st.markdown("**Captions**")
    labels = {"position": "Position", "size": "Size", "color": "Colour", "style": "Style"}
    for name, choices in po.CAPTION_CHOICES.items():
        key = _key(studio, f"cap-{name}")
        st.session_state.setdefault(key, getattr(style, name))
        st.segmented_control(
            labels[name],
            list(choices),
            format_func=choices.get,
            key=key,
            required=True,
            on_change=_save_captions,
            args=(studio,),
        )
    st.caption(
        "Captions stay inside the platforms' safe zone (clear of the top bar and the buttons "
        "at the bottom). Subtitle files (.srt, .vtt) come with the finished video."
    )


def options_panel(studio: Any) -> None:
    """The voice, music and caption choices of a video: editable until the render starts,
    else a summary with the reason."""
    project = studio.project
    if project.kind != "video":
        return
    voice_locked, captions_locked = po.voice_lock(project), po.captions_lock(project)
    with st.container(border=True):
        if voice_locked and captions_locked:
            chosen = options_of(project).choices.voice_options
            name = voices.PROVIDER_LABELS.get(chosen.voice_provider, "")
            voice_name = f"{chosen.voice} ({name})" if chosen.voice else DEFAULT_VOICE_LABEL.lower()
            st.markdown(_summary(chosen, options_of(project).choices.captions, w.md(voice_name)))
            st.caption(voice_locked)
            return
        left, right = st.columns(2, gap="large")
        with left:
            if voice_locked:
                st.caption(voice_locked)
            else:
                voice_music_panel(studio)
        with right:
            if captions_locked:
                st.markdown("**Captions**")
                style = options_of(project).choices.captions
                st.caption(
                    f"{po.CAPTION_POSITIONS[style.position]}, {po.CAPTION_SIZES[style.size]}, "
                    f"{po.CAPTION_COLORS[style.color]}, {po.CAPTION_STYLES[style.style]}. "
                    + captions_locked
                )
            else:
                captions_panel(studio)


def subtitle_downloads(studio: Any) -> None:
    """.srt and .vtt of the finished video, timed to its voice (beside the MP4 download)."""
    project = studio.project
    try:
        cues = subtitles.video_subtitles(studio.workspace_id, project.id)
    except UserError as exc:
        st.caption(str(exc))
        return
    if cues is None:
        st.caption("Subtitle files come with videos rendered from now on.")
        return
    if not cues:
        st.caption("This video has no spoken lines: there are no subtitles.")
        return
    with st.container(horizontal=True):
        for fmt, label in (("srt", "Subtitles .srt"), ("vtt", "Subtitles .vtt")):
            st.download_button(
                label,
                data=subtitles.FORMATS[fmt](cues).encode("utf-8"),
                file_name=w.safe_name(project.title, f".{fmt}"),
                mime=subtitles.MIME_TYPES[fmt],
                key=f"download-{fmt}",
                icon=":material/subtitles:",
                on_click="ignore",
            )
