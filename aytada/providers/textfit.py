"""The one text-wrapping helper of the providers: whole-word wrapping, measuring and fonts.

Every piece of text the product draws (video captions, scene stills, banners and flyers) is wrapped
here and measured with the font it is drawn with: a *face* (:data:`FACES`: the shipped DejaVu
Sans Bold, or a face the set-up installs, such as League Spartan, Inter or Lato), or, for a text
the face cannot draw (Chinese, Japanese, Korean), the Noto Sans CJK face for its script
(:func:`face_for`): the whole text in one face, never boxes for missing glyphs.

Wrapping never cuts a word: a word wider than the line stays whole on its own line, and the caller
shrinks the font until it fits. Only callers that explicitly ask (``break_long_words=True``) get
the legacy hyphenated split.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import ImageFont

from aytada.standards import without_spaces

FONT_PATH: Path = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
"""The shipped font (DejaVu Sans Bold; its licence is beside it)."""

LINE_SPACING = 1.2  # line pitch as a multiple of the font size

_SYSTEM = Path("/usr/share/fonts")
FACES: dict[str, tuple[Path, int]] = {
    "": (FONT_PATH, 0),
    "league-spartan-bold": (_SYSTEM / "opentype/league-spartan/LeagueSpartan-Bold.otf", 0),
    "inter-extrabold": (_SYSTEM / "opentype/inter/InterDisplay-ExtraBold.otf", 0),
    "inter-bold": (_SYSTEM / "opentype/inter/Inter-Bold.otf", 0),
    "inter-semibold": (_SYSTEM / "opentype/inter/Inter-SemiBold.otf", 0),
    "lato-black": (_SYSTEM / "truetype/lato/Lato-Black.ttf", 0),
    "lato-bold": (_SYSTEM / "truetype/lato/Lato-Bold.ttf", 0),
    # Noto Sans CJK Bold: one collection, a face per script (the same glyphs, each script's forms)
    "cjk-jp": (_SYSTEM / "opentype/noto/NotoSansCJK-Bold.ttc", 0),
    "cjk-kr": (_SYSTEM / "opentype/noto/NotoSansCJK-Bold.ttc", 1),
    "cjk-sc": (_SYSTEM / "opentype/noto/NotoSansCJK-Bold.ttc", 2),
    # scripts neither DejaVu nor Noto CJK draws (Noto Sans, fonts-noto-core); no Latin in them
    "thai": (_SYSTEM / "truetype/noto/NotoSansThai-Bold.ttf", 0),
    "devanagari": (_SYSTEM / "truetype/noto/NotoSansDevanagari-Bold.ttf", 0),
    "bengali": (_SYSTEM / "truetype/noto/NotoSansBengali-Bold.ttf", 0),
    "tamil": (_SYSTEM / "truetype/noto/NotoSansTamil-Bold.ttf", 0),
    "gujarati": (_SYSTEM / "truetype/noto/NotoSansGujarati-Bold.ttf", 0),
    "khmer": (_SYSTEM / "truetype/noto/NotoSansKhmer-Bold.ttf", 0),
    "sinhala": (_SYSTEM / "truetype/noto/NotoSansSinhala-Bold.ttf", 0),
    # colour emoji (bitmaps at one size, EMOJI_SIZE: drawn there and scaled, :class:`MixedFont`)
    "emoji": (_SYSTEM / "truetype/noto/NotoColorEmoji.ttf", 0),
}
"""Every face the product draws with: name → (file, index in a collection). "" is the shipped
font; the others come with the system packages (scripts/system-packages.sh): a face whose file is
missing draws with the shipped font, and :func:`missing_faces` names it."""
CJK_FACES = ("cjk-jp", "cjk-kr", "cjk-sc")
SCRIPT_FACES = ("thai", "devanagari", "bengali", "tamil", "gujarati", "khmer", "sinhala")
EMOJI = "emoji"
EMOJI_SIZE = 109  # the one size Noto Color Emoji's bitmaps load at
MIXED = "mix:"
"""A face name ``mix:<face>``: :class:`MixedFont`, each character in the first face that draws
it, ``<face>`` first (a text no one face draws whole: Thai or Hindi among Latin words)."""


def missing_faces() -> list[str]:
    """The faces whose font file is not installed."""
    return [name for name in FACES if not _installed(name)]


@lru_cache(maxsize=512)
def load_font(size: int, face: str = "") -> ImageFont.FreeTypeFont:
    """``face`` (:data:`FACES`; the shipped font when it is unknown or not installed) at
    ``size`` px (cached); a ``mix:`` face is a :class:`MixedFont`."""
    if face.startswith(MIXED):
        return MixedFont(int(size), face[len(MIXED) :])  # type: ignore[return-value]
    if not _installed(face):
        face = ""
    path, index = FACES.get(face, FACES[""])
    if face == EMOJI:  # bitmaps: at their one size, scaled when drawn (MixedFont)
        return ImageFont.truetype(str(path), EMOJI_SIZE)
    return ImageFont.truetype(str(path), max(1, int(size)), index=index)


def _cjk_face(text: str) -> str:
    """The CJK face for ``text``'s script: Japanese when it has kana, Korean with hangul,
    else (Han only) Simplified Chinese."""
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "cjk-jp"
    if any("\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" for ch in text):
        return "cjk-kr"
    return "cjk-sc"


def face_for(text: str, face: str = "") -> str:
    """The face ``text`` is drawn in: ``face`` when it draws every character, else the shipped
    font, else the CJK face of its script (when it draws them all), else ``mix:<face>`` (each
    character in the first face that has it: :class:`MixedFont`); characters no face draws
    (most emoji) are left out of the text by :func:`drawable`."""
    wanted = [ch for ch in drawable(text) if not ch.isspace()]
    if all(_draws(face, ch) for ch in wanted):
        return face
    if all(_draws("", ch) for ch in wanted):
        return ""
    cjk = _cjk_face(text)
    return cjk if all(_draws(cjk, ch) for ch in wanted) else MIXED + face


class MixedFont:
    """Several faces as one font at ``size``: each run of characters in the first face that
    draws it (``base``, the shipped font, the CJK face of the text, the script faces). Measures
    like a FreeTypeFont (``getlength``, ``getmetrics``); :func:`draw_text` draws it run by run
    on one baseline, each run shaped whole (Thai and Indic marks stay with their letters)."""

    def __init__(self, size: int, base: str) -> None:
        self.size, self.base = size, base
        self.path = MIXED + base  # text_length's memo key

    def _faces(self, text: str) -> tuple[str, ...]:
        return (self.base, "", _cjk_face(text), *SCRIPT_FACES, EMOJI)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """(characters, face) in order; spaces and marks stay in the run they follow."""
        faces = self._faces(text)
        out: list[tuple[str, str]] = []
        for ch in text:
            joins = ch.isspace() or unicodedata.category(ch) in ("Mn", "Me", "Mc")
            if out and joins and not (ch.isspace() and out[-1][1] == EMOJI):
                out[-1] = (out[-1][0] + ch, out[-1][1])
                continue
            face = (
                self.base if ch.isspace() else next((f for f in faces if _draws(f, ch)), self.base)
            )
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + ch, face)
            else:
                out.append((ch, face))
        return out

    def _scale(self, face: str) -> float:
        return self.size / EMOJI_SIZE if face == EMOJI else 1.0

    def getlength(self, text: str) -> float:
        return sum(
            load_font(self.size, face).getlength(run) * self._scale(face)
            for run, face in self.runs(text)
        )

    def getmetrics(self) -> tuple[int, int]:
        """The tallest ascent and deepest descent of the faces it may use."""
        faces = [f for f in (self.base, "", *SCRIPT_FACES, EMOJI)
                 if f == self.base or _installed(f)]  # fmt: skip
        metrics = []
        for face in faces:
            ascent, descent = load_font(self.size, face).getmetrics()
            metrics.append((round(ascent * self._scale(face)), round(descent * self._scale(face))))
        return max(a for a, _ in metrics), max(d for _, d in metrics)

    def draw(self, draw: Any, xy: tuple[float, float], text: str, anchor: str = "la",
             **options: Any) -> None:  # fmt: skip
        ascent, descent = self.getmetrics()
        x, y = xy
        if anchor[1:] == "a":
            y += ascent
        elif anchor[1:] == "d":
            y -= descent
        for run, face in self.runs(text):
            font = load_font(self.size, face)
            if face == EMOJI:
                x += _draw_emoji(draw, (x, y), run, font, self._scale(face))
                continue
            draw.text((x, y), run, font=font, anchor="ls", **options)
            x += font.getlength(run)


def _draw_emoji(
    draw: Any, at: tuple[float, float], run: str, font: ImageFont.FreeTypeFont, scale: float
) -> float:
    """Colour emoji drawn at their bitmaps' size, scaled to the text's and laid on the
    baseline at ``at`` on the drawing's picture; returns the advance."""
    from PIL import Image, ImageDraw

    width = max(1, round(font.getlength(run)))
    ascent, descent = font.getmetrics()
    picture = Image.new("RGBA", (width, ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(picture).text((0, ascent), run, font=font, anchor="ls", embedded_color=True)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    target = getattr(draw, "_image", None)  # the picture the ImageDraw draws on
    if target is not None:
        left, top = round(at[0]), round(at[1] - ascent * scale)
        if target.mode == "RGBA":
            target.alpha_composite(picture, (max(0, left), max(0, top)))
        else:
            target.paste(picture, (left, top), picture)
    return width * scale


def _installed(face: str) -> bool:
    """Whether ``face``'s font file is there (an unknown name is the shipped font)."""
    return FACES.get(face, FACES[""])[0].is_file()


def draw_text(draw: Any, xy: tuple[float, float], text: str, font: Any, **options: Any) -> None:
    """``draw.text`` with ``font``, also a :class:`MixedFont` (drawn run by run)."""
    if isinstance(font, MixedFont):
        font.draw(draw, xy, text, **options)
    else:
        draw.text(xy, text, font=font, **options)


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
_GLYPHS: dict[tuple[str, str], bool] = {}


def _mask_signature(face: str, ch: str) -> tuple[tuple[int, int], bytes]:
    mask = load_font(40, face).getmask(ch)
    return mask.size, bytes(mask)


def _draws(face: str, ch: str) -> bool:
    """True when ``face`` (installed) draws ``ch``, not its empty-box "missing glyph"."""
    if ch.isspace():
        return True
    key = (face, ch)
    known = _GLYPHS.get(key)
    if known is None:
        if face and not _installed(face):
            known = False
        elif not face and ord(ch) < 0x0590:
            known = True  # Latin, Greek, Cyrillic and Armenian are all in DejaVu Sans
        else:
            known = _mask_signature(face, ch) != _mask_signature(face, "\U0010fffd")
        _GLYPHS[key] = known
    return known


def has_glyph(ch: str) -> bool:
    """True when the shipped font, a CJK, script or emoji face (installed) draws ``ch``."""
    return _draws("", ch) or any(_draws(face, ch) for face in (*CJK_FACES, *SCRIPT_FACES, EMOJI))


def drawable(text: str) -> str:
    """``text`` without the characters no face can draw (most emoji), which would show as empty
    boxes (and the accents of a letter left out); whitespace collapsed. Words are otherwise
    untouched."""
    kept, dropped = [], False
    for ch in text:
        if ch in _INVISIBLE:
            continue
        if unicodedata.category(ch) in ("Mn", "Me"):
            if not dropped and has_glyph(ch):
                kept.append(ch)
            continue
        dropped = not has_glyph(ch)
        if not dropped:
            kept.append(ch)
    return " ".join("".join(kept).split())


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


def _is_cjk(ch: str) -> bool:
    """A character of a script written without spaces (:func:`aytada.standards.without_spaces`)."""
    return without_spaces(ch)


_NO_LINE_START = set("、。，．！？）」』】〕〉》・ー：；,.!?)")


def _tokens(paragraph: str) -> list[str]:
    """The pieces a line may break between: words, and each character of a CJK run (a closing
    mark stays with the character before it). A piece that followed a space carries it in
    front (" word"), so that joining them gives the text back."""
    out: list[str] = []
    for n, word in enumerate(paragraph.split()):
        pieces = [word]
        if any(_is_cjk(ch) for ch in word):
            pieces, run = [], ""
            for ch in word:
                starts = (_is_cjk(ch) and ch not in _NO_LINE_START) or (
                    run and _is_cjk(run[-1]) and ch not in _NO_LINE_START
                )
                if starts and run:
                    pieces.append(run)
                    run = ""
                run += ch
            pieces.append(run)
        if n:
            pieces[0] = " " + pieces[0]
        out.extend(pieces)
    return out


def _join(tokens: list[str]) -> str:
    """Pieces as a line (a line never starts with the space its first piece carries)."""
    return "".join(tokens).lstrip(" ")


def join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines as one text again: a space where a line broke between words, none where it
    broke inside a run of Chinese or Japanese."""
    text = ""
    for line in lines:
        if text and line and not (_is_cjk(text[-1]) and _is_cjk(line[0])):
            text += " "
        text += line
    return text


def _greedy(
    words: list[str], font: ImageFont.FreeTypeFont, max_width: float, break_long_words: bool
) -> list[list[str]]:
    lines: list[list[str]] = []
    current: list[str] = []
    for word in words:
        if text_length(font, _join([*current, word])) <= max_width:
            current.append(word)
            continue
        if current:
            lines.append(current)
        if break_long_words and text_length(font, word.lstrip(" ")) > max_width:
            *full, last = _split_long_word(word.lstrip(" "), font, max_width)
            lines.extend([piece] for piece in full)
            current = [last]
        else:
            current = [word]
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
    """Wrap ``text`` into lines no wider than ``max_width`` px, breaking only between words (and
    between the characters of Chinese, Japanese or Korean, which has no spaces).

    Newlines in ``text`` start a new line. A word wider than ``max_width`` stays whole on its own
    line (callers shrink the font) unless ``break_long_words`` asks for
    the hyphenated split. ``balanced`` evens out line lengths (no lone last word) without adding
    a line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = _tokens(paragraph)
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
        return [_join(line) for line in lines]
    widest = max(text_length(font, _join(line)) for line in lines)
    pieces = sum(len(line) for line in lines)
    low, high = max_width * 0.4, max_width
    best = lines
    for _ in range(10):  # the narrowest width that needs no extra line and splits no word
        mid = (low + high) / 2
        candidate = _greedy(words, font, mid, break_long_words)
        if (
            len(candidate) <= len(lines)
            and sum(len(c) for c in candidate) == pieces
            and max(text_length(font, _join(c)) for c in candidate) <= max(widest, mid)
        ):
            best, high = candidate, mid
        else:
            low = mid
    return [_join(line) for line in best]


@dataclass(frozen=True)
class FittedText:
    """Text wrapped and sized to a box: ``lines`` drawn at ``size`` px, ``line_height`` apart."""

    lines: tuple[str, ...]
    size: int
    width: int  # widest line, px
    height: int  # len(lines) * line_height, px
    line_height: int
    face: str = ""  # drawn with load_font(size, face)


def line_height(size: int, face: str = "") -> int:
    """The line pitch used for ``size`` px text (covers ascenders and descenders)."""
    ascent, descent = load_font(size, face).getmetrics()
    return max(ascent + descent, round(size * LINE_SPACING))


def measure(
    text: str, size: int, max_width: float, *, balanced: bool = True, face: str = ""
) -> FittedText:
    """Wrap ``text`` at ``size`` px into ``max_width`` in ``face`` (or the face that draws it:
    :func:`face_for`); the result may be wider if a word is."""
    face = face_for(text, face)
    font = load_font(size, face)
    lines = wrap_words(text, font, max_width, balanced=balanced)
    widest = max((text_length(font, line) for line in lines), default=0.0)
    pitch = line_height(size, face)
    return FittedText(tuple(lines), size, int(widest + 0.999), pitch * len(lines), pitch, face)
