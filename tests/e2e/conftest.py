"""The Chromium page fixture, shared by every end-to-end test."""

from tests.e2e.browser import browser_page  # noqa: F401 - a fixture
