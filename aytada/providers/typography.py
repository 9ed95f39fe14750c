"""Banner / flyer typography: headline, subline and call to action over a background image."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from aytada.providers.ffmpeg import FONT_PATH

    try:
        return ImageFont.truetype(str(FONT_PATH), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words, line = paragraph.split(), ""
        for word in words:
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= max_width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
    return lines


def _fit(draw, text: str, max_width: int, max_height: int, start: int):  # type: ignore[no-untyped-def]
    size = start
    while size > 8:
        font = _font(size)
        lines = _wrap(draw, text, font, max_width)
        height = len(lines) * int(size * 1.2)
        if height <= max_height and all(
            draw.textlength(ln, font=font) <= max_width for ln in lines
        ):
            return font, lines, size
        size = int(size * 0.9)
    font = _font(8)
    return font, _wrap(draw, text, font, max_width), 8


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def compose_design(
    *,
    background: Path,
    out_path: Path,
    width: int,
    height: int,
    headline: str,
    subline: str,
    call_to_action: str,
    colors: tuple[str, ...],
    logo: Path | None = None,
) -> Path:
    """Typeset the copy over the background at exactly width×height; returns the PNG path."""
    base = Image.open(background).convert("RGB").resize((width, height))
    shade = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(shade).rectangle([0, 0, width, height], fill=(0, 0, 0, 90))
    canvas = Image.alpha_composite(base.convert("RGBA"), shade)
    draw = ImageDraw.Draw(canvas)
    pad = max(8, min(width, height) // 14)
    wide = width > height * 2.5  # leaderboard-like strips: text in a row
    accent = _rgb(colors[1] if len(colors) > 1 else colors[0])
    area_w = width - 2 * pad
    if wide:
        cta_w = int(width * 0.25)
        font, lines, size = _fit(
            draw, headline, area_w - cta_w - pad, height - 2 * pad, height // 2
        )
        y = (height - len(lines) * int(size * 1.2)) // 2
        for ln in lines:
            draw.text((pad, y), ln, font=font, fill="white")
            y += int(size * 1.2)
        cfont, clines, csize = _fit(
            draw, call_to_action, cta_w - pad, height - 2 * pad, height // 3
        )
        box = [width - cta_w - pad // 2, pad // 2, width - pad // 2, height - pad // 2]
        draw.rounded_rectangle(box, radius=max(4, height // 10), fill=accent)
        draw.text(
            ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2),
            " ".join(clines),
            font=cfont,
            fill="black",
            anchor="mm",
        )
    else:
        hfont, hlines, hsize = _fit(draw, headline, area_w, height // 3, max(12, width // 9))
        sfont, slines, ssize = _fit(draw, subline, area_w, height // 4, max(10, width // 20))
        cfont, clines, csize = _fit(
            draw, call_to_action, area_w - 2 * pad, height // 8, max(10, width // 18)
        )
        y = pad + (height // 6 if height > width else 0)
        for ln in hlines:
            draw.text((pad, y), ln, font=hfont, fill="white")
            y += int(hsize * 1.2)
        y += pad // 2
        for ln in slines:
            draw.text((pad, y), ln, font=sfont, fill=(235, 235, 235))
            y += int(ssize * 1.25)
        cta = " ".join(clines)
        tw = int(draw.textlength(cta, font=cfont))
        bh = int(csize * 1.9)
        by = height - pad - bh
        draw.rounded_rectangle([pad, by, pad + tw + 2 * pad, by + bh], radius=bh // 2, fill=accent)
        draw.text((pad + pad + tw // 2, by + bh // 2), cta, font=cfont, fill="black", anchor="mm")
    if logo is not None and logo.is_file():
        try:
            mark = Image.open(logo).convert("RGBA")
            side = max(16, min(width, height) // 6)
            mark.thumbnail((side, side))
            canvas.alpha_composite(mark, (width - mark.width - pad // 2, pad // 2))
        except OSError:
            pass
    out_path.parent.mkdir(parents=True, exist_ok=True)
    canvas.convert("RGB").save(out_path, "PNG")
    return out_path
