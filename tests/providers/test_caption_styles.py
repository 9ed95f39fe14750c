"""Caption styles burned into a segment: where (inside the safe zone), how big, what colour,
box or outline — read back from the pixels of the rendered frame."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from aytada.providers import ffmpeg as ff
from aytada.providers.base import CaptionStyle, ProviderError

W, H = 540, 960  # 9:16 at half size (same fractions as 1080×1920)
CAPTION = "Grip that holds on any trail"


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("still") / "grey.png"
    Image.new("RGB", (W, H), (128, 128, 128)).save(path)
    return path


def _frame(still: Path, tmp: Path, style: CaptionStyle | None, caption: str = CAPTION,
           size: tuple[int, int] = (W, H)) -> Image.Image:  # fmt: skip
    name = "plain" if style is None else "-".join(vars(style).values())
    seg = ff.render_segment_from_still(
        still, tmp / f"{name}.mp4", seconds=0.2, width=size[0], height=size[1],
        caption=caption if style is not None else "", motion="push_in",
        caption_style=style,
    )  # fmt: skip
    return Image.open(ff.extract_frame(seg, 0.1, tmp / f"{name}.png")).convert("RGB")


def _caption_box(frame: Image.Image, plain: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box of what the caption changed."""
    diff = ImageChops.difference(frame, plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    box = diff.getbbox()
    assert box is not None, "no caption drawn"
    return box


@pytest.mark.parametrize(
    ("position", "top_min", "bottom_max"),
    [("top", 0.14, 0.40), ("middle", 0.35, 0.65), ("bottom", 0.65, 0.86)],
)
def test_positions_stay_in_the_safe_zone(still, tmp_path, position, top_min, bottom_max) -> None:
    plain = _frame(still, tmp_path, None)
    frame = _frame(still, tmp_path, CaptionStyle(position=position))
    x0, y0, x1, y1 = _caption_box(frame, plain)
    assert y0 >= top_min * H and y1 <= bottom_max * H, (position, y0 / H, y1 / H)
    # clear of the right-hand action rail (≥ 6 % of the width) and centred
    assert x1 <= 0.94 * W and abs((x0 + x1) / 2 - W / 2) < 0.03 * W


def test_long_captions_at_the_top_and_bottom_stay_in_the_safe_zone(still, tmp_path) -> None:
    long = "Light trail running shoes with a grippy sole that holds on mud, rock and roots"
    plain = _frame(still, tmp_path, None)
    top = _caption_box(_frame(still, tmp_path, CaptionStyle("top", "large"), long), plain)
    bottom = _caption_box(_frame(still, tmp_path, CaptionStyle("bottom", "large"), long), plain)
    assert top[1] >= 0.14 * H
    assert bottom[3] <= 0.86 * H


def test_sizes_grow_and_all_stay_legible(still, tmp_path) -> None:
    plain = _frame(still, tmp_path, None)
    heights = {}
    for size in ("small", "medium", "large"):
        lines, px = ff.layout_caption_styled(CAPTION, 1080, CaptionStyle(size=size))
        assert px >= 48  # the craft sheet's minimum at 1080 wide
        box = _caption_box(_frame(still, tmp_path, CaptionStyle(size=size)), plain)
        heights[size] = box[3] - box[1]
    assert heights["small"] < heights["medium"] < heights["large"]


def _share(frame: Image.Image, box, test) -> float:  # type: ignore[no-untyped-def]
    region = frame.crop(box)
    pixels = [region.getpixel((x, y)) for x in range(region.width) for y in range(region.height)]
    return sum(1 for p in pixels if test(p)) / len(pixels)


def test_colours_and_box_or_outline(still, tmp_path) -> None:
    plain = _frame(still, tmp_path, None)

    def yellow(p):  # type: ignore[no-untyped-def]
        return p[0] > 200 and p[1] > 170 and p[2] < 90

    def white(p):  # type: ignore[no-untyped-def]
        return min(p) > 225

    def dark(p):  # type: ignore[no-untyped-def]
        return max(p) < 70

    boxed = _frame(still, tmp_path, CaptionStyle(color="yellow", style="box"))
    box = _caption_box(boxed, plain)
    assert _share(boxed, box, yellow) > 0.05 and _share(boxed, box, white) < 0.01
    # a box: the grey behind the text is darkened all over the caption's rectangle
    assert _share(boxed, box, lambda p: max(p) < 100) > 0.6
    outlined = _frame(still, tmp_path, CaptionStyle(color="white", style="outline"))
    obox = _caption_box(outlined, plain)
    assert _share(outlined, obox, white) > 0.05
    # an outline: most of the rectangle keeps the picture's grey, a dark edge hugs the glyphs
    assert _share(outlined, obox, lambda p: 110 < p[0] < 146) > 0.4
    assert _share(outlined, obox, dark) > 0.03
    black = _frame(still, tmp_path, CaptionStyle(color="black", style="box"))
    bbox = _caption_box(black, plain)
    assert _share(black, bbox, dark) > 0.05 and _share(black, bbox, white) > 0.4  # white panel


def test_landscape_positions_use_the_whole_frame(still, tmp_path) -> None:
    size = (960, 540)
    plain = _frame(still, tmp_path, None, size=size)
    top = _caption_box(_frame(still, tmp_path, CaptionStyle("top"), size=size), plain)
    bottom = _caption_box(_frame(still, tmp_path, CaptionStyle("bottom"), size=size), plain)
    assert top[1] < 0.14 * 540 and bottom[3] > 0.80 * 540


def test_unknown_style_values_are_refused(still, tmp_path) -> None:
    for style in (CaptionStyle(position="left"), CaptionStyle(color="red"),
                  CaptionStyle(size="huge"), CaptionStyle(style="glow")):  # fmt: skip
        with pytest.raises(ProviderError, match="unknown caption"):
            ff.render_segment_from_still(still, tmp_path / "x.mp4", seconds=0.2, width=W,
                                         height=H, caption="Hi", caption_style=style)  # fmt: skip
    assert not (tmp_path / "x.mp4").exists()
