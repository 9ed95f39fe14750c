"""Credits: the balance, a top-up (as `aytada credits add` does, after a confirmation), credits
spent per calendar month, and the ledger row by row with the project and step each paid for
(deleted projects included, labelled)."""

from __future__ import annotations

import streamlit as st

from aytada.core.credits import (
    MAX_TOP_UP,
    ledger_page,
    monthly_usage,
    preview_top_up,
    spending_by_project,
)
from aytada.core.workspaces import add_credits, get_credits
from aytada.ui import widgets as w

ws = w.start_page()
AMOUNT = "credits_amount"
PENDING = "credits_pending"  # the checked amount waiting for "Yes, add"
LEDGER_PAGE = "credits_ledger_page"


def ask_top_up() -> None:
    """Check the typed amount; a good one waits for the confirmation, a bad one is an error."""
    st.session_state.pop(PENDING, None)
    w.run_action(
        lambda: preview_top_up(ws, st.session_state.get(AMOUNT, "")),
        then=lambda preview: st.session_state.__setitem__(PENDING, preview.amount),
    )


def confirm_top_up(amount: int) -> None:
    st.session_state.pop(PENDING, None)

    def done(balance: int) -> None:
        st.session_state[AMOUNT] = ""
        w.flash("success", f"Added {amount:,} credits. The balance is {balance:,}.")

    w.run_action(lambda: add_credits(ws, amount, user_id=w.user_id()), then=done)


def cancel_top_up() -> None:
    st.session_state.pop(PENDING, None)


def project_label(title: str | None, deleted: bool) -> str:
    if title is None:
        return "—"
    return f"{title} (deleted)" if deleted else title


shown = get_credits(ws)
balance = shown.available  # the ledger's balance less what queued and running work holds
months = monthly_usage(ws)
w.page_header("Credits", "Your balance, top-ups, and what every project and step cost.")

cols = st.columns(3)
cols[0].metric("Balance", f"{balance:,}")
if shown.held:
    cols[0].caption(
        f":material/hourglass_top: {shown.held_text}; the ledger's balance is "
        f"{shown.balance:,} until it is charged or given back"
    )
if months:  # the latest month with any activity
    cols[1].metric(f"Spent in {months[0].month}", f"{months[0].spent:,}")
    cols[2].metric(f"Added in {months[0].month}", f"{months[0].added:,}")

# ------------------------------------------------------------------------------- top-up
st.subheader("Add credits")
pending = st.session_state.get(PENDING)
if not w.is_owner():
    st.caption(":material/lock: Only an owner of this workspace adds credits. Ask one of them "
               "(the Workspace page lists them).")  # fmt: skip
elif pending is None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(
            "Credits to add",
            key=AMOUNT,
            max_chars=20,
            placeholder="e.g. 500",
            help=f"A whole number from 1 to {MAX_TOP_UP:,}. Credits never expire.",
        )
        st.button("Add credits…", key="credits-add", on_click=ask_top_up, icon=":material/add:")
else:
    st.warning(
        f"Add {pending:,} credits? The balance goes from {balance:,} to {balance + pending:,}. "
        "Credits never expire."
    )
    with st.container(horizontal=True):
        st.button(
            f"Yes, add {pending:,} credits",
            key="credits-confirm",
            type="primary",
            on_click=confirm_top_up,
            args=(pending,),
        )
        st.button("Cancel", key="credits-cancel", on_click=cancel_top_up)

# ------------------------------------------------------------------------------- usage
st.subheader("Usage by month")
if months:
    st.dataframe(
        [{"Month": m.month, "Spent": m.spent, "Added": m.added} for m in months],
        hide_index=True,
    )
else:
    st.caption("No credits were spent or added yet.")

st.subheader("Spent by project and step")
spending = spending_by_project(ws)
if spending:
    st.dataframe(
        [
            {
                "Project": project_label(row.project_title, row.project_deleted),
                "Step": row.step_label,
                "Runs": row.runs,
                "Credits": row.credits,
            }
            for row in spending
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("No step has been charged yet. Each paid step appears here with its project.")

st.subheader("Ledger")
ledger = ledger_page(ws, st.session_state.get(LEDGER_PAGE, 1))
people = any(row.by for row in ledger.rows)  # a signed-in team: who caused each row
st.dataframe(
    [
        {
            "Date": w.fmt_date(row.created_at),
            "Credits": f"{row.delta:+,}",
            "Balance": row.balance_after,
            "Project": project_label(row.project_title, row.project_deleted),
            "Step": row.step_label or row.reason,
            **({"By": row.by or "—"} if people else {}),
        }
        for row in ledger.rows
    ],
    hide_index=True,
    width="stretch",
)
if ledger.pages > 1:
    st.pagination(ledger.pages, key=LEDGER_PAGE)
