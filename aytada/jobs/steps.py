"""The pipeline's step functions, registered with the runner by name.

Each step has three parts: `inputs` (what the generation records, read at enqueue time from the
campaign and the project), `run` (provider work in the worker, no transaction open, files into
the generation's folder) and `apply` (project fields updated in the output transaction).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aytada.core import media
from aytada.core.models import Asset, Generation, Project, Workspace
from aytada.core.steps import frame_size
from aytada.jobs.providers import brief_from_snapshot, get_providers
from aytada.jobs.runner import NewAsset, StepContext, StepResult, register_step
from aytada.providers import ffmpeg
from aytada.providers.base import Idea, ImageRequest, Script, ScriptLine, SegmentRequest
from aytada.providers.typography import compose_design


def _brief(ctx: StepContext):  # type: ignore[no-untyped-def]
    return brief_from_snapshot(ctx.snapshot["brief"])


def _seed(ctx: StepContext) -> int:
    return int(ctx.key[:8], 16)


def _no_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    return {}


# --------------------------------------------------------------------------- ideas


def ideas_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    runs = session.scalar(
        select(func.count())
        .select_from(Generation)
        .where(Generation.project_id == project.id, Generation.step == "ideas")
    )
    return {"length_s": project.length_s, "variant": int(runs or 0)}


def ideas_run(ctx: StepContext) -> StepResult:
    text = get_providers().text
    ideas = text.ideas(
        _brief(ctx), count=3, length_s=ctx.snapshot["length_s"], variant=ctx.snapshot["variant"]
    )
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
    return {"length_s": project.length_s, "script": project.script}


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
    total = sum(sc.duration for sc in scenes)
    if not scenes or abs(total - ctx.snapshot["length_s"]) > 0.05:
        raise ValueError(f"scene durations add up to {total:.2f}s, not {ctx.snapshot['length_s']}s")
    return StepResult({"scenes": [asdict(sc) for sc in scenes]}, text.name, text.model)


def scenes_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.scenes = r.output["scenes"]
    project.scenes_stale = False
    project.segments = {}
    project.voiceover_asset_id = None


# --------------------------------------------------------------------------- clip (per scene)


def clip_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    width, height = frame_size("video", project.format, project.quality)
    return {
        "scene": project.scenes[scene],
        "width": width,
        "height": height,
        "title": project.title,
    }


def clip_run(ctx: StepContext) -> StepResult:
    providers = get_providers()
    brief = _brief(ctx)
    scene = ctx.snapshot["scene"]
    w, h = ctx.snapshot["width"], ctx.snapshot["height"]
    still = providers.image.image(
        ImageRequest(
            prompt=f"{scene['visual']} — {brief.product_name} by {brief.brand_name}".strip(),
            width=w,
            height=h,
            caption="",
            title=brief.product_name,
            colors=brief.brand_colors,
            seed=_seed(ctx) + ctx.scene_index,
        ),
        ctx.workdir / f"scene{ctx.scene_index + 1}.png",
    )
    segment = providers.clip.segment(
        SegmentRequest(
            still=still,
            prompt=scene["visual"],
            seconds=float(scene["duration"]),
            width=w,
            height=h,
            caption=scene["caption"],
            seed=ctx.scene_index,
        ),
        ctx.workdir / f"scene{ctx.scene_index + 1}.mp4",
    )
    return StepResult(
        {
            "scene": ctx.scene_index,
            "still": media.relative(still),
            "segment": media.relative(segment),
        },
        provider=f"{providers.image.name}+{providers.clip.name}",
        model=f"{providers.image.model}+{providers.clip.model}",
        assets=[
            NewAsset("image", "scene_still", still, {"scene": ctx.scene_index}),
            NewAsset("clip", "segment", segment, {"scene": ctx.scene_index}),
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
    if gen.scene_index == 0 or not (project.options or {}).get("thumbnail"):
        project.options = {**(project.options or {}), "thumbnail": r.output["still"]}


# --------------------------------------------------------------------------- voiceover


def voiceover_inputs(session: Session, project: Project, scene: int, params: dict) -> dict:
    # the project's own voice, else the workspace's choice, else the provider's default
    workspace = session.get(Workspace, project.workspace_id)
    voice = (project.options or {}).get("voice") or (workspace.voice_id if workspace else "")
    return {
        "lines": [{"text": sc["voiceover"], "seconds": sc["duration"]} for sc in project.scenes],
        "voice": voice,
        "music": bool((project.options or {}).get("music", True)),
        "length_s": project.length_s,
    }


def voiceover_run(ctx: StepContext) -> StepResult:
    providers = get_providers()
    voice = providers.voice
    fitted: list[Path] = []
    notices: set[str] = set()
    for i, line in enumerate(ctx.snapshot["lines"]):
        said = voice.speak(
            line["text"], ctx.workdir / f"line{i + 1}-said", voice=ctx.snapshot["voice"]
        )
        if said.notice:
            notices.add(said.notice)
        fitted.append(
            ffmpeg.fit_audio(
                said.path, ctx.workdir / f"line{i + 1}.wav", seconds=float(line["seconds"])
            )
        )
    track = ffmpeg.concat_audio(fitted, ctx.workdir / "voiceover.wav")
    assets = [NewAsset("audio", "voiceover", track)]
    music_path = None
    if ctx.snapshot.get("music", True):
        brief = _brief(ctx)
        music = providers.music.compose(
            f"Upbeat, {brief.tone_of_voice or 'friendly'} background music for an ad about "
            f"{brief.product_name}",
            float(ctx.snapshot["length_s"]),
            ctx.workdir / "music.wav",
        )
        if music.notice:
            notices.add(music.notice)
        music_path = music.path
        assets.append(NewAsset("audio", "music", music.path))
    for p in ctx.workdir.glob("line*"):
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


def voiceover_apply(
    s: Session, project: Project, gen: Generation, r: StepResult, ids: dict
) -> None:
    project.voiceover_asset_id = ids["voiceover"][0]
    options = dict(project.options or {})
    options["music_asset"] = ids["music"][0] if ids.get("music") else None
    project.options = options


# --------------------------------------------------------------------------- stitch


def stitch_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    ids = [project.segments[str(i)] for i in range(len(project.scenes))]
    paths = dict(session.execute(select(Asset.id, Asset.path).where(Asset.id.in_(ids))).all())
    voice = session.get(Asset, project.voiceover_asset_id)
    music_id = (project.options or {}).get("music_asset")
    music = session.get(Asset, music_id) if music_id else None
    return {
        "segments": [paths[i] for i in ids],
        "voiceover": voice.path if voice else None,
        "music": music.path if music else None,
    }


def stitch_run(ctx: StepContext) -> StepResult:
    stitcher = get_providers().stitch
    snap = ctx.snapshot
    out = stitcher.stitch(
        [media.resolve(p) for p in snap["segments"]],
        media.resolve(snap["voiceover"]) if snap.get("voiceover") else None,
        media.resolve(snap["music"]) if snap.get("music") else None,
        ctx.workdir / "final.mp4",
    )
    info = ffmpeg.probe(out)
    return StepResult(
        {"video": media.relative(out), "probe": info},
        stitcher.name,
        stitcher.model,
        assets=[NewAsset("video", "final", out, info)],
    )


def stitch_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.output_asset_id = ids["final"][0]


# --------------------------------------------------------------------------- banner / flyer


def design_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    width, height = frame_size(project.kind, project.format)
    return {"kind": project.kind, "width": width, "height": height, "title": project.title}


def design_run(ctx: StepContext) -> StepResult:
    providers = get_providers()
    brief = _brief(ctx)
    copy = providers.text.ad_copy(brief, kind=ctx.snapshot["kind"])
    background = providers.image.image(
        ImageRequest(
            prompt=f"Background for a {ctx.snapshot['kind']} about {brief.product_name}: "
            f"{brief.messaging}",
            width=ctx.snapshot["width"],
            height=ctx.snapshot["height"],
            caption="",
            title="",
            colors=brief.brand_colors,
            seed=_seed(ctx),
        ),
        ctx.workdir / "background.png",
    )
    return StepResult(
        {"copy": asdict(copy), "background": media.relative(background)},
        provider=f"{providers.text.name}+{providers.image.name}",
        model=f"{providers.text.model}+{providers.image.model}",
        assets=[NewAsset("image", "product_shot", background)],
    )


def design_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.options = {
        **(project.options or {}),
        "copy": r.output["copy"],
        "background": r.output["background"],
    }


def compose_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    width, height = frame_size(project.kind, project.format)
    opts = project.options or {}
    return {
        "kind": project.kind,
        "width": width,
        "height": height,
        "copy": opts.get("copy"),
        "background": opts.get("background"),
    }


def compose_run(ctx: StepContext) -> StepResult:
    brief = _brief(ctx)
    snap = ctx.snapshot
    out = compose_design(
        background=media.resolve(snap["background"]),
        out_path=ctx.workdir / f"{snap['kind']}.png",
        width=snap["width"],
        height=snap["height"],
        headline=snap["copy"]["headline"],
        subline=snap["copy"]["subline"],
        call_to_action=snap["copy"]["call_to_action"],
        colors=brief.brand_colors,
        logo=Path(ctx.snapshot["brief"]["logo_path"])
        if ctx.snapshot["brief"].get("logo_path")
        else None,
    )
    return StepResult(
        {"image": media.relative(out)},
        "local",
        "pillow-typography",
        assets=[NewAsset("image", snap["kind"], out)],
    )


def compose_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    role = project.kind
    project.output_asset_id = ids[role][0]
    project.options = {**(project.options or {}), "thumbnail": r.output["image"]}


# --------------------------------------------------------------------------- jingle


def jingle_inputs(session: Session, project: Project, scene: int, params: dict) -> dict[str, Any]:
    return {"length_s": project.length_s}


def jingle_run(ctx: StepContext) -> StepResult:
    providers = get_providers()
    brief = _brief(ctx)
    lyrics = providers.text.lyrics(brief, seconds=ctx.snapshot["length_s"])
    music = providers.music.compose(
        f"A catchy {brief.tone_of_voice or 'upbeat'} brand jingle for "
        f"{brief.brand_name or brief.product_name}. "
        f"Lyrics: {lyrics}",
        float(ctx.snapshot["length_s"]),
        ctx.workdir / "jingle.wav",
    )
    return StepResult(
        {"lyrics": lyrics, "audio": media.relative(music.path)},
        providers.music.name,
        providers.music.model,
        notice=music.notice,
        assets=[NewAsset("audio", "jingle", music.path)],
    )


def jingle_apply(s: Session, project: Project, gen: Generation, r: StepResult, ids: dict) -> None:
    project.output_asset_id = ids["jingle"][0]
    project.options = {**(project.options or {}), "lyrics": r.output["lyrics"]}


register_step("ideas", run=ideas_run, apply=ideas_apply, inputs=ideas_inputs)
register_step("script", run=script_run, apply=script_apply, inputs=script_inputs)
register_step("scenes", run=scenes_run, apply=scenes_apply, inputs=scenes_inputs)
register_step("clip", run=clip_run, apply=clip_apply, inputs=clip_inputs)
register_step("voiceover", run=voiceover_run, apply=voiceover_apply, inputs=voiceover_inputs)
register_step("stitch", run=stitch_run, apply=stitch_apply, inputs=stitch_inputs)
register_step("design", run=design_run, apply=design_apply, inputs=design_inputs)
register_step("compose", run=compose_run, apply=compose_apply, inputs=compose_inputs)
register_step("jingle", run=jingle_run, apply=jingle_apply, inputs=jingle_inputs)
