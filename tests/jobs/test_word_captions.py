"""Word-timed captions through the real pipeline (workers, offline providers, half-size
frames): the stitch lays each caption group over the bare clips while its words are said, the
spoken word on the brand's accent; nothing where nobody speaks; none at all when the captions
are off; the .srt and .vtt beside the MP4 carry the same groups and times."""

from __future__ import annotations

from pathlib import Path

import pytest

from aytada.captions import caption_groups
from aytada.core import media, project_options, projects, subtitles
from aytada.jobs.runner import start_step
from aytada.providers.base import CaptionStyle
from aytada.providers.caption_track import highlight_colors
from tests.conftest import wait_for
from tests.factories import make_campaign, make_project
from tests.jobs.helpers import caption_pixels, status

pytestmark = [pytest.mark.slow, pytest.mark.media, pytest.mark.usefixtures("small_renders")]

COLORS = "#1F3A93,#E4572E"  # navy, and a vermilion accent for the spoken word
LINES = [
    "Still slipping on muddy trails every weekend?",
    "Trailblazer shoes grip wet rock, roots and mud.",
    "Get yours today.",
]
SCENES = [
    {"index": i, "visual": f"A runner on a muddy trail, shot {i}", "caption": f"Grip {i}",
     "voiceover": line, "duration": 5.0}
    for i, line in enumerate(LINES)
]  # fmt: skip


def _files(ws: int, pid: int) -> dict[str, Path]:
    """The project's files by role (a segment by "segment<scene>")."""
    out = {}
    for asset in projects.assets_of(ws, pid):
        key = asset.role + (str(asset.meta["scene"]) if asset.role == "segment" else "")
        out[key] = media.resolve(asset.path)
    return out


def _local(at: float) -> tuple[int, float]:
    """The scene shown at ``at`` seconds of the ad, and the time within its clip."""
    scene = min(int(at // 5.0), len(SCENES) - 1)
    return scene, at - 5.0 * scene


def test_captions_follow_the_voice_word_by_word_and_none_when_off(
    workspace_id, start_worker, tmp_path
) -> None:
    ws = workspace_id
    start_worker()
    start_worker()
    cid = make_campaign(ws, brand_colors=COLORS)
    made = {"on": 0, "off": 0}
    for name in made:
        made[name] = make_project(ws, cid, length_s=15, fmt="9:16", quality="standard",
                                  status="scenes_ready", scenes=SCENES, title=name)  # fmt: skip
    project_options.save_caption_style(ws, made["off"], {"position": "off"})
    for pid in made.values():
        start_step(ws, pid, "clip")
    wait_for(lambda: {status(ws, p) for p in made.values()} <= {"completed", "failed"},
             timeout=400, what="both renders")  # fmt: skip
    accent, _ = highlight_colors(COLORS.split(","), CaptionStyle())

    for name, pid in made.items():
        project = projects.get_project(ws, pid)
        assert project.status == "completed", project.error
        files = _files(ws, pid)
        final = projects.get_asset(ws, project.output_asset_id)
        timeline = final.meta["timeline"]
        groups = caption_groups(timeline)
        assert [line["text"] for line in timeline] == LINES
        assert 4 <= len(groups) and all(len(g.words) <= 6 for g in groups)
        video = media.resolve(final.path)

        # the .srt and .vtt beside the MP4: the very groups and times the video shows
        cues = subtitles.cues_from_groups(groups)
        assert [(c.start, c.end, c.text) for c in cues] == [(g.start, g.end, g.text)
                                                            for g in groups]  # fmt: skip
        assert files["subtitles_srt"].read_text(encoding="utf-8") == subtitles.to_srt(cues)
        assert files["subtitles_vtt"].read_text(encoding="utf-8") == subtitles.to_vtt(cues)

        # while each group is said: its caption over the clip, the spoken word highlighted
        for group in groups:
            _, start, until = group.spoken()[0]
            at = (start + until) / 2
            scene, local = _local(at)
            if min(local, 5.0 - local) < 0.1:
                continue  # too close to a cut to compare with one clip
            changed, highlight = caption_pixels(video, at, files[f"segment{scene}"], local,
                                                tmp_path, accent)  # fmt: skip
            if name == "on":
                assert changed > 300 and highlight > 40, (group.text, at, changed, highlight)
            else:
                assert changed < 60, (group.text, at, changed)

        # where nobody speaks (between lines, after the last one): no caption
        quiet = [(a["end"] + b["start"]) / 2 for a, b in zip(timeline, timeline[1:], strict=False)
                 if b["start"] - a["end"] > 0.2]  # fmt: skip
        quiet.append((timeline[-1]["end"] + 15.0) / 2)
        for at in quiet:
            scene, local = _local(at)
            changed, _ = caption_pixels(video, at, files[f"segment{scene}"], local, tmp_path,
                                        accent)  # fmt: skip
            assert changed < 60, (name, at, changed)
