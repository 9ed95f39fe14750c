"""Every use of Streamlit's internals, in one place: what the documented API does not offer.

- :data:`XSRF_COOKIE`, :func:`xsrf_cookie`, :func:`xsrf_token`: the browser's XSRF cookie
  (its name and its "version 2" format, ``2|mask|masked token|timestamp``), whose token is a
  per-browser random value that outlives the sign-in round trip (``aytada.ui.access``).
- :func:`requested_unknown_page`: the page the browser asked for, read from the run's
  ``ScriptRunContext.pages_manager`` (``app_pages/app.py``).
- :data:`SecretNotFoundError`: what ``st.secrets`` raises for a missing or unparseable file
  (``aytada.ui.access``).
- :data:`HEALTH_PATH`: the server's health check (``tests/e2e``).
- :func:`load_catalogues`: Streamlit's emoji and icon catalogues, loaded before the server
  serves (``app_pages/serve.py``) rather than on a first page.
- :func:`scan_components_once`: the test harness's ``AppTest`` looks for installed "v2"
  components once per process, not once per ``AppTest`` (``tests/ui/conftest.py``).

Checked against Streamlit 1.50.0 (its Tornado server: the page checks of
``tests/ui/test_streamlit_compat.py``, and the cookies a running server set, by hand) and
1.67.0 (its Starlette server: the installed version, run by that whole test).
``requirements.txt`` allows that range (``streamlit>=1.50,<1.68``): before raising the
ceiling, install the new version and run that test, which fails when the installed Streamlit
is outside the range."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

__all__ = [
    "HEALTH_PATH",
    "load_catalogues",
    "XSRF_COOKIE",
    "SecretNotFoundError",
    "requested_unknown_page",
    "scan_components_once",
    "xsrf_cookie",
    "xsrf_token",
]

#: Set on every page response (Tornado's ``xsrf_cookie_name`` setting up to the Tornado server,
#: ``starlette_server_config.XSRF_COOKIE_NAME`` since).
XSRF_COOKIE = "_streamlit_xsrf"
#: Answers 200 "ok" once the server is up.
HEALTH_PATH = "/_stcore/health"
#: ``st.secrets`` raises it for a file that is missing and for one that does not parse.
SecretNotFoundError = StreamlitSecretNotFoundError


def xsrf_cookie() -> str:
    """The run's XSRF cookie as the browser sent it ("" with no browser behind the run: a
    script run, a test harness, whose cookies may be mocks)."""
    try:
        value = st.context.cookies.get(XSRF_COOKIE)
    except Exception:
        return ""
    return value if isinstance(value, str) else ""


def xsrf_token(cookie: str) -> bytes:
    """The token in an XSRF cookie (b"" for none or a malformed one). The cookie's text
    changes on every response (version 2 masks the token with 4 fresh bytes); the token does
    not. A cookie without the version prefix is the token itself (version 1)."""
    value = cookie.strip("\"' ")
    if not value.startswith("2|"):
        return value.encode()
    parts = value.split("|")
    if len(parts) != 4:
        return b""
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return b""
    if not mask:
        return b""
    return bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))


def requested_unknown_page() -> bool:
    """True when the browser asked for a page `st.navigation` does not have (Streamlit would
    quietly run the default page, Home, instead). Call after `st.navigation`."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None:
        return False
    pages = manager.get_pages()
    wanted_hash = manager.intended_page_script_hash
    if wanted_hash:
        return wanted_hash not in pages and wanted_hash != manager.main_script_hash
    wanted = (manager.intended_page_name or "").strip("/")
    return bool(wanted) and all(info.get("url_pathname") != wanted for info in pages.values())


def load_catalogues() -> None:
    """Load what Streamlit loads the first time a page shows an emoji or a Material icon (its
    emoji and icon catalogues, the emoji pattern compiled): ~0.1 s, once per process."""
    from streamlit.string_util import extract_leading_emoji, is_emoji, is_material_icon

    is_emoji("🎬")
    is_material_icon("home")
    extract_leading_emoji("🎬 Aytada")


def scan_components_once() -> bool:
    """Make Streamlit's scan for installed "v2" components (it reads the metadata of every
    installed distribution: ~0.3 s of CPU) run once in this process and its answer be reused.
    The server scans once at start; ``AppTest`` scans again for each new ``AppTest``, which in
    a test run is most of a page test's time. What is installed does not change while a
    process runs. False when this Streamlit has no such scan (before v2 components)."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return False
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is None:
        return False
    if getattr(scan, "scans_once", False):
        return True
    first = functools.cache(lambda: list(scan()))

    @functools.wraps(scan)
    def once(*args: Any, **kwargs: Any) -> list[Any]:
        return list(first())  # a fresh list: a caller may change its own

    once.scans_once = True  # type: ignore[attr-defined]
    manifest_scanner.scan_component_manifests = once
    return True
