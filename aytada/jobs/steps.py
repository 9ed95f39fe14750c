"""The pipeline's step functions, registered with the runner by name.

Each step has three parts: `inputs` (what the generation records, read at enqueue time from the
campaign and the project), `run` (provider work in the worker, no transaction open, files into
the generation's folder) and `apply` (project fields updated in the output transaction).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aytada.captions import CaptionGroup, caption_groups, scene_groups
from aytada.core import media, subtitles, timing
from aytada.core.credits import succeeded_runs
from aytada.core.errors import UserError
from aytada.core.formats import frame_size
from aytada.core.models import Asset, Generation, Project, Workspace
from aytada.core.options import DesignCopy, options_of, options_with
from aytada.core.pipeline import is_cut_down
from aytada.core.settings import get_settings
from aytada.jobs.providers import brief_from_snapshot, get_providers, provider_names
from aytada.jobs.runner import NewAsset, StepContext, StepResult, register_step
from aytada.providers import ffmpeg
from aytada.providers.base import (
    CaptionStyle,
    Idea,
    ImageRequest,
    Script,
    ScriptLine,
    SegmentRequest,
    WordTiming,
    split_layout,
)
from aytada.providers.caption_track import burn_into_segments
from aytada.providers.layer_plan import MOTION_FOR_LAYOUT
from aytada.providers.motion import Transition, transitions
from aytada.providers.offline.brief_reading import without_destination
from aytada.providers.offline.voice import spoken_language
from aytada.providers.typography import compose_design, drawn_texts


def _brief(ctx: StepContext):
    return brief_from_snapshot(ctx.snapshot["brief"])


def _seed(ctx: StepContext) -> int:
    return int(ctx.key[:8], 16)


# --------------------------------------------------------------------------- ideas


def ideas_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    runs = session.scalar(
        select(func.count())
        .select_from(Generation)
        .where(Generation.project_id == project.id, Generation.step == "ideas")
    )
    # an A/B variant (core.projects.make_variant) continues its source's walk through the
    # ideas from a later round, so it starts from different ideas
    lineage = options_of(project).lineage
    avoid: list[str] = []
    source_id = lineage.variant_of
    if source_id is not None:  # and never offers again an idea its source offered
        source = session.get(Project, source_id)
        if source is not None and source.workspace_id == project.workspace_id:
            avoid = [str(i.get("hook", "")) for i in source.ideas or [] if isinstance(i, dict)]
    # a re-roll never offers again the ideas on screen (after a campaign edit too, when the
    # walk's next round could land on the same hooks)
    avoid += [str(i.get("hook", "")) for i in project.ideas or [] if isinstance(i, dict)]
    return {
        "length_s": project.length_s,
        "variant": int(runs or 0) + lineage.idea_round,
        "seed": lineage.idea_seed or project.id,
        "avoid_hooks": avoid,
    }


def ideas_run(ctx: StepContext) -> StepResult:
    text = get_providers().text
    avoid = set(ctx.snapshot.get("avoid_hooks") or [])
    ideas: list = []
    offered: list = []  # everything the writer offered, for a brief too thin to avoid repeats
    # a variant's ideas differ from its source's, a re-roll's from those on screen: ideas
    # offered before are left out and the next rounds fill in (a few at most)
    for extra in range(4 if avoid else 1):
        for idea in text.ideas(
            _brief(ctx),
            count=3,
            length_s=ctx.snapshot["length_s"],
            variant=ctx.snapshot["variant"] + extra,
            seed=int(ctx.snapshot.get("seed") or 0),
        ):
            offered.append(idea)
            if idea.hook not in avoid and all(idea.hook != i.hook for i in ideas):
                ideas.append(idea)
        if len(ideas) >= 3:
            break
    for idea in offered:  # the brief allows no more new hooks: some come back
        if len(ideas) < 3 and all(idea.title != i.title for i in ideas):
            ideas.append(idea)
    ideas = ideas[:3]
    if len(ideas) != 3:
        raise ValueError(f"expected 3 ideas, got {len(ideas)}")
    return StepResult({"ideas": [asdict(i) for i in ideas]}, text.name, text.model)


def ideas_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.ideas = r.output["ideas"]
    project.chosen_idea = None


# --------------------------------------------------------------------------- script


def script_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    return {"length_s": project.length_s, "idea": project.ideas[project.chosen_idea or 0]}


def script_run(ctx: StepContext) -> StepResult:
    text = get_providers().text
    script = text.script(
        _brief(ctx), Idea(**ctx.snapshot["idea"]), length_s=ctx.snapshot["length_s"]
    )
    return StepResult({"script": asdict(script)}, text.name, text.model)


def script_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.script = r.output["script"]
    if project.scenes:
        project.scenes_stale = True


# --------------------------------------------------------------------------- scenes


def scenes_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    # the voice: lines the estimate cannot judge are timed with it (_measured)
    return {"length_s": project.length_s, "script": project.script,
            "voice": _voice_of(session, project)}  # fmt: skip


def _measured(ctx: StepContext, scenes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scenes, a line in a script other than Latin (Japanese, Thai, …) timed with the
    offline voice as it will say it (``spoken_s``, at the normal pace): the words-per-second
    estimate is for English, and espeak-ng says Japanese at half its pace. A paid voice is not
    called here (the estimate stands)."""
    voice = get_providers().voice
    if voice.name != "offline" or not any(spoken_language(sc["voiceover"]) for sc in scenes):
        return scenes
    out = []
    with tempfile.TemporaryDirectory(dir=ctx.workdir, prefix=".timing-") as tmp:
        for i, sc in enumerate(scenes):
            if not spoken_language(sc["voiceover"]):
                out.append(sc)
                continue
            said = voice.speak(sc["voiceover"], Path(tmp) / f"line{i + 1}.wav",
                               voice=str(ctx.snapshot.get("voice") or ""))  # fmt: skip
            seconds = float(ffmpeg.probe(said.path).get("duration") or 0.0)
            out.append({**sc, "spoken_s": round(seconds, 2)} if seconds else sc)
    return out


def scenes_run(ctx: StepContext) -> StepResult:
    text = get_providers().text
    raw = dict(ctx.snapshot["script"])
    lines = tuple(ScriptLine(**line) for line in raw.get("lines") or [])
    script = Script(
        hook=raw["hook"],
        body=raw["body"],
        call_to_action=raw["call_to_action"],
        voiceover=raw["voiceover"],
        lines=lines,
    )
    scenes = text.scenes(_brief(ctx), script, length_s=ctx.snapshot["length_s"])
    if not scenes:
        raise ValueError("the writer returned no scenes")
    # scene lengths follow the spoken lines and fill the ad's length exactly
    timed = timing.retime(_measured(ctx, [asdict(sc) for sc in scenes]), ctx.snapshot["length_s"])
    notice = " ".join(timing.overrun_messages(timed))
    return StepResult({"scenes": timed}, text.name, text.model, notice=notice)


def scenes_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.scenes = r.output["scenes"]
    project.scenes_stale = False
    project.segments = {}
    project.voiceover_asset_id = None


# --------------------------------------------------------------------------- clip (per scene)


def scene_layout(visual: str, index: int, count: int) -> tuple[str, str]:
    """The scene's composition and its visual prompt without the tag.

    The writer may tag a visual ("[detail] …"); otherwise the first scene is the hero shot, the
    last the end card, and the ones between alternate detail and context, so a viewer never
    sees the same picture twice in a row.
    """
    layout, rest = split_layout(visual)
    if layout:
        return layout, rest
    if index == 0:
        return "hero", rest
    if index == count - 1 and count > 1:
        return "end_card", rest
    return ("detail" if index % 2 else "context"), rest


def button_text(call_to_action: str) -> str:
    """The end card's button: the call to action's first sentence ("Claim 20% off your first
    order. You deserve better." → "Claim 20% off your first order")."""
    first = re.split(r"(?<=[.!?])\s+", call_to_action.strip(), maxsplit=1)[0]
    return first.rstrip(".!") if first else ""


def _uploads(ctx: StepContext, image: int = 0) -> dict[str, str]:
    """The campaign's logo and its product image number ``image`` (counted round its up to
    five product images or screenshots, the first by default) as absolute local paths (""
    when not uploaded; fetched into this machine's cache from an S3 store)."""
    brief = ctx.snapshot["brief"]
    images = [p for p in brief.get("product_images") or [brief.get("product_photo_path")] if p]
    photo = images[image % len(images)] if images else ""
    logo = brief.get("logo_path") or ""
    return {
        "product_photo": str(media.fetch(photo)) if photo else "",
        "logo": str(media.fetch(logo)) if logo else "",
    }


def clip_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    scale = get_settings().render_scale
    width, height = frame_size("video", project.format, project.quality, scale)
    return {
        "scene": project.scenes[scene],
        "scene_count": len(project.scenes),
        "call_to_action": button_text((project.script or {}).get("call_to_action", "")),
        "aspect": project.format,
        "width": width,
        "height": height,
        "title": project.title,
        # the still keeps the band where the captions will be burned free (and the product's
        # centre out of it)
        "caption_position": options_of(project).choices.captions.position,
        # a kit's cut-down: the source's scene laid out again by our own composer (no
        # provider call; priced as re-composition by the pipeline table)
        "recompose": is_cut_down(project),
    }


def clip_run(ctx: StepContext) -> StepResult:
    providers = get_providers()
    brief = _brief(ctx)
    scene = ctx.snapshot["scene"]
    w, h = ctx.snapshot["width"], ctx.snapshot["height"]
    layout, visual = scene_layout(
        scene["visual"], ctx.scene_index, int(ctx.snapshot.get("scene_count") or 1)
    )
    aspect = ctx.snapshot.get("aspect") or f"{w}:{h}"
    # the end card is composed here whatever makes the other scenes (its words are exact)
    card = layout == "end_card" or bool(ctx.snapshot.get("recompose"))
    images = (providers.card_image if card else None) or providers.image
    clips = (providers.card_clip if card else None) or providers.clip
    still = images.image(
        ImageRequest(
            prompt=f"{visual} — {brief.product_name} by {brief.brand_name}, {aspect} frame".strip(),
            width=w,
            height=h,
            caption=scene["caption"],  # set large in a typographic still (no photo)
            title=brief.product_name,
            colors=brief.brand_colors,
            seed=_seed(ctx) + ctx.scene_index,
            layout=layout,
            call_to_action=without_destination(
                ctx.snapshot.get("call_to_action", ""), brief.destination
            )
            if layout == "end_card"
            else "",
            brand_name=brief.brand_name,
            destination=brief.destination if layout == "end_card" else "",
            caption_position=ctx.snapshot.get("caption_position") or "bottom",
            style=brief.creative_style,  # its type pairing
            # the product images in turn, scene by scene; the end card shows the first
            **_uploads(ctx, 0 if layout == "end_card" else ctx.scene_index),
        ),
        ctx.workdir / f"scene{ctx.scene_index + 1}.png",
    )
    segment = clips.segment(
        SegmentRequest(
            still=still,
            prompt=visual,
            seconds=float(scene["duration"]),
            width=w,
            height=h,
            caption=scene["caption"],
            seed=ctx.scene_index,
            motion=MOTION_FOR_LAYOUT[layout],
            extra={"style": brief.creative_style},  # the pace its layers enter at
        ),
        ctx.workdir / f"scene{ctx.scene_index + 1}.mp4",
    )
    return StepResult(
        {
            "scene": ctx.scene_index,
            "layout": layout,
            "still": media.relative(still),
            "segment": media.relative(segment),
        },
        provider=f"{images.name}+{clips.name}",
        model=f"{images.model}+{clips.model}",
        assets=[
            NewAsset("image", "scene_still", still, {"scene": ctx.scene_index, "layout": layout}),
            # bare: no caption in it (the stitch lays the captions over it)
            NewAsset(
                "clip",
                "segment",
                segment,
                {"scene": ctx.scene_index, "bare": True, "still_words": _still_words(still)},
            ),  # fmt: skip
        ],
    )


def clip_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    scenes = project.scenes or []
    current = scenes[gen.scene_index] if gen.scene_index < len(scenes) else None
    if project.scenes_stale or current != gen.input_snapshot.get("scene"):
        return  # the scene changed while this clip rendered: keep the file, link nothing
    segments = dict(project.segments or {})
    segments[str(gen.scene_index)] = ids["segment"][0]
    project.segments = segments
    outputs = options_of(project).outputs
    if gen.scene_index == 0 or not outputs.thumbnail:
        project.options = options_with(project, replace(outputs, thumbnail=r.output["still"]))


# --------------------------------------------------------------------------- voiceover


def _voice_of(session: Session, project: Project) -> str:
    """The project's own voice (when it belongs to the voice provider in use), else the
    workspace's choice, else "" (the provider's default)."""
    chosen = options_of(project).choices
    workspace = session.get(Workspace, project.workspace_id)
    voice = workspace.voice_id if workspace else ""
    if chosen.voice and chosen.voice_provider == provider_names()["voice"]:
        voice = chosen.voice
    return voice or ""


def voiceover_inputs(session: Session, project: Project, scene: int, params: dict) -> dict:
    chosen = options_of(project).choices
    if is_cut_down(project) and project.voiceover_asset_id is not None:
        # a kit's cut-down says what its source said: the source's voice and music, kept
        return {"kept": project.voiceover_asset_id}
    return {
        "lines": [{"text": sc["voiceover"], "seconds": sc["duration"]} for sc in project.scenes],
        "voice": _voice_of(session, project),
        "speed": chosen.speed,
        "music": chosen.music,
        "length_s": project.length_s,
    }


def voiceover_run(ctx: StepContext) -> StepResult:
    if ctx.snapshot.get("kept"):  # a cut-down: nothing to say again
        return StepResult({"kept": ctx.snapshot["kept"]}, provider="kept", model="")
    providers = get_providers()
    voice = providers.voice
    notices: set[str] = set()
    said: list[Path] = []
    timed: list[tuple[WordTiming, ...]] = []  # when each word is said, if the engine says
    lines = ctx.snapshot["lines"]
    for i, line in enumerate(lines):
        # the neighbouring lines, so the voice's prosody flows from scene to scene
        neighbours = (
            {
                "previous_text": lines[i - 1]["text"] if i > 0 else "",
                "next_text": lines[i + 1]["text"] if i + 1 < len(lines) else "",
            }
            if getattr(voice, "takes_neighbours", False)
            else {}
        )
        result = voice.speak(
            line["text"],
            ctx.workdir / f"line{i + 1}-said",
            voice=ctx.snapshot["voice"],
            speed=float(ctx.snapshot.get("speed") or 1.0),
            **neighbours,
        )
        if result.notice:
            notices.add(result.notice)
        said.append(result.path)
        timed.append(tuple(result.words or ()))
    release = getattr(voice, "release", None)
    if callable(release):  # Piper's model given back before the lines are fitted and the music
        release()  # made: they ran with the voice still loaded (bench/README.md, section 6)
    fitted, placed, spoken_at = _lay_out_lines(ctx, said, timed)
    notices.update(placed)
    track = ffmpeg.concat_audio(fitted, ctx.workdir / "voiceover.wav")
    # where each line is said: the subtitles' timing (copied onto the final video)
    assets = [NewAsset("audio", "voiceover", track, {"timeline": spoken_at})]
    music_path = None
    if ctx.snapshot.get("music", True):
        brief = _brief(ctx)
        music = providers.music.compose(
            f"Upbeat, {brief.tone_of_voice or 'friendly'} background music for an ad about "
            f"{brief.product_name}",
            float(ctx.snapshot["length_s"]),
            ctx.workdir / "music.wav",
            mood=brief.tone_of_voice,
        )
        if music.notice:
            notices.add(music.notice)
        music_path = music.path
        assets.append(NewAsset("audio", "music", music.path))
    for p in [*ctx.workdir.glob("line*"), *ctx.workdir.glob("gap*")]:
        if p != track:
            p.unlink(missing_ok=True)
    return StepResult(
        {
            "voiceover": media.relative(track),
            "music": media.relative(music_path) if music_path else None,
        },
        provider=voice.name,
        model=voice.model,
        notice="; ".join(sorted(notices)),
        assets=assets,
    )


def _lay_out_lines(
    ctx: StepContext, said: list[Path], timed: list[tuple[WordTiming, ...]] | None = None
) -> tuple[list[Path], list[str], list[dict[str, Any]]]:
    """Place each spoken line at its scene's start, sped up at most `timing.MAX_SPEEDUP`.

    Returns the audio parts, notes on lines that run on, and the timeline: each line's
    ``{"start", "end", "text"}`` in seconds from the start of the ad, with ``"words"``
    (``[[word, start, end], …]``, the same seconds, moved and sped up with the line) when the
    voice engine said when each word is spoken (``timed``; the captions' timing).

    A line still longer than its scene runs on into the next scene's opening pause (the next
    line then starts after it); nothing is ever cut. If the lines cannot all be said within
    the ad's length, the step fails, naming the scene, and nothing is charged.
    """
    lines = ctx.snapshot["lines"]
    total = float(sum(float(line["seconds"]) for line in lines))
    parts: list[Path] = []
    notes: list[str] = []
    spoken_at: list[dict[str, Any]] = []
    scene_start = 0.0
    cursor = 0.0  # where the audio written so far ends
    for i, (line, path) in enumerate(zip(lines, said, strict=True)):
        window = float(line["seconds"])
        spoken = float(ffmpeg.probe(path).get("duration") or 0.0)
        length = spoken if spoken <= window else max(window, spoken / timing.MAX_SPEEDUP)
        start = max(scene_start, cursor + (0.1 if i else 0.0))
        if start + length > total + 0.02:
            over = start + length - total
            raise UserError(
                f"Scene {i + 1}: the voiceover line is {over:.1f} s too long to be said before "
                "the ad ends, even sped up. Shorten it (or earlier lines) in the Studio and "
                "render again."
            )
        if start + length > scene_start + window + 0.02:
            notes.append(f"scene {i + 1}'s line runs {start + length - scene_start - window:.1f} s"
                         " into the next scene")  # fmt: skip
        if start - cursor > 0.005:
            parts.append(ffmpeg.silence(ctx.workdir / f"gap{i + 1}.wav", seconds=start - cursor))
        parts.append(ffmpeg.fit_audio(path, ctx.workdir / f"line{i + 1}.wav", seconds=length))
        entry: dict[str, Any] = {
            "start": round(start, 3), "end": round(start + length, 3), "text": line["text"]
        }  # fmt: skip
        words = timed[i] if timed and i < len(timed) else ()
        if words and spoken > 0:
            entry["words"] = _placed_words(words, start, length, min(1.0, length / spoken))
        spoken_at.append(entry)
        cursor = start + length
        scene_start += window
    if total - cursor > 0.005:
        parts.append(ffmpeg.silence(ctx.workdir / "gap-end.wav", seconds=total - cursor))
    return parts, notes, spoken_at


def _placed_words(
    words: tuple[WordTiming, ...], start: float, length: float, scale: float
) -> list[list[Any]]:
    """The engine's word times (from the start of the line's own audio) in the ad's seconds:
    sped up as the line was (``scale``), moved to where it starts, kept inside the line."""

    def at(t: float) -> float:
        return round(start + min(length, max(0.0, float(t) * scale)), 3)

    return [[w.word, at(w.start), at(w.end)] for w in words]


def voiceover_apply(
    s: Session, project: Project, gen: Generation, r: StepResult, ids: dict
) -> None:
    if "voiceover" not in ids:  # a cut-down's kept voice: its ids stay as they are
        return
    project.voiceover_asset_id = ids["voiceover"][0]
    music = ids["music"][0] if ids.get("music") else None
    outputs = options_of(project).outputs
    project.options = options_with(project, replace(outputs, music_asset=music))


# --------------------------------------------------------------------------- stitch


def stitch_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    ids = [project.segments[str(i)] for i in range(len(project.scenes))]
    rows = {
        asset_id: (path, meta or {})
        for asset_id, path, meta in session.execute(
            select(Asset.id, Asset.path, Asset.meta).where(Asset.id.in_(ids))
        ).all()
    }
    voice = session.get(Asset, project.voiceover_asset_id)
    options = options_of(project)
    music_id = options.outputs.music_asset
    music = session.get(Asset, music_id) if music_id else None
    return {
        "segments": [rows[i][0] for i in ids],
        # a segment rendered before the captions moved to the stitch has its caption already
        "bare": [bool(rows[i][1].get("bare")) for i in ids],
        # the words a still sets large itself (a typographic scene's line, the end card's call
        # to action): the captions do not say them again on top
        "still_words": [str(rows[i][1].get("still_words") or "") for i in ids],
        "voiceover": voice.path if voice else None,
        "music": music.path if music else None,
        "music_db": options.choices.music_db,
        "timeline": (voice.meta or {}).get("timeline") if voice else None,
        "captions": options.choices.captions.as_dict(),
        "scenes": [
            {"caption": sc.get("caption", ""), "duration": sc.get("duration", 0)}
            for sc in project.scenes
        ],
        # what each scene is (the transition into an end card is its own)
        "layouts": [
            scene_layout(str(sc.get("visual") or ""), i, len(project.scenes))[0]
            for i, sc in enumerate(project.scenes)
        ],
    }


def _caption_groups(snap: dict[str, Any]) -> list[CaptionGroup]:
    """What the captions show: the voice's words in groups, timed to it; for a voiceover
    without a timeline (nothing to read along with), each scene's caption for the whole
    scene. A group whose words the scene's still already sets large (a typographic line, the
    end card's call to action) is left out: the same words twice (the subtitle files keep
    every group)."""
    timeline = snap.get("timeline")
    windows, at = [], 0.0
    for scene in snap.get("scenes") or []:
        length = float(scene.get("duration") or 0)
        windows.append((at, at + length, str(scene.get("caption") or "")))
        at += length
    groups = caption_groups(timeline) if isinstance(timeline, list) else scene_groups(windows)
    shown = snap.get("still_words") or []

    def on_the_still(group: CaptionGroup) -> bool:
        middle = (group.start + group.end) / 2
        for (a, b, _text), words in zip(windows, shown, strict=False):
            if a <= middle < b and words:
                said = _words_of(group.text)
                return bool(said) and len(said & _words_of(words)) >= 0.5 * len(said)
        return False

    return [g for g in groups if not on_the_still(g)]


def _words_of(text: str) -> set[str]:
    return {w.strip("'’.") for w in re.findall(r"[\w'’%$€£@.]+", text.lower()) if w.strip(".")}


def _still_words(still: Path) -> str:
    """The words a still sets large itself: its line (a scene without a product photo), the
    end card's call to action and destination ("" when it shows none)."""
    try:
        drawn = drawn_texts(still)
    except OSError:
        return ""
    shown = (drawn.get("line", ""), drawn.get("cta", ""), drawn.get("destination", ""))
    return " ".join(t for t in shown if t)


def _transitions(snap: dict[str, Any], style: str) -> list[Transition] | None:
    """How each scene takes over from the one before, at the style's pace (None: a snapshot
    taken before transitions, cut as it was)."""
    layouts = snap.get("layouts")
    scenes = snap.get("scenes") or []
    if not isinstance(layouts, list) or len(layouts) != len(scenes):
        return None
    return transitions(layouts, style, [float(sc.get("duration") or 0) for sc in scenes])


def stitch_run(ctx: StepContext) -> StepResult:
    stitcher = get_providers().stitch
    snap = ctx.snapshot
    segments = [media.fetch(p) for p in snap["segments"]]
    style = CaptionStyle(**(snap.get("captions") or {}))
    with tempfile.TemporaryDirectory(dir=ctx.workdir, prefix=".captions-") as tmp:
        # the captions laid over the segments, timed to the voice (the segments' one encode)
        finished = burn_into_segments(
            segments,
            _caption_groups(snap),
            Path(tmp),
            style=style,
            colors=_brief(ctx).brand_colors,
            bare=snap.get("bare") or [False] * len(segments),
            transitions=_transitions(snap, _brief(ctx).creative_style),
        )
        out = stitcher.stitch(
            finished,
            media.fetch(snap["voiceover"]) if snap.get("voiceover") else None,
            media.fetch(snap["music"]) if snap.get("music") else None,
            ctx.workdir / "final.mp4",
            music_under_db=float(snap.get("music_db") or ffmpeg.MUSIC_UNDER_VOICE_DB),
        )
    info = ffmpeg.probe(out)
    timeline = snap.get("timeline")
    if not isinstance(timeline, list):
        assets = [NewAsset("video", "final", out, info)]
    else:
        # the voice timeline travels with the video, and so do its subtitle files: the same
        # groups and times as the burned captions (aytada.core.subtitles)
        assets = [NewAsset("video", "final", out, {**info, "timeline": timeline})]
        cues = subtitles.cues_from_timeline(timeline)
        for fmt in ("srt", "vtt"):
            path = ctx.workdir / f"final.{fmt}"
            path.write_text(subtitles.FORMATS[fmt](cues), encoding="utf-8")
            assets.append(NewAsset("text", f"subtitles_{fmt}", path))
    return StepResult(
        {"video": media.relative(out), "probe": info},
        stitcher.name,
        stitcher.model,
        assets=assets,
    )


def stitch_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.output_asset_id = ids["final"][0]


# --------------------------------------------------------------------------- banner / flyer


def design_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    width, height = frame_size(project.kind, project.format)
    made = options_of(project).outputs
    # a new take (the words were written before): the writer's next words, for the picture
    # the design has (only words are written, and paid for: the pipeline table's price)
    take = succeeded_runs(session, project.id, "design") if made.copy is not None else 0
    return {
        "kind": project.kind,
        "width": width,
        "height": height,
        "title": project.title,
        "take": take,
        "hero": made.hero if take else "",
    }


def design_run(ctx: StepContext) -> StepResult:
    """The copy, and the hero picture: the campaign's product photo when uploaded; without
    one, a generated product picture from a real image model (the offline layout then sets
    the product name large instead of a picture). A new take (``take`` > 0) writes the
    writer's next words and keeps the design's picture."""
    providers = get_providers()
    brief = _brief(ctx)
    take = int(ctx.snapshot.get("take") or 0)
    # the words are the writer's; where the ad sends people is the campaign's
    copy = replace(
        providers.text.ad_copy(brief, kind=ctx.snapshot["kind"], take=take),
        destination=brief.destination,
    )
    uploads = _uploads(ctx)
    output: dict[str, Any] = {"copy": asdict(copy), "hero": ctx.snapshot.get("hero") or None}
    assets: list[NewAsset] = []
    provider, model = providers.text.name, providers.text.model
    if not take and not uploads["product_photo"] and providers.image.draws_products:
        hero = providers.image.image(
            ImageRequest(
                prompt=f"Product photo of {brief.product_name} by {brief.brand_name}: "
                f"{brief.product_description}",
                width=ctx.snapshot["width"],
                height=ctx.snapshot["height"],
                title=brief.product_name,
                colors=brief.brand_colors,
                seed=_seed(ctx),
                layout="hero",
                brand_name=brief.brand_name,
                **uploads,
            ),
            ctx.workdir / "product.png",
        )
        output["hero"] = media.relative(hero)
        assets.append(NewAsset("image", "product_shot", hero))
        provider, model = f"{provider}+{providers.image.name}", f"{model}+{providers.image.model}"
    return StepResult(output, provider=provider, model=model, assets=assets)


def design_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    words = r.output["copy"]
    copy = DesignCopy(words["headline"], words["subline"], words["call_to_action"],
                      str(words.get("destination") or ""))  # fmt: skip
    made = replace(options_of(project).outputs, copy=copy, hero=r.output["hero"] or "")
    project.options = options_with(project, made)


# what the writer writes of a design's words (the rest, e.g. where it sends people, is not its)
WRITTEN = ("headline", "subline", "call_to_action")


def design_cost(s: Session, project: Project, gen: Generation, r: StepResult) -> tuple[int, str]:
    """A run whose words are the design's words already (a new take of a brief that allows
    no other words) costs nothing: compared with the words as they are now."""
    current = options_of(project).outputs.copy
    words = r.output["copy"]
    if current is not None and all(words.get(k) == getattr(current, k) for k in WRITTEN):
        return 0, "The writer has no other words for this brief: the same words, not charged."
    return gen.credits, ""


def compose_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    width, height = frame_size(project.kind, project.format)
    made = options_of(project).outputs
    return {
        "kind": project.kind,
        "width": width,
        "height": height,
        "copy": asdict(made.copy) if made.copy is not None else None,
        "hero": made.hero or None,
    }


def compose_run(ctx: StepContext) -> StepResult:
    brief = _brief(ctx)
    snap = ctx.snapshot
    uploads = _uploads(ctx)
    hero = uploads["product_photo"]
    if not hero and snap.get("hero"):
        hero = str(media.fetch(snap["hero"]))
    out = compose_design(
        out_path=ctx.workdir / f"{snap['kind']}.png",
        width=snap["width"],
        height=snap["height"],
        headline=snap["copy"]["headline"],
        subline=snap["copy"]["subline"],
        call_to_action=snap["copy"]["call_to_action"],
        destination=snap["copy"].get("destination", ""),
        qr=snap["kind"] == "flyer",  # a web address is also a QR code on a flyer
        colors=brief.brand_colors,
        product_photo=Path(hero) if hero else None,
        logo=Path(uploads["logo"]) if uploads["logo"] else None,
        product_name=brief.product_name,
        brand_name=brief.brand_name,
        seed=_seed(ctx),
        style=brief.creative_style,  # its type pairing
    )
    return StepResult(
        {"image": media.relative(out)},
        "local",
        "pillow-layout",
        assets=[NewAsset("image", snap["kind"], out)],
    )


def compose_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    role = project.kind
    project.output_asset_id = ids[role][0]
    outputs = options_of(project).outputs
    project.options = options_with(project, replace(outputs, thumbnail=r.output["image"]))


# --------------------------------------------------------------------------- jingle


def jingle_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    # lyrics are sung unless the user asked for an instrumental (or the music provider cannot
    # sing); `params["lyrics"]`: the user's edited lyrics, sung instead of new ones
    out: dict[str, Any] = {
        "length_s": project.length_s,
        "instrumental": options_of(project).choices.instrumental,
    }
    if params.get("lyrics"):
        out["lyrics"] = str(params["lyrics"])
    # what the project has now: a run that makes the very same jingle again is not charged
    made = options_of(project).outputs
    current = session.get(Asset, project.output_asset_id) if project.output_asset_id else None
    if current is not None and made.lyrics:
        out["current"] = {"lyrics": made.lyrics, "audio": current.path}
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def jingle_run(ctx: StepContext) -> StepResult:
    providers = get_providers()
    brief = _brief(ctx)
    lyrics = ctx.snapshot.get("lyrics") or providers.text.lyrics(
        brief, seconds=ctx.snapshot["length_s"]
    )
    sung = providers.music.sings_lyrics and not ctx.snapshot.get("instrumental", False)
    music = providers.music.compose(
        f"A catchy {brief.tone_of_voice or 'upbeat'} brand jingle for "
        f"{brief.brand_name or brief.product_name}, ending on the brand name.",
        float(ctx.snapshot["length_s"]),
        ctx.workdir / "jingle.wav",
        lyrics=lyrics if sung else "",
        instrumental=not sung,
        mood=brief.tone_of_voice,
    )
    audio = music.path
    if providers.music.name != "offline":  # the offline synth delivers at the target already
        audio = ffmpeg.loudnorm(music.path, ctx.workdir / "jingle-social.wav")
        music.path.unlink(missing_ok=True)
    now = ctx.snapshot.get("current") or {}
    same = bool(now.get("audio")) and now.get("lyrics") == lyrics
    same = same and _same_file(media.fetch(now["audio"]), audio)
    return StepResult(
        {"lyrics": lyrics, "audio": media.relative(audio), "sung": sung, "same": same},
        providers.music.name,
        providers.music.model,
        notice=music.notice,
        assets=[NewAsset("audio", "jingle", audio)],
    )


def jingle_cost(s: Session, project: Project, gen: Generation, r: StepResult) -> tuple[int, str]:
    """The very jingle the project has (the same lyrics, the same sound: the offline synth
    plays the same tune for the same brief) costs nothing."""
    if r.output.get("same") and r.output["lyrics"] == options_of(project).outputs.lyrics:
        return 0, "The same lyrics and the same music as the jingle you have: not charged."
    return gen.credits, ""


def jingle_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.output_asset_id = ids["jingle"][0]
    outputs = options_of(project).outputs
    made = replace(outputs, lyrics=r.output["lyrics"], sung=bool(r.output.get("sung")))
    project.options = options_with(project, made)


register_step("ideas", run=ideas_run, apply=ideas_apply, inputs=ideas_inputs)
register_step("script", run=script_run, apply=script_apply, inputs=script_inputs)
register_step("scenes", run=scenes_run, apply=scenes_apply, inputs=scenes_inputs)
register_step("clip", run=clip_run, apply=clip_apply, inputs=clip_inputs)
register_step("voiceover", run=voiceover_run, apply=voiceover_apply, inputs=voiceover_inputs)
register_step("stitch", run=stitch_run, apply=stitch_apply, inputs=stitch_inputs)
register_step("design", run=design_run, apply=design_apply, inputs=design_inputs, cost=design_cost)
register_step("compose", run=compose_run, apply=compose_apply, inputs=compose_inputs)
register_step("jingle", run=jingle_run, apply=jingle_apply, inputs=jingle_inputs, cost=jingle_cost)
