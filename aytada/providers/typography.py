"""Banner / flyer rendering: draws a :class:`~aytada.providers.layout.Layout` with Pillow.

The plan (boxes, font sizes, colours) comes from :func:`aytada.providers.layout.plan_layout`;
this module paints the brand-colour canvas, the product photo as a card (rounded corners, soft
shadow, on a brand-colour set; scaled to fit, never stretched), the logo, the CTA button, the
QR code of a flyer's web address (black modules on a white tile that holds its quiet zone) and
the text. Before each text is drawn, the pixels behind its box are measured and the colour is
adjusted until it reaches WCAG AA (4.5:1) against them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageOps, ImageStat, PngImagePlugin

from aytada.providers.layout import (
    AA_NORMAL,
    INK,
    QR_BORDER,
    RGB,
    Layout,
    Rect,
    TextBox,
    contrast_ratio,
    ensure_contrast,
    make_qr,
    pixel_luminance,
    plan_layout,
    relative_luminance,
    with_color,
)
from aytada.providers.textfit import draw_text, load_font

__all__ = ["compose_design", "render_layout", "background_colors"]


def _open_rgba(path: Path, what: str) -> Image.Image:
    try:
        with Image.open(path) as img:
            rgba = ImageOps.exif_transpose(img).convert("RGBA")
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the {what} {Path(path).name}: {exc}") from exc
    if _has_transparency(rgba):  # a cut-out: drop its empty margins
        bbox = rgba.getchannel("A").getbbox()
        if bbox:
            rgba = rgba.crop(bbox)
    return rgba


def _has_transparency(img: Image.Image) -> bool:
    lo, _ = img.getchannel("A").getextrema()
    return lo < 250


def _rounded_mask(size: tuple[int, int], radius: int) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, size[0] - 1, size[1] - 1], radius, fill=255)
    return mask


def _soft_shadow(canvas: Image.Image, shape: Image.Image, at: tuple[int, int], blur: int) -> None:
    """Composite a blurred dark copy of ``shape``'s alpha under where it will be pasted."""
    pad = blur * 3
    alpha = Image.new("L", (shape.width + 2 * pad, shape.height + 2 * pad), 0)
    alpha.paste(shape.getchannel("A"), (pad, pad))
    alpha = alpha.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: int(v * 0.42))
    shadow = Image.new("RGBA", alpha.size, (0, 0, 0, 0))
    shadow.putalpha(alpha)
    canvas.alpha_composite(shadow, (at[0] - pad, at[1] - pad + max(1, blur // 2)), (0, 0))


def _draw_product(canvas: Image.Image, plan: Layout, photo: Image.Image | None) -> None:
    box = plan.boxes.get("product")
    if box is None:
        return
    radius = max(2, round(min(box.w, box.h) * 0.07))
    ImageDraw.Draw(canvas).rounded_rectangle(
        [box.x, box.y, box.right - 1, box.bottom - 1], radius, fill=plan.palette.set
    )
    if photo is None or plan.card is None:
        return
    card = plan.card
    img = photo.resize((card.w, card.h), Image.Resampling.LANCZOS)
    if not _has_transparency(img):  # a photo with its own background: a rounded card
        img.putalpha(_rounded_mask(img.size, max(2, round(min(card.w, card.h) * 0.06))))
    blur = max(1, round(min(card.w, card.h) * 0.035))
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    _soft_shadow(layer, img, (card.x, card.y), blur)
    layer.alpha_composite(img, (card.x, card.y))
    canvas.alpha_composite(layer.crop(box.box), (box.x, box.y))  # the shadow stays in the set


def _draw_logo(canvas: Image.Image, plan: Layout, logo: Image.Image | None) -> None:
    box = plan.boxes.get("logo")
    if box is None or logo is None or not plan.logo_image:
        return
    mark = logo.copy()
    mark.thumbnail((box.w, box.h), Image.Resampling.LANCZOS)
    alpha = mark.getchannel("A")
    if alpha.getbbox() is None:
        return
    mean = tuple(round(v) for v in ImageStat.Stat(mark.convert("RGB"), mask=alpha).mean)
    if contrast_ratio(mean, plan.palette.canvas) < 2.0:
        # a logo that would vanish into the canvas gets a contrasting chip behind it
        chip = (255, 255, 255) if relative_luminance(mean) < 0.4 else (24, 24, 24)
        pad = max(1, round(min(box.w, box.h) * 0.1))
        mark = logo.copy()
        mark.thumbnail((max(1, box.w - 2 * pad), max(1, box.h - 2 * pad)), Image.Resampling.LANCZOS)
        ImageDraw.Draw(canvas).rounded_rectangle(
            [box.x, box.y, box.right - 1, box.bottom - 1], radius=pad * 2, fill=chip
        )
    canvas.alpha_composite(
        mark, (box.x + (box.w - mark.width) // 2, box.y + (box.h - mark.height) // 2)
    )


def _draw_qr(canvas: Image.Image, plan: Layout) -> None:
    """The QR code of ``plan.qr_text`` filling its box: near-black modules on a white tile
    whose margin is the quiet zone (4 modules); a whole number of pixels per module, so every
    module stays crisp. The tile's rounded corners cut into the quiet zone only."""
    box = plan.boxes.get("qr")
    if box is None or not plan.qr_text:
        return
    code = make_qr(plan.qr_text)
    modules = code.symbol_size(border=QR_BORDER)[0]
    scale = max(1, box.w // modules)
    matrix = Image.new("L", (modules, modules), 255)
    matrix.putdata([0 if dark else 255 for row in code.matrix_iter(border=QR_BORDER)
                    for dark in row])  # fmt: skip
    side = modules * scale
    tile = matrix.resize((side, side), Image.Resampling.NEAREST)
    ink = Image.new("RGBA", (side, side), (*INK, 255))
    ink.paste((255, 255, 255, 255), (0, 0, side, side), tile)
    corner = min(2 * scale, max(1, side // 12))
    ink.putalpha(_rounded_mask((side, side), corner))
    canvas.alpha_composite(ink, (box.x + (box.w - side) // 2, box.y + (box.h - side) // 2))


def background_colors(image: Image.Image, rect: Rect) -> list[RGB]:
    """The median colour of the pixels in ``rect`` plus its darkest and lightest 2 % colours."""
    region = image.convert("RGB").crop(rect.box)
    if region.width == 0 or region.height == 0:
        return []
    if region.width * region.height > 4096:  # a sample of the real pixels is enough
        region = region.resize(
            (min(region.width, 64), min(region.height, 64)), Image.Resampling.NEAREST
        )
    raw = region.tobytes()  # RGB, row by row
    pixels = sorted(zip(raw[0::3], raw[1::3], raw[2::3], strict=True), key=pixel_luminance)
    n = len(pixels)
    return [pixels[n // 2], pixels[int(n * 0.02)], pixels[min(n - 1, int(n * 0.98))]]


def _draw_text(draw: ImageDraw.ImageDraw, box: TextBox) -> None:
    font = load_font(box.size, box.face)
    ascent, descent = font.getmetrics()
    offset = max(0, (box.line_height - ascent - descent) // 2)
    for i, line in enumerate(box.lines):
        width = font.getlength(line)
        if box.align == "center":
            x = box.rect.x + (box.rect.w - width) / 2
        elif box.align == "right" or _is_rtl(line):
            x = box.rect.right - width
        else:
            x = box.rect.x
        draw_text(
            draw, (x, box.rect.y + i * box.line_height + offset), line, font,
            fill=box.color, anchor="la",
        )  # fmt: skip


def _is_rtl(text: str) -> bool:
    """True when the first strong character is Hebrew or Arabic (right-aligned in a left column)."""
    import unicodedata

    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def render_layout(
    plan: Layout, out_path: Path, *, product_photo: Path | None = None, logo: Path | None = None
) -> tuple[Path, Layout]:
    """Draw ``plan`` to ``out_path`` (PNG). Returns the path and the plan with the text colours
    actually used (adjusted, if needed, to ≥ 4.5:1 against the pixels behind each text)."""
    photo = _open_rgba(product_photo, "product photo") if product_photo else None
    mark = _open_rgba(logo, "logo") if logo else None
    canvas = Image.new("RGBA", (plan.width, plan.height), (*plan.palette.canvas, 255))
    backdrop = ImageDraw.Draw(canvas)
    for decor in plan.decor:  # a story's backdrop, under every layer
        shape = backdrop.ellipse if decor.shape == "disc" else backdrop.rectangle
        shape([decor.rect.x, decor.rect.y, decor.rect.right - 1, decor.rect.bottom - 1],
              fill=decor.color)  # fmt: skip
    _draw_product(canvas, plan, photo)
    _draw_logo(canvas, plan, mark)
    draw = ImageDraw.Draw(canvas)
    cta = plan.boxes.get("cta")
    if cta is not None:
        radius = max(2, min(cta.h // 2, round(plan.texts["cta"].size * 0.7)))
        draw.rounded_rectangle(
            [cta.x, cta.y, cta.right - 1, cta.bottom - 1], radius, fill=plan.palette.button
        )
    _draw_qr(canvas, plan)
    final: dict[str, TextBox] = {}
    for role, box in plan.texts.items():
        behind = background_colors(canvas, box.rect) or [box.background]
        color = box.color
        if min(contrast_ratio(color, bg) for bg in behind) < AA_NORMAL:
            color = ensure_contrast(color, behind)
        final[role] = with_color(box, color, behind[0])
    for box in final.values():
        _draw_text(draw, box)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    notes = PngImagePlugin.PngInfo()  # the words drawn, role by role (read by drawn_texts)
    for role, box in final.items():
        # a web address broken after a "/" is one word: its lines join with nothing between
        joiner = "" if role == "destination" else " "
        notes.add_itxt(f"{_TEXT_NOTE}{role}", joiner.join(box.lines))
    canvas.convert("RGB").save(out_path, "PNG", pnginfo=notes)
    return out_path, Layout(**{**plan.__dict__, "texts": final})


_TEXT_NOTE = "aytada:text:"


def drawn_texts(path: Path) -> dict[str, str]:
    """The words a design PNG shows, by role ("headline", "subline", "cta", "destination",
    …), as :func:`render_layout` drew them (its wrapped lines joined by spaces; the
    destination's lines, broken inside a web address, joined as they were)."""
    with Image.open(path) as image:
        image.load()
        notes = dict(getattr(image, "text", {}) or {})
    return {k[len(_TEXT_NOTE) :]: str(v) for k, v in notes.items() if k.startswith(_TEXT_NOTE)}


def _aspect(path: Path | None, what: str) -> float | None:
    if path is None:
        return None
    img = _open_rgba(path, what)  # cut-outs come trimmed to their visible pixels
    return img.width / img.height if img.width and img.height else None


def compose_design(
    *,
    out_path: Path,
    product_photo: Path | None = None,
    logo: Path | None = None,
    background: Path | None = None,
    **design: Any,
) -> Path:
    """Lay out and render a banner/flyer; returns the PNG path.

    ``design`` holds the keywords of :func:`~aytada.providers.layout.plan_layout` that describe
    the design (``width``, ``height``, ``headline``, ``subline``, ``call_to_action``,
    ``destination``, ``qr``, ``colors``, ``product_name``, ``brand_name``, ``seed``,
    ``layout``, ``style``); what the photo and the logo are like is read from the files here.

    The product photo is the hero (card on a brand-colour set); without one, the product name is
    set large on a brand-colour card. ``seed`` varies the layout and colour theme. ``background``
    is accepted for compatibility and not used: text no longer sits on a generated picture.
    Missing files count as not given; unreadable ones raise ValueError.
    """
    del background
    photo = product_photo if product_photo and Path(product_photo).is_file() else None
    mark = logo if logo and Path(logo).is_file() else None
    plan = plan_layout(
        **design,
        has_product_photo=photo is not None,
        product_aspect=_aspect(photo, "product photo") or 1.0,
        logo_aspect=_aspect(mark, "logo"),
    )
    path, _ = render_layout(plan, Path(out_path), product_photo=photo, logo=mark)
    return path
