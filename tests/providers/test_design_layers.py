"""Banners and flyers go through the one layer solver (issue 22): every design that is drawn
registers its layers in a :class:`~aytada.providers.layer_plan.LayerPlan` of its frame (its zone
the format's safe zone: a 9:16 story's is the video's) with no problem; a colliding try is
never returned; the 1080×1920 story fills its frame."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageStat

from aytada import standards
from aytada.providers import layout as layout_module
from aytada.providers.layer_plan import LayerPlan
from aytada.providers.layout import (
    Layout,
    Rect,
    content_rect,
    contrast_ratio,
    layer_plan,
    plan_layout,
)
from aytada.providers.typography import render_layout

SIZES = [(300, 250), (728, 90), (160, 600), (1200, 628), (1080, 1080), (1080, 1920)]
FLYER = (1080, 1350)
PRODUCT, BRAND = "Kora Cold Brew", "Kora"
COLORS = ("#1F3A93", "#F5B041")
COPY = {
    "short": ("Wake up gently", "Slow-steeped cold brew.", "Order now", "korabrew.com"),
    "long": (
        "Eighteen hours of slow steeping for a smooth cup without the bitter edge",
        "Organic beans, cold water and time: a concentrate you mix with milk or water in "
        "seconds, at home or at the office.",
        "Claim 15% off your first three-month subscription today",
        "korabrew.com/subscribe/first-order",
    ),
}


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("design-assets")
    photo = Image.new("RGB", (600, 800), (246, 244, 240))
    draw = ImageDraw.Draw(photo)
    draw.rounded_rectangle([200, 260, 400, 740], 50, fill=(196, 84, 60))
    draw.rectangle([260, 150, 340, 270], fill=(196, 84, 60))
    photo.save(root / "photo.png")
    logo = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse([5, 5, 95, 95], fill=(250, 250, 250, 255))
    ImageDraw.Draw(logo).rectangle([110, 30, 290, 70], fill=(250, 250, 250, 255))
    logo.save(root / "logo.png")
    return {"photo": root / "photo.png", "logo": root / "logo.png"}


Case = tuple[tuple[int, int], str, bool, bool]  # size, copy, with a destination, photo + logo


def _drawn(tmp_path: Path, assets: dict[str, Path], case: Case) -> tuple[Layout, Image.Image]:
    """The layout as drawn (render_layout's plan, its colours checked against the pixels)."""
    size, copy, destination, with_assets = case
    headline, subline, cta, where = COPY[copy]
    width, height = size
    flyer = size == FLYER
    plan = plan_layout(
        width=width, height=height, headline=headline, subline=subline, call_to_action=cta,
        destination=where if destination else "", qr=flyer, product_name=PRODUCT,
        brand_name=BRAND, colors=COLORS, has_product_photo=with_assets, product_aspect=0.75,
        logo_aspect=3.0 if with_assets else None, style="Direct Response",
    )  # fmt: skip
    out, final = render_layout(
        plan, tmp_path / f"{width}x{height}.png",
        product_photo=assets["photo"] if with_assets else None,
        logo=assets["logo"] if with_assets else None,
    )  # fmt: skip
    return final, Image.open(out).convert("RGB")


MATRIX: list[Case] = list(
    itertools.product([*SIZES, FLYER], sorted(COPY), [True, False], [True, False])
)


@pytest.mark.parametrize(
    "case",
    MATRIX,
    ids=[
        f"{w}x{h}-{c}-{'dest' if d else 'nodest'}-{'photo+logo' if a else 'bare'}"
        for (w, h), c, d, a in MATRIX
    ],
)
def test_every_drawn_design_passes_its_layer_plan(
    tmp_path: Path, assets: dict[str, Path], case: Case
) -> None:
    size, _copy, destination, _with_assets = case
    width, height = size
    final, image = _drawn(tmp_path, assets, case)
    plan = layer_plan(final)

    assert plan.problems() == [], plan.problems()
    assert final.problems == ()
    # every box of the design is a layer of the plan, the plan has no caption band, no push
    assert set(plan.layers) == set(final.boxes)
    assert {"headline", "cta"} <= set(plan.layers)
    assert plan.band is None and plan.push == 1.0
    assert plan.zone == standards.design_zone(width, height) == final.content.box
    if size == (1080, 1920):  # the story: the same safe zone as a 9:16 video
        left, top, right, bottom = standards.SAFE_ZONES["tall"]
        assert plan.zone == (round(width * left), round(height * top), round(width * right),
                             round(height * bottom))  # fmt: skip
    # the texts drawn on the product's card and the button stay inside their layer
    for role, parent in (("name", "product"), ("cta", "cta"), ("brand", "logo")):
        if role in final.texts:
            assert final.texts[role].rect.inside(final.boxes[parent]), role
    # the social sizes keep where the ad sends people, under the call to action
    if destination and width >= 1080:
        assert "destination" in final.texts
        assert final.boxes["destination"].y >= final.boxes["cta"].bottom
    # the story's backdrop does not cost a text its contrast
    for role, text in final.texts.items():
        median = tuple(int(v) for v in ImageStat.Stat(image.crop(text.rect.box)).median[:3])
        assert contrast_ratio(text.color, median) >= 4.5, (role, text.color, median)


def test_a_colliding_set_of_boxes_is_caught_on_a_banner_frame() -> None:
    for width, height in ((300, 250), (1080, 1920)):
        plan = LayerPlan.for_design(width, height)
        assert plan.band is None and plan.caption_position == "off" and plan.push == 1.0
        x0, y0, x1, y1 = plan.zone
        mid = (y0 + y1) // 2
        plan.add("headline", "text", (x0, y0, x1, mid + 4))
        plan.add("cta", "text", (x0, mid, (x0 + x1) // 2, y1))
        assert plan.problems() == ["headline overlaps cta"]
        plan.add("logo", "logo", (0, 0, x0 + 5, y0 + 5))  # in the margin / the status bar
        plan.add("product", "product", ((x0 + x1) // 2 + 1, mid, x1 + 3, y1))
        problems = plan.problems()
        assert "logo is out of the safe zone" in problems
        assert "product is out of the safe zone" in problems
        assert "headline overlaps product" in problems
    story = LayerPlan.for_design(1080, 1920)
    story.add("qr", "code", (100, 1400, 300, 1600))  # under the story's safe zone: the UI's
    assert story.problems() == ["qr is out of the safe zone"]


def test_the_solver_never_returns_a_colliding_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout function whose tries collide is passed over for the next one; forced alone,
    it comes back flagged (the smallest try, as before), never as if it were right."""
    real = layout_module._LAYOUTS["square"]["split-right"]

    def colliding(ctx: layout_module._Ctx, sizes: layout_module._Sizes) -> dict | None:
        result = real(ctx, sizes)
        if result is not None:  # the button dropped onto the headline
            head, cta = result["headline"], result["cta"]
            assert isinstance(head, Rect) and isinstance(cta, Rect)
            result["cta"] = Rect(head.x, head.y, cta.w, cta.h)
        return result

    table = {"broken": colliding, **layout_module._LAYOUTS["square"]}
    monkeypatch.setitem(layout_module._LAYOUTS, "square", table)
    words = dict(width=1080, height=1080, headline="Wake up gently", call_to_action="Order now",
                 product_name=PRODUCT, has_product_photo=True)  # fmt: skip
    chosen = plan_layout(**words, seed=0)  # the seed would pick "broken" first
    assert chosen.name != "broken"
    assert chosen.problems == () and layer_plan(chosen).problems() == []
    forced = plan_layout(**words, layout="broken")
    assert forced.name == "broken"
    assert "headline overlaps cta" in forced.problems
    assert layer_plan(forced).problems() == list(forced.problems)


def _story(copy: str, photo: bool) -> Layout:
    headline, subline, cta, where = COPY[copy]
    return plan_layout(
        width=1080, height=1920, headline=headline, subline=subline, call_to_action=cta,
        destination=where, product_name=PRODUCT, brand_name=BRAND, colors=COLORS,
        has_product_photo=photo, product_aspect=0.75, logo_aspect=3.0 if photo else None,
        style="Direct Response",
    )  # fmt: skip


@pytest.mark.parametrize(("copy", "headline"), [("short", 0.09), ("long", 0.047)])
def test_the_story_banner_fills_its_frame(tmp_path: Path, copy: str, headline: float) -> None:
    """Before: the headline was 64 px with short copy (its subline dropped), the photo's card
    about 390×520 px, and the 30 % under the safe zone the bare canvas. Now a short headline is
    set at 9 % of the width (a long one, with a call to action too long to sit beside the
    product, as large as before), the card as large or larger, and a backdrop carries the
    design to the frame's edges."""
    design = _story(copy, True)
    zone = content_rect(1080, 1920)
    assert design.texts["headline"].size >= round(1080 * headline)
    assert copy == "long" or "subline" in design.texts
    assert design.card is not None and design.card.h >= zone.h * 0.4
    assert design.card.w * design.card.h >= 390 * 520
    assert "destination" in design.texts
    # the zone's rows are used: at most 15 % of its height holds no layer
    rows = {y for box in design.boxes.values() for y in range(box.y, box.bottom)}
    assert len(rows) >= zone.h * 0.85
    # the backdrop: a band under the safe zone, a disc behind the product, and drawn
    shapes = {d.shape: d for d in design.decor}
    assert shapes["rect"].rect.y >= zone.bottom and shapes["rect"].rect.bottom == 1920
    out, _ = render_layout(design, tmp_path / "story.png")
    image = Image.open(out).convert("RGB")
    assert image.getpixel((540, 1900)) == shapes["rect"].color != design.palette.canvas
    bare = _story(copy, False)
    assert bare.texts["headline"].size >= round(1080 * headline * 0.8)
    assert bare.texts["name"].size >= bare.texts["headline"].size
