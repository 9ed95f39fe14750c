"""Offline images: product-first Pillow compositions with the shipped font.

A scene still is one of four layouts (CREATIVE.md, "The product is the hero"):

* ``hero``: the product photo large, as a card with rounded corners and a soft shadow, on a
  brand-colour set with depth (wall, floor, a light behind the product);
* ``detail``: a close-up, the photo cropped around its content and zoomed;
* ``context``: the product smaller and off-centre among brand-colour shapes, with its name as type;
* ``end_card``: the logo large, the product, its name and the brand, and the call to action in a
  button whose text meets WCAG AA contrast (>= 4.5:1, computed); under it, small, the
  destination (where the ad sends people) when the campaign has one.

Without a photo the product name is the picture (a typographic design per layout). The logo, when
given, sits small in the top-left corner of every other layout. Text stays in the platforms' safe
zone and above the band where the clip step burns the caption; the scene caption itself is never
drawn here. 16:9 and 1:1 have their own compositions. With no photo, no title and no logo (a
banner background), the still is the brand gradient with soft shapes.

The chosen layout and the product's position are written into the PNG (``aytada:layout``,
``aytada:focus``), so the clip provider can move the camera towards the product; an end card's
destination is recorded as a design's words are (``aytada:text:destination``, read by
:func:`aytada.providers.typography.drawn_texts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import (
    Image,
    ImageChops,
    ImageColor,
    ImageDraw,
    ImageFilter,
    ImageFont,
    ImageOps,
    ImageStat,
    PngImagePlugin,
)

from aytada import standards
from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    ImageRequest,
    ProviderError,
)
from aytada.providers.layout import fit_destination, shown_destination
from aytada.providers.offline.common import _clean, _Dice

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the frame
IntBox = tuple[int, int, int, int]

LAYOUTS: tuple[str, ...] = ("hero", "detail", "context", "end_card")
MOTION_FOR_LAYOUT: dict[str, str] = {
    "hero": "push_in", "detail": "pan", "context": "push_in", "end_card": "slide_in",
}  # fmt: skip
"""The camera move that suits each layout (the clip provider's default when none is asked)."""

MIN_CONTRAST = 4.5  # WCAG AA, normal text
WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 19, 26)  # near-black text
_DEFAULT_BRAND: RGB = (31, 58, 147)

# Where text and logos may go (fractions of the frame): out of the platforms' UI and above the
# band where the clip step burns the bottom caption (aytada.standards, shared with the caption
# renderer and the banner layouts).
SAFE_ZONE: dict[str, Box] = {shape: standards.still_text_zone(shape) for shape in standards.SHAPES}
_CORNER_LOGO: dict[str, Box] = {  # the largest box of the small corner logo
    "tall": (0.089, 0.155, 0.38, 0.198),
    "square": (0.06, 0.06, 0.30, 0.12),
    "wide": (0.05, 0.07, 0.20, 0.145),
}
# Element boxes per (layout, shape) with a product photo. Tall text stays left of the 9:16
# action rail (the safe zone's right edge, 0.87): a centred end card's words are 0.13–0.87.
_PHOTO_BOXES: dict[tuple[str, str], dict[str, Box]] = {
    ("hero", "tall"): {"product": (0.10, 0.21, 0.90, 0.69)},
    ("hero", "square"): {"product": (0.17, 0.14, 0.83, 0.68)},
    ("hero", "wide"): {"name": (0.05, 0.24, 0.44, 0.60), "product": (0.49, 0.07, 0.95, 0.69)},
    ("context", "tall"): {"name": (0.09, 0.22, 0.85, 0.37), "product": (0.36, 0.39, 0.90, 0.70)},
    ("context", "square"): {"name": (0.06, 0.14, 0.94, 0.30), "product": (0.44, 0.33, 0.92, 0.68)},
    ("context", "wide"): {"product": (0.07, 0.19, 0.38, 0.67), "name": (0.46, 0.20, 0.94, 0.58)},
    ("end_card", "tall"): {
        "logo": (0.22, 0.148, 0.78, 0.235), "product": (0.16, 0.25, 0.84, 0.505),
        "name": (0.13, 0.515, 0.87, 0.585), "brand": (0.13, 0.59, 0.87, 0.615),
        "cta": (0.13, 0.632, 0.87, 0.70),
    },
    ("end_card", "square"): {
        "product": (0.06, 0.10, 0.50, 0.68), "logo": (0.55, 0.08, 0.94, 0.22),
        "name": (0.55, 0.25, 0.94, 0.43), "brand": (0.55, 0.44, 0.94, 0.49),
        "cta": (0.55, 0.54, 0.94, 0.63),
    },
    ("end_card", "wide"): {
        "product": (0.05, 0.08, 0.45, 0.68), "logo": (0.52, 0.08, 0.90, 0.22),
        "name": (0.52, 0.25, 0.94, 0.41), "brand": (0.52, 0.42, 0.94, 0.47),
        "cta": (0.52, 0.52, 0.90, 0.63),
    },
}  # fmt: skip
# Element boxes per (layout, shape) for the typographic design (no photo).
_TYPE_BOXES: dict[tuple[str, str], dict[str, Box]] = {
    ("hero", "tall"): {"name": (0.074, 0.22, 0.87, 0.62), "brand": (0.074, 0.63, 0.87, 0.67)},
    ("hero", "square"): {"name": (0.06, 0.15, 0.94, 0.58), "brand": (0.06, 0.60, 0.94, 0.65)},
    ("hero", "wide"): {"name": (0.05, 0.17, 0.95, 0.56), "brand": (0.05, 0.58, 0.95, 0.64)},
    ("detail", "tall"): {"name": (0.074, 0.21, 0.80, 0.33)},
    ("detail", "square"): {"name": (0.06, 0.14, 0.80, 0.30)},
    ("detail", "wide"): {"name": (0.05, 0.18, 0.55, 0.40)},
    ("context", "tall"): {"name": (0.074, 0.26, 0.87, 0.50), "brand": (0.074, 0.51, 0.87, 0.55)},
    ("context", "square"): {"name": (0.06, 0.16, 0.80, 0.46), "brand": (0.06, 0.47, 0.80, 0.52)},
    ("context", "wide"): {"name": (0.05, 0.18, 0.60, 0.52), "brand": (0.05, 0.53, 0.60, 0.59)},
    ("end_card", "tall"): {
        "logo": (0.20, 0.16, 0.80, 0.29), "name": (0.13, 0.31, 0.87, 0.52),
        "brand": (0.13, 0.53, 0.87, 0.57), "cta": (0.13, 0.60, 0.87, 0.67),
    },
    ("end_card", "square"): {
        "logo": (0.28, 0.06, 0.72, 0.20), "name": (0.08, 0.22, 0.92, 0.46),
        "brand": (0.08, 0.47, 0.92, 0.52), "cta": (0.18, 0.56, 0.82, 0.65),
    },
    ("end_card", "wide"): {
        "logo": (0.30, 0.07, 0.70, 0.22), "name": (0.08, 0.24, 0.92, 0.44),
        "brand": (0.08, 0.45, 0.92, 0.50), "cta": (0.32, 0.53, 0.68, 0.63),
    },
}  # fmt: skip
# An end card with a destination: the call to action's box and the line under it, per (photo,
# shape). Both end inside the text zone (above the caption band); the line is centred under
# the button, whose centre it shares.
_END_DESTINATION: dict[tuple[bool, str], dict[str, Box]] = {
    (True, "tall"): {"cta": (0.13, 0.624, 0.87, 0.674), "destination": (0.13, 0.68, 0.87, 0.70)},
    (True, "square"): {"destination": (0.55, 0.645, 0.94, 0.68)},
    (True, "wide"): {"destination": (0.52, 0.645, 0.90, 0.68)},
    (False, "tall"): {"cta": (0.13, 0.60, 0.87, 0.665), "destination": (0.13, 0.672, 0.87, 0.70)},
    (False, "square"): {"cta": (0.18, 0.545, 0.82, 0.63), "destination": (0.08, 0.64, 0.92, 0.68)},
    (False, "wide"): {"cta": (0.32, 0.525, 0.68, 0.615), "destination": (0.08, 0.63, 0.92, 0.68)},
}  # fmt: skip


@dataclass
class Composition:
    """A composed still and where its elements were drawn (pixel boxes), for tests and motion."""

    image: Image.Image
    layout: str
    shape: str
    boxes: dict[str, IntBox] = field(default_factory=dict)
    focus: tuple[float, float] = (0.5, 0.45)  # the product's centre, fractions of the frame
    colors: dict[str, RGB] = field(default_factory=dict)  # e.g. the CTA's fill and text
    texts: dict[str, str] = field(default_factory=dict)  # what some boxes say ("destination")


# --------------------------------------------------------------------------------------------
# colour


def _rgb(color: str, fallback: RGB) -> RGB:
    try:
        value = ImageColor.getrgb(color.strip())
    except (ValueError, AttributeError):
        return fallback
    return value[0], value[1], value[2]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _luma(color: RGB) -> float:
    return 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]


def relative_luminance(color: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio (1 to 21) between two colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _text_on(background: RGB) -> RGB:
    """White or near-black, whichever reads better on ``background``."""
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background) else INK


def _fill_for_text(fill: RGB, text: RGB, minimum: float = MIN_CONTRAST) -> RGB:
    """``fill`` darkened (under light text) or lightened (under dark text) until ``text`` on it
    reaches ``minimum`` contrast."""
    target = (0, 0, 0) if _luma(text) > 127 else WHITE
    for step in range(21):
        candidate = _mix(fill, target, step / 20)
        if contrast_ratio(candidate, text) >= minimum:
            return candidate
    return target


@dataclass(frozen=True)
class _Palette:
    primary: RGB
    secondary: RGB
    accent: RGB

    @classmethod
    def of(cls, colors: tuple[str, ...]) -> _Palette:
        parsed = [_rgb(c, _DEFAULT_BRAND) for c in colors] or [_DEFAULT_BRAND]
        primary = parsed[0]
        secondary = parsed[1] if len(parsed) > 1 else _mix(primary, (0, 0, 0), 0.55)
        if len(parsed) > 2:
            accent = parsed[2]
        elif contrast_ratio(primary, secondary) > 1.6:
            accent = secondary
        else:  # one colour, or two alike: a light tint stands out from both
            accent = _mix(primary, WHITE, 0.7) if _luma(primary) < 150 else _mix(primary, INK, 0.6)
        return cls(primary, secondary, accent)


# --------------------------------------------------------------------------------------------
# the composer


frame_shape = standards.frame_shape


class PillowImages:
    """Product-first compositions: the product photo as hero, detail, in context, end card."""

    name = "offline"
    draws_products = False  # compositions of the uploads and the words, no invented product
    model = "pillow-composition"

    def image(self, request: ImageRequest, out_path: Path) -> Path:
        composition = self.compose(request)
        info = PngImagePlugin.PngInfo()
        info.add_text("aytada:layout", composition.layout)
        info.add_text("aytada:focus", "{:.3f},{:.3f}".format(*composition.focus))
        for role, text in composition.texts.items():  # as typography.drawn_texts reads them
            info.add_itxt(f"aytada:text:{role}", text)
        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.stem}.partial.png")
        composition.image.convert("RGB").save(partial, format="PNG", compress_level=1,
                                              pnginfo=info)  # fmt: skip
        partial.replace(out)
        return out

    def compose(self, request: ImageRequest) -> Composition:
        """Lay out the still for ``request`` (see the module docstring)."""
        width, height = int(request.width), int(request.height)
        if width < 8 or height < 8:
            raise ProviderError(f"image size too small: {width}×{height}")
        dice = _Dice(request.seed, request.prompt, request.title, tuple(request.colors))
        palette = _Palette.of(tuple(request.colors))
        photo = _load(request.product_photo, "product photo")
        logo = _load(request.logo, "logo")
        title = _clean(request.title)
        brand = _clean(request.brand_name)
        layout = (request.layout or "").strip().lower()
        if layout and layout not in LAYOUTS:
            known = ", ".join(LAYOUTS)
            raise ProviderError(f"unknown scene layout {request.layout!r} (use {known})")
        if not layout and photo is None and logo is None and not title:
            return _background(width, height, palette, dice)
        layout = layout or dice.pick("layout", LAYOUTS)
        job = _Job(width, height, frame_shape(width, height), layout, palette, dice, photo, logo,
                   title, brand, _clean(request.call_to_action),
                   shown_destination(request.destination))  # fmt: skip
        return job.run()


def _load(path: str, what: str) -> Image.Image | None:
    if not (path or "").strip():
        return None
    try:
        with Image.open(path) as raw:
            image = ImageOps.exif_transpose(raw)
            image = image.convert("RGBA")
    except (OSError, ValueError) as exc:
        raise ProviderError(f"the {what} could not be read ({Path(path).name}): {exc}") from exc
    image.thumbnail((2400, 2400), Image.Resampling.LANCZOS)
    return image


class _Job:
    """One still being composed: the frame, the brand and what to show."""

    def __init__(
        self, width: int, height: int, shape: str, layout: str, palette: _Palette, dice: _Dice,
        photo: Image.Image | None, logo: Image.Image | None, title: str, brand: str, cta: str,
        destination: str = "",
    ) -> None:  # fmt: skip
        self.w, self.h, self.shape, self.layout = width, height, shape, layout
        self.palette, self.dice = palette, dice
        self.photo, self.logo = photo, logo
        self.title, self.brand = title, brand
        self.cta = cta or "Learn more"
        self.destination = destination if layout == "end_card" else ""
        table = _PHOTO_BOXES if photo is not None else _TYPE_BOXES
        self.spec = dict(table.get((layout, shape), {}))
        if self.destination:
            self.spec.update(_END_DESTINATION[(photo is not None, shape)])
        self.result = Composition(Image.new("RGB", (width, height)), layout, shape)

    # -- geometry

    def px(self, box: Box) -> IntBox:
        x0, y0, x1, y1 = box
        return round(x0 * self.w), round(y0 * self.h), round(x1 * self.w), round(y1 * self.h)

    def unit(self) -> float:
        return min(self.w, self.h * 0.75)

    # -- the layouts

    def run(self) -> Composition:
        p = self.palette
        if self.photo is not None:
            getattr(self, f"_{self.layout}")()
        else:
            getattr(self, f"_type_{self.layout}")()
        if self.logo is not None and self.layout != "end_card":
            self._corner_logo()
        self.result.colors.setdefault("primary", p.primary)
        return self.result

    def _hero(self) -> None:
        p = self.palette
        product = self.px(self.spec["product"])
        floor = (product[1] + (product[3] - product[1]) * 0.82) / self.h
        light = ((product[0] + product[2]) / 2 / self.w, (product[1] + product[3]) / 2 / self.h)
        canvas = _set(self.w, self.h, p.primary, floor, light, rays=self.dice.number("rays") % 2)
        self._product(canvas, product)
        if "name" in self.spec:
            self._name(canvas, self.spec["name"], align="left", brand_line=True)
        self.result.image = canvas

    def _context(self) -> None:
        p = self.palette
        base = _mix(p.secondary, WHITE, 0.12) if self.shape != "wide" else p.secondary
        product = self.px(self.spec["product"])
        focus = ((product[0] + product[2]) / 2 / self.w, (product[1] + product[3]) / 2 / self.h)
        canvas = _set(self.w, self.h, base, 0.86, focus, rays=0)
        canvas = _shapes_around(canvas, product, p, self.dice)
        self._product(canvas, product, scale=0.92)
        self._name(canvas, self.spec["name"], align="left", brand_line=False)
        self.result.image = canvas

    def _detail(self) -> None:
        p = self.palette
        assert self.photo is not None
        canvas = _detail_crop(self.photo, self.w, self.h, self.dice)
        # a brand-colour fade at the bottom (under the caption) and a thin brand band on top
        fade = Image.linear_gradient("L").resize((1, 64)).point(lambda v: int(v * 0.85))
        band_h = round(self.h * 0.3)
        mask = Image.new("L", (self.w, self.h), 0)
        mask.paste(fade.resize((self.w, band_h), Image.Resampling.BICUBIC), (0, self.h - band_h))
        dark = _mix(p.primary, (0, 0, 0), 0.25)
        canvas = Image.composite(Image.new("RGB", canvas.size, dark), canvas, mask)
        draw = ImageDraw.Draw(canvas)
        edge = max(4, round(self.unit() * 0.018))
        draw.rectangle((0, 0, edge, self.h), fill=p.primary)
        self.result.boxes["product"] = (0, 0, self.w, self.h)
        self.result.focus = (0.5, 0.45)
        self.result.image = canvas

    def _end_card(self) -> None:
        p = self.palette
        base = _mix(p.primary, (0, 0, 0), 0.35)
        product = self.px(self.spec["product"])
        floor = (product[1] + (product[3] - product[1]) * 0.9) / self.h
        canvas = _set(self.w, self.h, base, floor, ((product[0] + product[2]) / 2 / self.w,
                      (product[1] + product[3]) / 2 / self.h), rays=0)  # fmt: skip
        self._big_logo_or_brand(canvas)
        self._product(canvas, product, scale=0.95)
        self._end_texts(canvas)
        self.result.image = canvas

    # -- typographic layouts (no photo)

    def _type_hero(self) -> None:
        p = self.palette
        canvas = _set(self.w, self.h, p.primary, 0.74, (0.5, 0.42), rays=1)
        self._name(canvas, self.spec["name"], align="center", brand_line=False, huge=True)
        self._brand_line(canvas, "center")
        self.result.focus = (0.5, 0.42)
        self.result.image = canvas

    def _type_detail(self) -> None:
        p = self.palette
        canvas = _set(self.w, self.h, _mix(p.primary, (0, 0, 0), 0.2), 0.95, (0.7, 0.55), rays=0)
        letters = (self.title or self.brand or "A")[:1].upper()
        size = round(self.h * (0.9 if self.shape == "tall" else 1.1))
        font = _font(size)
        ink = p.accent if contrast_ratio(p.accent, p.primary) > 1.5 else _mix(p.primary, WHITE, 0.4)
        layer = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        left, top, right, bottom = draw.textbbox((0, 0), letters, font=font)
        x = self.w * 1.02 - (right - left) * 0.8 - left
        y = self.h * 0.64 - (bottom - top) * 0.5 - top
        draw.text((x, y), letters, font=font, fill=(*ink, 230))
        canvas.paste(layer, (0, 0), layer)
        self._name(canvas, self.spec["name"], align="left", brand_line=False)
        self.result.focus = (0.72, 0.5)
        self.result.image = canvas

    def _type_context(self) -> None:
        p = self.palette
        canvas = _set(self.w, self.h, p.secondary, 0.86, (0.7, 0.6), rays=0)
        spot = self.px((0.55, 0.45, 0.98, 0.70) if self.shape == "tall" else (0.62, 0.2, 0.95, 0.7))
        canvas = _shapes_around(canvas, spot, p, self.dice)
        self._name(canvas, self.spec["name"], align="left", brand_line=False)
        self._brand_line(canvas, "left")
        self.result.focus = (0.45, 0.4)
        self.result.image = canvas

    def _type_end_card(self) -> None:
        self.result.focus = (0.5, 0.4)
        base = _mix(self.palette.primary, (0, 0, 0), 0.35)
        canvas = _set(self.w, self.h, base, 0.9, (0.5, 0.35), rays=0)
        self._big_logo_or_brand(canvas)
        self._end_texts(canvas)
        self.result.image = canvas

    # -- elements

    def _product(self, canvas: Image.Image, box: IntBox, scale: float = 1.0) -> None:
        """Paste the product photo as a card (rounded corners, soft shadow) fitted in ``box``."""
        assert self.photo is not None
        x0, y0, x1, y1 = box
        bw, bh = (x1 - x0) * scale, (y1 - y0) * scale
        photo = self.photo
        ratio = min(bw / photo.width, bh / photo.height)
        size = (max(1, round(photo.width * ratio)), max(1, round(photo.height * ratio)))
        picture = photo.resize(size, Image.Resampling.LANCZOS)
        alpha = picture.getchannel("A")
        if alpha.getextrema()[0] > 250:  # an opaque photo: round its corners into a card
            radius = round(min(size) * 0.07)
            alpha = _rounded_mask(size, radius)
            picture.putalpha(alpha)
        left = round((x0 + x1 - size[0]) / 2)
        top = round((y0 + y1 - size[1]) / 2)
        _shadow(canvas, alpha, (left, top), self.unit())
        canvas.paste(picture, (left, top), picture)
        self.result.boxes["product"] = (left, top, left + size[0], top + size[1])
        self.result.focus = ((left + size[0] / 2) / self.w, (top + size[1] / 2) / self.h)

    def _name(
        self, canvas: Image.Image, box: Box, *, align: str, brand_line: bool, huge: bool = False
    ) -> None:
        text = self.title or self.brand
        if not text:
            return
        area = self.px(box)
        start = round(self.unit() * (0.16 if huge else 0.105))
        drawn = _draw_text(canvas, text, area, start, align=align, max_lines=4 if huge else 3)
        if drawn:
            self.result.boxes["name"] = drawn
            if brand_line and self.brand and self.brand.lower() != self.title.lower():
                below = (
                    area[0],
                    drawn[3] + round(self.h * 0.012),
                    area[2],
                    drawn[3] + round(self.h * 0.012) + round(self.unit() * 0.06),
                )
                done = _draw_text(canvas, self.brand, below, round(self.unit() * 0.042),
                                  align=align, max_lines=1)  # fmt: skip
                if done:
                    self.result.boxes["brand"] = done

    def _brand_line(self, canvas: Image.Image, align: str) -> None:
        if "brand" not in self.spec or not self.brand or self.brand.lower() == self.title.lower():
            return
        drawn = _draw_text(canvas, self.brand, self.px(self.spec["brand"]),
                           round(self.unit() * 0.045), align=align, max_lines=1)  # fmt: skip
        if drawn:
            self.result.boxes["brand"] = drawn

    def _corner_logo(self) -> None:
        assert self.logo is not None
        box = self.px(_CORNER_LOGO[self.shape])
        drawn = _place_logo(self.result.image, self.logo, box, align="left", unit=self.unit())
        self.result.boxes["logo"] = drawn

    def _big_logo_or_brand(self, canvas: Image.Image) -> None:
        box = self.px(self.spec["logo"])
        if self.logo is not None:
            self.result.boxes["logo"] = _place_logo(canvas, self.logo, box, align="center",
                                                    unit=self.unit())  # fmt: skip
        elif self.brand:
            drawn = _draw_text(canvas, self.brand, box, round(self.unit() * 0.09),
                               align="center", max_lines=2)  # fmt: skip
            if drawn:
                self.result.boxes["brand_mark"] = drawn

    def _end_texts(self, canvas: Image.Image) -> None:
        name_box = self.px(self.spec["name"])
        has_photo = self.photo is not None
        size = round(self.unit() * (0.085 if has_photo else 0.13))
        if self.title:
            drawn = _draw_text(canvas, self.title, name_box, size, align="center",
                               max_lines=2 if has_photo else 3)  # fmt: skip
            if drawn:
                self.result.boxes["name"] = drawn
        show_brand = (
            self.brand
            and self.brand.lower() != self.title.lower()
            and (self.logo is not None or has_photo)
        )
        if show_brand:
            drawn = _draw_text(canvas, self.brand, self.px(self.spec["brand"]),
                               round(self.unit() * 0.042), align="center", max_lines=1)  # fmt: skip
            if drawn:
                self.result.boxes["brand"] = drawn
        self._cta_button(canvas, self.px(self.spec["cta"]))
        if self.destination:
            self._destination(canvas, self.px(self.spec["destination"]))

    def _destination(self, canvas: Image.Image, area: IntBox) -> None:
        """The destination, small and centred under the button: one line (a long web address
        may break after a "/" onto two), the largest size that fits ``area`` down to 10 px;
        never cut, so nothing is drawn when even that does not fit."""
        x0, y0, x1, y1 = area
        size = max(10, round((y1 - y0) * 0.72))
        while True:
            fitted = fit_destination(self.destination, size, x1 - x0)
            if fitted is not None and fitted.height <= y1 - y0:
                break
            if size <= 10:
                return
            size = max(10, int(size * 0.92))
        drawn = _draw_text(canvas, self.destination, area, size, align="center", max_lines=2,
                           lines=list(fitted.lines), line_height=fitted.line_height)  # fmt: skip
        if drawn:
            self.result.boxes["destination"] = drawn
            self.result.texts["destination"] = "".join(fitted.lines)

    def _cta_button(self, canvas: Image.Image, area: IntBox) -> None:
        """The call to action in a pill whose text contrast is at least :data:`MIN_CONTRAST`."""
        p = self.palette
        x0, y0, x1, y1 = area
        background = _mean(canvas, area)
        # the brand colour that stands out most from the card, then fixed for its text
        fill = max((p.accent, p.secondary, p.primary, WHITE),
                   key=lambda c: contrast_ratio(c, background))  # fmt: skip
        text_color = _text_on(fill)
        fill = _fill_for_text(fill, text_color)
        height = y1 - y0
        lines, font = _fit_lines(self.cta, round(height * 0.42), (x1 - x0) - height * 0.9,
                                 height * 0.62, max_lines=1)  # fmt: skip
        text = lines[0] if lines else self.cta
        text_w = font.getlength(text)
        pad = height * 0.55
        bw = min(x1 - x0, text_w + 2 * pad)
        left = round((x0 + x1 - bw) / 2)
        button = (left, y0, round(left + bw), y1)
        draw = ImageDraw.Draw(canvas)
        shadow_off = max(2, round(height * 0.06))
        lowered = (button[0], button[1] + shadow_off, button[2], button[3] + shadow_off)
        draw.rounded_rectangle(lowered, radius=height // 2, fill=_mix(background, (0, 0, 0), 0.45))
        draw.rounded_rectangle(button, radius=height // 2, fill=fill)
        ascent, descent = font.getmetrics()
        ty = y0 + (height - (ascent + descent)) / 2
        draw.text(((button[0] + button[2] - text_w) / 2, ty), text, font=font, fill=text_color)
        self.result.boxes["cta"] = button
        self.result.colors.update({"cta_fill": fill, "cta_text": text_color})


# --------------------------------------------------------------------------------------------
# drawing helpers


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(ff.FONT_PATH), max(8, int(size)))


def _mean(image: Image.Image, box: IntBox) -> RGB:
    stat = ImageStat.Stat(image.convert("RGB").crop(box))
    r, g, b = (round(v) for v in stat.mean[:3])
    return r, g, b


def _fit_lines(
    text: str, size: int, max_width: float, max_height: float, *, max_lines: int
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """Wrap ``text`` in at most ``max_lines`` balanced lines, shrinking the font until the block
    fits ``max_width`` × ``max_height``; whole words only (a word too long for a line at the
    smallest size is split by the wrapper)."""
    size = max(10, size)
    while True:
        font = _font(size)
        lines = ff.balanced_wrap(text, font, max_width)
        block = len(lines) * size * 1.14
        fits = len(lines) <= max_lines and block <= max_height
        if fits and all(font.getlength(line) <= max_width for line in lines):
            return lines, font
        if size <= 10:
            break
        size = max(10, int(size * 0.92))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines, font


def _draw_text(
    canvas: Image.Image, text: str, area: IntBox, size: int, *, align: str, max_lines: int,
    lines: list[str] | None = None, line_height: int = 0,
) -> IntBox | None:  # fmt: skip
    """Draw ``text`` inside ``area`` (vertically centred) in white or near-black, whichever has
    the higher contrast on what is behind it; below 4.5:1 a translucent panel goes under it.
    ``lines`` (set at ``size`` px, ``line_height`` apart): already fitted by the caller.
    Returns the box the text occupies."""
    text = _clean(text)
    if not text:
        return None
    x0, y0, x1, y1 = area
    if lines is None:
        lines, font = _fit_lines(text, size, x1 - x0, y1 - y0, max_lines=max_lines)
    else:
        font = _font(size)
    line_h = line_height or round(font.size * 1.14)
    block_h = line_h * len(lines)
    widths = [font.getlength(line) for line in lines]
    block_w = max(widths)
    top = round(y0 + (y1 - y0 - block_h) / 2)
    if align == "center":
        left = round((x0 + x1 - block_w) / 2)
    else:
        left = x0
    drawn = (left, top, round(left + block_w), top + block_h)
    behind = _mean(canvas, drawn)
    color = _text_on(behind)
    draw = ImageDraw.Draw(canvas, "RGBA")
    if contrast_ratio(color, behind) < MIN_CONTRAST:
        pad = round(font.size * 0.35)
        panel = (drawn[0] - pad, drawn[1] - pad // 2, drawn[2] + pad, drawn[3] + pad // 2)
        draw.rounded_rectangle(panel, radius=pad, fill=(*_fill_for_text(behind, color), 235))
    shadow = max(1, font.size // 30) if color == WHITE else 0
    for i, line in enumerate(lines):
        lx = left + (block_w - widths[i]) / 2 if align == "center" else left
        ly = top + i * line_h
        if shadow:
            draw.text((lx + shadow, ly + shadow), line, font=font, fill=(0, 0, 0, 90))
        draw.text((lx, ly), line, font=font, fill=color)
    return drawn


def _rounded_mask(size: tuple[int, int], radius: int) -> Image.Image:
    """An anti-aliased rounded-rectangle mask (drawn at 3× and reduced)."""
    k = 3
    big = Image.new("L", (size[0] * k, size[1] * k), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, size[0] * k - 1, size[1] * k - 1),
                                          radius=radius * k, fill=255)  # fmt: skip
    return big.resize(size, Image.Resampling.BOX)


def _shadow(canvas: Image.Image, alpha: Image.Image, at: tuple[int, int], unit: float) -> None:
    """A soft drop shadow of the shape ``alpha`` placed at ``at`` (blurred at quarter size)."""
    k = 4
    blur = max(1.0, unit * 0.035 / k)
    margin = round(blur * 3)
    small = alpha.resize((max(1, alpha.width // k), max(1, alpha.height // k)),
                         Image.Resampling.BILINEAR)  # fmt: skip
    padded = Image.new("L", (small.width + 2 * margin, small.height + 2 * margin), 0)
    padded.paste(small.point(lambda v: v * 150 // 255), (margin, margin))
    soft = padded.filter(ImageFilter.GaussianBlur(blur))
    soft = soft.resize((soft.width * k, soft.height * k), Image.Resampling.BICUBIC)
    offset = round(unit * 0.025)
    position = (at[0] - margin * k, at[1] - margin * k + offset)
    canvas.paste((8, 10, 18), position, soft)


def _place_logo(canvas: Image.Image, logo: Image.Image, box: IntBox, *, align: str,
                unit: float) -> IntBox:  # fmt: skip
    """The logo fitted in ``box`` on a rounded plate (white, or dark for a light logo)."""
    x0, y0, x1, y1 = box
    pad = max(3, round(min(x1 - x0, y1 - y0) * 0.16))
    ratio = min((x1 - x0 - 2 * pad) / logo.width, (y1 - y0 - 2 * pad) / logo.height)
    size = (max(1, round(logo.width * ratio)), max(1, round(logo.height * ratio)))
    mark = logo.resize(size, Image.Resampling.LANCZOS)
    opaque = mark.getchannel("A").point(lambda v: 255 if v > 128 else 0)
    light_logo = False
    if opaque.getbbox():
        light_logo = _luma(tuple(ImageStat.Stat(mark.convert("RGB"), opaque).mean)) > 200
    plate_w, plate_h = size[0] + 2 * pad, size[1] + 2 * pad
    left = x0 if align == "left" else round((x0 + x1 - plate_w) / 2)
    top = y0 if align == "left" else round((y0 + y1 - plate_h) / 2)
    plate = (left, top, left + plate_w, top + plate_h)
    plate_mask = _rounded_mask((plate_w, plate_h), round(min(plate_w, plate_h) * 0.22))
    _shadow(canvas, plate_mask, (left, top), unit * 0.5)
    fill = (30, 32, 40) if light_logo else WHITE
    canvas.paste(fill, (left, top), plate_mask)
    canvas.paste(mark, (left + pad, top + pad), mark)
    return plate


def _set(
    width: int, height: int, base: RGB, floor: float, light: tuple[float, float], *, rays: int
) -> Image.Image:
    """A studio set in the brand colour: a lit wall, a darker floor from ``floor`` (fraction of
    the height) down, a soft light behind ``light`` and a vignette. Drawn at quarter size."""
    k = 4
    sw, sh = max(4, width // k), max(4, height // k)
    horizon = max(1, min(sh - 1, round(sh * floor)))
    ramp = Image.linear_gradient("L")
    wall = Image.composite(Image.new("RGB", (sw, horizon), base),
                           Image.new("RGB", (sw, horizon), _mix(base, WHITE, 0.22)),
                           ramp.resize((sw, horizon)))  # fmt: skip
    floor_h = sh - horizon
    ground = Image.composite(Image.new("RGB", (sw, floor_h), _mix(base, (0, 0, 0), 0.5)),
                             Image.new("RGB", (sw, floor_h), _mix(base, (0, 0, 0), 0.18)),
                             ramp.resize((sw, floor_h)))  # fmt: skip
    small = Image.new("RGB", (sw, sh))
    small.paste(wall, (0, 0))
    small.paste(ground, (0, horizon))
    glow = Image.new("L", (sw, sh), 0)
    draw = ImageDraw.Draw(glow)
    lx, ly = light[0] * sw, light[1] * sh
    r = min(sw, sh) * 0.55
    draw.ellipse((lx - r, ly - r * 0.9, lx + r, ly + r * 0.9), fill=120)
    if rays:
        for i in range(3):
            spread = sw * (0.1 + 0.12 * i)
            draw.polygon([(lx - sw * 0.05, 0), (lx + sw * 0.05, 0), (lx + spread, sh),
                          (lx - spread, sh)], fill=22)  # fmt: skip
    glow = glow.filter(ImageFilter.GaussianBlur(min(sw, sh) * 0.12))
    small.paste(_mix(base, WHITE, 0.55), (0, 0), glow)
    vignette = Image.new("L", (sw, sh), 0)
    ImageDraw.Draw(vignette).ellipse((-sw * 0.25, -sh * 0.15, sw * 1.25, sh * 1.15), fill=255)
    vignette = ImageOps.invert(vignette.filter(ImageFilter.GaussianBlur(min(sw, sh) * 0.15)))
    small.paste((0, 0, 0), (0, 0), vignette.point(lambda v: v * 70 // 255))
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _shapes_around(canvas: Image.Image, focus: IntBox, p: _Palette, dice: _Dice) -> Image.Image:
    """Brand-colour shapes around ``focus``: a large disc behind it, an offset ring and a bar."""
    width, height = canvas.size
    k = 2
    layer = Image.new("RGBA", (width // k, height // k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    x0, y0, x1, y1 = (v / k for v in focus)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = max(x1 - x0, y1 - y0) * 0.52
    disc = p.accent if contrast_ratio(p.accent, _mean(canvas, focus)) > 1.3 else p.primary
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*disc, 235))
    ring_r = r * 0.5
    side = -1 if dice.number("ring") % 2 else 1
    rx, ry = cx + side * r * 0.95, cy - r * 0.85
    draw.ellipse((rx - ring_r, ry - ring_r, rx + ring_r, ry + ring_r),
                 outline=(*p.primary, 200), width=max(2, round(r * 0.06)))  # fmt: skip
    bar_w = layer.width * 0.5
    by = cy + r * 0.95
    bx = cx - bar_w * (0.8 if side > 0 else 0.2)
    draw.rounded_rectangle((bx, by, bx + bar_w, by + r * 0.18), radius=r * 0.09,
                           fill=(*_mix(p.primary, WHITE, 0.25), 210))  # fmt: skip
    for i in range(5):  # a dotted accent
        dx = bx + bar_w + r * 0.1 + i * r * 0.14
        draw.ellipse((dx, by + r * 0.05, dx + r * 0.07, by + r * 0.12), fill=(*p.accent, 230))
    layer = layer.resize((width, height), Image.Resampling.BICUBIC)
    base = canvas.convert("RGBA")
    return Image.alpha_composite(base, layer).convert("RGB")


def _content_box(photo: Image.Image) -> IntBox:
    """Where the photo differs from its background (the colour of its border), in pixels."""
    small = photo.convert("RGB")
    small.thumbnail((200, 200))
    border = [small.getpixel((x, y)) for x, y in ((0, 0), (small.width - 1, 0),
              (0, small.height - 1), (small.width - 1, small.height - 1))]  # fmt: skip
    bg = tuple(sorted(channel)[1] for channel in zip(*border, strict=True))
    diff = ImageChops.difference(small, Image.new("RGB", small.size, bg)).convert("L")
    box = diff.point(lambda v: 255 if v > 36 else 0).getbbox()
    alpha_box = photo.getchannel("A").point(lambda v: 255 if v > 128 else 0).getbbox()
    scale_x, scale_y = photo.width / small.width, photo.height / small.height
    if box:
        return (int(box[0] * scale_x), int(box[1] * scale_y), int(box[2] * scale_x),
                int(box[3] * scale_y))  # fmt: skip
    return alpha_box or (0, 0, photo.width, photo.height)


def _detail_crop(photo: Image.Image, width: int, height: int, dice: _Dice) -> Image.Image:
    """A close-up: the window of the frame's aspect ratio that just holds the photo's content box,
    zoomed 1.7× around the upper-middle of the product; outside the photo the window is filled
    with the photo's border colour."""
    cx0, cy0, cx1, cy1 = _content_box(photo)
    cw, ch = max(1, cx1 - cx0), max(1, cy1 - cy0)
    aspect = width / height
    if cw / ch > aspect:
        ww = cw
        wh = ww / aspect
    else:
        wh = ch
        ww = wh * aspect
    ww, wh = ww / 1.7, wh / 1.7
    shift = (0.40, 0.45, 0.5)[dice.number("detail") % 3]
    fx, fy = cx0 + cw / 2, cy0 + ch * shift
    left, top = fx - ww / 2, fy - wh / 2
    # stay on the product: a window wider (taller) than the content is centred on it
    left = fx - ww / 2 if ww >= cw else min(max(left, cx0), cx1 - ww)
    top = fy - wh / 2 if wh >= ch else min(max(top, cy0), cy1 - wh)
    rgb = photo.convert("RGB")
    corner = rgb.getpixel((0, 0))
    window = Image.new("RGB", (max(1, round(ww)), max(1, round(wh))), corner)
    window.paste(rgb, (-round(left), -round(top)))
    return window.resize((width, height), Image.Resampling.LANCZOS)


def _background(width: int, height: int, palette: _Palette, dice: _Dice) -> Composition:
    """A brand background with nothing on it (for banners that lay out their own text)."""
    canvas = _gradient(width, height, palette.primary, palette.secondary,
                       dice.number("angle") % 360)  # fmt: skip
    canvas = _soft_shapes(canvas, dice, palette.accent, palette.secondary)
    return Composition(canvas.convert("RGB"), "background", frame_shape(width, height))


def _gradient(width: int, height: int, start: RGB, end: RGB, angle: int) -> Image.Image:
    # a diagonal-ish gradient: the 256-step ramp rotated (within ±35° of vertical) and
    # stretched over the canvas
    mask = Image.linear_gradient("L").rotate(
        (angle % 70) - 35, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=None
    )
    mask = mask.crop((40, 40, 216, 216)).resize((width, height), Image.Resampling.BICUBIC)
    return Image.composite(
        Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), mask
    ).convert("RGBA")


def _soft_shapes(canvas: Image.Image, dice: _Dice, accent: RGB, end: RGB) -> Image.Image:
    width, height = canvas.size
    scale = 4  # draw small, blur, scale up: soft shapes for little CPU
    small = (max(2, width // scale), max(2, height // scale))
    layer = Image.new("RGBA", small, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    sw, sh = small
    unit = min(sw, sh)
    for i in range(3 + dice.number("circles") % 4):  # soft "bokeh" circles
        x = dice.number(f"cx{i}") % sw
        y = dice.number(f"cy{i}") % sh
        r = unit * (0.12 + (dice.number(f"cr{i}") % 100) / 260)
        color = accent if i % 2 else WHITE
        alpha = 40 + dice.number(f"ca{i}") % 50
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*color, alpha))
    style = dice.number("style") % 3
    if style == 0:  # a diagonal band
        offset = (dice.number("band") % 60) / 100 * sh
        band = [(0, offset), (sw, offset - sw * 0.5), (sw, offset - sw * 0.2),
                (0, offset + sw * 0.3)]  # fmt: skip
        draw.polygon(band, fill=(*WHITE, 34))
    elif style == 1:  # a large ring
        r = unit * 0.42
        cx, cy = sw * 0.5, sh * (0.35 + (dice.number("ring") % 30) / 100)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*accent, 120),
                     width=max(2, unit // 28))  # fmt: skip
    else:  # stacked rounded cards
        for k in range(3):
            x0 = sw * (0.12 + 0.06 * k)
            y0 = sh * (0.28 + 0.05 * k)
            draw.rounded_rectangle((x0, y0, x0 + sw * 0.6, y0 + sh * 0.22),
                                   radius=max(2, unit // 14),
                                   fill=(*_mix(end, WHITE, 0.3 + 0.2 * k), 46))  # fmt: skip
    # blur and scale with premultiplied alpha, so the shapes get no dark fringe
    soft = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(max(1, unit // 90)))
    soft = soft.resize((width, height), Image.Resampling.BICUBIC).convert("RGBA")
    return Image.alpha_composite(canvas, soft)
