"""The type pairing of each creative style: a display face for what is set large (a scene's
line, the product's name, the call to action) and a text face for the small words (the kicker,
the brand, the destination), from the faces the set-up installs (:data:`textfit.FACES`).

The style's family is :func:`aytada.providers.motion.pace_of`'s: a brisk ad is set in League
Spartan over Inter, a smooth one in Inter Display over Inter, a calm one in Lato.
"""

from __future__ import annotations

from aytada.providers.motion import pace_of

PAIRINGS: dict[str, tuple[str, str]] = {
    "brisk": ("league-spartan-bold", "inter-semibold"),
    "smooth": ("inter-extrabold", "inter-semibold"),
    "calm": ("lato-black", "lato-bold"),
}
"""(display face, text face) per family."""
DISPLAY_ROLES = frozenset({"line", "name", "cta", "brand_mark", "headline"})


def face_of(role: str, style: str) -> str:
    """The face a text of ``role`` is set in, in an ad of creative ``style``."""
    display, text = PAIRINGS[pace_of(style).name]
    return display if role in DISPLAY_ROLES else text
