"""The page a browser asked for before signing in is opened after it (Streamlit ends every
sign-in on the base URL). The whole round trip runs in `tests/e2e/test_login_flow.py`; these
check the browser key and the store's limits."""

from __future__ import annotations

import os
import types

import pytest

from aytada.ui import access


def _cookie(token: bytes, mask: bytes, timestamp: int = 1_700_000_000) -> str:
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|{timestamp}"


def test_the_browser_key_follows_the_token_not_the_cookies_text() -> None:
    token = os.urandom(16)
    first, second = _cookie(token, b"\x01\x02\x03\x04"), _cookie(token, b"\xaa\xbb\xcc\xdd")
    assert first != second  # every response masks the token afresh
    assert access.browser_key(first) == access.browser_key(second) != ""
    assert access.browser_key(_cookie(os.urandom(16), b"\x01\x02\x03\x04")) != (
        access.browser_key(first))  # fmt: skip
    assert token.hex() not in access.browser_key(first)  # a digest, not the token
    for broken in ("", '""', "2|zz|00|1", "2||00|1"):
        assert access.browser_key(broken) == ""


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """One browser on a page: its key, the page's path and query parameters, the clock."""
    state = types.SimpleNamespace(key="browser-a", path="studio", params={"project": "7"},
                                  now=1000.0)  # fmt: skip
    monkeypatch.setattr(access, "_browser", lambda: state.key)
    monkeypatch.setattr(access, "_requested_path", lambda: state.path)
    monkeypatch.setattr(access, "st", types.SimpleNamespace(
        query_params=types.SimpleNamespace(to_dict=lambda: dict(state.params))))  # fmt: skip
    monkeypatch.setattr(access.time, "monotonic", lambda: state.now)
    monkeypatch.setattr(access, "_returns", {})
    return state


def test_the_asked_page_is_returned_once_to_the_same_browser(browser) -> None:  # type: ignore[no-untyped-def]
    access._keep_return()
    browser.key = "browser-b"
    assert access._take_return() is None  # another browser gets nothing
    browser.key = "browser-a"
    assert access._take_return() == ("studio", {"project": "7"})
    assert access._take_return() is None  # once


def test_a_kept_page_expires_and_home_keeps_nothing(browser) -> None:  # type: ignore[no-untyped-def]
    access._keep_return()
    browser.now += access.RETURN_TTL_S + 1
    assert access._take_return() is None
    browser.path, browser.params = "", {}
    access._keep_return()
    assert access._returns == {}


def test_the_store_is_bounded(browser, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(access, "RETURN_MAX", 3)
    for k in range(5):
        browser.key, browser.now = f"b{k}", 1000.0 + k
        access._keep_return()
    assert sorted(access._returns) == ["b2", "b3", "b4"]  # the oldest went first
