"""Plain functions around the static ffmpeg shipped in the ``imageio-ffmpeg`` wheel.

A scene's segment is rendered bare (no caption) by the clip step; the stitch lays the
word-timed captions over each segment (:func:`burn_captions`) in its one final encode with
:data:`VIDEO_ENCODE_ARGS`, so that the segments join with ``-c:v copy`` and only the audio is
encoded after. Intermediate audio is always :data:`AUDIO_RATE` Hz mono 16-bit WAV. Files are
streamed by ffmpeg; Python never holds media in memory. Every failure becomes a
:class:`ProviderError` with a one-line message.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import ImageFont

from aytada import standards
from aytada.providers import textfit
from aytada.providers.base import ProviderError
from aytada.providers.layer_plan import PAN_RANGE, PAN_ZOOM, PUSH_IN_ZOOM
from aytada.providers.motion import Entrance, Transition

if TYPE_CHECKING:
    from aytada.providers.caption_track import Track

FONT_PATH: Path = textfit.FONT_PATH
"""The shipped font (DejaVu Sans Bold, licence beside it): captions and stills draw with it."""

FPS = 30
AUDIO_RATE = 48_000
AUDIO_CHANNELS = 1  # mono everywhere: intermediate WAVs and the final AAC track

VIDEO_ENCODE_ARGS: tuple[str, ...] = (
    "-c:v", "libx264",
    "-preset", "superfast",
    "-crf", "23",
    "-profile:v", "high",
    "-pix_fmt", "yuv420p",
    "-r", str(FPS),
    "-g", str(FPS * 2),
    "-keyint_min", str(FPS * 2),
    "-sc_threshold", "0",
    "-bf", "0",
    "-x264-params", "sliced-threads=1",
    "-video_track_timescale", str(FPS * 512),
)  # fmt: skip
"""x264 settings shared by EVERY segment, so the stitch can concatenate with ``-c:v copy``.

No B-frames: each segment then starts at DTS 0 with no edit list, which keeps concatenation
exact, and it is measurably faster and lighter at 1080×1920 for a ~9 % larger file.

Sliced threads: the cores share each frame (slices) instead of each encoding a frame of its
own, so x264 holds one frame in flight, not three: a 5 s 1080×1920 segment peaks at ~140 MB
instead of ~188 MB, in the same time, for a ~0.4 % larger file (bench/render_memory.py).
"""

SEGMENT_ENCODE_ARGS: tuple[str, ...] = (
    "-c:v", "mpeg4",
    "-q:v", "2",
    "-pix_fmt", "yuv420p",
    "-r", str(FPS),
    "-threads", "2",
    "-video_track_timescale", str(FPS * 512),
)  # fmt: skip
"""Encoder settings of a scene's bare segment (the clip step): an intermediate, which the stitch
decodes once to lay the captions over it and encodes for good with :data:`VIDEO_ENCODE_ARGS`.

MPEG-4 Part 2 at quantiser 2: half the CPU of x264 superfast (5 s of a 1080×1920 camera move
here: ~1.0 s against ~2.1 s on top of the move itself), cheaper to decode, about as small, and
close to transparent — after the final x264 encode, SSIM against a lossless master is
0.997–0.998, 0.0008 under x264 alone (bench/README.md). Browsers do not play it; nobody watches
a segment on its own."""

FINAL_AUDIO_ARGS: tuple[str, ...] = (
    "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "1",
)  # fmt: skip
"""The one encoded audio stream: mono (voice and music are mono) with the fast AAC coder, which
is 2-4× quicker than the default coder on 2 cores."""

WAV_ARGS: tuple[str, ...] = (
    "-c:a", "pcm_s16le", "-ar", str(AUDIO_RATE), "-ac", str(AUDIO_CHANNELS),
)  # fmt: skip

MAX_ATEMPO = standards.MAX_SPEEDUP  # the most a voiceover line is sped up
DEFAULT_TIMEOUT_S = 900.0

# --------------------------------------------------------------------------------------------
# running ffmpeg


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (the static build of ``imageio-ffmpeg``)."""
    return _ffmpeg_exe_cached()


@lru_cache(maxsize=1)
def _ffmpeg_exe_cached() -> str:
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise ProviderError("imageio-ffmpeg is not installed: cannot run ffmpeg") from exc
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise ProviderError(f"ffmpeg is not available: {exc}") from exc


def last_line(text: str) -> str:
    """The last non-empty line of a tool's output: the readable part of an ffmpeg error."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def run_ffmpeg(args: Sequence[str], *, what: str, timeout: float = DEFAULT_TIMEOUT_S) -> str:
    """Run ffmpeg with ``args`` (quiet, overwrite, no stdin) and return its stderr.

    Raises ProviderError "<what> failed: <last stderr line>" on a non-zero exit or timeout.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, errors="replace", timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise ProviderError(f"{what}: ffmpeg timed out after {timeout:.0f} s") from exc
    except OSError as exc:
        raise ProviderError(f"{what}: could not start ffmpeg ({exc})") from exc
    if proc.returncode != 0:
        raise ProviderError(f"{what} failed: {last_line(proc.stderr)}")
    return proc.stderr


def _info(path: Path) -> str:
    """The stderr of ``ffmpeg -i path`` (ffmpeg exits 1 because there is no output)."""
    if not Path(path).is_file():
        raise ProviderError(f"media file not found: {Path(path).name}")
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=60)
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise ProviderError(f"could not read {Path(path).name}: {exc}") from exc
    return proc.stderr


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out`` (same suffix); move it over ``out`` on success.

    A crashed or failed render never leaves a half-written file at the final path.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.partial{out.suffix}")
    try:
        yield tmp
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise ProviderError(f"ffmpeg produced no output for {out.name}")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _filter_value(value: str | Path) -> str:
    """Escape a value (e.g. a file path) for use as a filter option inside a filtergraph."""
    text = str(value)
    # level 1: option value inside the filter's argument string
    for ch in ("\\", "'", ":"):
        text = text.replace(ch, "\\" + ch)
    # level 2: the filtergraph description
    for ch in ("\\", "'", "[", "]", ",", ";"):
        text = text.replace(ch, "\\" + ch)
    return text


def _frames(seconds: float) -> int:
    frames = round(float(seconds) * FPS)
    if frames < 1:
        raise ProviderError(f"a segment must last at least one frame (got {seconds} s)")
    return frames


def _check_size(width: int, height: int) -> None:
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise ProviderError(f"video size must be even and at least 16 px (got {width}×{height})")


# --------------------------------------------------------------------------------------------
# text


def balanced_wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Word wrap measured with ``font`` (:func:`aytada.providers.textfit.wrap_words`, the one
    wrapping helper), with lines of similar length (no lone last word); a word wider than the
    line is split."""
    return textfit.wrap_words(text, font, max_width, balanced=True, break_long_words=True)


# --------------------------------------------------------------------------------------------
# video segments


def _motion(seed: int, frames: int) -> tuple[str, str, str]:
    """zoompan (z, x, y) expressions for a gentle move chosen by ``seed``."""
    last = max(1, frames - 1)
    p = f"(on/{last})"  # progress 0 → 1
    ease = f"(0.5-0.5*cos(PI*{p}))"  # smooth start and stop
    center_x = "iw/2-iw/zoom/2"
    center_y = "ih/2-ih/zoom/2"
    kind = seed % 6
    if kind == 0:  # zoom in
        return f"1+0.12*{ease}", center_x, center_y
    if kind == 1:  # zoom out
        return f"1.12-0.12*{ease}", center_x, center_y
    if kind == 2:  # pan left → right
        return "1.12", f"(iw-iw/zoom)*{ease}", center_y
    if kind == 3:  # pan right → left
        return "1.12", f"(iw-iw/zoom)*(1-{ease})", center_y
    if kind == 4:  # tilt down, slight zoom
        return f"1.1+0.04*{ease}", center_x, f"(ih-ih/zoom)*(0.2+0.6*{ease})"
    return f"1.1+0.04*{ease}", center_x, f"(ih-ih/zoom)*(0.8-0.6*{ease})"  # tilt up


def _upscaled(width: int, height: int) -> tuple[int, int]:
    """Canvas zoompan crops from: twice the output size, so its integer crop positions and
    sizes move in half-pixel steps of the output (1.5× measured no cheaper at 1080×1920: the
    uneven resampling adds detail that costs x264 as much as it saves, and 40 % more bytes)."""
    return width * 2, height * 2


MOTIONS: tuple[str, ...] = ("", "push_in", "pan", "slide_in")
"""Camera moves :func:`render_segment_from_still` knows ("" = chosen by the seed)."""
# push_in: 1.0 → PUSH_IN_ZOOM over the scene; pan: 1.0 → PAN_ZOOM while the window drifts
# across PAN_RANGE of the spare width (aytada.providers.layer_plan, where the stills are laid
# out for these moves: layer_plan.camera_path)
_SLIDE_ZOOM = 1.1  # slide_in: the padded canvas is 10 % larger than the still
SLIDE_SECONDS = 0.5


def _even(value: float) -> int:
    return int(round(value / 2)) * 2


def _camera(
    motion: str, seed: int, frames: int, focus: tuple[float, float], hold: int = 0
) -> tuple[str, str, str]:
    """zoompan (z, x, y) for a named move; ``focus`` = (x, y) fractions the push-in heads for;
    the camera holds still for the first ``hold`` frames (while the layers enter)."""
    hold = max(0, min(hold, frames - 2))
    last = max(1, frames - 1 - hold)
    ease = (
        f"(0.5-0.5*cos(PI*(max(0,on-{hold})/{last})))"
        if hold
        else (f"(0.5-0.5*cos(PI*(on/{last})))")
    )
    fx = min(1.0, max(0.0, float(focus[0])))
    fy = min(1.0, max(0.0, float(focus[1])))
    # the window keeps the focus point where it is on screen: left = fx * (spare width), so
    # the product grows in place and everything else moves away from it a little
    at_y = f"{fy:.4f}*(ih-ih/zoom)"
    if motion == "push_in":
        return f"1+{PUSH_IN_ZOOM - 1:.4f}*{ease}", f"{fx:.4f}*(iw-iw/zoom)", at_y
    # pan: across the middle of the spare width, direction by seed, at the focus height,
    # pushing in from 1.0 as it goes (so it starts on the still as drawn: no jump when the
    # camera takes over from the entering layers)
    lo, hi = PAN_RANGE
    travel = ease if seed % 2 == 0 else f"(1-{ease})"
    zoom = f"1+{PAN_ZOOM - 1:.4f}*{ease}"
    return zoom, f"(iw-iw/zoom)*({lo}+{hi - lo:.2f}*{travel})", at_y


@dataclass(frozen=True)
class MovingLayer:
    """A layer of the still that enters over it: its RGBA ``sprite``, placed at ``box`` (px of
    the still, the same size as the segment), entering as ``entrance`` says."""

    sprite: Path
    box: tuple[int, int, int, int]
    entrance: Entrance


def _p(e: Entrance) -> str:
    """The entrance's progress 0 → 1 at the frame's time ``t``, as an ffmpeg expression."""
    return f"clip((t-{e.start:.3f})/{max(e.seconds, 0.01):.3f},0,1)"


def _sprite_chain(label: str, layer: MovingLayer, stop: int, out: str) -> str:
    """The filters that turn a sprite input into its frames: held, cut at frame ``stop`` (when
    the still itself takes over), faded in and, for a pop, scaled each frame."""
    e = layer.entrance
    fade = e.seconds * (0.3 if e.kind == "pop" else 0.8)  # a pop is seen as it grows
    chain = [f"{label}format=rgba", "loop=loop=-1:size=1", f"setpts=N/{FPS}/TB",
             f"trim=end_frame={stop}",
             f"fade=t=in:st={e.start:.3f}:d={max(fade, 0.01):.3f}:alpha=1"]  # fmt: skip
    if e.kind == "pop":  # from 40 % of its size past its size, settling at it (ease-out-back)
        q = f"({_p(e)}-1)"
        s = f"(0.4+0.6*(1+2.70158*pow({q},3)+1.70158*pow({q},2)))"
        chain.append(f"scale=w='max(1,round(iw*{s}))':h='max(1,round(ih*{s}))':eval=frame")
    return ",".join(chain) + out


def _sprite_place(layer: MovingLayer, width: int, height: int) -> tuple[str, str]:
    """overlay (x, y) expressions: where the sprite is at time ``t``."""
    e = layer.entrance
    x0, y0, x1, y1 = layer.box
    rest = f"pow(1-{_p(e)},3)"  # 1 → 0, fast then slow (ease-out-cubic)
    if e.kind == "pop":
        return f"{(x0 + x1) / 2:.1f}-w/2", f"{(y0 + y1) / 2:.1f}-h/2"
    if e.kind == "rise":
        return str(x0), f"{y0}+{round(e.distance * height)}*{rest}"
    if e.kind == "slide":
        return f"{x0}-{round(e.distance * width)}*{rest}", str(y0)
    return str(x0), str(y0)


def render_segment_from_still(
    still: Path,
    out: Path,
    *,
    seconds: float,
    width: int,
    height: int,
    seed: int = 0,
    motion: str = "",
    focus: tuple[float, float] = (0.5, 0.45),
    fill: str = "black",
    base: Path | None = None,
    layers: Sequence[MovingLayer] = (),
) -> Path:
    """Render ``still`` as a moving segment: a camera ``motion`` over it (no caption: the
    stitch lays the captions over it, :func:`burn_captions`).

    ``motion`` is one of :data:`MOTIONS`: "push_in" (a slow 8 % zoom towards ``focus``, the
    product's centre as fractions of the frame), "pan" (a gentle pan across, for a detail),
    "slide_in" (the still slides up into place and fades in from ``fill``, an ffmpeg colour,
    during the first 0.5 s, then holds); "" picks a zoom, pan or tilt by ``seed``.

    The still is decoded once, cover-cropped to the target aspect ratio at twice the output size
    (so zoompan's integer crop positions do not visibly jitter), and zoompan emits exactly
    ``round(seconds * FPS)`` frames, encoded as the intermediate :data:`SEGMENT_ENCODE_ARGS`,
    no audio.

    ``layers`` (with ``base``, the still without them; a still the size of the segment) enter
    one after the other while the camera holds (:class:`MovingLayer`); once the last is in, the
    still itself takes over, pixel for pixel, and the camera moves. A slide-in slides ``base``
    in and the layers enter over it.
    """
    _check_size(width, height)
    frames = _frames(seconds)
    if not Path(still).is_file():
        raise ProviderError(f"scene image not found: {Path(still).name}")
    if motion not in MOTIONS:
        raise ProviderError(f"unknown camera motion {motion!r} (use {', '.join(MOTIONS[1:])})")
    if layers and (base is None or not motion):
        raise ProviderError("moving layers need the still's base picture and a named motion")
    # the frame at which every layer has entered (the still takes over from there)
    built = min(frames, max((round(m.entrance.end * FPS) + 1 for m in layers), default=0))
    source = base if layers and motion == "slide_in" else still
    up_w, up_h = _upscaled(width, height)
    chain = [
        f"scale={up_w}:{up_h}:force_original_aspect_ratio=increase:flags=bicubic",
        f"crop={up_w}:{up_h}",
    ]
    after: list[str] = []
    if motion == "slide_in":
        # a canvas 10 % larger, padded above and on both sides: zoompan at 1.1× crops exactly
        # the still, starting on the top band and sliding down to it (the picture moves up)
        pad_w, pad_h = _even(up_w * _SLIDE_ZOOM), _even(up_h * _SLIDE_ZOOM)
        dx, dy = (pad_w - up_w) // 2, pad_h - up_h
        color = _filter_value(fill)
        chain.append(f"pad={pad_w}:{pad_h}:{dx}:{dy}:color={color}")
        settle = max(1, round(SLIDE_SECONDS * FPS))
        ease = f"(1-pow(1-min(1,on/{settle}),3))"
        z, x, y = f"{pad_w / up_w:.6f}", str(dx), f"{dy}*{ease}"
        fade = min(SLIDE_SECONDS * 0.8, frames / FPS)
        after.append(f"fade=t=in:st=0:d={fade:.3f}:color={color}")
    elif motion:
        z, x, y = _camera(motion, int(seed), frames, focus, hold=built)
    else:
        z, x, y = _motion(int(seed), frames)
    chain += [
        "format=yuv420p",
        f"zoompan=z='{z}':x='{x}':y='{y}':d={frames}:s={width}x{height}:fps={FPS}",
        "setsar=1",
        *after,
    ]
    if not layers:
        return _encode_segment(still, out, chain, frames, what="rendering the scene segment")
    assert base is not None
    # the camera's picture, then: the still without its layers while they enter (held: the
    # camera does not move yet) or, after a slide-in, the still once they are in; the layers
    # over it, each from its entrance until the still takes over
    graph = [f"[0:v]{','.join(chain)}[cam]"]
    held = f"format=yuv420p,loop=loop=-1:size=1,setpts=N/{FPS}/TB,setsar=1"
    slide = source == base
    cover = still if slide else base
    if slide:  # the camera (the base sliding in) only until the layers are in
        graph.append(f"[cam]trim=end_frame={built}[head]")
        last = "[head]"
    else:  # the still without its layers over the camera, until they are in
        graph.append(f"[1:v]{held},trim=end_frame={built}[cover]")
        graph.append("[cam][cover]overlay=eof_action=pass[v0]")
        last = "[v0]"
    for k, layer in enumerate(layers):
        graph.append(_sprite_chain(f"[{k + 2}:v]", layer, built, f"[s{k}]"))
        x, y = _sprite_place(layer, width, height)
        graph.append(f"{last}[s{k}]overlay=x='{x}':y='{y}':eof_action=pass[l{k}]")
        last = f"[l{k}]"
    if slide and built < frames:  # then the still itself, held (no camera work left to do)
        graph.append(f"[1:v]{held},trim=end_frame={frames - built}[tail]")
        graph.append(f"{last}[tail]concat=n=2:v=1:a=0,format=yuv420p[v]")
    else:
        graph.append(f"{last}format=yuv420p[v]")
    inputs = ["-i", str(source), "-framerate", str(FPS), "-i", str(cover)]
    for layer in layers:
        inputs += ["-framerate", str(FPS), "-i", str(layer.sprite)]
    with atomic_output(out) as part:
        run_ffmpeg(
            [*inputs, "-filter_complex", ";".join(graph), "-map", "[v]",
             "-frames:v", str(frames), "-an", *SEGMENT_ENCODE_ARGS, "-movflags", "+faststart",
             str(part)],
            what="rendering the scene segment",
        )  # fmt: skip
    return Path(out)


def finalize_segment(
    raw_clip: Path,
    out: Path,
    *,
    seconds: float,
    width: int,
    height: int,
) -> Path:
    """Turn a provider's clip into a scene's segment: cover-scale/crop to ``width``×``height``,
    trim or pad (repeating the last frame) to exactly ``seconds``, drop audio (no caption: the
    stitch lays the captions over it, :func:`burn_captions`)."""
    _check_size(width, height)
    frames = _frames(seconds)
    if not Path(raw_clip).is_file():
        raise ProviderError(f"video clip not found: {Path(raw_clip).name}")
    chain = [
        "setpts=PTS-STARTPTS",
        f"fps={FPS}",
        f"scale={width}:{height}:force_original_aspect_ratio=increase:flags=bicubic",
        f"crop={width}:{height}",
        "setsar=1",
        f"tpad=stop_mode=clone:stop_duration={float(seconds):.3f}",
    ]
    return _encode_segment(raw_clip, out, chain, frames, what="finishing the video clip")


def _encode_segment(source: Path, out: Path, chain: list[str], frames: int, *, what: str) -> Path:
    """Encode ``source`` through the video filters ``chain`` into exactly ``frames`` frames of
    the intermediate :data:`SEGMENT_ENCODE_ARGS` at ``out``, no audio."""
    with atomic_output(out) as part:
        run_ffmpeg(
            [
                "-i", str(source),
                "-filter:v", ",".join([*chain, "format=yuv420p"]),
                "-frames:v", str(frames),
                "-an", *SEGMENT_ENCODE_ARGS,
                "-movflags", "+faststart",
                str(part),
            ],
            what=what,
        )  # fmt: skip
    return Path(out)


def burn_captions(
    segment: Path,
    out: Path,
    track: Track | None = None,
    *,
    enter_from: Path | None = None,
    transition: Transition | None = None,
) -> Path:
    """A segment as it goes into the final video: the caption ``track`` (its drawings, from
    :func:`aytada.providers.caption_track.write_track`) laid over it, encoded with
    :data:`VIDEO_ENCODE_ARGS` — also without a track, so that every final segment is encoded
    the same way and they join with ``-c:v copy``. Same frames, no audio.

    ``transition`` (with ``enter_from``, the previous scene's last frame): over the segment's
    first ``transition.seconds`` that frame dissolves, slides away or dips to black, uncovering
    this scene (:func:`_transition_graph`), so the cut is not hard while the segment keeps its
    length (the voice's timing holds).

    The drawings come as one sparse RGBA stream (each decoded once, held until the next), laid
    over the frame in YUV: converted once per drawing, never the whole frame to RGB."""
    seconds = probe(segment).get("duration") or 0.0
    frames = round(seconds * FPS)
    if frames < 1:
        raise ProviderError(f"{Path(segment).name} has no video")
    # one decoder thread: as fast here (the encode is the work), ~15 MB less at 1080×1920
    args = ["-threads", "1", "-i", str(segment)]
    graph: list[str] = []
    video = "[0:v]"
    fading = transition is not None and transition.kind and enter_from is not None
    if fading:
        assert transition is not None and enter_from is not None
        if Path(enter_from).suffix != ".y4m":  # a picture: shown at the video's frame rate
            args += ["-framerate", str(FPS)]
        args += ["-i", str(enter_from)]
        graph.append(_transition_graph(transition, seconds, _probe_size(segment)))
        video = "[x]"
    if track is not None:
        args += ["-f", "concat", "-safe", "0", "-i", str(track.listing)]
        graph.append(
            f"[{2 if fading else 1}:v]format=yuva420p[c];{video}[c]overlay=x={track.x}:y={track.y}"
            ":eof_action=repeat:format=yuv420,format=yuv420p[v]"
        )
    else:
        graph.append(f"{video}format=yuv420p[v]")
    args += ["-filter_complex", ";".join(graph), "-map", "[v]"]
    with atomic_output(out) as part:
        run_ffmpeg(
            [*args, "-frames:v", str(frames), "-an", *VIDEO_ENCODE_ARGS,
             "-movflags", "+faststart", str(part)],
            what="laying the captions over the video",
        )  # fmt: skip
    return Path(out)


def _transition_graph(change: Transition, seconds: float, size: str) -> str:
    """The filters that lay the previous scene's last frame (input 1) over the first frames of
    this one (input 0) and take it away as ``change`` says, into ``[x]``: an overlay of a few
    frames (cheaper than ``xfade``, which copies every frame of the segment after it)."""
    held = max(2, round(min(float(change.seconds), seconds / 2) * FPS))
    d = held / FPS
    ease = f"(0.5-0.5*cos(PI*min(1,t/{d:.4f})))"  # 0 → 1, slow at both ends
    frame = (f"[1:v]loop=loop=-1:size=1,setpts=N/{FPS}/TB,"
             f"trim=end_frame={held},scale={size},setsar=1,format=yuva420p")  # fmt: skip
    x = "0"
    if change.kind == "dissolve":
        frame += f",fade=t=out:st=0:d={d:.4f}:alpha=1"
    elif change.kind == "dip_to_black":  # to black, then the scene comes out of it
        half = d / 2
        frame += (f",fade=t=out:st=0:d={half:.4f}:color=black"
                  f",fade=t=out:st={half:.4f}:d={half:.4f}:alpha=1")  # fmt: skip
    elif change.kind == "slide_left":
        x = f"-W*{ease}"
    elif change.kind == "slide_fade":
        x = f"-0.3*W*{ease}"
        frame += f",fade=t=out:st=0:d={d:.4f}:alpha=1"
    y = f"-H*{ease}" if change.kind == "slide_up" else "0"
    return (
        f"{frame}[from];[0:v]format=yuv420p[into];"
        f"[into][from]overlay=x='{x}':y='{y}':eof_action=pass:format=yuv420[x]"
    )


def _probe_size(video: Path) -> str:
    info = probe(video)
    return f"{int(info.get('width') or 0)}:{int(info.get('height') or 0)}"


def last_frame(video: Path, out: Path) -> Path:
    """Save ``video``'s last frame: a picture (``out``'s suffix says which: ``.png``,
    ``.bmp``), or with ``.y4m`` its YUV pixels as they are, which the stitch's transitions lay
    over the next scene (:func:`burn_captions`): no round trip through RGB, and ffmpeg reading
    it holds ~15 MB less than for a BMP (a 1080×1920 burn: ~152 against ~166 MB, measured)."""
    seconds = probe(video).get("duration") or 0.0
    at = max(0.0, seconds - 1.5 / FPS)
    if Path(out).suffix != ".y4m":
        return extract_frame(video, at, out)
    with atomic_output(out) as part:
        run_ffmpeg(
            ["-ss", f"{at:.3f}", "-i", str(video), "-frames:v", "1", "-f", "yuv4mpegpipe",
             str(part)],
            what="extracting the last frame",
        )  # fmt: skip
    return Path(out)


# --------------------------------------------------------------------------------------------
# audio


def _samples(seconds: float) -> int:
    return max(1, round(float(seconds) * AUDIO_RATE))


def _mono(label_in: str) -> str:
    return f"{label_in}aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=mono"


def fit_audio(src: Path, out: Path, *, seconds: float) -> Path:
    """Fit a voiceover line into a window of exactly ``seconds``: WAV, 48 kHz mono.

    Longer input is sped up (``atempo``, at most MAX_ATEMPO) and then trimmed with a short fade;
    shorter input is padded with silence.
    """
    samples = _samples(seconds)
    source = probe(src)
    duration = source.get("duration") or 0.0
    if source.get("audio_codec") is None:
        raise ProviderError(f"{Path(src).name} has no audio")
    chain = [_mono("")]
    if duration > seconds + 0.01:
        tempo = min(MAX_ATEMPO, duration / float(seconds))
        chain.append(f"atempo={tempo:.5f}")
        if duration / tempo > seconds + 0.01:  # still too long: cut with a short fade
            fade = min(0.15, float(seconds) / 4)
            chain.append(f"afade=t=out:st={float(seconds) - fade:.3f}:d={fade:.3f}")
    chain += [f"apad=whole_len={samples}", f"atrim=end_sample={samples}"]
    with atomic_output(out) as part:
        run_ffmpeg(
            ["-i", str(src), "-vn", "-filter:a", ",".join(chain), *WAV_ARGS, str(part)],
            what="fitting the voiceover line",
        )
    return Path(out)


def silence(out: Path, *, seconds: float) -> Path:
    """A silent WAV of exactly ``seconds`` (48 kHz mono)."""
    samples = _samples(seconds)
    with atomic_output(out) as part:
        run_ffmpeg(
            [
                "-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=mono",
                "-filter:a", f"atrim=end_sample={samples}",
                *WAV_ARGS, str(part),
            ],
            what="writing silence",
        )  # fmt: skip
    return Path(out)


def concat_audio(parts: list[Path], out: Path) -> Path:
    """Join WAVs (e.g. fitted voiceover lines) end to end into one 48 kHz mono WAV."""
    if not parts:
        raise ProviderError("no audio to join")
    args: list[str] = []
    for part in parts:
        if not Path(part).is_file():
            raise ProviderError(f"audio file not found: {Path(part).name}")
        args += ["-i", str(part)]
    labels = "".join(f"[a{i}]" for i in range(len(parts)))
    graph = ";".join(_mono(f"[{i}:a]") + f"[a{i}]" for i in range(len(parts)))
    graph += f";{labels}concat=n={len(parts)}:v=0:a=1[out]"
    with atomic_output(out) as part_out:
        run_ffmpeg(
            [*args, "-filter_complex", graph, "-map", "[out]", *WAV_ARGS, str(part_out)],
            what="joining the voiceover",
        )
    return Path(out)


# --------------------------------------------------------------------------------------------
# stitching


def _concat_list_line(path: Path) -> str:
    escaped = str(Path(path).resolve()).replace("'", "'\\''")
    return f"file '{escaped}'\n"


def stitch_local(
    segments: list[Path],
    voice: Path | None,
    music: Path | None,
    out: Path,
    *,
    music_under_db: float | None = None,
) -> Path:
    """Join final segments with ``-c:v copy`` and add one AAC track of the video's length.

    Audio is the voice over the music (:func:`mix_voice_and_music`: the music ducked under the
    voice), or either alone, normalised to :data:`TARGET_LUFS` with the true peak under
    :data:`TARGET_TRUE_PEAK` (:func:`loudnorm`); silence if there is neither.
    ``music_under_db``: the music's level under the voice (default :data:`MUSIC_UNDER_VOICE_DB`).
    ``-movflags +faststart`` for playback in the browser.
    """
    if not segments:
        raise ProviderError("nothing to stitch: no video segments")
    total = 0.0
    for segment in segments:
        info = probe(segment)
        if not info.get("video_codec"):
            raise ProviderError(f"{Path(segment).name} has no video")
        total += info.get("duration") or 0.0
    total_samples = _samples(total)
    with tempfile.TemporaryDirectory(prefix="aytada-stitch-") as tmp:
        listing = Path(tmp) / "segments.txt"
        listing.write_text("".join(_concat_list_line(s) for s in segments), encoding="utf-8")
        inputs = ["-f", "concat", "-safe", "0", "-i", str(listing)]
        has_voice = voice is not None and Path(voice).is_file()
        has_music = music is not None and Path(music).is_file()
        if voice is not None and not has_voice:
            raise ProviderError(f"voiceover file not found: {Path(voice).name}")
        if music is not None and not has_music:
            raise ProviderError(f"music file not found: {Path(music).name}")
        end = f"apad=whole_len={total_samples},atrim=end_sample={total_samples}"
        if has_voice or has_music:
            mixed = mix_voice_and_music(
                voice if has_voice else None, music if has_music else None, total,
                Path(tmp) / "mix.wav", music_under_db=music_under_db,
            )  # fmt: skip
            # the final track at the platforms' loudness; AAC adds a little to the true peak
            level = loudnorm(
                mixed, Path(tmp) / "mix-norm.wav", TARGET_LUFS,
                TARGET_TRUE_PEAK - _AAC_PEAK_MARGIN,
            )  # fmt: skip
            inputs += ["-i", str(level)]
        else:
            inputs += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=mono"]
        graph = f"[1:a]{end}[aout]"
        with atomic_output(out) as part:
            run_ffmpeg(
                [
                    *inputs,
                    "-filter_complex", graph,
                    "-map", "0:v:0", "-map", "[aout]",
                    "-c:v", "copy", *FINAL_AUDIO_ARGS,
                    "-shortest",
                    "-movflags", "+faststart",
                    str(part),
                ],
                what="stitching the video",
            )  # fmt: skip
    return Path(out)


# --------------------------------------------------------------------------------------------
# inspection

_DURATION_RE = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO_RE = re.compile(r"Stream #\S+.*?: Video: (\w+)(.*)")
_AUDIO_RE = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
_SIZE_RE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
_FPS_RE = re.compile(r"([\d.]+)(k?) (?:fps|tbr)\b")


def probe(path: Path) -> dict:
    """Read a media file's basics from ``ffmpeg -i``.

    Keys: ``duration`` (float seconds or None), ``width``, ``height`` (int or None),
    ``video_codec`` (e.g. "h264" or None), ``audio_codec`` (e.g. "aac" or None), ``fps``.
    """
    text = _info(path)
    result: dict = {
        "duration": None,
        "width": None,
        "height": None,
        "video_codec": None,
        "audio_codec": None,
        "fps": None,
    }
    match = _DURATION_RE.search(text)
    if match:
        hours, minutes, secs = match.groups()
        result["duration"] = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    video = _VIDEO_RE.search(text)
    if video:
        result["video_codec"] = video.group(1)
        rest = video.group(2)
        size = _SIZE_RE.search(rest)
        if size:
            result["width"], result["height"] = int(size.group(1)), int(size.group(2))
        fps = _FPS_RE.search(rest)
        if fps:
            value = float(fps.group(1)) * (1000 if fps.group(2) else 1)
            result["fps"] = round(value, 3)
    audio = _AUDIO_RE.search(text)
    if audio:
        result["audio_codec"] = audio.group(1)
    if result["video_codec"] is None and result["audio_codec"] is None:
        raise ProviderError(f"{Path(path).name} is not a readable media file: {last_line(text)}")
    return result


_MEAN_RE = re.compile(r"mean_volume:\s*(-?[\d.]+|-inf) dB")


def mean_volume_db(path: Path) -> float:
    """Mean volume of the audio track in dB (``volumedetect``); about -91 dB for silence."""
    text = run_ffmpeg(
        ["-loglevel", "info", "-i", str(path), "-vn", "-af", "volumedetect", "-f", "null", "-"],
        what="measuring the volume",
    )
    match = _MEAN_RE.search(text)
    if not match:
        raise ProviderError(f"{Path(path).name}: no audio to measure")
    return float("-inf") if match.group(1) == "-inf" else float(match.group(1))


def extract_frame(video: Path, at_seconds: float, out_png: Path) -> Path:
    """Save the frame shown at ``at_seconds`` as a PNG."""
    with atomic_output(out_png) as part:
        run_ffmpeg(
            [
                "-ss", f"{max(0.0, float(at_seconds)):.3f}",
                "-i", str(video),
                "-frames:v", "1", "-update", "1",
                str(part),
            ],
            what="extracting a frame",
        )  # fmt: skip
    return Path(out_png)


def waveform(audio: Path, out_png: Path, *, width: int, height: int, color: str) -> Path:
    """A picture of the audio's waveform (``color``: ``#rrggbb``) on a transparent ground."""
    with atomic_output(out_png) as part:
        run_ffmpeg(
            [
                "-i", str(audio),
                "-filter_complex",
                f"aformat=channel_layouts=mono,showwavespic=s={width}x{height}:colors={color}",
                "-frames:v", "1", "-update", "1",
                str(part),
            ],
            what="drawing a waveform",
        )  # fmt: skip
    return Path(out_png)


# --------------------------------------------------------------------------------------------
# loudness (EBU R128)

TARGET_LUFS = -14.0
"""Integrated loudness the social platforms normalise to; every final audio is delivered here."""
TARGET_TRUE_PEAK = -1.0
"""Highest true peak (dBTP) of delivered audio."""
_SILENT_LUFS = -70.0  # the R128 absolute gate: anything quieter is silence, never amplified

_EBUR128_RE = re.compile(
    r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS.*?"
    r"Loudness range:\s*LRA:\s*(-?[\d.]+) LU.*?"
    r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS",
    re.DOTALL,
)


def loudness_stats(path: Path) -> dict[str, float]:
    """EBU R128 measurement of a file's audio with ffmpeg's ``ebur128`` filter.

    Keys: ``integrated`` (LUFS, -70 or less for silence), ``lra`` (LU), ``true_peak`` (dBTP).
    """
    if not Path(path).is_file():
        raise ProviderError(f"media file not found: {Path(path).name}")
    text = run_ffmpeg(
        ["-loglevel", "info", "-i", str(path), "-vn",
         "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        what="measuring the loudness",
    )  # fmt: skip
    match = _EBUR128_RE.search(text)
    if not match:
        raise ProviderError(f"{Path(path).name}: no audio to measure")
    integrated, lra, peak = (float(value) for value in match.groups())
    return {"integrated": integrated, "lra": lra, "true_peak": peak}


def measure_loudness(path: Path) -> float:
    """Integrated loudness of a file's audio in LUFS (EBU R128); -70 or less for silence."""
    return loudness_stats(path)["integrated"]


def loudnorm(
    in_path: Path,
    out_path: Path,
    target_lufs: float = TARGET_LUFS,
    true_peak: float = TARGET_TRUE_PEAK,
) -> Path:
    """Normalise a file's audio to ``target_lufs`` integrated, true peak <= ``true_peak`` dBTP.

    EBU R128 by measurement (``ebur128``): one gain to the target; when that gain would push the
    true peak over the ceiling, a look-ahead limiter on 4×-oversampled audio holds the peaks and
    the gain is corrected for the loudness the limiter took (measured again, at most four
    renders). Writes a 48 kHz mono WAV of the same length. Silence (below the -70 LUFS gate) is
    copied, never amplified. (ffmpeg's ``loudnorm`` filter is not used: on steady material it
    falls back to its dynamic mode, which misses the target by 2 LU on short clips.)
    """
    source = Path(in_path)
    if not source.is_file():
        raise ProviderError(f"audio file not found: {source.name}")
    stats = loudness_stats(source)
    with atomic_output(Path(out_path)) as part:

        def render(chain: list[str]) -> dict[str, float]:
            run_ffmpeg(
                ["-i", str(source), "-vn", "-filter:a", ",".join(chain), *WAV_ARGS, str(part)],
                what="normalising the loudness",
            )
            return loudness_stats(part)

        if not stats["integrated"] > _SILENT_LUFS:
            render([_mono("")])
            return Path(out_path)
        gain = target_lufs - stats["integrated"]
        ceiling = true_peak - 0.3  # margin for the peaks the resampling back to 48 kHz adds
        tried: list[tuple[float, float]] = []  # (gain, loudness it gave)
        for _ in range(4):
            chain = [_mono(""), f"volume={gain:.3f}dB"]
            if stats["true_peak"] + gain > ceiling:
                chain += [
                    "aresample=192000",
                    f"alimiter=limit={10 ** (ceiling / 20):.5f}:attack=2:release=80"
                    ":level=false:latency=true",
                    f"aresample={AUDIO_RATE}",
                ]
            result = render(chain)
            low = target_lufs - result["integrated"]
            over = result["true_peak"] - true_peak
            if abs(low) <= 0.3 and over <= 0:
                break
            tried.append((gain, result["integrated"]))
            # the limiter takes more as the gain grows: follow the measured slope (secant)
            slope = 1.0
            if len(tried) >= 2 and tried[-1][1] != tried[-2][1]:
                slope = (tried[-1][0] - tried[-2][0]) / (tried[-1][1] - tried[-2][1])
            gain += low * min(4.0, max(1.0, slope))
            if over > 0:
                ceiling -= over + 0.1
    return Path(out_path)


_VOICE_LUFS = -18.0  # the voice's level in the mix, before the final normalisation
MUSIC_UNDER_VOICE_DB = float(standards.MUSIC_UNDER_VOICE_DB)  # where nobody speaks
MUSIC_UNDER_VOICE_RANGE = (3.0, 20.0)  # what a project may choose (dB)
_AAC_PEAK_MARGIN = 0.5  # dB of true-peak headroom for the AAC encoder's overshoot


def _gain_to(path: Path, target_lufs: float) -> float:
    """dB that bring a file to ``target_lufs`` (0 for silence, which is never amplified)."""
    level = measure_loudness(path)
    return target_lufs - level if level > _SILENT_LUFS else 0.0


def mix_voice_and_music(
    voice: Path | None,
    music: Path | None,
    seconds: float,
    out: Path,
    *,
    music_under_db: float | None = None,
) -> Path:
    """The voiceover over the music as a 32-bit float WAV of exactly ``seconds``.

    Levels are set by measurement (EBU R128), so a quiet espeak voice and a loud provider track
    balance the same way: the voice at -18 LUFS, the music ``music_under_db`` (default 5) dB
    under it, and ducked by
    ``sidechaincompress`` (about 8-10 dB more) while the voice speaks, so speech sits 12-18 dB
    over the music (measured on an espeak voiceover over the offline bed: 15-17 dB). Music
    longer than ``seconds`` (e.g. a provider's track) fades out instead of stopping. Not
    loudness-normalised: that is the caller's last step (:func:`loudnorm`).
    """
    if voice is None and music is None:
        raise ProviderError("nothing to mix: no voiceover and no music")
    under = MUSIC_UNDER_VOICE_DB if music_under_db is None else float(music_under_db)
    low, high = MUSIC_UNDER_VOICE_RANGE
    if not low <= under <= high:
        raise ProviderError(f"the music level must be {low:g}-{high:g} dB under the voice")
    samples = _samples(seconds)
    end = f"apad=whole_len={samples},atrim=end_sample={samples}"
    fade = min(1.5, float(seconds) / 4)
    music_fade = f"afade=t=out:st={max(0.0, float(seconds) - fade):.3f}:d={fade:.3f}"
    args: list[str] = []
    if voice is not None and music is not None:
        voice_gain = _gain_to(voice, _VOICE_LUFS)
        music_gain = _gain_to(music, _VOICE_LUFS - under)
        args = ["-i", str(voice), "-i", str(music)]
        graph = (
            _mono("[0:a]") + f",volume={voice_gain:.2f}dB,asplit=2[vmix][vkey0];"
            "[vkey0]apad[vkey];" + _mono("[1:a]") + f",volume={music_gain:.2f}dB,{music_fade}[bed];"
            "[bed][vkey]sidechaincompress=threshold=0.035:ratio=4:attack=15:release=350"
            ":makeup=1[ducked];"
            "[vmix][ducked]amix=inputs=2:duration=longest:dropout_transition=0:normalize=0,"
            f"{end}[aout]"
        )
    else:
        args = ["-i", str(voice if voice is not None else music)]
        graph = _mono("[0:a]") + ("" if music is None else f",{music_fade}") + f",{end}[aout]"
    with atomic_output(Path(out)) as part:
        run_ffmpeg(
            [*args, "-filter_complex", graph, "-map", "[aout]",
             "-c:a", "pcm_f32le", "-ar", str(AUDIO_RATE), "-ac", str(AUDIO_CHANNELS), str(part)],
            what="mixing the audio",
        )  # fmt: skip
    return Path(out)
