"""Workspace: who is in it (invitations until their first sign-in); owners invite people by
e-mail address, change roles, remove people and delete the workspace."""

from __future__ import annotations

import streamlit as st

from aytada.core import teams
from aytada.core.models import ROLES
from aytada.ui import access as acc
from aytada.ui import widgets as w

ws = w.start_page()
me = w.access()
INVITE_EMAIL, INVITE_ROLE = "ws_invite_email", "ws_invite_role"
REMOVE, REMOVING = "ws_remove", "ws_removing"
DELETE_NAME, DELETING = "ws_delete_name", "ws_deleting"


def invite() -> None:
    def done(message: str) -> None:
        st.session_state[INVITE_EMAIL] = ""
        w.flash("success", message + ".")

    w.run_action(
        lambda: teams.add_user(
            ws, st.session_state.get(INVITE_EMAIL), st.session_state.get(INVITE_ROLE, "member"),
            by_user_id=w.user_id(),
        ),
        then=done,
    )  # fmt: skip


def remove(email: str) -> None:
    st.session_state[REMOVING] = False
    w.run_action(
        lambda: teams.remove_user(ws, email, by_user_id=w.user_id()),
        then=lambda message: w.flash("success", message + "."),
    )


def delete() -> None:
    st.session_state[DELETING] = False

    def done(name: str) -> None:
        st.session_state.pop(acc.CHOICE, None)
        w.flash("success", f"The workspace “{w.md(name)}” was deleted.")
        w.go(w.HOME)

    w.run_action(
        lambda: teams.delete_workspace(ws, st.session_state.get(DELETE_NAME), w.user_id()),
        then=done,
    )


name = me.workspace_name if me is not None else ""
w.page_header("Workspace", f"Who is in {w.md(name) or 'this workspace'}, and what they can do.")
signed_in = me is not None and me.user_id is not None
owner = w.is_owner()

if not signed_in:
    st.info(
        "**Single-user local mode.** Sign-in is not configured, so this app opens one "
        "workspace for whoever reaches it, and it listens on this machine only (127.0.0.1). "
        "To bring in a team: add an `[auth]` table to `.streamlit/secrets.toml` (your "
        "company's Google Workspace, Microsoft Entra, Okta, Auth0 or Keycloak), create the "
        "workspace with `aytada workspace create --name … --owner you@company.com`, and "
        "start the app again. The README's *Teams* section has the steps.",
        icon=":material/computer:",
    )

st.subheader("People")
people = teams.members(ws)
if people:
    st.table(
        [
            {
                "E-mail address": person.email,
                "Role": person.role.title(),
                "Status": "Invited · has not signed in yet" if person.invited else "Signed in",
            }
            for person in people
        ],
        hide_index=True,
    )
else:
    st.caption("Nobody has been added to this workspace yet.")

if not signed_in:
    st.stop()
if not owner:
    st.caption(
        ":material/lock: Only an owner invites people, removes them, adds credits or deletes "
        "the workspace. Ask one of the owners above."
    )
    st.stop()

st.subheader("Invite someone")
st.caption(
    "Add their work e-mail address. They get in by signing in with that address; until then "
    "they are listed as invited. An owner also adds credits and manages people."
)
with st.container(horizontal=True, vertical_alignment="bottom"):
    st.text_input("E-mail address", key=INVITE_EMAIL, max_chars=teams.MAX_EMAIL,
                  placeholder="name@company.com")  # fmt: skip
    st.segmented_control("Role", ROLES, key=INVITE_ROLE, default="member",
                         format_func=str.title)  # fmt: skip
    st.button("Invite", key="ws-invite", type="primary", on_click=invite,
              icon=":material/person_add:")  # fmt: skip

others = [p.email for p in people if p.email != me.email]  # type: ignore[union-attr]
if others:
    st.subheader("Remove someone")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox("Person", others, key=REMOVE)
        st.button("Remove…", key="ws-remove", on_click=w.set_flag, args=(REMOVING, True),
                  icon=":material/person_remove:")  # fmt: skip
    chosen = st.session_state.get(REMOVE)
    if st.session_state.get(REMOVING) and chosen:
        st.warning(f"Remove **{w.md(chosen)}** from this workspace? Their access ends at once.")
        with st.container(horizontal=True):
            with w.danger_zone("ws-remove"):
                st.button("Yes, remove", key="ws-remove-yes", type="primary", on_click=remove,
                          args=(chosen,))  # fmt: skip
            st.button("Cancel", key="ws-remove-no", on_click=w.set_flag, args=(REMOVING, False))

st.subheader("Delete this workspace")
st.caption(
    "Everyone loses access to its campaigns, projects and credits. Running steps finish "
    "without charging. This cannot be undone from the app."
)
if not st.session_state.get(DELETING):
    st.button("Delete workspace…", key="ws-delete", on_click=w.set_flag, args=(DELETING, True),
              icon=":material/delete_forever:")  # fmt: skip
else:
    st.text_input(f"Type “{name}” to confirm", key=DELETE_NAME, max_chars=teams.MAX_NAME)
    with st.container(horizontal=True):
        with w.danger_zone("ws-delete"):
            st.button("Yes, delete the workspace", key="ws-delete-yes", type="primary",
                      on_click=delete)  # fmt: skip
        st.button("Cancel", key="ws-delete-no", on_click=w.set_flag, args=(DELETING, False))
