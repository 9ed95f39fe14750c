"""Campaign Hub (`?id=`): the whole campaign editable (pillars in place, every strategy input,
brand, uploads), "Draft strategy with AI", the kit (make it, its progress, its zip), A/B
variants side by side, the assets by kind (the newest 24, "Show more" adds 24), shortcuts."""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core import campaigns as c
from aytada.core.errors import UserError
from aytada.core.formats import KINDS
from aytada.core.kits import kits_of
from aytada.core.projects import (
    counts_by_kind,
    first_projects,
    soft_delete,
    variant_families,
)
from aytada.jobs.strategy import start_strategy_draft
from aytada.jobs.variants import make_variant
from aytada.ui import kit as kit_ui
from aytada.ui import product_images, strategy_draft
from aytada.ui import widgets as w
from aytada.ui.board import strategy_board
from aytada.vocabulary import DESTINATION, DESTINATION_EXAMPLE, STRATEGY_PILLARS

ws = w.start_page()
campaign_id = st.query_params.get("id")
if not campaign_id:
    w.not_found("No campaign was chosen.", w.CAMPAIGNS, "Back to Campaigns")
campaign = w.load_or_not_found(
    c.get_campaign, ws, campaign_id, back_page=w.CAMPAIGNS, back_label="Back to Campaigns"
)
SHOWN = f"hub_shown_{campaign.id}"  # how many pages of assets this campaign's hub shows
assets = first_projects(ws, pages=w.pages_shown(SHOWN), campaign_id=campaign.id)
DRAFT = f"hub_draft_{campaign.id}"
EDIT_ERRORS = f"hub_edit_errors_{campaign.id}"
draft = strategy_draft.current_draft(ws, DRAFT)
kit_views = kits_of(ws, campaign.id, limit=3)

w.page_header(campaign.name, processing=assets.any_active)
w.live_refresh(
    assets.any_active or (draft is not None and draft.open) or kit_ui.busy(kit_views), key="hub"
)
facts = [campaign.product_name]
if campaign.brand_name:
    facts.append(f"brand {campaign.brand_name}")
facts.append(c.AWARENESS_STAGES.get(campaign.awareness_stage, campaign.awareness_stage))
facts += [v for v in (campaign.creative_style, campaign.industry, campaign.business_type) if v]
if campaign.destination:
    facts.append(f"sends people to {campaign.destination}")
st.caption(" · ".join(facts))
st.page_link(w.CAMPAIGNS, label="All campaigns", icon=":material/arrow_back:")

# --------------------------------------------------------------------------- strategy pillars

st.subheader("Strategy")
st.caption("Edit a pillar and save: your next generation uses the new text.")


def save_pillar(field: str) -> None:
    w.run_action(
        lambda: c.update_campaign(ws, campaign.id, {field: st.session_state[f"pillar_{field}"]}),
        success=f"{STRATEGY_PILLARS[field].label} saved. The next generation uses it.",
        errors_key=f"pillar_errors_{field}",
    )


def accept_pillar(field: str, text: str) -> bool:
    """A suggested pillar the user accepted: saved at once (the next generation uses it)."""
    saved = []
    w.run_action(
        lambda: saved.append(c.update_campaign(ws, campaign.id, {field: text})),
        success=f"{STRATEGY_PILLARS[field].label} replaced by the suggestion and saved.",
        errors_key=f"pillar_errors_{field}",
    )
    return bool(saved)


def start_draft() -> None:
    if not w.may_act():
        return
    try:
        st.session_state[DRAFT] = start_strategy_draft(ws, None, campaign.id, w.user_id())
    except UserError as exc:
        w.flash("error", str(exc))


st.button(
    "Draft strategy with AI · free",
    key="hub-draft",
    icon=":material/auto_awesome:",
    on_click=start_draft,
    disabled=draft is not None and draft.open,
    help="Drafts Audience, Messaging and Goals from the product, business type, industry, "
    "creative style and awareness stage saved below. You choose what to use.",
)
strategy_draft.draft_panel(
    draft, draft_key=DRAFT, prefix="hub-draft", field_key=lambda f: f"pillar_{f}",
    save=accept_pillar,
)  # fmt: skip

for col, (field, pillar) in zip(st.columns(3), STRATEGY_PILLARS.items(), strict=True):
    key = f"pillar_{field}"
    if key not in st.session_state:  # the saved text, until the user types (or accepts)
        st.session_state[key] = getattr(campaign, field)
    with col, st.form(f"pillar_form_{field}"):
        st.text_area(pillar.label, key=key, height=160, help=pillar.hint)
        w.field_error(w.field_errors(f"pillar_errors_{field}"), field)
        st.form_submit_button(
            f"Save {pillar.label.lower()}",
            on_click=save_pillar,
            args=(field,),
            key=f"pillar_save_{field}",
        )

# --------------------------------------------------------------------------- the whole campaign

TEXTS = ("name", "product_name", "product_description", "brand_name", "tone_of_voice",
         "destination")  # fmt: skip
OPTIONAL = ("business_type", "industry", "persuasion_trigger")
colors = [x for x in campaign.brand_colors.split(",") if x] or ["#1F3A93", "#F5B041"]
MORE_IMAGES = "ce_more_images"  # the uploader of more product images or screenshots
IMAGES = "hub-images"  # the thumbnails' keys


def upload(key: str) -> tuple[str, str, bytes] | None:
    f = st.session_state.get(key)
    return (f.name, f.type or "", f.getvalue()) if f is not None else None


def save_campaign() -> None:
    s = st.session_state
    data = {field: s[f"ce_{field}"] for field in TEXTS}
    data |= {field: s[f"ce_{field}"] or "" for field in OPTIONAL}
    data |= {field: s[f"ce_{field}"] for field in ("awareness_stage", "creative_style")}
    data["brand_colors"] = [s.ce_color1, s.ce_color2, *colors[2:]]
    files = {field: upload(f"ce_{field}") for field in c.UPLOADS}
    remove = [field for field in c.UPLOADS if s.get(f"ce_remove_{field}")]
    more = product_images.uploads(MORE_IMAGES)
    w.run_action(
        lambda: c.update_campaign(ws, campaign.id, data, **files, more_images=more, remove=remove),
        success="Campaign saved. Changes apply to the next generation.",
        errors_key=EDIT_ERRORS,
        then=lambda _: product_images.saved(MORE_IMAGES),
    )


def _index(options: list[str] | tuple[str, ...], value: str) -> int | None:
    return list(options).index(value) if value in options else None


edit_errors = w.field_errors(EDIT_ERRORS)
with st.expander(
    "Edit the campaign: product, brand, strategy inputs, logo and product images",
    expanded=bool(edit_errors) or product_images.confirming(IMAGES),
    icon=":material/edit:",
):
    st.info("Changes apply to the next generation.", icon=":material/info:")
    product_images.gallery(ws, campaign, key=IMAGES, errors_key=EDIT_ERRORS)
    with st.form("campaign_edit", border=False):
        left, right = st.columns(2)
        with left:
            st.text_input("Campaign name *", campaign.name, key="ce_name", max_chars=120)
            w.field_error(edit_errors, "name")
            st.text_input("Product name *", campaign.product_name, key="ce_product_name",
                          max_chars=120)  # fmt: skip
            w.field_error(edit_errors, "product_name")
            st.text_area("Product description *", campaign.product_description,
                         key="ce_product_description", height=110)  # fmt: skip
            w.field_error(edit_errors, "product_description")
            st.text_input("Brand name", campaign.brand_name, key="ce_brand_name", max_chars=120)
            w.field_error(edit_errors, "brand_name")
            st.text_input("Tone of voice", campaign.tone_of_voice, key="ce_tone_of_voice",
                          max_chars=120)  # fmt: skip
            w.field_error(edit_errors, "tone_of_voice")
            st.text_input(DESTINATION.label, campaign.destination, key="ce_destination",
                          max_chars=200, help=DESTINATION.hint,
                          placeholder=DESTINATION_EXAMPLE)  # fmt: skip
            w.field_error(edit_errors, "destination")
            c1, c2 = st.columns(2)
            c1.color_picker("Brand colour", colors[0], key="ce_color1")
            c2.color_picker("Accent colour", colors[1] if len(colors) > 1 else colors[0],
                            key="ce_color2")  # fmt: skip
            w.field_error(edit_errors, "brand_colors")
        with right:
            stages = list(c.AWARENESS_STAGES)
            st.selectbox("Awareness stage", stages, _index(stages, campaign.awareness_stage) or 0,
                         format_func=c.AWARENESS_STAGES.get, key="ce_awareness_stage")  # fmt: skip
            w.field_error(edit_errors, "awareness_stage")
            s1, s2 = st.columns(2)
            s1.selectbox("Business type", c.BUSINESS_TYPES,
                         _index(c.BUSINESS_TYPES, campaign.business_type),
                         key="ce_business_type", placeholder="Optional")  # fmt: skip
            s2.selectbox("Industry", c.INDUSTRIES, _index(c.INDUSTRIES, campaign.industry),
                         key="ce_industry", placeholder="Optional")  # fmt: skip
            s1.selectbox("Creative style", c.CREATIVE_STYLES,
                         _index(c.CREATIVE_STYLES, campaign.creative_style) or 0,
                         key="ce_creative_style")  # fmt: skip
            s2.selectbox("Persuasion trigger", c.PERSUASION_TRIGGERS,
                         _index(c.PERSUASION_TRIGGERS, campaign.persuasion_trigger),
                         key="ce_persuasion_trigger", placeholder="Optional")  # fmt: skip
            w.field_error(edit_errors, "business_type", "industry", "creative_style",
                          "persuasion_trigger")  # fmt: skip
            for field, label in c.UPLOADS.items():
                stored = getattr(campaign, f"{field}_path")
                st.file_uploader(
                    f"{'Replace the' if stored else 'Add a'} {label} (PNG, JPEG or WebP, "
                    "up to 5 MB)",
                    key=f"ce_{field}",
                    type=["png", "jpg", "jpeg", "webp"],
                    max_upload_size=5,
                )
                if stored and field == "logo":  # the product photo: image 1 above
                    w.thumbnail(stored, "image", size=(240, 135), contain=True)
                    st.checkbox(f"Remove the {label}", key=f"ce_remove_{field}")
                w.field_error(edit_errors, field)
            product_images.uploader(MORE_IMAGES, edit_errors,
                                    have=len(c.product_images(campaign)))  # fmt: skip
        st.form_submit_button("Save the campaign", type="primary", on_click=save_campaign,
                              key="ce_save")  # fmt: skip

# --------------------------------------------------------------------------- create shortcuts

st.subheader("Create")
with st.container(horizontal=True):
    for kind in KINDS:
        w.nav_button(
            f"New {w.KIND_LOOKS[kind].label.lower()}",
            w.STUDIO,
            {"campaign": campaign.id, "kind": kind},
            key=f"hub-new-{kind}",
            primary=kind == "video",
            icon=":material/add:",
        )


# --------------------------------------------------------------------------- the kit

kit_ui.kit_section(ws, campaign, kit_views)


def variant_of(pid: int):  # type: ignore[no-untyped-def]
    return partial(make_variant, ws, pid)


def delete_of(pid: int):  # type: ignore[no-untyped-def]
    return partial(soft_delete, ws, pid)


# --------------------------------------------------------------------------- A/B variants

FAMILIES_SHOWN = f"hub_families_shown_{campaign.id}"  # pages of A/B families shown
ab = variant_families(ws, campaign.id, pages=w.pages_shown(FAMILIES_SHOWN))
if ab.families:
    st.subheader("A/B variants")
    st.caption("Each variant changes one thing from the asset it was made from: compare them.")
    for family in ab.families:
        w.variant_family(family, variant=variant_of)
    w.show_more(ab, state=FAMILIES_SHOWN, key="hub-ab", noun="A/B families")

# --------------------------------------------------------------------------- strategy board

strategy_board(ws, campaign.id)  # aytada/ui/board.py: stages × styles or triggers, free

# --------------------------------------------------------------------------- assets

st.subheader("Assets")
if not assets.total:
    w.empty_state(
        "No assets yet",
        "Create a video ad, banner, flyer or jingle with the buttons above; it reads this "
        "campaign's brand and strategy.",
        [("New video ad", w.STUDIO, {"campaign": campaign.id, "kind": "video"})],
        icon=":material/widgets:",
        key="hub-empty",
    )
else:
    counts = counts_by_kind(ws, campaign.id)
    for kind in KINDS:
        look = w.KIND_LOOKS[kind]
        cards = [card for card in assets.cards if card.kind == kind]
        st.markdown(f"#### {look.icon} {look.plural} ({counts[kind]})")
        if not counts[kind]:
            st.caption(f"No {look.plural.lower()} yet. Use “New {look.label.lower()}” above.")
            continue
        if not cards:
            st.caption(f"None among the {len(assets.cards)} newest assets: “Show more” below.")
            continue
        w.card_grid(
            cards,
            columns=3,
            key=f"hub-{kind}",
            show_campaign=False,
            delete=delete_of,
            variant=variant_of,
        )
    w.show_more(assets, state=SHOWN, key="hub-assets")
