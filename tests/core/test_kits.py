"""The kit's rules without a worker: what it is made of and costs, what making one writes (or
refuses), how a cut-down takes its source's work, when a part stops running by itself, and
what the copy deck says."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from aytada.core import credits, kits, projects
from aytada.core.db import session_scope
from aytada.core.errors import NotFound, UserError, ValidationFailed
from aytada.core.models import Kit, Project
from aytada.core.options import DesignCopy, Outputs, options_of, options_with
from aytada.core.settings import get_settings
from aytada.core.workspaces import create_workspace
from tests.factories import SCENES, make_campaign
from tests.jobs.helpers import spend_all_but

pytestmark = pytest.mark.db


def _count(model) -> int:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_the_quote_is_each_part_at_its_price_and_a_cut_down_is_recomposition():
    prices = get_settings().prices
    quote = kits.quote_kit(15, "standard")
    by_label = {line.part.label: line.credits for line in quote.lines}
    scenes = credits.planned_scenes(15)
    full = credits.choice_price("video", 15, "standard").total
    assert by_label["Video 9:16"] == full
    # a cut-down: its scenes laid out again and stitched; no ideas, script, scenes or voice
    cut = scenes * prices["recompose"] + prices["stitch"]
    assert by_label["Video 1:1"] == by_label["Video 16:9"] == cut < full / 3
    banners = [v for k, v in by_label.items() if k.startswith("Banner ")]
    assert banners == [prices["banner"]] * 6
    assert by_label["Flyer 1080×1350"] == prices["flyer"]
    assert by_label["Jingle"] == prices["jingle"]
    assert quote.total == sum(by_label.values())
    assert kits.quote_kit(30, "pro").total > quote.total
    for bad in ((20, "standard"), (15, "ultra"), (True, "pro"), ("15", "pro")):
        with pytest.raises(ValidationFailed):
            kits.quote_kit(*bad)


def test_making_a_kit_writes_its_parts_each_a_normal_project(workspace_id):
    ws = workspace_id
    cid = make_campaign(ws)
    kit_id = kits.create_kit(ws, cid, length_s=30, quality="pro")
    view = kits.kit_view(ws, kit_id)
    assert [p.part for p in view.parts] == list(kits.KIT_PARTS)
    assert view.quoted == kits.quote_kit(30, "pro").total and view.charged == 0
    assert all(p.status == "draft" for p in view.parts) and not view.finished
    with session_scope() as s:
        rows = {p.project_id: s.get(Project, p.project_id) for p in view.parts}
        main = next(r for r in rows.values() if r.kind == "video" and r.format == "9:16")
        for part in view.parts:
            row = rows[part.project_id]
            assert row.campaign_id == cid and row.kit_id == kit_id
            assert options_of(row).choices.autorun  # it runs by itself
            assert options_of(row).lineage.cut_of == (main.id if part.part.cut else None)
            if row.kind == "video":
                assert (row.length_s, row.quality) == (30, "pro")
    # the cut-downs say what they wait for; they are listed with the campaign's projects
    assert [p.waiting[:25] for p in view.parts if p.part.cut] == ["Waits for the 9:16 video:"] * 2
    assert len(projects.list_projects(ws, campaign_id=cid).cards) == 11
    assert kits.kits_of(ws, cid)[0].id == kit_id
    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    with pytest.raises(NotFound):
        kits.kit_view(other, kit_id)  # another workspace's kit


def test_a_kit_refused_writes_nothing(workspace_id):
    ws = workspace_id
    cid = make_campaign(ws)
    spend_all_but(ws, kits.quote_kit().total - 1)
    before = _count(Project)
    with pytest.raises(UserError, match="Not enough credits"):
        kits.create_kit(ws, cid)
    with session_scope() as s:
        other = create_workspace(s, "Other team").id
    with pytest.raises(NotFound):
        kits.create_kit(other, cid)  # another workspace's campaign
    with pytest.raises(ValidationFailed):
        kits.create_kit(ws, cid, length_s=45)
    assert (_count(Kit), _count(Project)) == (0, before)
    for bad in (999, "abc", None):
        with pytest.raises(NotFound):
            kits.kit_view(ws, bad)


def _parts(ws: int, kit_id: int) -> dict[str, Project]:
    with session_scope() as s:
        rows = kits.parts_of(s, kit_id)
        for row in rows:
            s.expunge(row)
    return {kits.part_of(r).name: r for r in rows}


def test_a_cut_down_takes_its_finished_sources_work_and_runs_by_itself_until_done(
    workspace_id,
):
    ws = workspace_id
    kit_id = kits.create_kit(ws, make_campaign(ws))
    parts = _parts(ws, kit_id)
    main, square = parts["video-9x16"], parts["video-1x1"]
    assert kits.begin_cut_downs(ws, main.id) == []  # the source is not done
    assert kits.autorun_next(ws, square.id) == (None, None)  # it waits
    assert kits.autorun_next(ws, main.id)[0] == "ideas"
    script = {"hook": "Muddy trail?", "body": "Grip.", "call_to_action": "Shop now.",
              "voiceover": "Muddy trail? Grip. Shop now."}  # fmt: skip
    with session_scope() as s:
        row = s.get(Project, main.id)
        row.status, row.script, row.scenes = "completed", script, SCENES
        row.ideas, row.chosen_idea, row.voiceover_asset_id = [{"title": "t"}], 0, 77
        row.options = options_with(row, Outputs(music_asset=78))
    taken = kits.begin_cut_downs(ws, main.id)
    assert sorted(taken) == sorted([square.id, parts["video-16x9"].id])
    assert kits.begin_cut_downs(ws, main.id) == []  # once
    with session_scope() as s:
        cut = s.get(Project, square.id)
        assert (cut.status, cut.script, cut.scenes, cut.voiceover_asset_id) == (
            "scenes_ready", script, SCENES, 77)  # fmt: skip
        assert options_of(cut).outputs.music_asset == 78 and cut.format == "1:1"
        # its render costs re-composition; its voiceover is its source's: free
        assert credits.step_price(s, cut, "clip") == get_settings().prices["recompose"]
        assert credits.step_price(s, cut, "voiceover") == 0
        assert credits.step_price(s, cut, "stitch") == get_settings().prices["stitch"]
        source = s.get(Project, main.id)
        assert credits.step_price(s, source, "voiceover") == get_settings().prices["voiceover"]
    assert kits.autorun_next(ws, square.id)[0] == "clip"
    # a finished part stops running by itself: an edit afterwards starts nothing
    assert kits.autorun_next(ws, main.id) == (None, None)
    with session_scope() as s:
        assert not options_of(s.get(Project, main.id)).choices.autorun
    # a variant of a kit part runs by the user's clicks
    variant = projects.make_variant(ws, square.id)
    with session_scope() as s:
        assert not options_of(s.get(Project, variant)).choices.autorun
    # Retry of a failed part: it runs by itself again
    kits.run_again(ws, main.id)
    with session_scope() as s:
        assert options_of(s.get(Project, main.id)).choices.autorun


def test_the_copy_deck_row_is_what_the_project_says(workspace_id):
    ws = workspace_id
    kit_id = kits.create_kit(ws, make_campaign(ws, destination="northpeak.com"))
    parts = _parts(ws, kit_id)
    with session_scope() as s:
        banner = s.get(Project, parts["banner-728x90"].id)
        copy = DesignCopy("Grip | that holds", "On any trail.", "Shop now", "northpeak.com/x")
        banner.options = options_with(banner, Outputs(copy=copy))
        s.flush()
        row = kits.deck_row(banner, "banner-728x90.png", "northpeak.com")
        jingle = s.get(Project, parts["jingle"].id)
        jingle.options = options_with(jingle, Outputs(lyrics="Northpeak,\n grip the trail!"))
        s.flush()
        sung = kits.deck_row(jingle, "jingle.wav", "northpeak.com")
    assert row["asset"] == "Banner 728×90" and row["size"] == "728x90"
    assert (row["headline"], row["subline"], row["call_to_action"], row["destination"]) == (
        "Grip | that holds", "On any trail.", "Shop now", "northpeak.com/x")  # fmt: skip
    assert sung["voiceover_script"] == "Northpeak, grip the trail!"
    assert sung["size"] == "15 s audio"


def test_the_reconciler_tends_only_kits_with_something_to_do(workspace_id):
    from datetime import UTC, datetime, timedelta

    ws = workspace_id
    kit_id = kits.create_kit(ws, make_campaign(ws))
    parts = _parts(ws, kit_id)

    def tended() -> dict[int, list[int]]:
        with session_scope() as s:
            return {kit: idle for _, kit, idle in kits.kits_to_tend(s)}

    # new: every part runs by itself and is idle (the cut-downs wait for their source)
    assert sorted(tended()[kit_id]) == sorted(p.id for p in parts.values())
    with session_scope() as s:
        for row in kits.parts_of(s, kit_id):
            row.status = "completed"
            row.options = options_with(row, replace(options_of(row).choices, autorun=False))
    assert tended() == {kit_id: []}  # finished, not packaged: the files are due
    kits.mark_packaged(ws, kit_id, "ws1/kits/k.zip", datetime.now(UTC) + timedelta(seconds=5))
    assert tended() == {}  # packaged after every change: nothing to do
    with session_scope() as s:  # a part changed after the files (a retry, an edit)
        row = s.get(Project, parts["jingle"].id)
        row.updated_at = datetime.now(UTC) + timedelta(seconds=60)
    assert tended() == {kit_id: []}


def test_a_part_whose_start_is_refused_stops_and_says_why(workspace_id):
    ws = workspace_id
    kit_id = kits.create_kit(ws, make_campaign(ws))
    parts = _parts(ws, kit_id)
    banner = parts["banner-300x250"]
    kits.stop_autorun(ws, banner.id, "Not enough credits: this needs 10. Add credits, then "
                                     "continue it.")  # fmt: skip
    view = kits.kit_view(ws, kit_id)
    part = next(p for p in view.parts if p.project_id == banner.id)
    assert part.stopped.startswith("Not enough credits") and part.finished
    assert kits.autorun_next(ws, banner.id) == (None, None)  # no retry loop
    with session_scope() as s:  # the reconciler does not try it again and again
        assert all(banner.id not in idle for _, _, idle in kits.kits_to_tend(s))
    kits.run_again(ws, banner.id)  # the user continues it: it runs by itself again
    assert kits.autorun_next(ws, banner.id)[0] == "design"


def test_cut_downs_of_a_failed_or_deleted_video_do_not_keep_the_kit_open(workspace_id):
    ws = workspace_id
    kit_id = kits.create_kit(ws, make_campaign(ws))
    parts = _parts(ws, kit_id)
    with session_scope() as s:
        for row in kits.parts_of(s, kit_id):
            if not options_of(row).lineage.cut_of:
                row.status = "failed" if row.id == parts["video-9x16"].id else "completed"
    view = kits.kit_view(ws, kit_id)
    cuts = [p for p in view.parts if p.part.cut]
    assert view.finished and all(p.blocked for p in cuts)
    assert cuts[0].waiting.startswith("Waits for the 9:16 video, which failed")
    projects.soft_delete(ws, parts["video-9x16"].id)
    view = kits.kit_view(ws, kit_id)
    assert view.finished and len(view.parts) == 10
    assert [p.waiting[:30] for p in view.parts if p.part.cut] == [
        "Its 9:16 video was deleted: th"] * 2  # fmt: skip
