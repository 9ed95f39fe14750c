"""Offline voiceover: espeak-ng when installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from aytada.providers import ffmpeg as ff
from aytada.providers.base import (
    AudioResult,
    ProviderError,
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
_ESPEAK_VOICE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[a-z0-9]{1,12})?$")
MISSING_ESPEAK = (
    "The offline voice needs espeak-ng, which is not installed on the worker's machine: "
    "install it (apt-get install espeak-ng) or set ELEVENLABS_API_KEY, then retry."
)


def espeak_voice(voice: str) -> str:
    """Map a voice setting to an espeak-ng voice name (default ``en-us``)."""
    key = voice.strip().lower()
    if key in _VOICE_ALIASES:
        return _VOICE_ALIASES[key]
    return key if _ESPEAK_VOICE_RE.match(key) else "en-us"


class EspeakVoice:
    """espeak-ng speech as a 48 kHz mono WAV; without espeak-ng a clear error, never silence."""

    name = "offline"
    speed_wpm = 165

    def __init__(self) -> None:
        self.model = "espeak-ng" if shutil.which("espeak-ng") else "silence"

    def speak(self, text: str, out_path: Path, *, voice: str = "") -> AudioResult:
        text = _clean(text)
        exe = shutil.which("espeak-ng")
        out = Path(out_path)
        if not text:
            return AudioResult(path=self._write(None, out, seconds=0.5))
        if exe is None:  # never a silent voiceover that looks finished (and gets charged)
            raise ProviderError(MISSING_ESPEAK)
        self.model = "espeak-ng"
        with tempfile.TemporaryDirectory(prefix="aytada-voice-") as tmp:
            textfile = Path(tmp) / "line.txt"
            textfile.write_text(text, encoding="utf-8")
            raw = Path(tmp) / "raw.wav"
            chosen = espeak_voice(voice)
            for name in dict.fromkeys([chosen, "en-us"]):
                cmd = [exe, "-v", name, "-s", str(self.speed_wpm), "-w", str(raw)]
                cmd += ["-f", str(textfile)]
                try:
                    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
                except (OSError, subprocess.TimeoutExpired) as exc:
                    raise ProviderError(f"espeak-ng failed: {exc}") from exc
                if proc.returncode == 0 and raw.is_file() and raw.stat().st_size > 44:
                    break
            else:
                raise ProviderError(f"espeak-ng failed: {ff.last_line(proc.stderr)}")
            return AudioResult(path=self._write(raw, out, seconds=None))

    @staticmethod
    def _write(raw: Path | None, out: Path, *, seconds: float | None) -> Path:
        """Convert ``raw`` (or silence of ``seconds``) to ``out``: WAV unless its suffix says."""
        codec = list(ff.WAV_ARGS) if out.suffix.lower() in (".wav", "") else []
        fmt = ["-f", "wav"] if out.suffix == "" else []
        with ff.atomic_output(out) as part:
            if raw is None:
                samples = round(float(seconds or 0.5) * ff.AUDIO_RATE)
                source = ["-f", "lavfi", "-i", f"anullsrc=r={ff.AUDIO_RATE}:cl=mono",
                          "-filter:a", f"atrim=end_sample={samples}"]
            else:
                source = ["-i", str(raw), "-filter:a",
                          f"aresample={ff.AUDIO_RATE},aformat=channel_layouts=mono"]
            ff.run_ffmpeg([*source, *codec, *fmt, str(part)], what="writing the voiceover")
        return out

