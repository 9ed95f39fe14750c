"""Scene stills as a professional frame (issue 22): the product whole in every shot (cut out of
its photo), typographic scenes without a photo, no two layers overlapping, every text and the
logo legible against what is actually behind it, an end card that says the call to action
once and large. Every check is made on the rendered pixels where it can be."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from aytada.providers import ffmpeg as ff
from aytada.providers.base import ImageRequest, SegmentRequest
from aytada.providers.layer_plan import (
    PUSH_IN_ZOOM,
    LayerPlan,
    caption_band,
    overlaps,
    text_zone,
)
from aytada.providers.motion import BUILD_SHARE
from aytada.providers.offline import FfmpegMotionClips, PillowImages
from aytada.providers.offline.cutout import cut_out
from aytada.providers.offline.icons import icon_font_path, icon_for
from aytada.providers.offline.images import LAYOUTS, MOTION_FOR_LAYOUT, Composition
from tests.conftest import missing

BUILT = 1.5 * BUILD_SHARE + 0.07
"""When the layers of a 1.5 s clip have all entered (the camera moves from there)."""

MAGENTA = (255, 0, 255)  # the product's body: no brand colour or set is near it
GREEN = (0, 200, 60)  # a mid-tone logo
NAVY = (20, 24, 60)  # a dark logo
SHAPES = {"9:16": (540, 960), "1:1": (540, 540), "16:9": (960, 540)}
SHORT = {"title": "Kora", "caption": "Wake up gently.", "call_to_action": "Order now"}
LONG = {
    "title": "Kora Slow-Steeped Organic Cold Brew Coffee Concentrate",
    "caption": "Eighteen hours of slow steeping for a smooth cup without the bitter edge",
    "call_to_action": "Claim 15% off your first three-month subscription today",
    "destination": "korabrew.com/subscribe/first-order",
}
COLORS = [("#1F3A93", "#F5B041"), ("#FFD400",), ("#101418", "#1A1F2B"), ("#E4F1EC", "#FFFFFF")]


def bottle(path: Path, background: tuple[int, int, int] = (255, 255, 255), size=(600, 800)) -> Path:
    """A product photo as uploads often are: a bottle on a plain background (its body magenta,
    a near-white label inside it, a dark cap)."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    sx, sy = size[0] / 600, size[1] / 800
    draw.rounded_rectangle((220 * sx, 250 * sy, 380 * sx, 740 * sy), radius=40 * sx, fill=MAGENTA)
    draw.rectangle((265 * sx, 150 * sy, 335 * sx, 255 * sy), fill=MAGENTA)  # neck
    draw.rectangle((255 * sx, 110 * sy, 345 * sx, 160 * sy), fill=(40, 40, 40))  # cap
    draw.rectangle((240 * sx, 420 * sy, 360 * sx, 560 * sy), fill=(250, 246, 250))  # label
    image.save(path, quality=95)
    return path


def logo(path: Path, color: tuple[int, int, int]) -> Path:
    image = Image.new("RGBA", (400, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((5, 5, 135, 135), fill=(*color, 255))
    draw.rectangle((160, 45, 395, 95), fill=(*color, 255))
    image.save(path)
    return path


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    return {
        "photo": bottle(folder / "bottle.jpg"),
        "photo_on_colour": bottle(folder / "bottle-teal.png", background=(40, 150, 160)),
        "small_photo": bottle(folder / "small.png", size=(90, 120)),
        "logo": logo(folder / "logo.png", GREEN),
        "dark_logo": logo(folder / "dark-logo.png", NAVY),
    }


def _compose(size: tuple[int, int], layout: str, **fields: object) -> Composition:
    request = {"prompt": "scene", "width": size[0], "height": size[1], "brand_name": "Kora",
               "colors": ("#2E1A47", "#F7B267"), "seed": 5, "layout": layout}  # fmt: skip
    request.update(fields)
    return PillowImages().compose(ImageRequest(**request))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pixel helpers


def _near(image: Image.Image, color: tuple[int, int, int], tolerance: int = 60) -> Image.Image:
    """A mask (255) of the pixels within ``tolerance`` (largest channel difference) of
    ``color``."""
    diff = ImageChops.difference(image.convert("RGB"), Image.new("RGB", image.size, color))
    r, g, b = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b)
    return worst.point(lambda v: 255 if v <= tolerance else 0)


def _luminance(color: tuple[int, ...]) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color[0]) + 0.7152 * channel(color[1]) + 0.0722 * channel(color[2])


def _worst_contrast_behind(
    image: Image.Image, box: tuple[int, int, int, int], ink: tuple[int, int, int]
) -> float:
    """The lowest contrast of ``ink`` against the rendered pixels in ``box`` that are not
    ``ink``'s own glyphs: every pixel more than 2 px away from a pixel of the ink's colour."""
    crop = image.convert("RGB").crop(box)
    glyphs = _near(crop, ink, 40).filter(ImageFilter.MaxFilter(5))
    behind = Image.new("RGB", crop.size, ink)
    behind.paste(crop, (0, 0), glyphs.point(lambda v: 0 if v else 255))
    colours = behind.getcolors(crop.width * crop.height) or []
    ink_y = _luminance(ink)
    worst = 21.0
    for _count, colour in colours:
        if colour == ink:
            continue
        y = _luminance(colour)
        worst = min(worst, (max(y, ink_y) + 0.05) / (min(y, ink_y) + 0.05))
    return worst


def _product_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    return _near(image, MAGENTA).getbbox()


# --------------------------------------------------------------------------- the cut-out


@pytest.mark.parametrize("background", [(255, 255, 255), (40, 150, 160), (236, 232, 226)])
def test_a_product_on_a_plain_background_is_cut_out(tmp_path: Path, background) -> None:
    with Image.open(bottle(tmp_path / "p.png", background=background)) as photo:
        cut = cut_out(photo)
    assert cut is not None and cut.image.mode == "RGBA"
    alpha = cut.image.getchannel("A")
    w, h = cut.image.size
    # trimmed to the bottle (160×630 of the 600×800 photo), give or take the feather
    assert abs(w - 160) <= 4 and abs(h - 630) <= 4, cut.image.size
    # the background is transparent: the corners beside the neck
    for x, y in ((2, 2), (w - 3, 2), (2, 130), (w - 3, 130)):
        assert alpha.getpixel((x, y)) < 20, (x, y)
    # the product is kept, opaque: its body, its cap and the near-white label inside it
    for x, y in ((w // 2, h - 40), (w // 2, 20), (w // 2, 240)):
        assert alpha.getpixel((x, y)) == 255, (x, y)
    body = cut.image.convert("RGB").getpixel((w // 2, h - 40))
    assert max(abs(a - b) for a, b in zip(body, MAGENTA, strict=True)) < 30  # no tint


def test_a_photo_with_a_busy_background_is_not_cut(tmp_path: Path) -> None:
    image = Image.effect_noise((400, 300), 90).convert("RGB")
    assert cut_out(image) is None


def test_a_photo_with_its_own_transparency_keeps_it(tmp_path: Path) -> None:
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((50, 80, 250, 220), fill=(*MAGENTA, 255))
    cut = cut_out(image)
    assert cut is not None and cut.background is None
    assert cut.image.size == (201, 141)


# --------------------------------------------------------------------------- no overlaps


def _cases() -> list[tuple[str, str, bool, bool, str]]:
    return list(
        itertools.product(SHAPES, ("short", "long"), (True, False), (True, False), ("bottom",))
    ) + [(shape, "long", True, True, position) for shape in SHAPES for position in
         ("top", "middle", "off")]  # fmt: skip


@pytest.mark.parametrize(("ratio", "copy", "with_photo", "with_logo", "position"), _cases())
def test_no_two_layers_overlap_and_text_stays_clear_of_the_captions(
    uploads: dict[str, Path], ratio: str, copy: str, with_photo: bool, with_logo: bool,
    position: str,
) -> None:  # fmt: skip
    size = SHAPES[ratio]
    words = dict(SHORT if copy == "short" else LONG)
    for layout in LAYOUTS:
        fields = dict(words)
        if layout != "end_card":
            fields.pop("destination", None)
        result = _compose(size, layout, product_photo=str(uploads["photo"]) if with_photo else "",
                          logo=str(uploads["logo"]) if with_logo else "",
                          caption_position=position, **fields)  # fmt: skip
        where = f"{ratio} {copy} photo={with_photo} logo={with_logo} {position} {layout}"
        assert result.problems == [], where
        boxes = result.boxes
        for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
            assert not overlaps(box_a, box_b), f"{where}: {a} {box_a} overlaps {b} {box_b}"
        zone = text_zone(*size, position)
        band = caption_band(*size, position)
        w, h = size
        for name, box in boxes.items():
            if name in ("product", "icon"):
                continue
            assert box[0] >= zone[0] * w - 1 and box[2] <= zone[2] * w + 1, (where, name)
            assert box[1] >= zone[1] * h - 1 and box[3] <= zone[3] * h + 1, (where, name)
            if band is not None:
                assert box[3] <= band[0] * h or box[1] >= band[1] * h, (where, name, "band")
        assert ("product" in boxes) == with_photo, where
        if with_photo and band is not None:
            centre = (boxes["product"][1] + boxes["product"][3]) / 2
            assert not band[0] * h <= centre <= band[1] * h, (where, "product centre in band")
        if layout == "end_card" and "logo" not in boxes and with_logo:
            # the one thing a cramped 9:16 end card (the captions over its top half, a call
            # to action of five lines) leaves out, so that the product stays
            assert (ratio, copy, position) in (("9:16", "long", "top"), ("9:16", "long", "middle"))
        else:
            assert ("logo" in boxes) == with_logo, where
        if not with_photo and layout != "end_card":
            assert "line" in result.text_layers and "icon" in boxes, where


def test_the_plan_finds_overlaps_and_text_in_the_caption_band() -> None:
    plan = LayerPlan(540, 960, "bottom")
    plan.add("name", "text", (60, 200, 400, 260))
    plan.add("logo", "logo", (300, 240, 420, 300))
    plan.add("cta", "text", (60, 700, 400, 760))  # in the bottom band (0.72–0.84 of 960)
    problems = plan.problems()
    assert "name overlaps logo" in problems
    assert "cta is in the caption band" in problems
    top = LayerPlan(540, 960, "top")
    assert top.zone[1] > plan.zone[1]  # text starts under a top caption


# --------------------------------------------------------------------------- contrast


@pytest.mark.parametrize("colors", COLORS)
@pytest.mark.parametrize("with_photo", [True, False])
@pytest.mark.parametrize("ratio", ["9:16", "16:9"])
def test_every_text_and_the_logo_read_against_the_pixels_behind_them(
    uploads: dict[str, Path], colors: tuple[str, ...], with_photo: bool, ratio: str
) -> None:
    for layout, mark in itertools.product(LAYOUTS, ("logo", "dark_logo")):
        result = _compose(SHAPES[ratio], layout, colors=colors, logo=str(uploads[mark]),
                          product_photo=str(uploads["photo"]) if with_photo else "",
                          destination="korabrew.com" if layout == "end_card" else "",
                          **SHORT)  # fmt: skip
        image = result.image
        where = f"{colors} {ratio} photo={with_photo} {layout} {mark}"
        assert result.text_layers or (with_photo and layout in ("hero", "detail")), where
        for role, text in result.text_layers.items():
            worst = _worst_contrast_behind(image, text.box, text.color)
            assert worst >= 4.5, f"{where}: {role} {text.color} at {worst:.2f}"
        logo_colour = GREEN if mark == "logo" else NAVY
        x0, y0, x1, y1 = result.marks["logo"]  # the logo and a few pixels around it
        around = (x0 - 3, y0 - 3, x1 + 3, y1 + 3)
        worst = _worst_contrast_behind(image, around, logo_colour)
        assert worst >= 4.5, f"{where}: the logo at {worst:.2f}"


def test_a_dark_logo_on_a_dark_brand_colour_gets_a_light_plate(uploads: dict[str, Path]) -> None:
    result = _compose(SHAPES["9:16"], "hero", colors=("#101418",), logo=str(uploads["dark_logo"]),
                      **SHORT)  # fmt: skip
    assert result.colors["logo_plate"] == (255, 255, 255)
    x0, y0, x1, y1 = result.boxes["logo"]
    corner = result.image.convert("RGB").getpixel((x0 + (x1 - x0) // 2, y0 + 2))
    assert min(corner) > 240  # the plate itself is drawn


# --------------------------------------------------------------------------- the product


@pytest.mark.parametrize("ratio", SHAPES)
@pytest.mark.parametrize("source", ["photo", "photo_on_colour"])
def test_the_product_is_whole_and_at_most_a_third_of_the_frame(
    uploads: dict[str, Path], ratio: str, source: str
) -> None:
    size = SHAPES[ratio]
    w, h = size
    areas = {}
    for layout in LAYOUTS:
        words = LONG if layout == "end_card" else SHORT
        result = _compose(size, layout, product_photo=str(uploads[source]),
                          logo=str(uploads["logo"]), **words)  # fmt: skip
        assert result.cutout, f"{ratio} {layout}: the bottle is cut out of its background"
        found = _product_box(result.image)
        assert found is not None, f"{ratio} {layout}: no product"
        x0, y0, x1, y1 = found
        # never cut: the product's pixels touch no edge of the frame
        assert x0 > 0 and y0 > 0 and x1 < w and y1 < h, f"{ratio} {layout}: cut at {found}"
        # the drawn box holds the whole bottle (the magenta body inside the trimmed cut-out)
        bx0, by0, bx1, by1 = result.boxes["product"]
        assert bx0 <= x0 and by0 <= y0 and bx1 >= x1 and by1 >= y1
        assert (bx1 - bx0) / (by1 - by0) == pytest.approx(160 / 630, rel=0.06), "not stretched"
        share = (bx1 - bx0) * (by1 - by0) / (w * h)
        assert share <= 1 / 3, f"{ratio} {layout}: {share:.2f} of the frame"
        if MOTION_FOR_LAYOUT[layout] == "push_in":  # still whole at the end of the push-in
            fx, fy = result.focus[0] * w, result.focus[1] * h
            z = PUSH_IN_ZOOM
            pushed = (fx + (bx0 - fx) * z, fy + (by0 - fy) * z, fx + (bx1 - fx) * z,
                      fy + (by1 - fy) * z)  # fmt: skip
            assert pushed[0] >= 0 and pushed[1] >= 0 and pushed[2] <= w and pushed[3] <= h
            assert share * z * z <= 1 / 3 + 0.01
        areas[layout] = share
    assert areas["detail"] > 1.3 * areas["hero"], "the detail is a closer shot"
    assert areas["hero"] > 1.3 * areas["context"], "in context, the product is smaller"


@pytest.mark.slow
@pytest.mark.parametrize("ratio", ["9:16", "16:9"])
def test_the_product_is_still_whole_at_the_end_of_the_push_in(
    uploads: dict[str, Path], ratio: str, tmp_path: Path
) -> None:
    size = SHAPES[ratio]
    for layout in ("hero", "detail", "context"):
        still = PillowImages().image(
            ImageRequest(prompt="p", width=size[0], height=size[1], title="Kora", layout=layout,
                         product_photo=str(uploads["photo"]), logo=str(uploads["logo"])),
            tmp_path / f"{layout}.png",
        )  # fmt: skip
        video = FfmpegMotionClips().segment(
            SegmentRequest(still=still, prompt="p", seconds=1.5, width=size[0], height=size[1],
                           caption="", motion=MOTION_FOR_LAYOUT[layout]),
            tmp_path / f"{layout}.mp4",
        )  # fmt: skip
        boxes = []
        for at in (BUILT, 1.45):  # once the product has entered, and at the end
            with Image.open(ff.extract_frame(video, at, tmp_path / f"{layout}{at}.png")) as frame:
                boxes.append(_product_box(frame.convert("RGB")))
        first, last = boxes
        assert first is not None and last is not None, layout
        x0, y0, x1, y1 = last
        assert x0 > 0 and y0 > 0 and x1 < size[0] and y1 < size[1], f"{ratio} {layout}: {last}"
        assert (y1 - y0) > (first[3] - first[1]), f"{ratio} {layout}: pushed in"


def test_a_small_photo_is_not_blown_up(uploads: dict[str, Path]) -> None:
    result = _compose((1080, 1920), "detail", product_photo=str(uploads["small_photo"]), **SHORT)
    x0, y0, x1, y1 = result.boxes["product"]
    # the bottle is 24×95 px in the 90×120 photo: enlarged 1.25× at most (and its feather)
    assert y1 - y0 <= 95 * 1.25 + 4


def test_a_busy_photo_is_shown_whole_as_a_card(tmp_path: Path) -> None:
    busy = tmp_path / "busy.png"
    Image.effect_noise((300, 400), 90).convert("RGB").save(busy)
    result = _compose(SHAPES["9:16"], "detail", product_photo=str(busy), **SHORT)
    assert not result.cutout
    x0, y0, x1, y1 = result.boxes["product"]
    assert (x1 - x0) / (y1 - y0) == pytest.approx(300 / 400, rel=0.03)
    assert result.problems == []


# --------------------------------------------------------------------------- without a photo


@pytest.mark.parametrize("ratio", SHAPES)
def test_without_a_photo_the_line_is_set_large_with_an_icon(
    uploads: dict[str, Path], ratio: str
) -> None:
    size = SHAPES[ratio]
    for layout in ("hero", "detail", "context"):
        result = _compose(size, layout, logo=str(uploads["logo"]), title="TaskPilot",
                          caption="Turn meeting notes into tasks in minutes")  # fmt: skip
        line = result.text_layers["line"]
        assert result.texts["line"] == "Turn meeting notes into tasks in minutes"
        assert line.size >= 0.04 * size[1], f"{ratio} {layout}: {line.size}px"
        assert line.size <= 0.1 * size[1], "no giant letters"
        assert result.texts["kicker"] == "TaskPilot", "the product is named"
        assert result.icon == icon_for("Turn meeting notes into tasks in minutes", layout)
        # the line is drawn: its own colour covers a fair part of its box
        x0, y0, x1, y1 = line.box
        ink = _near(result.image.crop(line.box), line.color, 40).histogram()[255]
        assert ink > 0.08 * (x1 - x0) * (y1 - y0)


def test_the_icon_comes_from_the_icon_font() -> None:
    """scripts/system-packages.sh installs fonts-material-design-icons-iconfont; without it the
    icon is a shape drawn with Pillow (a failure in CI, where the font must be there)."""
    if icon_font_path() is None:
        missing("the Material Icons font", "scripts/system-packages.sh installs "
                "fonts-material-design-icons-iconfont")  # fmt: skip
    result = _compose(SHAPES["9:16"], "hero", title="TaskPilot", caption="Ship faster")
    assert result.icon == "bolt" and result.icon_drawn == "font"


def test_without_the_icon_font_a_shape_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    from aytada.providers.offline import icons

    monkeypatch.setattr(icons, "icon_font_path", lambda: None)
    icons._icon_font.cache_clear()
    try:
        result = _compose(SHAPES["9:16"], "hero", title="TaskPilot", caption="Ship faster")
    finally:
        icons._icon_font.cache_clear()
    assert result.icon_drawn == "shape" and result.problems == []


# --------------------------------------------------------------------------- the end card


@pytest.mark.parametrize("ratio", SHAPES)
@pytest.mark.parametrize("with_photo", [True, False])
@pytest.mark.parametrize("copy", ["short", "long"])
def test_the_end_card_says_the_call_to_action_once_and_large(
    uploads: dict[str, Path], ratio: str, with_photo: bool, copy: str
) -> None:
    size = SHAPES[ratio]
    words = dict(SHORT if copy == "short" else LONG)
    words.setdefault("destination", "korabrew.com")
    result = _compose(size, "end_card", logo=str(uploads["logo"]),
                      product_photo=str(uploads["photo"]) if with_photo else "",
                      **words)  # fmt: skip
    cta = words["call_to_action"]
    said = [role for role, text in result.texts.items() if cta.lower() in text.lower()]
    assert said == ["cta"], result.texts
    layer = result.text_layers["cta"]
    assert layer.size >= 0.04 * size[1], f"{layer.size}px on a {size[1]}px frame"
    # measured on the pixels: each line's capitals are at least 0.7 × 4 % of the height
    x0, y0, x1, y1 = layer.box
    ink = _near(result.image.crop(layer.box), layer.color, 60)
    rows = [y for y in range(y1 - y0) if ink.crop((0, y, x1 - x0, y + 1)).getbbox()]
    assert rows and (max(rows) - min(rows) + 1) >= layer.lines * 0.028 * size[1]
    # the destination under it, the logo under no text
    dest, button = result.boxes["destination"], result.boxes["cta"]
    assert dest[1] >= button[3]
    assert result.texts["destination"] == words["destination"]
    for name, box in result.boxes.items():
        if name != "logo":
            assert not overlaps(box, result.boxes["logo"]), name
