"""Variants keep what still holds, through real workers: a voice variant of a finished ad keeps
its edited script, scenes and clips and makes only the voiceover (in its own voice) and the
final cut; a length variant keeps the edited script and the scenes step times it to the new
length; a format variant keeps script and scenes and starts at the render; a style variant
starts from new ideas."""

from __future__ import annotations

import pytest

from aytada.core import credits, projects, workspaces
from aytada.core.credits import quote
from aytada.core.options import options_of
from aytada.core.pipeline import next_step
from aytada.core.settings import reset_settings
from aytada.jobs.variants import make_variant
from tests.factories import make_project
from tests.jobs.helpers import gens, run_to
from tests.providers.stub_server import FakeElevenLabs, StubServer

pytestmark = [pytest.mark.slow, pytest.mark.media]

ELEVENLABS_KEY = "el-fake-worker-0a1b2c3d4e5f6a7b8c9d"
VOICE = "VariantVoice2024"  # an ElevenLabs-shaped voice id, not the workspace's (none) or default
HOOK = "Slipping on wet rock again?"
CAPTION = "Grip on wet rock"


def _scripted(ws: int, length_s: int = 15) -> int:
    """A video with ideas, a chosen idea, a script whose hook the user edited, and scenes one
    of which the user edited (made by the workers)."""
    pid = make_project(ws, length_s=length_s, title="Trail ad")
    run_to(ws, pid, "ideas", "ideas_ready")
    projects.choose_idea(ws, pid, 0)
    run_to(ws, pid, "script", "script_ready")
    script = projects.get_project(ws, pid).script
    projects.save_script(ws, pid, {**script, "hook": HOOK})
    run_to(ws, pid, "scenes", "scenes_ready")
    scene = projects.get_project(ws, pid).scenes[0]
    projects.save_scene(ws, pid, 0, {**scene, "caption": CAPTION})
    return pid


def test_a_voice_variant_keeps_script_scenes_and_clips_and_makes_only_the_voiceover(
    workspace_id: int, start_worker, small_renders, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StubServer() as stub:
        api = FakeElevenLabs(stub, ELEVENLABS_KEY)
        monkeypatch.setenv("ELEVENLABS_API_KEY", ELEVENLABS_KEY)  # this process and its workers
        monkeypatch.setenv("ELEVENLABS_BASE_URL", api.url)
        reset_settings()
        start_worker()
        source = _scripted(workspace_id)
        run_to(workspace_id, source, "clip", "completed", timeout=600)
        before = projects.get_project(workspace_id, source)
        assert options_of(before).choices.voice_provider == ""  # no voice of its own
        assert all(call.voice_id != VOICE for call in api.of("tts"))
        balance = workspaces.get_balance(workspace_id)

        pid = make_variant(workspace_id, source, "voice", VOICE)
        variant = projects.get_project(workspace_id, pid)
        chosen = options_of(variant).choices
        assert (chosen.voice, chosen.voice_provider) == (VOICE, "elevenlabs")
        assert variant.script == before.script and variant.script["hook"] == HOOK
        assert variant.scenes == before.scenes and variant.scenes[0]["caption"] == CAPTION
        assert variant.segments == before.segments and variant.status == "scenes_ready"
        assert next_step(variant) == "voiceover"  # the first step another voice changes
        finish = credits.price("voiceover") + credits.price("stitch")
        assert quote(workspace_id, pid)["finish"] == finish

        said = len(api.of("tts"))
        run_to(workspace_id, pid, "voiceover", "completed", timeout=300)
        spoken = api.of("tts")[said:]
        assert spoken and {call.voice_id for call in spoken} == {VOICE}  # its own voice
        done = projects.get_project(workspace_id, pid)
        assert done.output_asset_id not in (None, before.output_asset_id)
        assert [g.step for g in gens(pid)] == ["voiceover", "stitch"]  # nothing else again
        assert workspaces.get_balance(workspace_id) == balance - finish


def test_length_and_format_variants_keep_the_edited_script_and_style_starts_anew(
    workspace_id: int, start_worker
) -> None:
    start_worker()
    source = _scripted(workspace_id, length_s=15)
    before = projects.get_project(workspace_id, source)

    longer = make_variant(workspace_id, source, "length_s", 30)
    variant = projects.get_project(workspace_id, longer)
    assert (variant.length_s, variant.status) == (30, "script_ready") and not variant.scenes
    assert variant.script["hook"] == HOOK and variant.script["lines"] == []
    assert variant.ideas == before.ideas and variant.chosen_idea == before.chosen_idea
    assert next_step(variant) == "scenes"
    run_to(workspace_id, longer, "scenes", "scenes_ready")
    timed = projects.get_project(workspace_id, longer).scenes
    assert sum(float(scene["duration"]) for scene in timed) == pytest.approx(30, abs=0.05)
    spoken = " ".join(scene["voiceover"] for scene in timed)
    assert "wet rock" in spoken  # the edited script is what the new scenes say
    assert [g.step for g in gens(longer)] == ["scenes"]

    square = make_variant(workspace_id, source, "format", "1:1")
    variant = projects.get_project(workspace_id, square)
    assert (variant.format, variant.status) == ("1:1", "scenes_ready")
    assert variant.script == before.script and variant.scenes == before.scenes
    assert not variant.segments and next_step(variant) == "clip"  # clips in the new frame

    styled = make_variant(workspace_id, source, "creative_style", "Cinematic")
    variant = projects.get_project(workspace_id, styled)
    assert variant.status == "draft" and not variant.ideas and not variant.script
    assert next_step(variant) == "ideas"
