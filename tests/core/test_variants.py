"""A video variant along the format, the length or the voice keeps what still holds of its
source's work and rests before the first step the change invalidates; the variant form proposes
what is used now."""

from __future__ import annotations

import pytest

from aytada.core import campaigns, projects, statuses
from aytada.core.options import Choices, Outputs, options_of, options_with
from aytada.core.pipeline import next_step, unmet_requirement
from tests.factories import SCENES, make_campaign, make_project

pytestmark = pytest.mark.db

IDEAS = [{"title": f"t{i}", "angle": "a", "hook": f"h{i}", "approach": "p"} for i in range(3)]
SCRIPT = {
    "hook": "Slipping on wet rock again?",  # the user's edit
    "body": "Trailblazer grips.",
    "call_to_action": "Get yours.",
    "voiceover": "Slipping on wet rock again? Trailblazer grips. Get yours.",
    "lines": [{"text": "Slipping on wet rock again?", "seconds": 3.0}],
    "edited": True,
}
EDITED_SCENES = [{**SCENES[0], "caption": "Grip on wet rock"}, *SCENES[1:]]


def _finished(ws: int, **fields) -> int:  # type: ignore[no-untyped-def]
    """A completed 15 s ad: ideas, the chosen idea, an edited script, edited scenes, a clip for
    every scene."""
    values = dict(
        status="completed", ideas=IDEAS, chosen_idea=1, script=dict(SCRIPT),
        scenes=[dict(s) for s in EDITED_SCENES], segments={"0": 11, "1": 12, "2": 13},
        output_asset_id=None, options=options_with({}, Outputs(thumbnail="ws1/p1/scene1.png")),
    )  # fmt: skip
    return make_project(ws, **{**values, **fields})


def _variant(ws: int, source: int, axis: str, value, **kw):  # type: ignore[no-untyped-def]
    return projects.get_project(ws, projects.make_variant(ws, source, axis, value, **kw))


def test_a_voice_variant_keeps_script_scenes_and_clips_and_starts_at_the_voiceover(
    workspace_id: int,
) -> None:
    source = _finished(workspace_id)
    variant = _variant(workspace_id, source, "voice", "en-gb", voice_provider="offline")
    assert variant.status == "scenes_ready" and next_step(variant) == "voiceover"
    assert variant.script == SCRIPT and variant.scenes == EDITED_SCENES
    assert variant.segments == {"0": 11, "1": 12, "2": 13} and not variant.scenes_stale
    assert (variant.ideas, variant.chosen_idea) == (IDEAS, 1)
    made = options_of(variant)
    # the voice with the provider it belongs to: the voiceover step speaks it
    assert (made.choices.voice, made.choices.voice_provider) == ("en-gb", "offline")
    assert made.outputs == Outputs(thumbnail="ws1/p1/scene1.png")  # its clips' picture
    assert statuses.can_transition("scenes_ready", "generating_voiceover")
    assert unmet_requirement(variant, "voiceover") is None


def test_a_voice_variant_of_a_half_rendered_ad_renders_the_missing_clips_first(
    workspace_id: int,
) -> None:
    source = _finished(workspace_id, status="failed", segments={"0": 11, "7": 99})
    variant = _variant(workspace_id, source, "voice", "en-gb", voice_provider="offline")
    assert variant.segments == {"0": 11}  # only clips of its scenes
    assert next_step(variant) == "clip"
    assert unmet_requirement(variant, "voiceover") == (
        "Some scenes have no clip yet: render them first."
    )


def test_a_format_variant_keeps_script_and_scenes_and_starts_at_the_render(
    workspace_id: int,
) -> None:
    source = _finished(workspace_id)
    variant = _variant(workspace_id, source, "format", "16:9")
    assert (variant.format, variant.status, next_step(variant)) == ("16:9", "scenes_ready", "clip")
    assert variant.script == SCRIPT and variant.scenes == EDITED_SCENES
    assert not variant.segments and "outputs" not in variant.options


def test_a_length_variant_keeps_the_script_and_starts_at_the_scenes(workspace_id: int) -> None:
    source = _finished(workspace_id)
    variant = _variant(workspace_id, source, "length_s", 30)
    assert (variant.length_s, variant.status, next_step(variant)) == (30, "script_ready", "scenes")
    assert variant.script == {**SCRIPT, "lines": []}  # the words stay, the old timing goes
    assert not variant.scenes and not variant.segments


def test_stale_scenes_are_not_kept_and_only_ideas_are_kept_before_a_script(
    workspace_id: int,
) -> None:
    stale = _finished(workspace_id, status="script_ready", scenes_stale=True, segments={})
    variant = _variant(workspace_id, stale, "format", "1:1")
    assert variant.status == "script_ready" and not variant.scenes and variant.script == SCRIPT
    ideas_only = make_project(workspace_id, status="ideas_ready", ideas=IDEAS, chosen_idea=2)
    variant = _variant(workspace_id, ideas_only, "voice", "en-gb", voice_provider="offline")
    assert (variant.status, variant.ideas, variant.chosen_idea) == ("ideas_ready", IDEAS, 2)
    assert next_step(variant) == "script"


@pytest.mark.parametrize(
    ("axis", "value"),
    [("creative_style", "Cinematic"), ("awareness_stage", "unaware"),
     ("persuasion_trigger", "Scarcity")],
)  # fmt: skip
def test_a_strategy_variant_starts_from_new_ideas(workspace_id: int, axis, value) -> None:
    variant = _variant(workspace_id, _finished(workspace_id), axis, value)
    assert variant.status == "draft" and next_step(variant) == "ideas"
    assert not variant.ideas and not variant.script and not variant.scenes
    assert not variant.segments


def test_without_a_provider_a_voice_variant_keeps_its_sources(workspace_id: int) -> None:
    choices = Choices(voice="en-us", voice_provider="offline")
    source = make_project(workspace_id, options={"choices": choices.to_json()})
    variant = _variant(workspace_id, source, "voice", "en-gb")
    assert options_of(variant).choices.voice_provider == "offline"


def test_the_form_proposes_the_campaigns_strategy_and_the_projects_own_settings(
    workspace_id: int,
) -> None:
    cid = make_campaign(workspace_id, creative_style="Direct Response")
    pid = make_project(
        workspace_id, cid, fmt="16:9", length_s=30,
        options={"choices": {"voice": "en-gb", "voice_provider": "offline",
                             "overrides": {"creative_style": "Humor"}}},
    )  # fmt: skip
    campaigns.update_campaign(workspace_id, cid, {"creative_style": "Storytelling"})
    (card,) = projects.list_projects(workspace_id, campaign_id=cid).cards
    proposed = {axis: projects.proposed_value(card, axis) for axis in projects.VARIANT_AXES}
    assert proposed == {
        "awareness_stage": "problem_aware",
        "creative_style": "Storytelling",  # the campaign's now, not the project's own Humor
        "persuasion_trigger": "",
        "length_s": 30,
        "format": "16:9",
        "voice": "en-gb",
    }
    assert projects.get_project(workspace_id, pid).campaign_id == cid
