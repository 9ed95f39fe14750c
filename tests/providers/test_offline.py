"""The offline providers: deterministic writer, Pillow images, espeak voice, synth, stitching."""

from __future__ import annotations

import dataclasses
import itertools
import textwrap
import wave
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from aytada.captions import caption_groups
from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    Brief,
    CaptionStyle,
    ClipProvider,
    Idea,
    ImageProvider,
    ImageRequest,
    MusicProvider,
    ProviderError,
    Script,
    SegmentRequest,
    Stitcher,
    TextProvider,
    VoiceProvider,
)
from aytada.providers.caption_track import burn_into_segments
from aytada.providers.offline import (
    STAGES,
    STYLES,
    TRIGGERS,
    EspeakVoice,
    FfmpegMotionClips,
    LocalStitcher,
    OfflineWriter,
    PillowImages,
    SynthMusic,
)
from tests.conftest import require_espeak
from tests.jobs.helpers import assert_voice_heard
from tests.providers.briefs import GLOWCO as BRIEF
from tests.providers.briefs import KORA, LEDGERLY

W, H = 320, 568
IDEA = Idea(title="Hydration", angle="The benefit", hook="Hydration that lasts all day.",
            approach="")  # fmt: skip


def _hook_and_script(brief: Brief, length_s: int = 30) -> tuple[str, str]:
    writer = OfflineWriter()
    idea = writer.ideas(brief, count=3, length_s=length_s)[0]
    return idea.hook, writer.script(brief, idea, length_s=length_s).voiceover


# --------------------------------------------------------------------------------------------
# writer


def test_providers_satisfy_the_protocols() -> None:
    assert isinstance(OfflineWriter(), TextProvider)
    assert isinstance(PillowImages(), ImageProvider)
    assert isinstance(FfmpegMotionClips(), ClipProvider)
    assert isinstance(EspeakVoice(), VoiceProvider)
    assert isinstance(SynthMusic(), MusicProvider)
    assert isinstance(LocalStitcher(), Stitcher)
    assert OfflineWriter().name == "offline" and OfflineWriter().model == "offline-writer-2"
    assert EspeakVoice().model in {"espeak-ng", "silence"}


def test_writer_is_deterministic() -> None:
    def everything(writer: OfflineWriter) -> tuple:
        ideas = writer.ideas(BRIEF, count=3, length_s=30)
        script = writer.script(BRIEF, ideas[1], length_s=30)
        return (
            ideas,
            script,
            writer.scenes(BRIEF, script, length_s=30),
            writer.ad_copy(BRIEF, kind="banner"),
            writer.ad_copy(BRIEF, kind="flyer"),
            writer.lyrics(BRIEF, seconds=15),
        )

    assert everything(OfflineWriter()) == everything(OfflineWriter())
    # an equal brief built separately (not the same object) gives the same text
    assert _hook_and_script(dataclasses.replace(BRIEF)) == _hook_and_script(BRIEF)


def _assert_hooks_and_scripts_differ(briefs: dict[str, Brief], *, hooks: bool = True) -> None:
    """No two of these briefs get the same script; with ``hooks``, nor the same hook (styles
    share a stage's best hook, the struggle the brief states: their scripts still differ)."""
    results = {key: _hook_and_script(brief) for key, brief in briefs.items()}
    for a, b in itertools.combinations(results, 2):
        assert not hooks or results[a][0] != results[b][0], f"same hook for {a} and {b}"
        assert results[a][1] != results[b][1], f"same script for {a} and {b}"


@pytest.mark.parametrize("style", ["Direct Response", "Cinematic", "Minimalist"])
def test_briefs_differing_only_in_awareness_stage_differ(style: str) -> None:
    _assert_hooks_and_scripts_differ(
        {s: dataclasses.replace(KORA, awareness_stage=s, creative_style=style) for s in STAGES}
    )


@pytest.mark.parametrize("stage", STAGES)
def test_briefs_differing_only_in_creative_style_differ(stage: str) -> None:
    _assert_hooks_and_scripts_differ(
        {s: dataclasses.replace(KORA, awareness_stage=stage, creative_style=s) for s in STYLES},
        hooks=False,
    )


def test_persuasion_trigger_leads_with_what_the_brief_states_for_it() -> None:
    """In a 15 s ad (one line between hook and call to action) the trigger picks the line:
    the proof for Social Proof, the expert for Authority, the deadline for Scarcity, the
    offer for Reciprocity; a trigger the brief has nothing for changes nothing."""
    brief = dataclasses.replace(
        BRIEF,
        awareness_stage="solution_aware",
        creative_style="Direct Response",
        goals="Free sample with every order; offer ends Friday; 4.9 stars from 800 reviews; "
        "developed with dermatologists",
    )
    middle = {
        trigger: OfflineWriter()
        .script(dataclasses.replace(brief, persuasion_trigger=trigger), IDEA, length_s=15)
        .lines[1]
        .text
        for trigger in TRIGGERS
    }
    assert middle["Social Proof"] == "4.9 stars from 800 reviews."
    assert middle["Authority"] == "Developed with dermatologists."
    assert middle["Scarcity"] == "The offer ends Friday."
    assert middle["Reciprocity"] == "Free sample with every order."
    plain = (
        OfflineWriter()
        .script(dataclasses.replace(brief, persuasion_trigger=""), IDEA, length_s=15)
        .lines[1]
        .text
    )
    assert plain == "Meet GlowCo Hydrating Serum."


def test_sparse_brief_still_writes_everything() -> None:
    brief = Brief(name="Untitled", product_name="Widget")
    writer = OfflineWriter()
    ideas = writer.ideas(brief, count=3, length_s=15)
    script = writer.script(brief, ideas[0], length_s=15)
    scenes = writer.scenes(brief, script, length_s=15)
    assert all(idea.hook and idea.title and idea.approach for idea in ideas)
    assert script.hook and script.call_to_action and "{" not in script.voiceover
    assert all(scene.caption and scene.voiceover for scene in scenes)
    assert writer.ad_copy(brief, kind="banner").headline
    assert writer.lyrics(brief, seconds=10).strip()


@pytest.mark.parametrize("count", [1, 3, 5, 8])
def test_ideas_exact_count_and_distinct(count: int) -> None:
    ideas = OfflineWriter().ideas(BRIEF, count=count, length_s=30)
    assert len(ideas) == count
    assert len({idea.hook for idea in ideas}) == count
    assert len({idea.title for idea in ideas}) == count


def test_reroll_gives_new_ideas() -> None:
    writer = OfflineWriter()
    first = writer.ideas(BRIEF, count=3, length_s=30, variant=0)
    second = writer.ideas(BRIEF, count=3, length_s=30, variant=1)
    assert len(second) == 3
    assert not {i.hook for i in first} & {i.hook for i in second}
    assert writer.ideas(BRIEF, count=3, length_s=30, variant=1) == second


# at 60 s this brief runs out of things to say after six or seven scenes: it says less, never filler
@pytest.mark.parametrize("length_s, allowed", [(15, {3}), (30, {5, 6}), (60, set(range(6, 11)))])
def test_script_and_scenes_fit_the_length(length_s: int, allowed: set[int]) -> None:
    writer = OfflineWriter()
    for stage, style in itertools.product(STAGES, STYLES):
        brief = dataclasses.replace(LEDGERLY, awareness_stage=stage, creative_style=style)
        idea = writer.ideas(brief, count=3, length_s=length_s)[2]
        script = writer.script(brief, idea, length_s=length_s)
        assert sum(line.seconds for line in script.lines) == length_s
        assert len(script.voiceover.split()) <= length_s * 2.5
        assert script.voiceover == " ".join(line.text for line in script.lines)
        scenes = writer.scenes(brief, script, length_s=length_s)
        assert len(scenes) in allowed
        assert sum(scene.duration for scene in scenes) == length_s
        assert all(scene.duration >= 2 for scene in scenes)
        assert [scene.index for scene in scenes] == list(range(len(scenes)))
        for scene in scenes:
            rows = textwrap.wrap(scene.caption, 32)  # two rows of ~32 characters at most
            assert 1 <= len(rows) <= 2, scene.caption
            assert scene.caption.lower() in scene.voiceover.lower(), scene.caption
            assert len(scene.voiceover.split()) <= scene.duration * 2.5
            assert scene.visual


def test_scenes_from_an_edited_script() -> None:
    script = Script(
        hook="Ever wondered why?",
        body="",
        call_to_action="Buy it.",
        voiceover=(
            "Ever wondered why your mornings feel rushed? We did too. So we built a serum "
            "that works while you sleep. Wake up fresh. Buy it today at glowco dot com."
        ),
    )
    for length_s in (15, 30, 60):
        scenes = OfflineWriter().scenes(BRIEF, script, length_s=length_s)
        assert sum(scene.duration for scene in scenes) == length_s
        assert all(scene.duration >= 2 for scene in scenes)
        spoken = " ".join(scene.voiceover for scene in scenes).split()
        assert spoken == script.voiceover.split()


def test_ad_copy_and_lyrics() -> None:
    writer = OfflineWriter()
    banner = writer.ad_copy(BRIEF, kind="banner")
    flyer = writer.ad_copy(BRIEF, kind="flyer")
    assert len(banner.headline.split()) <= 8 and banner.subline and banner.call_to_action
    assert len(flyer.subline) >= len(banner.subline)
    assert banner.call_to_action == "Shop now"  # from the goal "Drive online sales"
    lyrics = writer.lyrics(BRIEF, seconds=30)
    assert len(lyrics.splitlines()) >= 5 and "GlowCo" in lyrics
    assert "Hydration that lasts all day" in lyrics  # its lines are the brief's


# --------------------------------------------------------------------------------------------
# images and media


@pytest.mark.parametrize(
    "size, colors",
    [((W, H), ("#1F3A93", "#F5B041")), ((1200, 628), ("#0B6E4F",)), ((300, 250), ("nope", "red"))],
)
def test_image_exact_size(size: tuple[int, int], colors: tuple[str, ...], tmp_path: Path) -> None:
    request = ImageRequest(
        prompt="hero", width=size[0], height=size[1], title="GlowCo Serum",
        caption="Hydration that lasts all day", colors=colors, seed=4,
    )  # fmt: skip
    out = PillowImages().image(request, tmp_path / "img.png")
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == size


def test_images_vary_with_seed(tmp_path: Path) -> None:
    paths = [
        PillowImages().image(
            ImageRequest(prompt="scene", width=W, height=H, seed=seed), tmp_path / f"{seed}.png"
        )
        for seed in (1, 2)
    ]
    with Image.open(paths[0]) as a, Image.open(paths[1]) as b:
        assert sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) > 3


@pytest.mark.slow
def test_motion_clip_segment(tmp_path: Path) -> None:
    still = PillowImages().image(ImageRequest(prompt="p", width=W, height=H), tmp_path / "s.png")
    request = SegmentRequest(still=still, prompt="p", seconds=2.0, width=W, height=H,
                             caption="Meet GlowCo", seed=1)  # fmt: skip
    out = FfmpegMotionClips().segment(request, tmp_path / "seg.mp4")
    info = ff.probe(out)
    # the intermediate the stitch lays the captions over (and encodes for good)
    assert (info["width"], info["height"], info["video_codec"]) == (W, H, "mpeg4")
    assert info["audio_codec"] is None and abs(info["duration"] - 2.0) < 0.05


@pytest.mark.slow
def test_synth_music_length_and_level(tmp_path: Path) -> None:
    result = SynthMusic().compose("calm skincare jingle", 4.5, tmp_path / "music.wav")
    with wave.open(str(result.path)) as handle:
        assert handle.getnframes() == round(4.5 * ff.AUDIO_RATE)
    assert -35 < ff.mean_volume_db(result.path) < -10


@pytest.mark.slow
def test_espeak_voice_speaks(tmp_path: Path) -> None:
    require_espeak()
    voice = EspeakVoice()
    result = voice.speak("Hydration that lasts all day.", tmp_path / "v.wav", voice="female")
    assert voice.model == "espeak-ng" and result.notice == ""
    assert ff.probe(result.path)["duration"] > 0.8
    assert ff.mean_volume_db(result.path) > -40
    odd = voice.speak("Hello there.", tmp_path / "w.wav", voice="EXAVITQu4vr4xnSDxMaL")
    assert ff.mean_volume_db(odd.path) > -40  # an unknown (e.g. ElevenLabs) voice id falls back


@pytest.mark.slow
def test_voice_without_espeak_fails_clearly_instead_of_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on this PATH
    voice = EspeakVoice()
    with pytest.raises(ProviderError, match="needs espeak-ng"):
        voice.speak("one two three four five", tmp_path / "v.wav")
    assert not list(tmp_path.glob("v*.wav"))


@pytest.mark.slow
def test_offline_pipeline_end_to_end(tmp_path: Path) -> None:
    """15 s ad from the offline providers: voice is audible and the word-timed captions the
    stitch lays over the bare segments are in the video while a line is said."""
    require_espeak()
    writer = OfflineWriter()
    idea = writer.ideas(BRIEF, count=3, length_s=15)[0]
    scenes = writer.scenes(BRIEF, writer.script(BRIEF, idea, length_s=15), length_s=15)
    segments, lines, timeline, at = [], [], [], 0.0
    for scene in scenes:
        still = PillowImages().image(
            ImageRequest(prompt=scene.visual, width=W, height=H, colors=BRIEF.brand_colors,
                         seed=scene.index),
            tmp_path / f"still{scene.index}.png",
        )  # fmt: skip
        request = SegmentRequest(
            still=still,
            prompt=scene.visual,
            seconds=scene.duration,
            width=W,
            height=H,
            caption=scene.caption,
            seed=scene.index,
        )
        segments.append(FfmpegMotionClips().segment(request, tmp_path / f"seg{scene.index}.mp4"))
        spoken = EspeakVoice().speak(scene.voiceover, tmp_path / f"line{scene.index}.wav")
        lines.append(ff.fit_audio(spoken.path, tmp_path / f"fit{scene.index}.wav",
                                  seconds=scene.duration))  # fmt: skip
        said = min(scene.duration, ff.probe(spoken.path)["duration"])
        timeline.append({"start": at, "end": at + said, "text": scene.voiceover})
        at += scene.duration
    voice = ff.concat_audio(lines, tmp_path / "voice.wav")
    music = SynthMusic().compose(idea.title, 15, tmp_path / "music.wav").path
    captioned = burn_into_segments(segments, caption_groups(timeline), tmp_path / "captions",
                                   style=CaptionStyle(), colors=BRIEF.brand_colors)  # fmt: skip
    final = LocalStitcher().stitch(captioned, voice, music, tmp_path / "final.mp4")

    info = ff.probe(final)
    assert (info["video_codec"], info["audio_codec"]) == ("h264", "aac")
    assert (info["width"], info["height"]) == (W, H)
    assert abs(info["duration"] - 15.0) <= 0.1
    assert_voice_heard(final, voice)  # the voice, not only the music at the right level

    # caption pixels: the final frame while the first line is said vs the bare segment
    at = (timeline[0]["start"] + timeline[0]["end"]) / 2
    with_caption = ff.extract_frame(final, at, tmp_path / "final.png")
    without = ff.extract_frame(segments[0], at, tmp_path / "plain.png")
    with Image.open(with_caption) as a, Image.open(without) as b:
        box = (0, int(H * 0.67), W, int(H * 0.92))
        diff = ImageChops.difference(a.convert("RGB").crop(box), b.convert("RGB").crop(box))
        assert sum(ImageStat.Stat(diff).mean) / 3 > 8
