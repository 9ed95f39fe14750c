"""Where the layers of a frame go, and the one check that none collide: the one solver's rules
for video stills, banners and flyers.

A frame's layers are its product, logo, texts (name, line, headline, call to action,
destination, …), icon or badge and a flyer's QR code, each a pixel box. :class:`LayerPlan`
holds them for one frame and knows

* the **text zone**: inside the platforms' safe zone and clear of the band where the stitch
  burns the captions, for the project's caption position (top, middle, bottom or off; the
  numbers are :mod:`aytada.standards`');
* the **caption band** itself, which no text or logo may touch and the product's centre may
  not sit in;
* the **camera move** the clip step gives the still (:data:`MOTION_FOR_LAYOUT`, one map for
  the composer, the clip step and the clip provider): a push-in to :data:`PUSH_IN_ZOOM`
  about the product's centre, or a pan that pushes in to :data:`PAN_ZOOM` while it drifts
  across :data:`PAN_RANGE` of the spare width (either way), or a slide-in that ends on the
  still as drawn. Every layer is checked as drawn and all along the move
  (:func:`camera_path`): the product still whole, every text and the logo still clear of the
  band and inside the platforms' safe zone (less :data:`MOVED_SLACK`), never cut by the
  frame's edge. The text zone is made small enough for that whatever the focus (in
  :data:`FOCUS_X_RANGE` × :data:`FOCUS_RANGE`).

A banner or a flyer (:meth:`LayerPlan.for_design`, used by
:func:`aytada.providers.layout.plan_layout`) has no caption band and no push-in; its zone is the
platforms' safe zone for its format (:func:`aytada.standards.design_zone`: a 9:16 story's is the
video's, any other size's is inside the margins), and there every layer, the product and the QR
code included, must stay.

:meth:`LayerPlan.problems` lists every broken rule (two layers overlapping, a text in the
band, a layer out of its zone, a product cut by the frame or larger than its share of it); the
still composer refuses to save a still that has any, the banner and flyer solver tries the next
size or layout instead, and the tests call it for every layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from aytada import standards

IntBox = tuple[int, int, int, int]  # left, top, right, bottom in pixels (right/bottom exclusive)

PUSH_IN_ZOOM = 1.08  # the clip step's push-in ends at this zoom (aytada.providers.ffmpeg)
PAN_ZOOM = 1.10  # a pan pushes in from 1.0 to this zoom while it drifts across
PAN_RANGE = (0.2, 0.8)
"""Where a pan's window is across the spare width (the zoomed-out part) at its two ends: it
drifts from one to the other, left to right or right to left by the segment's seed."""
MOTION_FOR_LAYOUT: dict[str, str] = {
    "hero": "push_in", "detail": "pan", "context": "push_in", "end_card": "slide_in",
}  # fmt: skip
"""The camera move each layout's still gets (the clip step asks the clip provider for it): a
push-in on the hero and in context, a pan across the detail (the framing varies between
scenes), the end card slides in and holds."""
CAMERA_STEPS = 8  # a move is checked at this many even steps of its progress (and its start)
MOVED_SLACK = 0.03
"""How far (of the frame's width or height) past the platforms' safe zone the camera may carry
a text or the logo by the end of its move: a little, never to the frame's edge."""
MAX_PRODUCT_SHARE = 1 / 3  # of the frame's area, at the end of the push-in
CAPTION_LINES = 2  # a caption is at most two lines
CAPTION_LARGEST = 0.07  # the largest caption size, of the frame's shorter side
CAPTION_POSITIONS = ("top", "middle", "bottom", "off")
FOCUS_RANGE = (0.2, 0.65)
"""Where (of the frame's height) a moving still's focus lies: the text zone of a still the
camera moves over keeps its texts clear of the caption band for any focus in this range."""
FOCUS_X_RANGE = (0.2, 0.8)
"""Where (of the frame's width) a pushed-in still's focus lies: the text zone keeps its texts
and logo in the frame for any focus in this range (the composer keeps its focus in it)."""

KINDS = ("product", "logo", "text", "icon", "code")
"""What a layer is: the product (its photo, cut-out or name card), the logo (or wordmark), a
text (a CTA button counts as its text), an icon or badge, a QR code."""


def overlaps(a: IntBox, b: IntBox) -> bool:
    """True when the two boxes share any pixel."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box: IntBox, outer: IntBox, slack: int = 0) -> bool:
    return (
        box[0] >= outer[0] - slack
        and box[1] >= outer[1] - slack
        and box[2] <= outer[2] + slack
        and box[3] <= outer[3] + slack
    )


def area(box: IntBox) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _caption_height(width: int, height: int) -> float:
    """The tallest caption drawing, as a fraction of the frame's height: two lines at the
    largest size with their panel (the caption renderer's own proportions)."""
    size = CAPTION_LARGEST * min(width, height)
    return (CAPTION_LINES * 1.2 * size + 2 * 0.22 * size + 0.2 * size) / height


def caption_band(width: int, height: int, position: str) -> tuple[float, float] | None:
    """(top, bottom), fractions of the height, of where captions at ``position`` are burned
    (None: no captions)."""
    shape = standards.frame_shape(width, height)
    tall = _caption_height(width, height)
    if position == "off":
        return None
    if position == "top":
        top = standards.caption_top_y(shape)
        return top, top + tall
    if position == "middle":  # halfway between the frame's centre and the bottom band
        centre = (0.5 + standards.CAPTION_BANDS[shape][0]) / 2
        return centre - tall / 2, centre + tall / 2
    band_top, band_bottom = standards.CAPTION_BANDS[shape]
    centre = standards.caption_center_y(shape)
    return min(band_top, centre - tall / 2), max(band_bottom, centre + tall / 2)


def text_zone(width: int, height: int, position: str) -> tuple[float, float, float, float]:
    """Where a still may put text and logos for captions at ``position``: the safe zone, above
    a bottom band, below a top band or above a middle one."""
    shape = standards.frame_shape(width, height)
    left, top, right, bottom = standards.still_text_zone(shape)
    band = caption_band(width, height, position)
    gap = standards.CAPTION_GAP
    if band is None or position == "bottom":
        return left, top, right, bottom if band is None else min(bottom, band[0] - gap)
    if position == "top":
        return left, max(top, band[1] + gap), right, bottom
    return left, top, right, min(bottom, band[0] - gap)


Camera = tuple[float, float, float]
"""A moment of a camera move: (zoom, x, y), the frame zoomed about the point (x, y), fractions
of the frame (what ffmpeg's zoompan does with a window ``x * (spare width)`` from the left)."""


def camera_path(motion: str, focus: tuple[float, float]) -> list[Camera]:
    """The moments of ``motion`` over a still whose focus is ``focus`` (fractions), start to
    end at :data:`CAMERA_STEPS` even steps of its progress, for both directions of a pan; none
    for a move that ends on the still as drawn (a slide-in) or no move. The renderer
    (:func:`aytada.providers.ffmpeg._camera`) eases over the same moments."""
    fx, fy = focus
    steps = [k / CAMERA_STEPS for k in range(CAMERA_STEPS + 1)]
    if motion == "push_in":
        return [(1 + (PUSH_IN_ZOOM - 1) * e, fx, fy) for e in steps]
    if motion == "pan":
        lo, hi = PAN_RANGE
        return [
            (1 + (PAN_ZOOM - 1) * e, lo + (hi - lo) * (e if forward else 1 - e), fy)
            for forward in (True, False)
            for e in steps
        ]
    return []


def moved(box: IntBox, camera: Camera, width: int, height: int) -> IntBox:
    """``box`` as the camera at ``camera`` shows it (zoomed about its point)."""
    z, ax, ay = camera
    if z == 1.0:
        return box
    cx, cy = ax * width, ay * height
    return (
        round(cx + (box[0] - cx) * z),
        round(cy + (box[1] - cy) * z),
        round(cx + (box[2] - cx) * z),
        round(cy + (box[3] - cy) * z),
    )


def moved_zone(width: int, height: int) -> tuple[float, float, float, float]:
    """Where the camera may carry a text or the logo (fractions): the platforms' safe zone of
    the frame's shape grown by :data:`MOVED_SLACK`, inside the frame."""
    left, top, right, bottom = standards.SAFE_ZONES[standards.frame_shape(width, height)]
    s = MOVED_SLACK
    return max(0.0, left - s), max(0.0, top - s), min(1.0, right + s), min(1.0, bottom + s)


@dataclass
class Layer:
    name: str
    kind: str  # one of KINDS
    box: IntBox


@dataclass
class LayerPlan:
    """The layers of one still (see the module docstring)."""

    width: int
    height: int
    caption_position: str = "bottom"
    focus: tuple[float, float] = (0.5, 0.45)  # where a push-in heads (fractions of the frame)
    motion: str = "push_in"  # the camera move the still gets (MOTION_FOR_LAYOUT; "": none)
    max_product_share: float = MAX_PRODUCT_SHARE
    layers: dict[str, Layer] = field(default_factory=dict)
    safe_area: IntBox | None = None
    """A design's zone in pixels (banners, flyers): every layer stays in it (None: a still's
    text zone, for its texts and logo)."""

    def __post_init__(self) -> None:
        if self.caption_position not in CAPTION_POSITIONS:
            self.caption_position = "bottom"

    @classmethod
    def for_design(cls, width: int, height: int, area: IntBox | None = None) -> LayerPlan:
        """The plan of a banner or flyer of ``width``×``height``: no caption band (position
        "off"), no push-in, every layer inside ``area`` (default: the format's safe zone,
        :func:`aytada.standards.design_zone`). The product is the design's main picture: it
        has no share limit, only the zone."""
        zone = area if area is not None else standards.design_zone(width, height)
        return cls(width, height, "off", motion="", max_product_share=1.0, safe_area=zone)

    @property
    def push(self) -> float:
        """The largest zoom of the still's camera move (1.0: it is not moved over)."""
        return max((z for z, _, _ in camera_path(self.motion, self.focus)), default=1.0)

    def path(self) -> list[Camera]:
        """The moments of the still's camera move about its focus (:func:`camera_path`)."""
        return camera_path(self.motion, self.focus)

    # -- the frame's regions, in pixels

    def px(self, box: tuple[float, float, float, float]) -> IntBox:
        x0, y0, x1, y1 = box
        w, h = self.width, self.height
        return round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h)

    @property
    def zone(self) -> IntBox:
        """The text zone (:func:`text_zone`) in pixels; for a still the camera moves over, only
        what stays inside :func:`moved_zone` and out of the caption band all along the move,
        for any focus in :data:`FOCUS_X_RANGE` × :data:`FOCUS_RANGE` (a zoom ``z`` about ``a``
        carries an edge ``e`` to ``a + (e - a) * z``). A design's: its :attr:`safe_area`."""
        if self.safe_area is not None:
            return self.safe_area
        left, top, right, bottom = text_zone(self.width, self.height, self.caption_position)
        band = caption_band(self.width, self.height, self.caption_position)
        reach = moved_zone(self.width, self.height)
        for fx in FOCUS_X_RANGE:
            for fy in FOCUS_RANGE:
                for z, ax, ay in camera_path(self.motion, (fx, fy)):
                    if z == 1.0:
                        continue
                    left = max(left, ax * (1 - 1 / z) + reach[0] / z)
                    top = max(top, ay * (1 - 1 / z) + reach[1] / z)
                    right = min(right, ax * (1 - 1 / z) + reach[2] / z)
                    bottom = min(bottom, ay * (1 - 1 / z) + reach[3] / z)
                    if band is not None and band[0] >= bottom:  # the band under the text
                        bottom = min(bottom, ay * (1 - 1 / z) + band[0] / z)
                    if band is not None and band[1] <= top:  # over it
                        top = max(top, ay * (1 - 1 / z) + band[1] / z)
        return self.px((left, top, right, bottom))

    @property
    def still_zone(self) -> IntBox:
        """The text zone (:func:`text_zone`) in pixels as if the still did not move: where the
        product of a moving still may be placed (it is checked whole all along the move)."""
        if self.safe_area is not None:
            return self.safe_area
        return self.px(text_zone(self.width, self.height, self.caption_position))

    @property
    def band(self) -> IntBox | None:
        """The caption band across the whole width, in pixels (None: no captions)."""
        band = caption_band(self.width, self.height, self.caption_position)
        if band is None:
            return None
        return 0, round(band[0] * self.height), self.width, round(band[1] * self.height)

    # -- layers

    def free(self, box: IntBox, kind: str = "text", ignore: Iterable[str] = ()) -> bool:
        """True when ``box`` may take a layer of ``kind``: no other layer there and, for a
        text or logo, out of the caption band."""
        skip = set(ignore)
        if any(
            overlaps(box, layer.box) for layer in self.layers.values() if layer.name not in skip
        ):
            return False
        band = self.band
        return not (kind in ("text", "logo") and band is not None and overlaps(box, band))

    def add(self, name: str, kind: str, box: IntBox) -> IntBox:
        if kind not in KINDS:
            raise ValueError(f"unknown layer kind {kind!r}")
        self.layers[name] = Layer(name, kind, tuple(int(v) for v in box))  # type: ignore[arg-type]
        return self.layers[name].box

    def boxes(self) -> dict[str, IntBox]:
        return {name: layer.box for name, layer in self.layers.items()}

    def moves(self, box: IntBox) -> list[IntBox]:
        """``box`` as drawn and at every moment of the still's camera move."""
        return [box, *(moved(box, c, self.width, self.height) for c in self.path())]

    def problems(self) -> list[str]:
        """Every broken rule, in words (empty: the still is right)."""
        out: list[str] = []
        layers = list(self.layers.values())
        frame = (0, 0, self.width, self.height)
        for i, a in enumerate(layers):
            for b in layers[i + 1 :]:
                if overlaps(a.box, b.box):
                    out.append(f"{a.name} overlaps {b.name}")
        band = self.band
        moving = bool(self.path())
        if moving and not FOCUS_RANGE[0] <= self.focus[1] <= FOCUS_RANGE[1]:
            out.append(f"the camera's focus {self.focus[1]:.2f} is out of {FOCUS_RANGE}")
        if self.motion == "push_in" and not FOCUS_X_RANGE[0] <= self.focus[0] <= FOCUS_X_RANGE[1]:
            out.append(f"the push-in's focus {self.focus[0]:.2f} is out of {FOCUS_X_RANGE}")
        reach = self.px(moved_zone(self.width, self.height))
        zone = self.zone  # worked out once: for a moving still it walks every camera path
        for layer in layers:
            if not inside(layer.box, frame):
                out.append(f"{layer.name} is cut by the frame")
            shown = self.moves(layer.box)
            if layer.kind in ("text", "logo") or self.safe_area is not None:
                if not inside(layer.box, zone, slack=0 if self.safe_area is not None else 1):
                    where = "safe zone" if self.safe_area is not None else "text zone"
                    out.append(f"{layer.name} is out of the {where}")
                if band is not None and any(overlaps(box, band) for box in shown):
                    out.append(f"{layer.name} is in the caption band")
            if layer.kind in ("text", "logo") and self.safe_area is None:
                if not all(inside(box, frame) for box in shown):
                    out.append(f"{layer.name} is cut by the frame during the {self.motion}")
                elif not all(inside(box, reach, slack=1) for box in shown):
                    out.append(f"{layer.name} leaves the safe zone during the {self.motion}")
            if layer.kind == "product":
                if not all(inside(box, frame) for box in shown):
                    out.append(f"{layer.name} is cut by the frame during the {self.motion}")
                if max(area(box) for box in shown) > (
                    self.max_product_share * self.width * self.height * 1.02
                ):
                    out.append(f"{layer.name} is larger than its share of the frame")
                centre_y = (layer.box[1] + layer.box[3]) / 2
                if band is not None and band[1] <= centre_y < band[3]:
                    out.append(f"{layer.name}'s centre is in the caption band")
        return out


def stack(
    heights: list[int], top: int, bottom: int, gaps: list[int], *, align: str = "center"
) -> list[int]:
    """The top of each of a column's items of ``heights``, ``gaps[i]`` between item i and i+1,
    placed in ``top``..``bottom`` (centred, or from the top)."""
    total = sum(heights) + sum(gaps[: max(0, len(heights) - 1)])
    y = top if align == "top" else top + max(0, (bottom - top - total) // 2)
    out = []
    for i, h in enumerate(heights):
        out.append(y)
        y += h + (gaps[i] if i < len(gaps) else 0)
    return out
