"""Layout engine for banners and flyers: computed boxes, font sizes and WCAG-checked colours.

:func:`plan_layout` turns the copy, the brand colours and the presence (and aspect ratio) of a
product photo and a logo into a :class:`Layout`: named, non-overlapping rectangles inside the
margins (and, for 9:16, inside the platforms' safe zone), the wrapped lines and font size of every
text, and the colours to draw them in. :mod:`aytada.providers.typography` renders a plan.

Sizes are sorted into aspect classes (square, landscape, leaderboard, skyscraper, portrait, story);
each class has several layouts and the seed picks among those that fit the copy. Hierarchy follows
the craft sheet: one headline (largest), one supporting line, one CTA button, the logo small in a
corner and the product photo as the main picture (or, without a photo, the product name large on a
brand-colour card). Three text sizes at most: headline; subline, label, wordmark and
destination; CTA.

The destination (where the ad sends people: a web address, @handle or phone) is a small line
under the CTA button; a long web address may break after a "/" (never inside a name). With
``qr=True`` (flyers) a web address is also a QR code beside the button (or under it where the
column is narrow): its quiet zone kept, dark modules on white, a whole number of pixels per
module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import segno

from aytada import standards
from aytada.destination import destination_kind, display_text, qr_target
from aytada.providers.layer_plan import LayerPlan
from aytada.providers.textfit import (
    FittedText,
    drawable,
    face_for,
    line_height,
    load_font,
    measure,
    text_length,
)
from aytada.providers.type_pairing import face_of

RGB = tuple[int, int, int]

AA_NORMAL = 4.5
"""WCAG 2.x AA minimum contrast for normal text; every text of a design meets it."""

DEFAULT_COLORS: tuple[str, str] = ("#1F3A93", "#F5B041")

# ============================================================================================
# colour and contrast (WCAG 2.x)


def parse_color(value: str | Sequence[int]) -> RGB:
    """``"#1F3A93"``, ``"1f3a93"``, ``"#abc"`` or an (r, g, b) triple → an RGB triple."""
    if not isinstance(value, str):
        r, g, b = (int(c) for c in list(value)[:3])
        return (max(0, min(255, r)), max(0, min(255, g)), max(0, min(255, b)))
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"not a hex colour: {value!r} (expected like #1F3A93)")
    try:
        return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    except ValueError as exc:
        raise ValueError(f"not a hex colour: {value!r} (expected like #1F3A93)") from exc


def hex_color(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _channel(c: float) -> float:
    c = c / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 = black, 1 = white)."""
    r, g, b = (_channel(float(c)) for c in list(rgb)[:3])
    return _weighted(r, g, b)


def _weighted(r: float, g: float, b: float) -> float:
    """WCAG's weights of linear red, green and blue in a colour's luminance."""
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


_LINEAR = tuple(_channel(float(v)) for v in range(256))


def pixel_luminance(rgb: Sequence[int]) -> float:
    """``relative_luminance`` of an 8-bit pixel, by table: the same number, for the many
    pixels a contrast check looks at."""
    return _weighted(_LINEAR[rgb[0]], _LINEAR[rgb[1]], _LINEAR[rgb[2]])


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG 2.x contrast ratio between two sRGB colours, from 1.0 to 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved a fraction ``t`` of the way towards ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 17, 17)


def ensure_contrast(fg: RGB, backgrounds: RGB | Sequence[RGB], minimum: float = AA_NORMAL) -> RGB:
    """``fg`` unchanged when it reaches ``minimum`` against every background colour; otherwise
    ``fg`` darkened or lightened (whichever needs the smaller change) until it does.

    Falls back to white or near-black text, whichever contrasts more, if no shade of ``fg`` can.
    """
    bgs: list[RGB] = [backgrounds] if isinstance(backgrounds[0], int) else list(backgrounds)  # type: ignore[list-item]

    def worst(c: RGB) -> float:
        return min(contrast_ratio(c, bg) for bg in bgs)

    if worst(fg) >= minimum:
        return fg
    options: list[tuple[float, RGB]] = []
    for target in ((0, 0, 0), WHITE):
        for step in range(1, 21):
            t = step / 20
            candidate = mix(fg, target, t)
            if worst(candidate) >= minimum:
                options.append((t, candidate))
                break
    if options:
        return min(options)[1]
    return max((WHITE, (0, 0, 0)), key=worst)


def best_text_on(bg: RGB, minimum: float = AA_NORMAL) -> RGB:
    """White or near-black text for a solid ``bg``, whichever contrasts more."""
    return max((WHITE, INK), key=lambda c: contrast_ratio(c, bg))


# ============================================================================================
# geometry


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) for Pillow."""
        return (self.x, self.y, self.right, self.bottom)

    def overlaps(self, other: Rect) -> bool:
        """True when the two rectangles share any area (touching edges do not count)."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def inside(self, other: Rect) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.right <= other.right
            and self.bottom <= other.bottom
        )

    def inset(self, dx: int, dy: int | None = None) -> Rect:
        dy = dx if dy is None else dy
        return Rect(self.x + dx, self.y + dy, max(0, self.w - 2 * dx), max(0, self.h - 2 * dy))


def _aligned(start: int, span: int, size: int, align: str) -> int:
    """Where a piece ``size`` long starts on the span ``start`` … ``start + span``: at the
    start ("left", "top"), flush with the end ("right", "bottom") or centred ("center")."""
    if align in ("left", "top"):
        return start
    if align in ("right", "bottom"):
        return start + span - size
    return start + (span - size) // 2


def fit_aspect(area: Rect, aspect: float, align: str = "center") -> Rect:
    """The largest rectangle of ``aspect`` (w/h) inside ``area``, centred (or left/right)."""
    aspect = aspect if aspect > 0 else 1.0
    w = min(area.w, round(area.h * aspect))
    h = min(area.h, round(w / aspect))
    w = min(w, round(h * aspect)) or 1
    x = _aligned(area.x, area.w, w, align)
    return Rect(x, _aligned(area.y, area.h, h, "center"), w, max(1, h))


# ============================================================================================
# the plan


@dataclass(frozen=True)
class TextBox:
    """One text of the design: its tight box, wrapped lines, size, alignment and colour."""

    role: str  # "label", "headline", "subline", "cta", "brand", "name"
    text: str
    rect: Rect
    lines: tuple[str, ...]
    size: int
    line_height: int
    align: str  # "left", "center", "right"
    color: RGB
    background: RGB  # the solid colour the text sits on (canvas, set or button)
    face: str = ""  # textfit.load_font(size, face)


@dataclass(frozen=True)
class Palette:
    canvas: RGB  # the field everything sits on
    set: RGB  # the brand-colour set behind the product (or the name card)
    button: RGB  # the CTA button
    theme: str


@dataclass(frozen=True)
class Decor:
    """A shape painted on the canvas under every layer ("disc": the ellipse in ``rect``,
    "rect": the rectangle), clipped by the frame: a story's backdrop, which carries the design
    out to the edges the platforms' UI covers. Not a layer: it holds nothing to read, and the
    texts over it are checked against its colour."""

    shape: str
    rect: Rect
    color: RGB


@dataclass(frozen=True)
class Layout:
    """A computed design: every box in canvas pixels, plus the text boxes with their styling.

    ``boxes`` holds the top-level elements that must never overlap: "headline", "subline",
    "label", "cta" (the button), "destination" (the line under it), "qr" (the QR code with its
    quiet zone), "logo" (the logo image, or the brand name as a wordmark) and "product" (the
    brand-colour set carrying the product card, or the name card). ``card`` is the product
    photo's rectangle inside "product" (aspect kept), None without a photo. ``qr_text`` is the
    URL the QR code encodes ("" without one). ``problems`` is what the design's
    :class:`~aytada.providers.layer_plan.LayerPlan` (:func:`layer_plan`) finds broken: empty,
    but for copy no size of any layout could hold (the smallest try, flagged).
    """

    width: int
    height: int
    aspect_class: str
    name: str
    margin: int
    content: Rect  # the area inside the margins (and the 9:16 safe zone)
    boxes: dict[str, Rect]
    texts: dict[str, TextBox]
    palette: Palette
    card: Rect | None = None
    logo_image: bool = False  # True: "logo" shows the logo image; False: brand wordmark (or none)
    qr_text: str = ""
    problems: tuple[str, ...] = ()
    decor: tuple[Decor, ...] = ()

    @property
    def canvas(self) -> Rect:
        return Rect(0, 0, self.width, self.height)

    def all_text(self) -> str:
        """Every word the design shows, in reading order of the roles."""
        return " ".join(t.text for t in self.texts.values())


# ============================================================================================
# the layers, checked by the one solver's rules (aytada.providers.layer_plan)

_LAYER_KINDS = {"logo": "logo", "product": "product", "qr": "code"}
"""The kind of each box of a design as a layer (any other box is a text: a CTA button counts as
its words; the product's name card and photo card are the product layer)."""


def layer_plan(layout: Layout) -> LayerPlan:
    """The design's layers in a :class:`~aytada.providers.layer_plan.LayerPlan` of its frame
    (no caption band, no push-in, its zone the format's safe zone): what
    :func:`plan_layout` checks every try against, and the tests the layout that was drawn."""
    return _layers(layout.width, layout.height, layout.content, layout.boxes)


def _layers(width: int, height: int, content: Rect, boxes: dict[str, Rect]) -> LayerPlan:
    plan = LayerPlan.for_design(width, height, content.box)
    for name, rect in boxes.items():
        plan.add(name, _LAYER_KINDS.get(name, "text"), rect.box)
    return plan


def _product_area(result: dict[str, object]) -> int:
    product = result.get("product")
    return product.w * product.h if isinstance(product, Rect) else 0


def _boxes_of(result: dict[str, object]) -> dict[str, Rect]:
    return {k: v for k, v in result.items() if not k.startswith("text:")}  # type: ignore[misc]


# ============================================================================================
# aspect classes


def aspect_class(width: int, height: int) -> str:
    """square, landscape, leaderboard, skyscraper, portrait or story."""
    r = width / height
    if r >= 4.5:
        return "leaderboard"
    if r > 1.3:
        return "landscape"
    if r >= 0.85:
        return "square"
    if r >= standards.STORY_RATIOS[1]:
        return "portrait"
    if r >= standards.STORY_RATIOS[0]:
        return "story"
    return "skyscraper"


def margin_for(width: int, height: int) -> int:
    """At least 6 % of the shorter side (:data:`aytada.standards.DESIGN_MARGIN`; the craft sheet
    asks for ≥ ~5 %)."""
    return standards.design_margin(width, height)


def content_rect(width: int, height: int, cls: str = "") -> Rect:
    """The area boxes may use: inside the margins, and for 9:16 inside the platforms' safe zone
    (`aytada.standards.SAFE_ZONES`: clear of the top 14 %, the bottom 30 % and the right edge's
    action rail). It is the zone of the design's :class:`LayerPlan`
    (:func:`aytada.standards.design_zone`; ``cls`` is read from the size)."""
    del cls
    x0, y0, x1, y1 = standards.design_zone(width, height)
    return Rect(x0, y0, x1 - x0, y1 - y0)


# ============================================================================================
# planning context


@dataclass
class _Ctx:
    width: int
    height: int
    cls: str
    content: Rect
    gap: int
    texts: dict[str, str]  # role → text, only the roles to show
    has_photo: bool
    product_aspect: float
    logo_aspect: float | None  # None: no logo image
    min_text: int
    qr_modules: int = 0  # the QR code's side in modules, quiet zone included (0: no QR code)
    style: str = ""  # the creative style: its type pairing ("" → the shipped font)
    out: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Sizes:
    headline: int
    small: int  # subline, label, wordmark
    cta: int


@dataclass(frozen=True)
class _Item:
    role: str
    fitted: FittedText
    w: int
    h: int
    # the action block (role "cta"): the button with the destination line under it and the QR
    # code, placed together by _expand; ``row``: the QR code beside the button, not under it
    parts: tuple[_Item, ...] = ()
    row: bool = False
    align: str = ""  # a part's alignment in its block ("": the design's)


_MAX_LINES = {"headline": 4, "subline": 3, "label": 2, "cta": 2, "brand": 1}
QR_BORDER = 4  # the quiet zone, in modules (what the QR standard asks for)
QR_MIN_SCALE = 2  # pixels per module, at least


def _item(ctx: _Ctx, role: str, sizes: _Sizes, width: int) -> _Item | None:
    """Measure one stack element at the planned size; None when it cannot fit ``width``."""
    text = ctx.texts.get(role)
    if not text or width <= 0:
        return None
    size = {"headline": sizes.headline, "cta": sizes.cta}.get(role, sizes.small)
    face = _face(ctx.style, role)
    if role == "cta":
        return _cta_item(text, size, width, face)
    if role == "destination":
        fitted = fit_destination(text, size, width, face)
        return _Item(role, fitted, fitted.width, fitted.height) if fitted else None
    ft = measure(text, size, width, face=face)
    if ft.width > width or len(ft.lines) > _MAX_LINES.get(role, 3):
        return None
    return _Item(role, ft, ft.width, ft.height)


def _face(style: str, role: str) -> str:
    """The face ``role`` is set in: the style's type pairing, the shipped font without one."""
    return face_of(role, style) if style else ""


def _cta_item(text: str, size: int, width: int, face: str = "") -> _Item | None:
    """The CTA button: one line if a size down to 80 % allows it, else at most two lines."""
    floor = max(5, round(size * 0.8))
    candidates = list(range(size, floor - 1, -1))
    for one_line in (True, False):
        for s in candidates if one_line else [size]:
            padx, pady = max(3, round(s * 0.9)), max(2, round(s * 0.5))
            ft = measure(text, s, width - 2 * padx, face=face)
            if ft.width > width - 2 * padx or len(ft.lines) > (1 if one_line else 2):
                continue
            return _Item("cta", ft, ft.width + 2 * padx, ft.height + 2 * pady)
    return None


def fit_destination(text: str, size: int, width: float, face: str = "") -> FittedText | None:
    """The destination on one line at ``size`` px; a web address too wide for ``width`` breaks
    after a "/" (before a "?" or "#") onto a second line. None when it still does not fit: it
    is never cut."""
    face = face_for(text, face)
    font = load_font(size, face)
    pitch = line_height(size, face)
    if text_length(font, text) <= width:
        return FittedText((text,), size, math.ceil(text_length(font, text)), pitch, pitch, face)
    if destination_kind(text) != "web":
        return None
    pieces = [p for p in re.split(r"(?<=/)|(?=[?#])", text) if p]
    lines: list[str] = []
    for piece in pieces:
        if lines and text_length(font, lines[-1] + piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    widest = max(text_length(font, line) for line in lines)
    if len(lines) > 2 or widest > width:
        return None
    return FittedText(tuple(lines), size, math.ceil(widest), pitch * len(lines), pitch, face)


def _qr_item(ctx: _Ctx, sizes: _Sizes) -> _Item | None:
    """The QR code's square (quiet zone included) for these text sizes: about 3.2 × the
    headline, at most a quarter of the content's shorter side, a whole number (≥ 2) of pixels
    per module. None without a QR code."""
    if not ctx.qr_modules:
        return None
    short = min(ctx.content.w, ctx.content.h)
    target = min(round(sizes.headline * 3.2), round(short * 0.25))
    side = max(QR_MIN_SCALE, target // ctx.qr_modules) * ctx.qr_modules
    return _Item("qr", FittedText((), 0, side, side, 0), side, side)


def _column(parts: Sequence[_Item]) -> tuple[int, int]:
    """Width and height of the button over the destination line."""
    w = max(p.w for p in parts)
    h = sum(p.h for p in parts) + sum(_part_gap(p) for p in parts[1:])
    return w, h


def _part_gap(part: _Item) -> int:
    """The space above a part of the action block (the destination sits close to its button)."""
    return max(2, round(part.fitted.size * 0.45)) if part.role == "destination" else 0


def _action(ctx: _Ctx, sizes: _Sizes, width: int) -> _Item | None:
    """The CTA button, the destination line under it and (flyers) the QR code: one block, or
    None when it cannot fit ``width``. The QR code goes beside the button when there is room,
    under it otherwise."""
    qr = _qr_item(ctx, sizes)
    if qr is not None and qr.w > width:
        return None
    attempts = [(True, width - qr.w - ctx.gap), (False, width)] if qr else [(False, width)]
    for row, room in attempts:
        cta = _item(ctx, "cta", sizes, room)
        dest = _item(ctx, "destination", sizes, room) if "destination" in ctx.texts else None
        if cta is None or ("destination" in ctx.texts and dest is None):
            continue
        column = [cta] if dest is None else [cta, dest]
        if qr is None and dest is None:
            return cta
        cw, ch = _column(column)
        if qr is None:
            return _Item("cta", cta.fitted, cw, ch, parts=tuple(column))
        if row:
            return _Item("cta", cta.fitted, qr.w + ctx.gap + cw, max(qr.h, ch),
                         parts=(*column, qr), row=True)  # fmt: skip
        return _Item("cta", cta.fitted, max(cw, qr.w), ch + ctx.gap + qr.h, parts=(*column, qr))
    return None


def _expand(rect: Rect, item: _Item, halign: str, gap: int) -> dict[str, tuple[Rect, _Item]]:
    """Where each part of a placed item goes: the item itself, or the action block's button,
    destination line and QR code (a column aligned like the stack; in a row, the QR code on the
    side the block is aligned to the left or centre, else on the right)."""
    if not item.parts:
        return {item.role: (rect, item)}
    column = [p for p in item.parts if p.role != "qr"]
    qr = next((p for p in item.parts if p.role == "qr"), None)
    out: dict[str, tuple[Rect, _Item]] = {}
    cw, ch = _column(column)
    if item.row and qr is not None:
        qr_left = halign != "right"
        qx = rect.x if qr_left else rect.right - qr.w
        out["qr"] = (Rect(qx, rect.y + (rect.h - qr.h) // 2, qr.w, qr.h), qr)
        col = Rect(rect.x + qr.w + gap if qr_left else rect.x, rect.y + (rect.h - ch) // 2, cw, ch)
        inner = "left" if qr_left else "right"
    else:
        col = Rect(_aligned(rect.x, rect.w, cw, halign), rect.y, cw, ch)
        inner = halign
        if qr is not None:
            out["qr"] = (Rect(_aligned(rect.x, rect.w, qr.w, halign), col.bottom + gap, qr.w,
                              qr.h), qr)  # fmt: skip
    y = col.y
    for part in column:
        y += _part_gap(part)
        place = Rect(_aligned(col.x, col.w, part.w, inner), y, part.w, part.h)
        out[part.role] = (place, replace(part, align=inner))
        y += part.h
    return out


def _stack(ctx: _Ctx, roles: Sequence[str], sizes: _Sizes, width: int) -> list[_Item] | None:
    items: list[_Item] = []
    for role in roles:
        if role not in ctx.texts:
            continue
        item = _action(ctx, sizes, width) if role == "cta" else _item(ctx, role, sizes, width)
        if item is None:
            return None
        items.append(item)
    return items


def _gap_before(prev: _Item, item: _Item, ctx: _Ctx) -> int:
    if item.role == "cta":
        return max(ctx.gap, round(item.fitted.size * 1.0))
    if prev.role == "label":
        return max(2, round(prev.fitted.size * 0.35))
    return max(2, round(prev.fitted.size * 0.45))


def _stack_height(items: list[_Item], ctx: _Ctx) -> int:
    total = 0
    for i, item in enumerate(items):
        total += item.h + (_gap_before(items[i - 1], item, ctx) if i else 0)
    return total


def _place_stack(
    ctx: _Ctx, items: list[_Item], area: Rect, *, halign: str, valign: str
) -> dict[str, tuple[Rect, _Item]]:
    """Position the stack's items in ``area``; returns role → (rect, item)."""
    y = _aligned(area.y, area.h, _stack_height(items, ctx), valign)
    placed: dict[str, tuple[Rect, _Item]] = {}
    for i, item in enumerate(items):
        if i:
            y += _gap_before(items[i - 1], item, ctx)
        x = _aligned(area.x, area.w, item.w, halign)
        placed.update(_expand(Rect(x, y, item.w, item.h), item, halign, ctx.gap))
        y += item.h
    return placed


def _logo_slot(ctx: _Ctx, sizes: _Sizes, area: Rect, height: int) -> _Item | Rect | None:
    """The logo image's rect (aspect kept, ``height`` tall at most) or the brand wordmark item."""
    if ctx.logo_aspect is not None:
        w = min(round(height * ctx.logo_aspect), round(area.w * 0.5))
        return fit_aspect(Rect(area.x, area.y, w, height), ctx.logo_aspect, "left")
    if "brand" in ctx.texts:
        return _item(ctx, "brand", sizes, area.w)
    return None


def _logo_height(ctx: _Ctx) -> int:
    short = min(ctx.width, ctx.height)
    share = {"square": 0.11, "landscape": 0.11, "story": 0.075}.get(ctx.cls, 0.09)
    return max(12, round(short * share))


# A layout function places everything for given sizes or returns None if it does not fit.
# It returns role → Rect for boxes and role → (Rect, _Item) for texts via the result dict.
_Result = dict[str, object]
_LayoutFn = Callable[[_Ctx, _Sizes], "_Result | None"]


def _logo_row(
    ctx: _Ctx, sizes: _Sizes, area: Rect, align: str
) -> tuple[int, dict[str, object]] | None:
    """Place the logo (or wordmark) at the top of ``area``: (height used incl. gap, result)."""
    slot = _logo_slot(ctx, sizes, area, _logo_height(ctx))
    if slot is None:
        return 0, {}
    w, h = slot.w, slot.h
    rect = Rect(_aligned(area.x, area.w, w, align), area.y, w, h)
    if isinstance(slot, Rect):
        return h + ctx.gap, {"logo": rect}
    return h + ctx.gap, {"logo": rect, "text:brand": (rect, slot)}


def _merge_texts(result: _Result, placed: dict[str, tuple[Rect, _Item]]) -> None:
    for role, (rect, item) in placed.items():
        result[role] = rect
        if role != "qr":  # the QR code is a box, no text
            result[f"text:{role}"] = (rect, item)


def _split(product_side: str) -> _LayoutFn:
    """Product (or name card) on one side at full height; logo and text stack on the other."""

    def plan(ctx: _Ctx, sizes: _Sizes) -> _Result | None:
        c = ctx.content
        frac = 0.46 if ctx.cls == "square" else 0.42
        pw = round(c.w * frac)
        if ctx.cls == "landscape":
            pw = min(pw, round(c.h * 1.35))
        if product_side == "right":
            product = Rect(c.right - pw, c.y, pw, c.h)
            col = Rect(c.x, c.y, c.w - pw - ctx.gap, c.h)
        else:
            product = Rect(c.x, c.y, pw, c.h)
            col = Rect(c.x + pw + ctx.gap, c.y, c.w - pw - ctx.gap, c.h)
        logo = _logo_row(ctx, sizes, col, "left")
        if logo is None:
            return None
        used, result = logo
        area = Rect(col.x, col.y + used, col.w, col.h - used)
        items = _stack(ctx, ["label", "headline", "subline", "cta"], sizes, area.w)
        if items is None or _stack_height(items, ctx) > area.h:
            return None
        _merge_texts(result, _place_stack(ctx, items, area, halign="left", valign="center"))
        result["product"] = product
        return result

    return plan


def _three_columns(ctx: _Ctx, sizes: _Sizes) -> _Result | None:
    """Wide landscape (970×250): product | label, headline, subline | logo over the CTA."""
    c = ctx.content
    pw = min(round(c.h * 1.3), round(c.w * 0.3))
    product = Rect(c.x, c.y, pw, c.h)
    cta = _action(ctx, sizes, round(c.w * (0.34 if ctx.qr_modules else 0.26)))
    if cta is None:
        return None
    right_w = max(cta.w, round(c.w * 0.18))
    right = Rect(c.right - right_w, c.y, right_w, c.h)
    logo = _logo_row(ctx, sizes, right, "right")
    if logo is None:
        return None
    used, result = logo
    if used + cta.h > right.h:
        return None
    block = Rect(right.right - cta.w, right.bottom - cta.h, cta.w, cta.h)
    _merge_texts(result, _expand(block, cta, "right", ctx.gap))
    mid = Rect(product.right + ctx.gap, c.y, right.x - product.right - 2 * ctx.gap, c.h)
    items = _stack(ctx, ["label", "headline", "subline"], sizes, mid.w)
    if items is None or _stack_height(items, ctx) > mid.h:
        return None
    _merge_texts(result, _place_stack(ctx, items, mid, halign="left", valign="center"))
    result["product"] = product
    return result


def _vertical(
    top_roles: Sequence[str], bottom_roles: Sequence[str], min_product: float
) -> _LayoutFn:
    """Logo row, ``top_roles`` stack, the product filling the free height, ``bottom_roles``."""

    def plan(ctx: _Ctx, sizes: _Sizes) -> _Result | None:
        c = ctx.content
        logo = _logo_row(ctx, sizes, c, "left" if ctx.cls != "skyscraper" else "center")
        if logo is None:
            return None
        used, result = logo
        top = _stack(ctx, top_roles, sizes, c.w) or []
        bottom = _stack(ctx, bottom_roles, sizes, c.w) or []
        needed = [r for r in (*top_roles, *bottom_roles) if r in ctx.texts]
        if len(top) + len(bottom) != len(needed):
            return None
        top_h = _stack_height(top, ctx) if top else 0
        bottom_h = _stack_height(bottom, ctx) if bottom else 0
        free = c.h - used - top_h - bottom_h - ctx.gap * (int(bool(top)) + int(bool(bottom)))
        if free < c.h * min_product:
            return None
        y = c.y + used
        if ctx.has_photo:  # no taller than the photo needs: the spare height frames the column
            pad = round(c.w * 0.08)
            needed = round((c.w - 2 * pad) / ctx.product_aspect) + 2 * pad
            if free > needed:
                y += (free - needed) // 2
                free = needed
        if top:
            _merge_texts(
                result,
                _place_stack(ctx, top, Rect(c.x, y, c.w, top_h), halign="center", valign="top"),
            )
            y += top_h + ctx.gap
        result["product"] = Rect(c.x, y, c.w, free)
        if bottom:
            y += free + ctx.gap
            _merge_texts(
                result,
                _place_stack(
                    ctx, bottom, Rect(c.x, y, c.w, bottom_h), halign="center", valign="top"
                ),
            )
        return result

    return plan


def _story_row(top_roles: Sequence[str], side_roles: Sequence[str], min_row: float) -> _LayoutFn:
    """A story with a product photo: the logo and ``top_roles`` across the safe zone's width,
    then one row of the product (as tall as the rest allows) beside ``side_roles`` (the
    action block, and the subline or not). The photo is height-bound in a tall zone, so the
    width beside it holds the words that would otherwise take height from the product and the
    headline."""

    def plan(ctx: _Ctx, sizes: _Sizes) -> _Result | None:
        if not ctx.has_photo:
            return None
        c = ctx.content
        logo = _logo_row(ctx, sizes, c, "left")
        if logo is None:
            return None
        used, result = logo
        top = _stack(ctx, top_roles, sizes, c.w)
        if top is None or len(top) != len([r for r in top_roles if r in ctx.texts]):
            return None
        top_h = _stack_height(top, ctx)
        row = Rect(c.x, c.y + used + top_h + ctx.gap, c.w, c.h - used - top_h - ctx.gap)
        if row.h < c.h * min_row:
            return None
        pw = min(round(c.w * STORY_PRODUCT_WIDTH), round(row.h * ctx.product_aspect))
        col = Rect(row.x + pw + ctx.gap, row.y, row.w - pw - ctx.gap, row.h)
        items = _stack(ctx, side_roles, sizes, col.w)
        needed = [r for r in side_roles if r in ctx.texts]
        if items is None or len(items) != len(needed) or _stack_height(items, ctx) > col.h:
            return None
        head = Rect(c.x, c.y + used, c.w, top_h)
        _merge_texts(result, _place_stack(ctx, top, head, halign="left", valign="top"))
        _merge_texts(result, _place_stack(ctx, items, col, halign="left", valign="center"))
        result["product"] = Rect(row.x, row.y, pw, row.h)
        return result

    return plan


STORY_PRODUCT_WIDTH = 0.58
"""The most of a story's safe-zone width the product's row gives the photo (the words beside
it keep the rest)."""


def _strip(product_after_text: bool) -> _LayoutFn:
    """Leaderboards (728×90, 320×50): one line — logo | product | label+headline | CTA."""

    def plan(ctx: _Ctx, sizes: _Sizes) -> _Result | None:
        c = ctx.content
        result: _Result = {}
        x = c.x
        slot = _logo_slot(ctx, sizes, Rect(c.x, c.y, round(c.w * 0.2), c.h), c.h)
        if isinstance(slot, Rect):
            rect = Rect(x, c.y + (c.h - slot.h) // 2, slot.w, slot.h)
            result["logo"] = rect
            x = rect.right + ctx.gap
        elif slot is not None:
            rect = Rect(x, c.y + (c.h - slot.h) // 2, slot.w, slot.h)
            result["logo"] = rect
            result["text:brand"] = (rect, slot)
            x = rect.right + ctx.gap
        cta = _action(ctx, sizes, round(c.w * (0.4 if ctx.qr_modules else 0.3)))
        if cta is None or cta.h > c.h:
            return None
        block = Rect(c.right - cta.w, c.y + (c.h - cta.h) // 2, cta.w, cta.h)
        _merge_texts(result, _expand(block, cta, "right", ctx.gap))
        end = block.x - ctx.gap
        pw = round(c.h * 1.25) if ctx.has_photo else 0
        if ctx.has_photo and not product_after_text:
            result["product"] = Rect(x, c.y, pw, c.h)
            x += pw + ctx.gap
        if ctx.has_photo and product_after_text:
            result["product"] = Rect(end - pw, c.y, pw, c.h)
            end -= pw + ctx.gap
        area = Rect(x, c.y, end - x, c.h)
        items = _stack(ctx, ["label", "headline"], sizes, area.w)
        if items is None or _stack_height(items, ctx) > area.h:
            return None
        _merge_texts(result, _place_stack(ctx, items, area, halign="left", valign="center"))
        return result

    return plan


_LAYOUTS: dict[str, dict[str, _LayoutFn]] = {
    "square": {
        "split-right": _split("right"),
        "split-left": _split("left"),
        "hero-top": _vertical([], ["label", "headline", "subline", "cta"], 0.45),
    },
    "landscape": {
        "split-left": _split("left"),
        "split-right": _split("right"),
        "three-columns": _three_columns,
    },
    "leaderboard": {"strip": _strip(False), "strip-product-right": _strip(True)},
    "skyscraper": {
        "hero-middle": _vertical(["label", "headline"], ["subline", "cta"], 0.28),
        "hero-top": _vertical([], ["label", "headline", "subline", "cta"], 0.28),
    },
    "portrait": {
        "hero-middle": _vertical(["label", "headline"], ["subline", "cta"], 0.46),
        "hero-top": _vertical([], ["label", "headline", "subline", "cta"], 0.48),
    },
    "story": {
        "split-row": _story_row(["label", "headline"], ["subline", "cta"], 0.52),
        "split-row-name": _story_row(["headline"], ["label", "subline", "cta"], 0.52),
        "split-row-top": _story_row(["label", "headline", "subline"], ["cta"], 0.52),
        "hero-middle": _vertical(["label", "headline"], ["subline", "cta"], 0.52),
        "hero-top": _vertical([], ["label", "headline", "subline", "cta"], 0.54),
    },
}

LAYOUT_NAMES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _LAYOUTS.items()}
"""The layouts of each aspect class, by name (the seed picks among them)."""

# headline size ceiling as a fraction of the shorter side, and subline : headline ratio
_HEADLINE_MAX = {
    "square": 0.095, "landscape": 0.10, "leaderboard": 0.36, "skyscraper": 0.14,
    "portrait": 0.085, "story": 0.1,
}  # fmt: skip
_SMALL_RATIO = {"leaderboard": 0.62, "skyscraper": 0.62, "story": 0.42}
_CTA_RATIO = {"story": 0.5}  # a story's button reads from arm's length, larger than its lines


def _size_ladder(ctx: _Ctx) -> list[_Sizes]:
    short = min(ctx.width, ctx.height)
    cap = _HEADLINE_MAX[ctx.cls]
    if ctx.cls == "landscape" and ctx.width > ctx.height * 2.5:
        cap = 0.16  # wide strips (970×250): the short side alone would make the type too small
    top = max(8, round(short * cap))
    ratio = _SMALL_RATIO.get(ctx.cls, 0.5)
    ladder: list[_Sizes] = []
    h = top
    while h >= 5:
        small = min(h, max(min(ctx.min_text, h), round(h * ratio)))
        cta = max(small, round(h * _CTA_RATIO[ctx.cls])) if ctx.cls in _CTA_RATIO else small
        ladder.append(_Sizes(h, small, min(h, cta)))
        h = min(h - 1, int(h * 0.95))
    return ladder


def _checked(fn: _LayoutFn) -> _LayoutFn:
    """``fn``, but a try whose layers break a rule of the design's :class:`LayerPlan` (two
    overlapping, one out of the safe zone) does not fit: the solver takes the next size down."""

    def plan(ctx: _Ctx, sizes: _Sizes) -> _Result | None:
        result = fn(ctx, sizes)
        if result is None:
            return None
        layers = _layers(ctx.width, ctx.height, ctx.content, _boxes_of(result))
        return None if layers.problems() else result

    return plan


def _solve(ctx: _Ctx, fn: _LayoutFn, check: bool = True) -> tuple[_Sizes, _Result] | None:
    """The largest sizes on the ladder at which ``fn`` fits (binary search, then a few steps up
    in case fitting is not perfectly monotonic in the size). With ``check`` (always, but for
    the last resort of :func:`plan_layout`) a try fits only when its layers break no rule of
    the :class:`LayerPlan`."""
    fn = _checked(fn) if check else fn
    ladder = _size_ladder(ctx)
    found: tuple[int, _Result] | None = None
    low, high = 0, len(ladder) - 1
    while low <= high:
        mid = (low + high) // 2
        result = fn(ctx, ladder[mid])
        if result is not None:
            found, high = (mid, result), mid - 1
        else:
            low = mid + 1
    if found is None:
        return None
    index, result = found
    for up in range(max(0, index - 3), index):
        better = fn(ctx, ladder[up])
        if better is not None:
            return ladder[up], better
    return ladder[index], result


# ============================================================================================
# palette


def _palette(colors: Sequence[str], theme: int) -> Palette:
    parsed: list[RGB] = []
    for value in colors or DEFAULT_COLORS:
        try:
            parsed.append(parse_color(value))
        except ValueError:
            continue
    if not parsed:
        parsed = [parse_color(c) for c in DEFAULT_COLORS]
    primary = parsed[0]
    accent = parsed[1] if len(parsed) > 1 else mix(primary, WHITE, 0.55)
    name = ("bold", "light", "dark")[theme % 3]
    if name == "bold":
        canvas, button = primary, accent
        sets = [mix(primary, WHITE, 0.86), mix(accent, WHITE, 0.5), WHITE]
    elif name == "light":
        canvas, button = mix(primary, WHITE, 0.9), primary
        sets = [mix(accent, WHITE, 0.3), accent, mix(primary, WHITE, 0.55), primary]
    else:
        canvas, button = mix(primary, (0, 0, 0), 0.62), accent
        sets = [accent, mix(primary, WHITE, 0.6), WHITE]
    # the set must read as a shape on the canvas; the button must stand out (non-text 3:1)
    set_ = next((c for c in sets if contrast_ratio(c, canvas) >= 1.3), sets[-1])
    button = ensure_contrast(button, canvas, 3.0)
    return Palette(canvas=canvas, set=set_, button=button, theme=name)


def _text_colors(palette: Palette, colors: Sequence[str]) -> dict[str, tuple[RGB, RGB]]:
    """role → (text colour, the solid colour behind it), every pair ≥ 4.5:1."""
    canvas = palette.canvas
    base = best_text_on(canvas)
    try:
        accent = parse_color(colors[1]) if len(colors) > 1 else base
    except ValueError:
        accent = base
    if palette.theme == "light":
        try:
            headline = ensure_contrast(parse_color(colors[0]), canvas)
        except (ValueError, IndexError):
            headline = base
    else:
        headline = base
    sub = ensure_contrast(mix(headline, canvas, 0.18), canvas)
    label = ensure_contrast(accent, canvas)
    return {
        "headline": (headline, canvas),
        "subline": (sub, canvas),
        "label": (label, canvas),
        "brand": (headline, canvas),
        "cta": (best_text_on(palette.button), palette.button),
        "destination": (sub, canvas),
        "name": (
            ensure_contrast(parse_color(colors[0]) if colors else base, palette.set)
            if palette.theme != "light"
            else best_text_on(palette.set),
            palette.set,
        ),
    }


# ============================================================================================
# public entry point


def _clean(text: str) -> str:
    """Whitespace collapsed; characters the font cannot draw (most emoji) left out."""
    return drawable(text or "")


def shown_destination(destination: str) -> str:
    """The destination as the design shows it (:func:`aytada.destination.display_text`). A web
    address with letters the font lacks is shown in its ASCII form, which opens the same page;
    anything else the font cannot draw whole is not shown (rather than shown wrong)."""
    shown = display_text(destination)
    if not shown or drawable(shown) == shown:
        return shown
    if destination_kind(destination) == "web":
        ascii_form = display_text(qr_target(destination))
        if drawable(ascii_form) == ascii_form:
            return ascii_form
    return ""


def _qr_modules(url: str) -> int:
    """The side, in modules with the quiet zone, of the QR code of ``url`` (0: none)."""
    if not url:
        return 0
    return make_qr(url).symbol_size(border=QR_BORDER)[0]


def make_qr(url: str) -> segno.QRCode:
    """The QR code of ``url`` as the designs draw it: error correction M or better (segno
    raises it when that costs no extra size), never a Micro QR (not every phone reads them)."""
    return segno.make(url, error="m", micro=False)


def plan_layout(
    *,
    width: int,
    height: int,
    headline: str,
    subline: str = "",
    call_to_action: str = "",
    product_name: str = "",
    brand_name: str = "",
    colors: Sequence[str] = DEFAULT_COLORS,
    has_product_photo: bool = False,
    product_aspect: float = 1.0,
    logo_aspect: float | None = None,
    seed: int = 0,
    layout: str = "",
    destination: str = "",
    qr: bool = False,
    style: str = "",
) -> Layout:
    """Compute the boxes, font sizes and colours of a banner/flyer of ``width``×``height``.

    ``destination`` (a web address, @handle or phone; "" for none) is set small under the CTA;
    with ``qr`` a web address is also drawn as a QR code (flyers). They give way only when the
    design cannot hold them: first the QR code, then the destination line.

    ``logo_aspect`` is the logo image's width/height (None: no logo; the brand name is then
    set as a small wordmark). ``product_aspect`` is the photo's width/height. ``layout`` forces
    one of :data:`LAYOUT_NAMES` for the size's class; otherwise ``seed`` picks among the layouts
    that fit the copy. ``style`` (the campaign's creative style) sets the words in its type
    pairing (:mod:`aytada.providers.type_pairing`). Raises ValueError for a size smaller than
    16 px or a headline-less, name-less design.
    """
    if width < 16 or height < 16:
        raise ValueError(f"design size must be at least 16×16 px (got {width}×{height})")
    cls = aspect_class(width, height)
    colors = tuple(colors) or DEFAULT_COLORS
    product_name, brand_name = _clean(product_name), _clean(brand_name)
    name = product_name or brand_name
    head = _clean(headline) or name
    if not head:
        raise ValueError("a design needs a headline, a product name or a brand name")
    texts: dict[str, str] = {"headline": head}
    named_in_headline = bool(name) and name.casefold() in head.casefold()
    show_name_card = not has_product_photo and cls != "leaderboard" and bool(name)
    if name and not named_in_headline and not show_name_card:
        texts["label"] = name
    if _clean(subline) and cls != "leaderboard":
        texts["subline"] = _clean(subline)
    texts["cta"] = _clean(call_to_action) or "Learn more"
    shown = shown_destination(destination)
    if shown:
        texts["destination"] = shown
    qr_url = qr_target(destination) if qr and shown else ""
    if logo_aspect is None and brand_name:
        texts["brand"] = brand_name
    content = content_rect(width, height, cls)
    short = min(width, height)
    ctx = _Ctx(
        width=width,
        height=height,
        cls=cls,
        content=content,
        gap=max(2, round(margin_for(width, height) * 0.55)),
        texts=texts,
        has_photo=has_product_photo,
        product_aspect=product_aspect if product_aspect > 0 else 1.0,
        logo_aspect=logo_aspect if (logo_aspect or 0) > 0 else None,
        min_text=max(9, round(short * 0.028)),
        qr_modules=_qr_modules(qr_url),
        style=style,
    )
    qr_modules = ctx.qr_modules
    table = _LAYOUTS[cls]
    names = list(table)
    if layout:
        if layout not in table:
            raise ValueError(f"unknown layout {layout!r} for {cls}; choose from {', '.join(names)}")
        order = [layout]
    else:
        start = seed % len(names)
        order = names[start:] + names[:start]
    readable = max(ctx.min_text, round(short * 0.05))
    legible = max(ctx.min_text, round(short * 0.04))
    solutions: list[tuple[int, str, _Result, dict[str, str], int]] = []
    # what may give way, in rounds: the subline; then the QR code; then the destination line.
    # A later round runs only when no layout of the earlier ones sets the headline legibly
    # (a little smaller than the size that keeps a subline: where people go matters more).
    rounds = [((), ("subline",))]
    if qr_modules:
        rounds.append((("qr",), ("qr", "subline")))
    if "destination" in texts:
        rounds.append((("qr", "destination"), ("qr", "destination", "subline")))
    # every try is checked against the design's LayerPlan (no two layers overlap, all in the
    # safe zone); only when no size of any layout passes is the unchecked best taken, flagged
    for check in (True, False):
        for dropped_round in rounds:
            for layout_name in order:
                for dropped in dropped_round:
                    if "subline" in dropped and "subline" not in texts:
                        continue
                    ctx.texts = {k: v for k, v in texts.items() if k not in dropped}
                    ctx.qr_modules = 0 if "qr" in dropped else qr_modules
                    solved = _solve(ctx, table[layout_name], check)
                    if solved is None:
                        continue
                    sizes, result = solved
                    solutions.append(
                        (sizes.headline, layout_name, result, dict(ctx.texts), ctx.qr_modules)
                    )
                    if sizes.headline >= readable:
                        break  # keep the subline when the headline stays readable with it
            if any(s[0] >= legible for s in solutions):
                break
        if solutions:
            break
    if not solutions:
        raise ValueError(f"the copy cannot be laid out at {width}×{height}")
    # the seed picks among the layouts that set the headline nearly as large as the best one
    top = max(s[0] for s in solutions)
    good: dict[str, tuple[int, str, _Result, dict[str, str], int]] = {}
    for solution in solutions:
        if solution[0] >= top * 0.85 and solution[1] not in good:
            good[solution[1]] = solution
    if cls == "story":  # a story's product is its hero too: of those, the ones that show it large
        shown = {k: _product_area(v[2]) for k, v in good.items()}
        good = {k: v for k, v in good.items() if shown[k] >= max(shown.values()) * 0.85}
    _, layout_name, result, ctx.texts, ctx.qr_modules = list(good.values())[0]
    plan = _finish(ctx, layout_name, result, colors, seed, product_name, brand_name)
    plan = replace(plan, problems=tuple(layer_plan(plan).problems()))
    return replace(plan, qr_text=qr_url if "qr" in plan.boxes else "")


def _finish(
    ctx: _Ctx,
    layout_name: str,
    result: _Result,
    colors: Sequence[str],
    seed: int,
    product_name: str,
    brand_name: str,
) -> Layout:
    palette = _palette(colors, seed)
    styles = _text_colors(palette, colors)
    boxes: dict[str, Rect] = {}
    texts: dict[str, TextBox] = {}
    for key, value in result.items():
        if key.startswith("text:"):
            continue
        boxes[key] = value  # type: ignore[assignment]
    align = (
        "left"
        if ctx.cls in ("landscape", "leaderboard") or layout_name.startswith("split")
        else "center"
    )
    for key, value in result.items():
        if not key.startswith("text:"):
            continue
        role = key[5:]
        rect, item = value  # type: ignore[misc]
        color, bg = styles[role]
        inner = rect
        if role == "cta":
            padx = (item.w - item.fitted.width) // 2
            pady = (item.h - item.fitted.height) // 2
            inner = Rect(rect.x + padx, rect.y + pady, item.fitted.width, item.fitted.height)
        texts[role] = TextBox(
            role=role,
            text=ctx.texts[role],
            rect=inner,
            lines=item.fitted.lines,
            size=item.fitted.size,
            line_height=item.fitted.line_height,
            align="center" if role in ("cta", "brand") else item.align or align,
            color=color,
            background=bg,
            face=item.fitted.face,
        )
    card: Rect | None = None
    product = boxes.get("product")
    if product is not None:
        story = ctx.cls == "story"  # a story's photo fills its set (the backdrop frames it)
        share = (0.035 if story else 0.08) if ctx.has_photo else 0.1
        pad = max(2, round(min(product.w, product.h) * share))
        inner = product.inset(pad)
        if ctx.has_photo:
            card = fit_aspect(inner, ctx.product_aspect)
            if ctx.cls != "leaderboard":  # the set is never much larger than the card
                room = max(2, round(min(card.w, card.h) * (0.07 if story else 0.16)))
                w, h = min(product.w, card.w + 2 * room), min(product.h, card.h + 2 * room)
                product = Rect(
                    product.x + (product.w - w) // 2, product.y + (product.h - h) // 2, w, h
                )
                boxes["product"] = product
        elif product_name or brand_name:
            name = product_name or brand_name
            texts["name"] = _name_text(name, inner, styles["name"], _face(ctx.style, "name"))
        else:  # nothing to show there: no empty card
            del boxes["product"]
    ordered = {
        r: texts[r]
        for r in ("label", "headline", "subline", "cta", "destination", "brand", "name")
        if r in texts
    }
    decor = _story_backdrop(ctx, palette, styles, boxes, card) if ctx.cls == "story" else ()
    return Layout(
        decor=decor,
        width=ctx.width,
        height=ctx.height,
        aspect_class=ctx.cls,
        name=layout_name,
        margin=margin_for(ctx.width, ctx.height),
        content=ctx.content,
        boxes=boxes,
        texts=ordered,
        palette=palette,
        card=card,
        logo_image=ctx.logo_aspect is not None and "logo" in boxes,
    )


STORY_BACKDROP_TINTS = (0.22, 0.16, 0.1)
"""How far a story's backdrop disc moves the canvas colour away from its texts' (the first
that keeps the CTA button at 3:1 against it; the texts only gain contrast)."""
STORY_BAND_TINT = 0.34
"""The band under a story's safe zone, where nothing is to read: the same shade, deeper."""


def _story_backdrop(
    ctx: _Ctx,
    palette: Palette,
    styles: dict[str, tuple[RGB, RGB]],
    boxes: dict[str, Rect],
    card: Rect | None,
) -> tuple[Decor, ...]:
    """A story's backdrop, so the frame reads as one design out to the edges the platforms' UI
    covers: a large disc of a canvas shade behind the product (bleeding off the frame) and a
    band of a deeper one across the bottom. The shade moves away from the texts' colours (dark
    under light text, light under dark), so every text on it keeps at least its 4.5:1."""
    product = card or boxes.get("product")
    if product is None:
        return ()
    on_canvas = [color for color, bg in styles.values() if bg == palette.canvas]
    light_text = sum(relative_luminance(c) for c in on_canvas) / max(1, len(on_canvas)) > (
        relative_luminance(palette.canvas)
    )
    away: RGB = (0, 0, 0) if light_text else WHITE
    decor: list[Decor] = []
    for t in STORY_BACKDROP_TINTS:
        shade = mix(palette.canvas, away, t)
        if contrast_ratio(palette.button, shade) >= 3.0 and all(
            contrast_ratio(c, shade) >= AA_NORMAL for c in on_canvas
        ):
            cx, cy = product.x + product.w // 2, product.y + product.h // 2
            radius = round(max(product.w, product.h) * 0.78)
            decor.append(Decor("disc", Rect(cx - radius, cy - radius, 2 * radius, 2 * radius),
                               shade))  # fmt: skip
            break
    top = ctx.content.bottom + round((ctx.height - ctx.content.bottom) * 0.18)
    band = Rect(0, top, ctx.width, ctx.height - top)
    decor.append(Decor("rect", band, mix(palette.canvas, away, STORY_BAND_TINT)))
    return tuple(decor)


def _name_text(name: str, area: Rect, style: tuple[RGB, RGB], face: str = "") -> TextBox:
    """The product name set large in the middle of the name card."""
    size = max(6, min(round(area.h * 0.32), round(area.w * 0.22)))
    while True:
        ft = measure(name, size, area.w, face=face)
        if (ft.width <= area.w and ft.height <= area.h and len(ft.lines) <= 3) or size <= 5:
            break
        size = max(5, min(size - 1, int(size * 0.94)))
    rect = Rect(
        area.x + (area.w - ft.width) // 2,
        area.y + (area.h - ft.height) // 2,
        min(ft.width, area.w),
        min(ft.height, area.h),
    )
    return TextBox("name", name, rect, ft.lines, ft.size, ft.line_height, "center", *style,
                   face=ft.face)  # fmt: skip


def with_color(box: TextBox, color: RGB, background: RGB) -> TextBox:
    """A copy of ``box`` drawn in ``color`` over ``background`` (used after pixel checks)."""
    return replace(box, color=color, background=background)


__all__ = [
    "AA_NORMAL",
    "LAYOUT_NAMES",
    "Layout",
    "Palette",
    "Rect",
    "TextBox",
    "aspect_class",
    "content_rect",
    "contrast_ratio",
    "ensure_contrast",
    "fit_aspect",
    "fit_destination",
    "hex_color",
    "line_height",
    "margin_for",
    "parse_color",
    "plan_layout",
    "relative_luminance",
    "pixel_luminance",
    "shown_destination",
]
