"""Screenshots are shown on a phone or a laptop, never cut out into floating words; product
photos are not mistaken for screenshots (aytada.providers.offline.mockup)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from aytada.providers.base import ImageRequest
from aytada.providers.offline.images import LAYOUTS, PillowImages
from aytada.providers.offline.mockup import BEZEL, mock_up, screenshot_kind
from tests.providers.screens import laptop_screen, phone_screen
from tests.providers.test_scene_stills import bottle

SHAPES = {"9:16": (540, 960), "1:1": (720, 720), "16:9": (960, 540)}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shots")
    return {
        "phone": phone_screen(folder / "phone.png"),
        "old_phone": phone_screen(folder / "old.png", size=(720, 1280)),  # 16:9
        "laptop": laptop_screen(folder / "laptop.png"),
        "wide_laptop": laptop_screen(folder / "wide.png", size=(1920, 1080)),
        "bottle": bottle(folder / "bottle.jpg"),
        "tall_bottle": bottle(folder / "tall.jpg", size=(500, 1000)),
        "wide_bottle": bottle(folder / "wide.jpg", size=(1440, 900), background=(40, 150, 160)),
    }


def test_screenshots_are_told_from_product_photos(shots: dict[str, Path]) -> None:
    kinds = {name: screenshot_kind(Image.open(path)) for name, path in shots.items()}
    assert kinds == {"phone": "phone", "old_phone": "phone", "laptop": "laptop",
                     "wide_laptop": "laptop", "bottle": "", "tall_bottle": "",
                     "wide_bottle": ""}  # fmt: skip
    # a photo (noisy, not flat) of a screen's shape is not a screenshot either
    noise = Image.effect_noise((600, 1300), 60).convert("RGB")
    assert screenshot_kind(noise) == ""


@pytest.mark.parametrize("kind", ["phone", "laptop"])
def test_the_device_holds_the_whole_screenshot_inside_its_bezel(
    shots: dict[str, Path], kind: str
) -> None:
    shot = Image.open(shots[kind]).convert("RGB")
    device = mock_up(shot, kind)
    assert device.mode == "RGBA" and device.width > shot.width and device.height > shot.height
    alpha = device.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0  # the device's own shape: transparent corners
    # the screenshot is on the screen pixel for pixel (away from the rounded corners and the
    # phone's camera island)
    bezel = round(shot.width * (0.035 if kind == "phone" else 0.025))
    inner = (bezel + shot.width // 4, bezel + shot.height // 4,
             bezel + 3 * shot.width // 4, bezel + 3 * shot.height // 4)  # fmt: skip
    left = 0 if kind == "phone" else round(shot.width * 0.07)
    inner = (inner[0] + left, inner[1], inner[2] + left, inner[3])
    middle = shot.crop(
        (shot.width // 4, shot.height // 4, 3 * shot.width // 4, 3 * shot.height // 4)
    )
    diff = ImageChops.difference(device.convert("RGB").crop(inner), middle)
    assert max(ImageStat.Stat(diff).extrema[c][1] for c in range(3)) == 0
    # and a dark bezel around it
    assert device.convert("RGB").getpixel((left + bezel // 2, device.height // 3)) == BEZEL


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", ["phone", "laptop"])
def test_every_layout_shows_a_screenshot_on_its_device_whole_and_clear_of_the_words(
    shots: dict[str, Path], shape: str, kind: str
) -> None:
    width, height = SHAPES[shape]
    for layout in LAYOUTS:
        result = PillowImages().compose(
            ImageRequest(prompt="p", width=width, height=height, title="Ledgerly",
                         brand_name="Ledgerly", caption="Still lose money to spoiled stock?",
                         layout=layout, call_to_action="Start your free 14-day trial",
                         destination="ledgerly.app", product_photo=str(shots[kind]),
                         style="Direct Response")
        )  # fmt: skip
        assert result.device == kind and not result.cutout, layout
        assert result.problems == [], (layout, result.problems)  # no overlaps, inside the frame
        x0, y0, x1, y1 = result.boxes["product"]
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        # the device's dark bezel is drawn in the product's box
        crop = result.image.convert("RGB").crop((x0, y0, x1, y1))
        dark = ImageChops.difference(crop, Image.new("RGB", crop.size, BEZEL)).convert("L")
        assert dark.point(lambda v: 255 if v < 12 else 0).getbbox() is not None, layout
