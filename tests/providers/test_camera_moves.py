"""The camera never carries a text or the logo out of the frame (issue 22: in a kit's 16:9 and
1:1 cut-downs the detail's pan cut the logo at the left edge). Each scene still is checked all
along the move the clip step gives it, with the renderer's own zoompan expressions
(:func:`aytada.providers.ffmpeg._camera`), and one segment is rendered and looked at."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image

from aytada import standards
from aytada.jobs.steps import MOTION_FOR_LAYOUT as CLIP_STEP_MOTIONS
from aytada.providers import ffmpeg as ff
from aytada.providers.base import ImageRequest, SegmentRequest
from aytada.providers.layer_plan import MOVED_SLACK, LayerPlan
from aytada.providers.offline import FfmpegMotionClips, PillowImages
from aytada.providers.offline.images import MOTION_FOR_LAYOUT, Composition
from tests.providers.test_scene_stills import GREEN, LONG, SHAPES, SHORT, _near, bottle, logo

FRAMES = 90  # a 3 s scene
HOLD = 20  # the frames its layers take to enter (the camera holds)
CAMERA_FRAMES = range(HOLD, FRAMES, 5)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    return {"photo": bottle(folder / "bottle.jpg"), "logo": logo(folder / "logo.png", GREEN)}


def _window(motion: str, seed: int, focus: tuple[float, float], frame: int) -> tuple[float, ...]:
    """zoompan's (zoom, x, y) at ``frame`` of a :data:`FRAMES`-frame segment, x and y as
    fractions of the still (its ``iw``, ``ih`` = 1): the renderer's expressions, evaluated."""
    z_expr, x_expr, y_expr = ff._camera(motion, seed, FRAMES, focus, hold=HOLD)
    names = {"on": frame, "iw": 1.0, "ih": 1.0, "PI": math.pi, "cos": math.cos, "max": max}
    zoom = eval(z_expr, {}, names)  # noqa: S307 - our own expression, numbers only
    names["zoom"] = zoom
    x = min(max(0.0, eval(x_expr, {}, names)), 1 - 1 / zoom)  # noqa: S307
    y = min(max(0.0, eval(y_expr, {}, names)), 1 - 1 / zoom)  # noqa: S307
    return zoom, x, y


def _shown(box: tuple[int, int, int, int], window: tuple[float, ...], w: int, h: int):
    """``box`` (px of the still) where the frame shows it through ``window``."""
    zoom, x, y = window
    return ((box[0] - x * w) * zoom, (box[1] - y * h) * zoom, (box[2] - x * w) * zoom,
            (box[3] - y * h) * zoom)  # fmt: skip


def _compose(size: tuple[int, int], layout: str, **fields: object) -> Composition:
    request = {"prompt": "scene", "width": size[0], "height": size[1], "brand_name": "Kora",
               "colors": ("#2E1A47", "#F7B267"), "layout": layout}  # fmt: skip
    request.update(fields)
    return PillowImages().compose(ImageRequest(**request))  # type: ignore[arg-type]


def test_the_composer_and_the_clip_step_agree_on_each_layouts_move() -> None:
    assert CLIP_STEP_MOTIONS is MOTION_FOR_LAYOUT


@pytest.mark.parametrize("ratio", SHAPES)
@pytest.mark.parametrize("layout", ["hero", "detail", "context"])
def test_no_text_or_logo_leaves_the_frame_during_the_camera_move(
    uploads: dict[str, Path], ratio: str, layout: str
) -> None:
    """Every layout × 9:16 / 1:1 / 16:9 × short / long copy × photo or not × captions at the
    bottom or the top × seeds: at every frame of the move (a pan either way), each text and the
    logo stays inside the frame and at most MOVED_SLACK past the platforms' safe zone."""
    w, h = SHAPES[ratio]
    left, top, right, bottom = standards.SAFE_ZONES[standards.frame_shape(w, h)]
    s = MOVED_SLACK
    reach = ((left - s) * w - 1, (top - s) * h - 1, (right + s) * w + 1, (bottom + s) * h + 1)
    motion = CLIP_STEP_MOTIONS[layout]
    worst: list[str] = []
    for copy in (SHORT, LONG):
        for photo in (True, False):
            for position in ("bottom", "top"):
                for seed in range(3):
                    result = _compose((w, h), layout, seed=seed, logo=str(uploads["logo"]),
                                      product_photo=str(uploads["photo"]) if photo else "",
                                      caption_position=position, **copy)  # fmt: skip
                    for pan_seed in (0, 1):  # a pan goes either way
                        for frame in CAMERA_FRAMES:
                            window = _window(motion, pan_seed, result.focus, frame)
                            for name, box in result.boxes.items():
                                if name == "product":
                                    continue
                                x0, y0, x1, y1 = _shown(box, window, w, h)
                                where = (f"{ratio} {layout} {name} seed {seed} {position} "
                                         f"photo={photo} frame {frame}")  # fmt: skip
                                if x0 < -0.5 or y0 < -0.5 or x1 > w + 0.5 or y1 > h + 0.5:
                                    worst.append(f"{where}: cut, at {x0:.0f},{y0:.0f},"
                                                 f"{x1:.0f},{y1:.0f}")  # fmt: skip
                                elif (x0 < reach[0] or y0 < reach[1] or x1 > reach[2]
                                      or y1 > reach[3]):  # fmt: skip
                                    worst.append(f"{where}: out of the safe zone")
    assert not worst, f"{len(worst)} cases, e.g. {worst[:3]}"


def test_the_camera_takes_over_from_the_entering_layers_without_a_jump() -> None:
    """While the layers enter, the still is shown as drawn; the move starts from there."""
    for motion in ("push_in", "pan"):
        for seed in (0, 1):
            zoom, x, y = _window(motion, seed, (0.3, 0.45), HOLD)
            assert zoom == pytest.approx(1.0) and x == pytest.approx(0.0), (motion, seed)


def test_the_plan_refuses_a_logo_the_pan_would_cut() -> None:
    plan = LayerPlan(960, 540, "bottom", focus=(0.5, 0.45), motion="pan")
    plan.add("logo", "logo", (48, 38, 250, 124))  # in the safe zone, at its left edge
    assert any("cut by the frame during the pan" in p for p in plan.problems())
    plan.layers.clear()
    x0, y0, _, _ = plan.zone
    plan.add("logo", "logo", (x0, y0, x0 + 200, y0 + 86))  # where the composer puts it
    assert plan.problems() == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_the_rendered_logo_is_whole_in_the_last_frame_of_a_16_9_detail(
    uploads: dict[str, Path], tmp_path: Path, seed: int
) -> None:
    """The worst case before the fix: the 16:9 cut-down's detail (a pan), its logo in the top
    left corner. In the rendered segment's last frame the logo's pixels are all inside the frame
    and where the camera carries its box."""
    w, h = SHAPES["16:9"]
    request = ImageRequest(prompt="p", width=w, height=h, brand_name="Kora", title="Kora",
                           colors=("#2E1A47", "#F7B267"), seed=0, layout="detail",
                           product_photo=str(uploads["photo"]),
                           logo=str(uploads["logo"]))  # fmt: skip
    composition = PillowImages().compose(request)
    still = PillowImages().image(request, tmp_path / "detail.png")
    video = FfmpegMotionClips().segment(
        SegmentRequest(still=still, prompt="p", seconds=FRAMES / ff.FPS, width=w, height=h,
                       caption="", seed=seed, motion=CLIP_STEP_MOTIONS["detail"]),
        tmp_path / "detail.mp4",
    )  # fmt: skip
    frame_png = ff.extract_frame(video, (FRAMES - 1.5) / ff.FPS, tmp_path / "last.png")
    with Image.open(frame_png) as frame:
        last = frame.convert("RGB")
    # where the camera carries the logo's mark by the last frame (the end of the move, however
    # long its layers took to enter)
    window = _window("pan", seed, composition.focus, FRAMES - 1)
    mark = _shown(composition.marks["logo"], window, w, h)
    assert mark[0] >= 0 and mark[1] >= 0 and mark[2] <= w and mark[3] <= h, mark
    # the logo's own green pixels: all inside that box, none at the frame's edge, all there
    found = _near(last, GREEN, 50).getbbox()
    assert found is not None, "the logo is in the frame"
    fx0, fy0, fx1, fy1 = found
    assert fx0 > 0 and fy0 > 0 and fx1 < w and fy1 < h, f"the logo touches the edge: {found}"
    assert fx0 >= mark[0] - 3 and fy0 >= mark[1] - 3, (found, mark)
    assert fx1 <= mark[2] + 3 and fy1 <= mark[3] + 3, (found, mark)
    assert (fx1 - fx0) >= 0.9 * (mark[2] - mark[0]), f"the logo is cut: {found} of {mark}"
