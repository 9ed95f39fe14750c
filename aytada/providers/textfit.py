"""The one text-wrapping helper of the providers: whole-word wrapping and measuring.

Every piece of text the product draws (video captions, scene stills, banners and flyers) is wrapped
here, measured with the shipped font. Wrapping never cuts a word: a word wider than the line
stays whole on its own line, and the caller shrinks the font until it fits. Only callers
that explicitly ask (``break_long_words=True``) get the legacy hyphenated split.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_PATH: Path = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
"""The shipped font (DejaVu Sans Bold; its licence is beside it)."""

LINE_SPACING = 1.2  # line pitch as a multiple of the font size


@lru_cache(maxsize=256)
def load_font(size: int) -> ImageFont.FreeTypeFont:
    """The shipped font at ``size`` px (cached)."""
    return ImageFont.truetype(str(FONT_PATH), max(1, int(size)))


_LENGTHS: dict[tuple[object, int, str], float] = {}


def text_length(font: ImageFont.FreeTypeFont, text: str) -> float:
    """``font.getlength(text)``, memoised: wrapping measures the same prefixes many times."""
    key = (getattr(font, "path", id(font)), int(getattr(font, "size", 0)), text)
    value = _LENGTHS.get(key)
    if value is None:
        if len(_LENGTHS) > 100_000:
            _LENGTHS.clear()
        value = _LENGTHS[key] = font.getlength(text)
    return value


_INVISIBLE = {"\ufe0e", "\ufe0f", "\u200d"}  # emoji presentation selectors and joiner
_GLYPHS: dict[str, bool] = {}


def _mask_signature(ch: str) -> tuple[tuple[int, int], bytes]:
    mask = load_font(40).getmask(ch)
    return mask.size, bytes(mask)


def has_glyph(ch: str) -> bool:
    """True when the shipped font draws ``ch`` (not the empty-box "missing glyph")."""
    known = _GLYPHS.get(ch)
    if known is None:
        if ch.isspace() or ord(ch) < 0x2000:
            known = True  # Latin, Greek, Cyrillic, Hebrew, Arabic… are all in DejaVu Sans
        else:
            known = _mask_signature(ch) != _mask_signature("\U0010fffd")
        _GLYPHS[ch] = known
    return known


def drawable(text: str) -> str:
    """``text`` without the characters the shipped font cannot draw (most emoji), which would
    show as empty boxes; whitespace collapsed. Words are otherwise untouched."""
    kept = "".join(ch for ch in text if ch not in _INVISIBLE and has_glyph(ch))
    return " ".join(kept.split())


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Cut one over-wide word into hyphenated pieces (legacy caption behaviour)."""
    pieces: list[str] = []
    rest = word
    while text_length(font, rest) > max_width and len(rest) > 1:
        cut = len(rest) - 1
        while cut > 1 and text_length(font, rest[:cut] + "-") > max_width:
            cut -= 1
        pieces.append(rest[:cut] + "-")
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


def _greedy(
    words: list[str], font: ImageFont.FreeTypeFont, max_width: float, break_long_words: bool
) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_length(font, candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if break_long_words and text_length(font, word) > max_width:
            *full, current = _split_long_word(word, font, max_width)
            lines.extend(full)
        else:
            current = word
    if current:
        lines.append(current)
    return lines


def wrap_words(
    text: str,
    font: ImageFont.FreeTypeFont,
    max_width: float,
    *,
    balanced: bool = False,
    break_long_words: bool = False,
) -> list[str]:
    """Wrap ``text`` into lines no wider than ``max_width`` px, breaking only between words.

    Newlines in ``text`` start a new line. A word wider than ``max_width`` stays whole on its own
    line (callers shrink the font) unless ``break_long_words`` asks for
    the hyphenated split. ``balanced`` evens out line lengths (no lone last word) without adding
    a line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            continue
        lines.extend(_wrap_paragraph(words, font, max_width, balanced, break_long_words))
    return lines


def _wrap_paragraph(
    words: list[str],
    font: ImageFont.FreeTypeFont,
    max_width: float,
    balanced: bool,
    break_long_words: bool,
) -> list[str]:
    lines = _greedy(words, font, max_width, break_long_words)
    if not balanced or len(lines) < 2:
        return lines
    widest = max(text_length(font, line) for line in lines)
    pieces = sum(len(line.split()) for line in lines)
    low, high = max_width * 0.4, max_width
    best = lines
    for _ in range(10):  # the narrowest width that needs no extra line and splits no word
        mid = (low + high) / 2
        candidate = _greedy(words, font, mid, break_long_words)
        if (
            len(candidate) <= len(lines)
            and sum(len(c.split()) for c in candidate) == pieces
            and max(text_length(font, c) for c in candidate) <= max(widest, mid)
        ):
            best, high = candidate, mid
        else:
            low = mid
    return best


@dataclass(frozen=True)
class FittedText:
    """Text wrapped and sized to a box: ``lines`` drawn at ``size`` px, ``line_height`` apart."""

    lines: tuple[str, ...]
    size: int
    width: int  # widest line, px
    height: int  # len(lines) * line_height, px
    line_height: int


def line_height(size: int) -> int:
    """The line pitch used for ``size`` px text (covers ascenders and descenders)."""
    ascent, descent = load_font(size).getmetrics()
    return max(ascent + descent, round(size * LINE_SPACING))


def measure(text: str, size: int, max_width: float, *, balanced: bool = True) -> FittedText:
    """Wrap ``text`` at ``size`` px into ``max_width``; the result may be wider if a word is."""
    font = load_font(size)
    lines = wrap_words(text, font, max_width, balanced=balanced)
    widest = max((text_length(font, line) for line in lines), default=0.0)
    pitch = line_height(size)
    return FittedText(tuple(lines), size, int(widest + 0.999), pitch * len(lines), pitch)
