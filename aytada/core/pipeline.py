"""The pipeline table: every step of every asset kind, and the project questions beside it.

One row per step says which kinds it belongs to, the project status while it runs and after it
succeeds, what it costs, what must be true before it starts, and what follows it. The runner,
the credit quote, the CLI and the Studio read this table; `tests/core/test_pipeline.py` proves
every edge is a legal transition in `aytada.core.statuses` and every active status has a way
out. The step *work* (inputs / run / apply) lives in `aytada.jobs.steps`.

To add a step: add a row here and register its inputs/run/apply in a job module (and, when it
is priced, its default price in `aytada.core.settings.DEFAULT_PRICES`). The statuses' sets,
transitions, progress and the seeds' order are derived from this table
(`aytada.core.statuses`), and so are the database's active-project index (migrations compare
against it in `tests/core/test_migrations.py`) and the Studio's cost captions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from aytada.core.options import options_of  # (it imports only the vocabulary and standards)
from aytada.core.timing import MAX_SPEEDUP, line_seconds

if TYPE_CHECKING:  # models import statuses only; keep this module importable from anywhere
    from aytada.core.models import Project


class Status(StrEnum):
    """A project's status. The names are the product's public docs' (the seeds), exactly; the
    sets, transitions and progress built on them are derived from the table below, in
    `aytada.core.statuses`."""

    DRAFT = "draft"
    GENERATING_IDEAS = "generating_ideas"
    IDEAS_READY = "ideas_ready"
    GENERATING_SCRIPT = "generating_script"
    SCRIPT_READY = "script_ready"
    GENERATING_SCENES = "generating_scenes"
    SCENES_READY = "scenes_ready"
    GENERATING_VIDEO = "generating_video"
    GENERATING_VOICEOVER = "generating_voiceover"
    STITCHING = "stitching"
    COMPLETED = "completed"
    FAILED = "failed"
    # banner / flyer / jingle projects
    GENERATING = "generating"
    RENDERING = "rendering"


S = Status
VIDEO = frozenset({"video"})
DESIGN_KINDS = frozenset({"banner", "flyer"})
JINGLE = frozenset({"jingle"})


# --------------------------------------------------------------------------- project questions


def missing_scenes(project: Project) -> list[int]:
    """Scene indexes without a rendered segment (the render's fan-in waits for these)."""
    segments = project.segments or {}
    return [i for i in range(len(project.scenes or [])) if str(i) not in segments]


# --------------------------------------------------------------------------- preconditions


@dataclass(frozen=True)
class Requirement:
    """Something that must hold before a step starts; `message` tells the user what to do (or
    makes that text from the project)."""

    holds: Callable[[Project], bool]
    message: str | Callable[[Project], str]

    def says(self, project: Project) -> str:
        return self.message if isinstance(self.message, str) else self.message(project)


HAS_CHOSEN_IDEA = Requirement(
    lambda p: p.chosen_idea is not None and bool(p.ideas), "Pick an idea first."
)
HAS_SCRIPT = Requirement(lambda p: bool(p.script), "Write the script first.")
HAS_SCENES = Requirement(lambda p: bool(p.scenes), "Break the script into scenes first.")
SCENES_FRESH = Requirement(
    lambda p: not p.scenes_stale,
    "The script changed after the scenes were made: regenerate the scenes.",
)
ALL_CLIPS = Requirement(
    lambda p: not missing_scenes(p), "Some scenes have no clip yet: render them first."
)
FIT_MARGIN = 1.15
"""A render is refused when its lines take longer to say than the ad can hold even sped up:
an estimated line (words per second) counts for 1/FIT_MARGIN of its estimate, since the estimate
is rough and only a line clearly too long may stop a render; a line the scenes step measured with
the voice counts whole."""


def voice_overrun(project: Project) -> str | None:
    """Why the scenes' lines cannot be said within the ad even sped up (the voiceover would
    fail after the clips were made and charged), or None."""
    scenes = project.scenes or []
    if not scenes:
        return None
    speed = float(options_of(project).choices.speed or 1.0)
    seconds = [(line_seconds(sc, speed), bool(sc.get("spoken_s"))) for sc in scenes]
    said = sum(t for t, _ in seconds)
    length = sum(float(sc.get("duration") or 0) for sc in scenes) or float(project.length_s or 0)
    # a measured line is what the voice will say; an estimate is given FIT_MARGIN of doubt;
    # the voiceover leaves a tenth of a second between lines
    needs = sum(t if measured else t / FIT_MARGIN for t, measured in seconds)
    needs += 0.1 * (len(scenes) - 1)
    if not said or needs <= length * MAX_SPEEDUP:
        return None
    return (
        f"The scenes' lines take about {said:.0f} s to say and the ad is {length:.0f} s: the "
        "voiceover cannot fit, even sped up. Shorten the scenes' lines (or make the ad "
        "longer) before rendering: nothing was charged."
    )


VOICE_FITS = Requirement(lambda p: voice_overrun(p) is None, lambda p: voice_overrun(p) or "")
HAS_VOICEOVER = Requirement(
    lambda p: p.voiceover_asset_id is not None, "The voiceover is missing: render it first."
)
HAS_DESIGN = Requirement(
    lambda p: options_of(p).outputs.copy is not None, "Write the copy and picture first."
)


# --------------------------------------------------------------------------- prices


@dataclass(frozen=True)
class Price:
    """Which price (a key of `settings.prices`) one run costs.

    `first`/`again`: the key for the project's first successful run and for later runs
    (None = free). `by_quality`: the key is chosen by the project's quality; `by_kind`: the
    first run's key is the project's kind (later runs: `again` when set). `cut_down`: the key
    for a kit's cut-down (a video laid out again in another format from its source's script,
    voice, music and stills: charged as re-composition; "" = free); None: priced as any video.
    """

    first: str | None = None
    again: str | None = None
    by_quality: bool = False
    by_kind: bool = False
    cut_down: str | None = None

    def key(self, project: Project, succeeded_before: int) -> str | None:
        if self.cut_down is not None and is_cut_down(project):
            return self.cut_down or None
        if self.by_quality:
            return "clip_standard" if project.quality == "standard" else "clip_pro"
        if self.by_kind:
            return project.kind if succeeded_before == 0 or self.again is None else self.again
        return self.first if succeeded_before == 0 else self.again


def is_cut_down(project: Project) -> bool:
    """A kit's cut-down: its source video's work laid out again in its own format."""
    return options_of(project).lineage.cut_of is not None


def flat(key: str) -> Price:
    return Price(first=key, again=key)


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    kinds: frozenset[str]
    active: Status  # the project's status while the step runs
    done: Status | None  # the status after success; None: fan-in over scenes (see `then`)
    price: Price
    requires: tuple[Requirement, ...] = ()
    then: str | None = None  # enqueued automatically once the project reaches its status
    per_scene: bool = False  # one generation per scene; the last one to finish moves on
    user_started: bool = True  # started by a button (False: follows another step)
    progress: float = 0.0  # the progress bar's share while the step runs (0–1)
    button: str = ""  # the Studio's name for the step when it differs from `label`
    # run again on a finished asset when the user edits what it reads (free: its price is 0)
    after_edit: bool = False
    # a ready status the user may also start this step from, once its requirements hold (a
    # voice variant keeps its source's scene clips: its voiceover starts from scenes_ready)
    starts_from: Status | None = None

    @property
    def wizard_label(self) -> str:
        return self.button or self.label

    def target_after(self, project: Project) -> Status | None:
        """The status a success moves the project to (None: not yet, siblings still run)."""
        if not self.per_scene:
            return self.done
        if missing_scenes(project):
            return None
        return STEPS[self.then].active if self.then else self.done

    def unmet(self, project: Project) -> str | None:
        """The first unmet requirement's message, or None when the step may start."""
        for req in self.requires:
            if not req.holds(project):
                return req.says(project)
        return None


PIPELINE: tuple[Step, ...] = (
    Step("ideas", "Ideas", VIDEO, S.GENERATING_IDEAS, S.IDEAS_READY,
         Price(first="ideas_first", again="ideas_reroll"), progress=0.05),
    Step("script", "Script", VIDEO, S.GENERATING_SCRIPT, S.SCRIPT_READY, flat("script"),
         requires=(HAS_CHOSEN_IDEA,), progress=0.25),
    Step("scenes", "Scenes", VIDEO, S.GENERATING_SCENES, S.SCENES_READY, flat("scenes"),
         requires=(HAS_SCRIPT,), progress=0.45),
    # a kit's cut-down lays its source's stills out again (re-composition, not a generation)
    Step("clip", "Scene clip", VIDEO, S.GENERATING_VIDEO, None,
         Price(by_quality=True, cut_down="recompose"),
         requires=(HAS_SCENES, SCENES_FRESH, VOICE_FITS), then="voiceover", per_scene=True,
         progress=0.65,
         button="Render"),
    # a cut-down keeps its source's voice and music: free
    Step("voiceover", "Voiceover", VIDEO, S.GENERATING_VOICEOVER, S.STITCHING,
         Price(first="voiceover", again="voiceover", cut_down=""),
         requires=(HAS_SCENES, SCENES_FRESH, ALL_CLIPS), then="stitch",
         user_started=False, progress=0.8, starts_from=S.SCENES_READY),
    # stitching is paid once per video; re-stitching after a scene re-render is free
    Step("stitch", "Stitching", VIDEO, S.STITCHING, S.COMPLETED, Price(first="stitch"),
         requires=(HAS_SCENES, ALL_CLIPS, HAS_VOICEOVER), user_started=False, progress=0.9),
    # a new take writes new words for the same picture: the words' price
    Step("design", "Copy & image", DESIGN_KINDS, S.GENERATING, S.RENDERING,
         Price(by_kind=True, again="copy"), then="compose", progress=0.35),
    Step("compose", "Typography", DESIGN_KINDS, S.RENDERING, S.COMPLETED, Price(),
         requires=(HAS_DESIGN,), user_started=False, progress=0.75, after_edit=True),
    Step("jingle", "Jingle", JINGLE, S.GENERATING, S.COMPLETED, flat("jingle"), progress=0.35),
)  # fmt: skip

STEPS: dict[str, Step] = {step.name: step for step in PIPELINE}

# Moves that are no step: a user's edit takes a project back to a ready status (editing the
# script of a project with scenes marks them stale; a finished or failed ad can be edited).
# Every other transition follows from the table (`aytada.core.statuses.TRANSITIONS`).
EDITS: dict[Status, frozenset[Status]] = {
    S.IDEAS_READY: frozenset({S.SCRIPT_READY}),  # saving a script written before new ideas
    S.SCENES_READY: frozenset({S.SCRIPT_READY}),
    S.COMPLETED: frozenset({S.SCRIPT_READY, S.SCENES_READY}),
    S.FAILED: frozenset({S.SCRIPT_READY, S.SCENES_READY}),
}


def steps_for(kind: str) -> list[Step]:
    """The kind's steps in pipeline order."""
    return [step for step in PIPELINE if kind in step.kinds]


def wizard_steps(kind: str) -> list[Step]:
    """The steps a user starts with a button, in order (the Studio's stepper)."""
    return [step for step in steps_for(kind) if step.user_started]


def get_step(name: str) -> Step:
    try:
        return STEPS[name]
    except KeyError:
        from aytada.core.errors import Conflict

        raise Conflict(f"Unknown step {name!r}.") from None


def unmet_requirement(project: Project, step: str) -> str | None:
    """Why `step` cannot start for this project now (None: it can)."""
    spec = get_step(step)
    if project.kind not in spec.kinds:
        return f"A {project.kind} project has no {spec.label.lower()} step."
    return spec.unmet(project)


def next_step(project: Project) -> str | None:
    """The step a user would start next for a project that is not running anything.

    A new project starts with its kind's first step; a ready status leads to the step after
    the one that produced it — or, when that step is one per scene and every scene has its
    output already (a voice variant keeps its source's clips), to the step that follows it;
    a failed project re-runs its failed step; a completed one has none (None also while a
    step is running).
    """
    status = Status(project.status)
    if status is S.FAILED:
        return project.failed_step
    wizard = wizard_steps(project.kind)
    if status is S.DRAFT:
        return wizard[0].name if wizard else None
    for i, step in enumerate(wizard):
        if step.done is status and i + 1 < len(wizard):
            following = wizard[i + 1]
            if following.per_scene and following.then and project.scenes:
                if not missing_scenes(project) and STEPS[following.then].starts_from is status:
                    return following.then
            return following.name
    return None
