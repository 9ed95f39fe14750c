"""Uploads that cannot hurt: a picture's size is read from its header and refused above 40
megapixels before anything decodes it; what is accepted is stored at a working size."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from aytada.core import campaigns, media
from aytada.core.errors import ValidationFailed
from tests.factories import CAMPAIGN

pytestmark = pytest.mark.db


def _png_claiming(width: int, height: int) -> bytes:
    """A 1×1 PNG whose header says ``width``×``height`` (what a decompression bomb looks like
    to a reader of headers: a few bytes that would decode to gigabytes)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


@pytest.mark.parametrize("side", [13000, 30000, 7000])
def test_a_picture_over_40_megapixels_is_refused_from_its_header(side: int) -> None:
    bomb = _png_claiming(side, side)
    assert len(bomb) < 100
    with pytest.raises(ValidationFailed) as info:
        campaigns.check_upload("photo.png", "image/png", bomb)
    message = info.value.errors["upload"]
    assert "too large" in message and "40 megapixels" in message, message


def test_a_bomb_changes_nothing(workspace_id: int) -> None:
    with pytest.raises(ValidationFailed):
        campaigns.create_campaign(
            workspace_id,
            dict(CAMPAIGN),
            product_photo=("p.png", "image/png", _png_claiming(13000, 13000)),
        )
    assert campaigns.list_campaigns(workspace_id) == []


def test_an_accepted_photo_is_stored_at_a_working_size(workspace_id: int) -> None:
    big = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 30, 90)).save(big, "JPEG", quality=80)
    small = io.BytesIO()
    Image.new("RGBA", (800, 600), (0, 0, 0, 0)).save(small, "PNG")
    cid = campaigns.create_campaign(
        workspace_id,
        dict(CAMPAIGN),
        product_photo=("big.jpg", "image/jpeg", big.getvalue()),
        logo=("logo.png", "image/png", small.getvalue()),
    )
    campaign = campaigns.get_campaign(workspace_id, cid)
    with Image.open(media.resolve(campaign.product_photo_path)) as photo:
        assert photo.size == (2048, 1365) and photo.format == "JPEG"
    stored = media.resolve(campaign.logo_path).read_bytes()
    assert stored == small.getvalue()  # small enough already: kept byte for byte
