"""Where an ad sends people, drawn: a small line under the CTA on banners and flyers at every
size (never cut), a QR code that scans on a flyer with a web address, and a line under the
button of a video's end card, inside the safe zone."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageStat

from aytada import standards
from aytada.core.formats import DESIGN_FORMATS
from aytada.destination import display_text, qr_target
from aytada.providers.base import ImageRequest
from aytada.providers.layout import (
    QR_BORDER,
    Layout,
    Rect,
    contrast_ratio,
    make_qr,
    plan_layout,
    shown_destination,
)
from aytada.providers.offline.images import PillowImages
from aytada.providers.textfit import load_font
from aytada.providers.typography import drawn_texts, render_layout

SIZES = sorted(DESIGN_FORMATS.values())
DESTINATIONS = ["korabrew.com", "https://ledgerly.app/trial", "@stridecoach", "+44 20 7946 0000"]
COPY = {
    "headline": "Cold brew that wakes you gently",
    "subline": "Small-batch coffee, steeped 18 hours, delivered fresh every week.",
    "call_to_action": "Order now",
}
PRODUCT, BRAND = "Kora Cold Brew", "Kora"


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("destination-assets")
    photo = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(photo).rounded_rectangle([220, 260, 380, 720], 40, fill=(230, 30, 140))
    photo.save(root / "photo.png")
    logo = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse([5, 5, 95, 95], fill=(30, 30, 30, 255))
    logo.save(root / "logo.png")
    return {"photo": root / "photo.png", "logo": root / "logo.png"}


def _design(
    tmp_path: Path,
    assets: dict[str, Path] | None,
    size: tuple[int, int],
    destination: str,
    *,
    qr: bool = False,
    seed: int = 0,
    **copy: str,
) -> tuple[Layout, Path]:
    width, height = size
    plan = plan_layout(
        width=width, height=height, **{**COPY, **copy}, product_name=PRODUCT, brand_name=BRAND,
        colors=("#2E1A47", "#F7B267"), has_product_photo=assets is not None,
        product_aspect=0.75, logo_aspect=3.0 if assets else None, seed=seed,
        destination=destination, qr=qr,
    )  # fmt: skip
    out, final = render_layout(
        plan,
        tmp_path / f"{width}x{height}-{seed}-{abs(hash(destination))}.png",
        product_photo=assets["photo"] if assets else None,
        logo=assets["logo"] if assets else None,
    )
    return final, out


def _check_clean(plan: Layout, image: Image.Image) -> None:
    """Nothing overlaps, everything sits inside the margins, every text reads (AA contrast)."""
    for a, b in itertools.combinations(sorted(plan.boxes), 2):
        assert not plan.boxes[a].overlaps(plan.boxes[b]), (a, plan.boxes[a], b, plan.boxes[b])
    frame = Rect(0, 0, plan.width, plan.height).inset(int(min(plan.width, plan.height) * 0.05))
    for name, box in plan.boxes.items():
        assert box.inside(frame), (name, box)
    for role, text in plan.texts.items():
        behind = ImageStat.Stat(image.crop(text.rect.box)).median[:3]  # mostly the ground
        assert contrast_ratio(text.color, behind) >= 4.5, role


def _codes(path: Path) -> list[str]:
    with Image.open(path) as image:
        return [code.text for code in zxingcpp.read_barcodes(image)]


MATRIX = list(itertools.product(SIZES, DESTINATIONS))


@pytest.mark.parametrize(
    ("size", "destination"), MATRIX, ids=[f"{w}x{h}-{d}" for (w, h), d in MATRIX]
)
def test_every_banner_size_shows_the_destination_under_the_cta(
    tmp_path: Path, assets: dict[str, Path], size: tuple[int, int], destination: str
) -> None:
    plan, out = _design(tmp_path, assets, size, destination)
    shown = drawn_texts(out)
    assert shown["destination"] == display_text(destination)  # whole, never cut
    assert shown["headline"] == COPY["headline"] and shown["cta"] == COPY["call_to_action"]
    text, cta = plan.texts["destination"], plan.boxes["cta"]
    assert text.size >= 9 and text.size <= plan.texts["headline"].size  # small, readable
    font = load_font(text.size)
    assert all(font.getlength(line) <= text.rect.w + 1 for line in text.lines)
    # near the button: under it, or (a leaderboard, a wide column) under it at its side
    assert plan.boxes["destination"].y >= cta.bottom
    assert plan.boxes["destination"].y - cta.bottom <= max(plan.margin, text.size)
    assert "qr" not in plan.boxes and not _codes(out)  # banners get no QR code
    with Image.open(out) as image:
        _check_clean(plan, image.convert("RGB"))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_banner_without_photo_or_logo_shows_it_too(tmp_path: Path, size) -> None:
    plan, out = _design(tmp_path, None, size, "korabrew.com")
    assert drawn_texts(out)["destination"] == "korabrew.com"
    with Image.open(out) as image:
        _check_clean(plan, image.convert("RGB"))


@pytest.mark.parametrize(
    ("size", "seed"),
    list(itertools.product(SIZES, range(2))),
    ids=[f"{w}x{h}-seed{s}" for (w, h), s in itertools.product(SIZES, range(2))],
)
def test_a_flyer_with_a_web_address_has_a_qr_code_that_scans(
    tmp_path: Path, assets: dict[str, Path], size: tuple[int, int], seed: int
) -> None:
    plan, out = _design(tmp_path, assets, size, "korabrew.com/menu", qr=True, seed=seed)
    assert _codes(out) == ["https://korabrew.com/menu"]
    assert drawn_texts(out)["destination"] == "korabrew.com/menu"
    assert plan.qr_text == "https://korabrew.com/menu"
    box = plan.boxes["qr"]
    modules = make_qr(plan.qr_text).symbol_size(border=QR_BORDER)[0]
    assert box.w == box.h and box.w % modules == 0 and box.w // modules >= 2
    with Image.open(out) as opened:
        image = opened.convert("L")
    # the quiet zone (4 modules all round) is light; the modules are dark on light
    quiet = (box.w // modules) * QR_BORDER
    inner = box.inset(quiet)
    ring = [image.getpixel((x, y)) for x in range(box.x + quiet // 2, box.right - quiet // 2)
            for y in (box.y + quiet // 2, box.bottom - quiet // 2 - 1)]  # fmt: skip
    assert min(ring) >= 250
    low, high = image.crop(inner.box).getextrema()
    assert low <= 30 and high >= 250
    with Image.open(out) as opened:
        _check_clean(plan, opened.convert("RGB"))


@pytest.mark.parametrize("destination", ["@stridecoach", "+44 20 7946 0000"])
def test_a_flyer_with_a_handle_or_phone_shows_it_without_a_qr_code(
    tmp_path: Path, assets: dict[str, Path], destination: str
) -> None:
    for size in SIZES:
        plan, out = _design(tmp_path, assets, size, destination, qr=True)
        assert drawn_texts(out)["destination"] == destination
        assert "qr" not in plan.boxes and plan.qr_text == "" and not _codes(out)


def test_without_a_destination_nothing_is_added(tmp_path: Path, assets: dict[str, Path]) -> None:
    for size in SIZES:
        plan, out = _design(tmp_path, assets, size, "", qr=True)
        assert "destination" not in drawn_texts(out)
        assert not {"destination", "qr"} & set(plan.boxes) and not _codes(out)
        # the same design as before destinations existed
        before = plan_layout(
            width=size[0], height=size[1], **COPY, product_name=PRODUCT, brand_name=BRAND,
            colors=("#2E1A47", "#F7B267"), has_product_photo=True, product_aspect=0.75,
            logo_aspect=3.0,
        )  # fmt: skip
        assert before.boxes == plan.boxes


def test_a_long_web_address_breaks_after_a_slash_never_inside_a_name(tmp_path: Path) -> None:
    address = "shop.korabrew.com/collections/cold-brew"
    plan, out = _design(tmp_path, None, (728, 90), address)
    text = plan.texts["destination"]
    assert drawn_texts(out)["destination"] == address
    assert "".join(text.lines) == address and all(line for line in text.lines)
    if len(text.lines) > 1:
        assert text.lines[0].endswith("/")


def test_a_destination_that_cannot_fit_is_left_out_not_cut(tmp_path: Path) -> None:
    huge = "korabrew.com/" + "a" * 187  # 200 characters, no place to break
    plan, out = _design(tmp_path, None, (300, 250), huge, qr=True)
    shown = drawn_texts(out)
    assert "destination" not in shown and "qr" not in plan.boxes
    assert shown["headline"] == COPY["headline"]  # the rest of the design stands


def test_unicode_addresses(tmp_path: Path, assets: dict[str, Path]) -> None:
    plan, out = _design(tmp_path, assets, (1080, 1350), "www.crème.fr/été", qr=True)
    assert drawn_texts(out)["destination"] == "www.crème.fr/été"
    assert _codes(out) == [qr_target("www.crème.fr/été")]
    # Japanese is drawn in its own face (Noto Sans CJK), as typed; the code opens the same page
    plan, out = _design(tmp_path, assets, (1080, 1350), "例え.jp", qr=True)
    assert drawn_texts(out)["destination"] == "例え.jp"
    assert plan.texts["destination"].face == "cjk-jp"
    assert _codes(out) == ["https://xn--r8jz45g.jp"]
    # letters no installed face draws (Ethiopic): the ASCII form that opens the same page
    assert shown_destination("ሰላም.et") == "xn--lxd0b1c.et"


# --------------------------------------------------------------------------- video end cards


SHAPES = {"tall": (540, 960), "square": (540, 540), "wide": (960, 540)}


@pytest.mark.parametrize(
    ("shape", "photo", "destination"),
    list(itertools.product(SHAPES, (True, False), ("korabrew.com", "+44 20 7946 0000"))),
)
def test_the_end_card_shows_the_destination_under_the_button_in_the_safe_zone(
    assets: dict[str, Path], shape: str, photo: bool, destination: str
) -> None:
    width, height = SHAPES[shape]
    request = ImageRequest(
        prompt="end card", width=width, height=height, title=PRODUCT, brand_name=BRAND,
        colors=("#2E1A47", "#F7B267"), layout="end_card", call_to_action="Order your first box",
        product_photo=str(assets["photo"]) if photo else "", logo=str(assets["logo"]),
        destination=destination,
    )  # fmt: skip
    card = PillowImages().compose(request)
    assert card.texts["destination"] == destination
    x0, y0, x1, y1 = card.boxes["destination"]
    cta = card.boxes["cta"]
    left, top, right, bottom = standards.still_text_zone(shape)
    assert x0 >= left * width and x1 <= right * width
    assert y0 >= cta[3] and y1 <= bottom * height + 1  # under the button, above the caption
    assert abs((x0 + x1) / 2 - (cta[0] + cta[2]) / 2) <= 2  # centred under it
    assert y1 - y0 < (cta[3] - cta[1])  # smaller than the button
    for name, box in card.boxes.items():
        if name not in ("destination", "product"):
            assert not Rect(x0, y0, x1 - x0, y1 - y0).overlaps(
                Rect(box[0], box[1], box[2] - box[0], box[3] - box[1])
            ), name


def test_only_the_end_card_shows_it(assets: dict[str, Path]) -> None:
    for layout in ("hero", "detail", "context"):
        request = ImageRequest(prompt="scene", width=540, height=960, title=PRODUCT,
                               layout=layout, product_photo=str(assets["photo"]),
                               destination="korabrew.com")  # fmt: skip
        assert "destination" not in PillowImages().compose(request).boxes
    plain = ImageRequest(prompt="end", width=540, height=960, title=PRODUCT, layout="end_card")
    card = PillowImages().compose(plain)
    assert "destination" not in card.boxes and "cta" in card.boxes
