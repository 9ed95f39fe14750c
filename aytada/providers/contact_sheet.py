"""A contact sheet: one PNG showing every asset of a kit, each in a tile with its name and size.

Plain data in (a title and tiles: label, size line, picture file or None), one PNG out. Each
picture keeps its proportions inside its tile (a 728×90 leaderboard stays a strip, a 9:16 video
frame stays tall); a tile without a picture (audio, or a part not made) shows its line large.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from aytada.providers.textfit import draw_text, face_for, load_font, text_length

TILE_W, TILE_H = 420, 470  # a tile: the picture's box, then two lines of text
PICTURE_H = 380
GAP = 28
COLUMNS = 4
PAPER = (244, 244, 241)
INK = (28, 28, 30)
MUTED = (96, 96, 104)
FRAME = (214, 214, 210)


@dataclass(frozen=True)
class Tile:
    label: str  # "Banner 300×250 · medium rectangle"
    line: str  # its size, or why it has no picture
    picture: Path | None


def _fit_text(text: str, size: int, width: int, face: str) -> tuple[str, object]:
    font = load_font(size, face_for(text, face))
    if text_length(font, text) <= width:
        return text, font
    while text and text_length(font, text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…", font


def contact_sheet(title: str, tiles: list[Tile], out: Path) -> Path:
    """Draw the sheet into ``out`` (PNG) and return it."""
    rows = max(1, -(-len(tiles) // COLUMNS))
    width = GAP + COLUMNS * (TILE_W + GAP)
    head = 110
    sheet = Image.new("RGB", (width, head + rows * (TILE_H + GAP) + GAP), PAPER)
    draw = ImageDraw.Draw(sheet)
    text, font = _fit_text(title, 44, width - 2 * GAP, "inter-bold")
    draw_text(draw, (GAP, 34), text, font, fill=INK)
    for i, tile in enumerate(tiles):
        x = GAP + (i % COLUMNS) * (TILE_W + GAP)
        y = head + (i // COLUMNS) * (TILE_H + GAP)
        draw.rectangle((x, y, x + TILE_W - 1, y + PICTURE_H - 1), fill=(255, 255, 255),
                       outline=FRAME)  # fmt: skip
        if tile.picture is not None and tile.picture.is_file():
            with Image.open(tile.picture) as img:
                rgba = img.convert("RGBA")  # a transparent picture (a waveform) on white
            flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
            picture = ImageOps.contain(flat.convert("RGB"), (TILE_W - 24, PICTURE_H - 24))
            sheet.paste(
                picture,
                (x + (TILE_W - picture.width) // 2, y + (PICTURE_H - picture.height) // 2),
            )
        else:
            line, font = _fit_text(tile.line, 30, TILE_W - 40, "inter-semibold")
            draw_text(draw, (x + 20, y + PICTURE_H // 2 - 18), line, font, fill=MUTED)
        label, font = _fit_text(tile.label, 24, TILE_W, "inter-bold")
        draw_text(draw, (x, y + PICTURE_H + 12), label, font, fill=INK)
        line, font = _fit_text(tile.line, 21, TILE_W, "inter-semibold")
        draw_text(draw, (x, y + PICTURE_H + 46), line, font, fill=MUTED)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, "PNG", optimize=True)
    return out
