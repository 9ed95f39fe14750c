"""Banner/flyer layout engine: boxes, margins, contrast, product photo, naming on every preset."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from aytada.providers import ffmpeg as ff
from aytada.providers.layout import (
    LAYOUT_NAMES,
    Layout,
    Rect,
    aspect_class,
    contrast_ratio,
    ensure_contrast,
    plan_layout,
    relative_luminance,
)
from aytada.providers.textfit import drawable, has_glyph, load_font, wrap_words
from aytada.providers.typography import compose_design, render_layout

PRESETS = [
    (1080, 1080), (1080, 1920), (1080, 1350), (1200, 628), (300, 250),
    (728, 90), (160, 600), (320, 50), (970, 250),
]  # fmt: skip

BOTTLE = (230, 30, 140)  # the synthetic product's colour: found again in the banner

COPY = {
    "short": ("Glow daily", "Light serum.", "Buy now"),
    "long": (
        "Hydration that lasts all day long, even through back-to-back meetings and late flights",
        "A lightweight serum with hyaluronic acid that sinks in fast, layers under make-up and "
        "never leaves a greasy feel, from the first morning to the last meeting of the day.",
        "Start your free 30-day trial today",
    ),
    "long_words": (
        "Supercalifragilisticexpialidocious hydration",
        "Pneumonoultramicroscopicsilicovolcanoconiosis-proof formula for everyone",
        "Claim 20% off",
    ),
    "emoji": ("Glow up ✨🔥 tonight 💧", "Your skin will thank you 😍🙌", "Shop 🛍️ now"),
    "rtl": ("ترطيب يدوم طوال اليوم", "לחות שנמשכת כל היום בלי תחושה שמנונית", "اشتري الآن"),
}

PRODUCT, BRAND = "GlowCo Hydrating Serum", "GlowCo"
COLORS = ("#1F3A93", "#F5B041")


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("layout-assets")
    photo = Image.new("RGB", (600, 800), "white")
    d = ImageDraw.Draw(photo)
    d.rounded_rectangle([220, 260, 380, 720], 40, fill=BOTTLE)
    d.rectangle([265, 150, 335, 270], fill=BOTTLE)
    d.rectangle([255, 100, 345, 160], fill=(40, 40, 40))
    photo.save(root / "photo.png")
    logo = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse([5, 5, 95, 95], fill=(250, 250, 250, 255))  # a white mark
    ImageDraw.Draw(logo).rectangle([110, 30, 290, 70], fill=(250, 250, 250, 255))
    logo.save(root / "logo.png")
    return {"photo": root / "photo.png", "logo": root / "logo.png"}


def _margin_rect(width: int, height: int) -> Rect:
    m = math.floor(min(width, height) * 0.05)
    return Rect(m, m, width - 2 * m, height - 2 * m)


def _median(image: Image.Image, rect: Rect) -> tuple[int, int, int]:
    region = image.crop(rect.box)
    return tuple(int(v) for v in ImageStat.Stat(region).median[:3])  # type: ignore[return-value]


def _bottle_pixels(image: Image.Image) -> int:
    """How many pixels have the synthetic product's colour (each channel within 12)."""
    masks = [
        band.point(lambda v, c=c: 255 if abs(v - c) < 12 else 0)
        for band, c in zip(image.split(), BOTTLE, strict=True)
    ]
    both = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return both.histogram()[255]


def _render(
    tmp_path: Path,
    assets: dict[str, Path],
    size: tuple[int, int],
    copy: str,
    photo: bool,
    logo: bool,
    seed: int = 0,
) -> tuple[Layout, Image.Image]:
    headline, subline, cta = COPY[copy]
    width, height = size
    photo_path = assets["photo"] if photo else None
    logo_path = assets["logo"] if logo else None
    plan = plan_layout(
        width=width, height=height, headline=headline, subline=subline, call_to_action=cta,
        product_name=PRODUCT, brand_name=BRAND, colors=COLORS, has_product_photo=photo,
        product_aspect=600 / 800, logo_aspect=3.0 if logo else None, seed=seed,
    )  # fmt: skip
    out, final = render_layout(
        plan, tmp_path / f"{width}x{height}.png", product_photo=photo_path, logo=logo_path
    )
    image = Image.open(out).convert("RGB")
    assert image.size == (width, height)
    return final, image


MATRIX = list(itertools.product(PRESETS, sorted(COPY), [True, False]))


@pytest.mark.parametrize(
    ("size", "copy", "with_assets"),
    MATRIX,
    ids=[f"{w}x{h}-{c}-{'photo+logo' if a else 'bare'}" for (w, h), c, a in MATRIX],
)
def test_every_preset_lays_out_cleanly(
    tmp_path: Path, assets: dict[str, Path], size: tuple[int, int], copy: str, with_assets: bool
) -> None:
    width, height = size
    plan, image = _render(tmp_path, assets, size, copy, with_assets, with_assets)

    # nothing overlaps, everything inside the margins (and the 9:16 safe zone)
    names = sorted(plan.boxes)
    for a, b in itertools.combinations(names, 2):
        assert not plan.boxes[a].overlaps(plan.boxes[b]), (a, plan.boxes[a], b, plan.boxes[b])
    frame = _margin_rect(width, height)
    for name, box in plan.boxes.items():
        assert box.inside(frame), (name, box, frame)
    if aspect_class(width, height) == "story":
        for name, box in plan.boxes.items():
            assert box.y >= height * 0.14 and box.bottom <= height * 0.70, (name, box)
            assert box.right <= width * 0.88, (name, box)
    for required in (
        ("headline", "cta", "product")
        if aspect_class(width, height) != ("leaderboard") or with_assets
        else ("headline", "cta")
    ):
        assert required in plan.boxes

    # every text: whole words, inside its own box, WCAG AA against the pixels behind it
    source = {"headline": COPY[copy][0], "subline": COPY[copy][1], "cta": COPY[copy][2],
              "label": PRODUCT, "brand": BRAND, "name": PRODUCT}  # fmt: skip
    for role, text in plan.texts.items():
        assert " ".join(text.lines) == drawable(source[role]), (role, text.lines)
        assert all(has_glyph(ch) for line in text.lines for ch in line), (role, text.lines)
        font = load_font(text.size)
        assert all(font.getlength(line) <= text.rect.w + 1 for line in text.lines), role
        assert text.rect.h >= len(text.lines) * text.line_height - 1, role
        parent = plan.boxes.get(role) or plan.boxes.get(
            {"cta": "cta", "name": "product", "brand": "logo"}[role]
        )
        assert parent is not None and text.rect.inside(parent), (role, text.rect, parent)
        behind = _median(image, text.rect)
        assert contrast_ratio(text.color, behind) >= 4.5, (role, text.color, behind)

    # the product is shown (photo pixels) or named large; the product or brand is always named
    words = plan.all_text()
    assert PRODUCT in words or BRAND in words
    if with_assets:
        assert plan.card is not None
        assert abs(plan.card.w / plan.card.h - 0.75) < 0.05  # never stretched
        assert _bottle_pixels(image) >= max(20, plan.card.w * plan.card.h // 20)
    else:
        assert _bottle_pixels(image) == 0
        if aspect_class(width, height) != "leaderboard":
            assert plan.texts["name"].text == PRODUCT
            assert plan.texts["name"].size >= plan.texts["headline"].size * 0.6


def test_leaderboards_are_one_line(tmp_path: Path, assets: dict[str, Path]) -> None:
    for size in ((728, 90), (320, 50)):
        plan, _ = _render(tmp_path, assets, size, "short", True, True)
        logo, product, headline, cta = (
            plan.boxes[k] for k in ("logo", "product", "headline", "cta")
        )
        assert logo.right <= product.x and product.right <= headline.x
        assert headline.right <= cta.x
        assert "subline" not in plan.boxes


def test_hierarchy_headline_is_the_largest_text(tmp_path: Path, assets: dict[str, Path]) -> None:
    for size in PRESETS:
        plan, _ = _render(tmp_path, assets, size, "long", True, True)
        sizes = {role: t.size for role, t in plan.texts.items() if role != "name"}
        assert sizes["headline"] == max(sizes.values()), (size, sizes)
        assert len(set(sizes.values())) <= 3, (size, sizes)


def test_seed_varies_the_layout_within_a_class() -> None:
    seen = {
        plan_layout(
            width=1080, height=1080, headline="Glow daily", subline="Light serum.",
            call_to_action="Buy now", product_name=PRODUCT, brand_name=BRAND,
            has_product_photo=True, product_aspect=0.75, seed=seed,
        ).name
        for seed in range(6)
    }  # fmt: skip
    assert len(seen) >= 2
    assert seen <= set(LAYOUT_NAMES["square"])


def test_product_name_is_labelled_when_the_headline_omits_it() -> None:
    plan = plan_layout(
        width=1200, height=628, headline="Hydration that lasts", call_to_action="Buy now",
        product_name=PRODUCT, brand_name=BRAND, has_product_photo=True, logo_aspect=2.0,
    )  # fmt: skip
    assert plan.texts["label"].text == PRODUCT
    named = plan_layout(
        width=1200, height=628, headline=f"Meet {PRODUCT}", call_to_action="Buy now",
        product_name=PRODUCT, brand_name=BRAND, has_product_photo=True, logo_aspect=2.0,
    )  # fmt: skip
    assert "label" not in named.texts


def test_failing_brand_colour_is_adjusted_until_it_passes(tmp_path: Path) -> None:
    # a pale yellow primary on a light theme would be unreadable as headline colour
    for seed in range(3):
        plan = plan_layout(
            width=1080, height=1080, headline="Glow daily", call_to_action="Buy now",
            product_name=PRODUCT, colors=("#FFE680", "#FFF3B0"), seed=seed,
        )  # fmt: skip
        out, final = render_layout(plan, tmp_path / f"pale{seed}.png")
        image = Image.open(out).convert("RGB")
        for role, text in final.texts.items():
            assert contrast_ratio(text.color, _median(image, text.rect)) >= 4.5, role


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((0, 0, 0), (0, 0, 0)) == pytest.approx(1.0)
    assert contrast_ratio((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    # the near-black CTA text on a near-black button from the bug report fails; fixed, it passes
    assert contrast_ratio((0, 0, 0), (20, 20, 30)) < 4.5
    fixed = ensure_contrast((0, 0, 0), (20, 20, 30))
    assert contrast_ratio(fixed, (20, 20, 30)) >= 4.5
    assert ensure_contrast((255, 255, 255), (0, 0, 0)) == (255, 255, 255)  # passing: unchanged


def test_characters_no_installed_font_draws_are_left_out_not_drawn_as_boxes() -> None:
    # colour emoji are drawn (Noto Color Emoji: tests/providers/test_type_faces.py); the
    # presentation selector after one is invisible and goes
    assert drawable("Glow up ✨🔥 tonight 💧") == "Glow up ✨🔥 tonight 💧"
    assert drawable("Shop 🛍️ now") == "Shop 🛍 now"
    assert drawable("ሰላም Shop now") == "Shop now"  # Ethiopic: no installed font
    assert drawable("ترطيب يدوم — לחות €5 → ★") == "ترطيب يدوم — לחות €5 → ★"


def test_wrapping_keeps_whole_words() -> None:
    font = load_font(40)
    lines = wrap_words("Pneumonoultramicroscopicsilicovolcanoconiosis is long", font, 200)
    assert lines[0] == "Pneumonoultramicroscopicsilicovolcanoconiosis"
    # video captions use the same helper (hyphenated split only on their explicit request)
    assert ff.balanced_wrap("one two three four", font, 10_000) == ["one two three four"]


def test_compose_design_renders_the_plan(tmp_path: Path, assets: dict[str, Path]) -> None:
    out = compose_design(
        out_path=tmp_path / "b.png", width=300, height=250, headline="Glow daily",
        subline="Light serum.", call_to_action="Buy now", colors=COLORS,
        product_photo=assets["photo"], logo=assets["logo"], product_name=PRODUCT,
        brand_name=BRAND,
    )  # fmt: skip
    image = Image.open(out).convert("RGB")
    assert image.size == (300, 250) and _bottle_pixels(image) > 200
    missing = compose_design(
        out_path=tmp_path / "c.png", width=300, height=250, headline="Glow daily",
        subline="", call_to_action="Buy now", colors=COLORS,
        product_photo=tmp_path / "nope.png", product_name=PRODUCT,
    )  # fmt: skip
    assert _bottle_pixels(Image.open(missing).convert("RGB")) == 0
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(ValueError, match="cannot read the product photo broken.png"):
        compose_design(
            out_path=tmp_path / "d.png", width=300, height=250, headline="Glow daily",
            subline="", call_to_action="Buy now", colors=COLORS, product_photo=broken,
        )  # fmt: skip


def test_rejects_impossible_input() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        plan_layout(width=10, height=300, headline="x")
    with pytest.raises(ValueError, match="needs a headline"):
        plan_layout(width=300, height=250, headline="  ")
    with pytest.raises(ValueError, match="unknown layout"):
        plan_layout(width=300, height=250, headline="x", layout="diagonal")
