"""A campaign's destination (where its ads send people): checked where it is typed, stored
stripped, optional, and handed to every generation in the campaign's snapshot."""

from __future__ import annotations

import pytest

from aytada.core import campaigns
from aytada.core.errors import ValidationFailed
from aytada.core.inputs import destination_problem
from tests.factories import CAMPAIGN, make_campaign

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  korabrew.com ", "korabrew.com"),
        ("https://ledgerly.app/trial", "https://ledgerly.app/trial"),
        ("@stridecoach", "@stridecoach"),
        ("+44 20 7946 0000", "+44 20 7946 0000"),
        ("www.crème-brûlée.fr/menu", "www.crème-brûlée.fr/menu"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_campaign_keeps_its_destination_stripped(workspace_id, typed, stored) -> None:
    cid = campaigns.create_campaign(workspace_id, {**CAMPAIGN, "destination": typed})
    campaign = campaigns.get_campaign(workspace_id, cid)
    assert campaign.destination == stored
    assert campaigns.brief_snapshot(campaign)["destination"] == stored


def test_without_a_destination_a_campaign_has_none(workspace_id) -> None:
    campaign = campaigns.get_campaign(workspace_id, make_campaign(workspace_id))
    assert campaign.destination == ""
    assert campaigns.brief_snapshot(campaign)["destination"] == ""


BAD = [
    ("korabrew", "is not a web address, handle or phone number"),
    ("email me at hi@kora.com", "is not a web address, handle or phone number"),
    ("ftp://kora.com", "is not a web address, handle or phone number"),
    ("@", "is not a web address, handle or phone number"),
    ("+44", "is not a web address, handle or phone number"),
    ("kora.com/" + "x" * 200, "Keep it under 200 characters (now 209)."),
    ("kora.com/\x00", "control characters"),
    (42, "Must be text."),
]


@pytest.mark.parametrize(("typed", "message"), BAD)
def test_a_bad_destination_says_why_and_creates_nothing(workspace_id, typed, message) -> None:
    with pytest.raises(ValidationFailed) as caught:
        campaigns.create_campaign(workspace_id, {**CAMPAIGN, "destination": typed})
    assert message in caught.value.errors["destination"]
    assert campaigns.list_campaigns(workspace_id) == []


def test_the_message_shows_what_to_type() -> None:
    problem = destination_problem("korabrew")
    assert problem is not None
    assert problem.startswith('"korabrew" is not a web address, handle or phone number.')
    for example in ("korabrew.com", "@stridecoach", "+44 20 7946 0000"):
        assert example in problem
    long = destination_problem("not a destination " * 3)
    assert long is not None and '"not a destination not a destination not…"' in long


def test_an_edit_sets_changes_and_clears_it(workspace_id) -> None:
    cid = make_campaign(workspace_id)
    campaigns.update_campaign(workspace_id, cid, {"destination": " @stridecoach "})
    assert campaigns.get_campaign(workspace_id, cid).destination == "@stridecoach"
    campaigns.update_campaign(workspace_id, cid, {"name": "Renamed"})  # left alone
    assert campaigns.get_campaign(workspace_id, cid).destination == "@stridecoach"
    campaigns.update_campaign(workspace_id, cid, {"destination": ""})
    assert campaigns.get_campaign(workspace_id, cid).destination == ""


@pytest.mark.parametrize(("typed", "message"), BAD)
def test_a_bad_edit_changes_nothing(workspace_id, typed, message) -> None:
    cid = make_campaign(workspace_id, destination="korabrew.com")
    with pytest.raises(ValidationFailed) as caught:
        campaigns.update_campaign(workspace_id, cid, {"destination": typed, "brand_name": "New"})
    assert set(caught.value.errors) == {"destination"}
    assert message in caught.value.errors["destination"]
    after = campaigns.get_campaign(workspace_id, cid)
    assert (after.destination, after.brand_name) == ("korabrew.com", CAMPAIGN["brand_name"])


def test_the_longest_destination_fits_its_column(workspace_id) -> None:
    longest = "kora.com/" + "a" * 191
    cid = make_campaign(workspace_id, destination=longest)
    assert campaigns.get_campaign(workspace_id, cid).destination == longest
