"""Pins ``aytada/ui/streamlit_compat.py`` (the app's only uses of Streamlit's internals) to the
installed Streamlit: it is inside the range ``requirements.txt`` declares, and each function
works against the real thing (the XSRF cookie as Streamlit's server sets it, the pages manager
of a run under ``AppTest``). Upgrading Streamlit past the range starts here."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from streamlit.testing.v1 import AppTest

from aytada.ui import access
from aytada.ui.streamlit_compat import (
    XSRF_COOKIE,
    scan_components_once,
    xsrf_cookie,
    xsrf_token,
)

ROOT = Path(__file__).resolve().parents[2]


def _declared_range() -> SpecifierSet:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and Requirement(line).name == "streamlit":
            return Requirement(line).specifier
    raise AssertionError("requirements.txt does not name streamlit")


def test_the_installed_streamlit_is_in_the_range_requirements_declare() -> None:
    declared, installed = _declared_range(), importlib.metadata.version("streamlit")
    assert declared.contains(installed), (
        f"Streamlit {installed} is outside requirements.txt's {declared}: check "
        "aytada/ui/streamlit_compat.py against it, then move the range (and its docstring)"
    )
    assert any(s.operator in ("<", "<=", "==", "~=") for s in declared), (
        "the range needs a ceiling: the newest Streamlit the compat module was checked against"
    )


# --------------------------------------------------------------------------- XSRF cookie


def _set_cookie(sent: str | None = None) -> str:
    """The XSRF cookie Streamlit's server sets on a page response to a browser that sent
    ``sent`` (None: a browser's first visit)."""
    from starlette.requests import Request
    from starlette.responses import Response
    from streamlit.web.server.starlette import starlette_routes

    headers = [(b"cookie", f"{XSRF_COOKIE}={sent}".encode())] if sent else []
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": b"",
                       "headers": headers})  # fmt: skip
    response = Response()
    starlette_routes._ensure_xsrf_cookie(request, response)  # what every page response runs
    (header,) = [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]
    name, _, rest = header.partition("=")
    assert name == XSRF_COOKIE
    return rest.split(";", 1)[0]


def test_the_token_survives_the_cookies_that_streamlits_server_sets() -> None:
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    first = _set_cookie()
    second = _set_cookie(first)  # the next response: the same token, masked afresh
    assert first != second
    token = xsrf_token(first)
    assert len(token) == 16 and xsrf_token(second) == token
    assert decode_xsrf_token_string(first)[0] == token  # read as Streamlit reads it
    other = _set_cookie()  # another browser
    assert xsrf_token(other) not in (b"", token)
    assert access.browser_key(first) == access.browser_key(second) != access.browser_key(other)
    for broken in ("", '""', "2|zz|00|1", "2||00|1", "2|0102|03"):
        assert xsrf_token(broken) == b""


def test_no_browser_no_cookie() -> None:
    assert xsrf_cookie() == ""  # outside a run
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from aytada.ui.streamlit_compat import xsrf_cookie\n"
        "st.session_state['cookie'] = xsrf_cookie()\n"
    ).run()
    assert not at.exception
    assert at.session_state["cookie"] == ""  # AppTest sends no cookies


# --------------------------------------------------------------------------- pages manager

MAIN = """
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from aytada.ui.streamlit_compat import requested_unknown_page

# A browser that opens a URL path sends the page's name, not its hash (AppTest sends a hash)
if "ask_name" in st.session_state:
    get_script_run_ctx().pages_manager.set_script_intent("", st.session_state["ask_name"])
st.navigation([st.Page("a.py", default=True), st.Page("b.py", url_path="bee")])
st.session_state["unknown"] = requested_unknown_page()
"""


@pytest.fixture
def main_script(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text(MAIN)
    for page in ("a.py", "b.py", "not_in_navigation.py"):
        (tmp_path / page).write_text("")
    return tmp_path / "main.py"


def _unknown(main_script: Path, page: str | None = None, name: str | None = None) -> bool:
    at = AppTest.from_file(str(main_script), default_timeout=30)
    if page is not None:
        at.switch_page(page)  # before the first run: the page's file name
    if name is not None:
        at.session_state["ask_name"] = name
    at.run()
    assert not at.exception, at.exception
    return bool(at.session_state["unknown"])


def test_a_page_navigation_has_is_known_by_hash_and_by_url_path(main_script: Path) -> None:
    assert not _unknown(main_script)  # the default page
    assert not _unknown(main_script, page="a.py")
    for name in ("bee", "/bee/", ""):
        assert not _unknown(main_script, name=name), name


def test_a_page_navigation_lacks_is_unknown_by_hash_and_by_url_path(main_script: Path) -> None:
    assert _unknown(main_script, page="not_in_navigation.py")
    assert _unknown(main_script, name="no-such-page")
    assert _unknown(main_script, name="b")  # the file's name is not its url path


def test_page_tests_look_for_installed_components_once_per_process(
    main_script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness's shortcut (tests/ui/conftest.py) still takes: two new AppTests read the
    installed packages' metadata at most once between them (without it, once each)."""
    assert scan_components_once() is True
    reads: list[int] = []
    distributions = importlib.metadata.distributions

    def counted(**kwargs: object) -> object:
        reads.append(1)
        return distributions(**kwargs)

    monkeypatch.setattr(importlib.metadata, "distributions", counted)
    scan_components_once()  # a second call changes nothing
    for _ in range(2):
        at = AppTest.from_file(str(main_script), default_timeout=30).run()
        assert not at.exception
    assert len(reads) <= 1
