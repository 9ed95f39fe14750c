"""Offline images: brand-coloured Pillow compositions with the shipped font."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    ImageRequest,
    ProviderError,
)
from aytada.providers.offline.common import _clean, _Dice


def _rgb(color: str, fallback: tuple[int, int, int]) -> tuple[int, int, int]:
    try:
        value = ImageColor.getrgb(color.strip())
    except (ValueError, AttributeError):
        return fallback
    return value[0], value[1], value[2]


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _luma(color: tuple[int, int, int]) -> float:
    return 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]


class PillowImages:
    """Brand-coloured compositions: gradient, soft shapes varied by seed, typeset text."""

    name = "offline"
    model = "pillow-composition"

    def image(self, request: ImageRequest, out_path: Path) -> Path:
        width, height = int(request.width), int(request.height)
        if width < 8 or height < 8:
            raise ProviderError(f"image size too small: {width}×{height}")
        dice = _Dice(request.seed, request.prompt, request.title, tuple(request.colors))
        palette = [_rgb(c, (31, 58, 147)) for c in request.colors] or [(31, 58, 147)]
        if len(palette) == 1:
            palette.append(_mix(palette[0], (0, 0, 0), 0.55))
        start, end = palette[0], palette[1]
        accent = palette[2] if len(palette) > 2 else _mix(end, (255, 255, 255), 0.35)

        canvas = self._gradient(width, height, start, end, dice.number("angle") % 360)
        canvas = self._shapes(canvas, dice, accent, end)
        draw = ImageDraw.Draw(canvas)
        self._text(draw, width, height, request.title, request.caption, start, end)

        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.stem}.partial.png")
        canvas.convert("RGB").save(partial, format="PNG", compress_level=1)
        partial.replace(out)
        return out

    @staticmethod
    def _gradient(
        width: int, height: int, start: tuple[int, int, int], end: tuple[int, int, int], angle: int
    ) -> Image.Image:
        # a diagonal-ish gradient: the 256-step ramp rotated (within ±35° of vertical) and
        # stretched over the canvas
        mask = Image.linear_gradient("L").rotate(
            (angle % 70) - 35, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=None
        )
        mask = mask.crop((40, 40, 216, 216)).resize((width, height), Image.Resampling.BICUBIC)
        return Image.composite(Image.new("RGB", (width, height), end),
                               Image.new("RGB", (width, height), start), mask).convert("RGBA")

    @staticmethod
    def _shapes(
        canvas: Image.Image, dice: _Dice, accent: tuple[int, int, int],
        end: tuple[int, int, int],
    ) -> Image.Image:  # fmt: skip
        width, height = canvas.size
        scale = 4  # draw small, blur, scale up: soft shapes for little CPU
        small = (max(2, width // scale), max(2, height // scale))
        layer = Image.new("RGBA", small, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        sw, sh = small
        unit = min(sw, sh)
        white = (255, 255, 255)
        for i in range(3 + dice.number("circles") % 4):  # soft "bokeh" circles
            x = dice.number(f"cx{i}") % sw
            y = dice.number(f"cy{i}") % sh
            r = unit * (0.12 + (dice.number(f"cr{i}") % 100) / 260)
            color = accent if i % 2 else white
            alpha = 40 + dice.number(f"ca{i}") % 50
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(*color, alpha))
        style = dice.number("style") % 3
        if style == 0:  # a diagonal band
            offset = (dice.number("band") % 60) / 100 * sh
            band = [
                (0, offset), (sw, offset - sw * 0.5), (sw, offset - sw * 0.2),
                (0, offset + sw * 0.3),
            ]
            draw.polygon(band, fill=(*white, 34))
        elif style == 1:  # a large ring
            r = unit * 0.42
            cx, cy = sw * 0.5, sh * (0.35 + (dice.number("ring") % 30) / 100)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*accent, 120),
                         width=max(2, unit // 28))
        else:  # stacked rounded cards
            for k in range(3):
                x0 = sw * (0.12 + 0.06 * k)
                y0 = sh * (0.28 + 0.05 * k)
                draw.rounded_rectangle((x0, y0, x0 + sw * 0.6, y0 + sh * 0.22),
                                       radius=max(2, unit // 14),
                                       fill=(*_mix(end, white, 0.3 + 0.2 * k), 46))
        # blur and scale with premultiplied alpha, so the shapes get no dark fringe
        soft = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(max(1, unit // 90)))
        soft = soft.resize((width, height), Image.Resampling.BICUBIC).convert("RGBA")
        return Image.alpha_composite(canvas, soft)

    @staticmethod
    def _text(
        draw: ImageDraw.ImageDraw, width: int, height: int, title: str, caption: str,
        start: tuple[int, int, int], end: tuple[int, int, int],
    ) -> None:  # fmt: skip
        unit = min(width, height * 0.75)
        title = _clean(title)
        caption = _clean(caption)
        if title:
            size = max(10, round(unit * 0.095))
            lines, font = _wrap_to_box(title, size, width * 0.84, max_lines=3)
            line_h = font.size * 1.18
            y = height * 0.16
            shadow = max(1, font.size // 18)
            for line in lines:
                w = font.getlength(line)
                x = (width - w) / 2
                draw.text((x + shadow, y + shadow), line, font=font, fill=(0, 0, 0, 110))
                draw.text((x, y), line, font=font, fill=(255, 255, 255, 255))
                y += line_h
        if caption:
            size = max(8, round(unit * 0.05))
            lines, font = _wrap_to_box(caption, size, width * 0.74, max_lines=3)
            line_h = font.size * 1.25
            pad = font.size * 0.7
            box_w = max(font.getlength(line) for line in lines) + 2 * pad
            box_h = line_h * len(lines) + pad * 1.2
            top = height * 0.58
            left = (width - box_w) / 2
            dark = start if _luma(start) < _luma(end) else end
            draw.rounded_rectangle(
                (left, top, left + box_w, top + box_h), radius=box_h * 0.25 if len(lines) > 1
                else box_h / 2, fill=(*_mix(dark, (0, 0, 0), 0.4), 200),
            )
            y = top + pad * 0.6
            for line in lines:
                w = font.getlength(line)
                draw.text(((width - w) / 2, y), line, font=font, fill=(255, 255, 255, 255))
                y += line_h


def _wrap_to_box(
    text: str, size: int, max_width: float, *, max_lines: int
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """Wrap ``text`` with the shipped font, shrinking it until it fits in ``max_lines``."""
    while True:
        font = ImageFont.truetype(str(ff.FONT_PATH), size)
        lines = ff.balanced_wrap(text, font, max_width)
        if len(lines) <= max_lines or size <= 10:
            break
        size = max(10, int(size * 0.88))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines, font


# ============================================================================================
