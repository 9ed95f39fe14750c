"""The ffmpeg helpers, against the real static ffmpeg (small sizes keep this quick)."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from aytada.captions import group_line
from aytada.providers import caption_track as ct
from aytada.providers import ffmpeg as ff
from aytada.providers import textfit
from aytada.providers.base import CaptionStyle, ProviderError

pytestmark = pytest.mark.slow

W, H = 320, 568  # 9:16, small


def _lavfi(out: Path, source: str, seconds: float, *extra: str) -> Path:
    """Write a synthetic media file with ffmpeg's lavfi sources (test input only)."""
    cmd = [ff.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
           "-i", source, "-t", str(seconds), *extra, str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def _tone(out: Path, seconds: float, freq: int = 440) -> Path:
    return _lavfi(out, f"sine=frequency={freq}:sample_rate=22050", seconds)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as handle:
        assert handle.getframerate() == ff.AUDIO_RATE
        assert handle.getnchannels() == ff.AUDIO_CHANNELS
        return handle.getnframes() / handle.getframerate()


def _frames(path: Path) -> int:
    frames, _secs = imageio_ffmpeg.count_frames_and_secs(str(path))
    return frames


def _region_diff(a: Path, b: Path, top: float, bottom: float) -> float:
    """Mean absolute pixel difference of two images over a horizontal band."""
    with Image.open(a) as ia, Image.open(b) as ib:
        box = (0, int(ia.height * top), ia.width, int(ia.height * bottom))
        diff = ImageChops.difference(ia.convert("RGB").crop(box), ib.convert("RGB").crop(box))
        return sum(ImageStat.Stat(diff).mean) / 3


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A still with some detail (gradient, shapes) at a different aspect ratio than 9:16."""
    path = tmp_path_factory.mktemp("still") / "still.png"
    image = Image.linear_gradient("L").resize((400, 600)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(0, 400, 40):
        draw.ellipse((i, i, i + 90, i + 90), fill=(200, 80 + i // 4, 40))
    image.save(path)
    return path


@pytest.fixture(scope="module")
def segments(still: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Final segments: rendered bare, then encoded for good by the stitch's caption pass."""
    folder = tmp_path_factory.mktemp("segments")
    lengths = (1.0, 2.0, 1.5)
    bare = [
        ff.render_segment_from_still(
            still, folder / f"bare{i}.mp4", seconds=s, width=W, height=H, seed=i
        )
        for i, s in enumerate(lengths)
    ]
    return [ff.burn_captions(seg, folder / f"seg{i}.mp4") for i, seg in enumerate(bare)]


def test_binary_and_font_are_shipped() -> None:
    assert Path(ff.ffmpeg_exe()).is_file()
    assert ff.FONT_PATH.is_file() and ff.FONT_PATH.suffix == ".ttf"
    licences = [p for p in ff.FONT_PATH.parent.iterdir() if "LICENSE" in p.name.upper()]
    assert licences and "Bitstream" in licences[0].read_text()


def test_segment_has_exact_size_length_and_codec(still: Path, tmp_path: Path) -> None:
    out = ff.render_segment_from_still(
        still, tmp_path / "seg.mp4", seconds=2.0, width=W, height=H, seed=3
    )
    info = ff.probe(out)
    assert info["video_codec"] == "mpeg4"  # the intermediate the stitch encodes for good
    assert info["audio_codec"] is None
    assert (info["width"], info["height"]) == (W, H)
    assert info["fps"] == ff.FPS
    assert abs(info["duration"] - 2.0) < 0.05
    assert _frames(out) == 2 * ff.FPS
    assert not list(tmp_path.glob(".*partial*")), "no temporary file left behind"


def test_segment_moves(still: Path, tmp_path: Path) -> None:
    for seed in range(6):  # every motion kind renders and moves
        out = ff.render_segment_from_still(
            still, tmp_path / f"m{seed}.mp4", seconds=1.0, width=W, height=H, seed=seed
        )
        first = ff.extract_frame(out, 0.0, tmp_path / f"m{seed}a.png")
        last = ff.extract_frame(out, 0.95, tmp_path / f"m{seed}b.png")
        assert _region_diff(first, last, 0.0, 1.0) > 1.0, f"seed {seed} shows no motion"


def test_segments_are_bare_and_the_stitch_lays_the_captions_over_them(
    still: Path, tmp_path: Path
) -> None:
    """The clip step's segment has no caption; burn_captions lays a caption track over it
    (the lower third only), keeps its frames and encodes it as a final segment."""
    bare = ff.render_segment_from_still(
        still, tmp_path / "bare.mp4", seconds=1.0, width=W, height=H, seed=0
    )
    group = group_line("Tired of dry skin by noon?", 0.0, 1.0)
    track = ct.write_track(group, tmp_path, start=0.0, seconds=1.0, width=W, height=H,
                           style=CaptionStyle())  # fmt: skip
    with_caption = ff.burn_captions(bare, tmp_path / "c.mp4", track)
    without = ff.burn_captions(bare, tmp_path / "n.mp4")
    a = ff.extract_frame(with_caption, 0.5, tmp_path / "c.png")
    b = ff.extract_frame(without, 0.5, tmp_path / "n.png")
    assert _region_diff(a, b, 0.67, 0.92) > 8.0, "the lower third should show the caption"
    assert _region_diff(a, b, 0.0, 0.5) < 1.0, "the upper half should be untouched"
    assert _region_diff(ff.extract_frame(bare, 0.5, tmp_path / "b.png"), b, 0.67, 0.92) < 2.0
    for out in (with_caption, without):
        assert ff.probe(out)["video_codec"] == "h264" and _frames(out) == ff.FPS


def test_captions_with_awkward_characters_and_folder(still: Path, tmp_path: Path) -> None:
    odd = tmp_path / "we'ird: [dir], x;y"
    odd.mkdir()
    bare = ff.render_segment_from_still(still, odd / "seg 1.mp4", seconds=0.5, width=W, height=H)
    text = "100% it's: [great], \\ yes; 'quoted' %{pts} déjà vu — a very long caption " * 3
    groups = group_line(text, 0.0, 0.5)
    track = ct.write_track(groups, odd, start=0.0, seconds=0.5, width=W, height=H,
                           style=CaptionStyle())  # fmt: skip
    out = ff.burn_captions(bare, odd / "final 1.mp4", track)
    assert ff.probe(out)["width"] == W


def test_caption_layout_wraps_to_the_safe_width() -> None:
    area = ct.band(1080, 1920, CaptionStyle())
    words = "Hydration that lasts all day".split()
    lines, size = ct.layout_words(words, area)
    assert 1 <= len(lines) <= 2
    assert size >= 50, "readable at 1080 wide"
    font = textfit.load_font(size)
    assert all(font.getlength(" ".join(words[i] for i in line)) <= area.text_width
               for line in lines)  # fmt: skip
    assert area.text_width <= 1080 * 0.8  # clear of the right-hand rail, centred


def test_finalize_segment_pads_and_trims(tmp_path: Path) -> None:
    short = _lavfi(
        tmp_path / "short.mp4", "testsrc2=size=640x360:rate=24", 1.0,
        "-f", "lavfi", "-i", "sine", "-shortest", "-c:v", "libx264", "-c:a", "aac",
    )  # fmt: skip
    long = _lavfi(tmp_path / "long.mp4", "testsrc2=size=200x400:rate=25", 3.0)
    padded = ff.finalize_segment(short, tmp_path / "p.mp4", seconds=2.0, width=W, height=H)
    trimmed = ff.finalize_segment(long, tmp_path / "t.mp4", seconds=1.0, width=W, height=H)
    for out, seconds in ((padded, 2.0), (trimmed, 1.0)):
        info = ff.probe(out)
        assert (info["video_codec"], info["audio_codec"]) == ("mpeg4", None)
        assert (info["width"], info["height"], info["fps"]) == (W, H, ff.FPS)
        assert _frames(out) == round(seconds * ff.FPS)


def test_fit_audio_pads_short_and_speeds_up_long(tmp_path: Path) -> None:
    short = _tone(tmp_path / "short.wav", 1.0)
    slightly_long = _tone(tmp_path / "slightly.wav", 3.5)
    far_too_long = _tone(tmp_path / "long.wav", 7.0)
    for src in (short, slightly_long, far_too_long):
        out = ff.fit_audio(src, tmp_path / f"fit-{src.stem}.wav", seconds=3.0)
        assert _wav_seconds(out) == pytest.approx(3.0, abs=1 / ff.AUDIO_RATE)
    # the padded tail is silent, the sped-up line is not
    assert ff.mean_volume_db(tmp_path / "fit-short.wav") < ff.mean_volume_db(
        tmp_path / "fit-slightly.wav"
    )


def test_concat_audio_joins_parts(tmp_path: Path) -> None:
    parts = [ff.fit_audio(_tone(tmp_path / f"{i}.wav", 0.5), tmp_path / f"f{i}.wav", seconds=s)
             for i, s in enumerate((1.0, 2.0, 1.5))]  # fmt: skip
    joined = ff.concat_audio(parts, tmp_path / "voice.wav")
    assert _wav_seconds(joined) == pytest.approx(4.5, abs=0.002)


def _packet_hashes(path: Path) -> list[str]:
    """(size, md5) of every video packet: equal lists mean the video was copied, not encoded."""
    proc = subprocess.run(
        [ff.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v",
         "-c", "copy", "-f", "framemd5", "-"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    rows = [line.split(",") for line in proc.stdout.splitlines() if not line.startswith("#")]
    return [f"{row[4].strip()}:{row[5].strip()}" for row in rows]


def test_stitch_copies_video_and_adds_aac(segments: list[Path], tmp_path: Path) -> None:
    voice = ff.concat_audio(
        [ff.fit_audio(_tone(tmp_path / "v.wav", 1.2, 330), tmp_path / "vf.wav", seconds=4.5)],
        tmp_path / "voice.wav",
    )
    music = _tone(tmp_path / "m.wav", 10.0, 220)  # longer than the video: cut with a fade
    out = ff.stitch_local(segments, voice, music, tmp_path / "final.mp4")
    info = ff.probe(out)
    assert (info["video_codec"], info["audio_codec"]) == ("h264", "aac")
    assert (info["width"], info["height"]) == (W, H)
    assert abs(info["duration"] - 4.5) <= 0.1
    # stream copy: the very same packets, except that the concat demuxer repeats the parameter
    # sets (SPS/PPS, a few dozen bytes) in front of each segment's first keyframe
    got = _packet_hashes(out)
    start = 0
    for segment in segments:
        packets = _packet_hashes(segment)
        first, *rest = got[start : start + len(packets)]
        assert rest == packets[1:], "video must be stream-copied (-c:v copy)"
        extra = int(first.split(":")[0]) - int(packets[0].split(":")[0])
        assert 0 <= extra <= 128
        start += len(packets)
    assert start == len(got)
    assert ff.mean_volume_db(out) > -40


@pytest.mark.parametrize("with_voice, with_music", [(True, False), (False, True), (False, False)])
def test_stitch_always_has_audio(
    segments: list[Path], tmp_path: Path, with_voice: bool, with_music: bool
) -> None:
    tone = _tone(tmp_path / "t.wav", 2.0)
    out = ff.stitch_local(
        segments, tone if with_voice else None, tone if with_music else None, tmp_path / "o.mp4"
    )
    info = ff.probe(out)
    assert info["audio_codec"] == "aac"
    assert abs(info["duration"] - 4.5) <= 0.1
    volume = ff.mean_volume_db(out)
    assert (volume < -80) if not (with_voice or with_music) else (volume > -50)


def test_failures_are_readable_provider_errors(tmp_path: Path, still: Path) -> None:
    with pytest.raises(ProviderError, match="not found"):
        ff.render_segment_from_still(tmp_path / "missing.png", tmp_path / "x.mp4", seconds=1,
                                     width=W, height=H)  # fmt: skip
    bogus = tmp_path / "bogus.mp4"
    bogus.write_bytes(b"not a video at all")
    with pytest.raises(ProviderError) as error:
        ff.probe(bogus)
    assert "\n" not in str(error.value)
    with pytest.raises(ProviderError) as error:
        ff.finalize_segment(bogus, tmp_path / "y.mp4", seconds=1, width=W, height=H)
    assert "\n" not in str(error.value) and "failed" in str(error.value)
    assert not (tmp_path / "y.mp4").exists()
    with pytest.raises(ProviderError):
        ff.render_segment_from_still(still, tmp_path / "z.mp4", seconds=1, width=321, height=H)


def test_probe_and_volume_of_audio(tmp_path: Path) -> None:
    tone = _tone(tmp_path / "tone.wav", 1.0)
    silent = ff.silence(tmp_path / "silence.wav", seconds=1.0)
    info = ff.probe(tone)
    assert info["video_codec"] is None and info["audio_codec"] == "pcm_s16le"
    assert info["duration"] == pytest.approx(1.0, abs=0.02)
    assert ff.mean_volume_db(tone) > -30
    assert ff.mean_volume_db(silent) < -80


def test_final_segments_of_both_paths_encode_with_sliced_threads(
    still: Path, segments: list[Path], tmp_path: Path
) -> None:
    """Both paths (a still's camera move, a provider's clip) leave the same intermediate, and
    the stitch's caption pass encodes every final segment the same way: x264 sharing each
    frame between the cores (one frame in flight: ~45 MB less per ffmpeg at 1080×1920,
    bench/render_memory.py), no B-frames, so the stitch can copy them all."""
    raw = _lavfi(tmp_path / "raw.mp4", f"testsrc2=size={W}x{H}:rate=24", 1.0)
    clip = ff.finalize_segment(raw, tmp_path / "fin.mp4", seconds=1.0, width=W, height=H)
    moved = ff.render_segment_from_still(still, tmp_path / "m.mp4", seconds=1.0, width=W,
                                         height=H)  # fmt: skip
    assert {ff.probe(p)["video_codec"] for p in (clip, moved)} == {"mpeg4"}
    for path in (segments[0], ff.burn_captions(clip, tmp_path / "clip-final.mp4")):
        options = path.read_bytes().split(b"options: ", 1)[1].split(b"\x00", 1)[0]
        assert b"sliced_threads=1" in options and b"bframes=0" in options, path.name
