"""What the job tests share: the project they start most steps from, a script step started and
seen running, a workspace spent down; read-backs of a project's status, its generations, the charges
taken, and whether the voiceover is heard in a final video."""

from __future__ import annotations

import statistics
import subprocess
from array import array
from pathlib import Path

from sqlalchemy import func, select

from aytada.core import credits, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.models import CreditLedgerEntry, Generation
from aytada.jobs.runner import start_step
from tests.conftest import wait_for
from tests.factories import make_project

IDEAS = [{"title": "t", "angle": "a", "hook": "h", "approach": "p"}] * 3


def script_project(ws: int) -> int:
    """A project whose next step (script, 2 credits) is charged."""
    return make_project(ws, status="ideas_ready", ideas=IDEAS, chosen_idea=0)


def running_script(ws: int, fault: str) -> int:
    """A :func:`script_project` whose step, started with ``fault`` (`tests.jobs.fault_steps`),
    a worker now runs."""
    pid = script_project(ws)
    start_step(ws, pid, "script", params={"fault": fault})
    wait_for(lambda: gens(pid)[0].state == "running", what="running")
    return pid


def spend_all_but(ws: int, keep: int) -> None:
    """Another project spends the workspace down to `keep` credits (a real charge)."""
    other = make_project(ws, title="Other ad")
    with session_scope() as s:
        spent = credits.balance(s, ws) - keep
        gen = Generation(
            project_id=other,
            step="script",
            scene_index=-1,
            state="running",
            rq_job_id="gen-other",
            credits=spent,
        )
        s.add(gen)
        s.flush()
        assert credits.charge(s, gen, ws) == spent
        gen.state = "succeeded"


def run_to(ws: int, pid: int, step: str, until: str, timeout: float = 300) -> None:
    """Start ``step`` and wait until the project reaches ``until`` (a failure says why)."""
    start_step(ws, pid, step)
    wait_for(lambda: status(ws, pid) in (until, "failed"), timeout=timeout, what=until)
    project = projects.get_project(ws, pid)
    assert project.status == until, project.error


def make_video(ws: int, pid: int, idea: int = 0) -> None:
    """Ideas, the chosen idea, script, scenes and the render, each waited for, to completed."""
    run_to(ws, pid, "ideas", "ideas_ready")
    projects.choose_idea(ws, pid, idea)
    run_to(ws, pid, "script", "script_ready")
    run_to(ws, pid, "scenes", "scenes_ready")
    run_to(ws, pid, "clip", "completed", timeout=600)


def status(ws: int, pid: int) -> str:
    return projects.get_project(ws, pid).status


def gens(pid: int) -> list[Generation]:
    with session_scope() as s:
        return list(
            s.scalars(
                select(Generation).where(Generation.project_id == pid).order_by(Generation.id)
            )
        )


def ledger_consistent(ws: int) -> None:
    """The balance is the sum of the ledger, never negative, and every charge is its
    generation's `credits_charged`."""
    with session_scope() as s:
        total = s.scalar(
            select(func.sum(CreditLedgerEntry.delta)).where(CreditLedgerEntry.workspace_id == ws)
        )
        lowest = s.scalar(select(func.min(CreditLedgerEntry.balance_after)))
        paid = s.execute(
            select(CreditLedgerEntry.delta, Generation.credits_charged).join(
                Generation, Generation.id == CreditLedgerEntry.generation_id
            )
        ).all()
    assert total == workspaces.get_balance(ws) >= 0 and lowest >= 0
    assert all(-delta == charged for delta, charged in paid)


def designed_banner(ws: int) -> int:
    """A 1200×628 banner ("Link ad") made by a worker: its design step run to completed."""
    pid = make_project(ws, kind="banner", fmt="1200x628", title="Link ad")
    run_to(ws, pid, "design", "completed")
    return pid


def charges() -> int:
    """Ledger rows that charged a generation."""
    with session_scope() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(CreditLedgerEntry)
                .where(CreditLedgerEntry.generation_id.is_not(None))
            )
            or 0
        )


VOICE_RATE = 8000  # Hz: speech's band, and few enough samples to compare in pure Python


def pcm(path: Path, rate: int = VOICE_RATE) -> array:
    """A media file's audio as mono signed 16-bit samples at ``rate`` (decoded by ffmpeg)."""
    from aytada.providers.ffmpeg import ffmpeg_exe

    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate),
         "-f", "s16le", "-"],
        capture_output=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    return array("h", raw)


def _spoken(samples: array, frame: int) -> list[int]:
    """Start offsets of the ``frame``-sample windows where the voice speaks (within 20 dB of
    its loud windows)."""
    levels = []
    for start in range(0, len(samples) - frame + 1, frame):
        window = samples[start : start + frame]
        levels.append((sum(x * x for x in window) / frame, start))
    if not levels:
        return []
    loud = sorted(level for level, _ in levels)[int(len(levels) * 0.95)]
    return [start for level, start in levels if level > 0 and level >= loud / 100]


def voice_in_mix(mix: Path, voice: Path, max_lag: int = 2) -> float:
    """How much of the final audio is the voiceover while it speaks: the correlation of the
    two waveforms over the voice's spoken windows (best within ``max_lag`` samples).

    About 0.9 when the voice is mixed over ducked music as the product does; about 0 when the
    track is music alone, or music ducked under a voice that is not there (loudness cannot tell
    these apart: the final track is normalised either way)."""
    a, b = pcm(mix), pcm(voice)
    frame = VOICE_RATE // 50  # 20 ms
    spoken = [s for s in _spoken(b, frame) if max_lag <= s <= len(a) - frame - max_lag]
    if len(spoken) * frame < VOICE_RATE:
        raise AssertionError(f"{voice.name} speaks for less than a second")
    y = array("h")
    for start in spoken:
        y.extend(b[start : start + frame])
    best = -1.0
    for lag in range(-max_lag, max_lag + 1):
        x = array("h")
        for start in spoken:
            x.extend(a[start + lag : start + lag + frame])
        try:
            best = max(best, statistics.correlation(x, y))
        except statistics.StatisticsError:  # the mix is constant there (silence)
            continue
    return best


def assert_voice_heard(mix: Path, voice: Path) -> None:
    """The voiceover is what the final video says (not only music at the right loudness)."""
    share = voice_in_mix(mix, voice)
    assert share > 0.6, f"the voiceover is not heard in {mix.name} (correlation {share:.2f})"


def caption_pixels(
    final: Path, at: float, bare: Path, at_bare: float, tmp: Path, accent: tuple[int, int, int]
) -> tuple[int, int]:
    """What the burned captions changed in the caption band of ``final`` at ``at`` seconds,
    against the bare segment it was made from (``bare`` at ``at_bare``), default caption style:
    (changed pixels, of them those near ``accent``, the spoken word's highlight)."""
    from PIL import Image, ImageChops

    from aytada.providers import caption_track, ffmpeg
    from aytada.providers.base import CaptionStyle

    name = f"{final.parent.name}-{at:.3f}"
    with Image.open(ffmpeg.extract_frame(final, at, tmp / f"{name}-final.png")) as image:
        shown = image.convert("RGB")
    with Image.open(ffmpeg.extract_frame(bare, at_bare, tmp / f"{name}-bare.png")) as image:
        plain = image.convert("RGB")
    area = caption_track.band(shown.width, shown.height, CaptionStyle())
    box = (0, area.y, area.width, area.y + area.height)
    shown, plain = shown.crop(box), plain.crop(box)
    changed = ImageChops.difference(shown, plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    mask = changed.load()
    pixels = shown.load()
    assert mask is not None and pixels is not None
    total = near = 0
    for y in range(shown.height):
        for x in range(shown.width):
            if mask[x, y]:
                total += 1
                p = pixels[x, y]
                near += all(abs(a - b) <= 40 for a, b in zip(p, accent, strict=False))  # type: ignore[arg-type]
    return total, near
