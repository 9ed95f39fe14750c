"""Helpers the offline providers share: deterministic choices and text basics."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

# the speaking pace the writer budgets for (espeak-ng speaks ~2.9 words/s, so lines fit)
from aytada.standards import WORDS_PER_SECOND as WORDS_PER_SECOND


class _Dice:
    """Deterministic choices keyed by a fingerprint and a label (SHA-256, never ``hash()``)."""

    def __init__(self, *parts: object) -> None:
        self._key = "\x1f".join(str(part) for part in parts)

    def number(self, label: str) -> int:
        digest = hashlib.sha256(f"{self._key}\x1e{label}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def pick(self, label: str, options: Sequence[str]) -> str:
        return options[self.number(label) % len(options)]

    def shuffled(self, label: str, options: Sequence[str]) -> list[str]:
        return sorted(options, key=lambda option: self.number(f"{label}|{option}"))


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _words(text: str) -> int:
    return len(text.split())


# ============================================================================================
# whole sentences and clauses: the writer shortens by choosing, never by cutting words

FUNCTION_WORDS = frozenset(
    """a an the of for to with and or nor but so yet in on at by from into onto about as than
    then whose that which who whom where when while if because since until unless though
    although your our its their my his her this these those is are was were be been being am
    has have had do does did will would can could should shall may might must not no very
    more most less least just also even too""".split()
)
"""Words an English sentence, clause or caption never ends on."""

_LEADING_CONJUNCTIONS = frozenset({"and", "so", "but", "then", "plus", "yet"})
_DEPENDENT_STARTS = frozenset(
    """which who whom whose that where when while if because since until unless though although
    whether with without for to of in on at by from into as than like via including such
    or nor after before during""".split()
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=\S)")


def last_word(text: str) -> str:
    """The last word of ``text``, lower-case, without punctuation."""
    words = re.findall(r"[\w'’%-]+", text.lower())
    return words[-1].strip("'’-") if words else ""


def ends_whole(text: str) -> bool:
    """True when ``text`` ends on a content word (not "the", "for", "with", ...)."""
    word = last_word(text)
    return bool(word) and word not in FUNCTION_WORDS


def as_sentence(text: str) -> str:
    """``text`` as a spoken sentence: first letter capital, ends in . ! or ?"""
    text = _clean(text).rstrip(",;:–—- ")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    if text[-1] not in ".!?…" and text[-2:] not in ('."', '!"', '?"', ".\u201d"):
        text += "."
    return text


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (lines and bullet points count as sentences), each whole."""
    out = []
    for chunk in re.split(r"\n+|\s[•·]\s|^\s*[-*•]\s", text or ""):
        chunk = _clean(chunk).lstrip("-*• ")
        for piece in _SENTENCE_END.split(chunk):
            piece = as_sentence(piece)
            if piece:
                out.append(piece)
    return out


def clauses(sentence: str, *, min_words: int = 3) -> list[str]:
    """Clauses of ``sentence`` that stand on their own, as sentences.

    Splits at ``,`` ``;`` ``:`` and dashes; keeps a clause only when it does not start with a
    relative pronoun, preposition or subordinator (those need the rest of the sentence) and does
    not end on a function word. A leading "and"/"so"/"but" is dropped ("…, so every meeting ends
    with tasks assigned" gives "Every meeting ends with tasks assigned.").
    """
    body = _clean(sentence)
    end = body[-1] if body and body[-1] in "!?" else "."
    body = body.rstrip(".!?… ")
    out = []
    # commas split only before a linking word: "brakes, gears and tyres" is one list
    pattern = (
        r"\s*[;:]\s+|\s[-–—]\s|,\s+(?=(?:so|but|yet|which|who|whose|while|with|without"
        r"|for|because|since|although|though|where|when|as|if|unless|until|plus)\b)"
    )
    for part in re.split(pattern, body, flags=re.IGNORECASE):
        words = part.split()
        while words and words[0].lower() in _LEADING_CONJUNCTIONS:
            words = words[1:]
        if len(words) < min_words or words[0].lower() in _DEPENDENT_STARTS:
            continue
        text = " ".join(words)
        if ends_whole(text):
            out.append(as_sentence(text).rstrip(".") + end)
    return out


def wrap(text: str, width: int = 32) -> list[str]:
    """Greedy word wrap at ``width`` characters (a word longer than that gets its own line)."""
    rows: list[str] = []
    for word in _clean(text).split():
        if rows and len(rows[-1]) + 1 + len(word) <= width:
            rows[-1] += " " + word
        else:
            rows.append(word)
    return rows


def fits_caption(text: str, width: int = 32, rows: int = 2) -> bool:
    """True when ``text`` wraps into at most ``rows`` lines of ``width`` characters."""
    wrapped = wrap(text, width)
    return 0 < len(wrapped) <= rows and all(len(row) <= width for row in wrapped)
