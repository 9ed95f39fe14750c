"""Up to five product images or screenshots in the campaign forms: more of them uploaded at
once (Campaigns form, Hub edit form), thumbnails in the Hub each removed after a confirmation,
a bad file or one too many refused under the field with nothing saved."""

from __future__ import annotations

import io

from PIL import Image

from aytada.core import campaigns
from aytada.ui.widgets import CAMPAIGNS, HUB
from tests.factories import CAMPAIGN, make_campaign
from tests.ui.helpers import buttons, texts
from tests.ui.test_campaigns import fill_form

LABEL = "More product images or screenshots — up to 5 in all; scenes use them in turn"


def _png(shade: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (12, 8), (shade, 60, 120)).save(buf, format="PNG")
    return buf.getvalue()


def _more(at):  # type: ignore[no-untyped-def]
    """The uploader of more images (its key changes after each save)."""
    (uploader,) = [u for u in at.file_uploader if u.label == LABEL]
    return uploader


def _images(ws: int, cid: int) -> list[str]:
    return campaigns.product_images(campaigns.get_campaign(ws, cid))


def test_the_new_campaign_form_takes_more_images(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at)
    assert _more(at).accept_multiple_files
    at.file_uploader(key="cf_product_photo").set_value(("bottle.png", _png(10), "image/png"))
    _more(at).set_value([("écran 1.png", _png(20), "image/png"),
                         ("screen-2.png", _png(30), "image/png")])  # fmt: skip
    at.button(key="cf_submit").click().run()
    assert not at.exception
    (row,) = campaigns.list_campaigns(ws)
    assert len(_images(ws, row.id)) == 3
    assert "Campaign created" in texts(at)


def test_a_bad_file_in_the_new_campaign_form_saves_nothing(app, ws):
    at = app(CAMPAIGNS)
    fill_form(at)
    _more(at).set_value([("ok.png", _png(20), "image/png"),
                         ("clip.png", b"GIF89a....", "image/gif")])  # fmt: skip
    at.button(key="cf_submit").click().run()
    assert not at.exception
    assert campaigns.list_campaigns(ws) == []
    errors = [m.value for m in at.markdown if "aytada-field-error" in m.value]
    assert any("product image clip.png: only PNG, JPEG or WebP" in e for e in errors), errors
    assert "Please fix the highlighted fields." in texts(at)


def test_hub_adds_two_images_shows_them_and_removes_one_after_asking(app, ws):
    cid = campaigns.create_campaign(ws, dict(CAMPAIGN),
                                    product_photo=("p.png", "image/png", _png(10)))  # fmt: skip
    at = app(HUB, id=cid)
    assert len(at.image) == 1 and "1 · product photo" in texts(at)
    _more(at).set_value([("a.png", _png(20), "image/png"), ("b.png", _png(30), "image/png")])
    at.button(key="ce_save").click().run()
    assert not at.exception
    first, second, third = _images(ws, cid)
    assert "Campaign saved" in texts(at)
    # three thumbnails, each with Remove; the uploader is empty again (a second save adds none)
    assert len(at.image) == 3
    assert {f"hub-images-{n}-remove" for n in (1, 2, 3)} <= set(buttons(at))
    assert "3 of 5 used: 2 more can be added." in texts(at)
    at.button(key="ce_save").click().run()
    assert _images(ws, cid) == [first, second, third]
    # Remove asks first; Cancel keeps the image
    at.button(key="hub-images-1-remove").click().run()
    assert "Remove the product photo? Image 2 becomes the product photo." in texts(at)
    assert _images(ws, cid) == [first, second, third]
    at.button(key="hub-images-1-no").click().run()
    assert "hub-images-1-yes" not in buttons(at)
    assert _images(ws, cid) == [first, second, third]
    # confirmed: the next moves up
    at.button(key="hub-images-1-remove").click().run()
    at.button(key="hub-images-1-yes").click().run()
    assert not at.exception
    assert _images(ws, cid) == [second, third]
    assert campaigns.get_campaign(ws, cid).product_photo_path == second
    assert "The product photo was removed." in texts(at)
    assert len(at.image) == 2 and "hub-images-3-remove" not in buttons(at)


def test_hub_refuses_one_image_too_many_under_the_field(app, ws):
    cid = campaigns.create_campaign(
        ws, dict(CAMPAIGN), more_images=[(f"{n}.png", "image/png", _png(n)) for n in range(4)]
    )
    before = _images(ws, cid)
    at = app(HUB, id=cid)
    at.text_input(key="ce_brand_name").input("Changed")
    _more(at).set_value([("x.png", _png(50), "image/png"), ("y.png", _png(60), "image/png")])
    at.button(key="ce_save").click().run()
    assert not at.exception
    errors = [m.value for m in at.markdown if "aytada-field-error" in m.value]
    assert any("at most 5 product images or screenshots; this campaign has 4" in e
               for e in errors), errors  # fmt: skip
    assert _images(ws, cid) == before
    assert campaigns.get_campaign(ws, cid).brand_name == CAMPAIGN["brand_name"]


def test_a_campaign_without_images_shows_no_thumbnails(app, ws):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    assert not at.exception
    assert "Product images or screenshots" not in texts(at)
    assert not any(key.startswith("hub-images-") for key in buttons(at))
    assert not _more(at).disabled
