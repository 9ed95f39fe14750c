"""Fixtures of the provider tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.providers.stub_server import StubServer


@pytest.fixture
def stub() -> Iterator[StubServer]:
    """A fresh running :class:`StubServer` for one test."""
    with StubServer() as server:
        yield server
