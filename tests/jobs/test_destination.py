"""The campaign's destination reaches what the workers make: a flyer's words (drawn by the CTA,
a web address also as a QR code that scans), the user's edit of it, and a video's end card."""

from __future__ import annotations

import zxingcpp
from PIL import Image
from sqlalchemy import select

from aytada.core import campaigns, media, projects, workspaces
from aytada.core.db import session_scope
from aytada.core.models import Asset, Project
from aytada.core.options import options_of
from aytada.jobs.edits import edit_copy
from aytada.jobs.runner import start_step
from aytada.providers.typography import drawn_texts
from tests.conftest import wait_for
from tests.factories import SCENES, make_campaign, make_project
from tests.jobs.helpers import gens, run_to, status


def _output(ws: int, pid: int):  # type: ignore[no-untyped-def]
    project = projects.get_project(ws, pid)
    return media.resolve(projects.get_asset(ws, project.output_asset_id).path)


def _codes(path) -> list[str]:  # type: ignore[no-untyped-def]
    with Image.open(path) as image:
        return [code.text for code in zxingcpp.read_barcodes(image)]


def _set_again(ws: int, pid: int, fields: dict[str, str]) -> None:
    assert edit_copy(ws, pid, fields).credits == 0
    wait_for(lambda: status(ws, pid) in ("completed", "failed"), what="set again")
    assert status(ws, pid) == "completed", projects.get_project(ws, pid).error


def test_a_flyer_takes_the_campaigns_destination_and_its_edits(workspace_id, start_worker):
    start_worker()
    cid = make_campaign(workspace_id, destination="korabrew.com")
    pid = make_project(workspace_id, cid, kind="flyer", fmt="1080x1350", title="Flyer")
    run_to(workspace_id, pid, "design", "completed")
    words = options_of(projects.get_project(workspace_id, pid)).outputs.copy
    assert words is not None and words.destination == "korabrew.com"
    out = _output(workspace_id, pid)
    assert drawn_texts(out)["destination"] == "korabrew.com"
    assert _codes(out) == ["https://korabrew.com"]

    # the campaign changes later: this flyer keeps its own words until they are edited
    campaigns.update_campaign(workspace_id, cid, {"destination": "@korabrew"})
    balance = workspaces.get_balance(workspace_id)
    _set_again(workspace_id, pid, {"destination": "https://korabrew.com/menu"})
    out = _output(workspace_id, pid)
    assert drawn_texts(out)["destination"] == "korabrew.com/menu"
    assert _codes(out) == ["https://korabrew.com/menu"]
    _set_again(workspace_id, pid, {"destination": "+44 20 7946 0000"})
    out = _output(workspace_id, pid)
    assert drawn_texts(out)["destination"] == "+44 20 7946 0000" and _codes(out) == []
    _set_again(workspace_id, pid, {"destination": ""})  # none at all
    out = _output(workspace_id, pid)
    assert "destination" not in drawn_texts(out) and _codes(out) == []
    assert workspaces.get_balance(workspace_id) == balance  # every edit was free

    # a new asset of the campaign takes its new destination
    banner = make_project(workspace_id, cid, kind="banner", fmt="300x250", title="Banner")
    run_to(workspace_id, banner, "design", "completed")
    assert drawn_texts(_output(workspace_id, banner))["destination"] == "@korabrew"


def test_the_video_end_card_shows_the_destination(workspace_id, start_worker):
    start_worker()
    cid = make_campaign(workspace_id, destination="korabrew.com")
    pid = make_project(workspace_id, cid, status="scenes_ready", scenes=SCENES, segments={},
                       quality="standard", fmt="1:1")  # fmt: skip
    # the script says the destination as the writer does: the card sets it once, on its line
    with session_scope() as s:
        s.get(Project, pid).script = {"call_to_action": "Claim 15% off at korabrew.com."}
    start_step(workspace_id, pid, "clip")

    # the stills are drawn by the clips (the voiceover after them is not this test's subject)
    def clips() -> list[str]:
        return [str(g.state) for g in gens(pid) if g.step == "clip"]

    wait_for(lambda: len(clips()) == 3 and not {"queued", "running"} & set(clips()),
             timeout=600, what="the three clips")  # fmt: skip
    assert clips() == ["succeeded"] * 3, [g.error for g in gens(pid)]
    with session_scope() as s:
        stills = s.scalars(
            select(Asset).where(Asset.project_id == pid, Asset.role == "scene_still")
        ).all()
        shown = {(a.meta or {}).get("layout"): drawn_texts(media.resolve(a.path)) for a in stills}
    # every text a still shows is recorded (the end card's call to action, the scenes' lines):
    # the destination only on the end card
    assert shown["end_card"]["destination"] == "korabrew.com"
    assert shown["end_card"]["cta"] == "Claim 15% off"  # not "… at korabrew.com" as well
    assert all(
        "destination" not in texts for layout, texts in shown.items() if layout != "end_card"
    )
