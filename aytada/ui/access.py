"""Who a run acts for, decided once per run by the app's frame (``app_pages/app.py``).

With an ``[auth]`` table in ``.streamlit/secrets.toml`` every page needs Streamlit's own sign-in
(``st.login``, OpenID Connect); the address the provider reports is matched against the
workspaces that added it (:func:`aytada.core.teams.access_for`). Without it the app is in
single-user local mode: one workspace, its owner, on this machine only (the config file binds
Streamlit to 127.0.0.1)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import streamlit as st

from aytada.core import teams
from aytada.core.settings import LOOPBACK, get_settings
from aytada.core.teams import Access
from aytada.ui import streamlit_compat

SIGNED_IN_AS = "_aytada_signed_in_as"  # the address whose sign-in this session recorded
CHOICE = "_aytada_workspace_choice"  # the workspace chosen in the sidebar (checked every run)
SWITCHER = "workspace-switcher"  # the sidebar's selectbox
RETURN_TO = "_aytada_return_to"  # (url path, query params) to open after this sign-in

# Streamlit brings every sign-in back to the app's base URL, in a new session. The page a
# browser asked for when it clicked "Sign in" is kept here, in this server's memory, under a
# digest of the token in the browser's XSRF cookie (a per-browser random value that survives
# the round trip), for RETURN_TTL_S seconds: one entry per browser, taken back once.
RETURN_TTL_S = 900.0
RETURN_MAX = 2000
_returns: dict[str, tuple[float, str, dict[str, str]]] = {}
_returns_lock = threading.Lock()


class SecretsUnreadable(Exception):
    """A secrets file exists but cannot be read: the app must not guess it has no sign-in."""


def _auth_section() -> dict[str, Any] | None:
    try:
        if "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except (streamlit_compat.SecretNotFoundError, FileNotFoundError) as exc:
        # Streamlit says "not found" for a missing file and for one that does not parse: only
        # the first means "no sign-in configured"
        files = [f for f in st.get_option("secrets.files") or [] if Path(f).exists()]
        if files:
            raise SecretsUnreadable(", ".join(files)) from exc
        return None
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def sign_in_configured() -> bool:
    return _auth_section() is not None


def providers() -> list[str | None]:
    """The sign-in buttons: None for the ``[auth]`` table's own provider, then each named
    ``[auth.<name>]`` provider (Streamlit's two ways of configuring them)."""
    section = _auth_section() or {}
    found: list[str | None] = [None] if "client_id" in section else []
    found += [k for k, v in section.items() if isinstance(v, dict) and "client_id" in v]
    return found or [None]


def provider_label(name: str | None) -> str:
    if name is None:
        return "Sign in"
    known = {"google": "Google", "microsoft": "Microsoft", "okta": "Okta", "auth0": "Auth0"}
    return f"Sign in with {known.get(name.lower(), name.replace('-', ' ').title())}"


def current() -> Access | None:
    """The run's access, or None after drawing the sign-in screen (or the reason there is no
    access) for the caller to stop on. It fails closed: an unreadable secrets file, or no
    sign-in on an address other machines reach, opens nothing."""
    try:
        configured = sign_in_configured()
    except SecretsUnreadable as exc:
        _refused(f"The secrets file ({exc}) cannot be read, so this app cannot tell whether "
                 "sign-in is configured and opens nothing. Fix the file's TOML and restart.",
                 sign_out=False)  # fmt: skip
        return None
    if not configured:
        address = str(st.get_option("server.address") or "")
        if address not in LOOPBACK:
            _refused(
                f"Sign-in is not configured, and this app listens on "
                f"{address or 'every network interface'}: it would open the workspace to "
                "anyone who reaches it. Add an `[auth]` table to `.streamlit/secrets.toml` "
                "(README, Teams), or start it with `scripts/up.sh` (127.0.0.1 only).",
                sign_out=False,
            )
            return None
        where = not_from_this_machine(_request_headers())
        if where:
            _refused(
                f"Sign-in is not configured, and this request did not come from this machine "
                f"({where}): local mode opens the workspace to this machine only. Add an "
                "`[auth]` table to `.streamlit/secrets.toml` (README, Teams) to let a team in "
                "through a proxy or another address.",
                sign_out=False,
            )
            return None
        return teams.local_access()
    user = st.user
    if not user.is_logged_in:
        _sign_in_screen()
        return None
    email = str(user.get("email") or "")
    if not email:
        _refused(
            "Your sign-in did not tell us an e-mail address, so we cannot match it to a "
            "workspace. Ask your admin to include the `email` claim (scope `email`)."
        )
        return None
    verified = user.get("email_verified")
    if verified is not True and not (verified is None and get_settings().sign_in_trust_email):
        _refused(
            f"Your identity provider has not confirmed that **{email}** is verified, so it "
            "cannot be matched to a workspace. Verify the address with your provider and sign "
            "in again. (Admins: a provider that never sends `email_verified`, such as "
            "Microsoft Entra, needs `SIGN_IN_TRUST_EMAIL=1`; README, Teams.)"
        )
        return None
    if st.session_state.get(SIGNED_IN_AS) != email:  # once per session: a write per sign-in
        teams.record_sign_in(email, user.get("name") or "")
        st.session_state[SIGNED_IN_AS] = email
        back = _take_return()
        if back is not None:
            st.session_state[RETURN_TO] = back
    access = teams.access_for(email, st.session_state.get(CHOICE))
    if access is None:
        _refused(
            f"You are signed in as **{email}**, but no workspace here has added this address. "
            "Ask an owner of your team's workspace to invite you (Workspace page → Invite), "
            "or the admin to run `aytada workspace add-user ID --email "
            f"{email}`. Then reload this page."
        )
    return access


_FORWARDING = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via")


def not_from_this_machine(headers: Mapping[str, str]) -> str:
    """Why a request did not come from a browser on this machine ("" when it did): a proxy's
    forwarding headers, or a Host other than a loopback name (a port forward or a reverse
    proxy passing the public name). A request with no headers at all (a script run, a test
    harness) has no browser behind it and is not refused here."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    for name in _FORWARDING:
        if lowered.get(name, "").strip():
            return f"it came through a proxy: {name} header"
    host = lowered.get("host", "").strip()
    if not host:
        return ""
    name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
    if name.lower().rstrip(".") not in LOOPBACK:
        return f"it was addressed to {host}"
    return ""


def _request_headers() -> Mapping[str, str]:
    try:
        return dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no request behind this run (a script run, a test)
        return {}


def _sign_in_screen() -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Aytada Studio")
        st.subheader("Sign in to your team's workspace")
        st.write("Campaigns in, ads out. Use the account your team signs in with.")
        for i, name in enumerate(providers()):
            if st.button(provider_label(name), key=f"sign-in-{i}", type="primary",
                         icon=":material/login:"):  # fmt: skip
                _keep_return()
                if name is None:
                    st.login()
                else:
                    st.login(name)


def browser_key(cookie: str) -> str:
    """The browser behind an XSRF cookie: a digest of its token ("" for none), the same
    whichever response set the cookie."""
    token = streamlit_compat.xsrf_token(cookie)
    return hashlib.sha256(token).hexdigest() if token else ""


def _browser() -> str:
    return browser_key(streamlit_compat.xsrf_cookie())


def _requested_path() -> str:
    """The page's URL path inside the app ("" for Home, "studio", …)."""
    path = urlparse(st.context.url or "").path.strip("/")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


def _keep_return() -> None:
    """Before ``st.login``: remember the page (and its deep-link parameters) this browser
    asked for, so the first run after the sign-in can open it."""
    browser = _browser()
    if not browser:
        return
    path, params = _requested_path(), st.query_params.to_dict()
    now = time.monotonic()
    with _returns_lock:
        for key in [k for k, (at, _, _) in _returns.items() if now - at > RETURN_TTL_S]:
            del _returns[key]
        if len(_returns) >= RETURN_MAX:
            del _returns[min(_returns, key=lambda k: _returns[k][0])]
        if path or params:
            _returns[browser] = (now, path, params)
        else:
            _returns.pop(browser, None)


def _take_return() -> tuple[str, dict[str, str]] | None:
    browser = _browser()
    if not browser:
        return None
    with _returns_lock:
        kept = _returns.pop(browser, None)
    if kept is None or time.monotonic() - kept[0] > RETURN_TTL_S:
        return None
    return kept[1], kept[2]


def pop_return() -> tuple[str, dict[str, str]] | None:
    """The (url path, query params) the signed-in browser asked for before signing in, once."""
    return st.session_state.pop(RETURN_TO, None)


def _refused(message: str, sign_out: bool = True) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Aytada Studio")
        st.error(message, icon=":material/lock:")
        if sign_out:
            sign_out_button("refused-sign-out")


def sign_out_button(key: str) -> None:
    if st.button("Sign out", key=key, icon=":material/logout:"):
        st.session_state.pop(SIGNED_IN_AS, None)
        st.logout()


def _switch(then: Any) -> None:
    """The switcher's callback: remember the choice (a plain key, which outlives the widget
    on a page change) and go on (to Home: the open page belongs to the other workspace)."""
    st.session_state[CHOICE] = st.session_state.get(SWITCHER)
    then()


def account_sidebar(access: Access, on_switch: Any) -> None:
    """The sidebar's top: the workspace (a switcher for people in several), who is signed in
    and "Sign out". Single-user local mode says so instead."""
    with st.sidebar:
        if access.user_id is None:
            st.caption(":material/computer: Single-user local mode (no sign-in configured).")
            return
        places = {p.workspace_id: p for p in access.places}
        if len(places) > 1:
            st.selectbox(
                "Workspace",
                list(places),
                index=list(places).index(access.workspace_id),
                format_func=lambda i: f"{places[i].name} ({places[i].role})",
                key=SWITCHER,
                on_change=_switch,
                args=(on_switch,),
            )
        else:
            st.markdown(f"**{access.workspace_name}**")
        who = access.name or access.email
        st.caption(f"Signed in as {who}" + (f" ({access.email})" if access.name else "")
                   + f" · {access.role}")  # fmt: skip
        sign_out_button("sidebar-sign-out")
