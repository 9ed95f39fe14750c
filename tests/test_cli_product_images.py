"""`aytada campaign create/edit --product-image PATH` (repeatable) and `campaign edit
--remove-image N`: up to five product images or screenshots, stored in order; a bad file, one
too many or a position with no image is a clean error that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from aytada.core import campaigns, media
from tests.test_cli import MINIMAL_TOML, _counts, _fails_cleanly, _png, in_process

pytestmark = pytest.mark.db


def _toml(tmp_path: Path) -> str:
    path = tmp_path / "campaign.toml"
    path.write_text(MINIMAL_TOML)
    return str(path)


def _shots(tmp_path: Path, *names: str) -> list[str]:
    return [str(_png(tmp_path / name, (20 * n, 40, 40))) for n, name in enumerate(names, 1)]


def _stored(workspace_id: int, cid: int | str) -> list[bytes]:
    campaign = campaigns.get_campaign(workspace_id, cid)
    return [media.resolve(p).read_bytes() for p in campaigns.product_images(campaign)]


def _images(*paths: str) -> list[str]:
    return [arg for path in paths for arg in ("--product-image", path)]


def test_create_and_edit_add_images_in_order(app_env, workspace_id, tmp_path) -> None:
    photo, one, two, three, four = _shots(
        tmp_path, "bottle.png", "écran 1.png", "screen 2.png", "スクリーン3.png", "four.png"
    )
    out = in_process(app_env, "campaign", "create", "--file", _toml(tmp_path),
                     "--product-photo", photo, *_images(one, two))  # fmt: skip
    assert out.returncode == 0, out.stderr
    cid = out.stdout.strip()
    files = [Path(p).read_bytes() for p in (photo, one, two, three, four)]
    assert _stored(workspace_id, cid) == files[:3]
    out = in_process(app_env, "campaign", "edit", cid, *_images(three, four))
    assert out.returncode == 0, out.stderr
    assert "product images or screenshots: 5 of 5" in out.stdout
    assert _stored(workspace_id, cid) == files
    out = in_process(app_env, "campaign", "edit", cid, "--remove-image", "1")
    assert out.returncode == 0, out.stderr
    assert "product images or screenshots: 4 of 5" in out.stdout
    assert _stored(workspace_id, cid) == files[1:]  # the next one is the product photo now


def test_bad_images_are_clean_errors_that_change_nothing(app_env, workspace_id, tmp_path) -> None:
    shots = _shots(tmp_path, *(f"{n}.png" for n in range(1, 7)))
    gif = str(_png(tmp_path / "anim.gif", fmt="GIF"))
    create = ("campaign", "create", "--file", _toml(tmp_path))
    before = _counts()
    _fails_cleanly(in_process(app_env, *create, *_images(*shots)),
                   "at most 5 product images or screenshots; this campaign has 0")  # fmt: skip
    _fails_cleanly(in_process(app_env, *create, *_images(shots[0], shots[1], gif)),
                   "product image anim.gif: only PNG, JPEG or WebP")  # fmt: skip
    _fails_cleanly(in_process(app_env, *create, *_images(str(tmp_path / "nope.png"))),
                   "product image", "nope.png: no such file")  # fmt: skip
    assert _counts() == before
    cid = in_process(app_env, *create, *_images(*shots[:4])).stdout.strip()
    stored = _stored(workspace_id, cid)
    edit = ("campaign", "edit", cid)
    _fails_cleanly(in_process(app_env, *edit, *_images(shots[4], shots[5])),
                   "at most 5 product images or screenshots; this campaign has 4")  # fmt: skip
    _fails_cleanly(in_process(app_env, *edit, *_images(shots[4], gif)), "anim.gif")
    _fails_cleanly(in_process(app_env, *edit, "--remove-image", "5"),
                   "There is no image 5 to remove: this campaign has 4")  # fmt: skip
    for bad in ("0", "6", "two"):
        out = in_process(app_env, *edit, "--remove-image", bad)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert "the image's position must be" in out.stderr, out.stderr
    assert _stored(workspace_id, cid) == stored
