"""Offline default providers: they need no API key and no network, and produce real files.

* :class:`OfflineWriter` writes ideas, scripts, scenes, ad copy and jingle lyrics from the
  campaign brief. It is deterministic: every choice comes from a SHA-256 of the brief's fields,
  so the same brief always gives the same text, and changing the awareness stage, the creative
  style, the persuasion trigger, ... changes it.
* :class:`PillowImages` draws brand-coloured compositions with the shipped font.
* :class:`FfmpegMotionClips`, :class:`EspeakVoice`, :class:`SynthMusic` and
  :class:`LocalStitcher` render video, speech, music and the final MP4 with ffmpeg.
* :class:`PiperSpeech` speaks with Piper's neural voices (packaged, no download) and espeak-ng's.
"""

from aytada.providers.offline.clips import FfmpegMotionClips
from aytada.providers.offline.common import WORDS_PER_SECOND
from aytada.providers.offline.images import PillowImages
from aytada.providers.offline.music import SynthMusic
from aytada.providers.offline.piper_voice import PiperSpeech, piper_installed
from aytada.providers.offline.stitch import LocalStitcher
from aytada.providers.offline.voice import MISSING_ESPEAK, EspeakVoice, espeak_voice
from aytada.providers.offline.writer import (
    STAGES,
    STYLES,
    TRIGGERS,
    OfflineWriter,
    normalize_stage,
    normalize_style,
    normalize_trigger,
    scene_count,
    split_seconds,
)

__all__ = [
    "MISSING_ESPEAK",
    "STAGES",
    "STYLES",
    "TRIGGERS",
    "WORDS_PER_SECOND",
    "EspeakVoice",
    "FfmpegMotionClips",
    "LocalStitcher",
    "OfflineWriter",
    "PillowImages",
    "PiperSpeech",
    "SynthMusic",
    "espeak_voice",
    "normalize_stage",
    "normalize_style",
    "normalize_trigger",
    "piper_installed",
    "scene_count",
    "split_seconds",
]
