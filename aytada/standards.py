"""The numbers every layer shares: where text may sit on a frame, how far a voice is sped up,
how loud the music sits, how many scenes a video length gets.

One home, read by all who need them: the banner and flyer layouts (`aytada.providers.layout`),
the video stills (`aytada.providers.offline.images`), the caption renderer
(`aytada.providers.caption_track`), the timing rules (`aytada.core.timing`), the voice and music
choices (`aytada.core.project_options`) and the credit quote (`aytada.core.credits`). Imports
nothing of ours (an import-linter contract), so every layer may read it;
`tests/test_standards.py` checks that the renderer, the layouts and the captions draw with
these numbers.
"""

from __future__ import annotations

import math
import re

Box = tuple[float, float, float, float]
"""left, top, right, bottom as fractions of the frame's width and height."""

# --------------------------------------------------------------------------- frame shapes

SHAPES: tuple[str, ...] = ("tall", "square", "wide")


def frame_shape(width: int, height: int) -> str:
    """ "tall" (9:16 and other portraits from 4:5 up), "wide" (16:9 and other landscapes from
    5:4 down) or "square" (between)."""
    ratio = height / max(1, width)
    return "tall" if ratio >= 1.25 else "wide" if ratio <= 0.8 else "square"


# --------------------------------------------------------------------------- safe zones

SAFE_ZONES: dict[str, Box] = {
    # Reels, TikTok, Shorts and Stories draw their UI over the top 14 % (status bar, handle),
    # the right-hand action rail (13 % of the width) and the bottom 30 % (description, buttons)
    "tall": (0.074, 0.14, 0.87, 0.70),
    # feeds crop nothing from these, but text never touches the edge (≥ 5 % margin)
    "square": (0.06, 0.06, 0.94, 0.94),
    "wide": (0.05, 0.07, 0.95, 0.93),
}
"""Where text and logos may go on a frame of each shape."""

CAPTION_BANDS: dict[str, tuple[float, float]] = {
    "tall": (0.72, 0.84),  # in the lower third, just above the platforms' bottom UI
    "square": (0.70, 0.90),
    "wide": (0.70, 0.90),
}
"""(top, bottom) of the band the bottom caption of a video is centred in, per shape."""

CAPTION_GAP = 0.02  # of the height: between a caption and the safe zone's or band's edge


def caption_center_y(shape: str) -> float:
    """The bottom caption's centre line, as a fraction of the height."""
    top, bottom = CAPTION_BANDS[shape]
    return round((top + bottom) / 2, 4)


def caption_top_y(shape: str) -> float:
    """Where a top caption starts: just inside the safe zone."""
    return round(SAFE_ZONES[shape][1] + CAPTION_GAP, 4)


def caption_middle_y(shape: str) -> float:
    """The middle caption's centre line: halfway between the frame's centre and the bottom
    caption's band, so it stays clear of the product's centre (the stills put it at or above
    the middle of the frame) and of the bottom band."""
    return round((0.5 + CAPTION_BANDS[shape][0]) / 2, 4)


def still_text_zone(shape: str) -> Box:
    """Where a video still may put text and logos: inside the safe zone and above the bottom
    caption's band (the stitch burns the captions there)."""
    left, top, right, bottom = SAFE_ZONES[shape]
    return (left, top, right, round(min(bottom, CAPTION_BANDS[shape][0] - CAPTION_GAP), 4))


# --------------------------------------------------------------------------- banners and flyers

DESIGN_MARGIN = 0.06
"""A banner's or flyer's margin, of its shorter side (the craft sheet asks for at least ~5 %)."""

STORY_RATIOS: tuple[float, float] = (0.45, 0.7)
"""Width / height of a full-screen story design (9:16 is 0.5625): it keeps the platforms' safe
zone of a tall video (:data:`SAFE_ZONES` ``"tall"``), their UI being drawn over it the same way."""


def is_story(width: int, height: int) -> bool:
    """True for a full-screen story design (a 1080×1920 banner)."""
    low, high = STORY_RATIOS
    return low <= width / max(1, height) < high


def design_margin(width: int, height: int) -> int:
    """A banner's or flyer's margin in pixels: :data:`DESIGN_MARGIN` of the shorter side."""
    return max(2, math.ceil(min(width, height) * DESIGN_MARGIN))


def design_zone(width: int, height: int) -> tuple[int, int, int, int]:
    """Where every layer of a banner or flyer goes, in pixels (left, top, right, bottom): inside
    the margins and, for a story, inside the tall safe zone as well (the same as a video's)."""
    m = design_margin(width, height)
    if not is_story(width, height):
        return m, m, width - m, height - m
    left, top, right, bottom = SAFE_ZONES["tall"]
    return (
        max(m, round(width * left)),
        max(m, round(height * top)),
        min(width - m, round(width * right)),
        min(height - m, round(height * bottom)),
    )


# --------------------------------------------------------------------------- voice and music

WORDS_PER_SECOND = 2.5
"""A voiceover's pace: about 150 spoken words a minute (scene lengths and copy limits)."""


def without_spaces(ch: str) -> bool:
    """A character of a script written without spaces between words: Han, kana, CJK
    punctuation and full-width forms (Korean spaces its words). Text of these breaks between
    characters, and two of them count as a spoken word."""
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def spoken_words(text: str) -> int:
    """How many words ``text`` takes to say: an address, a handle or a number is said in parts
    ("lumi dot shop slash glow", "plus four four, two zero, …"), each counted; Chinese or
    Japanese, a word per two characters."""
    count = 0
    for token in text.split():
        packed = sum(1 for c in token if without_spaces(c))
        if packed:
            count += max(1, round(packed / 2)) + (1 if packed < len(token) else 0)
            continue
        digits = sum(c.isdigit() for c in token)
        parts = [p for p in re.split(r"[./@:_-]+", token) if p]
        if digits >= 4 and re.fullmatch(r"[+\d()./-]+[.,;!?]?", token):
            count += max(1, digits // 2)  # a phone or a long number, said in groups
        elif len(parts) > 1 and re.search(r"[./@]", token.rstrip(".,;!?")):
            count += 2 * len(parts) - 1  # "lumi dot shop slash glow"
        else:
            count += 2 if "%" in token else 1  # "twenty percent"
    return count


MAX_SPEEDUP = 1.15
"""The most a voiceover line is sped up to fit its scene; a longer line is reported instead."""

MUSIC_UNDER_VOICE_DB = 5
"""The music bed's default level, in dB under the voice where nobody speaks (it ducks more
under speech)."""

# --------------------------------------------------------------------------- scenes

MIN_SCENE_SECONDS = 2
SCENES_PER_LENGTH: dict[int, int] = {15: 3, 30: 6, 60: 10}
"""Scenes a video of each offered length is planned with (what a render is quoted for)."""


def scene_count(length_s: int) -> int:
    """Scenes for a video length: the table's count for an offered length, else about one
    scene per 5 s (6 s past 30 s), each at least :data:`MIN_SCENE_SECONDS` long, at most 10."""
    length = max(1, int(length_s))
    if length in SCENES_PER_LENGTH:
        return SCENES_PER_LENGTH[length]
    per_scene = 5 if length <= 30 else 6
    return max(1, min(10, length // MIN_SCENE_SECONDS, round(length / per_scene)))
