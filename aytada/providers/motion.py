"""Motion templates: how a scene's layers enter and how one scene hands over to the next.

A scene still's texts, logo, icon and call to action are pre-rendered RGBA layers
(:mod:`aytada.providers.layers`); the clip renderer lets them *enter* one after the other
(rise, slide, fade, pop) while the camera holds, then pushes in. Between scenes the stitch lays
a *transition* (the last frame of a scene dissolving, sliding away or dipping to black) over the
first frames of the next scene, so the ad's length and
the voice's timing do not change.

Both are chosen here, in one table per creative style: a brisk direct-response ad pops and slides,
a luxury ad fades slowly. Plain data in, plain data out; ffmpeg expressions are built in
:mod:`aytada.providers.ffmpeg`.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTRANCE_KINDS = ("fade", "rise", "slide", "pop")
"""fade: opacity 0 → 1 in place; rise: up from below while fading in; slide: in from the left
while fading in; pop: scales up from 60 % past its size and settles (the call to action)."""


@dataclass(frozen=True)
class Entrance:
    """One layer's entrance: ``kind`` from ``start`` for ``seconds`` (scene time), moving
    ``distance`` (a fraction of the frame's height for rise, of its width for slide)."""

    role: str
    kind: str
    start: float
    seconds: float
    distance: float = 0.0

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True)
class Pace:
    """A family of styles' motion: each entrance's length, the gap between two entrances'
    starts, how far layers travel, what each role does, and the transition between scenes."""

    name: str
    seconds: float
    stagger: float
    rise: float
    slide: float
    kinds: dict[str, str]
    transition: str
    transition_seconds: float
    into_end_card: str


_BRISK_KINDS = {"logo": "fade", "product": "rise", "icon": "pop", "kicker": "slide",
                "brand_mark": "fade", "name": "slide", "brand": "slide", "line": "rise",
                "cta": "pop", "destination": "rise"}  # fmt: skip
_SMOOTH_KINDS = {**_BRISK_KINDS, "icon": "rise", "kicker": "rise", "name": "rise",
                 "brand": "rise"}  # fmt: skip
_CALM_KINDS = {**_SMOOTH_KINDS, "logo": "fade", "icon": "fade", "kicker": "fade",
               "brand_mark": "fade", "destination": "fade"}  # fmt: skip

PACES: dict[str, Pace] = {
    "brisk": Pace("brisk", 0.35, 0.12, 0.05, 0.08, _BRISK_KINDS, "slide_left", 0.3, "slide_up"),
    "smooth": Pace("smooth", 0.5, 0.18, 0.04, 0.06, _SMOOTH_KINDS, "slide_fade", 0.4, "dissolve"),
    "calm": Pace("calm", 0.7, 0.25, 0.025, 0.04, _CALM_KINDS, "dissolve", 0.6, "dip_to_black"),
}
PACE_OF_STYLE: dict[str, str] = {
    "Direct Response": "brisk", "UGC Style": "brisk", "Humor": "brisk",
    "Problem-Solution": "brisk", "Storytelling": "smooth", "Testimonial": "smooth",
    "Educational": "smooth", "Cinematic": "calm", "Luxury": "calm", "Minimalist": "calm",
}  # fmt: skip
"""Every creative style of :data:`aytada.vocabulary.CREATIVE_STYLES` (a test keeps them equal);
an unknown style moves at the smooth pace."""

ORDER = ("logo", "product", "icon", "brand_mark", "kicker", "brand", "name", "line", "cta",
         "destination")  # fmt: skip
"""The order layers enter in: the brand and the product first, the big line last but the call
to action."""
BUILD_SHARE = 0.4
"""A scene's layers have all entered by this share of its length (a short scene builds faster)."""


def pace_of(style: str) -> Pace:
    return PACES[PACE_OF_STYLE.get((style or "").strip(), "smooth")]


def entrances(roles: list[str], style: str, scene_seconds: float) -> list[Entrance]:
    """The entrances of a scene's layers ``roles``, one per role in the same order: they enter
    in :data:`ORDER` (unknown roles last), at ``style``'s pace, squeezed to end by
    :data:`BUILD_SHARE` of the scene."""
    pace = pace_of(style)

    def place(i: int) -> tuple[int, int]:
        return (ORDER.index(roles[i]) if roles[i] in ORDER else len(ORDER), i)

    rank = sorted(range(len(roles)), key=place)
    plan: list[Entrance] = [Entrance("", "fade", 0.0, 0.0)] * len(roles)
    for n, i in enumerate(rank):
        kind = pace.kinds.get(roles[i], "fade")
        distance = pace.rise if kind == "rise" else pace.slide if kind == "slide" else 0.0
        plan[i] = Entrance(roles[i], kind, n * pace.stagger, pace.seconds, distance)
    longest = max((e.end for e in plan), default=0.0)
    room = max(0.2, float(scene_seconds) * BUILD_SHARE)
    if longest <= room:
        return plan
    k = room / longest
    return [Entrance(e.role, e.kind, e.start * k, e.seconds * k, e.distance) for e in plan]


TRANSITION_KINDS = ("dissolve", "dip_to_black", "slide_left", "slide_up", "slide_fade")
"""How the previous scene's last frame leaves, uncovering the next scene: it dissolves, dips to
black, slides off to the left or up, or slides a little while it dissolves."""


@dataclass(frozen=True)
class Transition:
    """How a scene starts: ``kind`` (one of :data:`TRANSITION_KINDS`) takes the previous scene's
    last frame away over ``seconds``; kind "" is a cut."""

    kind: str
    seconds: float


CUT = Transition("", 0.0)


def transitions(layouts: list[str], style: str, seconds: list[float]) -> list[Transition]:
    """One per scene, in order: the first scene starts on a cut; the others with ``style``'s
    transition, its own into the end card; never longer than a third of the scene."""
    pace = pace_of(style)
    out = [CUT]
    for layout, length in list(zip(layouts, seconds, strict=True))[1:]:
        kind = pace.into_end_card if layout == "end_card" else pace.transition
        out.append(Transition(kind, round(min(pace.transition_seconds, length / 3), 3)))
    return out
