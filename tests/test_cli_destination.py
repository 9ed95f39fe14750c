"""`aytada campaign create/edit --destination` and `project edit-copy --field destination`:
stored as typed (stripped), shown back, refused with a clear error that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aytada.core import campaigns, projects
from aytada.core.options import DesignCopy, Outputs, options_of, options_with
from tests.factories import make_campaign, make_project
from tests.test_cli import MINIMAL_TOML, _counts, _fails_cleanly, in_process

pytestmark = pytest.mark.db


def _toml(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "campaign.toml"
    path.write_text(MINIMAL_TOML + extra)
    return str(path)


def test_create_takes_the_destination_from_the_option_or_the_file(
    app_env, workspace_id, tmp_path
) -> None:
    out = in_process(app_env, "campaign", "create", "--file", _toml(tmp_path),
                     "--destination", "  korabrew.com ")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert campaigns.get_campaign(workspace_id, out.stdout.strip()).destination == "korabrew.com"
    toml = _toml(tmp_path, 'destination = "@stridecoach"\n')
    out = in_process(app_env, "campaign", "create", "--file", toml)
    assert campaigns.get_campaign(workspace_id, out.stdout.strip()).destination == "@stridecoach"
    out = in_process(app_env, "campaign", "create", "--file", toml, "--destination", "")
    assert campaigns.get_campaign(workspace_id, out.stdout.strip()).destination == ""


def test_a_bad_destination_creates_nothing(app_env, workspace_id, tmp_path) -> None:
    before = _counts()
    _fails_cleanly(
        in_process(
            app_env, "campaign", "create", "--file", _toml(tmp_path), "--destination", "korabrew"
        ),  # fmt: skip
        'destination: "korabrew" is not a web address, handle or phone number',
        "korabrew.com",  # and what to type instead
    )
    _fails_cleanly(
        in_process(app_env, "campaign", "create", "--file", _toml(tmp_path, "destination = 7\n")),
        "destination must be text",
    )
    _fails_cleanly(
        in_process(
            app_env,
            "campaign",
            "create",
            "--file",
            _toml(tmp_path),
            "--destination",
            "kora.com/" + "x" * 200,
        ),  # fmt: skip
        "Keep it under 200 characters",
    )
    assert _counts() == before


def test_edit_sets_and_clears_the_destination(app_env, workspace_id) -> None:
    cid = make_campaign(workspace_id)
    out = in_process(app_env, "campaign", "edit", str(cid), "--destination", "@stridecoach")
    assert out.returncode == 0, out.stderr
    assert f"campaign {cid} saved" in out.stdout
    assert "destination: @stridecoach (handle)" in out.stdout
    out = in_process(app_env, "campaign", "edit", str(cid), "--destination", "+44 20 7946 0000")
    assert "destination: +44 20 7946 0000 (phone number)" in out.stdout
    out = in_process(app_env, "campaign", "edit", str(cid), "--destination", "")
    assert "destination: none" in out.stdout
    assert campaigns.get_campaign(workspace_id, cid).destination == ""


def test_a_bad_edit_changes_nothing(app_env, workspace_id, tmp_path) -> None:
    cid = make_campaign(workspace_id, destination="korabrew.com")
    edit = ("campaign", "edit", str(cid))
    _fails_cleanly(in_process(app_env, *edit, "--destination", "not a site"),
                   "is not a web address, handle or phone number")  # fmt: skip
    _fails_cleanly(in_process(app_env, *edit), "nothing to change")
    _fails_cleanly(in_process(app_env, "campaign", "edit", "4242", "--destination", "a.com"),
                   "not found")  # fmt: skip
    toml = tmp_path / "bad.toml"
    toml.write_text('name = ""\ndestination = "@fine"\n')
    _fails_cleanly(in_process(app_env, *edit, "--file", str(toml)), "name: This field is required")
    assert campaigns.get_campaign(workspace_id, cid).destination == "korabrew.com"


def _banner(ws: int) -> int:
    words = DesignCopy("Grip that holds", "Trail shoes that bite.", "Shop now", "northpeak.com")
    return make_project(
        ws, kind="banner", status="completed", options=options_with({}, Outputs(copy=words))
    )


def test_edit_copy_sets_an_assets_own_destination(app_env, workspace_id) -> None:
    pid = _banner(workspace_id)
    report = json.loads(in_process(app_env, "project", "show", str(pid), "--json").stdout)
    assert report["copy"]["destination"] == "northpeak.com"
    edit = ("project", "edit-copy", str(pid), "--field", "destination", "--text")
    out = in_process(app_env, *edit, "@northpeak")
    assert out.returncode == 0, out.stderr
    assert "destination saved; setting the design again (free)" in out.stdout
    copy = options_of(projects.get_project(workspace_id, pid)).outputs.copy
    assert copy is not None and copy.destination == "@northpeak"
    assert copy.headline == "Grip that holds"  # the other words stay


def test_edit_copy_refuses_a_bad_destination(app_env, workspace_id) -> None:
    pid = _banner(workspace_id)
    edit = ("project", "edit-copy", str(pid), "--field", "destination", "--text")
    _fails_cleanly(in_process(app_env, *edit, "northpeak"),
                   '--text: "northpeak" is not a web address')  # fmt: skip
    _fails_cleanly(in_process(app_env, *edit, "x.com/\x07"), "control characters")
    copy = options_of(projects.get_project(workspace_id, pid)).outputs.copy
    assert copy is not None and copy.destination == "northpeak.com"
    assert projects.get_project(workspace_id, pid).status == "completed"
