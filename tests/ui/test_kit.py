"""The Campaign Hub's kit: the quote before the click, a confirmation, one progress view of every
part, Retry for a failed part only, the zip and contact sheet once packaged; refusals (Redis down,
too few credits) say why and write nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import func, select

from aytada.core import kits, media
from aytada.core.db import session_scope
from aytada.core.models import Kit, Project
from aytada.ui.widgets import HUB
from tests.factories import make_campaign
from tests.jobs.helpers import spend_all_but
from tests.ui.helpers import buttons, generations, has_autorefresh, texts


def _counts() -> tuple[int, int]:
    with session_scope() as s:
        return (
            s.scalar(select(func.count()).select_from(Kit)) or 0,
            s.scalar(select(func.count()).select_from(Project)) or 0,
        )


def test_the_kit_is_quoted_asked_for_then_started_with_every_part_shown(app, ws, ui_redis):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    quote = kits.quote_kit()
    assert buttons(at)[f"kit-make-{cid}"] == f"Make the kit · {quote.total} credits"
    assert f"What the kit costs: {quote.total} credits" in [e.label for e in at.expander]
    at.button(key=f"kit-make-{cid}").click().run()
    assert f"starts 11 projects and holds {quote.total} credits" in texts(at)
    at.button(key=f"kit-cancel-{cid}").click().run()
    assert _counts() == (0, 0) and f"kit-make-{cid}" in buttons(at)
    # a 30 s Pro kit: the quote follows the choice
    at.selectbox(key=f"kit_length_{cid}").select(30).run()
    at.selectbox(key=f"kit_quality_{cid}").select("pro").run()
    pro = kits.quote_kit(30, "pro")
    assert buttons(at)[f"kit-make-{cid}"] == f"Make the kit · {pro.total} credits"
    at.button(key=f"kit-make-{cid}").click().run()
    at.button(key=f"kit-confirm-{cid}").click().run()
    assert not at.exception
    assert "The kit is started" in texts(at)
    (view,) = kits.kits_of(ws, cid)
    assert (view.length_s, view.quality, view.quoted) == (30, "pro", pro.total)
    assert _counts() == (1, 11)
    shown = texts(at)
    for part in view.parts:
        assert part.part.label in shown
    assert "Waits for the 9:16 video" in shown  # the cut-downs
    assert has_autorefresh(at)  # the parts run: the page follows them
    # every part that does not wait has its first step queued (no worker here)
    started = [p for p in view.parts if generations(p.project_id)]
    assert len(started) == 9 and not any(p.part.cut for p in started)


def test_the_kit_with_redis_down_or_too_few_credits_writes_nothing(app, ws, redis_down):
    cid = make_campaign(ws)
    at = app(HUB, id=cid)
    at.button(key=f"kit-make-{cid}").click().run()
    at.button(key=f"kit-confirm-{cid}").click().run()
    assert "nothing was started" in texts(at) or "job queue" in texts(at)
    assert _counts() == (0, 0)


def test_the_kit_refused_for_credits_says_so(app, ws, ui_redis):
    cid = make_campaign(ws)
    spend_all_but(ws, kits.quote_kit().total - 1)
    before = _counts()
    at = app(HUB, id=cid)
    at.button(key=f"kit-make-{cid}").click().run()
    at.button(key=f"kit-confirm-{cid}").click().run()
    assert any("Not enough credits" in e.value for e in at.error)
    assert _counts() == before


def _finished_kit(ws: int, cid: int) -> kits.KitView:
    """A kit whose parts are all completed but the jingle (failed), packaged."""
    kit_id = kits.create_kit(ws, cid)
    view = kits.kit_view(ws, kit_id)
    folder = media.media_root() / f"ws{ws}" / "kits" / f"kit{kit_id}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "k.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    Image.new("RGB", (400, 300), "white").save(folder / "contact-sheet.png")
    with session_scope() as s:
        for part in view.parts:
            project = s.get(Project, part.project_id)
            assert project is not None
            if part.part.kind == "jingle":
                project.status, project.failed_step = "failed", "jingle"
                project.error = "Jingle failed: the music engine stopped."
            else:
                project.status = "completed"
    kits.mark_packaged(ws, kit_id, media.relative(folder / "k.zip"), datetime.now(UTC))
    return kits.kit_view(ws, kit_id)


def test_a_finished_kit_offers_its_zip_and_retry_for_the_failed_part_only(app, ws, ui_redis):
    cid = make_campaign(ws)
    view = _finished_kit(ws, cid)
    jingle = next(p for p in view.parts if p.part.kind == "jingle")
    at = app(HUB, id=cid)
    shown = texts(at)
    assert "Jingle failed; the other parts are not affected" in shown
    assert "Jingle failed: the music engine stopped." in shown
    assert "10 of 11 made" in " ".join(e.label for e in at.expander)
    retries = [k for k in buttons(at) if "-retry-" in k]
    assert retries == [f"kit-{view.id}-retry-{jingle.project_id}"]
    assert [b.key for b in at.get("download_button") if b.key.startswith("kit-")] == [
        f"kit-zip-{view.id}"
    ]
    assert len(at.get("image")) == 1  # the contact sheet (the parts have no thumbnails)
    at.button(key=retries[0]).click().run()
    assert not at.exception
    assert "Jingle: retrying the failed step." in texts(at)
    (gen,) = generations(jingle.project_id)
    assert gen.step == "jingle" and gen.state == "queued"
    assert [p.project_id for p in kits.kit_view(ws, view.id).parts if generations(p.project_id)] \
        == [jingle.project_id]  # fmt: skip


def test_a_stopped_part_says_why_and_continue_runs_it_on(app, ws, ui_redis):
    cid = make_campaign(ws)
    kit_id = kits.create_kit(ws, cid)
    banner = next(p for p in kits.kit_view(ws, kit_id).parts if p.part.name == "banner-728x90")
    kits.stop_autorun(ws, banner.project_id, "Not enough credits: this needs 10, the balance "
                                             "is 4. Add credits, then continue it.")  # fmt: skip
    at = app(HUB, id=cid)
    assert "Not enough credits: this needs 10" in texts(at)
    key = f"kit-{kit_id}-continue-{banner.project_id}"
    assert [k for k in buttons(at) if "-continue-" in k] == [key]
    at.button(key=key).click().run()
    assert not at.exception
    (gen,) = generations(banner.project_id)  # its design step is queued (the credits are there)
    assert gen.step == "design" and gen.state == "queued"
    assert "Banner 728×90: it runs on by itself." in texts(at)
