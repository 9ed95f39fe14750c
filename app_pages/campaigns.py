"""Campaigns: the list and the create form (validation messages next to the fields)."""

from __future__ import annotations

import streamlit as st

from aytada.core import campaigns as c
from aytada.core.errors import UserError, ValidationFailed
from aytada.jobs.strategy import start_strategy_draft
from aytada.ui import product_images, strategy_draft
from aytada.ui import widgets as w
from aytada.vocabulary import DESTINATION, DESTINATION_EXAMPLE, STRATEGY_PILLARS

ws = w.start_page()
rows = c.list_campaigns(ws)
w.page_header("Campaigns", "One shared creative context per product or promotion.")

ERRORS = "campaign_form_errors"
FIELDS = (
    "name",
    "product_name",
    "product_description",
    "brand_name",
    "tone_of_voice",
    "destination",
    "awareness_stage",
    "creative_style",
    *STRATEGY_PILLARS,
)
OPTIONAL_CHOICES = ("business_type", "industry", "persuasion_trigger")
UPLOADS = {"logo": "Logo", "product_photo": "Product photo"}  # field → label
MORE_IMAGES = "cf_more_images"  # the uploader of more product images or screenshots
DRAFT = "campaign_form_draft"  # the pending / shown "Draft strategy with AI" run
errors = w.field_errors(ERRORS)
draft = strategy_draft.current_draft(ws, DRAFT)
open_form = not rows or st.query_params.get("new") == "1" or bool(errors) or draft is not None
w.live_refresh(draft is not None and draft.open, key="campaigns-draft")


def upload(key: str) -> tuple[str, str, bytes] | None:
    f = st.session_state.get(key)
    return (f.name, f.type or "", f.getvalue()) if f is not None else None


def start_draft() -> None:
    """The form's "Draft strategy with AI": a free background draft from what is filled in."""
    s = st.session_state
    if not w.may_act():
        return
    data = {field: s[f"cf_{field}"] or "" for field in c.DRAFT_FROM if f"cf_{field}" in s}
    s.pop(ERRORS, None)
    try:
        s[DRAFT] = start_strategy_draft(ws, data, user_id=w.user_id())
    except ValidationFailed as exc:
        s[ERRORS] = exc.errors
        w.flash("error", "Fill in the highlighted fields to draft a strategy.")
    except UserError as exc:
        w.flash("error", str(exc))


def submit() -> None:
    s = st.session_state
    if not w.may_act():
        return
    data = {field: s[f"cf_{field}"] for field in FIELDS}
    data |= {field: s[f"cf_{field}"] or "" for field in OPTIONAL_CHOICES}
    data["brand_colors"] = [s.cf_color1, s.cf_color2]
    files = {field: upload(f"cf_{field}") for field in UPLOADS}
    more = product_images.uploads(MORE_IMAGES)
    s.pop(ERRORS, None)
    try:
        campaign_id = c.create_campaign(ws, data, **files, more_images=more)
        s.pop(DRAFT, None)
    except ValidationFailed as exc:  # every bad field and file, each under its own field
        s[ERRORS] = exc.errors
        w.flash("error", "Please fix the highlighted fields.")
        return
    w.flash("success", "Campaign created. Now make your first asset from its hub.")
    w.go(w.HUB, {"id": campaign_id})


with st.expander("New campaign", expanded=open_form, icon=":material/add:"):
    with st.form("campaign_form", border=False):
        left, right = st.columns(2)
        with left:
            st.text_input("Campaign name *", key="cf_name", max_chars=120)
            w.field_error(errors, "name")
            st.text_input("Product name *", key="cf_product_name", max_chars=120)
            w.field_error(errors, "product_name")
            st.text_area("Product description *", key="cf_product_description", height=110)
            w.field_error(errors, "product_description")
            st.text_input("Brand name", key="cf_brand_name", max_chars=120)
            w.field_error(errors, "brand_name")
            st.text_input(
                "Tone of voice",
                key="cf_tone_of_voice",
                max_chars=120,
                placeholder="e.g. warm, witty, confident",
            )
            w.field_error(errors, "tone_of_voice")
            st.text_input(
                DESTINATION.label,
                key="cf_destination",
                max_chars=200,
                placeholder=DESTINATION_EXAMPLE,
                help=DESTINATION.hint,
            )
            w.field_error(errors, "destination")
            c1, c2 = st.columns(2)
            c1.color_picker("Brand colour", value="#1F3A93", key="cf_color1")
            c2.color_picker("Accent colour", value="#F5B041", key="cf_color2")
            w.field_error(errors, "brand_colors")
            for field, label in UPLOADS.items():
                st.file_uploader(
                    f"{label} (PNG, JPEG or WebP, up to 5 MB)",
                    key=f"cf_{field}",
                    type=["png", "jpg", "jpeg", "webp"],
                    max_upload_size=5,
                )
                w.field_error(errors, field)
            product_images.uploader(MORE_IMAGES, errors)
        with right:
            st.selectbox(
                "Awareness stage",
                list(c.AWARENESS_STAGES),
                index=1,
                format_func=c.AWARENESS_STAGES.get,
                key="cf_awareness_stage",
            )
            w.field_error(errors, "awareness_stage")
            s1, s2 = st.columns(2)
            s1.selectbox(
                "Business type",
                c.BUSINESS_TYPES,
                index=None,
                key="cf_business_type",
                placeholder="Optional",
            )
            s2.selectbox(
                "Industry", c.INDUSTRIES, index=None, key="cf_industry", placeholder="Optional"
            )
            s1.selectbox("Creative style", c.CREATIVE_STYLES, key="cf_creative_style")
            s2.selectbox(
                "Persuasion trigger",
                c.PERSUASION_TRIGGERS,
                index=None,
                key="cf_persuasion_trigger",
                placeholder="Optional",
            )
            w.field_error(
                errors, "business_type", "industry", "creative_style", "persuasion_trigger"
            )
            for pillar, field in STRATEGY_PILLARS.items():
                st.text_area(
                    f"{field.label} *", key=f"cf_{pillar}", height=90, placeholder=field.hint
                )
                w.field_error(errors, pillar)
        with st.container(horizontal=True):
            st.form_submit_button(
                "Create campaign", type="primary", on_click=submit, key="cf_submit"
            )
            st.form_submit_button(
                "Draft strategy with AI · free",
                on_click=start_draft,
                key="cf_draft",
                icon=":material/auto_awesome:",
                help="Drafts Audience, Messaging and Goals from the product, business type, "
                "industry, creative style and awareness stage. You choose what to use.",
            )
    strategy_draft.draft_panel(
        draft, draft_key=DRAFT, prefix="cf-draft", field_key=lambda field: f"cf_{field}"
    )

if not rows:
    w.empty_state(
        "No campaigns yet",
        "A campaign holds your product, brand and strategy; every ad you make reads it. "
        "Fill in the form above to create your first one.",
        icon=":material/campaign:",
        key="campaigns-empty",
    )
else:
    st.subheader(f"{len(rows)} campaign{'s' if len(rows) != 1 else ''}")
    for row in rows:
        with st.container(border=True):
            a, b, d = st.columns([4, 2, 1], vertical_alignment="center")
            a.markdown(f"**{w.md(row.name)}**  \n{w.md(row.product_name)}")
            b.caption(
                f"{row.assets} asset{'s' if row.assets != 1 else ''} · "
                f"last activity {w.fmt_date(row.last_activity)}"
            )
            with d:
                w.nav_button("Open hub", w.HUB, {"id": row.id}, key=f"open-{row.id}")
