"""Pipeline steps: which status a step runs under, where it leads, and what it costs.

The step *functions* live in `aytada.jobs.steps`; this is the catalogue both sides share.
"""

from __future__ import annotations

from dataclasses import dataclass

from aytada.core.statuses import Status


@dataclass(frozen=True)
class StepSpec:
    name: str
    label: str
    kinds: frozenset[str]
    active: Status  # project status while the step runs
    done: Status | None  # status after success (None: decided by the fan-in)
    per_scene: bool = False


S = Status
VIDEO = frozenset({"video"})
DESIGN_KINDS = frozenset({"banner", "flyer"})

STEPS: dict[str, StepSpec] = {
    spec.name: spec
    for spec in (
        StepSpec("ideas", "Ideas", VIDEO, S.GENERATING_IDEAS, S.IDEAS_READY),
        StepSpec("script", "Script", VIDEO, S.GENERATING_SCRIPT, S.SCRIPT_READY),
        StepSpec("scenes", "Scenes", VIDEO, S.GENERATING_SCENES, S.SCENES_READY),
        StepSpec("clip", "Scene clip", VIDEO, S.GENERATING_VIDEO, None, per_scene=True),
        StepSpec("voiceover", "Voiceover", VIDEO, S.GENERATING_VOICEOVER, S.STITCHING),
        StepSpec("stitch", "Stitching", VIDEO, S.STITCHING, S.COMPLETED),
        StepSpec("design", "Copy & image", DESIGN_KINDS, S.GENERATING, S.RENDERING),
        StepSpec("compose", "Typography", DESIGN_KINDS, S.RENDERING, S.COMPLETED),
        StepSpec("jingle", "Jingle", frozenset({"jingle"}), S.GENERATING, S.COMPLETED),
    )
}

# After a success that moves the project into another active status, this step follows.
FOLLOW_UP: dict[str, str] = {"clip": "voiceover", "voiceover": "stitch", "design": "compose"}


def step_for_failed(step: str) -> StepSpec:
    return STEPS[step]


KINDS = ("video", "banner", "flyer", "jingle")
VIDEO_FORMATS: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "16:9": (1920, 1080),
}
DESIGN_FORMATS: dict[str, tuple[int, int]] = {
    "1080x1080": (1080, 1080),
    "1080x1920": (1080, 1920),
    "1080x1350": (1080, 1350),
    "1200x628": (1200, 628),
    "300x250": (300, 250),
    "728x90": (728, 90),
}
DESIGN_FORMAT_LABELS: dict[str, str] = {
    "1080x1080": "1080×1080 · square post",
    "1080x1920": "1080×1920 · story",
    "1080x1350": "1080×1350 · portrait post",
    "1200x628": "1200×628 · link ad",
    "300x250": "300×250 · medium rectangle",
    "728x90": "728×90 · leaderboard",
}
LENGTHS = (15, 30, 60)
QUALITIES = {"standard": "Standard (720p)", "pro": "Pro (1080p)"}


def frame_size(kind: str, fmt: str, quality: str = "pro") -> tuple[int, int]:
    """Pixel size of a project's output. Standard video quality renders at 720p."""
    if kind == "video":
        w, h = VIDEO_FORMATS[fmt]
        if quality == "standard":
            return (w * 2 // 3) // 2 * 2, (h * 2 // 3) // 2 * 2
        return w, h
    if kind in DESIGN_KINDS:
        return DESIGN_FORMATS[fmt]
    return (0, 0)
