"""Two workspaces, two people: what Ann (Acme) can reach of Beta's, and what Bea (Beta) can
reach of Acme's — nothing. Every page, every deep link (`?project=`, `?id=`, `?campaign=`), the
libraries, the credits, the downloads and media files, and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from aytada.core import teams
from aytada.core.db import session_scope
from aytada.core.media import workspace_file
from aytada.core.models import Asset, CreditLedgerEntry, Generation, Project
from aytada.core.settings import get_settings
from aytada.ui import widgets as w
from tests.factories import make_campaign, make_project
from tests.ui.helpers import SCRIPT, texts

PAGES = [w.HOME, w.CAMPAIGNS, w.VIDEOS, w.SCRIPTS, w.IMAGES, w.CREDITS, w.TEAM, w.STUDIO]


def _space(name: str, owner: str) -> dict[str, int | str]:
    """A workspace with a campaign, a completed video (script, still, final MP4) and a charge:
    every word of it carries ``name`` so a leak is easy to see."""
    ws = teams.create_with_owner(name, owner)
    cid = make_campaign(ws, name=f"{name} launch", product_name=f"{name} product")
    pid = make_project(ws, cid, title=f"{name} ad", status="completed",
                       script={**SCRIPT, "hook": f"{name} hook line"})  # fmt: skip
    folder = get_settings().media_dir / f"ws{ws}" / f"p{pid}"
    folder.mkdir(parents=True)
    Image.new("RGB", (64, 40), (200, 100, 50)).save(folder / "still.png")
    (folder / "final.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    with session_scope() as s:
        gen = Generation(project_id=pid, workspace_id=ws, campaign_id=cid, step="script",
                         state="succeeded", credits=2, credits_charged=2)  # fmt: skip
        s.add(gen)
        s.flush()
        s.add(CreditLedgerEntry(workspace_id=ws, generation_id=gen.id, delta=-2,
                                balance_after=998, reason="script"))  # fmt: skip
        still = Asset(workspace_id=ws, project_id=pid, kind="image", role="scene_still",
                      path=f"ws{ws}/p{pid}/still.png", mime_type="image/png")  # fmt: skip
        still.meta = {"scene": 0}
        final = Asset(workspace_id=ws, project_id=pid, kind="video", role="final",
                      path=f"ws{ws}/p{pid}/final.mp4", mime_type="video/mp4")  # fmt: skip
        s.add_all([still, final])
        s.flush()
        project = s.get(Project, pid)
        project.output_asset_id = final.id  # type: ignore[union-attr]
        return {"ws": ws, "cid": cid, "pid": pid, "still": still.path, "final": final.path,
                "name": name}  # fmt: skip


@pytest.fixture
def two(ui_env) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {"acme": _space("Acme", "ann@acme.com"), "beta": _space("Beta", "bea@beta.io")}


def _shows(at) -> str:  # type: ignore[no-untyped-def]
    shown = texts(at)
    for table in [*at.table, *at.dataframe]:
        shown += "\n" + table.value.to_csv()
    for box in [*at.selectbox, *at.radio, *at.multiselect]:
        shown += "\n" + " ".join(map(str, box.options))
    return shown


@pytest.mark.parametrize(("me", "them"), [("acme", "beta"), ("beta", "acme")])
def test_no_page_shows_the_other_workspace(signed, two, me, them):
    email = {"acme": "ann@acme.com", "beta": "bea@beta.io"}[me]
    mine, theirs = two[me]["name"], two[them]["name"]
    seen_mine = set()
    for page in PAGES:
        at = signed(email, page)
        shown = _shows(at)
        assert theirs not in shown, (page, shown)
        seen_mine |= {page} if mine in shown else set()
    # the test can fail: each list page does show this workspace's own rows
    assert {w.CAMPAIGNS, w.VIDEOS, w.SCRIPTS, w.CREDITS, w.TEAM} <= seen_mine


@pytest.mark.parametrize(("me", "them"), [("acme", "beta"), ("beta", "acme")])
def test_deep_links_to_the_other_workspace_are_not_found(signed, two, me, them):
    email = {"acme": "ann@acme.com", "beta": "bea@beta.io"}[me]
    other, theirs = two[them], two[them]["name"]
    at = signed(email, w.STUDIO, project=other["pid"])
    assert f"Project {other['pid']} was not found" in texts(at)
    assert theirs not in _shows(at) and not at.get("video")
    at = signed(email, w.HUB, id=other["cid"])
    assert f"Campaign {other['cid']} was not found" in texts(at)
    assert theirs not in _shows(at)
    at = signed(email, w.STUDIO, campaign=other["cid"], kind="video")  # preselect: own only
    assert theirs not in _shows(at)
    own = two[me]
    at = signed(email, w.STUDIO, project=own["pid"])  # and the own one opens
    assert f"{own['name']} ad" in texts(at) and "was not found" not in texts(at)


def test_media_files_are_served_only_from_the_pages_workspace(two):
    acme, beta = two["acme"], two["beta"]
    assert workspace_file(acme["ws"], acme["final"]) is not None
    assert workspace_file(acme["ws"], beta["final"]) is None  # a row or a link naming Beta's
    assert (
        workspace_file(acme["ws"], f"ws{acme['ws']}/../ws{beta['ws']}/p{beta['pid']}/final.mp4")
        is None
    )  # noqa: E501
    absolute = str(get_settings().media_dir / beta["final"])
    assert workspace_file(acme["ws"], absolute) is None
    assert workspace_file(beta["ws"], beta["final"]) is not None


def test_a_member_sees_no_top_up_or_delete_and_the_core_refuses_them(signed, two):
    acme = two["acme"]["ws"]
    teams.add_user(acme, "bob@acme.com")
    bob = teams.access_for("bob@acme.com")
    assert bob is not None
    for page in (w.CREDITS, w.TEAM):
        at = signed("bob@acme.com", page)
        keys = {b.key for b in at.button}
        assert not keys & {"credits-add", "ws-delete", "ws-invite", "ws-remove"}, keys
    from aytada.core.errors import NotAllowed
    from aytada.core.workspaces import add_credits, get_balance

    with pytest.raises(NotAllowed):
        add_credits(acme, 100, user_id=bob.user_id)
    with pytest.raises(NotAllowed):
        teams.delete_workspace(acme, "Acme", by_user_id=bob.user_id)
    assert get_balance(acme) == 1000 and teams.access_for("bob@acme.com") is not None


def test_who_did_what_shows_in_the_step_history_and_the_ledger(signed, two):
    acme = two["acme"]
    ann = teams.access_for("ann@acme.com")
    assert ann is not None
    teams.record_sign_in("ann@acme.com", "Ann Owner")
    with session_scope() as s:
        for gen in s.query(Generation).filter_by(project_id=acme["pid"]):
            gen.user_id = ann.user_id
        for row in s.query(CreditLedgerEntry).filter_by(workspace_id=acme["ws"]):
            if row.generation_id is not None:
                row.user_id = ann.user_id
    at = signed("ann@acme.com", w.STUDIO, project=acme["pid"])
    (history,) = [t for t in at.table if "Step" in t.value.columns]
    assert list(history.value["By"]) == ["Ann Owner"]
    at = signed("ann@acme.com", w.CREDITS)
    ledger = at.dataframe[-1].value
    assert list(ledger["By"]) == ["Ann Owner", "—"]  # the script's charge; the starting credits


def _cli(app_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aytada", *args], env=app_env,
                          capture_output=True, text=True, timeout=120, cwd=Path.cwd())  # fmt: skip


@pytest.mark.integration  # `aytada` in subprocesses
def test_the_cli_works_in_one_named_workspace_and_never_shows_the_others(app_env, two):
    acme, beta = two["acme"], two["beta"]
    out = _cli(app_env, "campaign", "list")  # two workspaces, none named: refuse, not guess
    assert out.returncode == 2 and "several workspaces" in out.stderr
    assert "--workspace" in out.stderr
    out = _cli(app_env, "--workspace", str(acme["ws"]), "campaign", "list")
    assert out.returncode == 0 and "Acme launch" in out.stdout and "Beta" not in out.stdout
    out = _cli(app_env, "--workspace", str(acme["ws"]), "project", "list")
    assert "Acme ad" in out.stdout and "Beta" not in out.stdout
    out = _cli(app_env, "--workspace", str(acme["ws"]), "project", "show", str(beta["pid"]))
    assert out.returncode == 2 and f"Project {beta['pid']} was not found" in out.stderr
    assert "Beta" not in out.stdout + out.stderr
    out = _cli(app_env, "--workspace", str(acme["ws"]), "credits", "show")
    assert out.returncode == 0 and "998" in out.stdout
    out = _cli(app_env, "--workspace", "999", "credits", "show")
    assert out.returncode == 2 and "Workspace 999 was not found" in out.stderr
