"""The variant form proposes what is used now and says what the variant keeps; a voice variant
made from the Campaign Hub speaks its voice, and its Studio offers only the voiceover and the
final cut (its clips are kept)."""

from __future__ import annotations

from aytada.core import campaigns
from aytada.core.options import options_of
from aytada.core.projects import list_projects
from aytada.ui.widgets import HUB, STUDIO
from tests.factories import SCENES, make_campaign, make_project
from tests.ui.helpers import SCRIPT, generations, project_row, texts


def _source(ws: int, cid: int) -> int:
    return make_project(
        ws, cid, title="Original", status="completed", fmt="16:9", length_s=15,
        script=dict(SCRIPT), scenes=[dict(s) for s in SCENES], segments={"0": 1, "1": 2, "2": 3},
        options={"choices": {"overrides": {"creative_style": "Humor"}}},
    )  # fmt: skip


def test_the_form_proposes_the_campaigns_value_and_the_projects_settings(app, ws):
    cid = make_campaign(ws, creative_style="Direct Response")
    pid = _source(ws, cid)
    campaigns.update_campaign(ws, cid, {"creative_style": "Storytelling"})
    at = app(HUB, id=cid)
    key = f"hub-video-{pid}"
    at.button(key=f"{key}-variant").click().run()
    at.selectbox(key=f"{key}-vaxis").set_value("creative_style").run()
    assert at.selectbox(key=f"{key}-vvalue-creative_style").value == "Storytelling"
    at.selectbox(key=f"{key}-vaxis").set_value("format").run()
    assert at.selectbox(key=f"{key}-vvalue-format").value == "16:9"
    assert "It keeps the script, its edits and the scenes" in texts(at)
    at.selectbox(key=f"{key}-vaxis").set_value("length_s").run()
    assert at.selectbox(key=f"{key}-vvalue-length_s").value == 15
    assert "the scenes are made again for the new length" in texts(at)
    at.selectbox(key=f"{key}-vaxis").set_value("voice").run()
    assert at.text_input(key=f"{key}-vvalue-voice").value == ""  # none of its own yet
    assert "only the voiceover and the final cut are made again" in texts(at)


def test_a_voice_variant_from_the_hub_speaks_its_voice_after_only_the_voiceover(app, ws, ui_redis):
    cid = make_campaign(ws)
    pid = _source(ws, cid)
    at = app(HUB, id=cid)
    key = f"hub-video-{pid}"
    at.button(key=f"{key}-variant").click().run()
    at.selectbox(key=f"{key}-vaxis").set_value("voice").run()
    at.text_input(key=f"{key}-vvalue-voice").input("en-gb")
    at.button(key=f"{key}-vcreate").click().run()
    assert not at.exception
    variant = next(c for c in list_projects(ws, campaign_id=cid).cards if c.id != pid)
    chosen = options_of(project_row(variant.id)).choices
    assert (chosen.voice, chosen.voice_provider) == ("en-gb", "offline")  # the provider in use
    assert variant.status == "scenes_ready"

    at = app(STUDIO, project=variant.id)
    assert "Every scene has its clip already" in texts(at)
    assert not [b for b in at.button if b.key == "run-render"]  # no clip is rendered again
    assert at.button(key="run-finish").label == "Make the voiceover and the final cut · 10 credits"
    at.button(key="run-finish").click().run()
    assert not at.exception
    (queued,) = generations(variant.id)
    assert (queued.step, queued.state, queued.credits) == ("voiceover", "queued", 5)
    assert queued.input_snapshot["voice"] == "en-gb"
    assert project_row(variant.id).status == "generating_voiceover"
