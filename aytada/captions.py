"""Word-timed captions: which words are on screen together, and when each one is said.

The one home of the grouping rule, read by the caption renderer (burned into the video at the
stitch, :mod:`aytada.providers.caption_track`) and by the subtitle files
(:mod:`aytada.core.subtitles`), so the ``.srt``/``.vtt`` carry exactly the groups and times the
video shows. Imports nothing of ours but the shared standards (an import-linter contract): every
layer may read it.

The input is the voiceover's *timeline*: one ``{"start", "end", "text"}`` per spoken line, in
seconds from the start of the ad, and ``"words"`` (``[[word, start, end], …]``, the same
seconds) when the voice engine said when each word is spoken. The rule:

- **Words.** The line's words as written (punctuation kept). Their times come from the engine
  when it gave one per word; otherwise the line's spoken time is shared among them in
  proportion to how long they take to say (letters; a digit or a sign counts more, it is said as
  a word), with a short pause after a comma and a longer one after a sentence.
- **Groups.** At most :data:`MAX_GROUP_WORDS` words and :data:`MAX_GROUP_CHARS` characters
  (a longer single word stands alone). A group never spans two sentences or two lines; a long
  sentence is cut after a comma, colon or dash first, into groups of similar size, never
  leaving one word alone when it can, nor ending a group on "the", "to", "your"…
- **Times.** A line's groups follow each other without a gap: the first starts when the line
  starts, each next one when its first word is said, the last ends when the line ends. No
  group runs past its line's end. Within a group each word is *the spoken word* from when it is
  said until the next word is (the first from the group's start, the last until its end).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aytada.standards import spoken_words, without_spaces

MAX_GROUP_WORDS = 6
"""The most words on screen at once (short-form captions show 2–6)."""

MAX_GROUP_CHARS = 32
"""The most characters of a group (spaces included): two short lines at caption size."""

SENTENCE_PAUSE = 4.0  # after ". ! ?": the pause, in letters' worth of time
CLAUSE_PAUSE = 2.0  # after ", ; : —"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"([,;:]|[—–-]{1,2})[\"'”’)\]]*$")
_DASH = re.compile(r"^[—–-]{1,2}$")
# a group that ends on one of these reads as cut off ("Meet the | fridge"); a group that starts
# with one starts a phrase ("Meet the fridge | that tells you")
_FUNCTION_WORDS = frozenset(
    "a an the to of for and or but nor with without your our my their his her its this that "
    "these those in on at by from into onto as than so if is are was be not no every each "
    "very more most just".split()
)
_PHRASE_STARTS = _FUNCTION_WORDS | frozenset(
    "who which when where while before after because until since then".split()
)


@dataclass(frozen=True)
class TimedWord:
    text: str  # as written, punctuation kept ("stock?")
    start: float  # seconds from the start of the ad
    end: float


@dataclass(frozen=True)
class CaptionGroup:
    """Words on screen together, from ``start`` to ``end`` (seconds from the start of the ad).

    ``timed`` is False for a caption that is not read along with a voice (a scene's own
    caption shown for the whole scene): no word is highlighted then."""

    start: float
    end: float
    words: tuple[TimedWord, ...]
    timed: bool = True

    @property
    def text(self) -> str:
        return join_words([word.text for word in self.words])

    def spoken(self) -> list[tuple[int, float, float]]:
        """(word index, from, until) of each word while it is the spoken word: back to back
        over the whole group, the first from the group's start, the last until its end."""
        if not self.timed or not self.words:
            return []
        out = []
        for i, word in enumerate(self.words):
            start = self.start if i == 0 else max(self.start, min(word.start, self.end))
            nxt = self.words[i + 1].start if i + 1 < len(self.words) else self.end
            until = max(start, min(nxt, self.end))
            out.append((i, round(start, 3), round(until, 3)))
        return out


def clean_text(text: str) -> str:
    """One line of readable text: control characters dropped, whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())


CJK_PIECE = 6
"""Chinese or Japanese (no spaces) is captioned in pieces of at most this many characters, cut
after a comma or stop first (a "word" of the grouping rule)."""


def _pieces(token: str) -> list[str]:
    """A token of Chinese or Japanese in caption-sized pieces, each cut between two of its
    characters (after a comma or stop when one is near); any other token whole."""
    if sum(1 for c in token if without_spaces(c)) <= CJK_PIECE:
        return [token]
    cuts = [i for i in range(1, len(token))
            if without_spaces(token[i - 1]) and without_spaces(token[i])]  # fmt: skip
    pieces, start = [], 0
    while len(token) - start > CJK_PIECE:
        near = [i for i in cuts if start + 2 <= i <= start + CJK_PIECE]
        if not near:
            later = [i for i in cuts if i > start]
            if not later:
                break
            near = later[:1]
        stops = [i for i in near if token[i - 1] in _STOPS]
        cut = stops[-1] if stops else near[-1]
        pieces.append(token[start:cut])
        start = cut
    pieces.append(token[start:])
    return pieces


_STOPS = set("、。，！？；：")


def spaced(before: str, after: str) -> bool:
    """Whether a space goes between two caption words: not between two pieces of Chinese or
    Japanese (cut where it has none, :func:`split_words`)."""
    return not (before and after and without_spaces(before[-1]) and without_spaces(after[0]))


def join_words(words: Sequence[str]) -> str:
    """Caption words as one text (:func:`spaced`)."""
    text = ""
    for word in words:
        text += (" " if text and spaced(text, word) else "") + word
    return text


def split_words(text: str) -> list[str]:
    """The words of a line as written; a dash standing alone joins the word before it;
    Chinese or Japanese in pieces (:data:`CJK_PIECE`)."""
    words: list[str] = []
    for token in clean_text(text).split(" "):
        if not token:
            continue
        if _DASH.match(token) and words:
            words[-1] = f"{words[-1]} {token}"
        else:
            words.extend(_pieces(token))
    return words


def _say_weight(word: str) -> float:
    """How long a word takes to say, in letters: a digit or a sign is said as a word, an
    address in parts (:func:`aytada.standards.spoken_words`: "lumi dot shop slash glow")."""
    weight = 0.0
    for ch in word:
        if ch.isdigit():
            weight += 3.0
        elif ch in "%$€£&+@#=":
            weight += 5.0
        elif ch.isalpha() or unicodedata.category(ch).startswith("So"):
            weight += 1.0  # (an emoji is short)
    if not any(ch.isdigit() or ch in "%$€£&+@#=" for ch in word):
        weight += 3.0 * (spoken_words(word) - 1)  # each "dot", "slash" said between the parts
    return max(1.5, weight) + 1.0  # + the gap between words


def _pause_after(word: str) -> float:
    if _SENTENCE_END.search(word):
        return SENTENCE_PAUSE
    if _CLAUSE_END.search(word):
        return CLAUSE_PAUSE
    return 0.0


def estimate_times(words: Sequence[str], start: float, end: float) -> list[TimedWord]:
    """``words`` timed within ``[start, end]`` by how long each takes to say, with the pauses
    punctuation makes (the last word ends at ``end``)."""
    if not words:
        return []
    weights = [_say_weight(w) for w in words]
    pauses = [_pause_after(w) for w in words[:-1]] + [0.0]
    total = sum(weights) + sum(pauses)
    unit = (end - start) / total if total > 0 else 0.0
    out: list[TimedWord] = []
    at = start
    for word, weight, pause in zip(words, weights, pauses, strict=True):
        until = at + weight * unit
        out.append(TimedWord(word, round(at, 3), round(until, 3)))
        at = until + pause * unit
    # the last word ends exactly at the line's end (no rounding drift)
    last = out[-1]
    out[-1] = TimedWord(last.text, last.start, round(end, 3))
    return out


def _norm(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


def line_words(
    text: str, start: float, end: float, timings: Iterable[Any] | None = None
) -> list[TimedWord]:
    """The words of a line said from ``start`` to ``end``, each with its time.

    ``timings``: the engine's ``[word, start, end]`` (or objects with ``word``, ``start``,
    ``end``) in the ad's seconds. They are used when they give one time per written word (words
    without a letter or digit, such as a dash or an emoji, aside: those take the time between
    their neighbours), clamped into the line and kept in order; otherwise the times are
    estimated (:func:`estimate_times`)."""
    words = split_words(text)
    if not words or not end > start:
        return []
    given = [t for t in _read_timings(timings) if _norm(t[0])]
    keyed = [i for i, word in enumerate(words) if _norm(word)]
    if not given or len(given) != len(keyed):
        return estimate_times(words, start, end)
    times: dict[int, tuple[float, float]] = {}
    floor = start
    for i, (_, a, b) in zip(keyed, given, strict=True):
        a = min(max(a, floor), end)
        times[i] = (a, min(max(b, a), end))
        floor = a
    out: list[TimedWord] = []
    at = start
    for i, word in enumerate(words):
        a, b = times.get(i, (at, at))
        out.append(TimedWord(word, round(a, 3), round(b, 3)))
        at = max(at, b)
    return out


def _read_timings(timings: Iterable[Any] | None) -> list[tuple[str, float, float]]:
    out: list[tuple[str, float, float]] = []
    for item in timings or ():
        try:
            if isinstance(item, Mapping):
                word, a, b = item["word"], item["start"], item["end"]
            elif isinstance(item, (list, tuple)):
                word, a, b = item
            else:
                word, a, b = item.word, item.start, item.end
            a, b = float(a), float(b)
        except (KeyError, TypeError, ValueError, AttributeError):
            return []
        if not (math.isfinite(a) and math.isfinite(b)):
            return []
        out.append((str(word), a, b))
    return out


# --------------------------------------------------------------------------- grouping


def sentences(words: Sequence[str]) -> list[list[int]]:
    """Indexes of ``words`` by sentence (a sentence ends after ``. ! ? …``)."""
    out: list[list[int]] = [[]]
    for i, word in enumerate(words):
        out[-1].append(i)
        if _SENTENCE_END.search(word) and i + 1 < len(words):
            out.append([])
    return [s for s in out if s]


def _length(words: Sequence[str]) -> int:
    return sum(len(w) for w in words) + max(0, len(words) - 1)


def _group_cost(words: Sequence[str], target: float) -> float:
    cost = 6.0  # fewer groups first
    if len(words) == 1:
        cost += 12.0  # a word alone reads as a stutter
    return cost + 0.3 * abs(len(words) - target)


def _cut_cost(before: str, after: str) -> float:
    """The cost of ending a group on ``before`` and starting the next on ``after``."""
    if _CLAUSE_END.search(before):
        return -2.0  # after a comma, colon or dash
    cost = 1.0 if _norm(after) in _PHRASE_STARTS else 12.0
    if _norm(before) in _FUNCTION_WORDS:
        cost += 6.0
    return cost


def split_sentence(words: Sequence[str]) -> list[list[str]]:
    """One sentence's words as caption groups (see the module's rule): the cheapest cut into
    groups of at most :data:`MAX_GROUP_WORDS` words and :data:`MAX_GROUP_CHARS` characters."""
    n = len(words)
    if n == 0:
        return []
    if n <= MAX_GROUP_WORDS and _length(words) <= MAX_GROUP_CHARS:
        return [list(words)]
    target = n / max(1, math.ceil(n / MAX_GROUP_WORDS))

    def fits(i: int, j: int) -> bool:
        return j - i == 1 or (j - i <= MAX_GROUP_WORDS and _length(words[i:j]) <= MAX_GROUP_CHARS)

    best: list[float] = [0.0] + [math.inf] * n  # best[j]: cost of words[:j]
    cut: list[int] = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_GROUP_WORDS), j):
            if best[i] == math.inf or not fits(i, j):
                continue
            cost = best[i] + _group_cost(words[i:j], target)
            if j < n:
                cost += _cut_cost(words[j - 1], words[j])
            if cost < best[j]:
                best[j], cut[j] = cost, i
    groups: list[list[str]] = []
    j = n
    while j > 0:
        groups.append(list(words[cut[j] : j]))
        j = cut[j]
    return groups[::-1]


def group_line(
    text: str, start: float, end: float, timings: Iterable[Any] | None = None
) -> list[CaptionGroup]:
    """The caption groups of one spoken line (see the module's rule)."""
    timed = line_words(text, start, end, timings)
    if not timed:
        return []
    texts = [w.text for w in timed]
    runs: list[list[TimedWord]] = []
    for sentence in sentences(texts):
        at = sentence[0]
        for part in split_sentence([texts[i] for i in sentence]):
            runs.append(timed[at : at + len(part)])
            at += len(part)
    groups: list[CaptionGroup] = []
    for k, run in enumerate(runs):
        begin = start if k == 0 else run[0].start
        until = runs[k + 1][0].start if k + 1 < len(runs) else end
        until = max(begin, min(until, end))
        groups.append(CaptionGroup(round(begin, 3), round(until, 3), tuple(run)))
    return [g for g in groups if g.end > g.start]


def _line_times(line: Mapping[str, Any]) -> tuple[float, float] | None:
    try:
        start, end = float(line["start"]), float(line["end"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(start) and math.isfinite(end)) or end <= start or start < 0:
        return None
    return start, end


def caption_groups(timeline: Iterable[Any]) -> list[CaptionGroup]:
    """The caption groups of a voice timeline, in order; rows without a usable time or text
    are skipped, and a group never starts before the previous one ends."""
    groups: list[CaptionGroup] = []
    for line in timeline:
        if not isinstance(line, Mapping):
            continue
        times = _line_times(line)
        if times is None:
            continue
        groups += group_line(str(line.get("text") or ""), *times, line.get("words"))
    groups.sort(key=lambda g: g.start)
    out: list[CaptionGroup] = []
    for group in groups:
        if out and group.start < out[-1].end:  # lines that overlap: the earlier one gives way
            prev = out[-1]
            out[-1] = CaptionGroup(prev.start, group.start, prev.words, prev.timed)
            if out[-1].end <= out[-1].start:
                out.pop()
        out.append(group)
    return out


def scene_groups(scenes: Iterable[tuple[float, float, str]]) -> list[CaptionGroup]:
    """Whole captions shown for whole scenes, ``(start, end, text)`` each: for a video whose
    voice gave no timeline (nothing to read along with)."""
    out = []
    for start, end, text in scenes:
        words = split_words(text)
        if words and end > start:
            timed = tuple(TimedWord(w, round(start, 3), round(end, 3)) for w in words)
            out.append(CaptionGroup(round(start, 3), round(end, 3), timed, timed=False))
    return out
