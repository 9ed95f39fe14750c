"""The product cut out of its photo: a classical matte, no model.

Product uploads are usually a packshot on a plain background (white, grey or a flat colour).
:func:`cut_out` finds that background by its colour along the photo's border and floods it in
from the edges (a colour tolerance; only background that touches the border goes, so a white
label inside a white-backed bottle stays), then sets the edge at full resolution with a soft
colour key inside a narrow band around the flood's edge, feathers it by about a pixel and
trims the result to the product's bounding box.

The flood runs at most :data:`FLOOD_SIDE` pixels wide (a scanline fill over a byte mask: a
few milliseconds); everything at full resolution is Pillow's own C code (difference, point
tables, min/max filters, blur). OpenCV is not needed (``grabCut`` would be the next step for
busy backgrounds; those photos are shown as a card instead).

A photo that already has transparency keeps its own alpha (only trimmed). A photo whose border
is not one plain colour, or whose "product" would be almost nothing or almost everything, is
not cut (``None``): the caller shows it as a card.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageStat

RGB = tuple[int, int, int]

FLOOD_SIDE = 400  # the flood's resolution (longest side, px)
TOLERANCE = 34  # the largest channel difference from the background colour that is background
PLAIN_BORDER = 0.85  # share of border pixels within the tolerance for a "plain" background


@dataclass(frozen=True)
class Cutout:
    """The product on transparency, trimmed to its bounding box."""

    image: Image.Image  # RGBA
    background: RGB | None  # the removed background colour (None: the photo's own alpha)


def cut_out(
    photo: Image.Image,
    *,
    tolerance: int = TOLERANCE,
    scale_for: Callable[[int, int], float] | None = None,
) -> Cutout | None:
    """The product of ``photo`` on a transparent background (see the module docstring), or
    None when the photo has no plain background to remove.

    ``scale_for(width, height)`` gets the product's size in the photo's pixels and returns
    the scale it will be drawn at: the cutout is made at that size (one resize of the
    product's region, the edge set at the size it is seen)."""
    scale_for = scale_for or (lambda _w, _h: 1.0)
    rgba = photo.convert("RGBA")
    own_alpha = rgba.getchannel("A")
    if own_alpha.getextrema()[0] < 250:  # already cut out: keep its alpha, trim it
        box = own_alpha.point(lambda v: 255 if v > 12 else 0).getbbox()
        if box is None:
            return None
        product = rgba.crop(box)
        return Cutout(_scaled(product, scale_for(*product.size)), None)
    rgb = rgba.convert("RGB")
    small = rgb.copy()
    small.thumbnail((FLOOD_SIDE, FLOOD_SIDE), Image.Resampling.BOX, reducing_gap=2.0)
    background = _border_colour(small, tolerance)
    if background is None:
        return None
    near = _distance(small, background).point(lambda v: 1 if v <= tolerance else 0)
    reached = _flood_from_border(bytearray(near.tobytes()), small.width, small.height)
    inside = Image.frombytes("L", small.size, bytes(reached)).point(lambda v: 0 if v else 255)
    share = inside.histogram()[255] / (small.width * small.height)
    small_box = inside.getbbox()
    if small_box is None or not 0.02 <= share <= 0.92:
        return None
    # the product's region in the photo, a flood pixel wider on every side
    sx, sy = rgb.width / small.width, rgb.height / small.height
    bx0, by0 = max(0, small_box[0] - 1), max(0, small_box[1] - 1)
    bx1, by1 = min(small.width, small_box[2] + 1), min(small.height, small_box[3] + 1)
    box = (round(bx0 * sx), round(by0 * sy), round(bx1 * sx), round(by1 * sy))
    scale = max(0.01, scale_for(box[2] - box[0], box[3] - box[1]))
    size = (max(1, round((box[2] - box[0]) * scale)), max(1, round((box[3] - box[1]) * scale)))
    region = rgb.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    product = _refine(region, background, inside.crop((bx0, by0, bx1, by1)))
    trim = product.getchannel("A").point(lambda v: 255 if v > 24 else 0).getbbox()
    if trim is None:
        return None
    return Cutout(product.crop(trim), background)


def _scaled(image: Image.Image, scale: float) -> Image.Image:
    if abs(scale - 1) < 1e-3:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _distance(image: Image.Image, colour: RGB) -> Image.Image:
    """The largest channel difference of each pixel from ``colour`` (an "L" image)."""
    diff = ImageChops.difference(image, Image.new("RGB", image.size, colour))
    r, g, b = diff.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def _border_colour(small: Image.Image, tolerance: int) -> RGB | None:
    """The median colour of the photo's outermost pixels, when most of them are that colour."""
    w, h = small.size
    border = Image.new("RGB", (2 * (w + h), 2))
    border.paste(small.crop((0, 0, w, 2)), (0, 0))
    border.paste(small.crop((0, h - 2, w, h)), (w, 0))
    border.paste(small.crop((0, 0, 2, h)).transpose(Image.Transpose.ROTATE_90), (2 * w, 0))
    border.paste(small.crop((w - 2, 0, w, h)).transpose(Image.Transpose.ROTATE_90), (2 * w + h, 0))
    median = ImageStat.Stat(border).median
    colour: RGB = (int(median[0]), int(median[1]), int(median[2]))
    histogram = _distance(border, colour).histogram()
    near = sum(histogram[: tolerance + 1])
    return colour if near >= PLAIN_BORDER * border.width * border.height else None


def _flood_from_border(passable: bytearray, width: int, height: int) -> bytearray:
    """A scanline flood fill: 255 where a run of passable (1) pixels connects to the border
    (4-connected), else 0."""
    out = bytearray(width * height)
    open_ = passable  # 1: passable and not yet filled (cleared as runs are filled)
    stack: list[tuple[int, int]] = []
    for x in range(width):
        stack.append((x, 0))
        stack.append((x, height - 1))
    for y in range(height):
        stack.append((0, y))
        stack.append((width - 1, y))
    while stack:
        x, y = stack.pop()
        row = y * width
        if not open_[row + x]:
            continue
        # the run through x
        left = open_.rfind(b"\x00", row, row + x) + 1
        left = max(left, row)
        right = open_.find(b"\x00", row + x, row + width)
        right = row + width if right < 0 else right
        run = right - left
        open_[left:right] = bytes(run)
        out[left:right] = b"\xff" * run
        for ny in (y - 1, y + 1):
            if not 0 <= ny < height:
                continue
            nrow = ny * width
            start, end = left - row + nrow, right - row + nrow
            pos = open_.find(b"\x01", start, end)
            while pos >= 0:
                stack.append((pos - nrow, ny))
                gap = open_.find(b"\x00", pos, end)
                if gap < 0:
                    break
                pos = open_.find(b"\x01", gap, end)
    return out


_LOG_K = 255 / math.log(256)  # 8-bit logarithms: ln(v + 1) scaled to 0..255
_LOG = [round(_LOG_K * math.log(v + 1)) for v in range(256)]
_FRACTION = [min(255, round(255 * math.exp(-v / _LOG_K))) for v in range(256)]


def _refine(rgb: Image.Image, background: RGB, inside_small: Image.Image) -> Image.Image:
    """``rgb`` with its alpha (an RGBA image): opaque inside the flood's edge, transparent
    outside a band of about a flood pixel around it, and in that band the share of the product
    in each pixel's colour: its distance from the background colour over the distance of the
    product's colour nearby (a ratio of 8-bit logarithms: C speed). The band takes the nearby
    product colour (no light fringe of the old background); then a feather of a pixel."""
    size = rgb.size
    step = max(1, math.ceil(rgb.width / inside_small.width))  # display px per flood px
    core = inside_small.filter(ImageFilter.MinFilter(3)).resize(size, Image.Resampling.BILINEAR)
    reach = inside_small.filter(ImageFilter.MaxFilter(3)).resize(size, Image.Resampling.BILINEAR)
    core = core.point(lambda v: 255 if v >= 250 else 0)
    reach = reach.point(lambda v: 255 if v > 0 else 0)
    # the product's colour near each pixel: the interior spread outwards (premultiplied blur)
    spread = rgb.convert("RGBA")
    spread.putalpha(core)
    spread = spread.convert("RGBa").filter(ImageFilter.BoxBlur(2 * step + 1)).convert("RGBA")
    near_colour = spread.convert("RGB")
    distance = _distance(rgb, background).point(_LOG)
    product_distance = _distance(near_colour, background).point(_LOG)
    share = ImageChops.subtract(product_distance, distance).point(_FRACTION)
    alpha = ImageChops.lighter(core, ImageChops.darker(share, reach))
    found = ImageChops.darker(spread.getchannel("A").point(lambda v: 255 if v else 0), reach)
    alpha = ImageChops.lighter(core, ImageChops.darker(alpha, found))
    colour = Image.composite(rgb, near_colour, core)
    out = colour.convert("RGBA")
    out.putalpha(alpha.filter(ImageFilter.BoxBlur(1)))
    return out
