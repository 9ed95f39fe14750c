"""A campaign's product images or screenshots in its forms (up to five: the product photo first,
the others in the order scenes use them): the uploader for more of them, read back as uploads,
and the Hub's thumbnails of the stored ones, each with a Remove button that asks first."""

from __future__ import annotations

import streamlit as st

from aytada.core import campaigns as c
from aytada.core.models import Campaign
from aytada.ui import widgets as w

LABEL = "More product images or screenshots — up to 5 in all; scenes use them in turn"
TYPES = ["png", "jpg", "jpeg", "webp"]


def uploader_key(base: str) -> str:
    """The uploader's widget key now: a new one after each save (:func:`saved`), so that files
    already saved are not offered, and added, again."""
    return f"{base}-{st.session_state.get(f'{base}-round', 0)}"


def saved(base: str) -> None:
    """After a save that stored the uploader's files: the next run draws it empty."""
    st.session_state[f"{base}-round"] = st.session_state.get(f"{base}-round", 0) + 1


def uploads(base: str) -> list[c.Upload]:
    """The files in the uploader as (file name, mime type, bytes), in the order they were added."""
    files = st.session_state.get(uploader_key(base)) or []
    return [(f.name, f.type or "", f.getvalue()) for f in files]


def uploader(base: str, errors: dict[str, str], *, have: int = 0) -> None:
    """The multi-file uploader for more images (`have`: how many the campaign has already),
    with the message of a refused file or count right under it."""
    room = c.MAX_PRODUCT_IMAGES - have
    st.file_uploader(
        LABEL,
        key=uploader_key(base),
        type=TYPES,
        accept_multiple_files=True,
        max_upload_size=5,
        disabled=room <= 0,
        help="PNG, JPEG or WebP, up to 5 MB each. Scenes show the product photo first, then "
        "these in turn; a screenshot is shown as on a phone.",
    )
    if have:
        st.caption(
            f"{have} of {c.MAX_PRODUCT_IMAGES} used: {room} more can be added."
            if room > 0
            else f"All {c.MAX_PRODUCT_IMAGES} used: remove one to add another."
        )
    w.field_error(errors, c.IMAGES_FIELD)


def _flag(key: str, position: int) -> str:
    return f"{key}-{position}-confirm"


def confirming(key: str) -> bool:
    """True while one of the gallery's removals waits for its confirmation."""
    return any(st.session_state.get(_flag(key, n)) for n in range(1, c.MAX_PRODUCT_IMAGES + 1))


def _remove(workspace_id: int, campaign_id: int, position: int, key: str, errors_key: str) -> None:
    st.session_state[_flag(key, position)] = False
    what = "The product photo" if position == 1 else f"Image {position}"
    w.run_action(
        lambda: c.remove_product_image(workspace_id, campaign_id, position),
        success=f"{what} was removed. The next generation uses the other images.",
        errors_key=errors_key,
    )


def _question(position: int, count: int) -> str:
    if position == 1 and count > 1:
        return ("Remove the product photo? Image 2 becomes the product photo. Assets made "
                "before keep theirs.")  # fmt: skip
    if position == 1:
        return "Remove the product photo? Assets made before keep theirs."
    return f"Remove image {position}? The ones after it move up. Assets made before keep theirs."


def gallery(workspace_id: int, campaign: Campaign, *, key: str, errors_key: str) -> None:
    """Thumbnails of the campaign's product images in order, each with "Remove", which asks
    first ("Yes, remove", red, or "Cancel")."""
    images = c.product_images(campaign)
    if not images:
        return
    st.markdown(f"**Product images or screenshots** ({len(images)} of {c.MAX_PRODUCT_IMAGES})")
    for position, (col, path) in enumerate(zip(st.columns(c.MAX_PRODUCT_IMAGES), images,
                                               strict=False), 1):  # fmt: skip
        with col:
            w.thumbnail(path, "image", size=(240, 240), contain=True)
            st.caption("1 · product photo" if position == 1 else str(position))
            flag = _flag(key, position)
            if not st.session_state.get(flag):
                w.flag_button("Remove", key=f"{key}-{position}-remove", flag=flag,
                              icon=":material/delete:")  # fmt: skip
                continue
            st.warning(_question(position, len(images)))
            with w.danger_zone(f"{key}-{position}"):
                st.button(
                    "Yes, remove",
                    key=f"{key}-{position}-yes",
                    type="primary",
                    icon=":material/delete_forever:",
                    on_click=_remove,
                    args=(workspace_id, campaign.id, position, key, errors_key),
                )
            st.button("Cancel", key=f"{key}-{position}-no", on_click=w.set_flag,
                      args=(flag, False))  # fmt: skip
