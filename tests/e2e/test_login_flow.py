"""The real ``st.login`` round trip in headless Chromium, against the app started the README's
way with an ``[auth]`` table pointing at a local OpenID Connect issuer (``tests/oidc_stub.py``).

Two workspaces made with the CLI (Acme: Ann owns it; Beta: its own campaign). Signed out, every
address shows only the sign-in; Ann signs in through the issuer's page, sees Acme and none of
Beta, invites Bob by address and signs out (the pages are closed again); Bob signs in with the
invited address and is a member: no top-up, no member management, nothing of Beta."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.browser import app_env, click, free_port, running_app, shot, wait_text
from tests.oidc_stub import CLIENT_ID, CLIENT_SECRET, auth_secrets, running_issuer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SIGN_IN = "Sign in to your team's workspace"


def _cli(data: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "aytada", *args], env=app_env(data), cwd=ROOT,
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _sign_in(page, app: str, email: str, name: str, start: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app}{start}")
    click(page, "Sign in")
    page.wait_for_url(re.compile(r"/authorize\?"))  # the issuer's own page
    page.locator("#email").fill(email)
    page.locator("#name").fill(name)
    page.get_by_role("button", name="Continue").click()
    wait_text(page, f"Signed in as {name} ({email})")


def _signed_out_everywhere(page, app: str) -> None:  # type: ignore[no-untyped-def]
    """Every address shows only the sign-in: each opened in a tab of the page's browser context
    (its cookies: the same signed-out visitor) at once, then each read; ``page`` shows the last."""
    paths = ("", "/campaigns", "/credits", "/videos", "/workspace", "/studio?project=1")
    tabs = [page.context.new_page() for _ in paths[1:]] + [page]
    for tab, path in zip(tabs, paths, strict=True):
        tab.goto(f"{app}{path}", wait_until="commit")
    for tab, path in zip(tabs, paths, strict=True):
        wait_text(tab, SIGN_IN)
        assert tab.url.rstrip("/") == f"{app}{path}"  # still where it was sent
        assert tab.get_by_text("Credit balance").count() == 0
        assert tab.get_by_text("Beta launch").count() == 0
    for tab in tabs[:-1]:
        tab.close()


def test_sign_in_through_an_openid_provider_invite_and_sign_out(  # type: ignore[no-untyped-def]
    tmp_path: Path, browser_page
) -> None:
    data = tmp_path / "data"
    _cli(data, "migrate")
    assert _cli(data, "workspace", "create", "--name", "Acme", "--owner", "ann@acme.com") == (
        "workspace 1\n")  # fmt: skip
    _cli(data, "workspace", "create", "--name", "Beta", "--owner", "bea@beta.io")
    campaign = (ROOT / "examples" / "campaign.toml").read_text()
    (tmp_path / "beta.toml").write_text(
        re.sub(r'(?m)^name = ".*"$', 'name = "Beta launch"', campaign, count=1))  # fmt: skip
    _cli(data, "--workspace", "2", "campaign", "create", "--file", str(tmp_path / "beta.toml"))
    acme_toml = tmp_path / "acme.toml"
    acme_toml.write_text(
        re.sub(r'(?m)^name = ".*"$', 'name = "Acme launch"', campaign, count=1))  # fmt: skip
    assert "Beta launch" in _cli(data, "--workspace", "2", "campaign", "list")
    assert "Beta launch" not in _cli(data, "--workspace", "1", "campaign", "list")

    page = browser_page
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    with running_issuer() as issuer:
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(auth_secrets(issuer, app_url))
        env = {"STREAMLIT_SECRETS_FILES": str(secrets_file), "POLL_MS": "60000"}
        with running_app(data, env, port=port) as app:
            _signed_out_everywhere(page, app)
            shot(page, "20-sign-in")

            _sign_in(page, app, "ann@acme.com", "Ann Owner")
            # the code was exchanged at the token endpoint with the client's credentials
            (request,) = issuer.token_requests
            assert request["grant_type"] == "authorization_code"
            assert request["redirect_uri"] == f"{app}/oauth2callback"
            assert request.get("client_id", CLIENT_ID) == CLIENT_ID
            assert CLIENT_SECRET not in page.content()
            shot(page, "21-signed-in-owner")
            page.goto(f"{app}/campaigns")
            wait_text(page, "No campaigns yet")
            assert page.get_by_text("Beta launch").count() == 0

            page.goto(f"{app}/workspace")
            page.get_by_label("E-mail address").fill("bob@acme.com")
            click(page, "Invite")
            wait_text(page, "bob@acme.com added as member (invited: not signed in yet).")
            wait_text(page, "Invited · has not signed in yet")
            shot(page, "22-invited")

            click(page, "Sign out")
            wait_text(page, SIGN_IN)
            _signed_out_everywhere(page, app)

            # Bob opens a link to Acme's campaign hub: after the sign-in (which Streamlit ends
            # on the base URL) he is on that hub, its ?id= kept
            acme_id = _cli(data, "--workspace", "1", "campaign", "create", "--file",
                           str(acme_toml)).strip()  # fmt: skip
            _sign_in(page, app, "bob@acme.com", "Bob Member", start=f"/campaign?id={acme_id}")
            wait_text(page, "· member")
            page.wait_for_url(re.compile(rf"/campaign\?id={acme_id}$"))
            wait_text(page, "Acme launch")
            shot(page, "22b-back-to-the-deep-link")
            page.goto(f"{app}/credits")
            wait_text(page, "Only an owner of this workspace adds credits")
            assert page.get_by_role("button", name="Add credits…").count() == 0
            page.goto(f"{app}/workspace")
            wait_text(page, "Only an owner invites people")
            assert page.get_by_role("button", name="Invite").count() == 0
            assert page.get_by_role("button", name="Delete workspace…").count() == 0
            shot(page, "23-member")
            click(page, "Sign out")
            wait_text(page, SIGN_IN)
    listed = _cli(data, "workspace", "list")
    assert "member  bob@acme.com\n" in listed  # signed in: no longer "(invited)"
