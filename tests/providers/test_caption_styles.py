"""Word-timed captions laid over a segment at the stitch (`aytada.providers.caption_track` and
`ffmpeg.burn_captions`): where (inside the safe zone, clear of the product's centre), how big,
what colour, box or outline, the spoken word on the brand's accent, when — and none when the
captions are off. Read back from the pixels of the rendered frames."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from aytada import standards
from aytada.captions import CaptionGroup, TimedWord, group_line, scene_groups
from aytada.providers import caption_track as ct
from aytada.providers import ffmpeg as ff
from aytada.providers.base import CaptionStyle, ProviderError
from aytada.providers.layout import contrast_ratio, parse_color

pytestmark = pytest.mark.slow

W, H = 540, 960  # 9:16 at half size (same fractions as 1080×1920)
SECONDS = 1.0
BRAND = ("#1F3A93", "#E4572E")  # navy and a vermilion accent
CAPTION = "Grip that holds on any trail"


@pytest.fixture(scope="module")
def segment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bare grey segment (no caption), as the clip step leaves it."""
    folder = tmp_path_factory.mktemp("segment")
    still = folder / "grey.png"
    Image.new("RGB", (W, H), (128, 128, 128)).save(still)
    return ff.render_segment_from_still(still, folder / "bare.mp4", seconds=SECONDS, width=W,
                                        height=H, motion="push_in")  # fmt: skip


@pytest.fixture(scope="module")
def plain(segment: Path, tmp_path_factory: pytest.TempPathFactory) -> Image.Image:
    folder = tmp_path_factory.mktemp("plain")
    out = ff.burn_captions(segment, folder / "plain.mp4", None)
    return Image.open(ff.extract_frame(out, 0.5, folder / "plain.png")).convert("RGB")


def _timed(text: str, start: float = 0.0, end: float = SECONDS) -> CaptionGroup:
    (group,) = group_line(text, start, end)
    return group


def _frame(
    segment: Path,
    tmp: Path,
    groups: list[CaptionGroup],
    style: CaptionStyle,
    at: float = 0.5,
    size: tuple[int, int] = (W, H),
    name: str = "f",
) -> Image.Image:
    folder = tmp / name
    folder.mkdir(exist_ok=True)
    track = ct.write_track(groups, folder, start=0.0, seconds=SECONDS, width=size[0],
                           height=size[1], style=style, colors=BRAND)  # fmt: skip
    out = ff.burn_captions(segment, folder / "out.mp4", track)
    return Image.open(ff.extract_frame(out, at, folder / "f.png")).convert("RGB")


def _caption_box(frame: Image.Image, plain: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box of what the caption changed."""
    diff = ImageChops.difference(frame, plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    box = diff.getbbox()
    assert box is not None, "no caption drawn"
    return box


def _share(frame: Image.Image, box, test) -> float:  # type: ignore[no-untyped-def]
    region = frame.crop(box)
    pixels = [region.getpixel((x, y)) for y in range(region.height) for x in range(region.width)]
    return sum(1 for p in pixels if test(p)) / len(pixels)


def _near(color: tuple[int, int, int], tolerance: int = 40):  # type: ignore[no-untyped-def]
    return lambda p: all(abs(a - b) <= tolerance for a, b in zip(p, color, strict=False))


def _whole(text: str) -> list[CaptionGroup]:
    """The caption without a spoken word (no highlight): for the style's own colours."""
    return scene_groups([(0.0, SECONDS, text)])


@pytest.mark.parametrize(
    ("position", "top_min", "bottom_max"),
    [("top", 0.14, 0.40), ("middle", 0.5, standards.CAPTION_BANDS["tall"][0]),
     ("bottom", 0.70, 0.86)],
)  # fmt: skip
def test_positions_stay_in_the_safe_zone(segment, plain, tmp_path, position, top_min,
                                         bottom_max) -> None:  # fmt: skip
    frame = _frame(segment, tmp_path, [_timed(CAPTION)], CaptionStyle(position=position))
    x0, y0, x1, y1 = _caption_box(frame, plain)
    assert y0 >= top_min * H and y1 <= bottom_max * H, (position, y0 / H, y1 / H)
    # clear of the right-hand action rail (the safe zone's right edge) and centred
    assert x1 <= standards.SAFE_ZONES["tall"][2] * W and abs((x0 + x1) / 2 - W / 2) < 0.03 * W


def test_the_middle_caption_never_covers_the_products_centre(tmp_path) -> None:
    """The stills put the product's centre at or above the middle of the frame; a middle caption
    of two lines starts below it at every frame shape."""
    for size in ((1080, 1920), (1080, 1080), (1920, 1080)):
        area = ct.band(*size, CaptionStyle(position="middle", size="large"))
        shape = standards.frame_shape(*size)
        assert area.y > size[1] * 0.5
        assert area.y + area.height <= size[1] * standards.SAFE_ZONES[shape][3]


def test_long_captions_at_the_top_and_bottom_stay_in_the_safe_zone(segment, plain,
                                                                   tmp_path) -> None:  # fmt: skip
    long = _timed("Light shoes with a grippy sole")  # two lines at the large size
    top = _caption_box(_frame(segment, tmp_path, [long], CaptionStyle("top", "large"), name="t"),
                       plain)  # fmt: skip
    bottom = _caption_box(
        _frame(segment, tmp_path, [long], CaptionStyle("bottom", "large"), name="b"), plain
    )
    assert top[1] >= 0.14 * H and top[3] - top[1] > 0.08 * H  # two lines
    assert bottom[3] <= 0.86 * H
    lines, _ = ct.layout_words(long.text.split(), ct.band(W, H, CaptionStyle(size="large")))
    assert len(lines) == 2


def test_sizes_grow_and_all_stay_legible(segment, plain, tmp_path) -> None:
    heights = {}
    for size in ("small", "medium", "large"):
        for frame_size in ((1080, 1920), (1080, 1080), (1920, 1080)):
            # the craft sheet's minimum, at every shape (the shorter side is 1080)
            assert ct.font_size(*frame_size, CaptionStyle(size=size)) >= 48
        box = _caption_box(_frame(segment, tmp_path, _whole("Grip"), CaptionStyle(size=size),
                                  name=size), plain)  # fmt: skip
        heights[size] = box[3] - box[1]
    assert heights["small"] < heights["medium"] < heights["large"]


def test_colours_and_box_or_outline(segment, plain, tmp_path) -> None:
    def yellow(p):  # type: ignore[no-untyped-def]
        return p[0] > 200 and p[1] > 170 and p[2] < 90

    def white(p):  # type: ignore[no-untyped-def]
        return min(p) > 225

    def dark(p):  # type: ignore[no-untyped-def]
        return max(p) < 70

    boxed = _frame(segment, tmp_path, _whole(CAPTION), CaptionStyle(color="yellow"), name="y")
    box = _caption_box(boxed, plain)
    assert _share(boxed, box, yellow) > 0.05 and _share(boxed, box, white) < 0.01
    # a box: the grey behind the text is darkened all over the caption's rectangle
    assert _share(boxed, box, lambda p: max(p) < 100) > 0.6
    outlined = _frame(segment, tmp_path, _whole(CAPTION), CaptionStyle(style="outline"),
                      name="o")  # fmt: skip
    obox = _caption_box(outlined, plain)
    assert _share(outlined, obox, white) > 0.05
    # an outline: most of the rectangle keeps the picture's grey, a dark edge hugs the glyphs
    assert _share(outlined, obox, lambda p: 110 < p[0] < 146) > 0.4
    assert _share(outlined, obox, dark) > 0.03
    black = _frame(segment, tmp_path, _whole(CAPTION), CaptionStyle(color="black"), name="k")
    bbox = _caption_box(black, plain)
    assert _share(black, bbox, dark) > 0.05 and _share(black, bbox, white) > 0.4  # white panel


def _accent_x(frame: Image.Image, box, accent) -> float:  # type: ignore[no-untyped-def]
    """Mean x of the accent-coloured pixels inside ``box``."""
    region = frame.crop(box)
    xs = [x for x in range(region.width) for y in range(region.height)
          if _near(accent)(region.getpixel((x, y)))]  # fmt: skip
    assert len(xs) > 50, "no highlight box in the brand's accent colour"
    return box[0] + sum(xs) / len(xs)


def test_the_spoken_word_is_on_the_brands_accent_and_moves_with_the_voice(
    segment, plain, tmp_path
) -> None:
    words = CAPTION.split()
    # each word said for a sixth of the second, in turn
    group = CaptionGroup(0.0, SECONDS, tuple(
        TimedWord(w, i / 6, (i + 1) / 6) for i, w in enumerate(words)))  # fmt: skip
    accent, ink = ct.highlight_colors(BRAND, CaptionStyle())
    assert accent == parse_color(BRAND[1]) and contrast_ratio(accent, ink) >= 4.5
    style = CaptionStyle()
    early = _frame(segment, tmp_path, [group], style, at=0.5 / 6, name="e")  # "Grip"
    late = _frame(segment, tmp_path, [group], style, at=2.5 / 6, name="l")  # "holds"
    box = _caption_box(early, plain)
    assert _accent_x(early, box, accent) < _accent_x(late, box, accent) - 0.1 * W
    # the rest of the words stay white on the dark panel
    assert _share(early, box, lambda p: min(p) > 225) > 0.03


def test_highlight_colours_always_contrast() -> None:
    palettes = [("#1F3A93", "#F5B041"), ("#000000", "#111111"), ("#FFFFFF", "#FAFAFA"),
                ("#FFD400",), (), ("not a colour", "#00A86B")]  # fmt: skip
    for colors in palettes:
        for color in ct.CAPTION_COLORS:
            accent, ink = ct.highlight_colors(colors, CaptionStyle(color=color))
            _, panel = ct.CAPTION_COLORS[color]
            assert contrast_ratio(accent, ink) >= 4.5, (colors, color)
            assert contrast_ratio(accent, panel) >= 1.8, (colors, color)  # the box stands out


def test_captions_show_only_while_their_group_is_said(segment, plain, tmp_path) -> None:
    group = _timed("Grip that holds", 0.3, 0.7)
    band = ct.band(W, H, CaptionStyle())
    area = (0, band.y, W, band.y + band.height)

    def shown(at: float) -> bool:
        frame = _frame(segment, tmp_path, [group], CaptionStyle(), at=at, name=f"t{at}")
        diff = ImageChops.difference(frame.crop(area), plain.crop(area)).convert("L")
        return diff.point(lambda v: 255 if v > 40 else 0).getbbox() is not None

    assert [shown(t) for t in (0.1, 0.5, 0.9)] == [False, True, False]


def test_captions_off_draw_nothing(segment, plain, tmp_path) -> None:
    off = CaptionStyle(position="off")
    assert ct.write_track([_timed(CAPTION)], tmp_path, start=0, seconds=SECONDS, width=W,
                          height=H, style=off) is None  # fmt: skip
    frame = _frame(segment, tmp_path, [_timed(CAPTION)], off)
    assert ImageChops.difference(frame, plain).convert("L").point(
        lambda v: 255 if v > 40 else 0).getbbox() is None  # fmt: skip


def test_a_group_said_across_a_cut_shows_on_both_sides(segment, tmp_path) -> None:
    group = _timed("Grip that holds on any trail", 0.6, 1.6)
    folder = tmp_path / "it's [odd], dir; x"  # the ffconcat list quotes any path
    finished = ct.burn_into_segments([segment, segment], [group], folder, style=CaptionStyle(),
                                     colors=BRAND)  # fmt: skip
    assert [ff.probe(p)["video_codec"] for p in finished] == ["h264", "h264"]
    band = ct.band(W, H, CaptionStyle())
    area = (0, band.y, W, band.y + band.height)
    base = Image.open(ff.extract_frame(ff.burn_captions(segment, tmp_path / "p.mp4"), 0.2,
                                       tmp_path / "p.png")).convert("RGB")  # fmt: skip

    def shown(video: Path, at: float) -> bool:
        frame = Image.open(ff.extract_frame(video, at, tmp_path / "x.png")).convert("RGB")
        diff = ImageChops.difference(frame.crop(area), base.crop(area)).convert("L")
        return diff.point(lambda v: 255 if v > 40 else 0).getbbox() is not None

    assert not shown(finished[0], 0.2) and shown(finished[0], 0.8)
    assert shown(finished[1], 0.3) and not shown(finished[1], 0.8)


def test_landscape_positions_use_the_whole_frame(tmp_path) -> None:
    still = tmp_path / "wide.png"
    Image.new("RGB", (960, 540), (128, 128, 128)).save(still)
    wide = ff.render_segment_from_still(still, tmp_path / "w.mp4", seconds=SECONDS, width=960,
                                        height=540)  # fmt: skip
    plain = Image.open(ff.extract_frame(ff.burn_captions(wide, tmp_path / "wp.mp4"), 0.5,
                                        tmp_path / "wp.png")).convert("RGB")  # fmt: skip
    size = (960, 540)
    top = _caption_box(_frame(wide, tmp_path, _whole("Grip"), CaptionStyle("top"), size=size,
                              name="wt"), plain)  # fmt: skip
    bottom = _caption_box(_frame(wide, tmp_path, _whole("Grip"), CaptionStyle("bottom"),
                                 size=size, name="wb"), plain)  # fmt: skip
    assert top[1] < 0.14 * 540 and bottom[3] > 0.80 * 540


def test_unknown_style_values_are_refused(tmp_path) -> None:
    for style in (CaptionStyle(position="left"), CaptionStyle(color="red"),
                  CaptionStyle(size="huge"), CaptionStyle(style="glow")):  # fmt: skip
        with pytest.raises(ProviderError, match="unknown caption"):
            ct.write_track([_timed("Hi")], tmp_path, start=0, seconds=1, width=W, height=H,
                           style=style)  # fmt: skip
