"""A campaign's product images and screenshots, scene by scene: the scenes take them in turn,
a screenshot on its device, and the end card shows the first (a real worker, offline)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops
from sqlalchemy import select

from aytada.core import campaigns, media, projects
from aytada.core.db import session_scope
from aytada.core.models import Asset
from aytada.jobs.steps import scene_layout
from tests.factories import CAMPAIGN, make_project
from tests.jobs.helpers import make_video
from tests.jobs.test_creative_pipeline import magenta_share
from tests.providers.screens import phone_screen
from tests.providers.test_scene_stills import bottle

pytestmark = [pytest.mark.slow, pytest.mark.media]  # which picture each scene shows


def _upload(path: Path) -> tuple[str, str, bytes]:
    return path.name, "image/png" if path.suffix == ".png" else "image/jpeg", path.read_bytes()


APP_GREEN = (0, 190, 110)  # the app's header and button: no brand colour of the campaign


def _app_share(path: Path) -> float:
    """Share of the still's pixels in the app screenshot's green."""
    with Image.open(path) as image:
        rgb = image.convert("RGB").resize((270, 480), Image.Resampling.NEAREST)
    near = ImageChops.difference(rgb, Image.new("RGB", rgb.size, APP_GREEN)).convert("L")
    return near.point(lambda v: 255 if v < 40 else 0).histogram()[255] / (270 * 480)


def test_scenes_take_the_campaigns_images_in_turn_and_the_end_card_the_first(
    workspace_id: int, start_worker, small_renders, tmp_path: Path
) -> None:
    ws = workspace_id
    cid = campaigns.create_campaign(
        ws, {**CAMPAIGN, "product_name": "Ledgerly", "brand_name": "Ledgerly"},
        product_photo=_upload(bottle(tmp_path / "bottle.jpg")),
        more_images=[_upload(phone_screen(tmp_path / "app.png", brand=APP_GREEN))],
    )  # fmt: skip
    start_worker()
    pid = make_project(ws, cid, length_s=15, fmt="9:16", quality="standard")
    make_video(ws, pid)

    project = projects.get_project(ws, pid)
    n = len(project.scenes)
    with session_scope() as s:
        stills = {
            (a.meta or {}).get("scene"): media.resolve(a.path)
            for a in s.scalars(select(Asset).where(Asset.project_id == pid))
            if a.role == "scene_still"
        }
    assert n >= 3 and len(stills) == n
    for i, scene in enumerate(project.scenes):
        card = scene_layout(scene["visual"], i, n)[0] == "end_card"
        shows = "bottle" if card or i % 2 == 0 else "app"
        bottle_px, app_px = magenta_share(stills[i]), _app_share(stills[i])
        if shows == "bottle":
            assert bottle_px > 0.005 and app_px < 0.0005, (i, bottle_px, app_px)
        else:  # the screenshot, on a phone (not cut out: its header is whole)
            assert bottle_px < 0.0005 and app_px > 0.002, (i, bottle_px, app_px)
        with Image.open(stills[i]) as still:
            assert still.text.get("aytada:device", "") == ("phone" if shows == "app" else "")
