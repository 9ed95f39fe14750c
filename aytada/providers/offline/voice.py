"""Offline voiceover: espeak-ng when installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    AudioResult,
    ProviderError,
    VoiceInfo,
)
from aytada.providers.offline.common import _clean

_VOICE_ALIASES: dict[str, str] = {
    "": "en-us",
    "default": "en-us",
    "en": "en-us",
    "english": "en-us",
    "american": "en-us",
    "us": "en-us",
    "british": "en-gb",
    "uk": "en-gb",
    "female": "en-us+f3",
    "woman": "en-us+f3",
    "male": "en-us+m3",
    "man": "en-us+m3",
}
_ESPEAK_VOICE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*(\+[a-z0-9]{1,12})?$")
MISSING_ESPEAK = (
    "The offline voice needs espeak-ng, which is not installed on the worker's machine: "
    "install it (apt-get install espeak-ng) or set ELEVENLABS_API_KEY, then retry."
)


#: The offline voices offered to people: English accents of espeak-ng and its variants that
#: sound least robotic (id → name, description). Only those the installed espeak-ng knows are
#: listed (:func:`offline_voices`); the mbrola voices need an extra program and are left out.
OFFLINE_VOICES: dict[str, tuple[str, str]] = {
    "en-us": ("American English", "espeak-ng's standard US voice (male)"),
    "en-us+f3": ("American English, female", "US voice, variant f3"),
    "en-us+m3": ("American English, male 2", "US voice, variant m3"),
    "en-gb": ("British English", "espeak-ng's standard UK voice (male)"),
    # (espeak-ng 1.51 ignores a variant on "en-gb": "en-gb+f4" sounds exactly like "en-gb")
    "en-gb-x-rp+f4": ("British English, female", "UK received pronunciation, variant f4"),
    "en-gb-x-rp": ("British English, received pronunciation", "RP accent"),
    "en-gb-scotland": ("Scottish English", "Scottish accent"),
    "en-029+f2": ("Caribbean English, female", "Caribbean accent, variant f2"),
}
SPEED_RANGE = (0.5, 2.0)  # what espeak-ng is asked for, as a factor of its normal pace


def _parse_voices(listing: str, column: int) -> set[str]:
    """Values of one column of ``espeak-ng --voices`` (rows after the header)."""
    found: set[str] = set()
    for row in listing.splitlines()[1:]:
        parts = row.split()
        if len(parts) > column:
            found.add(parts[column].lower())
    return found


@lru_cache(maxsize=1)
def _installed() -> tuple[frozenset[str], frozenset[str]]:
    """(languages, variants) the installed espeak-ng has; empty without espeak-ng."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return frozenset(), frozenset()
    try:
        langs = subprocess.run([exe, "--voices"], capture_output=True, text=True, timeout=20)
        variants = subprocess.run(
            [exe, "--voices=variant"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset(), frozenset()
    # language column (1); variant files are "!v/<name>" in the file column (4)
    files = _parse_voices(variants.stdout, 4)
    names = {f.split("/", 1)[1] for f in files if f.startswith("!v/")}
    return frozenset(_parse_voices(langs.stdout, 1)), frozenset(names)


def offline_voices() -> list[VoiceInfo]:
    """The offline voices the installed espeak-ng can speak (empty without espeak-ng)."""
    languages, variants = _installed()
    out = []
    for voice_id, (name, description) in OFFLINE_VOICES.items():
        language, _, variant = voice_id.partition("+")
        if language in languages and (not variant or variant in variants):
            out.append(VoiceInfo(voice_id, name, description))
    return out


_SCRIPTS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("ja", "Japanese", (("\u3040", "\u30ff"),)),  # kana (before Han: Japanese uses both)
    ("ko", "Korean", (("\uac00", "\ud7af"), ("\u1100", "\u11ff"))),
    ("cmn", "Chinese (Mandarin)", (("\u4e00", "\u9fff"), ("\u3400", "\u4dbf"))),
    ("ru", "Russian", (("\u0400", "\u04ff"),)),
    ("el", "Greek", (("\u0370", "\u03ff"),)),
    ("he", "Hebrew", (("\u0590", "\u05ff"),)),
    ("ar", "Arabic", (("\u0600", "\u06ff"),)),
    ("hi", "Hindi", (("\u0900", "\u097f"),)),
    ("th", "Thai", (("\u0e00", "\u0e7f"),)),
)
"""Scripts that tell the language a line is in (espeak-ng's language code, its name)."""


def spoken_language(text: str) -> tuple[str, str] | None:
    """(espeak-ng language, name) of a line written in a script other than Latin (Japanese,
    Korean, Chinese, Russian, …), by its letters; None for Latin script (English voices)."""
    for code, name, ranges in _SCRIPTS:
        if any(lo <= ch <= hi for ch in text for lo, hi in ranges):
            return code, name
    return None


def espeak_voice(voice: str) -> str:
    """Map a voice setting to an espeak-ng voice name (default ``en-us``)."""
    key = voice.strip().lower()
    if key in _VOICE_ALIASES:
        return _VOICE_ALIASES[key]
    return key if _ESPEAK_VOICE_RE.match(key) else "en-us"


def check_speed(speed: float) -> None:
    """A speaking speed the offline voices take (:data:`SPEED_RANGE`), else a ProviderError."""
    low, high = SPEED_RANGE
    if not low <= float(speed) <= high:
        raise ProviderError(f"the speaking speed must be {low:g}-{high:g}× (got {speed})")


class EspeakVoice:
    """espeak-ng speech as a 48 kHz mono WAV; without espeak-ng a clear error, never silence."""

    name = "offline"
    speed_wpm = 165

    def __init__(self) -> None:
        self.model = "espeak-ng" if shutil.which("espeak-ng") else "silence"

    def voices(self) -> list[VoiceInfo]:
        return offline_voices()

    def speak(
        self, text: str, out_path: Path, *, voice: str = "", speed: float = 1.0
    ) -> AudioResult:
        """``text`` as a WAV; ``speed`` scales the words per minute (0.5–2×)."""
        check_speed(speed)
        text = _clean(text)
        exe = shutil.which("espeak-ng")
        out = Path(out_path)
        if not text:
            return AudioResult(path=self._write(None, out, seconds=0.5))
        if exe is None:  # never a silent voiceover that looks finished (and gets charged)
            raise ProviderError(MISSING_ESPEAK)
        self.model = "espeak-ng"
        chosen, notice = espeak_voice(voice), ""
        language = spoken_language(text)
        if language and chosen.split("+")[0].split("-")[0] != language[0]:
            # an English voice would spell a Japanese line out letter by letter: the line's
            # own language, in the chosen variant
            variant = chosen[chosen.index("+") :] if "+" in chosen else ""
            chosen = language[0] + variant
            notice = f"a line in {language[1]}: said by espeak-ng's {language[1]} voice"
        with tempfile.TemporaryDirectory(prefix="aytada-voice-") as tmp:
            textfile = Path(tmp) / "line.txt"
            textfile.write_text(text, encoding="utf-8")
            raw = Path(tmp) / "raw.wav"
            for name in dict.fromkeys([chosen, "en-us"]):
                wpm = round(self.speed_wpm * float(speed))
                cmd = [exe, "-v", name, "-s", str(wpm), "-w", str(raw)]
                cmd += ["-f", str(textfile)]
                try:
                    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
                except (OSError, subprocess.TimeoutExpired) as exc:
                    raise ProviderError(f"espeak-ng failed: {exc}") from exc
                if proc.returncode == 0 and raw.is_file() and raw.stat().st_size > 44:
                    break
            else:
                raise ProviderError(f"espeak-ng failed: {ff.last_line(proc.stderr)}")
            return AudioResult(path=self._write(raw, out, seconds=None), notice=notice)

    @staticmethod
    def _write(raw: Path | None, out: Path, *, seconds: float | None) -> Path:
        return write_voice(raw, out, seconds=seconds)


def write_voice(raw: Path | None, out: Path, *, seconds: float | None = None) -> Path:
    """Convert ``raw`` (or silence of ``seconds``) to ``out`` at the pipeline's audio rate,
    mono: WAV unless its suffix says otherwise (any offline engine's speech ends here)."""
    codec = list(ff.WAV_ARGS) if out.suffix.lower() in (".wav", "") else []
    fmt = ["-f", "wav"] if out.suffix == "" else []
    with ff.atomic_output(out) as part:
        if raw is None:
            samples = round(float(seconds or 0.5) * ff.AUDIO_RATE)
            source = [
                "-f",
                "lavfi",
                "-i",
                f"anullsrc=r={ff.AUDIO_RATE}:cl=mono",
                "-filter:a",
                f"atrim=end_sample={samples}",
            ]
        else:
            source = [
                "-i",
                str(raw),
                "-filter:a",
                f"aresample={ff.AUDIO_RATE},aformat=channel_layouts=mono",
            ]
        ff.run_ffmpeg([*source, *codec, *fmt, str(part)], what="writing the voiceover")
    return out
