"""Motion design: a scene's layers enter one after the other, and scenes hand over with a
transition instead of a hard cut (aytada.providers.motion, .layers, ffmpeg)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from aytada.providers import ffmpeg as ff
from aytada.providers import layers as still_layers
from aytada.providers import motion
from aytada.providers.base import CaptionStyle, ImageRequest, SegmentRequest
from aytada.providers.caption_track import burn_into_segments
from aytada.providers.layers import Layer
from aytada.providers.offline.clips import FfmpegMotionClips
from aytada.providers.offline.images import LAYOUTS, MOTION_FOR_LAYOUT, PillowImages
from aytada.vocabulary import CREATIVE_STYLES
from tests.providers.test_scene_stills import bottle, logo

SIZE = (360, 640)  # 9:16, small: the pixels' behaviour does not depend on the size
BRIEF = {"prompt": "p", "title": "Ledgerly", "brand_name": "Ledgerly",
         "caption": "Still lose money to spoiled stock?", "colors": ("#1F3A93", "#F5B041"),
         "call_to_action": "Start your free 14-day trial", "destination": "ledgerly.app",
         "seed": 3}  # fmt: skip


def _still(tmp_path: Path, layout: str, size: tuple[int, int] = SIZE, **more: object) -> Path:
    request = ImageRequest(width=size[0], height=size[1], layout=layout, **{**BRIEF, **more})  # type: ignore[arg-type]
    return PillowImages().image(request, tmp_path / f"{layout}.png")


def _layered(tmp_path: Path, layout: str, **more: object) -> tuple[Path, Path, list[Layer]]:
    """A still of ``layout`` (:func:`_still`), the base picture and the layers saved beside it."""
    still = _still(tmp_path, layout, **more)
    base_path, layers = still_layers.read(still)  # type: ignore[misc]
    return still, base_path, layers


def _layer(layers: list[Layer], role: str) -> Layer:
    return next(layer for layer in layers if layer.role == role)


def _segment(still: Path, out: Path, style: str, seconds: float = 3.0) -> Path:
    layout = Image.open(still).text["aytada:layout"]  # type: ignore[attr-defined]
    request = SegmentRequest(still=still, prompt="p", seconds=seconds, width=SIZE[0],
                             height=SIZE[1], motion=MOTION_FOR_LAYOUT[layout],
                             extra={"style": style})  # fmt: skip
    return FfmpegMotionClips().segment(request, out)


def _frame(video: Path, at: float, tmp_path: Path) -> Image.Image:
    with Image.open(ff.extract_frame(video, at, tmp_path / f"f{at:.3f}.png")) as image:
        return image.convert("RGB")


def _diff(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """Mean absolute difference (grey levels) of two pictures, or of their ``box``."""
    if box is not None:
        a, b = a.crop(box), b.crop(box)
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def _ink_rows(picture: Image.Image, box: tuple[int, int, int, int], base: Image.Image):
    """The rows (in frame pixels) of ``box`` where ``picture`` shows something ``base`` has not
    (by more than 30 grey levels)."""
    mask = ImageChops.difference(picture.crop(box), base.crop(box)).convert("L")
    found = mask.point(lambda v: 255 if v > 30 else 0).getbbox()
    return None if found is None else (found[1] + box[1], found[3] + box[1])


# --------------------------------------------------------------------------- the templates


def test_every_creative_style_has_a_pace_and_a_transition() -> None:
    assert set(motion.PACE_OF_STYLE) == set(CREATIVE_STYLES)
    brisk, calm = motion.pace_of("Direct Response"), motion.pace_of("Luxury")
    assert brisk.seconds < calm.seconds and brisk.stagger < calm.stagger
    assert motion.pace_of("no such style") == motion.PACES["smooth"]
    for pace in motion.PACES.values():
        assert set(pace.kinds.values()) <= set(motion.ENTRANCE_KINDS)


def test_layers_enter_in_order_brand_first_call_to_action_last_and_within_the_scene() -> None:
    roles = ["destination", "cta", "name", "logo"]
    plan = motion.entrances(roles, "Storytelling", 6.0)
    assert [e.role for e in plan] == roles  # one per role, in the order asked
    starts = {e.role: e.start for e in plan}
    assert starts["logo"] < starts["name"] < starts["cta"] < starts["destination"]
    assert {e.role: e.kind for e in plan}["cta"] == "pop"
    short = motion.entrances(roles, "Luxury", 1.5)  # a short scene builds faster
    assert max(e.end for e in short) <= 1.5 * motion.BUILD_SHARE + 1e-9
    assert motion.entrances([], "Humor", 3.0) == []


def test_transitions_cut_into_the_first_scene_and_fit_each_scene() -> None:
    layouts = ["hero", "detail", "context", "end_card"]
    brisk = motion.transitions(layouts, "UGC Style", [3.0, 3.0, 0.6, 3.0])
    assert brisk[0] == motion.CUT
    assert [t.kind for t in brisk[1:]] == ["slide_left", "slide_left", "slide_up"]
    assert brisk[2].seconds <= round(0.6 / 3, 3)
    calm = motion.transitions(layouts, "Luxury", [3.0] * 4)
    assert [t.kind for t in calm[1:]] == ["dissolve", "dissolve", "dip_to_black"]
    for pace in motion.PACES.values():
        assert {pace.transition, pace.into_end_card} <= set(motion.TRANSITION_KINDS)


# --------------------------------------------------------------------------- the layers


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("photo", [False, True])
def test_a_stills_layers_put_back_on_its_base_give_the_still(
    tmp_path: Path, layout: str, photo: bool
) -> None:
    uploads = {}
    if photo:
        uploads = {"product_photo": str(bottle(tmp_path / "bottle.jpg")),
                   "logo": str(logo(tmp_path / "logo.png", (20, 140, 60)))}  # fmt: skip
    still = _still(tmp_path, layout, **uploads)
    found = still_layers.read(still)
    assert found is not None
    base_path, layers = found
    roles = {layer.role for layer in layers}
    assert {"cta": layout == "end_card", "line": not photo and layout != "end_card"} == {
        "cta": "cta" in roles, "line": "line" in roles,
    }  # fmt: skip
    with Image.open(still) as s, Image.open(base_path) as b:
        picture, base = s.convert("RGB"), b.convert("RGBA")
    rebuilt = base.copy()
    for layer in layers:
        with Image.open(layer.sprite) as sprite:
            rebuilt.alpha_composite(sprite.convert("RGBA"), layer.box[:2])
        # the base has nothing where the layer is: the layer is what the still adds there
        assert _diff(picture, base.convert("RGB"), layer.box) > 4, layer.role
    assert _diff(picture, rebuilt.convert("RGB")) < 0.5


def test_a_still_composed_again_without_layers_leaves_no_stale_ones(tmp_path: Path) -> None:
    still = _still(tmp_path, "hero")
    assert still_layers.read(still) is not None
    # the same path, now a banner background (no layout, no words): nothing to animate
    PillowImages().image(ImageRequest(prompt="p", width=SIZE[0], height=SIZE[1]), still)
    assert still_layers.read(still) is None


# --------------------------------------------------------------------------- entrances


@pytest.mark.slow
def test_the_line_rises_into_place_after_the_icon_then_the_still_holds_and_the_camera_moves(
    tmp_path: Path,
) -> None:
    still, base_path, layers = _layered(tmp_path, "hero")
    line, icon = _layer(layers, "line"), _layer(layers, "icon")
    video = _segment(still, tmp_path / "hero.mp4", "Storytelling")
    plan = {e.role: e for e in motion.entrances([la.role for la in layers], "Storytelling", 3.0)}
    with Image.open(still) as s, Image.open(base_path) as b:
        picture, base = s.convert("RGB"), b.convert("RGB")

    built = max(x.end for x in plan.values())
    all_in = _frame(video, built + 0.05, tmp_path)
    first = _frame(video, 0.0, tmp_path)
    assert _diff(first, base, line.box) < 3 and _diff(first, base, icon.box) < 3  # nothing yet
    assert _diff(first, all_in, line.box) > 10 and _diff(first, all_in, icon.box) > 10
    # mid-way: the icon is in, the line is on its way up (lower than where it rests)
    e = plan["line"]
    mid = _frame(video, e.start + e.seconds * 0.35, tmp_path)
    assert _diff(mid, all_in, icon.box) < 0.3 * _diff(first, all_in, icon.box)
    grown = (line.box[0], line.box[1], line.box[2], min(SIZE[1], line.box[3] + 40))
    rows_mid, rows_rest = _ink_rows(mid, grown, first), _ink_rows(all_in, grown, first)
    assert rows_mid is not None and rows_rest is not None
    assert rows_mid[0] > rows_rest[0] + 2, (rows_mid, rows_rest)
    # all in: the frame is the still (the camera has not moved yet)
    assert _diff(all_in, picture) < 2.5
    # then the camera pushes in: the end differs from the still
    assert _diff(_frame(video, 2.95, tmp_path), picture) > 4


@pytest.mark.slow
def test_the_call_to_action_pops_larger_than_it_rests_then_settles(tmp_path: Path) -> None:
    still, _, layers = _layered(tmp_path, "end_card")
    cta = _layer(layers, "cta")
    video = _segment(still, tmp_path / "end.mp4", "Direct Response")
    pace = motion.pace_of("Direct Response")
    roles = [layer.role for layer in layers]
    delay = ff.SLIDE_SECONDS * 0.6  # the end card slides in first
    e = next(x for x in motion.entrances(roles, "Direct Response", 3.0 - delay) if x.role == "cta")
    before = _frame(video, delay + e.start - 0.04, tmp_path)  # the card, no button yet
    x0, y0, x1, y1 = cta.box
    band = (max(0, x0 - 40), (y0 + y1) // 2 - 2, min(SIZE[0], x1 + 40), (y0 + y1) // 2 + 2)

    def width_at(at: float) -> int:
        """How wide the button is across its middle at ``at`` (what differs from before)."""
        frame = _frame(video, at, tmp_path)
        mask = ImageChops.difference(frame.crop(band), before.crop(band)).convert("L")
        found = mask.point(lambda v: 255 if v > 20 else 0).getbbox()
        return 0 if found is None else found[2] - found[0]

    rest = width_at(2.9)
    assert abs(rest - (x1 - x0)) <= 8
    widths = [width_at(delay + e.start + e.seconds * k) for k in (0.12, 0.75)]
    assert 0 < widths[0] < rest * 0.85, f"it starts small: {widths} of {rest}"
    assert widths[1] > rest, f"and overshoots before it settles: {widths} of {rest}"
    assert pace.kinds["cta"] == "pop"


@pytest.mark.slow
def test_a_calm_style_builds_slower_than_a_brisk_one(tmp_path: Path) -> None:
    still, _, layers = _layered(tmp_path, "hero")
    line = _layer(layers, "line")
    brisk = _segment(still, tmp_path / "brisk.mp4", "Humor")
    calm = _segment(still, tmp_path / "calm.mp4", "Luxury")
    with Image.open(still) as s:
        picture = s.convert("RGB")
    at = 0.6  # the camera has not moved yet in either
    brisk_left = _diff(_frame(brisk, at, tmp_path), picture, line.box)
    calm_left = _diff(_frame(calm, at, tmp_path), picture, line.box)
    assert brisk_left < 0.3 * calm_left, (brisk_left, calm_left)


# --------------------------------------------------------------------------- transitions


@pytest.fixture(scope="module")
def two_scenes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scenes")
    one = _segment(_still(folder, "hero"), folder / "one.mp4", "Luxury")
    two = _segment(_still(folder, "end_card"), folder / "two.mp4", "Luxury")
    return one, two


@pytest.mark.slow
@pytest.mark.parametrize("kind", motion.TRANSITION_KINDS)
def test_a_scene_takes_over_from_the_last_frame_and_keeps_its_length(
    two_scenes: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    one, two = two_scenes
    change = motion.Transition(kind, 0.5)
    done = burn_into_segments([one, two], [], tmp_path / "done", style=CaptionStyle(),
                              transitions=[motion.CUT, change])  # fmt: skip
    cut = burn_into_segments([one, two], [], tmp_path / "cut", style=CaptionStyle())
    assert [ff.probe(p)["duration"] for p in done] == [3.0, 3.0]
    with Image.open(ff.last_frame(one, tmp_path / "last.png")) as image:
        last_of_one = image.convert("RGB")
    start, own_start = _frame(done[1], 0.0, tmp_path), _frame(cut[1], 0.0, tmp_path)
    assert _diff(start, last_of_one) < 4 < _diff(own_start, last_of_one)  # no hard cut
    assert _diff(_frame(done[1], 0.6, tmp_path), _frame(cut[1], 0.6, tmp_path)) < 2  # then itself
    at = 0.2  # frame 6 of the 15 the change lasts
    halfway, own = _frame(done[1], at, tmp_path), _frame(cut[1], at, tmp_path)
    w, h = SIZE
    gone = 0.5 - 0.5 * math.cos(math.pi * at / 0.5)  # how far a slide has gone (eased)
    if kind == "dissolve":  # 60 % the old frame, 40 % the scene
        assert _diff(halfway, Image.blend(last_of_one, own, at / 0.5)) < 6
    elif kind == "dip_to_black":  # 0.2 s of 0.25 s into black
        assert max(ImageStat.Stat(halfway.convert("L")).mean) < 0.3 * max(
            ImageStat.Stat(last_of_one.convert("L")).mean
        )
    elif kind == "slide_left":  # the old frame moved to the left, the scene uncovered
        shift = round(w * gone)
        assert _diff(halfway, own, (w - shift + 2, 0, w, h)) < 3
        moved = last_of_one.crop((shift, 0, w, h))
        assert _diff(halfway.crop((0, 0, w - shift, h)), moved) < 6
    elif kind == "slide_up":
        shift = round(h * gone)
        assert _diff(halfway, own, (0, h - shift + 2, w, h)) < 3
        moved = last_of_one.crop((0, shift, w, h))
        assert _diff(halfway.crop((0, 0, w, h - shift)), moved) < 6
    else:  # slide_fade: moving and fading: neither the old frame nor the new one
        assert _diff(halfway, own) > 4 and _diff(halfway, last_of_one) > 4
    # the first scene is not touched
    assert _diff(_frame(done[0], 1.0, tmp_path), _frame(cut[0], 1.0, tmp_path)) < 1


@pytest.mark.slow
def test_the_product_rises_in_with_its_shadow_before_the_camera_pushes_in(tmp_path: Path) -> None:
    photo = str(bottle(tmp_path / "bottle.jpg"))
    still, base_path, layers = _layered(tmp_path, "detail", product_photo=photo)
    (product,) = [layer for layer in layers if layer.role == "product"]
    video = _segment(still, tmp_path / "detail.mp4", "Testimonial")
    e = motion.entrances(["product"], "Testimonial", 3.0)[0]
    with Image.open(base_path) as b:
        base = b.convert("RGB")
    first, mid = _frame(video, 0.0, tmp_path), _frame(video, e.start + e.seconds * 0.4, tmp_path)
    all_in = _frame(video, e.end + 0.05, tmp_path)
    assert _diff(first, base, product.box) < 3  # the set, waiting for it
    box = (product.box[0], product.box[1], product.box[2], min(SIZE[1], product.box[3] + 40))
    rows_mid, rows_in = _ink_rows(mid, box, first), _ink_rows(all_in, box, first)
    assert rows_mid is not None and rows_in is not None
    assert rows_mid[0] > rows_in[0] + 2, (rows_mid, rows_in)  # on its way up
