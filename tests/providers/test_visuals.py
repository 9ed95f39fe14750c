"""Offline scene visuals: stills built around the product photo, and the camera moves over them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from aytada.providers import ffmpeg as ff
from aytada.providers.base import ImageRequest, ProviderError, SegmentRequest
from aytada.providers.motion import BUILD_SHARE
from aytada.providers.offline import FfmpegMotionClips, PillowImages
from aytada.providers.offline.images import (
    LAYOUTS,
    SAFE_ZONE,
    Composition,
    contrast_ratio,
    frame_shape,
)
from tests.providers.test_scene_stills import logo as drawn_logo

BUILT = 1.5 * BUILD_SHARE + 0.07
"""When the layers of a 1.5 s clip have all entered (the camera moves from there)."""

MAGENTA = (255, 0, 255)  # the product: a bottle no brand colour or backdrop is near
GREEN = (0, 200, 60)  # the logo
# Standard quality (2/3 of 1080x1920, 1920x1080, 1080x1080)
SIZES = {"9:16": (720, 1280), "16:9": (1280, 720), "1:1": (720, 720)}


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A product photo as uploads often are: the product on a plain white background."""
    path = tmp_path_factory.mktemp("uploads") / "bottle.jpg"
    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((220, 250, 380, 740), radius=40, fill=MAGENTA)  # body
    draw.rectangle((265, 150, 335, 255), fill=MAGENTA)  # neck
    draw.rectangle((255, 110, 345, 160), fill=(40, 40, 40))  # cap
    draw.rectangle((240, 420, 360, 560), fill=(250, 245, 250))  # label
    image.save(path, quality=95)
    return path


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return drawn_logo(tmp_path_factory.mktemp("uploads") / "logo.png", GREEN)


def _request(size: tuple[int, int], layout: str, **extra: object) -> ImageRequest:
    fields: dict = {
        "prompt": "scene", "width": size[0], "height": size[1], "title": "GlowCo Hydrating Serum",
        "brand_name": "GlowCo", "colors": ("#1F3A93", "#F5B041"), "seed": 7, "layout": layout,
        "caption": "THIS CAPTION IS BURNED BY THE CLIP STEP", "call_to_action": "Shop the serum",
    }  # fmt: skip
    fields.update(extra)
    return ImageRequest(**fields)


def _share(image: Image.Image, color: tuple[int, int, int], tolerance: int = 60) -> float:
    """Fraction of pixels within ``tolerance`` (sum of channel differences / 3) of ``color``."""
    rgb = image.convert("RGB")
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, color)).convert("L")
    near = diff.point(lambda v: 255 if v < tolerance else 0)
    return near.histogram()[255] / (rgb.width * rgb.height)


def _centroid(image: Image.Image, color: tuple[int, int, int]) -> tuple[float, float]:
    rgb = image.convert("RGB")
    mask = ImageChops.difference(rgb, Image.new("RGB", rgb.size, color)).convert("L")
    mask = mask.point(lambda v: 255 if v < 60 else 0).convert("F")
    columns = mask.resize((rgb.width, 1), Image.Resampling.BOX)  # mean of each column
    rows = mask.resize((1, rgb.height), Image.Resampling.BOX)
    xs = [columns.getpixel((x, 0)) for x in range(rgb.width)]
    ys = [rows.getpixel((0, y)) for y in range(rgb.height)]
    total = sum(xs)
    assert total, "no product pixels"
    return (sum(i * v for i, v in enumerate(xs)) / total / rgb.width,
            sum(i * v for i, v in enumerate(ys)) / total / rgb.height)  # fmt: skip


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def _compose(size: tuple[int, int], layout: str, **extra: object) -> Composition:
    return PillowImages().compose(_request(size, layout, **extra))


def _inside(box: tuple[int, int, int, int], zone: tuple[float, float, float, float],
            size: tuple[int, int]) -> bool:  # fmt: skip
    w, h = size
    return (box[0] >= zone[0] * w - 1 and box[1] >= zone[1] * h - 1
            and box[2] <= zone[2] * w + 1 and box[3] <= zone[3] * h + 1)  # fmt: skip


# --------------------------------------------------------------------------------------------
# stills


def _assert_look_different(images: dict[str, Image.Image], least: float, ratio: str) -> None:
    """No two of these pictures (by layout) are alike: mean pixel difference above ``least``."""
    for a, b in itertools.combinations(images, 2):
        assert _mean_difference(images[a], images[b]) > least, f"{ratio}: {a} and {b} look alike"


@pytest.mark.parametrize("ratio", SIZES)
def test_every_layout_shows_the_product_and_the_logo(ratio: str, photo: Path, logo: Path) -> None:
    size = SIZES[ratio]
    images = {}
    for layout in LAYOUTS:
        result = _compose(size, layout, product_photo=str(photo), logo=str(logo))
        assert result.image.size == size and result.layout == layout
        assert _share(result.image, MAGENTA) > 0.01, f"{ratio} {layout}: no product pixels"
        assert _share(result.image, GREEN) > 0.0005, f"{ratio} {layout}: no logo"
        # the bottle cut out of its white background (160×630 of the 600×800 photo), whole in
        # every layout, its aspect ratio kept
        x0, y0, x1, y1 = result.boxes["product"]
        assert (x1 - x0) / (y1 - y0) == pytest.approx(160 / 630, rel=0.06)
        images[layout] = result.image
    _assert_look_different(images, 12, ratio)


def test_detail_is_a_closer_shot_of_the_whole_product(photo: Path) -> None:
    hero = _compose(SIZES["9:16"], "hero", product_photo=str(photo))
    detail = _compose(SIZES["9:16"], "detail", product_photo=str(photo))
    # the bottle is larger in the detail than in the hero shot, and still whole
    assert _share(detail.image, MAGENTA) > 1.5 * _share(hero.image, MAGENTA)
    x0, y0, x1, y1 = detail.boxes["product"]
    assert x0 > 0 and y0 > 0 and x1 < SIZES["9:16"][0] and y1 < SIZES["9:16"][1]


def test_logo_is_small_in_the_corner_and_large_on_the_end_card(photo: Path, logo: Path) -> None:
    size = SIZES["9:16"]
    hero = _compose(size, "hero", product_photo=str(photo), logo=str(logo))
    end = _compose(size, "end_card", product_photo=str(photo), logo=str(logo))
    corner, big = hero.boxes["logo"], end.boxes["logo"]
    assert corner[0] < size[0] * 0.15 and corner[1] < size[1] * 0.25, "top-left corner"
    assert (big[2] - big[0]) > 1.3 * (corner[2] - corner[0])
    assert _share(end.image, GREEN) > 1.6 * _share(hero.image, GREEN)


@pytest.mark.parametrize(
    "colors",
    [("#1F3A93", "#F5B041"), ("#FFFF00", "#FFFFFF"), ("#111111", "#1A1A1A"), ("#00A3FF",)],
)
@pytest.mark.parametrize("with_photo", [True, False])
def test_call_to_action_is_legible(
    colors: tuple[str, ...], with_photo: bool, photo: Path, logo: Path
) -> None:
    result = _compose(SIZES["9:16"], "end_card", colors=colors, logo=str(logo),
                      product_photo=str(photo) if with_photo else "")  # fmt: skip
    x0, y0, x1, y1 = result.boxes["cta"]
    button = result.image.convert("RGB").crop((x0, y0, x1, y1))
    counts = sorted(button.getcolors(button.width * button.height), reverse=True)
    fill = counts[0][1]
    # the text's own colour: the most frequent colour that is far from the fill
    far = [c for _, c in counts[1:] if sum(abs(a - b) for a, b in zip(c, fill, strict=True)) > 200]
    text = far[0]
    assert contrast_ratio(fill, text) >= 4.5, (colors, fill, text)
    assert result.colors["cta_fill"] == fill and result.colors["cta_text"] == text


@pytest.mark.parametrize("with_photo", [True, False])
def test_text_stays_in_the_safe_zone(with_photo: bool, photo: Path, logo: Path) -> None:
    size = SIZES["9:16"]
    long_name = "GlowCo Ultra Hydrating Overnight Recovery Serum with Hyaluronic Acid"
    for layout in LAYOUTS:
        result = _compose(size, layout, title=long_name, logo=str(logo),
                          product_photo=str(photo) if with_photo else "",
                          call_to_action="Start your free thirty day trial today")  # fmt: skip
        for element in ("name", "brand", "cta", "logo", "brand_mark", "line", "kicker",
                        "destination"):  # fmt: skip
            if element in result.boxes:
                assert _inside(result.boxes[element], SAFE_ZONE["tall"], size), (layout, element)


def test_caption_is_not_drawn_on_a_still_with_the_product(photo: Path) -> None:
    for layout in LAYOUTS:
        a = _compose(SIZES["9:16"], layout, product_photo=str(photo), caption="One caption")
        b = _compose(SIZES["9:16"], layout, product_photo=str(photo), caption="Another, longer")
        assert _mean_difference(a.image, b.image) == 0


@pytest.mark.parametrize("ratio", SIZES)
def test_without_a_photo_the_line_and_the_name_are_the_picture(ratio: str, logo: Path) -> None:
    size = SIZES[ratio]
    images = {}
    for layout in LAYOUTS:
        result = _compose(size, layout, logo=str(logo))
        other = _compose(size, layout, logo=str(logo), title="Northwind Trail Shoes",
                         caption="Trails feel shorter in these")  # fmt: skip
        # the scene's line set large (the end card: the name), the product named in every one
        role = "name" if layout == "end_card" else "line"
        box = result.boxes[role]
        region_a = result.image.crop(box)
        region_b = other.image.crop(box)
        assert _mean_difference(region_a, region_b) > 5, f"{layout}: the {role} is drawn"
        assert result.text_layers[role].size >= size[1] * 0.04, f"{layout}: the {role} is large"
        assert "GlowCo Hydrating Serum" in result.texts.values(), f"{layout}: the product named"
        images[layout] = result.image
    _assert_look_different(images, 8, ratio)


def test_wide_and_square_have_their_own_compositions(photo: Path) -> None:
    tall = _compose(SIZES["9:16"], "hero", product_photo=str(photo))
    wide = _compose(SIZES["16:9"], "hero", product_photo=str(photo))
    square = _compose(SIZES["1:1"], "hero", product_photo=str(photo))
    assert (frame_shape(*SIZES["9:16"]), frame_shape(*SIZES["16:9"])) == ("tall", "wide")
    # 16:9: the product beside the name, not a letterboxed portrait
    product, name = wide.boxes["product"], wide.boxes["name"]
    assert name[2] <= product[0], "the name is left of the product"
    assert (product[3] - product[1]) >= 0.45 * SIZES["16:9"][1]
    for result in (tall, square):
        x0, _, x1, _ = result.boxes["product"]
        assert abs((x0 + x1) / 2 - result.image.width / 2) < 4, "hero: the product is centred"


def test_banner_background_without_product_or_name_stays_plain() -> None:
    request = ImageRequest(prompt="background", width=600, height=400, colors=("#0B6E4F",))
    result = PillowImages().compose(request)
    assert result.layout == "background" and not result.boxes


def test_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "photo.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(ProviderError, match="product photo could not be read"):
        PillowImages().compose(_request(SIZES["1:1"], "hero", product_photo=str(broken)))
    with pytest.raises(ProviderError, match="unknown scene layout"):
        PillowImages().compose(_request(SIZES["1:1"], "collage"))


# --------------------------------------------------------------------------------------------
# motion


def _render(still: Path, out: Path, size: tuple[int, int], motion: str = "") -> Path:
    request = SegmentRequest(still=still, prompt="p", seconds=1.5, width=size[0], height=size[1],
                             caption="Hydration that lasts", motion=motion)  # fmt: skip
    return FfmpegMotionClips().segment(request, out)


def _frame(video: Path, at: float, out: Path) -> Image.Image:
    with Image.open(ff.extract_frame(video, at, out)) as image:
        return image.convert("RGB")


@pytest.mark.slow
@pytest.mark.parametrize("ratio", SIZES)
def test_every_scene_segment_shows_the_product(
    ratio: str, photo: Path, logo: Path, tmp_path: Path
) -> None:
    size = SIZES[ratio]
    for layout in LAYOUTS:
        still = PillowImages().image(
            _request(size, layout, product_photo=str(photo), logo=str(logo)),
            tmp_path / f"{layout}.png",
        )
        video = _render(still, tmp_path / f"{layout}.mp4", size)
        info = ff.probe(video)
        assert (info["width"], info["height"], info["audio_codec"]) == (*size, None)
        assert abs(info["duration"] - 1.5) < 0.05
        middle = _frame(video, 0.75, tmp_path / f"{layout}-mid.png")
        assert _share(middle, MAGENTA) > 0.01, f"{ratio} {layout}: no product mid-scene"
        assert _share(middle, GREEN) > 0.0003, f"{ratio} {layout}: no logo mid-scene"


@pytest.mark.slow
def test_push_in_grows_the_product_in_place(photo: Path, tmp_path: Path) -> None:
    size = SIZES["9:16"]
    still = PillowImages().image(_request(size, "context", product_photo=str(photo)),
                                 tmp_path / "context.png")  # fmt: skip
    video = _render(still, tmp_path / "push.mp4", size)  # context → push_in by default
    first = _frame(video, BUILT, tmp_path / "a.png")  # once the product has entered
    last = _frame(video, 1.45, tmp_path / "b.png")
    assert _share(last, MAGENTA) > 1.08 * _share(first, MAGENTA), "the product grows"
    (ax, ay), (bx, by) = _centroid(first, MAGENTA), _centroid(last, MAGENTA)
    assert abs(ax - bx) < 0.015 and abs(ay - by) < 0.015, "zooming towards the product"


@pytest.mark.slow
def test_pan_moves_across_the_detail(photo: Path, tmp_path: Path) -> None:
    size = SIZES["9:16"]
    still = PillowImages().image(_request(size, "detail", product_photo=str(photo)),
                                 tmp_path / "detail.png")  # fmt: skip
    video = _render(still, tmp_path / "pan.mp4", size, motion="pan")
    (ax, _), (bx, _) = (_centroid(_frame(video, t, tmp_path / f"{t}.png"), MAGENTA)
                        for t in (BUILT, 1.45))  # fmt: skip
    assert 0.02 < abs(ax - bx) < 0.15, "a gentle horizontal pan"


@pytest.mark.slow
def test_end_card_slides_in_then_holds(photo: Path, logo: Path, tmp_path: Path) -> None:
    size = SIZES["9:16"]
    still = PillowImages().image(
        _request(size, "end_card", product_photo=str(photo), logo=str(logo)),
        tmp_path / "end.png",
    )
    video = _render(still, tmp_path / "end.mp4", size)  # end_card → slide_in by default
    start = _frame(video, 0.0, tmp_path / "0.png")
    # its logo, name and call to action enter once it has slid in (within 0.8 s of this
    # 1.5 s clip: tests/providers/test_motion.py), then it holds
    settled = _frame(video, 1.0, tmp_path / "1.png")
    held = _frame(video, 1.45, tmp_path / "2.png")
    assert _share(start, MAGENTA) < 0.2 * _share(held, MAGENTA), "it comes in"
    assert _mean_difference(settled, held) < 1.0, "then holds"
    with Image.open(still) as original:  # and holds exactly the still
        top = (0, 0, size[0], int(size[1] * 0.7))
        assert _mean_difference(held.crop(top), original.convert("RGB").crop(top)) < 3


def test_unknown_motion_is_a_clear_error(tmp_path: Path) -> None:
    still = PillowImages().image(_request(SIZES["1:1"], "hero"), tmp_path / "s.png")
    with pytest.raises(ProviderError, match="unknown camera motion"):
        _render(still, tmp_path / "x.mp4", SIZES["1:1"], motion="spin")
