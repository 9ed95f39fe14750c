"""How long a line takes to say, scene lengths that follow it, and lines that cannot fit.

Scenes are timed to their voiceover: a scene lasts about as long as its line takes to say (at
least `MIN_SCENE_SECONDS`), and the scenes fill the ad's length exactly. The voiceover may be
sped up by at most `MAX_SPEEDUP` to fit; a line longer than that is reported (which scene, by
how many seconds) before the user pays for a render.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aytada.standards import MAX_SPEEDUP, WORDS_PER_SECOND, spoken_words
from aytada.standards import MIN_SCENE_SECONDS as _MIN_SCENE

__all__ = ["MAX_SPEEDUP", "MIN_SCENE_SECONDS", "WORDS_PER_SECOND", "retime", "spoken_seconds"]

MIN_SCENE_SECONDS = float(_MIN_SCENE)
BREATH_SECONDS = 0.4  # a short pause around each line
STEP = 0.1  # scene lengths are multiples of a tenth of a second


def spoken_seconds(text: str, speed: float = 1.0) -> float:
    """About how long `text` takes to say (at `speed` times the normal pace)."""
    return spoken_words(text or "") / WORDS_PER_SECOND / speed


def line_seconds(scene: Mapping[str, Any], speed: float = 1.0) -> float:
    """How long a scene's line takes to say at `speed`: as measured with the voice when the
    scenes step timed it (`spoken_s`, at the normal pace: a line the estimate cannot judge,
    such as Japanese said by espeak-ng), else the estimate."""
    measured = scene.get("spoken_s")
    if measured:
        return float(measured) / speed
    return spoken_seconds(scene.get("voiceover", ""), speed)


def retime(scenes: Sequence[dict[str, Any]], length_s: float) -> list[dict[str, Any]]:
    """The scenes with durations that follow their lines and add up to `length_s` exactly."""
    if not scenes:
        return []
    need = [max(MIN_SCENE_SECONDS, line_seconds(sc) + BREATH_SECONDS) for sc in scenes]
    ticks = round(length_s / STEP)
    floor = round(MIN_SCENE_SECONDS / STEP)
    if floor * len(scenes) > ticks:
        floor = ticks // len(scenes)
    total_need = sum(need)
    # proportional share of the length, never below the minimum, in whole ticks
    raw = [max(floor, n / total_need * ticks) for n in need]
    scale = (ticks - floor * len(raw)) / max(1e-9, sum(r - floor for r in raw))
    shares = [floor + (r - floor) * scale for r in raw]
    out = [int(s) for s in shares]
    # hand out the remaining ticks to the largest remainders
    for i in sorted(range(len(out)), key=lambda i: shares[i] - out[i], reverse=True):
        if sum(out) >= ticks:
            break
        out[i] += 1
    return [{**sc, "duration": round(t * STEP, 1)} for sc, t in zip(scenes, out, strict=True)]


def overruns(scenes: Sequence[dict[str, Any]], speed: float = 1.0) -> list[tuple[int, float]]:
    """Scenes whose line cannot be said in the scene even at `MAX_SPEEDUP` (the voice speaking
    at `speed`): (scene index, seconds too long), rounded up to a tenth."""
    out = []
    for i, sc in enumerate(scenes):
        fits_in = float(sc.get("duration") or 0) * MAX_SPEEDUP
        over = line_seconds(sc, speed) - fits_in
        if over > 0.05:
            out.append((i, round(over + 0.049, 1)))
    return out


def overrun_messages(scenes: Sequence[dict[str, Any]], speed: float = 1.0) -> list[str]:
    """What the Studio and the CLI say about lines that will not fit."""
    return [
        f"Scene {i + 1}: the voiceover line is about {over:.1f} s too long for its "
        f"{float(scenes[i].get('duration') or 0):.1f} s scene. Shorten the line or the "
        "other scenes' lines, then regenerate the scenes."
        for i, over in overruns(scenes, speed)
    ]


def longest_first(scenes: Sequence[dict[str, Any]], indexes: Sequence[int]) -> list[int]:
    """The order to enqueue the clips of ``indexes``: the longest scene first (ties in scene
    order). A clip's work grows with its length, so workers that take the long ones first finish
    together instead of one waiting on the last long clip (measured with 2 workers on a 6-scene
    video: 6.8 s instead of 7.7 s for the same clips, bench/scale_out.py)."""

    def seconds(i: int) -> float:
        try:
            return float(scenes[i].get("duration") or 0)
        except (IndexError, TypeError, ValueError, AttributeError):
            return 0.0

    return sorted(indexes, key=lambda i: (-seconds(i), i))
