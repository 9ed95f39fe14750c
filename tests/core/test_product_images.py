"""Up to five product images or screenshots per campaign: the product photo first, the others
after it in order; each file checked like the product photo, all or nothing; removing one moves
the next up; the brief snapshot lists the ones whose files are there."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from aytada.core import campaigns, media
from aytada.core.errors import ValidationFailed
from tests.factories import CAMPAIGN, make_campaign

pytestmark = pytest.mark.db  # the run's database, emptied per test


def _png(shade: int, size: tuple[int, int] = (6, 4)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (shade, 40, 90)).save(buf, format="PNG")
    return buf.getvalue()


def _image(n: int, name: str | None = None) -> tuple[str, str, bytes]:
    return (name or f"shot{n}.png", "image/png", _png(10 * n))


def _shades(workspace_id: int, cid: int) -> list[int]:
    """The red of each stored image, in order (which upload each one is)."""
    out = []
    for path in campaigns.product_images(campaigns.get_campaign(workspace_id, cid)):
        with Image.open(media.resolve(path)) as img:
            out.append(img.convert("RGB").getpixel((0, 0))[0])
    return out


def _files() -> set[str]:
    root = media.media_root()
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_campaign_takes_five_images_the_photo_first(workspace_id: int) -> None:
    cid = campaigns.create_campaign(
        workspace_id, dict(CAMPAIGN), product_photo=_image(1),
        more_images=[_image(n) for n in range(2, 6)],
    )  # fmt: skip
    campaign = campaigns.get_campaign(workspace_id, cid)
    assert campaign.product_photo_path and len(campaign.more_product_images) == 4
    assert _shades(workspace_id, cid) == [10, 20, 30, 40, 50]
    # without a product photo the first of the images is it
    cid2 = campaigns.create_campaign(workspace_id, dict(CAMPAIGN),
                                     more_images=[_image(7), _image(8)])  # fmt: skip
    assert _shades(workspace_id, cid2) == [70, 80]
    assert campaigns.get_campaign(workspace_id, cid2).product_photo_path


def test_six_images_are_refused_and_nothing_is_stored(workspace_id: int) -> None:
    before = _files()
    with pytest.raises(ValidationFailed) as info:
        campaigns.create_campaign(workspace_id, dict(CAMPAIGN), product_photo=_image(1),
                                  more_images=[_image(n) for n in range(2, 7)])  # fmt: skip
    assert info.value.errors["product_images"].startswith(
        "at most 5 product images or screenshots; this campaign has 0"
    )
    assert campaigns.list_campaigns(workspace_id) == [] and _files() == before
    cid = make_campaign(workspace_id)
    campaigns.update_campaign(workspace_id, cid, {}, more_images=[_image(n) for n in (1, 2, 3)])
    before = _files()
    with pytest.raises(ValidationFailed) as info:
        campaigns.update_campaign(workspace_id, cid, {"name": "Renamed"},
                                  more_images=[_image(4), _image(5), _image(6)])  # fmt: skip
    message = info.value.errors["product_images"]
    assert message == "at most 5 product images or screenshots; this campaign has 3 (3 more given)."
    assert _shades(workspace_id, cid) == [10, 20, 30] and _files() == before
    assert campaigns.get_campaign(workspace_id, cid).name == CAMPAIGN["name"]
    # replacing the product photo is not one more; removing one makes room
    campaigns.update_campaign(workspace_id, cid, {}, product_photo=_image(9),
                              more_images=[_image(4), _image(5)])  # fmt: skip
    assert _shades(workspace_id, cid) == [90, 20, 30, 40, 50]
    campaigns.update_campaign(workspace_id, cid, {}, remove_image=2, more_images=[_image(6)])
    assert _shades(workspace_id, cid) == [90, 30, 40, 50, 60]


def test_a_bad_third_file_changes_nothing_and_is_named(workspace_id: int) -> None:
    cid = campaigns.create_campaign(workspace_id, dict(CAMPAIGN), product_photo=_image(1))
    before = (_shades(workspace_id, cid), _files())
    bad = [
        ("anim.gif", "image/gif", b"GIF89a...."),
        ("broken.png", "image/png", b"\x89PNG not really"),
        ("huge.png", "image/png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1)),
    ]
    for third in bad:
        with pytest.raises(ValidationFailed) as info:
            campaigns.update_campaign(workspace_id, cid, {"brand_name": "Changed"},
                                      more_images=[_image(2), third])  # fmt: skip
        message = info.value.errors["product_images"]
        assert f"product image {third[0]}" in message and "shot2.png" not in message, message
        assert (_shades(workspace_id, cid), _files()) == before
        assert campaigns.get_campaign(workspace_id, cid).brand_name == CAMPAIGN["brand_name"]
    with pytest.raises(ValidationFailed) as info:
        campaigns.create_campaign(workspace_id, dict(CAMPAIGN),
                                  more_images=[_image(1), _image(2), bad[0]])  # fmt: skip
    assert "product image anim.gif: only PNG, JPEG or WebP" in info.value.errors["product_images"]
    assert len(campaigns.list_campaigns(workspace_id)) == 1 and _files() == before[1]


def test_removing_an_image_moves_the_next_up(workspace_id: int) -> None:
    cid = campaigns.create_campaign(workspace_id, dict(CAMPAIGN), product_photo=_image(1),
                                    more_images=[_image(2), _image(3)])  # fmt: skip
    first = campaigns.get_campaign(workspace_id, cid).product_photo_path
    campaigns.remove_product_image(workspace_id, cid, 1)
    campaign = campaigns.get_campaign(workspace_id, cid)
    assert _shades(workspace_id, cid) == [20, 30]
    assert len(campaign.more_product_images) == 1
    assert media.resolve(first).is_file()  # earlier generations' snapshots still name it
    campaigns.remove_product_image(workspace_id, cid, 2)
    assert _shades(workspace_id, cid) == [20]
    for position in (0, 2, 6):
        with pytest.raises(ValidationFailed) as info:
            campaigns.remove_product_image(workspace_id, cid, position)
        assert f"There is no image {position} to remove" in info.value.errors["product_images"]
    with pytest.raises(ValidationFailed) as info:
        campaigns.update_campaign(workspace_id, cid, {}, product_photo=_image(5), remove_image=1)
    assert "not both" in info.value.errors["product_photo"]
    campaigns.update_campaign(workspace_id, cid, {}, remove=["product_photo"])  # as before
    campaign = campaigns.get_campaign(workspace_id, cid)
    assert (campaign.product_photo_path, campaign.more_product_images) == ("", [])
    with pytest.raises(ValidationFailed, match="this campaign has no product images"):
        campaigns.remove_product_image(workspace_id, cid, 1)


def test_the_snapshot_lists_the_images_in_order(workspace_id: int) -> None:
    cid = campaigns.create_campaign(workspace_id, dict(CAMPAIGN), product_photo=_image(1),
                                    more_images=[_image(2), _image(3)])  # fmt: skip
    campaign = campaigns.get_campaign(workspace_id, cid)
    brief = campaigns.brief_snapshot(campaign)
    stored = [campaign.product_photo_path, *campaign.more_product_images]
    assert brief["product_images"] == stored
    assert brief["product_photo_path"] == stored[0]
    assert all(isinstance(p, str) and not p.startswith("/") for p in brief["product_images"])
    media.resolve(stored[1]).unlink()  # a file gone: left out, like the photo's own
    assert campaigns.brief_snapshot(campaign)["product_images"] == [stored[0], stored[2]]
    plain = campaigns.brief_snapshot(
        campaigns.get_campaign(workspace_id, make_campaign(workspace_id))
    )
    assert plain["product_images"] == [] and plain["product_photo_path"] == ""


def test_unicode_file_names(workspace_id: int) -> None:
    names = ["çay bardağı.png", "スクリーン 1.png", "écran—2.png"]
    cid = campaigns.create_campaign(
        workspace_id,
        dict(CAMPAIGN),
        more_images=[_image(n, name) for n, name in enumerate(names, 1)],
    )
    assert _shades(workspace_id, cid) == [10, 20, 30]
    for path in campaigns.product_images(campaigns.get_campaign(workspace_id, cid)):
        assert path.isascii()  # stored under names of our own
    with pytest.raises(ValidationFailed) as info:
        gif = ("ürün görseli.gif", "image/gif", b"GIF89a")
        campaigns.update_campaign(workspace_id, cid, {}, more_images=[gif])
    assert "product image ürün görseli.gif: only PNG" in info.value.errors["product_images"]
