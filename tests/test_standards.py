"""The layers draw and count with the same numbers: the shared standards (`aytada.standards`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aytada import standards
from aytada.core import credits, project_options, timing
from aytada.providers import ffmpeg, layout
from aytada.providers.base import CaptionStyle
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


def _caption_y(width: int, height: int, position: str, tmp_path: Path) -> str:
    style = CaptionStyle(position=position, size="medium", color="white", style="box")
    drawtext = ffmpeg.caption_filter("A caption", width, height, tmp_path, style)
    assert drawtext is not None
    return re.search(r":y=([^:]+)", drawtext).group(1)


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1080, 1080), (1920, 1080)])
def test_the_caption_renderer_places_captions_by_the_shared_bands(width, height, tmp_path):
    shape = standards.frame_shape(width, height)
    bottom = _caption_y(width, height, "bottom", tmp_path)
    assert bottom == f"h*{standards.caption_center_y(shape)}-text_h/2"
    top = _caption_y(width, height, "top", tmp_path)
    assert top == f"h*{standards.SAFE_ZONES[shape][1] + standards.CAPTION_GAP:g}"
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
