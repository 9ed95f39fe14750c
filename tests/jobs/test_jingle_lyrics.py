"""A jingle's lyrics are what its music does with them: the offline synthesizer cannot sing, so
its jingle is recorded as instrumental and its lyrics stay a text for a singer (edited for free,
nothing made again); a music model that sings sings the edited lyrics again, charged the
jingle's price, and only its success stores them."""

from __future__ import annotations

import pytest

from aytada.core import credits, projects, reports, workspaces
from aytada.core.options import options_of
from aytada.jobs.edits import edit_copy
from tests.conftest import wait_for
from tests.factories import make_project
from tests.jobs.helpers import gens, run_to, status
from tests.providers.stub_server import FakeElevenLabs, StubServer

pytestmark = [pytest.mark.slow, pytest.mark.media]

EDITED = "Northpeak on the trail\nGrip that holds, rain or hail"


def test_the_offline_jingle_is_instrumental_and_its_lyrics_are_edited_free(
    workspace_id: int, start_worker
) -> None:
    start_worker()
    pid = make_project(workspace_id, kind="jingle", length_s=15, title="Tune")
    run_to(workspace_id, pid, "jingle", "completed")
    made = options_of(projects.get_project(workspace_id, pid)).outputs
    assert made.lyrics and not made.sung  # written, and never heard
    report = reports.project_report(workspace_id, pid)
    assert report["instrumental"] is True and report["lyrics"] == made.lyrics
    balance = workspaces.get_balance(workspace_id)

    started = edit_copy(workspace_id, pid, {"lyrics": EDITED})
    assert (started.generation_ids, started.credits) == ([], 0)  # nothing to make again
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed" and options_of(project).outputs.lyrics == EDITED
    assert [g.step for g in gens(pid)] == ["jingle"]
    assert workspaces.get_balance(workspace_id) == balance


ELEVENLABS_KEY = "el-fake-worker-0a1b2c3d4e5f6a7b8c9d"


def test_sung_lyrics_edited_are_sung_again_at_the_jingles_price(
    workspace_id: int, start_worker
) -> None:
    with StubServer() as stub:
        music = FakeElevenLabs(stub, ELEVENLABS_KEY)
        start_worker(ELEVENLABS_API_KEY=ELEVENLABS_KEY, ELEVENLABS_BASE_URL=music.url)
        pid = make_project(workspace_id, kind="jingle", length_s=15, title="Tune")
        run_to(workspace_id, pid, "jingle", "completed")
        first = options_of(projects.get_project(workspace_id, pid)).outputs
        assert first.sung and reports.project_report(workspace_id, pid)["instrumental"] is False
        (song,) = music.of("music")
        assert song.fields["force_instrumental"] is False and first.lyrics in song.fields["prompt"]
        first_audio = projects.get_project(workspace_id, pid).output_asset_id
        balance = workspaces.get_balance(workspace_id)

        # the same lyrics again: nothing to sing again, nothing charged
        assert edit_copy(workspace_id, pid, {"lyrics": first.lyrics}).generation_ids == []
        started = edit_copy(workspace_id, pid, {"lyrics": EDITED})
        assert started.credits == credits.price("jingle") and len(started.generation_ids) == 1
        # stored with the music that sings them, not before
        assert options_of(projects.get_project(workspace_id, pid)).outputs.lyrics == first.lyrics
        wait_for(lambda: status(workspace_id, pid) in ("completed", "failed"), what="sung again")
        project = projects.get_project(workspace_id, pid)
        assert project.status == "completed", project.error
        assert options_of(project).outputs.lyrics == EDITED and options_of(project).outputs.sung
        again = music.of("music")[1]
        assert EDITED.splitlines()[1] in again.fields["prompt"]
        assert again.fields["force_instrumental"] is False
        assert project.output_asset_id != first_audio
        assert workspaces.get_balance(workspace_id) == balance - credits.price("jingle")
        assert [g.credits_charged for g in gens(pid)] == [credits.price("jingle")] * 2
