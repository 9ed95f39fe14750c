"""Campaign Hub (`?id=`): strategy pillars editable in place, every asset, create shortcuts."""

from __future__ import annotations

from functools import partial

import streamlit as st

from aytada.core import campaigns as c
from aytada.core.formats import KINDS
from aytada.core.projects import list_projects, make_variant, soft_delete
from aytada.ui import widgets as w
from aytada.vocabulary import STRATEGY_PILLARS

ws = w.start_page()
campaign_id = st.query_params.get("id")
if not campaign_id:
    w.not_found("No campaign was chosen.", w.CAMPAIGNS, "Back to Campaigns")
campaign = w.load_or_not_found(
    c.get_campaign, ws, campaign_id, back_page=w.CAMPAIGNS, back_label="Back to Campaigns"
)
assets = list_projects(ws, campaign_id=campaign.id, page_size=200)

w.page_header(campaign.name, processing=assets.any_active)
w.live_refresh(assets.any_active, key="hub")
facts = [campaign.product_name]
if campaign.brand_name:
    facts.append(f"brand {campaign.brand_name}")
facts.append(c.AWARENESS_STAGES.get(campaign.awareness_stage, campaign.awareness_stage))
facts += [v for v in (campaign.creative_style, campaign.industry, campaign.business_type) if v]
st.caption(" · ".join(facts))
st.page_link(w.CAMPAIGNS, label="All campaigns", icon=":material/arrow_back:")

st.subheader("Strategy")
st.caption("Edit a pillar and save: your next generation uses the new text.")


def save_pillar(field: str) -> None:
    w.run_action(
        lambda: c.update_campaign(ws, campaign.id, {field: st.session_state[f"pillar_{field}"]}),
        success=f"{STRATEGY_PILLARS[field].label} saved. The next generation uses it.",
        errors_key=f"pillar_errors_{field}",
    )


for col, (field, pillar) in zip(st.columns(3), STRATEGY_PILLARS.items(), strict=True):
    with col, st.form(f"pillar_form_{field}"):
        st.text_area(
            pillar.label,
            value=getattr(campaign, field),
            key=f"pillar_{field}",
            height=160,
            help=pillar.hint,
        )
        w.field_error(w.field_errors(f"pillar_errors_{field}"), field)
        st.form_submit_button(
            f"Save {pillar.label.lower()}",
            on_click=save_pillar,
            args=(field,),
            key=f"pillar_save_{field}",
        )

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

st.subheader("Assets")
if not assets.cards:
    w.empty_state(
        "No assets yet",
        "Create a video ad, banner, flyer or jingle with the buttons above; it reads this "
        "campaign's brand and strategy.",
        [("New video ad", w.STUDIO, {"campaign": campaign.id, "kind": "video"})],
        icon=":material/widgets:",
        key="hub-empty",
    )
else:
    for kind in KINDS:
        look = w.KIND_LOOKS[kind]
        cards = [card for card in assets.cards if card.kind == kind]
        st.markdown(f"#### {look.icon} {look.plural} ({len(cards)})")
        if not cards:
            st.caption(f"No {look.plural.lower()} yet. Use “New {look.label.lower()}” above.")
            continue
        w.card_grid(
            cards,
            columns=3,
            key=f"hub-{kind}",
            show_campaign=False,
            delete=lambda pid: partial(soft_delete, ws, pid),
            variant=lambda pid: partial(make_variant, ws, pid),
        )
