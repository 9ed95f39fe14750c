"""A project's voice, speed, music and caption choices reach the final MP4, and its .srt is
timed to the voice (real workers, offline providers, espeak-ng)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from aytada.captions import caption_groups
from aytada.core import media, project_options, projects, subtitles
from aytada.jobs import voices
from aytada.jobs.runner import start_step
from aytada.providers import ffmpeg
from aytada.providers.offline.voice import EspeakVoice
from tests.conftest import IN_CI, wait_for
from tests.factories import make_project
from tests.jobs.helpers import gens, status
from tests.jobs.test_creative_pipeline import _campaign_with_photo

# full size: it reads the caption pixels and the sound of the final MP4
pytestmark = [pytest.mark.slow, pytest.mark.media]
VOICE = "en-gb-x-rp+f4"
SPEED = 1.2


def _run(ws: int, pid: int, step: str, until: str) -> None:
    start_step(ws, pid, step)
    wait_for(lambda: status(ws, pid) in (until, "failed"), timeout=240, what=until)
    project = projects.get_project(ws, pid)
    assert project.status == until, project.error


def _final(ws: int, pid: int) -> Path:
    project = projects.get_project(ws, pid)
    assert project.status == "completed", project.error
    return media.resolve(projects.get_asset(ws, project.output_asset_id).path)


def _timeline(ws: int, pid: int) -> list[dict]:
    project = projects.get_project(ws, pid)
    return projects.get_asset(ws, project.output_asset_id).meta["timeline"]


def _volume(video: Path, start: float, end: float, tmp: Path) -> float:
    part = tmp / f"{video.parent.name}-{start:.2f}.wav"
    ffmpeg.run_ffmpeg(["-ss", f"{start:.3f}", "-t", f"{end - start:.3f}", "-i", str(video),
                       "-vn", *ffmpeg.WAV_ARGS, str(part)], what="cutting")  # fmt: skip
    return ffmpeg.mean_volume_db(part)


def _gaps(timeline: list[dict], length: float = 15.0) -> list[tuple[float, float]]:
    """Where nobody speaks (at least 0.3 s, 0.05 s clear of each line); there is one."""
    edges = [(0.0, 0.0), *((line["start"], line["end"]) for line in timeline), (length, length)]
    gaps = [(a[1] + 0.05, b[0] - 0.05) for a, b in zip(edges, edges[1:], strict=False)
            if b[0] - a[1] > 0.4]  # fmt: skip
    assert gaps, timeline
    return gaps


def _speech_onsets(video: Path) -> list[float]:
    """Where sound starts after silence (silencedetect's silence_end)."""
    text = ffmpeg.run_ffmpeg(["-loglevel", "info", "-i", str(video), "-vn", "-af",
                              "silencedetect=noise=-45dB:d=0.08", "-f", "null", "-"],
                             what="silencedetect")  # fmt: skip
    return [float(v) for v in re.findall(r"silence_end: ([\d.]+)", text)]


def _srt_times(text: str) -> list[tuple[float, float]]:
    def sec(h: str, m: str, s: str, ms: str) -> float:
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    stamp = r"(\d\d):(\d\d):(\d\d),(\d\d\d)"
    return [(sec(*m[:4]), sec(*m[4:])) for m in re.findall(rf"{stamp} --> {stamp}", text)]


def test_voice_speed_music_and_captions_reach_the_final_mp4(workspace_id, start_worker,
                                                            tmp_path) -> None:  # fmt: skip
    if shutil.which("espeak-ng") is None:
        if IN_CI:
            pytest.fail("espeak-ng is required in CI")
        pytest.skip("espeak-ng is not installed")
    ws = workspace_id
    start_worker()
    start_worker()
    cid = _campaign_with_photo(ws)  # the stills show the product, the captions the words
    plain = make_project(ws, cid, length_s=15, fmt="9:16", quality="standard")
    _run(ws, plain, "ideas", "ideas_ready")
    projects.choose_idea(ws, plain, 0)
    _run(ws, plain, "script", "script_ready")
    _run(ws, plain, "scenes", "scenes_ready")
    source = projects.get_project(ws, plain)
    # the same scenes, with the user's choices (through the functions the Studio calls)
    chosen = make_project(ws, cid, length_s=15, fmt="9:16", quality="standard",
                          status="scenes_ready", ideas=source.ideas, chosen_idea=0,
                          script=source.script, scenes=source.scenes)  # fmt: skip
    assert VOICE in voices.available_voices().ids
    voices.save_voice_choice(ws, chosen, {"voice": VOICE, "speed": SPEED, "music": False})
    project_options.save_caption_style(ws, chosen, {"position": "top", "color": "yellow",
                                                    "style": "outline"})  # fmt: skip
    start_step(ws, plain, "clip")
    start_step(ws, chosen, "clip")
    wait_for(lambda: {status(ws, plain), status(ws, chosen)} <= {"completed", "failed"},
             timeout=400, what="both renders")  # fmt: skip
    plain_mp4, chosen_mp4 = _final(ws, plain), _final(ws, chosen)

    # the choices are in the snapshots the steps ran from
    vo = next(g for g in gens(chosen) if g.step == "voiceover")
    assert (vo.input_snapshot["voice"], vo.input_snapshot["speed"]) == (VOICE, SPEED)
    assert vo.input_snapshot["music"] is False
    stitch = next(g for g in gens(chosen) if g.step == "stitch")
    assert stitch.input_snapshot["music"] is None
    plain_vo = next(g for g in gens(plain) if g.step == "voiceover")
    assert (plain_vo.input_snapshot["voice"], plain_vo.input_snapshot["speed"]) == ("", 1.0)

    # the chosen voice at the chosen speed: each line lasts what that voice takes to say it
    espeak = EspeakVoice()
    timeline, plain_timeline = _timeline(ws, chosen), _timeline(ws, plain)
    for i, (line, scene) in enumerate(zip(timeline, source.scenes, strict=True)):
        assert line["text"] == scene["voiceover"]
        said = espeak.speak(scene["voiceover"], tmp_path / f"l{i}.wav", voice=VOICE,
                            speed=SPEED).path  # fmt: skip
        length = ffmpeg.probe(said)["duration"]
        if length <= scene["duration"]:  # (a longer one would be sped up to fit)
            assert line["end"] - line["start"] == pytest.approx(length, abs=0.02)
        default = espeak.speak(scene["voiceover"], tmp_path / f"d{i}.wav").path
        assert abs(ffmpeg.probe(default)["duration"] - length) > 0.1  # another voice/speed
        # faster than espeak-ng's default voice at 1× (the plain project speaks with Piper,
        # the default offline voice, whose pace is another engine's)
        assert line["end"] - line["start"] < ffmpeg.probe(default)["duration"]
        assert plain_timeline[i]["end"] > plain_timeline[i]["start"]

    # music off: between the spoken lines the final MP4 is near silence; with music it is not
    for start, end in _gaps(timeline):
        assert _volume(chosen_mp4, start, end, tmp_path) < -60
    for start, end in _gaps(plain_timeline):
        assert _volume(plain_mp4, start, end, tmp_path) > -45
    # and the voice is there
    assert ffmpeg.mean_volume_db(chosen_mp4) > -50

    # the .srt: cue times are the voice timeline; the speech in the MP4 starts there
    srt = subtitles.to_srt(subtitles.video_subtitles(ws, chosen) or [])
    times = _srt_times(srt)
    starts = {round(s, 3) for s, _ in times}
    ends = {round(e, 3) for _, e in times}
    for line in timeline:
        assert round(line["start"], 3) in starts and round(line["end"], 3) in ends
    assert len(times) >= len(timeline)
    onsets = [0.0, *_speech_onsets(chosen_mp4)]
    for line in timeline:
        assert min(abs(o - line["start"]) for o in onsets) < 0.2, (line, onsets)

    # captions: yellow outline at the top in the chosen ad; white on a box at the bottom before
    # (each in scene 1, while the last word of a group of several is said: the captions follow
    # the voice, and the words not being said keep the caption's colour). What the captions
    # changed is read against the scene's own clip, which has none.
    def said(line: list[dict]) -> float:
        group = next(g for g in caption_groups(line[:1]) if len(g.words) > 1)
        _, start, until = group.spoken()[-1]
        return min((start + until) / 2, source.scenes[0]["duration"] - 0.1)

    def caption(pid: int, video: Path, at: float) -> tuple[Image.Image, tuple[int, ...]]:
        clip = next(media.resolve(a.path) for a in projects.assets_of(ws, pid)
                    if a.role == "segment" and a.meta["scene"] == 0)  # fmt: skip
        shown = Image.open(ffmpeg.extract_frame(video, at, tmp_path / f"{pid}.png"))
        bare = Image.open(ffmpeg.extract_frame(clip, at, tmp_path / f"{pid}-clip.png"))
        shown, bare = shown.convert("RGB"), bare.convert("RGB")
        changed = ImageChops.difference(shown, bare).convert("L").point(lambda v: 255 * (v > 40))
        box = changed.getbbox()
        assert box is not None, f"no caption in project {pid} at {at:.2f} s"
        return shown.crop(box), box

    def share(img, test):  # type: ignore[no-untyped-def]
        px = [img.getpixel((x, y)) for x in range(0, img.width, 2) for y in range(img.height)]
        return sum(1 for p in px if test(p)) / len(px)

    def yellow(p):  # type: ignore[no-untyped-def]
        return p[0] > 200 and p[1] > 170 and p[2] < 90

    def white(p):  # type: ignore[no-untyped-def]
        return min(p) > 230

    frame, box = caption(chosen, chosen_mp4, said(timeline))
    h = ffmpeg.probe(chosen_mp4)["height"]
    assert 0.14 * h <= box[1] and box[3] <= 0.40 * h, box  # at the top, in the safe zone
    assert share(frame, yellow) > 0.05 and share(frame, white) < 0.01
    other, box = caption(plain, plain_mp4, said(plain_timeline))
    assert 0.70 * h <= box[1] and box[3] <= 0.86 * h, box  # at the bottom
    assert share(other, white) > 0.05  # (the spoken word on the campaign's yellow accent)
