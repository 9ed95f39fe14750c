"""A banner or flyer costs its kind's price once; each new take after it costs the words'
price (`copy`), shown on the button before the click."""

from __future__ import annotations

import pytest

from aytada.core import credits
from aytada.core.credits import choice_price, quote
from aytada.core.pipeline import STEPS
from tests.factories import charge, make_project

pytestmark = pytest.mark.db


@pytest.mark.parametrize("kind", ["banner", "flyer"])
def test_the_first_design_costs_the_kind_and_a_new_take_the_words(workspace_id, kind) -> None:
    pid = make_project(workspace_id, kind=kind, status="draft")
    assert quote(workspace_id, pid)["design"] == credits.price(kind) == 10
    charge(pid, "design", credits.price(kind))  # the first design succeeded
    assert quote(workspace_id, pid)["design"] == credits.price("copy") == 2
    assert choice_price(kind).total == 10  # what making one costs (first runs)


def test_the_take_price_follows_its_setting(workspace_id, monkeypatch) -> None:
    from aytada.core.settings import reset_settings

    monkeypatch.setenv("PRICE_COPY", "3")
    reset_settings()
    pid = make_project(workspace_id, kind="banner", status="completed")
    charge(pid, "design", 10)
    assert quote(workspace_id, pid)["design"] == 3
    assert STEPS["design"].price.again == "copy"
