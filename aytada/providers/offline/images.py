"""Offline images: product-first Pillow compositions with the shipped font.

A scene still is one of four layouts, by the scene's role (CREATIVE.md, "The product is the
hero"; the writer tags a visual ``[hero]``, ``[detail]``, …):

* ``hero``: the product whole, cut out of its photo (:mod:`.cutout`), standing on a
  brand-colour studio set with a soft contact shadow; at most a fifth of the frame;
* ``detail``: the same whole product larger (at most ~28 % of the frame) on a closer set
  with a spotlight disc behind it; the clip step pans across it (:data:`MOTION_FOR_LAYOUT`),
  and the still leaves the margins that keep it whole all along the move;
* ``context``: the product smaller and off-centre among brand-colour shapes, its name as type;
* ``end_card``: the logo (or the brand), the product, its name, the call to action **once**,
  in a button whose text is at least 4 % of the frame's height, and under it the destination
  (where the ad sends people) when the campaign has one.

Without a photo the scenes are typographic: the scene's line (its caption) set large — at least
4 % of the frame's height per line — on brand colours with one icon (:mod:`.icons`), and the
product's name above it; the end card sets the name large. Never a giant initial letter.

A screenshot (an app's or a site's) is shown on a phone or a laptop (:mod:`.mockup`) instead of
being cut out. A product photo is never upscaled by more than :data:`MAX_UPSCALE` (a small photo
stays small), never stretched, never cut by the frame. A photo without a plain background (one
the cut-out refuses) is shown whole as a card with rounded corners.

**Layers.** Every layer (product, logo, name, line, icon, call to action, destination) is placed
through one :class:`~aytada.providers.layer_plan.LayerPlan` (the banners' and flyers' too): no
two overlap, texts and the logo stay in the text zone (the platforms' safe zone, clear of the
band where the stitch burns the captions for the project's caption position) and the product's
centre stays out of that band, all along the camera move the still gets (a push-in or a pan;
texts and the logo also stay inside the frame and the safe zone, the product whole). A still
with a broken rule is an error, never saved. **Contrast.** Each text and the logo is measured
against the pixels actually behind it (their luminance range, before it is drawn); white or
near-black, whichever reads better, and when even that is under 4.5:1 (WCAG AA, the banners'
contrast function) a plate goes under it (a light plate under a dark logo on a dark colour).

The PNG carries the layout and the product's position (``aytada:layout``, ``aytada:focus``: the
clip step's camera heads there) and every text it shows (``aytada:text:<role>``, read by
:func:`aytada.providers.typography.drawn_texts`; ``line`` is the scene's caption set in a
typographic still). With no photo, no title, no logo and no layout (a banner background), the
still is the brand gradient with soft shapes.

**Motion.** Each text, the logo, the icon and the call to action is also kept as a layer of its
own (:mod:`aytada.providers.layers`, saved beside the still), so that the clip renderer lets them
enter one after the other (:mod:`aytada.providers.motion`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import (
    Image,
    ImageColor,
    ImageDraw,
    ImageFilter,
    ImageOps,
    ImageStat,
    PngImagePlugin,
)

from aytada import standards
from aytada.providers import layers as still_layers
from aytada.providers import textfit
from aytada.providers.base import ImageRequest, ProviderError
from aytada.providers.layer_plan import (
    FOCUS_X_RANGE,
    MOTION_FOR_LAYOUT,
    IntBox,
    LayerPlan,
    overlaps,
    stack,
)
from aytada.providers.layout import (
    AA_NORMAL,
    contrast_ratio,
    fit_destination,
    relative_luminance,
    shown_destination,
)
from aytada.providers.offline.common import _clean, _Dice
from aytada.providers.offline.cutout import cut_out
from aytada.providers.offline.icons import draw_icon, icon_for
from aytada.providers.offline.mockup import mock_up, screenshot_kind
from aytada.providers.type_pairing import face_of

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the frame

LAYOUTS: tuple[str, ...] = ("hero", "detail", "context", "end_card")

MIN_CONTRAST = AA_NORMAL  # WCAG AA, normal text: the banners' and flyers' rule, one function
_STANDS_OUT = 1.6  # a pill or badge in the accent colour when it is this far from the backdrop
_AA = MIN_CONTRAST + 0.25  # what a text is drawn for: luminance is measured in 8 bits
MIN_TEXT = 0.04  # of the frame's height: a typographic line and the call to action, per line
MAX_UPSCALE = 1.25  # the most a product photo is enlarged (past that its edges show steps)
PRODUCT_SHARE: dict[str, float] = {"hero": 0.20, "detail": 0.28, "context": 0.13,
                                   "end_card": 0.16}  # fmt: skip
"""The most of the frame's area the product's box takes, per layout (about a third at most,
also at the end of the push-in)."""
HERO_HEIGHT: dict[str, float] = {"tall": 0.36, "square": 0.42, "wide": 0.5}
"""The hero's product at most this tall (of the frame's height): the detail is larger."""
CONTEXT_HEIGHT: dict[str, float] = {"tall": 0.27, "square": 0.34, "wide": 0.4}
"""In context, the product at most this tall: smaller than the hero."""
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
INK: RGB = (17, 19, 26)  # near-black text
_DEFAULT_BRAND: RGB = (31, 58, 147)

# Where text and logos may go with captions at the bottom (fractions of the frame): the
# platforms' safe zone above the band where the captions are burned (aytada.standards).
SAFE_ZONE: dict[str, Box] = {shape: standards.still_text_zone(shape) for shape in standards.SHAPES}

frame_shape = standards.frame_shape


@dataclass(frozen=True)
class TextLayer:
    """A text drawn on a still: its words, the box of its lines, size and colour, and whether
    a plate went under it."""

    role: str
    text: str
    box: IntBox  # the lines' block (what the contrast is measured behind)
    size: int  # font size, px
    lines: int
    color: RGB
    plate: bool = False
    face: str = ""  # the face it is set in (textfit.FACES)


@dataclass
class Composition:
    """A composed still and where its layers were drawn (pixel boxes), for tests and motion."""

    image: Image.Image
    layout: str
    shape: str
    boxes: dict[str, IntBox] = field(default_factory=dict)  # every layer, plates included
    focus: tuple[float, float] = (0.5, 0.45)  # the product's centre, fractions of the frame
    colors: dict[str, RGB] = field(default_factory=dict)  # e.g. the CTA's fill and text
    texts: dict[str, str] = field(default_factory=dict)  # what each text says, by role
    text_layers: dict[str, TextLayer] = field(default_factory=dict)
    marks: dict[str, IntBox] = field(default_factory=dict)  # the logo itself (no plate)
    problems: list[str] = field(default_factory=list)  # broken layout rules (always empty)
    cutout: bool = False  # the product was cut out of its photo (else shown as a card)
    device: str = ""  # a screenshot shown on a "phone" or "laptop" (offline.mockup)
    icon: str = ""  # a typographic scene's icon (its Material Icons name)
    icon_drawn: str = ""  # "font" (the icon font's glyph) or "shape" (drawn without the font)
    captured: list[still_layers.Captured] = field(default_factory=list)  # layers, for motion


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


def _luma(color: RGB | tuple[float, ...]) -> float:
    return 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]


def _channel(value: float) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _ratio(y1: float, y2: float) -> float:
    hi, lo = max(y1, y2), min(y1, y2)
    return (hi + 0.05) / (lo + 0.05)


def _worst_contrast(color_y: float, low: float, high: float) -> float:
    """The lowest contrast of a colour of luminance ``color_y`` against any luminance in
    ``low``..``high``."""
    if color_y >= high:
        return _ratio(color_y, high)
    if color_y <= low:
        return _ratio(color_y, low)
    return 1.0


_LINEAR_8BIT = [round(255 * _channel(v)) for v in range(256)] * 3


def luminance_range(image: Image.Image, box: IntBox) -> tuple[float, float]:
    """The lowest and highest relative luminance (0..1) of the pixels of ``image`` in ``box``
    (linearised per channel, weighted as WCAG does; 8-bit)."""
    crop = image.crop(box).convert("RGB").point(_LINEAR_8BIT)
    low, high = crop.convert("L", (0.2126, 0.7152, 0.0722, 0)).getextrema()
    return low / 255, high / 255


def _worst(color: RGB, low: float, high: float) -> float:
    """The lowest contrast of ``color`` against any luminance in ``low``..``high``."""
    return _worst_contrast(relative_luminance(color), low, high)


def _text_on(background: RGB) -> RGB:
    """White or near-black, whichever reads better on ``background``."""
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background) else INK


def _fill_for_text(fill: RGB, text: RGB, minimum: float = MIN_CONTRAST) -> RGB:
    """``fill`` darkened (under light text) or lightened (under dark text) until ``text`` on it
    reaches ``minimum`` contrast."""
    target = BLACK if _luma(text) > 127 else WHITE
    for step in range(41):
        candidate = _mix(fill, target, step / 40)
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
        secondary = parsed[1] if len(parsed) > 1 else _mix(primary, BLACK, 0.55)
        if len(parsed) > 2:
            accent = parsed[2]
        elif contrast_ratio(primary, secondary) > 1.6:
            accent = secondary
        else:  # one colour, or two alike: a light tint stands out from both
            accent = _mix(primary, WHITE, 0.7) if _luma(primary) < 150 else _mix(primary, INK, 0.6)
        return cls(primary, secondary, accent)


# --------------------------------------------------------------------------------------------
# the composer


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
        if composition.device:  # a screenshot, shown on this device
            info.add_text("aytada:device", composition.device)
        for role, text in composition.texts.items():  # as typography.drawn_texts reads them
            info.add_itxt(f"aytada:text:{role}", text)
        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.stem}.partial.png")
        composition.image.convert("RGB").save(partial, format="PNG", compress_level=1,
                                              pnginfo=info)  # fmt: skip
        partial.replace(out)
        # the layers beside it, for the clip renderer's entrances (none: a stale folder goes)
        folder = still_layers.folder_for(out)
        if folder.exists():
            for old in folder.iterdir():
                old.unlink()
        still_layers.write(out, composition.image, composition.captured)
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
        layout = (request.layout or "").strip().lower()
        if layout and layout not in LAYOUTS:
            known = ", ".join(LAYOUTS)
            raise ProviderError(f"unknown scene layout {request.layout!r} (use {known})")
        if not layout and photo is None and logo is None and not title:
            return _background(width, height, palette, dice)
        layout = layout or dice.pick("layout", LAYOUTS)
        job = _Job(request, width, height, layout, palette, dice, photo, logo)
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


@dataclass
class _Text:
    """Words fitted for a slot: drawn at ``fitted.size`` with ``pad`` around them."""

    role: str
    text: str
    fitted: textfit.FittedText
    pad_x: int
    pad_y: int

    @property
    def width(self) -> int:
        return self.fitted.width + 2 * self.pad_x

    @property
    def height(self) -> int:
        return self.fitted.height + 2 * self.pad_y


class _Job:
    """One still being composed: the frame, the brand, what to show and the layer plan."""

    def __init__(
        self, request: ImageRequest, width: int, height: int, layout: str, palette: _Palette,
        dice: _Dice, photo: Image.Image | None, logo: Image.Image | None,
    ) -> None:  # fmt: skip
        self.w, self.h = width, height
        self.seed = int(request.seed)
        self.shape, self.layout = frame_shape(width, height), layout
        self.palette, self.dice = palette, dice
        self.photo, self.logo = photo, logo
        self.title = _clean(request.title)
        self.brand = _clean(request.brand_name)
        self.line = _clean(request.caption) if photo is None else ""
        self.cta = _clean(request.call_to_action) or "Learn more"
        self.destination = shown_destination(request.destination) if layout == "end_card" else ""
        position = (request.caption_position or "bottom").strip().lower()
        self.plan = LayerPlan(width, height, position, motion=MOTION_FOR_LAYOUT[layout])
        self.result = Composition(Image.new("RGB", (width, height)), layout, self.shape)
        self.gap = round(height * 0.018)
        self._capturing = False
        self.style = (request.style or "").strip()
        self.device = screenshot_kind(photo) if photo is not None else ""

    # -- geometry

    @property
    def zone(self) -> IntBox:
        return self.plan.zone

    def centred_column(self) -> tuple[int, int]:
        """x0, x1 of a column centred on the frame inside the text zone (clear of the 9:16
        action rail on the right)."""
        x0, _, x1, _ = self.zone
        half = min(self.w / 2 - x0, x1 - self.w / 2)
        return round(self.w / 2 - half), round(self.w / 2 + half)

    def _rows(self, logo_slot: IntBox | None) -> tuple[int, int]:
        """The text zone's top and bottom less the corner logo's row."""
        _, top, _, bottom = self.zone
        if logo_slot is not None:
            if logo_slot[1] <= top + 1:
                top = logo_slot[3] + self.gap
            else:
                bottom = logo_slot[1] - self.gap
        return top, bottom

    @contextlib.contextmanager
    def _layer(
        self, canvas: Image.Image, role: str, kind: str, box: IntBox, margin: int = 2
    ) -> Iterator[None]:
        """Keep what is drawn on ``canvas`` inside ``box`` (``margin`` px more each side: its
        shadow) as a layer of its own: the pixels before and after (nested calls keep the outer
        layer only)."""
        if self._capturing:
            yield
            return
        m = margin
        grown = (max(0, box[0] - m), max(0, box[1] - m), min(self.w, box[2] + m),
                 min(self.h, box[3] + m))  # fmt: skip
        under = canvas.crop(grown)
        self._capturing = True
        try:
            yield
        finally:
            self._capturing = False
        self.result.captured.append(
            still_layers.Captured(role, kind, grown, under, canvas.crop(grown))
        )

    # -- the run

    def run(self) -> Composition:
        logo_slot = self._corner_logo_slot() if self.layout != "end_card" else None
        if self.photo is not None:
            getattr(self, f"_{self.layout}")(logo_slot)
        else:
            getattr(self, f"_type_{self.layout}")(logo_slot)
        if logo_slot is not None:
            self._draw_logo(self.result.image, logo_slot, align="left", pad=self.logo_pad)
        self.result.colors.setdefault("primary", self.palette.primary)
        self.result.boxes = self.plan.boxes()
        self.plan.focus = self.result.focus
        self.result.problems = self.plan.problems()
        if self.result.problems:  # never saved: a layout's bug, said plainly
            raise ProviderError(
                f"scene still layout {self.layout} ({self.w}×{self.h}): "
                + "; ".join(self.result.problems)
            )
        return self.result

    # -- the product

    def _fit_product(self, region: IntBox, share: float) -> Image.Image:
        """The product, cut out (or as a card), scaled to fit ``region`` whole, at most
        ``share`` of the frame's area and never enlarged past :data:`MAX_UPSCALE`."""
        assert self.photo is not None
        rw, rh = max(1, region[2] - region[0]), max(1, region[3] - region[1])
        frame_area = self.w * self.h

        def scale_for(pw: int, ph: int) -> float:
            most = math.sqrt(share * frame_area / max(1, pw * ph))
            return min(rw / pw, rh / ph, MAX_UPSCALE, most)

        if self.device:  # a screenshot: on its device's screen, shaped as the device
            cut = cut_out(mock_up(self.photo, self.device), scale_for=scale_for)
        else:
            cut = cut_out(self.photo, scale_for=scale_for)
        if cut is not None:
            picture = cut.image
        else:  # a busy background: the whole photo as a card with rounded corners
            photo = self.photo
            scale = scale_for(photo.width, photo.height)
            size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
            picture = photo.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            if picture.getchannel("A").getextrema()[0] > 250:
                picture.putalpha(_rounded_mask(size, round(min(size) * 0.07)))
        self.result.cutout = cut is not None and not self.device
        self.result.device = self.device
        # rounding may leave a pixel over: fit it exactly
        over = max(picture.width / rw, picture.height / rh,
                   picture.width * picture.height / (share * frame_area))  # fmt: skip
        if over > 1:
            ratio = 1 / math.sqrt(over) if over == picture.width * picture.height / (
                share * frame_area) else 1 / over  # fmt: skip
            picture = picture.resize((max(1, int(picture.width * ratio)),
                                      max(1, int(picture.height * ratio))),
                                     Image.Resampling.LANCZOS)  # fmt: skip
        return picture

    def _place_product(
        self, region: IntBox, share: float, *, halign: float = 0.5, stand: bool = True,
        avoid: IntBox | None = None,
    ) -> tuple[Image.Image, IntBox]:  # fmt: skip
        """The product's picture and where it goes in ``region``: ``halign`` across it, standing
        on the region's bottom (``stand``) or centred; its centre never below the middle of a
        9:16 frame (captions in the middle stay off it). When it would touch ``avoid`` (the
        corner logo's slot), the region starts under (or, for a slot in its lower half, ends
        over) that slot."""
        picture, box = self._product_in(region, share, halign, stand)
        if avoid is not None:
            grown = (avoid[0] - self.gap, avoid[1] - self.gap, avoid[2] + self.gap,
                     avoid[3] + self.gap)  # fmt: skip
            if overlaps(box, grown):
                x0, y0, x1, y1 = region
                if avoid[1] + avoid[3] <= y0 + y1:  # in the region's upper half
                    region = (x0, max(y0, grown[3]), x1, y1)
                else:
                    region = (x0, y0, x1, min(y1, grown[1]))
                picture, box = self._product_in(region, share, halign, stand)
        self._focus_on(box)
        return picture, box

    def _product_in(
        self, region: IntBox, share: float, halign: float, stand: bool
    ) -> tuple[Image.Image, IntBox]:
        picture = self._fit_product(region, share)
        pw, ph = picture.size
        x0, y0, x1, y1 = region
        left = round(x0 + (x1 - x0 - pw) * halign)
        top = y1 - ph if stand else round((y0 + y1 - ph) / 2)
        if self.shape == "tall" and top + ph / 2 > self.h * 0.5:
            top = max(y0, round(self.h * 0.5 - ph / 2))
        return picture, (left, top, left + pw, top + ph)

    def _capped(self, region: IntBox, heights: dict[str, float], centred: bool = False) -> IntBox:
        """``region`` no taller than ``heights[shape]`` of the frame (its bottom part, or its
        middle)."""
        x0, y0, x1, y1 = region
        most = round(self.h * heights[self.shape])
        if y1 - y0 <= most:
            return region
        if centred:
            top = round((y0 + y1 - most) / 2)
            return x0, top, x1, top + most
        return x0, y1 - most, x1, y1

    def _focus_on(self, box: IntBox) -> None:
        """The camera heads for the product's centre (across, kept in
        :data:`~aytada.providers.layer_plan.FOCUS_X_RANGE`: the text zone is made for it)."""
        cx = min(FOCUS_X_RANGE[1], max(FOCUS_X_RANGE[0], (box[0] + box[2]) / 2 / self.w))
        self.result.focus = (cx, (box[1] + box[3]) / 2 / self.h)
        self.plan.focus = self.result.focus

    def _paste_product(self, canvas: Image.Image, picture: Image.Image, box: IntBox) -> None:
        """The product with a soft drop shadow and, for a cut-out, a contact shadow under it."""
        left, top, right, bottom = box
        unit = min(self.w, self.h)
        reach = _shadow_reach(self.w, self.h) + round((right - left) * 0.1) + 20  # its shadows
        with self._layer(canvas, "product", "product", box, reach):
            if self.result.cutout:
                _contact_shadow(canvas, (left, bottom), right - left, unit)
            _shadow(canvas, picture.getchannel("A"), (left, top), unit)
            canvas.paste(picture, (left, top), picture)
        self.plan.add("product", "product", box)

    # -- photo layouts

    def _hero(self, logo_slot: IntBox | None) -> None:
        p = self.palette
        top, bottom = self._rows(logo_slot)
        _, ztop, _, _ = self.zone
        name: list[tuple[_Text, IntBox]] = []
        if self.shape == "wide":
            name = self._name_items((self.zone[0], top, round(self.w * 0.46), bottom), 0.075,
                                    brand_line=True)  # fmt: skip
            region = (round(self.w * 0.52), ztop, round(self.w * 0.95), bottom)
        else:
            region = (round(self.w * 0.08), ztop, round(self.w * 0.92), bottom)
        region = self._capped(region, HERO_HEIGHT)
        picture, box = self._place_product(region, PRODUCT_SHARE["hero"], avoid=logo_slot)
        floor = min(0.97, (box[3] - (box[3] - box[1]) * 0.04) / self.h)
        canvas = _set(self.w, self.h, p.primary, floor, self.result.focus,
                      rays=self.dice.number("rays") % 2)  # fmt: skip
        self._paste_product(canvas, picture, box)
        self._draw_items(canvas, name, "left")
        self.result.image = canvas

    def _detail(self, logo_slot: IntBox | None) -> None:
        p = self.palette
        _, top, _, bottom = self.plan.still_zone  # the pan keeps it whole (plan.problems)
        region = (round(self.w * 0.1), top, round(self.w * 0.9), bottom)
        # the scenes' seeds follow each other: two details of an ad are framed differently
        across = (0.5, 0.28, 0.72)[self.seed % 3]
        picture, box = self._place_product(region, PRODUCT_SHARE["detail"], stand=False,
                                           halign=across, avoid=logo_slot)  # fmt: skip
        base = _mix(p.primary, BLACK, 0.25)
        # a light behind the product: the accent when it is lighter than the set, else white
        brighter = _luma(p.accent) > _luma(base) + 30
        light = _mix(p.accent, WHITE, 0.15) if brighter else _mix(base, WHITE, 0.5)
        spot = (self.result.focus, max(box[2] - box[0], box[3] - box[1]) * 0.62, light)
        canvas = _set(self.w, self.h, base, min(0.97, box[3] / self.h + 0.02), self.result.focus,
                      rays=0, spot=spot)  # fmt: skip
        self._paste_product(canvas, picture, box)
        self.result.image = canvas

    def _context(self, logo_slot: IntBox | None) -> None:
        p = self.palette
        top, bottom = self._rows(logo_slot)
        zx0, _, zx1, _ = self.zone
        base = _mix(p.secondary, WHITE, 0.12) if self.shape != "wide" else p.secondary
        if self.shape == "wide":
            name = self._name_items((round(self.w * 0.48), top, zx1, bottom), 0.08,
                                    brand_line=False)  # fmt: skip
            region = self._capped((round(self.w * 0.06), self.zone[1], round(self.w * 0.42),
                                   self.zone[3]), CONTEXT_HEIGHT, centred=True)  # fmt: skip
            picture, box = self._place_product(region, PRODUCT_SHARE["context"], avoid=logo_slot)
        else:
            room = round(self.h * (0.17 if self.shape == "tall" else 0.24))
            name = self._name_items((zx0, top, zx1, top + room), 0.055, brand_line=False,
                                    valign="top")  # fmt: skip
            below = (name[-1][1][3] if name else top) + self.gap * 2
            region = self._capped((round(self.w * 0.3), below, round(self.w * 0.94),
                                   self.zone[3]), CONTEXT_HEIGHT)  # fmt: skip
            picture, box = self._place_product(region, PRODUCT_SHARE["context"], halign=0.75,
                                               avoid=logo_slot)  # fmt: skip
        canvas = _set(self.w, self.h, base, min(0.97, box[3] / self.h), self.result.focus, rays=0)
        canvas = _shapes_around(canvas, box, p, self.dice)
        self._paste_product(canvas, picture, box)
        self._draw_items(canvas, name, "left")
        self.result.image = canvas

    def _end_card(self, _logo_slot: IntBox | None) -> None:
        p = self.palette
        base = _mix(p.primary, BLACK, 0.35)
        zx0, zy0, zx1, zy1 = self.zone
        picture: Image.Image | None = None
        box: IntBox | None = None
        if self.shape == "tall":  # one column: logo, product, name, call to action, destination
            x0, x1 = self.centred_column()
            column = (x0, x1)
            wanted = self._end_items(x1 - x0)
            for least in (0.2, 0.12, 0.07):
                room = zy1 - zy0 - round(self.h * least) - self.gap
                items = self._fit_items(list(wanted), room, x1 - x0)
                if self._column_height(items) <= room:
                    break
            product_h = zy1 - zy0 - self._column_height(items) - self.gap
            if product_h < self.h * 0.07 and items and items[0].role == "logo":
                items = items[1:]  # cramped (long words, captions over the top): the product
                product_h = zy1 - zy0 - self._column_height(items) - self.gap  # before the logo
            heights = [item.height for item in items]
            at = 1 if items and items[0].role in ("logo", "brand_mark") else 0
            if product_h >= self.h * 0.06:
                region = (round(self.w * 0.1), 0, round(self.w * 0.9), product_h)
                picture = self._fit_product(region, PRODUCT_SHARE["end_card"])
                heights.insert(at, picture.height)
            tops = stack(heights, zy0, zy1, [self.gap] * len(heights))
            if picture is not None:
                left = round((self.w - picture.width) / 2)
                box = (left, tops[at], left + picture.width, tops[at] + picture.height)
                tops = tops[:at] + tops[at + 1 :]
            placed = list(zip(items, tops, strict=True))
        else:  # the product on the left, the words on the right
            split = round(self.w * (0.44 if self.shape == "square" else 0.45))
            region = (zx0, zy0, split - self.gap, zy1)
            picture, box = self._place_product(region, PRODUCT_SHARE["end_card"], stand=False)
            column = (split + self.gap, zx1)
            width = column[1] - column[0]
            items = self._fit_items(self._end_items(width), zy1 - zy0, width)
            tops = stack([i.height for i in items], zy0, zy1, [self.gap] * len(items))
            placed = list(zip(items, tops, strict=True))
        if box is not None:
            self._focus_on(box)
        else:
            self.result.focus = (0.5, 0.42)
        floor = min(0.97, (box[3] if box else zy1) / self.h + 0.02)
        canvas = _set(self.w, self.h, base, floor, self.result.focus, rays=0)
        if picture is not None and box is not None:
            self._paste_product(canvas, picture, box)
        self._draw_column(canvas, placed, column)
        self.result.image = canvas

    # -- typographic layouts (no photo)

    def _type_line(self) -> tuple[str, str]:
        """(the big line, the small kicker above it): the scene's caption and the product's
        name; without a caption, the name is the line and the brand the kicker."""
        name = self.title or self.brand
        if self.line:  # the name above it, unless the line says it
            return self.line, "" if name.lower() in self.line.lower() else name
        brand = self.brand if self.brand.lower() != name.lower() else ""
        return name, brand

    def _type_hero(self, logo_slot: IntBox | None) -> None:
        self._type_centred(logo_slot, "hero", icon=(0.1, 0.16), start=(0.062, 0.085))

    def _type_detail(self, logo_slot: IntBox | None) -> None:
        top, bottom = self._rows(logo_slot)
        canvas = _type_backdrop(self.w, self.h, self.palette, "detail", self.dice)
        zx0, _, zx1, _ = self.zone
        if self.shape == "wide":
            d = min(round(self.h * 0.3), bottom - top)
            icon_left = round(self.w * 0.7)
            icon_top = round((top + bottom - d) / 2)
            self._icon(canvas, (icon_left, icon_top, icon_left + d, icon_top + d), badge=True)
            self._type_column(canvas, (zx0, top, round(self.w * 0.64), bottom), 0, align="left",
                              start=0.085)  # fmt: skip
        else:
            tall = self.shape == "tall"
            icon_d = round(self.h * (0.08 if tall else 0.13))
            self._type_column(canvas, (zx0, top, zx1, bottom), icon_d, align="left",
                              start=0.06 if tall else 0.075, badge=False)  # fmt: skip
        self.result.image = canvas

    def _type_context(self, logo_slot: IntBox | None) -> None:
        self._type_centred(logo_slot, "context", icon=(0.075, 0.13), start=(0.055, 0.075),
                           card=True)  # fmt: skip

    def _type_centred(
        self, logo_slot: IntBox | None, layout: str, *, icon: tuple[float, float],
        start: tuple[float, float], card: bool = False,
    ) -> None:  # fmt: skip
        """A typographic scene of one centred column on the layout's backdrop. ``icon`` (the
        icon's size) and ``start`` (the line's first size to try), shares of the frame's
        height: (in a tall frame, in any other)."""
        top, bottom = self._rows(logo_slot)
        canvas = _type_backdrop(self.w, self.h, self.palette, layout, self.dice)
        x0, x1 = self.centred_column()
        at = 0 if self.shape == "tall" else 1
        self._type_column(canvas, (x0, top, x1, bottom), round(self.h * icon[at]),
                          align="center", start=start[at], card=card)  # fmt: skip
        self.result.image = canvas

    def _type_end_card(self, _logo_slot: IntBox | None) -> None:
        base = _mix(self.palette.primary, BLACK, 0.35)
        canvas = _set(self.w, self.h, base, 0.9, (0.5, 0.35), rays=0)
        _, zy0, _, zy1 = self.zone
        x0, x1 = self.centred_column()
        items = self._fit_items(self._end_items(x1 - x0, name_start=0.07), zy1 - zy0, x1 - x0)
        tops = stack([i.height for i in items], zy0, zy1, [self.gap] * len(items))
        self.result.focus = (0.5, 0.42)
        self._draw_column(canvas, list(zip(items, tops, strict=True)), (x0, x1))
        self.result.image = canvas

    # -- columns

    def _type_column(
        self, canvas: Image.Image, column: IntBox, icon_d: int, *, align: str, start: float,
        badge: bool = True, card: bool = False,
    ) -> None:  # fmt: skip
        """A typographic scene's column: the icon, the product's name small, the line large,
        fitted into ``column`` (the line never under :data:`MIN_TEXT` of the frame's height
        per line; the kicker, then the icon, give way first)."""
        line, kicker = self._type_line()
        x0, top, x1, bottom = column
        width = x1 - x0
        card_pad = round(self.h * 0.026) if card else 0
        pads = (0.0, 0.0) if card else (0.3, 0.18)  # the card is the line's plate
        indent = round(self.h * 0.016) if align == "left" else None  # one left edge
        max_lines = 5 if self.shape == "tall" else 4
        parts: list[tuple[str, int, _Text | None]] = []
        for attempt in range(7):
            shrink = 0.9 ** min(attempt, 4)
            d = round(icon_d * shrink) if attempt < 6 else 0
            kick = None
            if kicker and attempt < 5:
                kick = self._fit("kicker", kicker, width, 0.032 * shrink, 0.022, 2,
                                 indent=indent)  # fmt: skip
            text = self._fit("line", line, width - 2 * card_pad, start * shrink, MIN_TEXT,
                             max_lines, pads=pads, indent=indent) or self._fit(
                "line", line, width - 2 * card_pad, MIN_TEXT, MIN_TEXT, 9, pads=pads,
                indent=indent)  # fmt: skip
            parts = [("icon", d, None)] if d else []
            if kick:
                parts.append(("kicker", kick.height, kick))
            if text:
                parts.append(("line", text.height + 2 * card_pad, text))
            total = sum(h for _, h, _ in parts) + self.gap * (len(parts) - 1)
            if total <= bottom - top:
                break
        tops = stack([h for _, h, _ in parts], top, bottom, [self.gap] * len(parts))
        for (role, h, item), y in zip(parts, tops, strict=True):
            if role == "icon":
                left = x0 + (indent or 0) if align == "left" else round((x0 + x1 - h) / 2)
                self._icon(canvas, (left, y, left + h, y + h), badge=badge)
            elif role == "kicker" and item:
                self._draw_text(canvas, item, (x0, y, x1, y + h), align, accent=True)
            elif item and card:
                cw = min(width, item.width + 2 * card_pad)
                cl = round((x0 + x1 - cw) / 2) if align == "center" else x0
                panel = (cl, y, cl + cw, y + h)
                with self._layer(canvas, "line", "text", panel, _shadow_reach(self.w, self.h)):
                    _card(canvas, panel, round(self.h * 0.02), min(self.w, self.h))
                    inner = (panel[0] + card_pad, y + card_pad, panel[2] - card_pad,
                             y + h - card_pad)  # fmt: skip
                    self._draw_text(canvas, item, inner, align, layer_box=panel)
            elif item:
                self._draw_text(canvas, item, (x0, y, x1, y + h), align)
            if role == "line":  # the camera pushes in on the line
                cy = min(0.6, max(0.25, (y + h / 2) / self.h))
                self.result.focus = ((x0 + x1) / 2 / self.w, cy)

    def _end_items(self, width: int, *, name_start: float = 0.0) -> list[_Text]:
        """The end card's column from the top: the logo's slot or the brand, the product's name,
        the call to action, the destination."""
        items: list[_Text] = []
        if self.logo is not None:
            tall = round(self.h * (0.065 if self.shape == "tall" else 0.1))
            items.append(self._logo_item(min(width, round(self.w * 0.5)), tall))
        elif self.brand and self.brand.lower() != self.title.lower():
            mark = self._fit("brand_mark", self.brand, width, 0.05, 0.03, 2)
            if mark:
                items.append(mark)
        name_start = name_start or (0.036 if self.shape == "tall" else 0.06)
        name = self.title or (self.brand if not items else "")
        if name and name.lower() not in self.cta.lower():  # the call to action says it already
            fitted = self._fit("name", name, width, name_start, 0.026, 3)
            if fitted:
                items.append(fitted)
        items.append(self._cta_item(width))
        if self.destination:
            dest = self._destination_item(width)
            if dest:
                items.append(dest)
        return items

    def _column_height(self, items: list[_Text]) -> int:
        return sum(i.height for i in items) + self.gap * max(0, len(items) - 1)

    def _fit_items(self, items: list[_Text], room: int, width: int) -> list[_Text]:
        """The end card's items made to fit ``room`` px of height: the name (and the brand)
        smaller, then no name, a smaller logo and destination, then no brand. The call to
        action never shrinks below :data:`MIN_TEXT`."""

        def fits() -> bool:
            return self._column_height(items) <= room

        for _ in range(8):
            if fits():
                return items
            for k, item in enumerate(items):
                if item.role in ("name", "brand_mark") and item.fitted.size > self.h * 0.024:
                    smaller = self._fit(item.role, item.text, width,
                                        item.fitted.size * 0.88 / self.h, 0.02, 3)  # fmt: skip
                    if smaller:
                        items[k] = smaller
        items = [i for i in items if i.role != "name"]
        for k, item in enumerate(items):
            if fits():
                break
            if item.role == "logo":
                items[k] = self._logo_item(width, round(self.h * 0.045))
            elif item.role == "destination":
                items[k] = self._destination_item(width, start=0.018) or item
        for k, item in enumerate(items):
            if item.role == "cta" and not fits():  # the smallest it may be
                items[k] = self._cta_item(width, start=MIN_TEXT)
        if not fits():
            items = [i for i in items if i.role != "brand_mark"]
        return items

    def _draw_column(
        self, canvas: Image.Image, placed: list[tuple[_Text, int]], column: tuple[int, int]
    ) -> None:
        x0, x1 = column
        for item, top in placed:
            slot = (x0, top, x1, top + item.height)
            if item.role == "logo":
                self._draw_logo(canvas, slot, align="center", pad=item.pad_x)
            elif item.role == "cta":
                self._draw_cta(canvas, item, slot)
            else:
                self._draw_text(canvas, item, slot, "center")

    def _draw_items(
        self, canvas: Image.Image, items: list[tuple[_Text, IntBox]], align: str
    ) -> None:
        for item, slot in items:
            self._draw_text(canvas, item, slot, align)

    # -- texts

    def _face(self, role: str) -> str:
        """The face ``role`` is set in: the style's pairing (the shipped font without one)."""
        return face_of(role, self.style) if self.style else ""

    def _fit(
        self, role: str, text: str, width: int, start: float, least: float, max_lines: int, *,
        pads: tuple[float, float] = (0.3, 0.18), indent: int | None = None,
    ) -> _Text | None:  # fmt: skip
        """``text`` at the largest size from ``start`` down to ``least`` (fractions of the
        frame's height) that fits ``width`` (with its padding: ``pads`` of the size, or
        ``indent`` px across) in ``max_lines`` lines, whole words only; None when even
        ``least`` does not fit."""
        text = _clean(text)
        if not text:
            return None
        size = max(10, round(start * self.h))
        floor = max(10, math.ceil(least * self.h))
        while True:
            pad_x, pad_y = round(size * pads[0]), round(size * pads[1])
            pad_x = pad_x if indent is None else indent
            fitted = textfit.measure(text, size, width - 2 * pad_x, face=self._face(role))
            if len(fitted.lines) <= max_lines and fitted.width <= width - 2 * pad_x:
                return _Text(role, text, fitted, pad_x, pad_y)
            if size <= floor:
                return None
            size = max(floor, int(size * 0.93))

    def _name_items(
        self, column: IntBox, start: float, *, brand_line: bool, valign: str = "center"
    ) -> list[tuple[_Text, IntBox]]:
        """The product's name as type in ``column`` (the brand under it when asked), fitted and
        placed: (item, slot) pairs."""
        text = self.title or self.brand
        if not text:
            return []
        x0, y0, x1, y1 = column
        items: list[_Text] = []
        for size in (start, start * 0.85, start * 0.7, start * 0.55, 0.03):
            name = self._fit("name", text, x1 - x0, size, 0.026, 3)
            if name is None:
                continue
            items = [name]
            if brand_line and self.brand and self.brand.lower() != text.lower():
                brand = self._fit("brand", self.brand, x1 - x0, 0.03, 0.022, 1)
                if brand and brand.fitted.width + 2 * name.pad_x <= x1 - x0:  # one left edge
                    items.append(_Text("brand", brand.text, brand.fitted, name.pad_x, brand.pad_y))
            if sum(i.height for i in items) + self.gap // 2 * (len(items) - 1) <= y1 - y0:
                break
        else:
            items = items[:1]
        tops = stack([i.height for i in items], y0, y1, [self.gap // 2] * len(items), align=valign)
        return [
            (item, (x0, top, x1, top + item.height)) for item, top in zip(items, tops, strict=True)
        ]

    def _draw_text(
        self, canvas: Image.Image, item: _Text, slot: IntBox, align: str, *,
        accent: bool = False, layer_box: IntBox | None = None,
    ) -> IntBox:  # fmt: skip
        """Draw ``item`` in ``slot`` (centred vertically; left or centred): white or near-black,
        whichever has the higher contrast against the pixels behind it, on a plate when even
        that is under 4.5:1 (``accent``: on a pill of the brand colour that stands out).
        Records the layer (its box with the padding, or ``layer_box``) and the text."""
        fitted = item.fitted
        x0, y0, x1, y1 = slot
        left = x0 + item.pad_x if align == "left" else round((x0 + x1 - fitted.width) / 2)
        top = round((y0 + y1 - fitted.height) / 2)
        lines_box = (left, top, left + fitted.width, top + fitted.height)
        padded = (left - item.pad_x, top - item.pad_y, left + fitted.width + item.pad_x,
                  top + fitted.height + item.pad_y)  # fmt: skip
        with self._layer(canvas, item.role, "text", layer_box or padded):
            color, plate = self._draw_lines(canvas, item, padded, lines_box, slot, align, accent)
        box = self.plan.add(item.role, "text", layer_box or padded)
        shown = (
            "".join(fitted.lines)
            if item.role == "destination"
            else (textfit.join_lines(fitted.lines))
        )
        self._record(item.role, shown, lines_box, fitted, color, plate)
        return box

    def _draw_lines(
        self, canvas: Image.Image, item: _Text, padded: IntBox, lines_box: IntBox, slot: IntBox,
        align: str, accent: bool,
    ) -> tuple[RGB, bool]:  # fmt: skip
        """Draw ``item``'s lines (and its plate when it needs one): (its colour, plate?)."""
        fitted = item.fitted
        x0, _, x1, _ = slot
        left, top = lines_box[:2]
        draw = ImageDraw.Draw(canvas)
        radius = max(2, min(item.pad_y * 3, (padded[3] - padded[1]) // 2))
        plate = accent
        if accent:
            fill = self._stand_out_on(canvas, padded)
            color = _text_on(fill)
            draw.rounded_rectangle(padded, radius=radius,
                                   fill=_fill_for_text(fill, color, _AA))  # fmt: skip
        else:
            low, high = luminance_range(canvas, padded)
            color = max((WHITE, INK), key=lambda c: _worst(c, low, high))
            if _worst_contrast(relative_luminance(color), low, high) < _AA:
                mean = _mean(canvas, padded)
                color = _text_on(mean)
                draw.rounded_rectangle(padded, radius=radius,
                                       fill=_fill_for_text(mean, color, _AA))  # fmt: skip
                plate = True
        font = textfit.load_font(fitted.size, fitted.face)
        for i, text_line in enumerate(fitted.lines):
            width = textfit.text_length(font, text_line)
            lx = left if align == "left" else (x0 + x1 - width) / 2
            textfit.draw_text(draw, (lx, top + i * fitted.line_height), text_line, font,
                              fill=color)  # fmt: skip
        return color, plate

    def _record(
        self, role: str, shown: str, box: IntBox, fitted: textfit.FittedText, color: RGB,
        plate: bool,
    ) -> None:  # fmt: skip
        self.result.texts[role] = shown
        self.result.text_layers[role] = TextLayer(role, shown, box, fitted.size,
                                                  len(fitted.lines), color, plate,
                                                  fitted.face)  # fmt: skip
        self.result.colors[f"{role}_text"] = color

    # -- the call to action and the destination

    def _cta_item(self, width: int, start: float = 0.0) -> _Text:
        """The call to action, at least :data:`MIN_TEXT` of the frame's height, padded as a
        button: in one or two lines as large as they can be (from ``start``); a longer one in
        as short a button as it can be."""
        pads = (0.45, 0.3)
        start = start or (0.047 if self.shape == "tall" else 0.062)
        fits = [
            self._fit("cta", self.cta, width, start, MIN_TEXT, n, pads=pads) for n in range(1, 7)
        ]
        short = [item for item in fits[:2] if item is not None]
        if short:  # one or two lines: as large as they can be
            return max(short, key=lambda item: (item.fitted.size, -len(item.fitted.lines)))
        found = [item for item in fits if item is not None]
        if found:  # a long one: as short a button as it can be
            return min(found, key=lambda item: (item.height, -item.fitted.size))
        size = math.ceil(MIN_TEXT * self.h)  # a word wider than the column: as it is
        fitted = textfit.measure(self.cta, size, width - 2 * round(size * pads[0]),
                                 face=self._face("cta"))  # fmt: skip
        return _Text("cta", self.cta, fitted, round(size * pads[0]), round(size * pads[1]))

    def _draw_cta(self, canvas: Image.Image, item: _Text, slot: IntBox) -> None:
        """The call to action in a pill of the brand colour that stands out most from the card,
        its text at least :data:`MIN_CONTRAST` against the pill."""
        x0, y0, x1, y1 = slot
        fitted = item.fitted
        bw = min(x1 - x0, item.width)
        left = round((x0 + x1 - bw) / 2)
        button = (left, y0, left + bw, y1)
        with self._layer(canvas, "cta", "cta", button):
            fill = self._stand_out_on(canvas, button)
            text_color = _text_on(fill)
            fill = _fill_for_text(fill, text_color, _AA)
            draw = ImageDraw.Draw(canvas)
            draw.rounded_rectangle(button, radius=min((y1 - y0) // 2, round(fitted.size * 0.9)),
                                   fill=fill)  # fmt: skip
            font = textfit.load_font(fitted.size, fitted.face)
            top = round((y0 + y1 - fitted.height) / 2)
            for i, text_line in enumerate(fitted.lines):
                width = textfit.text_length(font, text_line)
                at = ((x0 + x1 - width) / 2, top + i * fitted.line_height)
                textfit.draw_text(draw, at, text_line, font, fill=text_color)
        lines_box = (round((x0 + x1 - fitted.width) / 2), top,
                     round((x0 + x1 + fitted.width) / 2), top + fitted.height)  # fmt: skip
        self.plan.add("cta", "text", button)
        self._record("cta", textfit.join_lines(fitted.lines), lines_box, fitted, text_color, True)
        self.result.colors.update({"cta_fill": fill, "cta_text": text_color})

    def _destination_item(self, width: int, start: float = 0.0) -> _Text | None:
        """The destination, small: one line (a long web address may break after a "/" onto
        two), the largest size from ``start`` (2.6 % of the height; 3.4 % on wider frames)
        down to 10 px; never cut."""
        start = start or (0.026 if self.shape == "tall" else 0.034)
        size = max(10, round(self.h * start))
        while True:
            pad_x, pad_y = round(size * 0.3), round(size * 0.18)
            fitted = fit_destination(self.destination, size, width - 2 * pad_x,
                                     self._face("destination"))  # fmt: skip
            if fitted is not None:
                return _Text("destination", self.destination, fitted, pad_x, pad_y)
            if size <= 10:
                return None
            size = max(10, int(size * 0.92))

    # -- the logo

    def _corner_logo_slot(self) -> IntBox | None:
        """The small logo's slot: the top-left corner of the text zone (the bottom-left when
        the captions take the top)."""
        if self.logo is None:
            return None
        zx0, zy0, _, zy1 = self.zone
        height = round(self.h * {"tall": 0.045, "square": 0.07, "wide": 0.08}[self.shape])
        most_w = round(self.w * {"tall": 0.3, "square": 0.26, "wide": 0.17}[self.shape])
        item = self._logo_item(most_w, height)
        self.logo_pad = item.pad_x
        top = zy0 if self.plan.caption_position != "top" else zy1 - item.height
        return zx0, top, zx0 + item.width, top + item.height

    def _logo_item(self, most_w: int, height: int) -> _Text:
        """The logo's slot (a column item): the logo fitted in ``most_w`` × ``height`` with
        room for a plate around it."""
        assert self.logo is not None
        pad = max(3, round(height * 0.16))
        ratio = min((most_w - 2 * pad) / self.logo.width, (height - 2 * pad) / self.logo.height)
        w = max(1, round(self.logo.width * ratio))
        h = max(1, round(self.logo.height * ratio))
        return _Text("logo", "", textfit.FittedText((), 0, w, h, h), pad, pad)

    def _draw_logo(self, canvas: Image.Image, slot: IntBox, *, align: str, pad: int) -> None:
        """The logo fitted in ``slot`` less ``pad``; on a plate (white, or black for a light
        logo) only when its colour is under 4.5:1 against what is behind it."""
        assert self.logo is not None
        x0, y0, x1, y1 = slot
        ratio = min((x1 - x0 - 2 * pad) / self.logo.width, (y1 - y0 - 2 * pad) / self.logo.height)
        size = (max(1, round(self.logo.width * ratio)), max(1, round(self.logo.height * ratio)))
        mark = self.logo.resize(size, Image.Resampling.LANCZOS)
        plate_w, plate_h = size[0] + 2 * pad, size[1] + 2 * pad
        left = x0 if align == "left" else round((x0 + x1 - plate_w) / 2)
        top = round((y0 + y1 - plate_h) / 2)
        plate = (left, top, left + plate_w, top + plate_h)
        with self._layer(canvas, "logo", "logo", plate):
            colour = _logo_colour(mark)
            low, high = luminance_range(canvas, plate)
            if _worst_contrast(relative_luminance(colour), low, high) < _AA:
                fill = max((WHITE, BLACK), key=lambda c: contrast_ratio(c, colour))
                mask = _rounded_mask((plate_w, plate_h), round(min(plate_w, plate_h) * 0.22))
                canvas.paste(fill, (left, top), mask)
                self.result.colors["logo_plate"] = fill
            canvas.paste(mark, (left + pad, top + pad), mark)
        self.plan.add("logo", "logo", plate)
        self.result.marks["logo"] = (left + pad, top + pad, left + pad + size[0],
                                     top + pad + size[1])  # fmt: skip
        self.result.colors["logo"] = colour

    # -- the icon

    def _icon(self, canvas: Image.Image, box: IntBox, *, badge: bool) -> None:
        """The scene's icon (chosen by its line) in ``box``: on a round badge of the brand
        colour that stands out, or bare in the colour that contrasts most with the backdrop."""
        p = self.palette
        line, _ = self._type_line()
        name = icon_for(line, self.layout)
        with self._layer(canvas, "icon", "icon", box):
            draw = ImageDraw.Draw(canvas)
            x0, y0, x1, y1 = box
            if badge:
                fill = self._stand_out_on(canvas, box)
                _disc(canvas, box, fill)
                ink = _text_on(fill)
                inset = round((x1 - x0) * 0.22)
                how = draw_icon(draw, name, (x0 + inset, y0 + inset, x1 - inset, y1 - inset), ink)
            else:
                low, high = luminance_range(canvas, box)
                ink = max(
                    (p.accent, p.secondary, WHITE, INK),
                    key=lambda c: _worst_contrast(relative_luminance(c), low, high),
                )
                how = draw_icon(draw, name, box, ink)
        self.plan.add("icon", "icon", box)
        self.result.icon = name
        self.result.icon_drawn = how
        self.result.colors["icon"] = ink

    def _stand_out_on(self, canvas: Image.Image, box: IntBox) -> RGB:
        """The accent colour when it stands out from what is behind ``box``, else the brand
        colour (or white) that stands out most."""
        p = self.palette
        background = _mean(canvas, box)
        if contrast_ratio(p.accent, background) >= _STANDS_OUT:
            return p.accent
        return max((p.secondary, p.primary, WHITE), key=lambda c: contrast_ratio(c, background))


# --------------------------------------------------------------------------------------------
# drawing helpers


def _mean(image: Image.Image, box: IntBox) -> RGB:
    stat = ImageStat.Stat(image.crop(box).convert("RGB"))
    r, g, b = (round(v) for v in stat.mean[:3])
    return r, g, b


def _logo_colour(mark: Image.Image) -> RGB:
    """The logo's own colour: the mean of its opaque pixels."""
    opaque = mark.getchannel("A").point(lambda v: 255 if v > 128 else 0)
    if not opaque.getbbox():
        return INK
    r, g, b = (round(v) for v in ImageStat.Stat(mark.convert("RGB"), opaque).mean[:3])
    return r, g, b


def _rounded_mask(size: tuple[int, int], radius: int) -> Image.Image:
    """An anti-aliased rounded-rectangle mask (drawn at 3× and reduced)."""
    k = 3
    big = Image.new("L", (size[0] * k, size[1] * k), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, size[0] * k - 1, size[1] * k - 1),
                                          radius=radius * k, fill=255)  # fmt: skip
    return big.resize(size, Image.Resampling.BOX)


def _disc(canvas: Image.Image, box: IntBox, fill: RGB) -> None:
    """An anti-aliased disc filling ``box``."""
    w, h = box[2] - box[0], box[3] - box[1]
    k = 3
    big = Image.new("L", (w * k, h * k), 0)
    ImageDraw.Draw(big).ellipse((0, 0, w * k - 1, h * k - 1), fill=255)
    canvas.paste(fill, (box[0], box[1]), big.resize((w, h), Image.Resampling.BOX))


def _card(canvas: Image.Image, box: IntBox, radius: int, unit: float) -> None:
    """A near-white card with rounded corners and a soft shadow."""
    size = (box[2] - box[0], box[3] - box[1])
    mask = _rounded_mask(size, radius)
    _shadow(canvas, mask, (box[0], box[1]), unit)
    canvas.paste((250, 250, 247), (box[0], box[1]), mask)


def _shadow_reach(width: int, height: int) -> int:
    """How far past its shape a card's shadow (:func:`_shadow`) reaches, in px."""
    unit = min(width, height)
    return round(max(1.0, unit * 0.035 / 4) * 3) * 4 + round(unit * 0.02) + 2


def _shadow(canvas: Image.Image, alpha: Image.Image, at: tuple[int, int], unit: float) -> None:
    """A soft drop shadow of the shape ``alpha`` placed at ``at`` (blurred at quarter size)."""
    k = 4
    blur = max(1.0, unit * 0.035 / k)
    margin = round(blur * 3)
    small = alpha.resize((max(1, alpha.width // k), max(1, alpha.height // k)),
                         Image.Resampling.BILINEAR)  # fmt: skip
    padded = Image.new("L", (small.width + 2 * margin, small.height + 2 * margin), 0)
    padded.paste(small.point(lambda v: v * 120 // 255), (margin, margin))
    soft = padded.filter(ImageFilter.GaussianBlur(blur))
    soft = soft.resize((soft.width * k, soft.height * k), Image.Resampling.BICUBIC)
    offset = round(unit * 0.02)
    position = (at[0] - margin * k, at[1] - margin * k + offset)
    canvas.paste((8, 10, 18), position, soft)


def _contact_shadow(canvas: Image.Image, base: tuple[int, int], width: int, unit: float) -> None:
    """A soft elliptical shadow where a standing product touches the floor."""
    left, bottom = base
    ew, eh = max(4, round(width * 1.15)), max(3, round(unit * 0.035))
    k = 4
    small = Image.new("L", (ew // k + 8, eh // k + 8), 0)
    ImageDraw.Draw(small).ellipse((4, 4, 4 + ew // k, 4 + eh // k), fill=150)
    soft = small.filter(ImageFilter.GaussianBlur(max(1.0, eh / k / 3)))
    soft = soft.resize((soft.width * k, soft.height * k), Image.Resampling.BICUBIC)
    cx = left + width / 2
    canvas.paste((6, 8, 14), (round(cx - soft.width / 2), round(bottom - soft.height / 2)), soft)


def _set(
    width: int, height: int, base: RGB, floor: float, light: tuple[float, float], *, rays: int,
    spot: tuple[tuple[float, float], float, RGB] | None = None,
) -> Image.Image:  # fmt: skip
    """A studio set in the brand colour: a lit wall, a darker floor from ``floor`` (fraction of
    the height) down, a soft light behind ``light`` and a vignette; ``spot`` (centre as
    fractions, radius in px, colour): a large soft disc of light behind the product (a
    detail's set). Drawn at quarter size."""
    k = 4
    sw, sh = max(4, width // k), max(4, height // k)
    horizon = max(1, min(sh - 1, round(sh * floor)))
    ramp = Image.linear_gradient("L")
    wall = Image.composite(Image.new("RGB", (sw, horizon), base),
                           Image.new("RGB", (sw, horizon), _mix(base, WHITE, 0.22)),
                           ramp.resize((sw, horizon)))  # fmt: skip
    floor_h = sh - horizon
    ground = Image.composite(Image.new("RGB", (sw, floor_h), _mix(base, BLACK, 0.5)),
                             Image.new("RGB", (sw, floor_h), _mix(base, BLACK, 0.18)),
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
    if spot is not None:
        (sx, sy), radius, colour = spot
        disc = Image.new("L", (sw, sh), 0)
        cx, cy, r = sx * sw, sy * sh, radius / k
        ImageDraw.Draw(disc).ellipse((cx - r, cy - r, cx + r, cy + r), fill=190)
        small.paste(colour, (0, 0), disc.filter(ImageFilter.GaussianBlur(max(1.0, r * 0.18))))
    vignette = Image.new("L", (sw, sh), 0)
    ImageDraw.Draw(vignette).ellipse((-sw * 0.25, -sh * 0.15, sw * 1.25, sh * 1.15), fill=255)
    vignette = ImageOps.invert(vignette.filter(ImageFilter.GaussianBlur(min(sw, sh) * 0.15)))
    small.paste(BLACK, (0, 0), vignette.point(lambda v: v * 70 // 255))
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _type_backdrop(width: int, height: int, p: _Palette, variant: str, dice: _Dice) -> Image.Image:
    """A brand-colour ground for a typographic scene: a vertical gradient of the primary colour
    with, per variant, a soft glow (hero), a diagonal block of the second colour (detail) or a
    second-colour ground with a wide soft ring (context). Drawn at quarter size."""
    k = 4
    sw, sh = max(4, width // k), max(4, height // k)
    base = p.primary if variant != "context" else p.secondary
    top, bottom = _mix(base, WHITE, 0.1), _mix(base, BLACK, 0.3)
    ramp = Image.linear_gradient("L").resize((sw, sh))
    small = Image.composite(Image.new("RGB", (sw, sh), bottom), Image.new("RGB", (sw, sh), top),
                            ramp)  # fmt: skip
    layer = Image.new("L", (sw, sh), 0)
    draw = ImageDraw.Draw(layer)
    unit = min(sw, sh)
    if variant == "hero":
        cx = sw * (0.25 + (dice.number("glow") % 50) / 100)
        draw.ellipse((cx - unit * 0.7, sh * 0.05, cx + unit * 0.7, sh * 0.05 + unit * 1.2), fill=90)
        layer = layer.filter(ImageFilter.GaussianBlur(unit * 0.2))
        small.paste(_mix(base, WHITE, 0.5), (0, 0), layer)
    elif variant == "detail":
        draw.polygon([(sw, sh * 0.7), (sw, sh), (sw * 0.1, sh)], fill=255)
        layer = layer.filter(ImageFilter.GaussianBlur(max(1, unit // 120)))
        block = p.secondary if contrast_ratio(p.secondary, p.primary) > 1.25 else _mix(
            p.primary, BLACK, 0.45)  # fmt: skip
        small.paste(block, (0, 0), layer)
    else:
        r = unit * 0.75
        cx, cy = sw * 0.85, sh * 0.2
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=70, width=max(2, unit // 25))
        layer = layer.filter(ImageFilter.GaussianBlur(max(1, unit // 60)))
        small.paste(_mix(base, WHITE, 0.6), (0, 0), layer)
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _shapes_around(canvas: Image.Image, focus: IntBox, p: _Palette, dice: _Dice) -> Image.Image:
    """Brand-colour shapes behind ``focus``: a large disc behind it and an offset ring (drawn
    at half size in the region they cover only)."""
    k = 2
    x0, y0, x1, y1 = focus
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = max(x1 - x0, y1 - y0) * 0.55
    ring_r = r * 0.32
    side = -1 if dice.number("ring") % 2 else 1
    rx, ry = cx + side * r * 0.8, cy + r * 0.72
    reach = r + ring_r + r * 0.1
    left, top = max(0, round(cx - reach)), max(0, round(cy - reach))
    right, bottom = min(canvas.width, round(cx + reach)), min(canvas.height, round(cy + reach))
    if right <= left or bottom <= top:
        return canvas
    size = (max(1, (right - left) // k), max(1, (bottom - top) // k))
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x - left) / k, (y - top) / k

    disc = p.accent if contrast_ratio(p.accent, _mean(canvas, focus)) > 1.3 else p.primary
    (dx0, dy0), (dx1, dy1) = at(cx - r, cy - r), at(cx + r, cy + r)
    draw.ellipse((dx0, dy0, dx1, dy1), fill=(*disc, 235))
    (qx0, qy0), (qx1, qy1) = at(rx - ring_r, ry - ring_r), at(rx + ring_r, ry + ring_r)
    draw.ellipse((qx0, qy0, qx1, qy1), outline=(*p.primary, 200),
                 width=max(2, round(r * 0.05 / k)))  # fmt: skip
    layer = layer.resize((right - left, bottom - top), Image.Resampling.BICUBIC)
    out = canvas.copy()
    out.paste(layer, (left, top), layer)
    return out


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
