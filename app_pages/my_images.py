"""My Images: every generated image in a grid, filtered by kind, each downloadable."""

from __future__ import annotations

import streamlit as st

from aytada.core.library import IMAGE_ROLES, list_images
from aytada.ui import widgets as w

ws = w.start_page()
w.page_header("My Images", "Scene stills, product shots, banners and flyers from every project.")
role = st.segmented_control(
    "Kind", list(IMAGE_ROLES), format_func=IMAGE_ROLES.get, key="images_role"
)
images = list_images(ws, role)

if not images:
    if role:
        w.empty_state(
            f"No {IMAGE_ROLES[role].lower()} yet",
            "Pick another kind, or clear the filter to see every image.",
            icon=":material/search_off:",
            key="images-nomatch",
        )
    else:
        w.empty_state(
            "No images yet",
            "Images appear here when you render a video ad (scene stills) or generate a banner "
            "or flyer from a campaign.",
            [("Campaigns", w.CAMPAIGNS, None), ("My Videos", w.VIDEOS, None)],
            icon=":material/image:",
            key="images-empty",
        )
COLUMNS = 4
for start in range(0, len(images), COLUMNS):
    for col, image in zip(st.columns(COLUMNS), images[start : start + COLUMNS], strict=False):
        with col, st.container(border=True):
            w.thumbnail(image.path, "banner", size=(480, 480), contain=True)
            st.caption(f"{IMAGE_ROLES.get(image.role, image.role)} · {w.md(image.project_title)}")
            w.download_file(
                "Download",
                image.path,
                key=f"img-{image.asset_id}",
                file_stem=f"{image.project_title}-{image.asset_id}",
            )
