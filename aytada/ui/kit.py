"""The Campaign Hub's kit section: "Make the kit" with its quote, and one progress view of every
part of the campaign's latest kits (status, Retry for a failed part, the zip when packaged).

The page calls `kit_section` with the views it loaded (`aytada.core.kits.kits_of`) and
`busy` for its live refresh; the clicks only start (`aytada.jobs.kits`) and return."""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core import kits
from aytada.core.formats import LENGTHS, QUALITIES
from aytada.core.models import Campaign
from aytada.jobs.kits import continue_part, retry_part, start_kit
from aytada.ui import widgets as w

CONFIRM = "kit_confirm_{}"  # the session flag: the Make button was clicked, asking first


def busy(views: list[kits.KitView]) -> bool:
    """A kit still making its parts or its files (the page keeps refreshing)."""
    return any(not v.finished or v.packaged_at is None for v in views)


def _quote_table(quote: kits.KitQuote) -> None:
    rows = [
        {"Part": line.part.label, "For": line.part.use, "Credits": line.credits}
        for line in quote.lines
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def _start(ws: int, campaign_id: int, length_s: int, quality: str, flag: str) -> None:
    st.session_state[flag] = False
    w.run_action(
        partial(
            start_kit, ws, campaign_id, length_s=length_s, quality=quality, user_id=w.user_id()
        ),  # fmt: skip
        success="The kit is started: its parts run by themselves. Follow them below.",
    )


def _make_form(ws: int, campaign: Campaign) -> None:
    flag = CONFIRM.format(campaign.id)
    left, right = st.columns(2)
    length = left.selectbox(
        "Video and jingle length", LENGTHS, index=LENGTHS.index(kits.DEFAULT_LENGTH),
        format_func=lambda n: f"{n} s", key=f"kit_length_{campaign.id}",
    )  # fmt: skip
    quality = right.selectbox(
        "Video quality", list(QUALITIES), index=list(QUALITIES).index(kits.DEFAULT_QUALITY),
        format_func=QUALITIES.get, key=f"kit_quality_{campaign.id}",
    )  # fmt: skip
    quote = kits.quote_kit(length, quality)
    with st.expander(f"What the kit costs: {quote.total} credits", icon=":material/receipt:"):
        st.caption(
            "Each part at its price when every step runs once. The 1:1 and 16:9 cut-downs lay "
            "the 9:16 video's scenes out again and keep its voice and music: they are priced "
            "as re-composition, not as new generations."
        )
        _quote_table(quote)
    if not st.session_state.get(flag):
        w.flag_button(
            w.cost_label("Make the kit", quote.total), key=f"kit-make-{campaign.id}",
            flag=flag, icon=":material/inventory_2:",
            help="A 9:16 video with its 1:1 and 16:9 cut-downs, six banners, a flyer and a "
            "jingle, each a normal project of this campaign.",
        )  # fmt: skip
        return
    st.warning(
        f"Make the kit? This starts {len(quote.lines)} projects and holds {quote.total} "
        "credits until each part is done (a part that fails is not charged).",
        icon=":material/help:",
    )
    yes, no = st.columns([1, 3])
    yes.button(
        "Make it", key=f"kit-confirm-{campaign.id}", type="primary",
        on_click=_start, args=(ws, campaign.id, length, quality, flag),
    )  # fmt: skip
    no.button("Cancel", key=f"kit-cancel-{campaign.id}", on_click=w.set_flag, args=(flag, False))


def _part_row(ws: int, kit: kits.KitView, part: kits.PartView) -> None:
    name, state, actions = st.columns([3, 4, 2], vertical_alignment="center")
    name.markdown(f"**{w.md(part.part.label)}**  \n{w.md(part.part.use)}")
    with state:
        w.status_badge(part.status)
        if part.waiting:
            st.caption(part.waiting)
        elif part.stopped:
            st.caption(w.md(part.stopped))
        elif part.error:
            st.caption(w.md(part.error))
        else:
            w.progress_bar(part.status)
    with actions:
        if part.status == "failed":
            w.action_button(
                "Retry", partial(retry_part, ws, part.project_id, w.user_id()),
                key=f"kit-{kit.id}-retry-{part.project_id}", icon=":material/refresh:",
                success=f"{part.part.label}: retrying the failed step.",
            )  # fmt: skip
        if part.stopped:
            w.action_button(
                "Continue", partial(continue_part, ws, part.project_id),
                key=f"kit-{kit.id}-continue-{part.project_id}", icon=":material/play_arrow:",
                success=f"{part.part.label}: it runs on by itself.",
            )  # fmt: skip
        w.nav_button("Open", w.STUDIO, {"project": part.project_id},
                     key=f"kit-{kit.id}-open-{part.project_id}")  # fmt: skip


def _kit(ws: int, kit: kits.KitView, latest: bool) -> None:
    made = sum(1 for p in kit.parts if p.status == "completed")
    title = f"{kit.title} · {made} of {len(kit.parts)} made · {kit.length_s} s"
    with st.expander(title, expanded=latest, icon=":material/inventory_2:"):
        st.progress(kit.progress, text=f"{round(kit.progress * 100)}% · charged {kit.charged} "
                                       f"of {kit.quoted} credits quoted")  # fmt: skip
        if kit.failed:
            st.warning(
                f"{', '.join(p.part.label for p in kit.failed)} failed; the other parts are "
                "not affected. Retry runs only that part (nothing is charged twice).",
                icon=":material/warning:",
            )
        if kit.finished and kit.zip_path and kit.packaged_at is not None:
            w.download_file("Download the kit (zip)", kit.zip_path, key=f"kit-zip-{kit.id}",
                            file_stem=kit.title)  # fmt: skip
            st.caption("Every file named by asset and size, a contact sheet and the copy deck "
                       "(CSV and Markdown).")  # fmt: skip
            sheet = kit.zip_path.rsplit("/", 1)[0] + "/contact-sheet.png"
            # a cached JPEG of the sheet (not the full PNG on every rerun of the hub)
            w.thumbnail(sheet, "image", size=(1092, 980), contain=True)
            st.caption("Contact sheet: every asset of the kit, as it is in the zip.")
        elif kit.finished:
            st.caption("Packaging the files…")
        for part in kit.parts:
            _part_row(ws, kit, part)


def kit_section(ws: int, campaign: Campaign, views: list[kits.KitView]) -> None:
    """The hub's "The kit" section: the make form, then the latest kits (newest open)."""
    st.subheader("The kit")
    st.caption(
        "One click, the whole campaign: a 9:16 video with its 1:1 and 16:9 cut-downs, banners "
        "in 300×250, 728×90, 160×600, 1200×628, 1080×1080 and 1080×1920, a flyer and a "
        "jingle. Each part is a normal project in the lists below and in My Videos."
    )
    _make_form(ws, campaign)
    for i, view in enumerate(views):
        _kit(ws, view, latest=i == 0)
