"""Sign-in, as the app's frame runs it on every page: with ``[auth]`` configured nothing shows
before ``st.login``; the address a sign-in reports is matched to the workspaces that added it;
a stranger, an unverified address and a removed member get no data; the sidebar switches
between workspaces; sign-out ends access. (The real ``st.login`` round trip through an OpenID
provider runs in Chromium: ``tests/e2e/test_login_flow.py``.)"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from aytada.core import teams
from aytada.core.db import session_scope
from aytada.core.models import User
from aytada.ui import widgets as w
from aytada.ui.access import SWITCHER
from tests.factories import make_campaign, make_project
from tests.ui.conftest import AUTH, HOME
from tests.ui.helpers import texts


@pytest.fixture
def teams_ab(ui_env) -> dict[str, int]:  # type: ignore[no-untyped-def]
    acme = teams.create_with_owner("Acme", "ann@acme.com")
    teams.add_user(acme, "bob@acme.com")
    beta = teams.create_with_owner("Beta", "bea@beta.io")
    return {"acme": acme, "beta": beta}


def test_signed_out_every_page_and_deep_link_shows_only_the_sign_in(signed, teams_ab):
    cid = make_campaign(teams_ab["acme"], name="Secret launch")
    pid = make_project(teams_ab["acme"], title="Secret ad", campaign_id=cid)
    for page, params in [(None, {}), (w.STUDIO, {"project": pid}), (w.HUB, {"id": cid}),
                         (w.VIDEOS, {}), (w.CREDITS, {}), (w.TEAM, {})]:  # fmt: skip
        at = signed(None, page, **params)
        shown = texts(at)
        assert "Sign in to your team's workspace" in shown
        assert [b.label for b in at.button] == ["Sign in"]
        assert "Secret" not in shown and "Credit balance" not in [m.label for m in at.metric]
        assert not at.sidebar.selectbox and not at.table and not at.dataframe


def test_named_providers_each_get_a_button(signed, ui_env):
    at = AppTest.from_file(str(HOME), default_timeout=30)
    at.secrets["auth"] = {
        "redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
        "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
        "microsoft": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
    }  # fmt: skip
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Sign in with Google", "Sign in with Microsoft"]


def test_a_stranger_signed_in_gets_no_workspace_and_a_way_out(signed, teams_ab):
    make_campaign(teams_ab["acme"], name="Secret launch")
    at = signed("eve@evil.example", w.CAMPAIGNS)
    shown = texts(at)
    assert "You are signed in as **eve@evil.example**, but no workspace here has added" in (
        at.error[0].value)  # fmt: skip
    assert "Secret launch" not in shown
    assert [b.label for b in at.button] == ["Sign out"]
    with session_scope() as s:
        assert s.query(User).filter_by(email="eve@evil.example").count() == 0


def test_an_unverified_address_is_refused_even_when_invited(signed, teams_ab, ui_env, monkeypatch):
    monkeypatch.setenv("SIGN_IN_TRUST_EMAIL", "1")  # trusting a missing claim is not this
    from aytada.core.settings import reset_settings

    reset_settings()
    at = AppTest.from_file(str(HOME), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "bob@acme.com", "email_verified": False}
    at.run()
    assert "has not confirmed that **bob@acme.com** is verified" in at.error[0].value
    assert not at.metric


def test_an_invited_member_signs_in_and_sees_their_workspace_but_no_top_up(signed, teams_ab):
    make_campaign(teams_ab["acme"], name="Acme launch")
    make_campaign(teams_ab["beta"], name="Beta launch")
    at = signed("Bob@Acme.com", w.CAMPAIGNS, name="Bob Builder")
    shown = texts(at)
    assert "Acme launch" in shown and "Beta launch" not in shown
    assert "Signed in as Bob Builder (bob@acme.com) · member" in shown
    (summary,) = [s for s in teams.list_workspaces() if s.id == teams_ab["acme"]]
    assert ("bob@acme.com", False) in [(m.email, m.invited) for m in summary.members]

    at.switch_page(w.CREDITS)
    at.run()
    assert "Only an owner of this workspace adds credits" in texts(at)
    assert "credits-add" not in [b.key for b in at.button]

    at.switch_page(w.TEAM)
    at.run()
    assert "Only an owner invites people" in texts(at)
    assert not [b for b in at.button if b.key in ("ws-invite", "ws-delete", "ws-remove")]


def test_an_owner_invites_by_address_and_bad_addresses_change_nothing(signed, teams_ab):
    at = signed("ann@acme.com", w.TEAM)
    for bad, message in [("", "Enter an e-mail address."),
                         ("carl at acme", "'carl at acme' is not an e-mail address")]:  # fmt: skip
        at.text_input(key="ws_invite_email").set_value(bad)
        at.button(key="ws-invite").click()
        at.run()
        assert message in at.error[0].value
    assert [m.email for m in teams.members(teams_ab["acme"])] == ["ann@acme.com", "bob@acme.com"]
    at.text_input(key="ws_invite_email").set_value("Carl@Acme.com")
    at.button(key="ws-invite").click()
    at.run()
    assert "carl@acme.com added as member (invited: not signed in yet)." in at.success[0].value
    table = at.table[0].value
    assert list(table["E-mail address"]) == ["ann@acme.com", "bob@acme.com", "carl@acme.com"]
    assert list(table["Status"])[2] == "Invited · has not signed in yet"


def test_the_sidebar_switches_workspace_for_someone_in_two(signed, teams_ab):
    teams.add_user(teams_ab["beta"], "ann@acme.com")
    make_campaign(teams_ab["acme"], name="Acme launch")
    make_campaign(teams_ab["beta"], name="Beta launch")
    at = signed("ann@acme.com", w.CAMPAIGNS)
    switcher = at.sidebar.selectbox(key=SWITCHER)
    assert switcher.options == ["Acme (owner)", "Beta (member)"]
    assert "Acme launch" in texts(at) and "Beta launch" not in texts(at)
    switcher.set_value(teams_ab["beta"]).run()
    at.switch_page(w.CAMPAIGNS)
    at.run()
    assert "Beta launch" in texts(at) and "Acme launch" not in texts(at)
    assert "· member" in texts(at)  # her role there


def test_sign_out_ends_access(signed, teams_ab):
    make_campaign(teams_ab["acme"], name="Acme launch")
    at = signed("ann@acme.com", w.CAMPAIGNS)
    assert "Acme launch" in texts(at)
    at.sidebar.button(key="sidebar-sign-out").click().run()
    at.switch_page(w.CAMPAIGNS)
    at.run()
    shown = texts(at)
    assert "Sign in to your team's workspace" in shown and "Acme launch" not in shown


def test_a_member_removed_mid_session_can_change_nothing_and_then_sees_nothing(signed, teams_ab):
    at = signed("ann@acme.com", w.CREDITS)
    at.text_input(key="credits_amount").set_value("500")
    at.button(key="credits-add").click()
    at.run()  # the confirmation is waiting
    teams.add_user(teams_ab["acme"], "zoe@acme.com", "owner")
    teams.remove_user(teams_ab["acme"], "ann@acme.com")
    at.button(key="credits-confirm").click()
    at.run()
    assert "no workspace here has added this address" in at.error[0].value
    from aytada.core.workspaces import get_balance

    assert get_balance(teams_ab["acme"]) == 1000


def test_a_provider_that_sends_no_email_verified_is_refused_unless_the_admin_trusts_it(
    teams_ab, ui_env, monkeypatch
):
    from aytada.core.settings import reset_settings

    def open_bob() -> AppTest:
        at = AppTest.from_file(str(HOME), default_timeout=30)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": "bob@acme.com"}  # e.g. Microsoft Entra
        at.run()
        return at

    at = open_bob()
    assert "has not confirmed that **bob@acme.com** is verified" in at.error[0].value
    assert "SIGN_IN_TRUST_EMAIL=1" in at.error[0].value and not at.metric
    monkeypatch.setenv("SIGN_IN_TRUST_EMAIL", "1")
    reset_settings()
    at = open_bob()
    assert not at.error and "Signed in as bob@acme.com · member" in texts(at)


def test_without_sign_in_the_app_opens_nothing_on_an_address_others_reach(ws, ui_env):
    from streamlit import config

    make_campaign(ws, name="Local launch")
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(HOME), default_timeout=30)
        at.switch_page(w.CAMPAIGNS)
        at.run()
    finally:
        config.set_option("server.address", before)
    assert "Sign-in is not configured, and this app listens on 0.0.0.0" in at.error[0].value
    assert "Local launch" not in texts(at) and not at.metric
    at = AppTest.from_file(str(HOME), default_timeout=30)  # 127.0.0.1 (the config file): opens
    at.switch_page(w.CAMPAIGNS)
    at.run()
    assert "Local launch" in texts(at)


def test_a_secrets_file_that_cannot_be_read_opens_nothing(ws, ui_env, tmp_path):
    from streamlit import config

    broken = tmp_path / "secrets.toml"
    broken.write_text("[auth\nclient_id = 'x'\n")
    make_campaign(ws, name="Local launch")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(broken)])
    try:
        at = AppTest.from_file(str(HOME), default_timeout=30)
        at.run()
    finally:
        config.set_option("secrets.files", before)
    assert f"The secrets file ({broken}) cannot be read" in at.error[0].value
    assert "Local launch" not in texts(at) and not at.metric and not at.button


def test_a_removed_member_cannot_create_a_campaign_from_an_open_form(signed, teams_ab):
    from aytada.core.campaigns import list_campaigns

    at = signed("bob@acme.com", w.CAMPAIGNS)
    for key, text in [("cf_name", "Late launch"), ("cf_product_name", "Mug"),
                      ("cf_product_description", "A mug."), ("cf_audience", "People."),
                      ("cf_messaging", "Hot."), ("cf_goals", "Sales.")]:  # fmt: skip
        at.text_input(key=key).set_value(text) if key in ("cf_name", "cf_product_name") else (
            at.text_area(key=key).set_value(text))  # fmt: skip
    teams.remove_user(teams_ab["acme"], "bob@acme.com")
    at.button(key="cf_submit").click()
    at.run()
    assert list_campaigns(teams_ab["acme"]) == []
    assert "no workspace here has added this address" in at.error[0].value


def test_an_owner_deletes_the_workspace_from_its_page_after_typing_its_name(signed, teams_ab):
    teams.add_user(teams_ab["beta"], "ann@acme.com")
    at = signed("ann@acme.com", w.TEAM)
    at.button(key="ws-delete").click().run()
    at.text_input(key="ws_delete_name").set_value("acme")
    at.button(key="ws-delete-yes").click().run()
    assert "Type the workspace's name, 'Acme', to delete it." in at.error[0].value
    assert teams.access_for("bob@acme.com") is not None  # nothing changed
    at.button(key="ws-delete").click().run()
    at.text_input(key="ws_delete_name").set_value("Acme")
    at.button(key="ws-delete-yes").click().run()
    assert "The workspace “Acme” was deleted." in at.success[0].value
    assert "Signed in as ann@acme.com · member" in texts(at)  # now in Beta, her other one
    assert teams.access_for("bob@acme.com") is None


@pytest.mark.parametrize(
    "headers, refused",
    [
        ({"Host": "127.0.0.1:8501"}, ""),
        ({"Host": "localhost:8501", "User-Agent": "x"}, ""),
        ({"Host": "[::1]:8501"}, ""),
        ({}, ""),  # no browser behind the run
        ({"Host": "203.0.113.9:9000"}, "addressed to 203.0.113.9:9000"),
        ({"host": "studio.example.com"}, "addressed to studio.example.com"),
        ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "198.51.100.4"}, "x-forwarded-for"),
        ({"Host": "localhost", "Forwarded": "for=198.51.100.4"}, "forwarded header"),
        ({"Host": "localhost", "X-Real-IP": "198.51.100.4"}, "x-real-ip"),
    ],
)
def test_local_mode_knows_a_request_that_did_not_come_from_this_machine(headers, refused):
    from aytada.ui.access import not_from_this_machine

    why = not_from_this_machine(headers)
    assert (refused in why) if refused else why == "", why


def test_without_sign_in_a_proxied_request_sees_only_the_refusal(ws, ui_env, monkeypatch):
    from aytada.ui import access

    make_campaign(ws, name="Local launch")
    monkeypatch.setattr(access, "_request_headers", lambda: {"Host": "studio.example.com"})
    at = AppTest.from_file(str(HOME), default_timeout=30)
    at.switch_page(w.CAMPAIGNS)
    at.run()
    assert "this request did not come from this machine" in at.error[0].value
    assert "Local launch" not in texts(at) and not at.metric
