"""The layers draw and count with the same numbers: the shared standards (`aytada.standards`)."""

from __future__ import annotations

import math

import pytest

from aytada import standards
from aytada.core import credits, project_options, timing
from aytada.providers import caption_track, ffmpeg, layout
from aytada.providers.base import CaptionStyle
from aytada.providers.layer_plan import LayerPlan
from aytada.providers.offline import images, writer


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (720, 1280), (540, 960)])
def test_story_banners_and_video_stills_use_the_same_9_16_safe_zone(width, height) -> None:
    left, top, right, bottom = standards.SAFE_ZONES["tall"]
    rect = layout.content_rect(width, height, "story")
    assert rect.x == max(layout.margin_for(width, height), round(width * left))
    assert (rect.y, rect.x + rect.w, rect.y + rect.h) == (
        round(height * top), round(width * right), round(height * bottom))  # fmt: skip
    still = images.SAFE_ZONE["tall"]
    assert still[:3] == (left, top, right)
    # a still's text ends above the bottom caption's band and never below the safe zone
    assert still[3] <= min(bottom, standards.CAPTION_BANDS["tall"][0])


@pytest.mark.parametrize(
    ("width", "height"),
    [(1080, 1920), (720, 1280), (1080, 1350), (1080, 1080), (1200, 628), (300, 250), (728, 90),
     (160, 600)],
)  # fmt: skip
def test_banners_flyers_and_stills_check_their_layers_by_one_plan(width, height) -> None:
    """A banner's or flyer's LayerPlan (the stills' class) has the layout's zone: the shared
    design zone, a story's the 9:16 video's safe zone, any other size's inside the margins."""
    plan = LayerPlan.for_design(width, height)
    zone = standards.design_zone(width, height)
    assert plan.zone == zone == layout.content_rect(width, height).box
    assert plan.band is None and plan.push == 1.0
    assert layout.margin_for(width, height) == standards.design_margin(width, height)
    assert standards.is_story(width, height) == (layout.aspect_class(width, height) == "story")
    if not standards.is_story(width, height):
        m = math.ceil(min(width, height) * standards.DESIGN_MARGIN)
        assert zone == (m, m, width - m, height - m)
    # the stills' contrast rule is the banners' one function
    assert images.contrast_ratio is layout.contrast_ratio
    assert images.MIN_CONTRAST == layout.AA_NORMAL


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1080, 1080), (1920, 1080)])
def test_the_caption_renderer_places_captions_by_the_shared_bands(width, height):
    shape = standards.frame_shape(width, height)
    bottom = caption_track.band(width, height, CaptionStyle(position="bottom"))
    centre = (bottom.y + bottom.height / 2) / height
    assert centre == pytest.approx(standards.caption_center_y(shape), abs=2 / height)
    top = caption_track.band(width, height, CaptionStyle(position="top"))
    assert top.y == pytest.approx(height * standards.caption_top_y(shape), abs=1)
    middle = caption_track.band(width, height, CaptionStyle(position="middle"))
    assert middle.y >= height * 0.5  # below the product's centre
    # within the safe zone's width, centred
    left, _, right, _ = standards.SAFE_ZONES[shape]
    assert (width - bottom.text_width) / 2 >= left * width
    assert (width + bottom.text_width) / 2 <= right * width
    # the bottom caption sits where the stills keep clear of text
    band_top, band_bottom = standards.CAPTION_BANDS[shape]
    assert images.SAFE_ZONE[shape][3] < band_top < standards.caption_center_y(shape) < band_bottom


def test_shapes_are_decided_once() -> None:
    assert images.frame_shape is standards.frame_shape
    assert [standards.frame_shape(*size) for size in ((1080, 1920), (1080, 1350), (1080, 1080),
                                                       (1920, 1080))] == [
        "tall", "tall", "square", "wide"]  # fmt: skip


def test_voice_speed_up_and_music_level_are_one_number_everywhere() -> None:
    assert timing.MAX_SPEEDUP == ffmpeg.MAX_ATEMPO == standards.MAX_SPEEDUP
    assert project_options.MUSIC_DB_DEFAULT == standards.MUSIC_UNDER_VOICE_DB
    assert ffmpeg.MUSIC_UNDER_VOICE_DB == standards.MUSIC_UNDER_VOICE_DB
    assert project_options.voice_options({}).music_db == standards.MUSIC_UNDER_VOICE_DB
    assert timing.WORDS_PER_SECOND == writer.WORDS_PER_SECOND == standards.WORDS_PER_SECOND


@pytest.mark.parametrize("length", [5, 15, 20, 30, 45, 60, 90])
def test_the_quote_plans_as_many_scenes_as_the_writer_writes(length: int) -> None:
    assert credits.planned_scenes(length) == writer.scene_count(length)
    assert standards.scene_count(length) == writer.scene_count(length)
    if length in standards.SCENES_PER_LENGTH:
        assert writer.scene_count(length) == standards.SCENES_PER_LENGTH[length]


def test_scene_lengths_count_the_words_an_address_or_a_number_takes_to_say():
    """One home for the pace: the writer's timings and the scenes step's re-timing both count
    "lumi.shop/glow" as the five words it is said in (it was one word to the re-timing, and a
    30 s demo ad failed: its last line had 2.8 s)."""
    from aytada.providers.offline import writer

    line = "Claim 20% off at lumi.shop/glow."
    assert standards.spoken_words(line) == 10
    assert standards.spoken_words("Call +44 20 7946 0000.") == 7
    assert timing.spoken_seconds(line) == 10 / standards.WORDS_PER_SECOND
    scenes = [{"voiceover": "Meet Lumi."}, {"voiceover": line}]
    assert [s["duration"] for s in timing.retime(scenes, 8)] == [2.5, 5.5]
    assert writer.timed_seconds(8, ["Meet Lumi.", line]) == [3, 5]
