""" "Draft strategy with AI" as the pages show it: the pending draft, then one suggestion per
pillar that the user accepts one at a time — never over typed text without a confirmation.

Used by the new-campaign form (`app_pages/campaigns.py`, the pillars are form fields) and the
Campaign Hub (the pillars are saved on acceptance). The draft itself is a background job
(`aytada.jobs.strategy`); the page keeps its id in the session and polls it with the page's
8-second refresh while it runs.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from aytada.core.campaigns import StrategyDraft, get_strategy_draft
from aytada.core.errors import NotFound
from aytada.ui import widgets as w
from aytada.vocabulary import STRATEGY_PILLARS

FieldKey = Callable[[str], str]  # pillar → the session key of its text field
Save = Callable[[str, str], bool]  # (pillar, text) → saved? (None: only fill the field)


def current_draft(workspace_id: int, draft_key: str) -> StrategyDraft | None:
    """The draft this page started (its id is kept under `draft_key`), if any."""
    draft_id = st.session_state.get(draft_key)
    if draft_id is None:
        return None
    try:
        return get_strategy_draft(workspace_id, draft_id)
    except NotFound:
        st.session_state.pop(draft_key, None)
        return None


def _fill(field: str, text: str, field_key: FieldKey, save: Save | None, flag: str) -> None:
    st.session_state.pop(flag, None)
    if save is not None and not save(field, text):
        return
    st.session_state[field_key(field)] = text


def _use(field: str, text: str, field_key: FieldKey, save: Save | None, flag: str) -> None:
    """Callback of "Use this …": ask first when the field holds other text."""
    typed = str(st.session_state.get(field_key(field)) or "").strip()
    if typed and typed != text.strip():
        st.session_state[flag] = True
        return
    _fill(field, text, field_key, save, flag)


def _dismiss(draft_key: str, prefix: str) -> None:
    st.session_state.pop(draft_key, None)
    for field in STRATEGY_PILLARS:
        st.session_state.pop(f"{prefix}-confirm-{field}", None)


def draft_panel(
    draft: StrategyDraft | None,
    *,
    draft_key: str,
    prefix: str,
    field_key: FieldKey,
    save: Save | None = None,
) -> None:
    """The draft's state: drafting…, failed (why), or the suggestions with a button each."""
    if draft is None:
        return
    if draft.open:
        st.info(
            "Drafting Audience, Messaging and Goals… they appear here in a moment "
            "(free, nothing changes until you accept a pillar).",
            icon=":material/hourglass_top:",
        )
        return
    with st.container(border=True):
        if draft.error or not draft.pillars:
            st.error(
                f"The strategy draft failed: {draft.error or 'no text came back'}",
                icon=":material/error:",
            )
            st.button("Dismiss", key=f"{prefix}-dismiss", on_click=_dismiss,
                      args=(draft_key, prefix))  # fmt: skip
            return
        st.markdown(f"#### :material/auto_awesome: Suggested strategy ({w.md(draft.provider)})")
        st.caption(
            "A free suggestion from your product and strategy choices. Use the pillars you "
            "like; your own text is replaced only after you confirm."
        )
        for field, pillar in STRATEGY_PILLARS.items():
            text = draft.pillars.get(field, "")
            flag = f"{prefix}-confirm-{field}"
            st.markdown(f"**{pillar.label}**")
            st.markdown(w.md(text))
            in_use = str(st.session_state.get(field_key(field)) or "").strip() == text.strip()
            args = (field, text, field_key, save, flag)
            if st.session_state.get(flag):
                st.warning(f"Replace the {pillar.label.lower()} you wrote with this suggestion?")
                yes, no = st.columns(2)
                yes.button("Yes, replace", key=f"{prefix}-yes-{field}", type="primary",
                           on_click=_fill, args=args)  # fmt: skip
                no.button(f"Keep my {pillar.label.lower()}", key=f"{prefix}-no-{field}",
                          on_click=st.session_state.pop, args=(flag, None))  # fmt: skip
            elif in_use:
                st.caption(f":material/check: In use as your {pillar.label.lower()}.")
            else:
                st.button(f"Use {pillar.this()}", key=f"{prefix}-use-{field}",
                          icon=":material/check:", on_click=_use, args=args)  # fmt: skip
        st.button("Dismiss the suggestion", key=f"{prefix}-dismiss", on_click=_dismiss,
                  args=(draft_key, prefix))  # fmt: skip
