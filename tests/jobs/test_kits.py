"""The kit through real workers on the embedded defaults: every part made by itself through the
queue, one zip with every asset at its size, a contact sheet and a copy deck that says what each
project says; a failed part leaves the others done, its Retry alone runs, nothing is charged
twice and the charges meet the quote."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from rq import Worker

from aytada.cli import main
from aytada.core import kits, media, workspaces
from aytada.core.db import session_scope
from aytada.core.formats import frame_size
from aytada.core.models import Project
from aytada.core.options import options_of
from aytada.core.settings import get_settings
from aytada.jobs.kits import retry_part
from aytada.jobs.queue import get_queue, redis_conn
from aytada.providers import ffmpeg
from tests.conftest import wait_for
from tests.factories import make_campaign
from tests.jobs.helpers import gens, ledger_consistent

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FAULTS = {"AYTADA_EXTRA_STEPS": "tests.jobs.fault_steps"}
BANNER_SIZES = ("300x250", "728x90", "160x600", "1200x628", "1080x1080", "1080x1920")


def _packaged(ws: int, kit_id: int, since=None) -> kits.KitView:  # type: ignore[no-untyped-def]
    def ready() -> bool:
        view = kits.kit_view(ws, kit_id)
        return view.finished and view.packaged_at is not None and view.packaged_at != since

    wait_for(ready, timeout=300, interval=0.5, what="the kit made and packaged")
    return kits.kit_view(ws, kit_id)


def _zip(view: kits.KitView) -> zipfile.ZipFile:
    return zipfile.ZipFile(media.fetch(view.zip_path))


def _projects(view: kits.KitView) -> dict[int, Project]:
    with session_scope() as s:
        rows = {p.project_id: s.get(Project, p.project_id) for p in view.parts}
        for row in rows.values():
            s.expunge(row)
    return rows  # type: ignore[return-value]


def test_a_kit_is_every_asset_in_one_zip_and_a_failed_part_is_retried_alone(
    workspace_id, start_worker, small_renders, tmp_path: Path, capsys
):
    ws = workspace_id
    campaign = make_campaign(ws, destination="northpeak.com/grip")
    before = workspaces.get_balance(ws)
    # the jingle fails on these workers; every other part is made
    failing = [start_worker(**FAULTS, AYTADA_TEST_FAULTS="jingle=raise") for _ in range(2)]
    quote = kits.quote_kit(15, "standard")
    wait_for(lambda: len(Worker.all(connection=redis_conn(), queue=get_queue())) == 2,
             what="the workers listening")  # fmt: skip
    # `aytada make kit --wait`, as a user types it: the quote, `kit N`, the parts, the zip
    code = main(["make", "kit", "--campaign", str(campaign), "--wait", "--timeout", "300"])
    out, err = capsys.readouterr()
    assert code == 1, err[-600:]  # a part failed
    kit_line, zip_line = out.split()[:2], out.strip().splitlines()[-1]
    kit_id = int(kit_line[1])
    assert f"whole kit          {quote.total:>4} credits" in err
    assert "Jingle failed; retry from the Campaign Hub (the others are in the zip)" in err
    view = _packaged(ws, kit_id)
    assert zip_line == str(media.fetch(view.zip_path).resolve()) and zip_line.endswith(".zip")
    assert f"charged {view.charged} of {quote.total} credits quoted" in err

    by_kind = {(p.part.kind, p.part.fmt): p for p in view.parts}
    assert len(view.parts) == len(kits.KIT_PARTS) == 11
    jingle = by_kind[("jingle", "")]
    assert jingle.status == "failed" and "jingle" in jingle.error.lower()
    assert [p for p in view.parts if p.status != "completed"] == [jingle]
    # each part is a normal project of the campaign; the cut-downs say what the 9:16 says
    rows = _projects(view)
    source = rows[by_kind[("video", "9:16")].project_id]
    for fmt in ("1:1", "16:9"):
        cut = rows[by_kind[("video", fmt)].project_id]
        assert options_of(cut).lineage.cut_of == source.id and cut.campaign_id == campaign
        assert cut.script == source.script and cut.scenes == source.scenes
        assert cut.voiceover_asset_id == source.voiceover_asset_id  # the voice is not made again
        steps = sorted(g.step for g in gens(cut.id))
        assert "ideas" not in steps and "script" not in steps and "scenes" not in steps
    # what was charged: every made part at its quoted price, the failed jingle nothing
    quoted = {line.part: line.credits for line in quote.lines}
    for part in view.parts:
        expected = 0 if part is jingle else quoted[part.part]
        assert part.charged == expected, part.part.label
    assert workspaces.get_balance(ws) == before - (quote.total - quoted[jingle.part])

    with _zip(view) as pack:
        names = {Path(n).name: n for n in pack.namelist()}
        stem = Path(pack.namelist()[0]).parts[0]
        assert all(Path(n).parts[0] == stem for n in pack.namelist())  # one folder
        scale = get_settings().render_scale
        for fmt in ("9:16", "1:1", "16:9"):
            w, h = frame_size("video", fmt, "standard", scale)
            name = f"video-{fmt.replace(':', 'x')}-{w}x{h}"
            for suffix in (".mp4", ".srt", ".vtt"):
                assert f"{name}{suffix}" in names, (name, sorted(names))
            out = tmp_path / f"{name}.mp4"
            out.write_bytes(pack.read(names[f"{name}.mp4"]))
            info = ffmpeg.probe(out)
            assert (info["width"], info["height"]) == (w, h)
            assert abs(float(info["duration"]) - 15.0) < 0.6
        for fmt in BANNER_SIZES:
            with Image.open(io.BytesIO(pack.read(names[f"banner-{fmt}.png"]))) as img:
                assert f"{img.width}x{img.height}" == fmt
        with Image.open(io.BytesIO(pack.read(names["flyer-1080x1350.png"]))) as img:
            assert img.size == (1080, 1350)
        assert not [n for n in names if n.startswith("jingle")]  # not made: not packed
        with Image.open(io.BytesIO(pack.read(names["contact-sheet.png"]))) as sheet:
            assert sheet.format == "PNG" and sheet.width >= 1200 and sheet.height >= 1200
        deck = list(csv.DictReader(io.StringIO(pack.read(names["copy-deck.csv"]).decode())))
        markdown = pack.read(names["copy-deck.md"]).decode()
    # the copy deck: one row per part, the words each project holds
    assert [r["asset"] for r in deck] == [p.part.label for p in view.parts]
    for row, part in zip(deck, view.parts, strict=True):
        project = rows[part.project_id]
        if part.part.kind == "video":
            assert row["headline"] == project.script["hook"]
            assert row["call_to_action"] == project.script["call_to_action"]
            said = " ".join(sc["voiceover"] for sc in project.scenes)
            assert row["voiceover_script"] == " ".join(said.split())
        elif part.part.kind in ("banner", "flyer"):
            copy = options_of(project).outputs.copy
            assert copy is not None
            assert (row["headline"], row["subline"], row["call_to_action"]) == (
                copy.headline, copy.subline, copy.call_to_action)  # fmt: skip
            assert row["size"] == part.part.fmt
        if part.status == "completed":
            assert row["file"] and row["file"] in names
        assert row["destination"] == "northpeak.com/grip"
        assert row["headline"] in markdown

    # Retry the failed part alone, on workers without the fault: the kit is packaged again
    for worker in failing:
        worker.stop()
    start_worker()
    made = {p.project_id: len(gens(p.project_id)) for p in view.parts}
    retry_part(ws, jingle.project_id)
    again = _packaged(ws, kit_id, since=view.packaged_at)
    assert all(p.status == "completed" for p in again.parts)
    for p in again.parts:  # no other part ran anything again
        extra = 1 if p.project_id == jingle.project_id else 0
        assert len(gens(p.project_id)) == made[p.project_id] + extra, p.part.label
    assert again.charged == quote.total  # every part once, at its quoted price
    assert workspaces.get_balance(ws) == before - quote.total
    with _zip(again) as pack:
        assert any(Path(n).name.startswith("jingle.") for n in pack.namelist())
    ledger_consistent(ws)
